/**
 * Object-detection metadata on buffers (gstreamer-python's `gst_meta_write`, `gst_meta_get`,
 * `gst_meta_remove`): a list of objects carried by a Gst.Buffer as a GstMeta of its own.
 *
 * The meta is a real GStreamer meta, registered by the native addon: it travels with the buffer
 * through queue and tee (the same buffer) and through every element that copies metas into the
 * buffers it makes (videoconvert, videoscale, encoders and decoders, `buffer.copyDeep()`). It has no
 * tags, so elements that change the picture copy it unchanged: a bounding box stays in the pixels
 * of the frame it was written on (after a videoscale, scale it yourself).
 *
 * GStreamer's own analytics metadata (GstAnalyticsRelationMeta, GStreamer >= 1.24, in
 * libgstanalytics-1.0 of gst-plugins-bad) is written and read through the same functions where
 * GStreamer has it ({@link gstAnalyticsAvailable}): writing (here and `frame.addObject` in
 * elements) also adds an object-detection entry per object (class as the GQuark of the class
 * name, box rounded to whole pixels, confidence as a float32) and, for a `trackId` > 0, a
 * tracking entry related to it, so GStreamer's elements (`objectdetectionoverlay`) see the
 * objects. Reading returns the project's objects first, exactly as written, then the
 * object-detection entries the project did not write (an upstream element's), with the track id
 * of a related tracking entry (0 when none). No object comes twice: with its entries the project
 * writes a marker entry of its own ("GstTsObjects") listing them, which travels with the
 * analytics meta, and listed entries are left out while the project's meta is on the buffer too
 * (if an element dropped the project's meta, they are read from the analytics meta).
 * Replacing or removing objects replaces or removes a GstAnalyticsRelationMeta that holds
 * object-detection entries, with every other entry it holds (GStreamer cannot remove single
 * entries). Entries are written for the first 512 objects of a buffer (a relation meta keeps an
 * n x n matrix of relations); every object is in the project's meta.
 */
import { GstError } from './errors';
import { Gst } from './gi';
import { native } from './native';

/** One detected object, as {@link gstMetaGet} returns it. */
export interface ObjectInfo {
  /** `[x, y, width, height]` in pixels; x and y may be negative (a box partly off the frame) */
  readonly boundingBox: readonly [x: number, y: number, width: number, height: number];
  readonly confidence: number;
  /** any string, of any length */
  readonly className: string;
  /** 0 when none was written (as in gstreamer-python) */
  readonly trackId: number;
}

/** One object as {@link gstMetaWrite} takes it: an {@link ObjectInfo} whose `trackId` may be left out. */
export interface ObjectInfoInit {
  /** `[x, y, width, height]`: finite numbers, width and height >= 0 */
  readonly boundingBox: readonly [x: number, y: number, width: number, height: number];
  /** a finite number */
  readonly confidence: number;
  /** a string (well-formed: no lone surrogates) */
  readonly className: string;
  /** a safe integer; 0 when left out */
  readonly trackId?: number;
}

/** Numbers per object handed to the addon: x, y, width, height, confidence, trackId. */
const FIELDS = 6;
const BOX = ['x', 'y', 'width', 'height'] as const;
/** A lone surrogate (in a `u` regex, a well-formed pair is one code point and does not match). */
const LONE_SURROGATE = /\p{Cs}/u;

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value === null || typeof value !== 'object') return String(value);
  return value.constructor?.name ?? 'an object';
}

function requireBuffer(buffer: unknown, fn: string): asserts buffer is Gst.Buffer {
  if (!(buffer instanceof Gst.Buffer)) throw new TypeError(`${fn}: expected a Gst.Buffer, got ${show(buffer)}`);
}

function notWritable(fn: string): GstError {
  return new GstError(
    `${fn}: the Gst.Buffer is not writable (another reference holds it, e.g. a queue, a sample or a view): ` +
      'write metadata where the buffer is yours, such as in a pad probe, or on a copy (buffer.copyDeep())',
  );
}

function finite(value: unknown, field: string): number {
  if (typeof value !== 'number') throw new TypeError(`${field} must be a number, got ${show(value)}`);
  if (!Number.isFinite(value)) throw new RangeError(`${field} must be a finite number, got ${show(value)}`);
  return value;
}

/** Checks one object and appends its numbers at `numbers[index * FIELDS]`; returns its class name. */
function flatten(object: unknown, index: number, numbers: Float64Array): string {
  const at = `objects[${index}]`;
  if (object === null || typeof object !== 'object') throw new TypeError(`${at} must be an object, got ${show(object)}`);
  const { boundingBox, confidence, className, trackId } = object as Record<string, unknown>;
  if (!Array.isArray(boundingBox) || boundingBox.length !== 4)
    throw new TypeError(`${at}.boundingBox must be [x, y, width, height], got ${show(boundingBox)}`);
  const base = index * FIELDS;
  BOX.forEach((name, i) => {
    const field = `${at}.boundingBox[${i}] (${name})`;
    const value = finite(boundingBox[i], field);
    if (i >= 2 && value < 0) throw new RangeError(`${field} must be >= 0, got ${show(value)}`);
    numbers[base + i] = value;
  });
  numbers[base + 4] = finite(confidence, `${at}.confidence`);
  if (trackId !== undefined) {
    if (typeof trackId !== 'number') throw new TypeError(`${at}.trackId must be an integer, got ${show(trackId)}`);
    if (!Number.isSafeInteger(trackId)) throw new RangeError(`${at}.trackId must be a safe integer, got ${show(trackId)}`);
    numbers[base + 5] = trackId;
  }
  if (typeof className !== 'string') throw new TypeError(`${at}.className must be a string, got ${show(className)}`);
  if (LONE_SURROGATE.test(className))
    throw new RangeError(`${at}.className must be well-formed Unicode (it holds a lone surrogate), got ${show(className)}`);
  return className;
}

/**
 * Checks `objects` and packs them as the native side takes them (6 numbers per object, and the
 * class names); TypeError or RangeError naming the field and the value. @internal
 */
export function packObjects(objects: readonly unknown[]): [numbers: Float64Array, classNames: string[]] {
  const numbers = new Float64Array(objects.length * FIELDS);
  const classNames: string[] = [];
  // A loop, not map(): map skips the holes of a sparse array, which must be refused too.
  for (let index = 0; index < objects.length; index++) classNames.push(flatten(objects[index], index, numbers));
  return [numbers, classNames];
}

/**
 * Stores `objects` on `buffer`, replacing any objects it carried (it never appends; write `[]`
 * to keep the meta with no objects, {@link gstMetaRemove} to drop it). The objects are copied:
 * changing them afterwards changes nothing on the buffer.
 *
 * The buffer must be writable (only one reference to it): in a pad probe, or on a buffer of your
 * own. A shared one (held by a sample, a queue, a {@link gstBufferView}...) is refused with a
 * {@link GstError}; bad objects with a TypeError or RangeError naming the field and the value.
 * Nothing is changed when it throws.
 */
export function gstMetaWrite(buffer: Gst.Buffer, objects: readonly ObjectInfoInit[]): void {
  requireBuffer(buffer, 'gstMetaWrite');
  if (!Array.isArray(objects)) throw new TypeError(`gstMetaWrite: objects must be an array, got ${show(objects)}`);
  const [numbers, classNames] = packObjects(objects);
  if (!native.metaWrite(buffer, numbers, classNames)) throw notWritable('gstMetaWrite');
}

/**
 * The objects `buffer` carries, in the order they were written (new objects at each call), then
 * objects that only GStreamer's analytics metadata holds (see the module's notes); an empty array
 * when it carries none.
 */
export function gstMetaGet(buffer: Gst.Buffer): readonly ObjectInfo[] {
  requireBuffer(buffer, 'gstMetaGet');
  return native.metaGet(buffer) ?? [];
}

/**
 * Whether GStreamer's analytics metadata is written and read along with the project's: true
 * where libgstanalytics-1.0 (GStreamer >= 1.24) was found at run time, false otherwise (GStreamer
 * 1.22: the project's meta only; every function here works the same).
 */
export function gstAnalyticsAvailable(): boolean {
  return native.analyticsAvailable();
}

/**
 * Removes the objects metadata from `buffer` (and a GstAnalyticsRelationMeta holding
 * object-detection entries, where GStreamer has one). Returns true when there was some, false when
 * there was none. Throws a {@link GstError} when there is some but the buffer is not writable.
 */
export function gstMetaRemove(buffer: Gst.Buffer): boolean {
  requireBuffer(buffer, 'gstMetaRemove');
  const result = native.metaRemove(buffer);
  if (result < 0) throw notWritable('gstMetaRemove');
  return result > 0;
}
