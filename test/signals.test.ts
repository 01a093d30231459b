/**
 * src/signals.ts beyond 'new-sample': a throw in any element's signal handler (node-gtk would end
 * the process: docs/node-gtk.md) fails the pipeline that owns the element, with a
 * GstPipelineError that names the element, the signal and the thrown message, and the handler
 * answers GStreamer with a value of the signal's return type in its place (a flow: ERROR, a
 * gboolean: false, void: nothing). Handlers on streaming threads ('handoff', 'need-data') are
 * run in a child process too: a regression there would kill the process, not fail a test.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Gst, GstApp, GstPipeline, GstPipelineError } from '../src';
import { pipelinesStoppedAfterEach, rejectionOf, runScript, SRC } from './helpers/support';

const track = pipelinesStoppedAfterEach(test);

/** Asserts that `error` is the failure a throw of `message` in `signal` on `element` gives. */
function assertThrowFailure(error: unknown, element: string, signal: string, message: string): void {
  assert.instance(error, GstPipelineError, String(error));
  const failure = error as GstPipelineError;
  assert.is(failure.message, `${element}: '${signal}' handler threw: ${message}`);
  assert.is(failure.source, element);
  assert.instance(failure.cause, Error);
  assert.is((failure.cause as Error).message, message, 'the thrown error is the cause');
}

for (const element of ['identity', 'fakesink']) {
  test(`a throwing 'handoff' handler of ${element} (signal-handoffs=true) fails the pipeline with the element, signal and message`, async () => {
    const command =
      element === 'identity'
        ? 'videotestsrc num-buffers=50 ! identity name=watched signal-handoffs=true ! fakesink sync=false'
        : 'videotestsrc num-buffers=50 ! fakesink name=watched signal-handoffs=true sync=false';
    const pipeline = track(new GstPipeline(command));
    let calls = 0;
    pipeline.getByName('watched')!.connect('handoff', () => {
      calls++;
      throw new Error(`handoff ${calls} refused`);
    });
    pipeline.startup();
    assertThrowFailure(await rejectionOf(pipeline.done, 10_000, 'done'), 'watched', 'handoff', 'handoff 1 refused');
    assert.is(pipeline.error?.message, `watched: 'handoff' handler threw: handoff 1 refused`, 'the first throw is the error');
  });
}

test("a throwing 'need-data' handler of appsrc fails the pipeline", async () => {
  const pipeline = track(new GstPipeline('appsrc name=src caps=video/x-raw,format=GRAY8,width=4,height=4,framerate=5/1 ! fakesink'));
  pipeline.getByName('src', GstApp.AppSrc)!.connect('need-data', () => {
    throw new TypeError('no data here');
  });
  pipeline.startup();
  assertThrowFailure(await rejectionOf(pipeline.done, 10_000, 'done'), 'src', 'need-data', 'no data here');
});

test('the value a throwing handler returns in its place: ERROR for a flow, false for a gboolean', async () => {
  const pipeline = track(new GstPipeline('appsrc name=src ! appsink name=out emit-signals=true'));
  const out = pipeline.getByName('out', GstApp.AppSink)!;
  const src = pipeline.getByName('src', GstApp.AppSrc)!;
  out.connect('new-preroll', () => {
    throw new Error('preroll refused');
  });
  src.connect('seek-data', () => {
    throw new Error('seek refused');
  });
  pipeline.startup();
  assert.is(out.emit('new-preroll'), Gst.FlowReturn.ERROR, "'new-preroll' returns a GstFlowReturn: ERROR in place of the throw");
  assertThrowFailure(pipeline.error, 'out', 'new-preroll', 'preroll refused');
  assert.is(src.emit('seek-data', 0n), false, "'seek-data' returns a gboolean: false in place of the throw");
  await rejectionOf(pipeline.done, 5_000, 'done');
});

test('handlers that do not throw return their own value', () => {
  const pipeline = track(new GstPipeline('appsrc name=src ! appsink name=out emit-signals=true'));
  const out = pipeline.getByName('out', GstApp.AppSink)!;
  out.connect('new-preroll', () => Gst.FlowReturn.EOS);
  assert.is(out.emit('new-preroll'), Gst.FlowReturn.EOS);
  const src = pipeline.getByName('src', GstApp.AppSrc)!;
  src.connect('seek-data', () => true);
  assert.is(src.emit('seek-data', 0n), true);
});

test('connect() with something that is not a function is a TypeError naming the signal', () => {
  const pipeline = track(new GstPipeline('appsrc name=src ! appsink name=out'));
  for (const [name, signal] of [
    ['src', 'need-data'],
    ['out', 'new-sample'],
  ]) {
    const element = pipeline.getByName(name)!;
    assert.throws(
      () => element.connect(signal, 42 as unknown as () => void),
      (error: unknown) => error instanceof TypeError && error.message.includes(`'${signal}'`),
      `${name} ${signal}`,
    );
  }
});

test("a throw in a streaming thread's handler does not end the process (run in a child)", async () => {
  const script = `
    const { GstPipeline } = require(${JSON.stringify(SRC)});
    const pipeline = new GstPipeline('videotestsrc num-buffers=20 ! identity name=id signal-handoffs=true ! fakesink sync=false');
    pipeline.getByName('id').connect('handoff', () => { throw new Error('boom'); });
    pipeline.startup();
    pipeline.done.then(() => console.log('resolved'), (error) => console.log('rejected: ' + error.message));
  `;
  const exit = await runScript(script, { timeoutMs: 20_000, what: 'a throwing handoff handler in a child' });
  assert.is(exit.code, 0, exit.stderr);
  assert.match(exit.stdout, /^rejected: id: 'handoff' handler threw: boom$/m);
});

test.run();
