/**
 * Every file of this repository that a comment or a doc cites exists: a path under src/, docs/,
 * scripts/, test/, examples/, typings/ or .ci/ in README.md, docs/ and the project's code. A
 * path may leave out its extension (`src/gi` is src/gi.js), and a test may cite the .js it
 * compiles from a .ts beside it. Another project's file is cited with that project's name on the
 * same line or the line before (node-gtk's `src/gi.cc`, gstreamer-python's
 * `examples/run_appsink.py`): those are not this repository's and are not checked; nor are
 * patterns (`typings/gst-<version>/`). A bare suite name (`samples.test.ts`) is a file of test/,
 * a bare C++ file name (`notify.cc`) one of src/native/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from './helpers/support';

const ROOTS = ['README.md', 'docs', 'src', 'scripts', 'test', 'examples', '.ci', 'binding.gyp', 'package.json', 'tsconfig.json'];
const TEXT = /\.(ts|cts|mts|js|mjs|cjs|cc|h|md|sh|json|gyp)$|^\.ci\/run$/;
const CITATION = /(?<![\w./@-])((?:src|docs|scripts|test|examples|typings|\.ci)\/[\w./-]*\w)/g;
const OTHER_PROJECT = /node-gtk|gstreamer-python|gst-python|\.py\b|GStreamer's own|upstream/i;
const EXTENSIONS = ['', '.ts', '.js', '.d.ts', '.cc', '.md', '.json'];
/** A file named without its directory, and the directory it is then in. */
const BARE = /(?<![\w./@-])([\w-]+\.(?:test\.ts|cc))\b/g;
const bareDir = (name: string): string => (name.endsWith('.cc') ? 'src/native' : 'test');

function files(rel: string): string[] {
  const abs = path.join(ROOT, rel);
  if (!fs.existsSync(abs)) return [];
  if (!fs.statSync(abs).isDirectory()) return TEXT.test(rel) ? [rel] : [];
  return fs
    .readdirSync(abs)
    .filter((name) => name !== 'node_modules')
    .flatMap((name) => files(path.posix.join(rel, name)));
}

function exists(cited: string): boolean {
  const candidates = EXTENSIONS.map((ext) => cited + ext);
  if (cited.endsWith('.js')) candidates.push(cited.replace(/\.js$/, '.ts'));
  return candidates.some((file) => fs.existsSync(path.join(ROOT, file)));
}

test('the citation pattern finds paths and leaves other projects alone', () => {
  const found = (line: string) => [...line.matchAll(CITATION)].map((m) => m[1]);
  assert.equal(found('see docs/typings.md, and src/native/loop.cc.'), ['docs/typings.md', 'src/native/loop.cc']);
  assert.equal(found('node_modules/x/src/y.js and https://example.org/docs/a'), []);
  assert.ok(OTHER_PROJECT.test("node-gtk's src/gi.cc"));
  assert.ok(exists('src/gi') && exists('test/helpers/support.js') && !exists(['src', 'no-such-module.ts'].join('/')));
  const bare = (line: string) => [...line.matchAll(BARE)].map((m) => `${bareDir(m[1])}/${m[1]}`);
  assert.equal(bare('as in samples.test.ts (see notify.cc), not test/frames.test.ts'), ['test/samples.test.ts', 'src/native/notify.cc']);
});

test('every file a comment or a doc cites exists', () => {
  const missing: string[] = [];
  let count = 0;
  let bare = 0;
  for (const file of ROOTS.flatMap(files)) {
    const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
    lines.forEach((line, index) => {
      // another project's file: its name on this line or on the one before (a wrapped sentence)
      if (OTHER_PROJECT.test(line) || OTHER_PROJECT.test(lines[index - 1] ?? '')) return;
      for (const match of line.matchAll(CITATION)) {
        if (/^-?[<*{$]/.test(line.slice(match.index + match[1].length))) continue; // a pattern: typings/gst-<ver>/
        count++;
        if (!exists(match[1])) missing.push(`${file}:${index + 1}: ${match[1]}`);
      }
      for (const match of line.matchAll(BARE)) {
        bare++;
        if (!exists(`${bareDir(match[1])}/${match[1]}`)) missing.push(`${file}:${index + 1}: ${match[1]}`);
      }
    });
  }
  assert.ok(count >= 300, `only ${count} citations found: is the pattern still right?`);
  assert.ok(bare >= 20, `only ${bare} bare file names found: is the pattern still right?`);
  assert.equal(missing, [], `cited files that do not exist:\n${missing.join('\n')}`);
});

test.run();
