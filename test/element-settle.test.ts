/**
 * src/element/video-filter.ts: when a frame is done and when frames have settled. A shutdown
 * asked while a frame function's promise holds the first frame waits for it and ends cleanly
 * (framesSettled: one promise for every waiter, at once when nothing is pending); a sync frame
 * function's frame is done when it returns (not a microtask later); addObject checks an object
 * at once, so the frame function can catch the refusal.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Gst, GstPipeline, GstStateError, GstVideoAnalyzer, GstVideoSource, registerElement, type VideoFilterFrame } from '../src';
import { framesSettled } from '../src/element/video-filter';
import { collect, pipelinesStoppedAfterEach, reachesState, within } from './helpers/support';

const track = pipelinesStoppedAfterEach(test);
const GRAY = 'video/x-raw,format=GRAY8,width=8,height=8';

/** Holds its first frame until `release()`; tells when it holds it. */
class Holder extends GstVideoAnalyzer {
  static elementName = 'test_settle_holder';
  static formats = ['GRAY8'];
  static held: ((holder: Holder) => void) | null = null;
  release: (() => void) | null = null;
  frames = 0;
  analyzeFrame(): Promise<void> | void {
    if (this.frames++ > 0) return;
    const promise = new Promise<void>((resolve) => (this.release = resolve));
    Holder.held?.(this);
    return promise;
  }
}
registerElement(Holder);

test('framesSettled: at once with nothing pending', async () => {
  await within(framesSettled(), 1000, 'framesSettled with nothing pending');
});

test('a shutdown asked while the first frame is held waits for it, then ends cleanly; every waiter gets one promise', async () => {
  const held = new Promise<Holder>((resolve) => (Holder.held = resolve));
  const pipeline = track(new GstPipeline(`videotestsrc num-buffers=5 ! ${GRAY} ! test_settle_holder ! fakesink`)).startup();
  const holder = await within(held, 10_000, 'the first frame held');
  const settled = framesSettled();
  assert.is(framesSettled(), settled, 'one promise while frames are pending');
  let settledYet = false;
  void settled.then(() => (settledYet = true));
  const stopping = pipeline.shutdown(5000);
  await new Promise((resolve) => setImmediate(resolve));
  assert.is(settledYet, false, 'the frame is still held');
  assert.is(pipeline.isDone, false);
  holder.release?.();
  await within(settled, 5000, 'framesSettled');
  await within(stopping, 5000, 'shutdown');
  await within(pipeline.done, 1000, 'done resolves: no failure');
  await within(framesSettled(), 1000, 'nothing pending after');
});

/** A sync analyzer that tries addObject in a microtask after it returned, and a bad object inside its call. */
class Late extends GstVideoAnalyzer {
  static elementName = 'test_settle_late';
  static formats = ['GRAY8'];
  readonly late: unknown[] = [];
  readonly refused: unknown[] = [];
  analyzeFrame(frame: VideoFilterFrame): void {
    try {
      frame.addObject({ boundingBox: [0, 0, 1, 1], confidence: 'high' as unknown as number, className: 'x', trackId: 0 });
    } catch (error) {
      this.refused.push(error);
    }
    queueMicrotask(() => {
      try {
        frame.addObject({ boundingBox: [0, 0, 1, 1], confidence: 1, className: 'late', trackId: 0 });
        this.late.push('added');
      } catch (error) {
        this.late.push(error);
      }
    });
  }
}
registerElement(Late);

test('a sync frame is done when its function returns; a bad object is refused inside the call, and the frame goes on without it', async () => {
  const source = track(new GstVideoSource(`videotestsrc num-buffers=2 ! ${GRAY} ! test_settle_late name=l ! ${GRAY} ! appsink`));
  const late = Late.from(source.getByName('l')!);
  const frames = await collect(source.startup(), 10_000, 'frames');
  assert.is(frames.length, 2);
  assert.ok(
    frames.every((f) => f.objects === undefined),
    'nothing written',
  );
  assert.is(late.refused.length, 2);
  assert.ok(
    late.refused.every((e) => e instanceof TypeError && /confidence/.test(e.message)),
    String(late.refused[0]),
  );
  assert.is(late.late.length, 2);
  assert.ok(
    late.late.every((e) => e instanceof GstStateError),
    String(late.late[0]),
  );
});

/** Holds its first two frames, each until its own release; tells when each is held. */
class TwoHolds extends GstVideoAnalyzer {
  static elementName = 'test_settle_two_holds';
  static formats = ['GRAY8'];
  static held: ((index: number) => void) | null = null;
  static instance: TwoHolds | null = null;
  readonly releases: (() => void)[] = [];
  constructor() {
    super();
    TwoHolds.instance = this;
  }
  analyzeFrame(): Promise<void> | void {
    const index = this.releases.length;
    if (index >= 2) return;
    const promise = new Promise<void>((resolve) => this.releases.push(resolve));
    TwoHolds.held?.(index);
    return promise;
  }
}
registerElement(TwoHolds);

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('a frame a flush dropped settles late while the next frame of the element is held: that one still counts as pending', async () => {
  const heldFrames: number[] = [];
  let onHeld: (() => void) | null = null;
  TwoHolds.held = (index) => {
    heldFrames.push(index);
    onHeld?.();
  };
  const nextHeld = (count: number) =>
    new Promise<void>((resolve) => {
      onHeld = () => heldFrames.length >= count && resolve();
      onHeld();
    });
  const pipeline = track(new GstPipeline(`videotestsrc num-buffers=20 ! ${GRAY} ! test_settle_two_holds ! fakesink sync=false`)).startup();
  await within(nextHeld(1), 10_000, 'the first frame held');
  assert.ok(pipeline.pipeline.seekSimple(Gst.Format.TIME, Gst.SeekFlags.FLUSH, 0), 'seek accepted');
  await within(nextHeld(2), 10_000, 'a frame after the seek held');
  const holds = TwoHolds.instance!;
  let settled = false;
  void framesSettled().then(() => (settled = true));
  holds.releases[0](); // the dropped frame settles late
  await turn();
  await turn();
  assert.is(settled, false, 'the held frame is still pending');
  void framesSettled().then(() => (settled = true));
  await turn();
  assert.is(settled, false, 'the held frame is still pending');
  holds.releases[1]();
  await within(framesSettled(), 5000, 'the held frame settled');
  await within(pipeline.done, 10_000, 'done');
});

/** Sync frames only: never pending. */
class Quiet extends GstVideoAnalyzer {
  static elementName = 'test_settle_quiet';
  static formats = ['GRAY8'];
  analyzeFrame(): void {}
}
registerElement(Quiet);

/** A pipeline whose end of stream never comes through (its shutdown times out). */
class NoEndOfStream extends GstPipeline {
  protected override sendEndOfStream(): boolean {
    return true;
  }
}

test('a shutdown that times out for want of an end of stream blames no element whose frames all settled', async () => {
  const pipeline = track(new NoEndOfStream(`videotestsrc is-live=true ! ${GRAY},framerate=30/1 ! test_settle_quiet ! fakesink`)).startup();
  await within(reachesState(pipeline, Gst.State.PLAYING), 5000, 'PLAYING');
  await within(pipeline.shutdown(100), 5000, 'shutdown');
  await within(pipeline.done, 1000, 'done resolves');
  assert.is(pipeline.error, null);
});

test.run();
