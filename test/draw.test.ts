/**
 * src/draw.ts and the tsdrawobjects element (src/element/draw-objects.ts): objects drawn on
 * frames. Exact pixels on frames built by hand (edges, interior, clipping, padded rows, labels,
 * every format's byte order), bad input, and real pipelines.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  classColor,
  drawObjects,
  GLib,
  gi,
  Gst,
  gstAnalyticsAvailable,
  GstVideoAnalyzer,
  GstVideoSource,
  gstMetaWrite,
  labelSize,
  objectLabel,
  registerElement,
  TsDrawObjects,
  type DrawTarget,
  type ObjectInfoInit,
  type Rgb,
  type VideoFilterFrame,
  type VideoFrame,
} from '../src';
import { pipelinesStoppedAfterEach, within } from './helpers/support';

const track = pipelinesStoppedAfterEach(test);

/** A tight RGB frame of `width` x `height`, every byte `fill`. */
function rgbFrame(width: number, height: number, fill = 0): DrawTarget & { data: Uint8Array } {
  return { data: new Uint8Array(width * height * 3).fill(fill), format: 'RGB', width, height };
}

function pixel(frame: DrawTarget & { data: Uint8Array }, x: number, y: number, stride = frame.width * 3): number[] {
  const p = y * stride + x * 3;
  return [frame.data[p], frame.data[p + 1], frame.data[p + 2]];
}

const RED: Rgb = [200, 10, 20];
const box = (x: number, y: number, w: number, h: number, extra: Partial<ObjectInfoInit> = {}): ObjectInfoInit => ({
  boundingBox: [x, y, w, h],
  confidence: 0.5,
  className: 'thing',
  ...extra,
});

/** Every pixel of the frame is `inside(x, y) ? color : background`. */
function assertPixels(
  frame: DrawTarget & { data: Uint8Array },
  inside: (x: number, y: number) => boolean,
  color: Rgb,
  background: number[],
  stride?: number,
): void {
  for (let y = 0; y < frame.height; y++)
    for (let x = 0; x < frame.width; x++) {
      const expected = inside(x, y) ? [...color] : background;
      const got = pixel(frame, x, y, stride);
      if (got.join() !== expected.join()) assert.unreachable(`pixel (${x}, ${y}) is [${got}], expected [${expected}]`);
    }
}

test('a box outline has the colour on its edges (thickness inside the box); the interior and the rest are untouched', () => {
  const frame = rgbFrame(20, 16, 7);
  drawObjects(frame, [box(4, 5, 8, 6)], { color: RED, thickness: 1, labels: false });
  // box covers x 4..11, y 5..10
  const edge = (x: number, y: number) => x >= 4 && x <= 11 && y >= 5 && y <= 10 && (x === 4 || x === 11 || y === 5 || y === 10);
  assertPixels(frame, edge, RED, [7, 7, 7]);

  const thick = rgbFrame(20, 16, 7);
  drawObjects(thick, [box(2.4, 3.6, 10, 9)], { color: RED, thickness: 3, labels: false }); // rounds to x 2..11, y 4..12
  const ring = (x: number, y: number) => x >= 2 && x <= 11 && y >= 4 && y <= 12 && (x < 5 || x > 8 || y < 7 || y > 9);
  assertPixels(thick, ring, RED, [7, 7, 7]);
});

test('boxes partly off the frame are clipped (negative x/y); boxes wholly off it draw nothing', () => {
  const frame = rgbFrame(10, 8);
  drawObjects(frame, [box(-3, -2, 8, 6), box(7, 5, 10, 10), box(-20, 0, 5, 5), box(0, 30, 5, 5)], {
    color: RED,
    thickness: 1,
    labels: false,
  });
  const first = (x: number, y: number) => (x === 4 && y <= 3) || (y === 3 && x <= 4);
  const second = (x: number, y: number) => (x === 7 && y >= 5) || (y === 5 && x >= 7);
  assertPixels(frame, (x, y) => first(x, y) || second(x, y), RED, [0, 0, 0]);
});

test('padded rows: the stride of planes (or of element strides) is honoured and the padding untouched', () => {
  // 5 RGB pixels (15 bytes) in rows of 16, as GStreamer pads RGB rows to 4 bytes
  const stride = 16;
  for (const shape of ['planes', 'strides'] as const) {
    const data = new Uint8Array(stride * 4).fill(0xaa);
    const frame =
      shape === 'planes'
        ? { data, format: 'RGB', width: 5, height: 4, planes: [{ offset: 0, stride, rowBytes: 15, rows: 4 }] }
        : { data, format: 'RGB', width: 5, height: 4, strides: [stride, 3, 1] };
    drawObjects(frame, [box(0, 0, 5, 4)], { color: RED, thickness: 1, labels: false });
    for (let y = 0; y < 4; y++) {
      assert.is(data[y * stride + 15], 0xaa, `${shape}: padding byte of row ${y}`);
      for (let x = 0; x < 5; x++) {
        const onEdge = x === 0 || x === 4 || y === 0 || y === 3;
        assert.equal(pixel({ ...frame, data }, x, y, stride), onEdge ? [...RED] : [0xaa, 0xaa, 0xaa], `${shape}: pixel (${x}, ${y})`);
      }
    }
  }
});

test('the label: a filled background of the box colour right above the box, text in black or white; inside the box at the top edge', () => {
  const scale = 1;
  const frame = rgbFrame(60, 40);
  const object = box(10, 20, 30, 15, { className: 'I', confidence: 0.25, trackId: 0 });
  drawObjects(frame, [object], { thickness: 1, fontScale: scale, showConfidence: false });
  const color = classColor('I');
  const { width, height } = labelSize('I', scale);
  assert.equal([width, height], [7, 9]);
  // background: rows 11..19 above the box (y 20), x 10..16; its margin is the colour
  for (let x = 10; x < 17; x++) assert.equal(pixel(frame, x, 11), [...color], `label top row at x ${x}`);
  assert.equal(pixel(frame, 10, 19), [...color], 'label bottom-left corner');
  assert.equal(pixel(frame, 9, 15), [0, 0, 0], 'nothing left of the label');
  assert.equal(pixel(frame, 17, 15), [0, 0, 0], 'nothing right of the label');
  assert.equal(pixel(frame, 12, 10), [0, 0, 0], 'nothing above the label');
  // the glyph 'I' (.###. on its first row) at x 11..15, y 12..18: ink is black or white by the colour's luma
  const luma = 0.299 * color[0] + 0.587 * color[1] + 0.114 * color[2];
  const ink = luma >= 128 ? [0, 0, 0] : [255, 255, 255];
  assert.equal(pixel(frame, 11, 12), [...color], 'glyph row 0, column 0 is blank');
  for (let x = 12; x <= 14; x++) assert.equal(pixel(frame, x, 12), ink, `glyph row 0, column ${x - 11}`);
  assert.equal(pixel(frame, 13, 15), ink, "the stem of 'I'");
  assert.equal(pixel(frame, 12, 15), [...color], "beside the stem of 'I'");

  // at the top edge: the label goes inside the box, from its top row
  const top = rgbFrame(60, 40);
  drawObjects(top, [box(10, 2, 30, 20, { className: 'I' })], { thickness: 1, fontScale: 2, showConfidence: false });
  for (let x = 10; x < 10 + labelSize('I', 2).width; x++) assert.equal(pixel(top, x, 2), [...color], `label inside the box, row 2, x ${x}`);
  assert.equal(pixel(top, 10 + labelSize('I', 2).width + 1, 3), [0, 0, 0], 'right of the label, inside the box');
  assert.equal(pixel(top, 12, 1), [0, 0, 0], 'nothing above the box');
});

test('label text: class name, confidence with two decimals (optional), track id when not 0; colours stable per class', () => {
  assert.is(objectLabel({ className: 'car', confidence: 0.876, trackId: 3 }), 'car 0.88 #3');
  assert.is(objectLabel({ className: 'car', confidence: 0.876, trackId: 0 }), 'car 0.88');
  assert.is(objectLabel({ className: 'car', confidence: 0.876 }, false), 'car');
  assert.equal(classColor('person'), classColor('person'));
  assert.ok(
    ['person', 'car', 'dog', 'cat', 'bus'].some((name) => classColor(name).join() !== classColor('person').join()),
    'classes differ in colour',
  );
});

/** Byte of R, G, B and alpha (-1: none) in each packed format's pixel, and its size, as GStreamer defines them. */
const ORDER: Record<string, [number, number, number, number, number]> = {
  RGB: [0, 1, 2, -1, 3],
  BGR: [2, 1, 0, -1, 3],
  RGBA: [0, 1, 2, 3, 4],
  BGRA: [2, 1, 0, 3, 4],
  RGBx: [0, 1, 2, -1, 4],
  BGRx: [2, 1, 0, -1, 4],
  ARGB: [1, 2, 3, 0, 4],
  ABGR: [3, 2, 1, 0, 4],
  xRGB: [1, 2, 3, -1, 4],
  xBGR: [3, 2, 1, -1, 4],
};

test('every packed format: R, G, B in their bytes, alpha opaque, x bytes untouched', () => {
  for (const [format, [r, g, b, a, size]] of Object.entries(ORDER)) {
    const data = new Uint8Array(4 * 4 * size).fill(9);
    drawObjects({ data, format, width: 4, height: 4 }, [box(0, 0, 4, 4)], { color: RED, thickness: 1, labels: false });
    const at = (x: number, y: number) => (y * 4 + x) * size;
    const p = at(0, 0);
    assert.equal([data[p + r], data[p + g], data[p + b]], [...RED], `${format}: colour`);
    for (let i = 0; i < size; i++) if (i !== r && i !== g && i !== b) assert.is(data[p + i], a === i ? 255 : 9, `${format}: byte ${i}`);
    assert.ok(
      data.subarray(at(1, 1), at(3, 1)).every((v) => v === 9),
      `${format}: interior untouched`,
    );
  }
});

/** BT.601 limited-range Y, U, V of a colour. */
function yuvOf([r, g, b]: Rgb): [number, number, number] {
  return [
    Math.round(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255),
    Math.round(128 + (-37.797 * r - 74.203 * g + 112 * b) / 255),
    Math.round(128 + (112 * r - 93.786 * g - 18.214 * b) / 255),
  ];
}

test('GRAY8 gets the luma; I420, YV12 and NV12 get Y on the box and U/V on the 2x2 blocks it touches', () => {
  const gray = new Uint8Array(6 * 4);
  drawObjects({ data: gray, format: 'GRAY8', width: 6, height: 4 }, [box(1, 1, 4, 3)], { color: RED, thickness: 1, labels: false });
  const luma = Math.round(0.299 * RED[0] + 0.587 * RED[1] + 0.114 * RED[2]);
  assert.equal(Array.from(gray), [0, 0, 0, 0, 0, 0, 0, luma, luma, luma, luma, 0, 0, luma, 0, 0, luma, 0, 0, luma, luma, luma, luma, 0]);

  const [y, u, v] = yuvOf(RED);
  // 8x4: Y 32 bytes, chroma 4x2 per plane; a 2x2 box at (2, 0) touches chroma column 1, row 0
  for (const format of ['I420', 'YV12', 'NV12']) {
    const data = new Uint8Array(32 + 16).fill(128);
    drawObjects({ data, format, width: 8, height: 4 }, [box(2, 0, 2, 2)], { color: RED, thickness: 1, labels: false });
    for (let row = 0; row < 4; row++)
      for (let x = 0; x < 8; x++) assert.is(data[row * 8 + x], row < 2 && x >= 2 && x < 4 ? y : 128, `${format}: Y (${x}, ${row})`);
    const chroma = Array.from(data.subarray(32));
    const expected =
      format === 'NV12'
        ? [128, 128, u, v, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128]
        : format === 'I420'
          ? [128, u, 128, 128, 128, 128, 128, 128, 128, v, 128, 128, 128, 128, 128, 128]
          : [128, v, 128, 128, 128, 128, 128, 128, 128, u, 128, 128, 128, 128, 128, 128];
    assert.equal(chroma, expected, `${format}: chroma`);
  }
});

test('bad input: TypeError or RangeError naming the value, and nothing drawn', () => {
  const frame = rgbFrame(8, 8);
  const throwsWith = (fn: () => void, type: ErrorConstructor, pattern: RegExp) => {
    try {
      fn();
    } catch (error) {
      assert.instance(error, type, String(error));
      assert.match((error as Error).message, pattern);
      return;
    }
    assert.unreachable(`expected a ${type.name} matching ${pattern}`);
  };
  throwsWith(() => drawObjects({ ...frame, format: 'GRAY16_LE' }, []), TypeError, /unsupported format "GRAY16_LE".*videoconvert/);
  throwsWith(() => drawObjects({ ...frame, data: new Uint8Array(100) }, []), RangeError, /holds 100 bytes, a 8x8 RGB frame needs 192/);
  throwsWith(
    () => drawObjects({ data: new Uint8Array(36 * 4 * 3), format: 'I420', width: 30, height: 7 }, []),
    TypeError,
    /without frame.planes must be packed tight \(330 bytes\), frame.data holds 432/,
  );
  throwsWith(() => drawObjects({ ...frame, width: 0 }, []), RangeError, /frame.width must be a positive integer, got 0/);
  throwsWith(
    () => drawObjects({ ...frame, data: [1, 2] as unknown as Uint8Array }, []),
    TypeError,
    /frame.data must be a typed array, got Array/,
  );
  throwsWith(
    () => drawObjects(frame, [box(1, 1, 2, 2), box(0, 0, -1, 2)]),
    RangeError,
    /objects\[1\].boundingBox\[2\] \(width\) must be >= 0, got -1/,
  );
  throwsWith(
    () => drawObjects(frame, [{ boundingBox: [0, 0, 1, 1], confidence: 1 } as unknown as ObjectInfoInit]),
    TypeError,
    /objects\[0\].className must be a string, got undefined/,
  );
  throwsWith(() => drawObjects(frame, {} as unknown as ObjectInfoInit[]), TypeError, /objects must be an array, got Object/);
  throwsWith(() => drawObjects(frame, [], { thickness: 0 }), RangeError, /options.thickness must be a positive integer, got 0/);
  throwsWith(() => drawObjects(frame, [], { color: [0, 0, 300] }), RangeError, /color\[2\] must be an integer 0..255, got 300/);
  throwsWith(() => drawObjects(frame, [], { labels: 'no' as unknown as boolean }), TypeError, /options.labels must be a boolean, got "no"/);
  assert.ok(
    frame.data.every((v) => v === 0),
    'nothing drawn',
  );
});

test('a GstVideoSource frame (RGB with padded rows, from a real pipeline) is drawn in place', async () => {
  const src = track(new GstVideoSource('videotestsrc num-buffers=1 pattern=black ! video/x-raw,format=RGB,width=30,height=20 ! appsink'));
  src.startup();
  const frame = await within(src.pop(), 5_000, 'a frame');
  assert.ok(frame);
  drawObjects(frame, [box(2, 3, 10, 8)], { color: RED, thickness: 1, labels: false });
  const stride = frame.planes[0].stride;
  const data = frame.data as Uint8Array;
  assert.equal(pixel({ ...frame, data }, 2, 3, stride), [...RED], 'top-left corner');
  assert.equal(pixel({ ...frame, data }, 11, 10, stride), [...RED], 'bottom-right corner');
  assert.equal(pixel({ ...frame, data }, 5, 6, stride), [0, 0, 0], 'interior');
  frame.release();
});

test('an I420 GstVideoSource frame (its planes) gets the box in Y and chroma, the rest untouched', async () => {
  const [frame] = await framesOf(
    'videotestsrc num-buffers=1 pattern=black ! video/x-raw,format=I420,width=30,height=20 ! appsink sync=false',
  );
  const data = frame.data as Uint8Array;
  const before = data.slice();
  drawObjects(frame, [box(4, 6, 10, 8)], { color: RED, thickness: 1, labels: false });
  const [y, u, v] = yuvOf(RED);
  const [yPlane, uPlane, vPlane] = frame.planes;
  const luma = (x: number, row: number) => data[yPlane.offset + row * yPlane.stride + x];
  assert.is(luma(4, 6), y, 'Y at the top-left corner');
  assert.is(luma(13, 13), y, 'Y at the bottom-right corner');
  assert.is(luma(8, 9), before[yPlane.offset + 9 * yPlane.stride + 8], 'interior Y untouched');
  assert.is(data[uPlane.offset + 3 * uPlane.stride + 2], u, 'U on the box');
  assert.is(data[vPlane.offset + 3 * vPlane.stride + 2], v, 'V on the box');
  assert.is(
    data[uPlane.offset + 9 * uPlane.stride + 14],
    before[uPlane.offset + 9 * uPlane.stride + 14],
    'chroma away from the box untouched',
  );
});

/** Adds one object per frame, its box moving one pixel right per frame. */
class Tagger extends GstVideoAnalyzer {
  static elementName = 'test_draw_tagger';
  static formats = ['BGRx', 'GRAY8'];
  analyzeFrame(frame: VideoFilterFrame): void {
    frame.addObject({ boundingBox: [4 + (frame.offset ?? 0), 5, 12, 10], confidence: 0.9, className: 'car', trackId: 7 });
  }
}
registerElement(Tagger);
// Registered once per process (another test file may have registered it first).
if (!Gst.ElementFactory.find('tsdrawobjects')) registerElement(TsDrawObjects);

/** Every frame of a GstVideoSource, copied. */
async function framesOf(description: string, setup?: (source: GstVideoSource) => void): Promise<VideoFrame[]> {
  const source = track(new GstVideoSource(description));
  setup?.(source);
  source.startup();
  const frames: VideoFrame[] = [];
  const drain = async (): Promise<void> => {
    for await (const frame of source) frames.push(frame);
  };
  await within(drain(), 10_000, 'the frames');
  return frames;
}

test('tsdrawobjects in a launch string draws the objects a pad probe wrote upstream (gstMetaWrite), with labels; the objects go on', async () => {
  const written = (n: number): ObjectInfoInit[] =>
    n === 2 ? [] : [{ boundingBox: [2 + n, 12, 10, 8], confidence: 0.5, className: 'I', trackId: 0 }];
  const frames = await framesOf(
    'videotestsrc num-buffers=3 pattern=black ! video/x-raw,format=RGB,width=30,height=24 ! identity name=tag ! ' +
      'tsdrawobjects thickness=1 fontScale=1 showConfidence=false ! video/x-raw,format=RGB ! appsink sync=false',
    (source) =>
      source
        .getByName('tag')!
        .getStaticPad('src')!
        .addProbe(Gst.PadProbeType.BUFFER, (_pad, info) => {
          const buffer = info.getBuffer();
          if (buffer) gstMetaWrite(buffer, written(Number(buffer.offset)));
          return Gst.PadProbeReturn.OK;
        }),
  );
  assert.is(frames.length, 3);
  const color = classColor('I');
  for (const frame of frames) {
    const n = frame.offset!;
    const data = frame.data as Uint8Array;
    const stride = frame.planes[0].stride; // 30 * 3 = 90 bytes of pixels in rows of 92
    assert.equal(
      frame.objects,
      written(n).map((o) => ({ ...o, trackId: 0 })),
      `frame ${n}: the objects go on downstream`,
    );
    if (n === 2) {
      assert.ok(
        data.every((v) => v === 0),
        'frame 2 carried no objects: nothing drawn',
      );
      continue;
    }
    const x0 = 2 + n;
    const label = labelSize('I', 1); // 7 x 9, rows 3..11 above the box at row 12
    const inLabel = (x: number, y: number) => x >= x0 && x < x0 + label.width && y >= 12 - label.height && y < 12;
    const onBox = (x: number, y: number) =>
      x >= x0 && x < x0 + 10 && y >= 12 && y < 20 && (x === x0 || x === x0 + 9 || y === 12 || y === 19);
    for (let y = 0; y < 24; y++)
      for (let x = 0; x < 30; x++) {
        const got = pixel({ ...frame, data }, x, y, stride);
        if (onBox(x, y)) assert.equal(got, [...color], `frame ${n}: box edge (${x}, ${y})`);
        else if (!inLabel(x, y)) assert.equal(got, [0, 0, 0], `frame ${n}: untouched (${x}, ${y})`);
      }
    assert.equal(pixel({ ...frame, data }, x0, 3, stride), [...color], `frame ${n}: label background`);
  }
});

test('tsdrawobjects draws what an analyzer added upstream (frame.addObject), on BGRx and GRAY8, labels off', async () => {
  for (const format of ['BGRx', 'GRAY8']) {
    const frames = await framesOf(
      `videotestsrc num-buffers=2 pattern=white ! video/x-raw,format=${format},width=24,height=20 ! test_draw_tagger ! ` +
        `tsdrawobjects thickness=2 labels=false ! video/x-raw,format=${format} ! appsink sync=false`,
    );
    assert.is(frames.length, 2, format);
    const [r, g, b] = classColor('car');
    const size = format === 'GRAY8' ? 1 : 4;
    const expected = format === 'GRAY8' ? [Math.round(0.299 * r + 0.587 * g + 0.114 * b)] : [b, g, r, 255];
    for (const frame of frames) {
      const n = frame.offset!;
      const data = frame.data as Uint8Array;
      const at = (x: number, y: number) => Array.from(data.subarray(y * 24 * size + x * size, (y * 24 + x + 1) * size));
      assert.equal(frame.objects?.[0]?.className, 'car');
      assert.equal(at(4 + n, 5).slice(0, 3), expected.slice(0, 3), `${format} frame ${n}: top-left corner`);
      assert.equal(at(4 + n + 1, 6).slice(0, 3), expected.slice(0, 3), `${format} frame ${n}: second ring of a 2-pixel outline`);
      assert.equal(at(4 + n + 11, 14).slice(0, 3), expected.slice(0, 3), `${format} frame ${n}: bottom-right corner`);
      const white = at(0, 0)[0]; // videotestsrc's white (235 in GRAY8)
      assert.ok(white >= 235, `${format}: white is ${white}`);
      assert.equal(at(4 + n + 5, 10)[0], white, `${format} frame ${n}: interior untouched`);
      assert.equal(at(4 + n - 1, 5)[0], white, `${format} frame ${n}: left of the box untouched`);
    }
  }
});

/** The one GstAnalytics-1.0 call used here (GStreamer >= 1.24; no typings are generated for it). */
interface GstAnalyticsModule {
  bufferAddAnalyticsRelationMeta(buffer: Gst.Buffer): {
    addOdMtd(type: number, x: number, y: number, w: number, h: number, confidence: number): unknown;
  };
}

test("tsdrawobjects draws objects only GStreamer analytics metadata holds (an upstream element's), where GStreamer has it", async () => {
  if (!gstAnalyticsAvailable()) {
    const [major, minor] = Gst.version();
    assert.ok(major === 1 && minor < 24, 'no analytics library: GStreamer < 1.24');
    return;
  }
  const GstAnalytics = gi.require('GstAnalytics', '1.0') as unknown as GstAnalyticsModule;
  const frames = await framesOf(
    'videotestsrc num-buffers=1 pattern=black ! video/x-raw,format=RGB,width=40,height=30 ! identity name=up ! ' +
      'tsdrawobjects thickness=1 labels=false ! video/x-raw,format=RGB ! appsink sync=false',
    (source) =>
      source
        .getByName('up')!
        .getStaticPad('src')!
        .addProbe(Gst.PadProbeType.BUFFER, (_pad, info) => {
          const buffer = info.getBuffer();
          if (buffer) GstAnalytics.bufferAddAnalyticsRelationMeta(buffer).addOdMtd(GLib.quarkFromString('bike'), 5, 6, 20, 12, 0.5);
          return Gst.PadProbeReturn.OK;
        }),
  );
  assert.is(frames.length, 1);
  const [frame] = frames;
  assert.equal(
    frame.objects?.map((o) => [o.className, ...o.boundingBox]),
    [['bike', 5, 6, 20, 12]],
  );
  const data = frame.data as Uint8Array;
  const stride = frame.planes[0].stride;
  assert.equal(pixel({ ...frame, data }, 5, 6, stride), [...classColor('bike')], 'top-left corner');
  assert.equal(pixel({ ...frame, data }, 24, 17, stride), [...classColor('bike')], 'bottom-right corner');
  assert.equal(pixel({ ...frame, data }, 10, 10, stride), [0, 0, 0], 'interior');
});

test.run();
