/**
 * GStreamer elements written in TypeScript (the other road to frames beside an appsink, as
 * gst-python-plugins does in Python): a class with a frame function, registered by name, used
 * in launch descriptions like any element.
 *
 * ```ts
 * class Fill extends GstVideoFilter {
 *   static elementName = 'ts_fill';
 *   static formats = ['RGB', 'GRAY8'];
 *   static properties = { level: { type: 'int', minimum: 0, maximum: 255, default: 255 } } as const;
 *   declare level: number;
 *   transformFrameIp(frame: VideoFilterFrame): void { frame.data.fill(this.level); }
 * }
 * registerElement(Fill);
 * new GstPipeline('videotestsrc ! video/x-raw,format=RGB ! ts_fill level=200 ! fakesink');
 * ```
 *
 * Three kinds: {@link GstVideoFilter} edits frames in place (`transformFrameIp`),
 * {@link GstVideoAnalyzer} only reads them (pass-through, for analytics), and
 * {@link GstVideoTransform} makes frames of another size (`outputSize`, `transformFrame`).
 * Properties are GObject properties (launch description, `element.level` on the node-gtk
 * object) and accessors on the TypeScript instance (`Fill.from(pipeline.getByName('f'))`), which
 * checks values with a RangeError where GStreamer only warns and keeps the old value.
 *
 * How it runs: the element is a GstVideoFilter subclass made natively (src/native/element.cc).
 * Each frame, mapped (in place for filters and analyzers), is handed from GStreamer's streaming thread to the JS thread, which
 * runs the frame function while the streaming thread waits: JS sees the frame's own memory, and
 * that view is detached when the function returns. A throw becomes an element error on the bus
 * (a {@link GstPipeline}'s `done` rejects with it, the thrown error as its `cause`); the process lives.
 *
 * Frame functions may be async (a model's `await session.run(...)`): the streaming thread waits
 * until the promise settles while the JS thread is free for other work; the frame stays mapped
 * until then, and its views are detached when it settles (do not keep the frame, or views of
 * its data, past that). A rejection is an element error as a throw is. One frame at a time per
 * element: the next frame waits for this one. A flush (seek, stop) drops a pending frame: its
 * views are detached at once, the pipeline goes on, and the promise's late result is ignored.
 * A pipeline whose {@link GstPipeline.shutdown} times out on a frame that never settles fails
 * with a {@link GstPipelineError} naming the element.
 *
 * `frame.addObject(...)` attaches detected objects to the buffer that leaves the element, as
 * object metadata (src/meta.ts): a {@link GstVideoSource} downstream reads them as
 * `frame.objects`, `gstMetaGet` in a probe.
 * The JS thread must be free to run frames: a JS call that waits for the pipeline synchronously
 * (`getState` with a timeout, a blocking pull of an appsink after this element) waits forever.
 * Run pipelines through {@link GstPipeline} (it keeps the event loop alive while they play).
 */
import { GstStateError, namedMessageOf } from '../errors';
import { GstVideo, type Gst } from '../gi';
import { native } from '../native';
import type { SampleArray } from '../buffer';
import { packObjects, type ObjectInfo, type ObjectInfoInit } from '../meta';
import type { ElementDispatch, ElementFrameResult } from '../native';
import { getNumChannels, getTypedArrayType } from '../utils';
import { toTensor, type FrameTensor, type TensorOptions } from '../tensor';
import { isThenable, time } from '../values';
import { checkPropertyValue, nativePropertyDef, type NativePropertyDef, type PropertySpec } from './properties';

/**
 * A frame inside an element: GStreamer's memory, in place, valid only during the call (until its
 * promise settles, for an async frame function).
 */
export interface VideoFilterFrame<T extends SampleArray = SampleArray> {
  /**
   * The samples, in GStreamer's memory (writes change the frame in a filter; an analyzer must only
   * read). `[height, width, channels]` samples with row padding: use `strides`. Planar formats
   * (I420, NV12...) give the whole frame as bytes, shape `[length]`. 16-bit big-endian samples are
   * as stored (byte-swapped on this machine). Empty (detached) once the call returns.
   */
  readonly data: T;
  /** `[height, width, channels]`, dimensions of 1 dropped (GRAY8: `[height, width]`); `[length]` for planar formats */
  readonly shape: readonly number[];
  /** element strides of `shape`: `strides[0]` is the row stride, >= width * channels when rows are padded */
  readonly strides: readonly number[];
  readonly format: string;
  readonly width: number;
  readonly height: number;
  /** presentation time in nanoseconds, or null */
  readonly pts: number | null;
  readonly dts: number | null;
  readonly duration: number | null;
  /** frame number as the source counts it, or null */
  readonly offset: number | null;
  /**
   * The objects the buffer carried when it reached the element, as `gstMetaGet` reads them
   * (written upstream: `gstMetaWrite` in a pad probe, `addObject` of an element before this one);
   * undefined when it carried none. Objects this frame adds are not in it.
   */
  readonly objects?: readonly ObjectInfo[];
  /**
   * Attaches a detected object to the buffer that leaves the element (after the objects it
   * carried already), as object metadata (src/meta.ts): `frame.objects` of a
   * {@link GstVideoSource} downstream, `gstMetaGet` in a probe. Checked at once (TypeError or
   * RangeError naming the field); written when the frame function returns (or its promise
   * fulfils). A GstStateError once the frame is done.
   */
  addObject(object: ObjectInfoInit): void;
  /**
   * This frame as a model's input tensor (`toTensor` of src/tensor.ts), made at once, so an async
   * frame function can `await session.run(...)` on it after the frame's own memory is gone.
   * Packed formats (RGB, BGRx, GRAY8...); a planar frame (I420, NV12) is a TypeError: convert it
   * before the element (`videoconvert ! video/x-raw,format=RGB`).
   */
  toTensor(options: TensorOptions & { type: 'uint8' }): FrameTensor<'uint8'>;
  toTensor(options?: TensorOptions & { type?: 'float32' }): FrameTensor<'float32'>;
  toTensor(options?: TensorOptions): FrameTensor;
}

/** Element metadata, shown by gst-inspect-1.0 (all optional). */
export interface ElementMetadata {
  /** default: the class name */
  readonly longName?: string;
  /** GStreamer's classification, default 'Filter/Video' ('Filter/Analyzer/Video' for analyzers) */
  readonly klass?: string;
  readonly description?: string;
  readonly author?: string;
}

/** What {@link registerElement} reads from an element class. */
export interface ElementClassStatics {
  /** the name in launch descriptions and for Gst.ElementFactory.make: letters, digits, '_' and '-' */
  readonly elementName: string;
  /** video formats both pads accept, e.g. `['RGB', 'GRAY8']` */
  readonly formats: readonly string[];
  /** GObject properties, each also a JS accessor on instances (declare them: `declare level: number`) */
  readonly properties?: Readonly<Record<string, PropertySpec>>;
  readonly metadata?: ElementMetadata;
  /** factory rank (autoplugging); default 0 (none) */
  readonly rank?: number;
}

/** A class that {@link registerElement} takes. */
export type TsElementClass<T extends TsVideoElement = TsVideoElement> = ElementClassStatics & (new () => T);

interface Registered {
  klass: TsElementClass;
  props: NativePropertyDef[];
  analyzer: boolean;
}

// Stryker disable next-line ArrayDeclaration: a class's entry is set at its registration, before any read, whatever the array held
const registered: Registered[] = []; // by native class id - 1
const byClass = new Map<TsElementClass, number>();
const instances = new Map<number, TsVideoElement>();
let constructing = 0;

/** Shape and strides of one layout, computed once per caps. */
interface FrameShape {
  key: string;
  ArrayType: typeof Uint8Array | typeof Uint16Array;
  packed: boolean;
  shape: readonly number[];
  strides: readonly number[];
  /** samples from the first row's start to the last sample of the last row */
  length: number;
}

/** Instances whose frame function's promise has not settled yet: native instance id -> that frame's token. */
const pendingFrames = new Map<number, object>();
let whenSettled: { promise: Promise<void>; resolve: () => void } | null = null;

function settledFrame(id: number, token: object): void {
  // A frame dropped at shutdown settles late, maybe while a later frame of the element is pending.
  if (pendingFrames.get(id) === token) pendingFrames.delete(id);
  if (pendingFrames.size === 0 && whenSettled) {
    whenSettled.resolve();
    whenSettled = null;
  }
}

/** Resolves once no frame function's promise is pending (in any pipeline). @internal */
export function framesSettled(): Promise<void> {
  if (pendingFrames.size === 0) return Promise.resolve();
  if (!whenSettled) {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    whenSettled = { promise, resolve };
  }
  return whenSettled.promise;
}

/**
 * Forgets the pending frames of `elements`, whose pipeline reached NULL: GStreamer dropped those
 * frames, and a promise that never settles must not hold every later shutdown's wait. @internal
 */
export function forgetPendingFrames(elements: Iterable<Gst.Element>): void {
  for (const element of elements) {
    const ids = native.elementIdOf(element);
    if (ids === null) continue; // not an element written in TypeScript
    const token = pendingFrames.get(ids[0]);
    if (token !== undefined) settledFrame(ids[0], token);
  }
}

/** The latest error a frame function threw or rejected with, by native instance id, until a pipeline takes it as the cause of the element error. */
const frameErrors = new Map<number, unknown>();

/** The error behind `element`'s latest element error, when it is an element written in TypeScript (taken: a second call gives undefined). @internal */
export function takeFrameError(element: Gst.Element): unknown {
  const ids = native.elementIdOf(element);
  if (ids === null) return undefined;
  const error = frameErrors.get(ids[0]);
  frameErrors.delete(ids[0]);
  return error;
}

function failed(id: number, error: unknown): string {
  frameErrors.set(id, error);
  return namedMessageOf(error);
}

/** The objects a frame gathered, and whether it is done (then addObject refuses). */
interface FrameObjects {
  list: ObjectInfoInit[];
  done: boolean;
}

function answer(objects: FrameObjects): ElementFrameResult {
  objects.done = true;
  return objects.list.length === 0 ? undefined : packObjects(objects.list);
}

/**
 * Names of the elements among `elements` written in TypeScript whose frame function has a
 * promise that has not settled (a pipeline's shutdown names them when it times out). With
 * `drop`, those elements flush now: their pending frames are dropped and their streaming
 * threads released (the end of stream and NULL wait for them otherwise). @internal
 */
export function elementsWithPendingFrames(elements: Iterable<Gst.Element>, drop = false): string[] {
  const names: string[] = [];
  for (const element of elements) {
    const ids = native.elementIdOf(element);
    if (ids === null) continue;
    const token = pendingFrames.get(ids[0]);
    if (token === undefined) continue;
    names.push(element.name);
    if (drop) {
      native.elementDrop(ids[0]);
      settledFrame(ids[0], token);
    }
  }
  return names;
}

function frameShape(key: string, format: string, width: number, height: number, stride: number): FrameShape {
  const ArrayType = getTypedArrayType(format);
  const channels = getNumChannels(format);
  const bps = ArrayType.BYTES_PER_ELEMENT;
  if (channels === -1) return { key, ArrayType, packed: false, shape: [], strides: [1], length: 0 };
  const full = [height, width, channels];
  const strides = [stride / bps, channels, 1];
  const keep = full.map((d) => d !== 1);
  const shape = full.filter((_, i) => keep[i]);
  return {
    key,
    ArrayType,
    packed: true,
    shape: Object.freeze(shape.length ? shape : [1]),
    strides: Object.freeze(shape.length ? strides.filter((_, i) => keep[i]) : [1]),
    length: ((height - 1) * stride) / bps + width * channels,
  };
}

function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  const name = (value as { name?: unknown }).name;
  return `${value.constructor?.name ?? 'object'}${typeof name === 'string' ? ` "${name}"` : ''}`;
}

function forgetFinalized(): void {
  for (const id of native.elementTakeFinalized()) {
    instances.delete(id);
    frameErrors.delete(id);
  }
}

function instanceFor(id: number, classId: number): TsVideoElement {
  let instance = instances.get(id);
  if (!instance) {
    forgetFinalized();
    const entry = registered[classId - 1];
    constructing = id;
    try {
      instance = new entry.klass();
    } finally {
      constructing = 0;
    }
    instances.set(id, instance);
  }
  return instance;
}

// Called by the native side for every frame, on the JS thread, with the arguments src/native.ts
// names (ElementFrameArgs, typed from there). Returns an error message or nothing.
const dispatch: ElementDispatch = function dispatch(
  id,
  classId,
  format,
  pts,
  dts,
  duration,
  offset,
  bytes,
  width,
  height,
  stride,
  byteOffset,
  outBytes,
  outWidth,
  outHeight,
  outStride,
  outByteOffset,
  carried,
) {
  const objects: FrameObjects = { list: [], done: false };
  try {
    const instance = instanceFor(id, classId);
    const times = { format, pts: time(pts), dts: time(dts), duration: time(duration), offset: time(offset), objects: carried };
    const frame = instance.frameOf(0, bytes, width, height, stride, byteOffset, times, objects);
    let result: unknown;
    if (outBytes) {
      const out = instance.frameOf(1, outBytes, outWidth, outHeight, outStride, outByteOffset, times, objects);
      result = (instance as GstVideoTransform).transformFrame(frame, out);
    } else if (registered[classId - 1].analyzer) {
      result = (instance as GstVideoAnalyzer).analyzeFrame(frame);
    } else {
      result = (instance as GstVideoFilter).transformFrameIp(frame);
    }
    if (!isThenable(result)) return answer(objects);
    // Async: the native side waits for this promise (a native one, that never rejects).
    const token = {};
    pendingFrames.set(id, token);
    return Promise.resolve(result).then(
      () => {
        settledFrame(id, token);
        return answer(objects);
      },
      (error: unknown) => {
        settledFrame(id, token);
        objects.done = true;
        return failed(id, error);
      },
    );
  } catch (error) {
    objects.done = true;
    return failed(id, error);
  }
};

// Called by the native side when a resizing element negotiates its output size.
function outputSizeOf(id: number, classId: number, width: number, height: number): [number, number] | string {
  try {
    const size = (instanceFor(id, classId) as GstVideoTransform).outputSize(width, height);
    if (!Array.isArray(size) || size.length !== 2 || !size.every((n) => Number.isInteger(n) && n > 0))
      return `outputSize(${width}, ${height}) must return [width, height] of positive integers, got ${JSON.stringify(size)}`;
    return [size[0], size[1]];
  } catch (error) {
    return namedMessageOf(error);
  }
}

let initialised = false;

/** What filters and analyzers share: the instance <-> GStreamer element link, properties, frames. */
export abstract class TsVideoElement {
  /** @internal native instance id */
  readonly #id: number;
  #shapes: [FrameShape | null, FrameShape | null] = [null, null];

  constructor() {
    if (constructing === 0)
      throw new TypeError(
        `${new.target.name} is made by GStreamer: register it (registerElement) and use its elementName in a launch description or Gst.ElementFactory.make`,
      );
    this.#id = constructing;
  }

  /** @internal */
  get nativeId(): number {
    return this.#id;
  }

  /**
   * The TypeScript instance behind a GStreamer element of this class (e.g. from
   * `pipeline.getByName('fill')`): its properties and state. TypeError when it is not one.
   */
  static from<T extends TsVideoElement>(this: abstract new () => T, element: Gst.Element): T {
    const ids = native.elementIdOf(element);
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass from() is called on
    if (ids === null) throw new TypeError(`${describe(element)} is not an element of ${this.name}`);
    const [instanceId, classId] = ids;
    const instance = instanceFor(instanceId, classId);
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass from() is called on
    if (!(instance instanceof this)) throw new TypeError(`element "${element.name}" is a ${instance.constructor.name}, not a ${this.name}`);
    return instance;
  }

  /** @internal frame `which` (0: in, 1: out) over `bytes`; its addObject gathers into `objects` */
  frameOf(
    which: 0 | 1,
    bytes: ArrayBuffer,
    width: number,
    height: number,
    stride: number,
    byteOffset: number,
    times: {
      format: string;
      pts: number | null;
      dts: number | null;
      duration: number | null;
      offset: number | null;
      objects?: readonly ObjectInfo[];
    },
    objects: FrameObjects,
  ): VideoFilterFrame {
    const key = `${times.format} ${width} ${height} ${stride}`;
    let shape = this.#shapes[which];
    if (shape === null || shape.key !== key) shape = this.#shapes[which] = frameShape(key, times.format, width, height, stride);
    const data = shape.packed ? new shape.ArrayType(bytes, byteOffset, shape.length) : new Uint8Array(bytes);
    const addObject = (object: ObjectInfoInit): void => {
      if (objects.done) throw new GstStateError('frame.addObject: the frame is done (its function returned or its promise settled)');
      packObjects([object]); // throws naming the field
      const { boundingBox: b, confidence, className, trackId } = object;
      objects.list.push({ boundingBox: [b[0], b[1], b[2], b[3]], confidence, className, trackId });
    };
    const format = times.format;
    const tensor = ((options?: TensorOptions): FrameTensor => {
      if (!shape.packed) {
        throw new TypeError(
          `frame.toTensor: a ${format} frame in an element is planar; put "videoconvert ! video/x-raw,format=RGB" before the element`,
        );
      }
      const rowBytes = width * getNumChannels(format) * shape.ArrayType.BYTES_PER_ELEMENT;
      return toTensor({ data, format, width, height, planes: [{ offset: 0, stride, rowBytes, rows: height }] }, options);
    }) as VideoFilterFrame['toTensor'];
    return {
      data,
      shape: shape.packed ? shape.shape : [data.length],
      strides: shape.strides,
      width,
      height,
      ...times,
      addObject,
      toTensor: tensor,
    };
  }
}

/**
 * A video filter in TypeScript: `transformFrameIp` edits each frame in place. Subclass it, give
 * the statics of {@link ElementClassStatics}, and {@link registerElement} the class.
 */
export abstract class GstVideoFilter extends TsVideoElement {
  /**
   * Edits one frame in place; runs on the JS thread while the pipeline waits for it (until the
   * promise settles, when it returns one). A throw or a rejection fails the pipeline.
   */
  abstract transformFrameIp(frame: VideoFilterFrame): void | Promise<void>;
}

/**
 * A video transform in TypeScript whose output frame has another size (a crop, a scaler...):
 * `outputSize` gives it from the input size when caps are negotiated (at the start, before any
 * frame: set the properties it reads before PLAYING), and `transformFrame` fills the output
 * frame from the input frame. Same format on both sides.
 */
export abstract class GstVideoTransform extends TsVideoElement {
  /** The output `[width, height]` for an input size. Runs on the JS thread during negotiation. */
  abstract outputSize(width: number, height: number): [number, number];
  /** Writes `output` (every sample: it is new memory) from `input`; both valid only during the call (or until its promise settles). */
  abstract transformFrame(input: VideoFilterFrame, output: VideoFilterFrame): void | Promise<void>;
}

/**
 * A pass-through element that only reads frames (analytics, counters, probes with state, a model
 * run by an async `analyzeFrame`): frames flow on unchanged and their pixels are never copied.
 * `frame.data` must not be written; `frame.addObject` attaches what it found (a buffer held
 * elsewhere too goes on as a shallow copy, so that the objects can be written on it).
 */
export abstract class GstVideoAnalyzer extends TsVideoElement {
  /**
   * Reads one frame; runs on the JS thread while the pipeline waits for it (until the promise
   * settles, when it returns one). A throw or a rejection fails the pipeline.
   */
  abstract analyzeFrame(frame: VideoFilterFrame): void | Promise<void>;
}

function capsOf(name: string, formats: readonly string[]): string {
  if (!Array.isArray(formats) || formats.length === 0) throw new TypeError(`${name}: static formats must list at least one video format`);
  for (const format of formats)
    if (typeof format !== 'string' || GstVideo.videoFormatFromString(format) === GstVideo.VideoFormat.UNKNOWN)
      throw new TypeError(`${name}: unknown video format ${String(format)}`);
  return `video/x-raw,format=(string){${formats.join(',')}},width=(int)[1,2147483647],height=(int)[1,2147483647],framerate=(fraction)[0/1,2147483647/1]`;
}

/**
 * Registers an element class with GStreamer under its `elementName`, so that launch descriptions
 * and `Gst.ElementFactory.make` create it. Its properties become GObject properties (settable as
 * `ts_fill level=200`, checked by their range) and accessors on instances (`this.level`). A
 * name registered already is refused with a GstStateError. Returns the class.
 */
export function registerElement<C extends TsElementClass>(klass: C): C {
  const analyzer = klass.prototype instanceof GstVideoAnalyzer;
  const resize = klass.prototype instanceof GstVideoTransform;
  if (!analyzer && !resize && !(klass.prototype instanceof GstVideoFilter))
    throw new TypeError(`registerElement: ${klass.name} must extend GstVideoFilter, GstVideoAnalyzer or GstVideoTransform`);
  if (byClass.has(klass))
    throw new GstStateError(
      `registerElement: ${klass.name} is registered already (register a class once; Cls.from(element) finds its instances)`,
    );
  const name = klass.elementName;
  if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(name))
    throw new TypeError(`registerElement: ${klass.name} needs a static elementName of letters, digits, '_' and '-', got ${String(name)}`);
  const caps = capsOf(klass.name, klass.formats);
  const props = Object.entries(klass.properties ?? {}).map(([key, spec]) => nativePropertyDef(key, spec));
  const meta = klass.metadata ?? {};
  if (!initialised) {
    native.elementInit(dispatch, outputSizeOf);
    initialised = true;
  }
  const classId = native.defineElement({
    typeName: `GstTs_${name.replace(/-/g, '_')}`,
    elementName: name,
    longName: meta.longName ?? klass.name,
    klass: meta.klass ?? (analyzer ? 'Filter/Analyzer/Video' : 'Filter/Video'),
    description: meta.description ?? `${klass.name}, written in TypeScript`,
    author: meta.author ?? 'gstreamer-ts user',
    caps,
    passthrough: analyzer,
    resize,
    rank: klass.rank ?? 0,
    props,
  });
  registered[classId - 1] = { klass, props, analyzer };
  byClass.set(klass, classId);
  props.forEach((def, index) => {
    Object.defineProperty(klass.prototype, def.name, {
      configurable: true,
      enumerable: true,
      get(this: TsVideoElement) {
        return native.elementGet(this.nativeId, index);
      },
      set(this: TsVideoElement, value: unknown) {
        checkPropertyValue(def, value);
        native.elementSet(this.nativeId, index, value);
      },
    });
  });
  return klass;
}
