/**
 * GObject properties of elements written in TypeScript: how a class declares them, and the
 * checks a value passes before it reaches GStreamer (GStreamer itself only warns and ignores).
 */

/** An integer property (a GObject `gint`). */
export interface IntPropertySpec {
  readonly type: 'int';
  /** default -2^31 */
  readonly minimum?: number;
  /** default 2^31 - 1 */
  readonly maximum?: number;
  /** default `minimum` when 0 is out of range, else 0 */
  readonly default?: number;
  /** shown by gst-inspect-1.0 */
  readonly description?: string;
}

/** A floating-point property (a GObject `gdouble`). */
export interface DoublePropertySpec {
  readonly type: 'double';
  readonly minimum?: number;
  readonly maximum?: number;
  readonly default?: number;
  readonly description?: string;
}

/** A boolean property. */
export interface BooleanPropertySpec {
  readonly type: 'boolean';
  readonly default?: boolean;
  readonly description?: string;
}

/** A string property (null when unset). */
export interface StringPropertySpec {
  readonly type: 'string';
  readonly default?: string;
  readonly description?: string;
}

/** One property of an element class (`static properties = { level: { type: 'int', ... } }`). */
export type PropertySpec = IntPropertySpec | DoublePropertySpec | BooleanPropertySpec | StringPropertySpec;

/** What the native side needs of one property. @internal */
export interface NativePropertyDef {
  name: string;
  nick: string;
  blurb: string;
  kind: PropertySpec['type'];
  minimum: number;
  maximum: number;
  default: number | boolean | string | undefined;
}

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

/** Checks a spec and fills in its defaults. @internal */
export function nativePropertyDef(name: string, spec: PropertySpec): NativePropertyDef {
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name))
    throw new TypeError(`property "${name}": names are letters, digits, '-' and '_', starting with a letter`);
  const blurb = spec.description ?? name;
  switch (spec.type) {
    case 'int':
    case 'double': {
      const wide = spec.type === 'int' ? [INT_MIN, INT_MAX] : [-Number.MAX_VALUE, Number.MAX_VALUE];
      const minimum = spec.minimum ?? wide[0];
      const maximum = spec.maximum ?? wide[1];
      const fallback = Math.min(Math.max(0, minimum), maximum); // 0, or the end of the range nearest to it
      const def = spec.default ?? fallback;
      if (spec.type === 'int' && ![minimum, maximum, def].every(Number.isInteger))
        throw new TypeError(`property "${name}": an int property needs integer minimum, maximum and default`);
      if (minimum < wide[0] || maximum > wide[1] || def < minimum || def > maximum)
        throw new RangeError(
          `property "${name}": needs minimum <= default <= maximum within the type's range, got ${minimum} <= ${def} <= ${maximum}`,
        );
      return { name, nick: name, blurb, kind: spec.type, minimum, maximum, default: def };
    }
    case 'boolean':
      return { name, nick: name, blurb, kind: 'boolean', minimum: 0, maximum: 1, default: spec.default ?? false };
    case 'string':
      return { name, nick: name, blurb, kind: 'string', minimum: 0, maximum: 0, default: spec.default };
    default:
      throw new TypeError(`property "${name}": unknown type ${String((spec as { type: unknown }).type)} (int, double, boolean or string)`);
  }
}

/** Checks a value set from JavaScript against its property (TypeError / RangeError, as GStreamer's range). @internal */
export function checkPropertyValue(def: NativePropertyDef, value: unknown): void {
  switch (def.kind) {
    case 'int':
    case 'double':
      if (typeof value !== 'number' || Number.isNaN(value) || (def.kind === 'int' && !Number.isInteger(value)))
        throw new TypeError(`property "${def.name}" takes ${def.kind === 'int' ? 'an integer' : 'a number'}, got ${String(value)}`);
      if (value < def.minimum || value > def.maximum)
        throw new RangeError(`property "${def.name}": ${value} is out of range [${def.minimum}, ${def.maximum}]`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') throw new TypeError(`property "${def.name}" takes a boolean, got ${String(value)}`);
      return;
    case 'string':
      if (typeof value !== 'string' && value !== null) throw new TypeError(`property "${def.name}" takes a string, got ${String(value)}`);
      return;
  }
}
