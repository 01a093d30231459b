/**
 * The video examples run as a user runs them (`node scripts/run.js examples/<name>.ts`),
 * each in a fresh temporary directory so the WebM files they write land there: what they print,
 * their exit code, and the files read back by gst-discoverer-1.0 and by decoding every frame.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { countWebmFrames, discover } from './helpers/media';

const ROOT = path.resolve(__dirname, '..');
/** The examples' runner (Node's own TypeScript, or ts-node with the repository's tsconfig), whatever the child's working directory. */
const RUN = path.join(ROOT, 'scripts', 'run.js');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** the directory the example ran in (its files are there) */
  cwd: string;
}

const dirs: string[] = [];

test.after.each(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs examples/<name>.ts with `args` in a new temporary directory; killed and failed after `timeoutMs`. */
function runExample(name: string, args: readonly string[], timeoutMs = 30_000): Promise<Run> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), `gstreamer-ts-${name}-`));
  dirs.push(cwd);
  return new Promise<Run>((resolve, reject) => {
    const child = spawn(process.execPath, [RUN, path.join(ROOT, 'examples', `${name}.ts`), ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `examples/${name}.ts ${args.join(' ')}: still running after ${timeoutMs} ms (killed)\n${stdout.slice(-1000)}\n${stderr.slice(-1000)}`,
        ),
      );
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, cwd });
    });
  });
}

function assertExitedCleanly(run: Run, what: string): void {
  assert.is(
    run.code,
    0,
    `${what} exit code (signal ${run.signal})\n--- stdout\n${run.stdout.slice(-1500)}\n--- stderr\n${run.stderr.slice(-1500)}`,
  );
}

test('gst_capture.ts: 50 frames of [480, 640, 3], then "Read 49 buffers"', async () => {
  const run = await runExample('gst_capture', []);
  assertExitedCleanly(run, 'gst_capture');
  const shapes = run.stdout.split('\n').filter((line) => line.includes('shape'));
  assert.is(shapes.length, 50, 'one line per frame');
  for (const line of shapes) assert.match(line, /^\d+:\d\d:\d\d\.\d{9}: shape \[480, 640, 3\]$/);
  assert.ok(shapes[0].startsWith('0:00:00.000000000:'), `first frame at 0: ${shapes[0]}`);
  assert.ok(shapes[49].startsWith('0:00:01.633333333:'), `50th frame at 49/30 s: ${shapes[49]}`);
  assert.match(run.stdout, /^Read 49 buffers$/m);
});

test('run_appsrc.ts -n 30: a 640x480 30/1 WebM of 1 s with 30 frames', async () => {
  const run = await runExample('run_appsrc', ['-n', '30']);
  assertExitedCleanly(run, 'run_appsrc');
  assert.match(run.stdout, /pushed 30 frames of 640x480 RGB/);
  const file = path.join(run.cwd, 'run_appsrc.webm');
  assert.ok(fs.existsSync(file), 'run_appsrc.webm written in the working directory');
  const info = await discover(file);
  assert.is(info.width, 640, info.report);
  assert.is(info.height, 480, info.report);
  assert.is(info.frameRate, '30/1', info.report);
  assert.ok(Math.abs(info.durationS - 1) < 0.05, `duration ${info.durationS} s, expected about 1 s`);
  const decoded = await countWebmFrames(file);
  assert.is(decoded.frames, 30, 'frames decoded from the file');
  assert.equal([decoded.width, decoded.height], [640, 480]);
});

test('gst_capture_and_display.ts -n 60: passes 60 frames into a WebM that holds 60 frames', async () => {
  const run = await runExample('gst_capture_and_display', ['-n', '60']);
  assertExitedCleanly(run, 'gst_capture_and_display');
  assert.match(run.stdout, /passed 60 frames/);
  const file = path.join(run.cwd, 'gst_capture_and_display.webm');
  assert.ok(fs.existsSync(file), 'gst_capture_and_display.webm written in the working directory');
  const info = await discover(file);
  assert.is(info.width, 640, info.report);
  assert.is(info.height, 480, info.report);
  assert.ok(Math.abs(info.durationS - 2) < 0.1, `duration ${info.durationS} s, expected about 2 s (60 frames at 30/s)`);
  const decoded = await countWebmFrames(file);
  assert.is(decoded.frames, 60, 'frames decoded from the file');
});

test.run();
