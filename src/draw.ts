/**
 * Results on the video: detected objects (box, class name, confidence, track id) drawn onto a
 * frame's pixels in place. The pixel work is plain TypeScript (a box is a few thousand pixel
 * writes; docs/guide.md gives the time per frame); the labels use the bitmap font of src/font.ts.
 */
import { describeValue as show } from './errors';
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyphRows } from './font';
import { packObjects, type ObjectInfoInit } from './meta';
import type { VideoPlane } from './video-source';
import { PACKED_RGB_FORMATS } from './tensor';

/** A colour as `[red, green, blue]`, integers 0..255. */
export type Rgb = readonly [red: number, green: number, blue: number];

/**
 * The frame to draw on: a `VideoFrame` of a GstVideoSource, a frame inside an element
 * (`VideoFilterFrame`), or plain bytes with their format and size.
 */
export interface DrawTarget {
  /** the frame's bytes, written in place */
  readonly data: ArrayBufferView;
  /** GStreamer's format name: one of {@link DRAW_FORMATS} */
  readonly format: string;
  readonly width: number;
  readonly height: number;
  /** where each plane lies in `data`, in bytes (a GstVideoSource frame's `planes`) */
  readonly planes?: readonly VideoPlane[];
  /**
   * element strides of the samples (an element frame's `strides`: `strides[0]` is the row
   * stride); used for packed formats when `planes` is absent or empty
   */
  readonly strides?: readonly number[];
}

/** How objects are drawn. Every field is optional. */
export interface DrawOptions {
  /** width of the box outline in pixels, drawn inside the box; default 2 */
  thickness?: number;
  /** one colour for every object; default a colour per class name ({@link classColor}) */
  color?: Rgb;
  /** size of a font pixel in frame pixels (glyphs are 5x7); default `max(1, floor(height / 240))` */
  fontScale?: number;
  /** draw the label (class name, confidence, track id); default true */
  labels?: boolean;
  /** put the confidence in the label; default true */
  showConfidence?: boolean;
}

/** Formats {@link drawObjects} draws on. */
export const DRAW_FORMATS = [...PACKED_RGB_FORMATS, 'GRAY8', 'I420', 'YV12', 'NV12'] as const;

/** Byte of R, G, B and alpha (-1: none) in a packed pixel, and the pixel's size. */
const PACKED: Record<string, readonly [r: number, g: number, b: number, a: number, bytes: number]> = {
  RGB: [0, 1, 2, -1, 3],
  BGR: [2, 1, 0, -1, 3],
  RGBA: [0, 1, 2, 3, 4],
  BGRA: [2, 1, 0, 3, 4],
  RGBx: [0, 1, 2, -1, 4],
  BGRx: [2, 1, 0, -1, 4],
  ARGB: [1, 2, 3, 0, 4],
  ABGR: [3, 2, 1, 0, 4],
  xRGB: [1, 2, 3, -1, 4],
  xBGR: [3, 2, 1, -1, 4],
};

/** Distinct, saturated colours; a class name picks one by its hash. */
const PALETTE: readonly Rgb[] = [
  [230, 25, 75],
  [60, 180, 75],
  [255, 225, 25],
  [0, 130, 200],
  [245, 130, 48],
  [145, 30, 180],
  [70, 240, 240],
  [240, 50, 230],
  [210, 245, 60],
  [250, 190, 212],
  [0, 128, 128],
  [170, 110, 40],
  [128, 0, 0],
  [170, 255, 195],
  [128, 128, 0],
  [0, 0, 128],
  [255, 215, 180],
  [220, 190, 255],
];

/**
 * The colour {@link drawObjects} gives a class name: the same name always gets the same colour
 * (a hash of the name picks one of 18).
 */
export function classColor(className: string): Rgb {
  if (typeof className !== 'string') throw new TypeError(`classColor: className must be a string, got ${show(className)}`);
  let hash = 0x811c9dc5; // FNV-1a over the UTF-16 code units
  for (let i = 0; i < className.length; i++) hash = Math.imul(hash ^ className.charCodeAt(i), 0x01000193);
  hash = Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d); // mix the high bits into the low ones
  hash ^= hash >>> 13;
  return PALETTE[(hash >>> 0) % PALETTE.length];
}

/**
 * The text {@link drawObjects} writes above an object: its class name, then its confidence with
 * two decimals (unless `showConfidence` is false), then `#` and its track id when not 0.
 */
export function objectLabel(object: Pick<ObjectInfoInit, 'className' | 'confidence' | 'trackId'>, showConfidence = true): string {
  let text = object.className;
  if (showConfidence) text += ` ${object.confidence.toFixed(2)}`;
  if (object.trackId) text += ` #${object.trackId}`;
  return text.trim();
}

/** A colour as written in each kind of format. */
interface Paint {
  r: number;
  g: number;
  b: number;
  /** luma of GRAY8 */
  gray: number;
  /** BT.601 limited range, as videoconvert's default for SD */
  y: number;
  u: number;
  v: number;
}

function paintOf([r, g, b]: Rgb): Paint {
  return {
    r,
    g,
    b,
    gray: Math.round(0.299 * r + 0.587 * g + 0.114 * b),
    y: Math.round(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255),
    u: Math.round(128 + (-37.797 * r - 74.203 * g + 112 * b) / 255),
    v: Math.round(128 + (112 * r - 93.786 * g - 18.214 * b) / 255),
  };
}

const BLACK = paintOf([0, 0, 0]);
const WHITE = paintOf([255, 255, 255]);

/** Where the pixels are: one packed plane, one gray plane, or Y + chroma planes. */
interface Surface {
  bytes: Uint8Array;
  width: number;
  height: number;
  kind: 'packed' | 'gray' | 'yuv';
  /** byte offset and stride of plane 0 (packed pixels, gray or Y) */
  offset: number;
  stride: number;
  /** packed: bytes per pixel and the byte of R, G, B, alpha (-1: none) in it */
  pixelBytes: number;
  ro: number;
  go: number;
  bo: number;
  ao: number;
  /** yuv: U and V planes (NV12: the same plane, V one byte after U), bytes between chroma samples */
  uOffset: number;
  uStride: number;
  vOffset: number;
  vStride: number;
  chromaStep: number;
}

function positiveInt(value: unknown, name: string): number {
  if (typeof value !== 'number') throw new TypeError(`drawObjects: ${name} must be a number, got ${show(value)}`);
  if (!Number.isInteger(value) || value < 1 || value > 0x7fffffff)
    throw new RangeError(`drawObjects: ${name} must be a positive integer, got ${show(value)}`);
  return value;
}

function colorOption(value: unknown): Rgb {
  if (!Array.isArray(value) || value.length !== 3) throw new TypeError(`drawObjects: color must be [red, green, blue], got ${show(value)}`);
  value.forEach((c: unknown, i) => {
    if (typeof c !== 'number') throw new TypeError(`drawObjects: color[${i}] must be a number, got ${show(c)}`);
    if (!Number.isInteger(c) || c < 0 || c > 255)
      throw new RangeError(`drawObjects: color[${i}] must be an integer 0..255, got ${show(c)}`);
  });
  return [value[0], value[1], value[2]];
}

function booleanOption(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`drawObjects: ${name} must be a boolean, got ${show(value)}`);
  return value;
}

/** Checks that a plane's rows lie inside the bytes. */
function checkPlane(bytes: Uint8Array, name: string, offset: number, stride: number, rowBytes: number, rows: number, what: string): void {
  if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(stride) || stride < rowBytes)
    throw new RangeError(
      `drawObjects: ${what}: ${name} has offset ${show(offset)} and stride ${show(stride)}, a row needs ${rowBytes} bytes`,
    );
  const needed = offset + (rows - 1) * stride + rowBytes;
  if (needed > bytes.byteLength)
    throw new RangeError(
      `drawObjects: frame.data holds ${bytes.byteLength} bytes, ${what} needs ${needed} (${name}: offset ${offset}, stride ${stride}, ${rows} rows)`,
    );
}

/** The frame's pixels as a Surface, checked against its size; TypeError/RangeError naming the value. */
function surfaceOf(frame: DrawTarget): Surface {
  if (typeof frame !== 'object' || frame === null) throw new TypeError(`drawObjects: frame must be a video frame, got ${show(frame)}`);
  const { data, format } = frame;
  if (!ArrayBuffer.isView(data)) throw new TypeError(`drawObjects: frame.data must be a typed array, got ${show(data)}`);
  if (typeof format !== 'string' || !(DRAW_FORMATS as readonly string[]).includes(format))
    throw new TypeError(
      `drawObjects: unsupported format ${show(format)}; supported: ${DRAW_FORMATS.join(', ')} (convert before: videoconvert ! video/x-raw,format=RGB)`,
    );
  const width = positiveInt(frame.width, 'frame.width');
  const height = positiveInt(frame.height, 'frame.height');
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const planes = Array.isArray(frame.planes) && frame.planes.length > 0 ? frame.planes : null;
  const what = `a ${width}x${height} ${format} frame`;
  const surface: Surface = {
    bytes,
    width,
    height,
    kind: 'packed',
    offset: 0,
    stride: 0,
    pixelBytes: 1,
    ro: 0,
    go: 0,
    bo: 0,
    ao: -1,
    uOffset: 0,
    uStride: 0,
    vOffset: 0,
    vStride: 0,
    chromaStep: 1,
  };
  const packed = PACKED[format];
  if (packed || format === 'GRAY8') {
    const pixelBytes = packed ? packed[4] : 1;
    const rowBytes = width * pixelBytes;
    let offset = 0;
    let stride = rowBytes;
    if (planes) {
      offset = planes[0].offset;
      stride = planes[0].stride;
    } else if (Array.isArray(frame.strides) && frame.strides.length > 0 && height > 1) {
      stride = frame.strides[0] * (data as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
    }
    checkPlane(bytes, 'plane 0', offset, stride, rowBytes, height, what);
    Object.assign(surface, { offset, stride, pixelBytes });
    if (packed) Object.assign(surface, { ro: packed[0], go: packed[1], bo: packed[2], ao: packed[3] });
    else surface.kind = 'gray';
    return surface;
  }
  // I420, YV12 (V before U) or NV12 (U and V interleaved)
  const cw = Math.ceil(width / 2);
  const ch = Math.ceil(height / 2);
  const nv12 = format === 'NV12';
  const chromaRow = nv12 ? 2 * cw : cw;
  const layout: Array<[number, number]> = planes
    ? planes.map((p) => [p.offset, p.stride])
    : nv12
      ? [
          [0, width],
          [width * height, chromaRow],
        ]
      : [
          [0, width],
          [width * height, cw],
          [width * height + cw * ch, cw],
        ];
  if (!planes) {
    // Without planes the frame must be packed tight; GStreamer's own layout pads rows at most sizes.
    const tight = width * height + 2 * cw * ch;
    if (bytes.byteLength !== tight)
      throw new TypeError(
        `drawObjects: ${what} without frame.planes must be packed tight (${tight} bytes), frame.data holds ${bytes.byteLength}: ` +
          'give frame.planes (a GstVideoSource frame has them) or convert to a packed format (videoconvert ! video/x-raw,format=RGB)',
      );
  }
  if (layout.length < (nv12 ? 2 : 3))
    throw new RangeError(`drawObjects: ${what} has ${nv12 ? 2 : 3} planes, frame.planes gives ${layout.length}`);
  checkPlane(bytes, 'plane 0', layout[0][0], layout[0][1], width, height, what);
  for (let p = 1; p < layout.length && p < 3; p++) checkPlane(bytes, `plane ${p}`, layout[p][0], layout[p][1], chromaRow, ch, what);
  const [u, v] = nv12 ? [layout[1], [layout[1][0] + 1, layout[1][1]]] : format === 'YV12' ? [layout[2], layout[1]] : [layout[1], layout[2]];
  Object.assign(surface, {
    kind: 'yuv',
    offset: layout[0][0],
    stride: layout[0][1],
    uOffset: u[0],
    uStride: u[1],
    vOffset: v[0],
    vStride: v[1],
    chromaStep: nv12 ? 2 : 1,
  });
  return surface;
}

/** Fills the rectangle [x0, x1) x [y0, y1), clipped to the frame; `lumaOnly` leaves chroma as it is. */
function fillRect(s: Surface, x0: number, y0: number, x1: number, y1: number, paint: Paint, lumaOnly = false): void {
  if (x0 < 0) x0 = 0;
  if (y0 < 0) y0 = 0;
  if (x1 > s.width) x1 = s.width;
  if (y1 > s.height) y1 = s.height;
  if (x0 >= x1 || y0 >= y1) return;
  const { bytes, stride } = s;
  if (s.kind === 'packed') {
    const { pixelBytes, ro, go, bo, ao } = s;
    const { r, g, b } = paint;
    // Every byte of a pixel is set unless the format has an x byte: then rows after the first
    // are copies of the first.
    const whole = pixelBytes === 3 || ao >= 0;
    const first = s.offset + y0 * stride + x0 * pixelBytes;
    const rowEnd = first + (x1 - x0) * pixelBytes;
    for (let row = y0; row < y1; row++) {
      const start = s.offset + row * stride + x0 * pixelBytes;
      if (whole && row > y0) {
        bytes.copyWithin(start, first, rowEnd);
        continue;
      }
      const end = start + (x1 - x0) * pixelBytes;
      for (let p = start; p < end; p += pixelBytes) {
        bytes[p + ro] = r;
        bytes[p + go] = g;
        bytes[p + bo] = b;
        if (ao >= 0) bytes[p + ao] = 255;
      }
    }
    return;
  }
  const luma = s.kind === 'gray' ? paint.gray : paint.y;
  for (let row = y0; row < y1; row++) {
    const start = s.offset + row * stride;
    bytes.fill(luma, start + x0, start + x1);
  }
  if (s.kind === 'gray' || lumaOnly) return;
  // chroma: every 2x2 block the rectangle touches
  const cx0 = x0 >> 1;
  const cx1 = (x1 + 1) >> 1;
  const step = s.chromaStep;
  for (let row = y0 >> 1; row < (y1 + 1) >> 1; row++) {
    const uRow = s.uOffset + row * s.uStride;
    const vRow = s.vOffset + row * s.vStride;
    for (let x = cx0; x < cx1; x++) {
      bytes[uRow + x * step] = paint.u;
      bytes[vRow + x * step] = paint.v;
    }
  }
}

/** One object, checked, in whole pixels: the box's corners [x0, x1) x [y0, y1). */
interface Placed {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  paint: Paint;
  label: string;
}

/**
 * Draws objects onto a frame's pixels, in place: each object's bounding box as an outline
 * `thickness` pixels wide (inside the box), in its class's colour ({@link classColor}), and a
 * label ({@link objectLabel}) on a filled box of that colour above the box (inside it, at its
 * top, when there is no room above). Boxes partly off the frame are clipped; coordinates are
 * rounded to whole pixels. Labels are drawn after all boxes, so no box covers a label.
 *
 * `frame` is a GstVideoSource frame (not a zero-copy one: that memory is GStreamer's), a frame
 * in an element's `transformFrameIp`, or `{ data, format, width, height, planes? }`. Formats:
 * {@link DRAW_FORMATS}; in I420/YV12/NV12 a colour's chroma covers every 2x2 block a box touches,
 * and label text changes luma only.
 *
 * ```ts
 * drawObjects(frame, frame.objects ?? [], { thickness: 3 });
 * ```
 * Throws TypeError or RangeError naming the value for an unsupported format, data smaller than
 * the frame's size and strides say, a bad object (as `gstMetaWrite` checks them) or a bad option.
 * Nothing is drawn when it throws.
 */
export function drawObjects(frame: DrawTarget, objects: readonly ObjectInfoInit[], options: DrawOptions = {}): void {
  const surface = surfaceOf(frame);
  if (typeof options !== 'object' || options === null) throw new TypeError(`drawObjects: options must be an object, got ${show(options)}`);
  const thickness = options.thickness === undefined ? 2 : positiveInt(options.thickness, 'options.thickness');
  const fontScale =
    options.fontScale === undefined ? Math.max(1, Math.floor(surface.height / 240)) : positiveInt(options.fontScale, 'options.fontScale');
  const color = options.color === undefined ? null : paintOf(colorOption(options.color));
  const labels = booleanOption(options.labels, 'options.labels', true);
  const showConfidence = booleanOption(options.showConfidence, 'options.showConfidence', true);
  if (!Array.isArray(objects)) throw new TypeError(`drawObjects: objects must be an array, got ${show(objects)}`);
  let numbers: Float64Array;
  try {
    numbers = packObjects(objects)[0];
  } catch (error) {
    if (error instanceof RangeError) throw new RangeError(`drawObjects: ${error.message}`);
    if (error instanceof TypeError) throw new TypeError(`drawObjects: ${error.message}`);
    throw error;
  }
  const placed: Placed[] = [];
  const { width, height } = surface;
  const paints = new Map<string, Paint>();
  for (let i = 0; i < objects.length; i++) {
    const n = i * 6;
    const x0 = Math.round(numbers[n]);
    const y0 = Math.round(numbers[n + 1]);
    const x1 = Math.round(numbers[n] + numbers[n + 2]);
    const y1 = Math.round(numbers[n + 1] + numbers[n + 3]);
    if (x1 <= 0 || y1 <= 0 || x0 >= width || y0 >= height || x0 >= x1 || y0 >= y1) continue; // nothing on the frame
    const object = objects[i];
    let paint = color;
    if (paint === null) {
      paint = paints.get(object.className) ?? paintOf(classColor(object.className));
      paints.set(object.className, paint);
    }
    const t = thickness;
    fillRect(surface, x0, y0, x1, Math.min(y0 + t, y1), paint);
    fillRect(surface, x0, Math.max(y1 - t, y0), x1, y1, paint);
    fillRect(surface, x0, y0, Math.min(x0 + t, x1), y1, paint);
    fillRect(surface, Math.max(x1 - t, x0), y0, x1, y1, paint);
    if (labels)
      placed.push({
        x0,
        y0,
        x1,
        y1,
        paint,
        label: objectLabel({ className: object.className, confidence: numbers[n + 4], trackId: numbers[n + 5] }, showConfidence),
      });
  }
  for (const p of placed) drawLabel(surface, p, fontScale);
}

/** Advance of one character, in font pixels (a glyph and a blank column). */
const ADVANCE = GLYPH_WIDTH + 1;

/** Size of a label's background in frame pixels: one font pixel of margin around the text. */
export function labelSize(text: string, fontScale: number): { width: number; height: number } {
  const chars = [...text].length;
  return { width: (chars * ADVANCE + 1) * fontScale, height: (GLYPH_HEIGHT + 2) * fontScale };
}

function drawLabel(s: Surface, p: Placed, scale: number): void {
  if (p.label === '') return;
  const chars = [...p.label];
  const { width: w, height: h } = labelSize(p.label, scale);
  // above the box, or inside its top when there is no room above; kept inside the frame's right edge
  const x = Math.max(0, Math.min(p.x0, s.width - w));
  const y = p.y0 - h >= 0 ? p.y0 - h : Math.max(0, p.y0);
  fillRect(s, x, y, x + w, y + h, p.paint);
  const ink = p.paint.gray >= 128 ? BLACK : WHITE;
  chars.forEach((char, i) => {
    const rows = glyphRows(char.codePointAt(0) ?? 0);
    const gx = x + (1 + i * ADVANCE) * scale;
    if (gx >= s.width) return;
    for (let r = 0; r < GLYPH_HEIGHT; r++) {
      const bits = rows[r];
      if (bits === 0) continue;
      const gy = y + (1 + r) * scale;
      for (let c = 0; c < GLYPH_WIDTH; c++)
        if (bits & (1 << (GLYPH_WIDTH - 1 - c))) fillRect(s, gx + c * scale, gy, gx + (c + 1) * scale, gy + scale, ink, true);
    }
  });
}
