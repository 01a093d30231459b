/**
 * src/video-sink.ts: GstVideoSink, typed arrays pushed into a pipeline that starts with an appsrc.
 * First gstreamer-python's tests/test_video_sink and test_video_src_to_source (RGB, RGBA, GRAY8,
 * GRAY16_BE at 1920x1080); then byte-exact round trips read back at an appsink of the sink's own
 * pipeline (the tutorial's new-sample / pull-sample path), timestamps, size errors, back-pressure
 * that never blocks the event loop, and end of stream on shutdown finishing a WebM file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Gst,
  GstApp,
  GstElementNotFoundError,
  GstPipelineError,
  GstVideoSink,
  GstVideoSource,
  gstBufferWithCapsToTypedArray,
  typedArrayToGstBuffer,
  type GstPipeline,
  type GstVideoSinkOptions,
  type SampleArray,
} from '../src';
import { countWebmFrames, discover, firstDifference } from './helpers/media';
import { pipelinesStoppedAfterEach, rejectionOf, within } from './helpers/support';

const WIDTH = 1920;
const HEIGHT = 1080;
const NUM_BUFFERS = 10;
/** gstreamer-python's sink pipeline in its tests. */
const SINK_COMMAND = 'appsrc emit-signals=True is-live=True ! videoconvert ! fakesink sync=false';
/** A sink pipeline whose frames the test reads back at `out`. */
const LOOPBACK = 'appsrc ! appsink name=out emit-signals=true sync=false';

/** A GstVideoSink that remembers whether the end of the stream reached its bus. */
class RecordingSink extends GstVideoSink {
  reachedEos = false;
  protected override onEos(): void {
    this.reachedEos = true;
  }
}

/** A pipeline this test owns: shut down after the test, whatever happens in it. */
const track = pipelinesStoppedAfterEach(test);

function sink(command: string, options: GstVideoSinkOptions): RecordingSink {
  return track(new RecordingSink(command, options));
}

/** What the appsink `out` received: the tutorial's path, new-sample then pull-sample. */
interface Received {
  pts: bigint;
  dts: bigint;
  duration: bigint;
  offset: bigint;
  data: SampleArray;
  shape: readonly number[];
}

function readBack(pipeline: GstPipeline, name = 'out'): Received[] {
  const out = pipeline.getByName(name, GstApp.AppSink);
  if (!out) throw new Error(`no appsink named ${name}`);
  const received: Received[] = [];
  out.connect('new-sample', () => {
    const sample = out.emit('pull-sample');
    if (!(sample instanceof Gst.Sample)) return Gst.FlowReturn.ERROR;
    const buffer = sample.getBuffer();
    const caps = sample.getCaps();
    if (!buffer || !caps) return Gst.FlowReturn.ERROR;
    const { data, shape } = gstBufferWithCapsToTypedArray(buffer, caps);
    received.push({ pts: buffer.pts, dts: buffer.dts, duration: buffer.duration, offset: buffer.offset, data, shape });
    return Gst.FlowReturn.OK;
  });
  return received;
}

/** Ends the stream and waits for the end to come through the pipeline (not shutdown's fallback timer). */
async function finish(pipeline: RecordingSink): Promise<void> {
  await within(pipeline.shutdown(5_000), 10_000, `shutdown of "${pipeline.command}"`);
  assert.is(pipeline.error, null, `no error in "${pipeline.command}"`);
  assert.ok(pipeline.reachedEos, `end of stream went through "${pipeline.command}"`);
}

const FORMATS: Array<{ format: string; channels: number; arrayType: Uint8ArrayConstructor | Uint16ArrayConstructor }> = [
  { format: 'RGB', channels: 3, arrayType: Uint8Array },
  { format: 'RGBA', channels: 4, arrayType: Uint8Array },
  { format: 'GRAY8', channels: 1, arrayType: Uint8Array },
  { format: 'GRAY16_BE', channels: 1, arrayType: Uint16Array },
];

for (const { format, channels, arrayType } of FORMATS) {
  test(`test_video_sink: ${NUM_BUFFERS} frames of ${WIDTH}x${HEIGHT} ${format}`, async () => {
    const s = sink(SINK_COMMAND, { width: WIDTH, height: HEIGHT, format });
    assert.is(s.totalBuffersCount, 0);
    s.startup();
    assert.ok(s.isActive);
    const frame = new arrayType(HEIGHT * WIDTH * channels);
    for (let i = 0; i < NUM_BUFFERS; i++) {
      frame.fill(i * 20);
      await within(s.push(frame), 5_000, `push of frame ${i}`);
    }
    assert.is(s.totalBuffersCount, NUM_BUFFERS);
    await finish(s);
  });
}

for (const { format } of FORMATS) {
  test(`test_video_src_to_source: ${NUM_BUFFERS} frames of ${WIDTH}x${HEIGHT} ${format} from a source into a sink`, async () => {
    const capsFilter = `capsfilter caps=video/x-raw,format=${format},width=${WIDTH},height=${HEIGHT}`;
    const source = track(
      new GstVideoSource(`videotestsrc num-buffers=${NUM_BUFFERS} ! ${capsFilter} ! appsink emit-signals=True sync=false`),
    );
    const s = sink(SINK_COMMAND, { width: WIDTH, height: HEIGHT, format });
    source.startup();
    s.startup();
    const relay = async (): Promise<void> => {
      for await (const frame of source) {
        await s.push(frame.data, { pts: frame.pts ?? undefined, dts: frame.dts ?? undefined, offset: frame.offset ?? undefined });
        frame.release();
      }
    };
    await within(relay(), 20_000, 'relaying frames from source to sink');
    assert.is(source.totalBuffersCount, NUM_BUFFERS);
    assert.is(s.totalBuffersCount, NUM_BUFFERS);
    await finish(s);
  });
}

/** A sample value no two neighbours share, from (frame, row, column, channel). */
function pixel(f: number, r: number, c: number, ch: number, max: number): number {
  return (f * 7919 + r * 257 + c * 31 + ch * 101 + 3) % (max + 1);
}

test('round trip, RGB at an odd width (641x5, rows padded by GStreamer): tight rows in, the same bytes out', async () => {
  const width = 641;
  const height = 5;
  const frames = Array.from({ length: 4 }, (_, f) => {
    const data = new Uint8Array(height * width * 3);
    for (let r = 0; r < height; r++)
      for (let c = 0; c < width; c++) for (let ch = 0; ch < 3; ch++) data[(r * width + c) * 3 + ch] = pixel(f, r, c, ch, 255);
    return data;
  });
  const s = sink(LOOPBACK, { width, height, format: 'RGB', fps: 25 });
  assert.is(s.frameSize, 1924 * height, 'GStreamer pads each 1923-byte row to 1924');
  const received = readBack(s);
  s.startup();
  for (let f = 0; f < frames.length; f++)
    await within(s.push(frames[f], { pts: 1_000_000n * BigInt(f) + 7n, dts: f * 1_000_000, offset: 100 + f }), 5_000, `push ${f}`);
  await finish(s);
  assert.is(received.length, frames.length, 'every pushed frame reached the appsink');
  received.forEach((got, f) => {
    assert.equal(got.shape, [height, width, 3]);
    assert.instance(got.data, Uint8Array);
    const at = firstDifference(got.data, frames[f]);
    assert.is(at, -1, `frame ${f} comes back byte for byte (first difference at byte ${at})`);
    assert.is(got.pts, 1_000_000n * BigInt(f) + 7n, `pts of frame ${f}`);
    assert.is(got.dts, 1_000_000n * BigInt(f), `dts of frame ${f}`);
    assert.is(got.offset, BigInt(100 + f), `offset of frame ${f}`);
  });
});

test('round trip, GRAY16_LE (33x7, rows padded): Uint16Array samples come back equal', async () => {
  const width = 33;
  const height = 7;
  const frames = Array.from({ length: 3 }, (_, f) => {
    const data = new Uint16Array(height * width);
    for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) data[r * width + c] = pixel(f, r, c, 0, 0xffff);
    return data;
  });
  assert.ok(
    frames[0].some((v) => v > 255),
    'samples use the high byte too',
  );
  const s = sink(LOOPBACK, { width, height, format: 'GRAY16_LE' });
  const received = readBack(s);
  s.startup();
  for (let f = 0; f < frames.length; f++) await within(s.push(frames[f], { pts: f * 40_000_000 }), 5_000, `push ${f}`);
  await finish(s);
  assert.is(received.length, frames.length);
  received.forEach((got, f) => {
    assert.equal(got.shape, [height, width]);
    assert.instance(got.data, Uint16Array);
    assert.equal(Array.from(got.data), Array.from(frames[f]), `samples of frame ${f}`);
    assert.is(got.pts, BigInt(f * 40_000_000));
  });
});

test('timestamps left out advance by one frame; a Gst.Buffer is pushed like an array', async () => {
  const width = 8;
  const height = 4;
  const size = width * height * 3;
  const s = sink(LOOPBACK, { width, height, format: 'RGB', fps: 25 });
  const received = readBack(s);
  s.startup();
  const frame = (i: number): Uint8Array => new Uint8Array(size).fill(10 + i);
  for (let i = 0; i < 3; i++) await within(s.push(frame(i)), 5_000, `push of array ${i}`);
  for (let i = 3; i < 5; i++) await within(s.push(typedArrayToGstBuffer(frame(i))), 5_000, `push of Gst.Buffer ${i}`);
  assert.is(s.totalBuffersCount, 5);
  await finish(s);
  assert.is(received.length, 5);
  received.forEach((got, i) => {
    assert.is(got.pts, BigInt(i) * 40_000_000n, `pts of frame ${i} is ${i} * 1e9 / 25`);
    assert.is(got.duration, 40_000_000n, `duration of frame ${i}`);
    assert.is(got.offset, BigInt(i), `offset of frame ${i}`);
    assert.is(firstDifference(got.data, frame(i)), -1, `bytes of frame ${i}`);
  });
});

test('timestamps as fractional nanoseconds (i * 1e9 / 30) are accepted', async () => {
  const s = sink(LOOPBACK, { width: 8, height: 4, format: 'RGB', fps: 30 });
  const received = readBack(s);
  s.startup();
  for (let i = 0; i < 3; i++) {
    const pts = (i * 1e9) / 30;
    const pushed = await within(
      s.push(new Uint8Array(8 * 4 * 3), { pts, duration: 1e9 / 30 }).then(
        () => 'resolved',
        (error: unknown) => `rejected: ${String(error)}`,
      ),
      5_000,
      `push with pts ${pts}`,
    );
    assert.is(pushed, 'resolved', `push with pts ${pts} and duration ${1e9 / 30}`);
  }
  await finish(s);
  assert.is(received.length, 3);
  received.forEach((got, i) => assert.ok(Math.abs(Number(got.pts) - (i * 1e9) / 30) <= 1, `pts of frame ${i}: ${got.pts}`));
});

test('a ShapedArray (a frame from a GstVideoSource) is pushed as it is', async () => {
  const source = track(
    new GstVideoSource('videotestsrc num-buffers=2 pattern=ball ! video/x-raw,format=RGB,width=641,height=5 ! appsink sync=false'),
  );
  const s = sink(LOOPBACK, { width: 641, height: 5, format: 'RGB' });
  const received = readBack(s);
  source.startup();
  s.startup();
  const sent: Uint8Array[] = [];
  const relay = async (): Promise<void> => {
    for await (const frame of source) {
      sent.push(Uint8Array.from(frame.data));
      await s.push(frame);
    }
  };
  await within(relay(), 5_000, 'relaying VideoFrames');
  await finish(s);
  assert.is(received.length, 2);
  received.forEach((got, i) => assert.is(firstDifference(got.data, sent[i]), -1, `frame ${i}`));
});

test('no appsrc: GstElementNotFoundError; a format GStreamer does not know: RangeError', () => {
  let error: unknown = null;
  try {
    sink('videotestsrc ! fakesink', { width: 8, height: 8 });
  } catch (e) {
    error = e;
  }
  assert.instance(error, GstElementNotFoundError);
  error = null;
  try {
    sink(SINK_COMMAND, { width: 8, height: 8, format: 'NOT_A_FORMAT' });
  } catch (e) {
    error = e;
  }
  assert.instance(error, RangeError);
  assert.match(String(error), /NOT_A_FORMAT/);
});

test('after a pipeline error, push rejects with that GstPipelineError', async () => {
  // The capsfilter refuses the appsrc's RGB: not-negotiated at the first frame.
  const s = sink('appsrc ! video/x-raw,format=GRAY8 ! fakesink', { width: 8, height: 8, format: 'RGB' });
  const done = rejectionOf(s.done, 5_000, 'done of a sink that cannot negotiate');
  s.startup();
  await s.push(new Uint8Array(8 * 8 * 3)).catch(() => undefined); // accepted or refused: the error comes either way
  const failure = await done;
  assert.instance(failure, GstPipelineError);
  const error = await rejectionOf(s.push(new Uint8Array(8 * 8 * 3)), 1_000, 'push after the error');
  assert.is(error, failure);
});

test('push rejects a frame of the wrong size with a RangeError naming both sizes', async () => {
  const s = sink(SINK_COMMAND, { width: 640, height: 480, format: 'RGB' }).startup();
  const error = await rejectionOf(s.push(new Uint8Array(1000)), 1_000, 'push of 1000 bytes');
  assert.instance(error, RangeError);
  assert.match((error as Error).message, /1000/, 'names the size given');
  assert.match((error as Error).message, /921600/, 'names the size needed');
  const bufferError = await rejectionOf(s.push(typedArrayToGstBuffer(new Uint8Array(10))), 1_000, 'push of a 10-byte Gst.Buffer');
  assert.instance(bufferError, RangeError);
  assert.match((bufferError as Error).message, /\b10\b/);
  assert.is(s.totalBuffersCount, 0, 'nothing counted');
  assert.ok(s.isActive, 'the pipeline still plays');
  await within(s.push(new Uint8Array(640 * 480 * 3)), 5_000, 'a right-sized push after the wrong ones');
  assert.is(s.totalBuffersCount, 1);
});

test('push before startup, or after shutdown, rejects', async () => {
  const s = sink(SINK_COMMAND, { width: 16, height: 16, format: 'GRAY8' });
  const before = await rejectionOf(s.push(new Uint8Array(256)), 1_000, 'push before startup');
  assert.instance(before, Error);
  assert.match((before as Error).message, /startup|not playing/i);
  s.startup();
  await within(s.push(new Uint8Array(256)), 5_000, 'push while playing');
  await finish(s);
  const after = await rejectionOf(s.push(new Uint8Array(256)), 1_000, 'push after shutdown');
  assert.instance(after, Error);
  assert.is(s.totalBuffersCount, 1);
});

test('back-pressure: pushes into a slow pipeline wait without blocking the event loop', async () => {
  const width = 64;
  const height = 48;
  const frameSize = width * height * 3;
  // identity sleeps 20 ms per frame: 20 frames need at least ~300 ms after the queues fill.
  const s = sink('appsrc ! queue max-size-buffers=1 ! identity sleep-time=20000 ! fakesink sync=false', {
    width,
    height,
    format: 'RGB',
    maxQueuedFrames: 2,
  }).startup();
  let ticks = 0;
  let peakLevel = 0;
  const ticker = setInterval(() => {
    ticks++;
    peakLevel = Math.max(peakLevel, Number(s.appsrc.getCurrentLevelBytes()));
  }, 5);
  // A push that waits for room lasts at least one 20 ms frame of identity: a timer due every 5 ms
  // fires during it unless the push blocks the event loop. Counted per push, not against a clock.
  let waited = 0;
  let tickedWhileWaiting = 0;
  try {
    const pushAll = async (): Promise<void> => {
      for (let i = 0; i < 20; i++) {
        let settled = false;
        const before = ticks;
        const push = s.push(new Uint8Array(frameSize).fill(i)).finally(() => (settled = true));
        await Promise.resolve();
        const waits = !settled;
        await push;
        if (waits) {
          waited++;
          if (ticks > before) tickedWhileWaiting++;
        }
      }
    };
    await within(pushAll(), 10_000, '20 pushes into a slow pipeline');
  } finally {
    clearInterval(ticker);
  }
  assert.is(s.totalBuffersCount, 20, 'all 20 pushed');
  assert.ok(waited >= 10, `pushes waited for room (${waited} of 20), so memory stays bounded`);
  assert.ok(
    tickedWhileWaiting >= waited / 2,
    `the event loop ran while pushes waited: a timer ticked during ${tickedWhileWaiting} of ${waited} waits`,
  );
  assert.ok(peakLevel <= 2 * frameSize, `appsrc held at most maxQueuedFrames frames (peak ${peakLevel} bytes)`);
  await finish(s);
});

test('shutdown() ends the stream, so a WebM file is complete: size, frame rate, duration and frames', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gstreamer-ts-sink-'));
  const file = path.join(dir, 'out.webm');
  try {
    const width = 320;
    const height = 240;
    const fps = 15;
    const count = 15;
    const s = sink(`appsrc ! videoconvert ! vp8enc deadline=1 ! webmmux ! filesink location="${file}"`, {
      width,
      height,
      fps,
      format: 'RGB',
    }).startup();
    const frame = new Uint8Array(width * height * 3);
    for (let i = 0; i < count; i++) {
      for (let p = 0; p < frame.length; p++) frame[p] = (p + i * 9) & 0xff;
      await within(s.push(frame), 5_000, `push ${i}`);
    }
    await finish(s);
    const info = await discover(file);
    assert.is(info.width, width, info.report);
    assert.is(info.height, height, info.report);
    assert.is(info.frameRate, `${fps}/1`, info.report);
    assert.ok(Math.abs(info.durationS - count / fps) < 0.1, `duration ${info.durationS} s, expected about ${count / fps} s`);
    const decoded = await countWebmFrames(file);
    assert.is(decoded.frames, count, 'frames in the file');
    assert.is(decoded.width, width);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('fps: a number or [num, den]; zero, negative or NaN is a RangeError naming the value', () => {
  assert.is(sink(SINK_COMMAND, { width: 8, height: 8, fps: 25 }).caps, 'video/x-raw,format=RGB,width=8,height=8,framerate=25/1');
  assert.is(
    sink(SINK_COMMAND, { width: 8, height: 8, fps: [30000, 1001], format: 'GRAY8' }).caps,
    'video/x-raw,format=GRAY8,width=8,height=8,framerate=30000/1001',
  );
  assert.is(sink(SINK_COMMAND, { width: 8, height: 8 }).caps, 'video/x-raw,format=RGB,width=8,height=8,framerate=30/1', 'default 30/1 RGB');
  for (const [fps, shown] of [
    [0, '0'],
    [-5, '-5'],
    [NaN, 'NaN'],
    [[30, 0], '0'],
    [[0, 1], '0'],
    [[-30, 1], '-30'],
  ] as Array<[number | [number, number], string]>) {
    assert.throws(
      () => sink(SINK_COMMAND, { width: 8, height: 8, fps }),
      (error: unknown) =>
        error instanceof RangeError && /^GstVideoSink options\.fps .*must be .*, got (\S+)$/.exec(error.message)?.[1] === shown,
      `fps ${shown}`,
    );
  }
});

test.run();
