/**
 * Test support for the content suites (frames, planar, lifetime): frames whose every sample the
 * test knows, laid out the way GStreamer lays them out, pushed and read back through plain
 * node-gtk (Gst.Buffer.newWrapped, appsrc.pushBuffer, appsink.tryPullSample, buffer.extractDup),
 * so that the library's paths are checked against a reference that shares none of their code.
 * Not a suite (see support.ts).
 */
import { Gst, type GstApp } from '../../src';

const roundUp4 = (n: number): number => Math.ceil(n / 4) * 4;
const roundUp2 = (n: number): number => Math.ceil(n / 2) * 2;

/** One plane as GStreamer lays it out: where it starts, its row stride, and its size in samples. */
export interface Plane {
  offset: number;
  stride: number;
  /** samples (elements) in one row: width * channels of the plane */
  rowSamples: number;
  rows: number;
}

/** A raw video format at a size, with GStreamer's layout computed here (video-info.c's formulas). */
export interface Layout {
  format: string;
  width: number;
  height: number;
  /** 1 or 2 */
  bytesPerSample: number;
  /** channels of a packed format; -1 for planar ones */
  channels: number;
  bigEndian: boolean;
  planes: Plane[];
  /** bytes of one frame */
  size: number;
  caps: string;
}

const PACKED: Record<string, { channels: number; bytesPerSample: number; bigEndian?: boolean }> = {
  RGB: { channels: 3, bytesPerSample: 1 },
  RGBA: { channels: 4, bytesPerSample: 1 },
  GRAY8: { channels: 1, bytesPerSample: 1 },
  GRAY16_LE: { channels: 1, bytesPerSample: 2 },
  GRAY16_BE: { channels: 1, bytesPerSample: 2, bigEndian: true },
};

/** GStreamer's layout of `format` at `width` x `height`: packed rows padded to 4 bytes; I420 and NV12 as video-info.c does. */
export function layoutOf(format: string, width: number, height: number): Layout {
  const caps = `video/x-raw,format=${format},width=${width},height=${height},framerate=25/1`;
  const packed = PACKED[format];
  if (packed) {
    const stride = roundUp4(width * packed.channels * packed.bytesPerSample);
    return {
      format,
      width,
      height,
      bytesPerSample: packed.bytesPerSample,
      channels: packed.channels,
      bigEndian: packed.bigEndian ?? false,
      planes: [{ offset: 0, stride, rowSamples: width * packed.channels, rows: height }],
      size: stride * height,
      caps,
    };
  }
  const chromaWidth = roundUp2(width) / 2;
  const chromaRows = roundUp2(height) / 2;
  const yStride = roundUp4(width);
  const y: Plane = { offset: 0, stride: yStride, rowSamples: width, rows: height };
  const base = { format, width, height, bytesPerSample: 1, channels: -1, bigEndian: false, caps };
  if (format === 'I420') {
    const cStride = roundUp4(chromaWidth);
    const u: Plane = { offset: yStride * roundUp2(height), stride: cStride, rowSamples: chromaWidth, rows: chromaRows };
    const v: Plane = { offset: u.offset + cStride * chromaRows, stride: cStride, rowSamples: chromaWidth, rows: chromaRows };
    return { ...base, planes: [y, u, v], size: v.offset + cStride * chromaRows };
  }
  if (format === 'NV12') {
    const uv: Plane = { offset: yStride * roundUp2(height), stride: yStride, rowSamples: chromaWidth * 2, rows: chromaRows };
    return { ...base, planes: [y, uv], size: uv.offset + yStride * chromaRows };
  }
  throw new Error(`no layout for ${format} in the test support`);
}

/** Sample (plane, row, column-sample) of frame `f`: no two neighbours share one, and for 16 bits the two bytes differ. */
export function sampleValue(layout: Layout, f: number, plane: number, row: number, col: number): number {
  const v = f * 7919 + plane * 4099 + row * 257 + col * 31 + 3;
  return layout.bytesPerSample === 2 ? (v * 40503 + 0x1234) % 65536 : v % 251;
}

/** The value GStreamer's padding bytes get in the frames the tests build: a value no pixel check expects. */
export const PAD = 0xa5;

/** Frame `f` in GStreamer's layout (padding bytes set to {@link PAD}), samples in the format's byte order. */
export function gstBytes(layout: Layout, f: number): Uint8Array {
  const bytes = new Uint8Array(layout.size).fill(PAD);
  layout.planes.forEach((plane, p) => {
    for (let r = 0; r < plane.rows; r++)
      for (let c = 0; c < plane.rowSamples; c++) {
        const v = sampleValue(layout, f, p, r, c);
        const at = plane.offset + r * plane.stride + c * layout.bytesPerSample;
        if (layout.bytesPerSample === 1) bytes[at] = v;
        else if (layout.bigEndian) [bytes[at], bytes[at + 1]] = [v >> 8, v & 0xff];
        else [bytes[at], bytes[at + 1]] = [v & 0xff, v >> 8];
      }
  });
  return bytes;
}

/** Frame `f` as sample values, rows and planes packed tight (what a copy must hold: values, not bytes). */
export function tightSamples(layout: Layout, f: number): Uint8Array | Uint16Array {
  const count = layout.planes.reduce((n, plane) => n + plane.rows * plane.rowSamples, 0);
  const out = layout.bytesPerSample === 2 ? new Uint16Array(count) : new Uint8Array(count);
  let i = 0;
  layout.planes.forEach((plane, p) => {
    for (let r = 0; r < plane.rows; r++) for (let c = 0; c < plane.rowSamples; c++) out[i++] = sampleValue(layout, f, p, r, c);
  });
  return out;
}

/** Frame `f`'s bytes with rows packed tight, in the format's byte order (what a zero-copy frame holds). */
export function tightBytes(layout: Layout, f: number): Uint8Array {
  return pixelBytes(layout, gstBytes(layout, f));
}

/** The bytes behind any typed array, for byte comparisons. */
export function bytesOf(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

/** Where two sample arrays first differ, described for a failure message; null when equal. */
export function mismatch(actual: ArrayLike<number>, expected: ArrayLike<number>): string | null {
  if (actual.length !== expected.length) return `length ${actual.length}, expected ${expected.length}`;
  for (let i = 0; i < actual.length; i++)
    if (actual[i] !== expected[i]) return `element ${i} is ${actual[i]}, expected ${expected[i]} (of ${expected.length})`;
  return null;
}

/** Timestamps the tests push with: 25 frames/s from 5 ms, decode time 1 ms before each. */
export const FRAME_NS = 40_000_000;
export const ptsOf = (i: number): number => 5_000_000 + i * FRAME_NS;
export const dtsOf = (i: number): number => ptsOf(i) - 1_000_000;

/** Pushes frame `i` with plain node-gtk: a Gst.Buffer wrapping the bytes, its times set here. */
export function pushRaw(appsrc: GstApp.AppSrc, bytes: Uint8Array, i: number): void {
  const buffer = Gst.Buffer.newWrapped(bytes.slice() as unknown as number[]);
  buffer.pts = BigInt(ptsOf(i));
  buffer.dts = BigInt(dtsOf(i));
  buffer.duration = BigInt(FRAME_NS);
  buffer.offset = BigInt(i);
  const flow = appsrc.pushBuffer(buffer);
  if (flow !== Gst.FlowReturn.OK) throw new Error(`appsrc refused frame ${i}: ${Gst.flowGetName(flow)}`);
}

/** An appsrc that feeds frames of `layout` to what follows it. */
export function appsrcFor(layout: Layout, name = 'src'): string {
  return `appsrc name=${name} caps="${layout.caps}" format=time`;
}

/** A buffer as an appsink holds it, read with plain node-gtk. */
export interface RawFrame {
  bytes: Uint8Array;
  caps: string;
  pts: bigint;
  dts: bigint;
  duration: bigint;
  offset: bigint;
}

/**
 * The next `count` buffers an appsink (emit-signals off) holds, read on the JS thread with plain
 * node-gtk: tryPullSample and extractDup (slow per byte, fine for the small frames of the tests).
 */
export function pullRaw(appsink: GstApp.AppSink, count: number): RawFrame[] {
  const frames: RawFrame[] = [];
  for (let i = 0; i < count; i++) {
    const sample = appsink.tryPullSample(5n * Gst.SECOND);
    if (!sample) throw new Error(`appsink ${appsink.name}: no sample ${i} of ${count} within 5 s`);
    const buffer = sample.getBuffer();
    if (!buffer) throw new Error(`appsink ${appsink.name}: sample ${i} has no buffer`);
    frames.push({
      bytes: Uint8Array.from(buffer.extractDup(0, buffer.getSize())),
      caps: sample.getCaps()?.toString() ?? '',
      pts: buffer.pts,
      dts: buffer.dts,
      duration: buffer.duration,
      offset: buffer.offset,
    });
  }
  return frames;
}

/** The pixel bytes of a frame in GStreamer's layout (padding left out), plane after plane. */
export function pixelBytes(layout: Layout, bytes: Uint8Array): Uint8Array {
  const parts: number[] = [];
  for (const plane of layout.planes)
    for (let r = 0; r < plane.rows; r++) {
      const start = plane.offset + r * plane.stride;
      parts.push(...bytes.subarray(start, start + plane.rowSamples * layout.bytesPerSample));
    }
  return Uint8Array.from(parts);
}
