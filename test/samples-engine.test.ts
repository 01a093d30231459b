/**
 * src/samples.ts, branch by branch, in process: the engine's bound on the appsink, how it drains
 * its consumer (budget, next turn, closed), when it collects young garbage (read from V8's own GC
 * profile), and the 'new-sample' dispatch (ids, other signals, what a handler's answer does).
 * Real appsinks throughout; an idle one (no pipeline) where only the engine may call the consumer.
 */
import * as v8 from 'node:v8';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Gst, GstApp, GstPipeline, GstPipelineError } from '../src';
import { native } from '../src/native';
import { collectGarbage } from '../src/reclaim';
import {
  closeSampleHandlers,
  drainSampleHandlers,
  engineError,
  SampleEngine,
  SINK_MAX_BUFFERS,
  STREAM_COPY_MAX_BUFFERS,
  type SampleConsumer,
} from '../src/samples';
import { pipelinesStoppedAfterEach, reachesState, rejectionOf, runScript, SRC, within } from './helpers/support';

const track = pipelinesStoppedAfterEach(test);
const MiB = 1024 * 1024;

/** An appsink on its own: no pipeline, so no sample and no wake-up but the ones a test makes. */
function idleAppsink(): GstApp.AppSink {
  return Gst.ElementFactory.make('appsink', null) as unknown as GstApp.AppSink;
}

/** A consumer with no room that must never be asked to take. */
const idle: SampleConsumer = {
  room: () => 0,
  take: () => {
    assert.unreachable('take() on a consumer without room');
    return 0;
  },
};

/** One turn of the event loop (what was scheduled with setImmediate before has run). */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// ---------------------------------------------------------------------------------------------
// the appsink's bound

test("the engine bounds an unbounded appsink (more once it copies on the stream, once); a bound the user set stays the user's", () => {
  const sink = idleAppsink();
  assert.is(sink.maxBuffers, 0, 'appsink is unbounded by default');
  const engine = new SampleEngine(sink, idle);
  assert.is(sink.maxBuffers, SINK_MAX_BUFFERS);
  assert.is(engine.closed, false);
  engine.copyOnStream();
  assert.is(sink.maxBuffers, STREAM_COPY_MAX_BUFFERS);
  sink.maxBuffers = 3;
  engine.copyOnStream();
  assert.is(sink.maxBuffers, 3, 'a second copyOnStream() does nothing');
  engine.close();
  assert.is(engine.closed, true);
  engine.close();
  assert.is(engine.closed, true, 'close() twice');

  const bounded = idleAppsink();
  bounded.maxBuffers = 7;
  const own = new SampleEngine(bounded, idle);
  assert.is(bounded.maxBuffers, 7);
  own.copyOnStream();
  assert.is(bounded.maxBuffers, 7);
  own.close();

  const closedSink = idleAppsink();
  const closed = new SampleEngine(closedSink, idle);
  closed.close();
  closed.copyOnStream();
  assert.is(closedSink.maxBuffers, SINK_MAX_BUFFERS, 'copyOnStream() after close() does nothing');
});

// ---------------------------------------------------------------------------------------------
// draining

test('resume() drains once, next turn, however often it is called; again after that turn; not once closed', async () => {
  let rooms = 0;
  const engine = new SampleEngine(idleAppsink(), {
    room: () => {
      rooms++;
      return 0;
    },
    take: idle.take,
  });
  engine.resume();
  engine.resume();
  assert.is(rooms, 0, 'not at once');
  await turn();
  assert.is(rooms, 1, 'one drain for two resume() calls');
  engine.resume();
  await turn();
  assert.is(rooms, 2, 'resume() after the drain it scheduled');
  engine.resume();
  engine.close();
  await turn();
  engine.resume();
  await turn();
  engine.drain();
  assert.is(rooms, 2, 'closed: never drained');
});

test("drain() takes at most the limit and the consumer's room; a full batch drains again next turn; drainAll() takes everything, once", async () => {
  const limits: number[] = [];
  let room = 3;
  let rooms = 0;
  let take = (_limit: number): number => 1;
  const engine = new SampleEngine(idleAppsink(), {
    room: () => {
      rooms++;
      return room;
    },
    take: (limit) => {
      limits.push(limit);
      return take(limit);
    },
  });
  engine.drain();
  assert.equal(limits, [3], 'the room (3) under the default limit (64)');
  engine.drain(2);
  assert.equal(limits, [3, 2], 'the limit (2) under the room');
  room = 100;
  engine.drain();
  assert.equal(limits, [3, 2, 64], 'the default limit under the room');
  room = 0;
  engine.drain();
  assert.equal(limits, [3, 2, 64], 'no room: take() is not called');
  await turn();
  assert.is(rooms, 4, 'batches taken short: no drain next turn');

  // A full batch: more may wait in the appsink.
  room = 5;
  take = (limit) => {
    room = 0;
    return limit;
  };
  engine.drain();
  assert.equal(limits.slice(3), [5]);
  assert.is(rooms, 5);
  await turn();
  assert.is(rooms, 6, 'drained again next turn');
  await turn();
  assert.is(rooms, 6);

  // End of stream: no room asked, no limit, no next turn.
  engine.drainAll();
  assert.equal(limits.slice(4), [Number.POSITIVE_INFINITY]);
  await turn();
  assert.is(rooms, 6, 'drainAll() asks no room and schedules nothing');
  engine.close();
  engine.drainAll();
  assert.is(limits.length, 5, 'closed: drainAll() takes nothing');
});

// ---------------------------------------------------------------------------------------------
// young collections

/** Minor collections in a V8 GC profile. */
function minorCollections(profile: ReturnType<v8.GCProfiler['stop']>): number {
  return (profile?.statistics ?? []).filter((s) => s.gcType === 'Scavenge' || /^Minor/.test(s.gcType)).length;
}

/** Minor collections while `run` runs (young generation emptied first, so V8 has no reason of its own). */
function minorsDuring(run: () => void): number {
  collectGarbage({ type: 'minor' });
  const profiler = new v8.GCProfiler();
  profiler.start();
  run();
  return minorCollections(profiler.stop());
}

/** Minor collections while `run` runs and in the turn of the event loop after it. */
async function minorsOverTurn(run: () => void): Promise<number> {
  collectGarbage({ type: 'minor' });
  const profiler = new v8.GCProfiler();
  profiler.start();
  run();
  await turn();
  return minorCollections(profiler.stop());
}

/** Adds `bytes` to the process's count of copied bytes (a real copy of a buffer that size). */
function copy(bytes: number): void {
  const buffer = Gst.Buffer.newAllocate(null, bytes, null);
  assert.ok(buffer);
  assert.is(native.copyBuffer(buffer).byteLength, bytes);
}

function reclaimTimes(engine: SampleEngine, times: number): void {
  for (let i = 0; i < times; i++) engine.reclaim();
}

test('reclaim(): a young collection at the end of the turn after 64 samples, or after 4 samples and 8 MiB copied; at once from 32 MiB', async () => {
  const engine = new SampleEngine(idleAppsink(), idle);
  // A collection to start from: samples and bytes are counted from it.
  assert.is(await minorsOverTurn(() => reclaimTimes(engine, 64)), 1, 'a collection after 64 samples');

  copy(32 * MiB - 1);
  assert.is(
    minorsDuring(() => engine.reclaim()),
    0,
    '32 MiB - 1 byte copied',
  );
  copy(1);
  assert.is(
    minorsDuring(() => engine.reclaim()),
    1,
    '32 MiB copied: at once',
  );
  assert.is(await minorsOverTurn(() => undefined), 0, 'and not again at the end of the turn');

  copy(8 * MiB);
  assert.is(await minorsOverTurn(() => reclaimTimes(engine, 3)), 0, '8 MiB copied, 3 samples');
  assert.is(
    minorsDuring(() => engine.reclaim()),
    0,
    'the 4th sample: not at once',
  );
  assert.is(await minorsOverTurn(() => undefined), 1, 'the 4th sample: at the end of the turn');

  copy(8 * MiB - 1);
  assert.is(await minorsOverTurn(() => reclaimTimes(engine, 4)), 0, '8 MiB - 1 byte copied, 4 samples');
  copy(1);
  assert.is(await minorsOverTurn(() => engine.reclaim()), 1, '8 MiB copied, 5 samples');

  assert.is(await minorsOverTurn(() => reclaimTimes(engine, 63)), 0, '63 samples, nothing copied');
  assert.is(
    minorsDuring(() => engine.reclaim()),
    0,
    'the 64th sample: not at once',
  );
  assert.is(await minorsOverTurn(() => undefined), 1, 'the 64th sample: at the end of the turn');

  assert.is(await minorsOverTurn(() => reclaimTimes(engine, 200)), 1, 'one collection per turn, however many samples');
  engine.close();
});

// ---------------------------------------------------------------------------------------------
// the 'new-sample' dispatch

test('every handler is called once per sample, in the order they were connected, whether it pulls the sample or not', async () => {
  const { sink, feed } = fedAppsink();
  const calls: string[] = [];
  sink.connect('new-sample', () => {
    calls.push('a');
    return Gst.FlowReturn.OK;
  });
  sink.connect('new-sample', () => {
    calls.push('b');
    return Gst.FlowReturn.OK;
  });
  feed(3);
  await turn();
  await turn();
  assert.equal(calls, ['a', 'b', 'a', 'b', 'a', 'b']);
  assert.is(sink.tryPullSample(0), null, 'each sample taken out of the appsink');
});

const TEN = 'videotestsrc num-buffers=10 ! video/x-raw,format=GRAY8,width=16,height=16 ! appsink emit-signals=true sync=false';

test("connect/disconnect of signals other than 'new-sample' are GLib's own; 'new-sample' ids are ours, negative and distinct", () => {
  const sink = idleAppsink();
  let notified = 0;
  const id = sink.connect('notify::max-buffers', () => {
    notified++;
  });
  assert.ok(id > 0, `GLib's handler id ${id}`);
  sink.maxBuffers = 5;
  assert.is(notified, 1);
  sink.disconnect(id);
  sink.maxBuffers = 6;
  assert.is(notified, 1, 'disconnected');

  const a = sink.connect('new-sample', () => Gst.FlowReturn.OK);
  const b = sink.connect('new-sample', () => Gst.FlowReturn.OK);
  assert.ok(a < 0 && b < 0 && a !== b, `ids ${a}, ${b}`);
  sink.disconnect(a);
  sink.disconnect(b);
  assert.throws(
    () => sink.connect('new-sample', 42 as unknown as () => Gst.FlowReturn),
    (e: unknown) => e instanceof TypeError && e.message === "connect('new-sample', handler): handler must be a function",
  );
});

test("emit('pull-sample') outside a handler is GStreamer's own: the appsink's next sample", async () => {
  const pipeline = track(new GstPipeline('videotestsrc num-buffers=1 ! video/x-raw,width=16,height=16 ! appsink').startup());
  const sink = pipeline.getOneByCls(GstApp.AppSink);
  await within(reachesState(pipeline, Gst.State.PAUSED), 5_000, 'preroll');
  assert.instance(sink.emit('pull-sample'), Gst.Sample);
});

test('answers that are not flows are ignored (null, an object whose then is not a function): every sample is handled', async () => {
  // biome-ignore lint/suspicious/noThenProperty: the test is of a then that is not a function
  for (const answer of [null, undefined, { then: 5 }, 'OK']) {
    const pipeline = track(new GstPipeline(TEN));
    const sink = pipeline.getOneByCls(GstApp.AppSink);
    let calls = 0;
    sink.connect('new-sample', () => {
      calls++;
      return answer as unknown as Gst.FlowReturn;
    });
    await within(pipeline.startup().done, 5_000, `answering ${JSON.stringify(answer)}`);
    assert.is(calls, 10, JSON.stringify(answer));
  }
});

test('a function with a then() is a thenable too: its rejection fails the pipeline', async () => {
  const pipeline = track(new GstPipeline(TEN));
  const sink = pipeline.getOneByCls(GstApp.AppSink);
  const failure = new Error('thenable function rejected');
  const thenable = Object.assign(() => undefined, {
    // biome-ignore lint/suspicious/noThenProperty: a thenable is what the test is about
    then: (_resolve: unknown, reject: (error: unknown) => void) => reject(failure),
  });
  sink.connect('new-sample', () => thenable as unknown as Gst.FlowReturn);
  const error = await rejectionOf(pipeline.startup().done, 5_000, 'done');
  assert.instance(error, GstPipelineError);
  assert.is((error as Error).cause, failure);
});

test("a later handler's OK does not undo an earlier handler's ERROR: the stream stops", async () => {
  const pipeline = track(
    new GstPipeline('videotestsrc num-buffers=100 ! video/x-raw,format=GRAY8,width=16,height=16 ! appsink emit-signals=true sync=false'),
  );
  const sink = pipeline.getOneByCls(GstApp.AppSink);
  let calls = 0;
  sink.connect('new-sample', () => {
    calls++;
    return Gst.FlowReturn.ERROR;
  });
  sink.connect('new-sample', () => Gst.FlowReturn.OK);
  const error = await rejectionOf(pipeline.startup().done, 5_000, 'done');
  assert.instance(error, GstPipelineError);
  assert.match((error as GstPipelineError).debug ?? '', /reason error \(-5\)/);
  assert.ok(calls < 100, `${calls} samples handled`);
});

for (const [bytes, bound] of [
  [64 * 1024 - 1, SINK_MAX_BUFFERS],
  [64 * 1024, STREAM_COPY_MAX_BUFFERS],
] as const)
  test(`a handler that copies ${bytes} bytes a sample ${bound === SINK_MAX_BUFFERS ? 'stays on the JS thread' : 'gets copies on the streaming thread (the bound grows)'}`, async () => {
    const pipeline = track(new GstPipeline(TEN));
    const sink = pipeline.getOneByCls(GstApp.AppSink);
    const buffer = Gst.Buffer.newAllocate(null, bytes, null)!;
    let calls = 0;
    sink.connect('new-sample', () => {
      calls++;
      native.copyBuffer(buffer);
      return Gst.FlowReturn.OK;
    });
    await within(pipeline.startup().done, 5_000, 'done');
    assert.is(calls, 10);
    assert.is(sink.maxBuffers, bound);
  });

/**
 * An appsink the test feeds itself, on the JS thread (no streaming thread): PLAYING on its own,
 * a buffer chained into its pad is a sample queued at once, announced to the engine's notifier.
 */
function fedAppsink(): { sink: GstApp.AppSink; feed(count: number): Gst.FlowReturn } {
  const sink = idleAppsink();
  sink.maxBuffers = 1000;
  sink.sync = false;
  sink.async = false;
  sink.emitSignals = true;
  fed.add(sink);
  assert.is(sink.setState(Gst.State.PLAYING), Gst.StateChangeReturn.SUCCESS);
  const pad = sink.getStaticPad('sink')!;
  let fedBuffers = 0;
  const segment = new Gst.Segment();
  segment.init(Gst.Format.TIME);
  assert.ok(pad.sendEvent(Gst.Event.newStreamStart('fed')));
  assert.ok(pad.sendEvent(Gst.Event.newCaps(Gst.Caps.fromString('video/x-raw,format=GRAY8,width=4,height=4,framerate=0/1')!)));
  assert.ok(pad.sendEvent(Gst.Event.newSegment(segment)));
  return {
    sink,
    /** Chains `count` buffers; the flow of the last (what 'new-sample' answered: the engine's answer) */
    feed(count) {
      let flow = Gst.FlowReturn.OK;
      for (let i = 0; i < count; i++) {
        const buffer = Gst.Buffer.newAllocate(null, 16, null)!;
        buffer.offset = BigInt(fedBuffers++);
        flow = pad.chain(buffer);
      }
      return flow;
    },
  };
}
const fed = new Set<GstApp.AppSink>();
test.after.each(() => {
  for (const sink of fed) sink.setState(Gst.State.NULL);
  fed.clear();
});

/** A handler that counts its calls and takes its sample. */
function counting(sink: GstApp.AppSink): { calls: number; handler: () => Gst.FlowReturn } {
  const counter = {
    calls: 0,
    handler: () => {
      counter.calls++;
      assert.instance(sink.emit('pull-sample'), Gst.Sample);
      return Gst.FlowReturn.OK;
    },
  };
  return counter;
}

/** What console.error printed while `run` ran (a lone appsink has no pipeline to fail: its failure is printed). */
async function printedErrors(run: () => Promise<void>): Promise<unknown[]> {
  const told: unknown[] = [];
  const consoleError = console.error;
  console.error = (...args: unknown[]) => told.push(...args);
  try {
    await run();
  } finally {
    console.error = consoleError;
  }
  return told;
}

test('without emit-signals a handler never runs, as in C: the samples stay in the appsink', async () => {
  const { sink, feed } = fedAppsink();
  sink.emitSignals = false;
  feed(2);
  const counter = counting(sink);
  sink.connect('new-sample', counter.handler);
  await turn();
  await turn();
  assert.is(counter.calls, 0);
  assert.instance(sink.tryPullSample(0), Gst.Sample);
  assert.instance(sink.tryPullSample(0), Gst.Sample);
});

test("a handler's ERROR is the appsink's answer from then on; a later handler's OK does not undo it", async () => {
  const { sink, feed } = fedAppsink();
  sink.connect('new-sample', () => Gst.FlowReturn.ERROR);
  sink.connect('new-sample', () => Gst.FlowReturn.OK);
  assert.is(feed(1), Gst.FlowReturn.OK, 'before the handlers ran');
  await turn();
  assert.is(feed(1), Gst.FlowReturn.ERROR);
});

test('samples waiting when a handler connects reach it next turn, 64 per turn', async () => {
  const { sink, feed } = fedAppsink();
  feed(100);
  const counter = counting(sink);
  sink.connect('new-sample', counter.handler);
  assert.is(counter.calls, 0, 'not at once');
  await turn();
  assert.is(counter.calls, 64);
  await turn();
  assert.is(counter.calls, 100);
  assert.is(sink.tryPullSample(0), null, 'all taken');
});

test('a throw stops delivery at once: later samples stay in the appsink, and the failure is told once', async () => {
  const { sink, feed } = fedAppsink();
  let calls = 0;
  const thrown = new Error('third sample');
  const told = await printedErrors(async () => {
    sink.connect('new-sample', () => {
      calls++;
      sink.emit('pull-sample');
      if (calls === 3) throw thrown;
      return Gst.FlowReturn.OK;
    });
    assert.is(feed(10), Gst.FlowReturn.OK);
    await turn();
    await turn();
  });
  assert.is(calls, 3);
  assert.is(told.length, 1);
  assert.instance(told[0], GstPipelineError);
  assert.is((told[0] as Error).cause, thrown);
  assert.instance(sink.tryPullSample(0), Gst.Sample, 'the 4th sample is left');
  assert.is(feed(2), Gst.FlowReturn.ERROR, "from then on the appsink answers ERROR, as a C handler's would");
  await turn();
  assert.is(calls, 3, 'no handler call after the throw');
});

test('async handlers that reject: the first rejection is told, the next ones are not', async () => {
  const { sink, feed } = fedAppsink();
  const first = new Error('first');
  const told = await printedErrors(async () => {
    sink.connect('new-sample', () => Promise.reject(first) as unknown as Gst.FlowReturn);
    sink.connect('new-sample', () => Promise.reject(new Error('second')) as unknown as Gst.FlowReturn);
    feed(1);
    await turn();
    await turn();
  });
  assert.is(told.length, 1, told.map(String).join('; '));
  assert.is((told[0] as Error).cause, first);
});

test('once its last handler is disconnected, the appsink is read no more: its samples stay', async () => {
  const { sink, feed } = fedAppsink();
  const a = counting(sink);
  const b = counting(sink);
  const ida = sink.connect('new-sample', a.handler);
  const idb = sink.connect('new-sample', b.handler);
  feed(1);
  await turn();
  assert.equal([a.calls, b.calls], [1, 1]);
  sink.disconnect(ida);
  feed(1);
  await turn();
  assert.equal([a.calls, b.calls], [1, 2], 'the other handler still runs');
  sink.disconnect(idb);
  feed(2);
  await turn();
  await turn();
  assert.equal([a.calls, b.calls], [1, 2]);
  assert.instance(sink.tryPullSample(0), Gst.Sample);
  assert.instance(sink.tryPullSample(0), Gst.Sample);
});

test('drainSampleHandlers() hands every waiting sample over at once; closeSampleHandlers() drops the handlers', async () => {
  const { sink, feed } = fedAppsink();
  const counter = counting(sink);
  sink.connect('new-sample', counter.handler);
  feed(100);
  const other = Gst.ElementFactory.make('identity', null)!;
  drainSampleHandlers([other, sink as unknown as Gst.Element]);
  assert.is(counter.calls, 100, 'all of them, not 64');
  closeSampleHandlers([other, sink as unknown as Gst.Element]);
  feed(1);
  await turn();
  await turn();
  assert.is(counter.calls, 100, 'closed');
  assert.instance(sink.tryPullSample(0), Gst.Sample);
  // A handler connected after that reads the appsink again.
  const again = counting(sink);
  sink.connect('new-sample', again.handler);
  feed(1);
  await turn();
  assert.is(again.calls, 1);
});

test("inside a handler, emit('pull-sample') gives its sample once; other signals, and a second emit, are GStreamer's own", async () => {
  const { sink, feed } = fedAppsink();
  feed(3);
  /** the offset of each sample the handler got (read at once: the sample is not kept) */
  const got: (bigint | string)[] = [];
  const offsetOf = (sample: unknown): bigint | string =>
    sample instanceof Gst.Sample ? (sample.getBuffer()?.offset ?? 'no buffer') : String(sample);
  sink.connect('new-sample', () => {
    got.push(offsetOf(sink.emit('try-pull-sample', 0)));
    got.push(offsetOf(sink.emit('pull-sample')));
    got.push(offsetOf(sink.emit('pull-sample')));
    return Gst.FlowReturn.OK;
  });
  await turn();
  await turn();
  // try-pull-sample is GStreamer's (the next sample in the appsink); the first pull-sample gives
  // the handler's own; the second is GStreamer's again.
  assert.equal(got, [1n, 0n, 2n], 'one handler call: the handler took the other two samples itself');
});

test("an engine waiting on an appsink does not keep the process alive; a fresh process's first handler id", async () => {
  const script = `
    const { Gst } = require(${JSON.stringify(SRC)});
    const sink = Gst.ElementFactory.make('appsink', null);
    const id = sink.connect('new-sample', () => Gst.FlowReturn.OK);
    console.log('connected: ' + id);
  `;
  const exit = await runScript(script, { timeoutMs: 15_000, what: 'a process with a new-sample handler and nothing else' });
  assert.is(exit.code, 0, exit.stderr);
  // The first handler id of a process: ours are negative from the start (GLib's are positive).
  assert.match(exit.stdout, /^connected: -1$/m);
});

test('engineError(): a GstPipelineError as it is; anything else as a GstPipelineError of the appsink, with the cause', () => {
  const sink = idleAppsink();
  sink.name = 'frames';
  const own = new GstPipelineError('already ours');
  assert.is(engineError(sink, own), own);
  const cause = new RangeError('bad layout');
  const wrapped = engineError(sink, cause);
  assert.instance(wrapped, GstPipelineError);
  assert.is(wrapped.message, 'frames: RangeError: bad layout');
  assert.is(wrapped.source, 'frames');
  assert.is(wrapped.cause, cause);
});

test.run();
