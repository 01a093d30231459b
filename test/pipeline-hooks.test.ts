/**
 * src/pipeline.ts, what a user sees without asking: a failure nobody awaits is printed (never an
 * unhandled rejection, never silence), warnings are printed when no onWarning is given, a
 * one-element description makes a pipeline, and the hooks a subclass overrides (onPipelineInit,
 * onEos, onStopped, onError, onWarning) run when and in the order their TSDoc says.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GLib, Gst, GstPipeline, GstPipelineError, type GstWarning } from '../src';
import { busTurn, pipelinesStoppedAfterEach, reachesState, rejectionOf, within } from './helpers/support';

const track = pipelinesStoppedAfterEach(test);
const MISSING = 'filesrc location=/nonexistent/file ! fakesink';

/** Replaces console[method] until the returned restore runs; resolves `first` at the first line printed. */
function capture(method: 'error' | 'warn'): { lines: string[]; first: Promise<string>; restore: () => void } {
  const original = console[method];
  const lines: string[] = [];
  let printed!: (line: string) => void;
  const first = new Promise<string>((resolve) => (printed = resolve));
  console[method] = (...args: unknown[]) => {
    const line = args.map(String).join(' ');
    lines.push(line);
    printed(line);
  };
  const restore = (): void => {
    console[method] = original;
  };
  return { lines, first, restore };
}

function postWarning(pipeline: GstPipeline, source: string, text: string): void {
  const src = pipeline.getByName(source)!;
  const error = GLib.Error.newLiteral(Gst.coreErrorQuark(), Gst.CoreError.FAILED, text);
  assert.ok(pipeline.pipeline.postMessage(Gst.Message.newWarning(src, error, 'details')));
}

test("a failure nobody awaits is printed on stderr: the class, the element, GStreamer's message and debug string", async () => {
  const stderr = capture('error');
  try {
    const pipeline = track(new GstPipeline(MISSING)).startup();
    const line = await within(stderr.first, 5_000, 'a failure nobody awaits to be printed');
    assert.ok(pipeline.error, 'the pipeline failed');
    assert.ok(line.startsWith(`GstPipeline: ${pipeline.error.message}`), `printed: ${line}`);
    assert.match(line, /filesrc\d*: .*(not found|resource)/i);
    assert.match(line, /\n {2}[\s\S]*\/nonexistent\/file/, `the debug string on the next line: ${line}`);
    assert.is(stderr.lines.length, 1, 'printed once');
  } finally {
    stderr.restore();
  }
});

test('a subclass is named in what is printed', async () => {
  class Recorder extends GstPipeline {}
  const stderr = capture('error');
  try {
    track(new Recorder(MISSING)).startup();
    assert.match(await within(stderr.first, 5_000, 'the failure to be printed'), /^Recorder: /);
  } finally {
    stderr.restore();
  }
});

test('warnings without an onWarning option are printed on stderr with their source; the pipeline plays on', async () => {
  const stderr = capture('warn');
  try {
    const pipeline = track(new GstPipeline('videotestsrc name=src is-live=true ! video/x-raw,width=32,height=24 ! fakesink')).startup();
    postWarning(pipeline, 'src', 'a warning from the test');
    assert.is(await within(stderr.first, 5_000, 'the warning to be printed'), 'GstPipeline: warning from src: a warning from the test');
    assert.ok(pipeline.isActive);
  } finally {
    stderr.restore();
  }
});

test('a one-element description is a pipeline holding that element', async () => {
  const pipeline = track(new GstPipeline('fakesink name=only'));
  assert.instance(pipeline.pipeline, Gst.Pipeline);
  assert.is(pipeline.pipeline.getChildrenCount(), 1);
  assert.is(pipeline.getByName('only')?.getFactory()?.name, 'fakesink');
  assert.instance(pipeline.bus, Gst.Bus);
  pipeline.startup();
  assert.ok(pipeline.isActive);
  // A lone sink waits for a preroll that never comes: on its way to PAUSED, not failed.
  const [result, , pending] = pipeline.pipeline.getState(0);
  assert.equal([result, pending], [Gst.StateChangeReturn.ASYNC, Gst.State.PLAYING]);
  await within(pipeline.shutdown(), 5_000, 'shutdown');
  assert.is(pipeline.pipeline.getState(0)[1], Gst.State.NULL);
});

/** A subclass that records each hook with what it saw. */
class Hooked extends GstPipeline {
  readonly calls: string[] = [];
  readonly warnings: GstWarning[] = [];
  protected override onPipelineInit(): void {
    this.calls.push(`init in ${Gst.Element.stateGetName(this.pipeline.getState(0)[1])}`);
  }
  protected override onEos(): void {
    this.calls.push(`eos, done ${this.isDone}`);
  }
  protected override onStopped(): void {
    this.calls.push(`stopped in ${Gst.Element.stateGetName(this.pipeline.getState(0)[1])}`);
  }
  protected override onError(error: GstPipelineError): void {
    this.calls.push(`error ${error instanceof GstPipelineError}`);
  }
  protected override onWarning(warning: GstWarning): void {
    this.warnings.push(warning);
  }
}

test('hooks at end of stream: onPipelineInit before beforePlaying in NULL, onEos while not yet done, onStopped in NULL before done resolves', async () => {
  const pipeline = track(
    new Hooked('videotestsrc num-buffers=3 ! fakesink sync=false', { beforePlaying: (p) => (p as Hooked).calls.push('beforePlaying') }),
  );
  pipeline.startup();
  await within(
    pipeline.done.then(() => pipeline.calls.push('done')),
    10_000,
    'done',
  );
  assert.equal(pipeline.calls, ['init in NULL', 'beforePlaying', 'eos, done false', 'stopped in NULL', 'done']);
});

test('hooks on failure: onError (overridden: nothing printed), then onStopped, then done rejects; onEos never', async () => {
  const stderr = capture('error');
  try {
    const pipeline = track(new Hooked(MISSING));
    pipeline.startup();
    const rejected = rejectionOf(
      pipeline.done.finally(() => pipeline.calls.push('settled')),
      5_000,
      'done',
    );
    assert.instance(await rejected, GstPipelineError);
    assert.equal(pipeline.calls, ['init in NULL', 'error true', 'stopped in NULL', 'settled']);
    // A turn later is when the default onError would print.
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(stderr.lines, [], 'an overridden onError prints nothing');
  } finally {
    stderr.restore();
  }
});

test('an onWarning override gets the warning; nothing is printed', async () => {
  const stderr = capture('warn');
  try {
    const pipeline = track(new Hooked('videotestsrc name=src is-live=true ! video/x-raw,width=32,height=24 ! fakesink')).startup();
    postWarning(pipeline, 'src', 'seen by the subclass');
    // The warning goes through the bus; a second message after it marks when it has been handled.
    await within(reachesState(pipeline, Gst.State.PLAYING), 5_000, 'PLAYING');
    await busTurn(pipeline);
    assert.equal(pipeline.warnings, [{ message: 'seen by the subclass', debug: 'details', source: 'src' }]);
    assert.equal(stderr.lines, []);
  } finally {
    stderr.restore();
  }
});

test.run();
