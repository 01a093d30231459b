/**
 * An appsink whose caps leave the format open: the source says once (a process warning with code
 * GSTREAMER_TS_OPEN_FORMAT) which format GStreamer chose and how to name one in the caps; caps
 * that name the format (a caps filter, the appsink's own caps, or before a queue) give no warning.
 * Each case runs in its own process: the warning is once per process.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runScript, SRC } from './helpers/support';

/** Pops 3 frames from each description in one process; prints the warnings it emitted as JSON lines. */
async function warningsOf(kind: 'GstVideoSource' | 'GstAudioSource', descriptions: string[]): Promise<{ code: string; message: string }[]> {
  const script = `
    const api = require(${JSON.stringify(SRC)});
    process.on('warning', (w) => console.log(JSON.stringify({ code: w.code, message: w.message })));
    (async () => {
      for (const description of ${JSON.stringify(descriptions)}) {
        const source = new api.${kind}(description).startup();
        for (let i = 0; i < 3; i++) await source.pop();
        await source.shutdown();
      }
      console.log('done');
    })();`;
  const exit = await runScript(script, { timeoutMs: 20_000, what: `${kind} with ${descriptions.join(' / ')}` });
  assert.is(exit.code, 0, exit.stderr);
  assert.match(exit.stdout, 'done');
  // a warning goes to stderr as well, unless silenced: the listener's copy is the one read here
  return exit.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { code: string; message: string });
}

test('caps without format= warn once, naming what GStreamer chose and the fix', async () => {
  const open = 'videotestsrc num-buffers=5 ! video/x-raw,width=16,height=16 ! appsink';
  const warnings = await warningsOf('GstVideoSource', [open, open]);
  assert.is(warnings.length, 1, `once per process: ${JSON.stringify(warnings)}`);
  const [warning] = warnings;
  assert.is(warning.code, 'GSTREAMER_TS_OPEN_FORMAT');
  assert.match(warning.message, /leave the format open, and GStreamer chose [A-Z0-9_]+ \(frames of Uint(8|16)Array\)\./);
  assert.match(warning.message, 'video/x-raw,format=RGB');
});

test('an audio appsink with open caps names an audio fix', async () => {
  const [warning, ...more] = await warningsOf('GstAudioSource', ['audiotestsrc num-buffers=5 ! appsink']);
  assert.is(more.length, 0);
  assert.is(warning?.code, 'GSTREAMER_TS_OPEN_FORMAT');
  assert.match(warning.message, 'audio/x-raw,format=S16LE');
});

test("a format named in a caps filter, in the appsink's caps or before a queue gives no warning", async () => {
  const warnings = await warningsOf('GstVideoSource', [
    'videotestsrc num-buffers=5 ! video/x-raw,format=RGB,width=16,height=16 ! appsink',
    'videotestsrc num-buffers=5 ! appsink caps=video/x-raw,format=GRAY8,width=16,height=16',
    'videotestsrc num-buffers=5 ! video/x-raw,format=I420,width=16,height=16 ! queue ! appsink',
  ]);
  assert.equal(warnings, []);
});

test.run();
