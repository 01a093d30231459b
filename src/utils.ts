/**
 * gstreamer-python's `utils`, in camelCase: video formats, caps and state helpers.
 */
import * as os from 'node:os';
import { Gst, GstVideo } from './gi';
import { describeValue, notRawVideoMessage } from './errors';
import { native } from './native';

/** A video format, by GStreamer's name (`'RGB'`) or by `GstVideo.VideoFormat` value. */
export type VideoFormatLike = string | GstVideo.VideoFormat;

/** Typed-array constructors frames come back as: 8-bit samples or 16-bit samples. */
export type SampleArrayType = Uint8ArrayConstructor | Uint16ArrayConstructor;

interface FormatFacts {
  channels: number;
  arrayType: SampleArrayType;
  /** 16-bit samples stored in the other byte order than this machine's (GRAY16_BE on x86) */
  foreignEndian: boolean;
}

const hostIsLittleEndian = os.endianness() === 'LE';

// Keyed by name and by value: frames name their format, and each lookup through GI costs microseconds.
const factsByFormat = new Map<VideoFormatLike, FormatFacts>();

function formatFacts(format: VideoFormatLike): FormatFacts {
  let facts = factsByFormat.get(format);
  if (!facts) {
    const value = typeof format === 'string' ? gstVideoFormatFromString(format) : format;
    const info = GstVideo.videoFormatGetInfo(value);
    if (!info || value === GstVideo.VideoFormat.UNKNOWN) throw new TypeError(`unknown video format: ${String(format)}`);
    const bytesPerSample = Math.ceil(info.bits / 8);
    const rgbOrGray = (info.flags & (GstVideo.VideoFormatFlags.RGB | GstVideo.VideoFormatFlags.GRAY)) !== 0;
    const packed = info.nPlanes === 1 && (info.flags & GstVideo.VideoFormatFlags.COMPLEX) === 0;
    facts = {
      // RGB at 3 bytes a pixel has 3 channels, BGRx/RGBA at 4 have 4, GRAY16 at 2 bytes has 1.
      channels: rgbOrGray && packed ? info.pixelStride[0] / bytesPerSample : -1,
      arrayType: info.bits > 8 ? Uint16Array : Uint8Array,
      foreignEndian: info.bits > 8 && ((info.flags & GstVideo.VideoFormatFlags.LE) !== 0) !== hostIsLittleEndian,
    };
    factsByFormat.set(format, facts);
  }
  return facts;
}

/** `GstVideo.VideoFormat` for a name such as `'RGB'`; `GstVideo.VideoFormat.UNKNOWN` when GStreamer has no such format. */
export function gstVideoFormatFromString(format: string): GstVideo.VideoFormat {
  return GstVideo.videoFormatFromString(format);
}

/**
 * Channels of one pixel: 3 for RGB/BGR, 4 for RGBA/BGRx-style, 1 for GRAY8/GRAY16,
 * -1 for formats that are not one plane of RGB or gray samples (I420, NV12, YUY2...).
 */
export function getNumChannels(format: VideoFormatLike): number {
  return formatFacts(format).channels;
}

/** `Uint16Array` for formats with 16-bit samples (GRAY16_LE/BE, ...), `Uint8Array` otherwise. */
export function getTypedArrayType(format: VideoFormatLike): SampleArrayType {
  return formatFacts(format).arrayType;
}

/**
 * Whether the format's 16-bit samples are stored in the other byte order than this machine's
 * (GRAY16_BE on x86): copies are then swapped so that array elements are sample values.
 */
export function isForeignEndian(format: VideoFormatLike): boolean {
  return formatFacts(format).foreignEndian;
}

/** `[width, height, channels]` of video caps (gstreamer-python's tuple). Throws on caps that are not raw video. */
export function getBufferSizeFromGstCaps(caps: Gst.Caps): [width: number, height: number, channels: number] {
  const layout = native.videoLayout(caps);
  if (!layout) throw new TypeError(notRawVideoMessage(caps.toString()));
  return [layout.width, layout.height, getNumChannels(layout.format)];
}

/**
 * A gst-launch description from a list of element descriptions:
 * `['videotestsrc', 'queue', 'appsink']` gives `'videotestsrc ! queue ! appsink'`.
 * Items ending with '.' (a tee's name, `t.`) start a branch and get no '!' before them;
 * nested lists are flattened.
 */
export function toGstString(plugins: ReadonlyArray<string | ReadonlyArray<string>>): string {
  const flat = plugins.flat();
  if (flat.length === 0) return '';
  return flat.slice(1).reduce((out, plugin) => `${out}${plugin.endsWith('.') ? '' : ' !'} ${plugin}`, flat[0]);
}

/** Largest numerator or denominator of a GStreamer fraction (a gint). */
const MAX_FRACTION_TERM = 0x7fffffff;

/**
 * A rate as a GStreamer fraction `[numerator, denominator]`: whole numbers as `n/1`, the NTSC
 * family exactly (29.97 is 30000/1001, 23.976 is 24000/1001, 59.94 is 60000/1001), other
 * fractional rates by continued fractions (as gst_util_double_to_fraction), e.g. 12.5 is 25/2.
 * `[num, den]` pairs are checked and kept. A `RangeError` / `TypeError` names the value otherwise.
 */
export function toFraction(rate: number | readonly [number, number], what = 'fps'): [number, number] {
  if (Array.isArray(rate)) {
    const [num, den] = rate as readonly unknown[];
    if (rate.length !== 2 || typeof num !== 'number' || typeof den !== 'number')
      throw new TypeError(
        `${what} must be a number or [numerator, denominator], got [${(rate as unknown[]).map(describeValue).join(', ')}]`,
      );
    for (const [name, term] of [
      ['numerator', num],
      ['denominator', den],
    ] as const)
      if (!Number.isInteger(term) || term < 1 || term > MAX_FRACTION_TERM)
        throw new RangeError(`${what} ${name} must be a whole number from 1 to ${MAX_FRACTION_TERM}, got ${describeValue(term)}`);
    return [num, den];
  }
  if (typeof rate !== 'number') throw new TypeError(`${what} must be a number or [numerator, denominator], got ${describeValue(rate)}`);
  if (!Number.isFinite(rate) || rate <= 0 || rate > MAX_FRACTION_TERM)
    throw new RangeError(`${what} must be a finite number above 0 (frames per second), got ${describeValue(rate)}`);
  if (Number.isInteger(rate)) return [rate, 1];
  // NTSC: n * 1000/1001, written with 2 or 3 decimals (29.97, 23.976, 59.94, 119.88...).
  const ntsc = Math.round(rate * 1.001);
  if (ntsc > 0 && Math.abs((ntsc * 1000) / 1001 - rate) < 0.006 && ntsc * 1000 <= MAX_FRACTION_TERM) return [ntsc * 1000, 1001];
  // Continued fractions: the first convergent within 1e-9 of the rate.
  let [h0, h1, k0, k1] = [0, 1, 1, 0];
  let x = rate;
  for (let i = 0; i < 30; i++) {
    const a = Math.floor(x);
    const [h2, k2] = [a * h1 + h0, a * k1 + k0];
    if (h2 > MAX_FRACTION_TERM || k2 > MAX_FRACTION_TERM) break;
    [h0, h1, k0, k1] = [h1, h2, k1, k2];
    if (Math.abs(h1 / k1 - rate) < 1e-9 * rate || x - a < 1e-12) break;
    x = 1 / (x - a);
  }
  return [h1, k1];
}

/**
 * A fraction as GStreamer writes it: `30/1`. Accepts `[num, den]`, `{ num, denom }` or a number
 * (fractional rates become fractions: 29.97 gives `30000/1001`, see {@link toFraction}).
 */
export function fractionToStr(fraction: readonly [number, number] | { num: number; denom: number } | number): string {
  if (typeof fraction === 'number') {
    const [num, den] = toFraction(fraction, 'fraction');
    return `${num}/${den}`;
  }
  if (Array.isArray(fraction)) return `${fraction[0]}/${fraction[1]}`;
  const f = fraction as { num: number; denom: number };
  return `${f.num}/${f.denom}`;
}

/** `'PLAYING'`, `'PAUSED'`... for a `Gst.State`. */
export function gstStateToStr(state: Gst.State): string {
  return Gst.Element.stateGetName(state);
}

/**
 * Caps for raw video from its parts, as gstreamer-python's `gst_video_format_plugin`:
 * `video/x-raw,format=RGB,width=640,height=480,framerate=30/1`; parts left out are not constrained.
 */
export function gstVideoFormatPlugin(options: {
  width?: number;
  height?: number;
  fps?: readonly [number, number] | number;
  format?: string;
  mediaType?: string;
}): string {
  let caps = options.mediaType ?? 'video/x-raw';
  if (options.format) caps += `,format=${options.format}`;
  if (options.width && options.width > 0) caps += `,width=${options.width}`;
  if (options.height && options.height > 0) caps += `,height=${options.height}`;
  if (options.fps !== undefined) caps += `,framerate=${fractionToStr(options.fps)}`;
  return caps;
}

/** A time in nanoseconds as GStreamer prints it, `0:00:01.033333333` (Python's `Gst.TIME_ARGS`). */
export function timeArgs(ns: bigint | number): string {
  const t = BigInt(ns);
  if (t < 0n || t === Gst.CLOCK_TIME_NONE) return '99:99:99.999999999';
  const seconds = t / Gst.SECOND;
  const pad = (n: bigint, width: number): string => n.toString().padStart(width, '0');
  return `${seconds / 3600n}:${pad((seconds / 60n) % 60n, 2)}:${pad(seconds % 60n, 2)}.${pad(t % Gst.SECOND, 9)}`;
}
