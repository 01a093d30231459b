/**
 * Hooks of GstPipeline that return promises (src/pipeline.ts): an async onWarning option that
 * rejects fails the pipeline (it once became an unhandled rejection that ended the process); an
 * async onEos is waited for before NULL, and its rejection fails the pipeline (it was ignored).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GLib, Gst, GstPipeline, GstPipelineError } from '../src';
import { pipelinesStoppedAfterEach, reachesState, rejectionOf, within } from './helpers/support';

const track = pipelinesStoppedAfterEach(test);
const LIVE = 'videotestsrc name=src is-live=true ! video/x-raw,width=32,height=24,framerate=30/1 ! fakesink';

test('an async onWarning that rejects fails the pipeline with the rejection as its cause', async () => {
  const boom = new Error('async warning handler broke');
  const pipeline = track(new GstPipeline(LIVE, { onWarning: () => Promise.reject(boom) })).startup();
  await within(reachesState(pipeline, Gst.State.PLAYING), 5_000, 'PLAYING');
  const warning = GLib.Error.newLiteral(Gst.coreErrorQuark(), 1, 'w');
  assert.ok(pipeline.pipeline.postMessage(Gst.Message.newWarning(pipeline.getByName('src')!, warning, 'details')));
  const error = await rejectionOf(pipeline.done, 5_000, 'done');
  assert.instance(error, GstPipelineError);
  assert.is((error as GstPipelineError).message, 'onWarning threw: async warning handler broke');
  assert.is((error as GstPipelineError).cause, boom);
});

class AsyncEnd extends GstPipeline {
  readonly calls: string[] = [];
  release: (() => void) | null = null;
  rejectWith: Error | null = null;
  private reached!: () => void;
  /** Resolves when onEos is called. */
  readonly atEos = new Promise<void>((resolve) => (this.reached = resolve));
  protected override onEos(): Promise<void> {
    this.calls.push('eos');
    this.reached();
    return new Promise<void>((resolve, reject) => {
      this.release = () => (this.rejectWith ? reject(this.rejectWith) : resolve());
    });
  }
  protected override onStopped(): void {
    this.calls.push('stopped');
  }
}

test('an async onEos is waited for: the pipeline stops once its promise settles', async () => {
  const pipeline = track(new AsyncEnd('videotestsrc num-buffers=3 ! fakesink')).startup();
  await within(pipeline.atEos, 5_000, 'onEos called');
  // a turn of the bus later the pipeline still waits for onEos
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(pipeline.calls, ['eos']);
  assert.is(pipeline.isDone, false);
  pipeline.release!();
  await within(pipeline.done, 5_000, 'done');
  assert.equal(pipeline.calls, ['eos', 'stopped']);
});

test('an async onEos that rejects fails the pipeline', async () => {
  const pipeline = track(new AsyncEnd('videotestsrc num-buffers=3 ! fakesink'));
  const boom = new Error('onEos broke');
  pipeline.rejectWith = boom;
  pipeline.startup();
  await within(pipeline.atEos, 5_000, 'onEos called');
  pipeline.release!();
  const error = await rejectionOf(pipeline.done, 5_000, 'done');
  assert.is((error as GstPipelineError).message, 'onEos threw: onEos broke');
  assert.is((error as GstPipelineError).cause, boom);
});

test.run();
