/**
 * GstContext: what gstreamer-python's GstContext does with a GLib main loop on a thread, on
 * Node's one thread. GLib's default context already runs inside Node's loop (src/gi.js starts
 * that), so bus watches, timers and promises all work; what stays for the context is lifetime:
 * the process lives while a pipeline plays and ends by itself after, Ctrl-C stops pipelines
 * cleanly, and leaving the context's scope stops what still runs.
 */

/** What the context needs of a running pipeline. @internal */
export interface LivePipeline {
  shutdown(): Promise<void>;
  stopNow(): void;
}

const live = new Set<LivePipeline>();
// node-gtk hands cross-thread signals to JS through an unref'd libuv handle: with nothing else
// alive libuv stops polling and the streaming thread waits forever (docs/node-gtk.md, 'Cross-thread signals'). One ref'd,
// idle timer while any pipeline plays keeps it polled, costs nothing, and lets the process exit after.
let keepAlive: NodeJS.Timeout | null = null;

/** A pipeline started playing. @internal */
export function markLive(pipeline: LivePipeline): void {
  live.add(pipeline);
  keepAlive ??= setInterval(() => undefined, 0x7fffffff);
}

/** A pipeline stopped. @internal */
export function markStopped(pipeline: LivePipeline): void {
  live.delete(pipeline);
  if (live.size === 0 && keepAlive) {
    clearInterval(keepAlive);
    keepAlive = null;
  }
}

/** Pipelines started and not yet torn down (NULL reached). @internal */
export function livePipelineCount(): number {
  return live.size;
}

let interruption = new AbortController();

/**
 * The signal loops over sources honour (src/sample-source.ts): aborted by the next
 * {@link interruptAll}. A loop takes the signal current when it starts. @internal
 */
export function interruptSignal(): AbortSignal {
  return interruption.signal;
}

/** Node's kind of AbortError (name AbortError, code ABORT_ERR), its stack only its message: it is no bug of the caller. */
function abortError(message: string): Error {
  const error = Object.assign(new Error(message), { name: 'AbortError', code: 'ABORT_ERR' });
  error.stack = `AbortError: ${message}`;
  return error;
}

/**
 * Stops what is playing and keeps the process (a REPL's Ctrl-C: `npm run repl` calls it): every
 * `for await` loop over a source ends with an `AbortError`, and every playing pipeline is shut
 * down (end of stream, then NULL). Returns a promise that resolves to the count of pipelines it
 * stopped, once they are torn down. Scripts want {@link GstContext} instead, whose Ctrl-C ends
 * the process once the pipelines are done.
 */
export function interruptAll(): Promise<number> {
  const pipelines = [...live];
  const current = interruption;
  interruption = new AbortController();
  current.abort(abortError('interrupted: interruptAll() (Ctrl-C) stopped what was playing'));
  return Promise.all(pipelines.map((pipeline) => pipeline.shutdown())).then(() => pipelines.length);
}

/** Stops every pipeline still playing: end of stream first, then NULL. */
async function shutdownAll(): Promise<void> {
  await Promise.all([...live].map((pipeline) => pipeline.shutdown()));
}

const openContexts = new Set<GstContext>();
let interrupted = false;

function onInterrupt(signal: NodeJS.Signals): void {
  if (interrupted) {
    // A second Ctrl-C: the user does not want to wait.
    process.exit(130);
  }
  interrupted = true;
  process.exitCode = signal === 'SIGINT' ? 130 : 143;
  void shutdownAll().finally(() => {
    for (const context of openContexts) context.stopListening();
  });
}

/**
 * The scope GStreamer work runs in (Python's `with GstContext():`).
 *
 * ```ts
 * using context = new GstContext();   // or: const context = new GstContext().startup()
 * ```
 * While open, Ctrl-C (SIGINT) or SIGTERM ends every playing pipeline cleanly (end of stream,
 * then NULL) and the process exits with 130 (143) once they are done; a second Ctrl-C exits at once.
 * Closing the context stops pipelines still playing.
 */
export class GstContext implements Disposable, AsyncDisposable {
  private listening = false;

  constructor() {
    this.startup();
  }

  /** Opens the context (the constructor does; calling again does nothing). */
  startup(): this {
    if (!this.listening) {
      this.listening = true;
      openContexts.add(this);
      if (openContexts.size === 1) {
        process.on('SIGINT', onInterrupt);
        process.on('SIGTERM', onInterrupt);
      }
    }
    return this;
  }

  /** @internal */
  stopListening(): void {
    this.listening = false;
    openContexts.delete(this);
    if (openContexts.size === 0) {
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onInterrupt);
      interrupted = false;
    }
  }

  /** Ends every pipeline still playing (end of stream, then NULL) and closes the context: a promise that resolves once they are torn down. */
  async shutdown(): Promise<void> {
    await shutdownAll();
    this.stopListening();
  }

  /** Whether the context is open. */
  get isActive(): boolean {
    return this.listening;
  }

  /** For `using`: pipelines still playing are set to NULL at once (use `await using` to let them finish). */
  [Symbol.dispose](): void {
    for (const pipeline of [...live]) pipeline.stopNow();
    this.stopListening();
  }

  /** For `await using`: as {@link shutdown}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }
}
