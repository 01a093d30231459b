/**
 * src/tensor.ts (src/native/tensor.cc): frames as model inputs. Each input format from a real
 * pipeline (a solid colour through videoconvert, copies and zero-copy views with padded rows),
 * then exact values on frames built by hand: layouts, channel order, mean/std, padded rows,
 * bilinear and nearest resize, letterbox geometry and mapBox, `out` reuse, and bad requests.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GstVideoSource, mapBox, toTensor, type TensorSource, type VideoFrame } from '../src';
import { pipelinesStoppedAfterEach, within } from './helpers/support';

const track = pipelinesStoppedAfterEach(test);

/** 0xAARRGGBB of the test colour: R 32, G 64, B 128. */
const COLOR = 0xff204080;
const RGB = [32, 64, 128];
/** Odd width: RGB rows are padded to 4 bytes (30 * 3 = 90 -> stride 92). */
const W = 30;
const H = 20;

/** The one frame of a solid-colour pipeline in `format`. */
async function solidFrame(format: string, zeroCopy = false): Promise<VideoFrame> {
  const src = track(
    new GstVideoSource(
      `videotestsrc num-buffers=1 pattern=solid-color foreground-color=${COLOR} ! video/x-raw,format=RGB,width=${W},height=${H} ! videoconvert ! video/x-raw,format=${format} ! appsink`,
      { zeroCopy },
    ),
  );
  src.startup();
  const frame = await within(src.pop(), 5_000, `a ${format} frame`);
  assert.ok(frame, `a ${format} frame arrived`);
  return frame;
}

/** Every pixel of a uint8 NCHW tensor of 3 channels equals `expected` (within `tolerance`). */
function assertSolid(data: Uint8Array, pixels: number, expected: number[], tolerance: number, what: string): void {
  for (let c = 0; c < 3; c++)
    for (let i = 0; i < pixels; i++) {
      const v = data[c * pixels + i];
      if (Math.abs(v - expected[c]) > tolerance)
        assert.unreachable(`${what}: channel ${c} pixel ${i} is ${v}, expected ${expected[c]} (±${tolerance})`);
    }
}

for (const format of ['RGB', 'BGR', 'RGBA', 'BGRA', 'RGBx', 'BGRx', 'I420', 'NV12']) {
  for (const zeroCopy of [false, true]) {
    test(`${format} (${zeroCopy ? 'zero-copy view' : 'copy'}) gives the colour's RGB`, async () => {
      const frame = await solidFrame(format, zeroCopy);
      const t = frame.toTensor({ type: 'uint8' });
      assert.equal(t.dims, [1, 3, H, W]);
      assert.is(t.type, 'uint8');
      // YUV loses a little in videoconvert's RGB -> YUV -> our RGB round trip
      assertSolid(t.data, W * H, RGB, format === 'I420' || format === 'NV12' ? 2 : 0, format);
      frame.release();
    });
  }
}

test('I420 zero-copy views keep padded chroma rows (15 bytes in a 16-byte stride) and read right', async () => {
  const frame = await solidFrame('I420', true);
  assert.is(frame.planes[1].rowBytes, 15);
  assert.is(frame.planes[1].stride, 16);
  const t = frame.toTensor();
  assert.instance(t.data, Float32Array);
  for (let c = 0; c < 3; c++) assert.ok(Math.abs(t.data[c * W * H + W * H - 1] - RGB[c] / 255) <= 2 / 255 + 1e-6, `channel ${c}`);
  frame.release();
});

for (const format of ['GRAY8', 'GRAY16_LE', 'GRAY16_BE']) {
  for (const zeroCopy of [false, true]) {
    test(`${format} (${zeroCopy ? 'view' : 'copy'}) puts the sample in all three channels, scaled to 0..1`, async () => {
      const frame = await solidFrame(format, zeroCopy);
      const bytes = new Uint8Array(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
      const sixteen = format !== 'GRAY8';
      // The sample as GStreamer stored it (a copy holds host-order samples: GstVideoSource swaps BE ones)
      const bigEndian = format === 'GRAY16_BE' && zeroCopy;
      const sample = !sixteen ? bytes[0] : bigEndian ? (bytes[0] << 8) | bytes[1] : frame.data[0];
      assert.ok(sample > 0, 'the grey is not black');
      const t = frame.toTensor();
      const expected = sample / (sixteen ? 65535 : 255);
      for (let i = 0; i < 3 * W * H; i++)
        if (Math.abs(t.data[i] - expected) > 1e-6) assert.unreachable(`${format}: element ${i} is ${t.data[i]}, expected ${expected}`);
      frame.release();
    });
  }
}

/** 3x2 RGB, rows padded to 12 bytes with 255s: pixel (x, y) = [10x + y, 100 + x, 200 + y]. */
function handMade(): TensorSource {
  const data = new Uint8Array(24).fill(255);
  for (let y = 0; y < 2; y++) for (let x = 0; x < 3; x++) data.set([10 * x + y, 100 + x, 200 + y], y * 12 + x * 3);
  return { data, format: 'RGB', width: 3, height: 2, planes: [{ offset: 0, stride: 12, rowBytes: 9, rows: 2 }] };
}
const px = (x: number, y: number): number[] => [10 * x + y, 100 + x, 200 + y];

test('NCHW and NHWC, rgb and bgr: every element where it belongs (padded rows skipped)', () => {
  const frame = handMade();
  const nchw = toTensor(frame, { type: 'uint8' });
  const nhwc = toTensor(frame, { type: 'uint8', layout: 'nhwc' });
  const bgr = toTensor(frame, { type: 'uint8', channels: 'bgr' });
  assert.equal(nchw.dims, [1, 3, 2, 3]);
  assert.equal(nhwc.dims, [1, 2, 3, 3]);
  for (let y = 0; y < 2; y++)
    for (let x = 0; x < 3; x++)
      for (let c = 0; c < 3; c++) {
        assert.is(nchw.data[c * 6 + y * 3 + x], px(x, y)[c]);
        assert.is(nhwc.data[(y * 3 + x) * 3 + c], px(x, y)[c]);
        assert.is(bgr.data[c * 6 + y * 3 + x], px(x, y)[2 - c]);
      }
});

test('float32: (pixel * scale - mean) / std per channel; one number is all channels', () => {
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  const t = toTensor(handMade(), { mean, std });
  for (let c = 0; c < 3; c++) assert.ok(Math.abs(t.data[c * 6 + 5] - (px(2, 1)[c] / 255 - mean[c]) / std[c]) < 1e-5, `channel ${c}`);
  const plain = toTensor(handMade(), { scale: 2, mean: [10], std: [4] });
  assert.ok(Math.abs(plain.data[0] - (0 * 2 - 10) / 4) < 1e-6);
  assert.ok(Math.abs(plain.data[6] - (100 * 2 - 10) / 4) < 1e-6);
  // uint8 outputs round and clamp
  const clamped = toTensor(handMade(), { type: 'uint8', scale: 2 });
  assert.is(clamped.data[6], 200);
  assert.is(clamped.data[12], 255);
});

test('resize: bilinear (half-pixel centres) and nearest, exact on a 2x1 ramp', () => {
  const frame: TensorSource = { data: new Uint8Array([0, 100]), format: 'GRAY8', width: 2, height: 1 };
  const bilinear = toTensor(frame, { type: 'uint8', size: { width: 4, height: 1 } });
  assert.equal(Array.from(bilinear.data.subarray(0, 4)), [0, 25, 75, 100]);
  const nearest = toTensor(frame, { type: 'uint8', size: { width: 4, height: 1 }, resize: 'nearest' });
  assert.equal(Array.from(nearest.data.subarray(0, 4)), [0, 0, 100, 100]);
  // downscale 4 rows to 2: each output row blends two source rows equally
  const tall: TensorSource = { data: new Uint8Array([0, 40, 80, 120]), format: 'GRAY8', width: 1, height: 4 };
  assert.equal(Array.from(toTensor(tall, { type: 'uint8', size: { width: 1, height: 2 } }).data.subarray(0, 2)), [20, 100]);
});

test('RGB scaled down 2x in both directions: each output pixel is the mean of its 2x2 block', () => {
  // pixel (x, y) = [10x + 40y, 100 + x, 200 - 8y], rows padded to 16 bytes
  const data = new Uint8Array(4 * 16);
  const value = (x: number, y: number): number[] => [10 * x + 40 * y, 100 + x, 200 - 8 * y];
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) data.set(value(x, y), y * 16 + x * 3);
  const frame: TensorSource = { data, format: 'RGB', width: 4, height: 4, planes: [{ offset: 0, stride: 16, rowBytes: 12, rows: 4 }] };
  for (const layout of ['nchw', 'nhwc'] as const) {
    const t = toTensor(frame, { size: { width: 2, height: 2 }, scale: 1, layout });
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++)
        for (let c = 0; c < 3; c++) {
          const block = [value(2 * j, 2 * i), value(2 * j + 1, 2 * i), value(2 * j, 2 * i + 1), value(2 * j + 1, 2 * i + 1)];
          const expected = block.reduce((sum, p) => sum + p[c], 0) / 4;
          const at = layout === 'nchw' ? c * 4 + i * 2 + j : (i * 2 + j) * 3 + c;
          assert.ok(Math.abs(t.data[at] - expected) < 1e-4, `${layout} (${j}, ${i}) channel ${c}: ${t.data[at]} vs ${expected}`);
        }
  }
});

test('letterbox: scale and offsets reported, pad rows hold padValue, mapBox maps boxes back', () => {
  const frame: TensorSource = { data: new Uint8Array(8 * 4).fill(200), format: 'GRAY8', width: 8, height: 4 };
  const t = toTensor(frame, { type: 'uint8', size: { width: 4, height: 4 }, letterbox: true, padValue: 7 });
  assert.equal(t.letterbox, { scale: 0.5, padX: 0, padY: 1, width: 4, height: 2 });
  const rows = [0, 1, 2, 3].map((y) => Array.from(t.data.subarray(y * 4, y * 4 + 4)));
  assert.equal(rows, [
    [7, 7, 7, 7],
    [200, 200, 200, 200],
    [200, 200, 200, 200],
    [7, 7, 7, 7],
  ]);
  // padValue is normalised like a pixel
  const f = toTensor(frame, { size: { width: 4, height: 4 }, letterbox: true, padValue: 51, mean: [0.1], std: [0.5] });
  assert.ok(Math.abs(f.data[0] - (51 / 255 - 0.1) / 0.5) < 1e-6);
  // 1080p into 640x640 and 640x480 into 640x640: geometry only (small outputs would do, the numbers are the point)
  const hd = toTensor(
    { data: new Uint8Array(1920 * 1080), format: 'GRAY8', width: 1920, height: 1080 },
    { size: { width: 640, height: 640 }, letterbox: true },
  );
  assert.equal(hd.letterbox, { scale: 1 / 3, padX: 0, padY: 140, width: 640, height: 360 });
  const vga = toTensor(
    { data: new Uint8Array(640 * 480), format: 'GRAY8', width: 640, height: 480 },
    { size: { width: 640, height: 640 }, letterbox: true },
  );
  assert.equal(vga.letterbox, { scale: 1, padX: 0, padY: 80, width: 640, height: 480 });
  // a box in frame pixels, as the model would see it, maps back to itself
  const box = { x: 300, y: 150, width: 600, height: 300 };
  const s = hd.letterbox!;
  const onTensor = { x: box.x * s.scale + s.padX, y: box.y * s.scale + s.padY, width: box.width * s.scale, height: box.height * s.scale };
  const back = mapBox(onTensor, s);
  for (const k of ['x', 'y', 'width', 'height'] as const) assert.ok(Math.abs(back[k] - box[k]) < 1e-9, k);
});

test('out: written in place and returned (the same memory), longer arrays give a subarray', () => {
  const out = new Float32Array(3 * 3 * 2);
  const a = toTensor(handMade(), { out });
  assert.is(a.data, out);
  const b = toTensor(handMade(), { out, channels: 'bgr' });
  assert.is(b.data, out);
  assert.ok(Math.abs(out[0] - px(0, 0)[2] / 255) < 1e-6);
  const longer = new Uint8Array(100);
  const c = toTensor(handMade(), { type: 'uint8', out: longer });
  assert.is(c.data.buffer, longer.buffer);
  assert.is(c.data.length, 18);
  assert.is(
    c.data.length,
    c.dims.reduce((n, d) => n * d, 1),
  );
});

test('bad requests: RangeError/TypeError naming the value', () => {
  const frame = handMade();
  assert.throws(
    () => toTensor(frame, { mean: [0.5, 0.5] }),
    (e: Error) => e instanceof RangeError && /mean must hold 3 numbers.*got 2/.test(e.message),
  );
  assert.throws(
    () => toTensor(frame, { std: [1, 0, 1] }),
    (e: Error) => e instanceof RangeError && /std\[1\] must not be 0/.test(e.message),
  );
  assert.throws(
    () => toTensor(frame, { out: new Float32Array(5) }),
    (e: Error) => e instanceof RangeError && /out holds 5 elements, the tensor needs 18/.test(e.message),
  );
  assert.throws(
    () => toTensor(frame, { type: 'uint8', out: new Float32Array(18) as unknown as Uint8Array }),
    (e: Error) => e instanceof TypeError && /Uint8Array/.test(e.message),
  );
  assert.throws(
    () => toTensor({ ...frame, format: 'YUY2' }),
    (e: Error) => e instanceof TypeError && /unsupported format "YUY2"; supported: RGB, BGR.*NV12/.test(e.message),
  );
  assert.throws(
    () => toTensor(frame, { size: { width: 0, height: 4 } }),
    (e: Error) => e instanceof RangeError && /size.width must be a positive integer, got 0/.test(e.message),
  );
  assert.throws(
    () => toTensor({ ...frame, height: -2 }),
    (e: Error) => e instanceof RangeError && /frame.height.*got -2/.test(e.message),
  );
  assert.throws(
    () => toTensor(frame, { layout: 'chw' as 'nchw' }),
    (e: Error) => e instanceof TypeError && /layout must be 'nchw' or 'nhwc', got "chw"/.test(e.message),
  );
  // data shorter than the planes say: caught before any byte is read
  assert.throws(
    () => toTensor({ data: new Uint8Array(10), format: 'RGB', width: 4, height: 4 }),
    (e: Error) => e instanceof RangeError && /holds 10 bytes/.test(e.message),
  );
});

test.run();
