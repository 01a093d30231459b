/**
 * GstVideoSink: typed arrays pushed into any pipeline that starts with an appsrc
 * (gstreamer-python's GstVideoSink, with a push that never blocks Node's event loop).
 */
import type { ShapedArray } from './buffer';
import { describeValue, GstPipelineError, GstStateError, quote } from './errors';
import { Gst, GstApp, GstVideo } from './gi';
import { native, type NativeLayout } from './native';
import { GstPipeline, type GstPipelineOptions } from './pipeline';
import { getTypedArrayType, gstVideoFormatFromString, gstVideoFormatPlugin, isForeignEndian, toFraction } from './utils';

export interface GstVideoSinkOptions extends GstPipelineOptions {
  width: number;
  height: number;
  /** frames per second: a number (29.97 is taken as 30000/1001) or `[numerator, denominator]`. Default 30. */
  fps?: number | readonly [number, number];
  /** GStreamer's name of the pixel format. Default 'RGB'. */
  format?: string;
  /** Frames appsrc may queue before `push` waits for room. Default 4. */
  maxQueuedFrames?: number;
}

/**
 * Timestamps of a pushed frame, in nanoseconds (rounded; `offset`: a whole frame count). Left out, they
 * advance by one frame each push; `null` or `Gst.CLOCK_TIME_NONE` stamps none.
 */
export interface PushOptions {
  pts?: number | bigint | null;
  dts?: number | bigint | null;
  duration?: number | bigint | null;
  offset?: number | bigint | null;
}

const NONE = -1;
/** GStreamer's times are unsigned 64-bit nanoseconds with all ones meaning none: 2^63 keeps clear of that. */
const MAX_NS = 2n ** 63n;

/** A time or count from ns() as a Gst.Buffer field: -1 as an unsigned 64-bit number is all ones, GStreamer's none. */
function u64(value: number): bigint {
  return BigInt.asUintN(64, BigInt(value));
}

/** A time (or count) option as the native side takes it: a whole number, or -1 for none; a typed error otherwise. */
function ns(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  // Gst.BUFFER_OFFSET_NONE is the same all-ones value as Gst.CLOCK_TIME_NONE.
  if (value === null || value === Gst.CLOCK_TIME_NONE) return NONE;
  const accepted = `${name === 'offset' ? 'a whole number of frames' : 'a number of nanoseconds'} from 0 to 2^63, null or Gst.CLOCK_TIME_NONE`;
  if (typeof value === 'bigint') {
    if (value < 0n || value >= MAX_NS)
      throw new RangeError(`push(frame, { ${name} }): ${name} must be ${accepted}, got ${describeValue(value)}`);
    return Number(value);
  }
  if (typeof value !== 'number') throw new TypeError(`push(frame, { ${name} }): ${name} must be ${accepted}, got ${describeValue(value)}`);
  // Times may be fractional (i * 1e9 / 30 is natural to write): rounded to the nanosecond. A count may not.
  if (!Number.isFinite(value) || value < 0 || value >= Number(MAX_NS) || (name === 'offset' && !Number.isInteger(value)))
    throw new RangeError(`push(frame, { ${name} }): ${name} must be ${accepted}, got ${describeValue(value)}`);
  return Math.round(value);
}

const MAX_DIMENSION = 0x7fffffff;

function checkDimension(options: GstVideoSinkOptions, name: 'width' | 'height'): number {
  const value: unknown = options[name];
  if (typeof value !== 'number')
    throw new TypeError(`GstVideoSink options.${name} must be a number of pixels, got ${describeValue(value)}`);
  if (!Number.isInteger(value) || value < 1 || value > MAX_DIMENSION)
    throw new RangeError(
      `GstVideoSink options.${name} must be a whole number of pixels from 1 to ${MAX_DIMENSION}, got ${describeValue(value)}`,
    );
  return value;
}

function checkSinkOptions(options: unknown): asserts options is GstVideoSinkOptions {
  if (options === null || typeof options !== 'object')
    throw new TypeError(
      `new GstVideoSink(command, options): options must be an object with width and height, got ${describeValue(options)}`,
    );
  const { format, maxQueuedFrames } = options as GstVideoSinkOptions;
  if (format !== undefined) {
    if (typeof format !== 'string')
      throw new TypeError(`GstVideoSink options.format must be a format name such as 'RGB', got ${describeValue(format)}`);
    if (gstVideoFormatFromString(format) === GstVideo.VideoFormat.UNKNOWN)
      throw new RangeError(
        `GstVideoSink options.format: GStreamer has no video format ${describeValue(format)} (e.g. 'RGB', 'BGRx', 'GRAY8', 'I420')`,
      );
  }
  // Number.isInteger is false for anything not a number.
  if (maxQueuedFrames !== undefined && (!Number.isInteger(maxQueuedFrames) || maxQueuedFrames < 1))
    throw new RangeError(`GstVideoSink options.maxQueuedFrames must be a whole number from 1, got ${describeValue(maxQueuedFrames)}`);
}

/** Typed arrays push takes: bytes for any format, 16-bit samples for formats that have them. */
function checkElementType(view: ArrayBufferView, format: string): void {
  if (view instanceof Uint8Array || view instanceof Uint8ClampedArray || view instanceof DataView) return;
  if (view instanceof Uint16Array && getTypedArrayType(format) === Uint16Array) return;
  const wanted = getTypedArrayType(format) === Uint16Array ? 'a Uint16Array of samples or a Uint8Array of bytes' : 'a Uint8Array';
  throw new TypeError(`push(frame): a ${view.constructor.name} does not fit ${format}: give ${wanted}`);
}

function isDetached(view: ArrayBufferView): boolean {
  try {
    new Uint8Array(view.buffer);
    return false;
  } catch {
    return true;
  }
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

  constructor(command: string | Gst.Element, options: GstVideoSinkOptions) {
    checkSinkOptions(options);
    const width = checkDimension(options, 'width');
    const height = checkDimension(options, 'height');
    const [num, den] = toFraction(options.fps ?? 30, 'GstVideoSink options.fps');
    super(command, options);
    this.caps = gstVideoFormatPlugin({ width, height, fps: [num, den], format: options.format ?? 'RGB' });
    const caps = Gst.Caps.fromString(this.caps);
    const layout = caps && native.videoLayout(caps);
    if (!caps || !layout) throw new RangeError(`cannot make raw video caps from ${this.caps}`);
    this.layout = layout;
    this.frameNs = Math.round((1e9 * den) / num);
    this.fpsN = num;
    this.fpsD = den;
    this.maxQueuedFrames = options.maxQueuedFrames ?? 4;
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
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: markLive keeps the loop alive from startup() until onStopped closes this notifier: ref changes nothing
    this.needData = native.notify(src, 'need-data', () => this.wakeRoom(), { ref: false });
  }

  protected override onStopped(): void {
    native.unnotify(this.needData); // 0 (never started) is no notifier's id: nothing to close
    this.wakeRoom();
  }

  protected override sendEndOfStream(): boolean {
    // Queued behind the frames in appsrc, at any state: encoders and muxers finish their files.
    this.appsrc.endOfStream();
    return true;
  }

  /**
   * Pushes one frame: a typed array of the frame's bytes (tight rows, or padded as GStreamer
   * lays them out), a {@link ShapedArray}, or a Gst.Buffer. Returns a promise (`await` it): it
   * resolves to true at once while appsrc has room, else when it has, so a loop of awaited pushes
   * lets Node's loop run (signals, timers) and never outruns the pipeline; to false, the frame not
   * taken, while the stream is ending (`shutdown()`, or Ctrl-C under a GstContext): a loop
   * `if (!(await sink.push(frame))) break;` ends there, with a whole file. It rejects on a wrong
   * size (naming expected and actual byte counts), and with a {@link GstStateError} before
   * `startup()` or once the pipeline has ended.
   */
  async push(frame: ArrayBufferView | ShapedArray | Gst.Buffer, options: PushOptions = {}): Promise<boolean> {
    if (this.error) throw this.error;
    if (!this.isActive)
      throw new GstStateError(
        this.isDone
          ? `${this.constructor.name} "${quote(this.command)}" has ended: push() needs a new GstVideoSink, started with startup()`
          : `${this.constructor.name} is not playing yet: call startup() before push()`,
      );
    if (options === null || typeof options !== 'object')
      throw new TypeError(`push(frame, options): options must be an object, got ${describeValue(options)}`);
    const index = this.pushed;
    // Scaled per frame, as gst_util_uint64_scale would: no drift from a rounded frame duration.
    const pts = ns(options.pts, 'pts', Math.round((index * 1e9 * this.fpsD) / this.fpsN));
    const dts = ns(options.dts, 'dts', NONE);
    const duration = ns(options.duration, 'duration', this.frameNs);
    const offset = ns(options.offset, 'offset', index);
    let flow: number;
    if (frame instanceof Gst.Buffer) {
      const size = Number(frame.getSize());
      if (size !== this.layout.size) throw this.sizeError(size);
      frame.pts = u64(pts);
      frame.dts = u64(dts);
      frame.duration = u64(duration);
      frame.offset = u64(offset);
      flow = this.appsrc.pushBuffer(frame);
    } else {
      const bytes = this.bytesOf(frame);
      flow = native.pushBytes(this.appsrc, bytes, pts, dts, duration, offset);
    }
    // The end of stream is on its way (shutdown, Ctrl-C): no more frames go in, and that is no error.
    if (flow === Gst.FlowReturn.FLUSHING || flow === Gst.FlowReturn.EOS) return false;
    if (flow !== Gst.FlowReturn.OK)
      throw new GstPipelineError(`appsrc refused the frame: ${Gst.flowGetName(flow)}`, null, this.appsrc.name);
    this.pushed++;
    while (this.isActive && Number(this.appsrc.getCurrentLevelBytes()) >= Number(this.appsrc.maxBytes))
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    if (this.error) throw this.error;
    return true;
  }

  private bytesOf(frame: ArrayBufferView | ShapedArray): Uint8Array {
    const view: unknown = frame !== null && typeof frame === 'object' && 'shape' in frame ? frame.data : frame;
    if (!ArrayBuffer.isView(view))
      throw new TypeError(`push(frame): frame must be a typed array, a ShapedArray or a Gst.Buffer, got ${describeValue(view)}`);
    if (isDetached(view))
      throw new TypeError(
        `push(frame): the ${view.constructor.name}'s ArrayBuffer is detached (transferred or released): there are no bytes to push`,
      );
    checkElementType(view, this.layout.format);
    let bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    // Samples (a Uint16Array) of a big-endian format go in as GStreamer's bytes; plain bytes as they are.
    if (view instanceof Uint16Array && isForeignEndian(this.layout.format)) bytes = Buffer.from(bytes).swap16();
    const { size, height, strides, rowBytes } = this.layout;
    if (bytes.byteLength === size) return bytes;
    // Tight rows for a format whose rows GStreamer pads (e.g. RGB at an odd width): pad them. (Rows
    // GStreamer does not pad are a frame of `size` bytes, taken above.)
    if (rowBytes > 0 && bytes.byteLength === rowBytes * height) {
      const padded = new Uint8Array(size);
      // Stryker disable next-line EqualityOperator: row <= height adds one empty row set at offset size, which changes nothing
      for (let row = 0; row < height; row++) padded.set(bytes.subarray(row * rowBytes, (row + 1) * rowBytes), row * strides[0]);
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
