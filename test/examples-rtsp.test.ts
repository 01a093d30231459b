/**
 * examples/run_rtsp.ts as a user runs it, on a free port, and a real RTSP client (rtspsrc over
 * 127.0.0.1) that receives and decodes its frames; Ctrl-C then stops the server cleanly.
 */
import * as net from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GstVideoSource } from '../src';
import { exitedCleanly, removeRunDirectories, runExample } from './helpers/run-example';
import { within } from './helpers/support';

test.after.each(removeRunDirectories);

/** A TCP port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Frames a real client receives from `url`: at most `count`, as RGB. */
async function receive(url: string, count: number): Promise<{ width: number; height: number; topLeft: number[] }[]> {
  const client = new GstVideoSource(
    `rtspsrc location=${url} protocols=tcp latency=0 ! rtpvrawdepay ! videoconvert ! video/x-raw,format=RGB ! appsink sync=false`,
  ).startup();
  try {
    const frames: { width: number; height: number; topLeft: number[] }[] = [];
    const read = async (): Promise<void> => {
      for await (const frame of client) {
        frames.push({ width: frame.width, height: frame.height, topLeft: [...frame.data.subarray(0, 3)] });
        frame.release();
        if (frames.length === count) break;
      }
    };
    await within(read(), 20_000, `${count} frames from ${url}`);
    return frames;
  } finally {
    client[Symbol.dispose]();
    await within(
      client.done.catch(() => undefined),
      5_000,
      'the client to stop',
    );
  }
}

test('run_rtsp --port N: a real rtspsrc client receives 320x240 frames of the test pattern; Ctrl-C exits 130', async () => {
  const port = await freePort();
  const url = `rtsp://127.0.0.1:${port}/stream.rtp`;
  let received: Awaited<ReturnType<typeof receive>> | null = null;
  let failure: unknown = null;
  let asked = false;
  const run = await runExample('run_rtsp', ['--port', String(port)], {
    timeoutMs: 45_000,
    onStdout: (stdout, child) => {
      if (asked || !stdout.includes(url)) return;
      asked = true;
      receive(url, 10)
        .then((frames) => (received = frames))
        .catch((error: unknown) => (failure = error))
        .finally(() => child.kill('SIGINT'));
    },
  });
  assert.ok(asked, `never printed ${url}\n${exitedCleanly(run)}`);
  // what the server printed says which side stalled
  if (failure) throw new Error(`${String(failure)}\n--- the server (run_rtsp)\n${exitedCleanly(run)}`, { cause: failure });
  assert.ok(received, 'frames');
  const frames = received as unknown as Awaited<ReturnType<typeof receive>>;
  assert.is(frames.length, 10);
  for (const frame of frames) assert.equal([frame.width, frame.height], [320, 240]);
  // videotestsrc's first bar (top left) is white (RGB passes through raw RTP unchanged)
  assert.equal(frames[0].topLeft, [255, 255, 255]);
  assert.is(run.signal, null, exitedCleanly(run));
  assert.is(run.code, 130, exitedCleanly(run));
});

test('run_rtsp without --port listens on 8554 (as the Python original)', async () => {
  const run = await runExample('run_rtsp', ['--help']);
  assert.match(run.stdout, /--port PORT +RTSP port to listen on \(default: 8554\)/);
});

test.run();
