/**
 * src/element/draw-objects.ts: tsdrawobjects as GStreamer knows it (packed formats only, its
 * metadata), its properties reaching drawObjects (the same pixels as drawObjects called with the
 * same options), and a buffer without objects passing unchanged.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Gst, GstVideoAnalyzer, GstVideoSource, registerElement, TsDrawObjects, type VideoFilterFrame, type VideoFrame } from '../src';
import { DRAW_FORMATS, drawObjects } from '../src/draw';
import { native } from '../src/native';
import { collect, pipelinesStoppedAfterEach } from './helpers/support';

const track = pipelinesStoppedAfterEach(test);
// Registered once per process (another test file may have registered it first).
if (!Gst.ElementFactory.find('tsdrawobjects')) registerElement(TsDrawObjects);

/** Adds one labelled box to each frame, when `add` is set. */
class Boxer extends GstVideoAnalyzer {
  static elementName = 'test_draw_boxer';
  static formats = ['RGB'];
  static properties = { add: { type: 'boolean', default: true } } as const;
  declare add: boolean;
  analyzeFrame(frame: VideoFilterFrame): void {
    if (this.add) frame.addObject({ boundingBox: [6, 20, 30, 16], confidence: 0.75, className: 'box', trackId: 3 });
  }
}
registerElement(Boxer);

const SOURCE = 'videotestsrc num-buffers=1 pattern=black ! video/x-raw,format=RGB,width=64,height=48';

async function frameOf(description: string): Promise<VideoFrame> {
  const frames = await collect(
    track(new GstVideoSource(`${description} ! video/x-raw,format=RGB ! appsink`)).startup(),
    10_000,
    description,
  );
  assert.is(frames.length, 1, description);
  return frames[0];
}

test('tsdrawobjects: every packed format of drawObjects and no planar one; its metadata', () => {
  const planar = ['I420', 'YV12', 'NV12'];
  assert.equal([...TsDrawObjects.formats].sort(), DRAW_FORMATS.filter((format) => !planar.includes(format)).sort());
  const facts = native.describeElement('tsdrawobjects')!;
  for (const template of facts.padTemplates) {
    for (const format of planar) assert.not.ok(template.caps?.includes(format), `${template.name} caps: ${template.caps}`);
    assert.ok(template.caps?.includes('GRAY8'));
  }
  assert.is(facts.longName, 'Draw objects');
  assert.is(facts.klass, 'Filter/Effect/Video');
  assert.is(facts.description, 'draws the detected objects each buffer carries (boxes, class names, confidences, track ids)');
});

test('tsdrawobjects properties reach drawObjects: the same pixels as drawObjects with the same options', async () => {
  const plain = await frameOf(`${SOURCE} ! test_draw_boxer`);
  assert.equal(plain.objects?.length, 1);
  for (const [properties, options] of [
    ['', {}],
    ['fontScale=3 thickness=1', { fontScale: 3, thickness: 1 }],
    ['labels=false thickness=3', { labels: false, thickness: 3 }],
    ['showConfidence=false fontScale=2', { showConfidence: false, fontScale: 2 }],
  ] as const) {
    const drawn = await frameOf(`${SOURCE} ! test_draw_boxer ! tsdrawobjects ${properties}`);
    const expected = await frameOf(`${SOURCE} ! test_draw_boxer`);
    drawObjects(expected, expected.objects ?? [], options);
    assert.ok(
      drawn.data.some((v, i) => v !== plain.data[i]),
      `${properties}: something drawn`,
    );
    assert.ok(
      drawn.data.every((v, i) => v === expected.data[i]),
      `${properties}: as drawObjects draws it`,
    );
  }
});

test('a buffer without objects passes tsdrawobjects unchanged', async () => {
  const plain = await frameOf(`${SOURCE} ! identity`);
  const passed = await frameOf(`${SOURCE} ! test_draw_boxer add=false ! tsdrawobjects`);
  assert.is(passed.objects, undefined);
  assert.equal(passed.data, plain.data);
});

test.run();
