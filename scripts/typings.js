#!/usr/bin/env node
'use strict';
/**
 * `npm run typings`: regenerates the typings from this machine's GObject-introspection typelibs
 * (docs/typings.md: one committed set per GStreamer version, selected by scripts/typings-select.js).
 *
 * Step 1 runs node-gtk's own generator (node-gtk/tools/generate-types.js) for GLib, GObject, Gst,
 * GstBase, GstApp, GstVideo and GstAudio (GModule comes along as a dependency) into a scratch directory.
 * Step 2 is our overlay: it edits that output where it does not tell the truth about what node-gtk
 * does at run time, so that it type-checks with `skipLibCheck: false` and leaves no `any` to users.
 * Each change was checked against node-gtk 4.1.1 at run time (test/conformance.test.ts keeps
 * checking); they are, in order:
 *
 *  1. Enum members listed twice by the typelib (GstVideo's META_MASK, ONEFIELD): kept once, with
 *     the value the run-time enum object ends up with (the last one assigned).
 *  2. The signal API (`connect`, `on`, `once`, `off`, `emit`, `disconnect`) of every GObject class:
 *     - `Cls.Signals` (a type-only namespace beside the class) maps each signal the class has (its
 *       own, its ancestors', its interfaces') to its handler as node-gtk calls it: the signal's
 *       arguments without the emitting instance, 64-bit integers as `bigint` (never `number`),
 *       returning what the signal expects (node-gtk converts it; a wrong type kills the process).
 *       Detailed signals (`notify::caps`, `message::eos`) have a template-literal key too.
 *       `connect`/`on`/`once` take a name of that map and its handler type.
 *     - a second overload accepts any other signal name (elements made by name have signals the
 *       typelibs do not know), with `unknown` arguments and result, and refuses a known name, so
 *       that a badly typed handler for a known signal is an error instead of falling through.
 *     - `emit` is typed by `Cls.ActionSignals` (`emit('pull-sample')`, `emit('push-buffer', buf)`),
 *       whose return value node-gtk hands back; other names return `unknown`.
 *     - `connect` and `disconnect` return the handler id (a number) at run time.
 *     - fundamental types that are not GObjects (GParamSpec, GstFraction, ...) have no signals:
 *       node-gtk gives them no working signal API, so none is declared.
 *  3. `virtual_*` members are optional: they are the hooks a JS subclass may define to override a
 *     vfunc (node-gtk's registerClass wires them); no GI class has them at run time. Where a
 *     subclass reuses a vfunc name with other parameters (GstBase.BaseTransform's `query` vs
 *     Gst.Element's, GstBase.PushSrc's `alloc`/`create`/`fill` vs GstBase.BaseSrc's), node-gtk wires the
 *     subclass's own vfunc for that name, so the ancestor declares both parameter lists.
 *  4. A GObject property that shadows an inherited method (GstApp.AppSrc `is-live` vs
 *     GstBase.BaseSrc.isLive()): node-gtk's property accessor wins, so the subclass member is the
 *     property's type (settable), and the ancestor's member is the method or that value.
 *  5. Callback parameters (functions the user writes and GStreamer calls) receive 64-bit integers
 *     as `bigint`, not `number | bigint`.
 *  6. What node-gtk gives where the generator guesses otherwise:
 *     - constructors (GI's flag) return `null` where the typelib allows it, and a tuple when they
 *       have out-arguments (Gst.Structure.fromString gives `[structure, rest]`);
 *     - enum members named with a leading digit keep that name (`GLib.SpawnError['2BIG']`, not
 *       `_2BIG`, which is undefined); a purely numeric one cannot be declared and is left out;
 *     - a method the typelib names '' is named '' (GstVideo.VideoChromaResample);
 *     - constants of enum or flags types are `null` (Gst.MAP_READWRITE);
 *     - struct fields node-gtk refuses to read (embedded structs, callbacks: Gst.Buffer's
 *       miniObject, Gst.Iterator's next) are `never`; C arrays whose length is another field
 *       (Gst.MapInfo's data) read as `[]`;
 *     - GObject properties and struct fields holding an object, boxed or struct may be `null`.
 *  7. Every remaining `any` becomes `unknown` (gpointer values, class structs, hash tables of
 *     pointers: node-gtk gives `undefined` or an opaque wrapper there; inputs still accept anything).
 *  8. The node-gtk.d.ts module shim: `require()` of an unknown namespace returns `unknown`,
 *     `System` is typed, `registerClass` returns the class it gets; its comment path is stable.
 *  9. `Gst.ElementFactory.make` has a first overload for the factory names of elements.d.ts
 *     (step 3), returning that element's type (`make('videotestsrc', null)` is a
 *     `VideotestsrcElement | null`); other names keep `Element | null`.
 *
 * Step 3 writes elements.d.ts beside them: the element typings from the registry
 * (scripts/element-typings.js).
 *
 * Usage: node scripts/typings.js            typings/*.d.ts for exactly this machine (what src/ reads)
 *        node scripts/typings.js --set      typings/gst-<major>.<minor>/, the committed set for
 *                                           this GStreamer (docs/typings.md)
 *        node scripts/typings.js --outdir DIR
 *        ... --like SETDIR  element typings only for the factories SETDIR/elements.d.ts covers
 *                           (how the test regenerates a set on a machine with more plugins)
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const ts = require('typescript');
// node-gtk's own dependency, which makes the generator's member names
const camelCase = require(require.resolve('lodash.camelcase', { paths: [path.dirname(require.resolve('node-gtk/package.json'))] }));

const ROOT = path.resolve(__dirname, '..');
const NAMESPACES = ['GLib-2.0', 'GObject-2.0', 'Gst-1.0', 'GstBase-1.0', 'GstApp-1.0', 'GstVideo-1.0', 'GstAudio-1.0'];
const SHIM = 'node-gtk.d.ts';
const SIGNAL_API = new Set(['connect', 'disconnect', 'on', 'once', 'off', 'emit']);

// ---------------------------------------------------------------------------------------------
// small helpers: parsing, edits, type text rewriting
// ---------------------------------------------------------------------------------------------

function parse(fileName, text) {
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

/** Applies non-overlapping { start, end, text } edits to `text`. */
function applyEdits(text, edits) {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let limit = Infinity;
  for (const e of sorted) {
    if (e.end > limit) throw new Error(`overlapping edits at ${e.start}..${e.end}`);
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
    limit = e.start;
  }
  return out;
}

function visit(node, fn) {
  if (fn(node) === false) return;
  ts.forEachChild(node, (child) => visit(child, fn));
}

function memberName(member, sf) {
  return member.name ? member.name.getText(sf) : '';
}

/** Rewrites the names of type references in a type's text; `fn(refNode)` returns a new name or undefined. */
function rewriteTypeRefs(typeText, fn) {
  const prefix = 'type __T = ';
  const sf = parse('type.ts', `${prefix}${typeText};`);
  const edits = [];
  visit(sf, (n) => {
    if (ts.isTypeReferenceNode(n)) {
      const name = fn(n);
      if (name !== undefined)
        edits.push({ start: n.typeName.getStart(sf) - prefix.length, end: n.typeName.end - prefix.length, text: name });
    }
  });
  return applyEdits(typeText, edits);
}

/** Fully qualifies the bare type names that `ns`'s file declares: `Pad` -> `Gst.Pad`. */
function qualify(typeText, ns, declared) {
  return rewriteTypeRefs(typeText, (ref) =>
    ts.isIdentifier(ref.typeName) && !ref.typeArguments && declared.get(ns).has(ref.typeName.text)
      ? `${ns}.${ref.typeName.text}`
      : undefined,
  );
}

/** The opposite for the file of namespace `ns`: `Gst.Pad` -> `Pad` in Gst's file; notes other namespaces used. */
function localize(typeText, ns, namespaces, used) {
  return rewriteTypeRefs(typeText, (ref) => {
    if (!ts.isQualifiedName(ref.typeName)) return undefined;
    let left = ref.typeName;
    while (ts.isQualifiedName(left)) left = left.left; // `Gst.Object.Signals` -> `Gst`
    if (left.text === ns) return ref.typeName.getText().slice(ns.length + 1);
    if (namespaces.has(left.text)) used.add(left.text);
    return undefined;
  });
}

/** Top-level type names each namespace file declares. */
function declaredTypes(sf) {
  const names = new Set();
  for (const st of sf.statements) {
    if (
      (ts.isClassDeclaration(st) || ts.isInterfaceDeclaration(st) || ts.isEnumDeclaration(st) || ts.isTypeAliasDeclaration(st)) &&
      st.name
    )
      names.add(st.name.text);
  }
  return names;
}

/** `number | bigint` (what a 64-bit integer parameter accepts) -> `bigint` (what a handler receives). */
function received64(typeText) {
  const sf = parse('type.ts', `type __T = ${typeText};`);
  const alias = sf.statements[0];
  const t = alias.type;
  if (!ts.isUnionTypeNode(t)) return typeText;
  const kinds = t.types.map((m) => m.kind);
  if (!kinds.includes(ts.SyntaxKind.NumberKeyword) || !kinds.includes(ts.SyntaxKind.BigIntKeyword)) return typeText;
  return t.types
    .filter((m) => m.kind !== ts.SyntaxKind.NumberKeyword)
    .map((m) => m.getText(sf))
    .join(' | ');
}

function isStatic(member) {
  return (ts.getCombinedModifierFlags(member) & ts.ModifierFlags.Static) !== 0;
}

function docOf(member, sf) {
  const doc = sf.text.slice(member.getFullStart(), member.getStart(sf)).trim();
  return doc.startsWith('/**') ? doc : '';
}

/** A JSDoc block taken from a member indented by two spaces, for a member indented by `indent`. */
function reindent(doc, indent) {
  return doc.replace(/\n\s*\*/g, `\n${indent} *`);
}

/** Adds a paragraph to a JSDoc block (or makes one), before its @tags, indented by two spaces. */
function withNote(doc, note) {
  const noteLines = note.split('\n').map((l) => `   * ${l}`.trimEnd());
  if (!doc) return ['/**', ...noteLines, '   */'].join('\n');
  const lines = doc.split('\n');
  const close = lines.pop(); // '   */'
  const firstTag = lines.findIndex((l, i) => i > 0 && /^\s*\* @/.test(l));
  const at = firstTag < 0 ? lines.length : firstTag;
  const gap = at > 1 && !/^\s*\*$/.test(lines[at - 1]); // text right above: leave a blank line
  lines.splice(at, 0, ...(gap ? ['   *'] : []), ...noteLines, ...(firstTag < 0 ? [] : ['   *']));
  return [...lines, close].join('\n');
}

// ---------------------------------------------------------------------------------------------
// facts from the typelibs (through node-gtk's own GI binding, as the generator does)
// ---------------------------------------------------------------------------------------------

function readGIFacts(nsVersions) {
  const gi = require('node-gtk');
  const GI = gi._GIRepository;
  const T = GI.InfoType;
  const repo = GI.Repository_get_default();
  const GObject = gi.require('GObject', '2.0');
  const name = (i) => GI.BaseInfo_get_name.call(i);
  const key = (i) => `${GI.BaseInfo_get_namespace.call(i)}.${name(i)}`;
  const each = (i, n, get) => Array.from({ length: n(i) }, (_, k) => get(i, k));
  const signal = (s) => {
    const flags = GI.signal_info_get_flags(s);
    return {
      name: name(s),
      action: (flags & GObject.SignalFlags.ACTION) !== 0,
      detailed: (flags & GObject.SignalFlags.DETAILED) !== 0,
    };
  };

  const Tag = GI.TypeTag;
  const classes = new Map();
  const interfaces = new Map();
  const unreadableFields = new Map(); // 'Ns.Struct' -> [raw field name]
  const lengthlessArrays = new Map(); // 'Ns.Struct' -> [raw field name]
  const constructors = new Map(); // 'Ns.Type' -> [{ name, nullable, outs }] for constructors to correct
  const addConstructors = (info, methods) => {
    const fixes = [];
    for (const m of methods) {
      if (!(GI.function_info_get_flags(m) & GI.FunctionInfoFlags.IS_CONSTRUCTOR)) continue;
      const args = each(m, GI.callable_info_get_n_args, GI.callable_info_get_arg);
      const outs = args
        .filter((a) => GI.arg_info_get_direction(a) !== GI.Direction.IN)
        .map((a) => simpleType(GI.arg_info_get_type(a), `${key(info)}.${name(m)}`));
      const nullable = GI.callable_info_may_return_null(m);
      if (nullable || outs.length) fixes.push({ name: name(m), nullable, outs });
    }
    if (fixes.length) constructors.set(key(info), fixes);
  };
  for (const [ns] of nsVersions) {
    const n = GI.Repository_get_n_infos.call(repo, ns);
    for (let i = 0; i < n; i++) {
      const info = GI.Repository_get_info.call(repo, ns, i);
      const type = GI.BaseInfo_get_type.call(info);
      if (type === T.OBJECT) addConstructors(info, each(info, GI.object_info_get_n_methods, GI.object_info_get_method));
      else if (type === T.STRUCT || type === T.BOXED)
        addConstructors(info, each(info, GI.struct_info_get_n_methods, GI.struct_info_get_method));
      else if (type === T.UNION) addConstructors(info, each(info, GI.union_info_get_n_methods, GI.union_info_get_method));
      if (type === T.OBJECT) {
        const parent = GI.object_info_get_parent(info);
        classes.set(key(info), {
          key: key(info),
          ns,
          name: name(info),
          parent: parent ? key(parent) : null,
          interfaces: each(info, GI.object_info_get_n_interfaces, GI.object_info_get_interface).map(key),
          signals: each(info, GI.object_info_get_n_signals, GI.object_info_get_signal).map(signal),
        });
      } else if (type === T.INTERFACE) {
        interfaces.set(key(info), {
          key: key(info),
          signals: each(info, GI.interface_info_get_n_signals, GI.interface_info_get_signal).map(signal),
        });
      } else if (
        (type === T.STRUCT || type === T.BOXED || type === T.UNION) &&
        !(type === T.STRUCT && GI.struct_info_is_gtype_struct(info))
      ) {
        const union = type === T.UNION;
        const fields = union
          ? each(info, GI.union_info_get_n_fields, GI.union_info_get_field)
          : each(info, GI.struct_info_get_n_fields, GI.struct_info_get_field);
        const unreadable = fields.filter((f) => !fieldReadable(GI.field_info_get_type(f), union)).map((f) => name(f));
        if (unreadable.length) unreadableFields.set(key(info), unreadable);
        // a C array whose length is another field: node-gtk's field getter has no length to use
        const lengthless = fields
          .filter((f) => {
            const t = GI.field_info_get_type(f);
            return GI.type_info_get_tag(t) === Tag.ARRAY && GI.type_info_get_array_length(t) >= 0 && !unreadable.includes(name(f));
          })
          .map((f) => name(f));
        if (lengthless.length) lengthlessArrays.set(key(info), lengthless);
      }
    }
  }
  return { classes, interfaces, unreadableFields, lengthlessArrays, constructors };

  /** The TypeScript type node-gtk gives for a plain out-value (the only kind constructors have). */
  function simpleType(typeInfo, where) {
    const tag = GI.type_info_get_tag(typeInfo);
    if (tag === Tag.UTF8 || tag === Tag.FILENAME) return 'string';
    if (tag === Tag.BOOLEAN) return 'boolean';
    if (tag === Tag.INT64 || tag === Tag.UINT64) return 'bigint';
    if ([Tag.INT8, Tag.UINT8, Tag.INT16, Tag.UINT16, Tag.INT32, Tag.UINT32, Tag.FLOAT, Tag.DOUBLE].includes(tag)) return 'number';
    throw new Error(`${where}: an out-argument of type tag ${tag} in a constructor; teach scripts/typings.js its type`);
  }

  /**
   * Whether node-gtk's struct field getter (src/gi.cc StructFieldGetter) can read a field: in a
   * union only plain values (numbers, booleans, enums); in a struct what g_field_info_get_field
   * reads: pointers, plain values, enums, fixed-size arrays, not embedded structs, unions, callbacks
   * or objects, nor strings and lists not marked as pointers.
   */
  function fieldReadable(typeInfo, inUnion) {
    const tag = GI.type_info_get_tag(typeInfo);
    const ifaceType = () => GI.BaseInfo_get_type.call(GI.type_info_get_interface(typeInfo));
    if (inUnion) {
      if (tag === Tag.INTERFACE) return [T.ENUM, T.FLAGS].includes(ifaceType());
      return (
        !GI.type_info_is_pointer(typeInfo) &&
        ![Tag.VOID, Tag.UTF8, Tag.FILENAME, Tag.ARRAY, Tag.GLIST, Tag.GSLIST, Tag.GHASH, Tag.ERROR].includes(tag)
      );
    }
    if (GI.type_info_is_pointer(typeInfo)) return true;
    if ([Tag.UTF8, Tag.FILENAME, Tag.GLIST, Tag.GSLIST, Tag.GHASH, Tag.ERROR].includes(tag)) return false;
    if (tag === Tag.INTERFACE) return [T.ENUM, T.FLAGS].includes(ifaceType());
    return true;
  }
}

/** Every signal of a class, nearest definition first (own, own interfaces, parent, ...), by name. */
function allSignals(cls, facts) {
  const seen = new Map();
  for (let k = cls; k; k = facts.classes.get(k.parent)) {
    for (const s of k.signals) if (!seen.has(s.name)) seen.set(s.name, { ...s, container: k.key });
    for (const ik of k.interfaces)
      for (const s of facts.interfaces.get(ik)?.signals ?? []) if (!seen.has(s.name)) seen.set(s.name, { ...s, container: ik });
  }
  return [...seen.values()];
}

function isGObjectClass(cls, facts) {
  for (let k = cls; k; k = facts.classes.get(k.parent)) if (k.key === 'GObject.Object') return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// the overlay
// ---------------------------------------------------------------------------------------------

class Overlay {
  constructor(files, nsVersions, facts) {
    /** ns -> text */
    this.files = files;
    this.nsVersions = nsVersions;
    this.namespaces = new Set(nsVersions.keys());
    this.facts = facts;
  }

  sf(ns) {
    return parse(`${ns}.d.ts`, this.files.get(ns));
  }

  /** Runs `fn(sf, ns)` over every namespace file and applies the edits it returns. */
  pass(fn) {
    for (const ns of this.namespaces) {
      const sf = this.sf(ns);
      const edits = fn(sf, ns) || [];
      if (edits.length) this.files.set(ns, applyEdits(this.files.get(ns), edits));
    }
  }

  declared() {
    const map = new Map();
    for (const ns of this.namespaces) map.set(ns, declaredTypes(this.sf(ns)));
    return map;
  }

  /** Adds `import type * as X` lines a file now needs. */
  addImports(ns, used) {
    const text = this.files.get(ns);
    const missing = [...used].filter((u) => u !== ns && !text.includes(`import type * as ${u} from`)).sort();
    if (!missing.length) return;
    const lines = missing.map((u) => `import type * as ${u} from './${u}-${this.nsVersions.get(u)}.js'`);
    const sf = this.sf(ns);
    const imports = sf.statements.filter(ts.isImportDeclaration);
    const at = imports.length ? imports[imports.length - 1].end : text.indexOf('\n\n');
    this.files.set(ns, `${text.slice(0, at)}\n${lines.join('\n')}${text.slice(at)}`);
  }

  classDecls(sf) {
    const out = new Map();
    for (const st of sf.statements) {
      if (!st.name) continue;
      const name = st.name.text;
      if (ts.isClassDeclaration(st)) (out.get(name) || out.set(name, {}).get(name)).cls = st;
      else if (ts.isInterfaceDeclaration(st)) (out.get(name) || out.set(name, {}).get(name)).iface = st;
    }
    return out;
  }

  // 1. enum members listed twice ------------------------------------------------------------
  dedupeEnumMembers() {
    this.pass((sf) => {
      const edits = [];
      for (const st of sf.statements) {
        if (!ts.isEnumDeclaration(st)) continue;
        const byName = new Map();
        for (const m of st.members) {
          const n = m.name.getText(sf);
          (byName.get(n) || byName.set(n, []).get(n)).push(m);
        }
        for (const [, members] of byName) {
          if (members.length < 2) continue;
          const first = members[0];
          const last = members[members.length - 1];
          // the run-time enum is an object filled in typelib order: the last value assigned wins
          if (first.initializer.getText(sf) !== last.initializer.getText(sf))
            edits.push({ start: first.initializer.getStart(sf), end: first.initializer.end, text: last.initializer.getText(sf) });
          for (const dup of members.slice(1)) {
            let end = dup.end;
            if (sf.text[end] === ',') end++;
            edits.push({ start: dup.getFullStart(), end, text: '' });
          }
        }
      }
      return edits;
    });
  }

  // 2. the signal API ------------------------------------------------------------------------
  /** Signal handler types as the generator wrote them in `on(...)` overloads, fully qualified. */
  collectSignalTypes(declared) {
    const byBlock = new Map(); // 'Ns.Class' -> Map(signal -> { params, ret, doc })
    for (const ns of this.namespaces) {
      const sf = this.sf(ns);
      for (const [name, decls] of this.classDecls(sf)) {
        const sigs = new Map();
        for (const decl of [decls.cls, decls.iface]) {
          if (!decl) continue;
          for (const m of decl.members) {
            if (!(ts.isMethodDeclaration(m) || ts.isMethodSignature(m)) || memberName(m, sf) !== 'on') continue;
            const [sigParam, cbParam] = m.parameters;
            if (!sigParam?.type || !ts.isLiteralTypeNode(sigParam.type) || !ts.isStringLiteral(sigParam.type.literal)) continue;
            if (!cbParam?.type || !ts.isFunctionTypeNode(cbParam.type)) throw new Error(`${ns}.${name}: unexpected on() overload`);
            const cb = cbParam.type;
            if (cb.parameters.some((p) => p.dotDotDotToken || p.questionToken || !p.type))
              throw new Error(`${ns}.${name}: unexpected handler parameters in ${m.getText(sf)}`);
            sigs.set(sigParam.type.literal.text, {
              params: cb.parameters.map((p) => ({ name: p.name.getText(sf), type: qualify(p.type.getText(sf), ns, declared) })),
              ret: qualify(cb.type.getText(sf), ns, declared),
              doc: docOf(m, sf),
            });
          }
        }
        if (sigs.size) byBlock.set(`${ns}.${name}`, sigs);
      }
    }
    return byBlock;
  }

  signalType(sig, byBlock) {
    const own = byBlock.get(sig.container)?.get(sig.name);
    if (own) return own;
    // an interface's signals appear in the blocks of the classes that implement it
    for (const cls of this.facts.classes.values()) {
      if (!cls.interfaces.includes(sig.container)) continue;
      const found = byBlock.get(cls.key)?.get(sig.name);
      if (found) return found;
    }
    throw new Error(`no generated handler type for signal ${sig.container}::${sig.name}`);
  }

  /** The nearest ancestor of `cls` that gets a signal block of its own (see rewriteSignalApis). */
  signalBase(cls) {
    for (let a = this.facts.classes.get(cls.parent); a; a = this.facts.classes.get(a.parent)) if (this.hasSignalBlock(a)) return a;
    return null;
  }

  hasSignalBlock(cls) {
    return isGObjectClass(cls, this.facts) && (!cls.parent || cls.signals.length > 0 || cls.interfaces.length > 0);
  }

  /**
   * `Cls.Signals` (signal name -> handler type, as node-gtk calls the handler) and
   * `Cls.ActionSignals` (name -> what `emit` takes and returns), each extending the base class's.
   */
  renderSignalMaps(cls, byBlock, used) {
    const ns = cls.ns;
    const loc = (t) => localize(t, ns, this.namespaces, used);
    const base = this.signalBase(cls);
    const inherited = new Set(base ? allSignals(base, this.facts).map((s) => s.name) : []);
    const sigs = allSignals(cls, this.facts)
      .filter((s) => !inherited.has(s.name))
      .map((s) => ({ ...s, ...this.signalType(s, byBlock) }));
    const baseRef = (map) => (base ? ` extends ${loc(`${base.key}.${map}`)}` : '');
    const keys = (s) => [JSON.stringify(s.name), ...(s.detailed ? [`[detailed: \`${s.name}::\${string}\`]`] : [])];
    const members = (list, fn) =>
      list.flatMap((s) => keys(s).map((k, i) => `${i === 0 && s.doc ? `    ${reindent(s.doc, '    ')}\n` : ''}    ${k}: ${fn(s)}`));
    const handler = (s) => `(${s.params.map((p) => `${p.name}: ${loc(received64(p.type))}`).join(', ')}) => ${loc(s.ret)}`;
    const emitter = (s) => `(${s.params.map((p) => `${p.name}: ${loc(p.type)}`).join(', ')}) => ${loc(s.ret)}`;
    const body = (lines) => (lines.length ? ` {\n${lines.join('\n')}\n  }` : ' {}');
    return [
      `/** Signal types of ${cls.key} (and its subclasses, which extend them). */`,
      `export namespace ${cls.name} {`,
      `  /**`,
      `   * Each signal's handler as node-gtk calls it: with the signal's arguments (not the emitting`,
      `   * object), 64-bit integers as bigint; it must return what the signal expects.`,
      `   */`,
      `  export interface Signals${baseRef('Signals')}${body(members(sigs, handler))}`,
      `  /** Action signals, for \`emit\`: the arguments to pass and what \`emit\` returns. */`,
      `  export interface ActionSignals${baseRef('ActionSignals')}${body(
        members(
          sigs.filter((s) => s.action),
          emitter,
        ),
      )}`,
      `}`,
    ];
  }

  renderSignalApi(cls) {
    const sig = `${cls.name}.Signals`;
    const act = `${cls.name}.ActionSignals`;
    const lines = [];
    for (const verb of ['connect', 'on', 'once']) {
      const result = verb === 'connect' ? 'number' : 'this';
      lines.push(
        `  ${verb}<K extends keyof ${sig}>(signal: K, callback: ${sig}[K], after?: boolean): ${result}`,
        `  ${verb}<S extends string>(signal: S extends keyof ${sig} ? never : S, callback: (...args: unknown[]) => unknown, after?: boolean): ${result}`,
      );
    }
    lines.push(
      `  off(signal: string, callback: (...args: never[]) => unknown): this`,
      `  emit<K extends keyof ${act}>(signal: K, ...args: Parameters<${act}[K]>): ReturnType<${act}[K]>`,
      `  emit<S extends string>(signal: S extends keyof ${act} ? never : S, ...args: unknown[]): unknown`,
    );
    if (!cls.parent) lines.push(`  disconnect(handlerId: number): number`);
    return lines;
  }

  rewriteSignalApis() {
    const declared = this.declared();
    const byBlock = this.collectSignalTypes(declared);
    for (const ns of this.namespaces) {
      const used = new Set();
      const sf = this.sf(ns);
      const edits = [];
      for (const [name, decls] of this.classDecls(sf)) {
        const cls = this.facts.classes.get(`${ns}.${name}`);
        if (!cls || !decls.cls) continue;
        // where the generator put this class's signal API: the companion interface when the class
        // implements interfaces, else the class body (root classes, classes with own signals)
        const home = decls.iface ?? decls.cls;
        const block = this.hasSignalBlock(cls) ? this.renderSignalApi(cls) : null;
        let placed = false;
        for (const decl of [decls.cls, decls.iface]) {
          if (!decl) continue;
          for (const m of decl.members) {
            if (!SIGNAL_API.has(memberName(m, sf))) continue;
            if (block && !placed && decl === home) {
              edits.push({ start: m.getFullStart(), end: m.end, text: `\n${block.join('\n')}` });
              placed = true;
            } else {
              edits.push({ start: m.getFullStart(), end: m.end, text: '' });
            }
          }
        }
        if (!block) continue;
        if (!placed) edits.push({ start: home.members.end, end: home.members.end, text: `\n${block.join('\n')}` });
        const after = Math.max(decls.cls.end, decls.iface?.end ?? 0);
        edits.push({ start: after, end: after, text: `\n\n${this.renderSignalMaps(cls, byBlock, used).join('\n')}` });
      }
      this.files.set(ns, applyEdits(this.files.get(ns), edits));
      this.addImports(ns, used);
    }
  }

  // class hierarchy as declared in the .d.ts files ---------------------------------------------
  classIndex() {
    const index = new Map(); // 'Ns.Name' -> { ns, name, parent, decl, iface, sf }
    for (const ns of this.namespaces) {
      const sf = this.sf(ns);
      for (const [name, decls] of this.classDecls(sf)) {
        if (!decls.cls) continue;
        const ext = decls.cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword);
        let parent = null;
        if (ext) {
          const text = ext.types[0].expression.getText(sf);
          parent = text.includes('.') ? text : `${ns}.${text}`;
        }
        index.set(`${ns}.${name}`, { key: `${ns}.${name}`, ns, name, parent, decl: decls.cls, iface: decls.iface, sf });
      }
    }
    return index;
  }

  // 3. virtual_* hooks -------------------------------------------------------------------------
  rewriteVFuncs() {
    const declared = this.declared();
    const index = this.classIndex();
    const vfuncs = new Map(); // class key -> Map(name -> { params, ret, member })
    for (const [k, c] of index) {
      const map = new Map();
      for (const m of c.decl.members) {
        if (!ts.isMethodDeclaration(m) || !memberName(m, c.sf).startsWith('virtual_')) continue;
        map.set(memberName(m, c.sf), {
          params: m.parameters.map((p) => ({ name: p.name.getText(c.sf), type: qualify(p.type.getText(c.sf), c.ns, declared) })),
          ret: qualify(m.type.getText(c.sf), c.ns, declared),
          member: m,
        });
      }
      vfuncs.set(k, map);
    }
    const shape = (v) => `(${v.params.map((p) => p.type).join(', ')}) => ${v.ret}`;
    // vfunc names a subclass reuses with another signature: the ancestor lists every variant
    const variants = new Map(); // 'ClassKey\0name' -> [{ v, from }]
    for (const [k, map] of vfuncs) {
      for (const [vname, v] of map) {
        for (let a = index.get(k).parent; a && index.has(a); a = index.get(a).parent) {
          const inherited = vfuncs.get(a).get(vname);
          if (!inherited) continue;
          if (shape(inherited) !== shape(v)) {
            const id = `${a}\0${vname}`;
            if (!variants.has(id)) variants.set(id, [{ v: inherited, from: a }]);
            variants.get(id).push({ v, from: k });
          }
          break;
        }
      }
    }
    for (const ns of this.namespaces) {
      const used = new Set();
      const edits = [];
      for (const [k, map] of vfuncs) {
        const c = index.get(k);
        if (c.ns !== ns) continue;
        for (const [vname, v] of map) {
          const list = variants.get(`${k}\0${vname}`);
          if (!list) {
            edits.push({ start: v.member.name.end, end: v.member.name.end, text: '?' });
            continue;
          }
          const loc = (t) => localize(t, ns, this.namespaces, used);
          const tuples = [...new Set(list.map(({ v: x }) => `[${x.params.map((p) => `${p.name}: ${loc(p.type)}`).join(', ')}]`))];
          const rets = [...new Set(list.map(({ v: x }) => loc(x.ret)))];
          const others = list
            .slice(1)
            .map(({ from }) => from)
            .join(', ');
          const doc = withNote(
            docOf(v.member, c.sf),
            `In a subclass of ${others}, a \`${vname}\` override is that class's own vfunc of the same\n` +
              `name (node-gtk wires the nearest one), with the other parameter list.`,
          );
          edits.push({
            start: v.member.getFullStart(),
            end: v.member.end,
            text: `\n  ${doc}\n  ${vname}?(...args: ${tuples.join(' | ')}): ${rets.join(' | ')}`,
          });
        }
      }
      this.files.set(ns, applyEdits(this.files.get(ns), edits));
      this.addImports(ns, used);
    }
  }

  // 4. properties that shadow an inherited method ----------------------------------------------
  rewritePropertyShadows() {
    const declared = this.declared();
    const index = this.classIndex();
    const isAnyFunction = (t) => {
      while (ts.isParenthesizedTypeNode(t)) t = t.type;
      return ts.isFunctionTypeNode(t) && t.type.kind === ts.SyntaxKind.AnyKeyword;
    };
    const fixes = []; // { ns, member, type (qualified), cls }
    for (const [, c] of index) {
      for (const decl of [c.decl, c.iface]) {
        if (!decl) continue;
        for (const m of decl.members) {
          if (!(ts.isPropertyDeclaration(m) || ts.isPropertySignature(m)) || !m.type || !ts.isIntersectionTypeNode(m.type)) continue;
          const rest = m.type.types.filter((t) => !isAnyFunction(t));
          if (rest.length === m.type.types.length) continue;
          fixes.push({ c, member: m, type: qualify(rest.map((t) => t.getText(c.sf)).join(' & '), c.ns, declared) });
        }
      }
    }
    const editsByNs = new Map([...this.namespaces].map((ns) => [ns, []]));
    const usedByNs = new Map([...this.namespaces].map((ns) => [ns, new Set()]));
    const shadowed = new Map();
    for (const { c, member, type } of fixes) {
      const name = memberName(member, c.sf);
      editsByNs
        .get(c.ns)
        .push({ start: member.type.getStart(c.sf), end: member.type.end, text: localize(type, c.ns, this.namespaces, usedByNs.get(c.ns)) });
      let done = false;
      for (let a = c.parent; a && index.has(a) && !done; a = index.get(a).parent) {
        const anc = index.get(a);
        const overloads = anc.decl.members.filter((m) => ts.isMethodDeclaration(m) && memberName(m, anc.sf) === name);
        if (!overloads.length) continue;
        const used = usedByNs.get(anc.ns);
        const loc = (t) => localize(qualify(t, anc.ns, declared), anc.ns, this.namespaces, used);
        const fnTypes = overloads.map((m) => `(${m.parameters.map((p) => p.getText(anc.sf)).join(', ')}) => ${m.type.getText(anc.sf)}`);
        const method = fnTypes.length === 1 ? `(${fnTypes[0]})` : `(${fnTypes.map((f) => `(${f})`).join(' & ')})`;
        // Several subclasses may shadow one ancestor method (GstAudio's AudioBaseSrc and
        // AudioBaseSink both have `provide-clock`): one edit for the ancestor, naming them all.
        const at = `${anc.ns}:${overloads[0].getFullStart()}`;
        let shadow = shadowed.get(at);
        if (!shadow) {
          shadow = { anc, overloads, name, method: loc(method), keys: [], types: [] };
          shadowed.set(at, shadow);
        }
        shadow.keys.push(c.key);
        const own = loc(type);
        if (!shadow.types.includes(own)) shadow.types.push(own);
        done = true;
      }
      if (!done) throw new Error(`${c.key}.${name}: shadowed method not found in its ancestors`);
    }
    for (const { anc, overloads, name, method, keys, types } of shadowed.values()) {
      const on = keys.length === 1 ? `a ${keys[0]}` : `a ${keys.slice(0, -1).join(', a ')} or a ${keys[keys.length - 1]}`;
      const doc = withNote(
        docOf(overloads[0], anc.sf),
        `On ${on} this member is its \`${name}\` property instead (node-gtk's property accessor\n` +
          `wins over the inherited method), hence the union.`,
      );
      const edits = editsByNs.get(anc.ns);
      overloads.forEach((m, i) =>
        edits.push({
          start: m.getFullStart(),
          end: m.end,
          text: i === 0 ? `\n  ${doc}\n  ${name}: ${types.join(' | ')} | ${method}` : '',
        }),
      );
    }
    for (const ns of this.namespaces) {
      this.files.set(ns, applyEdits(this.files.get(ns), editsByNs.get(ns)));
      this.addImports(ns, usedByNs.get(ns));
    }
  }

  // 5. callbacks receive 64-bit integers as bigint --------------------------------------------
  rewriteCallbackParams() {
    this.pass((sf) => {
      const edits = [];
      visit(sf, (n) => {
        // a function type that is the type of a parameter of a function, method or constructor, or
        // a callback type of the namespace: a callback the user writes; its parameters are what it receives
        if (!ts.isFunctionTypeNode(n)) return;
        const owner = n.parent.parent;
        const isCallback =
          (ts.isParameter(n.parent) &&
            (ts.isFunctionDeclaration(owner) ||
              ts.isMethodDeclaration(owner) ||
              ts.isMethodSignature(owner) ||
              ts.isConstructorDeclaration(owner))) ||
          (ts.isTypeAliasDeclaration(n.parent) && ts.isSourceFile(n.parent.parent));
        if (!isCallback) return;
        for (const p of n.parameters) {
          if (!p.type) continue;
          const text = p.type.getText(sf);
          const fixed = received64(text);
          if (fixed !== text) edits.push({ start: p.type.getStart(sf), end: p.type.end, text: fixed });
        }
      });
      return edits;
    });
  }

  // 6. what node-gtk gives for constructors, names, constants and fields --------------------
  /** Enum members named with a leading digit are that name at run time (`'2BIG'`), not `_2BIG`. */
  fixEnumMemberNames() {
    this.pass((sf) => {
      const edits = [];
      for (const st of sf.statements) {
        if (!ts.isEnumDeclaration(st)) continue;
        const dropped = [];
        for (const m of st.members) {
          const n = m.name.getText(sf);
          if (!/^_[0-9]/.test(n)) continue;
          const real = n.slice(1);
          if (/^[0-9]+$/.test(real)) {
            // TypeScript allows no numeric enum member name: leave it out rather than declare a name that is undefined
            dropped.push(`\`${st.name.text}['${real}']\` = ${m.initializer.getText(sf)}`);
            let end = m.end;
            if (sf.text[end] === ',') end++;
            edits.push({ start: m.getFullStart(), end, text: '' });
          } else {
            edits.push({ start: m.name.getStart(sf), end: m.name.end, text: JSON.stringify(real) });
          }
        }
        if (dropped.length) {
          const note =
            `node-gtk also has ${dropped.join(', ')}: a numeric name, which a TypeScript enum cannot declare\n` +
            `(and \`${st.name.text}['${dropped[0].match(/'(.*)'/)[1]}']\` types as the reverse mapping); use the value.`;
          const doc = docOf(st, sf);
          edits.push({ start: st.getFullStart(), end: st.getStart(sf), text: `\n\n${withNote(doc, note).replace(/\n {3}/g, '\n ')}\n` });
        }
      }
      return edits;
    });
  }

  /** A method the typelib names '' is '' at run time (the generator writes it as "_"). */
  fixEmptyNames() {
    this.pass((sf) => {
      const edits = [];
      visit(sf, (n) => {
        if ((ts.isMethodDeclaration(n) || ts.isMethodSignature(n)) && n.name && ts.isStringLiteral(n.name) && n.name.text === '_')
          edits.push({ start: n.name.getStart(sf), end: n.name.end, text: '""' });
      });
      return edits;
    });
  }

  /** node-gtk gives `null` for constants of enum and flags types (src/gi.cc GetConstantValue: size 0). */
  fixEnumConstants() {
    const declared = this.declared();
    this.pass((sf, ns) => {
      const edits = [];
      const enums = new Set(sf.statements.filter(ts.isEnumDeclaration).map((e) => e.name.text));
      for (const st of sf.statements) {
        if (!ts.isVariableStatement(st)) continue;
        for (const v of st.declarationList.declarations) {
          if (!v.type || !ts.isTypeReferenceNode(v.type)) continue;
          const q = qualify(v.type.getText(sf), ns, declared);
          const [tns, tname] = q.split('.');
          const isEnum =
            tns === ns ? enums.has(tname) : this.sf(tns).statements.some((x) => ts.isEnumDeclaration(x) && x.name.text === tname);
          if (!isEnum) continue;
          const note =
            `node-gtk 4.1.1 gives \`null\` for this constant (of type ${q}): build the value from ` + `\`${q}\` members instead.`;
          edits.push({
            start: st.getFullStart(),
            end: st.end,
            text: `\n\n${withNote(docOf(st, sf), note).replace(/\n {3}/g, '\n ')}\nexport const ${v.name.getText(sf)}: null`,
          });
        }
      }
      return edits;
    });
  }

  /** Fields node-gtk cannot read (embedded structs, callbacks, ...): reading them throws. */
  fixUnreadableFields() {
    this.retypeFields(
      this.facts.unreadableFields,
      'never',
      (was) => `node-gtk cannot read this field (${was}): reading it throws\n"Converting non-primitive fields is not allowed".`,
    );
  }

  /** Array fields whose length is in another field (Gst.MapInfo's data): node-gtk reads them as []. */
  fixLengthlessArrays() {
    this.retypeFields(
      this.facts.lengthlessArrays,
      '[]',
      () =>
        `node-gtk cannot tell this array's length (it is in another field): it reads an empty array\n` +
        `(and GLib prints "Unable to determine array length"), whatever the C array holds.`,
    );
  }

  /** Redeclares the listed fields (`facts`: 'Ns.Class' -> C field names) as readonly `type`, with a note. */
  retypeFields(facts, type, noteFor) {
    const byName = new Map();
    for (const [k, fields] of facts) byName.set(k, new Set(fields.map((f) => camelCase(f))));
    this.pass((sf, ns) => {
      const edits = [];
      for (const st of sf.statements) {
        if (!ts.isClassDeclaration(st) || !st.name) continue;
        const fields = byName.get(`${ns}.${st.name.text}`);
        if (!fields) continue;
        for (const m of st.members) {
          if (!ts.isPropertyDeclaration(m) || !fields.has(memberName(m, sf))) continue;
          const doc = withNote(docOf(m, sf), noteFor(m.type.getText(sf)));
          edits.push({ start: m.getFullStart(), end: m.end, text: `\n  ${doc}\n  readonly ${memberName(m, sf)}: ${type}` });
        }
      }
      return edits;
    });
  }

  /** GObject properties and struct fields holding an object, boxed or struct are null when unset. */
  fixNullableMembers() {
    const objectTypes = new Map(); // ns -> names of classes and interfaces
    for (const ns of this.namespaces) {
      const sf = this.sf(ns);
      objectTypes.set(
        ns,
        new Set(sf.statements.filter((x) => (ts.isClassDeclaration(x) || ts.isInterfaceDeclaration(x)) && x.name).map((x) => x.name.text)),
      );
    }
    this.pass((sf, ns) => {
      const edits = [];
      const isObject = (t) => {
        if (!ts.isTypeReferenceNode(t) || t.typeArguments) return false;
        const [tns, tname] = ts.isIdentifier(t.typeName) ? [ns, t.typeName.text] : [t.typeName.left.getText(sf), t.typeName.right.text];
        return objectTypes.get(tns)?.has(tname) ?? false;
      };
      for (const st of sf.statements) {
        if (!(ts.isClassDeclaration(st) || ts.isInterfaceDeclaration(st))) continue;
        for (const m of st.members) {
          if (!(ts.isPropertyDeclaration(m) || ts.isPropertySignature(m)) || !m.type || isStatic(m)) continue;
          if (memberName(m, sf) === '__gtype__') continue;
          if (isObject(m.type)) edits.push({ start: m.type.end, end: m.type.end, text: ' | null' });
        }
      }
      return edits;
    });
  }

  /**
   * The generator types a constructor as returning its class, always. node-gtk returns what it
   * returns for any function: `null` where the typelib allows it (Gst.ElementFactory.make), and a
   * tuple with the out-arguments (Gst.Structure.fromString gives [structure, rest of the string]).
   */
  fixConstructors() {
    this.pass((sf, ns) => {
      const edits = [];
      for (const st of sf.statements) {
        if (!ts.isClassDeclaration(st) || !st.name) continue;
        const fixes = this.facts.constructors.get(`${ns}.${st.name.text}`);
        if (!fixes) continue;
        for (const fix of fixes) {
          const mname = camelCase(fix.name);
          const own = st.members.filter(
            (m) => ts.isMethodDeclaration(m) && isStatic(m) && memberName(m, sf) === mname && m.type.getText(sf) === st.name.text,
          );
          if (own.length !== 1) throw new Error(`${ns}.${st.name.text}.${mname}: constructor declaration not found`);
          const result = fix.nullable ? `${st.name.text} | null` : st.name.text;
          const text = fix.outs.length ? `[${[result, ...fix.outs].join(', ')}]` : result;
          edits.push({ start: own[0].type.getStart(sf), end: own[0].type.end, text });
        }
      }
      return edits;
    });
  }

  // 7. any -> unknown ---------------------------------------------------------------------------
  replaceAny() {
    this.pass((sf) => {
      const edits = [];
      visit(sf, (n) => {
        if (ts.isUnionTypeNode(n) && n.types.some((t) => t.kind === ts.SyntaxKind.AnyKeyword)) {
          edits.push({ start: n.getStart(sf), end: n.end, text: 'unknown' }); // `unknown | null` is `unknown`
          return false;
        }
        if (n.kind === ts.SyntaxKind.AnyKeyword) edits.push({ start: n.getStart(sf), end: n.end, text: 'unknown' });
        return undefined;
      });
      return edits;
    });
  }

  /** 9. Gst.ElementFactory.make by a factory name the element typings know gives that element's type. */
  typedElementFactoryMake() {
    const text = this.files.get('Gst');
    const from = '  static make(factoryname: string, name: string | null): Element | null\n';
    if (!text.includes(from)) throw new Error(`Gst-1.0.d.ts: expected to find ${JSON.stringify(from)}`);
    const typed =
      '  /** An element of a factory the element typings know (elements.d.ts), typed by it; null when not installed. */\n' +
      "  static make<K extends keyof import('./elements.js').ElementsByFactory>(factoryname: K, name?: string | null): import('./elements.js').ElementsByFactory[K] | null\n";
    this.files.set('Gst', text.replace(from, typed + from));
  }

  header() {
    for (const ns of this.namespaces) {
      const text = this.files.get(ns);
      const nl = text.indexOf('\n');
      this.files.set(
        ns,
        text.slice(0, nl + 1) +
          '// Post-processed by scripts/typings.js (gstreamer-ts), which lists what it changes and why.\n' +
          text.slice(nl + 1),
      );
    }
  }
}

// 8. the module shim ---------------------------------------------------------------------------
function rewriteShim(text) {
  const replace = (from, to) => {
    if (!text.includes(from)) throw new Error(`node-gtk.d.ts: expected to find ${JSON.stringify(from)}`);
    text = text.replace(from, to);
  };
  // the generator writes the output directory relative to the working directory: keep it stable
  text = text.replace(/^\/\/ {3}"paths": \{ "node-gtk": \[".*"\] \}$/m, '//   "paths": { "node-gtk": ["./typings/node-gtk.d.ts"] }');
  text = text.replace(/\n/, '\n// Post-processed by scripts/typings.js (gstreamer-ts), which lists what it changes and why.\n');
  replace(
    '  export function require(ns: string, version?: string): any',
    '  /** Another namespace: run `npm run typings` with it added to get its types. */\n' +
      '  export function require(ns: string, version?: string): unknown',
  );
  replace(
    '  export function registerClass(klass: Function): Function',
    '  /** Registers a JS subclass of a GObject class as a GType (overrides: `virtual_*` methods); returns the class. */\n' +
      '  export function registerClass<T extends abstract new (...args: never[]) => object>(klass: T): T',
  );
  replace(
    '  export const System: any',
    [
      "  /** node-gtk's debugging helpers (src/modules/system.cc). They trust their argument: a wrong one can crash. */",
      '  export const System: {',
      '    /** address of the C object a wrapper holds */',
      '    addressOf(object: object): number',
      '    /** reference count of a GObject */',
      "    refCount(object: import('./GObject-2.0.js').Object): number",
      '    internalFieldCount(object: object): number',
      '    /** size of the C struct of a wrapper whose type the typelibs describe (crashes otherwise) */',
      '    getSize(object: object): number',
      "    /** bytes of a wrapper's C struct, or `size` bytes at `address` */",
      '    getMemoryContent(object: object): number[]',
      '    getMemoryContent(address: number, size: number): number[]',
      '    /** raises SIGTRAP (G_BREAKPOINT) */',
      '    breakpoint(): void',
      '    /** the JS value a GValue wrapper holds; `undefined` for anything else */',
      '    convertGValue(value: object): unknown',
      '  }',
    ].join('\n'),
  );
  return text;
}

// ---------------------------------------------------------------------------------------------

function generate(outdir) {
  const generator = require('node-gtk/tools/generate-types.js');
  const missingGir = NAMESPACES.filter(
    (nv) =>
      ![
        '/usr/share/gir-1.0',
        '/usr/local/share/gir-1.0',
        ...(process.env.XDG_DATA_DIRS || '')
          .split(':')
          .filter(Boolean)
          .map((d) => path.join(d, 'gir-1.0')),
      ].some((d) => fs.existsSync(path.join(d, `${nv}.gir`))),
  );
  if (missingGir.length)
    throw new Error(
      `no .gir file for ${missingGir.join(', ')}: the typings' doc comments come from them ` +
        '(Debian: libglib2.0-dev libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev)',
    );

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gstreamer-ts-typings-'));
  try {
    const write = process.stderr.write;
    process.stderr.write = () => true; // the generator's progress lines
    let nsVersions;
    try {
      nsVersions = generator.generate(NAMESPACES, scratch);
    } finally {
      process.stderr.write = write;
    }
    const files = new Map();
    for (const [ns, v] of nsVersions) files.set(ns, fs.readFileSync(path.join(scratch, `${ns}-${v}.d.ts`), 'utf8'));
    const overlay = new Overlay(files, nsVersions, readGIFacts(nsVersions));
    overlay.dedupeEnumMembers();
    overlay.rewriteSignalApis();
    overlay.rewriteVFuncs();
    overlay.rewritePropertyShadows();
    overlay.rewriteCallbackParams();
    overlay.fixConstructors();
    overlay.fixEnumMemberNames();
    overlay.fixEmptyNames();
    overlay.fixEnumConstants();
    overlay.fixUnreadableFields();
    overlay.fixLengthlessArrays();
    overlay.fixNullableMembers();
    overlay.replaceAny();
    overlay.typedElementFactoryMake();
    overlay.header();

    fs.mkdirSync(outdir, { recursive: true });
    const written = [];
    for (const [ns, v] of nsVersions) {
      fs.writeFileSync(path.join(outdir, `${ns}-${v}.d.ts`), files.get(ns));
      written.push(`${ns}-${v}.d.ts`);
    }
    fs.writeFileSync(path.join(outdir, SHIM), rewriteShim(fs.readFileSync(path.join(scratch, SHIM), 'utf8')));
    written.push(SHIM);
    return written;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function main(argv) {
  const select = require('./typings-select.js');
  let outdir = path.join(ROOT, 'typings');
  let asSet = false;
  let like = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--outdir' && i + 1 < argv.length) outdir = path.resolve(argv[++i]);
    else if (argv[i] === '--set') asSet = true;
    else if (argv[i] === '--like' && i + 1 < argv.length) like = path.resolve(argv[++i]);
    else {
      console.error('usage: node scripts/typings.js [--set | --outdir DIR] [--like SETDIR]');
      process.exit(2);
    }
  }
  const version = select.gstVersion();
  if (asSet) {
    if (!version) throw new Error('--set: cannot tell the GStreamer version (pkg-config --modversion gstreamer-1.0)');
    outdir = path.join(ROOT, 'typings', `gst-${select.minorOf(version)}`);
  }
  const written = generate(outdir);
  // the element typings, from the registry (scripts/element-typings.js), beside the GI ones
  const { execFileSync } = require('node:child_process');
  const likeArgs = like ? ['--like', path.join(like, 'elements.d.ts')] : [];
  execFileSync(process.execPath, [path.join(__dirname, 'element-typings.js'), '--outdir', outdir, ...likeArgs], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  written.push('elements.d.ts');
  // typings/*.d.ts made for this machine: typings-select.js keeps them while GStreamer stays.
  if (outdir === path.join(ROOT, 'typings')) select.mark({ generated: true, gstreamer: version });
  console.log(
    `typings: wrote ${written.join(', ')} to ${path.relative(process.cwd(), outdir) || '.'}${version ? ` (GStreamer ${version})` : ''}`,
  );
}

module.exports = { generate, NAMESPACES };

if (require.main === module) main(process.argv.slice(2));
