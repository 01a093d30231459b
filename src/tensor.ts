/**
 * Frames as tensors: a raw video frame into a model's input, in one native pass
 * (src/native/tensor.cc). This module checks the request and turns the options into the numbers
 * the native loop takes; the loop does the pixels, synchronously on the calling thread.
 *
 * Value of each output element: `(pixel * scale - mean[c]) / std[c]`, where `pixel` is the
 * source's R, G or B value (gray formats give the same value to all three; I420/NV12 are
 * converted to RGB with GStreamer's limited-range matrix). uint8 outputs are rounded and clamped
 * to 0..255.
 */
import { native } from './native';
import type { VideoPlane } from './video-source';

/** Element type of a tensor, as onnxruntime names it. */
export type TensorType = 'float32' | 'uint8';

/** The raw frame a tensor is made from: a {@link VideoFrame} or plain bytes with their format. */
export interface TensorSource {
  /** the frame's bytes (a Uint16Array of GRAY16 samples is read byte by byte, see `hostOrder`) */
  readonly data: ArrayBufferView;
  /** GStreamer's format name: one of {@link TENSOR_FORMATS} */
  readonly format: string;
  readonly width: number;
  readonly height: number;
  /**
   * Where each plane lies in `data`, in bytes (padded rows: the stride). Left out or empty:
   * planes packed tight one after the other.
   */
  readonly planes?: readonly VideoPlane[];
  /**
   * GRAY16 samples are stored in the host's byte order rather than as the format's name says
   * (GstVideoSource's copies swap big-endian samples; its `frame.toTensor()` knows). Default false.
   */
  readonly hostOrder?: boolean;
}

/** How a tensor is made from a frame. Every field is optional. */
export interface TensorOptions {
  /** 'float32' (default) or 'uint8' */
  type?: TensorType;
  /** 'nchw' (default: dims [1, 3, H, W]) or 'nhwc' ([1, H, W, 3]) */
  layout?: 'nchw' | 'nhwc';
  /** channel order of the output: 'rgb' (default) or 'bgr' */
  channels?: 'rgb' | 'bgr';
  /** factor applied to pixel values first: default 1/255 for float32 (1/65535 for GRAY16), 1 for uint8 */
  scale?: number;
  /** per-channel mean subtracted after `scale` (output channel order), 3 numbers or 1 for all. Default 0 */
  mean?: readonly number[];
  /** per-channel divisor applied after `mean`, 3 non-zero numbers or 1 for all. Default 1 */
  std?: readonly number[];
  /** the model's input size; default the frame's size (no resize) */
  size?: { readonly width: number; readonly height: number };
  /**
   * Keep the frame's aspect ratio inside `size`: scaled to fit, centred, the rest filled with
   * `padValue`; the result's `letterbox` says where the picture went. Default false (stretch).
   */
  letterbox?: boolean;
  /** value of letterbox padding, in source pixel units (0..255 for 8-bit formats). Default 0 */
  padValue?: number;
  /**
   * 'bilinear' (default: half-pixel centres, as OpenCV's INTER_LINEAR) or 'nearest'. Both sample
   * the source at most at 2x2 points per output pixel: for strong downscales (more than 2x),
   * scale in the pipeline (`videoscale`) for an area-averaged result.
   */
  resize?: 'bilinear' | 'nearest';
  /** YUV matrix for I420/NV12: default GStreamer's for caps that do not say (BT.709 above 576 rows, else BT.601) */
  yuvMatrix?: 'bt601' | 'bt709';
  /**
   * Array to write into (no allocation per frame): a Float32Array for float32, a Uint8Array for
   * uint8, at least 3 * width * height elements. The result's `data` is this array (or its
   * subarray of the tensor's length when longer), the same memory.
   */
  out?: Float32Array | Uint8Array;
}

/** Where the picture lies in a letterboxed tensor: tensor = source * scale + pad. */
export interface Letterbox {
  /** tensor pixels per source pixel */
  readonly scale: number;
  /** columns of padding left of the picture */
  readonly padX: number;
  /** rows of padding above the picture */
  readonly padY: number;
  /** the picture's size inside the tensor */
  readonly width: number;
  readonly height: number;
}

/**
 * A model input: `new ort.Tensor(t.type, t.data, t.dims)` (onnxruntime-node) takes it as it is,
 * without a copy.
 */
export interface FrameTensor<T extends TensorType = TensorType> {
  readonly type: T;
  readonly data: T extends 'uint8' ? Uint8Array : Float32Array;
  /** [1, 3, H, W] for 'nchw', [1, H, W, 3] for 'nhwc' */
  readonly dims: readonly [1, number, number, number];
  /** present when `letterbox` was asked */
  readonly letterbox?: Letterbox;
}

/** A box in pixels. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Packed formats of one byte per R, G, B (and alpha or padding): what toTensor and drawObjects share. */
export const PACKED_RGB_FORMATS = ['RGB', 'BGR', 'RGBA', 'BGRA', 'RGBx', 'BGRx', 'ARGB', 'ABGR', 'xRGB', 'xBGR'] as const;

/** Formats {@link toTensor} reads. */
export const TENSOR_FORMATS = [...PACKED_RGB_FORMATS, 'GRAY8', 'GRAY16_LE', 'GRAY16_BE', 'I420', 'YV12', 'NV12'] as const;

// Kinds of src/native/tensor.cc (enum Kind).
const PACKED8 = 0;
const GRAY8 = 1;
const GRAY16_LE = 2;
const GRAY16_BE = 3;
const I420 = 4;
const NV12 = 5;

interface FormatInfo {
  kind: number;
  /** bytes per pixel of packed formats */
  pixelBytes: number;
  /** byte of R, G and B inside a packed pixel */
  rgb: [number, number, number];
}

const packed = (pixelBytes: number, rgb: [number, number, number]): FormatInfo => ({ kind: PACKED8, pixelBytes, rgb });
const FORMATS: Record<string, FormatInfo> = {
  RGB: packed(3, [0, 1, 2]),
  BGR: packed(3, [2, 1, 0]),
  RGBA: packed(4, [0, 1, 2]),
  RGBx: packed(4, [0, 1, 2]),
  BGRA: packed(4, [2, 1, 0]),
  BGRx: packed(4, [2, 1, 0]),
  ARGB: packed(4, [1, 2, 3]),
  xRGB: packed(4, [1, 2, 3]),
  ABGR: packed(4, [3, 2, 1]),
  xBGR: packed(4, [3, 2, 1]),
  GRAY8: { kind: GRAY8, pixelBytes: 1, rgb: [0, 0, 0] },
  GRAY16_LE: { kind: GRAY16_LE, pixelBytes: 2, rgb: [0, 0, 0] },
  GRAY16_BE: { kind: GRAY16_BE, pixelBytes: 2, rgb: [0, 0, 0] },
  I420: { kind: I420, pixelBytes: 1, rgb: [0, 0, 0] },
  YV12: { kind: I420, pixelBytes: 1, rgb: [0, 0, 0] },
  NV12: { kind: NV12, pixelBytes: 1, rgb: [0, 0, 0] },
};

// Index of each number in the parameter array (src/native/tensor.cc, enum Param).
const P = {
  kind: 0,
  srcW: 1,
  srcH: 2,
  pixelBytes: 3,
  offR: 4,
  plane0: 7,
  stride0: 10,
  outW: 13,
  outH: 14,
  boxX: 15,
  boxY: 16,
  boxW: 17,
  boxH: 18,
  nhwc: 19,
  bgr: 20,
  nearest: 21,
  bt709: 22,
  mul0: 23,
  add0: 26,
  pad0: 29,
  count: 32,
} as const;
/** Reused: one conversion at a time runs on a thread. */
const params = new Float64Array(P.count);

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function what(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(what).join(', ')}]`;
  if (ArrayBuffer.isView(value))
    return `${value.constructor.name}(${(value as unknown as { length?: number }).length ?? value.byteLength})`;
  return typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
}

function positiveInt(value: unknown, name: string): number {
  if (typeof value !== 'number') throw new TypeError(`toTensor: ${name} must be a number, got ${what(value)}`);
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`toTensor: ${name} must be a positive integer, got ${what(value)}`);
  return value;
}

function finite(value: unknown, name: string): number {
  if (typeof value !== 'number') throw new TypeError(`toTensor: ${name} must be a number, got ${what(value)}`);
  if (!Number.isFinite(value)) throw new RangeError(`toTensor: ${name} must be a finite number, got ${what(value)}`);
  return value;
}

function oneOf<T extends string>(value: unknown, name: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
    throw new TypeError(`toTensor: ${name} must be ${allowed.map((a) => `'${a}'`).join(' or ')}, got ${what(value)}`);
  return value as T;
}

/** 3 numbers (one given: all three), or the fallback. */
function perChannel(value: unknown, name: string, fallback: number): [number, number, number] {
  if (value === undefined) return [fallback, fallback, fallback];
  if (!Array.isArray(value) && !ArrayBuffer.isView(value))
    throw new TypeError(`toTensor: ${name} must be an array of 3 numbers, got ${what(value)}`);
  const list = Array.from(value as ArrayLike<unknown>);
  if (list.length !== 3 && list.length !== 1)
    throw new RangeError(`toTensor: ${name} must hold 3 numbers (one per channel) or 1, got ${list.length}: ${what(list)}`);
  const numbers = list.map((v, i) => finite(v, `${name}[${i}]`));
  return list.length === 1 ? [numbers[0], numbers[0], numbers[0]] : [numbers[0], numbers[1], numbers[2]];
}

/** Tight planes of a format, when the frame gives none: [offset, stride] of each. */
function tightPlanes(format: string, width: number, height: number, info: FormatInfo): Array<[number, number]> {
  const cw = Math.ceil(width / 2);
  const ySize = width * height;
  const cSize = cw * Math.ceil(height / 2);
  if (format === 'I420' || format === 'YV12')
    return [
      [0, width],
      [ySize, cw],
      [ySize + cSize, cw],
    ];
  if (format === 'NV12')
    return [
      [0, width],
      [ySize, 2 * cw],
    ];
  return [[0, width * info.pixelBytes]];
}

/**
 * Turns a raw video frame into a model's input tensor: resized (optionally letterboxed),
 * normalised, in NCHW or NHWC, RGB or BGR order. Synchronous and native: a 640x640 float32
 * tensor takes about a millisecond.
 *
 * ```ts
 * const t = toTensor(frame, { size: { width: 640, height: 640 }, letterbox: true, out: reused });
 * const result = await session.run({ images: new ort.Tensor(t.type, t.data, t.dims) });
 * const box = mapBox(modelBox, t.letterbox!); // back to frame pixels
 * ```
 * Throws TypeError or RangeError naming the value for an unsupported format, a mean/std that is
 * not 1 or 3 numbers, an `out` of the wrong type or too small, or a size that is not a positive integer.
 */
export function toTensor(frame: TensorSource, options: TensorOptions & { type: 'uint8' }): FrameTensor<'uint8'>;
export function toTensor(frame: TensorSource, options?: TensorOptions & { type?: 'float32' }): FrameTensor<'float32'>;
export function toTensor(frame: TensorSource, options?: TensorOptions): FrameTensor;
export function toTensor(frame: TensorSource, options: TensorOptions = {}): FrameTensor {
  if (typeof frame !== 'object' || frame === null) throw new TypeError(`toTensor: frame must be a video frame, got ${what(frame)}`);
  if (typeof options !== 'object' || options === null) throw new TypeError(`toTensor: options must be an object, got ${what(options)}`);
  const { data, format } = frame;
  if (!ArrayBuffer.isView(data)) throw new TypeError(`toTensor: frame.data must be a typed array, got ${what(data)}`);
  const info = typeof format === 'string' ? FORMATS[format] : undefined;
  if (!info) throw new TypeError(`toTensor: unsupported format ${what(format)}; supported: ${TENSOR_FORMATS.join(', ')}`);
  const width = positiveInt(frame.width, 'frame.width');
  const height = positiveInt(frame.height, 'frame.height');

  const type = oneOf(options.type, 'type', ['float32', 'uint8'], 'float32');
  const layout = oneOf(options.layout, 'layout', ['nchw', 'nhwc'], 'nchw');
  const channels = oneOf(options.channels, 'channels', ['rgb', 'bgr'], 'rgb');
  const resize = oneOf(options.resize, 'resize', ['bilinear', 'nearest'], 'bilinear');
  const sixteen = info.kind === GRAY16_LE || info.kind === GRAY16_BE;
  const scale = options.scale === undefined ? (type === 'uint8' ? 1 : sixteen ? 1 / 65535 : 1 / 255) : finite(options.scale, 'scale');
  const mean = perChannel(options.mean, 'mean', 0);
  const std = perChannel(options.std, 'std', 1);
  std.forEach((s, i) => {
    if (s === 0) throw new RangeError(`toTensor: std[${i}] must not be 0, got ${what(options.std)}`);
  });
  const padValue = options.padValue === undefined ? 0 : finite(options.padValue, 'padValue');
  const bt709 = oneOf(options.yuvMatrix, 'yuvMatrix', ['bt601', 'bt709'], height > 576 ? 'bt709' : 'bt601') === 'bt709';

  let outW = width;
  let outH = height;
  if (options.size !== undefined) {
    if (typeof options.size !== 'object' || options.size === null)
      throw new TypeError(`toTensor: size must be { width, height }, got ${what(options.size)}`);
    outW = positiveInt(options.size.width, 'size.width');
    outH = positiveInt(options.size.height, 'size.height');
  }
  let box = { x: 0, y: 0, width: outW, height: outH };
  let letterbox: Letterbox | undefined;
  if (options.letterbox) {
    const s = Math.min(outW / width, outH / height);
    const w = Math.max(1, Math.min(outW, Math.round(width * s)));
    const h = Math.max(1, Math.min(outH, Math.round(height * s)));
    box = { x: Math.floor((outW - w) / 2), y: Math.floor((outH - h) / 2), width: w, height: h };
    letterbox = { scale: s, padX: box.x, padY: box.y, width: w, height: h };
  }

  const length = 3 * outW * outH;
  let out = options.out;
  const ArrayType = type === 'uint8' ? Uint8Array : Float32Array;
  if (out === undefined) out = new ArrayType(length);
  else if (!(out instanceof ArrayType))
    throw new TypeError(`toTensor: out must be a ${ArrayType.name} for type '${type}', got ${what(out)}`);
  else if (out.length < length)
    throw new RangeError(`toTensor: out holds ${out.length} elements, the tensor needs ${length} (3 x ${outW} x ${outH})`);
  const tensorData = out.length === length ? out : out.subarray(0, length);

  // Planes: the frame's own (padded rows), or packed tight.
  const given = frame.planes && frame.planes.length > 0 ? frame.planes.map((p): [number, number] => [p.offset, p.stride]) : null;
  const planes = given ?? tightPlanes(format, width, height, info);
  if (format === 'YV12') [planes[1], planes[2]] = [planes[2], planes[1]]; // V before U
  let kind = info.kind;
  if (sixteen && frame.hostOrder) kind = LITTLE_ENDIAN ? GRAY16_LE : GRAY16_BE;

  params.fill(0);
  params[P.kind] = kind;
  params[P.srcW] = width;
  params[P.srcH] = height;
  params[P.pixelBytes] = info.pixelBytes;
  for (let c = 0; c < 3; c++) {
    params[P.offR + c] = info.rgb[c];
    const plane = planes[c];
    if (plane) {
      params[P.plane0 + c] = plane[0];
      params[P.stride0 + c] = plane[1];
    }
    // (pixel * scale - mean) / std = pixel * mul + add
    params[P.mul0 + c] = scale / std[c];
    params[P.add0 + c] = -mean[c] / std[c];
    params[P.pad0 + c] = (padValue * scale - mean[c]) / std[c];
  }
  params[P.outW] = outW;
  params[P.outH] = outH;
  params[P.boxX] = box.x;
  params[P.boxY] = box.y;
  params[P.boxW] = box.width;
  params[P.boxH] = box.height;
  params[P.nhwc] = layout === 'nhwc' ? 1 : 0;
  params[P.bgr] = channels === 'bgr' ? 1 : 0;
  params[P.nearest] = resize === 'nearest' ? 1 : 0;
  params[P.bt709] = bt709 ? 1 : 0;
  native.tensorConvert(data, tensorData, params);

  const dims: [1, number, number, number] = layout === 'nchw' ? [1, 3, outH, outW] : [1, outH, outW, 3];
  return letterbox ? { type, data: tensorData, dims, letterbox } : { type, data: tensorData, dims };
}

/**
 * A box found on a letterboxed tensor (tensor pixels), in the frame's pixels: the padding taken
 * off and the scale undone. `mapBox(box, t.letterbox)`.
 */
export function mapBox(box: Box, letterbox: Letterbox): Box {
  const { scale, padX, padY } = letterbox;
  return { x: (box.x - padX) / scale, y: (box.y - padY) / scale, width: box.width / scale, height: box.height / scale };
}
