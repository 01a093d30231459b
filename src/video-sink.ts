/**
 * GstVideoSink: typed arrays pushed into any pipeline that starts with an appsrc
 * (gstreamer-python's GstVideoSink, with a push that never blocks Node's event loop).
 */
import { type ShapedArray } from './buffer';
import { Gst, GstApp } from './gi';
import { native, type NativeLayout } from './native';
import { GstPipeline, type GstPipelineOptions } from './pipeline';
import { fractionToStr, gstVideoFormatPlugin, isForeignEndian } from './utils';

export interface GstVideoSinkOptions extends GstPipelineOptions {
  width: number;
  height: number;
  /** frames per second: a number or `[numerator, denominator]`. Default 30. */
  fps?: number | readonly [number, number];
  /** GStreamer's name of the pixel format. Default 'RGB'. */
  format?: string;
  /** Frames appsrc may queue before `push` waits for room. Default 4. */
  maxQueuedFrames?: number;
}

/** Timestamps of a pushed frame, in nanoseconds. Left out, they advance by one frame each push. */
export interface PushOptions {
  pts?: number | bigint;
  dts?: number | bigint;
  duration?: number | bigint;
  offset?: number | bigint;
}

const NONE = -1;

/** A time option in nanoseconds as the native side takes it: a whole number, or -1 for none. */
function ns(value: number | bigint | undefined | null, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'bigint') return value < 0n || value === Gst.CLOCK_TIME_NONE ? NONE : Number(value);
  return value < 0 ? NONE : Math.round(value);
}

/**
 * Frames into any pipeline that starts with one appsrc.
 *
 * ```ts
 * await using sink = new GstVideoSink('appsrc ! videoconvert ! pngenc ! multifilesink location=frame%03d.png',
 *   { width: 320, height: 240 }).startup();
 * await sink.push(new Uint8Array(320 * 240 * 3));
 * ```
 * Leaving the scope (or `shutdown()`) ends the stream, so encoders and muxers finish their files.
 */
export class GstVideoSink extends GstPipeline {
  /** The pipeline's appsrc. */
  readonly appsrc: GstApp.AppSrc;
  /** The caps frames are pushed with, e.g. `video/x-raw,format=RGB,width=640,height=480,framerate=30/1`. */
  readonly caps: string;
  private readonly layout: NativeLayout;
  private readonly frameNs: number;
  private readonly fpsN: number;
  private readonly fpsD: number;
  private readonly maxQueuedFrames: number;
  private pushed = 0;
  private needData = 0;
  private readonly roomWaiters: Array<() => void> = [];

  constructor(command: string, options: GstVideoSinkOptions) {
    super(command, options);
    const fps = options.fps ?? 30;
    const [num, den] = typeof fps === 'number' ? [fps, 1] : fps;
    if (!(num > 0 && den > 0)) throw new RangeError(`fps must be positive, got ${fractionToStr(fps)}`);
    this.caps = gstVideoFormatPlugin({ width: options.width, height: options.height, fps: [num, den], format: options.format ?? 'RGB' });
    const caps = Gst.Caps.fromString(this.caps);
    const layout = caps && native.videoLayout(caps);
    if (!caps || !layout) throw new RangeError(`cannot make raw video caps from ${this.caps}`);
    this.layout = layout;
    this.frameNs = Math.round((1e9 * den) / num);
    this.fpsN = num;
    this.fpsD = den;
    this.maxQueuedFrames = Math.max(1, options.maxQueuedFrames ?? 4);
    this.appsrc = this.getOneByCls(GstApp.AppSrc);
  }

  /** Frames pushed so far. */
  get totalBuffersCount(): number {
    return this.pushed;
  }

  /** Bytes of one frame as GStreamer lays it out (rows padded to 4 bytes where the format wants it). */
  get frameSize(): number {
    return this.layout.size;
  }

  protected override onPipelineInit(): void {
    const src = this.appsrc;
    src.caps = Gst.Caps.fromString(this.caps)!;
    src.format = Gst.Format.TIME;
    // Never block the JS thread in push: appsrc takes the buffer and says when it has enough.
    src.block = false;
    src.maxBytes = BigInt(this.layout.size * this.maxQueuedFrames);
    src.minPercent = 50; // ask for more (need-data) when half empty, not only when empty
    this.needData = native.notify(src, 'need-data', () => this.wakeRoom(), false);
  }

  protected override onStopped(): void {
    if (this.needData) {
      native.unnotify(this.needData);
      this.needData = 0;
    }
    this.wakeRoom();
  }

  protected override sendEndOfStream(): boolean {
    // Queued behind the frames in appsrc, at any state: encoders and muxers finish their files.
    this.appsrc.endOfStream();
    return true;
  }

  /**
   * Pushes one frame: a typed array of the frame's bytes (tight rows, or padded as GStreamer
   * lays them out), a {@link ShapedArray}, or a Gst.Buffer. Resolves at once while appsrc has
   * room, else when it has; rejects on a wrong size (naming expected and actual byte counts) or
   * when the pipeline no longer plays.
   */
  async push(frame: ArrayBufferView | ShapedArray | Gst.Buffer, options: PushOptions = {}): Promise<void> {
    if (!this.isActive) throw this.error ?? new Error(`${this.constructor.name} is not playing: call startup() first`);
    const index = this.pushed;
    // Scaled per frame, as gst_util_uint64_scale would: no drift from a rounded frame duration.
    const pts = ns(options.pts, Math.round((index * 1e9 * this.fpsD) / this.fpsN));
    const dts = ns(options.dts, NONE);
    const duration = ns(options.duration, this.frameNs);
    const offset = ns(options.offset, index);
    let flow: number;
    if (frame instanceof Gst.Buffer) {
      const size = Number(frame.getSize());
      if (size !== this.layout.size) throw this.sizeError(size);
      frame.pts = BigInt(pts < 0 ? Gst.CLOCK_TIME_NONE : pts);
      frame.dts = dts < 0 ? Gst.CLOCK_TIME_NONE : BigInt(dts);
      frame.duration = BigInt(duration < 0 ? Gst.CLOCK_TIME_NONE : duration);
      frame.offset = BigInt(offset < 0 ? Gst.BUFFER_OFFSET_NONE : offset);
      flow = this.appsrc.pushBuffer(frame);
    } else {
      const bytes = this.bytesOf(frame);
      flow = native.pushBytes(this.appsrc, bytes, pts, dts, duration, offset);
    }
    if (flow !== Gst.FlowReturn.OK) throw new Error(`appsrc refused the frame: ${Gst.flowGetName(flow)}`);
    this.pushed++;
    while (this.isActive && Number(this.appsrc.getCurrentLevelBytes()) >= Number(this.appsrc.maxBytes))
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    if (this.error) throw this.error;
  }

  private bytesOf(frame: ArrayBufferView | ShapedArray): Uint8Array {
    const view = 'shape' in frame ? frame.data : frame;
    if (!ArrayBuffer.isView(view)) throw new TypeError('push expects a typed array, a ShapedArray or a Gst.Buffer');
    let bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    // Samples (a Uint16Array) of a big-endian format go in as GStreamer's bytes; plain bytes as they are.
    if (view instanceof Uint16Array && isForeignEndian(this.layout.format)) bytes = Buffer.from(bytes).swap16();
    const { size, height, strides, rowBytes } = this.layout;
    if (bytes.byteLength === size) return bytes;
    // Tight rows for a format whose rows GStreamer pads (e.g. RGB at an odd width): pad them.
    if (rowBytes > 0 && rowBytes < strides[0] && bytes.byteLength === rowBytes * height) {
      const padded = new Uint8Array(size);
      for (let row = 0; row < height; row++)
        padded.set(bytes.subarray(row * rowBytes, (row + 1) * rowBytes), row * strides[0]);
      return padded;
    }
    throw this.sizeError(bytes.byteLength);
  }

  private sizeError(actual: number): RangeError {
    const { size, width, height, format } = this.layout;
    return new RangeError(`frame has ${actual} bytes, ${format} ${width}x${height} needs ${size}`);
  }

  private wakeRoom(): void {
    for (const wake of this.roomWaiters.splice(0)) wake();
  }
}
