/**
 * Frames with known content, checked sample by sample and timestamp by timestamp on every path a
 * user takes: the tutorial's (appsink 'new-sample' + emit('pull-sample') +
 * gstBufferWithCapsToTypedArray), GstVideoSource with copies and with zeroCopy, GstVideoSink into an
 * appsink, and a source-to-sink round trip. The reference never goes through the library: frames
 * are built here in GStreamer's layout (test/helpers/content.ts), pushed with plain node-gtk
 * (Gst.Buffer.newWrapped + appsrc.pushBuffer) and read back with plain node-gtk
 * (appsink.tryPullSample + buffer.extractDup). Sizes: 5x3 (rows padded by GStreamer for all but
 * RGBA) and 8x2 (no padding: zero-copy frames are then true views). I420 and NV12 here at sizes
 * without padding; at odd sizes they are in test/samples.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Gst,
  GstApp,
  GstPipeline,
  GstVideoSink,
  GstVideoSource,
  gstBufferView,
  gstBufferWithCapsToTypedArray,
  type ShapedArray,
  type VideoFrame,
} from '../src';
import {
  FRAME_NS,
  appsrcFor,
  bytesOf,
  dtsOf,
  gstBytes,
  layoutOf,
  mismatch,
  pixelBytes,
  ptsOf,
  pullRaw,
  pushRaw,
  tightBytes,
  tightSamples,
  type Layout,
} from './helpers/content';
import { caps, pipelinesStoppedAfterEach, rejectionOf, within } from './helpers/support';

const track = pipelinesStoppedAfterEach(test);
const FRAMES = 3;
const PACKED_FORMATS = ['RGB', 'RGBA', 'GRAY8', 'GRAY16_LE', 'GRAY16_BE'];
/** 5x3: rows padded to 4 bytes (all but RGBA); 8x2: rows without padding. */
const SIZES: Array<[number, number]> = [
  [5, 3],
  [8, 2],
];

function expectedShape(layout: Layout): number[] {
  if (layout.channels < 0) return [layout.planes.reduce((n, p) => n + p.rows * p.rowSamples, 0)];
  return [layout.height, layout.width, layout.channels].filter((d) => d !== 1);
}

function arrayTypeOf(layout: Layout): Uint8ArrayConstructor | Uint16ArrayConstructor {
  return layout.bytesPerSample === 2 ? Uint16Array : Uint8Array;
}

/** Asserts that a copy holds frame `i`'s sample values (rows tight, 16-bit samples as values in this machine's order). */
function assertSamples(frame: ShapedArray, layout: Layout, i: number, what: string): void {
  assert.instance(frame.data, arrayTypeOf(layout), `${what}: array type`);
  assert.equal([...frame.shape], expectedShape(layout), `${what}: shape`);
  const wrong = mismatch(frame.data, tightSamples(layout, i));
  if (wrong) assert.unreachable(`${what}: samples differ from the frame pushed: ${wrong}`);
}

/** Asserts that a video frame carries the times frame `i` was pushed with. */
function assertTimes(frame: VideoFrame, i: number, what: string): void {
  assert.equal(
    { pts: frame.pts, dts: frame.dts, duration: frame.duration, offset: frame.offset },
    { pts: ptsOf(i), dts: dtsOf(i), duration: FRAME_NS, offset: i },
    `${what}: pts, dts, duration, offset`,
  );
}

/** Pushes frames 0..frames-1 of `layout` into the appsrc `src` of `pipeline`, then ends the stream. */
function feed(pipeline: GstPipeline, layout: Layout, frames = FRAMES): void {
  const src = pipeline.getByName('src', GstApp.AppSrc);
  if (!src) throw new Error('no appsrc named src');
  for (let i = 0; i < frames; i++) pushRaw(src, gstBytes(layout, i), i);
  src.endOfStream();
}

async function framesOf(source: GstVideoSource, each: (frame: VideoFrame, i: number) => void): Promise<number> {
  let count = 0;
  const run = async (): Promise<void> => {
    for await (const frame of source) each(frame, count++);
  };
  await within(run(), 10_000, `frames of "${source.command}"`);
  return count;
}

for (const format of PACKED_FORMATS) {
  test(`tutorial path (new-sample, pull-sample, gstBufferWithCapsToTypedArray): ${format} samples and times as pushed`, async () => {
    for (const [width, height] of SIZES) {
      const layout = layoutOf(format, width, height);
      const what = `${format} ${width}x${height}`;
      const pipeline = track(new GstPipeline(`${appsrcFor(layout)} ! appsink name=out emit-signals=true sync=false`));
      const out = pipeline.getByName('out', GstApp.AppSink)!;
      const got: Array<{ frame: ShapedArray; pts: bigint; dts: bigint; duration: bigint; offset: bigint }> = [];
      out.connect('new-sample', () => {
        const sample = out.emit('pull-sample') as Gst.Sample;
        const buffer = sample.getBuffer()!;
        got.push({
          frame: gstBufferWithCapsToTypedArray(buffer, sample.getCaps()!),
          pts: buffer.pts,
          dts: buffer.dts,
          duration: buffer.duration,
          offset: buffer.offset,
        });
        return Gst.FlowReturn.OK;
      });
      pipeline.startup();
      feed(pipeline, layout);
      await within(pipeline.done, 10_000, `${what} to its end`);
      assert.is(got.length, FRAMES, `${what}: samples handled`);
      got.forEach(({ frame, pts, dts, duration, offset }, i) => {
        assertSamples(frame, layout, i, `${what} frame ${i}`);
        assert.equal(
          [pts, dts, duration, offset],
          [BigInt(ptsOf(i)), BigInt(dtsOf(i)), BigInt(FRAME_NS), BigInt(i)],
          `${what} frame ${i}: times`,
        );
      });
    }
  });

  test(`GstVideoSource copies: ${format} samples (16-bit as values) and pts/dts/duration/offset as pushed`, async () => {
    for (const [width, height] of SIZES) {
      const layout = layoutOf(format, width, height);
      const what = `${format} ${width}x${height}`;
      const source = track(new GstVideoSource(`${appsrcFor(layout)} ! appsink sync=false`)).startup();
      feed(source, layout);
      const count = await framesOf(source, (frame, i) => {
        assertSamples(frame, layout, i, `${what} frame ${i}`);
        assertTimes(frame, i, `${what} frame ${i}`);
        assert.equal([frame.format, frame.width, frame.height], [format, width, height], `${what}: format and size`);
      });
      assert.is(count, FRAMES, `${what}: frames`);
    }
  });

  test(`GstVideoSource zeroCopy: ${format} bytes as GStreamer holds them (rows tight), times as pushed`, async () => {
    for (const [width, height] of SIZES) {
      const layout = layoutOf(format, width, height);
      const what = `${format} ${width}x${height} zeroCopy`;
      const source = track(new GstVideoSource(`${appsrcFor(layout)} ! appsink sync=false`, { zeroCopy: true })).startup();
      feed(source, layout);
      const count = await framesOf(source, (frame, i) => {
        assert.instance(frame.data, arrayTypeOf(layout), `${what}: array type`);
        assert.equal([...frame.shape], expectedShape(layout), `${what}: shape`);
        // A view is GStreamer's bytes: a big-endian format stays big-endian (the copies swap).
        const wrong = mismatch(bytesOf(frame.data), tightBytes(layout, i));
        if (wrong) assert.unreachable(`${what} frame ${i}: bytes differ from the frame pushed: ${wrong}`);
        assertTimes(frame, i, `${what} frame ${i}`);
      });
      assert.is(count, FRAMES, `${what}: frames`);
    }
  });

  test(`GstVideoSink into an appsink: ${format} samples in GStreamer's layout and byte order, default times from fps [num, den]`, async () => {
    for (const [width, height] of SIZES) {
      const layout = layoutOf(format, width, height);
      const what = `${format} ${width}x${height} pushed`;
      const sink = track(new GstVideoSink('appsrc ! appsink name=out sync=false', { width, height, format, fps: [30000, 1001] }));
      assert.is(sink.caps, `video/x-raw,format=${format},width=${width},height=${height},framerate=30000/1001`, `${what}: caps`);
      sink.startup();
      for (let i = 0; i < FRAMES; i++) await within(sink.push(tightSamples(layout, i)), 5_000, `${what}: push ${i}`);
      const raw = pullRaw(sink.getByName('out', GstApp.AppSink)!, FRAMES);
      raw.forEach((frame, i) => {
        assert.is(frame.bytes.length, layout.size, `${what} frame ${i}: size in GStreamer's layout`);
        const wrong = mismatch(pixelBytes(layout, frame.bytes), tightBytes(layout, i));
        if (wrong)
          assert.unreachable(
            `${what} frame ${i}: bytes at the appsink differ (16-bit samples must go in the format's byte order): ${wrong}`,
          );
        const pts = Math.round((i * 1e9 * 1001) / 30000);
        assert.equal(
          [frame.pts, frame.duration, frame.offset],
          [BigInt(pts), BigInt(Math.round(1001e9 / 30000)), BigInt(i)],
          `${what} frame ${i}: pts, duration, offset`,
        );
        assert.ok(frame.caps.includes('framerate=(fraction)30000/1001'), `${what}: caps at the appsink: ${frame.caps}`);
      });
    }
  });

  test(`round trip: GstVideoSource frames pushed into a GstVideoSink reach its appsink unchanged (${format})`, async () => {
    for (const [width, height] of SIZES) {
      const layout = layoutOf(format, width, height);
      const what = `${format} ${width}x${height} round trip`;
      const source = track(new GstVideoSource(`${appsrcFor(layout)} ! appsink sync=false`)).startup();
      const sink = track(new GstVideoSink('appsrc ! appsink name=out sync=false', { width, height, format, fps: 25 })).startup();
      feed(source, layout);
      const relay = async (): Promise<void> => {
        for await (const frame of source)
          await sink.push(frame, { pts: frame.pts ?? undefined, dts: frame.dts ?? undefined, duration: frame.duration ?? undefined });
      };
      await within(relay(), 10_000, `${what}: relay`);
      pullRaw(sink.getByName('out', GstApp.AppSink)!, FRAMES).forEach((frame, i) => {
        const wrong = mismatch(pixelBytes(layout, frame.bytes), tightBytes(layout, i));
        if (wrong) assert.unreachable(`${what} frame ${i}: bytes differ: ${wrong}`);
        assert.equal(
          [frame.pts, frame.dts, frame.duration],
          [BigInt(ptsOf(i)), BigInt(dtsOf(i)), BigInt(FRAME_NS)],
          `${what} frame ${i}: times`,
        );
      });
    }
  });
}

/**
 * Frames of 32 to 128 KB, rows without padding: big enough that copies move to the streaming
 * thread (src/native/stream_copy.cc) on both paths once the first frame was copied, except
 * GRAY16_BE (its copy is swapped, so it stays on the JS thread). 12 frames, so most reach the
 * appsink after the move; every one is held to the end, so a copy that aliased memory GStreamer
 * reuses would show another frame's samples.
 */
const LARGE = { width: 256, height: 128, frames: 12 };
for (const format of ['RGB', 'GRAY8', 'GRAY16_LE', 'GRAY16_BE', 'I420']) {
  test(`${format} ${LARGE.width}x${LARGE.height} x${LARGE.frames}, all held to the end: samples and times as pushed on the tutorial path and in GstVideoSource copies`, async () => {
    const layout = layoutOf(format, LARGE.width, LARGE.height);
    const pipeline = track(new GstPipeline(`${appsrcFor(layout)} ! appsink name=out emit-signals=true sync=false`));
    const out = pipeline.getByName('out', GstApp.AppSink)!;
    const tutorial: Array<{ frame: ShapedArray; pts: bigint }> = [];
    out.connect('new-sample', () => {
      const sample = out.emit('pull-sample') as Gst.Sample;
      const buffer = sample.getBuffer()!;
      tutorial.push({ frame: gstBufferWithCapsToTypedArray(buffer, sample.getCaps()!), pts: buffer.pts });
      return Gst.FlowReturn.OK;
    });
    pipeline.startup();
    feed(pipeline, layout, LARGE.frames);
    await within(pipeline.done, 10_000, `${format} tutorial path to its end`);
    assert.is(tutorial.length, LARGE.frames, 'samples handled');
    tutorial.forEach(({ frame, pts }, i) => {
      assertSamples(frame, layout, i, `${format} tutorial frame ${i}`);
      assert.is(pts, BigInt(ptsOf(i)), `${format} tutorial frame ${i}: pts`);
    });

    const source = track(new GstVideoSource(`${appsrcFor(layout)} ! appsink sync=false`)).startup();
    feed(source, layout, LARGE.frames);
    const held: VideoFrame[] = [];
    await framesOf(source, (frame) => held.push(frame));
    assert.is(held.length, LARGE.frames, 'GstVideoSource frames');
    held.forEach((frame, i) => {
      assertSamples(frame, layout, i, `${format} GstVideoSource frame ${i}`);
      assertTimes(frame, i, `${format} GstVideoSource frame ${i}`);
    });
  });
}

test('GstVideoSink: a Uint8Array of GRAY16_BE goes in as bytes, unswapped (only 16-bit samples are swapped)', async () => {
  const layout = layoutOf('GRAY16_BE', 8, 2);
  const sink = track(new GstVideoSink('appsrc ! appsink name=out sync=false', { width: 8, height: 2, format: 'GRAY16_BE' })).startup();
  await within(sink.push(gstBytes(layout, 0)), 5_000, 'push');
  const [frame] = pullRaw(sink.getByName('out', GstApp.AppSink)!, 1);
  assert.is(mismatch(frame.bytes, gstBytes(layout, 0)), null);
});

test('videotestsrc pattern=solid-color: every pixel is the foreground colour; pts and duration follow 30/1 as GStreamer scales them', async () => {
  for (const zeroCopy of [false, true]) {
    const command =
      'videotestsrc num-buffers=4 pattern=solid-color foreground-color=0xff102030 ! video/x-raw,format=RGBA,width=7,height=3,framerate=30/1 ! appsink sync=false';
    const source = track(new GstVideoSource(command, { zeroCopy })).startup();
    const count = await framesOf(source, (frame, i) => {
      const expected = new Uint8Array(7 * 3 * 4).map((_, k) => [0x10, 0x20, 0x30, 0xff][k % 4]);
      assert.is(mismatch(frame.data, expected), null, `zeroCopy ${zeroCopy} frame ${i}: RGBA of 0xff102030`);
      // gst_util_uint64_scale rounds down: frame i starts at floor(i * 1e9 / 30), lasts until frame i + 1 starts.
      const start = (k: number): number => Math.floor((k * 1e9) / 30);
      assert.equal(
        [frame.pts, frame.duration, frame.offset],
        [start(i), start(i + 1) - start(i), i],
        `zeroCopy ${zeroCopy} frame ${i}: times`,
      );
    });
    assert.is(count, 4);
  }
});

for (const format of ['I420', 'NV12']) {
  test(`${format} 8x4 (no padding): each plane's samples on the tutorial path, GstVideoSource copies and zeroCopy, and GstVideoSink`, async () => {
    const layout = layoutOf(format, 8, 4);
    assert.is(layout.size, tightSamples(layout, 0).length, 'at 8x4 GStreamer lays the planes out tight');
    // Tutorial path
    const pipeline = track(new GstPipeline(`${appsrcFor(layout)} ! appsink name=out emit-signals=true sync=false`));
    const out = pipeline.getByName('out', GstApp.AppSink)!;
    const tutorial: ShapedArray[] = [];
    out.connect('new-sample', () => {
      const sample = out.emit('pull-sample') as Gst.Sample;
      tutorial.push(gstBufferWithCapsToTypedArray(sample.getBuffer()!, sample.getCaps()!));
      return Gst.FlowReturn.OK;
    });
    pipeline.startup();
    feed(pipeline, layout);
    await within(pipeline.done, 10_000, 'tutorial path');
    assert.is(tutorial.length, FRAMES);
    tutorial.forEach((frame, i) => assertSamples(frame, layout, i, `${format} tutorial frame ${i}`));
    // GstVideoSource, both ways
    for (const zeroCopy of [false, true]) {
      const source = track(new GstVideoSource(`${appsrcFor(layout)} ! appsink sync=false`, { zeroCopy })).startup();
      feed(source, layout);
      const count = await framesOf(source, (frame, i) => {
        assertSamples(frame, layout, i, `${format} zeroCopy ${zeroCopy} frame ${i}`);
        assertTimes(frame, i, `${format} zeroCopy ${zeroCopy} frame ${i}`);
      });
      assert.is(count, FRAMES);
    }
    // GstVideoSink
    const sink = track(new GstVideoSink('appsrc ! appsink name=out sync=false', { width: 8, height: 4, format })).startup();
    for (let i = 0; i < FRAMES; i++) await within(sink.push(tightSamples(layout, i)), 5_000, `push ${i}`);
    pullRaw(sink.getByName('out', GstApp.AppSink)!, FRAMES).forEach((frame, i) =>
      assert.is(mismatch(frame.bytes, gstBytes(layout, i)), null, `${format} pushed frame ${i}`),
    );
  });
}

test("gstBufferView on GRAY16_BE: GStreamer's bytes in place, rows with their stride; on I420: the whole frame, planes where GStreamer put them", () => {
  const gray = layoutOf('GRAY16_BE', 5, 3);
  const buffer = Gst.Buffer.newWrapped(gstBytes(gray, 1) as unknown as number[]);
  {
    using view = gstBufferView(buffer, caps(gray.caps));
    assert.instance(view.data, Uint16Array);
    assert.equal([...view.shape], [3, 5]);
    assert.equal([...view.strides], [gray.planes[0].stride / 2, 1], 'row stride in samples, padding included');
    const bytes = bytesOf(view.data);
    // Sample (r, c) of the view is at r * strides[0] + c, in big-endian bytes.
    for (let r = 0; r < 3; r++)
      for (let c = 0; c < 5; c++) {
        const at = (r * view.strides[0] + c) * 2;
        assert.is((bytes[at] << 8) | bytes[at + 1], tightSamples(gray, 1)[r * 5 + c], `sample (${r}, ${c})`);
      }
  }
  const i420 = layoutOf('I420', 5, 3);
  const planar = Gst.Buffer.newWrapped(gstBytes(i420, 2) as unknown as number[]);
  using view = gstBufferView(planar, caps(i420.caps));
  assert.instance(view.data, Uint8Array);
  assert.is(mismatch(view.data, gstBytes(i420, 2)), null, 'the I420 view is the buffer, byte for byte');
  assert.equal([...view.shape], [i420.size]);
});

test('GstVideoSink timestamps: 0 stays 0, null and CLOCK_TIME_NONE are none, negatives are refused, numbers and bigints alike, for arrays and Gst.Buffers', async () => {
  const layout = layoutOf('GRAY8', 8, 2);
  const sink = track(new GstVideoSink('appsrc ! appsink name=out sync=false', { width: 8, height: 2, format: 'GRAY8', fps: 25 })).startup();
  const NONE = Gst.CLOCK_TIME_NONE;
  const cases: Array<[string, Parameters<GstVideoSink['push']>[1], bigint[]]> = [
    ['zeros as bigints', { pts: 0n, dts: 0n, duration: 0n, offset: 0n }, [0n, 0n, 0n, 0n]],
    ['zeros as numbers', { pts: 0, dts: 0, duration: 0, offset: 0 }, [0n, 0n, 0n, 0n]],
    ['null', { pts: null, dts: null, duration: null, offset: null }, [NONE, NONE, NONE, NONE]],
    ['CLOCK_TIME_NONE', { pts: NONE, dts: NONE, duration: NONE, offset: null }, [NONE, NONE, NONE, NONE]],
    ['positive', { pts: 7n, dts: 3, duration: 11.4, offset: 9n }, [7n, 3n, 11n, 9n]],
    ['left out (pts and offset from the push count at 25/s)', {}, []],
  ];
  const all = [
    ...cases.map(([what, options]) => [what, options, false] as const),
    ...cases.map(([what, options]) => [what, options, true] as const),
  ];
  for (const [, options, asBuffer] of all) {
    const bytes = gstBytes(layout, 0);
    await within(sink.push(asBuffer ? Gst.Buffer.newWrapped(bytes as unknown as number[]) : bytes, options), 5_000, 'push');
  }
  // A negative time is a mistake, not "none": refused with a RangeError naming the option.
  for (const options of [{ pts: -1 }, { dts: -5n }, { duration: -1 }]) {
    const error = await rejectionOf(sink.push(gstBytes(layout, 0), options), 5_000, 'push with a negative time');
    assert.instance(error, RangeError);
    assert.match((error as Error).message, new RegExp(`${Object.keys(options)[0]} must be`));
  }
  const raw = pullRaw(sink.getByName('out', GstApp.AppSink)!, all.length);
  raw.forEach((frame, i) => {
    const [what, , asBuffer] = all[i];
    let expected = cases[i % cases.length][2];
    if (what.startsWith('left out')) expected = [BigInt(i) * 40_000_000n, NONE, 40_000_000n, BigInt(i)];
    assert.equal(
      [frame.pts, frame.dts, frame.duration, frame.offset],
      expected,
      `${what} (${asBuffer ? 'Gst.Buffer' : 'array'}): pts, dts, duration, offset`,
    );
  });
});

test.run();
