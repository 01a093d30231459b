/**
 * GstPipeline around a pipeline built element by element (a Gst.Pipeline, or a Gst.Bin /
 * Gst.Element placed in a new one): the same lifetime, bus handling, done and end of stream as
 * a launch string, and a `command` that describes it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Gst, GstApp, GstPipeline, GstPipelineError, GstVideoSource } from '../src';
import { rejectionOf, within } from './helpers/support';

function make(factory: string, name?: string): Gst.Element {
  const element = Gst.ElementFactory.make(factory, name ?? null);
  if (!element) throw new Error(`no ${factory} on this machine`);
  return element;
}

/** Sets GObject properties by their camelCase names (node-gtk's property accessors, untyped on Gst.Element). */
function set(element: Gst.Element, properties: Record<string, unknown>): void {
  Object.assign(element, properties);
}

function built(frames: number): { pipeline: Gst.Pipeline; sink: Gst.Element } {
  const pipeline = new Gst.Pipeline();
  const src = make('videotestsrc');
  set(src, { numBuffers: frames });
  const filter = make('capsfilter');
  set(filter, { caps: Gst.Caps.fromString('video/x-raw,format=RGB,width=16,height=16') });
  const sink = make('appsink', 'frames');
  for (const element of [src, filter, sink]) pipeline.add(element);
  assert.ok(src.link(filter) && filter.link(sink), 'elements link');
  return { pipeline, sink };
}

test('a built Gst.Pipeline plays to the end of stream; command lists its elements as linked', async () => {
  const { pipeline: raw } = built(5);
  const pipeline = new GstPipeline(raw);
  assert.is(pipeline.pipeline, raw, 'the same pipeline object');
  assert.is(pipeline.command, 'videotestsrc ! capsfilter ! appsink name=frames');
  const sink = pipeline.getOneByCls(GstApp.AppSink);
  sink.emitSignals = true;
  let frames = 0;
  sink.connect('new-sample', () => {
    if (sink.emit('pull-sample')) frames++;
    return Gst.FlowReturn.OK;
  });
  await within(pipeline.startup().done, 10_000, 'done of a built pipeline');
  assert.is(frames, 5);
  assert.is(pipeline.isDone, true);
  assert.is(raw.getState(0)[1], Gst.State.NULL, 'NULL after the end');
});

test('a built pipeline drives GstVideoSource like a description', async () => {
  // GstVideoSource's constructor is typed for a description; GstPipeline's takes both at run time.
  const source = new GstVideoSource(built(3).pipeline as unknown as string).startup();
  const shapes: string[] = [];
  for await (const frame of source) shapes.push(frame.shape.join('x'));
  assert.equal(shapes, ['16x16x3', '16x16x3', '16x16x3']);
});

test('a lone bin or element is placed in a new pipeline', async () => {
  const bin = Gst.parseBinFromDescription('videotestsrc num-buffers=2 ! fakesink', false);
  const pipeline = new GstPipeline(bin);
  assert.instance(pipeline.pipeline, Gst.Pipeline);
  assert.is(bin.getParent(), pipeline.pipeline, 'the bin is inside the new pipeline');
  await within(pipeline.startup().done, 10_000, 'done of a wrapped bin');
  const lone = new GstPipeline(make('fakesink', 'alone'));
  assert.is(lone.command, 'fakesink name=alone');
  await lone.shutdown();
});

test('errors on the bus of a built pipeline reject done with the source named', async () => {
  const raw = new Gst.Pipeline();
  const src = make('filesrc', 'reader');
  set(src, { location: '/nonexistent/input.webm' });
  const sink = make('fakesink');
  raw.add(src);
  raw.add(sink);
  src.link(sink);
  const pipeline = new GstPipeline(raw);
  const error = await rejectionOf(pipeline.startup().done, 10_000, 'done of a pipeline reading a missing file');
  assert.instance(error, GstPipelineError);
  assert.is((error as GstPipelineError).source, 'reader');
  assert.match((error as Error).message, /"\/nonexistent\/input\.webm"/);
});

test('shutdown() of a live built pipeline sends end of stream and resolves', async () => {
  const raw = new Gst.Pipeline();
  const src = make('videotestsrc');
  set(src, { isLive: true });
  const sink = make('fakesink');
  raw.add(src);
  raw.add(sink);
  src.link(sink);
  const pipeline = new GstPipeline(raw).startup();
  await within(pipeline.shutdown(), 5_000, 'shutdown of a built live pipeline');
  assert.is(pipeline.isDone, true);
  assert.is(pipeline.error, null);
});

test('a built pipeline with a tee and a funnel (pads of their own classes, without typelib): command follows both branches', async () => {
  const pipeline = new Gst.Pipeline();
  const [src, tee, q1, q2, funnel, sink] = ['videotestsrc', 'tee', 'queue', 'queue', 'funnel', 'fakesink'].map((f) => make(f));
  set(src, { numBuffers: 3 });
  for (const element of [src, tee, q1, q2, funnel, sink]) pipeline.add(element);
  assert.ok(src.link(tee) && tee.link(q1) && tee.link(q2) && q1.link(funnel) && q2.link(funnel) && funnel.link(sink), 'elements link');
  const wrapped = new GstPipeline(pipeline);
  assert.is(wrapped.command, 'videotestsrc ! tee ! queue ! funnel ! fakesink  queue');
  wrapped.startup();
  await within(wrapped.done, 10_000, 'done');
});

test('an empty pipeline has a placeholder command', () => {
  assert.is(new GstPipeline(new Gst.Pipeline()).command, '(empty GstPipeline)');
});

test.run();
