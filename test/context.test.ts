/**
 * src/context.ts: GstContext's scope (startup, shutdown, using / await using), what it does to
 * pipelines still playing, signals, and the process lifetime around pipelines: no busy loop
 * while a live pipeline waits for frames, and an exit by itself once they are done.
 */
import { createHook } from 'node:async_hooks';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Gst, GstApp, GstContext, GstPipeline } from '../src';
import { reachesState, runScript, SRC, within } from './helpers/support';

const LIVE = 'videotestsrc is-live=true ! video/x-raw,width=64,height=48,framerate=30/1 ! fakesink';

/** A live pipeline, PLAYING (or stopped again, and a rejection, when it does not get there). */
async function playing(): Promise<GstPipeline> {
  const pipeline = new GstPipeline(LIVE).startup();
  try {
    await within(reachesState(pipeline, Gst.State.PLAYING), 5000, 'PLAYING');
  } catch (error) {
    pipeline[Symbol.dispose]();
    throw error;
  }
  return pipeline;
}

test('startup / shutdown / isActive', async () => {
  const context = new GstContext();
  assert.is(context.isActive, true, 'the constructor opens it');
  assert.is(context.startup(), context, 'startup returns the context; calling it again does nothing');
  assert.is(context.isActive, true);
  await within(context.shutdown(), 5000, 'shutdown');
  assert.is(context.isActive, false);
  context.startup();
  assert.is(context.isActive, true, 'it can be opened again');
  await within(context.shutdown(), 5000, 'shutdown again');
  assert.is(context.isActive, false);
});

test('shutdown() ends every pipeline still playing', async () => {
  const context = new GstContext();
  const pipelines = [await playing(), await playing()];
  assert.ok(pipelines.every((p) => p.isActive));
  await within(context.shutdown(), 5000, 'context shutdown');
  for (const pipeline of pipelines) {
    assert.is(pipeline.isDone, true);
    await within(pipeline.done, 1000, 'done');
    assert.is(pipeline.pipeline.getState(0)[1], Gst.State.NULL);
  }
  assert.is(context.isActive, false);
});

test('using: a live pipeline inside is stopped when the context closes', async () => {
  let pipeline: GstPipeline | null = null;
  let context: GstContext | null = null;
  {
    using scoped = new GstContext();
    context = scoped;
    pipeline = await playing();
    assert.is(pipeline.isActive, true);
  }
  const stopped: GstPipeline = pipeline;
  const closed: GstContext = context;
  assert.is(stopped.isDone, true, 'stopped as the block is left');
  assert.is(closed.isActive, false);
  await within(stopped.done, 5000, 'done');
  assert.is(stopped.pipeline.getState(0)[1], Gst.State.NULL);
});

test('await using: a live pipeline inside is shut down (end of stream, then NULL) when the context closes', async () => {
  let pipeline: GstPipeline | null = null;
  let context: GstContext | null = null;
  {
    await using scoped = new GstContext();
    context = scoped;
    pipeline = await playing();
  }
  const stopped: GstPipeline = pipeline;
  const closed: GstContext = context;
  assert.is(stopped.isDone, true);
  assert.is(closed.isActive, false);
  await within(stopped.done, 1000, 'done');
  assert.is(stopped.pipeline.getState(0)[1], Gst.State.NULL);
});

test('no busy loop: a 5 frames/s live pipeline with a new-sample handler schedules a few callbacks a frame, not thousands', async () => {
  const pipeline = new GstPipeline(
    'videotestsrc is-live=true num-buffers=10 ! video/x-raw,framerate=5/1,width=64,height=48 ! appsink emit-signals=true',
  );
  const sink = pipeline.getOneByCls(GstApp.AppSink);
  let frames = 0;
  sink.connect('new-sample', () => {
    if (sink.emit('pull-sample')) frames++;
    return Gst.FlowReturn.OK;
  });
  // A busy loop is a callback that schedules itself again and again while nothing happens: counted
  // here as the immediates and timers created during the 2 s stream, a figure no machine load changes.
  // (CPU time spent waiting is a benchmark figure: npm run bench.)
  const scheduled = new Map<string, number>();
  const hook = createHook({
    init(_id, type) {
      if (type === 'Immediate' || type === 'Timeout') scheduled.set(type, (scheduled.get(type) ?? 0) + 1);
    },
  }).enable();
  try {
    pipeline.startup();
    await within(pipeline.done, 10_000, 'live pipeline');
  } finally {
    hook.disable();
  }
  assert.is(frames, 10);
  const count = (scheduled.get('Immediate') ?? 0) + (scheduled.get('Timeout') ?? 0);
  assert.ok(
    count < 20 * frames,
    `${count} callbacks scheduled for ${frames} frames (${JSON.stringify([...scheduled])}): a loop that polls`,
  );
});

test('the process exits by itself once a pipeline is done (nothing left alive)', async () => {
  const script = `
    const { GstPipeline } = require(${JSON.stringify(SRC)});
    const pipeline = new GstPipeline('videotestsrc num-buffers=5 ! video/x-raw,width=64,height=48 ! fakesink sync=false').startup();
    pipeline.done.then(() => console.log('done'));
  `;
  const exit = await runScript(script, { timeoutMs: 20_000, what: 'a 5-frame pipeline in a child' });
  assert.is(exit.code, 0, exit.stderr);
  assert.is(exit.signal, null);
  assert.match(exit.stdout, /^done$/m);
});

test('the process exits by itself with a GstContext left open once its pipelines are done', async () => {
  const script = `
    const { GstContext, GstPipeline } = require(${JSON.stringify(SRC)});
    const context = new GstContext();
    const pipeline = new GstPipeline('videotestsrc num-buffers=5 ! video/x-raw,width=64,height=48 ! fakesink sync=false').startup();
    pipeline.done.then(() => console.log('done, context active: ' + context.isActive));
  `;
  const exit = await runScript(script, { timeoutMs: 20_000, what: 'a pipeline in an open context in a child' });
  assert.is(exit.code, 0, exit.stderr);
  assert.match(exit.stdout, /^done, context active: true$/m);
});

test('SIGTERM in an open context ends the live pipeline cleanly; the process exits with 143', async () => {
  const script = `
    const { Gst, GstContext, GstPipeline } = require(${JSON.stringify(SRC)});
    const context = new GstContext();
    const pipeline = new GstPipeline(${JSON.stringify(LIVE)}).startup();
    pipeline.bus.connect('message::state-changed', (message) => {
      if (message.src === pipeline.pipeline && message.parseStateChanged()[1] === Gst.State.PLAYING) console.log('playing');
    });
    pipeline.done.then(() => console.log('done'));
  `;
  let signalled = 0;
  const exit = await runScript(script, {
    timeoutMs: 20_000,
    what: 'SIGTERM in a child',
    onStdout: (stdout, child) => {
      if (!signalled && /^playing$/m.test(stdout)) {
        signalled = Date.now();
        child.kill('SIGTERM');
      }
    },
  });
  assert.ok(signalled > 0, `never playing: ${exit.stdout}\n${exit.stderr}`);
  assert.is(exit.code, 143, exit.stderr);
  assert.match(exit.stdout, /^done$/m, 'the pipeline ended before the process did');
});

test('a second Ctrl-C exits at once (130), without waiting for the shutdown the first one started', async () => {
  // The pipeline's end of stream never comes (its shutdown waits 30 s): only an exit at once ends the child in time.
  const script = `
    const { Gst, GstContext, GstPipeline } = require(${JSON.stringify(SRC)});
    class Slow extends GstPipeline {
      sendEndOfStream() { return true; }
      shutdown() { return super.shutdown(30000); }
    }
    const context = new GstContext();
    const pipeline = new Slow(${JSON.stringify(LIVE)}).startup();
    pipeline.bus.connect('message::state-changed', (message) => {
      if (message.src === pipeline.pipeline && message.parseStateChanged()[1] === Gst.State.PLAYING) console.log('playing');
    });
    process.on('SIGINT', () => console.log('interrupted'));
    pipeline.done.then(() => console.log('stopped'));
  `;
  const sent: string[] = [];
  const exit = await runScript(script, {
    timeoutMs: 20_000,
    what: 'two SIGINTs in a child',
    onStdout: (stdout, child) => {
      // The second signal only after the first was handled: two pending SIGINTs would merge into one.
      const step = /^interrupted$/m.test(stdout) ? 2 : /^playing$/m.test(stdout) ? 1 : 0;
      while (sent.length < step) {
        sent.push('SIGINT');
        child.kill('SIGINT');
      }
    },
  });
  assert.is(sent.length, 2, `signals sent: ${sent.length}\n${exit.stdout}\n${exit.stderr}`);
  assert.is(exit.code, 130, exit.stderr);
  assert.not.match(exit.stdout, /^stopped$/m, 'the process left before the shutdown finished');
});

test.run();
