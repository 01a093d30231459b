/**
 * src/pipeline.ts: GstPipeline's lifetime (startup, done, shutdown, dispose), element look-ups,
 * the pre-PLAYING hook, and how GStreamer's errors and warnings reach the caller.
 * gstreamer-python's tests/test_gst_pipeline.py is the first test.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  GLib,
  Gst,
  GstApp,
  GstBase,
  GstElementNotFoundError,
  GstError,
  GstParseError,
  GstPipeline,
  GstPipelineError,
  GstStateError,
  type GstWarning,
} from '../src';
import { reachesState, rejectionOf, runScript, SRC, within } from './helpers/support';

const LIVE = 'videotestsrc is-live=true ! video/x-raw,width=64,height=48,framerate=30/1 ! fakesink';

/** Resolves at the first buffer through `pad` (a probe that removes itself). */
function firstBuffer(pad: Gst.Pad): Promise<void> {
  return new Promise<void>((resolve) => {
    pad.addProbe(Gst.PadProbeType.BUFFER, () => {
      resolve();
      return Gst.PadProbeReturn.REMOVE;
    });
  });
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'gstreamer-ts-pipeline-'));
}

test('test_gst_pipeline: videotestsrc num-buffers=100 ! fakesink plays to its end', async () => {
  const pipeline = new GstPipeline('videotestsrc num-buffers=100 ! fakesink sync=false');
  assert.ok(pipeline.pipeline instanceof Gst.Pipeline);
  assert.ok(pipeline.bus instanceof Gst.Bus);
  assert.is(pipeline.command, 'videotestsrc num-buffers=100 ! fakesink sync=false');
  assert.is(pipeline.isActive, false, 'not active before startup');
  assert.is(pipeline.isDone, false, 'not done before startup');

  assert.is(pipeline.startup(), pipeline, 'startup returns the pipeline');
  assert.is(pipeline.isActive, true, 'active after startup');
  assert.is(pipeline.isDone, false);
  assert.is(pipeline.startup(), pipeline, 'a second startup does nothing');

  await within(pipeline.done, 10_000, 'done');
  assert.is(pipeline.isActive, false, 'not active after the end of stream');
  assert.is(pipeline.isDone, true, 'done after the end of stream');
  assert.is(pipeline.error, null);
  const [, state] = pipeline.pipeline.getState(0);
  assert.is(state, Gst.State.NULL, 'torn down to NULL');
});

test('isActive / isDone while a live pipeline plays, and after shutdown', async () => {
  const pipeline = new GstPipeline(LIVE).startup();
  try {
    await within(reachesState(pipeline, Gst.State.PLAYING), 5000, 'PLAYING');
    assert.is(pipeline.isActive, true);
    assert.is(pipeline.isDone, false);
  } finally {
    await within(pipeline.shutdown(), 5000, 'shutdown');
  }
  assert.is(pipeline.isActive, false);
  assert.is(pipeline.isDone, true);
});

test('a beforePlaying hook that throws: startup rethrows it, nothing plays, done rejects with it as cause', async () => {
  const boom = new Error('bad property');
  const pipeline = new GstPipeline('videotestsrc num-buffers=5 ! fakesink', {
    beforePlaying() {
      throw boom;
    },
  });
  assert.throws(
    () => pipeline.startup(),
    (error: unknown) => error === boom,
  );
  assert.is(pipeline.isActive, false);
  assert.is(pipeline.isDone, true);
  const error = await rejectionOf(pipeline.done, 2000, 'done after a throwing hook');
  assert.ok(error instanceof GstPipelineError);
  assert.is(error.cause, boom);
  assert.is(pipeline.pipeline.getState(0)[1], Gst.State.NULL);
});

test('getByCls finds the appsink, also inside a nested bin', () => {
  const flat = new GstPipeline('videotestsrc num-buffers=1 ! queue ! appsink name=sink');
  const sinks = flat.getByCls(GstApp.AppSink);
  assert.is(sinks.length, 1);
  assert.ok(sinks[0] instanceof GstApp.AppSink);
  assert.is(sinks[0].name, 'sink');
  assert.equal(flat.getByCls(GstApp.AppSrc), [], 'no match gives []');

  for (const description of [
    'videotestsrc num-buffers=1 ! bin.( queue ! appsink name=inner )',
    'videotestsrc num-buffers=1 ! ( queue ! appsink name=inner )',
  ]) {
    const nested = new GstPipeline(description);
    const found = nested.getByCls(GstApp.AppSink);
    assert.is(found.length, 1, description);
    assert.is(found[0].name, 'inner');
    const parent = found[0].getParent();
    assert.ok(parent instanceof Gst.Bin && !(parent instanceof Gst.Pipeline), `${description}: the appsink sits in a sub-bin`);
    // the sub-bin itself is an element of the pipeline too
    assert.is(nested.getByCls(Gst.Bin).length, 1);
    assert.is(nested.getByCls(Gst.Element).length, 4, 'videotestsrc, bin, queue, appsink');
  }
});

test('getOneByCls: the one element, or GstElementNotFoundError naming the class', () => {
  const one = new GstPipeline('videotestsrc ! appsink name=only');
  assert.is(one.getOneByCls(GstApp.AppSink).name, 'only');
  assert.throws(
    () => one.getOneByCls(GstApp.AppSrc),
    (error: unknown) =>
      error instanceof GstElementNotFoundError && error instanceof GstError && /AppSrc/.test(error.message) && /none/.test(error.message),
  );
  const two = new GstPipeline('videotestsrc ! tee name=t t. ! queue ! appsink t. ! queue ! appsink');
  assert.is(two.getByCls(GstApp.AppSink).length, 2);
  assert.throws(
    () => two.getOneByCls(GstApp.AppSink),
    (error: unknown) => error instanceof GstElementNotFoundError && /AppSink/.test(error.message) && /2/.test(error.message),
  );
});

test('getByName: found, missing gives null, wrong class is a TypeError', () => {
  const pipeline = new GstPipeline('videotestsrc name=src ! appsink name=sink');
  const src = pipeline.getByName('src');
  assert.ok(src instanceof Gst.Element);
  assert.ok(src instanceof GstBase.BaseSrc, 'the runtime object is the subclass');
  const sink = pipeline.getByName('sink', GstApp.AppSink);
  assert.ok(sink instanceof GstApp.AppSink);
  assert.is(sink?.name, 'sink');
  assert.is(pipeline.getByName('missing'), null);
  assert.is(pipeline.getByName('missing', GstApp.AppSink), null);
  assert.throws(
    () => pipeline.getByName('src', GstApp.AppSink),
    (error: unknown) => error instanceof TypeError && /src/.test(error.message) && /AppSink/.test(error.message),
  );
});

test('beforePlaying runs after parsing, before PLAYING: its properties take effect', async () => {
  const states: Gst.State[] = [];
  let hookArgument: GstPipeline | null = null;
  const pipeline = new GstPipeline(
    'videotestsrc name=src num-buffers=100 ! video/x-raw,width=32,height=24 ! appsink name=sink emit-signals=true sync=false',
    {
      beforePlaying: (p) => {
        hookArgument = p;
        states.push(p.pipeline.getState(0)[1]);
        const src = p.getByName('src', GstBase.BaseSrc);
        if (!src) throw new Error('no src');
        src.numBuffers = 7;
      },
    },
  );
  assert.equal(states, [], 'the hook does not run at construction');
  const sink = pipeline.getOneByCls(GstApp.AppSink);
  let frames = 0;
  sink.connect('new-sample', () => {
    if (sink.emit('pull-sample')) frames++;
    return Gst.FlowReturn.OK;
  });
  pipeline.startup();
  assert.is(hookArgument, pipeline);
  assert.equal(states, [Gst.State.NULL], 'the hook ran once, in NULL');
  await within(pipeline.done, 10_000, 'done');
  assert.is(frames, 7, 'num-buffers set in the hook took effect');
});

test("malformed descriptions throw GstParseError with GStreamer's message", () => {
  const cases: ReadonlyArray<[string, RegExp]> = [
    ['videotestsrc !', /syntax error/],
    ['nosuchelement', /no element "nosuchelement"/],
    ['videotestsrc ! video/x-raw,width=(int ! fakesink', /could not parse caps/],
  ];
  for (const [description, message] of cases) {
    let thrown: unknown = null;
    try {
      new GstPipeline(description);
    } catch (error) {
      thrown = error;
    }
    assert.ok(thrown instanceof GstParseError, `${description}: ${String(thrown)}`);
    assert.ok(thrown instanceof GstError && thrown instanceof Error);
    assert.is(thrown.name, 'GstParseError');
    assert.is(thrown.description, description);
    assert.match(thrown.message, message);
    assert.ok(thrown.message.includes(description), 'the message quotes the description');
  }
});

test('a runtime error rejects done with GstPipelineError; the pipeline is done', async () => {
  const pipeline = new GstPipeline('filesrc location=/nonexistent/file ! fakesink');
  const done = pipeline.done;
  pipeline.startup();
  const error = await rejectionOf(done, 5000, 'done');
  assert.ok(error instanceof GstPipelineError, String(error));
  assert.ok(error instanceof GstError);
  assert.is(error.name, 'GstPipelineError');
  assert.match(error.message, /resource|not found/i);
  assert.match(error.debug ?? '', /\/nonexistent\/file/, 'the debug string names the file');
  assert.match(error.source ?? '', /^filesrc/);
  assert.is(pipeline.isDone, true);
  assert.is(pipeline.isActive, false);
  // a later await sees the same rejection
  assert.is(await rejectionOf(pipeline.done, 1000, 'done again'), error);
});

test('pipeline.error is the error done rejected with (GStreamer posts a second error after the first)', async () => {
  // basesrc posts its own "state change failed" error after filesrc's "Resource not found".
  const pipeline = new GstPipeline('filesrc location=/nonexistent/file ! fakesink');
  const done = pipeline.done;
  pipeline.startup();
  const error = await rejectionOf(done, 5000, 'done');
  // The second error reaches the bus watch before the teardown that settles done, or never.
  assert.is(pipeline.error?.message, (error as Error).message);
  assert.is(pipeline.error, error);
});

test('a failure the caller awaits is not also printed on stderr', async () => {
  const printed: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void printed.push(args.map(String).join(' '));
  try {
    // the tutorial's shape: start, then await done (the example then prints the error itself)
    const pipeline = new GstPipeline('filesrc location=/nonexistent/file ! fakesink').startup();
    await rejectionOf(pipeline.done, 5000, 'done');
  } finally {
    console.error = original;
  }
  assert.equal(printed, [], 'onError printed an error that the caller handles');
});

test('shutdown() of a live pipeline resolves, is idempotent, and done resolves', async () => {
  await using pipeline = new GstPipeline(LIVE).startup();
  await within(reachesState(pipeline, Gst.State.PLAYING), 5000, 'PLAYING');
  const first = pipeline.shutdown();
  const second = pipeline.shutdown();
  assert.is(first, second, 'the same promise');
  await within(first, 5000, 'shutdown');
  assert.is(pipeline.isDone, true);
  assert.is(pipeline.isActive, false);
  await within(pipeline.done, 1000, 'done after shutdown');
  await within(pipeline.shutdown(), 1000, 'shutdown again');
  assert.is(pipeline.pipeline.getState(0)[1], Gst.State.NULL);
  // startup() again says what to do instead (a GstStateError): the pipeline stays done
  assert.throws(
    () => pipeline.startup(),
    (error: unknown) => error instanceof GstStateError && /create a new one/.test(error.message),
  );
  assert.is(pipeline.isDone, true);
  assert.is(pipeline.pipeline.getState(0)[1], Gst.State.NULL);
});

test('shutdown() of a pipeline never started resolves and makes it done', async () => {
  const pipeline = new GstPipeline(LIVE);
  await within(pipeline.shutdown(), 1000, 'shutdown');
  assert.is(pipeline.isDone, true);
  assert.is(pipeline.isActive, false);
  await within(pipeline.done, 1000, 'done');
  assert.throws(
    () => pipeline.startup(),
    (error: unknown) => error instanceof GstPipelineError,
    'a pipeline shut down before it started cannot start',
  );
});

test('await using: leaving the scope shuts the pipeline down', async () => {
  let escaped: GstPipeline | null = null;
  {
    await using pipeline = new GstPipeline(LIVE).startup();
    escaped = pipeline;
    await within(reachesState(pipeline, Gst.State.PLAYING), 5000, 'PLAYING');
    assert.is(pipeline.isActive, true);
  }
  const pipeline: GstPipeline = escaped;
  assert.is(pipeline.isDone, true);
  assert.is(pipeline.pipeline.getState(0)[1], Gst.State.NULL);
  await within(pipeline.done, 1000, 'done');
});

test('using: leaving the scope stops the pipeline at once', async () => {
  let escaped: GstPipeline | null = null;
  {
    using pipeline = new GstPipeline(LIVE).startup();
    escaped = pipeline;
    await within(reachesState(pipeline, Gst.State.PLAYING), 5000, 'PLAYING');
  }
  const pipeline: GstPipeline = escaped;
  assert.is(pipeline.isDone, true, 'done as soon as the block is left');
  assert.is(pipeline.isActive, false);
  // NULL is reached on a worker thread; done settles once it is
  await within(pipeline.done, 5000, 'done');
  assert.is(pipeline.pipeline.getState(0)[1], Gst.State.NULL);
});

test('shutdown() ends the stream first: a file writer finishes its file (avimux writes its index at EOS)', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'clip.avi');
  try {
    await using pipeline = new GstPipeline(
      `videotestsrc is-live=true ! video/x-raw,format=I420,width=64,height=48,framerate=30/1 ! avimux ! filesink name=out location=${file}`,
    );
    const written = firstBuffer(pipeline.getByName('out')!.getStaticPad('sink')!);
    pipeline.startup();
    // PLAYING as well as a first buffer: EOS sent while the sink still waits for preroll can
    // deadlock shutdown() (see the last test)
    await within(Promise.all([written, reachesState(pipeline, Gst.State.PLAYING)]), 5000, 'first buffer at the filesink, PLAYING');
    await within(pipeline.shutdown(), 5000, 'shutdown');
    assert.is(pipeline.isDone, true);
    const bytes = fs.readFileSync(file);
    assert.ok(bytes.length > 0, 'the file is not empty');
    assert.is(bytes.subarray(0, 4).toString('latin1'), 'RIFF');
    assert.ok(bytes.includes(Buffer.from('idx1')), 'the index avimux writes at end of stream is there');
    assert.is(bytes.readUInt32LE(4), bytes.length - 8, 'the RIFF size was rewritten at end of stream');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a pngenc ! multifilesink writer leaves complete, non-empty files after shutdown', async () => {
  const dir = tempDir();
  try {
    await using pipeline = new GstPipeline(
      `videotestsrc is-live=true ! video/x-raw,width=64,height=48,framerate=30/1 ! videoconvert ! pngenc snapshot=false ! multifilesink name=out location=${path.join(dir, 'frame%05d.png')}`,
    );
    const written = firstBuffer(pipeline.getByName('out')!.getStaticPad('sink')!);
    pipeline.startup();
    // PLAYING as well as a first buffer: EOS sent while the sink still waits for preroll can
    // deadlock shutdown() (see the last test)
    await within(Promise.all([written, reachesState(pipeline, Gst.State.PLAYING)]), 5000, 'first buffer at the multifilesink, PLAYING');
    await within(pipeline.shutdown(), 5000, 'shutdown');
    const files = fs.readdirSync(dir).filter((name) => name.endsWith('.png'));
    assert.ok(files.length >= 1, `files: ${files.join(', ')}`);
    for (const name of files) {
      const bytes = fs.readFileSync(path.join(dir, name));
      assert.ok(bytes.length > 0, `${name} is empty`);
      assert.equal([...bytes.subarray(1, 4)], [...Buffer.from('PNG')], `${name} is a PNG`);
      assert.is(bytes.subarray(bytes.length - 8, bytes.length - 4).toString('latin1'), 'IEND', `${name} is complete`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('warnings posted on the bus reach onWarning with message, debug and source', async () => {
  let warned!: (warning: GstWarning) => void;
  const warning = new Promise<GstWarning>((resolve) => (warned = resolve));
  const pipeline = new GstPipeline('videotestsrc name=src is-live=true ! video/x-raw,width=32,height=24 ! fakesink', {
    onWarning: (w) => warned(w),
  }).startup();
  try {
    const src = pipeline.getByName('src')!;
    const error = GLib.Error.newLiteral(Gst.coreErrorQuark(), Gst.CoreError.FAILED, 'a warning from the test');
    assert.ok(pipeline.pipeline.postMessage(Gst.Message.newWarning(src, error, 'warning details')));
    assert.equal(await within(warning, 5000, 'warning'), { message: 'a warning from the test', debug: 'warning details', source: 'src' });
    assert.is(pipeline.isActive, true, 'a warning does not stop the pipeline');
  } finally {
    await within(pipeline.shutdown(), 5000, 'shutdown');
  }
});

test('shutdown() of a pipeline whose appsink nobody pulls resolves (run in a child: it can deadlock)', async () => {
  // The appsink holds 2 samples and nobody pulls: the streaming thread waits inside the appsink.
  // shutdown() must still end: EOS, then NULL after its 1 s timeout at the latest. The probe sees
  // the third buffer on its way into the full sink, where the thread blocks as soon as the probe
  // returns; shutdown() starts right after (before or after the thread blocks, it must end), and
  // no fourth buffer gets through the full sink.
  const script = `
    const { Gst, GstPipeline } = require(${JSON.stringify(SRC)});
    const pipeline = new GstPipeline('videotestsrc ! video/x-raw,width=32,height=24 ! appsink name=sink max-buffers=2');
    let buffers = 0;
    pipeline.getByName('sink').getStaticPad('sink').addProbe(Gst.PadProbeType.BUFFER, () => {
      if (++buffers === 3) setImmediate(() => {
        pipeline.shutdown().then(() => console.log('shut down, done: ' + pipeline.isDone + ', buffers: ' + buffers));
      });
      return Gst.PadProbeReturn.OK;
    });
    pipeline.startup();
  `;
  const exit = await runScript(script, { timeoutMs: 20_000, what: 'shutdown with a full appsink' });
  assert.is(exit.code, 0, exit.stderr);
  assert.match(exit.stdout, /^shut down, done: true, buffers: 3$/m);
});

test('shutdown() of a pipeline still prerolling ends it: done settles and the process exits (run in a child)', async () => {
  // The appsrc branch never gets data, so the pipeline never reaches PLAYING; the videotestsrc
  // branch has prerolled and its streaming thread waits in the fakesink. EOS cannot get through
  // (sending it holds the pipeline's state lock while it waits for the source's stream lock), so
  // shutdown() must reach NULL without it. gst-launch-1.0 -e hangs on this same pipeline.
  const script = `
    const { Gst, GstPipeline } = require(${JSON.stringify(SRC)});
    const pipeline = new GstPipeline('videotestsrc ! video/x-raw,width=32,height=24 ! fakesink name=prerolled signal-handoffs=true appsrc ! fakesink');
    // preroll-handoff: the sink holds its preroll buffer, and its streaming thread waits in it from now on.
    pipeline.getByName('prerolled').connect('preroll-handoff', () => setImmediate(() => {
      pipeline.shutdown().then(() => console.log('shutdown resolved'));
      pipeline.done.then(() => console.log('done'));
    }));
    pipeline.startup();
  `;
  const exit = await runScript(script, { timeoutMs: 20_000, what: 'shutdown while prerolling' });
  assert.is(exit.code, 0, exit.stderr);
  assert.match(exit.stdout, /^shutdown resolved$/m);
  assert.match(exit.stdout, /^done$/m);
});

test('a pad probe callback that throws fails the pipeline, not the process (run in a child)', async () => {
  // docs/node-gtk.md, 'A throw in a signal handler', for the other callback users write: node-gtk turns a throw in a probe into a
  // process exit (here reported as a null message in the bus handler of src/pipeline.ts).
  const script = `
    const { Gst, GstPipeline } = require(${JSON.stringify(SRC)});
    const pipeline = new GstPipeline('videotestsrc num-buffers=3 ! identity name=id ! fakesink sync=false');
    pipeline.getByName('id').getStaticPad('src').addProbe(Gst.PadProbeType.BUFFER, () => {
      throw new Error('probe threw');
    });
    pipeline.startup();
    pipeline.done.then(
      () => console.log('done resolved'),
      (error) => console.log('done rejected, cause: ' + (error.cause && error.cause.message)),
    );
  `;
  const exit = await runScript(script, { timeoutMs: 20_000, what: 'throwing probe' });
  assert.is(exit.code, 0, exit.stderr);
  assert.match(exit.stdout, /^done rejected, cause: probe threw$/m);
});

test.run();
