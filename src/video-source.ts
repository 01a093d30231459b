/**
 * GstVideoSource: a pipeline ending in an appsink becomes a stream of frames
 * (gstreamer-python's GstVideoSource, with promises and `for await`).
 *
 * The way of a frame: the appsink queues a sample on GStreamer's streaming thread and a native
 * handler wakes the JS thread (it never waits for it); the JS side pulls every ready sample in one
 * native call that copies the bytes (rows unpadded) and reads the timestamps, then queues them
 * as plain {@link VideoFrame} objects for `pop()`.
 */
import { GstPipelineError } from './errors';
import { GstApp } from './gi';
import { native, type NativeFrame, type NativeLayout } from './native';
import { GstPipeline, type GstPipelineOptions } from './pipeline';
import { shapeFrame, type SampleArray, type ShapedArray } from './buffer';
import type { ObjectInfo } from './meta';

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
  /** Frames the queue holds. Default 100. */
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

/**
 * Samples the appsink itself may hold beyond our queue when the user left it unbounded. Few:
 * each held sample is a buffer the source's pool cannot reuse, and a pool cycling through many
 * buffers writes every frame to memory that is out of cache (measured: 1 or 2 held is ~2x faster than 8).
 */
const SINK_MAX_BUFFERS = 2;
/** Zero-copy frames queued ahead of `pop()`: each holds a GStreamer buffer, as above. */
const ZERO_COPY_PREFETCH = 2;
/** Most frames pulled in one turn of the event loop, so the loop stays responsive. */
const FRAMES_PER_TURN = 64;

function time(ns: number): number | null {
  return ns < 0 ? null : ns;
}

type Waiter = (frame: VideoFrame | null) => void;

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
  private readonly onDrop?: (frame: VideoFrame, dropped: number) => void;
  private readonly zeroCopy: boolean;
  /** the zero-copy frame handed out last, released at the next pop */
  private onLoan: VideoFrame | null = null;
  private readonly queue: VideoFrame[] = [];
  private readonly waiters: Waiter[] = [];
  private layout: NativeLayout | null = null;
  private notifier = 0;
  private scheduled = false;
  private pulled = 0;
  private dropped = 0;

  constructor(command: string, options: GstVideoSourceOptions = {}) {
    super(command, options);
    this.leaky = options.leaky ?? false;
    this.maxBuffersSize = Math.max(1, options.maxBuffersSize ?? 100);
    this.onDrop = options.onDrop;
    this.zeroCopy = options.zeroCopy ?? false;
    this.appsink = this.getOneByCls(GstApp.AppSink);
  }

  /** Frames the queue holds before the pipeline is held back (without `leaky`). */
  private get queueBound(): number {
    return this.zeroCopy && !this.leaky ? Math.min(this.maxBuffersSize, ZERO_COPY_PREFETCH) : this.maxBuffersSize;
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
    return this.dropped;
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

  protected override sendEndOfStream(): boolean {
    // The reader is leaving: samples still in the appsink need not wait for it.
    this.appsink.drop = true;
    this.appsink.waitOnEos = false;
    return super.sendEndOfStream();
  }

  protected override onStopped(): void {
    if (this.notifier) {
      native.unnotify(this.notifier);
      this.notifier = 0;
    }
    for (const waiter of this.waiters.splice(0)) waiter(null);
  }

  /**
   * The next frame: at once when one is queued, else when one arrives. Resolves to null when the
   * stream is over and the queue empty, or after `timeoutMs` without a frame; rejects with the
   * pipeline's error once the queue is empty after a failure.
   */
  pop(timeoutMs?: number): Promise<VideoFrame | null> {
    if (this.onLoan) {
      this.onLoan.release();
      this.onLoan = null;
    }
    const frame = this.queue.shift();
    if (frame && this.zeroCopy) this.onLoan = frame;
    if (frame) {
      this.schedule();
      return Promise.resolve(frame);
    }
    if (this.isDone) return this.error ? Promise.reject(this.error) : Promise.resolve(null);
    return new Promise<VideoFrame | null>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = (next) => {
        if (timer) clearTimeout(timer);
        if (next && this.zeroCopy) this.onLoan = next;
        if (next === null && this.error) reject(this.error);
        else resolve(next);
      };
      this.waiters.push(waiter);
      if (timeoutMs !== undefined)
        timer = setTimeout(() => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          resolve(null);
        }, timeoutMs);
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

  private schedule(): void {
    if (this.scheduled || this.isDone) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pull();
    });
  }

  /** Pulls the samples ready in the appsink into the queue (within the queue's bound unless leaky). */
  private pull(limit = FRAMES_PER_TURN, bounded = !this.leaky): void {
    if (this.isDone) return;
    let budget = bounded ? Math.min(limit, this.queueBound - this.queue.length) : limit;
    try {
      while (budget > 0) {
        const batch = native.pullFrames(this.appsink, Math.min(budget, FRAMES_PER_TURN), this.zeroCopy);
        if (batch.length === 0) return;
        budget -= batch.length;
        for (const raw of batch) this.enqueue(this.frameOf(raw));
      }
    } catch (error) {
      // Runs from a native wake-up: nothing above would catch it.
      this.fail(error instanceof GstPipelineError ? error : new GstPipelineError(String(error), null, this.appsink.name, { cause: error }));
      return;
    }
    // More may be waiting: come back next turn (a full, non-leaky queue waits for pop() instead).
    if (this.leaky || this.queue.length < this.queueBound) this.schedule();
  }

  private frameOf([bytes, pts, dts, duration, offset, layout, objects]: NativeFrame): VideoFrame {
    if (layout) this.layout = layout;
    const current = this.layout;
    if (!current) throw new GstPipelineError(`appsink caps are not raw video`, null, this.appsink.name);
    return {
      ...shapeFrame(bytes, current, !this.zeroCopy),
      format: current.format,
      width: current.width,
      height: current.height,
      pts: time(pts),
      dts: time(dts),
      duration: time(duration),
      offset: time(offset),
      objects,
      release: () => native.release(bytes),
    };
  }

  private enqueue(frame: VideoFrame): void {
    this.pulled++;
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter(frame);
      return;
    }
    this.queue.push(frame);
    if (this.leaky && this.queue.length > this.maxBuffersSize) {
      const oldest = this.queue.shift()!;
      this.dropped++;
      this.onDrop?.(oldest, this.dropped);
      oldest.release();
    }
  }
}
