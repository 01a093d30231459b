/**
 * GstPipeline: a pipeline from a gst-launch description, with its bus, states and lifetime
 * (gstreamer-python's GstPipeline, in camelCase, plus a promise for the end of the stream).
 */
import './patches'; // handlers guarded, 'new-sample' from the sample engine
import type { ElementFactoryName, ElementsByFactory } from './properties';
import { markLive, markStopped } from './context';
import { filesRead, truncation, type FileRead } from './file-sizes';
import {
  describeValue,
  GstElementNotFoundError,
  GstParseError,
  GstPipelineError,
  GstSourceLostError,
  GstStateError,
  messageOf,
  quote,
  quotedMessageOf,
} from './errors';
import { Gst, GstApp } from './gi';
import { native, type NativeBusMessage } from './native';
import { pipelineEnded } from './reclaim';
import { elementsWithPendingFrames, forgetPendingFrames, framesSettled, takeFrameError } from './element/video-filter';
import { closeSampleHandlers, drainSampleHandlers } from './samples';
import { releaseHandlers, setOwner } from './signals';
import { DEFAULT_SOURCE_TIMEOUT_MS, END_AFTER_SILENCE_MS, SourceWatch, type Silence } from './source-watch';
import { isThenable } from './values';

/** A class of elements, for {@link GstPipeline.getByCls}: `GstApp.AppSink`, `Gst.Bin`... */
export type ElementClass<T extends Gst.Element> = abstract new (...args: never[]) => T;

/** A warning posted on the bus. */
export interface GstWarning {
  message: string;
  debug: string | null;
  source: string | null;
}

export interface GstPipelineOptions {
  /**
   * Runs after parsing and before PLAYING: the place to set element properties. When it returns
   * a promise, PLAYING waits for it. A throw or a rejection ends the pipeline ({@link GstPipeline.done}
   * rejects with a {@link GstPipelineError} whose `cause` is the error).
   */
  beforePlaying?: (pipeline: GstPipeline) => unknown;
  /** Warnings from the bus; printed on stderr when not given. A throw in it (or a rejection of the promise it returns) fails the pipeline. */
  onWarning?: (warning: GstWarning) => unknown;
  /**
   * Most ms the pipeline's network sources (rtspsrc, udpsrc, souphttpsrc...: klass
   * "Source/Network") may send nothing while it plays; past it the pipeline fails with a
   * {@link GstSourceLostError}. Default 10000 (10 s); 0 turns the watchdog off. Given explicitly,
   * live sources (v4l2src, appsrc is-live=true...) are watched too. Time the consumer holds the
   * stream back (a full queue) does not count. See docs/sources.md.
   */
  sourceTimeoutMs?: number;
}

/** Most ms a shutdown may wait for the end of the stream (about 24 days: setTimeout's limit). */
const MAX_TIMEOUT_MS = 0x7fffffff;

/** Checks `value` is a timeout in ms: a finite number >= 0 (fractions allowed). @internal */
export function checkTimeout(value: unknown, what: string): number {
  if (typeof value !== 'number') throw new TypeError(`${what} must be a number of milliseconds, got ${describeValue(value)}`);
  if (!(value >= 0 && value <= MAX_TIMEOUT_MS))
    throw new RangeError(`${what} must be between 0 and ${MAX_TIMEOUT_MS} ms, got ${describeValue(value)}`);
  return value;
}

/** Checks the options (given: the constructor's default makes undefined an empty object). */
function checkOptions(options: unknown, what: string): void {
  if (options === null || typeof options !== 'object')
    throw new TypeError(`${what}: options must be an object, got ${describeValue(options)}`);
  for (const name of ['beforePlaying', 'onWarning'] as const) {
    const value = (options as Record<string, unknown>)[name];
    if (value !== undefined && typeof value !== 'function')
      throw new TypeError(`${what}: options.${name} must be a function, got ${describeValue(value)}`);
  }
  const timeout = (options as Record<string, unknown>).sourceTimeoutMs;
  if (timeout !== undefined) checkTimeout(timeout, `${what}: options.sourceTimeoutMs`);
}

/** The text of an ERROR or WARNING message; a missing file's path (a resource's location) is named in it. */
function textOf([, text, , , domain, , location]: NativeBusMessage): string {
  const message = text ?? 'unknown error';
  if (domain === 'gst-resource-error-quark' && location && !message.includes(location))
    return `${message.replace(/\.$/, '')}: "${quote(location)}"`;
  return message;
}

/** A {@link GstPipelineError} from an ERROR message. */
function errorFrom(message: NativeBusMessage, cause?: unknown): GstPipelineError {
  return new GstPipelineError(textOf(message), message[2], message[3], cause === undefined ? undefined : { cause });
}

/** The children of `bin`, newest first (node-gtk cannot walk a Gst.Iterator: docs/node-gtk.md, 'Gst.Iterator'). */
function childrenOf(bin: Gst.Bin): Gst.Element[] {
  const children: Gst.Element[] = [];
  const count = bin.getChildrenCount();
  // A bin's children are elements: gst_bin_add() takes nothing else.
  for (let i = 0; i < count; i++) children.push(bin.getChildByIndex(i) as Gst.Element);
  return children;
}

/** Every element inside `bin`, sub-bins included. */
function* elementsOf(bin: Gst.Bin): Generator<Gst.Element> {
  for (const child of childrenOf(bin)) {
    yield child;
    if (child instanceof Gst.Bin) yield* elementsOf(child);
  }
}

function parse(command: string): Gst.Pipeline {
  const nul = command.indexOf('\0');
  // GStreamer reads a C string: it would stop at the NUL and run what comes before it.
  if (nul >= 0) throw new GstParseError(command, `the description holds a NUL character at index ${nul}`);
  let element: Gst.Element;
  try {
    // FATAL_ERRORS: on any error GStreamer frees what it had built (a pipeline, its bus and its
    // sockets) instead of handing it to node-gtk, which would drop it unfreed when it throws.
    element = Gst.parseLaunchFull(command, null, Gst.ParseFlags.FATAL_ERRORS);
  } catch (error) {
    const message = messageOf(error);
    // With FATAL_ERRORS GStreamer capitalises some messages ('No element "x"'): written as without it.
    throw new GstParseError(command, /^[A-Z][a-z]/.test(message) ? message[0].toLowerCase() + message.slice(1) : message);
  }
  return inPipeline(element);
}

/** `element` itself when it is a pipeline; else a new pipeline holding it (a description of one element, a bin). */
function inPipeline(element: Gst.Element): Gst.Pipeline {
  if (element instanceof Gst.Pipeline) return element;
  const parent = element.getParent();
  if (parent)
    throw new TypeError(`element "${element.name}" is inside "${parent.name}" already: pass the pipeline (or the top bin) instead`);
  const pipeline = new Gst.Pipeline();
  pipeline.add(element);
  return pipeline;
}

/** `videotestsrc ! videoconvert ! appsink name=sink`: the elements of a built pipeline, as far as they are linked. */
function describeBin(bin: Gst.Bin): string {
  // GstBin keeps its newest child first.
  const children = childrenOf(bin).reverse();
  const label = (element: Gst.Element): string => {
    const factory = element.getFactory()?.name ?? element.constructor.name;
    return new RegExp(`^${factory}\\d+$`).test(element.name) ? factory : `${factory} name=${element.name}`;
  };
  // GStreamer links a pad only to a pad of an element in the same bin: a linked sink pad is fed from inside.
  const fedFromInside = (element: Gst.Element): boolean => {
    let linked = false;
    element.foreachSinkPad((_, pad) => {
      linked = Gst.Pad.prototype.isLinked.call(pad);
      return !linked;
    });
    return linked;
  };
  const seen = new Set<Gst.Element>();
  const chains: string[] = [];
  const walk = (first: Gst.Element): void => {
    const parts: string[] = [];
    let element: Gst.Element | null = first;
    while (element && !seen.has(element)) {
      seen.add(element);
      parts.push(label(element));
      let next: Gst.Element | null = null;
      element.foreachSrcPad((_, pad) => {
        // Gst.Pad's methods called on the pad: an element's own pad class that has no typelib
        // (a tee's GstTeePad, a funnel's pads) reaches JS from node-gtk without them
        const peer = Gst.Pad.prototype.getPeer.call(pad)?.getParentElement();
        if (peer && !seen.has(peer)) next = peer;
        return next === null;
      });
      element = next;
    }
    if (parts.length > 0) chains.push(parts.join(' ! '));
  };
  for (const child of children) if (!fedFromInside(child)) walk(child);
  for (const child of children) walk(child);
  return chains.length > 0 ? chains.join('  ') : `(empty ${bin.constructor.name})`;
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
export class GstPipeline implements Disposable, AsyncDisposable {
  /**
   * The gst-launch description; for a pipeline built element by element, its elements as far
   * as they are linked (`videotestsrc ! videoconvert ! appsink`).
   */
  readonly command: string;
  /** The node-gtk pipeline object. */
  readonly pipeline: Gst.Pipeline;

  private readonly options: GstPipelineOptions;
  private started = false;
  private finished = false;
  private observed = false;
  private busWatch = 0;
  private busObject: Gst.Bus | null = null;
  private playing = false;
  private readonly ended: Promise<void>;
  private settle!: (error: GstPipelineError | null) => void;
  private stopping: Promise<void> | null = null;
  private failure: GstPipelineError | null = null;
  private sourceWatch: SourceWatch | null = null;
  /** the files the pipeline reads, with their sizes when it was set to PLAYING */
  private files: FileRead[] = [];
  /** the last resource warning of a watched source, and when it came (performance.now()) */
  private sourceWarning: { warning: GstWarning; at: number } | null = null;

  /**
   * @param command a gst-launch description (`'videotestsrc ! autovideosink'`), or a pipeline
   *   built element by element: a Gst.Pipeline, or a Gst.Bin / Gst.Element not in a bin yet,
   *   which is then placed in a new pipeline. Either way the same lifetime, bus handling,
   *   {@link done} and end of stream.
   */
  constructor(command: string | Gst.Element, options: GstPipelineOptions = {}) {
    const what = `new ${new.target.name}(command, options)`;
    checkOptions(options, what);
    if (typeof command === 'string') {
      this.pipeline = parse(command);
      this.command = command;
    } else if (command instanceof Gst.Element) {
      this.pipeline = inPipeline(command);
      this.command = describeBin(this.pipeline);
    } else {
      throw new TypeError(`${what}: command must be a gst-launch description or a Gst.Element, got ${describeValue(command)}`);
    }
    this.options = options;
    // From the start: handlers connected before startup() (in beforePlaying, say) belong to this pipeline too.
    setOwner(this.pipeline, this);
    this.ended = new Promise<void>((resolve, reject) => {
      this.settle = (error) => (error ? reject(error) : resolve());
    });
    // Nobody may be waiting: an unobserved failure is printed (see onError), never an unhandled rejection.
    this.ended.catch(() => undefined);
  }

  /**
   * The pipeline's bus (e.g. to watch `message::state-changed`). Made on first use: a bus nobody
   * asked for is let go as soon as the pipeline ends, and its sockets with it.
   */
  get bus(): Gst.Bus {
    if (!this.busObject) {
      const bus = this.isDone ? null : this.pipeline.getBus();
      if (!bus) throw new GstStateError(`the bus of ${this.constructor.name} "${quote(this.command)}" was let go when it ended`);
      setOwner(bus, this);
      this.busObject = bus;
    }
    return this.busObject;
  }

  /**
   * A promise that resolves at end of stream (or after {@link shutdown}) and rejects with a
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

  /**
   * Runs the hooks ({@link onPipelineInit}, then `beforePlaying`, awaited when it returns a
   * promise), watches the bus, sets PLAYING. Calling it again does nothing; after the pipeline
   * has ended it throws a {@link GstStateError}.
   */
  startup(): this {
    if (this.finished)
      throw new GstStateError(
        `cannot start ${this.constructor.name} "${quote(this.command)}": it has ended (${this.failure ? 'failed' : 'end of stream or shutdown()'}); create a new one`,
      );
    if (this.started) return this;
    let setup: unknown;
    try {
      this.onPipelineInit();
      setup = this.options.beforePlaying?.(this);
    } catch (error) {
      // Nothing started: the pipeline ends here, done rejects, and the caller gets the throw.
      this.failure = new GstPipelineError(`setting up before PLAYING failed: ${quotedMessageOf(error)}`, null, null, { cause: error });
      this.finish(this.failure);
      throw error;
    }
    this.started = true;
    this.busWatch = native.watchBus(this.pipeline, (message) => this.handleMessage(message));
    markLive(this);
    if (isThenable(setup)) {
      setup.then(
        () => this.play(),
        (error: unknown) =>
          this.fail(new GstPipelineError(`setting up before PLAYING failed: ${quotedMessageOf(error)}`, null, null, { cause: error })),
      );
    } else {
      this.play();
    }
    return this;
  }

  private play(): void {
    if (this.finished || this.failure) return;
    this.playing = true;
    this.watchSources();
    this.files = filesRead(elementsOf(this.pipeline));
    if (this.pipeline.setState(Gst.State.PLAYING) === Gst.StateChangeReturn.FAILURE) {
      // The reason is on the bus; take it now so that the error says what went wrong.
      const message = native.popBusError(this.pipeline);
      this.fail(message ? errorFrom(message) : new GstPipelineError('failed to set the pipeline to PLAYING'));
    }
  }

  /** Starts the watchdog on the network sources (docs/sources.md): silence counts from now. */
  private watchSources(): void {
    const given = this.options.sourceTimeoutMs;
    this.sourceWatch = new SourceWatch(
      this.pipeline,
      given ?? DEFAULT_SOURCE_TIMEOUT_MS,
      (given ?? 0) > 0,
      () => this.isHeldBack(),
      (silence) =>
        this.fail(
          this.lostError(
            silence,
            `nothing received for ${Math.round(silence.silentMs)} ms (sourceTimeoutMs is ${given ?? DEFAULT_SOURCE_TIMEOUT_MS} ms)`,
          ),
        ),
    );
  }

  private lostError({ silentMs, sources }: Silence, why: string, debug: string | null = null): GstSourceLostError {
    return new GstSourceLostError(`source lost: ${why}`, silentMs, sources.join(', '), debug);
  }

  /**
   * An end of stream that is a loss: a watched source had sent nothing for {@link
   * END_AFTER_SILENCE_MS}, or its last word was a failure to read (a server that closed the
   * connection, over TCP). Null for a true end.
   */
  private lossAtEnd(): GstSourceLostError | null {
    const silence = this.sourceWatch?.silence();
    if (!silence) return null;
    const warned = this.sourceWarning;
    // No buffer since the warning: the source failed to read, then ended.
    if (warned && silence.silentMs >= performance.now() - warned.at)
      return this.lostError(silence, `${warned.warning.message} (then end of stream)`, warned.warning.debug);
    if (silence.silentMs >= END_AFTER_SILENCE_MS)
      return this.lostError(
        silence,
        `end of stream after ${Math.round(silence.silentMs)} ms without data (a source that falls silent, then ends, was cut off)`,
      );
    return null;
  }

  /**
   * True while the consumer holds the stream back (its queue is full): the sources' silence
   * then is not theirs, and the watchdog does not count it. False here; sources with a queue override it.
   */
  protected isHeldBack(): boolean {
    return false;
  }

  /**
   * Stops the pipeline: end of stream first (so muxers and file sinks finish their files), then
   * NULL once it arrives or after `timeoutMs`. Returns a promise that resolves once the pipeline
   * is torn down. Idempotent: later calls return the same promise.
   */
  shutdown(timeoutMs = 1000): Promise<void> {
    checkTimeout(timeoutMs, 'shutdown(timeoutMs)');
    return this.endStream(timeoutMs);
  }

  /** End of stream, then NULL once it comes through or after `timeoutMs`; at once when nothing plays. */
  private endStream(timeoutMs: number): Promise<void> {
    if (this.stopping) return this.stopping;
    // Not playing yet because a frame function's promise holds the first frame: wait for it.
    if (this.isActive && !this.isPlaying() && elementsWithPendingFrames(elementsOf(this.pipeline)).length > 0) {
      this.stopping = this.afterPendingFrames(timeoutMs);
      return this.stopping;
    }
    if (!this.isActive || !this.playing || !this.sendEndOfStreamGuarded()) {
      this.finish(null);
      this.stopping = this.ended.catch(() => undefined);
      return this.stopping;
    }
    this.stopping = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        // An element written in TypeScript whose frame function's promise never settled holds
        // its streaming thread: that is an error, and the NULL below drops the frame.
        this.failUnsettled(timeoutMs);
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

  /** Stops once no frame function's promise is pending, or after `timeoutMs`, failing with the elements still waiting. */
  private afterPendingFrames(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.failUnsettled(timeoutMs);
        this.finish(null);
      }, timeoutMs);
      void framesSettled().then(() => this.finish(null));
      void this.ended
        .catch(() => undefined)
        .finally(() => {
          clearTimeout(timer);
          resolve();
        });
    });
  }

  /** Records the failure of an element whose frame function did not settle within a shutdown's timeout. */
  private failUnsettled(timeoutMs: number): void {
    const stuck = elementsWithPendingFrames(elementsOf(this.pipeline), true);
    if (stuck.length > 0) this.failure ??= new GstPipelineError(`frame function did not settle within ${timeoutMs} ms`, null, stuck[0]);
  }

  private sendEndOfStreamGuarded(): boolean {
    try {
      return this.sendEndOfStream();
    } catch (error) {
      this.failure ??= new GstPipelineError(`sending the end of stream failed: ${quotedMessageOf(error)}`, null, null, { cause: error });
      return false;
    }
  }

  private isPlaying(): boolean {
    // (with nothing pending, the result of getState is SUCCESS)
    const [, state, pending] = this.pipeline.getState(0);
    return state === Gst.State.PLAYING && pending === Gst.State.VOID_PENDING;
  }

  /** Stops at once, without waiting for the end of the stream (NULL follows on a worker thread). Idempotent. @internal */
  stopNow(): void {
    this.finish(null);
  }

  /** Every element of the class, in sub-bins too; `[]` when none. */
  getByCls<T extends Gst.Element>(cls: ElementClass<T>): T[] {
    if (typeof cls !== 'function')
      throw new TypeError(`getByCls(cls): cls must be a class of elements such as GstApp.AppSink, got ${describeValue(cls)}`);
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

  /**
   * The element named `name` (`name=...` in the description), or null; with `cls`, checked to be
   * one; with a factory name (`getByName('src', 'videotestsrc')`), checked to be made by it and
   * typed by the element typings (docs/typings.md).
   */
  getByName(name: string): Gst.Element | null;
  getByName<F extends ElementFactoryName>(name: string, factory: F): ElementsByFactory[F] | null;
  getByName<T extends Gst.Element>(name: string, cls: ElementClass<T>): T | null;
  getByName<T extends Gst.Element>(name: string, cls?: ElementClass<T> | string): Gst.Element | null {
    if (typeof name !== 'string') throw new TypeError(`getByName(name): name must be a string, got ${describeValue(name)}`);
    if (typeof cls === 'string') {
      const found = this.pipeline.getByName(name);
      const made = found?.getFactory()?.getName();
      if (found && made !== cls) throw new TypeError(`element "${name}" is made by ${made ?? 'no factory'}, not by ${cls}`);
      return found;
    }
    if (cls !== undefined && typeof cls !== 'function')
      throw new TypeError(`getByName(name, cls): cls must be a class of elements, got ${describeValue(cls)}`);
    const element = this.pipeline.getByName(name);
    if (element && cls && !(element instanceof cls))
      throw new TypeError(`element "${name}" is a ${element.constructor.name}, not a ${cls.name}`);
    return element;
  }

  /** Override to set element properties after parsing and before PLAYING (Python's `_on_pipeline_init`). */
  protected onPipelineInit(): void {}

  /**
   * Called at end of stream, before the pipeline is set to NULL. When it returns a promise, NULL
   * waits for it; a throw or a rejection fails the pipeline.
   */
  protected onEos(): void | Promise<void> {}

  /** Called once the pipeline is torn down (end of stream, error or shutdown), before {@link done} settles. */
  protected onStopped(): void {}

  /** Called when the pipeline fails; prints the error when nobody reads {@link done}. */
  protected onError(error: GstPipelineError): void {
    // Checked a turn later: the failure may come inside startup(), before the caller reads `done`.
    setImmediate(() => {
      if (!this.observed) console.error(`${this.constructor.name}: ${error.message}${error.debug ? `\n  ${error.debug}` : ''}`);
    });
  }

  /** Called for warnings on the bus; prints them unless an `onWarning` option was given. */
  protected onWarning(warning: GstWarning): unknown {
    // (returned: a rejection of an async handler fails the pipeline instead of the process)
    if (this.options.onWarning) return this.options.onWarning(warning);
    else console.warn(`${this.constructor.name}: warning from ${warning.source ?? 'pipeline'}: ${warning.message}`);
  }

  /**
   * Ends the stream from the sources (subclasses with an appsrc end it there); false when there
   * is no stream to end, and the pipeline goes to NULL at once.
   */
  protected sendEndOfStream(): boolean {
    // Still prerolling: an end of stream would wait for a preroll that waits for PLAYING, while
    // holding the state lock that NULL needs. Frames already given to an appsrc are another
    // matter: its own end of stream queues behind them at any state (a Ctrl-C right after the
    // first pushes still ends a whole file). Otherwise nothing has played yet: nothing to finish.
    if (!this.isPlaying()) {
      const appsrcs = this.getByCls(GstApp.AppSrc);
      for (const appsrc of appsrcs) appsrc.endOfStream();
      return appsrcs.length > 0;
    }
    // Off the JS thread: sending waits for the sources' streaming locks, and a streaming thread
    // may be waiting for the JS thread (a full appsink, a node-gtk handler).
    void native.sendEosAsync(this.pipeline);
    return true;
  }

  /**
   * Fails the pipeline: it stops, and {@link done} rejects with `error` (the first failure wins).
   * With `endOfStream` (a handler failed while the stream still flows) the stream is ended first,
   * within the shutdown timeout, so that muxers finish their files. @internal
   */
  fail(error: GstPipelineError, options: { endOfStream?: boolean } = {}): void {
    if (this.finished || this.failure) return;
    this.failure = error;
    try {
      this.onError(error);
    } catch (hookError) {
      console.error(`${this.constructor.name}: onError threw while handling "${error.message}":`, hookError);
    }
    if (options.endOfStream && this.started) void this.endStream(1000);
    else this.finish(error);
  }

  /** Runs a hook of ours or of the user's; a throw (or a rejected promise) fails the pipeline. */
  /** Runs a user hook: a throw or a rejection fails the pipeline. Its promise, if it returned one, settled either way. */
  private guard(hook: string, run: () => unknown): Promise<void> | undefined {
    const failed = (error: unknown): void =>
      this.fail(new GstPipelineError(`${hook} threw: ${quotedMessageOf(error)}`, null, null, { cause: error }), { endOfStream: true });
    try {
      const result = run();
      if (isThenable(result)) return Promise.resolve(result).then(() => undefined, failed);
    } catch (error) {
      failed(error);
    }
    return undefined;
  }

  /** EOS, ERROR and WARNING from the bus. */
  private handleMessage(message: NativeBusMessage): void {
    // (none comes once finished: finish() unwatches the bus)
    switch (message[0]) {
      case Gst.MessageType.EOS: {
        // Samples still waiting in appsinks reach their handlers before the pipeline is torn down.
        drainSampleHandlers(elementsOf(this.pipeline));
        // Not for the end that shutdown() sent: the user is leaving, whatever the sources did.
        const lost = this.stopping ? null : (this.lossAtEnd() ?? truncation(this.files));
        if (lost) return this.fail(lost);
        const ending = this.guard('onEos', () => this.onEos());
        if (ending) void ending.then(() => this.finish(null));
        else this.finish(null);
        break;
      }
      case Gst.MessageType.ERROR: {
        // An element written in TypeScript failed: the error its frame function threw (or rejected with) is the cause.
        const source = message[3] ? this.pipeline.getByName(message[3]) : null;
        this.fail(errorFrom(message, source ? takeFrameError(source) : undefined));
        break;
      }
      case Gst.MessageType.WARNING: {
        const [, text, debug, source, domain] = message;
        const report: GstWarning = { message: text ?? '', debug, source };
        if (domain === 'gst-resource-error-quark' && source && this.sourceWatch?.silence()?.sources.includes(source))
          this.sourceWarning = { warning: { ...report, message: textOf(message) }, at: performance.now() };
        this.guard('onWarning', () => this.onWarning(report));
        break;
      }
    }
  }

  /**
   * Tears down: handlers and bus watch off, then NULL on a worker thread (a streaming thread
   * may be waiting for the JS thread: NULL set from it could deadlock), then settles {@link done}.
   */
  private finish(error: GstPipelineError | null): void {
    if (this.finished) return;
    this.finished = true;
    this.sourceWatch?.stop();
    const settle = (): void => {
      try {
        this.onStopped();
      } catch (hookError) {
        this.failure ??= new GstPipelineError(`onStopped threw: ${quotedMessageOf(hookError)}`, null, null, { cause: hookError });
      }
      // Nothing of the pipeline runs any more: let go of user callbacks, so that it can be collected.
      releaseHandlers(this);
      this.settle(error ?? this.failure);
      pipelineEnded();
    };
    if (!this.started) return settle();
    closeSampleHandlers(elementsOf(this.pipeline));
    native.unwatchBus(this.busWatch);
    void native.setStateAsync(this.pipeline, Gst.State.NULL).then(() => {
      // NULL: nothing posts any more. Without the pipeline's reference the bus (and its two
      // sockets) goes now, not when V8 gets round to collecting the pipeline's wrapper.
      // A bus the user asked for stays usable through `bus`; it goes when they drop it.
      native.detachBus(this.pipeline);
      forgetPendingFrames(elementsOf(this.pipeline));
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
