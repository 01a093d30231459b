/**
 * GstAudioSource: a pipeline ending in an appsink becomes a stream of audio buffers as typed
 * arrays (S16LE as Int16Array, F32LE as Float32Array...), beside GstVideoSource for video.
 *
 * Served by the same sample engine, queue and `pop()` as GstVideoSource (src/sample-source.ts):
 * buffers are pulled and copied (one memcpy each, on the JS thread: audio buffers are small) in
 * native batches, and each is shaped by the audio layout of its caps, read natively
 * (src/native/audio_layout.cc).
 */
import { audioLayoutOf, shapeAudio, type AudioLayoutInfo, type AudioSampleArray, type AudioShapedArray } from './audio';
import { GstPipelineError } from './errors';
import type { Gst } from './gi';
import { native, type NativeFrame } from './native';
import { SampleSource, type SampleSourceOptions } from './sample-source';
import { time } from './values';

/** One buffer of raw audio, as plain data. */
export interface AudioFrame<T extends AudioSampleArray = AudioSampleArray> extends AudioShapedArray<T> {
  /** GStreamer's name of the sample format: 'S16LE', 'F32LE', 'U8'... */
  readonly format: string;
  /** samples per second, per channel */
  readonly rate: number;
  readonly channels: number;
  /** false for planar audio (`layout=non-interleaved`): shape `[channels, samples]` */
  readonly interleaved: boolean;
  /** samples per channel in this buffer */
  readonly samples: number;
  /** presentation time in nanoseconds, or null */
  readonly pts: number | null;
  readonly dts: number | null;
  readonly duration: number | null;
  /** the first sample's number as the source counts them (audiotestsrc: samples so far), or null */
  readonly offset: number | null;
  /** Gives the memory back now instead of at garbage collection (`data` becomes empty). Idempotent. */
  release(): void;
}

/** Options of {@link GstAudioSource}: `leaky`, `maxBuffersSize` (default 100) and `onDrop`, as GstVideoSource's. */
export type GstAudioSourceOptions<T extends AudioSampleArray = AudioSampleArray> = SampleSourceOptions<AudioFrame<T>>;

/**
 * Audio out of any pipeline that ends in one appsink.
 *
 * ```ts
 * await using source = new GstAudioSource('audiotestsrc num-buffers=10 ! audio/x-raw,format=S16LE,channels=1 ! appsink').startup();
 * for await (const frame of source) console.log(frame.pts, frame.shape, frame.data[0]);
 * ```
 * `T` is the array type of the frames' `data`, when the caps fix it: `Int16Array` for S16LE,
 * `Float32Array` for F32LE... `new GstAudioSource<Float32Array>('... ! audio/x-raw,format=F32LE ! appsink')`
 * gives `AudioFrame<Float32Array>` frames; left out, `data` is any of them. The type is the
 * caller's word: the caps decide what arrives.
 */
export class GstAudioSource<T extends AudioSampleArray = AudioSampleArray> extends SampleSource<AudioFrame<T>> {
  private layout: AudioLayoutInfo | null = null;

  constructor(command: string | Gst.Element, options: GstAudioSourceOptions<T> = {}) {
    super(command, options, { name: 'GstAudioSource', zeroCopy: false, copyOnStream: false });
  }

  protected override frameOf([bytes, pts, dts, duration, offset, layout]: NativeFrame): AudioFrame<T> {
    if (layout) this.layout = layout.media === 'audio' ? audioLayoutOf(layout) : null;
    const current = this.layout;
    if (!current) {
      const caps = this.appsink.getStaticPad('sink')!.getCurrentCaps()?.toString() ?? 'none';
      throw new GstPipelineError(`appsink caps are not raw audio: ${caps}`, null, this.appsink.name);
    }
    const { data, shape } = shapeAudio(bytes, current);
    return {
      data: data as T,
      shape,
      format: current.format,
      rate: current.rate,
      channels: current.channels,
      interleaved: current.interleaved,
      samples: data.length / current.channels,
      pts: time(pts),
      dts: time(dts),
      duration: time(duration),
      offset: time(offset),
      release: () => native.release(bytes),
    };
  }
}
