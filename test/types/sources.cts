// Sources are generic in their frames' array type: what the caller says the caps give is what the
// frames' type says (GstVideoSource<Uint8Array> for format=RGB); left out, data is any of them.
// test/typings.test.ts compiles each snippet without its expect-error directives and asserts each diagnostic.
import { GstAudioSource, GstVideoSource, type AudioFrame, type VideoFrame } from '../../src';

const rgb = new GstVideoSource<Uint8Array>('videotestsrc ! video/x-raw,format=RGB ! appsink', { onDrop: (frame) => frame.data.byteLength });
export const bytes: Promise<VideoFrame<Uint8Array> | null> = rgb.pop();
const gray16 = new GstVideoSource<Uint16Array>('videotestsrc ! video/x-raw,format=GRAY16_LE ! appsink');
export const samples: Promise<VideoFrame<Uint16Array> | null> = gray16.pop();
const f32 = new GstAudioSource<Float32Array>('audiotestsrc ! audio/x-raw,format=F32LE ! appsink');
export const floats: Promise<AudioFrame<Float32Array> | null> = f32.pop();
export async function first(): Promise<number> {
  for await (const frame of rgb) return frame.data[0];
  return -1;
}

const open = new GstVideoSource('videotestsrc ! appsink');
// @ts-expect-error TS2322 Type 'Promise<VideoFrame<SampleArray> | null>' is not assignable to type 'Promise<VideoFrame<Uint8Array<ArrayBufferLike>> | null>'.
export const unknown: Promise<VideoFrame<Uint8Array> | null> = open.pop();
// @ts-expect-error TS2344 Type 'Float32Array<ArrayBufferLike>' does not satisfy the constraint 'SampleArray'.
export const wrong = new GstVideoSource<Float32Array>('videotestsrc ! appsink');
