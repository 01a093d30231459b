/**
 * src/buffer.ts: Gst.Buffer <-> typed arrays (row padding, shapes, 16-bit samples), zero-copy
 * views, and buffers mapped in place (read, write, refusal of shared buffers, lifetimes).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Gst,
  GstApp,
  gstBufferToTypedArray,
  gstBufferView,
  gstBufferWithCapsToTypedArray,
  gstBufferWithPadToTypedArray,
  GstPipeline,
  gstMetaGet,
  gstMetaWrite,
  GstStateError,
  mapGstBuffer,
  mapGstMemory,
  typedArrayToGstBuffer,
  type AudioBufferView,
  type AudioShapedArray,
  type BufferView,
  type ShapedArray,
} from '../src';
import { caps, rejectionOf, within } from './helpers/support';

// RGB rows are padded to a multiple of 4 bytes: 641 * 3 = 1923 -> 1924.
const W = 641;
const H = 3;
const STRIDE = 1924;
const RGB_641 = `video/x-raw,format=RGB,width=${W},height=${H},framerate=1/1`;
const PADDING = 0xee;

function pixel(r: number, c: number): [number, number, number] {
  return [r, c & 255, (r * 7 + c) & 255];
}

/** An RGB 641x3 frame laid out as GStreamer lays it out: rows of 1924 bytes, the last byte padding. */
function paddedFrame(): Uint8Array {
  const bytes = new Uint8Array(STRIDE * H).fill(PADDING);
  for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) bytes.set(pixel(r, c), r * STRIDE + c * 3);
  return bytes;
}

/** Checks every sample of a packed [3, 641, 3] frame against pixel(). */
function assertPattern(frame: ShapedArray): void {
  assert.equal(frame.shape, [H, W, 3]);
  assert.ok(frame.data instanceof Uint8Array);
  assert.is(frame.data.length, H * W * 3);
  for (let r = 0; r < H; r++)
    for (let c = 0; c < W; c++) {
      const at = (r * W + c) * 3;
      const [red, green, blue] = pixel(r, c);
      if (frame.data[at] !== red || frame.data[at + 1] !== green || frame.data[at + 2] !== blue)
        assert.unreachable(`pixel (${r}, ${c}) is [${frame.data.subarray(at, at + 3).join(', ')}], expected [${pixel(r, c).join(', ')}]`);
    }
}

function bytesOf(buffer: Gst.Buffer): number[] {
  return mapGstBuffer(buffer, Gst.MapFlags.READ, (data) => Array.from(data));
}

/** Runs `description` (ending in an appsink) to its end and returns its samples. */
async function samplesOf(description: string, onSample?: (sample: Gst.Sample, sink: GstApp.AppSink) => void): Promise<Gst.Sample[]> {
  const pipeline = new GstPipeline(description).startup();
  const sink = pipeline.getOneByCls(GstApp.AppSink);
  const samples: Gst.Sample[] = [];
  sink.connect('new-sample', () => {
    const sample = sink.emit('pull-sample');
    if (!sample) return Gst.FlowReturn.ERROR;
    samples.push(sample);
    onSample?.(sample, sink);
    return Gst.FlowReturn.OK;
  });
  await within(pipeline.done, 10_000, description);
  return samples;
}

// ---------------------------------------------------------------------------------------------
// padded rows

test('RGB at width 641 from videotestsrc pattern=red: every pixel [255, 0, 0] (row padding dropped)', async () => {
  const frames: ShapedArray[] = [];
  let bufferSize = 0n;
  await samplesOf(
    'videotestsrc num-buffers=1 pattern=red ! video/x-raw,format=RGB,width=641,height=4 ! appsink emit-signals=true sync=false',
    (sample) => {
      bufferSize = sample.getBuffer()!.getSize();
      frames.push(gstBufferWithCapsToTypedArray(sample.getBuffer()!, sample.getCaps()!));
    },
  );
  assert.is(frames.length, 1);
  assert.is(bufferSize, BigInt(STRIDE * 4), 'GStreamer pads each row to 1924 bytes');
  const [frame] = frames;
  assert.equal(frame.shape, [4, 641, 3]);
  assert.is(frame.data.length, 4 * 641 * 3);
  for (let r = 0; r < 4; r++)
    for (let c = 0; c < 641; c++) {
      const at = (r * 641 + c) * 3;
      if (frame.data[at] !== 255 || frame.data[at + 1] !== 0 || frame.data[at + 2] !== 0)
        assert.unreachable(`pixel (${r}, ${c}) is [${frame.data.subarray(at, at + 3).join(', ')}]`);
    }
});

test('a known padded RGB 641x3 frame, converted with its caps: every sample in place', () => {
  const buffer = typedArrayToGstBuffer(paddedFrame());
  assert.is(buffer.getSize(), BigInt(STRIDE * H));
  assertPattern(gstBufferWithCapsToTypedArray(buffer, caps(RGB_641)));
});

test('the same frame pushed through appsrc ! appsink arrives with every sample in place', async () => {
  const pipeline = new GstPipeline(
    `appsrc name=src caps=${RGB_641} format=time ! appsink name=sink emit-signals=true sync=false`,
  ).startup();
  const src = pipeline.getByName('src', GstApp.AppSrc)!;
  const sink = pipeline.getByName('sink', GstApp.AppSink)!;
  const frames: ShapedArray[] = [];
  sink.connect('new-sample', () => {
    const sample = sink.emit('pull-sample');
    if (!sample) return Gst.FlowReturn.ERROR;
    frames.push(gstBufferWithCapsToTypedArray(sample.getBuffer()!, sample.getCaps()!));
    return Gst.FlowReturn.OK;
  });
  const buffer = typedArrayToGstBuffer(paddedFrame());
  buffer.pts = 0n;
  buffer.duration = Gst.SECOND;
  assert.is(src.pushBuffer(buffer), Gst.FlowReturn.OK);
  assert.is(src.endOfStream(), Gst.FlowReturn.OK);
  await within(pipeline.done, 10_000, 'appsrc pipeline');
  assert.is(frames.length, 1);
  assertPattern(frames[0]);
});

// ---------------------------------------------------------------------------------------------
// gstBufferToTypedArray: explicit layout

test('gstBufferToTypedArray: tight rows, padded rows, and a RangeError on a wrong size', () => {
  const tight = new Uint8Array(4 * 2 * 3).map((_, i) => i);
  const fromTight = gstBufferToTypedArray(typedArrayToGstBuffer(tight), { width: 4, height: 2, channels: 3 });
  assert.equal(fromTight.shape, [2, 4, 3]);
  assert.equal(Array.from(fromTight.data), Array.from(tight));

  const fromPadded = gstBufferToTypedArray(typedArrayToGstBuffer(paddedFrame()), { width: W, height: H, channels: 3 });
  assertPattern(fromPadded);

  const gray = gstBufferToTypedArray(typedArrayToGstBuffer(new Uint8Array([1, 2, 3, 4, 5, 6])), { width: 3, height: 2, channels: 1 });
  assert.equal(gray.shape, [2, 3], 'a single channel is squeezed');
  assert.equal(Array.from(gray.data), [1, 2, 3, 4, 5, 6]);

  const sixteen = gstBufferToTypedArray(typedArrayToGstBuffer(new Uint16Array([1, 258, 65535, 4660])), {
    width: 2,
    height: 2,
    channels: 1,
    arrayType: Uint16Array,
  });
  assert.ok(sixteen.data instanceof Uint16Array);
  assert.equal(Array.from(sixteen.data), [1, 258, 65535, 4660]);

  const short = typedArrayToGstBuffer(new Uint8Array(4 * 2 * 3 - 1));
  assert.throws(
    () => gstBufferToTypedArray(short, { width: 4, height: 2, channels: 3 }),
    (error: unknown) => error instanceof RangeError && /23/.test(error.message),
  );
  const ragged = typedArrayToGstBuffer(new Uint8Array(4 * 2 * 3 + 1)); // not whole rows
  assert.throws(
    () => gstBufferToTypedArray(ragged, { width: 4, height: 2, channels: 3 }),
    (error: unknown) => error instanceof RangeError,
  );
});

// ---------------------------------------------------------------------------------------------
// formats

test('I420 comes back flat: shape [w * h * 3 / 2]', () => {
  const bytes = new Uint8Array((64 * 48 * 3) / 2).map((_, i) => i * 13);
  const frame = gstBufferWithCapsToTypedArray(typedArrayToGstBuffer(bytes), caps('video/x-raw,format=I420,width=64,height=48'));
  assert.equal(frame.shape, [(64 * 48 * 3) / 2]);
  assert.ok(frame.data instanceof Uint8Array);
  assert.equal(Array.from(frame.data), Array.from(bytes));
});

test('GRAY16_LE gives a Uint16Array of the little-endian samples', () => {
  const values = [0, 1, 258, 4660, 65535, 32768, 255, 256];
  const bytes = new Uint8Array(values.length * 2);
  values.forEach((v, i) => {
    bytes[2 * i] = v & 0xff;
    bytes[2 * i + 1] = v >> 8;
  });
  const frame = gstBufferWithCapsToTypedArray(typedArrayToGstBuffer(bytes), caps('video/x-raw,format=GRAY16_LE,width=4,height=2'));
  assert.equal(frame.shape, [2, 4]);
  assert.ok(frame.data instanceof Uint16Array);
  assert.equal(Array.from(frame.data), values);
});

test('GRAY16_BE gives a Uint16Array of the big-endian samples', () => {
  const values = [0, 1, 258, 4660, 65535, 32768, 255, 256];
  const bytes = new Uint8Array(values.length * 2);
  values.forEach((v, i) => {
    bytes[2 * i] = v >> 8;
    bytes[2 * i + 1] = v & 0xff;
  });
  const frame = gstBufferWithCapsToTypedArray(typedArrayToGstBuffer(bytes), caps('video/x-raw,format=GRAY16_BE,width=4,height=2'));
  assert.equal(frame.shape, [2, 4]);
  assert.ok(frame.data instanceof Uint16Array);
  assert.equal(Array.from(frame.data), values, 'sample values, not the bytes read in the host order');
});

// ---------------------------------------------------------------------------------------------
// gstBufferWithPadToTypedArray

test('gstBufferWithPadToTypedArray reads the caps of the pad the buffer flows through', async () => {
  const viaPad: ShapedArray[] = [];
  const viaCaps: ShapedArray[] = [];
  await samplesOf(
    'videotestsrc num-buffers=2 ! video/x-raw,format=RGBA,width=33,height=7 ! appsink emit-signals=true sync=false',
    (sample, sink) => {
      const pad = sink.getStaticPad('sink')!;
      viaPad.push(gstBufferWithPadToTypedArray(sample.getBuffer()!, pad));
      viaCaps.push(gstBufferWithCapsToTypedArray(sample.getBuffer()!, sample.getCaps()!));
    },
  );
  assert.is(viaPad.length, 2);
  for (let i = 0; i < 2; i++) {
    assert.equal(viaPad[i].shape, [7, 33, 4]);
    assert.equal(Array.from(viaPad[i].data), Array.from(viaCaps[i].data));
  }
});

test('gstBufferWithPadToTypedArray: a pad with no caps yet is a GstStateError (a call the state does not allow)', () => {
  const pipeline = new GstPipeline('videotestsrc ! appsink name=sink');
  const pad = pipeline.getByName('sink')!.getStaticPad('sink')!;
  assert.throws(
    () => gstBufferWithPadToTypedArray(typedArrayToGstBuffer(new Uint8Array(4)), pad),
    (error: unknown) => error instanceof GstStateError && /caps/.test(error.message),
  );
});

// ---------------------------------------------------------------------------------------------
// typedArrayToGstBuffer

test('typedArrayToGstBuffer: a copy of the bytes, for any typed array, view or ShapedArray', () => {
  const bytes = new Uint8Array(1000).map((_, i) => (i * 31) & 255);
  const buffer = typedArrayToGstBuffer(bytes);
  assert.ok(buffer instanceof Gst.Buffer);
  assert.is(buffer.getSize(), 1000n);
  assert.equal(bytesOf(buffer), Array.from(bytes));
  bytes[0] = 99;
  assert.is(bytesOf(buffer)[0], 0, 'a copy: later changes to the array do not reach the buffer');

  // a view into a larger ArrayBuffer: only its own bytes
  const view = bytes.subarray(10, 20);
  assert.equal(bytesOf(typedArrayToGstBuffer(view)), Array.from(view));

  // 16-bit samples: their bytes, in host order
  const wide = new Uint16Array([1, 258, 65535]);
  const wideBuffer = typedArrayToGstBuffer(wide);
  assert.is(wideBuffer.getSize(), 6n);
  assert.equal(bytesOf(wideBuffer), Array.from(new Uint8Array(wide.buffer)));

  // a ShapedArray round trip
  const frame = gstBufferWithCapsToTypedArray(typedArrayToGstBuffer(paddedFrame()), caps(RGB_641));
  const packed = typedArrayToGstBuffer(frame);
  assert.is(packed.getSize(), BigInt(W * H * 3));
  assert.equal(bytesOf(packed), Array.from(frame.data));

  assert.is(typedArrayToGstBuffer(new Uint8Array(0)).getSize(), 0n);
});

// ---------------------------------------------------------------------------------------------
// gstBufferView

test('gstBufferView: zero-copy, release() empties it, release twice is fine', () => {
  const bytes = new Uint8Array([10, 20, 30, 40, 50]);
  const buffer = typedArrayToGstBuffer(bytes);
  const view = gstBufferView(buffer);
  assert.ok(view.data instanceof Uint8Array);
  assert.equal(Array.from(view.data), Array.from(bytes));
  assert.equal(view.shape, [5]);
  // Zero-copy: the view is the buffer's own memory (a test-only write through a read view).
  view.data[0] = 11;
  assert.is(bytesOf(buffer)[0], 11);

  view.release();
  assert.is(view.data.length, 0);
  assert.is(view.data.byteLength, 0);
  assert.is(view.data[0], undefined, 'reading a released view gives nothing, and does not crash');
  view.release();
  assert.is(view.data.length, 0);
  assert.equal(bytesOf(buffer), [11, 20, 30, 40, 50], 'the buffer itself is untouched by the release');
});

test('gstBufferView holds the buffer (so it is not writable) until released', () => {
  const buffer = typedArrayToGstBuffer(new Uint8Array(8));
  const view = gstBufferView(buffer);
  assert.throws(() => mapGstBuffer(buffer, Gst.MapFlags.WRITE, () => undefined), /writable/);
  view.release();
  mapGstBuffer(buffer, Gst.MapFlags.WRITE, (data) => data.fill(7));
  assert.equal(bytesOf(buffer), [7, 7, 7, 7, 7, 7, 7, 7]);
});

test('using: a view is released at the end of its scope', () => {
  const buffer = typedArrayToGstBuffer(new Uint8Array([1, 2, 3]));
  let escaped: BufferView | null = null;
  {
    using view = gstBufferView(buffer);
    escaped = view;
    assert.equal(Array.from(view.data), [1, 2, 3]);
  }
  const view: BufferView = escaped;
  assert.is(view.data.length, 0);
  assert.is(view.data.byteLength, 0);
});

test('gstBufferView of a padded RGB 641x3 frame: strides [1924, 3, 1] address every pixel', () => {
  const buffer = typedArrayToGstBuffer(paddedFrame());
  using view = gstBufferView(buffer, caps(RGB_641));
  assert.equal(view.shape, [H, W, 3]);
  assert.equal(view.strides, [STRIDE, 3, 1]);
  assert.ok(view.data instanceof Uint8Array);
  for (let r = 0; r < H; r++)
    for (let c = 0; c < W; c++)
      for (let ch = 0; ch < 3; ch++) {
        const value = view.data[r * view.strides[0] + c * view.strides[1] + ch * view.strides[2]];
        if (value !== pixel(r, c)[ch]) assert.unreachable(`(${r}, ${c}, ${ch}) is ${value}, expected ${pixel(r, c)[ch]}`);
      }
});

test('gstBufferView with GRAY16_LE caps is a Uint16Array view', () => {
  const buffer = typedArrayToGstBuffer(new Uint16Array([1, 2, 3, 4, 5, 6, 7, 65535]));
  using view = gstBufferView(buffer, caps('video/x-raw,format=GRAY16_LE,width=4,height=2'));
  assert.ok(view.data instanceof Uint16Array);
  assert.equal(view.shape, [2, 4]);
  assert.equal(view.strides, [4, 1]);
  assert.equal(Array.from(view.data), [1, 2, 3, 4, 5, 6, 7, 65535]);
});

test('gstBufferView: caps larger than the buffer are a RangeError', () => {
  const buffer = typedArrayToGstBuffer(new Uint8Array(10));
  assert.throws(
    () => gstBufferView(buffer, caps(RGB_641)),
    (error: unknown) => error instanceof RangeError,
  );
  // and the failed view did not keep a reference: the buffer is writable
  mapGstBuffer(buffer, Gst.MapFlags.WRITE, (data) => data.fill(1));
});

// ---------------------------------------------------------------------------------------------
// mapGstBuffer / mapGstMemory

test('mapGstBuffer READ gives the bytes; WRITE changes the buffer', () => {
  const buffer = typedArrayToGstBuffer(new Uint8Array([1, 2, 3, 4]));
  assert.equal(
    mapGstBuffer(buffer, Gst.MapFlags.READ, (data) => {
      assert.ok(data instanceof Uint8Array);
      return Array.from(data);
    }),
    [1, 2, 3, 4],
  );
  const result = mapGstBuffer(buffer, Gst.MapFlags.WRITE, (data) => {
    data.set([9, 8], 1);
    return 'returned';
  });
  assert.is(result, 'returned', "fn's result is mapGstBuffer's");
  assert.equal(bytesOf(buffer), [1, 9, 8, 4]);
  mapGstBuffer(buffer, Gst.MapFlags.READ | Gst.MapFlags.WRITE, (data) => data.reverse());
  assert.equal(bytesOf(buffer), [4, 8, 9, 1]);
});

test('mapGstBuffer WRITE on a shared buffer (held by a Gst.Sample too) throws an Error about writability', () => {
  const buffer = typedArrayToGstBuffer(new Uint8Array([1, 2, 3]));
  const sample = Gst.Sample.new(buffer, null, null, null);
  let called = false;
  assert.throws(
    () =>
      mapGstBuffer(buffer, Gst.MapFlags.WRITE, () => {
        called = true;
      }),
    (error: unknown) => error instanceof Error && /writable/.test(error.message),
  );
  assert.is(called, false);
  assert.equal(bytesOf(buffer), [1, 2, 3], 'READ still works');
  assert.ok(sample.getBuffer() instanceof Gst.Buffer);
});

test("mapGstBuffer WRITE on an appsink sample's buffer throws an Error about writability", async () => {
  const outcomes: unknown[] = [];
  await samplesOf(
    'videotestsrc num-buffers=1 ! video/x-raw,format=GRAY8,width=8,height=4 ! appsink emit-signals=true sync=false',
    (sample) => {
      try {
        mapGstBuffer(sample.getBuffer()!, Gst.MapFlags.WRITE, () => undefined);
        outcomes.push('mapped');
      } catch (error) {
        outcomes.push(error);
      }
    },
  );
  assert.is(outcomes.length, 1);
  assert.ok(outcomes[0] instanceof Error && /writable/.test(outcomes[0].message), String(outcomes[0]));
});

test('the array fn got is empty once mapGstBuffer returns, and once fn throws (the throw propagates)', () => {
  const buffer = typedArrayToGstBuffer(new Uint8Array([1, 2, 3, 4]));
  let kept: Uint8Array = new Uint8Array(1);
  mapGstBuffer(buffer, Gst.MapFlags.READ, (data) => {
    kept = data;
    assert.is(data.length, 4);
  });
  assert.is(kept.length, 0);
  assert.is(kept.byteLength, 0);
  assert.is(kept[0], undefined);

  const thrown = new Error('thrown inside fn');
  let keptOnThrow: Uint8Array = new Uint8Array(1);
  try {
    mapGstBuffer(buffer, Gst.MapFlags.WRITE, (data) => {
      keptOnThrow = data;
      data[0] = 42;
      throw thrown;
    });
    assert.unreachable('mapGstBuffer should rethrow');
  } catch (error) {
    assert.is(error, thrown);
  }
  assert.is(keptOnThrow.length, 0);
  // the mapping was ended: the buffer maps for WRITE again, and the write before the throw is kept
  assert.is(
    mapGstBuffer(buffer, Gst.MapFlags.WRITE, (data) => data[0]),
    42,
    'mapped for WRITE again, the byte written before the throw kept',
  );
});

test('an async fn keeps the mapping until its promise settles', async () => {
  const buffer = typedArrayToGstBuffer(new Uint8Array([5, 6, 7]));
  let kept: Uint8Array = new Uint8Array(1);
  const result = await within(
    mapGstBuffer(buffer, Gst.MapFlags.WRITE, async (data) => {
      kept = data;
      await new Promise<void>((resolve) => setImmediate(resolve));
      await new Promise<void>((resolve) => setTimeout(resolve, 5));
      assert.is(data.length, 3, 'still mapped after awaiting');
      data[2] = 70;
      return data.reduce((a, b) => a + b, 0);
    }),
    5000,
    'async map',
  );
  assert.is(result, 5 + 6 + 70);
  assert.is(kept.length, 0, 'released once settled');
  assert.equal(bytesOf(buffer), [5, 6, 70]);

  const thrown = new Error('async failure');
  let keptOnReject: Uint8Array = new Uint8Array(1);
  const rejection = await rejectionOf(
    mapGstBuffer(buffer, Gst.MapFlags.READ, async (data) => {
      keptOnReject = data;
      await new Promise<void>((resolve) => setImmediate(resolve));
      throw thrown;
    }),
    5000,
    'async map that rejects',
  );
  assert.is(rejection, thrown);
  assert.is(keptOnReject.length, 0);
});

test('mapGstMemory: READ and WRITE on buffer.peekMemory(0)', () => {
  const buffer = typedArrayToGstBuffer(new Uint8Array([1, 2, 3, 4]));
  const memory = buffer.peekMemory(0);
  assert.ok(memory instanceof Gst.Memory);
  assert.equal(
    mapGstMemory(memory, Gst.MapFlags.READ, (data) => Array.from(data)),
    [1, 2, 3, 4],
  );
  let kept: Uint8Array = new Uint8Array(1);
  mapGstMemory(memory, Gst.MapFlags.WRITE, (data) => {
    kept = data;
    data[3] = 40;
  });
  assert.is(kept.length, 0);
  assert.equal(bytesOf(buffer), [1, 2, 3, 40]);
  const thrown = new Error('inside mapGstMemory');
  assert.throws(
    () =>
      mapGstMemory(memory, Gst.MapFlags.READ, () => {
        throw thrown;
      }),
    (error: unknown) => error === thrown,
  );
});

// ---------------------------------------------------------------------------------------------
// bad arguments

const NOT_A_BUFFER: ReadonlyArray<[string, unknown]> = [
  ['null', null],
  ['undefined', undefined],
  ['{}', {}],
  ['a number', 5],
  ['a string', 'buffer'],
  ['a Gst.Caps', caps('video/x-raw')],
];

test('a non-buffer where a Gst.Buffer is expected is a TypeError, never a crash', () => {
  const gray = caps('video/x-raw,format=GRAY8,width=2,height=2');
  for (const [name, value] of NOT_A_BUFFER) {
    const bad = value as Gst.Buffer;
    const isTypeError = (error: unknown): boolean => error instanceof TypeError && /Gst\.Buffer/.test(error.message);
    assert.throws(() => mapGstBuffer(bad, Gst.MapFlags.READ, () => undefined), isTypeError, `mapGstBuffer(${name})`);
    assert.throws(() => gstBufferView(bad), isTypeError, `gstBufferView(${name})`);
    assert.throws(() => gstBufferWithCapsToTypedArray(bad, gray), isTypeError, `gstBufferWithCapsToTypedArray(${name})`);
    assert.throws(() => gstBufferToTypedArray(bad, { width: 2, height: 2, channels: 1 }), isTypeError, `gstBufferToTypedArray(${name})`);
  }
  const memory = typedArrayToGstBuffer(new Uint8Array(4)).peekMemory(0)!;
  assert.throws(() => mapGstBuffer(memory as unknown as Gst.Buffer, Gst.MapFlags.READ, () => undefined), TypeError, 'a Gst.Memory');
});

test('a non-memory where a Gst.Memory is expected is a TypeError, never a crash', () => {
  const buffer = typedArrayToGstBuffer(new Uint8Array(4));
  for (const [name, value] of [...NOT_A_BUFFER, ['a Gst.Buffer', buffer] as [string, unknown]])
    assert.throws(
      () => mapGstMemory(value as Gst.Memory, Gst.MapFlags.READ, () => undefined),
      (error: unknown) => error instanceof TypeError && /Gst\.Memory/.test(error.message),
      `mapGstMemory(${name})`,
    );
});

test('a non-caps where Gst.Caps are expected is a TypeError', () => {
  const buffer = typedArrayToGstBuffer(new Uint8Array(4));
  for (const [name, value] of [
    ['null', null],
    ['{}', {}],
    ['a number', 5],
    ['a Gst.Buffer', buffer],
  ] as Array<[string, unknown]>) {
    assert.throws(
      () => gstBufferWithCapsToTypedArray(buffer, value as Gst.Caps),
      (error: unknown) => error instanceof TypeError && /Gst\.Caps/.test(error.message),
      `gstBufferWithCapsToTypedArray(buffer, ${name})`,
    );
  }
  assert.throws(() => gstBufferWithCapsToTypedArray(buffer, caps('audio/x-raw,format=S16LE,rate=8000,channels=1')), TypeError);
});

test('a non-array for typedArrayToGstBuffer, a non-pad for gstBufferWithPadToTypedArray: a TypeError that says what was expected', () => {
  for (const [name, value] of NOT_A_BUFFER)
    assert.throws(
      () => typedArrayToGstBuffer(value as Uint8Array),
      (error: unknown) => error instanceof TypeError && /typed array/.test(error.message),
      `typedArrayToGstBuffer(${name})`,
    );
  const buffer = typedArrayToGstBuffer(new Uint8Array(4));
  for (const [name, value] of [
    ['null', null],
    ['{}', {}],
    ['a number', 5],
    ['a Gst.Caps', caps('video/x-raw')],
  ] as Array<[string, unknown]>)
    assert.throws(
      () => gstBufferWithPadToTypedArray(buffer, value as Gst.Pad),
      (error: unknown) => error instanceof TypeError && /Gst\.Pad/.test(error.message),
      `gstBufferWithPadToTypedArray(buffer, ${name})`,
    );
});

// ---------------------------------------------------------------------------------------------
// each branch by its observable effect: error classes and messages, shapes and strides, releases

const OPTIONS_WHAT = 'gstBufferToTypedArray(buffer, options)';

test('gstBufferToTypedArray: options that are not an object are a TypeError naming the fields', () => {
  const buffer = typedArrayToGstBuffer(new Uint8Array(4));
  for (const [value, described] of [
    [null, 'null'],
    [undefined, 'undefined'],
    [4, '4'],
    ['4x1', '"4x1"'],
  ] as Array<[unknown, string]>)
    assert.throws(
      () => gstBufferToTypedArray(buffer, value as { width: number; height: number; channels: number }),
      (e: unknown) =>
        e instanceof TypeError &&
        e.message === `${OPTIONS_WHAT}: options must be { width, height, channels, arrayType? }, got ${described}`,
      described,
    );
});

test('gstBufferToTypedArray: width, height and channels must be whole numbers from 1 (TypeError for a non-number, RangeError otherwise)', () => {
  const buffer = typedArrayToGstBuffer(new Uint8Array(4));
  const good = { width: 2, height: 2, channels: 1 };
  for (const name of ['width', 'height', 'channels'] as const) {
    for (const [value, described] of [
      ['2', '"2"'],
      [2n, '2n'],
      [null, 'null'],
      [undefined, 'undefined'],
    ] as Array<[unknown, string]>)
      assert.throws(
        () => gstBufferToTypedArray(buffer, { ...good, [name]: value }),
        (e: unknown) => e instanceof TypeError && e.message === `${OPTIONS_WHAT}: ${name} must be a number, got ${described}`,
        `${name}: ${described}`,
      );
    for (const value of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 0x80000000])
      assert.throws(
        () => gstBufferToTypedArray(buffer, { ...good, [name]: value }),
        (e: unknown) => e instanceof RangeError && e.message === `${OPTIONS_WHAT}: ${name} must be a whole number from 1, got ${value}`,
        `${name}: ${value}`,
      );
  }
  // the largest dimension passes the check: the buffer's size is what refuses it
  assert.throws(
    () => gstBufferToTypedArray(buffer, { width: 0x7fffffff, height: 1, channels: 1 }),
    (e: unknown) => e instanceof RangeError && e.message === 'buffer holds 4 bytes, [1, 2147483647, 1] of Uint8Array needs 2147483647',
  );
});

test('gstBufferToTypedArray: arrayType other than Uint8Array or Uint16Array is a TypeError', () => {
  const buffer = typedArrayToGstBuffer(new Uint8Array(4));
  for (const arrayType of [Float32Array, Int16Array, Uint32Array, {}, 'Uint8Array'])
    assert.throws(
      () => gstBufferToTypedArray(buffer, { width: 2, height: 2, channels: 1, arrayType: arrayType as Uint8ArrayConstructor }),
      (e: unknown) => e instanceof TypeError && e.message.startsWith(`${OPTIONS_WHAT}: arrayType must be Uint8Array or Uint16Array, got `),
      String(arrayType),
    );
  const explicit = gstBufferToTypedArray(buffer, { width: 2, height: 2, channels: 1, arrayType: Uint8Array });
  assert.ok(explicit.data instanceof Uint8Array);
  assert.equal(explicit.shape, [2, 2]);
});

test('gstBufferToTypedArray: rows of whole stride but shorter than width * channels are a RangeError with the sizes', () => {
  // 22 bytes over 2 rows: a stride of 11, one byte short of a 4 * 3 row
  assert.throws(
    () => gstBufferToTypedArray(typedArrayToGstBuffer(new Uint8Array(22)), { width: 4, height: 2, channels: 3 }),
    (e: unknown) => e instanceof RangeError && e.message === 'buffer holds 22 bytes, [2, 4, 3] of Uint8Array needs 24',
  );
  assert.throws(
    () => gstBufferToTypedArray(typedArrayToGstBuffer(new Uint8Array(25)), { width: 4, height: 2, channels: 3 }),
    (e: unknown) => e instanceof RangeError && e.message === 'buffer holds 25 bytes, [2, 4, 3] of Uint8Array needs 24',
  );
  // 16-bit rows padded to 10 bytes: 4 samples kept, the padding dropped
  const padded = new Uint16Array([1, 2, 3, 4, 0xeeee, 5, 6, 7, 8, 0xeeee]);
  const frame = gstBufferToTypedArray(typedArrayToGstBuffer(padded), { width: 2, height: 2, channels: 2, arrayType: Uint16Array });
  assert.ok(frame.data instanceof Uint16Array);
  assert.equal(frame.shape, [2, 2, 2]);
  assert.equal(Array.from(frame.data), [1, 2, 3, 4, 5, 6, 7, 8]);
});

test('a shape of ones squeezes to [1], not []', () => {
  const frame = gstBufferToTypedArray(typedArrayToGstBuffer(new Uint8Array([42])), { width: 1, height: 1, channels: 1 });
  assert.equal(frame.shape, [1]);
  assert.equal(Array.from(frame.data), [42]);
  const tall = gstBufferToTypedArray(typedArrayToGstBuffer(new Uint8Array([1, 2, 3])), { width: 1, height: 3, channels: 1 });
  assert.equal(tall.shape, [3]);
  const wide = gstBufferToTypedArray(typedArrayToGstBuffer(new Uint8Array([1, 2, 3])), { width: 1, height: 1, channels: 3 });
  assert.equal(wide.shape, [3]);
});

test('gstBufferWithCapsToTypedArray: a buffer larger than its caps give a frame is a RangeError naming both sizes', () => {
  assert.throws(
    () => gstBufferWithCapsToTypedArray(typedArrayToGstBuffer(new Uint8Array(20)), caps('video/x-raw,format=GRAY8,width=2,height=2')),
    (e: unknown) =>
      e instanceof RangeError &&
      e.message === 'buffer holds 20 bytes, but its caps (GRAY8 2x2) give a frame 8 bytes: the caps do not describe this buffer',
  );
  // GRAY8 rows of width 2 are padded to 4 bytes: a frame of exactly 8 bytes is accepted and packed
  const frame = gstBufferWithCapsToTypedArray(
    typedArrayToGstBuffer(new Uint8Array([1, 2, 0xee, 0xee, 3, 4, 0xee, 0xee])),
    caps('video/x-raw,format=GRAY8,width=2,height=2'),
  );
  assert.equal(frame.shape, [2, 2]);
  assert.equal(Array.from(frame.data), [1, 2, 3, 4]);
});

test('gstBufferWithCapsToTypedArray: a buffer too small for its caps is a RangeError with the native message', () => {
  assert.throws(
    () => gstBufferWithCapsToTypedArray(typedArrayToGstBuffer(new Uint8Array(10)), caps(RGB_641)),
    (e: unknown) => e instanceof RangeError && e.message === 'buffer holds 10 bytes, caps need 5771',
  );
});

test('gstBufferWithCapsToTypedArray: raw audio caps shape the samples; caps neither raw video nor raw audio are a TypeError', () => {
  const samples = new Int16Array([1, -2, 300, -32768, 32767, 0]);
  const stereo = gstBufferWithCapsToTypedArray<AudioShapedArray>(
    typedArrayToGstBuffer(samples),
    caps('audio/x-raw,format=S16LE,rate=8000,channels=2,layout=interleaved'),
  );
  assert.ok(stereo.data instanceof Int16Array);
  assert.equal(stereo.shape, [3, 2]);
  assert.equal(Array.from(stereo.data), Array.from(samples));
  for (const description of ['image/png', 'audio/x-raw', 'video/x-h264'])
    assert.throws(
      () => gstBufferWithCapsToTypedArray(typedArrayToGstBuffer(new Uint8Array(4)), caps(description)),
      (e: unknown) => e instanceof TypeError && e.message.startsWith(`not raw video or raw audio caps: ${description} (`),
      description,
    );
});

test('gstBufferView with audio caps: a zero-copy [samples, channels] view of the stored samples, released by release() or using', () => {
  const bytes = new Uint8Array([0x01, 0x02, 0xff, 0xfe, 0x00, 0x10, 0x80, 0x00]);
  const buffer = typedArrayToGstBuffer(bytes);
  const le = caps('audio/x-raw,format=S16LE,rate=8000,channels=2,layout=interleaved');
  const view = gstBufferView<AudioBufferView>(buffer, le);
  assert.ok(view.data instanceof Int16Array);
  assert.equal(view.shape, [2, 2]);
  assert.equal(Array.from(view.data), [0x0201, -257, 0x1000, 0x0080]);
  view.data[0] = 0x0403; // test-only write through a read view: the buffer's own memory
  assert.equal(bytesOf(buffer).slice(0, 2), [0x03, 0x04]);
  assert.throws(() => mapGstBuffer(buffer, Gst.MapFlags.WRITE, () => undefined), /writable/, 'the view holds the buffer');
  view.release();
  assert.is(view.data.length, 0);
  assert.is(view.data.byteLength, 0);
  view.release();
  mapGstBuffer(buffer, Gst.MapFlags.WRITE, (data) => data.set(bytes));

  // big-endian samples: a view keeps GStreamer's bytes (not swapped, and the buffer not changed)
  const be = caps('audio/x-raw,format=S16BE,rate=8000,channels=1,layout=interleaved');
  let escaped: AudioBufferView | null = null;
  {
    using scoped = gstBufferView<AudioBufferView>(buffer, be);
    escaped = scoped;
    assert.equal(scoped.shape, [4]);
    assert.equal(Array.from(scoped.data), [0x0201, -257, 0x1000, 0x0080]);
  }
  assert.is((escaped as AudioBufferView).data.length, 0, 'released at the end of the scope');
  assert.equal(bytesOf(buffer), Array.from(bytes));
});

test('gstBufferView with audio caps the bytes do not fit: the error of the shaping, and the buffer let go', () => {
  const buffer = typedArrayToGstBuffer(new Uint8Array(8));
  assert.throws(
    () => gstBufferView(typedArrayToGstBuffer(new Uint8Array(7)), caps('audio/x-raw,format=S16LE,rate=8000,channels=2,layout=interleaved')),
    (e: unknown) => e instanceof RangeError && e.message === 'an audio buffer of 7 bytes is not whole S16LE frames of 2 channel(s)',
  );
  assert.throws(
    () => gstBufferView(buffer, caps('audio/x-raw,format=S16LE,rate=8000,channels=3,channel-mask=(bitmask)0x7,layout=interleaved')),
    (e: unknown) => e instanceof RangeError && e.message === 'an audio buffer of 8 bytes is not whole S16LE frames of 3 channel(s)',
  );
  mapGstBuffer(buffer, Gst.MapFlags.WRITE, (data) => data.fill(3));
  assert.equal(bytesOf(buffer), [3, 3, 3, 3, 3, 3, 3, 3]);
});

test('gstBufferView: caps that are not Gst.Caps, or not raw video nor raw audio, are a TypeError', () => {
  const buffer = typedArrayToGstBuffer(new Uint8Array(8));
  for (const [value, described] of [
    [{}, 'Object'],
    [buffer, 'GstBuffer'],
    [5, '5'],
  ] as Array<[unknown, string]>)
    assert.throws(
      () => gstBufferView(buffer, value as Gst.Caps),
      (e: unknown) => e instanceof TypeError && e.message === `expected a Gst.Caps, got ${described}`,
      described,
    );
  for (const description of ['image/png', 'audio/x-raw'])
    assert.throws(
      () => gstBufferView(buffer, caps(description)),
      (e: unknown) => e instanceof TypeError && e.message.startsWith(`not raw video caps: ${description} (`),
      description,
    );
  mapGstBuffer(buffer, Gst.MapFlags.WRITE, () => undefined); // no view was left holding it
});

test('gstBufferView shapes and strides: GRAY8, a 1x1 frame, planar and packed YUV, no caps', () => {
  const gray = typedArrayToGstBuffer(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
  const grayView = gstBufferView(gray, caps('video/x-raw,format=GRAY8,width=4,height=2'));
  assert.equal(grayView.shape, [2, 4]);
  assert.equal(grayView.strides, [4, 1]);
  assert.equal(Array.from(grayView.data), [1, 2, 3, 4, 5, 6, 7, 8]);
  grayView.release();

  // a 1x1 GRAY8 frame: a row padded to 4 bytes, the view holds the one sample
  const dot = gstBufferView(
    typedArrayToGstBuffer(new Uint8Array([9, 0xee, 0xee, 0xee])),
    caps('video/x-raw,format=GRAY8,width=1,height=1'),
  );
  assert.equal(dot.shape, [1]);
  assert.equal(dot.strides, [1]);
  assert.equal(Array.from(dot.data), [9]);
  dot.release();

  // one column of RGB: [height, 1, 3] squeezes to [height, 3] and keeps the row stride
  const column = gstBufferView(typedArrayToGstBuffer(new Uint8Array(8)), caps('video/x-raw,format=RGB,width=1,height=2'));
  assert.equal(column.shape, [2, 3]);
  assert.equal(column.strides, [4, 1]);
  assert.is(column.data.length, 7);
  column.release();

  for (const [format, size, ArrayType] of [
    ['I420', 24, Uint8Array],
    ['YUY2', 16, Uint8Array],
    ['I420_10LE', 32, Uint16Array],
  ] as Array<[string, number, typeof Uint8Array | typeof Uint16Array]>) {
    const view = gstBufferView(
      typedArrayToGstBuffer(new Uint8Array(size).map((_, i) => i)),
      caps(`video/x-raw,format=${format},width=4,height=${format === 'I420' ? 4 : 2}`),
    );
    assert.ok(view.data instanceof ArrayType, format);
    assert.equal(view.shape, [size / ArrayType.BYTES_PER_ELEMENT], format);
    assert.equal(view.strides, [1], format);
    assert.is(view.data.byteLength, size, format);
    view.release();
  }

  const raw = gstBufferView(typedArrayToGstBuffer(new Uint8Array(3)));
  assert.equal(raw.shape, [3]);
  assert.equal(raw.strides, [1]);
  raw.release();
});

test('gstBufferView: a frame that ends without the last row padding fits; one byte less is a RangeError with the sizes', () => {
  // RGB 641x3: two rows of 1924 bytes then 1923 bytes of pixels
  const exact = paddedFrame().subarray(0, 2 * STRIDE + W * 3);
  const view = gstBufferView(typedArrayToGstBuffer(exact), caps(RGB_641));
  assert.equal(view.shape, [H, W, 3]);
  assert.is(view.data.length, 2 * STRIDE + W * 3);
  assert.is(view.data[2 * STRIDE + (W - 1) * 3 + 2], pixel(2, W - 1)[2]);
  view.release();
  assert.throws(
    () => gstBufferView(typedArrayToGstBuffer(exact.subarray(1)), caps(RGB_641)),
    (e: unknown) => e instanceof RangeError && e.message === `buffer holds ${exact.length - 1} bytes, caps need ${exact.length}`,
  );
});

test('16-bit samples in an odd byte count are a RangeError that says so, and the failed view leaves no mapping behind', () => {
  const buffer = typedArrayToGstBuffer(new Uint8Array(17));
  assert.throws(
    () => gstBufferView(buffer, caps('video/x-raw,format=I420_10LE,width=4,height=2')),
    (e: unknown) => e instanceof RangeError && e.message === 'a 16-bit format needs an even byte count, got 17',
  );
  // a view holds a reference, which makes the buffer unwritable: none is left, so WRITE maps it
  mapGstBuffer(buffer, Gst.MapFlags.WRITE, (data) => {
    data[0] = 7;
  });
  assert.is(gstBufferView(buffer).data[0], 7);
});

test('a packed 16-bit view takes the samples its caps give and ignores an odd trailing byte', () => {
  const bytes = new Uint8Array(9);
  new Uint16Array(bytes.buffer, 0, 4).set([1, 2, 3, 0xffff]);
  const view = gstBufferView(typedArrayToGstBuffer(bytes), caps('video/x-raw,format=GRAY16_LE,width=2,height=2'));
  assert.instance(view.data, Uint16Array);
  assert.equal([...view.data], [1, 2, 3, 0xffff]);
  assert.equal(view.shape, [2, 2]);
  view.release();
});

test('typedArrayToGstBuffer: the new buffer has no timestamps and no offsets', () => {
  const buffer = typedArrayToGstBuffer(new Uint8Array([1, 2, 3]));
  assert.is(buffer.pts, Gst.CLOCK_TIME_NONE);
  assert.is(buffer.dts, Gst.CLOCK_TIME_NONE);
  assert.is(buffer.duration, Gst.CLOCK_TIME_NONE);
  assert.is(buffer.offset, Gst.BUFFER_OFFSET_NONE);
});

test('a non-buffer, non-caps or non-memory argument is refused by our own check, which names what it got', () => {
  const gray = caps('video/x-raw,format=GRAY8,width=2,height=2');
  const buffer = typedArrayToGstBuffer(new Uint8Array(4));
  for (const [value, described] of [
    [null, 'null'],
    [{}, 'Object'],
    [gray, 'GstCaps'],
  ] as Array<[unknown, string]>) {
    const bad = value as Gst.Buffer;
    const expected = (e: unknown): boolean => e instanceof TypeError && e.message === `expected a Gst.Buffer, got ${described}`;
    assert.throws(() => mapGstBuffer(bad, Gst.MapFlags.READ, () => undefined), expected, `mapGstBuffer(${described})`);
    assert.throws(() => gstBufferView(bad), expected, `gstBufferView(${described})`);
    assert.throws(() => gstBufferWithCapsToTypedArray(bad, gray), expected, `gstBufferWithCapsToTypedArray(${described})`);
    assert.throws(() => gstBufferToTypedArray(bad, { width: 2, height: 2, channels: 1 }), expected, `gstBufferToTypedArray(${described})`);
  }
  for (const [value, described] of [
    [null, 'null'],
    [{}, 'Object'],
    [buffer, 'GstBuffer'],
  ] as Array<[unknown, string]>) {
    assert.throws(
      () => gstBufferWithCapsToTypedArray(buffer, value as Gst.Caps),
      (e: unknown) => e instanceof TypeError && e.message === `expected a Gst.Caps, got ${described}`,
      `gstBufferWithCapsToTypedArray(buffer, ${described})`,
    );
    assert.throws(
      () => mapGstMemory(value as Gst.Memory, Gst.MapFlags.READ, () => undefined),
      (e: unknown) => e instanceof TypeError && e.message === `expected a Gst.Memory, got ${described}`,
      `mapGstMemory(${described})`,
    );
  }
});

test('mapGstBuffer READ takes no reference of its own: inside fn the buffer is still writable (metas can be written)', () => {
  const buffer = typedArrayToGstBuffer(new Uint8Array(16));
  const box = { boundingBox: [1, 2, 3, 4] as const, confidence: 0.5, className: 'dot' };
  const count = mapGstBuffer(buffer, Gst.MapFlags.READ, () => {
    gstMetaWrite(buffer, [box]);
    return gstMetaGet(buffer).length;
  });
  assert.is(count, 1);
});

test('mapGstMemory WRITE on a memory two buffers share is refused; READ of it works', () => {
  const buffer = typedArrayToGstBuffer(new Uint8Array([1, 2, 3, 4]));
  const sharing = buffer.copyRegion(Gst.BufferCopyFlags.MEMORY, 0, -1)!;
  assert.is(sharing.getSize(), 4n);
  const memory = buffer.peekMemory(0)!;
  let called = false;
  assert.throws(
    () =>
      mapGstMemory(memory, Gst.MapFlags.WRITE, () => {
        called = true;
      }),
    (e: unknown) => e instanceof Error && /non-writable Gst\.Memory/.test(e.message),
  );
  assert.is(called, false);
  assert.equal(
    mapGstMemory(memory, Gst.MapFlags.READ, (data) => Array.from(data)),
    [1, 2, 3, 4],
  );
});

// ---------------------------------------------------------------------------------------------
// pad probes

test("a buffer probe writes into the stream: pixels changed in identity's src pad probe arrive at the appsink", async () => {
  const pipeline = new GstPipeline(
    'videotestsrc num-buffers=3 pattern=black ! video/x-raw,format=GRAY8,width=8,height=4 ! identity name=id ! appsink name=sink emit-signals=true sync=false',
  );
  const probed: Array<true | Error> = [];
  pipeline
    .getByName('id')!
    .getStaticPad('src')!
    .addProbe(Gst.PadProbeType.BUFFER, (_pad, info) => {
      const buffer = info.getBuffer();
      if (!buffer) return Gst.PadProbeReturn.OK;
      try {
        // node-gtk hands the probe GStreamer's buffer without a reference of its own: writable.
        mapGstBuffer(buffer, Gst.MapFlags.WRITE, (data) => data.forEach((_, i) => (data[i] = i * 3)));
        probed.push(true);
      } catch (error) {
        probed.push(error instanceof Error ? error : new Error(String(error)));
      }
      return Gst.PadProbeReturn.OK;
    });
  const sink = pipeline.getByName('sink', GstApp.AppSink)!;
  const frames: ShapedArray[] = [];
  sink.connect('new-sample', () => {
    const sample = sink.emit('pull-sample');
    if (sample) frames.push(gstBufferWithCapsToTypedArray(sample.getBuffer()!, sample.getCaps()!));
    return Gst.FlowReturn.OK;
  });
  pipeline.startup();
  await within(pipeline.done, 10_000, 'probe pipeline');
  assert.equal(probed, [true, true, true]);
  assert.is(frames.length, 3);
  const expected = Array.from({ length: 32 }, (_, i) => i * 3);
  for (const frame of frames) {
    assert.equal(frame.shape, [4, 8]);
    assert.equal(Array.from(frame.data), expected);
  }
});

test.run();
