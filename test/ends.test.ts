/**
 * Ends that end: leaving a `for await` over a source early (break, return, throw) shuts that source
 * down, so a plain CommonJS script (no `await using`) exits by itself; the same in-process, where
 * the source reports it has ended.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GstStateError, GstVideoSink, GstVideoSource } from '../src';
import { pipelinesStoppedAfterEach, runScript, SRC, within } from './helpers/support';

const track = pipelinesStoppedAfterEach(test);
const LIVE = 'videotestsrc is-live=true ! video/x-raw,format=GRAY8,width=16,height=16,framerate=100/1 ! appsink';

test('break out of for await in a plain CommonJS script shuts the source down and the process exits by itself', async () => {
  const script = `
    const { GstVideoSource } = require(${JSON.stringify(SRC)});
    (async () => {
      const source = new GstVideoSource(${JSON.stringify(LIVE)}).startup();
      let n = 0;
      for await (const frame of source) if (++n === 5) break;
      console.log(\`broke after \${n} isDone \${source.isDone} isActive \${source.isActive}\`);
    })();`;
  const exit = await runScript(script, { timeoutMs: 20_000, what: 'a script that breaks out of for await' });
  assert.is(exit.code, 0, exit.stderr);
  assert.match(exit.stdout, 'broke after 5 isDone true isActive false', exit.stdout + exit.stderr);
});

test('return and throw out of for await shut the source down as break does', async () => {
  const firstFive = async (source: GstVideoSource): Promise<number> => {
    let n = 0;
    for await (const frame of source) if (++n === 5 && frame) return n;
    return n;
  };
  const returning = track(new GstVideoSource(LIVE).startup());
  assert.is(await within(firstFive(returning), 5_000, 'return after 5 frames'), 5);
  assert.ok(returning.isDone && !returning.isActive, 'return shuts down');

  const throwing = track(new GstVideoSource(LIVE).startup());
  const thrown = new Error('stop here');
  const loop = async (): Promise<void> => {
    for await (const frame of throwing) if (frame) throw thrown;
  };
  await within(
    loop().then(
      () => assert.unreachable('resolved'),
      (error: unknown) => assert.is(error, thrown, "the loop's own error, not a pipeline one"),
    ),
    5_000,
    'throw from the loop',
  );
  assert.ok(throwing.isDone && !throwing.isActive, 'throw shuts down');
  assert.is(throwing.error, null, 'a shutdown, not a failure');
});

test('a loop that runs to the end of the stream leaves the source ended, without error', async () => {
  const source = track(new GstVideoSource('videotestsrc num-buffers=3 ! video/x-raw,format=GRAY8,width=8,height=8 ! appsink').startup());
  let n = 0;
  for await (const frame of source) if (frame) n++;
  assert.is(n, 3);
  assert.ok(source.isDone);
  assert.is(source.error, null);
});

test('GstVideoSink.push resolves to false while the stream is ending, and a loop on it ends there', async () => {
  const sink = track(new GstVideoSink('appsrc ! fakesink', { width: 8, height: 8, format: 'GRAY8' }).startup());
  assert.is(await within(sink.push(new Uint8Array(64)), 5_000, 'a push while playing'), true);
  const ending = sink.shutdown();
  let pushed = 0;
  for (let i = 0; i < 1000; i++)
    if (await within(sink.push(new Uint8Array(64)), 5_000, 'a push while ending')) pushed++;
    else break;
  assert.is(pushed, 0, 'no frame goes in once the end of stream is on its way');
  await within(ending, 5_000, 'shutdown');
  const error = await within(
    sink.push(new Uint8Array(64)).then(
      () => null,
      (e: unknown) => e,
    ),
    5_000,
    'a push after the end',
  );
  assert.instance(error, GstStateError, 'after the end, a push is a call the state does not allow');
});

test.run();
