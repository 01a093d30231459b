/**
 * Child processes for the lifetime and hostile-input suites (not a suite):
 * `node --expose-gc -r ts-node/register/transpile-only <file> args...` under a low `ulimit -n`,
 * so that a leak of file descriptors fails loudly instead of passing, and a crash (signal,
 * abort) cannot hide inside the suite's own process.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { exitOf, ROOT, type Exit } from './support';

/** Runs `file` (a path under test/) in a fresh node with `ulimit -n fdLimit`; resolves when it exits. */
export function runLimited(
  file: string,
  args: readonly string[],
  options: { fdLimit: number; timeoutMs: number; what: string; env?: NodeJS.ProcessEnv },
): Promise<Exit> {
  const child = spawn(
    'bash',
    [
      '-c',
      `ulimit -n ${options.fdLimit} && exec "$0" "$@"`,
      process.execPath,
      '--expose-gc',
      '-r',
      'ts-node/register/transpile-only',
      path.join(ROOT, 'test', file),
      ...args,
    ],
    { cwd: ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return exitOf(child, options);
}
