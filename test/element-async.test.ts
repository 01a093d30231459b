/**
 * src/element/: async frame functions (a model's `await session.run(...)` inside an element) and
 * objects attached by an analyzer. The streaming thread waits for the promise; a rejection fails
 * the pipeline; a flush or a shutdown with a promise pending neither hangs nor touches memory
 * that is gone; objects written on the buffer are read back downstream.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Gst,
  GstPipeline,
  GstPipelineError,
  GstVideoAnalyzer,
  GstVideoFilter,
  GstVideoSource,
  registerElement,
  type VideoFilterFrame,
  type VideoFrame,
} from '../src';
import { collect, pipelinesStoppedAfterEach, rejectionOf, within } from './helpers/support';
import type { FrameTensor } from '../src/tensor';
import { framesSettled } from '../src/element/video-filter';

const track = pipelinesStoppedAfterEach(test);
const GRAY = 'video/x-raw,format=GRAY8,width=8,height=8';
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function frames(command: string): Promise<VideoFrame[]> {
  return collect(track(new GstVideoSource(command)).startup(), 10_000, command);
}

/** Awaits two event-loop turns per frame, and reads the frame after them. */
class SlowCounter extends GstVideoAnalyzer {
  static elementName = 'test_async_counter';
  static formats = ['GRAY8'];
  readonly offsets: (number | null)[] = [];
  readonly firstSamples: number[] = [];
  active = 0;
  maxActive = 0;
  async analyzeFrame(frame: VideoFilterFrame): Promise<void> {
    this.maxActive = Math.max(this.maxActive, ++this.active);
    await turn();
    await turn();
    this.offsets.push(frame.offset);
    this.firstSamples.push(frame.data[0]);
    this.active--;
  }
}
registerElement(SlowCounter);

class SlowFill extends GstVideoFilter {
  static elementName = 'test_async_fill';
  static formats = ['GRAY8'];
  async transformFrameIp(frame: VideoFilterFrame): Promise<void> {
    await turn();
    frame.data.fill(77);
  }
}
registerElement(SlowFill);

class Rejecter extends GstVideoFilter {
  static elementName = 'test_async_rejecter';
  static formats = ['GRAY8'];
  async transformFrameIp(): Promise<void> {
    await turn();
    throw new RangeError('the model gave up');
  }
}
registerElement(Rejecter);

/** Makes each frame's tensor before its await, as a model inside an element would. */
class Tensorizer extends GstVideoAnalyzer {
  static elementName = 'test_async_tensorizer';
  static formats = ['RGB', 'I420'];
  readonly tensors: FrameTensor<'float32'>[] = [];
  readonly errors: unknown[] = [];
  async analyzeFrame(frame: VideoFilterFrame): Promise<void> {
    let tensor: FrameTensor<'float32'>;
    try {
      tensor = frame.toTensor({ layout: 'nchw' });
    } catch (error) {
      this.errors.push(error);
      return;
    }
    await turn(); // the frame's memory may be gone from here on; the tensor is not
    this.tensors.push(tensor);
  }
}
registerElement(Tensorizer);

/** Holds frames while `hold` is set, until the test releases them; tells when one is held. */
class Gate extends GstVideoAnalyzer {
  static elementName = 'test_async_gate';
  static formats = ['GRAY8'];
  static instance: Gate | null = null;
  hold = true;
  heldData: Uint8Array | Uint16Array | null = null;
  release: (() => void) | null = null;
  afterRelease = 0;
  onHeld: (() => void) | null = null;
  constructor() {
    super();
    Gate.instance = this;
  }
  analyzeFrame(frame: VideoFilterFrame): Promise<void> | void {
    if (!this.hold) {
      this.afterRelease++;
      return;
    }
    this.hold = false;
    this.heldData = frame.data;
    const held = new Promise<void>((resolve) => (this.release = resolve));
    this.onHeld?.();
    return held.then(() => {
      // Runs after the frame was dropped: the view is detached, reading it gives nothing.
      this.heldData?.[0];
    });
  }
}
registerElement(Gate);

/** Settles its first `after` frames, never the next one. */
class Never extends GstVideoAnalyzer {
  static elementName = 'test_async_never';
  static formats = ['GRAY8'];
  static properties = { after: { type: 'int', minimum: 0, default: 0 } } as const;
  declare after: number;
  static started: (() => void) | null = null;
  data: Uint8Array | Uint16Array | null = null;
  /** settles the pending promise at last (a test's cleanup: nothing is left pending for the suites after it) */
  settle: (() => void) | null = null;
  private seen = 0;
  analyzeFrame(frame: VideoFilterFrame): Promise<void> {
    if (this.seen++ < this.after) return Promise.resolve();
    this.data = frame.data;
    Never.started?.();
    return new Promise<void>((resolve) => (this.settle = resolve));
  }
}
registerElement(Never);

class Detector extends GstVideoAnalyzer {
  static elementName = 'test_detector';
  static formats = ['GRAY8'];
  static properties = { async: { type: 'boolean', default: false } } as const;
  declare async: boolean;
  analyzeFrame(frame: VideoFilterFrame): Promise<void> | void {
    const found = { boundingBox: [1, 2, 3, 4] as const, confidence: 0.5, className: 'thing', trackId: frame.offset ?? -1 };
    if (!this.async) return frame.addObject(found);
    return turn().then(() => frame.addObject(found));
  }
}
registerElement(Detector);

test('an async analyzer lets every frame through, in order', async () => {
  const got = await frames(
    `videotestsrc num-buffers=12 pattern=white ! ${GRAY} ! test_async_counter name=c ! video/x-raw,format=GRAY8 ! appsink`,
  );
  assert.is(got.length, 12);
  assert.equal(
    got.map((frame) => frame.offset),
    [...Array(12).keys()],
  );
});

test('an async analyzer instance: offsets in order, samples read after the awaits, never two frames at once', async () => {
  const pipeline = track(
    new GstPipeline(`videotestsrc num-buffers=12 pattern=white ! ${GRAY} ! test_async_counter name=c ! fakesink`),
  ).startup();
  const counter = SlowCounter.from(pipeline.getByName('c')!);
  await within(pipeline.done, 10_000, 'done');
  assert.equal(counter.offsets, [...Array(12).keys()]);
  assert.ok(
    counter.firstSamples.every((v) => v === 235),
    `white (235) read after the awaits: ${counter.firstSamples}`,
  );
  assert.is(counter.maxActive, 1);
});

test('an async filter edits frames in place after an await, and the edits arrive downstream', async () => {
  const got = await frames(`videotestsrc num-buffers=4 ! ${GRAY} ! test_async_fill ! video/x-raw,format=GRAY8 ! appsink`);
  assert.is(got.length, 4);
  for (const frame of got)
    assert.ok(
      frame.data.every((v) => v === 77),
      'every sample is 77',
    );
});

test('a rejection fails the pipeline with its message, as a throw does, and the process goes on', async () => {
  const pipeline = track(new GstPipeline(`videotestsrc num-buffers=5 ! ${GRAY} ! test_async_rejecter name=r ! fakesink`)).startup();
  const error = await rejectionOf(pipeline.done, 10_000, 'done');
  assert.instance(error, GstPipelineError);
  assert.match((error as GstPipelineError).message, /^r: RangeError: the model gave up/);
  assert.is((error as GstPipelineError).source, 'r');
  const cause = (error as GstPipelineError).cause;
  assert.ok(cause instanceof RangeError && cause.message === 'the model gave up', 'the rejection is the cause');
  const got = await frames(`videotestsrc num-buffers=2 ! ${GRAY} ! test_async_fill ! video/x-raw,format=GRAY8 ! appsink`);
  assert.is(got.length, 2);
});

test('a flushing seek drops a pending frame: its view is detached, frames flow again, the late settle is ignored', async () => {
  const pipeline = track(new GstPipeline(`videotestsrc num-buffers=30 ! ${GRAY} ! test_async_gate name=g ! fakesink sync=false`));
  const held = new Promise<void>((resolve) => {
    pipeline.startup();
    const gate = Gate.from(pipeline.getByName('g')!);
    gate.onHeld = resolve;
  });
  await within(held, 5_000, 'a frame held');
  const gate = Gate.instance!;
  assert.is(gate.heldData!.length, 64, 'the held frame is mapped');
  assert.ok(pipeline.pipeline.seekSimple(Gst.Format.TIME, Gst.SeekFlags.FLUSH, 0), 'seek accepted');
  assert.is(gate.heldData!.length, 0, 'the dropped frame is detached');
  await within(pipeline.done, 10_000, 'done after the seek');
  assert.ok(gate.afterRelease >= 29, `frames after the seek: ${gate.afterRelease}`);
  gate.release!();
  await turn();
  await turn();
});

test('a frame function that never settles: shutdown completes within its timeout and fails naming the element', async () => {
  // after=0: the first frame never settles (the pipeline prerolls forever); after=3: it plays, then stops.
  for (const after of [0, 3]) {
    const pipeline = track(new GstPipeline(`videotestsrc ! ${GRAY} ! test_async_never name=stuck after=${after} ! fakesink`));
    const started = new Promise<void>((resolve) => (Never.started = resolve));
    pipeline.startup();
    await within(started, 5_000, 'the frame that never settles');
    const never = Never.from(pipeline.getByName('stuck')!);
    assert.is(never.data!.length, 64);
    await within(pipeline.shutdown(300), 5_000, 'shutdown');
    assert.instance(pipeline.error, GstPipelineError, `after=${after}`);
    assert.match(pipeline.error!.message, /^stuck: frame function did not settle within 300 ms/);
    assert.is(await rejectionOf(pipeline.done, 1_000, 'done'), pipeline.error);
    assert.is(never.data!.length, 0, 'the frame is detached');
  }
  // The process goes on: another pipeline with the same elements runs.
  const got = await frames(`videotestsrc num-buffers=2 ! ${GRAY} ! test_async_fill ! video/x-raw,format=GRAY8 ! appsink`);
  assert.is(got.length, 2);
});

test('stopping at once (no end of stream) with a promise pending does not hang, and is no error', async () => {
  const pipeline = track(new GstPipeline(`videotestsrc ! ${GRAY} ! test_async_never name=stuck after=2 ! fakesink`));
  const started = new Promise<void>((resolve) => (Never.started = resolve));
  pipeline.startup();
  await within(started, 5_000, 'the frame that never settles');
  pipeline.stopNow();
  await within(pipeline.done, 5_000, 'done');
  const never = Never.from(pipeline.getByName('stuck')!);
  assert.is(never.data!.length, 0, 'the frame is detached');
  // The late settle is ignored (the frame is gone); it leaves nothing pending for the suites after this one.
  never.settle?.();
  await turn();
  await within(framesSettled(), 1_000, 'nothing pending');
});

test('objects an analyzer attaches (sync and async, on a shared buffer too) are read back downstream', async () => {
  const want = (offset: number) => [{ boundingBox: [1, 2, 3, 4], confidence: 0.5, className: 'thing', trackId: offset }];
  for (const command of [
    `videotestsrc num-buffers=3 ! ${GRAY} ! test_detector ! video/x-raw,format=GRAY8 ! appsink`,
    `videotestsrc num-buffers=3 ! ${GRAY} ! test_detector async=true ! video/x-raw,format=GRAY8 ! appsink`,
    `videotestsrc num-buffers=3 ! ${GRAY} ! tee name=t ! queue ! test_detector async=true ! video/x-raw,format=GRAY8 ! appsink t. ! queue ! fakesink`,
  ]) {
    const got = await frames(command);
    assert.is(got.length, 3, command);
    got.forEach((frame, i) => assert.equal(frame.objects, want(i), `${command}: frame ${i}`));
  }
});

test('a bad object is refused with a TypeError naming the field, failing the pipeline', async () => {
  class BadDetector extends GstVideoAnalyzer {
    static elementName = 'test_bad_detector';
    static formats = ['GRAY8'];
    analyzeFrame(frame: VideoFilterFrame): void {
      frame.addObject({ boundingBox: [0, 0, -1, 1], confidence: 1, className: 'x' });
    }
  }
  registerElement(BadDetector);
  const pipeline = track(new GstPipeline(`videotestsrc num-buffers=2 ! ${GRAY} ! test_bad_detector name=b ! fakesink`)).startup();
  const error = await rejectionOf(pipeline.done, 10_000, 'done');
  assert.match(String(error), /RangeError: objects\[0\]\.boundingBox\[2\] \(width\) must be >= 0/);
});

test('frame.toTensor in an async analyzer: the tensor a downstream frame gives, padded rows included', async () => {
  // RGB 30 wide: GStreamer pads each 90-byte row to 92
  const caps = 'video/x-raw,format=RGB,width=30,height=4';
  const pipeline = track(new GstPipeline(`videotestsrc num-buffers=3 ! ${caps} ! test_async_tensorizer name=t ! fakesink`)).startup();
  const analyzer = Tensorizer.from(pipeline.getByName('t')!);
  await within(pipeline.done, 10_000, 'done');
  const downstream = await frames(`videotestsrc num-buffers=3 ! ${caps} ! appsink`);
  assert.is(analyzer.tensors.length, 3);
  analyzer.tensors.forEach((tensor, i) => {
    const want = downstream[i].toTensor({ layout: 'nchw' });
    assert.equal(tensor.dims, [1, 3, 4, 30]);
    assert.equal(Array.from(tensor.data), Array.from(want.data), `frame ${i}`);
  });
});

test('frame.toTensor in an element refuses a planar frame with a TypeError that says what to do', async () => {
  const pipeline = track(
    new GstPipeline('videotestsrc num-buffers=1 ! video/x-raw,format=I420,width=32,height=8 ! test_async_tensorizer name=t ! fakesink'),
  ).startup();
  const analyzer = Tensorizer.from(pipeline.getByName('t')!);
  await within(pipeline.done, 10_000, 'done');
  assert.is(analyzer.errors.length, 1);
  assert.instance(analyzer.errors[0], TypeError);
  assert.match(String(analyzer.errors[0]), /I420 .*videoconvert ! video\/x-raw,format=RGB/);
});

test.run();
