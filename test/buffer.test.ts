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
  GstStateError,
  mapGstBuffer,
  mapGstMemory,
  typedArrayToGstBuffer,
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
