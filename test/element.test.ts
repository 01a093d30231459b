/**
 * src/element/: elements written in TypeScript, used by name in launch descriptions. Pixels are
 * read back through an appsink; properties go through GObject (launch description, node-gtk
 * wrapper) and through the TypeScript instance; a throw fails the pipeline, not the process.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Gst,
  GstPipeline,
  GstParseError,
  GstPipelineError,
  GstVideoAnalyzer,
  GstVideoFilter,
  GstVideoSource,
  GstVideoTransform,
  registerElement,
  type VideoFilterFrame,
  type VideoFrame,
} from '../src';
import { collect, pipelinesStoppedAfterEach, reachesState, rejectionOf, runScript, SRC, within } from './helpers/support';

const track = pipelinesStoppedAfterEach(test);

class Fill extends GstVideoFilter {
  static elementName = 'test_fill';
  static formats = ['RGB', 'GRAY8'];
  static properties = { level: { type: 'int', minimum: 0, maximum: 255, default: 255, description: 'fill value' } } as const;
  static metadata = { longName: 'Test fill', klass: 'Filter/Effect/Video', description: 'fills frames', author: 'tests' };
  declare level: number;
  transformFrameIp(frame: VideoFilterFrame): void {
    frame.data.fill(this.level);
  }
}
registerElement(Fill);

/** Writes its row index into each row's pixels (not the padding), so a test can see strides at work. */
class RowIndex extends GstVideoFilter {
  static elementName = 'test_row_index';
  static formats = ['RGB'];
  transformFrameIp({ data, shape, strides }: VideoFilterFrame): void {
    const [height, width, channels] = shape;
    for (let y = 0; y < height; y++) data.fill(y, y * strides[0], y * strides[0] + width * channels);
  }
}
registerElement(RowIndex);

class Thrower extends GstVideoFilter {
  static elementName = 'test_thrower';
  static formats = ['GRAY8'];
  static properties = { after: { type: 'int', minimum: 0, default: 0 } } as const;
  declare after: number;
  private seen = 0;
  transformFrameIp(): void {
    if (this.seen++ >= this.after) throw new RangeError('frame function gave up');
  }
}
registerElement(Thrower);

class Counter extends GstVideoAnalyzer {
  static elementName = 'test_counter';
  static formats = ['GRAY8'];
  static properties = {
    label: { type: 'string', default: 'none' },
    enabled: { type: 'boolean', default: true },
    gain: { type: 'double', minimum: 0, maximum: 2, default: 1 },
  } as const;
  declare label: string;
  declare enabled: boolean;
  declare gain: number;
  readonly firstSamples: number[] = [];
  readonly pts: (number | null)[] = [];
  analyzeFrame(frame: VideoFilterFrame): void {
    this.firstSamples.push(frame.data[0]);
    this.pts.push(frame.pts);
  }
}
registerElement(Counter);

function frames(command: string): Promise<VideoFrame[]> {
  return collect(track(new GstVideoSource(command)).startup(), 10_000, command);
}

test('a property set in the launch description reaches the frame function, and every pixel shows it', async () => {
  const got = await frames('videotestsrc num-buffers=3 ! video/x-raw,format=RGB,width=32,height=24 ! test_fill level=200 ! appsink');
  assert.is(got.length, 3);
  for (const frame of got) {
    assert.equal(frame.shape, [24, 32, 3]);
    assert.ok(
      frame.data.every((v) => v === 200),
      'every sample is 200',
    );
  }
});

test('the default applies without the property; GRAY8 works as listed in formats', async () => {
  const [frame] = await frames('videotestsrc num-buffers=1 ! video/x-raw,format=GRAY8,width=16,height=8 ! test_fill ! appsink');
  assert.ok(frame.data.every((v) => v === 255));
});

test('properties through the TypeScript instance and through the node-gtk wrapper are the same GObject property', () => {
  const pipeline = track(new GstPipeline('videotestsrc ! test_fill name=f ! fakesink'));
  const element = pipeline.getByName('f')!;
  const fill = Fill.from(element);
  assert.ok(fill instanceof Fill);
  assert.is(Fill.from(element), fill, 'one instance per element');
  fill.level = 3;
  assert.is((element as unknown as { level: number }).level, 3);
  (element as unknown as { level: number }).level = 9;
  assert.is(fill.level, 9);
  assert.throws(
    () => (fill.level = 256),
    (e: unknown) => e instanceof RangeError && /out of range \[0, 255\]/.test(e.message),
  );
  assert.throws(() => (fill.level = 1.5), TypeError);
  assert.is(fill.level, 9, 'a refused value changes nothing');
  assert.throws(() => RowIndex.from(element), TypeError);
  assert.throws(() => Fill.from(pipeline.getByName('fakesink0')!), TypeError);
});

test('a value set from JS before PLAYING is what the frames get', async () => {
  const source = track(
    new GstVideoSource('videotestsrc num-buffers=2 ! video/x-raw,format=GRAY8,width=8,height=8 ! test_fill name=f ! appsink', {
      beforePlaying: (p) => {
        Fill.from(p.getByName('f')!).level = 42;
      },
    }),
  ).startup();
  const frame = await within(source.pop(), 10_000, 'first frame');
  assert.ok(frame!.data.every((v) => v === 42));
});

test('padded rows: strides[0] is the padded row, and writes that follow it land on each row', async () => {
  // RGB at width 5 has 15 bytes of pixels and rows of 16.
  const [frame] = await frames('videotestsrc num-buffers=1 ! video/x-raw,format=RGB,width=5,height=4 ! test_row_index ! appsink');
  assert.equal(frame.shape, [4, 5, 3]);
  for (let y = 0; y < 4; y++)
    assert.ok(
      frame.data.subarray(y * 15, (y + 1) * 15).every((v) => v === y),
      `row ${y}`,
    );
});

test('a throw in the frame function fails the pipeline with its message, and the process goes on', async () => {
  const pipeline = track(
    new GstPipeline('videotestsrc num-buffers=10 ! video/x-raw,format=GRAY8,width=8,height=8 ! test_thrower name=t after=2 ! fakesink'),
  ).startup();
  const error = await rejectionOf(pipeline.done, 10_000, 'done');
  assert.instance(error, GstPipelineError);
  assert.match((error as GstPipelineError).message, /t: RangeError: frame function gave up/);
  assert.is((error as GstPipelineError).source, 't');
  assert.ok((error as GstPipelineError).cause instanceof RangeError, 'the throw is the cause');
  // The next pipeline with the same element runs.
  const [frame] = await frames('videotestsrc num-buffers=1 ! video/x-raw,format=GRAY8,width=8,height=8 ! test_fill level=1 ! appsink');
  assert.is(frame.data[0], 1);
});

test('an analyzer reads every frame with its timestamps and lets it through unchanged', async () => {
  const source = track(
    new GstVideoSource(
      'videotestsrc num-buffers=4 pattern=white ! video/x-raw,format=GRAY8,width=8,height=8,framerate=10/1 ! test_counter name=c label=x gain=0.5 ! appsink',
    ),
  );
  const counter = Counter.from(source.getByName('c')!);
  assert.is(counter.label, 'x');
  assert.is(counter.gain, 0.5);
  assert.is(counter.enabled, true);
  assert.throws(() => (counter.gain = 3), RangeError);
  source.startup();
  const out: VideoFrame[] = [];
  for await (const frame of source) out.push(frame);
  assert.equal(counter.pts, [0, 100_000_000, 200_000_000, 300_000_000]);
  assert.equal(counter.firstSamples, [235, 235, 235, 235]);
  assert.ok(out.every((f) => f.data.every((v) => v === 235)));
});

test('the frame memory is detached after the call: a kept view is empty, never dangling', async () => {
  const kept: VideoFilterFrame[] = [];
  class Keeper extends GstVideoAnalyzer {
    static elementName = 'test_keeper';
    static formats = ['GRAY8'];
    analyzeFrame(frame: VideoFilterFrame): void {
      assert.is(frame.data.length, 64);
      kept.push(frame);
    }
  }
  registerElement(Keeper);
  await frames('videotestsrc num-buffers=2 ! video/x-raw,format=GRAY8,width=8,height=8 ! test_keeper ! appsink');
  assert.is(kept.length, 2);
  assert.ok(kept.every((f) => f.data.length === 0));
});

test('metadata reaches the factory; bad classes and a second registration are refused', () => {
  const factory = Gst.ElementFactory.find('test_fill')!;
  assert.is(factory.getMetadata('long-name'), 'Test fill');
  assert.is(factory.getMetadata('klass'), 'Filter/Effect/Video');
  assert.is(factory.getMetadata('description'), 'fills frames');
  assert.throws(() => registerElement(Fill), /registered already/);
  assert.throws(() => new Fill(), TypeError);
  class Clash extends GstVideoFilter {
    static elementName = 'test_fill';
    static formats = ['RGB'];
    transformFrameIp(): void {}
  }
  assert.throws(() => registerElement(Clash), /registered already/);
  class BadFormat extends GstVideoFilter {
    static elementName = 'test_bad_format';
    static formats = ['NOPE'];
    transformFrameIp(): void {}
  }
  assert.throws(
    () => registerElement(BadFormat),
    (e: unknown) => e instanceof TypeError && /unknown video format NOPE/.test(e.message),
  );
  class BadRange extends GstVideoFilter {
    static elementName = 'test_bad_range';
    static formats = ['RGB'];
    static properties = { x: { type: 'int', minimum: 5, maximum: 1 } } as const;
    transformFrameIp(): void {}
  }
  assert.throws(() => registerElement(BadRange), RangeError);
  assert.not.ok(Gst.ElementFactory.find('test_bad_range'), 'nothing registered for a refused class');
});

test('a frame function may return a promise (test/element-async.test.ts has the rest)', async () => {
  class Later extends GstVideoFilter {
    static elementName = 'test_later';
    static formats = ['GRAY8'];
    async transformFrameIp(): Promise<void> {}
  }
  registerElement(Later);
  const pipeline = track(
    new GstPipeline('videotestsrc num-buffers=2 ! video/x-raw,format=GRAY8,width=8,height=8 ! test_later ! fakesink'),
  ).startup();
  await within(pipeline.done, 10_000, 'done');
});

test('stopping a pipeline while frames wait for the JS thread ends cleanly', async () => {
  const pipeline = track(
    new GstPipeline('videotestsrc is-live=false ! video/x-raw,format=GRAY8,width=8,height=8 ! test_fill ! fakesink sync=false'),
  ).startup();
  await within(reachesState(pipeline, Gst.State.PLAYING), 5_000, 'PLAYING');
  await within(pipeline.shutdown(), 5_000, 'shutdown');
  assert.ok(pipeline.isDone);
});

class Halve extends GstVideoTransform {
  static elementName = 'test_halve';
  static formats = ['GRAY8'];
  static properties = { fail: { type: 'boolean', default: false } } as const;
  declare fail: boolean;
  outputSize(width: number, height: number): [number, number] {
    if (this.fail) throw new RangeError('no size for you');
    return [Math.ceil(width / 2), height];
  }
  transformFrame(input: VideoFilterFrame, output: VideoFilterFrame): void {
    for (let y = 0; y < output.height; y++)
      for (let x = 0; x < output.width; x++) output.data[y * output.strides[0] + x] = input.data[y * input.strides[0] + 2 * x];
  }
}
registerElement(Halve);

test('a transform changes the frame size: outputSize negotiates it, transformFrame fills the new frame', async () => {
  const [input] = await frames('videotestsrc num-buffers=1 pattern=colors ! video/x-raw,format=GRAY8,width=9,height=3 ! appsink');
  const [got] = await frames(
    'videotestsrc num-buffers=1 pattern=colors ! video/x-raw,format=GRAY8,width=9,height=3 ! test_halve ! appsink',
  );
  assert.equal(got.shape, [3, 5]);
  for (let y = 0; y < 3; y++) for (let x = 0; x < 5; x++) assert.is(got.data[y * 5 + x], input.data[y * 9 + 2 * x], `[${y}, ${x}]`);
});

test('a throw in outputSize fails negotiation: a typed error at parse (linking) or on the bus, and the process lives', async () => {
  assert.throws(
    () => new GstPipeline('videotestsrc ! video/x-raw,format=GRAY8,width=8,height=8 ! test_halve fail=true ! fakesink'),
    (e: unknown) => e instanceof GstParseError && /could not link/.test(e.message),
  );
  const warnings: string[] = [];
  const pipeline = track(
    new GstPipeline('videotestsrc num-buffers=1 ! video/x-raw,format=GRAY8,width=8,height=8 ! test_halve name=h ! fakesink', {
      beforePlaying: (p) => {
        Halve.from(p.getByName('h')!).fail = true;
      },
      onWarning: (w) => warnings.push(w.message),
    }),
  ).startup();
  const error = await rejectionOf(pipeline.done, 10_000, 'done');
  assert.instance(error, GstPipelineError);
  assert.match(String((error as GstPipelineError).debug), /not-negotiated/);
  assert.ok(
    warnings.some((w) => /RangeError: no size for you/.test(w)),
    `warnings: ${warnings.join(' | ')}`,
  );
});

test('process.exit() while frames wait for the JS thread exits with its code (no hang)', async () => {
  const script = `
    const { GstPipeline, GstVideoFilter, registerElement } = require(${JSON.stringify(SRC)});
    class Exit extends GstVideoFilter {
      transformFrameIp() { if (++this.n === 20) setImmediate(() => process.exit(3)); }
    }
    Exit.prototype.n = 0;
    Exit.elementName = 'exit_test';
    Exit.formats = ['GRAY8'];
    registerElement(Exit);
    new GstPipeline('videotestsrc ! video/x-raw,format=GRAY8,width=8,height=8 ! exit_test ! queue ! fakesink sync=false').startup();
  `;
  const exit = await runScript(script, { timeoutMs: 20_000, what: 'process.exit mid-stream' });
  assert.is(exit.code, 3, exit.stderr);
});

test.run();
