/**
 * The tutorial's path: an appsink's 'new-sample' handler that emits 'pull-sample' and turns each
 * sample into a shaped typed array. Every frame must arrive (docs/node-gtk.md, 'Cross-thread signals': with plain node-gtk the
 * streaming thread hangs after the first buffer), and a handler that throws or answers with an
 * error flow must fail the pipeline, not the process (docs/node-gtk.md, 'A throw in a signal handler').
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Gst, GstApp, gstBufferWithCapsToTypedArray, GstPipeline, GstPipelineError, type SampleArray, type ShapedArray } from '../src';
import { reachesState, rejectionOf, runScript, SRC, within } from './helpers/support';

const N = 30;

function tutorial(format: string, frames = N): string {
  return `videotestsrc num-buffers=${frames} ! capsfilter caps=video/x-raw,format=${format},width=320,height=240 ! appsink emit-signals=True sync=false`;
}

interface Received {
  frames: ShapedArray[];
  pts: bigint[];
}

/** The tutorial's handler: pull the sample, convert it, keep the array and its pts. */
function tutorialHandler(sink: GstApp.AppSink, into: Received): () => Gst.FlowReturn {
  return () => {
    const sample = sink.emit('pull-sample');
    if (!(sample instanceof Gst.Sample)) return Gst.FlowReturn.ERROR;
    const buffer = sample.getBuffer();
    const caps = sample.getCaps();
    if (!buffer || !caps) return Gst.FlowReturn.ERROR;
    into.pts.push(buffer.pts);
    into.frames.push(gstBufferWithCapsToTypedArray(buffer, caps));
    return Gst.FlowReturn.OK;
  };
}

function range(data: SampleArray): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const value of data) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return [min, max];
}

function assertStrictlyIncreasing(pts: readonly bigint[]): void {
  for (let i = 1; i < pts.length; i++) assert.ok(pts[i] > pts[i - 1], `pts[${i}] = ${pts[i]} after ${pts[i - 1]}`);
}

const FORMATS: ReadonlyArray<[format: string, shape: number[], type: typeof Uint8Array | typeof Uint16Array, maxAbove: number]> = [
  ['RGB', [240, 320, 3], Uint8Array, 200],
  ['RGBA', [240, 320, 4], Uint8Array, 200],
  ['GRAY8', [240, 320], Uint8Array, 200],
  // 16-bit samples: the bars reach far beyond what 8 bits hold
  ['GRAY16_LE', [240, 320], Uint16Array, 50_000],
];

for (const [format, shape, ArrayType, maxAbove] of FORMATS) {
  test(`${format} 320x240: every one of ${N} frames, shaped ${JSON.stringify(shape)} as ${ArrayType.name}, pts increasing`, async () => {
    const pipeline = new GstPipeline(tutorial(format)).startup();
    const appsink = pipeline.getOneByCls(GstApp.AppSink);
    const received: Received = { frames: [], pts: [] };
    appsink.connect('new-sample', tutorialHandler(appsink, received));
    await within(pipeline.done, 15_000, `${format} pipeline`);

    assert.is(received.frames.length, N);
    for (const frame of received.frames) {
      assert.equal(frame.shape, shape);
      assert.ok(frame.data instanceof ArrayType, frame.data.constructor.name);
      assert.is(
        frame.data.length,
        shape.reduce((a, b) => a * b, 1),
      );
    }
    assertStrictlyIncreasing(received.pts);
    assert.is(received.pts[0], 0n);
    // videotestsrc's colour bars: real pixels, not zeros
    const [min, max] = range(received.frames[0].data);
    assert.ok(max > maxAbove && min < max, `samples from ${min} to ${max}`);
    assert.is(pipeline.isDone, true);
  });
}

test('a handler connected after the pipeline plays still gets every frame', async () => {
  const pipeline = new GstPipeline(tutorial('RGB')).startup();
  const appsink = pipeline.getOneByCls(GstApp.AppSink);
  // Frames are flowing into the appsink before anyone listens (it holds them: wait-on-eos).
  await within(reachesState(pipeline, Gst.State.PLAYING), 5000, 'PLAYING');
  const received: Received = { frames: [], pts: [] };
  appsink.connect('new-sample', tutorialHandler(appsink, received));
  await within(pipeline.done, 15_000, 'pipeline');
  assert.is(received.frames.length, N);
  assertStrictlyIncreasing(received.pts);
});

test('a handler that throws: done rejects with GstPipelineError whose cause is the throw; the process lives on', async () => {
  const pipeline = new GstPipeline(tutorial('RGB')).startup();
  const appsink = pipeline.getOneByCls(GstApp.AppSink);
  const thrown = new Error('handler failure for the test');
  let calls = 0;
  appsink.connect('new-sample', () => {
    calls++;
    appsink.emit('pull-sample');
    if (calls === 3) throw thrown;
    return Gst.FlowReturn.OK;
  });
  const error = await rejectionOf(pipeline.done, 10_000, 'done');
  assert.ok(error instanceof GstPipelineError, String(error));
  assert.is(error.cause, thrown);
  assert.match(error.message, /handler failure for the test/);
  assert.match(error.message, /new-sample/);
  assert.is(pipeline.isDone, true);
  assert.is(pipeline.error, error);
  assert.is(calls, 3, 'no handler call after the throw');
  assert.is(pipeline.pipeline.getState(0)[1], Gst.State.NULL);
});

test('a handler returning Gst.FlowReturn.ERROR stops the stream: done rejects', async () => {
  const pipeline = new GstPipeline(tutorial('RGB')).startup();
  const appsink = pipeline.getOneByCls(GstApp.AppSink);
  let calls = 0;
  appsink.connect('new-sample', () => {
    calls++;
    appsink.emit('pull-sample');
    return calls >= 3 ? Gst.FlowReturn.ERROR : Gst.FlowReturn.OK;
  });
  const error = await rejectionOf(pipeline.done, 10_000, 'done');
  assert.ok(error instanceof GstPipelineError, String(error));
  assert.match(error.message, /Internal data stream error/, 'the source reports the stream stopped');
  assert.match(error.debug ?? '', /reason error \(-5\)/, 'with the flow the handler returned: ERROR (-5)');
  assert.ok(calls >= 3 && calls < N, `${calls} frames before the stream stopped`);
  assert.is(pipeline.isDone, true);
});

test('disconnect(id) stops delivery to that handler only', async () => {
  const pipeline = new GstPipeline(tutorial('GRAY8')).startup();
  const appsink = pipeline.getOneByCls(GstApp.AppSink);
  let first = 0;
  const id = appsink.connect('new-sample', () => {
    first++;
    if (first === 5) appsink.disconnect(id);
    return Gst.FlowReturn.OK;
  });
  const all: Received = { frames: [], pts: [] };
  appsink.connect('new-sample', tutorialHandler(appsink, all));
  await within(pipeline.done, 15_000, 'pipeline');
  assert.is(first, 5);
  assert.is(all.frames.length, N);
});

test("on('new-sample', fn) and off('new-sample', fn) work as connect / disconnect", async () => {
  const pipeline = new GstPipeline(tutorial('GRAY8')).startup();
  const appsink = pipeline.getOneByCls(GstApp.AppSink);
  const received: Received = { frames: [], pts: [] };
  let counted = 0;
  const counter = (): Gst.FlowReturn => {
    counted++;
    if (counted === 4) appsink.off('new-sample', counter);
    return Gst.FlowReturn.OK;
  };
  assert.is(appsink.on('new-sample', tutorialHandler(appsink, received)), appsink, 'on returns the element');
  appsink.on('new-sample', counter);
  await within(pipeline.done, 15_000, 'pipeline');
  assert.is(received.frames.length, N);
  assertStrictlyIncreasing(received.pts);
  assert.is(counted, 4);
});

test('in a process with nothing else alive, the tutorial gets every frame and the process exits by itself', async () => {
  // docs/node-gtk.md, 'Cross-thread signals': with plain node-gtk, nothing keeps libuv polling and the streaming thread
  // hangs after the first buffer. The child has no timers of its own and no process.exit.
  const script = `
    const { Gst, GstApp, GstPipeline, gstBufferWithCapsToTypedArray } = require(${JSON.stringify(SRC)});
    const pipeline = new GstPipeline(${JSON.stringify(tutorial('RGB', 10))}).startup();
    const appsink = pipeline.getOneByCls(GstApp.AppSink);
    let frames = 0;
    appsink.connect('new-sample', () => {
      const sample = appsink.emit('pull-sample');
      const array = gstBufferWithCapsToTypedArray(sample.getBuffer(), sample.getCaps());
      if (array.shape.join('x') === '240x320x3') frames++;
      return Gst.FlowReturn.OK;
    });
    pipeline.done.then(() => console.log('frames: ' + frames));
  `;
  const exit = await runScript(script, { timeoutMs: 20_000, what: 'tutorial in a child' });
  assert.is(exit.code, 0, exit.stderr);
  assert.match(exit.stdout, /^frames: 10$/m);
});

test.run();
