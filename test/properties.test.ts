/**
 * Element properties by launch name and by nick at run time (src/properties.ts): enums, flags,
 * 64-bit integers and a property whose camelCase name is a method, on real elements.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GstError } from '../src/errors';
import { Gst } from '../src/gi';
import { GstPipeline } from '../src/pipeline';
import { connectSignal, emitSignal, getProp, makeElement, setProps } from '../src/properties';

test('enums by nick: setProps writes what a launch description writes, getProp reads the nick', () => {
  const src = makeElement('videotestsrc');
  assert.is(getProp(src, 'pattern'), 'smpte');
  setProps(src, { pattern: 'ball' });
  assert.is(getProp(src, 'pattern'), 'ball');
  assert.is(src.pattern, (Gst.parseLaunch('videotestsrc pattern=ball') as typeof src).pattern, 'the same number as pattern=ball');
  setProps(src, { pattern: 1 } as never);
  assert.is(getProp(src, 'pattern'), 'snow', 'a number as node-gtk reads it goes in too');
  assert.throws(
    () => setProps(src, { pattern: 99 } as never),
    (e: Error) => e instanceof RangeError && /videotestsrc\.pattern: 99 is not one of 0 \(smpte\), 1 \(snow\)/.test(e.message),
  );
});

test('a property shadowed by a method (is-live vs BaseSrc.isLive()) by launch name and camelCase', () => {
  const src = makeElement('videotestsrc');
  assert.type(src.isLive, 'function');
  assert.is(getProp(src, 'is-live'), false);
  setProps(src, { isLive: true });
  assert.is(getProp(src, 'isLive'), true);
  assert.is((src.isLive as () => boolean)(), true, 'the method sees it');
});

test('64-bit integers: number or bigint in, bigint out, range checked', () => {
  const queue = makeElement('queue');
  setProps(queue, { 'max-size-time': 5_000_000_000 });
  assert.is(getProp(queue, 'max-size-time'), 5_000_000_000n);
  setProps(queue, { maxSizeTime: 2n ** 40n });
  assert.is(getProp(queue, 'maxSizeTime'), 2n ** 40n);
  const src = makeElement('videotestsrc');
  assert.throws(
    () => setProps(src, { 'timestamp-offset': -1 }),
    (e: Error) => e instanceof RangeError && /timestamp-offset: -1 is out of range \(accepted: 0 to 9223372036854775807\)/.test(e.message),
  );
});

test('flags by nick, joined by +', () => {
  const playbin = makeElement('playbin');
  setProps(playbin, { flags: 'video+audio' });
  assert.is(getProp(playbin, 'flags'), 'video+audio');
  setProps(playbin, { flags: 1 | 2 | 4 } as never);
  assert.is(getProp(playbin, 'flags'), 'video+audio+text');
  assert.throws(
    () => setProps(playbin, { flags: 'video+sound' }),
    (e: Error) => e instanceof RangeError && /playbin\.flags: "sound" is not one of nicks joined by '\+': video, audio/.test(e.message),
  );
});

test('bad input: a value not among the nicks, out of range, read-only, unknown name; nothing set', () => {
  const src = makeElement('videotestsrc');
  assert.throws(
    () => setProps(src, { pattern: 'balls' } as never),
    (e: Error) => e instanceof RangeError && /videotestsrc\.pattern: "balls" is not one of smpte, snow/.test(e.message),
  );
  assert.throws(
    () => setProps(src, { numBuffers: 5, horizontalSpeed: 2 ** 40 }),
    (e: Error) =>
      e instanceof RangeError && /horizontal-speed: 1099511627776 is out of range \(accepted: -2147483648 to 2147483647\)/.test(e.message),
  );
  assert.is(src.numBuffers, -1, 'nothing set when one value fails');
  const sink = makeElement('fakesink');
  assert.throws(
    () => setProps(sink, { 'last-sample': null } as never),
    (e: Error) => e instanceof TypeError && /fakesink\.last-sample is read-only/.test(e.message),
  );
  assert.throws(
    () => getProp(src, 'patern' as never),
    (e: Error) => e instanceof RangeError && /videotestsrc has no property "patern"/.test(e.message),
  );
});

test('makeElement: typed by factory; a factory not installed is a GstError naming the package', () => {
  assert.instance(makeElement('appsink', 'sink'), Gst.Element);
  assert.throws(
    () => makeElement('x264enc-missing'),
    (e: Error) => e instanceof GstError && /no element factory "x264enc-missing"/.test(e.message),
  );
  if (!Gst.ElementFactory.find('x264enc'))
    assert.throws(
      () => makeElement('x264enc'),
      (e: Error) => e instanceof GstError && /Debian package gstreamer1.0-plugins-ugly/.test(e.message),
    );
});

test('GstPipeline.getByName(name, factory): the element, checked to be made by that factory', () => {
  const pipeline = new GstPipeline('videotestsrc name=src num-buffers=1 ! fakesink name=sink');
  try {
    const src = pipeline.getByName('src', 'videotestsrc');
    assert.ok(src);
    setProps(src, { pattern: 'snow' });
    assert.is(getProp(src, 'pattern'), 'snow');
    assert.throws(
      () => pipeline.getByName('sink', 'videotestsrc'),
      (e: Error) => e instanceof TypeError && /"sink" is made by fakesink, not by videotestsrc/.test(e.message),
    );
    assert.is(pipeline.getByName('none', 'videotestsrc'), null);
  } finally {
    pipeline[Symbol.dispose]();
  }
});

test('signals beyond the typelibs: connectSignal and emitSignal, typed by the element typings', async () => {
  const pipeline = new GstPipeline('videotestsrc num-buffers=3 ! fakesink name=sink signal-handoffs=true sync=false');
  try {
    const sink = pipeline.getByName('sink', 'fakesink');
    assert.ok(sink);
    const seen: string[] = [];
    connectSignal(sink, 'handoff', (buffer, pad) => {
      seen.push(`${buffer instanceof Gst.Buffer} ${pad?.getName()}`);
    });
    pipeline.startup();
    await pipeline.done;
    assert.equal(seen, ['true sink', 'true sink', 'true sink']);
  } finally {
    pipeline[Symbol.dispose]();
  }
  const udp = makeElement('multiudpsink');
  emitSignal(udp, 'add', '127.0.0.1', 5004);
  assert.is(getProp(udp, 'clients'), '127.0.0.1:5004');
  emitSignal(udp, 'add', '127.0.0.1', 5006);
  emitSignal(udp, 'remove', '127.0.0.1', 5004);
  assert.is(getProp(udp, 'clients'), '127.0.0.1:5006');
});

test.run();
