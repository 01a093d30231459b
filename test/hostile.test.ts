/**
 * Hostile input: each case of test/helpers/hostile-cases.ts runs in its own child process, so a
 * crash cannot hide. Each must end in the typed error it names (class and message), or be
 * accepted and turned into the right thing; the child must stay alive (its last line is 'alive',
 * exit code 0), leave no pipeline live and give its file descriptors back.
 *
 * Children run plain JavaScript transpiled once from the sources into a temporary folder (ts-node
 * costs ~1 s of CPU per child; the whole suite would take minutes), two at a time.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cases } from './helpers/hostile-cases';
import { ROOT, type Exit } from './helpers/support';

const CONCURRENCY = 2;

interface Report {
  index: number;
  error: string;
  message: string;
  cause: boolean;
  live: number;
  fdsBefore: number;
  fdsAfter: number;
}

/** src/ and the two hostile helpers as JavaScript, in a folder that finds build/ and node_modules/ beside it. */
function transpile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gstreamer-ts-hostile-'));
  const write = (from: string, to: string): void => {
    const out = ts.transpileModule(fs.readFileSync(path.join(ROOT, from), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    fs.mkdirSync(path.dirname(path.join(dir, to)), { recursive: true });
    fs.writeFileSync(path.join(dir, to), out.outputText);
  };
  for (const file of fs.readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }))
    if (file.endsWith('.ts') && !file.endsWith('.d.ts')) write(`src/${file}`, `src/${file.replace(/\.ts$/, '.js')}`);
  // the hand-written JavaScript modules (src/gi.js, src/system-check.js) as they are
  for (const file of fs.readdirSync(path.join(ROOT, 'src')))
    if (file.endsWith('.js')) fs.copyFileSync(path.join(ROOT, 'src', file), path.join(dir, 'src', file));
  write('test/helpers/hostile-cases.ts', 'test/helpers/hostile-cases.js');
  write('test/helpers/hostile-child.ts', 'test/helpers/hostile-child.js');
  fs.symlinkSync(path.join(ROOT, 'build'), path.join(dir, 'build'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

function runCase(dir: string, index: number): Promise<Exit> {
  return new Promise<Exit>((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--expose-gc', path.join(dir, 'test', 'helpers', 'hostile-child.js'), String(index)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // A hang is a failure too: killed after 20 s, reported with what it printed.
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, elapsedMs: Date.now() - started });
    });
  });
}

let exits: Array<Promise<Exit>> = [];
let dir = '';

test.before(() => {
  dir = transpile();
  const pending = cases.map(() => {
    let settle!: (exit: Exit) => void;
    const promise = new Promise<Exit>((resolve) => (settle = resolve));
    return { promise, settle };
  });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const index = next++;
      pending[index].settle(await runCase(dir, index));
    }
  };
  for (let i = 0; i < CONCURRENCY; i++) void worker();
  exits = pending.map((p) => p.promise);
});

test.after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

cases.forEach((hostile, index) => {
  test(`hostile: ${hostile.name}`, async () => {
    const exit = await exits[index];
    const detail = `exit ${exit.code} ${exit.signal ?? ''}\n--- stdout\n${exit.stdout.slice(-2000)}\n--- stderr\n${exit.stderr.slice(-2000)}`;
    assert.is(exit.code, 0, `the child must exit 0:\n${detail}`);
    assert.ok(exit.stdout.trimEnd().endsWith('alive'), `the child must stay alive to the end:\n${detail}`);
    const line = exit.stdout.split('\n').find((l) => l.startsWith('{'));
    assert.ok(line, `no report:\n${detail}`);
    const report = JSON.parse(line!) as Report;
    assert.is(report.error, hostile.error, `error class (message: ${report.message.slice(0, 500)})`);
    assert.match(report.message, hostile.message, 'message');
    if (hostile.cause) assert.ok(report.cause, "the user's error is the cause");
    assert.is(report.live, 0, 'no pipeline left live');
    assert.ok(report.fdsAfter <= report.fdsBefore, `fds back to the baseline: ${report.fdsBefore} before, ${report.fdsAfter} after`);
  });
});

test.run();
