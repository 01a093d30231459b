// Must compile (the control for the other snippets): the same calls, written as node-gtk wants them.
import { GLib, type GObject, Gst, GstApp, GstBase, gi } from '../../src/gi';
import type { GstPipeline } from '../../src/pipeline';

declare const pipeline: GstPipeline;
declare const buffer: Gst.Buffer;

export const fiveSeconds: bigint = Gst.SECOND * 5n;
export const pts: bigint = buffer.pts;
export const version: string = Gst.versionString();

const sink: GstApp.AppSink = pipeline.getByCls(GstApp.AppSink)[0];
export const sample: Gst.Sample | null = sink.pullSample();
const id: number = sink.connect('new-sample', () => Gst.FlowReturn.OK);
export const disconnected: number = sink.disconnect(id);
sink.on('eos', () => undefined).once('notify::caps', (pspec: GObject.ParamSpec) => pspec.getName());
export const pulled: Gst.Sample | null = sink.emit('try-pull-sample', 5n * Gst.MSECOND);
export const pulledNumber: Gst.Sample | null = sink.emit('try-pull-sample', 0);
// a signal the typelibs do not know (an element made by name): arguments are unknown
sink.connect('some-plugin-signal', (...args: unknown[]) => args.length);

const src = new GstApp.AppSrc();
src.isLive = true;
src.on('seek-data', (offset: bigint) => offset >= 0n);
src.on('need-data', (length: number) => void length);
export const flow: Gst.FlowReturn = src.emit('push-buffer', buffer);
export const eos: Gst.FlowReturn = src.emit('end-of-stream');
const asBaseSrc: GstBase.BaseSrc = src;
export const live: boolean = typeof asBaseSrc.isLive === 'boolean' ? asBaseSrc.isLive : asBaseSrc.isLive();

const bus: Gst.Bus = new Gst.Bus();
bus.on('message::eos', (message: Gst.Message) => message.type);

// a subclass overrides a vfunc by its virtual_ hook, with the parameters of its own base class
export class Transform extends GstBase.BaseTransform {
  override virtual_query(direction: Gst.PadDirection, query: Gst.Query): boolean {
    return direction === Gst.PadDirection.SRC && query.type === Gst.QueryType.LATENCY;
  }
}
export const element: Gst.Element = new Transform();

export const loop: GLib.MainLoop = GLib.MainLoop.new(null, false);
export const other: unknown = gi.require('GstRtspServer', '1.0');
export const gtype: bigint = gi.getGType(src);

// element typings: typed factories, launch names and camelCase, nicks, 64-bit as number or bigint
import { getProp as elementGetProp, makeElement as typedMake, setProps as typedSetProps } from '../../src/properties';
const typedSrc = typedMake('videotestsrc', 'src');
typedSrc.numBuffers = 10;
typedSrc.pattern = 18;
typedSetProps(typedSrc, { pattern: 'ball', isLive: true, 'timestamp-offset': 5, foregroundColor: 0xffffffff });
const typedLive: boolean = elementGetProp(typedSrc, 'is-live');
const typedOffset: bigint = elementGetProp(typedSrc, 'timestampOffset');
void typedLive;
void typedOffset;
const untyped: Gst.Element | null = Gst.ElementFactory.make('not-a-factory', 'x');
void untyped;
