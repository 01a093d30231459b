/**
 * Ctrl-C in `npm run repl` (scripts/repl.js) stops what the session plays and keeps the session:
 * a `for await` over a live source ends (AbortError), its pipeline is shut down, and the next
 * lines still run. Driven through a pipe; the interrupt is a SIGINT sent once the first frame is
 * printed.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from './helpers/support';

test('SIGINT during a for await over a live source ends the loop and the pipeline; the session goes on', async () => {
  const history = fs.mkdtempSync(path.join(os.tmpdir(), 'gstreamer-ts-repl-'));
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'repl.js'), '--transpile-only'], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_HISTORY: path.join(history, 'history') },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end(
    [
      "const source = new GstVideoSource('videotestsrc is-live=true ! video/x-raw,format=GRAY8,width=8,height=8,framerate=50/1 ! appsink').startup()",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a line typed into the REPL, evaluated there
      'for await (const f of source) console.log(`frame ${f.offset}`)',
      '1+1',
      'source.isDone',
      '',
    ].join('\n'),
  );
  let stdout = '';
  let interruptedAt = -1;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
    if (interruptedAt < 0 && /^frame \d+$/m.test(stdout)) {
      interruptedAt = stdout.length;
      child.kill('SIGINT');
    }
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the REPL did not end within 30 s; output:\n${stdout}\n${stderr}`));
    }, 30_000);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  assert.is(code, 0, `the session ends with its input, not with the Ctrl-C\n${stdout}\n${stderr}`);
  assert.ok(interruptedAt > 0, 'a frame was printed before the interrupt');
  const after = stdout.slice(interruptedAt);
  assert.match(after, '(Ctrl-C: stopping 1 pipeline; the session goes on)');
  assert.match(after, /AbortError.*interrupted/, after);
  assert.match(after, /> 1\+1\n2\n/, `the session still evaluates\n${after}`);
  assert.match(after, /> source\.isDone\ntrue\n/, 'the source was shut down');
  const lateFrames = after.slice(after.indexOf('AbortError')).match(/^frame \d+$/gm) ?? [];
  assert.is(lateFrames.length, 0, 'no frame is printed once the loop has ended');
});

test.run();
