/**
 * src/meta.ts: object-detection metadata on buffers. gstreamer-python's test_metadata first, then
 * what its version gets wrong or leaves out: class names of any length and any UTF-8, replacing
 * instead of appending, copies, shared buffers, validation, and the meta travelling through a
 * real pipeline (queue, tee, videoconvert) to the appsink.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Gst,
  GstApp,
  GstError,
  gstBufferView,
  gstMetaGet,
  gstMetaRemove,
  gstMetaWrite,
  GstPipeline,
  GstVideoSource,
  typedArrayToGstBuffer,
  type ObjectInfo,
  type ObjectInfoInit,
} from '../src';
import { pipelinesStoppedAfterEach, within } from './helpers/support';

const track = pipelinesStoppedAfterEach(test);

/** A small buffer of our own (one reference: writable). */
function ownBuffer(): Gst.Buffer {
  return typedArrayToGstBuffer(new Uint8Array(16));
}

const PERSONS: ObjectInfoInit[] = [
  { className: 'person', boundingBox: [8, 10, 100, 100], confidence: 0.6, trackId: 1 },
  { className: 'person', boundingBox: [10, 9, 120, 110], confidence: 0.67, trackId: 2 },
];

test("gstreamer-python's test_metadata: none at first, write, read back, remove", () => {
  const [height, width] = [1080, 1920];
  const pixels = new Uint8Array(height * width * 3);
  for (let i = 0; i < pixels.length; i += 4096) pixels[i] = (i * 31) & 255;
  const buffer = typedArrayToGstBuffer({ data: pixels, shape: [height, width, 3] });

  assert.equal(gstMetaGet(buffer), []);
  gstMetaWrite(buffer, PERSONS);
  const objects = gstMetaGet(buffer);
  assert.is(objects.length, PERSONS.length);
  // Python compares confidences with isclose (it stores float32); here they come back exactly.
  objects.forEach((object, i) => assert.equal(object, PERSONS[i]));
  assert.is(gstMetaRemove(buffer), true);
  assert.equal(gstMetaGet(buffer), []);
});

test('gstMetaRemove says whether there was something to remove', () => {
  const buffer = ownBuffer();
  assert.is(gstMetaRemove(buffer), false);
  gstMetaWrite(buffer, []);
  assert.is(gstMetaRemove(buffer), true, 'an empty list is metadata too');
  assert.is(gstMetaRemove(buffer), false);
});

test('gstMetaWrite replaces the objects a buffer carries (never appends); [] keeps an empty list', () => {
  const buffer = ownBuffer();
  gstMetaWrite(buffer, PERSONS);
  gstMetaWrite(buffer, [{ className: 'cat', boundingBox: [1, 2, 3, 4], confidence: 0.9 }]);
  assert.equal(gstMetaGet(buffer), [{ className: 'cat', boundingBox: [1, 2, 3, 4], confidence: 0.9, trackId: 0 }]);
  gstMetaWrite(buffer, []);
  assert.equal(gstMetaGet(buffer), []);
});

test('class names of any length and any UTF-8 come back as written (gstreamer-python issue 23)', () => {
  const names = [
    '',
    'a',
    'person',
    'x'.repeat(1 << 20),
    'chat 🐈‍⬛ und Käfer, 猫, кошка, قطة',
    'e\u0301 (a combining accent), \u{10FFFF}',
    'with\u0000a NUL byte',
  ];
  const buffer = ownBuffer();
  gstMetaWrite(
    buffer,
    names.map((className, i) => ({ className, boundingBox: [i, -i, i * 2, 0], confidence: -i / 3, trackId: -i })),
  );
  const objects = gstMetaGet(buffer);
  assert.is(objects.length, names.length);
  objects.forEach((object, i) => {
    if (object.className !== names[i]) assert.unreachable(`class name ${i} came back as ${JSON.stringify(object.className.slice(0, 80))}`);
    assert.equal(object.boundingBox, [i, -i, i * 2, 0]);
    assert.is(object.confidence, -i / 3);
    assert.is(object.trackId, -i);
  });
});

test('any number of objects: 20,000 written and read back in order', () => {
  const many = Array.from({ length: 20_000 }, (_, i) => ({
    className: `class ${i % 97}`,
    boundingBox: [i, i + 0.5, 3, 4] as const,
    confidence: i / 20_000,
    trackId: Number.MAX_SAFE_INTEGER - i,
  }));
  const buffer = ownBuffer();
  gstMetaWrite(buffer, many);
  const objects = gstMetaGet(buffer);
  assert.is(objects.length, many.length);
  for (let i = 0; i < many.length; i++) {
    const [a, b] = [objects[i], many[i]];
    if (a.className !== b.className || a.boundingBox[1] !== b.boundingBox[1] || a.confidence !== b.confidence || a.trackId !== b.trackId)
      assert.unreachable(`object ${i}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`);
  }
});

test('what gstMetaGet returns is a copy: changing it (or the written objects) changes nothing on the buffer', () => {
  const buffer = ownBuffer();
  const written = [{ className: 'dog', boundingBox: [1, 2, 3, 4] as [number, number, number, number], confidence: 0.5 }];
  gstMetaWrite(buffer, written);
  written[0].boundingBox[0] = 99;
  const read = gstMetaGet(buffer) as ObjectInfo[];
  (read[0].boundingBox as unknown as number[])[1] = 99;
  read.pop();
  assert.equal(gstMetaGet(buffer), [{ className: 'dog', boundingBox: [1, 2, 3, 4], confidence: 0.5, trackId: 0 }]);
});

test('copies of a buffer carry its objects (the meta transform), each copy its own list', () => {
  const buffer = ownBuffer();
  gstMetaWrite(buffer, PERSONS);
  const deep = buffer.copyDeep()!;
  const { FLAGS, TIMESTAMPS, META, MEMORY } = Gst.BufferCopyFlags;
  const region = buffer.copyRegion(FLAGS | TIMESTAMPS | META | MEMORY, 4, 8)!;
  const noMeta = buffer.copyRegion(FLAGS | TIMESTAMPS | MEMORY, 0, -1)!;
  assert.equal(gstMetaGet(deep), gstMetaGet(buffer));
  assert.equal(gstMetaGet(region), gstMetaGet(buffer));
  assert.equal(gstMetaGet(noMeta), [], 'a copy without META carries none');
  gstMetaWrite(deep, []);
  assert.is(gstMetaGet(buffer).length, 2, 'the original keeps its objects');
  // What gstMetaGet returns is what gstMetaWrite takes.
  gstMetaWrite(deep, gstMetaGet(region));
  assert.equal(gstMetaGet(deep), gstMetaGet(buffer));
});

test('a shared buffer is refused with a GstError and left unchanged; once it is ours again, it is writable', () => {
  const buffer = ownBuffer();
  gstMetaWrite(buffer, PERSONS);
  const view = gstBufferView(buffer); // holds a reference of its own until released
  const refused = (fn: () => unknown): void =>
    assert.throws(fn, (error: unknown) => error instanceof GstError && /not writable/.test(error.message));
  refused(() => gstMetaWrite(buffer, []));
  refused(() => gstMetaRemove(buffer));
  assert.equal(gstMetaGet(buffer), gstMetaGet(buffer.copyDeep()!), 'reading a shared buffer is fine');
  assert.is(gstMetaGet(buffer).length, 2);
  view.release();
  gstMetaWrite(buffer, []);
  assert.equal(gstMetaGet(buffer), []);

  // A buffer held by a sample (as an appsink's samples hold theirs).
  const held = ownBuffer();
  const sample = Gst.Sample.new(held, null, null, null);
  refused(() => gstMetaWrite(held, PERSONS));
  assert.is(gstMetaRemove(held), false, 'nothing to remove needs no write');
  assert.ok(sample.getBuffer());
});

test('bad objects: TypeError or RangeError naming the field and the value; nothing written', () => {
  const good = PERSONS[0];
  const cases: Array<[unknown, ErrorConstructor, RegExp]> = [
    [null, TypeError, /objects must be an array, got null/],
    [good, TypeError, /objects must be an array, got Object/],
    [[42], TypeError, /objects\[0\] must be an object, got 42/],
    // biome-ignore lint/suspicious/noSparseArray: a hole, which the check must name like undefined
    [[good, , good], TypeError, /objects\[1\] must be an object, got undefined/],
    [
      [good, { ...good, boundingBox: [1, 2, 3] }],
      TypeError,
      /objects\[1\]\.boundingBox must be \[x, y, width, height\], got an array of length 3/,
    ],
    [[{ ...good, boundingBox: undefined }], TypeError, /objects\[0\]\.boundingBox must be .*got undefined/],
    [[{ ...good, boundingBox: [1, '2', 3, 4] }], TypeError, /boundingBox\[1\] \(y\) must be a number, got "2"/],
    [[{ ...good, boundingBox: [NaN, 2, 3, 4] }], RangeError, /boundingBox\[0\] \(x\) must be a finite number, got NaN/],
    [[{ ...good, boundingBox: [1, 2, -3, 4] }], RangeError, /boundingBox\[2\] \(width\) must be >= 0, got -3/],
    [[{ ...good, boundingBox: [1, 2, 3, Infinity] }], RangeError, /boundingBox\[3\] \(height\) must be a finite number, got Infinity/],
    [[{ ...good, confidence: '0.5' }], TypeError, /objects\[0\]\.confidence must be a number, got "0.5"/],
    [[{ ...good, confidence: NaN }], RangeError, /objects\[0\]\.confidence must be a finite number, got NaN/],
    [[{ ...good, className: 7 }], TypeError, /objects\[0\]\.className must be a string, got 7/],
    [[{ ...good, className: undefined }], TypeError, /objects\[0\]\.className must be a string, got undefined/],
    [[{ ...good, className: 'bad \ud800 half' }], RangeError, /objects\[0\]\.className must be well-formed Unicode/],
    [[{ ...good, trackId: 1.5 }], RangeError, /objects\[0\]\.trackId must be a safe integer, got 1.5/],
    [[{ ...good, trackId: 2 ** 53 }], RangeError, /objects\[0\]\.trackId must be a safe integer, got 9007199254740992/],
    [[{ ...good, trackId: 3n }], TypeError, /objects\[0\]\.trackId must be an integer, got 3n/],
  ];
  const buffer = ownBuffer();
  gstMetaWrite(buffer, [good]);
  for (const [objects, ErrorType, message] of cases) {
    assert.throws(
      () => gstMetaWrite(buffer, objects as ObjectInfoInit[]),
      (error: unknown) => error instanceof ErrorType && message.test(error.message),
      `${JSON.stringify(objects, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))} -> ${ErrorType.name} ${message}`,
    );
  }
  assert.equal(gstMetaGet(buffer), [{ ...good }], 'the failed writes left the objects alone');
});

test('values in messages: long strings cut at 40 characters, bigints with n, arrays by length, objects by class', () => {
  const buffer = ownBuffer();
  const good = PERSONS[0];
  const forty = `${'a'.repeat(39)}\ud800`;
  const cases: Array<[unknown, ErrorConstructor, string]> = [
    [Object.create(null), TypeError, 'gstMetaWrite: objects must be an array, got an object'],
    [new Map(), TypeError, 'gstMetaWrite: objects must be an array, got Map'],
    ['objects', TypeError, 'gstMetaWrite: objects must be an array, got "objects"'],
    [5n, TypeError, 'gstMetaWrite: objects must be an array, got 5n'],
    [[null], TypeError, 'objects[0] must be an object, got null'],
    [[{ ...good, boundingBox: { length: 4 } }], TypeError, 'objects[0].boundingBox must be [x, y, width, height], got Object'],
    [[{ ...good, trackId: null }], TypeError, 'objects[0].trackId must be an integer, got null'],
    [
      [{ ...good, className: forty }],
      RangeError,
      `objects[0].className must be well-formed Unicode (it holds a lone surrogate), got ${JSON.stringify(forty)}`,
    ],
    [
      [{ ...good, className: `${forty}b` }],
      RangeError,
      `objects[0].className must be well-formed Unicode (it holds a lone surrogate), got ${JSON.stringify(`${forty}...`)}`,
    ],
  ];
  for (const [objects, ErrorType, message] of cases)
    assert.throws(
      () => gstMetaWrite(buffer, objects as ObjectInfoInit[]),
      (error: unknown) => error instanceof ErrorType && error.message === message,
      `${ErrorType.name}: ${message}`,
    );
  assert.equal(gstMetaGet(buffer), []);
});

test('a shared buffer: the GstError says why and what to do, for gstMetaWrite and gstMetaRemove', () => {
  const buffer = ownBuffer();
  gstMetaWrite(buffer, PERSONS);
  const view = gstBufferView(buffer);
  try {
    for (const [fn, run] of [
      ['gstMetaWrite', () => gstMetaWrite(buffer, [])],
      ['gstMetaRemove', () => gstMetaRemove(buffer)],
    ] as const)
      assert.throws(
        run,
        (error: unknown) =>
          error instanceof GstError &&
          error.message ===
            `${fn}: the Gst.Buffer is not writable (another reference holds it, e.g. a queue, a sample or a view): ` +
              'write metadata where the buffer is yours, such as in a pad probe, or on a copy (buffer.copyDeep())',
        fn,
      );
  } finally {
    view.release();
  }
  assert.is(gstMetaGet(buffer).length, 2);
});

test('not a Gst.Buffer: a TypeError from each function', () => {
  const caps = Gst.Caps.fromString('video/x-raw');
  for (const value of [undefined, {}, caps]) {
    assert.throws(
      () => gstMetaGet(value as unknown as Gst.Buffer),
      (e: unknown) => e instanceof TypeError && /gstMetaGet: expected a Gst.Buffer/.test(e.message),
    );
    assert.throws(
      () => gstMetaWrite(value as unknown as Gst.Buffer, []),
      (e: unknown) => e instanceof TypeError && /gstMetaWrite/.test(e.message),
    );
    assert.throws(
      () => gstMetaRemove(value as unknown as Gst.Buffer),
      (e: unknown) => e instanceof TypeError && /gstMetaRemove/.test(e.message),
    );
  }
});

/** The objects the probe writes on frame `n`. */
function objectsOfFrame(n: number): ObjectInfoInit[] {
  return Array.from({ length: n + 1 }, (_, i) => ({
    className: `person ${n}.${i} 🙂`,
    boundingBox: [n, i, 10 + n, 20 + i],
    confidence: (i + 1) / (n + 2),
    trackId: n * 100 + i,
  }));
}

interface Received {
  offset: number;
  /** the caps at the appsink */
  format: string;
  width: number;
  objects: readonly ObjectInfo[];
}

/**
 * Runs `videotestsrc ! RGB 64x48 ! identity name=tag ! <tail>` (tail ends in an appsink named
 * sink) for `frames` frames: a probe on tag's src pad writes objectsOfFrame(offset) on each
 * buffer, the appsink reads them back the tutorial's way (new-sample, pull-sample).
 */
async function tagAndReceive(
  tail: string,
  frames: number,
): Promise<{ written: Array<number | Error>; stale: number[]; received: Received[] }> {
  const pipeline = track(
    new GstPipeline(
      `videotestsrc name=src num-buffers=${frames} ! video/x-raw,format=RGB,width=64,height=48 ! identity name=tag ! ${tail}`,
    ),
  );
  // Pooled buffers come back to videotestsrc without the meta (the pool drops it on release).
  const stale: number[] = [];
  pipeline
    .getByName('src')!
    .getStaticPad('src')!
    .addProbe(Gst.PadProbeType.BUFFER, (_pad, info) => {
      const buffer = info.getBuffer();
      if (buffer && gstMetaGet(buffer).length > 0) stale.push(Number(buffer.offset));
      return Gst.PadProbeReturn.OK;
    });
  const written: Array<number | Error> = [];
  pipeline
    .getByName('tag')!
    .getStaticPad('src')!
    .addProbe(Gst.PadProbeType.BUFFER, (_pad, info) => {
      const buffer = info.getBuffer();
      if (!buffer) return Gst.PadProbeReturn.OK;
      try {
        gstMetaWrite(buffer, objectsOfFrame(Number(buffer.offset)));
        written.push(Number(buffer.offset));
      } catch (error) {
        written.push(error instanceof Error ? error : new Error(String(error)));
      }
      return Gst.PadProbeReturn.OK;
    });
  const sink = pipeline.getByName('sink', GstApp.AppSink)!;
  const received: Received[] = [];
  sink.connect('new-sample', () => {
    const sample = sink.emit('pull-sample');
    if (!sample) return Gst.FlowReturn.ERROR;
    const buffer = sample.getBuffer()!;
    const structure = sample.getCaps()!.getStructure(0)!;
    received.push({
      offset: Number(buffer.offset),
      format: structure.getString('format') ?? '',
      width: structure.getInt('width')[1],
      objects: gstMetaGet(buffer),
    });
    return Gst.FlowReturn.OK;
  });
  pipeline.startup();
  await within(pipeline.done, 10_000, `the metadata pipeline ... ! ${tail}`);
  return { written, stale, received };
}

test('written in a pad probe, read at the appsink after queue ! tee ! queue ! videoconvert (a converted buffer)', async () => {
  const frames = 8;
  const { written, stale, received } = await tagAndReceive(
    'queue ! tee ! queue ! videoconvert ! video/x-raw,format=I420 ! appsink name=sink emit-signals=true sync=false',
    frames,
  );
  assert.equal(
    written,
    Array.from({ length: frames }, (_, n) => n),
  );
  assert.equal(stale, []);
  assert.is(received.length, frames);
  for (const { offset, format, objects } of received) {
    assert.is(format, 'I420', 'videoconvert made new buffers (not passthrough)');
    assert.equal(objects, objectsOfFrame(offset), `frame ${offset}`);
  }
});

test('videoscale copies the objects unchanged: boxes stay in the pixels of the frame they were written on', async () => {
  const { received } = await tagAndReceive(
    'videoscale ! video/x-raw,width=32,height=24 ! appsink name=sink emit-signals=true sync=false',
    2,
  );
  assert.equal(
    received.map(({ width, objects }) => [width, objects]),
    [0, 1].map((n) => [32, objectsOfFrame(n)]),
  );
});

test('GstVideoSource frames carry the objects as frame.objects (undefined where none were written), copied or zero-copy', async () => {
  for (const zeroCopy of [false, true]) {
    const source = track(
      new GstVideoSource(
        'videotestsrc num-buffers=6 ! video/x-raw,format=GRAY8,width=16,height=16 ! identity name=tag ! queue ! videoconvert ! ' +
          'video/x-raw,format=RGB ! appsink sync=false',
        { zeroCopy },
      ),
    );
    source
      .getByName('tag')!
      .getStaticPad('src')!
      .addProbe(Gst.PadProbeType.BUFFER, (_pad, info) => {
        const buffer = info.getBuffer();
        const n = Number(buffer?.offset);
        if (buffer && n % 2 === 1) gstMetaWrite(buffer, objectsOfFrame(n));
        return Gst.PadProbeReturn.OK;
      });
    source.startup();
    const seen: Array<[number | null, readonly ObjectInfo[] | undefined]> = [];
    const drain = async (): Promise<void> => {
      for await (const frame of source) seen.push([frame.offset, frame.objects]);
    };
    await within(drain(), 10_000, `frames of the source (zeroCopy ${zeroCopy})`);
    assert.equal(
      seen,
      Array.from({ length: 6 }, (_, n) => [n, n % 2 === 1 ? objectsOfFrame(n) : undefined]),
      `zeroCopy ${zeroCopy}`,
    );
  }
});

test.run();
