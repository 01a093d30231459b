/**
 * The compiled part of gstreamer-ts (src/native/*.cc), typed and loaded with a clear error when
 * it (or node-gtk's own binary) was built for another Node.js. Internal: the public API wraps it.
 * Every function that takes a node-gtk object checks what it got (TypeError otherwise).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Gst, GstApp } from './gi';

/** Video layout read from caps by gst_video_info_from_caps. */
export interface NativeLayout {
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

/** [bytes, pts, dts, duration, offset (-1 = none), layout when the caps changed, bytes are a copy (planes packed tight)] */
export type NativeFrame = [ArrayBuffer, number, number, number, number, NativeLayout | null, boolean];

interface Native {
  /** the Node.js headers the addon was compiled against */
  builtFor: { node: string; modules: number };
  /** throws unless node-gtk's version and wrapper layout are the ones the addon reads */
  checkNodeGtk(version: string, buffer: Gst.Buffer, bufferSize: number, caps: Gst.Caps, capsText: string, element: Gst.Element, elementName: string): void;
  copyBuffer(buffer: Gst.Buffer): ArrayBuffer;
  /** bytes copied into JS-owned frames since the process started (every copy function counts) */
  copiedBytes(): number;
  videoLayout(caps: Gst.Caps): NativeLayout | null;
  /** the bytes (rows packed) and the layout (one object per caps, shared: do not change it) */
  copyVideo(buffer: Gst.Buffer, caps: Gst.Caps): [ArrayBuffer, NativeLayout | null];
  mapBuffer(buffer: Gst.Buffer, write: boolean, keepAlive: boolean): ArrayBuffer;
  mapMemory(memory: Gst.Memory, write: boolean): ArrayBuffer;
  release(bytes: ArrayBuffer): void;
  fillBuffer(buffer: Gst.Buffer, bytes: ArrayBufferView | ArrayBuffer, pts: number, dts: number, duration: number, offset: number): void;
  pushBytes(src: GstApp.AppSrc, bytes: ArrayBufferView | ArrayBuffer, pts: number, dts: number, duration: number, offset: number): number;
  pullFrames(sink: GstApp.AppSink, max: number, zeroCopy: boolean): NativeFrame[];
  notify(object: object, signal: string, callback: (count: number) => void, ref: boolean): number;
  notifyFlow(id: number, flow: number): void;
  unnotify(id: number): void;
  startGLib(): void;
  setStateAsync(element: Gst.Element, state: Gst.State): Promise<Gst.StateChangeReturn>;
  sendEosAsync(element: Gst.Element): Promise<number>;
  quietGLibCriticals(on: boolean): void;
  /**
   * The benchmark's copy limit: pulls samples until end of stream, copying each into one reused
   * buffer; the frame count and the checksum (middle byte of each frame, summed mod 2^32).
   */
  benchCopyLimit(sink: GstApp.AppSink): { frames: number; checksum: number };
}

const root = path.join(__dirname, '..');
const FIX = 'Run `npm rebuild` (or `bash scripts/setup.sh`) with this Node.js first on PATH to rebuild it';
/** Node.js majors by NODE_MODULE_VERSION (process.versions.modules), for readable messages. */
const MAJOR_OF_ABI: Record<string, string> = { '108': '18', '115': '20', '127': '22', '131': '23', '137': '24', '141': '25', '147': '26' };

function nodeName(modules: string | number, version?: string): string {
  const major = MAJOR_OF_ABI[String(modules)];
  const name = version !== undefined ? `Node.js ${version}` : major !== undefined ? `Node.js ${major}` : 'Node.js';
  return `${name} (ABI ${modules})`;
}

const RUNNING = nodeName(process.versions.modules, process.versions.node);

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The Node.js headers node-gyp compiled build/ against, from the build/config.gypi it wrote. */
function addonHeaders(): string | undefined {
  let gypi: string;
  try {
    gypi = fs.readFileSync(path.join(root, 'build', 'config.gypi'), 'utf8');
  } catch {
    return undefined;
  }
  const modules = /"node_module_version":\s*(\d+)/.exec(gypi)?.[1];
  const nodedir = /"nodedir":\s*"([^"]*)"/.exec(gypi)?.[1];
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
  if (modules === undefined) return undefined;
  return `${nodeName(modules, version)} headers${nodedir !== undefined ? ` from ${nodedir}` : ''}`;
}

/**
 * A load failure of a native binary explained: which Node.js it was built for, which one is
 * running, and the command that fixes it (docs/node-gtk.md, "Switching Node.js versions").
 */
function loadError(what: string, builtFor: string | undefined, error: unknown): Error {
  const text = message(error);
  let why: string;
  if (/undefined symbol/.test(text)) {
    why = `${what} was compiled against ${builtFor ?? 'the headers of another Node.js'}, not those of the running ${RUNNING}`;
  } else if (/NODE_MODULE_VERSION|Cannot find module/.test(text)) {
    why = `${what} was built for ${builtFor ?? 'another Node.js'}; the running ${RUNNING} needs its own build`;
  } else {
    return error instanceof Error ? error : new Error(text);
  }
  return new Error(`gstreamer-ts: ${why}. ${FIX}. (${text.split('\n')[0]})`, { cause: error });
}

function loadAddon(): Native {
  const file = path.join(root, 'build', 'Release', 'gstreamer_ts.node');
  let addon: Native;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    addon = require(file) as Native;
  } catch (error) {
    throw loadError('the gstreamer-ts addon (build/Release/gstreamer_ts.node)', addonHeaders(), error);
  }
  if (String(addon.builtFor.modules) !== process.versions.modules) {
    throw loadError('the gstreamer-ts addon', nodeName(addon.builtFor.modules, addon.builtFor.node), new Error('NODE_MODULE_VERSION mismatch'));
  }
  return addon;
}

/** node-gtk, loaded with the same explanation when its binary is not built for this Node.js. */
export function requireNodeGtk(): unknown {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('node-gtk') as unknown;
  } catch (error) {
    let built: string | undefined;
    try {
      const dirs = fs.readdirSync(path.join(path.dirname(require.resolve('node-gtk/package.json')), 'lib', 'binding'));
      const abis = dirs.map((d) => /^node-v(\d+)-/.exec(d)?.[1]).filter((abi): abi is string => abi !== undefined);
      if (abis.length > 0) built = abis.map((abi) => nodeName(abi)).join(' and ');
    } catch {
      // no binding folder at all
    }
    throw loadError("node-gtk's binary (node_modules/node-gtk/lib/binding)", built, error);
  }
}

export const native: Native = loadAddon();
