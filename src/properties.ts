/**
 * Elements typed by factory name, and their properties read and written as a launch description
 * writes them (docs/typings.md, "Element typings"): `makeElement('videotestsrc')` gives a
 * `VideotestsrcElement`; `setProps(src, { pattern: 'ball', isLive: true })` and
 * `getProp(src, 'is-live')` reach every property, enums and flags by nick and those whose
 * camelCase name is a method (`is-live` vs `GstBase.BaseSrc.isLive()`), checking each value
 * against the property's range or nicks before GStreamer sees it (GStreamer only warns).
 * The types come from typings/elements.d.ts (scripts/element-typings.js); the checks from the
 * running GStreamer's registry (src/native/params.cc).
 */
import type { ElementsByFactory, properties, signals } from '../typings/elements';
import { GstError, describeValue, packageOfElement } from './errors';
import { Gst } from './gi';
import { native, type ElementDescription, type ParamDescription } from './native';

export type { ElementsByFactory, Flags, PropertiesByFactory } from '../typings/elements';

/** A factory name the element typings know ('videotestsrc'). */
export type ElementFactoryName = keyof ElementsByFactory;

/** The element type a factory makes: its typed interface, or `Gst.Element` for a factory the typings do not know. */
export type ElementOf<F extends string> = F extends keyof ElementsByFactory ? ElementsByFactory[F] : Gst.Element;

/** An element type's properties by launch-description name (`'is-live'`), or any name for an untyped element. */
export type PropertiesOf<E> = E extends { readonly [properties]?: infer P }
  ? unknown extends P
    ? Record<string, unknown>
    : NonNullable<P>
  : Record<string, unknown>;

/** `'is-live'` → `'isLive'`: the camelCase spelling setProps and getProp also accept. */
export type CamelName<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<CamelName<T>>}` : S;

type IfEquals<X, Y, A, B> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? A : B;
/** The keys of T that are not readonly (read-only and construct-only properties are). */
export type WritableKeys<T> = { [K in keyof T]-?: IfEquals<{ [Q in K]: T[K] }, { -readonly [Q in K]: T[K] }, K, never> }[keyof T];

/** What setProps accepts for a property whose value reads as V: 64-bit integers as number too, caps as a string too. */
export type SettableValue<V> = V extends bigint ? bigint | number : V extends Gst.Caps ? Gst.Caps | string : V;

/** The object setProps takes for element type E: writable properties, by launch name or camelCase. */
export type SettableProps<E> = {
  [K in WritableKeys<PropertiesOf<E>> & string as K | CamelName<K>]?: SettableValue<PropertiesOf<E>[K]>;
};

/** A property name getProp takes for element type E, by launch name or camelCase. */
export type PropName<E> = { [K in keyof PropertiesOf<E> & string]: K | CamelName<K> }[keyof PropertiesOf<E> & string];

/** The launch name of a property name of E given by launch name or camelCase. */
type LaunchName<E, N> = { [K in keyof PropertiesOf<E> & string]: N extends K | CamelName<K> ? K : never }[keyof PropertiesOf<E> & string];

/** What getProp gives for property N of E: enums and flags as nicks, 64-bit integers as bigint. */
export type PropValue<E, N> = PropertiesOf<E>[LaunchName<E, N> & keyof PropertiesOf<E>];

/**
 * Makes an element of `factory`, typed by it (`makeElement('videotestsrc')` is a
 * `VideotestsrcElement`). Throws a GstError naming the Debian package that provides the factory
 * when it is not installed (`Gst.ElementFactory.make` returns null there).
 */
export function makeElement<F extends ElementFactoryName>(factory: F, name?: string | null): ElementsByFactory[F];
export function makeElement(factory: string, name?: string | null): Gst.Element;
export function makeElement(factory: string, name: string | null = null): Gst.Element {
  if (typeof factory !== 'string') throw new TypeError(`makeElement(factory): factory must be a string, got ${describeValue(factory)}`);
  const element = Gst.ElementFactory.make(factory, name);
  if (element) return element;
  throw new GstError(missingFactory(factory));
}

/** The message for a factory that is not installed. @internal */
export function missingFactory(factory: string): string {
  const pkg = packageOfElement(factory);
  return pkg
    ? `no element factory "${factory}": it comes with the Debian package ${pkg} (apt-get install ${pkg})`
    : `no element factory "${factory}": no installed plugin provides it (gst-inspect-1.0 lists the elements there are)`;
}

const descriptions = new Map<string, ElementDescription | null>();

function describe(element: Gst.Element): { factory: string; properties: Map<string, ParamDescription> } {
  if (!(element instanceof Gst.Element)) throw new TypeError(`expected a Gst.Element, got ${describeValue(element)}`);
  const factory = element.getFactory()?.getName() ?? null;
  if (factory === null) throw new TypeError(`${element.getName()} has no element factory: its properties cannot be looked up`);
  let d = descriptions.get(factory);
  if (d === undefined) {
    d = native.describeElement(factory);
    descriptions.set(factory, d);
  }
  if (!d) throw new GstError(missingFactory(factory));
  const props = new Map<string, ParamDescription>();
  for (const p of d.properties) props.set(p.name, p);
  return { factory, properties: props };
}

/** 'isLive' → 'is-live' as CamelName spells it; launch names pass unchanged ('_' is '-' to GObject). */
function findProperty(element: Gst.Element, key: string): { factory: string; spec: ParamDescription } {
  const { factory, properties } = describe(element);
  const canonical = key.replace(/_/g, '-');
  let spec = properties.get(canonical);
  if (!spec) for (const p of properties.values()) if (p.name.replace(/-(.)/g, (_, c: string) => c.toUpperCase()) === key) spec = p;
  if (!spec) throw new RangeError(`${factory} has no property "${key}" (it has: ${[...properties.keys()].join(', ')})`);
  return { factory, spec };
}

const INT_FUNDAMENTALS = new Set(['gchar', 'guchar', 'gint', 'guint', 'glong', 'gulong', 'gint64', 'guint64']);
const NUMBER_FUNDAMENTALS = new Set([...INT_FUNDAMENTALS, 'gfloat', 'gdouble']);

function accepted(spec: ParamDescription): string {
  if (spec.values)
    return spec.fundamental === 'GFlags'
      ? `nicks joined by '+': ${spec.values.map((v) => v.nick).join(', ')}`
      : spec.values.map((v) => v.nick).join(', ');
  return `${String(spec.minimum)} to ${String(spec.maximum)}`;
}

/** Checks `value` for `spec` and gives the launch-description text or plain value GStreamer gets. */
function toGst(factory: string, spec: ParamDescription, value: unknown): { text: string } | { value: unknown } {
  const where = `${factory}.${spec.name}`;
  if (spec.fundamental === 'GEnum' || spec.fundamental === 'GFlags') {
    const values = spec.values ?? [];
    if (typeof value === 'number') {
      // a number (what node-gtk's accessor reads) goes in as its nicks
      if (spec.fundamental === 'GEnum') {
        const v = values.find((x) => x.value === value);
        if (!v) throw new RangeError(`${where}: ${value} is not one of ${values.map((x) => `${x.value} (${x.nick})`).join(', ')}`);
        return { text: v.nick };
      }
      const nicks: string[] = [];
      let rest = value;
      for (const x of values)
        if (x.value !== 0 && (rest & x.value) === x.value) {
          nicks.push(x.nick);
          rest &= ~x.value;
        }
      if (!Number.isInteger(value) || rest !== 0)
        throw new RangeError(`${where}: ${value} has bits that are none of ${values.map((x) => `${x.value} (${x.nick})`).join(', ')}`);
      return { text: nicks.join('+') };
    }
    if (typeof value !== 'string') throw new TypeError(`${where}: expected a nick (${accepted(spec)}), got ${describeValue(value)}`);
    const nicks = spec.fundamental === 'GFlags' ? value.split('+').filter((n) => n !== '') : [value];
    for (const n of nicks) if (!values.some((x) => x.nick === n)) throw new RangeError(`${where}: "${n}" is not one of ${accepted(spec)}`);
    return { text: nicks.join('+') };
  }
  if (NUMBER_FUNDAMENTALS.has(spec.fundamental)) {
    if (typeof value !== 'number' && typeof value !== 'bigint')
      throw new TypeError(`${where}: expected a number, got ${describeValue(value)}`);
    if (typeof value === 'number' && INT_FUNDAMENTALS.has(spec.fundamental) && !Number.isInteger(value))
      throw new RangeError(`${where}: ${value} is not an integer (accepted: ${accepted(spec)})`);
    const big = typeof value === 'bigint';
    const lo = spec.minimum;
    const hi = spec.maximum;
    const below = lo !== null && (big || typeof lo === 'bigint' ? BigInt(value) < BigInt(lo) : value < lo);
    const above = hi !== null && (big || typeof hi === 'bigint' ? BigInt(value) > BigInt(hi) : value > hi);
    if (Number.isNaN(value) || below || above)
      throw new RangeError(`${where}: ${describeValue(value)} is out of range (accepted: ${accepted(spec)})`);
    return { text: String(value) };
  }
  if (spec.fundamental === 'gboolean') {
    if (typeof value !== 'boolean') throw new TypeError(`${where}: expected a boolean, got ${describeValue(value)}`);
    return { value };
  }
  if (spec.valueType === 'GstCaps' && typeof value === 'string') {
    if (!Gst.Caps.fromString(value)) throw new RangeError(`${where}: "${value}" is not caps`);
    return { text: value };
  }
  if (spec.fundamental === 'gchararray' && value !== null && typeof value !== 'string')
    throw new TypeError(`${where}: expected a string or null, got ${describeValue(value)}`);
  return { value };
}

/**
 * Sets properties of `element` as a launch description does: by launch name (`'is-live'`) or
 * camelCase (`isLive`), enums and flags by nick (`pattern: 'ball'`, `flags: 'video+audio'`).
 * Every value is checked first: a name the element lacks, a value out of range or not among the
 * nicks is a RangeError naming the property, the value and what is accepted; a read-only or
 * construct-only property a TypeError. Nothing is set unless every value passes.
 */
export function setProps<E extends Gst.Element>(element: E, props: SettableProps<E>): void {
  if (typeof props !== 'object' || props === null)
    throw new TypeError(`setProps(element, props): props must be an object, got ${describeValue(props)}`);
  const checked: [ParamDescription, { text: string } | { value: unknown }][] = [];
  for (const [key, value] of Object.entries(props as Record<string, unknown>)) {
    const { factory, spec } = findProperty(element, key);
    if (!spec.writable || spec.constructOnly)
      throw new TypeError(`${factory}.${spec.name} is ${spec.constructOnly ? 'construct-only' : 'read-only'}`);
    checked.push([spec, toGst(factory, spec, value)]);
  }
  for (const [spec, v] of checked) {
    if ('text' in v) Gst.utilSetObjectArg(element, spec.name, v.text);
    else element.setProperty(spec.name, v.value as never);
  }
}

/**
 * Reads a property of `element` by launch name or camelCase: enums and flags as their nicks
 * (flags joined by '+'), 64-bit integers as bigint. A name the element lacks is a RangeError, a
 * write-only property a TypeError.
 */
export function getProp<E extends Gst.Element, N extends PropName<E>>(element: E, name: N): PropValue<E, N>;
export function getProp(element: Gst.Element, name: string): unknown {
  const { factory, spec } = findProperty(element, name);
  if (!spec.readable) throw new TypeError(`${factory}.${spec.name} is write-only`);
  let value = (element.getProperty as (n: string) => unknown)(spec.name);
  if ((spec.fundamental === 'GEnum' || spec.fundamental === 'GFlags') && typeof value !== 'number') {
    // node-gtk's getProperty gives flags as an opaque GValue; its property accessor, the number
    const key = spec.name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()).replace(/-/g, '_');
    value = (element as unknown as Record<string, unknown>)[key];
  }
  if (spec.fundamental === 'GEnum' && typeof value === 'number') return spec.values?.find((v) => v.value === value)?.nick ?? value;
  if (spec.fundamental === 'GFlags' && typeof value === 'number') {
    const nicks: string[] = [];
    let rest = value;
    for (const v of spec.values ?? [])
      if (v.value !== 0 && (rest & v.value) === v.value) {
        nicks.push(v.nick);
        rest &= ~v.value;
      }
    return nicks.join('+');
  }
  return value;
}

/** An element type's signals beyond the typelibs' (handler types), or none for an untyped element. */
export type SignalsOf<E> = E extends { readonly [signals]?: infer S }
  ? unknown extends S
    ? Record<never, never>
    : NonNullable<S>
  : Record<never, never>;

type Handler = (...args: never[]) => unknown;
/** The arguments of a handler type. */
type ArgsOf<F> = F extends (...args: infer A) => unknown ? A : never;
/** The result of a handler type. */
type ResultOf<F> = F extends (...args: never[]) => infer R ? R : never;

/**
 * Connects a handler to a signal no typelib describes (`fakesink`'s `handoff`, `multiudpsink`'s
 * `client-added`), typed by the element typings: the handler gets the signal's arguments (not the
 * element) and returns what the signal expects. Returns the handler id (`element.disconnect(id)`).
 */
export function connectSignal<E extends Gst.Element, K extends keyof SignalsOf<E> & string>(
  element: E,
  name: K,
  handler: SignalsOf<E>[K],
): number {
  if (typeof handler !== 'function')
    throw new TypeError(`connectSignal(element, name, handler): handler must be a function, got ${describeValue(handler)}`);
  return (element.connect as (n: string, h: Handler) => number)(name, handler as Handler);
}

/** Emits an action signal no typelib describes (`multiudpsink`'s `add`, `get-stats`) and gives its result. */
export function emitSignal<E extends Gst.Element, K extends keyof SignalsOf<E> & string>(
  element: E,
  name: K,
  ...args: ArgsOf<SignalsOf<E>[K]>
): ResultOf<SignalsOf<E>[K]> {
  return (element.emit as (n: string, ...a: unknown[]) => ResultOf<SignalsOf<E>[K]>)(name, ...args);
}
