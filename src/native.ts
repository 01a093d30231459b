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

/** A bus message as watchBus hands it over: [type, text, debug, source name, error domain, error code, source's location]. */
export type NativeBusMessage = [number, string | null, string | null, string | null, string | null, number, string | null];

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
  /** EOS, ERROR and WARNING messages of the pipeline's bus, without a node-gtk wrapper of the bus. */
  watchBus(pipeline: Gst.Element, callback: (message: NativeBusMessage) => void): number;
  unwatchBus(id: number): void;
  popBusError(pipeline: Gst.Element): NativeBusMessage | null;
  detachBus(pipeline: Gst.Element): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const native: Native = require(path.join(__dirname, '..', 'build', 'Release', 'gstreamer_ts.node')) as Native;
