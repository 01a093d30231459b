/**
 * src/meta.ts with GStreamer's analytics metadata (GstAnalyticsRelationMeta, GStreamer >= 1.24):
 * the project's objects written as object-detection and tracking entries, read by GStreamer's
 * own library (GstAnalytics through node-gtk) and drawn by `objectdetectionoverlay`; entries
 * written by someone else (an upstream element's, here GstAnalytics through node-gtk) read back
 * through gstMetaGet and frame.objects, each object once. Where GStreamer has no analytics library
 * (1.22) each test asserts the fallback instead: the project's meta alone, and no GstAnalytics.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  GLib,
  GObject,
  Gst,
  GstVideoAnalyzer,
  GstVideoSource,
  gi,
  gstAnalyticsAvailable,
  gstMetaGet,
  gstMetaRemove,
  gstMetaWrite,
  registerElement,
  typedArrayToGstBuffer,
  type ObjectInfo,
  type VideoFilterFrame,
  type VideoFrame,
} from '../src';
import { pipelinesStoppedAfterEach, within } from './helpers/support';

const track = pipelinesStoppedAfterEach(test);

// --- GstAnalytics-1.0 through node-gtk: the few calls used here (no typings are generated for it) ---

interface Mtd {
  readonly id: number;
}
interface ODMtd extends Mtd {
  getLocation(): [ok: boolean, x: number, y: number, w: number, h: number, confidence: number];
  getObjType(): number;
}
interface TrackingMtd extends Mtd {
  getInfo(): [ok: boolean, trackingId: number, firstSeen: number, lastSeen: number, lost: boolean];
}
interface RelationMeta {
  addOdMtd(type: number, x: number, y: number, w: number, h: number, confidence: number): [boolean, ODMtd];
  addTrackingMtd(trackingId: number, firstSeen: number): [boolean, TrackingMtd];
  addOneClsMtd(confidence: number, classQuark: number): [boolean, Mtd];
  getOdMtd(id: number): [boolean, ODMtd];
  getTrackingMtd(id: number): [boolean, TrackingMtd];
  getRelation(first: number, second: number): number;
  setRelation(type: number, first: number, second: number): boolean;
}
interface GstAnalyticsModule {
  bufferAddAnalyticsRelationMeta(buffer: Gst.Buffer): RelationMeta;
  bufferGetAnalyticsRelationMeta(buffer: Gst.Buffer): RelationMeta | null;
  relationGetLength(meta: RelationMeta): number;
  RelTypes: { RELATE_TO: number };
}

/** GstAnalytics-1.0, or the error that says why not (no typelib: GStreamer < 1.24). */
function loadGstAnalytics(): GstAnalyticsModule | Error {
  try {
    return gi.require('GstAnalytics', '1.0') as unknown as GstAnalyticsModule;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

const [major, minor] = Gst.version();
/** GStreamer's analytics library exists from 1.24 (setup.sh installs it there with its typelib). */
const GST_HAS_ANALYTICS = major > 1 || minor >= 24;
const available = gstAnalyticsAvailable();
/** Loaded once: node-gtk answers a second require of a missing namespace with an empty module. */
const analytics = loadGstAnalytics();

function ownBuffer(): Gst.Buffer {
  return typedArrayToGstBuffer(new Uint8Array(16));
}

/** Objects whose values an analytics entry holds exactly (whole pixels, float32 confidences). */
const WRITTEN: ObjectInfo[] = [
  { className: 'person', boundingBox: [8, 10, 20, 30], confidence: 0.75, trackId: 5 },
  { className: 'dog', boundingBox: [40, 4, 16, 12], confidence: 0.5, trackId: 0 },
  { className: 'person', boundingBox: [1, 2, 3, 4], confidence: 0.125, trackId: 9 },
];

/** The object-detection entries of the buffer's relation meta, read by GStreamer's library. */
function entriesOf(GstAnalytics: GstAnalyticsModule, buffer: Gst.Buffer): ObjectInfo[] {
  const meta = GstAnalytics.bufferGetAnalyticsRelationMeta(buffer);
  if (!meta) return [];
  const length = GstAnalytics.relationGetLength(meta);
  const tracks: TrackingMtd[] = [];
  for (let id = 0; id < length; id++) {
    const [ok, tracking] = meta.getTrackingMtd(id);
    if (ok) tracks.push(tracking);
  }
  const out: ObjectInfo[] = [];
  for (let id = 0; id < length; id++) {
    const [ok, od] = meta.getOdMtd(id);
    if (!ok) continue;
    const [, x, y, w, h, confidence] = od.getLocation();
    const related = tracks.find((t) => meta.getRelation(od.id, t.id) !== 0 || meta.getRelation(t.id, od.id) !== 0);
    out.push({
      className: GLib.quarkToString(od.getObjType()) ?? '',
      boundingBox: [x, y, w, h],
      confidence,
      trackId: related ? Number(related.getInfo()[1]) : 0,
    });
  }
  return out;
}

/** Drops the project's own meta from `buffer`, leaving GStreamer's analytics meta. */
function removeProjectMeta(buffer: Gst.Buffer): void {
  const api = GObject.typeFromName('GstTsObjectsInfoMetaAPI');
  const meta = buffer.getMeta(api);
  assert.ok(meta, 'the project meta is there');
  assert.ok(buffer.removeMeta(meta!));
}

test('gstAnalyticsAvailable is read at run time: true exactly where GStreamer (>= 1.24) has its analytics library', () => {
  assert.is(available, GST_HAS_ANALYTICS, `GStreamer ${Gst.versionString()}`);
  assert.is(available, gstAnalyticsAvailable(), 'the same answer each time');
});

test('objects written from TypeScript are GStreamer analytics entries, read back identical by GstAnalytics and through gstMetaGet', () => {
  const buffer = ownBuffer();
  gstMetaWrite(buffer, WRITTEN);
  assert.equal(gstMetaGet(buffer), WRITTEN, 'each object once (the project meta, its entries left out)');
  if (!available) {
    // Fallback (GStreamer < 1.24): the project's meta only; no analytics meta API registered.
    assert.instance(analytics, Error, 'no GstAnalytics typelib');
    assert.is(Number(GObject.typeFromName('GstAnalyticsRelationMetaAPI')), 0, 'no analytics meta API registered');
    return;
  }
  if (analytics instanceof Error) throw analytics; // GStreamer >= 1.24 without its GstAnalytics typelib
  const GstAnalytics = analytics;
  assert.equal(entriesOf(GstAnalytics, buffer), WRITTEN, 'GStreamer reads the entries');
  removeProjectMeta(buffer);
  assert.equal(gstMetaGet(buffer), WRITTEN, 'gstMetaGet reads them back from the analytics meta alone');

  // Values an entry cannot hold exactly: the project meta keeps them; the entry has them rounded.
  const exact: ObjectInfo[] = [{ className: 'cat', boundingBox: [1.4, 2.6, 10.2, 3.5], confidence: 0.9, trackId: 3 }];
  const other = ownBuffer();
  gstMetaWrite(other, exact);
  assert.equal(gstMetaGet(other), exact);
  assert.equal(entriesOf(GstAnalytics, other), [
    { className: 'cat', boundingBox: [1, 3, 11, 3], confidence: Math.fround(0.9), trackId: 3 },
  ]);
  // Replacing replaces the entries; removing removes them.
  gstMetaWrite(other, [WRITTEN[1]]);
  assert.equal(entriesOf(GstAnalytics, other), [WRITTEN[1]]);
  assert.is(gstMetaRemove(other), true);
  assert.equal(entriesOf(GstAnalytics, other), []);
  assert.equal(gstMetaGet(other), []);
});

/** Writes upstream entries (as an element using GstAnalytics would): returns what they say. */
function annotateUpstream(GstAnalytics: GstAnalyticsModule, buffer: Gst.Buffer, at = 0): ObjectInfo[] {
  const meta = GstAnalytics.bufferAddAnalyticsRelationMeta(buffer);
  const quark = (name: string): number => GLib.quarkFromString(name);
  const [, car] = meta.addOdMtd(quark('car'), 4 + at, 5, 20, 10, 0.25);
  const [, carTrack] = meta.addTrackingMtd(11, 0);
  meta.setRelation(GstAnalytics.RelTypes.RELATE_TO, car.id, carTrack.id); // detection -> track
  const [, bikeTrack] = meta.addTrackingMtd(12, 0);
  const [, bike] = meta.addOdMtd(quark('bike'), 30 + at, 6, 8, 9, 0.125);
  meta.setRelation(GstAnalytics.RelTypes.RELATE_TO, bikeTrack.id, bike.id); // track -> detection
  meta.addOneClsMtd(0.5, quark('daylight')); // not an object: not read
  meta.addOdMtd(quark('tree'), at, 0, 5, 5, 1);
  return [
    { className: 'car', boundingBox: [4 + at, 5, 20, 10], confidence: 0.25, trackId: 11 },
    { className: 'bike', boundingBox: [30 + at, 6, 8, 9], confidence: 0.125, trackId: 12 },
    { className: 'tree', boundingBox: [at, 0, 5, 5], confidence: 1, trackId: 0 },
  ];
}

test('a buffer an upstream element annotated (analytics entries only) is read, with its tracking relations either way round', () => {
  if (!available) {
    // Fallback (GStreamer < 1.24): nothing can annotate such a buffer; the project's meta is all there is.
    assert.instance(analytics, Error, 'no GstAnalytics typelib');
    const buffer = ownBuffer();
    assert.equal(gstMetaGet(buffer), []);
    gstMetaWrite(buffer, WRITTEN);
    assert.equal(gstMetaGet(buffer), WRITTEN);
    return;
  }
  if (analytics instanceof Error) throw analytics; // GStreamer >= 1.24 without its GstAnalytics typelib
  const GstAnalytics = analytics;
  const buffer = ownBuffer();
  const upstream = annotateUpstream(GstAnalytics, buffer);
  assert.equal(gstMetaGet(buffer), upstream);
  // A copy carries them (the relation meta is copied); the project's meta is not there.
  assert.equal(gstMetaGet(buffer.copyDeep()!), upstream);
  // gstMetaWrite replaces every object, upstream ones included; gstMetaRemove removes them.
  const replaced = buffer.copyDeep()!;
  gstMetaWrite(replaced, [WRITTEN[0]]);
  assert.equal(gstMetaGet(replaced), [WRITTEN[0]]);
  assert.equal(entriesOf(GstAnalytics, replaced), [WRITTEN[0]]);
  assert.is(gstMetaRemove(buffer), true);
  assert.equal(gstMetaGet(buffer), []);
  assert.is(gstMetaRemove(buffer), false);
});

// --- in a pipeline: an analyzer's objects and an upstream element's, drawn by objectdetectionoverlay ---

/** Adds one object per frame, as a model inside an element would. */
class Finder extends GstVideoAnalyzer {
  static elementName = 'test_analytics_finder';
  static formats = ['RGBA'];
  analyzeFrame(frame: VideoFilterFrame): void {
    frame.addObject({ className: 'found', boundingBox: [10, 8, 30, 20], confidence: 0.75, trackId: 1 + (frame.offset ?? 0) });
  }
}
registerElement(Finder);

const [WIDTH, HEIGHT] = [96, 48];

/** Whether pixel (x, y) of an RGBA frame is the overlay's red (0xFFFF0000, blended). */
function red(frame: VideoFrame, x: number, y: number): boolean {
  const i = (y * WIDTH + x) * 4;
  return frame.data[i] > 200 && frame.data[i + 1] < 60 && frame.data[i + 2] < 60;
}

/** Whether (x, y) is within 2 pixels of the outline of box [bx, by, bw, bh]. */
function onOutline([bx, by, bw, bh]: readonly number[], x: number, y: number): boolean {
  const near = (v: number, edge: number): boolean => Math.abs(v + 0.5 - edge) <= 2;
  const inX = x + 0.5 >= bx - 2 && x + 0.5 <= bx + bw + 2;
  const inY = y + 0.5 >= by - 2 && y + 0.5 <= by + bh + 2;
  return (inX && (near(y, by) || near(y, by + bh))) || (inY && (near(x, bx) || near(x, bx + bw)));
}

test('objectdetectionoverlay draws what the project wrote (frame.addObject) and an upstream element wrote; frame.objects has each once', async () => {
  const overlay = Gst.ElementFactory.find('objectdetectionoverlay');
  if (!available) {
    // Fallback (GStreamer < 1.24): no overlay; the analyzer's objects still reach frame.objects.
    assert.is(overlay, null, 'objectdetectionoverlay is GStreamer >= 1.24');
    const source = track(
      new GstVideoSource(
        `videotestsrc num-buffers=2 pattern=black ! video/x-raw,format=RGBA,width=${WIDTH},height=${HEIGHT} ! test_analytics_finder ! video/x-raw,format=RGBA ! appsink`,
      ),
    ).startup();
    const frames: VideoFrame[] = [];
    await within(
      (async () => {
        for await (const frame of source) frames.push(frame);
      })(),
      10_000,
      'frames',
    );
    assert.equal(
      frames.map((f) => f.objects?.map((o) => o.trackId)),
      [[1], [2]],
    );
    return;
  }
  assert.ok(overlay, 'objectdetectionoverlay (gstreamer1.0-plugins-bad) is installed');
  if (analytics instanceof Error) throw analytics; // GStreamer >= 1.24 without its GstAnalytics typelib
  const GstAnalytics = analytics;
  const source = track(
    new GstVideoSource(
      `videotestsrc num-buffers=2 pattern=black ! video/x-raw,format=RGBA,width=${WIDTH},height=${HEIGHT} ! identity name=up ! ` +
        'test_analytics_finder ! objectdetectionoverlay object-detection-outline-color=0xFFFF0000 draw-labels=false ! ' +
        'video/x-raw,format=RGBA ! appsink',
    ),
  );
  const upstream: ObjectInfo[][] = [];
  source
    .getByName('up')!
    .getStaticPad('src')!
    .addProbe(Gst.PadProbeType.BUFFER, (_pad, info) => {
      const buffer = info.getBuffer();
      if (buffer) upstream.push(annotateUpstream(GstAnalytics, buffer, 50));
      return Gst.PadProbeReturn.OK;
    });
  source.startup();
  const frames: VideoFrame[] = [];
  await within(
    (async () => {
      for await (const frame of source) frames.push(frame);
    })(),
    10_000,
    'frames',
  );
  assert.is(frames.length, 2);
  frames.forEach((frame, n) => {
    const found: ObjectInfo = { className: 'found', boundingBox: [10, 8, 30, 20], confidence: 0.75, trackId: n + 1 };
    const objects = [found, ...upstream[n]];
    assert.equal(frame.objects, objects, `frame ${n}: the analyzer's object, then the upstream ones`);
    // Every red pixel is on a box outline, and each box's four edges have red at their middles.
    const boxes = objects.map((o) => o.boundingBox);
    for (let y = 0; y < HEIGHT; y++)
      for (let x = 0; x < WIDTH; x++)
        if (red(frame, x, y) && !boxes.some((b) => onOutline(b, x, y)))
          assert.unreachable(`frame ${n}: red at (${x}, ${y}), on no box outline`);
    for (const [bx, by, bw, bh] of boxes.filter(([x, , w]) => x + w < WIDTH)) {
      const [mx, my] = [Math.floor(bx + bw / 2), Math.floor(by + bh / 2)];
      const edges: Array<[number, number]> = [
        [bx, my],
        [bx + bw - 1, my],
        [mx, by],
        [mx, Math.min(by + bh - 1, HEIGHT - 1)],
      ];
      for (const [x, y] of edges)
        assert.ok(
          red(frame, x, y) || red(frame, x - 1, y) || red(frame, x, y - 1),
          `frame ${n}: box [${bx}, ${by}, ${bw}, ${bh}] drawn at (${x}, ${y})`,
        );
      assert.not.ok(red(frame, mx, my), `frame ${n}: not filled at (${mx}, ${my})`);
    }
  });
});

test.run();
