/**
 * Raw audio as typed arrays: the layout of `audio/x-raw` caps and the shaping of a buffer's bytes
 * (S16LE as Int16Array, F32LE as Float32Array...), for the buffer helpers and GstAudioSource.
 */
import * as os from 'node:os';
import type { Gst } from './gi';
import { native, type NativeAudioLayout } from './native';

/** The typed arrays audio samples come back as. */
export type AudioSampleArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

type AudioArrayType =
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor;

/** Samples of raw audio with their shape. */
export interface AudioShapedArray<T extends AudioSampleArray = AudioSampleArray> {
  /** the samples, as sample values (copies of big-endian formats are byte-swapped on this machine) */
  readonly data: T;
  /**
   * Interleaved: `[samples, channels]`; non-interleaved (planar): `[channels, samples]`;
   * mono: `[samples]` either way.
   */
  readonly shape: readonly number[];
}

/** What raw audio caps say about the samples. */
export interface AudioLayoutInfo {
  /** GStreamer's name: 'S16LE', 'F32LE', 'U8'... */
  readonly format: string;
  readonly rate: number;
  readonly channels: number;
  /** false for GStreamer's `layout=non-interleaved` (one block of samples per channel) */
  readonly interleaved: boolean;
  /** @internal */
  readonly arrayType: AudioArrayType;
  /** samples stored in the other byte order than this machine's (S16BE on x86) @internal */
  readonly foreignEndian: boolean;
}

const hostIsLittleEndian = os.endianness() === 'LE';

function arrayTypeOf(layout: NativeAudioLayout): AudioArrayType {
  const { format, width } = layout;
  if (layout.float) {
    if (width === 32) return Float32Array;
    if (width === 64) return Float64Array;
  } else {
    switch (width) {
      case 8:
        return layout.signed ? Int8Array : Uint8Array;
      case 16:
        return layout.signed ? Int16Array : Uint16Array;
      case 32: // S24_32 and S20_32 too: the value in the low bits of 32
        return layout.signed ? Int32Array : Uint32Array;
    }
  }
  throw new TypeError(
    `audio format ${format} (${width}-bit samples packed in ${width / 8} bytes) has no typed array; convert it with audioconvert to S16LE, S32LE or F32LE`,
  );
}

/**
 * The layout of the native reading of raw audio caps (src/native/audio_layout.cc). TypeError for
 * formats without a typed array. @internal
 */
export function audioLayoutOf(layout: NativeAudioLayout): AudioLayoutInfo {
  return Object.freeze({
    format: layout.format,
    rate: layout.rate,
    channels: layout.channels,
    interleaved: layout.interleaved,
    arrayType: arrayTypeOf(layout),
    foreignEndian: layout.width > 8 && layout.littleEndian !== hostIsLittleEndian,
  });
}

// Caps strings to layouts: a stream keeps its caps, and the caps string is cheaper than a new layout.
const byCaps = new Map<string, AudioLayoutInfo | null>();

/**
 * The layout of raw audio caps, or null when the caps are not fixed `audio/x-raw`. TypeError for
 * formats without a typed array. Read natively (gst_audio_info_from_caps), not through GI's
 * `GstAudio.AudioInfo`, whose `finfo` node-gtk cannot read from GStreamer 1.26 on.
 */
export function audioLayoutFromCaps(caps: Gst.Caps): AudioLayoutInfo | null {
  const key = caps.toString();
  const cached = byCaps.get(key);
  if (cached !== undefined) return cached;
  const read = native.audioLayout(caps);
  const layout = read ? audioLayoutOf(read) : null;
  if (byCaps.size > 64) byCaps.clear();
  byCaps.set(key, layout);
  return layout;
}

/**
 * Shapes the bytes of one audio buffer. `ownBytes`: the bytes are a copy of ours, so big-endian
 * samples are swapped in place into sample values (a view keeps GStreamer's bytes as stored).
 * @internal
 */
export function shapeAudio(bytes: ArrayBuffer, layout: AudioLayoutInfo, ownBytes = true): AudioShapedArray {
  const { arrayType: ArrayType, channels } = layout;
  const bps = ArrayType.BYTES_PER_ELEMENT;
  if (bytes.byteLength % (bps * channels) !== 0)
    throw new RangeError(`an audio buffer of ${bytes.byteLength} bytes is not whole ${layout.format} frames of ${channels} channel(s)`);
  if (ownBytes && layout.foreignEndian) {
    const raw = Buffer.from(bytes);
    if (bps === 2) raw.swap16();
    else if (bps === 4) raw.swap32();
    else if (bps === 8) raw.swap64();
  }
  const data = new ArrayType(bytes);
  const samples = data.length / channels;
  const shape = channels === 1 ? [samples] : layout.interleaved ? [samples, channels] : [channels, samples];
  return { data, shape };
}
