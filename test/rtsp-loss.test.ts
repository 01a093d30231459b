/**
 * Sources that go away, told apart from an end (docs/sources.md): a real RTSP server of our own
 * (test/helpers/rtsp-server.ts, gst-rtsp-server in a child process) killed (SIGKILL: its sockets
 * close) and frozen (SIGSTOP: it says nothing more), servers that never answer, a file truncated
 * while it is read, and the reconnect pattern of examples/run_rtsp_reconnect.ts. Timing belongs
 * in the soak (scripts/rtsp-reconnect-soak.ts): the guards here only catch hangs.
 */
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Gst, GstPipeline, GstPipelineError, GstSourceLostError, GstVideoSource, type GstVideoSourceOptions } from '../src';
import { exitedCleanly, removeRunDirectories, runExample } from './helpers/run-example';
import { killRtspServer, startRtspServer, type RtspServer } from './helpers/rtsp-server';
import { pipelinesStoppedAfterEach, rejectionOf, within } from './helpers/support';

const track = pipelinesStoppedAfterEach(test);
const servers = new Set<RtspServer>();
test.after.each(async () => {
  removeRunDirectories();
  await Promise.all([...servers].map((server) => killRtspServer(server)));
  servers.clear();
});

/** Short, so that the suite stays short; the default (10 s) is the soak's and the docs' business. */
const TIMEOUT_MS = 1000;
/** Hang guards: generous, for a loaded machine. */
const GUARD_MS = 20_000;

async function server(port = 0): Promise<RtspServer> {
  const started = await startRtspServer(port);
  servers.add(started);
  return started;
}

function reader(url: string, transport: 'udp' | 'tcp', options: GstVideoSourceOptions = {}): GstVideoSource {
  const protocols = transport === 'tcp' ? ' protocols=tcp' : '';
  return track(
    new GstVideoSource(
      `rtspsrc location=${url}${protocols} latency=0 ! rtpvrawdepay ! videoconvert ! video/x-raw,format=RGB ! appsink sync=false`,
      {
        onWarning: () => undefined,
        ...options,
      },
    ),
  ).startup();
}

/** Resolves with the first frame's size (fails on a null or an error). */
async function firstFrame(source: GstVideoSource, what: string): Promise<[number, number]> {
  const frame = await within(source.pop(), GUARD_MS, `${what}: a first frame`);
  assert.ok(frame, `${what}: a frame, not the end`);
  frame.release();
  return [frame.width, frame.height];
}

/** The error that ends `source`: its pending pop() rejects with it, and so does `done` (the same object). */
async function failure(source: GstVideoSource, what: string): Promise<GstPipelineError> {
  const popped = rejectionOf(
    (async () => {
      for (;;) {
        const frame = await source.pop();
        if (frame === null) return null;
        frame.release();
      }
    })(),
    GUARD_MS,
    `${what}: pop()`,
  );
  const error = await popped;
  assert.instance(error, GstPipelineError, `${what}: ${String(error)}`);
  assert.is(await rejectionOf(source.done, GUARD_MS, `${what}: done`), error, `${what}: done rejects with the same error`);
  return error as GstPipelineError;
}

test('a server that dies (SIGKILL): an immediate GstPipelineError over UDP and over TCP, never an end of stream', async () => {
  const rtsp = await server();
  // A watchdog of a minute: what ends these readers within the guard is the dead server's closed sockets.
  const udp = reader(rtsp.url, 'udp', { sourceTimeoutMs: 60_000 });
  const tcp = reader(rtsp.url, 'tcp', { sourceTimeoutMs: 60_000 });
  assert.equal(await firstFrame(udp, 'udp'), [160, 120]);
  assert.equal(await firstFrame(tcp, 'tcp'), [160, 120]);
  rtsp.child.kill('SIGKILL');
  const [overUdp, overTcp] = await Promise.all([failure(udp, 'udp'), failure(tcp, 'tcp')]);
  // UDP: rtspsrc itself posts an error, which passes as it is (reading the closed connection
  // fails, or connecting again does, whichever rtspsrc tries first).
  assert.not.instance(overUdp, GstSourceLostError, overUdp.message);
  assert.match(overUdp.message, /^rtspsrc\d+: Could not (open|read from) resource/);
  // TCP: rtspsrc warns that it could not read, then ends the stream; that end is a loss.
  assert.instance(overTcp, GstSourceLostError, overTcp.message);
  assert.match(overTcp.message, /^rtspsrc\d+: source lost: Could not read from resource.*\(then end of stream\)/);
  assert.ok((overTcp as GstSourceLostError).silentMs < 60_000);
  assert.ok(overTcp.debug?.includes('rtspsrc'), String(overTcp.debug));
});

test('a server that falls silent (SIGSTOP): GstSourceLostError once nothing came for sourceTimeoutMs, over UDP and TCP', async () => {
  const rtsp = await server();
  const udp = reader(rtsp.url, 'udp', { sourceTimeoutMs: TIMEOUT_MS });
  const tcp = reader(rtsp.url, 'tcp', { sourceTimeoutMs: TIMEOUT_MS });
  await firstFrame(udp, 'udp');
  await firstFrame(tcp, 'tcp');
  rtsp.child.kill('SIGSTOP');
  for (const error of await Promise.all([failure(udp, 'udp'), failure(tcp, 'tcp')])) {
    assert.instance(error, GstSourceLostError, error.message);
    const lost = error as GstSourceLostError;
    assert.ok(lost.silentMs >= TIMEOUT_MS, `silentMs ${lost.silentMs}`);
    assert.match(lost.source ?? '', /^rtspsrc\d+$/);
    assert.match(lost.message, /source lost: nothing received for \d+ ms \(sourceTimeoutMs is 1000 ms\)/);
  }
});

test('a server that never answers: nothing listening is a GstPipelineError at once; a silent listener, a GstSourceLostError', async () => {
  const silent = net.createServer((socket) => socket.on('error', () => undefined));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const closed = net.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const closedPort = (closed.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  try {
    const nobody = reader(`rtsp://127.0.0.1:${closedPort}/test`, 'udp', { sourceTimeoutMs: 60_000 });
    const mute = reader(`rtsp://127.0.0.1:${(silent.address() as net.AddressInfo).port}/test`, 'udp', { sourceTimeoutMs: TIMEOUT_MS });
    const [refused, unanswered] = await Promise.all([failure(nobody, 'nothing listening'), failure(mute, 'silent listener')]);
    assert.not.instance(refused, GstSourceLostError, refused.message);
    assert.match(refused.message, /^rtspsrc\d+: Could not open resource/);
    assert.instance(unanswered, GstSourceLostError, unanswered.message);
    assert.ok((unanswered as GstSourceLostError).silentMs >= TIMEOUT_MS);
  } finally {
    silent.close();
  }
});

test('a handler that throws while a server goes away and comes back: a pipeline error, and the next connection reads on', async () => {
  const rtsp = await server();
  const thrown = new Error('the handler failed');
  const first = reader(rtsp.url, 'tcp', {
    sourceTimeoutMs: TIMEOUT_MS,
    onWarning: () => {
      throw thrown;
    },
  });
  await firstFrame(first, 'before');
  await killRtspServer(rtsp);
  servers.delete(rtsp);
  const error = await failure(first, 'the throwing handler');
  assert.match(error.message, /onWarning threw: the handler failed/);
  assert.is(error.cause, thrown);
  const back = await server(rtsp.port);
  const second = reader(back.url, 'tcp', { sourceTimeoutMs: TIMEOUT_MS });
  assert.equal(await firstFrame(second, 'after the server came back'), [160, 120]);
});

test('a file truncated while it is read: a GstPipelineError, not the end of a whole file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gstreamer-ts-truncated-'));
  const file = path.join(dir, 'clip.mkv');
  try {
    await within(
      track(
        new GstPipeline(
          `videotestsrc num-buffers=200 ! video/x-raw,format=I420,width=64,height=48 ! matroskamux ! filesink location=${file}`,
        ),
      ).startup().done,
      GUARD_MS,
      'writing the file',
    );
    const size = fs.statSync(file).size;
    // A queue of 2 frames: the pipeline is held back, so most of the file is still unread when it is cut.
    const source = track(
      new GstVideoSource(`filesrc location=${file} ! matroskademux ! videoconvert ! video/x-raw,format=RGB ! appsink sync=false`, {
        maxBuffersSize: 2,
      }),
    ).startup();
    for (let i = 0; i < 10; i++) await firstFrame(source, `frame ${i}`);
    fs.truncateSync(file, Math.floor(size / 2));
    const error = await failure(source, 'the truncated file');
    assert.not.instance(error, GstSourceLostError);
    assert.match(error.source ?? '', /^filesrc\d+$/);
    assert.match(
      error.message,
      new RegExp(
        `the file ".*clip\\.mkv" was truncated while it was read \\(${size} bytes at the start, ${Math.floor(size / 2)} at the end of the stream\\)`,
      ),
    );
    assert.ok(source.totalBuffersCount < 200, `${source.totalBuffersCount} frames of 200`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('sourceTimeoutMs given: live sources are watched too; a consumer that holds the stream back is not silence; 0 is off', async () => {
  // appsrc is-live=true that nobody feeds: a live source that sends nothing
  const starved = track(
    new GstVideoSource('appsrc is-live=true caps=video/x-raw,format=RGB,width=8,height=8,framerate=30/1 ! appsink', {
      sourceTimeoutMs: 300,
    }),
  ).startup();
  const error = await failure(starved, 'a starved live source');
  assert.instance(error, GstSourceLostError, error.message);
  assert.match(error.source ?? '', /^appsrc\d+$/);
  // A live source whose reader pops nothing for 3 limits: the queue fills and holds the stream
  // back, which is the reader's doing: it then reads on.
  const held = track(
    new GstVideoSource('videotestsrc is-live=true ! video/x-raw,format=RGB,width=8,height=8,framerate=30/1 ! appsink', {
      sourceTimeoutMs: 300,
      maxBuffersSize: 2,
    }),
  ).startup();
  const off = track(
    new GstVideoSource('appsrc is-live=true caps=video/x-raw,format=RGB,width=8,height=8,framerate=30/1 ! appsink', { sourceTimeoutMs: 0 }),
  ).startup();
  await new Promise((resolve) => setTimeout(resolve, 900)); // nothing to wait for: this is the quiet time under test
  assert.ok(held.isActive, String(held.error));
  assert.is(held.queueSize, 2);
  for (let i = 0; i < 5; i++) await firstFrame(held, `held back, frame ${i}`);
  assert.ok(off.isActive, String(off.error));
  assert.is(await off.pop(0), null);
});

test('with the watchdog off, an end of stream after 5 s without data from a network source is a loss; right after data, an end', async () => {
  const sender = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', resolve));
  const probe = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve));
  const ports = [probe.address().port];
  probe.close();
  const other = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => other.bind(0, '127.0.0.1', resolve));
  ports.push(other.address().port);
  other.close();
  // udpsrc: a network source; each 16-byte datagram is a 4x4 GRAY8 frame
  const open = (port: number): GstVideoSource =>
    track(
      new GstVideoSource(`udpsrc address=127.0.0.1 port=${port} caps=video/x-raw,format=GRAY8,width=4,height=4,framerate=0/1 ! appsink`, {
        sourceTimeoutMs: 0,
      }),
    ).startup();
  const [quiet, busy] = ports.map(open);
  try {
    const send = (port: number): Promise<void> =>
      new Promise((resolve, reject) => sender.send(Buffer.alloc(16, 7), port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
    // udpsrc listens once PLAYING: send until a frame comes through
    const frameFrom = async (source: GstVideoSource, port: number): Promise<void> => {
      for (;;) {
        await send(port);
        const frame = await source.pop(100);
        if (frame) return frame.release();
      }
    };
    await within(Promise.all([frameFrom(quiet, ports[0]), frameFrom(busy, ports[1])]), GUARD_MS, 'a first datagram through each');
    await new Promise((resolve) => setTimeout(resolve, 5200)); // the silence under test
    await frameFrom(busy, ports[1]);
    quiet.pipeline.sendEvent(Gst.Event.newEos());
    busy.pipeline.sendEvent(Gst.Event.newEos());
    const error = await failure(quiet, 'end of stream after silence');
    assert.instance(error, GstSourceLostError, error.message);
    assert.ok((error as GstSourceLostError).silentMs >= 5000);
    assert.match(error.message, /^udpsrc\d+: source lost: end of stream after \d+ ms without data/);
    assert.is(await within(busy.pop(), GUARD_MS, 'the end after data'), null);
    await within(busy.done, GUARD_MS, 'done after the end');
  } finally {
    sender.close();
  }
});

test('sourceTimeoutMs must be a number of ms >= 0', () => {
  assert.throws(
    () => new GstVideoSource('videotestsrc ! appsink', { sourceTimeoutMs: -1 }),
    (e: unknown) => e instanceof RangeError && /sourceTimeoutMs/.test(e.message),
  );
  assert.throws(
    () => new GstPipeline('fakesrc ! fakesink', { sourceTimeoutMs: '5' as unknown as number }),
    (e: unknown) => e instanceof TypeError && /sourceTimeoutMs must be a number of milliseconds, got "5"/.test(e.message),
  );
});

test('examples/run_rtsp_reconnect: frames again after the server is killed and restarted, and after it is stopped and continued', async () => {
  let rtsp = await server();
  const port = rtsp.port;
  let stdout = '';
  const waits: Array<{ met: () => boolean; resolve: () => void }> = [];
  /** Resolves once the example's output meets `met` (checked at each chunk it prints). */
  const until = (met: () => boolean, what: string): Promise<void> =>
    within(new Promise<void>((resolve) => (met() ? resolve() : waits.push({ met, resolve }))), GUARD_MS, what);
  const receiving = (): number => stdout.split('\n').filter((line) => line.startsWith('receiving 160x120 RGB')).length;
  let scenario: Promise<void> | null = null;
  const run = await runExample('run_rtsp_reconnect', ['--url', rtsp.url, '--timeout', String(TIMEOUT_MS), '--max-backoff', '500'], {
    timeoutMs: 90_000,
    onStdout: (all, child) => {
      stdout = all;
      for (const wait of waits.filter((w) => w.met())) {
        waits.splice(waits.indexOf(wait), 1);
        wait.resolve();
      }
      scenario ??= (async () => {
        await until(() => receiving() === 1, 'frames at first');
        await killRtspServer(rtsp);
        servers.delete(rtsp);
        rtsp = await server(port);
        await until(() => receiving() === 2, 'frames after the server was killed and restarted');
        const mark = stdout.length;
        rtsp.child.kill('SIGSTOP');
        await until(() => /^lost after/m.test(stdout.slice(mark)), 'the loss of the stopped server');
        rtsp.child.kill('SIGCONT');
        await until(() => receiving() === 3, 'frames after the server was continued');
        child.kill('SIGINT');
      })().catch((error: unknown) => {
        child.kill('SIGKILL');
        throw error;
      });
    },
  });
  assert.ok(scenario, exitedCleanly(run));
  await scenario;
  assert.match(run.stdout, /(failed|lost) after \d+ frames: rtspsrc\d+: /, 'the killed server');
  assert.match(run.stdout, /lost after \d+ frames \(\d+ ms silent\): rtspsrc\d+: source lost: nothing received/, 'the stopped server');
  assert.is(run.code, 130, exitedCleanly(run));
});

test.run();
