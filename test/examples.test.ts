/**
 * examples/run_appsink.ts as `npm start` runs it (`node scripts/run.js examples/run_appsink.ts`: Node's own
 * TypeScript where the running Node has it with `using`, else ts-node):
 * its output per frame, the default pipeline (`npm start`), Ctrl-C, and a bad -p.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { linesMatching, runNode, type Exit, type RunOptions } from './helpers/support';

function runAppsink(pipeline: string | null, options: RunOptions): Promise<Exit> {
  const args = ['scripts/run.js', 'examples/run_appsink.ts'];
  if (pipeline !== null) args.push('-p', pipeline);
  return runNode(args, options);
}

const TIMESTAMP = /^timestamp: +\d+:\d\d:\d\d\.\d{9} offset: +\d+$/;

function received(shape: string, type: string): RegExp {
  return new RegExp(`^Received ShapedArray with shape \\[${shape.replace(/[[\]]/g, '')}\\] of type ${type}$`);
}

test('-p GRAY16_LE 64x48, 20 buffers: 20 timestamps and 20 frames of shape [48, 64] as Uint16Array', async () => {
  const exit = await runAppsink(
    'videotestsrc num-buffers=20 ! capsfilter caps=video/x-raw,format=GRAY16_LE,width=64,height=48 ! queue ! appsink emit-signals=True sync=false',
    { timeoutMs: 20_000, what: 'run_appsink GRAY16_LE' },
  );
  assert.is(exit.code, 0, exit.stderr);
  const timestamps = linesMatching(exit.stdout, /^timestamp:/);
  assert.is(timestamps.length, 20, exit.stdout);
  for (const line of timestamps) assert.match(line, TIMESTAMP, JSON.stringify(line));
  assert.is(timestamps[0], 'timestamp:  0:00:00.000000000 offset:  0');
  assert.is(timestamps[19], 'timestamp:  0:00:00.633333333 offset:  19');
  const frames = linesMatching(exit.stdout, /^Received/);
  assert.is(frames.length, 20);
  for (const line of frames) assert.match(line, received('48, 64', 'Uint16Array'));
});

test("the blog's command line (RGB): frames of shape [48, 64, 3] as Uint8Array", async () => {
  const exit = await runAppsink(
    'videotestsrc num-buffers=5 ! capsfilter caps=video/x-raw,format=RGB,width=64,height=48 ! appsink emit-signals=True',
    { timeoutMs: 20_000, what: 'run_appsink RGB' },
  );
  assert.is(exit.code, 0, exit.stderr);
  assert.is(linesMatching(exit.stdout, /^timestamp:/).length, 5);
  const frames = linesMatching(exit.stdout, /^Received/);
  assert.is(frames.length, 5);
  for (const line of frames) assert.match(line, received('48, 64, 3', 'Uint8Array'));
});

test('no -p (npm start): the default pipeline prints 100 frames of GRAY16_LE 640x480', async () => {
  // The default appsink syncs to the clock: 100 frames at 30/1 take about 3.3 s.
  const exit = await runAppsink(null, { timeoutMs: 30_000, what: 'run_appsink default' });
  assert.is(exit.code, 0, exit.stderr);
  assert.is(linesMatching(exit.stdout, /^timestamp:/).length, 100);
  const frames = linesMatching(exit.stdout, /^Received/);
  assert.is(frames.length, 100);
  for (const line of frames) assert.match(line, received('480, 640', 'Uint16Array'));
});

test('Ctrl-C: a live pipeline stops cleanly and the process exits with 130 within 3 s', async () => {
  let interruptedAt = 0;
  let framesBefore = 0;
  const exit = await runAppsink('videotestsrc is-live=true ! video/x-raw,width=64,height=48,framerate=30/1 ! appsink emit-signals=True', {
    timeoutMs: 30_000,
    what: 'run_appsink live',
    onStdout: (stdout, child) => {
      if (interruptedAt) return;
      framesBefore = linesMatching(stdout, /^Received/).length;
      if (framesBefore >= 3) {
        interruptedAt = Date.now();
        child.kill('SIGINT');
      }
    },
  });
  const afterSignalMs = Date.now() - interruptedAt;
  assert.ok(interruptedAt > 0, `never saw 3 frames:\n${exit.stdout}\n${exit.stderr}`);
  assert.is(exit.signal, null, 'exited, not killed by the signal');
  assert.is(exit.code, 130, exit.stderr);
  assert.ok(afterSignalMs < 3000, `exited ${afterSignalMs} ms after SIGINT`);
  assert.ok(linesMatching(exit.stdout, /^Received/).length >= 3);
  assert.is(exit.stderr.trim(), '', 'nothing on stderr');
});

test("a malformed -p prints GStreamer's message on stderr and exits with 1", async () => {
  const exit = await runAppsink('videotestsrc ! nosuchelement ! appsink', { timeoutMs: 20_000, what: 'run_appsink bad pipeline' });
  assert.is(exit.signal, null);
  assert.is(exit.code, 1);
  assert.match(exit.stderr, /no element "nosuchelement"/);
  assert.is(exit.stdout, '');

  const syntax = await runAppsink('videotestsrc !', { timeoutMs: 20_000, what: 'run_appsink syntax error' });
  assert.is(syntax.code, 1);
  assert.match(syntax.stderr, /syntax error/);
});

test.run();
