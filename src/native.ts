/**
 * The compiled part of gstreamer-ts (src/native/addon.cc), typed. Internal: the public API wraps it.
 * Every function that takes a node-gtk object checks what it got (TypeError otherwise).
 */
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
}

/** [bytes, pts, dts, duration, offset (-1 = none), layout when the caps changed] */
export type NativeFrame = [ArrayBuffer, number, number, number, number, NativeLayout | null];

interface Native {
  copyBuffer(buffer: Gst.Buffer): ArrayBuffer;
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
  // elements written in TypeScript (src/native/element.cc)
  elementInit(dispatch: ElementDispatch, sizeFn: ElementSizeFn): void;
  defineElement(spec: NativeElementSpec): number;
  elementGet(instanceId: number, propIndex: number): number | boolean | string | null;
  elementSet(instanceId: number, propIndex: number, value: unknown): void;
  /** [instanceId, classId] of an element defined here, or null */
  elementIdOf(element: Gst.Element): [number, number] | null;
  elementTakeFinalized(): number[];
}

/**
 * Called on the JS thread for each frame of an element written in TypeScript (the out-frame
 * arguments only for resizing elements); returns an error message or nothing.
 */
export type ElementDispatch = (
  instanceId: number,
  classId: number,
  format: string,
  pts: number,
  dts: number,
  duration: number,
  offset: number,
  bytes: ArrayBuffer,
  width: number,
  height: number,
  stride: number,
  byteOffset: number,
  outBytes: ArrayBuffer | null,
  outWidth: number,
  outHeight: number,
  outStride: number,
  outByteOffset: number,
) => string | undefined;

/** Called on the JS thread when a resizing element negotiates: [width, height] out, or an error message. */
export type ElementSizeFn = (instanceId: number, classId: number, width: number, height: number) => [number, number] | string;

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

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const native: Native = require(path.join(__dirname, '..', 'build', 'Release', 'gstreamer_ts.node')) as Native;
