/**
 * src/video-source.ts: GstVideoSource, frames out of a pipeline that ends in an appsink.
 * The first test is gstreamer-python's tests/test_video_source (RGB, RGBA, GRAY8, GRAY16_BE at
 * 1920x1080); then the queue (leaky and bounded), pop's timeout and end, errors, zero-copy loans
 * and `await using`. Every pipeline a test makes is shut down after it, passed or failed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Gst,
  GstApp,
  GstElementNotFoundError,
  GstPipelineError,
  GstVideoSource,
  type GstVideoSourceOptions,
  type VideoFrame,
} from '../src';
import { appsrcFor, gstBytes, layoutOf, mismatch, pushRaw, tightBytes } from './helpers/content';
import { firstDifference } from './helpers/media';
import { pipelinesStoppedAfterEach, rejectionOf, runScript, SRC, within } from './helpers/support';

const WIDTH = 1920;
const HEIGHT = 1080;
const NUM_BUFFERS = 10;
/** Small frames for the tests about the queue, where the pixels do not matter. */
const TINY = 'video/x-raw,format=GRAY8,width=16,height=16';

/** A pipeline this test owns: shut down after the test, whatever happens in it. */
const track = pipelinesStoppedAfterEach(test);

function source(command: string, options?: GstVideoSourceOptions): GstVideoSource {
  return track(new GstVideoSource(command, options));
}

/** One turn of the event loop (timers, I/O and the source's wake-ups run in it). */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Turns the event loop until `condition` holds; fails naming `what` after `ms`. */
async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${ms} ms`);
    await turn();
  }
}

/** Every frame until pop() gives null, each handed to `each` (then released). */
async function popAll(src: GstVideoSource, ms: number, each: (frame: VideoFrame) => void = () => undefined): Promise<number> {
  const run = async (): Promise<number> => {
    let count = 0;
    for (let frame = await src.pop(); frame !== null; frame = await src.pop()) {
      count++;
      each(frame);
      frame.release();
    }
    return count;
  };
  return within(run(), ms, `popping every frame of "${src.command}"`);
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

const FORMATS: Array<{ format: string; shape: number[]; arrayType: Uint8ArrayConstructor | Uint16ArrayConstructor }> = [
  { format: 'RGB', shape: [HEIGHT, WIDTH, 3], arrayType: Uint8Array },
  { format: 'RGBA', shape: [HEIGHT, WIDTH, 4], arrayType: Uint8Array },
  { format: 'GRAY8', shape: [HEIGHT, WIDTH], arrayType: Uint8Array },
  { format: 'GRAY16_BE', shape: [HEIGHT, WIDTH], arrayType: Uint16Array },
];

for (const { format, shape, arrayType } of FORMATS) {
  test(`test_video_source: ${NUM_BUFFERS} frames of ${WIDTH}x${HEIGHT} ${format}`, async () => {
    const capsFilter = `capsfilter caps=video/x-raw,format=${format},width=${WIDTH},height=${HEIGHT}`;
    const src = source(`videotestsrc num-buffers=${NUM_BUFFERS} ! ${capsFilter} ! appsink emit-signals=True sync=false`);
    src.startup();
    const offsets: Array<number | null> = [];
    const read = await popAll(src, 20_000, (frame) => {
      assert.equal(frame.shape, shape, `shape of frame ${offsets.length}`);
      assert.is(frame.shape[0], HEIGHT);
      assert.is(frame.shape[1], WIDTH);
      assert.instance(frame.data, arrayType, `${format} frames are ${arrayType.name}s`);
      assert.is(
        frame.data.length,
        shape.reduce((a, b) => a * b),
        'samples in a frame',
      );
      assert.is(frame.format, format);
      assert.is(frame.width, WIDTH);
      assert.is(frame.height, HEIGHT);
      offsets.push(frame.offset);
    });
    assert.is(read, NUM_BUFFERS, 'frames popped');
    assert.equal(offsets, [...Array(NUM_BUFFERS).keys()], 'in order, none lost');
    assert.is(src.totalBuffersCount, NUM_BUFFERS);
    assert.ok(src.isDone, 'done after the last frame');
  });
}

test('leaky queue: the newest frames stay, the oldest are dropped and counted', async () => {
  const drops: Array<[count: number, offset: number | null]> = [];
  const src = source(`videotestsrc num-buffers=50 ! ${TINY} ! appsink sync=false`, {
    leaky: true,
    maxBuffersSize: 5,
    onDrop: (frame, dropped) => drops.push([dropped, frame.offset]),
  });
  src.startup();
  await within(src.done, 10_000, 'a leaky source that nobody pops to finish');
  assert.is(src.totalBuffersCount, 50);
  assert.is(src.queueSize, 5);
  assert.is(src.droppedCount, 45);
  assert.is(drops.length, 45, 'onDrop calls');
  assert.equal(
    drops.map(([count]) => count),
    Array.from({ length: 45 }, (_, i) => i + 1),
    'onDrop counts increase one by one',
  );
  assert.equal(
    drops.map(([, offset]) => offset),
    Array.from({ length: 45 }, (_, i) => i),
    'the oldest frame goes first',
  );
  const kept: Array<number | null> = [];
  assert.is(await popAll(src, 5_000, (frame) => kept.push(frame.offset)), 5);
  assert.equal(kept, [45, 46, 47, 48, 49], 'the queued frames are the newest');
});

test('bounded queue: a source nobody pops waits at maxBuffersSize, then gives every frame in order', async () => {
  const src = source(`videotestsrc num-buffers=200 ! ${TINY} ! appsink name=sink max-buffers=1 sync=false`, { maxBuffersSize: 10 });
  let finished = false;
  void src.done.then(() => (finished = true));
  // Buffers on their way into the appsink: with 10 in the queue and 1 in the appsink (max-buffers=1),
  // the 12th blocks the streaming thread in the appsink, and nothing more comes until a pop.
  let arrived = 0;
  src
    .getByName('sink')!
    .getStaticPad('sink')!
    .addProbe(Gst.PadProbeType.BUFFER, () => {
      arrived++;
      return Gst.PadProbeReturn.OK;
    });
  src.startup();
  await until(() => arrived >= 12 && src.queueSize >= 10, 10_000, 'the queue and the appsink to fill');
  // The JS side may now pull whatever it is allowed to: a queue past its bound would take the
  // appsink's sample and let the streaming thread go on.
  for (let i = 0; i < 50; i++) await turn();
  assert.is(src.queueSize, 10, 'the queue holds maxBuffersSize frames, no more');
  assert.is(arrived, 12, 'the stream is held back behind the full queue');
  assert.not.ok(finished, 'the stream waits for pop(): done has not resolved');
  assert.not.ok(src.isDone);
  assert.is(src.droppedCount, 0);

  const offsets: Array<number | null> = [];
  const drain = async (): Promise<void> => {
    for await (const frame of src) offsets.push(frame.offset);
  };
  await within(drain(), 10_000, 'draining 200 frames');
  assert.equal(offsets, [...Array(200).keys()], 'every frame, in order');
  assert.is(src.droppedCount, 0);
  assert.is(src.totalBuffersCount, 200);
  assert.ok(finished, 'done after the last frame');
});

test('pop(timeoutMs) resolves null when no frame comes in time, and the next frame still arrives', async () => {
  const src = source(`videotestsrc is-live=true ! ${TINY},framerate=1/1 ! appsink`);
  src.startup();
  const first = await within(src.pop(), 5_000, 'first frame of a live source');
  assert.ok(first, 'a live source gives its first frame at once');
  const started = performance.now();
  const none = await within(src.pop(150), 5_000, 'pop(150)');
  const waited = performance.now() - started;
  assert.is(none, null, 'nothing within 150 ms at one frame a second');
  assert.ok(waited >= 145, `pop(150) resolved after ${waited.toFixed(0)} ms`);
  assert.ok(waited < 900, `pop(150) resolved after ${waited.toFixed(0)} ms: the timeout, not the next frame`);
  // The timed-out pop must not take the frame that comes later.
  const second = await within(src.pop(), 3_000, 'second frame of a 1 frame/s source');
  assert.ok(second);
  assert.is(second.offset, (first.offset ?? -2) + 1, 'the second frame is the next one');
  assert.ok(src.isActive);
});

test('concurrent pops get distinct frames in order', async () => {
  const src = source(`videotestsrc num-buffers=3 ! ${TINY} ! appsink sync=false`);
  src.startup();
  const frames = await within(Promise.all([src.pop(), src.pop(), src.pop(), src.pop()]), 5_000, 'four pops');
  assert.equal(
    frames.map((frame) => frame?.offset ?? null),
    [0, 1, 2, null],
    'three frames, then the end of the stream',
  );
});

test('for await ends at end of stream; pop() after it resolves null', async () => {
  const src = source(`videotestsrc num-buffers=3 ! ${TINY} ! appsink sync=false`);
  src.startup();
  const offsets: Array<number | null> = [];
  const loop = async (): Promise<void> => {
    for await (const frame of src) offsets.push(frame.offset);
  };
  await within(loop(), 5_000, 'for await over a 3-frame source');
  assert.equal(offsets, [0, 1, 2]);
  assert.ok(src.isDone);
  assert.is(src.queueSize, 0);
  assert.is(await within(src.pop(), 1_000, 'pop after the end'), null);
  assert.is(await within(src.pop(10), 1_000, 'pop(10) after the end'), null);
  await within(src.done, 1_000, 'done after the end');
});

test('a pipeline that cannot start: pop and for await reject with GstPipelineError', async () => {
  const src = source('filesrc location=/nonexistent/x ! rawvideoparse width=8 height=8 format=rgb ! appsink');
  const done = rejectionOf(src.done, 5_000, 'done of a source on a missing file');
  src.startup();
  const popError = await rejectionOf(src.pop(), 5_000, 'pop() on a failed source');
  assert.instance(popError, GstPipelineError);
  assert.match((popError as Error).message, /nonexistent|not found|No such file/i);
  const loopError = await rejectionOf(
    (async () => {
      for await (const frame of src) frame.release();
    })(),
    5_000,
    'for await on a failed source',
  );
  assert.instance(loopError, GstPipelineError);
  assert.is(await done, popError, 'done rejects with the same error');
});

test('an error while pop() waits rejects it with GstPipelineError', async () => {
  // The appsink refuses what videotestsrc makes: not-negotiated, from the streaming thread.
  const src = source(`videotestsrc ! video/x-raw,format=RGB,width=8,height=8 ! appsink name=sink`, {
    beforePlaying: (pipeline) => {
      const sink = pipeline.getByName('sink', GstApp.AppSink);
      if (!sink) throw new Error('no element named sink');
      sink.caps = Gst.Caps.fromString('video/x-raw,format=GRAY8')!;
    },
  });
  const done = rejectionOf(src.done, 5_000, 'done of a source that cannot negotiate');
  src.startup();
  const error = await rejectionOf(src.pop(), 5_000, 'pop() on a source that fails while it waits');
  assert.instance(error, GstPipelineError);
  assert.is(await done, error);
});

test('no appsink, or two: GstElementNotFoundError at construction', () => {
  const none = caught(() => source('videotestsrc ! fakesink'));
  assert.instance(none, GstElementNotFoundError);
  assert.match((none as Error).message, /AppSink/i);
  const two = caught(() => source('videotestsrc ! tee name=t ! queue ! appsink t. ! queue ! appsink'));
  assert.instance(two, GstElementNotFoundError);
  assert.match((two as Error).message, /2/);
});

test('zeroCopy: the same frames as copies; a frame on loan is released by the next pop; release() is idempotent', async () => {
  // pattern=ball moves from frame to frame, so frames differ and their order shows.
  const command = 'videotestsrc num-buffers=6 pattern=ball ! video/x-raw,format=RGB,width=64,height=48 ! appsink sync=false';
  const copies: Uint8Array[] = [];
  await popAll(source(command).startup(), 5_000, (frame) => copies.push(Uint8Array.from(frame.data)));
  assert.is(copies.length, 6);
  assert.ok(firstDifference(copies[0], copies[1]) >= 0, 'frames differ (the ball moves)');

  const src = source(command, { zeroCopy: true }).startup();
  let previous: VideoFrame | null = null;
  let index = 0;
  for (let frame = await within(src.pop(), 5_000, 'pop'); frame; frame = await within(src.pop(), 5_000, 'pop')) {
    if (previous) assert.is(previous.data.length, 0, `frame ${index - 1} is released by the next pop`);
    assert.is(frame.data.length, 64 * 48 * 3);
    assert.equal(frame.shape, [48, 64, 3]);
    const at = firstDifference(frame.data, copies[index]);
    assert.is(at, -1, `zero-copy frame ${index} equals the copied one (first difference at byte ${at})`);
    previous = frame;
    index++;
  }
  assert.is(index, 6);
  assert.ok(previous);
  assert.is(previous.data.length, 0, 'the last frame is released by the pop that found the end');
  previous.release();
  previous.release();
  assert.is(previous.data.length, 0, 'release() twice: still empty, no throw');
});

test('zeroCopy with for await: each frame is released at the next turn of the loop', async () => {
  const src = source('videotestsrc num-buffers=4 ! video/x-raw,format=RGBA,width=32,height=8 ! appsink sync=false', { zeroCopy: true });
  src.startup();
  const seen: VideoFrame[] = [];
  const loop = async (): Promise<void> => {
    for await (const frame of src) {
      assert.is(frame.data.length, 32 * 8 * 4, 'the current frame is readable');
      for (const earlier of seen) assert.is(earlier.data.length, 0, 'earlier frames are released');
      seen.push(frame);
    }
  };
  await within(loop(), 5_000, 'for await over a zero-copy source');
  assert.is(seen.length, 4);
});

test('zeroCopy with rows GStreamer pads (RGB 641x5): frames come back with tight rows all the same', async () => {
  const command = 'videotestsrc num-buffers=2 pattern=ball ! video/x-raw,format=RGB,width=641,height=5 ! appsink sync=false';
  const copies: Uint8Array[] = [];
  await popAll(source(command).startup(), 5_000, (frame) => copies.push(Uint8Array.from(frame.data)));
  const zeroCopied: Uint8Array[] = [];
  await popAll(source(command, { zeroCopy: true }).startup(), 5_000, (frame) => {
    assert.equal(frame.shape, [5, 641, 3]);
    zeroCopied.push(Uint8Array.from(frame.data));
  });
  assert.is(zeroCopied.length, 2);
  zeroCopied.forEach((frame, i) => assert.is(firstDifference(frame, copies[i]), -1, `frame ${i}`));
});

test('copied frames: release() empties the frame, twice is harmless', async () => {
  const src = source(`videotestsrc num-buffers=1 ! ${TINY} ! appsink sync=false`).startup();
  const frame = await within(src.pop(), 5_000, 'pop');
  assert.ok(frame);
  assert.is(frame.data.length, 16 * 16);
  frame.release();
  assert.is(frame.data.length, 0);
  frame.release();
  assert.is(frame.data.length, 0);
});

test('await using: leaving the scope ends a live source', async () => {
  let kept: GstVideoSource | null = null;
  {
    await using src = new GstVideoSource(`videotestsrc is-live=true ! ${TINY},framerate=30/1 ! appsink`).startup();
    track(src);
    kept = src;
    const frame = await within(src.pop(), 5_000, 'first frame of a live source');
    assert.ok(frame);
    assert.ok(src.isActive);
  }
  assert.ok(kept.isDone, 'done after the scope');
  assert.not.ok(kept.isActive);
  await within(kept.done, 1_000, 'done of a source whose scope ended');
  assert.is(kept.error, null);
});

// The two tests below run in a child process: what they catch hangs or kills the process that
// runs into it, and the child is killed (and the test failed) after a deadline instead.

test('leaving the scope after reading a few frames with pop(), with the queue full, ends the source (no hang)', async () => {
  const script = `
    const { Gst, GstVideoSource } = require(${JSON.stringify(SRC)});
    (async () => {
      const source = new GstVideoSource('videotestsrc num-buffers=200 ! ${TINY} ! appsink name=sink max-buffers=1 sync=false', { maxBuffersSize: 10 });
      let arrived = 0;
      source.getByName('sink').getStaticPad('sink').addProbe(Gst.PadProbeType.BUFFER, () => (arrived++, Gst.PadProbeReturn.OK));
      source.startup();
      // (\`break\` out of for await would shut the source down itself: test/ends.test.ts)
      for (let i = 0; i < 3; i++) await source.pop();
      // As in user code that stops reading: the queue fills (10), then the appsink behind it (max-buffers=1),
      // and the 3 + 10 + 1 + 1 = 15th buffer blocks the streaming thread on its way into the appsink.
      while (source.queueSize < 10 || arrived < 15) await new Promise((resolve) => setImmediate(resolve));
      console.log('full ' + source.queueSize);
      await source[Symbol.asyncDispose](); // what 'await using' does at the end of the scope
      console.log('ended ' + source.isDone);
    })();`;
  const exit = await runScript(script, { timeoutMs: 20_000, what: 'disposing of a source whose queue is full' });
  assert.match(exit.stdout, /full 10/, exit.stderr);
  assert.match(exit.stdout, /ended true/, `shutdown finished\n${exit.stdout}\n${exit.stderr}`);
  assert.is(exit.code, 0, exit.stderr);
});

test('an appsink that receives caps other than raw video: pop rejects with GstPipelineError, the process lives', async () => {
  const script = `
    const { GstVideoSource } = require(${JSON.stringify(SRC)});
    (async () => {
      const source = new GstVideoSource('audiotestsrc num-buffers=3 ! appsink sync=false').startup();
      source.done.catch(() => undefined);
      try {
        const frame = await source.pop();
        console.log('resolved ' + (frame && frame.format));
      } catch (error) {
        console.log('rejected ' + error.name + ': ' + error.message);
      }
      await source.shutdown();
      console.log('alive');
    })();`;
  const exit = await runScript(script, { timeoutMs: 20_000, what: 'a source on audio' });
  assert.match(
    exit.stdout,
    /rejected GstPipelineError: .*(raw video|caps)/i,
    `pop's outcome\n--- stdout\n${exit.stdout}\n--- stderr\n${exit.stderr.slice(-1500)}`,
  );
  assert.match(exit.stdout, /alive/);
  assert.is(exit.code, 0);
});

test("appsink is the pipeline's one appsink, with emit-signals on once started", () => {
  const src = source(`videotestsrc num-buffers=1 ! ${TINY} ! appsink name=frames sync=false`);
  assert.instance(src.appsink, GstApp.AppSink);
  assert.is(src.appsink, src.getByName('frames'));
  src.startup();
  assert.is(src.appsink.emitSignals, true);
});

test('leaky with zeroCopy: the newest maxBuffersSize frames stay, intact; the dropped ones are counted in order and released', async () => {
  const layout = layoutOf('GRAY8', 8, 2);
  const dropped: VideoFrame[] = [];
  const drops: Array<[number, number | null]> = [];
  const src = source(`${appsrcFor(layout)} ! appsink sync=false`, {
    leaky: true,
    zeroCopy: true,
    maxBuffersSize: 3,
    onDrop: (frame, count) => {
      drops.push([count, frame.offset]);
      dropped.push(frame);
    },
  }).startup();
  const appsrc = src.getByName('src', GstApp.AppSrc)!;
  for (let i = 0; i < 10; i++) pushRaw(appsrc, gstBytes(layout, i), i);
  appsrc.endOfStream();
  await within(src.done, 10_000, 'the stream to end');
  assert.is(src.droppedCount, 7);
  assert.equal(
    drops,
    Array.from({ length: 7 }, (_, i) => [i + 1, i]),
    'onDrop: count and offset of each dropped frame, oldest first',
  );
  assert.ok(
    dropped.every((frame) => frame.data.length === 0),
    'dropped frames are released after onDrop',
  );
  const kept: Array<number | null> = [];
  assert.is(
    await popAll(src, 5_000, (frame) => {
      kept.push(frame.offset);
      assert.is(mismatch(frame.data, tightBytes(layout, frame.offset!)), null, `frame ${frame.offset} intact`);
    }),
    3,
  );
  assert.equal(kept, [7, 8, 9]);
});

test('the appsink holds few samples: an unset max-buffers gets a bound, a set one is kept', () => {
  const unset = source(`videotestsrc num-buffers=1 ! ${TINY} ! appsink sync=false`).startup();
  assert.ok(unset.appsink.maxBuffers > 0 && unset.appsink.maxBuffers <= 4, `max-buffers ${unset.appsink.maxBuffers}`);
  const set = source(`videotestsrc num-buffers=1 ! ${TINY} ! appsink max-buffers=7 sync=false`).startup();
  assert.is(set.appsink.maxBuffers, 7);
});

test("copied frames are the caller's: the next pop leaves them intact, whether they were queued or waited for", async () => {
  const layout = layoutOf('GRAY8', 8, 2);
  const src = source(`${appsrcFor(layout)} ! appsink sync=false`).startup();
  const appsrc = src.getByName('src', GstApp.AppSrc)!;
  // waited for: the pop comes before the frame
  const first = src.pop();
  pushRaw(appsrc, gstBytes(layout, 0), 0);
  const frame0 = await within(first, 5_000, 'a pop that waits for frame 0');
  assert.ok(frame0, 'a waiting pop resolves with the frame that arrives');
  pushRaw(appsrc, gstBytes(layout, 1), 1);
  pushRaw(appsrc, gstBytes(layout, 2), 2);
  // queued: both frames wait in the queue before they are popped
  await until(() => src.queueSize === 2, 5_000, 'frames 1 and 2 in the queue');
  const frame1 = await within(src.pop(), 5_000, 'pop 1');
  const frame2 = await within(src.pop(), 5_000, 'pop 2');
  assert.equal([frame0.offset, frame1?.offset, frame2?.offset], [0, 1, 2]);
  [frame0, frame1!, frame2!].forEach((frame, i) =>
    assert.is(mismatch(frame.data, tightBytes(layout, i)), null, `frame ${i} intact after later pops`),
  );
  // a pop waiting when the stream ends without error resolves null
  const last = src.pop();
  appsrc.endOfStream();
  const outcome = await within(
    last.then(
      (value) => ({ resolved: value }),
      (error: unknown) => ({ rejected: error }),
    ),
    5_000,
    'a pop waiting at the end of the stream',
  );
  assert.equal(outcome, { resolved: null }, 'resolves null, does not reject');
});

test('frames still in the appsink at end of stream (wait-on-eos=false) are all delivered, in order', async () => {
  const layout = layoutOf('GRAY8', 8, 2);
  // A queue of 2 and an appsink that takes 20 and posts its end of stream without waiting for them.
  const src = source(`${appsrcFor(layout)} ! appsink max-buffers=20 wait-on-eos=false sync=false`, { maxBuffersSize: 2 }).startup();
  const appsrc = src.getByName('src', GstApp.AppSrc)!;
  for (let i = 0; i < 10; i++) pushRaw(appsrc, gstBytes(layout, i), i);
  appsrc.endOfStream();
  await within(src.done, 10_000, 'the end of the stream');
  const offsets: Array<number | null> = [];
  await popAll(src, 5_000, (frame) => offsets.push(frame.offset));
  assert.equal(offsets, [...Array(10).keys()], 'every frame, none lost at the teardown');
});

test.run();
