/**
 * The loops the examples teach yield to Node's loop, so SIGTERM and Ctrl-C end them cleanly:
 * run_appsrc.ts asked for 100000 frames ends on SIGTERM, sent once it prints that it is pushing,
 * with the context's exit code (143) and a whole WebM, which a pipeline reads to its end; so does
 * gst_display.ts, whose loop of awaited GstVideoSink pushes stops when push resolves to false.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { countWebmFrames } from './helpers/media';
import { exitedCleanly, removeRunDirectories, runExample } from './helpers/run-example';

test.after.each(removeRunDirectories);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`run_appsrc.ts -n 100000 ends on ${signal} with a whole file`, async () => {
    let sent = false;
    const run = await runExample('run_appsrc', ['-n', '100000'], {
      timeoutMs: 30_000,
      onStdout: (stdout, child) => {
        if (!sent && stdout.includes('pushing 100000 frames')) {
          sent = true;
          child.kill(signal);
        }
      },
    });
    assert.ok(sent, exitedCleanly(run));
    assert.is(run.code, signal === 'SIGTERM' ? 143 : 130, exitedCleanly(run));
    const pushed = /pushed (\d+) frames of 640x480 RGB/.exec(run.stdout);
    assert.ok(pushed && Number(pushed[1]) < 100000, exitedCleanly(run));
    const file = path.join(run.cwd, 'run_appsrc.webm');
    assert.ok(fs.existsSync(file), 'run_appsrc.webm written');
    // a whole file: it decodes to its end (a cut one fails or ends early in matroskademux)
    const decoded = await countWebmFrames(file);
    assert.ok(decoded.frames > 0, 'frames in the file');
    assert.equal([decoded.width, decoded.height], [640, 480]);
  });
}

test('gst_display.ts -n 100000 ends on SIGTERM with a whole file: its push loop stops when push resolves to false', async () => {
  let sent = false;
  const run = await runExample('gst_display', ['-n', '100000'], {
    timeoutMs: 30_000,
    onStdout: (stdout, child) => {
      if (!sent && stdout.includes('pushing 100000 frames')) {
        sent = true;
        child.kill('SIGTERM');
      }
    },
  });
  assert.ok(sent, exitedCleanly(run));
  assert.is(run.code, 143, exitedCleanly(run));
  assert.match(run.stdout, /Displayed \d+ buffers/, exitedCleanly(run));
  const decoded = await countWebmFrames(path.join(run.cwd, 'gst_display.webm'));
  assert.ok(decoded.frames > 0, 'frames in the file');
  assert.equal([decoded.width, decoded.height], [640, 480]);
});

test.run();
