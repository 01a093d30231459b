/**
 * Gst.Buffer <-> typed arrays, and buffers mapped in place (gstreamer-python's `gst_buffer_*_to_ndarray`,
 * `ndarray_to_gst_buffer`, `map_gst_buffer`, `map_gst_memory`). The bytes move through the native
 * addon: one memcpy for a copy, none for a view (node-gtk alone takes ~90 ms a frame: docs/node-gtk.md, 'Buffer bytes out of GStreamer').
 */
import { describeValue, GstStateError, messageOf, notRawVideoMessage } from './errors';
import { Gst } from './gi';
import { native, type NativeLayout } from './native';
import { getNumChannels, getTypedArrayType, isForeignEndian, type SampleArrayType } from './utils';
import { audioLayoutFromCaps, shapeAudio, type AudioSampleArray, type AudioShapedArray } from './audio';

/** The typed arrays frames come back as. */
export type SampleArray = Uint8Array | Uint16Array;

/** Samples with the shape a tensor library wants. */
export interface ShapedArray<T extends SampleArray = SampleArray> {
  /** samples, row after row, with no row padding */
  readonly data: T;
  /**
   * `[height, width, channels]` with dimensions of 1 dropped, as numpy's `squeeze` does
   * (GRAY8 gives `[height, width]`); `[length]` for planar formats such as I420.
   */
  readonly shape: readonly number[];
}

/** A zero-copy view over a mapped buffer. Holds the buffer until released or collected. */
export interface BufferView<T extends SampleArray = SampleArray> extends ShapedArray<T> {
  /** element strides of `shape` (rows may be padded in a view: `strides[0]` >= width * channels) */
  readonly strides: readonly number[];
  /** Unmaps and lets the buffer go now; `data` is then empty (detached), never dangling. Idempotent. */
  release(): void;
  [Symbol.dispose](): void;
}

/** A zero-copy view of an audio buffer's samples (see {@link gstBufferView}). */
export interface AudioBufferView<T extends AudioSampleArray = AudioSampleArray> extends AudioShapedArray<T> {
  /** Unmaps and lets the buffer go now; `data` is then empty (detached), never dangling. Idempotent. */
  release(): void;
  [Symbol.dispose](): void;
}

function squeeze(shape: number[]): number[] {
  const kept = shape.filter((d) => d !== 1);
  return kept.length > 0 ? kept : [1];
}

/** `bytes` as samples: `length` of them, or all (then a 16-bit format needs an even byte count). */
function typed(ArrayType: SampleArrayType, bytes: ArrayBuffer, length?: number): SampleArray {
  if (length === undefined && ArrayType === Uint16Array && bytes.byteLength % 2 !== 0)
    throw new RangeError(`a 16-bit format needs an even byte count, got ${bytes.byteLength}`);
  return new ArrayType(bytes, 0, length ?? bytes.byteLength / ArrayType.BYTES_PER_ELEMENT);
}

function requireBuffer(buffer: Gst.Buffer): void {
  if (!(buffer instanceof Gst.Buffer)) throw new TypeError(`expected a Gst.Buffer, got ${describe(buffer)}`);
}

const describe = describeValue;

/** A dimension of a shape: a whole number from 1 (a typed error naming it otherwise). */
function checkDimension(value: unknown, name: string, what: string): number {
  if (typeof value !== 'number') throw new TypeError(`${what}: ${name} must be a number, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < 1 || value > 0x7fffffff)
    throw new RangeError(`${what}: ${name} must be a whole number from 1, got ${describe(value)}`);
  return value;
}

/** A buffer's size checked against the size its caps give one frame. */
function checkFrameSize(buffer: Gst.Buffer, layout: NativeLayout): void {
  const size = Number(buffer.getSize());
  if (size !== layout.size)
    throw new RangeError(
      `buffer holds ${size} bytes, but its caps (${layout.format} ${layout.width}x${layout.height}) give a frame ${layout.size} bytes: ` +
        'the caps do not describe this buffer',
    );
}

function videoLayout(caps: Gst.Caps): NativeLayout {
  if (!(caps instanceof Gst.Caps)) throw new TypeError(`expected a Gst.Caps, got ${describe(caps)}`);
  const layout = native.videoLayout(caps);
  if (!layout) throw new TypeError(notRawVideoMessage(caps.toString()));
  return layout;
}

/** Shapes packed bytes by a video layout (shared with GstVideoSource). @internal */
export function shapeFrame(bytes: ArrayBuffer, layout: NativeLayout, ownBytes = true): ShapedArray {
  // A copy of big-endian samples is swapped, so elements are sample values (a view stays GStreamer's bytes).
  if (ownBytes && isForeignEndian(layout.format)) Buffer.from(bytes).swap16();
  const channels = getNumChannels(layout.format);
  const data = typed(getTypedArrayType(layout.format), bytes);
  // channels is -1 for formats that are not one plane of RGB or gray samples (I420, YUY2...):
  // the product is then negative and they stay flat.
  if (data.length === layout.height * layout.width * channels) return { data, shape: squeeze([layout.height, layout.width, channels]) };
  return { data, shape: [data.length] };
}

/** `height` rows of `rowBytes` bytes, each taken from the start of a `stride`-byte row of `bytes`. */
function packRows(bytes: ArrayBuffer, stride: number, rowBytes: number, height: number): ArrayBuffer {
  const out = new Uint8Array(rowBytes * height);
  for (let row = 0; row < height; row++) out.set(new Uint8Array(bytes, row * stride, rowBytes), row * rowBytes);
  return out.buffer;
}

/**
 * Copies a buffer of known layout into a typed array shaped `[height, width, channels]`.
 * Rows padded by GStreamer (e.g. RGB at an odd width) are detected from the size and packed.
 */
export function gstBufferToTypedArray<T extends SampleArrayType = Uint8ArrayConstructor>(
  buffer: Gst.Buffer,
  options: { width: number; height: number; channels: number; arrayType?: T },
): ShapedArray<InstanceType<T>> {
  requireBuffer(buffer);
  const what = 'gstBufferToTypedArray(buffer, options)';
  if (options === null || typeof options !== 'object')
    throw new TypeError(`${what}: options must be { width, height, channels, arrayType? }, got ${describe(options)}`);
  const width = checkDimension(options.width, 'width', what);
  const height = checkDimension(options.height, 'height', what);
  const channels = checkDimension(options.channels, 'channels', what);
  const ArrayType = options.arrayType ?? Uint8Array;
  if (ArrayType !== Uint8Array && ArrayType !== Uint16Array)
    throw new TypeError(`${what}: arrayType must be Uint8Array or Uint16Array, got ${describe(ArrayType)}`);
  const rowBytes = width * channels * ArrayType.BYTES_PER_ELEMENT;
  const bytes = native.copyBuffer(buffer);
  const stride = bytes.byteLength / height;
  if (!Number.isInteger(stride) || stride < rowBytes)
    throw new RangeError(
      `buffer holds ${bytes.byteLength} bytes, [${height}, ${width}, ${channels}] of ${ArrayType.name} needs ${rowBytes * height}`,
    );
  const data = typed(ArrayType, stride === rowBytes ? bytes : packRows(bytes, stride, rowBytes, height)) as InstanceType<T>;
  return { data, shape: squeeze([height, width, channels]) };
}

/**
 * Copies a buffer into a typed array shaped by its caps: raw video by width, height and format
 * (padded rows packed); raw audio by format and channels (S16LE as Int16Array, F32LE as
 * Float32Array..., `[samples, channels]` interleaved, `[channels, samples]` planar, `[samples]` mono).
 * The result is typed as video; for audio caps name the type:
 * `gstBufferWithCapsToTypedArray<AudioShapedArray>(buffer, caps)`.
 *
 * Once an appsink's 'new-sample' handlers copy frames, the copy is made on the streaming thread
 * as each frame reaches the appsink, and the buffer pulled is that copy: the array is then the
 * buffer's own memory (no second copy), which no GStreamer element writes or reuses while the
 * array lives. Writing to such an array changes what that Gst.Buffer holds; a second array of the
 * same buffer is a copy of its own.
 */
export function gstBufferWithCapsToTypedArray<T extends ShapedArray | AudioShapedArray = ShapedArray>(
  buffer: Gst.Buffer,
  caps: Gst.Caps,
): T {
  requireBuffer(buffer);
  if (!(caps instanceof Gst.Caps)) throw new TypeError(`expected a Gst.Caps, got ${describe(caps)}`);
  let copy: [ArrayBuffer, NativeLayout | null];
  try {
    copy = native.copyVideo(buffer, caps);
  } catch (error) {
    // The native copy refuses a buffer too small for the rows its caps describe.
    throw new RangeError(messageOf(error));
  }
  const [bytes, layout] = copy;
  if (!layout) {
    const audio = audioLayoutFromCaps(caps);
    if (audio) return shapeAudio(bytes, audio) as T;
    native.release(bytes);
    throw new TypeError(notRawVideoMessage(caps.toString(), 'raw video or raw audio'));
  }
  checkFrameSize(buffer, layout);
  return shapeFrame(bytes, layout) as T;
}

/** Copies a buffer into a typed array shaped by the current caps of the pad it flows through (video or audio, as above); a {@link GstStateError} before the pad has caps. */
export function gstBufferWithPadToTypedArray<T extends ShapedArray | AudioShapedArray = ShapedArray>(buffer: Gst.Buffer, pad: Gst.Pad): T {
  if (!(pad instanceof Gst.Pad)) throw new TypeError(`expected a Gst.Pad, got ${describe(pad)}`);
  const caps = pad.getCurrentCaps();
  if (!caps)
    throw new GstStateError(`pad ${pad.name} has no caps yet: call this once caps are negotiated (from the pad's first buffer on)`);
  return gstBufferWithCapsToTypedArray<T>(buffer, caps);
}

/** Mapped bytes shaped by a video layout, with element strides (rows may be padded). */
function shapeView(bytes: ArrayBuffer, layout: NativeLayout): [ShapedArray, number[]] {
  const channels = getNumChannels(layout.format);
  const ArrayType = getTypedArrayType(layout.format);
  if (channels > 0 && layout.packed) {
    const bps = ArrayType.BYTES_PER_ELEMENT;
    const needed = (layout.height - 1) * layout.strides[0] + layout.width * channels * bps;
    if (bytes.byteLength < needed) throw new RangeError(`buffer holds ${bytes.byteLength} bytes, caps need ${needed}`);
    // (a packed format's one plane starts at byte 0)
    const data = typed(ArrayType, bytes, needed / bps);
    const full = [layout.height, layout.width, channels];
    const strides = [layout.strides[0] / bps, channels, 1];
    const keep = full.map((d) => d !== 1);
    return [{ data, shape: squeeze(full) }, keep.some(Boolean) ? strides.filter((_, i) => keep[i]) : [1]];
  }
  const data = typed(ArrayType, bytes);
  return [{ data, shape: [data.length] }, [1]];
}

/** A read-only view that holds its own reference to the buffer (it may outlive the caller's wrapper). */
const READ_KEPT_ALIVE = { write: false, keepAlive: true } as const;

/**
 * A zero-copy view of a buffer's bytes, shaped by `caps` when given (raw bytes otherwise).
 * The view keeps the buffer alive; call `release()` (or `using`) to let it go early.
 * With raw audio caps it holds the samples as stored (big-endian formats are not swapped in a
 * view); name the type for them: `gstBufferView<AudioBufferView>(buffer, caps)`.
 */
export function gstBufferView<T extends BufferView | AudioBufferView = BufferView>(buffer: Gst.Buffer, caps?: Gst.Caps): T {
  requireBuffer(buffer);
  const audio = caps instanceof Gst.Caps && !native.videoLayout(caps) ? audioLayoutFromCaps(caps) : null;
  const layout = caps && !audio ? videoLayout(caps) : null;
  const bytes = native.mapBuffer(buffer, READ_KEPT_ALIVE);
  const release = (): void => native.release(bytes);
  try {
    if (audio) {
      const view: AudioBufferView = { ...shapeAudio(bytes, audio, false), release, [Symbol.dispose]: release };
      return view as T;
    }
    const [shaped, strides] = layout ? shapeView(bytes, layout) : [{ data: new Uint8Array(bytes), shape: [bytes.byteLength] }, [1]];
    const view: BufferView = { ...shaped, strides, release, [Symbol.dispose]: release };
    return view as T;
  } catch (error) {
    release(); // a view that cannot be made leaves no mapping (and no reference) behind
    throw error;
  }
}

/** A new Gst.Buffer holding a copy of the array's bytes (gstreamer-python's `ndarray_to_gst_buffer`). */
export function typedArrayToGstBuffer(array: ArrayBufferView | ShapedArray): Gst.Buffer {
  const bytes = array !== null && typeof array === 'object' && 'shape' in array ? array.data : array;
  if (!ArrayBuffer.isView(bytes)) throw new TypeError(`expected a typed array, got ${describe(bytes)}`);
  const buffer = Gst.Buffer.newAllocate(null, bytes.byteLength, null);
  if (!buffer) throw new RangeError(`cannot allocate a Gst.Buffer of ${bytes.byteLength} bytes`);
  native.fillBuffer(buffer, bytes, -1, -1, -1, -1);
  return buffer;
}

function scoped<R>(bytes: ArrayBuffer, fn: (data: Uint8Array) => R): R {
  let result: R;
  try {
    result = fn(new Uint8Array(bytes));
  } catch (error) {
    native.release(bytes);
    throw error;
  }
  if (result instanceof Promise) {
    return result.finally(() => native.release(bytes)) as R;
  }
  native.release(bytes);
  return result;
}

function wantsWrite(flags: Gst.MapFlags): boolean {
  return (flags & Gst.MapFlags.WRITE) !== 0;
}

/**
 * Maps a buffer for `fn` and unmaps it when `fn` returns, throws or (if it returns a promise)
 * settles. With `Gst.MapFlags.WRITE` the changes `fn` makes are the buffer's new contents; a
 * buffer that is not writable (shared, e.g. still referenced elsewhere) is refused with an Error.
 * After the mapping ends, the array `fn` got is empty (detached), never dangling.
 */
export function mapGstBuffer<R>(buffer: Gst.Buffer, flags: Gst.MapFlags, fn: (data: Uint8Array) => R): R {
  requireBuffer(buffer);
  return scoped(native.mapBuffer(buffer, { write: wantsWrite(flags), keepAlive: false }), fn);
}

/** As {@link mapGstBuffer}, for one Gst.Memory of a buffer (e.g. `buffer.peekMemory(0)`). */
export function mapGstMemory<R>(memory: Gst.Memory, flags: Gst.MapFlags, fn: (data: Uint8Array) => R): R {
  if (!(memory instanceof Gst.Memory)) throw new TypeError(`expected a Gst.Memory, got ${describe(memory)}`);
  return scoped(native.mapMemory(memory, { write: wantsWrite(flags) }), fn);
}
