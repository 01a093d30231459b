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
import { describeValue, GstPipelineError } from './errors';
import { native } from './native';

/** What a pipeline wrapper offers to the handlers of its elements. @internal */
export interface PipelineOwner {
  /** `endOfStream`: the stream still flows (a handler failed), end it first so muxers finish their files. */
  fail(error: GstPipelineError, options?: { endOfStream?: boolean }): void;
}

// Kept after the pipeline ends (a late throw then goes to a pipeline that ignores it), weakly.
const owners = new WeakMap<Gst.Object, PipelineOwner>();

/** Registers the wrapper that answers for the errors of `pipeline`'s elements. @internal */
export function setOwner(pipeline: Gst.Element | Gst.Bus, owner: PipelineOwner): void {
  owners.set(pipeline, owner);
}

function ownerOf(element: Gst.Object): PipelineOwner | undefined {
  let node: Gst.Object | null = element;
  while (node) {
    const owner = owners.get(node);
    if (owner) return owner;
    node = node.getParent();
  }
  return undefined;
}

type Callback = (...args: unknown[]) => unknown;

/**
 * A user callback, held for as long as the pipeline that runs it. node-gtk keeps every handler
 * ever connected in an array on the wrapper of the object it is connected to, disconnected or
 * not, and that wrapper stays alive while GStreamer holds the object (a bin holds its children, a
 * pipeline its bus): a handler that references the pipeline would keep it, its bus sockets and its
 * elements forever (docs/node-gtk.md, 'Object lifetimes'). node-gtk holds our guard, the guard holds
 * this cell, and the cell lets the user's callback go when the pipeline ends.
 */
interface HandlerCell {
  fn: Callback | null;
}

const cellsByOwner = new WeakMap<PipelineOwner, Set<HandlerCell>>();
const releasedOwners = new WeakSet<PipelineOwner>();

function cellFor(object: Gst.Object, fn: Callback): HandlerCell {
  const cell: HandlerCell = { fn };
  const owner = ownerOf(object);
  if (!owner) return cell; // not in a GstPipeline: lives as long as node-gtk keeps it
  if (releasedOwners.has(owner)) {
    cell.fn = null; // the pipeline has ended: nothing of it will run again
    return cell;
  }
  let cells = cellsByOwner.get(owner);
  if (!cells) cellsByOwner.set(owner, (cells = new Set()));
  cells.add(cell);
  return cell;
}

/** Lets go of every callback connected to the elements and pads of `owner` (it has ended). @internal */
export function releaseHandlers(owner: PipelineOwner): void {
  releasedOwners.add(owner);
  const cells = cellsByOwner.get(owner);
  cellsByOwner.delete(owner);
  if (cells) for (const cell of cells) cell.fn = null;
}

/** Longest part of a user's error message quoted in ours. */
const MAX_QUOTED = 500;

function reasonOf(error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  return reason.length > MAX_QUOTED ? `${reason.slice(0, MAX_QUOTED)}... (${reason.length} characters)` : reason;
}

/**
 * Fails the pipeline that owns `element` because a user callback threw or rejected: a
 * {@link GstPipelineError} with the user's error as `cause`; the pipeline ends its stream and
 * stops. Printed when no GstPipeline owns the element. @internal
 */
export function reportThrow(element: Gst.Object, signal: string, error: unknown, verb = 'threw'): void {
  const failure = new GstPipelineError(`'${signal}' handler ${verb}: ${reasonOf(error)}`, null, element.name, { cause: error });
  const owner = ownerOf(element);
  if (owner) owner.fail(failure, { endOfStream: true });
  else console.error(failure);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * What a handler's result becomes: itself, unless it is a promise (an async handler). A promise
 * cannot be the answer of a signal; its rejection fails the pipeline like a throw
 * ({@link reportThrow}) and the signal gets the neutral answer at once: OK for a flow, the zero
 * of other types. Shared by every place that calls user callbacks from a signal. @internal
 */
export function guardResult(element: Gst.Object, signal: string, value: unknown, neutral: () => unknown = () => neutralReturn(element, signal)): unknown {
  if (!isThenable(value)) return value;
  value.then(undefined, (error: unknown) => reportThrow(element, signal, error, 'rejected'));
  return neutral();
}

/** The zero of the signal's return type (what a handler that threw returns), or GST_FLOW_OK / ERROR for flows. */
function zeroReturn(instance: GObject.Object, signal: string, flow: Gst.FlowReturn): unknown {
  const id = GObject.signalLookup(signal.split('::')[0], gi.getGType(instance));
  if (!id) return undefined;
  const returnType = GObject.signalQuery(id).returnType;
  if (GObject.typeName(returnType) === 'GstFlowReturn') return flow;
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

/**
 * What a handler that threw returns in its place: node-gtk must still convert a value of the
 * signal's return type (undefined for a gboolean signal kills the process). A flow stops the
 * stream (ERROR); other types get their zero. @internal
 */
export function fallbackReturn(instance: GObject.Object, signal: string): unknown {
  return zeroReturn(instance, signal, Gst.FlowReturn.ERROR);
}

/** What a handler that cannot answer now (async, or let go at the end of its pipeline) returns: OK for a flow. @internal */
export function neutralReturn(instance: GObject.Object, signal: string): unknown {
  return zeroReturn(instance, signal, Gst.FlowReturn.OK);
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

/**
 * The function node-gtk holds for a user's signal handler: runs it from `cell`, turns a throw
 * or a rejected promise into the failure of the pipeline ({@link reportThrow}) and answers the
 * signal with a value of its type. Built outside `connect` so that it closes over nothing else.
 */
function guardCallback(element: Gst.Object, signal: string, cell: HandlerCell): Callback {
  return function (this: unknown, ...args: unknown[]): unknown {
    const fn = cell.fn;
    if (!fn) return neutralReturn(element, signal);
    try {
      return guardResult(element, signal, fn.apply(this, args));
    } catch (error) {
      cell.fn = null; // called again, it would fail again: the pipeline is ending already
      reportThrow(element, signal, error);
      return fallbackReturn(element, signal);
    }
  };
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
    value: function connect(this: Gst.Element, signal: string, handler: Callback, after?: boolean) {
      if (typeof signal !== 'string') throw new TypeError(`connect(signal, handler): signal must be a string, got ${describeValue(signal)}`);
      if (typeof handler !== 'function') throw new TypeError(`connect('${signal}', handler): handler must be a function, got ${describeValue(handler)}`);
      const guarded = guardCallback(this, signal, cellFor(this, handler));
      return gobjectConnect.call(this, signal, guarded, after);
    },
  });

  // Bus handlers (message::state-changed...) run on the JS thread; a throw there would end the process as well.
  const busProto = Gst.Bus.prototype as unknown as { connect: (this: Gst.Bus, signal: string, handler: Callback, after?: boolean) => number };
  const busConnect = busProto.connect;
  Object.defineProperty(busProto, 'connect', {
    configurable: true,
    writable: true,
    value: function connect(this: Gst.Bus, signal: string, handler: Callback, after?: boolean) {
      if (typeof signal !== 'string') throw new TypeError(`connect(signal, handler): signal must be a string, got ${describeValue(signal)}`);
      if (typeof handler !== 'function') throw new TypeError(`connect('${signal}', handler): handler must be a function, got ${describeValue(handler)}`);
      return busConnect.call(this, signal, guardCallback(this, signal, cellFor(this, handler)), after);
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
      if (typeof mask !== 'number') throw new TypeError(`addProbe(mask, callback): mask must be Gst.PadProbeType flags, got ${describeValue(mask)}`);
      if (typeof callback !== 'function') throw new TypeError(`addProbe(mask, callback): callback must be a function, got ${describeValue(callback)}`);
      const cell = cellFor(this, callback as Callback);
      const guarded: ProbeCallback = (pad, info, userData) => {
        const fn = cell.fn;
        // Let go when the pipeline ended (or the callback failed once): data passes, the probe goes.
        if (!fn) return Gst.PadProbeReturn.REMOVE;
        try {
          const result = guardResult(pad.getParentElement() ?? pad, 'pad probe', fn(pad, info, userData), () => Gst.PadProbeReturn.OK);
          return result as Gst.PadProbeReturn;
        } catch (error) {
          cell.fn = null;
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
