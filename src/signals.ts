/**
 * Signal handlers that cannot hang or kill the process.
 *
 * - AppSink 'new-sample' (the tutorial's signal): node-gtk would run the handler by blocking
 *   GStreamer's streaming thread until the JS thread is free, and hang when libuv has nothing
 *   else to do (NOTES facts 1, 13). Here a native handler only wakes the JS thread; the JS side
 *   pulls the samples that are ready and calls the user's handlers, one call per sample, and
 *   `emit('pull-sample')` inside a handler returns that sample at once.
 * - A throw inside any element's signal handler (node-gtk exits the process: NOTES fact 3)
 *   fails the pipeline that owns the element instead.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { GObject, Gst, GstApp, gi } from './gi';
import { GstPipelineError } from './errors';
import { native } from './native';

/** What a pipeline wrapper offers to the handlers of its elements. @internal */
export interface PipelineOwner {
  fail(error: GstPipelineError): void;
}

// Kept after the pipeline ends (a late throw then goes to a pipeline that ignores it), weakly.
const owners = new WeakMap<Gst.Element, PipelineOwner>();

/** Registers the wrapper that answers for the errors of `pipeline`'s elements. @internal */
export function setOwner(pipeline: Gst.Element, owner: PipelineOwner): void {
  owners.set(pipeline, owner);
}

function ownerOf(element: Gst.Object): PipelineOwner | undefined {
  let node: Gst.Object | null = element;
  while (node) {
    const owner = owners.get(node as Gst.Element);
    if (owner) return owner;
    node = node.getParent();
  }
  return undefined;
}

function reportThrow(element: Gst.Object, signal: string, error: unknown): void {
  const reason = error instanceof Error ? error.message : String(error);
  const failure = new GstPipelineError(`'${signal}' handler threw: ${reason}`, null, element.name, { cause: error });
  const owner = ownerOf(element);
  if (owner) owner.fail(failure);
  else console.error(failure);
}

/**
 * What a handler that threw returns in its place: node-gtk must still convert a value of the
 * signal's return type (undefined for a gboolean signal kills the process). A flow stops the
 * stream (ERROR); other types get their zero.
 */
function fallbackReturn(instance: GObject.Object, signal: string): unknown {
  const id = GObject.signalLookup(signal.split('::')[0], gi.getGType(instance));
  if (!id) return undefined;
  const returnType = GObject.signalQuery(id).returnType;
  if (GObject.typeName(returnType) === 'GstFlowReturn') return Gst.FlowReturn.ERROR;
  switch (GObject.typeName(GObject.typeFundamental(returnType))) {
    case 'void':
      return undefined;
    case 'gboolean':
      return false;
    case 'gint64':
    case 'guint64':
      return 0n;
    case 'gchar':
    case 'guchar':
    case 'gint':
    case 'guint':
    case 'glong':
    case 'gulong':
    case 'gfloat':
    case 'gdouble':
    case 'GEnum':
    case 'GFlags':
      return 0;
    default:
      return null;
  }
}

/** Most samples handled in one turn of the event loop, so timers, bus messages and Ctrl-C keep flowing. */
const SAMPLES_PER_TURN = 64;
/** Samples an appsink may hold when the user set no bound: a slow handler holds the pipeline back. */
const DEFAULT_MAX_BUFFERS = 4;

type SampleHandler = () => unknown;

/**
 * A young-generation collection, on request. The node-gtk wrappers a handler makes of a sample
 * (the Gst.Sample, its Gst.Buffer, its Gst.Caps) each hold a reference to GStreamer's buffer
 * until V8 collects them; Python drops such references when the handler returns. Left to V8's
 * own pace, the references pile up, the source's buffer pool keeps allocating fresh frames and
 * every frame costs page faults (3x slower at 640x480, 4x at 1080p, measured). A minor
 * collection after each batch of samples gives the buffers back while they are still in cache.
 */
const collectYoung: () => void = (() => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as (options: { type: 'minor' }) => void;
  return () => gc({ type: 'minor' });
})();

/** The new-sample handlers of one appsink, and the sample being handed to them. */
class SampleDispatch {
  private readonly handlers = new Map<number, SampleHandler>();
  private readonly notifier: number;
  /** the sample `emit('pull-sample')` returns inside a handler */
  current: Gst.Sample | null = null;
  private scheduled = false;
  private failed = false;

  constructor(private readonly sink: GstApp.AppSink) {
    if (sink.maxBuffers === 0) sink.maxBuffers = DEFAULT_MAX_BUFFERS;
    this.notifier = native.notify(sink, 'new-sample', () => this.drain(), false);
  }

  add(id: number, handler: SampleHandler): void {
    this.handlers.set(id, handler);
    // Samples may already wait in the sink (the pipeline started before the handler was connected).
    this.schedule();
  }

  remove(id: number): boolean {
    const had = this.handlers.delete(id);
    if (this.handlers.size === 0) this.close();
    return had;
  }

  close(): void {
    dispatches.delete(this.sink);
    for (const id of this.handlers.keys()) dispatchById.delete(id);
    native.unnotify(this.notifier);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  /** Hands every sample ready in the sink to the handlers (a bounded batch per turn). */
  drain(limit = SAMPLES_PER_TURN): void {
    if (this.failed || !this.sink.emitSignals) return;
    let delivered = 0;
    try {
      while (delivered < limit) {
        const sample = this.sink.tryPullSample(0);
        if (!sample) return;
        delivered++;
        this.deliver(sample);
        if (this.failed) return;
      }
      this.schedule();
    } finally {
      if (delivered > 0) collectYoung();
    }
  }

  /** Drains everything, however long it takes: before a pipeline is torn down at end of stream. */
  drainAll(): void {
    this.drain(Number.POSITIVE_INFINITY);
  }

  private deliver(sample: Gst.Sample): void {
    for (const handler of [...this.handlers.values()]) {
      this.current = sample;
      let flow: unknown;
      try {
        flow = handler();
      } catch (error) {
        this.current = null;
        this.failed = true;
        native.notifyFlow(this.notifier, Gst.FlowReturn.ERROR);
        reportThrow(this.sink, 'new-sample', error);
        return;
      }
      this.current = null;
      // A handler that answers with a flow other than OK stops the stream, as it would in C.
      if (typeof flow === 'number' && flow !== Gst.FlowReturn.OK) native.notifyFlow(this.notifier, flow);
    }
  }
}

const dispatches = new Map<GstApp.AppSink, SampleDispatch>();
/** ids of our handlers: negative, so they never collide with GLib's (positive) handler ids */
let nextHandlerId = -1;
const dispatchById = new Map<number, SampleDispatch>();

/** Hands every sample still in the appsinks of `elements` to their handlers. @internal */
export function drainSampleHandlers(elements: Iterable<Gst.Element>): void {
  for (const element of elements) dispatches.get(element as GstApp.AppSink)?.drainAll();
}

/** Drops the handlers of these appsinks (the pipeline is being torn down). @internal */
export function closeSampleHandlers(elements: Iterable<Gst.Element>): void {
  for (const element of elements) dispatches.get(element as GstApp.AppSink)?.close();
}

type Connect = (this: Gst.Element, signal: string, handler: (...args: unknown[]) => unknown, after?: boolean) => number;
type Disconnect = (this: Gst.Element, id: number) => unknown;
type Emit = (this: Gst.Element, signal: string, ...args: unknown[]) => unknown;

interface SignalMethods {
  connect: Connect;
  disconnect: Disconnect;
  emit: Emit;
}

function install(): void {
  const elementProto = Gst.Element.prototype as unknown as SignalMethods;
  const sinkProto = GstApp.AppSink.prototype as unknown as SignalMethods;
  const gobjectConnect = elementProto.connect;
  const gobjectDisconnect = elementProto.disconnect;
  const gobjectEmit = elementProto.emit;

  Object.defineProperty(elementProto, 'connect', {
    configurable: true,
    writable: true,
    value: function connect(this: Gst.Element, signal: string, handler: (...args: unknown[]) => unknown, after?: boolean) {
      if (typeof handler !== 'function') throw new TypeError(`connect('${signal}', handler): handler must be a function`);
      const element = this;
      const guarded = function (this: unknown, ...args: unknown[]): unknown {
        try {
          return handler.apply(this, args);
        } catch (error) {
          reportThrow(element, signal, error);
          return fallbackReturn(element, signal);
        }
      };
      return gobjectConnect.call(this, signal, guarded, after);
    },
  });

  // Pad probes run on streaming threads too; a throw there would end the process as well.
  type ProbeCallback = (pad: Gst.Pad, info: Gst.PadProbeInfo, userData: unknown) => Gst.PadProbeReturn;
  const padProto = Gst.Pad.prototype as unknown as { addProbe: (this: Gst.Pad, mask: Gst.PadProbeType, fn: ProbeCallback) => bigint };
  const gstAddProbe = padProto.addProbe;
  Object.defineProperty(padProto, 'addProbe', {
    configurable: true,
    writable: true,
    value: function addProbe(this: Gst.Pad, mask: Gst.PadProbeType, callback: ProbeCallback) {
      if (typeof callback !== 'function') throw new TypeError('addProbe(mask, callback): callback must be a function');
      const guarded: ProbeCallback = (pad, info, userData) => {
        try {
          return callback(pad, info, userData);
        } catch (error) {
          reportThrow(pad.getParentElement() ?? pad, 'pad probe', error);
          return Gst.PadProbeReturn.REMOVE;
        }
      };
      return gstAddProbe.call(this, mask, guarded);
    },
  });

  Object.defineProperty(sinkProto, 'connect', {
    configurable: true,
    writable: true,
    value: function connect(this: GstApp.AppSink, signal: string, handler: (...args: unknown[]) => unknown, after?: boolean) {
      if (signal !== 'new-sample') return elementProto.connect.call(this, signal, handler, after);
      if (typeof handler !== 'function') throw new TypeError(`connect('${signal}', handler): handler must be a function`);
      let dispatch = dispatches.get(this);
      if (!dispatch) {
        dispatch = new SampleDispatch(this);
        dispatches.set(this, dispatch);
      }
      const id = nextHandlerId--;
      dispatchById.set(id, dispatch);
      dispatch.add(id, handler);
      return id;
    },
  });

  Object.defineProperty(sinkProto, 'disconnect', {
    configurable: true,
    writable: true,
    value: function disconnect(this: GstApp.AppSink, id: number) {
      const dispatch = dispatchById.get(id);
      if (!dispatch) return gobjectDisconnect.call(this, id);
      dispatchById.delete(id);
      dispatch.remove(id);
      return id;
    },
  });

  Object.defineProperty(sinkProto, 'emit', {
    configurable: true,
    writable: true,
    value: function emit(this: GstApp.AppSink, signal: string, ...args: unknown[]) {
      if (signal === 'pull-sample') {
        const dispatch = dispatches.get(this);
        if (dispatch?.current) {
          const sample = dispatch.current;
          dispatch.current = null;
          return sample;
        }
      }
      return gobjectEmit.call(this, signal, ...args);
    },
  });
}

install();
