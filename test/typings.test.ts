/**
 * The generated typings: reproducible from the typelibs, and strict where node-gtk is.
 *
 * - `npm run typings` regenerates the committed set for the running GStreamer,
 *   typings/gst-<major>.<minor>/, byte for byte (twice, to tell a non-deterministic generator
 *   from a stale set); typings/*.d.ts, which src/ reads, hold that set (docs/typings.md).
 * - test/types/*.cts are compiled with the project's compiler options. Each line after an
 *   `@ts-expect-error TSnnnn message` directive must fail with that code and message once the
 *   directive is taken out, and nothing else may fail; positive.cts is the control that compiles.
 *   (`.cts`, not `.ts`: uvu's default pattern runs every `*.ts` under test/, and these must never
 *   run. tsc -p . still type-checks them, and then the directives must still be needed.)
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = path.resolve(__dirname, '..');
const TYPINGS = path.join(ROOT, 'typings');

interface TypingsSet {
  name: string;
  major: number;
  minor: number;
}
const select = require('../scripts/typings-select.js') as {
  gstVersion(): string | null;
  sets(dir?: string): TypingsSet[];
  choose(available: TypingsSet[], version: string | null): { set: TypingsSet; exact: boolean };
  minorOf(version: string | null): string | null;
};
const GST = select.gstVersion();
const SNIPPETS = path.join(__dirname, 'types');

/** `npm run typings` into `outdir`, its element typings for the factories the set `like` covers. */
function regenerate(outdir: string, like: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'typings.js'), '--outdir', outdir, '--like', like], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`scripts/typings.js did not finish in 120 s:\n${output}`));
    }, 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function firstDifference(a: string, b: string): string {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++)
    if (la[i] !== lb[i]) return `line ${i + 1}:\n  - ${lb[i] ?? '(end of file)'}\n  + ${la[i] ?? '(end of file)'}`;
  return 'no line differs';
}

test(`npm run typings reproduces the committed set for this GStreamer (${GST}) exactly, run after run`, async () => {
  assert.ok(GST, 'the GStreamer version is known (pkg-config --modversion gstreamer-1.0)');
  const setDir = path.join(TYPINGS, `gst-${select.minorOf(GST)}`);
  if (!fs.existsSync(setDir))
    assert.unreachable(
      `no committed typings for GStreamer ${GST}: make them with \`npm run typings -- --set\` on this system and commit ${path.relative(ROOT, setDir)}/ (docs/typings.md)`,
    );
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gstreamer-ts-typings-test-'));
  try {
    const dirs = [path.join(scratch, 'a'), path.join(scratch, 'b')];
    const runs = await Promise.all(dirs.map((dir) => regenerate(dir, setDir)));
    runs.forEach((r) => assert.is(r.code, 0, `scripts/typings.js failed:\n${r.output}`));

    const committed = fs.readdirSync(setDir).sort();
    for (const dir of dirs) assert.equal(fs.readdirSync(dir).sort(), committed, `the same files as ${path.relative(ROOT, setDir)}/`);
    for (const file of committed) {
      const [a, b] = dirs.map((d) => fs.readFileSync(path.join(d, file), 'utf8'));
      if (a !== b) assert.unreachable(`${file}: two runs differ (not deterministic), ${firstDifference(b, a)}`);
      const current = fs.readFileSync(path.join(setDir, file), 'utf8');
      if (a !== current)
        assert.unreachable(
          `${path.relative(ROOT, setDir)}/${file} is not what npm run typings makes now; run \`npm run typings -- --set\` and commit. First difference at ${firstDifference(a, current)}`,
        );
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
});

test('typings/*.d.ts, what src/ reads, are the set for this GStreamer (scripts/typings-select.js put them there)', () => {
  const { set, exact } = select.choose(select.sets(), GST);
  assert.ok(exact, `a committed set for GStreamer ${GST}`);
  const files = fs.readdirSync(path.join(TYPINGS, set.name)).sort();
  assert.equal(
    fs
      .readdirSync(TYPINGS)
      .filter((f) => f.endsWith('.d.ts'))
      .sort(),
    files,
    `the files of typings/${set.name}`,
  );
  for (const file of files)
    assert.ok(
      fs.readFileSync(path.join(TYPINGS, file), 'utf8') === fs.readFileSync(path.join(TYPINGS, set.name, file), 'utf8'),
      `typings/${file} is typings/${set.name}/${file}: run node scripts/typings-select.js`,
    );
});

test('typings-select chooses the set of the same minor version, else the nearest older one, else the oldest', () => {
  const available: TypingsSet[] = [
    { name: 'gst-1.22', major: 1, minor: 22 },
    { name: 'gst-1.26', major: 1, minor: 26 },
  ];
  const pick = (version: string | null): string => {
    const { set, exact } = select.choose(available, version);
    return `${set.name}${exact ? '' : ' (nearest)'}`;
  };
  assert.is(pick('1.22.0'), 'gst-1.22');
  assert.is(pick('1.22.12'), 'gst-1.22');
  assert.is(pick('1.26.2'), 'gst-1.26');
  assert.is(pick('1.24.2'), 'gst-1.22 (nearest)');
  assert.is(pick('1.28.0'), 'gst-1.26 (nearest)');
  assert.is(pick('2.0.0'), 'gst-1.26 (nearest)');
  assert.is(pick('1.20.3'), 'gst-1.22 (nearest)');
  assert.is(pick(null), 'gst-1.22 (nearest)');
  // what is committed: sets by name, oldest first, and one for each system CI proves
  const committed = select.sets().map((s) => s.name);
  assert.equal(
    [...committed].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })),
    committed,
    'oldest first',
  );
  for (const proved of ['gst-1.22', 'gst-1.26'])
    assert.ok(committed.includes(proved), `typings/${proved} is committed (${committed.join(', ')})`);
});

interface Expectation {
  /** 1-based line that must fail */
  line: number;
  code: number;
  message: string;
}

const DIRECTIVE = /\/\/ @ts-expect-error TS(\d+) (.+)$/;

function expectationsOf(text: string): Expectation[] {
  const out: Expectation[] = [];
  text.split('\n').forEach((line, i) => {
    const m = DIRECTIVE.exec(line);
    if (m) out.push({ line: i + 2, code: Number(m[1]), message: m[2].trim() });
    else if (line.includes('@ts-expect-error')) throw new Error(`line ${i + 1}: write "// @ts-expect-error TSnnnn message"`);
  });
  return out;
}

/** The project's compiler options, and the declaration files it includes (typings/node-gtk.d.ts is ambient). */
function project(): { options: ts.CompilerOptions; declarations: string[] } {
  const configPath = path.join(ROOT, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (f) => ts.sys.readFile(f));
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT, undefined, configPath);
  return { options: { ...parsed.options, noEmit: true }, declarations: parsed.fileNames.filter((f) => f.endsWith('.d.ts')) };
}

interface Found {
  line: number;
  code: number;
  message: string;
}

type Compiled = Map<string, { expectations: Expectation[]; found: Found[] }>;
let compiled: { result?: Compiled; error?: unknown } | undefined;

/** Compiles every snippet once, in one program, with its expect-error directives taken out. */
function compileSnippets(): Compiled {
  if (!compiled) {
    try {
      compiled = { result: compile() };
    } catch (error) {
      compiled = { error };
    }
  }
  if (compiled.error) throw compiled.error;
  return compiled.result as Compiled;
}

function compile(): Compiled {
  const files = fs
    .readdirSync(SNIPPETS)
    .filter((f) => f.endsWith('.cts'))
    .sort()
    .map((f) => path.join(SNIPPETS, f));
  const sources = new Map<string, string>();
  const expectations = new Map<string, Expectation[]>();
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    expectations.set(file, expectationsOf(text));
    sources.set(file, text.replace(/\/\/ @ts-expect-error /g, '// expected: '));
  }
  const { options, declarations } = project();
  const host = ts.createCompilerHost(options, true);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => sources.get(path.resolve(f)) ?? readFile(f);
  host.getSourceFile = (f, lang, onError, create) => {
    const text = sources.get(path.resolve(f));
    return text !== undefined ? ts.createSourceFile(f, text, lang, true) : getSourceFile(f, lang, onError, create);
  };
  const program = ts.createProgram({ rootNames: [...declarations, ...files], options, host });
  const out: Compiled = new Map();
  const global = program.getGlobalDiagnostics().concat(program.getOptionsDiagnostics());
  assert.equal(
    global.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    [],
    'no global diagnostics',
  );
  for (const file of files) {
    const sf = program.getSourceFile(file);
    if (!sf) throw new Error(`not compiled: ${file}`);
    const diagnostics = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    out.set(file, {
      expectations: expectations.get(file) ?? [],
      found: diagnostics.map((d) => ({
        line: sf.getLineAndCharacterOfPosition(d.start ?? 0).line + 1,
        code: d.code,
        message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
      })),
    });
  }
  // typings problems would surface here too (skipLibCheck is false)
  const elsewhere = program
    .getSemanticDiagnostics()
    .filter((d) => !d.file || !files.includes(path.resolve(d.file.fileName)))
    .map((d) => `${d.file?.fileName}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
  assert.equal(elsewhere, [], 'no diagnostics outside the snippets');
  return out;
}

function describe(found: Found[]): string {
  return found.map((f) => `  line ${f.line} TS${f.code}: ${f.message}`).join('\n') || '  (none)';
}

const snippetFiles = fs
  .readdirSync(SNIPPETS)
  .filter((f) => f.endsWith('.cts'))
  .sort();

test('there are negative snippets and a positive control', () => {
  assert.ok(snippetFiles.includes('positive.cts'), 'test/types/positive.cts');
  const negative = snippetFiles.filter((f) => f !== 'positive.cts');
  assert.ok(negative.length >= 3, `negative snippets: ${negative.join(', ')}`);
  for (const f of negative) assert.ok(expectationsOf(fs.readFileSync(path.join(SNIPPETS, f), 'utf8')).length > 0, `${f} expects an error`);
  assert.is(expectationsOf(fs.readFileSync(path.join(SNIPPETS, 'positive.cts'), 'utf8')).length, 0, 'the control expects none');
});

for (const name of snippetFiles) {
  test(`test/types/${name}: ${name === 'positive.cts' ? 'compiles' : 'fails exactly where and how it says'}`, () => {
    const result = compileSnippets().get(path.join(SNIPPETS, name));
    if (!result) throw new Error(`no result for ${name}`);
    const { expectations, found } = result;
    for (const e of expectations) {
      const hit = found.find((f) => f.line === e.line && f.code === e.code && f.message.includes(e.message));
      if (!hit) assert.unreachable(`${name}:${e.line}: expected TS${e.code} "${e.message}", the compiler said:\n${describe(found)}`);
    }
    const unexpected = found.filter((f) => !expectations.some((e) => e.line === f.line));
    if (unexpected.length) assert.unreachable(`${name}: unexpected diagnostics:\n${describe(unexpected)}`);
  });
}

test('uvu does not run test/types/ (its default pattern skips .cts)', async () => {
  const { parse } = require('uvu/parse') as {
    parse(dir: string, pattern?: string, opts?: { cwd?: string }): Promise<{ suites: { name: string }[] }>;
  };
  const { suites } = await parse('test', undefined, { cwd: ROOT });
  const names = suites.map((s) => s.name.split(path.sep).join('/'));
  assert.ok(names.includes('typings.test.ts'), `uvu finds the tests: ${names.join(', ')}`);
  assert.equal(
    names.filter((n) => n.startsWith('types/')),
    [],
    'no snippet is run as a test',
  );
});

test.run();
