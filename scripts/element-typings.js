#!/usr/bin/env node
'use strict';
/**
 * Element typings: what the GStreamer registry knows of each element factory and no typelib holds
 * (docs/typings.md, "Element typings"). For every element factory installed it writes, into
 * `elements.d.ts`:
 *
 *  - `<Factory>Element` (`VideotestsrcElement`), the element as node-gtk hands it out: it extends
 *    the nearest class the GI namespaces know (`GstBase.PushSrc`) with an accessor for each own
 *    property node-gtk really defines (camelCase; enums and flags read as numbers there, 64-bit
 *    integers as bigint). A property whose camelCase name is an inherited method (`is-live` vs
 *    `GstBase.BaseSrc.isLive()`) has no accessor: setProps/getProp (src/properties.ts) reach it.
 *  - `<GType>Properties` (`GstVideoTestSrcProperties`), every property by the name a launch
 *    description uses, with the values it writes (enums and flags by nick), readonly where not
 *    writable after construction; blurb, range and default in TSDoc.
 *  - `<Factory>Signals`, the handler type of each signal GI does not describe (action signals
 *    marked), and the pad templates in the element's TSDoc.
 *  - `ElementsByFactory` and `PropertiesByFactory`, read by the typed `makeElement` and
 *    `GstPipeline.getByName(name, factory)`.
 *
 * The facts come from the registry through our native addon (src/native/params.cc) and from
 * node-gtk (which accessors it defines); the GI class names from the GI typings beside the output.
 * The output depends only on the installed GStreamer and plugins: `npm run typings -- --set`
 * writes it into the committed set (typings/gst-<major>.<minor>/), test/typings.test.ts checks
 * it is reproducible and test/element-conformance.test.ts that it agrees with the running
 * GStreamer.
 *
 * Usage: node scripts/element-typings.js [--outdir DIR] [--gi DIR] [--like ELEMENTS.D.TS]
 *   --outdir  where elements.d.ts goes (default typings/, what src/ reads)
 *   --gi      the GI typings whose class names it uses (default: the output directory)
 *   --like    only the factories that file covers (the reproducibility test regenerates a committed
 *             set this way, so a machine with more plugins than setup.sh installs still matches)
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
// the namespaces whose classes an element may extend, in the order a name is looked up
const GI_NAMESPACES = [
  ['GObject', 'GObject-2.0'],
  ['Gst', 'Gst-1.0'],
  ['GstBase', 'GstBase-1.0'],
  ['GstApp', 'GstApp-1.0'],
  ['GstVideo', 'GstVideo-1.0'],
  ['GstAudio', 'GstAudio-1.0'],
];

/** The addon and the GI namespaces: from src/ in a checkout, from dist/ in an installed package. */
function loadRuntime() {
  if (fs.existsSync(path.join(ROOT, 'src', 'native.ts'))) {
    require(require.resolve('ts-node', { paths: [ROOT] })).register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });
    return { native: require(path.join(ROOT, 'src', 'native.ts')).native, gi: require(path.join(ROOT, 'src', 'gi.js')) };
  }
  return { native: require(path.join(ROOT, 'dist', 'native.js')).native, gi: require(path.join(ROOT, 'dist', 'gi.js')) };
}

/** GType name ('GstBaseSrc') → TS class ('GstBase.BaseSrc') of every class the GI typings in `dir` declare. */
function giClasses(dir) {
  const map = new Map([
    ['GObject', 'GObject.Object'],
    ['GInitiallyUnowned', 'GObject.InitiallyUnowned'],
  ]);
  for (const [ns, file] of GI_NAMESPACES) {
    const text = fs.readFileSync(path.join(dir, `${file}.d.ts`), 'utf8');
    const prefix = ns === 'GObject' ? 'G' : 'Gst';
    for (const m of text.matchAll(/^export class (\w+)/gm)) {
      const cName = prefix + m[1];
      if (!map.has(cName)) map.set(cName, `${ns}.${m[1]}`);
    }
  }
  return map;
}

/**
 * The name node-gtk's property interceptor answers to for property `name` of a class no typelib
 * knows: it turns each capital of the JS name into '-' and its lower case ('scte35Pid' is looked
 * up as 'scte35-pid'), so 'scte-35-pid' is `scte_35Pid` ('_' is '-' to GObject). Null where no JS
 * name maps back (a capital in the property name).
 */
function accessorName(name) {
  if (/[A-Z]/.test(name)) return null;
  return name.replace(/[-_]([a-z])/g, (_, c) => c.toUpperCase()).replace(/-/g, '_');
}

/** node-gtk's member names for GI's names (its own camelCase, lodash's). */
const camelCase = require(require.resolve('lodash.camelcase', { paths: [path.dirname(require.resolve('node-gtk/package.json'))] }));

function pascal(name) {
  const c = camelCase(name);
  // a TS name cannot start with a digit ('3gppmux' → 'E3gppmux')
  return /^[0-9]/.test(c) ? `E${c}` : c.charAt(0).toUpperCase() + c.slice(1);
}

/** A TS identifier from a GType name. */
function ident(name) {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

function quote(s) {
  return JSON.stringify(s);
}

/** TSDoc text: no comment terminator inside. */
function doc(s) {
  // '@' would start a TSDoc tag ('@GST_AV1_ENC_ONE_PASS' in a blurb)
  return String(s).replace(/\*\//g, '*\\/').replace(/@/g, '&#64;').replace(/\s+$/g, '');
}

function isInt64(fundamental) {
  return fundamental === 'gint64' || fundamental === 'guint64' || fundamental === 'glong' || fundamental === 'gulong';
}
const NUMBER_FUNDAMENTALS = new Set(['gchar', 'guchar', 'gint', 'guint', 'gfloat', 'gdouble']);

/**
 * The TS type of a value of GType `type` (fundamental `fundamental`) as node-gtk hands it to JS:
 * enums and flags as numbers, 64-bit integers as bigint, objects and boxed types by their GI
 * class (nullable) where known.
 */
function nodeGtkType(type, fundamental, classes) {
  if (type === 'void') return 'void';
  if (fundamental === 'gboolean') return 'boolean';
  if (NUMBER_FUNDAMENTALS.has(fundamental) || fundamental === 'GEnum' || fundamental === 'GFlags') return 'number';
  if (isInt64(fundamental)) return 'bigint';
  if (fundamental === 'gchararray') return 'string | null';
  if (fundamental === 'GObject' || fundamental === 'GBoxed') {
    const cls = classes.get(type);
    if (cls) return `${cls} | null`;
    return fundamental === 'GObject' ? 'GObject.Object | null' : 'unknown';
  }
  return 'unknown';
}

/** The TS type of a property's value as a launch description writes it (setProps/getProp). */
function launchType(p, classes) {
  if (p.fundamental === 'GEnum') return p.values.map((v) => quote(v.nick)).join(' | ');
  if (p.fundamental === 'GFlags') {
    const nicks = p.values.filter((v) => v.value !== 0).map((v) => quote(v.nick));
    return nicks.length ? `Flags<${nicks.join(' | ')}>` : `''`;
  }
  if (p.fundamental === 'gchararray') return 'string | null';
  return nodeGtkType(p.valueType, p.fundamental, classes);
}

function formatValue(v) {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  return String(v);
}

/** The TSDoc of a property: blurb, launch name, type facts, range, default. */
function propertyDoc(p, indent, accessor) {
  const facts = [`\`${p.name}\`: ${p.valueType}`];
  if (!p.readable) facts.push('write-only');
  if (!p.writable) facts.push('read-only');
  if (p.constructOnly) facts.push('construct-only');
  if (p.minimum !== null) facts.push(`${formatValue(p.minimum)} to ${formatValue(p.maximum)}`);
  if (p.default !== null && p.default !== undefined) facts.push(`default ${formatValue(p.default)}`);
  const lines = [doc(p.blurb || p.nick || p.name), facts.join(', ')];
  if (accessor && (p.fundamental === 'GEnum' || p.fundamental === 'GFlags')) {
    lines.push('node-gtk reads and writes the number; setProps/getProp take the nick:');
    lines.push(p.values.map((v) => `${v.value} ${v.nick}`).join(', '));
  }
  if (p.deprecated) lines.push('@deprecated');
  return `${indent}/**\n${lines.map((l) => `${indent} * ${l}`).join('\n')}\n${indent} */\n`;
}

/**
 * What node-gtk gives for member `camel` of an element whose nearest GI class is `giClass`: a GI
 * method there wins ('method'); else node-gtk's property interceptor reads the property
 * ('accessor'). Only the GI prototypes are inspected: touching the element itself would read the
 * property (some cannot be read into JS at all).
 */
function memberKind(giClass, camel) {
  for (let o = giClass.prototype; o; o = Object.getPrototypeOf(o)) {
    const d = Object.getOwnPropertyDescriptor(o, camel);
    if (!d) continue;
    if (d.get || d.set) return 'accessor';
    return typeof d.value === 'function' ? 'method' : 'accessor';
  }
  return 'accessor';
}

/**
 * The factories an elements.d.ts covers (the keys of its ElementsByFactory): `--like` regenerates
 * a committed set for exactly its factories, so plugins installed beyond setup.sh's packages do
 * not change it.
 */
function factoriesOf(file) {
  const text = fs.readFileSync(file, 'utf8');
  const block = text.slice(text.indexOf('export interface ElementsByFactory {'));
  return [...block.slice(0, block.indexOf('\n}')).matchAll(/^ {2}("[^"]+"): /gm)].map((m) => JSON.parse(m[1]));
}

function describeAll(native, only) {
  const out = [];
  const installed = native.elementFactoryNames();
  if (only) {
    const have = new Set(installed);
    const missing = only.filter((f) => !have.has(f));
    if (missing.length) {
      throw new Error(
        `element typings: ${missing.length} element(s) of the set are not installed here: ${missing.slice(0, 12).join(', ')}` +
          `${missing.length > 12 ? ', ...' : ''} (bash scripts/setup.sh installs the plugins the sets cover; docs/typings.md)`,
      );
    }
  }
  const wanted = only ? new Set(only) : null;
  for (const factory of installed) {
    if (wanted && !wanted.has(factory)) continue;
    const d = native.describeElement(factory);
    if (d) out.push(d);
  }
  return out;
}

function generate(outdir, giDir, only) {
  const { native, gi } = loadRuntime();
  const Gst = gi.Gst;
  const classes = giClasses(giDir);
  const elements = describeAll(native, only);
  const version = Gst.version().slice(0, 3).join('.');
  const propsEmitted = new Set();
  const chunks = [];
  const factoryLines = [];
  const propsLines = [];
  const counts = { elements: 0, properties: 0, signals: 0, padTemplates: 0 };

  for (const d of elements) {
    counts.elements++;
    // the nearest ancestor (or the type itself) a GI namespace declares
    const baseIndex = d.ancestry.findIndex((t) => classes.has(t));
    const base = classes.get(d.ancestry[baseIndex]);
    const classTypes = new Set(d.ancestry);

    // one Properties interface per GType of the ancestry, each with the properties it owns
    // (properties of interfaces go with the element's own type)
    for (let i = d.ancestry.length - 1; i >= 0; i--) {
      const type = d.ancestry[i];
      const name = `${ident(type)}Properties`;
      if (propsEmitted.has(name)) continue;
      propsEmitted.add(name);
      const parent = i + 1 < d.ancestry.length ? `${ident(d.ancestry[i + 1])}Properties` : null;
      const own = d.properties.filter((p) => p.owner === type || (i === 0 && !classTypes.has(p.owner)));
      let text = `/** Properties of ${type} by the names a launch description uses, with its values (enums and flags by nick). */\n`;
      text += `export interface ${name}${parent ? ` extends ${parent}` : ''} {\n`;
      for (const p of own) {
        text += propertyDoc(p, '  ', false);
        text += `  ${p.writable && !p.constructOnly ? '' : 'readonly '}${quote(p.name)}: ${launchType(p, classes)}\n`;
      }
      text += '}\n';
      chunks.push(text);
    }
    counts.properties += d.properties.length;

    // accessors node-gtk defines for the properties GI does not describe
    const [baseNs, baseCls] = base.split('.');
    const giClass = gi[baseNs][baseCls];
    const accessors = [];
    for (const p of d.properties) {
      if (classes.has(p.owner)) continue;
      const camel = accessorName(p.name);
      if (!camel || memberKind(giClass, camel) !== 'accessor') continue;
      const t = nodeGtkType(p.valueType, p.fundamental, classes);
      // node-gtk cannot read pointers and some fundamentals (it aborts or warns): setProps/getProp only
      if (t === 'unknown') continue;
      let text = propertyDoc(p, '  ', true);
      if (!/^[A-Za-z_$][\w$]*$/.test(camel)) continue; // no identifier: setProps/getProp reach it
      text += `  ${p.writable && !p.constructOnly ? '' : 'readonly '}${camel}: ${t}\n`;
      accessors.push(text);
    }

    // signals GI does not describe: the element's own types' and its interfaces'
    const signals = d.signals.filter((s) => !classes.has(s.owner));
    counts.signals += signals.length;
    counts.padTemplates += d.padTemplates.length;
    const elementName = `${pascal(d.factory)}Element`;
    const signalsName = `${pascal(d.factory)}Signals`;
    let sig = `/** Signals of ${d.factory} beyond those of ${base}: the handler node-gtk calls (arguments without the element). */\n`;
    sig += `export interface ${signalsName} {\n`;
    for (const s of signals) {
      const params = s.paramTypes.map((t, i) => `arg${i}: ${nodeGtkType(t, s.paramFundamentals[i], classes)}`).join(', ');
      sig += `  /** ${s.action ? 'action signal (emit it)' : 'signal'} of ${s.owner}: (${s.paramTypes.join(', ')}) → ${s.returnType} */\n`;
      sig += `  ${quote(s.name)}: (${params}) => ${nodeGtkType(s.returnType, s.returnFundamental, classes)}\n`;
    }
    sig += '}\n';
    chunks.push(sig);

    const lines = [`${doc(d.longName || d.factory)}: \`${d.factory}\` (plugin ${d.plugin}, ${doc(d.klass || '')}), a ${d.typeName}.`];
    if (d.description) lines.push(doc(d.description));
    if (d.padTemplates.length) {
      lines.push('', 'Pad templates:');
      // by name: GStreamer lists them in registration order, or reversed when the registry comes
      // from its cache, so the order would change with the registry's state
      const byName = [...d.padTemplates].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const t of byName) lines.push(`- \`${t.name}\` ${t.direction}, ${t.presence}: ${doc(t.caps || 'ANY')}`);
    }
    let el = `/**\n${lines.map((l) => (l ? ` * ${l}` : ' *')).join('\n')}\n */\n`;
    el += `export interface ${elementName} extends ${base} {\n`;
    el += accessors.join('');
    el += `  /** type only (never present at run time): the properties setProps/getProp accept */\n`;
    el += `  readonly [properties]?: ${ident(d.typeName)}Properties\n`;
    el += `  /** type only (never present at run time): the signals GI does not describe */\n`;
    el += `  readonly [signals]?: ${signalsName}\n`;
    el += '}\n';
    chunks.push(el);
    factoryLines.push(`  ${quote(d.factory)}: ${elementName}\n`);
    propsLines.push(`  ${quote(d.factory)}: ${ident(d.typeName)}Properties\n`);
  }

  let head = `// Generated by scripts/element-typings.js from the GStreamer ${version} registry (${counts.elements} elements,\n`;
  head += `// ${counts.properties} properties, ${counts.signals} signals, ${counts.padTemplates} pad templates): regenerate, do not edit.\n`;
  head += `// docs/typings.md, "Element typings".\n\n`;
  for (const [ns, file] of GI_NAMESPACES) head += `import type * as ${ns} from './${file}.js'\n`;
  head += "\n/** Type-only key of an element type's launch-description properties (setProps/getProp). */\n";
  head += 'export declare const properties: unique symbol\n';
  head += "/** Type-only key of an element type's signals beyond GI's. */\n";
  head += 'export declare const signals: unique symbol\n';
  head += "/** A flags value as a launch description writes it: nicks joined by '+' ('' for none). */\n";
  // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source text, a template literal type
  head += "export type Flags<N extends string> = N | '' | `${N}+${string}`\n\n";
  let tail = '/** Every element factory the registry held, and the element type it makes. */\n';
  tail += `export interface ElementsByFactory {\n${factoryLines.join('')}}\n`;
  tail += '/** Every element factory and its properties as launch descriptions name them. */\n';
  tail += `export interface PropertiesByFactory {\n${propsLines.join('')}}\n`;
  fs.mkdirSync(outdir, { recursive: true });
  fs.writeFileSync(path.join(outdir, 'elements.d.ts'), `${head + chunks.join('\n')}\n${tail}`);
  return { version, counts };
}

function main(argv) {
  let outdir = path.join(ROOT, 'typings');
  let giDir = null;
  let only = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--outdir' && i + 1 < argv.length) outdir = path.resolve(argv[++i]);
    else if (argv[i] === '--gi' && i + 1 < argv.length) giDir = path.resolve(argv[++i]);
    else if (argv[i] === '--like' && i + 1 < argv.length) only = factoriesOf(path.resolve(argv[++i]));
    else {
      console.error('usage: node scripts/element-typings.js [--outdir DIR] [--gi DIR] [--like ELEMENTS.D.TS]');
      process.exit(2);
    }
  }
  let result;
  try {
    result = generate(outdir, giDir || outdir, only);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
  const { version, counts } = result;
  console.log(
    `element typings: ${counts.elements} elements, ${counts.properties} properties, ${counts.signals} signals, ` +
      `${counts.padTemplates} pad templates (GStreamer ${version}) in ${path.relative(process.cwd(), path.join(outdir, 'elements.d.ts'))}`,
  );
}

if (require.main === module) main(process.argv.slice(2));

module.exports = { main, generate, camelCase, accessorName, launchType, nodeGtkType, giClasses };
