/**
 * src/element/: the frame a frame function gets (shape, strides, data length and type for packed,
 * padded, 1-pixel, 16-bit and planar formats; times; a new shape when caps change mid-stream),
 * outputSize answers a transform refuses, objects (none written when none are added; addObject
 * refused once the frame is done, also after a throw or a rejection), and the error a pipeline
 * takes as the cause of an element error (taken once).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Gst,
  GstApp,
  GstPipeline,
  GstPipelineError,
  GstStateError,
  GstVideoAnalyzer,
  GstVideoSource,
  GstVideoTransform,
  registerElement,
  type VideoFilterFrame,
  type VideoFrame,
} from '../src';
import { takeFrameError } from '../src/element/video-filter';
import { collect, pipelinesStoppedAfterEach, rejectionOf, within } from './helpers/support';

const track = pipelinesStoppedAfterEach(test);

interface Seen {
  format: string;
  width: number;
  height: number;
  shape: readonly number[];
  strides: readonly number[];
  length: number;
  type: string;
}

function seen(frame: VideoFilterFrame): Seen {
  const { format, width, height, shape, strides, data } = frame;
  return { format, width, height, shape, strides, length: data.length, type: data.constructor.name };
}

/** Records what each frame looks like; keeps the frames (to try addObject on them later). */
class Recorder extends GstVideoAnalyzer {
  static elementName = 'test_frames_recorder';
  static formats = ['RGB', 'BGRx', 'GRAY8', 'GRAY16_LE', 'I420', 'YUY2'];
  static properties = { fail: { type: 'string', default: '' } } as const;
  declare fail: string;
  static last: Recorder | null = null;
  readonly seen: Seen[] = [];
  readonly frames: VideoFilterFrame[] = [];
  readonly times: (number | null | undefined | readonly unknown[])[][] = [];
  constructor() {
    super();
    Recorder.last = this;
  }
  analyzeFrame(frame: VideoFilterFrame): Promise<void> | void {
    this.seen.push(seen(frame));
    this.frames.push(frame);
    this.times.push([frame.pts, frame.dts, frame.duration, frame.offset, frame.objects]);
    if (this.fail === 'throw') throw new RangeError('recorder gave up');
    if (this.fail === 'reject') return Promise.reject(new RangeError('recorder rejected'));
  }
}
registerElement(Recorder);

async function recorded(caps: string, extra = ''): Promise<Recorder> {
  const pipeline = track(new GstPipeline(`videotestsrc num-buffers=2 ! ${caps} ! test_frames_recorder name=r ${extra} ! fakesink`));
  const recorder = Recorder.from(pipeline.getByName('r')!);
  pipeline.startup();
  await within(pipeline.done, 10_000, caps);
  return recorder;
}

test('times, format and size of each frame; no objects when the buffer carries none', async () => {
  const recorder = await recorded('video/x-raw,format=GRAY8,width=8,height=8,framerate=10/1');
  assert.equal(recorder.times, [
    [0, null, 100_000_000, 0, undefined],
    [100_000_000, null, 100_000_000, 1, undefined],
  ]);
  assert.equal(recorder.seen[0], { format: 'GRAY8', width: 8, height: 8, shape: [8, 8], strides: [8, 1], length: 64, type: 'Uint8Array' });
});

test('shapes and strides: padded rows, dimensions of 1 dropped, 16-bit samples, 4 channels; planar and packed YUV as bytes', async () => {
  const expect = async (caps: string, shape: number[], strides: number[], length: number, type = 'Uint8Array') => {
    const [first] = (await recorded(`video/x-raw,${caps}`)).seen;
    assert.equal([first.shape, first.strides, first.length, first.type], [shape, strides, length, type], caps);
  };
  // RGB rows of 5 pixels are 15 bytes, padded to 16: the data ends at the last row's last sample.
  await expect('format=RGB,width=5,height=4', [4, 5, 3], [16, 3, 1], 3 * 16 + 15);
  await expect('format=BGRx,width=3,height=2', [2, 3, 4], [12, 4, 1], 24);
  await expect('format=RGB,width=1,height=3', [3, 3], [4, 1], 2 * 4 + 3);
  await expect('format=GRAY8,width=5,height=1', [5], [1], 5);
  await expect('format=GRAY8,width=1,height=1', [1], [1], 1);
  // GRAY16 rows of 3 samples are 6 bytes, padded to 8: strides count samples, not bytes.
  await expect('format=GRAY16_LE,width=3,height=2', [2, 3], [4, 1], 4 + 3, 'Uint16Array');
  // Planar and packed YUV: the whole frame as bytes.
  await expect('format=I420,width=8,height=8', [96], [1], 96);
  await expect('format=YUY2,width=4,height=2', [16], [1], 16);
});

test('caps that change mid-stream: the next frame has the new shape', async () => {
  const pipeline = track(
    new GstPipeline(
      'appsrc name=src format=time caps=video/x-raw,format=GRAY8,width=4,height=2,framerate=0/1 ! test_frames_recorder name=r ! fakesink',
    ),
  ).startup();
  const recorder = Recorder.from(pipeline.getByName('r')!);
  const src = pipeline.getByName('src', GstApp.AppSrc)!;
  const push = (size: number, pts: number) => {
    const buffer = Gst.Buffer.newAllocate(null, size, null)!;
    buffer.pts = BigInt(pts);
    assert.is(src.pushBuffer(buffer), Gst.FlowReturn.OK);
  };
  push(8, 0);
  push(8, 1);
  src.setCaps(Gst.Caps.fromString('video/x-raw,format=RGB,width=4,height=2,framerate=0/1'));
  push(24, 2);
  src.setCaps(Gst.Caps.fromString('video/x-raw,format=RGB,width=4,height=3,framerate=0/1'));
  push(36, 3);
  src.endOfStream();
  await within(pipeline.done, 10_000, 'caps changes');
  assert.equal(
    recorder.seen.map((s) => [s.format, s.shape, s.length]),
    [
      ['GRAY8', [2, 4], 8],
      ['GRAY8', [2, 4], 8],
      ['RGB', [2, 4, 3], 24],
      ['RGB', [3, 4, 3], 36],
    ],
  );
});

test('addObject once the frame is done (returned, threw or rejected) is a GstStateError; nothing is written for a frame without objects', async () => {
  const source = track(
    new GstVideoSource(
      'videotestsrc num-buffers=1 ! video/x-raw,format=GRAY8,width=8,height=8 ! test_frames_recorder name=r ! video/x-raw,format=GRAY8 ! appsink',
    ),
  );
  const recorder = Recorder.from(source.getByName('r')!);
  const [frame] = await collect(source.startup(), 10_000, 'one frame');
  assert.is(frame.objects, undefined, 'no objects meta on the buffer');
  const box = { boundingBox: [0, 0, 1, 1] as const, confidence: 1, className: 'late', trackId: 0 };
  const done = (e: unknown) =>
    e instanceof GstStateError && e.message === 'frame.addObject: the frame is done (its function returned or its promise settled)';
  assert.throws(() => recorder.frames[0].addObject(box), done);
  for (const fail of ['throw', 'reject']) {
    const failing = await rejectionOf(
      recorded('video/x-raw,format=GRAY8,width=8,height=8', `fail=${fail}`).then(() => undefined),
      10_000,
      fail,
    );
    assert.instance(failing, GstPipelineError, fail);
    const kept = Recorder.last!.frames;
    assert.is(kept.length, 1, fail);
    assert.throws(() => kept[0].addObject(box), done, fail);
  }
});

test("the frame function's error is the cause of the element error, taken once", async () => {
  const pipeline = track(
    new GstPipeline(
      'videotestsrc num-buffers=3 ! video/x-raw,format=GRAY8,width=8,height=8 ! test_frames_recorder name=r fail=throw ! fakesink',
    ),
  ).startup();
  const error = await rejectionOf(pipeline.done, 10_000, 'done');
  assert.instance(error, GstPipelineError);
  assert.match((error as GstPipelineError).message, /r: RangeError: recorder gave up/);
  assert.instance((error as GstPipelineError).cause, RangeError);
  assert.is(takeFrameError(pipeline.getByName('r')!), undefined, 'the pipeline took it');
  assert.is(takeFrameError(Gst.ElementFactory.make('fakesink', null)!), undefined, 'an element not written in TypeScript has none');
});

/** A transform whose outputSize answers as its `answer` property says. */
class Sizer extends GstVideoTransform {
  static elementName = 'test_frames_sizer';
  static formats = ['GRAY8'];
  static properties = { answer: { type: 'string', default: 'half' } } as const;
  declare answer: string;
  readonly seen: [Seen, Seen][] = [];
  outputSize(width: number, height: number): [number, number] {
    const answers: Record<string, unknown> = {
      half: [width / 2, height],
      zero: [0, height],
      negative: [width, -1],
      fraction: [width, 2.5],
      one: [width],
      three: [width, height, 1],
      text: 'ab',
      none: undefined,
    };
    return answers[this.answer] as [number, number];
  }
  transformFrame(input: VideoFilterFrame, output: VideoFilterFrame): void {
    this.seen.push([seen(input), seen(output)]);
    output.data.fill(9);
  }
}
registerElement(Sizer);

test('a transform: the output frame has the size outputSize gave, its own shape and strides', async () => {
  const source = track(
    new GstVideoSource(
      'videotestsrc num-buffers=1 ! video/x-raw,format=GRAY8,width=8,height=3 ! test_frames_sizer name=s ! video/x-raw,format=GRAY8 ! appsink',
    ),
  );
  const sizer = Sizer.from(source.getByName('s')!);
  const got: VideoFrame[] = await collect(source.startup(), 10_000, 'resized');
  assert.equal(got[0].shape, [3, 4]);
  assert.ok(got[0].data.every((v) => v === 9));
  assert.equal(sizer.seen, [
    [
      { format: 'GRAY8', width: 8, height: 3, shape: [3, 8], strides: [8, 1], length: 24, type: 'Uint8Array' },
      { format: 'GRAY8', width: 4, height: 3, shape: [3, 4], strides: [4, 1], length: 12, type: 'Uint8Array' },
    ],
  ]);
});

test('outputSize answers that are not [width, height] of positive integers fail negotiation with a warning that shows them', async () => {
  const cases: [string, string][] = [
    ['zero', '[0,3]'],
    ['negative', '[8,-1]'],
    ['fraction', '[8,2.5]'],
    ['one', '[8]'],
    ['three', '[8,3,1]'],
    ['text', '"ab"'],
    ['none', 'undefined'],
  ];
  for (const [answer, shown] of cases) {
    const warnings: string[] = [];
    const pipeline = track(
      new GstPipeline('videotestsrc num-buffers=1 ! video/x-raw,format=GRAY8,width=8,height=3 ! test_frames_sizer name=s ! fakesink', {
        beforePlaying: (p) => {
          Sizer.from(p.getByName('s')!).answer = answer;
        },
        onWarning: (w) => warnings.push(w.message),
      }),
    ).startup();
    const error = await rejectionOf(pipeline.done, 10_000, answer);
    assert.instance(error, GstPipelineError, answer);
    const expected = `outputSize(8, 3) must return [width, height] of positive integers, got ${shown}`;
    assert.ok(
      warnings.some((w) => w.includes(expected)),
      `${answer}: ${warnings.join(' | ')}`,
    );
  }
});

test.run();
