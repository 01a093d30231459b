/**
 * Signal handlers that cannot kill the process: a throw or a rejected promise inside any
 * element's or bus's signal handler or pad probe (node-gtk exits the process: docs/node-gtk.md,
 * 'A throw in a signal handler') fails the pipeline that owns the element instead, and the
 * handlers are let go when the pipeline ends. AppSink's 'new-sample' handlers run from the
 * sample engine (src/samples.ts). This module makes the guarded methods; src/patches.ts puts them
 * on node-gtk's classes.
 */
import { GObject, Gst, gi } from './gi';
import { describeValue, GstPipelineError, quotedMessageOf } from './errors';
import { isThenable } from './values';

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

/** A user's signal handler. @internal */
export type Callback = (...args: unknown[]) => unknown;

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
  if (!cells) {
    cells = new Set();
    cellsByOwner.set(owner, cells);
  }
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

/**
 * Fails the pipeline that owns `element` because a user callback threw or rejected: a
 * {@link GstPipelineError} with the user's error as `cause`; the pipeline ends its stream and
 * stops. Printed when no GstPipeline owns the element. @internal
 */
export function reportThrow(element: Gst.Object, signal: string, error: unknown, verb = 'threw'): void {
  const failure = new GstPipelineError(`'${signal}' handler ${verb}: ${quotedMessageOf(error)}`, null, element.name, { cause: error });
  const owner = ownerOf(element);
  if (owner) owner.fail(failure, { endOfStream: true });
  else console.error(failure);
}

/**
 * What a handler's result becomes: itself, unless it is a promise (an async handler). A promise
 * cannot be the answer of a signal; its rejection fails the pipeline like a throw
 * ({@link reportThrow}) and the signal gets the neutral answer at once: OK for a flow, the zero
 * of other types. Shared by every place that calls user callbacks from a signal. @internal
 */
export function guardResult(
  element: Gst.Object,
  signal: string,
  value: unknown,
  neutral: () => unknown = () => neutralReturn(element, signal),
): unknown {
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

/** A `connect` of node-gtk's (Gst.Element's, Gst.Bus's). @internal */
export type Connect = (this: Gst.Object, signal: string, handler: Callback, after?: boolean) => number;

/**
 * The `connect` src/patches.ts puts on Gst.Element and Gst.Bus in place of node-gtk's `connect`:
 * the user's handler goes in through {@link guardCallback}. Bus handlers (message::state-changed...)
 * run on the JS thread, element handlers on streaming threads too; a throw in either would end
 * the process. @internal
 */
export function guardedConnect(inherited: Connect): Connect {
  return function connect(this: Gst.Object, signal: string, handler: Callback, after?: boolean): number {
    if (typeof signal !== 'string') throw new TypeError(`connect(signal, handler): signal must be a string, got ${describeValue(signal)}`);
    if (typeof handler !== 'function')
      throw new TypeError(`connect('${signal}', handler): handler must be a function, got ${describeValue(handler)}`);
    return inherited.call(this, signal, guardCallback(this, signal, cellFor(this, handler)), after);
  };
}

type ProbeCallback = (pad: Gst.Pad, info: Gst.PadProbeInfo, userData: unknown) => Gst.PadProbeReturn;
/** Gst.Pad's `addProbe` as node-gtk has it. @internal */
export type AddProbe = (this: Gst.Pad, mask: Gst.PadProbeType, fn: ProbeCallback) => bigint;

/**
 * The `addProbe` src/patches.ts puts on Gst.Pad: pad probes run on streaming threads, where a
 * throw would end the process; a failing probe fails the pipeline and is removed. @internal
 */
export function guardedAddProbe(inherited: AddProbe): AddProbe {
  return function addProbe(this: Gst.Pad, mask: Gst.PadProbeType, callback: ProbeCallback): bigint {
    if (typeof mask !== 'number')
      throw new TypeError(`addProbe(mask, callback): mask must be Gst.PadProbeType flags, got ${describeValue(mask)}`);
    if (typeof callback !== 'function')
      throw new TypeError(`addProbe(mask, callback): callback must be a function, got ${describeValue(callback)}`);
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
    return inherited.call(this, mask, guarded);
  };
}
