/**
 * src/video-source.ts, branch by branch: the options GstVideoSource checks, how far ahead of pop()
 * it pulls (zero-copy frames, copies by their size), the planes and toTensor of copies and of
 * zero-copy views, the appsink's bound, and caps that stop being raw video mid-stream. Small
 * frames through appsrc or videotestsrc, so every test runs in milliseconds.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Gst, GstApp, GstPipelineError, GstVideoSource, type GstVideoSourceOptions, type VideoFrame } from '../src';
import { SINK_MAX_BUFFERS, STREAM_COPY_MAX_BUFFERS } from '../src/samples';
import { appsrcFor, gstBytes, layoutOf, pushRaw, sampleValue, type Layout } from './helpers/content';
import { pipelinesStoppedAfterEach, rejectionOf, within } from './helpers/support';

const TINY = 'video/x-raw,format=GRAY8,width=16,height=16';

const track = pipelinesStoppedAfterEach(test);

function source(command: string, options?: GstVideoSourceOptions): GstVideoSource {
  return track(new GstVideoSource(command, options));
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/** One turn of the event loop (the source's wake-ups run in it). */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${ms} ms`);
    await turn();
  }
}

/** The one frame of `layout` (frame 0) that an appsrc pushes, popped from a source with `options`. */
async function onlyFrame(layout: Layout, options: GstVideoSourceOptions): Promise<{ src: GstVideoSource; frame: VideoFrame }> {
  const src = source(`${appsrcFor(layout)} ! appsink caps="${layout.caps}" sync=false`, options).startup();
  const appsrc = src.getByName('src', GstApp.AppSrc)!;
  pushRaw(appsrc, gstBytes(layout, 0), 0);
  appsrc.endOfStream();
  const frame = await within(src.pop(), 5_000, `a ${layout.format} frame`);
  if (!frame) throw new Error('no frame');
  return { src, frame };
}

/**
 * How many frames `src` queues ahead when nobody pops: the appsink (max-buffers=1) holds one more
 * and the next blocks the streaming thread, so `ahead + 2` buffers reach the appsink, then none
 * until a pop. The loop turns after that let a queue past its bound take more.
 */
async function heldAhead(src: GstVideoSource, ahead: number): Promise<number> {
  let arrived = 0;
  src.appsink.getStaticPad('sink')!.addProbe(Gst.PadProbeType.BUFFER, () => {
    arrived++;
    return Gst.PadProbeReturn.OK;
  });
  src.startup();
  await until(() => arrived >= ahead + 2 && src.queueSize >= ahead, 10_000, `${ahead} frames queued ahead`);
  for (let i = 0; i < 50; i++) await turn();
  assert.is(src.droppedCount, 0);
  return src.queueSize;
}

test('options: not an object, a zeroCopy that is not a boolean, a bad maxBuffersSize: errors that name GstVideoSource', () => {
  for (const options of [null, 5, 'fast']) {
    const error = caught(() => new GstVideoSource('videotestsrc ! appsink', options as unknown as GstVideoSourceOptions));
    assert.instance(error, TypeError);
    assert.is(
      (error as Error).message,
      `GstVideoSource: options must be an object, got ${options === 'fast' ? '"fast"' : String(options)}`,
    );
  }
  const zeroCopy = caught(() => new GstVideoSource('videotestsrc ! appsink', { zeroCopy: 'yes' as unknown as boolean }));
  assert.instance(zeroCopy, TypeError);
  assert.is((zeroCopy as Error).message, 'GstVideoSource: zeroCopy must be a boolean, got string');
  const size = caught(() => new GstVideoSource('videotestsrc ! appsink', { maxBuffersSize: 0 }));
  assert.instance(size, RangeError);
  assert.is((size as Error).message, 'GstVideoSource: maxBuffersSize must be a positive integer, got 0');
});

test('copies are made on the streaming thread, with the bound that needs; zero-copy frames keep the plain bound', () => {
  const copies = source(`videotestsrc num-buffers=1 ! ${TINY} ! appsink sync=false`).startup();
  assert.is(copies.appsink.maxBuffers, STREAM_COPY_MAX_BUFFERS);
  const views = source(`videotestsrc num-buffers=1 ! ${TINY} ! appsink sync=false`, { zeroCopy: true }).startup();
  assert.is(views.appsink.maxBuffers, SINK_MAX_BUFFERS);
});

test('zeroCopy: 2 frames queued ahead of pop() whatever maxBuffersSize, fewer when it is smaller', async () => {
  const command = `videotestsrc num-buffers=30 ! ${TINY} ! appsink name=sink max-buffers=1 sync=false`;
  assert.is(await heldAhead(source(command, { zeroCopy: true }), 2), 2, 'maxBuffersSize 100: 2 ahead');
  assert.is(await heldAhead(source(command, { zeroCopy: true, maxBuffersSize: 1 }), 1), 1, 'maxBuffersSize 1: 1 ahead');
});

test('copies: 16 MB of frames queued ahead of pop() (16 frames of 1 MB), then every frame in order', async () => {
  const src = source(
    'videotestsrc num-buffers=24 pattern=black ! video/x-raw,format=GRAY8,width=1024,height=1024 ! appsink name=sink max-buffers=1 sync=false',
  );
  assert.is(await heldAhead(src, 16), 16);
  const offsets: Array<number | null> = [];
  for (let frame = await src.pop(); frame; frame = await src.pop()) {
    offsets.push(frame.offset);
    frame.release();
  }
  assert.equal(offsets, [...Array(24).keys()]);
});

test('copies of 4 MB: before the first frame tells their size, a pull takes 2, so the 4 ahead are never overrun', async () => {
  const layout = layoutOf('GRAY8', 2048, 2048);
  const src = source(`${appsrcFor(layout)} ! appsink caps="${layout.caps}" max-buffers=10 sync=false`).startup();
  const appsrc = src.getByName('src', GstApp.AppSrc)!;
  const bytes = new Uint8Array(layout.size);
  for (let i = 0; i < 6; i++) pushRaw(appsrc, bytes, i);
  // This turn holds the JS thread until the appsrc has handed every frame on: the appsink then
  // holds 5 or 6 when the source first pulls (its wake-up runs after this turn).
  const deadline = Date.now() + 5_000;
  while (Number(appsrc.currentLevelBuffers) > 0)
    if (Date.now() > deadline) throw new Error('the appsrc did not hand its frames on within 5 s');
  await until(() => src.queueSize >= 4, 5_000, '4 frames queued ahead');
  for (let i = 0; i < 20; i++) await turn();
  assert.is(src.queueSize, 4, '16 MB of 4 MB frames ahead, no more');
  appsrc.endOfStream();
  let popped = 0;
  for (let frame = await src.pop(); frame; frame = await src.pop()) {
    assert.is(frame.offset, popped++);
    frame.release();
  }
  assert.is(popped, 6);
});

test("planes: a copy packs I420's planes tight; a zero-copy view has GStreamer's strides and offsets", async () => {
  const layout = layoutOf('I420', 10, 6);
  const tight = [
    { offset: 0, stride: 10, rowBytes: 10, rows: 6 },
    { offset: 60, stride: 5, rowBytes: 5, rows: 3 },
    { offset: 75, stride: 5, rowBytes: 5, rows: 3 },
  ];
  const copied = (await onlyFrame(layout, {})).frame;
  assert.equal(copied.planes, tight);
  assert.is(copied.data.length, 90);
  const view = (await onlyFrame(layout, { zeroCopy: true })).frame;
  assert.equal(
    view.planes,
    layout.planes.map((plane) => ({ offset: plane.offset, stride: plane.stride, rowBytes: plane.rowSamples, rows: plane.rows })),
  );
  assert.is(view.planes[1].stride, 8, 'the view keeps the padding of the chroma rows');
});

test('toTensor: a copy (samples in host order) and a zero-copy view (GStreamer bytes) of GRAY16_BE give the same tensor', async () => {
  // 6 samples of 2 bytes: rows without padding, which a zero-copy frame keeps as GStreamer's bytes
  const layout = layoutOf('GRAY16_BE', 6, 2);
  const expected = Array.from({ length: 12 }, (_, i) => Math.fround(sampleValue(layout, 0, 0, Math.floor(i / 6), i % 6) / 65535));
  const copied = (await onlyFrame(layout, {})).frame.toTensor();
  assert.equal(copied.dims, [1, 3, 2, 6]);
  assert.equal([...copied.data.subarray(0, 12)], expected, 'the first channel is the gray samples, scaled');
  const { frame } = await onlyFrame(layout, { zeroCopy: true });
  assert.is(
    frame.data[0],
    ((sampleValue(layout, 0, 0, 0, 0) & 0xff) << 8) | (sampleValue(layout, 0, 0, 0, 0) >> 8),
    'the view holds big-endian bytes',
  );
  const viewed = frame.toTensor();
  assert.equal(viewed.dims, copied.dims);
  assert.equal([...viewed.data], [...copied.data]);
});

test('caps that change from raw video to audio mid-stream: the video frame comes, then pop rejects with GstPipelineError', async () => {
  const layout = layoutOf('GRAY8', 4, 2);
  const src = source(`${appsrcFor(layout)} ! capsfilter caps="${layout.caps}; audio/x-raw,format=S16LE" ! appsink sync=false`).startup();
  src.done.catch(() => undefined);
  const appsrc = src.getByName('src', GstApp.AppSrc)!;
  pushRaw(appsrc, gstBytes(layout, 0), 0);
  const frame = await within(src.pop(), 5_000, 'the video frame');
  assert.equal(frame?.shape, [2, 4]);
  appsrc.caps = Gst.Caps.fromString('audio/x-raw,format=S16LE,rate=8000,channels=1,layout=interleaved')!;
  pushRaw(appsrc, new Uint8Array(layout.size), 1);
  const error = await rejectionOf(src.pop(), 5_000, 'a pop after the caps became audio');
  assert.instance(error, GstPipelineError);
  assert.match((error as Error).message, /appsink caps are not raw video/);
});

test.run();
