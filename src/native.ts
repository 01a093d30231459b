/**
 * The compiled part of gstreamer-ts (src/native/*.cc), typed and loaded with a clear error when
 * it (or node-gtk's own binary) was built for another Node.js. Internal: the public API wraps it.
 * Every function that takes a node-gtk object checks what it got (TypeError otherwise).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { messageOf } from './errors';
import type { Gst, GstApp } from './gi';
import type { ObjectInfo } from './meta';

/** Video layout read from caps by gst_video_info_from_caps. */
export interface NativeLayout {
  media: 'video';
  format: string;
  width: number;
  height: number;
  /** bytes of one whole frame as GStreamer lays it out (with row padding) */
  size: number;
  fpsN: number;
  fpsD: number;
  /** one plane with a fixed pixel stride: rows can be packed to width * pixel bytes */
  packed: boolean;
  /** bytes of one row's pixels without padding (packed formats; 0 otherwise) */
  rowBytes: number;
  strides: number[];
  offsets: number[];
  /** bytes of the pixels of one row of each plane, tight (empty for tiled or complex formats) */
  planeRowBytes: number[];
  /** rows of each plane (empty for tiled or complex formats) */
  planeRows: number[];
}

/** Audio layout read from caps by gst_audio_info_from_caps (src/native/audio_layout.cc). */
export interface NativeAudioLayout {
  media: 'audio';
  /** GStreamer's name: 'S16LE', 'F32LE', 'U8'... */
  format: string;
  rate: number;
  channels: number;
  /** bytes per frame (one sample of every channel) */
  bpf: number;
  /** bits each sample takes in memory */
  width: number;
  /** bits of each sample that hold its value */
  depth: number;
  signed: boolean;
  float: boolean;
  littleEndian: boolean;
  /** false for `layout=non-interleaved` */
  interleaved: boolean;
}

/**
 * A frame as pullFrames hands it over (src/native/samples.cc fills it by the same names, its enum
 * FrameField; test/native-boundary.test.ts checks that the two agree).
 */
export type NativeFrame = [
  bytes: ArrayBuffer,
  /** nanoseconds, -1: none */
  pts: number,
  dts: number,
  duration: number,
  offset: number,
  /** when the caps changed (null: unchanged, or neither raw video nor raw audio) */
  layout: NativeLayout | NativeAudioLayout | null,
  /** the bytes are a copy (planes packed tight), not a view of GStreamer's memory */
  copied: boolean,
  /** the buffer's objects meta (undefined: none) */
  objects: ObjectInfo[] | undefined,
];

/** The layout a frame carries when the caps changed (NativeFrame's `layout`). */
export function frameLayout(frame: NativeFrame): NativeFrame[5] {
  return frame[5];
}

/**
 * A bus message as watchBus hands it over (src/native/bus.cc fills it by the same names, its enum
 * MessageField; test/native-boundary.test.ts checks that the two agree).
 */
export type NativeBusMessage = [
  /** Gst.MessageType */
  type: number,
  /** the GError's message (ERROR, WARNING) */
  text: string | null,
  debug: string | null,
  /** the source element's name */
  source: string | null,
  /** the GError's domain, as a string ('gst-resource-error-quark') */
  domain: string | null,
  code: number,
  /** the source's "location" property, when it has one (a file that is missing) */
  location: string | null,
];

/**
 * What sourceSilence answers (src/native/source_watch.cc fills it by the same names, its enum
 * SilenceField; test/native-boundary.test.ts checks that the two agree).
 */
export type SourceSilence = [
  /** ms since the watched sources' latest buffer (or the watch's start) */
  silentMs: number,
  /** the watched sources' names (empty: none found yet) */
  sources: string[],
  /** the pipeline's current state and its target (Gst.State) */
  state: number,
  target: number,
];

interface Native {
  /** the Node.js headers the addon was compiled against */
  builtFor: { node: string; modules: number };
  /** throws unless node-gtk's version and wrapper layout are the ones the addon reads */
  checkNodeGtk(
    version: string,
    buffer: Gst.Buffer,
    bufferSize: number,
    caps: Gst.Caps,
    capsText: string,
    element: Gst.Element,
    elementName: string,
  ): void;
  copyBuffer(buffer: Gst.Buffer): ArrayBuffer;
  /** Bytes copied into frames since the process started, by every thread. */
  copiedBytes(): number;
  /** Bytes copied into frames since the process started, by the calling thread. */
  copiedBytesOnThisThread(): number;
  videoLayout(caps: Gst.Caps): NativeLayout | null;
  audioLayout(caps: Gst.Caps): NativeAudioLayout | null;
  /** the bytes (rows packed) and the layout (one object per caps, shared: do not change it) */
  copyVideo(buffer: Gst.Buffer, caps: Gst.Caps): [ArrayBuffer, NativeLayout | null];
  /**
   * The buffer's bytes in place, unmapped when collected or released. `write`: a writable mapping
   * (the buffer must be writable); `keepAlive`: the view holds a reference to the buffer (read only).
   */
  mapBuffer(buffer: Gst.Buffer, options: { write: boolean; keepAlive: boolean }): ArrayBuffer;
  mapMemory(memory: Gst.Memory, options: { write: boolean }): ArrayBuffer;
  release(bytes: ArrayBuffer): void;
  fillBuffer(buffer: Gst.Buffer, bytes: ArrayBufferView | ArrayBuffer, pts: number, dts: number, duration: number, offset: number): void;
  pushBytes(src: GstApp.AppSrc, bytes: ArrayBufferView | ArrayBuffer, pts: number, dts: number, duration: number, offset: number): number;
  /**
   * From now on frames reaching the appsink are copied on the streaming thread, when their copy
   * is their bytes as they are; pullFrames then hands that copy out without copying again.
   */
  copyOnStream(sink: GstApp.AppSink): void;
  /** Up to `max` samples the appsink holds now; `zeroCopy`: views of GStreamer's memory where the layout allows. */
  pullFrames(sink: GstApp.AppSink, max: number, options: { zeroCopy: boolean }): NativeFrame[];
  /** Calls `callback` on the JS thread after emissions of `signal` on any thread; `ref`: keeps the event loop alive. */
  notify(object: object, signal: string, callback: (count: number) => void, options: { ref: boolean }): number;
  notifyFlow(id: number, flow: number): void;
  unnotify(id: number): void;
  startGLib(): void;
  stopGLib(): void;
  adoptNodeGtkLoop(start: () => void): boolean;
  setStateAsync(element: Gst.Element, state: Gst.State): Promise<Gst.StateChangeReturn>;
  sendEosAsync(element: Gst.Element): Promise<number>;
  quietGLibCriticals(on: boolean): void;
  /** replaces the buffer's objects (6 numbers each: x, y, width, height, confidence, trackId); false: not writable */
  metaWrite(buffer: Gst.Buffer, numbers: Float64Array, classNames: readonly string[]): boolean;
  /** the buffer's objects, or undefined when it carries no objects meta */
  metaGet(buffer: Gst.Buffer): ObjectInfo[] | undefined;
  /** 1 removed, 0 nothing to remove, -1 not writable */
  metaRemove(buffer: Gst.Buffer): number;
  /** whether GStreamer's analytics library (libgstanalytics-1.0, GStreamer >= 1.24) was found (src/native/analytics.cc) */
  analyticsAvailable(): boolean;
  /** every element factory of the registry, sorted (src/native/params.cc) */
  elementFactoryNames(): string[];
  /** the registry's facts of an element factory (properties, signals, pad templates), or null when not installed */
  describeElement(factory: string): ElementDescription | null;
  // elements written in TypeScript (src/native/element.cc)
  elementInit(dispatch: ElementDispatch, sizeFn: ElementSizeFn): void;
  defineElement(spec: NativeElementSpec): number;
  elementGet(instanceId: number, propIndex: number): number | boolean | string | null;
  elementSet(instanceId: number, propIndex: number, value: unknown): void;
  /** the ids of an element defined here, or null */
  elementIdOf(element: Gst.Element): [instanceId: number, classId: number] | null;
  elementTakeFinalized(): number[];
  /** flushes the element now: a frame whose promise is pending is dropped (src/native/element.cc) */
  elementDrop(instanceId: number): void;
  /**
   * The benchmark's copy limit: pulls samples until end of stream, copying each into one reused
   * buffer; the frame count and the checksum (middle byte of each frame, summed mod 2^32).
   */
  benchCopyLimit(sink: GstApp.AppSink): { frames: number; checksum: number };
  /** a frame into a tensor, as src/tensor.ts asks (params: its P layout); throws RangeError on bytes out of bounds */
  tensorConvert(src: ArrayBufferView, out: Float32Array | Uint8Array, params: Float64Array): void;
  /** the benchmark's bound: ms to read `input` once and write `outputBytes` once (mean of `reps`) */
  tensorBandwidthBound(input: ArrayBufferView, outputBytes: number, reps: number): number;
  /** EOS, ERROR and WARNING messages of the pipeline's bus, without a node-gtk wrapper of the bus. */
  watchBus(pipeline: Gst.Element, callback: (message: NativeBusMessage) => void): number;
  unwatchBus(id: number): void;
  popBusError(pipeline: Gst.Element): NativeBusMessage | null;
  detachBus(pipeline: Gst.Element): void;
  /** Starts timing the silence of the pipeline's network sources (with `live`, of its live sources too). */
  watchSources(pipeline: Gst.Bin, options: { live: boolean }): number;
  /** How long the watched sources have been silent; with `restart` (or while the target is not PLAYING) silence restarts now. */
  sourceSilence(id: number, options: { restart: boolean }): SourceSilence;
  unwatchSources(id: number): void;
}

/**
 * A frame's answer to the native side: nothing, an error message, or the objects the frame
 * function attached (6 numbers each, as metaWrite takes them, and their class names).
 */
export type ElementFrameResult = string | undefined | [numbers: Float64Array, classNames: string[]];

/**
 * The arguments of one frame's call into JS, by position (a call with arguments costs nothing
 * per frame, where an object would be made for each). The one description of that call:
 * src/native/element.cc fills them by the same names (its enum FrameArg), and
 * test/native-boundary.test.ts checks that the two lists agree.
 */
export type ElementFrameArgs = [
  instanceId: number,
  classId: number,
  /** GStreamer's name of the video format ('RGB') */
  format: string,
  /** nanoseconds, -1: none */
  pts: number,
  dts: number,
  duration: number,
  offset: number,
  /** the mapped frame, detached when the call (or its promise) ends */
  bytes: ArrayBuffer,
  width: number,
  height: number,
  /** of plane 0, in bytes */
  stride: number,
  /** where plane 0 starts in `bytes` */
  byteOffset: number,
  /** a resizing element's output frame; null and zeros for the others */
  outBytes: ArrayBuffer | null,
  outWidth: number,
  outHeight: number,
  outStride: number,
  outByteOffset: number,
  /** the buffer's objects meta as metaGet reads it, undefined when it carries none */
  objects: ObjectInfo[] | undefined,
];

/**
 * Called on the JS thread for each frame of an element written in TypeScript; returns its
 * answer, or a promise of it when the frame function is async (the promise never rejects).
 */
export type ElementDispatch = (...args: ElementFrameArgs) => ElementFrameResult | Promise<ElementFrameResult>;

/** Called on the JS thread when a resizing element negotiates: [width, height] out, or an error message. */
export type ElementSizeFn = (instanceId: number, classId: number, width: number, height: number) => [number, number] | string;

/** One GParamSpec of an element, as src/native/params.cc reads it. */
export interface ParamDescription {
  name: string;
  nick: string | null;
  blurb: string | null;
  /** the type that installed it ('GstBaseSrc') */
  owner: string;
  /** GType name of the value ('GstVideoTestSrcPattern') and of its fundamental type ('GEnum') */
  valueType: string;
  fundamental: string;
  readable: boolean;
  writable: boolean;
  constructOnly: boolean;
  deprecated: boolean;
  /** enums and flags by nick, 64-bit integers as bigint, caps as a string; null where unknown */
  default: number | bigint | boolean | string | null;
  minimum: number | bigint | null;
  maximum: number | bigint | null;
  /** enum or flags values */
  values: { value: number; nick: string; name: string }[] | null;
}

/** One signal of an element, as src/native/params.cc reads it (types as GType names, 'void' for none). */
export interface SignalDescription {
  name: string;
  owner: string;
  action: boolean;
  returnType: string;
  returnFundamental: string;
  paramTypes: string[];
  paramFundamentals: string[];
}

/** What the registry knows of an element factory (src/native/params.cc). */
export interface ElementDescription {
  factory: string;
  typeName: string;
  longName: string | null;
  klass: string | null;
  description: string | null;
  plugin: string | null;
  /** GType names from the element's own type to GObject */
  ancestry: string[];
  interfaces: string[];
  properties: ParamDescription[];
  signals: SignalDescription[];
  padTemplates: {
    name: string;
    direction: 'src' | 'sink' | 'unknown';
    presence: 'always' | 'sometimes' | 'request';
    caps: string | null;
  }[];
}

/** An element class as the native side registers it. */
export interface NativeElementSpec {
  typeName: string;
  elementName: string;
  longName: string;
  klass: string;
  description: string;
  author: string;
  caps: string;
  passthrough: boolean;
  resize: boolean;
  rank: number;
  props: ReadonlyArray<{ name: string; nick: string; blurb: string; kind: string; minimum: number; maximum: number; default: unknown }>;
}

const root = path.join(__dirname, '..');
const FIX =
  'Fix: `bash scripts/setup.sh` (rebuilds node-gtk and the addon for the Node.js first on PATH, against its own headers) or `npm rebuild`';
/** Node.js majors by NODE_MODULE_VERSION (process.versions.modules), for readable messages. */
const MAJOR_OF_ABI: Record<string, string> = { '108': '18', '115': '20', '127': '22', '131': '23', '137': '24', '141': '25', '147': '26' };

/** "Node.js 24.22.3 (ABI 137)", or "Node.js 24 (ABI 137)" when only the ABI is known. */
function nodeName(modules: string | number, version?: string, headers?: string): string {
  const major = MAJOR_OF_ABI[String(modules)];
  const name = version !== undefined ? `Node.js ${version}` : major !== undefined ? `Node.js ${major}` : 'Node.js';
  return `${name} (ABI ${modules}${headers !== undefined ? `, headers in ${headers}` : ''})`;
}

const RUNNING = nodeName(process.versions.modules, process.versions.node);

/** The Node.js whose headers node-gyp compiled `buildDir` against, from the config.gypi it wrote there. */
function headersOf(buildDir: string): string | undefined {
  let gypi: string;
  try {
    gypi = fs.readFileSync(path.join(buildDir, 'config.gypi'), 'utf8');
  } catch {
    return undefined;
  }
  const modules = /"node_module_version":\s*(\d+)/.exec(gypi)?.[1];
  const nodedir = /"nodedir":\s*"([^"]*)"/.exec(gypi)?.[1];
  if (modules === undefined) return undefined;
  let version: string | undefined;
  if (nodedir !== undefined) {
    try {
      const header = fs.readFileSync(path.join(nodedir, 'include', 'node', 'node_version.h'), 'utf8');
      const part = (name: string): string | undefined => new RegExp(`#define NODE_${name}_VERSION (\\d+)`).exec(header)?.[1];
      if (part('MAJOR') !== undefined) version = `${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}`;
    } catch {
      // headers gone: the ABI number alone tells the story
    }
  }
  return nodeName(modules, version, nodedir);
}

/**
 * A load failure of a native binary explained: which Node.js it was built for, which one is
 * running, and the command that fixes it (docs/node-gtk.md, "Switching Node.js versions").
 * Other failures (a missing system library...) are passed on as they are.
 */
function loadError(what: string, builtFor: string | undefined, error: unknown): Error {
  const text = messageOf(error);
  if (!/undefined symbol|NODE_MODULE_VERSION|Cannot find module/.test(text)) return error instanceof Error ? error : new Error(text);
  const why = /undefined symbol/.test(text)
    ? `${what} was compiled against the headers of ${builtFor ?? 'another Node.js'}, not those of the running ${RUNNING}`
    : `${what} was built for ${builtFor ?? 'another Node.js'}; the running ${RUNNING} needs a build of its own`;
  return new Error(`gstreamer-ts: ${why}. ${FIX}. (${text.replace(/\s+/g, ' ').trim()})`, { cause: error });
}

function loadAddon(): Native {
  const file = path.join(root, 'build', 'Release', 'gstreamer_ts.node');
  let addon: Native;
  try {
    addon = require(file) as Native;
  } catch (error) {
    throw loadError('the gstreamer-ts addon (build/Release/gstreamer_ts.node)', headersOf(path.join(root, 'build')), error);
  }
  if (String(addon.builtFor.modules) !== process.versions.modules) {
    throw loadError(
      'the gstreamer-ts addon',
      nodeName(addon.builtFor.modules, addon.builtFor.node),
      new Error('NODE_MODULE_VERSION mismatch'),
    );
  }
  return addon;
}

/** The Node ABIs node-gtk has binaries for, from the folder names in its lib/binding. */
function nodeGtkBuilds(dir: string): string | undefined {
  try {
    const abis = fs.readdirSync(path.join(dir, 'lib', 'binding')).map((d) => /^node-v(\d+)-/.exec(d)?.[1]);
    const known = abis.filter((abi): abi is string => abi !== undefined);
    return known.length > 0 ? known.map((abi) => nodeName(abi)).join(' and ') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * node-gtk's binary built against another Node.js's headers passes the version check, then kills
 * the process that loads it ("symbol lookup error: ... undefined symbol"), which no try/catch
 * survives. So a binary this Node.js has not loaded before is first loaded in a child process;
 * a stamp in node_modules (this Node.js, the binary's size and time) skips that next time.
 */
function checkNodeGtkInChild(dir: string): void {
  const binary = path.join(dir, 'lib', 'binding', `node-v${process.versions.modules}-${process.platform}-${process.arch}`, 'node_gtk.node');
  let identity: string;
  try {
    const stat = fs.statSync(binary);
    identity = `${process.version} ${process.execPath} ${stat.size} ${stat.mtimeMs}`;
  } catch {
    return; // missing: the require below says so, catchably
  }
  const stamp = path.join(dir, '..', '.gstreamer-ts-node-gtk-loads');
  try {
    if (fs.readFileSync(stamp, 'utf8') === identity) return;
  } catch {
    // not checked yet
  }
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const child = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(dir)})`], { encoding: 'utf8' });
  const undefinedSymbol = /undefined symbol: \S+/.exec(child.stderr ?? '');
  if (child.status !== 0 && undefinedSymbol) {
    throw loadError(
      `node-gtk's binary (${path.relative(root, binary)})`,
      headersOf(path.join(dir, 'build')),
      new Error(undefinedSymbol[0]),
    );
  }
  if (child.status === 0) {
    try {
      fs.writeFileSync(stamp, identity);
    } catch {
      // read-only node_modules: check again next time
    }
  }
}

/** node-gtk, loaded with the same explanation when its binary is not built for this Node.js. */
export function requireNodeGtk(): unknown {
  const dir = path.dirname(require.resolve('node-gtk/package.json'));
  checkNodeGtkInChild(dir);
  try {
    return require('node-gtk') as unknown;
  } catch (error) {
    throw loadError(`node-gtk's binary (node_modules/node-gtk/lib/binding)`, nodeGtkBuilds(dir), error);
  }
}

export const native: Native = loadAddon();
