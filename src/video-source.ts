/**
 * GstVideoSource: a pipeline ending in an appsink becomes a stream of frames
 * (gstreamer-python's GstVideoSource, with promises and `for await`).
 *
 * The way of a frame, from the streaming thread to `pop()`, is told once in
 * docs/architecture.md. The queue, `pop()` and the engine's consumer are the part every source
 * shares (src/sample-source.ts); what is video's own is here: frames from the video layout, and
 * how far ahead copies are pulled.
 */
import { GstPipelineError } from './errors';
import type { Gst } from './gi';
import { native, type NativeFrame, type NativeLayout } from './native';
import { flagOption, SampleSource, type SampleSourceOptions } from './sample-source';
import { time } from './values';
import { shapeFrame, type SampleArray, type ShapedArray } from './buffer';
import type { ObjectInfo } from './meta';
import { toTensor, type FrameTensor, type TensorOptions } from './tensor';

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
  /**
   * This frame as a model's input tensor ({@link toTensor}): `new ort.Tensor(t.type, t.data, t.dims)`.
   * Call it before `release()` (and, for zero-copy frames, before the next `pop()`).
   */
  toTensor(options: TensorOptions & { type: 'uint8' }): FrameTensor<'uint8'>;
  toTensor(options?: TensorOptions & { type?: 'float32' }): FrameTensor<'float32'>;
  toTensor(options?: TensorOptions): FrameTensor;
}

/** Options of {@link GstVideoSource}; `T` is the frames' array type, as the source's. */
export interface GstVideoSourceOptions<T extends SampleArray = SampleArray> extends SampleSourceOptions<VideoFrame<T>> {
  /** When the queue is full, drop the oldest frame instead of holding the pipeline back. Default false. */
  leaky?: boolean;
  /**
   * Frames the queue holds, a positive integer. Default 100. Without `leaky`, fewer are pulled
   * ahead of `pop()` (16 MB of frames, at least 2; 2 with `zeroCopy`): the rest wait in the
   * pipeline, which is held back, so no frame is lost.
   */
  maxBuffersSize?: number;
  /** Called for each frame a leaky queue drops, with the count of drops so far. */
  onDrop?: (frame: VideoFrame<T>, dropped: number) => void;
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

/** `frame.toTensor`, one function for every copied frame (16-bit samples in the host's order) and one for every view: none made per frame. */
function frameToTensor(hostOrder: boolean) {
  return function (this: VideoFrame, options?: TensorOptions): FrameTensor {
    return toTensor(
      { data: this.data, format: this.format, width: this.width, height: this.height, planes: this.planes, hostOrder },
      options,
    );
  };
}
const copyToTensor = frameToTensor(true);
const viewToTensor = frameToTensor(false);

/**
 * Frames out of any pipeline that ends in one appsink.
 *
 * ```ts
 * await using source = new GstVideoSource('videotestsrc num-buffers=10 ! video/x-raw,format=RGB ! appsink').startup();
 * for await (const frame of source) console.log(frame.pts, frame.shape);
 * ```
 * Without `leaky`, a full queue holds the pipeline back (memory stays bounded); with it, the
 * oldest frames are dropped and counted.
 *
 * `T` is the array type of the frames' `data`, when the caps fix it: `Uint8Array` for 8-bit
 * formats (`format=RGB`, `GRAY8`, `I420`...), `Uint16Array` for 16-bit ones (`GRAY16_LE`,
 * `ABGR64_LE`...). `new GstVideoSource<Uint8Array>('... ! video/x-raw,format=RGB ! appsink')`
 * gives `VideoFrame<Uint8Array>` frames; left out, `data` is either. The type is the caller's
 * word: the caps decide what arrives.
 */
export class GstVideoSource<T extends SampleArray = SampleArray> extends SampleSource<VideoFrame<T>> {
  private readonly zeroCopy: boolean;
  /** The layout of the current caps and its planes; null until raw video caps come. */
  private video: { layout: NativeLayout; planes: { tight: VideoPlane[]; view: VideoPlane[] } } | null = null;

  constructor(command: string | Gst.Element, options: GstVideoSourceOptions<T> = {}) {
    // Options that are not an object are refused by SampleSource, with the class's name: null
    // must not fail here first, reading zeroCopy.
    const zeroCopy = flagOption('GstVideoSource', options ?? {}, 'zeroCopy');
    super(command, options, { name: 'GstVideoSource', zeroCopy, copyOnStream: !zeroCopy });
    this.zeroCopy = zeroCopy;
  }

  /** 2 zero-copy frames ahead, or copies up to {@link COPY_PREFETCH_BYTES} (at least 2). */
  protected override queueBound(): number {
    if (this.zeroCopy) return Math.min(this.maxBuffersSize, ZERO_COPY_PREFETCH);
    const frameBytes = this.video?.layout.size ?? 0;
    const ahead = frameBytes > 0 ? Math.max(ZERO_COPY_PREFETCH, Math.floor(COPY_PREFETCH_BYTES / frameBytes)) : ZERO_COPY_PREFETCH;
    return Math.min(this.maxBuffersSize, ahead);
  }

  protected override frameOf([bytes, pts, dts, duration, offset, layout, copied, objects]: NativeFrame): VideoFrame<T> {
    // A layout comes with each change of caps: other caps than raw video leave none to read frames by.
    if (layout) this.video = layout.media === 'video' ? { layout, planes: planesOf(layout) } : null;
    const video = this.video;
    if (!video) throw new GstPipelineError(`appsink caps are not raw video`, null, this.appsink.name);
    const { layout: current, planes } = video;
    const { data, shape } = shapeFrame(bytes, current, !this.zeroCopy);
    // One literal, every field in one order: every frame shares one object shape (a spread made
    // V8 build each frame's shape property by property: the top JS cost per zero-copy frame).
    return {
      // T is the caller's word for what the caps give (see the class's note)
      data: data as T,
      shape,
      format: current.format,
      width: current.width,
      height: current.height,
      pts: time(pts),
      dts: time(dts),
      duration: time(duration),
      offset: time(offset),
      planes: copied ? planes.tight : planes.view,
      objects,
      release: () => native.release(bytes),
      // Copies hold 16-bit samples in the host's order (shapeFrame swaps big-endian ones).
      toTensor: (copied ? copyToTensor : viewToTensor) as VideoFrame<T>['toTensor'],
    };
  }
}
