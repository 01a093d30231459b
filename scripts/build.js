#!/usr/bin/env node
'use strict';
/**
 * `npm run build` (and `prepack`, so `npm pack` / `npm publish` always ship a fresh build):
 * src/ -> dist/, the package's entry points.
 *
 *  1. tsconfig.build.json compiled (TypeScript's API, as tsc -p would): JavaScript (CommonJS) and
 *     declarations for every src/*.ts; any diagnostic stops the build.
 *  2. src/*.js that have no .ts of the same name (src/gi.js, typed by src/gi.d.ts) are copied with
 *     their .d.ts: tsc does not emit them.
 *  3. Declarations that name 'node-gtk' get a reference to typings/node-gtk.d.ts (node-gtk ships no
 *     types), and those that use Disposable / Symbol.dispose one to lib esnext.disposable, so a
 *     consumer type-checks with `skipLibCheck: false` and nothing extra in its tsconfig.
 *  4. An ES module entry (.mjs and .d.mts) beside each CommonJS entry package.json "exports" names
 *     (`gstreamer-ts`, `gstreamer-ts/utils`, `gstreamer-ts/element`). Each re-exports, by name,
 *     the one CommonJS instance (node-gtk and GStreamer must be loaded once per process, so the
 *     two entries cannot be two copies of the library). The names are the source module's value
 *     exports, read with the TypeScript compiler API, so each entry follows its module by itself.
 *
 * `--if-stale` (npm start, npm test): does nothing when dist/ is newer than every file it is made
 * from (src/, tsconfig*.json, typings/node-gtk.d.ts, this script), so a second start costs no build.
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const SRC = path.join(ROOT, 'src');
const DIST = path.join(ROOT, 'dist');
/** The ES module entries: the source module, and the CommonJS file in dist/ it becomes. */
const ENTRIES = ['index', 'utils', 'element/index'];
const STAMP = path.join(DIST, '.built');

if (process.argv.includes('--if-stale') && !stale()) process.exit(0);

/** Whether any input of the build is newer than the last complete build (dist/.built). */
function stale() {
  let built;
  try {
    built = fs.statSync(STAMP).mtimeMs;
  } catch {
    return true;
  }
  const inputs = [
    __filename,
    path.join(ROOT, 'tsconfig.json'),
    path.join(ROOT, 'tsconfig.build.json'),
    path.join(ROOT, 'typings', 'node-gtk.d.ts'),
  ];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'native') walk(full);
      } else if (/\.(?:ts|js)$/.test(entry.name)) inputs.push(full);
    }
  };
  walk(SRC);
  return inputs.some((file) => {
    try {
      return fs.statSync(file).mtimeMs > built;
    } catch {
      return true; // an input not there yet (typings/ before scripts/typings-select.js ran): build, and let the build say what is missing
    }
  });
}

const ts = require('typescript');

// 1. one program for the emit and for reading src/index.ts's exports (step 4)
const config = ts.getParsedCommandLineOfConfigFile(
  path.join(ROOT, 'tsconfig.build.json'),
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => fail([diagnostic]),
  },
);
if (!config) throw new Error('cannot read tsconfig.build.json');
if (config.errors.length > 0) fail(config.errors);
fs.rmSync(DIST, { recursive: true, force: true });
const program = ts.createProgram({ rootNames: config.fileNames, options: config.options, projectReferences: config.projectReferences });
const diagnostics = ts.getPreEmitDiagnostics(program);
if (diagnostics.length > 0) fail(diagnostics);
const emitted = program.emit();
if (emitted.diagnostics.length > 0 || emitted.emitSkipped) fail(emitted.diagnostics);

function fail(list) {
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' };
  console.error(ts.formatDiagnosticsWithColorAndContext(list, host));
  process.exit(1);
}

// 2. hand-written JavaScript modules with hand-written declarations
for (const file of fs.readdirSync(SRC)) {
  if (!file.endsWith('.js')) continue;
  const base = file.slice(0, -'.js'.length);
  if (fs.existsSync(path.join(SRC, `${base}.ts`))) continue;
  const declaration = path.join(SRC, `${base}.d.ts`);
  if (!fs.existsSync(declaration)) throw new Error(`src/${file} has no src/${base}.d.ts beside it: a consumer would get no types`);
  fs.copyFileSync(path.join(SRC, file), path.join(DIST, file));
  fs.copyFileSync(declaration, path.join(DIST, `${base}.d.ts`));
}

// 3. node-gtk's module types travel with the package; so does the lib `using` needs
const shim = path.join(ROOT, 'typings', 'node-gtk.d.ts');
for (const file of fs.readdirSync(DIST)) {
  if (!file.endsWith('.d.ts')) continue;
  const full = path.join(DIST, file);
  const text = fs.readFileSync(full, 'utf8');
  const references = [];
  if (/from ['"]node-gtk['"]|import\(['"]node-gtk['"]\)/.test(text)) {
    references.push(`/// <reference path="${path.relative(DIST, shim).split(path.sep).join('/')}" />`);
  }
  // Disposable, Symbol.dispose: in TypeScript's lib esnext.disposable (or @types/node), not in es2022
  if (/Symbol\.(?:asyncDispose|dispose)\b|\b(?:Async)?Disposable\b/.test(text))
    references.push('/// <reference lib="esnext.disposable" />');
  if (references.length > 0) fs.writeFileSync(full, `${references.join('\n')}\n${text}`);
}

// 4. the ES module entries
function valueExports(entry) {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`cannot read the exports of ${entry}`);
  return checker
    .getExportsOfModule(moduleSymbol)
    .filter((symbol) => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      return (target.flags & ts.SymbolFlags.Value) !== 0;
    })
    .map((symbol) => symbol.name)
    .sort();
}
const counts = [];
for (const entry of ENTRIES) {
  const names = valueExports(path.join(SRC, `${entry}.ts`));
  if (names.length === 0) throw new Error(`src/${entry}.ts exports no values`);
  const base = path.basename(entry);
  fs.writeFileSync(
    path.join(DIST, `${entry}.mjs`),
    [
      `// An ES module entry of gstreamer-ts (generated by scripts/build.js from src/${entry}.ts).`,
      '// It re-exports the CommonJS build: node-gtk and GStreamer are loaded once per process.',
      `import api from './${base}.js';`,
      '',
      `export const {\n${names.map((n) => `  ${n},`).join('\n')}\n} = api;`,
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(DIST, `${entry}.d.mts`),
    `// Types of the ES module entry: the same names as the CommonJS entry (generated by scripts/build.js).\nexport * from './${base}.js';\n`,
  );
  counts.push(`${names.length} in ${entry}.mjs`);
}
fs.writeFileSync(STAMP, `${new Date().toISOString()}\n`);
console.log(`build: dist/ written (value exports: ${counts.join(', ')})`);
