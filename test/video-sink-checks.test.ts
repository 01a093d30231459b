/**
 * src/video-sink.ts, branch by branch: each option the constructor and push() check (the error
 * class and its message), the appsrc settings startup() makes, how rows are padded or refused,
 * the flow results push() turns into false (a flushing or ending appsrc), and the wait for room:
 * held exactly while appsrc holds maxQueuedFrames frames, ended by need-data, by a shutdown and
 * by a failure. The appsrc's streaming thread is held with a blocking pad probe (real GStreamer),
 * so the frames appsrc holds are known, not raced.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GLib, GObject, Gst, GstPipelineError, GstStateError, GstVideoSink, type GstVideoSinkOptions, type PushOptions } from '../src';
import { pipelinesStoppedAfterEach, rejectionOf, within } from './helpers/support';

const track = pipelinesStoppedAfterEach(test);
const FAKE = 'appsrc ! fakesink sync=false';

function sink(options: GstVideoSinkOptions, command = FAKE): GstVideoSink {
  return track(new GstVideoSink(command, options));
}

/** Asserts that `run` throws an instance of `type` whose message matches `message`. */
function throwsLike(run: () => unknown, type: new (...args: never[]) => Error, message: RegExp, what: string): void {
  assert.throws(run, (error: unknown) => error instanceof type && message.test(error.message), `${what}: ${type.name} ${message}`);
}

/** Asserts that `promise` rejects with an instance of `type` whose message matches `message`. */
async function rejectsLike(promise: Promise<unknown>, type: new (...args: never[]) => Error, message: RegExp, what: string): Promise<void> {
  const error = await rejectionOf(promise, 2_000, what);
  assert.instance(error, type, what);
  assert.match((error as Error).message, message, what);
}

/** Whether `promise` has settled once the macrotasks queued so far have run. */
async function settledSoon(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise<void>((resolve) => setImmediate(resolve));
  return settled;
}

test('constructor: options that are not an object, width and height that are not whole pixel counts', () => {
  for (const [options, shown] of [
    [null, 'null'],
    [5, '5'],
    ['RGB', '"RGB"'],
  ] as const)
    throwsLike(
      () => sink(options as unknown as GstVideoSinkOptions),
      TypeError,
      new RegExp(`^new GstVideoSink\\(command, options\\): options must be an object with width and height, got ${shown}$`),
      `options ${shown}`,
    );
  throwsLike(
    () => sink({ height: 8 } as GstVideoSinkOptions),
    TypeError,
    /^GstVideoSink options\.width must be a number of pixels, got undefined$/,
    'no width',
  );
  throwsLike(
    () => sink({ width: 8, height: '8' } as unknown as GstVideoSinkOptions),
    TypeError,
    /^GstVideoSink options\.height must be a number of pixels, got "8"$/,
    'height as a string',
  );
  for (const width of [0, -3, 8.5, 0x80000000, Number.POSITIVE_INFINITY])
    throwsLike(
      () => sink({ width, height: 8 }),
      RangeError,
      new RegExp(`^GstVideoSink options\\.width must be a whole number of pixels from 1 to 2147483647, got ${width}$`),
      `width ${width}`,
    );
  throwsLike(() => sink({ width: 8, height: 0 }), RangeError, /^GstVideoSink options\.height must be a whole number .* got 0$/, 'height 0');
  // The limits themselves pass the check: 1 makes caps, 2^31 - 1 gets as far as GStreamer's own layout, which refuses it.
  assert.is(sink({ width: 1, height: 1 }).caps, 'video/x-raw,format=RGB,width=1,height=1,framerate=30/1');
  throwsLike(
    () => sink({ width: 0x7fffffff, height: 1 }),
    RangeError,
    /^cannot make raw video caps from video\/x-raw,format=RGB,width=2147483647,height=1,framerate=30\/1$/,
    'width 2^31 - 1',
  );
});

test('constructor: format and maxQueuedFrames', () => {
  throwsLike(
    () => sink({ width: 8, height: 8, format: 5 as unknown as string }),
    TypeError,
    /^GstVideoSink options\.format must be a format name such as 'RGB', got 5$/,
    'format 5',
  );
  throwsLike(
    () => sink({ width: 8, height: 8, format: 'RGB24' }),
    RangeError,
    /^GstVideoSink options\.format: GStreamer has no video format "RGB24" \(e\.g\. 'RGB', 'BGRx', 'GRAY8', 'I420'\)$/,
    'format RGB24',
  );
  for (const [maxQueuedFrames, shown] of [
    [0, '0'],
    [-1, '-1'],
    [1.5, '1.5'],
    ['2', '"2"'],
    [Number.NaN, 'NaN'],
  ] as const)
    throwsLike(
      () => sink({ width: 8, height: 8, maxQueuedFrames: maxQueuedFrames as number }),
      RangeError,
      new RegExp(`^GstVideoSink options\\.maxQueuedFrames must be a whole number from 1, got ${shown}$`),
      `maxQueuedFrames ${shown}`,
    );
});

test('startup() sets the appsrc: caps, TIME format, never blocking, room for maxQueuedFrames frames (default 4), need-data at half', () => {
  const one = sink({ width: 5, height: 3, format: 'RGB', maxQueuedFrames: 1 }).startup();
  const byDefault = sink({ width: 8, height: 2, format: 'GRAY8', fps: [30000, 1001] }).startup();
  assert.is(one.frameSize, 16 * 3, 'RGB 5x3: rows of 15 bytes padded to 16');
  assert.is(one.appsrc.maxBytes, 48n, 'one frame');
  assert.is(byDefault.appsrc.maxBytes, 4n * 16n, 'four frames');
  for (const s of [one, byDefault]) {
    assert.ok(s.appsrc.caps?.isEqual(Gst.Caps.fromString(s.caps)!), `caps ${s.caps}`);
    assert.is(s.appsrc.format, Gst.Format.TIME);
    assert.is(s.appsrc.block, false);
    assert.is(s.appsrc.minPercent, 50);
  }
});

test('push: options and times that are refused, each with its class and message', async () => {
  const s = sink({ width: 4, height: 2, format: 'GRAY8' }).startup();
  const frame = new Uint8Array(8);
  for (const [options, shown] of [
    [null, 'null'],
    ['pts', '"pts"'],
  ] as const)
    await rejectsLike(
      s.push(frame, options as unknown as PushOptions),
      TypeError,
      new RegExp(`^push\\(frame, options\\): options must be an object, got ${shown}$`),
      `options ${shown}`,
    );
  const times = 'a number of nanoseconds from 0 to 2\\^63, null or Gst\\.CLOCK_TIME_NONE';
  const frames = 'a whole number of frames from 0 to 2\\^63, null or Gst\\.CLOCK_TIME_NONE';
  const refused: Array<[PushOptions, new (...args: never[]) => Error, RegExp]> = [
    [{ pts: '5' as unknown as number }, TypeError, new RegExp(`^push\\(frame, \\{ pts \\}\\): pts must be ${times}, got "5"$`)],
    [{ offset: true as unknown as number }, TypeError, new RegExp(`^push\\(frame, \\{ offset \\}\\): offset must be ${frames}, got true$`)],
    [{ pts: -1n }, RangeError, new RegExp(`^push\\(frame, \\{ pts \\}\\): pts must be ${times}, got -1n$`)],
    [
      { duration: 2n ** 63n },
      RangeError,
      new RegExp(`^push\\(frame, \\{ duration \\}\\): duration must be ${times}, got 9223372036854775808n$`),
    ],
    [{ offset: 2n ** 63n }, RangeError, new RegExp(`offset must be ${frames}, got 9223372036854775808n$`)],
    [{ dts: 2 ** 63 }, RangeError, new RegExp(`^push\\(frame, \\{ dts \\}\\): dts must be ${times}, got 9223372036854776000$`)],
    [{ pts: Number.NaN }, RangeError, /pts must be .*, got NaN$/],
    [{ pts: Number.POSITIVE_INFINITY }, RangeError, /pts must be .*, got Infinity$/],
    [{ duration: -0.5 }, RangeError, /duration must be .*, got -0.5$/],
    [{ offset: 1.5 }, RangeError, new RegExp(`^push\\(frame, \\{ offset \\}\\): offset must be ${frames}, got 1.5$`)],
  ];
  for (const [options, type, message] of refused)
    await rejectsLike(
      s.push(frame, options),
      type,
      message,
      JSON.stringify(options, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)),
    );
  assert.is(s.totalBuffersCount, 0, 'nothing refused was counted');
  // Just inside the limits: taken (a time is rounded to the nanosecond, a count must be whole already).
  for (const options of [
    { pts: 2n ** 63n - 1n },
    { pts: 2 ** 62, duration: 0.4 },
    { offset: 2n ** 62n },
    { offset: Gst.BUFFER_OFFSET_NONE },
  ])
    assert.is(await within(s.push(frame, options), 2_000, 'push inside the limits'), true);
  assert.is(s.totalBuffersCount, 4);
});

test('push: frames that are not arrays, detached arrays, element types that do not fit the format', async () => {
  const rgb = sink({ width: 5, height: 3, format: 'RGB' }).startup();
  const notFrame = /^push\(frame\): frame must be a typed array, a ShapedArray or a Gst\.Buffer, got /;
  for (const [frame, shown] of [
    [null, 'null'],
    [undefined, 'undefined'],
    [42, '42'],
    ['pixels', '"pixels"'],
    [[1, 2, 3], 'Array'],
    [new ArrayBuffer(48), 'ArrayBuffer'],
    [{ shape: [3, 5, 3], data: [0, 1] }, 'Array'],
  ] as const)
    await rejectsLike(rgb.push(frame as unknown as Uint8Array), TypeError, new RegExp(`${notFrame.source}${shown}$`), `frame ${shown}`);

  const buffer = new ArrayBuffer(48);
  const detached = new Uint8Array(buffer);
  structuredClone(buffer, { transfer: [buffer] });
  await rejectsLike(
    rgb.push(detached),
    TypeError,
    /^push\(frame\): the Uint8Array's ArrayBuffer is detached \(transferred or released\): there are no bytes to push$/,
    'a detached array',
  );
  // An empty array is no detached one: it is a frame of the wrong size.
  await rejectsLike(rgb.push(new Uint8Array(0)), RangeError, /^frame has 0 bytes, RGB 5x3 needs 48$/, 'an empty array');

  await rejectsLike(
    rgb.push(new Uint16Array(24)),
    TypeError,
    /^push\(frame\): a Uint16Array does not fit RGB: give a Uint8Array$/,
    'Uint16Array for RGB',
  );
  await rejectsLike(
    rgb.push(new Float32Array(12)),
    TypeError,
    /^push\(frame\): a Float32Array does not fit RGB: give a Uint8Array$/,
    'Float32Array',
  );
  const gray16 = sink({ width: 4, height: 2, format: 'GRAY16_LE' }).startup();
  await rejectsLike(
    gray16.push(new Int16Array(8)),
    TypeError,
    /^push\(frame\): a Int16Array does not fit GRAY16_LE: give a Uint16Array of samples or a Uint8Array of bytes$/,
    'Int16Array for GRAY16_LE',
  );
  // Bytes in any view of bytes: Uint8ClampedArray and DataView too, and 16-bit samples where the format has them.
  for (const frame of [new Uint8ClampedArray(48), new DataView(new ArrayBuffer(48)), new Uint8Array(48)])
    assert.is(await within(rgb.push(frame), 2_000, `push of a ${frame.constructor.name}`), true);
  assert.is(await within(gray16.push(new Uint16Array(8)), 2_000, 'push of GRAY16_LE samples'), true);
  assert.is(rgb.totalBuffersCount, 3);
});

test('push: tight rows are padded only when there are exactly height of them; other sizes and planar formats are refused', async () => {
  // RGB 5x3: rows of 15 bytes, 16 apart in GStreamer's frame of 48.
  const rgb = sink({ width: 5, height: 3, format: 'RGB' }).startup();
  for (const size of [15 * 2, 15 * 3 + 1, 47, 49])
    await rejectsLike(
      rgb.push(new Uint8Array(size)),
      RangeError,
      new RegExp(`^frame has ${size} bytes, RGB 5x3 needs 48$`),
      `${size} bytes`,
    );
  assert.is(await within(rgb.push(new Uint8Array(45)), 2_000, 'tight rows'), true);
  // I420 has no single row length to pad to (rowBytes 0): only the whole frame goes in.
  const i420 = sink({ width: 8, height: 2, format: 'I420' }).startup();
  assert.is(i420.frameSize, 24);
  for (const size of [0, 16, 25])
    await rejectsLike(
      i420.push(new Uint8Array(size)),
      RangeError,
      new RegExp(`^frame has ${size} bytes, I420 8x2 needs 24$`),
      `I420 ${size} bytes`,
    );
  assert.is(await within(i420.push(new Uint8Array(24)), 2_000, 'a whole I420 frame'), true);
  await rejectsLike(
    i420.push(Gst.Buffer.newAllocate(null, 23, null)!),
    RangeError,
    /^frame has 23 bytes, I420 8x2 needs 24$/,
    'a Gst.Buffer of 23 bytes',
  );
  assert.equal([rgb.totalBuffersCount, i420.totalBuffersCount], [1, 1]);
});

test('push before startup() and after the end: GstStateError saying which', async () => {
  const s = sink({ width: 4, height: 2, format: 'GRAY8' });
  await rejectsLike(
    s.push(new Uint8Array(8)),
    GstStateError,
    /^GstVideoSink is not playing yet: call startup\(\) before push\(\)$/,
    'before startup',
  );
  s.startup();
  await within(s.shutdown(), 5_000, 'shutdown');
  await rejectsLike(
    s.push(new Uint8Array(8)),
    GstStateError,
    /^GstVideoSink "appsrc ! fakesink sync=false" has ended: push\(\) needs a new GstVideoSink, started with startup\(\)$/,
    'after shutdown',
  );
});

test("the sink's need-data handler is on the appsrc from startup() until the pipeline stops, not after", async () => {
  const needData = GObject.signalLookup('need-data', GObject.typeFromName('GstAppSrc'));
  const connected = (s: GstVideoSink): boolean => GObject.signalHasHandlerPending(s.appsrc, needData, 0, true);
  const s = sink({ width: 4, height: 2, format: 'GRAY8' });
  assert.is(connected(s), false, 'before startup()');
  s.startup();
  assert.is(connected(s), true, 'while playing');
  await within(s.shutdown(), 5_000, 'shutdown');
  assert.is(connected(s), false, 'after the pipeline stopped');
  // Shut down before startup(): nothing was connected, nothing to disconnect.
  const never = sink({ width: 4, height: 2, format: 'GRAY8' });
  await within(never.shutdown(), 5_000, 'shutdown before startup');
  assert.is(connected(never), false);
});

test('push resolves to false, the frame not counted, while appsrc flushes and once the end of stream is sent', async () => {
  const s = sink({ width: 4, height: 2, format: 'GRAY8' }).startup();
  const frame = new Uint8Array(8);
  assert.is(await within(s.push(frame), 2_000, 'first push'), true);
  assert.ok(s.appsrc.sendEvent(Gst.Event.newFlushStart()), 'flush-start');
  assert.is(await within(s.push(frame), 2_000, 'push while flushing'), false);
  assert.ok(s.appsrc.sendEvent(Gst.Event.newFlushStop(true)), 'flush-stop');
  assert.is(await within(s.push(frame), 2_000, 'push after the flush'), true);
  assert.is(s.totalBuffersCount, 2);
  const stopped = s.shutdown(5_000);
  assert.ok(s.isActive, 'still playing until the end of stream comes through');
  assert.is(await within(s.push(frame), 2_000, 'push after shutdown() began'), false);
  assert.is(s.totalBuffersCount, 2);
  await within(stopped, 10_000, 'shutdown');
});

/** A sink whose appsrc's streaming thread is held by a blocking probe once it took the first frame. */
async function heldSink(maxQueuedFrames: number): Promise<{ s: GstVideoSink; frame: Uint8Array; release: () => void }> {
  const s = sink({ width: 4, height: 2, format: 'GRAY8', maxQueuedFrames }).startup();
  const pad = s.appsrc.getStaticPad('src')!;
  let took!: () => void;
  const taken = new Promise<void>((resolve) => (took = resolve));
  const probe = pad.addProbe(Gst.PadProbeType.BUFFER | Gst.PadProbeType.BLOCK, () => {
    took();
    return Gst.PadProbeReturn.OK;
  });
  const frame = new Uint8Array(8);
  assert.is(await within(s.push(frame), 2_000, 'the first push'), true);
  await within(taken, 2_000, 'the streaming thread taking the first frame');
  return { s, frame, release: () => pad.removeProbe(probe) };
}

test('a push waits exactly while appsrc holds maxQueuedFrames frames, and goes on when need-data says there is room', async () => {
  const { s, frame, release } = await heldSink(2);
  assert.is(await within(s.push(frame), 2_000, 'second push: one frame held'), true);
  const third = s.push(frame);
  assert.is(await settledSoon(third), false, 'the third push waits: appsrc holds 2 frames, its maximum');
  assert.is(s.appsrc.getCurrentLevelBytes(), s.appsrc.maxBytes);
  assert.is(s.totalBuffersCount, 3, 'the waiting frame is in appsrc already');
  release();
  assert.is(await within(third, 5_000, 'the third push once the thread runs'), true);
});

test('a push waiting for room resolves when the sink shuts down, and rejects with the failure when the pipeline fails', async () => {
  const held = await heldSink(1);
  const waiting = held.s.push(held.frame);
  assert.is(await settledSoon(waiting), false, 'waits: appsrc holds one frame');
  await within(held.s.shutdown(50), 5_000, 'shutdown with the thread held');
  assert.is(await within(waiting, 2_000, 'the waiting push'), true, 'the frame was taken before the end');

  const failing = await heldSink(1);
  const rejected = failing.s.push(failing.frame);
  assert.is(await settledSoon(rejected), false, 'waits');
  const error = GLib.Error.newLiteral(Gst.coreErrorQuark(), Gst.CoreError.FAILED, 'failure from the test');
  assert.ok(failing.s.pipeline.postMessage(Gst.Message.newError(failing.s.appsrc, error, 'details')));
  const failure = await rejectionOf(rejected, 5_000, 'the waiting push');
  assert.instance(failure, GstPipelineError);
  assert.is(failure, failing.s.error);
  assert.match((failure as Error).message, /failure from the test/);
});

test.run();
