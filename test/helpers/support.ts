/**
 * Shared test support: failure guards, child processes, pipeline events. Not a suite.
 *
 * The modules under test/helpers/ are not suites because of their names: `npm test` gives uvu
 * the pattern '\.test\.ts$' (package.json), so only files named *.test.ts run as suites;
 * tsc -p . still type-checks these and the suites import them as './helpers/support'.
 */
import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Readable } from 'node:stream';
import * as path from 'node:path';
import { Gst, type GstPipeline } from '../../src';

/** The repository root (the suites spawn examples and scripts from here). */
export const ROOT = path.resolve(__dirname, '..', '..');

/**
 * `promise`, or a rejection naming `what` when it has not settled after `ms`: a guard against a
 * hang, never a way to wait. The timer is cleared as soon as the promise settles.
 */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: not settled within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        // uvu ends a suite silently, exit code 0, when a test fails with a value that is not an Error (null, say).
        reject(error instanceof Error ? error : new Error(`${what}: rejected with ${String(error)}`, { cause: error }));
      },
    );
  });
}

/** The rejection of `promise` (fails when it resolves instead, or hangs past `ms`). */
export async function rejectionOf(promise: Promise<unknown>, ms: number, what: string): Promise<unknown> {
  let value: unknown;
  try {
    value = await within(promise, ms, what);
  } catch (error) {
    return error;
  }
  throw new Error(`${what}: expected a rejection, resolved with ${String(value)}`);
}

/** Everything `source` yields to its end (a failure if that takes over `ms`, naming `what`). */
export async function collect<T>(source: AsyncIterable<T>, ms: number, what: string): Promise<T[]> {
  const out: T[] = [];
  await within(
    (async () => {
      for await (const item of source) out.push(item);
    })(),
    ms,
    what,
  );
  return out;
}

/** What a finished child process left. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** ms from spawn to exit */
  elapsedMs: number;
}

export interface RunOptions {
  /** the child is killed (SIGKILL) and the run fails after this long */
  timeoutMs: number;
  /** named in failure messages */
  what: string;
  /** called on each stdout chunk with everything read so far */
  onStdout?: (stdout: string, child: ChildProcessWithoutNullStreams) => void;
  /** working directory (default: the repository root) */
  cwd?: string;
  /** environment (default: this process's) */
  env?: NodeJS.ProcessEnv;
}

/** A child process whose stdout and stderr are pipes. */
export type PipedChild = ChildProcess & { stdout: Readable; stderr: Readable };

/**
 * Collects `child`'s output and resolves with its {@link Exit} when it closes; kills it (SIGKILL)
 * and rejects, with the tails of its output, after `options.timeoutMs`.
 */
export function exitOf<C extends PipedChild>(
  child: C,
  options: { timeoutMs: number; what: string; onStdout?: (stdout: string, child: C) => void },
): Promise<Exit> {
  return new Promise<Exit>((resolve, reject) => {
    const started = Date.now();
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      options.onStdout?.(stdout, child);
    });
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${options.what}: still running after ${options.timeoutMs} ms (killed)\n--- stdout (tail)\n${stdout.slice(-3000)}\n--- stderr (tail)\n${stderr.slice(-3000)}`,
        ),
      );
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, elapsedMs: Date.now() - started });
    });
  });
}

/** Runs `node ...args` (from the repository root unless `options.cwd`) and resolves when it exits. */
export function runNode(args: readonly string[], options: RunOptions): Promise<Exit> {
  const child = spawn(process.execPath, args, { cwd: options.cwd ?? ROOT, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.end();
  return exitOf(child, options);
}

/**
 * Runs a CommonJS script in a fresh `node -r ts-node/register` (so it can require the TypeScript
 * sources by absolute path, e.g. `require(SRC)`).
 */
export function runScript(source: string, options: RunOptions): Promise<Exit> {
  return runNode(['-r', 'ts-node/register', '-e', source], options);
}

/** Absolute path of src/index.ts's module, for scripts run in a child (`require(${JSON.stringify(SRC)})`). */
export const SRC = path.join(ROOT, 'src');

/** Lines of `text` that match `pattern`. */
export function linesMatching(text: string, pattern: RegExp): string[] {
  return text.split('\n').filter((line) => pattern.test(line));
}

/**
 * Resolves when the pipeline itself (not one of its elements) reaches `state`, from the bus's
 * state-changed messages. Call right after `startup()`: the bus watch is live from then on.
 */
export function reachesState(pipeline: GstPipeline, state: Gst.State): Promise<void> {
  return new Promise<void>((resolve) => {
    const [, current] = pipeline.pipeline.getState(0);
    if (current === state) {
      resolve();
      return;
    }
    const id = pipeline.bus.connect('message::state-changed', (message: Gst.Message) => {
      if (message.src !== pipeline.pipeline) return;
      const [, next] = message.parseStateChanged();
      if (next !== state) return;
      pipeline.bus.disconnect(id);
      resolve();
    });
  });
}

/** `Gst.Caps.fromString` that fails loudly instead of returning null. */
export function caps(description: string): Gst.Caps {
  const parsed = Gst.Caps.fromString(description);
  if (!parsed) throw new Error(`bad caps in test: ${description}`);
  return parsed;
}

/**
 * Pipelines a suite owns, stopped after each test whatever happened in it: `track(p)` registers
 * one. Stopped at once, without end of stream; tests that need the end of stream ask for it.
 */
export function pipelinesStoppedAfterEach(suite: {
  after: { each(fn: () => Promise<void>): void };
}): <T extends GstPipeline>(pipeline: T) => T {
  const open = new Set<GstPipeline>();
  suite.after.each(async () => {
    const stopped = [...open].map((pipeline) => {
      pipeline[Symbol.dispose]();
      return pipeline.done.catch(() => undefined);
    });
    open.clear();
    await within(Promise.all(stopped), 5_000, 'the pipelines of the test to stop');
  });
  return (pipeline) => {
    open.add(pipeline);
    return pipeline;
  };
}

/** Resolves once every message posted before it has been through the pipeline's bus watch (a marker message after them). */
export function busTurn(pipeline: GstPipeline): Promise<void> {
  const handled = new Promise<void>((resolve) => {
    const id = pipeline.bus.connect('message::application', () => {
      pipeline.bus.disconnect(id);
      resolve();
    });
  });
  if (!pipeline.pipeline.postMessage(Gst.Message.newApplication(pipeline.pipeline, Gst.Structure.newEmpty('marker'))))
    throw new Error('the marker message was not posted');
  return within(handled, 5_000, 'a marker through the bus');
}
