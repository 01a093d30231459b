/**
 * src/context.ts in-process: the count of live pipelines, and interruptAll (a REPL's Ctrl-C): it
 * stops every playing pipeline, resolves to how many, and aborts the signal that loops over
 * sources hold with Node's kind of AbortError; the next signal is a fresh one.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Gst, GstContext, GstPipeline, GstVideoSource, interruptAll } from '../src';
import { interruptSignal, livePipelineCount } from '../src/context';
import { reachesState, rejectionOf, within } from './helpers/support';

const LIVE = 'videotestsrc is-live=true ! video/x-raw,format=GRAY8,width=16,height=8,framerate=30/1';

async function playing<T extends GstPipeline>(pipeline: T): Promise<T> {
  pipeline.startup();
  await within(reachesState(pipeline, Gst.State.PLAYING), 5000, 'PLAYING');
  return pipeline;
}

const MESSAGE = 'interrupted: interruptAll() (Ctrl-C) stopped what was playing';

test('interruptAll: every playing pipeline shut down, their count, the signal aborted with an AbortError; then a fresh signal', async () => {
  assert.is(livePipelineCount(), 0);
  const signal = interruptSignal();
  assert.is(interruptSignal(), signal, 'one signal until the next interruption');
  const pipelines = [await playing(new GstPipeline(`${LIVE} ! fakesink`)), await playing(new GstPipeline(`${LIVE} ! fakesink`))];
  assert.is(livePipelineCount(), 2);
  assert.is(await within(interruptAll(), 5000, 'interruptAll'), 2);
  for (const pipeline of pipelines) {
    assert.is(pipeline.isDone, true);
    assert.is(pipeline.pipeline.getState(0)[1], Gst.State.NULL);
  }
  assert.is(livePipelineCount(), 0);
  assert.is(signal.aborted, true);
  const reason = signal.reason as Error & { code?: string };
  assert.instance(reason, Error);
  assert.is(reason.name, 'AbortError');
  assert.is(reason.code, 'ABORT_ERR');
  assert.is(reason.message, MESSAGE);
  assert.is(reason.stack, `AbortError: ${MESSAGE}`, 'no stack trace: it is no bug of the caller');
  const next = interruptSignal();
  assert.is.not(next, signal);
  assert.is(next.aborted, false);
  assert.is(await within(interruptAll(), 5000, 'interruptAll with nothing playing'), 0);
  assert.is(next.aborted, true);
});

test('a for await loop over a live source ends with the AbortError of interruptAll', async () => {
  const source = await playing(new GstVideoSource(`${LIVE} ! appsink`));
  assert.is(livePipelineCount(), 1);
  const loop = (async () => {
    let frames = 0;
    for await (const _frame of source) if (++frames === 2) void interruptAll();
    return frames;
  })();
  const error = (await rejectionOf(loop, 5000, 'the loop')) as Error & { code?: string };
  assert.is(error.name, 'AbortError');
  assert.is(error.code, 'ABORT_ERR');
  assert.is(error.message, MESSAGE);
  await within(source.done, 5000, 'source done');
  assert.is(livePipelineCount(), 0);
});

test('signal handlers: installed once while any context is open, removed when the last one closes', () => {
  const count = () => [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
  const before = count();
  const a = new GstContext();
  const opened = count();
  assert.equal(opened, [before[0] + 1, before[1] + 1]);
  a.startup();
  const b = new GstContext();
  assert.equal(count(), opened, 'one handler each, whatever the count of contexts');
  b[Symbol.dispose]();
  assert.is(b.isActive, false);
  assert.equal(count(), opened, 'still there while a context is open');
  b[Symbol.dispose]();
  assert.equal(count(), opened, 'closing a closed context changes nothing');
  a[Symbol.dispose]();
  assert.is(a.isActive, false);
  assert.equal(count(), before, 'gone with the last context');
  a.startup();
  assert.equal(count(), opened, 'and back when one opens again');
  a[Symbol.dispose]();
  assert.equal(count(), before);
});

test.run();
