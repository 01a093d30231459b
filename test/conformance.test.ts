/**
 * The typings held against node-gtk at run time.
 *
 * The six namespaces' .d.ts files are parsed with the TypeScript compiler API, and every
 * declaration is looked up on what node-gtk really gives:
 *  - namespace functions, constants, enums (each member's value), classes, their static and
 *    instance methods, properties and fields, interface statics, interface methods on the
 *    prototypes of the classes that implement them;
 *  - constants and static class constants: the value's type (bigint vs number, string, ...);
 *  - each class's `Signals` / `ActionSignals` map: the signal exists on the class's GType, with
 *    as many arguments as the handler type has, a result when the handler returns one, the action
 *    flag for `ActionSignals`, the detailed flag for `name::detail` keys;
 *  - fixtures (a buffer, caps, elements, ...): every declared getter that needs no argument is
 *    called and every declared property or field is read, and the value is checked against its
 *    declared type, recursively (tuples, arrays, nullability, enums as numbers, class instances).
 * Every typings declaration that src/ and examples/ use (found with the type checker) must be
 * among the checked ones. Disagreements fail the test unless listed in KNOWN, with the reason.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GLib, GObject, Gst, GstApp, GstBase, GstVideo } from '../src/gi';

const ROOT = path.resolve(__dirname, '..');
const TYPINGS = path.join(ROOT, 'typings');
const RUNTIME: Record<string, object> = { GLib, GObject, Gst, GstBase, GstApp, GstVideo };
const FILES: Record<string, string> = {
  GLib: 'GLib-2.0.d.ts',
  GObject: 'GObject-2.0.d.ts',
  Gst: 'Gst-1.0.d.ts',
  GstBase: 'GstBase-1.0.d.ts',
  GstApp: 'GstApp-1.0.d.ts',
  GstVideo: 'GstVideo-1.0.d.ts',
};

/**
 * Disagreements that are node-gtk's, not the typings': each is what node-gtk 4.1.1 does, and the
 * typings keep the declaration because it is what the typelib promises. A listed id that stops
 * disagreeing fails the test too (so this list cannot go stale).
 */
const KNOWN: Record<string, string> = {};

// ---------------------------------------------------------------------------------------------
// the typings, parsed

interface Decls {
  classes: Map<string, ts.ClassDeclaration>;
  interfaces: Map<string, ts.InterfaceDeclaration>;
  enums: Map<string, ts.EnumDeclaration>;
  aliases: Map<string, ts.TypeAliasDeclaration>;
  namespaces: Map<string, ts.ModuleDeclaration>;
}

const sources = new Map<string, ts.SourceFile>();
const decls = new Map<string, Decls>();
for (const [ns, file] of Object.entries(FILES)) {
  const fileName = path.join(TYPINGS, file);
  const sf = ts.createSourceFile(fileName, fs.readFileSync(fileName, 'utf8'), ts.ScriptTarget.Latest, true);
  sources.set(ns, sf);
  const d: Decls = { classes: new Map(), interfaces: new Map(), enums: new Map(), aliases: new Map(), namespaces: new Map() };
  for (const st of sf.statements) {
    if (ts.isClassDeclaration(st) && st.name) d.classes.set(st.name.text, st);
    else if (ts.isInterfaceDeclaration(st)) d.interfaces.set(st.name.text, st);
    else if (ts.isEnumDeclaration(st)) d.enums.set(st.name.text, st);
    else if (ts.isTypeAliasDeclaration(st)) d.aliases.set(st.name.text, st);
    else if (ts.isModuleDeclaration(st) && ts.isIdentifier(st.name)) d.namespaces.set(st.name.text, st);
  }
  decls.set(ns, d);
}

function nsOf(node: ts.Node): string {
  const fileName = node.getSourceFile().fileName;
  const ns = Object.keys(FILES).find((n) => path.join(TYPINGS, FILES[n]) === fileName);
  if (!ns) throw new Error(`not a typings file: ${fileName}`);
  return ns;
}

function nameOf(member: ts.ClassElement | ts.TypeElement): string {
  if (!member.name) return '';
  if (ts.isIdentifier(member.name) || ts.isStringLiteral(member.name)) return member.name.text;
  return member.name.getText();
}

function isStatic(member: ts.Node): boolean {
  return (ts.getCombinedModifierFlags(member as ts.Declaration) & ts.ModifierFlags.Static) !== 0;
}

/** A type name as written in namespace `ns`'s file: `Pad` or `Gst.Pad` -> ['Gst', 'Pad']. */
function resolveName(ns: string, typeName: ts.EntityName): [string, string] {
  if (ts.isIdentifier(typeName)) return [ns, typeName.text];
  if (ts.isIdentifier(typeName.left)) return [typeName.left.text, typeName.right.text];
  return [ns, typeName.getText()];
}

/** A base in an `extends` clause: `Element` or `Gst.Element`. */
function heritageName(ns: string, expr: ts.Expression): [string, string] {
  if (ts.isPropertyAccessExpression(expr) && ts.isIdentifier(expr.expression)) return [expr.expression.text, expr.name.text];
  return [ns, expr.getText()];
}

/** The declarations that give `ns.name` its members: class body, companion interface, its bases. */
function classChain(ns: string, name: string): { ns: string; name: string; members: ts.NodeArray<ts.Node>; via?: string }[] {
  const out: { ns: string; name: string; members: ts.NodeArray<ts.Node>; via?: string }[] = [];
  const seen = new Set<string>();
  const addInterface = (ins: string, iname: string, via: string): void => {
    const key = `${ins}.${iname}`;
    if (seen.has(key)) return;
    seen.add(key);
    const i = decls.get(ins)?.interfaces.get(iname);
    if (!i) return;
    out.push({ ns: ins, name: iname, members: i.members, via });
    for (const h of i.heritageClauses ?? []) for (const t of h.types) addInterface(...heritageName(ins, t.expression), via);
  };
  let cur: [string, string] | null = [ns, name];
  while (cur) {
    const cns: string = cur[0];
    const cname: string = cur[1];
    const c: ts.ClassDeclaration | undefined = decls.get(cns)?.classes.get(cname);
    if (!c) break;
    out.push({ ns: cns, name: cname, members: c.members });
    seen.add(`${cns}.${cname}`);
    const companion = decls.get(cns)?.interfaces.get(cname);
    if (companion) {
      out.push({ ns: cns, name: cname, members: companion.members });
      for (const h of companion.heritageClauses ?? [])
        for (const t of h.types) addInterface(...heritageName(cns, t.expression), `${cns}.${cname}`);
    }
    const ext: ts.HeritageClause | undefined = c.heritageClauses?.find((h: ts.HeritageClause) => h.token === ts.SyntaxKind.ExtendsKeyword);
    cur = ext ? heritageName(cns, ext.types[0].expression) : null;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// values against declared types

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `array(${v.length})`;
  if (typeof v === 'object') return `object ${(v as object).constructor?.name ?? ''}`.trim();
  if (typeof v === 'function') return 'function';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 30 ? `${v.slice(0, 30)}...` : v)}`;
  return `${typeof v} ${String(v)}`;
}

/** Why `value` is not of `type` (declared in namespace `ns`'s file), or null when it is. */
function mismatch(value: unknown, type: ts.TypeNode, ns: string): string | null {
  const why = (expected: string): string => `${expected} expected, got ${describeValue(value)}`;
  switch (type.kind) {
    case ts.SyntaxKind.NumberKeyword:
      return typeof value === 'number' ? null : why('number');
    case ts.SyntaxKind.BigIntKeyword:
      return typeof value === 'bigint' ? null : why('bigint');
    case ts.SyntaxKind.StringKeyword:
      return typeof value === 'string' ? null : why('string');
    case ts.SyntaxKind.BooleanKeyword:
      return typeof value === 'boolean' ? null : why('boolean');
    case ts.SyntaxKind.VoidKeyword:
    case ts.SyntaxKind.UndefinedKeyword:
      return value === undefined ? null : why('undefined');
    case ts.SyntaxKind.UnknownKeyword:
      return null;
    case ts.SyntaxKind.ObjectKeyword:
      return value !== null && typeof value === 'object' ? null : why('object');
    case ts.SyntaxKind.ThisType:
      return value !== null && typeof value === 'object' ? null : why('this');
  }
  if (ts.isLiteralTypeNode(type)) {
    if (type.literal.kind === ts.SyntaxKind.NullKeyword) return value === null ? null : why('null');
    if (type.literal.kind === ts.SyntaxKind.TrueKeyword) return value === true ? null : why('true');
    if (type.literal.kind === ts.SyntaxKind.FalseKeyword) return value === false ? null : why('false');
    if (ts.isStringLiteral(type.literal)) return value === type.literal.text ? null : why(type.literal.getText());
    return null;
  }
  if (ts.isParenthesizedTypeNode(type)) return mismatch(value, type.type, ns);
  if (ts.isUnionTypeNode(type)) {
    const reasons = type.types.map((t) => mismatch(value, t, ns));
    return reasons.includes(null) ? null : why(type.getText());
  }
  if (ts.isArrayTypeNode(type)) {
    if (!Array.isArray(value)) return why(type.getText());
    for (const [i, item] of value.slice(0, 16).entries()) {
      const r = mismatch(item, type.elementType, ns);
      if (r) return `[${i}]: ${r}`;
    }
    return null;
  }
  if (ts.isTupleTypeNode(type)) {
    if (!Array.isArray(value)) return why(type.getText());
    if (value.length !== type.elements.length) return why(`${type.elements.length}-tuple ${type.getText()}`);
    for (const [i, el] of type.elements.entries()) {
      const r = mismatch(value[i], ts.isNamedTupleMember(el) ? el.type : el, ns);
      if (r) return `[${i}]: ${r}`;
    }
    return null;
  }
  if (ts.isFunctionTypeNode(type)) return typeof value === 'function' ? null : why('function');
  if (ts.isTypeLiteralNode(type)) return value !== null && typeof value === 'object' ? null : why('object');
  if (ts.isTypeReferenceNode(type)) {
    const [tns, tname] = resolveName(ns, type.typeName);
    if (tname === 'Record' || tname === 'Array') return value !== null && typeof value === 'object' ? null : why(tname);
    const d = decls.get(tns);
    if (!d) return null; // GModule etc.: not loaded here
    if (d.enums.has(tname)) return typeof value === 'number' ? null : why(`${tns}.${tname} (a number)`);
    const alias = d.aliases.get(tname);
    if (alias) return mismatch(value, alias.type, tns);
    if (d.classes.has(tname) || d.interfaces.has(tname)) {
      if (value === null || typeof value !== 'object') return why(`${tns}.${tname}`);
      const runtimeClass = (RUNTIME[tns] as Record<string, unknown>)[tname];
      if (d.classes.has(tname) && typeof runtimeClass === 'function' && !(value instanceof runtimeClass))
        return why(`${tns}.${tname} instance`);
      return null;
    }
  }
  return null; // a type this checker does not model: not a disagreement
}

// ---------------------------------------------------------------------------------------------
// the checks

interface Check {
  id: string;
  kind: string;
  /** the typings declaration checked, as `file:position` */
  decl: string;
  problem: string | null;
}

const checks: Check[] = [];
const declKey = (node: ts.Node): string => `${path.basename(node.getSourceFile().fileName)}:${node.getStart()}`;

function kindOf(node: ts.Node): string {
  if (ts.isFunctionDeclaration(node)) return ts.isModuleBlock(node.parent) ? 'enum functions' : 'namespace functions';
  if (ts.isVariableDeclaration(node)) return 'constants and interface objects';
  if (ts.isEnumDeclaration(node)) return 'enums';
  if (ts.isEnumMember(node)) return 'enum members (values)';
  if (ts.isClassDeclaration(node)) return 'classes';
  if (ts.isPropertySignature(node) && ts.isInterfaceDeclaration(node.parent) && /Signals$/.test(node.parent.name.text)) return 'signals';
  if (ts.isIndexSignatureDeclaration(node)) return 'signals';
  if ((ts.isMethodDeclaration(node) || ts.isMethodSignature(node)) && node.questionToken) return 'virtual_* hooks';
  if (ts.isMethodDeclaration(node) || ts.isMethodSignature(node)) return isStatic(node) ? 'static methods' : 'instance methods';
  if (ts.isPropertyDeclaration(node) || ts.isPropertySignature(node)) return isStatic(node) ? 'class constants' : 'properties and fields';
  return 'other';
}

function record(id: string, node: ts.Node, problem: string | null, kind = kindOf(node)): void {
  checks.push({ id, kind, decl: declKey(node), problem });
}

function attempt<T>(fn: () => T): { value?: T; error?: string } {
  try {
    return { value: fn() };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** A property along the prototype chain, without calling getters. */
function lookup(object: object, name: string): PropertyDescriptor | undefined {
  for (let o: object | null = object; o; o = Object.getPrototypeOf(o)) {
    const d = Object.getOwnPropertyDescriptor(o, name);
    if (d) return d;
  }
  return undefined;
}

function checkMethodOn(id: string, node: ts.Node, target: object | undefined, name: string): void {
  if (!target) return record(id, node, 'no run-time object to look on');
  const d = lookup(target, name);
  if (!d) return record(id, node, 'missing at run time');
  record(id, node, typeof d.value === 'function' ? null : `not a function (${d.get ? 'an accessor' : describeValue(d.value)})`);
}

function checkNamespace(ns: string): void {
  const sf = sources.get(ns) as ts.SourceFile;
  const runtime = RUNTIME[ns] as Record<string, unknown>;
  for (const st of sf.statements) {
    if (ts.isFunctionDeclaration(st) && st.name) {
      const r = attempt(() => runtime[st.name!.text]);
      record(
        `${ns}.${st.name.text}()`,
        st,
        r.error ? `access throws: ${r.error}` : typeof r.value === 'function' ? null : `not a function: ${describeValue(r.value)}`,
      );
    } else if (ts.isVariableStatement(st)) {
      for (const v of st.declarationList.declarations) {
        const name = v.name.getText();
        const r = attempt(() => runtime[name]);
        if (r.error) {
          record(`${ns}.${name}`, v, `access throws: ${r.error}`);
        } else if (v.type && ts.isTypeLiteralNode(v.type)) {
          // an interface's statics (node-gtk exposes the interface as an object of its functions)
          const found = (typeof r.value === 'object' || typeof r.value === 'function') && r.value !== null;
          record(`${ns}.${name}`, v, found ? null : `missing: ${describeValue(r.value)}`);
          for (const m of v.type.members) checkMethodOn(`${ns}.${name}.${nameOf(m)}()`, m, r.value as object | undefined, nameOf(m));
        } else if (v.type) {
          record(`${ns}.${name}`, v, r.value === undefined ? 'missing at run time' : mismatch(r.value, v.type, ns));
        }
      }
    } else if (ts.isEnumDeclaration(st)) {
      const r = attempt(() => runtime[st.name.text]);
      const object = r.value as Record<string, unknown> | undefined;
      record(`${ns}.${st.name.text}`, st, object && typeof object === 'object' ? null : `missing: ${r.error ?? describeValue(r.value)}`);
      for (const m of st.members) {
        const declared = Number(m.initializer?.getText());
        const actual = object?.[nameOf(m as unknown as ts.TypeElement)];
        record(
          `${ns}.${st.name.text}.${m.name.getText()}`,
          m,
          actual === declared ? null : `declared ${declared}, run time ${describeValue(actual)}`,
        );
      }
    } else if (ts.isModuleDeclaration(st) && ts.isIdentifier(st.name) && st.body && ts.isModuleBlock(st.body)) {
      // functions attached to an enum object (type-only namespaces hold no functions)
      for (const f of st.body.statements)
        if (ts.isFunctionDeclaration(f) && f.name)
          checkMethodOn(`${ns}.${st.name.text}.${f.name.text}()`, f, runtime[st.name.text] as object | undefined, f.name.text);
    } else if (ts.isClassDeclaration(st) && st.name) {
      checkClass(ns, st);
    }
  }
}

function checkClass(ns: string, decl: ts.ClassDeclaration): void {
  const name = decl.name!.text;
  const r = attempt(() => (RUNTIME[ns] as Record<string, unknown>)[name]);
  const cls = r.value as ((new (...args: never[]) => object) & Record<string, unknown>) | undefined;
  if (typeof cls !== 'function') return record(`${ns}.${name}`, decl, `class missing: ${r.error ?? describeValue(cls)}`);
  record(`${ns}.${name}`, decl, null);
  const proto = cls.prototype as object;
  const own = [decl.members, decls.get(ns)?.interfaces.get(name)?.members ?? []];
  for (const members of own) {
    for (const m of members) {
      const mname = nameOf(m as ts.ClassElement);
      if (!mname || ts.isConstructorDeclaration(m) || ts.isIndexSignatureDeclaration(m)) continue;
      const optional = (m as ts.MethodDeclaration).questionToken !== undefined;
      if (isStatic(m)) {
        if (ts.isMethodDeclaration(m)) checkMethodOn(`${ns}.${name}.${mname}()`, m, cls, mname);
        else if (ts.isPropertyDeclaration(m) && m.type) {
          const v = attempt(() => cls[mname]);
          record(
            `${ns}.${name}.${mname}`,
            m,
            v.error ? `access throws: ${v.error}` : v.value === undefined ? 'missing at run time' : mismatch(v.value, m.type, ns),
          );
        }
      } else if (ts.isMethodDeclaration(m) || ts.isMethodSignature(m)) {
        if (optional) {
          // virtual_* hooks: absent until a JS subclass overrides the vfunc (registerClass
          // then installs the parent's implementation for `super.virtual_*()` calls)
          const d = lookup(proto, mname);
          record(`${ns}.${name}#${mname}?`, m, !d || typeof d.value === 'function' ? null : 'present and not a function');
        } else {
          checkMethodOn(`${ns}.${name}#${mname}()`, m, proto, mname);
        }
      } else if (ts.isPropertyDeclaration(m) || ts.isPropertySignature(m)) {
        record(`${ns}.${name}#${mname}`, m, lookup(proto, mname) ? null : 'missing at run time');
      }
    }
  }
  // methods of the interfaces the class implements, on the class's prototype
  for (const link of classChain(ns, name)) {
    if (!link.via || link.via !== `${ns}.${name}`) continue;
    for (const m of link.members) {
      const mname = nameOf(m as ts.TypeElement);
      if ((ts.isMethodSignature(m) || ts.isMethodDeclaration(m)) && mname)
        checkMethodOn(`${ns}.${name}#${mname}() (${link.ns}.${link.name})`, m, proto, mname);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// signal maps against the GType's signals

const SIGNAL_ACTION = Number(GObject.SignalFlags.ACTION);
const SIGNAL_DETAILED = Number(GObject.SignalFlags.DETAILED);

function handlerShape(type: ts.TypeNode | undefined): { params: number; returns: boolean } | null {
  if (!type || !ts.isFunctionTypeNode(type)) return null;
  return { params: type.parameters.length, returns: type.type.kind !== ts.SyntaxKind.VoidKeyword };
}

function checkSignalMaps(ns: string): void {
  for (const [name, mod] of decls.get(ns)?.namespaces ?? []) {
    if (!mod.body || !ts.isModuleBlock(mod.body)) continue;
    const cls = (RUNTIME[ns] as Record<string, unknown>)[name] as { prototype?: { __gtype__?: bigint } } | undefined;
    for (const map of mod.body.statements) {
      if (!ts.isInterfaceDeclaration(map) || !['Signals', 'ActionSignals'].includes(map.name.text)) continue;
      const action = map.name.text === 'ActionSignals';
      for (const m of map.members) {
        let signal: string;
        let type: ts.TypeNode | undefined;
        let detailed = false;
        if (ts.isPropertySignature(m)) {
          signal = nameOf(m);
          type = m.type;
        } else if (ts.isIndexSignatureDeclaration(m)) {
          const keyType = m.parameters[0].type;
          const text = keyType && ts.isTemplateLiteralTypeNode(keyType) ? keyType.head.text : '';
          signal = text.replace(/::$/, '');
          type = m.type;
          detailed = true;
        } else continue;
        const id = `${ns}.${name}.${map.name.text}['${signal}${detailed ? '::…' : ''}']`;
        const gtype = cls?.prototype?.__gtype__;
        if (typeof gtype !== 'bigint') {
          record(id, m, 'class has no GType at run time');
          continue;
        }
        GObject.typeClassRef(gtype); // signals exist once the class is initialised
        const signalId = GObject.signalLookup(signal, gtype);
        if (!signalId) {
          record(id, m, `no signal "${signal}" on ${GObject.typeName(gtype)}`);
          continue;
        }
        const q = GObject.signalQuery(signalId);
        const shape = handlerShape(type);
        const problems: string[] = [];
        if (!shape) problems.push('not a function type');
        else {
          if (shape.params !== q.nParams) problems.push(`${shape.params} parameters declared, the signal has ${q.nParams}`);
          const returns = GObject.typeName(q.returnType) !== 'void';
          if (shape.returns !== returns) problems.push(returns ? 'the signal expects a result' : 'the signal returns nothing');
        }
        if (action && !(Number(q.signalFlags) & SIGNAL_ACTION)) problems.push('not an action signal');
        if (detailed && !(Number(q.signalFlags) & SIGNAL_DETAILED)) problems.push('not a detailed signal');
        record(id, m, problems.length ? problems.join('; ') : null);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// fixtures: getters and properties read on real objects

const GETTER = /^(get|is|has|n)[A-Z]|^toString$/;
const READ = 'values read (properties, fields)';
const CALL = 'values returned (calls)';
/** Getters not called on fixtures, with the reason. */
const UNCALLED: Record<string, string> = {
  'Gst.Message#getNumRedirectEntries': 'for REDIRECT messages only (GStreamer asserts)',
  'Gst.Message#getStreamStatusObject': 'for STREAM_STATUS messages only (GStreamer asserts)',
  'Gst.Query#getNSchedulingModes': 'for SCHEDULING queries only (GStreamer asserts)',
  'Gst.Query#getNBufferingRanges': 'for BUFFERING queries only (GStreamer asserts)',
  'Gst.Query#getNAllocationPools': 'for ALLOCATION queries only (GStreamer asserts)',
  'Gst.Query#getNAllocationParams': 'for ALLOCATION queries only (GStreamer asserts)',
  'Gst.Query#getNAllocationMetas': 'for ALLOCATION queries only (GStreamer asserts)',
  'GstApp.AppSink#getUri': 'an appsink has no URI yet (GStreamer asserts)',
  'GstApp.AppSrc#getUri': 'an appsrc has no URI yet (GStreamer asserts)',
};

/** Properties not read on fixtures, with the reason. */
const UNREAD: Record<string, string> = {
  'Gst.Bus#enableAsync': 'a write-only property: GLib warns and gives the default',
};

function fixtures(): [string, () => object | null][] {
  const caps = (): Gst.Caps => Gst.Caps.fromString('video/x-raw,format=RGB,width=64,height=48,framerate=30/1') as Gst.Caps;
  const buffer = (): Gst.Buffer => Gst.Buffer.newAllocate(null, 16, null) as Gst.Buffer;
  const make = (factory: string) => (): Gst.Element => Gst.ElementFactory.make(factory, null) as Gst.Element;
  return [
    ['Gst.Buffer', buffer],
    ['Gst.Caps', caps],
    ['Gst.Structure', () => caps().getStructure(0)],
    ['Gst.Sample', () => Gst.Sample.new(buffer(), caps(), null, null)],
    ['Gst.Memory', () => buffer().peekMemory(0)],
    ['Gst.MapInfo', () => buffer().map(Gst.MapFlags.READ)[1]],
    ['Gst.Segment', () => Gst.Segment.new()],
    ['Gst.Message', () => Gst.Message.newEos(null)],
    ['Gst.Event', () => Gst.Event.newEos()],
    ['Gst.Query', () => Gst.Query.newLatency()],
    ['Gst.TagList', () => Gst.TagList.newEmpty()],
    ['Gst.Pipeline', () => new Gst.Pipeline()],
    ['Gst.Bin', () => new Gst.Bin()],
    ['Gst.Bus', () => new Gst.Bus()],
    ['Gst.Element', make('fakesink')],
    ['Gst.Pad', () => Gst.Pad.new('src', Gst.PadDirection.SRC)],
    ['Gst.ElementFactory', () => Gst.ElementFactory.find('fakesink')],
    ['Gst.Registry', () => Gst.Registry.get()],
    ['Gst.Clock', () => Gst.SystemClock.obtain()],
    ['GstBase.BaseSink', make('fakesink')],
    ['GstBase.BaseSrc', make('fakesrc')],
    ['GstApp.AppSink', make('appsink')],
    ['GstApp.AppSrc', make('appsrc')],
    ['GstVideo.VideoInfo', () => GstVideo.VideoInfo.newFromCaps(caps())],
    ['GstVideo.VideoFormatInfo', () => GstVideo.videoFormatGetInfo(GstVideo.VideoFormat.RGB)],
    ['GLib.MainContext', () => GLib.MainContext.default()],
    ['GObject.SignalQuery', () => GObject.signalQuery(GObject.signalLookup('notify', GObject.Object.prototype.__gtype__))],
  ];
}

function checkFixture(key: string, make: () => object | null): void {
  const [ns, name] = key.split('.');
  const classDecl = decls.get(ns)?.classes.get(name);
  if (!classDecl) throw new Error(`fixture for an undeclared class: ${key}`);
  const made = attempt(make);
  if (!made.value) return record(`${key} (fixture)`, classDecl, `fixture not made: ${made.error ?? describeValue(made.value)}`, CALL);
  const object = made.value as Record<string, unknown>;
  const done = new Set<string>();
  for (const link of classChain(ns, name)) {
    // members of one name, nearest declaration first; overloads: any zero-argument one may match
    const byName = new Map<string, ts.Node[]>();
    for (const m of link.members) {
      const mname = nameOf(m as ts.ClassElement);
      if (!mname || done.has(mname) || isStatic(m) || ts.isConstructorDeclaration(m)) continue;
      (byName.get(mname) ?? byName.set(mname, []).get(mname)!).push(m);
    }
    for (const [mname, nodes] of byName) {
      done.add(mname);
      const id = `${key}#${mname}`;
      const first = nodes[0];
      if (ts.isPropertyDeclaration(first) || ts.isPropertySignature(first)) {
        if (!first.type) continue;
        if (UNREAD[id]) continue;
        const v = attempt(() => object[mname]);
        if (first.type.kind === ts.SyntaxKind.NeverKeyword)
          record(`${id} (read)`, first, v.error ? null : `declared never (reading throws), read ${describeValue(v.value)}`, READ);
        else record(`${id} (read)`, first, v.error ? `read throws: ${v.error}` : mismatch(v.value, first.type, link.ns), READ);
      } else if (ts.isMethodDeclaration(first) || ts.isMethodSignature(first)) {
        if (!GETTER.test(mname) || UNCALLED[id]) continue;
        const zeroArg = nodes.filter(
          (n): n is ts.MethodDeclaration | ts.MethodSignature =>
            (ts.isMethodDeclaration(n) || ts.isMethodSignature(n)) &&
            !n.questionToken &&
            n.parameters.every((p) => p.questionToken || p.dotDotDotToken),
        );
        if (!zeroArg.length) continue;
        const fn = object[mname];
        if (typeof fn !== 'function') {
          record(`${id}()`, zeroArg[0], `not a function: ${describeValue(fn)}`, CALL);
          continue;
        }
        const v = attempt(() => (fn as () => unknown).call(object));
        if (v.error) {
          record(`${id}()`, zeroArg[0], `call throws: ${v.error}`, CALL);
          continue;
        }
        const reasons = zeroArg.map((n) => (n.type ? mismatch(v.value, n.type, link.ns) : null));
        record(`${id}()`, zeroArg[0], reasons.includes(null) ? null : (reasons[0] as string), CALL);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// calls with arguments: what src/ and examples/ call, and the facts in docs/node-gtk.md

/** The declarations of `ns.name()` or `Ns.Class[.#]method()` taking `argc` arguments. */
function callableDecls(target: string, argc: number): ts.SignatureDeclaration[] {
  const fits = (d: ts.SignatureDeclaration): boolean =>
    d.parameters.filter((p) => !p.questionToken && !p.dotDotDotToken).length <= argc &&
    (d.parameters.some((p) => p.dotDotDotToken) || d.parameters.length >= argc);
  const m = /^(\w+)\.(\w+)(?:([.#])(\w+))?$/.exec(target);
  if (!m) throw new Error(`bad call target ${target}`);
  const [, ns, first, sep, member] = m;
  if (!sep) {
    const sf = sources.get(ns) as ts.SourceFile;
    return sf.statements.filter((st): st is ts.FunctionDeclaration => ts.isFunctionDeclaration(st) && st.name?.text === first).filter(fits);
  }
  for (const link of classChain(ns, first)) {
    const found = link.members.filter(
      (x): x is ts.MethodDeclaration | ts.MethodSignature =>
        (ts.isMethodDeclaration(x) || ts.isMethodSignature(x)) && nameOf(x) === member && isStatic(x) === (sep === '.'),
    );
    if (found.length) return found.filter(fits);
  }
  return [];
}

/** [call, receiver or namespace, arguments]: each is made and its result checked against its declared type. */
function calls(): [string, () => [object, unknown[]]][] {
  const caps = (): Gst.Caps => Gst.Caps.fromString('video/x-raw,format=RGB,width=64,height=48,framerate=30/1') as Gst.Caps;
  const buffer = (): Gst.Buffer => Gst.Buffer.newAllocate(null, 16, null) as Gst.Buffer;
  const structure = (): Gst.Structure => caps().getStructure(0);
  const pipeline = (): Gst.Pipeline => Gst.parseLaunch('fakesrc name=src num-buffers=1 ! fakesink name=sink') as Gst.Pipeline;
  const appsink = (): GstApp.AppSink => Gst.ElementFactory.make('appsink', null) as GstApp.AppSink;
  const appsrc = (): GstApp.AppSrc => Gst.ElementFactory.make('appsrc', null) as GstApp.AppSrc;
  const error = (): GLib.Error => GLib.Error.newLiteral(Gst.coreErrorQuark(), Gst.CoreError.FAILED, 'test error');
  return [
    ['Gst.versionString', () => [Gst, []]],
    ['Gst.version', () => [Gst, []]],
    ['Gst.utilGetTimestamp', () => [Gst, []]],
    ['Gst.isInitialized', () => [Gst, []]],
    ['Gst.segtrapIsEnabled', () => [Gst, []]],
    ['Gst.debugGetDefaultThreshold', () => [Gst, []]],
    ['Gst.utilUint64Scale', () => [Gst, [10, 3, 2]]],
    ['Gst.flowGetName', () => [Gst, [Gst.FlowReturn.OK]]],
    ['Gst.parseLaunch', () => [Gst, ['fakesrc ! fakesink']]],
    ['GLib.getMonotonicTime', () => [GLib, []]],
    ['GLib.getRealTime', () => [GLib, []]],
    ['GLib.getNumProcessors', () => [GLib, []]],
    ['GLib.getUserName', () => [GLib, []]],
    ['GLib.getTmpDir', () => [GLib, []]],
    ['GLib.mainDepth', () => [GLib, []]],
    ['GObject.typeFromName', () => [GObject, ['GstElement']]],
    ['GstVideo.videoFormatFromString', () => [GstVideo, ['RGB']]],
    ['GstVideo.videoFormatToString', () => [GstVideo, [GstVideo.VideoFormat.RGB]]],
    ['GstVideo.videoFormatGetInfo', () => [GstVideo, [GstVideo.VideoFormat.GRAY16_BE]]],
    ['Gst.Element.stateGetName', () => [Gst.Element, [Gst.State.PLAYING]]],
    ['Gst.Caps.fromString', () => [Gst.Caps, ['video/x-raw,width=64']]],
    ['Gst.Structure.fromString', () => [Gst.Structure, ['video/x-raw,width=64']]],
    ['Gst.Buffer.newAllocate', () => [Gst.Buffer, [null, 16, null]]],
    ['Gst.Buffer.newWrapped', () => [Gst.Buffer, [new Uint8Array(8)]]],
    ['Gst.Event.newEos', () => [Gst.Event, []]],
    ['Gst.Message.newError', () => [Gst.Message, [null, error(), 'debug text']]],
    ['Gst.ElementFactory.make', () => [Gst.ElementFactory, ['fakesink', null]]],
    ['Gst.Buffer#extractDup', () => [buffer(), [0, 4]]],
    ['Gst.Buffer#map', () => [buffer(), [Gst.MapFlags.READ]]],
    ['Gst.Buffer#getSizes', () => [buffer(), []]],
    ['Gst.Structure#getInt', () => [structure(), ['width']]],
    ['Gst.Structure#getString', () => [structure(), ['format']]],
    ['Gst.Structure#getValue', () => [structure(), ['width']]],
    ['Gst.Structure#getFraction', () => [structure(), ['framerate']]],
    ['Gst.Caps#getStructure', () => [caps(), [0]]],
    ['Gst.Bin#getByName', () => [pipeline(), ['sink']]],
    ['Gst.Bin#getChildByIndex', () => [pipeline(), [0]]],
    ['Gst.Bin#getChildrenCount', () => [pipeline(), []]],
    ['Gst.Element#getBus', () => [pipeline(), []]],
    ['Gst.Element#setState', () => [pipeline(), [Gst.State.NULL]]],
    ['Gst.Element#getStaticPad', () => [Gst.ElementFactory.make('fakesink', null) as Gst.Element, ['sink']]],
    ['Gst.Element#sendEvent', () => [Gst.ElementFactory.make('fakesink', null) as Gst.Element, [Gst.Event.newEos()]]],
    ['Gst.Bus#popFiltered', () => [new Gst.Bus(), [Gst.MessageType.ERROR]]],
    ['Gst.Message#parseError', () => [Gst.Message.newError(null, error(), 'debug text'), []]],
    ['Gst.Message#parseWarning', () => [Gst.Message.newWarning(null, error(), 'debug text'), []]],
    ['GstApp.AppSink#tryPullSample', () => [appsink(), [0]]],
    ['GstApp.AppSink#pullSample', () => [appsink(), []]],
    ['GstApp.AppSrc#pushBuffer', () => [appsrc(), [buffer()]]],
    ['GstApp.AppSrc#endOfStream', () => [appsrc(), []]],
    ['GstApp.AppSrc#getCurrentLevelBytes', () => [appsrc(), []]],
    ['GstVideo.VideoInfo.newFromCaps', () => [GstVideo.VideoInfo, [caps()]]],
  ];
}

function checkCall(target: string, make: () => [object, unknown[]]): void {
  const made = attempt(make);
  const [receiver, args] = made.value ?? [undefined, []];
  const candidates = callableDecls(target, args.length);
  if (!candidates.length) throw new Error(`no declaration of ${target} with ${args.length} arguments`);
  const id = `${target}(${args.map((a) => (typeof a === 'string' ? JSON.stringify(a) : describeValue(a))).join(', ')})`;
  if (!receiver) return record(id, candidates[0], `receiver not made: ${made.error}`, CALL);
  const name = target.split(/[.#]/).pop() as string;
  const fn = (receiver as Record<string, unknown>)[name];
  if (typeof fn !== 'function') return record(id, candidates[0], `not a function: ${describeValue(fn)}`, CALL);
  const v = attempt(() => (fn as (...a: unknown[]) => unknown).apply(receiver, args));
  if (v.error) return record(id, candidates[0], `call throws: ${v.error}`, CALL);
  const ns = target.split('.')[0];
  const reasons = candidates.map((d) => (d.type ? mismatch(v.value, d.type, nsOf(d)) : null));
  record(id, candidates[0], reasons.includes(null) ? null : `${reasons[0]} (${describeValue(v.value)} from a ${ns} call)`, CALL);
}

// ---------------------------------------------------------------------------------------------
// what src/ and examples/ use

/** Typings symbols that src/ and examples/ reach (each as the keys of its declarations), found with the type checker. */
function usedDeclarations(): Map<string, { keys: string[]; where: string }> {
  const configPath = path.join(ROOT, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (f) => ts.sys.readFile(f));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT, undefined, configPath);
  const mine = (f: string): boolean => /^(src|examples)[\\/]/.test(path.relative(ROOT, f));
  const program = ts.createProgram({
    rootNames: parsed.fileNames.filter((f) => mine(f) || f.endsWith('.d.ts')),
    options: { ...parsed.options, noEmit: true },
  });
  const checker = program.getTypeChecker();
  const used = new Map<string, { keys: string[]; where: string }>(); // symbol id -> declarations, first use
  const typingsFiles = new Set(Object.values(FILES).map((f) => path.join(TYPINGS, f)));
  for (const sf of program.getSourceFiles()) {
    if (!mine(sf.fileName) || sf.isDeclarationFile) continue;
    const visit = (node: ts.Node): void => {
      let target: ts.Node | undefined;
      let declarations: readonly ts.Declaration[] = [];
      if (ts.isPropertyAccessExpression(node)) target = node.name;
      else if (ts.isQualifiedName(node)) target = node.right;
      if (target) {
        let symbol = checker.getSymbolAtLocation(target);
        if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
        declarations = symbol?.declarations ?? [];
      } else if (ts.isStringLiteral(node) && ts.isCallExpression(node.parent) && node.parent.arguments[0] === node) {
        // a signal name given to connect/on/once/emit: its entry in Cls.Signals / Cls.ActionSignals
        const constraint = checker.getResolvedSignature(node.parent)?.getDeclaration()?.typeParameters?.[0]?.constraint;
        if (constraint && ts.isTypeOperatorNode(constraint) && constraint.operator === ts.SyntaxKind.KeyOfKeyword) {
          const map = checker.getTypeFromTypeNode(constraint.type);
          const prop = checker.getPropertyOfType(map, node.text);
          const index = checker
            .getIndexInfosOfType(map)
            .find((i) => checker.isTypeAssignableTo(checker.getStringLiteralType(node.text), i.keyType));
          declarations = prop?.declarations ?? (index?.declaration ? [index.declaration] : []);
          target = node;
        }
      }
      if (target) {
        const inTypings = declarations.filter((d) => typingsFiles.has(d.getSourceFile().fileName));
        if (inTypings.length) {
          const keys = inTypings.map(declKey);
          const where = `${path.relative(ROOT, sf.fileName)}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
          if (!used.has(keys.join())) used.set(keys.join(), { keys, where: `${target.getText()} (${where})` });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return used;
}

// ---------------------------------------------------------------------------------------------

test('the typings agree with node-gtk at run time', () => {
  for (const ns of Object.keys(FILES)) checkNamespace(ns);
  for (const ns of Object.keys(FILES)) checkSignalMaps(ns);
  for (const [key, make] of fixtures()) checkFixture(key, make);
  for (const [target, make] of calls()) checkCall(target, make);

  const agree = checks.filter((c) => !c.problem);
  const disagree = checks.filter((c) => c.problem);
  console.log(`conformance: checked ${checks.length} members, ${agree.length} agree`);
  const kinds = [...new Set(checks.map((c) => c.kind))];
  console.log(
    `  by kind: ${kinds.map((k) => `${k} ${checks.filter((c) => c.kind === k && !c.problem).length}/${checks.filter((c) => c.kind === k).length}`).join(', ')}`,
  );
  const unexplained = disagree.filter((c) => !KNOWN[c.id]);
  for (const c of disagree)
    console.log(`  ${KNOWN[c.id] ? 'known' : 'DISAGREES'}: ${c.id}: ${c.problem}${KNOWN[c.id] ? ` (${KNOWN[c.id]})` : ''}`);
  const stale = Object.keys(KNOWN).filter((id) => !disagree.some((c) => c.id === id));
  assert.ok(checks.length >= 300, `at least 300 members checked (${checks.length})`);
  assert.equal(stale, [], 'known exceptions that no longer disagree (remove them)');
  assert.equal(
    unexplained.map((c) => `${c.id}: ${c.problem}`),
    [],
    'unexplained disagreements',
  );
});

test('everything src/ and examples/ use from the typings is among the checked', () => {
  const used = usedDeclarations();
  const checked = new Set(checks.map((c) => c.decl));
  const unchecked = [...used.values()].filter((u) => !u.keys.some((k) => checked.has(k))).map((u) => u.where);
  console.log(`conformance: src/ and examples/ use ${used.size} typings declarations, ${used.size - unchecked.length} checked`);
  assert.ok(used.size > 20, `src/ and examples/ use the typings (${used.size} declarations found)`);
  assert.equal(unchecked, [], 'used but not checked');
});

test.run();
