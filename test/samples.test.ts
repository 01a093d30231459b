/**
 * src/samples.ts and what GstVideoSource takes from it: one engine for both ways of reading an
 * appsink. Async handlers that reject fail the pipeline; GstVideoSource checks its options,
 * refuses pop() before startup(), forgets frames queued before a flushing seek, and gives planar
 * frames with their planes (tight in a copy, GStreamer's strides and offsets in a view). Handlers
 * that copy frames get the copies made on the streaming thread (src/native/stream_copy.cc).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Gst,
  GstApp,
  GstPipeline,
  GstPipelineError,
  GstStateError,
  GstVideo,
  GstVideoSource,
  gstBufferWithCapsToTypedArray,
  type GstVideoSourceOptions,
} from '../src';
import { native } from '../src/native';
import { caps, pipelinesStoppedAfterEach, rejectionOf, within } from './helpers/support';

const track = pipelinesStoppedAfterEach(test);

test('an async new-sample handler that rejects fails the pipeline with its error as cause', async () => {
  const pipeline = track(
    new GstPipeline('videotestsrc num-buffers=50 ! video/x-raw,width=16,height=16 ! appsink emit-signals=true').startup(),
  );
  const appsink = pipeline.getOneByCls(GstApp.AppSink);
  const failure = new Error('async nope');
  const handler = async (): Promise<Gst.FlowReturn> => {
    appsink.emit('pull-sample');
    await Promise.resolve();
    throw failure;
  };
  // The typings want a FlowReturn back; at run time a promise is accepted and watched.
  appsink.connect('new-sample', handler as unknown as () => Gst.FlowReturn);
  const error = await rejectionOf(pipeline.done, 5_000, 'done after a rejecting handler');
  assert.instance(error, GstPipelineError);
  assert.match((error as Error).message, "'new-sample' handler threw: async nope");
  assert.is((error as Error).cause, failure);
});

test('GstVideoSource refuses a maxBuffersSize that is not a positive integer, naming the option', () => {
  const cmd = 'videotestsrc num-buffers=1 ! appsink';
  for (const bad of [NaN, 0, -3, 2.5, Infinity])
    assert.throws(
      () => new GstVideoSource(cmd, { maxBuffersSize: bad }),
      (e: unknown) => e instanceof RangeError && /maxBuffersSize/.test(String(e)),
      String(bad),
    );
  for (const bad of ['10', null, {}])
    assert.throws(
      () => new GstVideoSource(cmd, { maxBuffersSize: bad } as unknown as GstVideoSourceOptions),
      (e: unknown) => e instanceof TypeError && /maxBuffersSize/.test(String(e)),
      String(bad),
    );
  assert.throws(
    () => new GstVideoSource(cmd, { leaky: 'yes' } as unknown as GstVideoSourceOptions),
    (e: unknown) => e instanceof TypeError && /leaky/.test(String(e)),
  );
});

test('pop() before startup() rejects, saying to call startup() first', async () => {
  const source = track(new GstVideoSource('videotestsrc num-buffers=1 ! appsink'));
  const error = await rejectionOf(source.pop(), 1_000, 'pop before startup');
  assert.instance(error, GstStateError, 'the one error class for a call the state does not allow');
  assert.instance(error, GstPipelineError);
  assert.match((error as Error).message, 'startup()');
});

test('a flushing seek drops the frames queued before it', async () => {
  const source = track(
    new GstVideoSource('videotestsrc ! video/x-raw,format=GRAY8,width=16,height=16,framerate=1000/1 ! appsink', {
      maxBuffersSize: 4,
    }).startup(),
  );
  const first = await within(source.pop(), 5_000, 'first frame');
  assert.ok(first && first.pts !== null && first.pts < Number(Gst.SECOND));
  // The queue fills up to its bound while we wait (the pipeline is then held back).
  while (source.queueSize < 2) await new Promise((resolve) => setImmediate(resolve));
  const target = 100 * Number(Gst.SECOND);
  assert.ok(source.pipeline.seekSimple(Gst.Format.TIME, Gst.SeekFlags.FLUSH, BigInt(target)), 'seek accepted');
  assert.is(source.queueSize, 0, 'queue emptied by the flush');
  const next = await within(source.pop(), 5_000, 'a frame after the seek');
  assert.ok(next && next.pts !== null && next.pts >= target, `pts ${next?.pts} after a seek to ${target}`);
});

/** The tight planes of a 4:2:0 frame at w x h: full-size luma, chroma halved (rounded up). */
function tightPlanes(format: string, width: number, height: number): { rowBytes: number; rows: number }[] {
  const [cw, ch] = [Math.ceil(width / 2), Math.ceil(height / 2)];
  const luma = { rowBytes: width, rows: height };
  return format === 'I420' ? [luma, { rowBytes: cw, rows: ch }, { rowBytes: cw, rows: ch }] : [luma, { rowBytes: 2 * cw, rows: ch }];
}

for (const format of ['I420', 'NV12']) {
  test(`${format} at an odd size: a copy packs its planes tight, a view has GStreamer's strides and offsets`, async () => {
    const [width, height] = [33, 17];
    const cmd = `videotestsrc num-buffers=1 pattern=smpte ! video/x-raw,format=${format},width=${width},height=${height} ! appsink`;
    const info = GstVideo.VideoInfo.newFromCaps(caps(`video/x-raw,format=${format},width=${width},height=${height}`))!;
    const expected = tightPlanes(format, width, height);

    const copy = track(new GstVideoSource(cmd).startup());
    const copied = (await within(copy.pop(), 5_000, 'the copied frame'))!;
    let offset = 0;
    assert.is(copied.planes.length, expected.length);
    copied.planes.forEach((plane, i) => {
      assert.equal(
        { ...plane },
        { offset, stride: expected[i].rowBytes, rowBytes: expected[i].rowBytes, rows: expected[i].rows },
        `copy plane ${i}`,
      );
      offset += plane.rowBytes * plane.rows;
    });
    assert.is(copied.data.byteLength, offset, 'no padding copied');

    const viewSource = track(new GstVideoSource(cmd, { zeroCopy: true }).startup());
    const view = (await within(viewSource.pop(), 5_000, 'the viewed frame'))!;
    assert.is(view.planes.length, expected.length);
    view.planes.forEach((plane, i) => {
      assert.equal(
        { ...plane },
        { offset: Number(info.offset[i]), stride: info.stride[i], rowBytes: expected[i].rowBytes, rows: expected[i].rows },
        `view plane ${i}`,
      );
      // The same pixels, row by row, in both.
      for (let row = 0; row < plane.rows; row++) {
        const a = copied.data.subarray(
          copied.planes[i].offset + row * copied.planes[i].stride,
          copied.planes[i].offset + row * copied.planes[i].stride + plane.rowBytes,
        );
        const b = view.data.subarray(plane.offset + row * plane.stride, plane.offset + row * plane.stride + plane.rowBytes);
        assert.equal(Array.from(a), Array.from(b), `plane ${i} row ${row}`);
      }
    });
  });
}

test('a handler that copies frames gets its copies made on the streaming thread: the bytes of the buffer, a second array of it is a copy of its own', async () => {
  const frames = 12;
  const pipeline = track(
    new GstPipeline(
      `videotestsrc num-buffers=${frames} pattern=ball ! video/x-raw,format=RGB,width=192,height=128 ! appsink emit-signals=true sync=false`,
    ),
  );
  const appsink = pipeline.getOneByCls(GstApp.AppSink);
  const copiedHere: number[] = [];
  const problems: string[] = [];
  appsink.connect('new-sample', () => {
    const sample = appsink.emit('pull-sample') as Gst.Sample;
    const buffer = sample.getBuffer()!;
    const before = native.copiedBytesOnThisThread();
    const first = gstBufferWithCapsToTypedArray(buffer, sample.getCaps()!);
    copiedHere.push(native.copiedBytesOnThisThread() - before);
    // The reference, read with plain node-gtk.
    const bytes = Uint8Array.from(buffer.extractDup(0, buffer.getSize()));
    const data = first.data as Uint8Array;
    if (data.length !== bytes.length || data.some((v, k) => v !== bytes[k]))
      problems.push(`frame ${copiedHere.length - 1}: bytes differ from the buffer's`);
    const second = gstBufferWithCapsToTypedArray(buffer, sample.getCaps()!);
    const was = data[0];
    (second.data as Uint8Array)[0] = was ^ 0xff;
    if (data[0] !== was) problems.push(`frame ${copiedHere.length - 1}: writing to a second array changed the first`);
    return Gst.FlowReturn.OK;
  });
  pipeline.startup();
  await within(pipeline.done, 10_000, 'to the end of the stream');
  assert.equal(problems, []);
  assert.is(copiedHere.length, frames);
  assert.is(copiedHere[0], 192 * 128 * 3, 'the first frame is copied on the JS thread');
  assert.equal(copiedHere.slice(-4), [0, 0, 0, 0], 'the last frames were copied before they reached the handler');
});

test('GstVideoSource copies come from the streaming thread once it runs; zeroCopy frames are never copied', async () => {
  for (const zeroCopy of [false, true]) {
    const source = track(
      new GstVideoSource('videotestsrc num-buffers=8 ! video/x-raw,format=RGB,width=192,height=128 ! appsink sync=false', { zeroCopy }),
    ).startup();
    const before = native.copiedBytesOnThisThread();
    let frames = 0;
    for await (const frame of source) {
      assert.is(frame.data.length, 192 * 128 * 3);
      frames++;
    }
    assert.is(frames, 8);
    assert.is(native.copiedBytesOnThisThread() - before, 0, `zeroCopy ${zeroCopy}: bytes copied on the JS thread`);
  }
});

test.run();
