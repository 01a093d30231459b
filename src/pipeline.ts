/**
 * GstPipeline: a pipeline from a gst-launch description, with its bus, states and lifetime
 * (gstreamer-python's GstPipeline, in camelCase, plus a promise for the end of the stream).
 */
import { markLive, markStopped, type LivePipeline } from './context';
import { GstElementNotFoundError, GstParseError, GstPipelineError } from './errors';
import { Gst, GstApp } from './gi';
import { native } from './native';
import { closeSampleHandlers, drainSampleHandlers } from './samples';
import { setOwner } from './signals';

/** A class of elements, for {@link GstPipeline.getByCls}: `GstApp.AppSink`, `Gst.Bin`... */
export type ElementClass<T extends Gst.Element> = abstract new (...args: never[]) => T;

/** A warning posted on the bus. */
export interface GstWarning {
  message: string;
  debug: string | null;
  source: string | null;
}

export interface GstPipelineOptions {
  /** Runs after parsing and before PLAYING: the place to set element properties. */
  beforePlaying?: (pipeline: GstPipeline) => void;
  /** Warnings from the bus; printed on stderr when not given. */
  onWarning?: (warning: GstWarning) => void;
}

/** Every element inside `bin`, sub-bins included (node-gtk cannot walk a Gst.Iterator: NOTES fact 8). */
function* elementsOf(bin: Gst.Bin): Generator<Gst.Element> {
  const count = bin.getChildrenCount();
  for (let i = 0; i < count; i++) {
    const child = bin.getChildByIndex(i);
    if (!(child instanceof Gst.Element)) continue;
    yield child;
    if (child instanceof Gst.Bin) yield* elementsOf(child);
  }
}

function parse(command: string): Gst.Pipeline {
  let element: Gst.Element;
  try {
    element = Gst.parseLaunch(command);
  } catch (error) {
    throw new GstParseError(command, error instanceof Error ? error.message : String(error));
  }
  if (element instanceof Gst.Pipeline) return element;
  // A description of one element ('fakesink') parses to that element alone.
  const pipeline = new Gst.Pipeline();
  pipeline.add(element);
  return pipeline;
}

/**
 * A GStreamer pipeline built from a gst-launch description.
 *
 * ```ts
 * await using pipeline = new GstPipeline('videotestsrc num-buffers=100 ! autovideosink').startup();
 * await pipeline.done;
 * ```
 * The pipeline is parsed at construction (a bad description throws {@link GstParseError}) and
 * plays from {@link startup}. It stops by itself at end of stream or on an error; {@link done}
 * tells which. While it plays, it keeps the process alive.
 */
export class GstPipeline implements LivePipeline, Disposable, AsyncDisposable {
  /** The gst-launch description. */
  readonly command: string;
  /** The node-gtk pipeline object. */
  readonly pipeline: Gst.Pipeline;
  /** The pipeline's bus. */
  readonly bus: Gst.Bus;

  private readonly options: GstPipelineOptions;
  private started = false;
  private finished = false;
  private observed = false;
  private busHandler = 0;
  private readonly ended: Promise<void>;
  private settle!: (error: GstPipelineError | null) => void;
  private stopping: Promise<void> | null = null;
  private failure: GstPipelineError | null = null;

  constructor(command: string, options: GstPipelineOptions = {}) {
    this.command = command;
    this.options = options;
    this.pipeline = parse(command);
    const bus = this.pipeline.getBus();
    if (!bus) throw new GstPipelineError(`pipeline "${command}" has no bus`);
    this.bus = bus;
    this.ended = new Promise<void>((resolve, reject) => {
      this.settle = (error) => (error ? reject(error) : resolve());
    });
    // Nobody may be waiting: an unobserved failure is printed (see onError), never an unhandled rejection.
    this.ended.catch(() => undefined);
  }

  /**
   * Resolves at end of stream (or after {@link shutdown}); rejects with a
   * {@link GstPipelineError} when the pipeline fails.
   */
  get done(): Promise<void> {
    this.observed = true;
    return this.ended;
  }

  /** Playing: started, and neither at its end nor stopped. */
  get isActive(): boolean {
    return this.started && !this.finished;
  }

  /** Finished: end of stream, an error, or shut down. */
  get isDone(): boolean {
    return this.finished;
  }

  /** The error that ended the pipeline, if one did. */
  get error(): GstPipelineError | null {
    return this.failure;
  }

  /** Runs the hook, watches the bus, sets PLAYING. Calling it again does nothing. */
  startup(): this {
    if (this.started) return this;
    if (this.finished) throw new GstPipelineError('cannot start a pipeline that was shut down');
    try {
      this.onPipelineInit();
      this.options.beforePlaying?.(this);
    } catch (error) {
      // Nothing started: the pipeline ends here, done rejects, and the caller gets the throw.
      this.failure = new GstPipelineError(`setting up before PLAYING failed: ${error instanceof Error ? error.message : String(error)}`, null, null, { cause: error });
      this.finish(this.failure);
      throw error;
    }
    this.started = true;
    setOwner(this.pipeline, this);
    this.bus.addSignalWatch();
    this.busHandler = this.bus.connect('message', (message: Gst.Message) => this.onMessage(message));
    markLive(this);
    if (this.pipeline.setState(Gst.State.PLAYING) === Gst.StateChangeReturn.FAILURE) {
      // The reason is on the bus; take it now so that the error says what went wrong.
      const message = this.bus.popFiltered(Gst.MessageType.ERROR);
      this.fail(message ? this.errorFrom(message) : new GstPipelineError('failed to set the pipeline to PLAYING'));
    }
    return this;
  }

  /**
   * Stops the pipeline: end of stream first (so muxers and file sinks finish their files), then
   * NULL once it arrives or after `timeoutMs`. Idempotent: later calls return the same promise.
   */
  shutdown(timeoutMs = 1000): Promise<void> {
    if (this.stopping) return this.stopping;
    if (!this.isActive || !this.sendEndOfStream()) {
      this.finish(null);
      this.stopping = this.ended.catch(() => undefined);
      return this.stopping;
    }
    this.stopping = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        // The end of stream did not come through: an appsink nobody pulls may hold the streaming
        // thread, and with it the end-of-stream event and the way to NULL. Let them drop.
        for (const sink of this.getByCls(GstApp.AppSink)) {
          sink.drop = true;
          sink.waitOnEos = false;
        }
        this.finish(null); // resolves below, once NULL is reached
      }, timeoutMs);
      void this.ended
        .catch(() => undefined)
        .finally(() => {
          clearTimeout(timer);
          resolve();
        });
    });
    return this.stopping;
  }

  private isPlaying(): boolean {
    const [result, state, pending] = this.pipeline.getState(0);
    return result === Gst.StateChangeReturn.SUCCESS && state === Gst.State.PLAYING && pending === Gst.State.VOID_PENDING;
  }

  /** Stops at once, without waiting for the end of the stream (NULL follows on a worker thread). Idempotent. @internal */
  stopNow(): void {
    this.finish(null);
  }

  /** Every element of the class, in sub-bins too; `[]` when none. */
  getByCls<T extends Gst.Element>(cls: ElementClass<T>): T[] {
    const found: T[] = [];
    for (const element of elementsOf(this.pipeline)) if (element instanceof cls) found.push(element);
    return found;
  }

  /** The one element of the class; a {@link GstElementNotFoundError} naming the class when there is none or several. */
  getOneByCls<T extends Gst.Element>(cls: ElementClass<T>): T {
    const found = this.getByCls(cls);
    if (found.length !== 1)
      throw new GstElementNotFoundError(
        `expected one ${cls.name} in "${this.command}", found ${found.length === 0 ? 'none' : found.length}`,
      );
    return found[0];
  }

  /** The element named `name` (`name=...` in the description), or null; with `cls`, checked to be one. */
  getByName(name: string): Gst.Element | null;
  getByName<T extends Gst.Element>(name: string, cls: ElementClass<T>): T | null;
  getByName<T extends Gst.Element>(name: string, cls?: ElementClass<T>): Gst.Element | null {
    const element = this.pipeline.getByName(name);
    if (element && cls && !(element instanceof cls))
      throw new TypeError(`element "${name}" is a ${element.constructor.name}, not a ${cls.name}`);
    return element;
  }

  /** Override to set element properties after parsing and before PLAYING (Python's `_on_pipeline_init`). */
  protected onPipelineInit(): void {}

  /** Called at end of stream, before the pipeline is set to NULL. */
  protected onEos(): void {}

  /** Called once the pipeline is torn down (end of stream, error or shutdown), before {@link done} settles. */
  protected onStopped(): void {}

  /** Called when the pipeline fails; prints the error when nobody awaits {@link done}. */
  protected onError(error: GstPipelineError): void {
    // Checked a turn later: the failure may come inside startup(), before the caller reads `done`.
    setImmediate(() => {
      if (!this.observed) console.error(`${this.constructor.name}: ${error.message}${error.debug ? `\n  ${error.debug}` : ''}`);
    });
  }

  /** Called for warnings on the bus; prints them unless an `onWarning` option was given. */
  protected onWarning(warning: GstWarning): void {
    if (this.options.onWarning) this.options.onWarning(warning);
    else console.warn(`${this.constructor.name}: warning from ${warning.source ?? 'pipeline'}: ${warning.message}`);
  }

  /**
   * Ends the stream from the sources (subclasses with an appsrc end it there); false when there
   * is no stream to end, and the pipeline goes to NULL at once.
   */
  protected sendEndOfStream(): boolean {
    // Still prerolling: an end of stream would wait for a preroll that waits for PLAYING, while
    // holding the state lock that NULL needs. Nothing has played yet: nothing to finish.
    if (!this.isPlaying()) return false;
    // Off the JS thread: sending waits for the sources' streaming locks, and a streaming thread
    // may be waiting for the JS thread (a full appsink, a node-gtk handler).
    void native.sendEosAsync(this.pipeline);
    return true;
  }

  /** Fails the pipeline: it stops, and {@link done} rejects with `error` (the first failure wins). @internal */
  fail(error: GstPipelineError): void {
    if (this.finished || this.failure) return;
    this.failure = error;
    this.onError(error);
    this.finish(error);
  }

  private onMessage(message: Gst.Message): void {
    switch (message.type) {
      case Gst.MessageType.EOS:
        // Samples still waiting in appsinks reach their handlers before the pipeline is torn down.
        drainSampleHandlers(elementsOf(this.pipeline));
        this.onEos();
        this.finish(null);
        break;
      case Gst.MessageType.ERROR:
        this.fail(this.errorFrom(message));
        break;
      case Gst.MessageType.WARNING: {
        const [warning, debug] = message.parseWarning();
        this.onWarning({ message: warning.message, debug, source: message.src?.name ?? null });
        break;
      }
      default:
        break;
    }
  }

  private errorFrom(message: Gst.Message): GstPipelineError {
    const [error, debug] = message.parseError();
    return new GstPipelineError(error.message, debug, message.src?.name ?? null);
  }

  /**
   * Tears down: handlers and bus watch off, then NULL on a worker thread (a streaming thread
   * may be waiting for the JS thread: NULL set from it could deadlock), then settles {@link done}.
   */
  private finish(error: GstPipelineError | null): void {
    if (this.finished) return;
    this.finished = true;
    const settle = (): void => {
      this.onStopped();
      this.settle(error ?? this.failure);
    };
    if (!this.started) return settle();
    closeSampleHandlers(elementsOf(this.pipeline));
    this.bus.disconnect(this.busHandler);
    this.bus.removeSignalWatch();
    void native.setStateAsync(this.pipeline, Gst.State.NULL).then(() => {
      markStopped(this);
      settle();
    });
  }

  /** For `using`: stops at once, without end of stream (prefer `await using` for pipelines that write files). */
  [Symbol.dispose](): void {
    this.stopNow();
  }

  /** For `await using`: {@link shutdown}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }
}
