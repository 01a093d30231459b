/**
 * The element typings (typings/elements.d.ts, scripts/element-typings.js) against the running
 * GStreamer: every element they describe is created, and every property's type, readability,
 * writability, enum and flags nicks and default, every signal's signature, and every accessor's
 * run-time type agree. A property or element typed for one GStreamer version and missing in
 * another is reported by name.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ts from 'typescript';
import { Gst } from '../src/gi';
import { native, type ParamDescription } from '../src/native';

const generator = require('../scripts/element-typings.js') as {
  accessorName(name: string): string | null;
  launchType(p: NativeProperty, classes: Map<string, string>): string;
  nodeGtkType(type: string, fundamental: string, classes: Map<string, string>): string;
  giClasses(dir: string): Map<string, string>;
};

type NativeProperty = ParamDescription;

const TYPINGS = path.resolve(__dirname, '..', 'typings');
const source = ts.createSourceFile(
  'elements.d.ts',
  fs.readFileSync(path.join(TYPINGS, 'elements.d.ts'), 'utf8'),
  ts.ScriptTarget.Latest,
  true,
);

interface Member {
  type: string;
  readonly: boolean;
  doc: string;
}
interface Iface {
  extends: string | null;
  members: Map<string, Member>;
}
const interfaces = new Map<string, Iface>();
for (const st of source.statements) {
  if (!ts.isInterfaceDeclaration(st)) continue;
  const members = new Map<string, Member>();
  for (const m of st.members) {
    if (!ts.isPropertySignature(m) || !m.type) continue;
    const name = ts.isComputedPropertyName(m.name)
      ? `[${m.name.expression.getText()}]`
      : ts.isStringLiteral(m.name)
        ? m.name.text
        : m.name.getText();
    const jsDoc = (m as unknown as { jsDoc?: ts.JSDoc[] }).jsDoc;
    const doc = jsDoc ? jsDoc.map((d) => (typeof d.comment === 'string' ? d.comment : '')).join('\n') : '';
    const readonly = !!m.modifiers?.some((x) => x.kind === ts.SyntaxKind.ReadonlyKeyword);
    members.set(name, { type: m.type.getText(), readonly, doc });
  }
  const heritage = st.heritageClauses?.[0]?.types[0]?.getText() ?? null;
  interfaces.set(st.name.text, { extends: heritage, members });
}

const byFactory = interfaces.get('ElementsByFactory');
const classes = generator.giClasses(TYPINGS);

/** Every property of a Properties interface and its ancestors. */
function allProperties(name: string): Map<string, Member> {
  const out = new Map<string, Member>();
  for (let n: string | null = name; n; ) {
    const iface = interfaces.get(n);
    assert.ok(iface, `interface ${n} in typings/elements.d.ts`);
    for (const [k, v] of iface.members) if (!out.has(k)) out.set(k, v);
    n = iface.extends;
  }
  return out;
}

function formatValue(v: unknown): string {
  return typeof v === 'bigint' ? `${v}n` : typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** What node-gtk's accessor gives, as the TS type the typings declare for it. */
function jsTypeMatches(declared: string, value: unknown): boolean {
  if (value === null) return declared.includes('| null');
  if (declared === 'number') return typeof value === 'number';
  if (declared === 'bigint') return typeof value === 'bigint';
  if (declared === 'boolean') return typeof value === 'boolean';
  if (declared === 'string | null') return typeof value === 'string';
  return typeof value === 'object';
}

test('every element of typings/elements.d.ts exists here, with every property and signal as typed', () => {
  assert.ok(byFactory, 'ElementsByFactory in typings/elements.d.ts');
  const problems: string[] = [];
  let elements = 0;
  let properties = 0;
  let signals = 0;
  let accessorsRead = 0;
  for (const [factory, { type: elementName }] of byFactory.members) {
    const d = native.describeElement(factory);
    if (!d) {
      problems.push(`${factory}: typed but not installed (or makes no element) in GStreamer ${Gst.version().slice(0, 3).join('.')}`);
      continue;
    }
    elements++;
    const element = interfaces.get(elementName);
    if (!element) {
      problems.push(`${factory}: no interface ${elementName}`);
      continue;
    }
    const propsName = element.members.get('[properties]')?.type;
    const typed = propsName ? allProperties(propsName) : new Map<string, Member>();
    const live = new Map(d.properties.map((p) => [p.name, p]));
    for (const name of typed.keys()) if (!live.has(name)) problems.push(`${factory}: property ${name} is typed but missing here`);
    const made = Gst.ElementFactory.make(factory, null) as unknown as Record<string, unknown> | null;
    for (const p of d.properties) {
      const member = typed.get(p.name);
      if (!member) {
        problems.push(`${factory}: property ${p.name} is not typed`);
        continue;
      }
      properties++;
      const expected = generator.launchType(p, classes);
      if (member.type !== expected) problems.push(`${factory}.${p.name}: typed ${member.type}, is ${expected}`);
      if (member.readonly !== (!p.writable || p.constructOnly))
        problems.push(`${factory}.${p.name}: readonly is ${member.readonly}, writable ${p.writable}, construct-only ${p.constructOnly}`);
      if (!member.doc.includes(`\`${p.name}\`: ${p.valueType}`))
        problems.push(`${factory}.${p.name}: documented type is not ${p.valueType}`);
      if (p.writable !== !member.doc.includes('read-only')) problems.push(`${factory}.${p.name}: documented writability is wrong`);
      if (p.readable !== !member.doc.includes('write-only')) problems.push(`${factory}.${p.name}: documented readability is wrong`);
      if (p.default !== null && p.default !== undefined && !member.doc.includes(`default ${formatValue(p.default)}`))
        problems.push(`${factory}.${p.name}: default is ${formatValue(p.default)}, documented: ${member.doc.split('\n')[1]}`);
      // the accessor node-gtk defines: its value has the declared type
      const key = generator.accessorName(p.name);
      const accessor = key === null ? undefined : element.members.get(key);
      if (key !== null && accessor && made && p.readable && classes.get(p.owner) === undefined) {
        const value = made[key];
        accessorsRead++;
        if (!jsTypeMatches(accessor.type, value))
          problems.push(`${factory}.${key}: typed ${accessor.type}, node-gtk gives ${typeof value} ${String(value)}`);
      }
    }
    const typedSignals = interfaces.get(element.members.get('[signals]')?.type ?? '')?.members ?? new Map<string, Member>();
    const liveSignals = d.signals.filter((s) => !classes.has(s.owner));
    for (const name of typedSignals.keys())
      if (!liveSignals.some((s) => s.name === name)) problems.push(`${factory}: signal ${name} is typed but missing here`);
    for (const s of liveSignals) {
      const member = typedSignals.get(s.name);
      const params = s.paramTypes.map((t, i) => `arg${i}: ${generator.nodeGtkType(t, s.paramFundamentals[i], classes)}`).join(', ');
      const expected = `(${params}) => ${generator.nodeGtkType(s.returnType, s.returnFundamental, classes)}`;
      if (!member) problems.push(`${factory}: signal ${s.name} is not typed`);
      else if (member.type !== expected) problems.push(`${factory}: signal ${s.name} typed ${member.type}, is ${expected}`);
      else signals++;
    }
  }
  assert.ok(elements > 100, `the typings describe the installed elements (${elements})`);
  if (problems.length)
    assert.unreachable(`${problems.length} disagreements (regenerate with npm run typings -- --set):\n${problems.slice(0, 40).join('\n')}`);
  assert.ok(accessorsRead > 500, `node-gtk accessors read (${accessorsRead})`);
  console.log(
    `  element typings: ${elements} elements, ${properties} properties, ${signals} signals agree with GStreamer ${Gst.version().slice(0, 3).join('.')}`,
  );
});

test.run();
