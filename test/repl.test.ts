/**
 * `npm run repl` (scripts/repl.js), driven as a user would through a pipe: lines in, output out.
 * Each session has a deadline: a REPL that hangs fails the test instead of hanging it.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Gst } from '../src/gi';

const ROOT = path.resolve(__dirname, '..');

interface Session {
  code: number | null;
  stdout: string;
  stderr: string;
  /** ms from spawn to the hint line */
  startup: number;
}

function session(lines: string[], args: string[] = [], deadline = 30_000): Promise<Session> {
  const history = fs.mkdtempSync(path.join(os.tmpdir(), 'gstreamer-ts-repl-'));
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let startup = -1;
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'repl.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, TS_NODE_HISTORY: path.join(history, 'history') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (startup < 0 && stdout.includes('\n')) startup = Date.now() - started;
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the REPL did not finish within ${deadline} ms; output so far:\n${stdout}\n${stderr}`));
    }, deadline);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      fs.rmSync(history, { recursive: true, force: true });
      resolve({ code, stdout, stderr, startup });
    });
    child.stdin.end(lines.map((l) => `${l}\n`).join(''));
  });
}

test('npm run repl: the namespaces and src/ exports in scope, TypeScript accepted, exits at end of input', async () => {
  const s = await session([
    'Gst.versionString()',
    'typeof GstPipeline',
    "const pipeline = new GstPipeline('videotestsrc num-buffers=10 ! fakesink')",
    'pipeline.constructor.name',
    'const frames: number = 10 * 2',
    'frames',
    'const buffer: Gst.Buffer | null = Gst.Buffer.newAllocate(null, 16, null)',
    'typeof buffer?.pts',
    'Gst.SECOND * 2n',
    'Gst.SECOND * 2',
    '[typeof GstApp.AppSink, typeof GstVideo.VideoInfo, typeof GLib.MainLoop, typeof GObject.Object, typeof GstBase.BaseSink]',
  ]);
  const out = s.stdout;
  assert.is(s.code, 0, `exit code (stderr: ${s.stderr})`);
  const hint = out.split('\n')[0];
  assert.match(hint, /^gstreamer-ts REPL, GStreamer \d+\.\d+/, 'a one-line hint first');
  assert.ok(hint.includes(Gst.versionString()), `the hint names ${Gst.versionString()}`);
  assert.ok(out.includes(`'${Gst.versionString()}'`), 'Gst.versionString() prints the version');
  assert.ok(out.includes("'function'"), 'typeof GstPipeline is function');
  assert.ok(out.includes("'GstPipeline'"), 'a pipeline from a description');
  assert.ok(out.includes('> 20\n'), 'type annotations are accepted');
  assert.ok(out.includes("'bigint'"), 'buffer.pts is a bigint');
  assert.ok(out.includes('2000000000n'), 'bigint arithmetic');
  assert.match(s.stdout + s.stderr, /Cannot mix BigInt and other types/, 'Gst.SECOND * 2 fails as at run time');
  assert.ok(out.includes("[ 'function', 'function', 'function', 'function', 'function' ]"), 'all six namespaces');
  console.log(`repl: hint after ${s.startup} ms`);
  assert.ok(s.startup < 10_000, `starts in seconds (${s.startup} ms)`);
});

test('npm run repl -- --typecheck: inputs are type-checked, .type prints types', async () => {
  const s = await session(
    ['const seconds: number = Gst.SECOND', '.type Gst.SECOND', 'Gst.SECOND * 3n'],
    ['--typecheck'],
    60_000,
  );
  assert.is(s.code, 0, `exit code (stderr: ${s.stderr})`);
  assert.match(s.stdout, /type-checked/, 'the hint says so');
  assert.match(s.stdout + s.stderr, /TS2322: Type 'bigint' is not assignable to type 'number'/, 'a type error is reported');
  assert.match(s.stdout, /const SECOND: bigint/, '.type');
  assert.ok(s.stdout.includes('3000000000n'), 'evaluation goes on after a type error');
});

test('an unknown argument is refused', async () => {
  const s = await session([], ['--nope']);
  assert.is(s.code, 2);
  assert.match(s.stderr, /usage: node scripts\/repl\.js \[--typecheck\]/);
});

test.run();
