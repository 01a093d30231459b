/**
 * Signal handlers that cannot kill the process: a throw inside any element's signal handler or
 * pad probe (node-gtk exits the process: NOTES fact 3) fails the pipeline that owns the element
 * instead. AppSink's 'new-sample' handlers run from the sample engine (src/samples.ts).
 */
import { GObject, Gst, gi } from './gi';
import { GstPipelineError } from './errors';

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

/** Fails the pipeline that owns `element` with the handler's error (printed when none owns it). @internal */
export function reportThrow(element: Gst.Object, signal: string, error: unknown): void {
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

type Connect = (this: Gst.Element, signal: string, handler: (...args: unknown[]) => unknown, after?: boolean) => number;

interface SignalMethods {
  connect: Connect;
}

function install(): void {
  const elementProto = Gst.Element.prototype as unknown as SignalMethods;
  const gobjectConnect = elementProto.connect;

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
}

install();
