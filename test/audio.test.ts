/**
 * src/audio.ts, src/audio-source.ts and the buffer helpers with audio caps: audiotestsrc's known
 * waves (a sine checked against Math.sin, silence) arrive as the typed array of their format,
 * shaped [samples, channels], with their timestamps and sample offsets.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  audioLayoutFromCaps,
  Gst,
  GstApp,
  GstPipelineError,
  GstAudioSource,
  gstBufferView,
  gstBufferWithCapsToTypedArray,
  typedArrayToGstBuffer,
  type AudioBufferView,
  type AudioFrame,
  type AudioShapedArray,
  type GstAudioSourceOptions,
} from '../src';
import { native } from '../src/native';
import { collect, pipelinesStoppedAfterEach, rejectionOf, within } from './helpers/support';

const track = pipelinesStoppedAfterEach(test);
const RATE = 8000;
const FREQ = 1000;
const PER_BUFFER = 80; // 10 ms at 8 kHz

function buffers(command: string, options?: GstAudioSourceOptions): Promise<AudioFrame[]> {
  return collect(track(new GstAudioSource(command, options)).startup(), 10_000, command);
}

function sine(format: string, channels: number, extra = ''): string {
  return `audiotestsrc num-buffers=3 wave=sine freq=${FREQ} volume=0.5 samplesperbuffer=${PER_BUFFER} ! audio/x-raw,format=${format},rate=${RATE},channels=${channels}${extra} ! appsink`;
}

/** audiotestsrc's sine: sample n (from 1) is amplitude * sin(2 pi f n / rate). */
function expected(n: number, amplitude: number): number {
  return amplitude * Math.sin((2 * Math.PI * FREQ * n) / RATE);
}

const FORMATS: [string, string, number, number][] = [
  // format, typed array, amplitude at volume 0.5, tolerance (integer rounding)
  ['S16LE', 'Int16Array', 0.5 * 32767, 1],
  ['S16BE', 'Int16Array', 0.5 * 32767, 2], // made through GStreamer's converter: rounded another way
  ['S32LE', 'Int32Array', 0.5 * 2147483647, 2],
  ['F32LE', 'Float32Array', 0.5, 1e-6],
  ['F32BE', 'Float32Array', 0.5, 1e-6],
  ['F64LE', 'Float64Array', 0.5, 1e-12],
];

for (const [format, arrayName, amplitude, tolerance] of FORMATS)
  test(`${format} arrives as ${arrayName} [samples, channels] holding the sine, with timestamps and offsets`, async () => {
    const got = await buffers(sine(format, 2));
    assert.is(got.length, 3);
    got.forEach((frame, i) => {
      assert.is(frame.data.constructor.name, arrayName);
      assert.equal(frame.shape, [PER_BUFFER, 2]);
      assert.is(frame.format, format);
      assert.is(frame.rate, RATE);
      assert.is(frame.samples, PER_BUFFER);
      assert.is(frame.pts, i * 10_000_000);
      assert.is(frame.duration, 10_000_000);
      assert.is(frame.offset, i * PER_BUFFER);
      for (let s = 0; s < PER_BUFFER; s++) {
        const want = expected(i * PER_BUFFER + s + 1, amplitude);
        for (let c = 0; c < 2; c++) {
          const v = frame.data[s * 2 + c];
          assert.ok(Math.abs(v - want) <= tolerance, `${format} buffer ${i} sample ${s} channel ${c}: ${v}, want ${want}`);
        }
      }
    });
  });

test('U8 silence is 128 everywhere, mono is squeezed to [samples]', async () => {
  const got = await buffers(
    `audiotestsrc num-buffers=2 wave=silence samplesperbuffer=${PER_BUFFER} ! audio/x-raw,format=U8,rate=${RATE},channels=1 ! appsink`,
  );
  for (const frame of got) {
    assert.instance(frame.data, Uint8Array);
    assert.equal(frame.shape, [PER_BUFFER]);
    assert.ok(frame.data.every((v) => v === 128));
  }
});

test('non-interleaved audio is [channels, samples], each channel a block', async () => {
  const [frame] = await buffers(sine('S16LE', 2, ' ! audioconvert ! audio/x-raw,format=S16LE,layout=non-interleaved'));
  assert.is(frame.interleaved, false);
  assert.equal(frame.shape, [2, PER_BUFFER]);
  for (let s = 0; s < PER_BUFFER; s++) {
    const want = expected(s + 1, 0.5 * 32767);
    assert.ok(Math.abs(frame.data[s] - want) <= 1 && Math.abs(frame.data[PER_BUFFER + s] - want) <= 1, `sample ${s}`);
  }
});

test('release gives a buffer back at once; a video appsink is refused by GstAudioSource', async () => {
  const [frame] = await buffers(sine('S16LE', 1));
  frame.release();
  assert.is(frame.data.length, 0);
  const source = track(new GstAudioSource('videotestsrc num-buffers=1 ! appsink')).startup();
  const error = await within(
    source.pop().then(
      () => null,
      (e: unknown) => e,
    ),
    10_000,
    'pop',
  );
  assert.match(String(error), /not raw audio/);
});

test("GstAudioSource shares GstVideoSource's engine: its options are checked, pop() before startup() rejects, a leaky queue drops", async () => {
  const cmd = sine('S16LE', 1);
  assert.throws(
    () => new GstAudioSource(cmd, { maxBuffersSize: 0 }),
    (e: unknown) => e instanceof RangeError && /GstAudioSource: maxBuffersSize/.test(String(e)),
  );
  assert.throws(
    () => new GstAudioSource(cmd, { leaky: 1 } as unknown as GstAudioSourceOptions),
    (e: unknown) => e instanceof TypeError && /leaky/.test(String(e)),
  );
  const idle = track(new GstAudioSource(cmd));
  await within(
    idle.pop().then(
      () => assert.unreachable('resolved'),
      (e: unknown) => assert.match(String(e), 'startup()'),
    ),
    1_000,
    'pop before startup',
  );
  const drops: number[] = [];
  const source = track(
    new GstAudioSource(cmd.replace('num-buffers=3', 'num-buffers=20'), { leaky: true, maxBuffersSize: 2, onDrop: (_, n) => drops.push(n) }),
  ).startup();
  await within(source.done, 10_000, 'a leaky source that nobody pops to finish');
  assert.is(source.totalBuffersCount, 20);
  assert.is(source.queueSize, 2);
  assert.equal(
    drops,
    Array.from({ length: 18 }, (_, i) => i + 1),
  );
});

test('unfixed or non-audio caps have no audio layout (null, no GStreamer CRITICAL)', () => {
  assert.is(audioLayoutFromCaps(Gst.Caps.fromString('audio/x-raw')!), null);
  assert.is(audioLayoutFromCaps(Gst.Caps.fromString('video/x-raw,format=RGB,width=2,height=2,framerate=1/1')!), null);
  const layout = audioLayoutFromCaps(Gst.Caps.fromString('audio/x-raw,format=S16LE,rate=8000,channels=2,layout=non-interleaved')!);
  assert.equal(
    { ...layout, arrayType: layout?.arrayType.name },
    { format: 'S16LE', rate: 8000, channels: 2, interleaved: false, arrayType: 'Int16Array', foreignEndian: false },
  );
});

test('buffer helpers: audio caps give sample values; big-endian copies are swapped, views keep the bytes', () => {
  const bytes = new Uint8Array([0x01, 0x02, 0xff, 0xfe, 0x00, 0x10, 0x80, 0x00]);
  const buffer = typedArrayToGstBuffer(bytes);
  const be = Gst.Caps.fromString('audio/x-raw,format=S16BE,rate=8000,channels=2,layout=interleaved')!;
  const copy = gstBufferWithCapsToTypedArray<AudioShapedArray>(buffer, be);
  assert.instance(copy.data, Int16Array);
  assert.equal(copy.shape, [2, 2]);
  assert.equal(Array.from(copy.data), [0x0102, -2, 0x0010, -32768]);
  const view = gstBufferView<AudioBufferView>(buffer, be);
  assert.equal(Array.from(view.data), [0x0201, -257, 0x1000, 0x0080]);
  view.release();
  const f32 = Gst.Caps.fromString('audio/x-raw,format=F32LE,rate=8000,channels=1,layout=interleaved')!;
  const floats = new Float32Array([0.25, -1]);
  assert.equal(Array.from(gstBufferWithCapsToTypedArray<AudioShapedArray>(typedArrayToGstBuffer(floats), f32).data), [0.25, -1]);
  const s24 = Gst.Caps.fromString('audio/x-raw,format=S24LE,rate=8000,channels=1,layout=interleaved')!;
  assert.throws(
    () => gstBufferWithCapsToTypedArray(buffer, s24),
    (e: unknown) => e instanceof TypeError && /S24LE/.test(e.message),
  );
  const s32 = Gst.Caps.fromString('audio/x-raw,format=S32LE,rate=8000,channels=3,layout=interleaved')!;
  assert.throws(() => gstBufferWithCapsToTypedArray(buffer, s32), RangeError);
  assert.throws(
    () => gstBufferWithCapsToTypedArray(buffer, Gst.Caps.fromString('image/png')!),
    (e: unknown) => e instanceof TypeError && /not raw video or raw audio/.test(e.message),
  );
});

test('GstAudioSource copies each buffer on the JS thread (not on the streaming thread): the JS-thread copy count grows by every byte', async () => {
  const before = native.copiedBytesOnThisThread();
  const got = await buffers(sine('S16LE', 2));
  const copied = native.copiedBytesOnThisThread() - before;
  assert.is(got.length, 3);
  assert.is(
    copied,
    got.reduce((sum, frame) => sum + frame.data.byteLength, 0),
  );
  assert.is(copied, 3 * PER_BUFFER * 2 * 2);
});

test('the refusal of a non-audio appsink names the caps it got: video caps, or none when buffers come without caps', async () => {
  const video = track(new GstAudioSource('videotestsrc num-buffers=1 ! video/x-raw,format=GRAY8,width=8,height=2 ! appsink')).startup();
  const error = await rejectionOf(video.pop(), 10_000, 'pop of a video appsink');
  assert.ok(error instanceof GstPipelineError, String(error));
  assert.match(String(error), /not raw audio: video\/x-raw, format=\(string\)GRAY8, width=\(int\)8, height=\(int\)2/);

  // appsrc without caps: the appsink's pad never gets caps, and its samples none either
  const source = track(new GstAudioSource('appsrc name=src format=time ! appsink')).startup();
  const src = source.getByName('src', GstApp.AppSrc)!;
  assert.is(src.pushBuffer(typedArrayToGstBuffer(new Int16Array(8))), Gst.FlowReturn.OK);
  const uncapped = await rejectionOf(source.pop(), 10_000, 'pop of buffers without caps');
  assert.ok(uncapped instanceof GstPipelineError, String(uncapped));
  assert.match(String(uncapped), /appsink caps are not raw audio: none$/);
});

test.run();
