/**
 * A frame function's promise that never settles, in a pipeline stopped at once (stopNow, no end
 * of stream): GStreamer drops the frame at NULL, and the promise must not stay pending for the
 * process (src/element/video-filter.ts, forgetPendingFrames), where it held the shutdown of every
 * later pipeline that waited for its own frames to settle.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GstPipeline, GstVideoAnalyzer, registerElement } from '../src';
import { framesSettled } from '../src/element/video-filter';
import { pipelinesStoppedAfterEach, within } from './helpers/support';

const track = pipelinesStoppedAfterEach(test);
const GRAY = 'video/x-raw,format=GRAY8,width=8,height=8';

/** Holds its first frame, by a promise only `release` settles; tells when it holds it. */
class Hold extends GstVideoAnalyzer {
  static elementName = 'test_forget_hold';
  static formats = ['GRAY8'];
  static held: ((hold: Hold) => void) | null = null;
  release: (() => void) | null = null;
  frames = 0;
  analyzeFrame(): Promise<void> | void {
    if (this.frames++ > 0) return;
    const promise = new Promise<void>((resolve) => (this.release = resolve));
    Hold.held?.(this);
    return promise;
  }
}
registerElement(Hold);

function holding(): { pipeline: GstPipeline; held: Promise<Hold> } {
  const held = new Promise<Hold>((resolve) => (Hold.held = resolve));
  const pipeline = track(new GstPipeline(`videotestsrc ! ${GRAY} ! test_forget_hold ! fakesink`)).startup();
  return { pipeline, held: within(held, 10_000, 'the first frame held') };
}

test('stopNow with a frame function pending: once done, nothing is left pending', async () => {
  const { pipeline, held } = holding();
  await held;
  let settled = false;
  void framesSettled().then(() => (settled = true));
  pipeline.stopNow();
  await within(pipeline.done, 5_000, 'done');
  await within(framesSettled(), 1_000, 'framesSettled after the pipeline reached NULL');
  assert.ok(settled, 'the wait that began while the frame was held ends too');
});

test("a later pipeline's shutdown waits for its own held frame only, not for a dropped one", async () => {
  const first = holding();
  await first.held;
  first.pipeline.stopNow(); // its promise never settles
  await within(first.pipeline.done, 5_000, 'the first pipeline done');

  const second = holding();
  const hold = await second.held;
  const stopping = second.pipeline.shutdown(2 ** 31 - 1);
  hold.release?.();
  await within(stopping, 5_000, 'the shutdown, once its own frame settled');
  assert.is(second.pipeline.error, null);
});

test.run();
