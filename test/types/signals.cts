// Must not compile: signal handlers and emits that do not match what node-gtk does with them.
import { type Gst, type GstApp, gi } from '../../src/gi';

declare const sink: GstApp.AppSink;
declare const src: GstApp.AppSrc;

// node-gtk converts a new-sample handler's result to a GstFlowReturn; a string kills the process.
// @ts-expect-error TS2769 Type 'string' is not assignable to type 'FlowReturn'.
sink.connect('new-sample', () => 'ok');

// @ts-expect-error TS2769 Type 'string' is not assignable to type 'FlowReturn'.
sink.on('new-sample', () => 'ok');

// a handler gets the signal's 64-bit arguments as bigint
// @ts-expect-error TS2769 Type 'bigint' is not assignable to type 'number'.
src.connect('seek-data', (offset: number) => offset > 0);

// try-pull-sample takes a timeout (node-gtk throws "Not enough arguments")
// @ts-expect-error TS2345 Argument of type '"try-pull-sample"' is not assignable to parameter of type 'never'.
sink.emit('try-pull-sample');

// what emit returns for an action signal is typed, so it cannot be mistaken for a buffer
// @ts-expect-error TS2322 Type 'Sample | null' is not assignable to type 'Buffer'.
export const pulled: Gst.Buffer = sink.emit('pull-sample');

// a namespace without generated typings is unknown, not any
const rtsp = gi.require('GstRtspServer', '1.0');
// @ts-expect-error TS18046 'rtsp' is of type 'unknown'.
export const server = new rtsp.RTSPServer();
