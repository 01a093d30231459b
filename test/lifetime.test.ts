/**
 * End of stream on dispose, checked by its effect: `await using` of a GstPipeline, a GstVideoSink
 * and a GstContext around an encoder and a muxer (vp8enc ! webmmux ! filesink) leaves a WebM file
 * whose container duration and decoded frame count match the frames written. A stop without end
 * of stream leaves webmmux no chance to write its duration (gst-discoverer-1.0 then reports 0 or
 * fails), so these tests fail if disposing skips it. The frames are pushed by the test through
 * appsrc; nothing here depends on a clock.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Gst, GstApp, GstContext, GstPipeline, GstVideoSink, GstVideoSource } from '../src';
import { gstBytes, layoutOf } from './helpers/content';
import { countWebmFrames, discover } from './helpers/media';
import { reachesState, within } from './helpers/support';

const WIDTH = 64;
const HEIGHT = 48;
const FRAMES = 10;
const FRAME_NS = 40_000_000; // 25 frames/s
const LAYOUT = layoutOf('I420', WIDTH, HEIGHT);
const ENCODE = 'videoconvert ! vp8enc deadline=1 ! webmmux';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gstreamer-ts-lifetime-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

function fileFor(name: string): string {
  return path.join(dir, `${name}.webm`);
}

/** A pipeline fed by the test through its appsrc `src`, writing `file`. */
function writer(file: string): string {
  return `appsrc name=src caps="${LAYOUT.caps}" format=time ! ${ENCODE} ! filesink location="${file}"`;
}

/** Pushes FRAMES frames at 25 frames/s from 0 with plain node-gtk (the stream is not ended here). */
function pushFrames(pipeline: GstPipeline): void {
  const src = pipeline.getByName('src', GstApp.AppSrc)!;
  for (let i = 0; i < FRAMES; i++) {
    const buffer = Gst.Buffer.newWrapped(gstBytes(LAYOUT, i) as unknown as number[]);
    buffer.pts = BigInt(i * FRAME_NS);
    buffer.duration = BigInt(FRAME_NS);
    assert.is(src.pushBuffer(buffer), Gst.FlowReturn.OK, `push of frame ${i}`);
  }
}

/** What the file holds: its container duration must be the frames written, all of them decodable. */
async function assertComplete(file: string, what: string): Promise<void> {
  assert.ok(fs.existsSync(file) && fs.statSync(file).size > 0, `${what}: ${file} written`);
  const info = await discover(file);
  const expected = (FRAMES * FRAME_NS) / 1e9;
  assert.ok(
    Math.abs(info.durationS - expected) < 0.001,
    `${what}: the container says ${info.durationS} s, ${FRAMES} frames at 25/s are ${expected} s (no end of stream on dispose leaves no duration)\n${info.report}`,
  );
  const decoded = await countWebmFrames(file);
  assert.equal(decoded, { frames: FRAMES, width: WIDTH, height: HEIGHT }, `${what}: frames decoded`);
}

test('await using GstPipeline: leaving the scope ends the stream, so webmmux writes a complete file', async () => {
  const file = fileFor('pipeline');
  let pipeline: GstPipeline | null = null;
  {
    await using scoped = new GstPipeline(writer(file)).startup();
    pipeline = scoped;
    pushFrames(scoped);
    await within(reachesState(scoped, Gst.State.PLAYING), 5_000, 'PLAYING');
  }
  const left: GstPipeline = pipeline;
  assert.ok(left.isDone, 'done once the scope is left');
  assert.is(left.error, null);
  await assertComplete(file, 'GstPipeline');
});

test('await using GstVideoSink: leaving the scope ends the stream behind the frames pushed', async () => {
  const file = fileFor('sink');
  {
    await using sink = new GstVideoSink(`appsrc ! ${ENCODE} ! filesink location="${file}"`, {
      width: WIDTH,
      height: HEIGHT,
      format: 'I420',
      fps: 25,
    }).startup();
    for (let i = 0; i < FRAMES; i++) await within(sink.push(gstBytes(LAYOUT, i)), 5_000, `push ${i}`);
  }
  await assertComplete(file, 'GstVideoSink');
});

test('await using GstContext: leaving the scope ends the stream of a pipeline still playing inside it', async () => {
  const file = fileFor('context');
  let pipeline: GstPipeline | null = null;
  {
    await using _context = new GstContext();
    pipeline = new GstPipeline(writer(file)).startup();
    pushFrames(pipeline);
    await within(reachesState(pipeline, Gst.State.PLAYING), 5_000, 'PLAYING');
  }
  const left: GstPipeline = pipeline;
  assert.ok(left.isDone, 'the context stopped the pipeline');
  await within(left.done, 5_000, 'done');
  await assertComplete(file, 'GstContext');
});

test('await using GstVideoSource: leaving the scope ends the stream, so a recording branch beside the appsink finishes its file', async () => {
  const file = fileFor('source');
  {
    await using source = new GstVideoSource(
      `appsrc name=src caps="${LAYOUT.caps}" format=time ! tee name=t ! queue ! appsink sync=false t. ! queue ! ${ENCODE} ! filesink location="${file}"`,
    ).startup();
    pushFrames(source);
    await within(reachesState(source, Gst.State.PLAYING), 5_000, 'PLAYING');
    const first = await within(source.pop(), 5_000, 'a frame at the appsink');
    assert.is(first?.offset ?? null, null, 'frames pushed without offsets');
  }
  await assertComplete(file, 'GstVideoSource');
});

test.run();
