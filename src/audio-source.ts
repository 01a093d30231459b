/**
 * GstAudioSource: a pipeline ending in an appsink becomes a stream of audio buffers as typed
 * arrays (S16LE as Int16Array, F32LE as Float32Array...), beside GstVideoSource for video.
 *
 * The appsink wakes the JS thread through a native notifier (GStreamer's thread never waits for
 * JS); the JS side pulls what is ready, copies each buffer (one memcpy) and shapes it by the
 * sample's own caps. Audio comes in tens of buffers a second, so the per-buffer GI calls here
 * (pull, caps, timestamps) cost nothing that matters.
 */
import { audioLayoutFromCaps, shapeAudio, type AudioSampleArray, type AudioShapedArray } from './audio';
import { GstPipelineError } from './errors';
import { Gst, GstApp } from './gi';
import { native } from './native';
import { FrameQueue } from './frame-queue';
import { GstPipeline, type GstPipelineOptions } from './pipeline';

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

export interface GstAudioSourceOptions extends GstPipelineOptions {
  /** When the queue is full, drop the oldest buffer instead of holding the pipeline back. Default false. */
  leaky?: boolean;
  /** Buffers the queue holds. Default 100. */
  maxBuffersSize?: number;
  /** Called for each buffer a leaky queue drops, with the count of drops so far. */
  onDrop?: (frame: AudioFrame, dropped: number) => void;
}

const SINK_MAX_BUFFERS = 2;
const PER_TURN = 64;

const clock = (t: bigint | number): number | null => (BigInt(t) === Gst.CLOCK_TIME_NONE ? null : Number(t));
const NO_OFFSET = 2n ** 64n - 1n;

/**
 * Audio out of any pipeline that ends in one appsink.
 *
 * ```ts
 * await using source = new GstAudioSource('audiotestsrc num-buffers=10 ! audio/x-raw,format=S16LE,channels=1 ! appsink').startup();
 * for await (const frame of source) console.log(frame.pts, frame.shape, frame.data[0]);
 * ```
 */
export class GstAudioSource extends GstPipeline implements AsyncIterable<AudioFrame> {
  /** The pipeline's appsink. */
  readonly appsink: GstApp.AppSink;
  private readonly leaky: boolean;
  private readonly maxBuffersSize: number;
  private readonly queue: FrameQueue<AudioFrame>;
  private notifier = 0;
  private scheduled = false;
  private pulled = 0;

  constructor(command: string, options: GstAudioSourceOptions = {}) {
    super(command, options);
    this.leaky = options.leaky ?? false;
    this.maxBuffersSize = Math.max(1, options.maxBuffersSize ?? 100);
    this.queue = new FrameQueue(this.leaky ? this.maxBuffersSize : null, options.onDrop);
    this.appsink = this.getOneByCls(GstApp.AppSink);
  }

  /** Buffers received from the appsink so far. */
  get totalBuffersCount(): number {
    return this.pulled;
  }

  /** Buffers waiting in the queue. */
  get queueSize(): number {
    return this.queue.length;
  }

  /** Buffers a leaky queue dropped so far. */
  get droppedCount(): number {
    return this.queue.dropped;
  }

  protected override onPipelineInit(): void {
    const sink = this.appsink;
    sink.emitSignals = true;
    if (sink.maxBuffers === 0) sink.maxBuffers = SINK_MAX_BUFFERS;
    this.notifier = native.notify(sink, 'new-sample', () => this.pull(), false);
  }

  protected override onEos(): void {
    this.pull(Number.POSITIVE_INFINITY, false);
  }

  /** A failure that a waiting pop() hands to its caller is not printed: it has been seen. */
  protected override onError(error: GstPipelineError): void {
    if (this.queue.waiting === 0) super.onError(error);
  }

  /** A full queue (not leaky) holds the stream back: not the source's silence. */
  protected override isHeldBack(): boolean {
    return !this.leaky && this.queue.length >= this.maxBuffersSize;
  }

  protected override sendEndOfStream(): boolean {
    this.appsink.drop = true;
    this.appsink.waitOnEos = false;
    return super.sendEndOfStream();
  }

  protected override onStopped(): void {
    if (this.notifier) {
      native.unnotify(this.notifier);
      this.notifier = 0;
    }
    this.queue.end();
  }

  /**
   * The next buffer: at once when one is queued, else when one arrives. Resolves to null at the
   * end of the stream (queue empty) or after `timeoutMs`; rejects with the pipeline's error once
   * the queue is empty after a failure.
   */
  pop(timeoutMs?: number): Promise<AudioFrame | null> {
    const frame = this.queue.shift();
    if (frame) {
      this.schedule();
      return Promise.resolve(frame);
    }
    if (this.isDone) return this.error ? Promise.reject(this.error) : Promise.resolve(null);
    return this.queue.wait(timeoutMs, () => this.error);
  }

  /** Every buffer until the end of the stream; throws the pipeline's error if it fails. */
  async *[Symbol.asyncIterator](): AsyncIterator<AudioFrame> {
    for (;;) {
      const frame = await this.pop();
      if (frame === null) return;
      yield frame;
    }
  }

  private schedule(): void {
    if (this.scheduled || this.isDone) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pull();
    });
  }

  private pull(limit = PER_TURN, bounded = !this.leaky): void {
    if (this.isDone) return;
    let budget = bounded ? Math.min(limit, this.maxBuffersSize - this.queue.length) : limit;
    try {
      for (; budget > 0; budget--) {
        const sample = this.appsink.tryPullSample(0n);
        if (!sample) return;
        this.enqueue(this.frameOf(sample));
      }
    } catch (error) {
      this.fail(error instanceof GstPipelineError ? error : new GstPipelineError(error instanceof Error ? error.message : String(error), null, this.appsink.name, { cause: error }));
      return;
    }
    if (this.leaky || this.queue.length < this.maxBuffersSize) this.schedule();
  }

  private frameOf(sample: Gst.Sample): AudioFrame {
    const buffer = sample.getBuffer();
    const caps = sample.getCaps();
    const layout = caps ? audioLayoutFromCaps(caps) : null;
    if (!buffer || !layout) throw new GstPipelineError(`appsink caps are not raw audio: ${caps?.toString() ?? 'none'}`, null, this.appsink.name);
    const bytes = native.copyBuffer(buffer);
    const shaped = shapeAudio(bytes, layout);
    return {
      ...shaped,
      format: layout.format,
      rate: layout.rate,
      channels: layout.channels,
      interleaved: layout.interleaved,
      samples: shaped.data.length / layout.channels,
      pts: clock(buffer.pts),
      dts: clock(buffer.dts),
      duration: clock(buffer.duration),
      offset: BigInt(buffer.offset) === NO_OFFSET ? null : Number(buffer.offset),
      release: () => native.release(bytes),
    };
  }

  private enqueue(frame: AudioFrame): void {
    this.pulled++;
    this.queue.push(frame);
  }
}
