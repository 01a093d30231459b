/**
 * Runs an example as a user does (`node scripts/run.js examples/<name>.ts ...`), in a fresh
 * temporary directory so the files it writes land there. Not a suite (see support.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, runNode, type Exit, type RunOptions } from './support';

/** The examples' runner (Node's own TypeScript, or ts-node with the repository's tsconfig), whatever the child's working directory. */
const RUN = path.join(ROOT, 'scripts', 'run.js');
/** Output without colours. */
const ENV = { ...process.env, FORCE_COLOR: '0' };

export interface ExampleRun extends Exit {
  /** where the example ran: its files are there */
  cwd: string;
}

const dirs: string[] = [];

/** Removes the directories of every run so far (call after each test). */
export function removeRunDirectories(): void {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Runs examples/<name>.ts with `args`; `options.what` defaults to the name. */
export function runExample(
  name: string,
  args: readonly string[],
  options: Partial<RunOptions> & { cwd?: string } = {},
): Promise<ExampleRun> {
  const cwd = options.cwd ?? fs.mkdtempSync(path.join(os.tmpdir(), `gstreamer-ts-${name}-`));
  if (!options.cwd) dirs.push(cwd);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const what = options.what ?? `${name} ${args.join(' ')}`;
  const script = path.join(ROOT, 'examples', `${name}.ts`);
  return runNode([RUN, script, ...args], { ...options, timeoutMs, what, cwd, env: ENV }).then((exit) => ({ ...exit, cwd }));
}

/** Fails with the run's output unless it exited with 0. */
export function exitedCleanly(run: ExampleRun): string {
  return `exit ${run.code} (signal ${run.signal})\n--- stdout\n${run.stdout.slice(-3000)}\n--- stderr\n${run.stderr.slice(-3000)}`;
}

/** The examples: every examples/*.ts, by name without '.ts' (helpers/ holds no example). */
export function exampleNames(): string[] {
  return fs
    .readdirSync(path.join(ROOT, 'examples'))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => file.slice(0, -'.ts'.length))
    .sort();
}
