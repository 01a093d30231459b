/**
 * src/element/: what registerElement makes of a class (GStreamer's factory facts: type name,
 * metadata and its defaults, rank, pad template caps, GObject properties with their ranges and
 * defaults) and every refusal, with its message: classes, names, formats, property specs, and
 * values set from JavaScript. In-process, no pipeline runs.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Gst, GstStateError, GstVideoAnalyzer, GstVideoFilter, GstVideoTransform, registerElement, type VideoFilterFrame } from '../src';
import { native, type ParamDescription } from '../src/native';

/** What the registry says of a factory, its own properties only. */
function described(factory: string): NonNullable<ReturnType<typeof native.describeElement>> {
  const description = native.describeElement(factory);
  if (!description) throw new Error(`${factory}: not registered`);
  return { ...description, properties: description.properties.filter((p) => p.owner.startsWith('GstTs_')) };
}

function property(factory: string, name: string): ParamDescription {
  const found = described(factory).properties.find((p) => p.name === name);
  if (!found) throw new Error(`${factory}: no property ${name}`);
  return found;
}

/** The instance behind a new element of `factory` (made by GStreamer, as in a pipeline). */
function instanceOf<T extends GstVideoFilter | GstVideoAnalyzer | GstVideoTransform>(klass: abstract new () => T, factory: string): T {
  const element = Gst.ElementFactory.make(factory, null);
  if (!element) throw new Error(`${factory}: not made`);
  return (klass as unknown as { from(element: Gst.Element): T }).from(element);
}

const CAPS_TAIL = 'width=(int)[ 1, 2147483647 ], height=(int)[ 1, 2147483647 ], framerate=(fraction)[ 0/1, 2147483647/1 ]';

class Plain extends GstVideoFilter {
  static elementName = 'test-reg-plain-x';
  static formats = ['RGB', 'GRAY8'];
  transformFrameIp(): void {}
}
registerElement(Plain);

class Watcher extends GstVideoAnalyzer {
  static elementName = 'test_reg_watcher';
  static formats = ['GRAY8'];
  static rank = 7;
  static metadata = { author: 'someone' };
  analyzeFrame(): void {}
}
registerElement(Watcher);

class Resizer extends GstVideoTransform {
  static elementName = 'test_reg_resizer';
  static formats = ['GRAY8'];
  outputSize(width: number, height: number): [number, number] {
    return [width, height];
  }
  transformFrame(): void {}
}
registerElement(Resizer);

class Props extends GstVideoFilter {
  static elementName = 'test_reg_props';
  static formats = ['GRAY8'];
  static properties = {
    i: { type: 'int' },
    d: { type: 'double' },
    b: { type: 'boolean' },
    s: { type: 'string' },
    neg: { type: 'int', minimum: -10, maximum: -3, description: 'all below zero' },
    pos: { type: 'int', minimum: 5, maximum: 10 },
    point: { type: 'int', minimum: 3, maximum: 3, default: 3 },
    frac: { type: 'double', minimum: 0.25, maximum: 0.75 },
    wide: { type: 'int', minimum: -(2 ** 31), maximum: 2 ** 31 - 1, default: 2 ** 31 - 1 },
    low: { type: 'double', minimum: -Number.MAX_VALUE, default: -Number.MAX_VALUE },
    on: { type: 'boolean', default: true },
    named: { type: 'string', default: 'hello' },
  } as const;
  declare i: number;
  declare d: number;
  declare b: boolean;
  declare s: string | null;
  declare neg: number;
  declare pos: number;
  declare point: number;
  declare frac: number;
  declare on: boolean;
  declare named: string | null;
  transformFrameIp(): void {}
}
registerElement(Props);

test('a filter without metadata: type name from its elementName, class name as long name, the default klass, description, author and rank', () => {
  const facts = described('test-reg-plain-x');
  assert.is(facts.typeName, 'GstTs_test_reg_plain_x', "every '-' becomes '_'");
  assert.equal(facts.ancestry.slice(0, 2), ['GstTs_test_reg_plain_x', 'GstVideoFilter']);
  assert.is(facts.longName, 'Plain');
  assert.is(facts.klass, 'Filter/Video');
  assert.is(facts.description, 'Plain, written in TypeScript');
  const factory = Gst.ElementFactory.find('test-reg-plain-x')!;
  assert.is(factory.getMetadata('author'), 'gstreamer-ts user');
  assert.is(factory.getRank(), 0);
  assert.equal(
    facts.padTemplates.map((t) => [t.name, t.direction, t.presence, t.caps]),
    [
      ['sink', 'sink', 'always', `video/x-raw, format=(string){ RGB, GRAY8 }, ${CAPS_TAIL}`],
      ['src', 'src', 'always', `video/x-raw, format=(string){ RGB, GRAY8 }, ${CAPS_TAIL}`],
    ],
  );
  assert.equal(facts.properties, [], 'no properties of its own');
});

test('an analyzer: the analyzer klass, its rank and the metadata it gives; the rest are the defaults', () => {
  const facts = described('test_reg_watcher');
  assert.is(facts.klass, 'Filter/Analyzer/Video');
  assert.is(facts.longName, 'Watcher');
  assert.is(facts.description, 'Watcher, written in TypeScript');
  const factory = Gst.ElementFactory.find('test_reg_watcher')!;
  assert.is(factory.getMetadata('author'), 'someone');
  assert.is(factory.getRank(), 7);
  assert.is(described('test_reg_resizer').klass, 'Filter/Video', 'a transform is a filter');
});

test('instances: one per element, of the class registered, made only by GStreamer', () => {
  const watcher = instanceOf(Watcher, 'test_reg_watcher');
  assert.instance(watcher, Watcher);
  assert.instance(instanceOf(Resizer, 'test_reg_resizer'), Resizer);
  assert.throws(
    () => new Plain(),
    (e: unknown) => e instanceof TypeError && /^Plain is made by GStreamer: register it \(registerElement\)/.test(e.message),
  );
  const fakesink = Gst.ElementFactory.make('fakesink', 'sink1')!;
  assert.throws(
    () => Plain.from(fakesink),
    (e: unknown) => e instanceof TypeError && e.message === 'GstFakeSink "sink1" is not an element of Plain',
  );
  for (const [value, shown] of [
    [null, 'null'],
    [5, '5'],
    [{ name: 'n' }, 'Object "n"'],
    [{ name: 5 }, 'Object'],
    [Object.create(null), 'object'],
  ] as const)
    assert.throws(
      () => Plain.from(value as never),
      (e: unknown) => e instanceof TypeError && e.message === `${shown} is not an element of Plain`,
    );
  const plain = Gst.ElementFactory.make('test-reg-plain-x', 'p1')!;
  assert.throws(
    () => Watcher.from(plain),
    (e: unknown) => e instanceof TypeError && e.message === 'element "p1" is a Plain, not a Watcher',
  );
  assert.is(GstVideoFilter.from(plain), Plain.from(plain), 'from() of a base class finds the subclass instance');
});

test('properties: GObject ranges and defaults filled in from the spec, nick the name, blurb the description or the name', () => {
  const p = (name: string) => property('test_reg_props', name);
  const facts = (name: string) => {
    const { nick, blurb, valueType, minimum, maximum, default: def, readable, writable } = p(name);
    return { nick, blurb, valueType, minimum, maximum, default: def, readable, writable };
  };
  const rw = { readable: true, writable: true };
  assert.equal(facts('i'), { nick: 'i', blurb: 'i', valueType: 'gint', minimum: -(2 ** 31), maximum: 2 ** 31 - 1, default: 0, ...rw });
  assert.equal(facts('d'), {
    nick: 'd',
    blurb: 'd',
    valueType: 'gdouble',
    minimum: -Number.MAX_VALUE,
    maximum: Number.MAX_VALUE,
    default: 0,
    ...rw,
  });
  assert.equal(facts('b'), { nick: 'b', blurb: 'b', valueType: 'gboolean', minimum: null, maximum: null, default: false, ...rw });
  assert.is(p('s').valueType, 'gchararray');
  assert.equal(facts('neg'), { nick: 'neg', blurb: 'all below zero', valueType: 'gint', minimum: -10, maximum: -3, default: -3, ...rw });
  assert.equal([p('pos').minimum, p('pos').maximum, p('pos').default], [5, 10, 5], 'the end of the range nearest to 0');
  assert.equal([p('point').minimum, p('point').maximum, p('point').default], [3, 3, 3]);
  assert.equal([p('frac').minimum, p('frac').maximum, p('frac').default], [0.25, 0.75, 0.25]);
  assert.equal([p('wide').minimum, p('wide').maximum, p('wide').default], [-(2 ** 31), 2 ** 31 - 1, 2 ** 31 - 1]);
  assert.equal([p('low').minimum, p('low').default], [-Number.MAX_VALUE, -Number.MAX_VALUE]);
  assert.is(p('on').default, true);
  assert.is(p('named').default, 'hello');

  const props = instanceOf(Props, 'test_reg_props');
  assert.equal([props.i, props.d, props.b, props.s, props.neg, props.pos, props.on, props.named], [0, 0, false, '', -3, 5, true, 'hello']);
  const descriptor = Object.getOwnPropertyDescriptor(Props.prototype, 'neg')!;
  assert.is(descriptor.configurable, true);
  assert.is(descriptor.enumerable, true);
  assert.ok(Object.keys(Props.prototype).includes('named'));
});

test('values set from JavaScript: the range ends are taken, anything else is a TypeError or RangeError naming the property, and changes nothing', () => {
  const props = instanceOf(Props, 'test_reg_props');
  const refused = (set: () => void, type: typeof TypeError | typeof RangeError, message: string) =>
    assert.throws(set, (e: unknown) => e instanceof type && e.message === message);
  props.pos = 10;
  props.pos = 5;
  assert.is(props.pos, 5);
  refused(() => (props.pos = 4), RangeError, 'property "pos": 4 is out of range [5, 10]');
  refused(() => (props.pos = 11), RangeError, 'property "pos": 11 is out of range [5, 10]');
  refused(() => (props.pos = 7.5), TypeError, 'property "pos" takes an integer, got 7.5');
  refused(() => (props.pos = Number.NaN), TypeError, 'property "pos" takes an integer, got NaN');
  refused(() => ((props as unknown as { pos: string }).pos = '7'), TypeError, 'property "pos" takes an integer, got 7');
  assert.is(props.pos, 5);
  props.frac = 0.5;
  assert.is(props.frac, 0.5, 'a double takes fractions');
  props.frac = 0.75;
  props.frac = 0.25;
  refused(() => (props.frac = Number.NaN), TypeError, 'property "frac" takes a number, got NaN');
  refused(() => ((props as unknown as { frac: string }).frac = 'x'), TypeError, 'property "frac" takes a number, got x');
  refused(() => (props.frac = 0.8), RangeError, 'property "frac": 0.8 is out of range [0.25, 0.75]');
  refused(() => (props.frac = 0.2), RangeError, 'property "frac": 0.2 is out of range [0.25, 0.75]');
  assert.is(props.frac, 0.25);
  props.on = false;
  assert.is(props.on, false);
  refused(() => ((props as unknown as { on: number }).on = 1), TypeError, 'property "on" takes a boolean, got 1');
  assert.is(props.on, false);
  props.named = 'other';
  assert.is(props.named, 'other');
  props.named = null;
  assert.is(props.named, null, 'a string property takes null');
  refused(() => ((props as unknown as { named: number }).named = 5), TypeError, 'property "named" takes a string, got 5');
  assert.is(props.named, null);
});

/** A filter class named `name` with `statics`, as registerElement reads them. */
function filterClass(statics: Record<string, unknown>): typeof GstVideoFilter {
  class Candidate extends GstVideoFilter {
    transformFrameIp(_frame: VideoFilterFrame): void {}
  }
  Object.assign(Candidate, { formats: ['GRAY8'], ...statics });
  return Candidate;
}

function refusal(statics: Record<string, unknown>): Error {
  try {
    registerElement(filterClass(statics) as never);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`registered: ${JSON.stringify(statics)}`);
}

test('classes and names refused, with what is wrong', () => {
  class Stray {
    static elementName = 'test_reg_stray';
    static formats = ['GRAY8'];
    transformFrameIp(): void {}
  }
  assert.throws(
    () => registerElement(Stray as never),
    (e: unknown) =>
      e instanceof TypeError && e.message === 'registerElement: Stray must extend GstVideoFilter, GstVideoAnalyzer or GstVideoTransform',
  );
  const named = (elementName: unknown) => refusal({ elementName });
  for (const bad of [undefined, 42, '', '1abc', '_abc', 'ab c', 'abc!', 'ab.c']) {
    const error = named(bad);
    assert.instance(error, TypeError, String(bad));
    assert.is(
      error.message,
      `registerElement: Candidate needs a static elementName of letters, digits, '_' and '-', got ${String(bad)}`,
      String(bad),
    );
  }
  assert.is(Gst.ElementFactory.find('ab'), null);
});

test('formats refused: not a list, an empty list, a name GStreamer does not know, a value that is no name', () => {
  const formats = (value: unknown) => refusal({ elementName: 'test_reg_bad_formats', formats: value });
  for (const bad of ['GRAY8', [], undefined]) {
    const error = formats(bad);
    assert.instance(error, TypeError);
    assert.is(error.message, 'Candidate: static formats must list at least one video format', String(bad));
  }
  for (const [bad, shown] of [
    [['GRAY8', 'NOPE'], 'NOPE'],
    [[7], '7'],
    [['GRAY8', null], 'null'],
  ] as const) {
    const error = formats(bad);
    assert.instance(error, TypeError);
    assert.is(error.message, `Candidate: unknown video format ${shown}`);
  }
  assert.is(Gst.ElementFactory.find('test_reg_bad_formats'), null, 'nothing registered');
});

test('property specs refused: names, types, integer bounds, ranges (a RangeError with the figures)', () => {
  const spec = (properties: Record<string, unknown>) => refusal({ elementName: 'test_reg_bad_props', properties });
  for (const name of ['1x', 'a b', 'x!', '-x', '']) {
    const error = spec({ [name]: { type: 'int' } });
    assert.instance(error, TypeError);
    assert.is(error.message, `property "${name}": names are letters, digits, '-' and '_', starting with a letter`);
  }
  const unknown = spec({ x: { type: 'float' } });
  assert.instance(unknown, TypeError);
  assert.is(unknown.message, 'property "x": unknown type float (int, double, boolean or string)');
  for (const bad of [{ minimum: 0.5 }, { maximum: 9.5 }, { default: 1.5 }]) {
    const error = spec({ x: { type: 'int', ...bad } });
    assert.instance(error, TypeError, JSON.stringify(bad));
    assert.is(error.message, 'property "x": an int property needs integer minimum, maximum and default');
  }
  const ranges: [Record<string, unknown>, string][] = [
    [{ type: 'int', minimum: -(2 ** 31) - 1 }, `${-(2 ** 31) - 1} <= 0 <= ${2 ** 31 - 1}`],
    [{ type: 'int', maximum: 2 ** 31 }, `${-(2 ** 31)} <= 0 <= ${2 ** 31}`],
    [{ type: 'double', minimum: -Infinity }, `-Infinity <= 0 <= ${Number.MAX_VALUE}`],
    [{ type: 'double', maximum: Infinity }, `${-Number.MAX_VALUE} <= 0 <= Infinity`],
    [{ type: 'int', minimum: 5, maximum: 1, default: 3 }, '5 <= 3 <= 1'],
    [{ type: 'int', minimum: 0, maximum: 10, default: -1 }, '0 <= -1 <= 10'],
    [{ type: 'int', minimum: 0, maximum: 10, default: 11 }, '0 <= 11 <= 10'],
    [{ type: 'double', minimum: 0, maximum: 1, default: 1.5 }, '0 <= 1.5 <= 1'],
  ];
  for (const [bad, figures] of ranges) {
    const error = spec({ x: bad });
    assert.instance(error, RangeError, JSON.stringify(bad));
    assert.is(error.message, `property "x": needs minimum <= default <= maximum within the type's range, got ${figures}`);
  }
  assert.is(Gst.ElementFactory.find('test_reg_bad_props'), null, 'nothing registered');
});

test('a class registered once: a second registration is a GstStateError that says so', () => {
  assert.throws(
    () => registerElement(Plain),
    (e: unknown) =>
      e instanceof GstStateError &&
      e.message === 'registerElement: Plain is registered already (register a class once; Cls.from(element) finds its instances)',
  );
});

test('the instance of an element GStreamer finalized is let go (collected once the next instance is made)', async () => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const collect = async () => {
    for (let i = 0; i < 5; i++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const weak = ((): WeakRef<Watcher> => new WeakRef(instanceOf(Watcher, 'test_reg_watcher')))();
  await collect(); // the element goes: GStreamer finalizes it
  assert.instance(instanceOf(Watcher, 'test_reg_watcher'), Watcher);
  await collect();
  assert.is(weak.deref(), undefined, 'the first instance is gone');
});

test.run();
