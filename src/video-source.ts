/**
 * GstVideoSource: a pipeline ending in an appsink becomes a stream of frames
 * (gstreamer-python's GstVideoSource, with promises and `for await`).
 *
 * The way of a frame: without `zeroCopy`, a probe on the appsink copies each frame on the
 * streaming thread as it arrives (src/native/stream_copy.cc); the sample engine (src/samples.ts)
 * wakes the JS thread when the appsink has samples; the source takes them in one native call per
 * batch that hands out those copies (or copies there, rows unpadded, frames that need packing) or
 * maps them (zero-copy) and reads the timestamps, and queues them as plain {@link VideoFrame}
 * objects for `pop()`.
 */
import { describeValue, GstPipelineError } from './errors';
import { Gst, GstApp } from './gi';
import { native, type NativeFrame, type NativeLayout } from './native';
import { GstPipeline, type GstPipelineOptions } from './pipeline';
import { FrameQueue } from './frame-queue';
import { engineError, SAMPLES_PER_TURN, SampleEngine, type SampleConsumer } from './samples';
import { shapeFrame, type SampleArray, type ShapedArray } from './buffer';
import type { ObjectInfo } from './meta';

/** Where one plane of a frame lies in its `data`, in bytes. */
export interface VideoPlane {
  /** byte offset of the plane's first row */
  readonly offset: number;
  /** bytes from the start of one row to the next */
  readonly stride: number;
  /** bytes of pixels in one row (the rest of a stride is padding) */
  readonly rowBytes: number;
  /** rows in the plane */
  readonly rows: number;
}

/** One video frame, as plain data ready for a tensor library. */
export interface VideoFrame<T extends SampleArray = SampleArray> extends ShapedArray<T> {
  /** GStreamer's name of the pixel format: 'RGB', 'GRAY16_LE', 'I420'... */
  readonly format: string;
  readonly width: number;
  readonly height: number;
  /** presentation time in nanoseconds, or null when the buffer has none */
  readonly pts: number | null;
  /** decoding time in nanoseconds, or null */
  readonly dts: number | null;
  /** duration in nanoseconds, or null */
  readonly duration: number | null;
  /** frame number as the source counts it, or null */
  readonly offset: number | null;
  /**
   * Where each plane lies in `data` (I420 has 3, NV12 2, RGB 1). A copy packs every plane's rows
   * tight, one plane after the other; a zero-copy view has GStreamer's strides and offsets.
   * Empty for formats whose planes are not rows of whole pixels (tiled, v210...): `data` is then
   * the buffer's bytes as they are.
   */
  readonly planes: readonly VideoPlane[];
  /**
   * The objects the buffer carried as object metadata (`gstMetaWrite` upstream, e.g. in a
   * pad probe); undefined when it carried none.
   */
  readonly objects?: readonly ObjectInfo[];
  /**
   * Gives the frame's memory back now instead of at garbage collection (`data` becomes empty).
   * Optional, but it makes a steady stream of large frames much cheaper. Idempotent.
   */
  release(): void;
}

export interface GstVideoSourceOptions extends GstPipelineOptions {
  /** When the queue is full, drop the oldest frame instead of holding the pipeline back. Default false. */
  leaky?: boolean;
  /**
   * Frames the queue holds, a positive integer. Default 100. Without `leaky`, fewer are pulled
   * ahead of `pop()` (16 MB of frames, at least 2; 2 with `zeroCopy`): the rest wait in the
   * pipeline, which is held back, so no frame is lost.
   */
  maxBuffersSize?: number;
  /** Called for each frame a leaky queue drops, with the count of drops so far. */
  onDrop?: (frame: VideoFrame, dropped: number) => void;
  /**
   * Frames as views of GStreamer's own memory, no copy: the fastest path. A frame is then on
   * loan: it stays valid until the next `pop()` (or loop turn of `for await`) or its `release()`;
   * keep a copy (`frame.data.slice()`) of what must live longer. Treat the data as read-only: it
   * is GStreamer's buffer. Without `leaky`, at most 2 frames are queued ahead (the rest wait in
   * the pipeline). Default false.
   */
  zeroCopy?: boolean;
}

/** Zero-copy frames queued ahead of `pop()`: each holds a GStreamer buffer the source cannot reuse. */
const ZERO_COPY_PREFETCH = 2;
/**
 * Bytes of copied frames queued ahead of `pop()` without `leaky` (at least 2 frames): a queue of
 * 100 1080p frames is 600 MB, and memory that far ahead is out of cache and out of the frame pool.
 */
const COPY_PREFETCH_BYTES = 16 * 1024 * 1024;

/** `maxBuffersSize` checked: a positive integer (a RangeError or TypeError naming the option otherwise). */
function queueSizeOption(value: unknown): number {
  if (value === undefined) return 100;
  if (typeof value !== 'number') throw new TypeError(`GstVideoSource: maxBuffersSize must be a number, got ${typeof value}`);
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`GstVideoSource: maxBuffersSize must be a positive integer, got ${value}`);
  return value;
}

function flagOption(options: GstVideoSourceOptions, name: 'leaky' | 'zeroCopy'): boolean {
  const value = options[name];
  if (value !== undefined && typeof value !== 'boolean') throw new TypeError(`GstVideoSource: ${name} must be a boolean, got ${typeof value}`);
  return value ?? false;
}

function time(ns: number): number | null {
  return ns < 0 ? null : ns;
}

/** The planes of a frame of `layout`: packed tight (a copy) and as GStreamer lays them out (a view). */
function planesOf(layout: NativeLayout): { tight: VideoPlane[]; view: VideoPlane[] } {
  const tight: VideoPlane[] = [];
  const view: VideoPlane[] = [];
  let offset = 0;
  layout.planeRowBytes.forEach((rowBytes, i) => {
    const rows = layout.planeRows[i];
    tight.push({ offset, stride: rowBytes, rowBytes, rows });
    view.push({ offset: layout.offsets[i], stride: layout.strides[i], rowBytes, rows });
    offset += rowBytes * rows;
  });
  return { tight, view };
}

/**
 * Frames out of any pipeline that ends in one appsink.
 *
 * ```ts
 * await using source = new GstVideoSource('videotestsrc num-buffers=10 ! video/x-raw,format=RGB ! appsink').startup();
 * for await (const frame of source) console.log(frame.pts, frame.shape);
 * ```
 * Without `leaky`, a full queue holds the pipeline back (memory stays bounded); with it, the
 * oldest frames are dropped and counted.
 */
export class GstVideoSource extends GstPipeline implements AsyncIterable<VideoFrame> {
  /** The pipeline's appsink. */
  readonly appsink: GstApp.AppSink;
  private readonly leaky: boolean;
  private readonly maxBuffersSize: number;
  private readonly zeroCopy: boolean;
  /** the zero-copy frame handed out last, released at the next pop */
  private onLoan: VideoFrame | null = null;
  private readonly queue: FrameQueue<VideoFrame>;
  private layout: NativeLayout | null = null;
  private planes: { tight: VideoPlane[]; view: VideoPlane[] } | null = null;
  private engine: SampleEngine | null = null;
  private flushProbe: bigint | null = null;
  private pulled = 0;

  constructor(command: string | Gst.Element, options: GstVideoSourceOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new TypeError(`GstVideoSource: options must be an object, got ${describeValue(options)}`);
    const maxBuffersSize = queueSizeOption(options.maxBuffersSize);
    const leaky = flagOption(options, 'leaky');
    const zeroCopy = flagOption(options, 'zeroCopy');
    if (options.onDrop !== undefined && typeof options.onDrop !== 'function')
      throw new TypeError(`GstVideoSource: onDrop must be a function, got ${typeof options.onDrop}`);
    super(command, options);
    this.leaky = leaky;
    this.maxBuffersSize = maxBuffersSize;
    this.queue = new FrameQueue(leaky ? maxBuffersSize : null, options.onDrop);
    this.zeroCopy = zeroCopy;
    this.appsink = this.getOneByCls(GstApp.AppSink);
  }

  /** Frames the queue holds before the pipeline is held back (without `leaky`). */
  private get queueBound(): number {
    if (this.leaky) return this.maxBuffersSize;
    if (this.zeroCopy) return Math.min(this.maxBuffersSize, ZERO_COPY_PREFETCH);
    const frameBytes = this.layout?.size ?? 0;
    const ahead = frameBytes > 0 ? Math.max(ZERO_COPY_PREFETCH, Math.floor(COPY_PREFETCH_BYTES / frameBytes)) : ZERO_COPY_PREFETCH;
    return Math.min(this.maxBuffersSize, ahead);
  }

  /** Frames received from the appsink so far. */
  get totalBuffersCount(): number {
    return this.pulled;
  }

  /** Frames waiting in the queue. */
  get queueSize(): number {
    return this.queue.length;
  }

  /** Frames a leaky queue dropped so far. */
  get droppedCount(): number {
    return this.queue.dropped;
  }

  protected override onPipelineInit(): void {
    this.appsink.emitSignals = true;
    const consumer: SampleConsumer = { room: () => this.room(), take: (limit) => this.take(limit) };
    this.engine = new SampleEngine(this.appsink, consumer);
    if (!this.zeroCopy) this.engine.copyOnStream();
    // A flushing seek: frames queued before it belong to the old position.
    const pad = this.appsink.getStaticPad('sink');
    if (pad)
      this.flushProbe = pad.addProbe(Gst.PadProbeType.EVENT_FLUSH, () => {
        this.dropQueued();
        return Gst.PadProbeReturn.OK;
      });
  }

  protected override onEos(): void {
    this.engine?.drainAll();
  }

  /** A failure that a waiting pop() hands to its caller is not printed: it has been seen. */
  protected override onError(error: GstPipelineError): void {
    if (this.queue.waiting === 0) super.onError(error);
  }

  /** A full queue (not leaky) holds the stream back: not the source's silence. */
  protected override isHeldBack(): boolean {
    return !this.leaky && this.queue.length >= this.queueBound;
  }

  protected override sendEndOfStream(): boolean {
    // The reader is leaving: samples still in the appsink need not wait for it.
    this.appsink.drop = true;
    this.appsink.waitOnEos = false;
    return super.sendEndOfStream();
  }

  protected override onStopped(): void {
    this.engine?.close();
    if (this.flushProbe !== null) {
      this.appsink.getStaticPad('sink')?.removeProbe(Number(this.flushProbe));
      this.flushProbe = null;
    }
    this.queue.end();
  }

  /**
   * The next frame: at once when one is queued, else when one arrives. Resolves to null when the
   * stream is over and the queue empty, or after `timeoutMs` without a frame; rejects with the
   * pipeline's error once the queue is empty after a failure, and with a {@link GstPipelineError}
   * before {@link startup}.
   */
  pop(timeoutMs?: number): Promise<VideoFrame | null> {
    if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs >= 0))
      return Promise.reject(new RangeError(`pop(timeoutMs): timeoutMs must be a number >= 0, got ${String(timeoutMs)}`));
    if (!this.engine && !this.isDone)
      return Promise.reject(new GstPipelineError('pop() before startup(): call startup() first, then pop frames'));
    if (this.onLoan) {
      this.onLoan.release();
      this.onLoan = null;
    }
    // Samples may be ready that no wake-up announced yet: take them now, not a loop turn later.
    if (this.queue.length === 0) this.engine?.drain();
    const frame = this.queue.shift();
    if (frame && this.zeroCopy) this.onLoan = frame;
    if (frame) {
      this.engine?.resume();
      return Promise.resolve(frame);
    }
    if (this.isDone) return this.error ? Promise.reject(this.error) : Promise.resolve(null);
    const next = this.queue.wait(timeoutMs, () => this.error);
    if (!this.zeroCopy) return next;
    return next.then((frame) => {
      if (frame) this.onLoan = frame;
      return frame;
    });
  }

  /** Every frame until the end of the stream; throws the pipeline's error if it fails. */
  async *[Symbol.asyncIterator](): AsyncIterator<VideoFrame> {
    for (;;) {
      const frame = await this.pop();
      if (frame === null) return;
      yield frame;
    }
  }

  /** Frames the queue takes now (the engine's question; a full, non-leaky queue holds the stream back). */
  private room(): number {
    if (this.isDone) return 0;
    return this.leaky ? Number.POSITIVE_INFINITY : this.queueBound - this.queue.length;
  }

  /** Takes up to `limit` samples out of the appsink into the queue (the engine's call). */
  private take(limit: number): number {
    if (this.isDone) return 0;
    let taken = 0;
    try {
      while (taken < limit) {
        const want = Math.min(limit - taken, SAMPLES_PER_TURN);
        const batch = native.pullFrames(this.appsink, want, this.zeroCopy);
        for (const raw of batch) {
          this.enqueue(this.frameOf(raw));
          // Copies come back at garbage collection; zero-copy frames at the next pop().
          if (!this.zeroCopy) this.engine?.reclaim();
        }
        taken += batch.length;
        if (batch.length < want) break;
      }
    } catch (error) {
      // Runs from a native wake-up: nothing above would catch it.
      this.fail(engineError(this.appsink, error));
    }
    return taken;
  }

  /** Drops the queued frames (a flushing seek went through the appsink). */
  private dropQueued(): void {
    for (const frame of this.queue.clear()) frame.release();
  }

  private frameOf([bytes, pts, dts, duration, offset, layout, copied, objects]: NativeFrame): VideoFrame {
    if (layout) {
      this.layout = layout;
      this.planes = planesOf(layout);
    }
    const current = this.layout;
    if (!current || !this.planes) throw new GstPipelineError(`appsink caps are not raw video`, null, this.appsink.name);
    const { data, shape } = shapeFrame(bytes, current, !this.zeroCopy);
    // One literal, every field in one order: every frame shares one object shape (a spread made
    // V8 build each frame's shape property by property: the top JS cost per zero-copy frame).
    return {
      data,
      shape,
      format: current.format,
      width: current.width,
      height: current.height,
      pts: time(pts),
      dts: time(dts),
      duration: time(duration),
      offset: time(offset),
      planes: copied ? this.planes.tight : this.planes.view,
      objects,
      release: () => native.release(bytes),
    };
  }

  private enqueue(frame: VideoFrame): void {
    this.pulled++;
    this.queue.push(frame);
  }
}
