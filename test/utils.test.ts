/**
 * src/utils.ts: gstreamer-python's `utils` in camelCase (formats, caps, launch strings, states, times).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  fractionToStr,
  getBufferSizeFromGstCaps,
  getNumChannels,
  getTypedArrayType,
  Gst,
  gstStateToStr,
  gstVideoFormatFromString,
  gstVideoFormatPlugin,
  GstVideo,
  timeArgs,
  toGstString,
} from '../src';
import { caps } from './helpers/support';

const CHANNELS: ReadonlyArray<[string, number]> = [
  ['RGB', 3],
  ['BGR', 3],
  ['RGBA', 4],
  ['BGRA', 4],
  ['BGRx', 4],
  ['RGBx', 4],
  ['GRAY8', 1],
  ['GRAY16_LE', 1],
  ['GRAY16_BE', 1],
  ['I420', -1],
  ['NV12', -1],
];

test('getNumChannels by name', () => {
  for (const [format, channels] of CHANNELS) assert.is(getNumChannels(format), channels, format);
});

test('getNumChannels by GstVideo.VideoFormat value', () => {
  const byValue: ReadonlyArray<[GstVideo.VideoFormat, number]> = [
    [GstVideo.VideoFormat.RGB, 3],
    [GstVideo.VideoFormat.BGR, 3],
    [GstVideo.VideoFormat.RGBA, 4],
    [GstVideo.VideoFormat.BGRX, 4],
    [GstVideo.VideoFormat.RGBX, 4],
    [GstVideo.VideoFormat.GRAY8, 1],
    [GstVideo.VideoFormat.GRAY16_LE, 1],
    [GstVideo.VideoFormat.GRAY16_BE, 1],
    [GstVideo.VideoFormat.I420, -1],
    [GstVideo.VideoFormat.NV12, -1],
  ];
  for (const [format, channels] of byValue) assert.is(getNumChannels(format), channels, GstVideo.videoFormatToString(format));
  // name and value agree for every format of the table
  for (const [name] of CHANNELS) assert.is(getNumChannels(gstVideoFormatFromString(name)), getNumChannels(name), name);
});

test('getNumChannels: unknown formats are a TypeError naming the format', () => {
  assert.throws(
    () => getNumChannels('NOPE'),
    (error: unknown) => error instanceof TypeError && /NOPE/.test(error.message),
  );
  assert.throws(
    () => getNumChannels(''),
    (error: unknown) => error instanceof TypeError,
  );
  assert.throws(
    () => getNumChannels(GstVideo.VideoFormat.UNKNOWN),
    (error: unknown) => error instanceof TypeError,
  );
});

test('getTypedArrayType: 16-bit samples are Uint16Array, 8-bit ones Uint8Array', () => {
  assert.is(getTypedArrayType('GRAY16_LE'), Uint16Array);
  assert.is(getTypedArrayType('GRAY16_BE'), Uint16Array);
  assert.is(getTypedArrayType(GstVideo.VideoFormat.GRAY16_LE), Uint16Array);
  for (const format of ['RGB', 'BGRx', 'RGBA', 'GRAY8', 'I420']) assert.is(getTypedArrayType(format), Uint8Array, format);
  assert.throws(
    () => getTypedArrayType('NOPE'),
    (error: unknown) => error instanceof TypeError,
  );
});

test('gstVideoFormatFromString', () => {
  assert.is(gstVideoFormatFromString('RGB'), GstVideo.VideoFormat.RGB);
  assert.is(gstVideoFormatFromString('GRAY16_LE'), GstVideo.VideoFormat.GRAY16_LE);
  assert.is(gstVideoFormatFromString('NOPE'), GstVideo.VideoFormat.UNKNOWN);
});

test('getBufferSizeFromGstCaps: [width, height, channels] of raw video caps', () => {
  assert.equal(getBufferSizeFromGstCaps(caps('video/x-raw,format=RGB,width=640,height=480,framerate=30/1')), [640, 480, 3]);
  assert.equal(getBufferSizeFromGstCaps(caps('video/x-raw,format=GRAY16_LE,width=64,height=48')), [64, 48, 1]);
  assert.equal(getBufferSizeFromGstCaps(caps('video/x-raw,format=BGRx,width=3,height=2')), [3, 2, 4]);
  assert.equal(getBufferSizeFromGstCaps(caps('video/x-raw,format=I420,width=64,height=48')), [64, 48, -1]);
});

test('getBufferSizeFromGstCaps: caps that are not raw video are a TypeError', () => {
  const notVideo = [
    'audio/x-raw,format=S16LE,rate=44100,channels=2,layout=interleaved',
    'video/x-raw,format=RGB', // no size: not a video layout
  ];
  for (const description of notVideo)
    assert.throws(
      () => getBufferSizeFromGstCaps(caps(description)),
      (error: unknown) => error instanceof TypeError && /not raw video/.test(error.message),
      description,
    );
});

test('getBufferSizeFromGstCaps: encoded video caps (with a size) are not raw video either', () => {
  // gst_video_info_from_caps accepts these as format ENCODED; the helper promises raw video only.
  for (const description of ['image/png,width=64,height=48', 'video/x-h264,width=64,height=48,framerate=30/1']) {
    let outcome: unknown;
    try {
      outcome = getBufferSizeFromGstCaps(caps(description));
    } catch (error) {
      outcome = error;
    }
    assert.ok(outcome instanceof TypeError && /not raw video/.test(outcome.message), `${description} gave ${JSON.stringify(outcome)}`);
  }
});

test('toGstString: joined by " ! "', () => {
  assert.is(toGstString(['videotestsrc', 'queue', 'appsink']), 'videotestsrc ! queue ! appsink');
  assert.is(
    toGstString(['videotestsrc num-buffers=100', 'capsfilter caps=video/x-raw,format=RGB', 'appsink emit-signals=True']),
    'videotestsrc num-buffers=100 ! capsfilter caps=video/x-raw,format=RGB ! appsink emit-signals=True',
  );
  assert.is(toGstString([]), '');
  // Python's to_gst_string returns '' for a single plugin (its `len(plugins) < 2` check); here the
  // single plugin is the whole description, which is what gst-launch wants.
  assert.is(toGstString(['fakesink']), 'fakesink');
});

test('toGstString: items ending with "." (a tee branch) get no "!" before them', () => {
  const description = toGstString(['videotestsrc', 'tee name=t', 't.', 'queue', 'fakesink', 't.', 'queue', 'fakesink']);
  assert.is(description, 'videotestsrc ! tee name=t t. ! queue ! fakesink t. ! queue ! fakesink');
  // and GStreamer agrees that it is one valid pipeline
  const parsed = Gst.parseLaunch(description);
  assert.ok(parsed instanceof Gst.Pipeline);
});

test('toGstString: nested lists are flattened', () => {
  assert.is(toGstString(['videotestsrc', ['videoconvert', 'queue'], 'appsink']), 'videotestsrc ! videoconvert ! queue ! appsink');
  assert.is(
    toGstString([
      ['videotestsrc', 'tee name=t'],
      ['t.', 'queue', 'fakesink'],
    ]),
    'videotestsrc ! tee name=t t. ! queue ! fakesink',
  );
});

test('fractionToStr', () => {
  assert.is(fractionToStr([30, 1]), '30/1');
  assert.is(fractionToStr([30000, 1001]), '30000/1001');
  assert.is(fractionToStr({ num: 25, denom: 2 }), '25/2');
  assert.is(fractionToStr(15), '15/1');
});

test('gstStateToStr', () => {
  assert.is(gstStateToStr(Gst.State.PLAYING), 'PLAYING');
  assert.is(gstStateToStr(Gst.State.PAUSED), 'PAUSED');
  assert.is(gstStateToStr(Gst.State.READY), 'READY');
  assert.is(gstStateToStr(Gst.State.NULL), 'NULL');
});

test('gstVideoFormatPlugin: raw video caps from their parts', () => {
  const full = gstVideoFormatPlugin({ width: 640, height: 480, fps: 30, format: 'RGB' });
  assert.is(full, 'video/x-raw,format=RGB,width=640,height=480,framerate=30/1');
  // GStreamer reads it back as the same layout
  assert.equal(getBufferSizeFromGstCaps(caps(full)), [640, 480, 3]);
  assert.is(gstVideoFormatPlugin({ fps: [30000, 1001] }), 'video/x-raw,framerate=30000/1001');
  assert.is(gstVideoFormatPlugin({}), 'video/x-raw');
  assert.is(gstVideoFormatPlugin({ width: 0, height: -1, format: 'GRAY8' }), 'video/x-raw,format=GRAY8');
  assert.is(gstVideoFormatPlugin({ mediaType: 'video/x-bayer', width: 4, height: 2 }), 'video/x-bayer,width=4,height=2');
});

test('timeArgs: GStreamer time format (Python Gst.TIME_ARGS)', () => {
  assert.is(timeArgs(0n), '0:00:00.000000000');
  assert.is(timeArgs(1033333333n), '0:00:01.033333333');
  assert.is(timeArgs(3723000000001n), '1:02:03.000000001');
  assert.is(timeArgs(1_500_000_000), '0:00:01.500000000');
  assert.is(timeArgs(Gst.SECOND * 36000n), '10:00:00.000000000');
  assert.is(timeArgs(Gst.CLOCK_TIME_NONE), '99:99:99.999999999');
  assert.is(timeArgs(-1), '99:99:99.999999999');
});

test.run();
