/**
 * The one engine that takes samples out of an appsink, for both ways of reading one: the
 * tutorial's `connect('new-sample', ...)` handlers and {@link GstVideoSource}.
 *
 * The way of a sample: the appsink queues it on GStreamer's streaming thread, where a native
 * handler only wakes the JS thread (it never waits for it: node-gtk's own cross-thread signals
 * block the streaming thread per frame and hang when libuv has nothing else to do, see
 * docs/node-gtk.md, 'Cross-thread signals'). On the JS thread the engine lets its consumer take
 * the samples that are ready, a bounded batch per turn of the event loop (so timers, bus
 * messages and Ctrl-C keep flowing), and comes back next turn while more may wait. A consumer
 * with no room left holds the stream back (the appsink fills up to `max-buffers`, then the
 * streaming thread waits) until it calls {@link SampleEngine.resume}.
 *
 * Both consumers share the appsink's bound ({@link SINK_MAX_BUFFERS} when the user set none),
 * the batch size and the way memory comes back ({@link SampleEngine.reclaim}).
 */
import { GstPipelineError } from './errors';
import { Gst, type GstApp } from './gi';
import { native } from './native';
import { collectGarbage } from './reclaim';
import { reportThrow } from './signals';

/** Most samples taken in one turn of the event loop. */
export const SAMPLES_PER_TURN = 64;
/**
 * Samples an appsink may hold when the user left it unbounded. Few: each held sample is a buffer
 * the source's pool cannot reuse, and a pool cycling through many buffers writes every frame to
 * memory out of cache (measured: 1 or 2 held is ~2x faster than 8).
 */
export const SINK_MAX_BUFFERS = 2;
/**
 * The same bound once the engine copies frames on the streaming thread ({@link
 * SampleEngine.copyOnStream}): the appsink then holds copies, not the source's buffers, and a
 * little more room lets the two threads overlap (measured: 1080p copies ~10% faster than at 2).
 */
export const STREAM_COPY_MAX_BUFFERS = 4;

/** What reads the samples of one appsink. */
export interface SampleConsumer {
  /** Samples it can take now: 0 holds the stream back until {@link SampleEngine.resume}. */
  room(): number;
  /**
   * Takes up to `limit` samples out of the appsink; returns how many it took (fewer: none left).
   * Calls {@link SampleEngine.reclaim} after each sample whose frame lives until garbage
   * collection (a copy, node-gtk wrappers).
   */
  take(limit: number): number;
}

/**
 * A young-generation collection, on request. What a consumer makes of a sample (a copy of the
 * frame; node-gtk's wrappers of the Gst.Sample, Gst.Buffer and Gst.Caps, each holding a
 * reference to GStreamer's buffer) lives until V8 collects it; Python frees such things at their
 * last reference. Left to V8's own pace, frames pile up (V8 sees a frame as a few bytes of heap):
 * the source's buffer pool keeps allocating fresh buffers, copies land in fresh memory, and every
 * frame page-faults (measured: 3x slower at 640x480, 4x at 1080p, and hundreds of MB of RSS). A
 * minor collection once every {@link COLLECT_EVERY_BYTES} of copies (and {@link
 * COLLECT_AFTER_SAMPLES} samples; or {@link COLLECT_EVERY_SAMPLES} samples) gives back every
 * frame the user no longer holds, so the native frame pool recycles it instead of the kernel
 * mapping new pages; it costs about as much as one small copy (few young objects survive). A
 * frame the user keeps is untouched.
 */
// Stryker disable next-line ObjectLiteral,StringLiteral: V8 takes any options object without type 'major' for a minor collection
const collectYoung = (): void => collectGarbage({ type: 'minor' });

/** Copies between two collections: well inside the native frame pool (64 MB), so frames recycle. */
const COLLECT_EVERY_BYTES = 8 * 1024 * 1024;
/**
 * Samples at least between two collections. V8 moves what survives two young collections to the
 * old generation, freed only by a full collection: a frame queued ahead of pop() (GstVideoSource
 * keeps 2 ahead) must see at most one, or large frames pile up in the old generation, out of the
 * pool, into fresh memory (measured at 1080p with a collection every ~2 samples: 1.4x the CPU per
 * frame and 30% more RSS).
 */
const COLLECT_AFTER_SAMPLES = 4;
/** Samples between two collections when the handlers copy little (node-gtk wrappers hold buffers). */
const COLLECT_EVERY_SAMPLES = 64;

/** Copies smaller than this stay on the JS thread: the probe costs more than they do. */
const STREAM_COPY_MIN_BYTES = 64 * 1024;

/**
 * Copies since the last collection past which {@link SampleEngine.reclaim} collects at once rather
 * than at the end of the turn: a long turn (a backlog drained in one go) must not pile up frames.
 */
const COLLECT_NOW_BYTES = 4 * COLLECT_EVERY_BYTES;

/** Process-wide: one collection serves every appsink. */
const reclaimer = { bytesAt: 0, samples: 0, scheduled: false };

function collect(): void {
  collectYoung();
  reclaimer.samples = 0;
  reclaimer.bytesAt = native.copiedBytes();
  reclaimer.scheduled = false;
}

/** Pulls the samples of one appsink into one consumer. */
export class SampleEngine {
  private notifier: number;
  private scheduled = false;
  /** the appsink's bound is ours, not the user's */
  private readonly boundIsOurs: boolean;
  private copying = false;

  constructor(
    readonly sink: GstApp.AppSink,
    private readonly consumer: SampleConsumer,
  ) {
    this.boundIsOurs = sink.maxBuffers === 0;
    if (this.boundIsOurs) sink.maxBuffers = SINK_MAX_BUFFERS;
    // Stryker disable next-line ObjectLiteral: notify() reads a missing ref as false, the same
    this.notifier = native.notify(sink, 'new-sample', () => this.drain(), { ref: false });
  }

  /**
   * From now on frames are copied on the streaming thread as they reach the appsink, and the
   * copies this consumer makes (src/buffer.ts, pullFrames) take those instead of copying on the
   * JS thread: the copy runs in parallel with JavaScript, where the frame was just written
   * (src/native/stream_copy.cc). For consumers that copy every frame. Idempotent.
   */
  copyOnStream(): void {
    if (this.copying || this.closed) return;
    this.copying = true;
    native.copyOnStream(this.sink);
    if (this.boundIsOurs) this.sink.maxBuffers = STREAM_COPY_MAX_BUFFERS;
  }

  get closed(): boolean {
    return this.notifier === 0;
  }

  /** The consumer has room again (or samples may wait that no wake-up announced): drain next turn. */
  resume(): void {
    // (Closed: the drain it schedules does nothing.)
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  /** From now on the appsink's 'new-sample' answers `flow` (ERROR stops the stream, as a C handler would). */
  answer(flow: Gst.FlowReturn): void {
    // Closed, the notifier's id is 0, which no notifier has: notifyFlow() does nothing.
    native.notifyFlow(this.notifier, flow);
  }

  /**
   * Lets the consumer take what is ready: at most `limit` samples, and within its room unless
   * `bounded` is false (end of stream: everything left is taken before the pipeline goes down).
   */
  drain(limit = SAMPLES_PER_TURN, bounded = true): void {
    if (this.closed) return;
    const budget = bounded ? Math.min(limit, this.consumer.room()) : limit;
    if (budget <= 0) return;
    const taken = this.consumer.take(budget);
    // The batch was full: more may be waiting. (Fewer: the next wake-up announces the next sample.)
    if (taken >= budget && bounded) this.resume();
  }

  /**
   * After a sample whose frame lives until garbage collection: collects young garbage when enough
   * piled up, at the end of this turn of the event loop (once the consumers have run, so what they
   * dropped this turn is garbage and what they still queue has not aged), or at once past
   * {@link COLLECT_NOW_BYTES}.
   */
  reclaim(): void {
    const copied = native.copiedBytes();
    const samples = ++reclaimer.samples;
    if (copied - reclaimer.bytesAt >= COLLECT_NOW_BYTES) return collect();
    const due = samples >= COLLECT_EVERY_SAMPLES || (samples >= COLLECT_AFTER_SAMPLES && copied - reclaimer.bytesAt >= COLLECT_EVERY_BYTES);
    if (due && !reclaimer.scheduled) {
      reclaimer.scheduled = true;
      setImmediate(collect).unref();
    }
  }

  /** Takes everything left in the appsink, however long it takes: at end of stream. */
  drainAll(): void {
    this.drain(Number.POSITIVE_INFINITY, false);
  }

  /** Disconnects from the appsink. Idempotent. */
  close(): void {
    // Again: unnotify(0) does nothing (no notifier has id 0).
    native.unnotify(this.notifier);
    this.notifier = 0;
  }
}

// ---------------------------------------------------------------------------------------------
// the tutorial's path: AppSink 'new-sample' handlers

type SampleHandler = () => unknown;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}

/** The new-sample handlers of one appsink, and the sample being handed to them. */
class SampleDispatch implements SampleConsumer {
  private readonly handlers = new Map<number, SampleHandler>();
  private readonly engine: SampleEngine;
  /** the sample `emit('pull-sample')` returns inside a handler */
  current: Gst.Sample | null = null;
  private failed = false;

  constructor(private readonly sink: GstApp.AppSink) {
    this.engine = new SampleEngine(sink, this);
  }

  add(id: number, handler: SampleHandler): void {
    this.handlers.set(id, handler);
    // Samples may already wait in the sink (the pipeline started before the handler was connected).
    this.engine.resume();
  }

  remove(id: number): void {
    this.handlers.delete(id);
    if (this.handlers.size === 0) this.close();
  }

  close(): void {
    dispatches.delete(this.sink);
    for (const id of this.handlers.keys()) dispatchById.delete(id);
    this.engine.close();
  }

  drainAll(): void {
    this.engine.drainAll();
  }

  room(): number {
    // Without emit-signals the handlers never run, as in C.
    return this.failed || !this.sink.emitSignals ? 0 : Number.POSITIVE_INFINITY;
  }

  take(limit: number): number {
    let delivered = 0;
    while (delivered < limit && !this.failed) {
      const sample = this.sink.tryPullSample(0);
      if (!sample) break;
      delivered++;
      const copiedBefore = native.copiedBytesOnThisThread();
      this.deliver(sample);
      // Handlers that copy frames (the tutorial's gstBufferWithCapsToTypedArray) get their copies
      // made on the streaming thread from now on.
      if (native.copiedBytesOnThisThread() - copiedBefore >= STREAM_COPY_MIN_BYTES) this.engine.copyOnStream();
      this.engine.reclaim();
    }
    return delivered;
  }

  private deliver(sample: Gst.Sample): void {
    for (const handler of [...this.handlers.values()]) {
      this.current = sample;
      let flow: unknown;
      try {
        flow = handler();
      } catch (error) {
        this.current = null;
        this.fail(error);
        return;
      }
      this.current = null;
      // An async handler's rejection fails the pipeline as a throw does.
      if (isThenable(flow)) {
        flow.then(undefined, (error: unknown) => this.fail(error));
        continue;
      }
      // Stryker disable next-line ConditionalExpression: (-> false) notifyFlow() ignores what is not a number
      if (typeof flow !== 'number') continue;
      // A handler that answers with a flow other than OK stops the stream, as it would in C.
      if (flow !== Gst.FlowReturn.OK) this.engine.answer(flow);
    }
  }

  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.engine.answer(Gst.FlowReturn.ERROR);
    reportThrow(this.sink, 'new-sample', error);
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

type Handler = (...args: unknown[]) => unknown;
/** AppSink's signal methods as node-gtk has them, and as src/patches.ts replaces them. @internal */
export interface AppSinkSignalMethods {
  connect(this: GstApp.AppSink, signal: string, handler: Handler, after?: boolean): number;
  disconnect(this: GstApp.AppSink, id: number): unknown;
  emit(this: GstApp.AppSink, signal: string, ...args: unknown[]): unknown;
}

/**
 * AppSink's connect/disconnect/emit, which src/patches.ts puts on GstApp.AppSink: 'new-sample'
 * handlers run from the engine, one call per sample, and `emit('pull-sample')` inside a handler
 * returns that sample at once. Every other signal goes to `inherited`, the methods of the classes
 * above AppSink, looked up at each call (the guarded connect of src/signals.ts). @internal
 */
export function appSinkSignalMethods(inherited: AppSinkSignalMethods): AppSinkSignalMethods {
  return {
    connect(signal, handler, after) {
      if (signal !== 'new-sample') return inherited.connect.call(this, signal, handler, after);
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
    disconnect(id) {
      const dispatch = dispatchById.get(id);
      if (!dispatch) return inherited.disconnect.call(this, id);
      dispatchById.delete(id);
      dispatch.remove(id);
      return id;
    },
    emit(signal, ...args) {
      if (signal === 'pull-sample') {
        const dispatch = dispatches.get(this);
        if (dispatch?.current) {
          const sample = dispatch.current;
          dispatch.current = null;
          return sample;
        }
      }
      return inherited.emit.call(this, signal, ...args);
    },
  };
}

/** A failure of the engine's own (not a handler's), as the pipeline reports it. @internal */
export function engineError(sink: GstApp.AppSink, error: unknown): GstPipelineError {
  return error instanceof GstPipelineError ? error : new GstPipelineError(String(error), null, sink.name, { cause: error });
}
