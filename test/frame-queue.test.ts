/**
 * src/frame-queue.ts on its own: the queue between an appsink and pop(), with plain frames that
 * record their release (the queue holds anything with release(); the sources' suites drive it
 * with real pipelines).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameQueue } from '../src/frame-queue';

class Frame {
  released = false;
  constructor(readonly id: number) {}
  release(): void {
    this.released = true;
  }
}

test('frames queue in order; shift takes the oldest; length counts them', () => {
  const queue = new FrameQueue<Frame>(null);
  assert.is(queue.length, 0);
  assert.is(queue.shift(), undefined);
  for (const id of [1, 2, 3]) queue.push(new Frame(id));
  assert.is(queue.length, 3);
  assert.is(queue.shift()?.id, 1);
  assert.is(queue.shift()?.id, 2);
  assert.is(queue.length, 1);
});

test('not leaky: every frame is kept, none dropped or released', () => {
  const dropped: number[] = [];
  const queue = new FrameQueue<Frame>(null, (frame) => dropped.push(frame.id));
  const frames = Array.from({ length: 50 }, (_, id) => new Frame(id));
  for (const frame of frames) queue.push(frame);
  assert.is(queue.length, 50);
  assert.is(queue.dropped, 0);
  assert.equal(dropped, []);
  assert.ok(frames.every((f) => !f.released));
});

test('leaky: past its bound the oldest frame is dropped, counted, told and released', () => {
  const told: Array<[number, number]> = [];
  const queue = new FrameQueue<Frame>(2, (frame, count) => told.push([frame.id, count]));
  const frames = [1, 2, 3, 4].map((id) => new Frame(id));
  queue.push(frames[0]);
  queue.push(frames[1]);
  assert.is(queue.dropped, 0, 'at the bound: nothing dropped');
  assert.not.ok(frames[0].released);
  queue.push(frames[2]);
  queue.push(frames[3]);
  assert.is(queue.length, 2);
  assert.is(queue.dropped, 2);
  assert.equal(told, [
    [1, 1],
    [2, 2],
  ]);
  assert.ok(frames[0].released && frames[1].released);
  assert.not.ok(frames[2].released || frames[3].released);
  assert.equal([queue.shift()?.id, queue.shift()?.id], [3, 4]);
});

test('leaky with a bound of 0 and no onDrop: each frame is released at once', () => {
  const queue = new FrameQueue<Frame>(0);
  const frame = new Frame(1);
  queue.push(frame);
  assert.is(queue.length, 0);
  assert.is(queue.dropped, 1);
  assert.ok(frame.released);
});

test('a waiting pop gets the next frame, which is not queued; pops are served oldest first', async () => {
  const queue = new FrameQueue<Frame>(0);
  const first = queue.wait(undefined, () => undefined);
  const second = queue.wait(undefined, () => undefined);
  assert.is(queue.waiting, 2);
  const [a, b] = [new Frame(1), new Frame(2)];
  queue.push(a);
  queue.push(b);
  assert.is(queue.waiting, 0);
  assert.is(queue.length, 0);
  assert.is(queue.dropped, 0, 'a frame handed to a pop is not dropped, even with a bound of 0');
  assert.is(await first, a);
  assert.is(await second, b);
  assert.not.ok(a.released || b.released);
});

test('a pop with a timeout settles null when nothing comes, and leaves the queue', async () => {
  const queue = new FrameQueue<Frame>(null);
  const pending = queue.wait(5, () => new Error('not this'));
  assert.is(queue.waiting, 1);
  assert.is(await pending, null);
  assert.is(queue.waiting, 0);
  const frame = new Frame(1);
  queue.push(frame);
  assert.is(queue.length, 1, 'the next frame is queued, not handed to the pop that timed out');
});

test('a pop that timed out leaves the other pops waiting', async () => {
  const queue = new FrameQueue<Frame>(null);
  const patient = queue.wait(undefined, () => undefined);
  const hasty = queue.wait(5, () => undefined);
  assert.is(await hasty, null);
  assert.is(queue.waiting, 1);
  const frame = new Frame(1);
  queue.push(frame);
  assert.is(await patient, frame);
});

test('a frame that comes in time settles the pop before its timeout', async () => {
  const queue = new FrameQueue<Frame>(null);
  const pending = queue.wait(60_000, () => undefined);
  const frame = new Frame(1);
  queue.push(frame);
  assert.is(await pending, frame);
});

test('end: waiting pops settle null when the stream ended cleanly, and are gone', async () => {
  const queue = new FrameQueue<Frame>(null);
  const pops = [queue.wait(undefined, () => undefined), queue.wait(1_000, () => null)];
  queue.end();
  assert.is(queue.waiting, 0);
  assert.equal(await Promise.all(pops), [null, null]);
});

test('end: waiting pops reject with the failure when the stream failed', async () => {
  const queue = new FrameQueue<Frame>(null);
  const failure = new Error('the stream failed');
  const pop = queue.wait(1_000, () => failure);
  queue.end();
  try {
    await pop;
    assert.unreachable('the pop must reject');
  } catch (error) {
    assert.is(error, failure);
  }
});

test('the failure is read when the pop settles, not when it starts waiting', async () => {
  const queue = new FrameQueue<Frame>(null);
  let failure: Error | undefined;
  const pop = queue.wait(undefined, () => failure);
  failure = new Error('failed later');
  queue.end();
  await pop.then(
    () => assert.unreachable('the pop must reject'),
    (error: unknown) => assert.is(error, failure),
  );
});

test('a frame that comes settles the pop with it, even when failure() would have an error', async () => {
  const queue = new FrameQueue<Frame>(null);
  let asked = 0;
  const pop = queue.wait(undefined, () => {
    asked++;
    return new Error('not for a frame');
  });
  const frame = new Frame(1);
  queue.push(frame);
  assert.is(await pop, frame);
  assert.is(asked, 0, 'the failure is read only when the stream ends');
});

test('clear takes every waiting frame out, without releasing them', () => {
  const queue = new FrameQueue<Frame>(null);
  const frames = [1, 2].map((id) => new Frame(id));
  for (const frame of frames) queue.push(frame);
  assert.equal(queue.clear(), frames);
  assert.is(queue.length, 0);
  assert.ok(frames.every((f) => !f.released));
});

test.run();
