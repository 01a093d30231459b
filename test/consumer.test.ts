/**
 * The README's "Your first project", as written, in a fresh project outside the repository
 * (test/helpers/consumer-project.ts makes it: the packed tarball, `"type": "module"`, the
 * TypeScript npm installs today): the README's files run the README's way, `node main.ts` (Node
 * 22.18+), `npx tsc --noEmit`, the ts-node recipe (typescript@5 + ts-node 10.9.2), CommonJS and
 * ES module JavaScript, and the subpath entries. The tarball itself comes from `npm pack
 * git+file://` (a clone's `prepare` builds dist/): npm install's way with a git URL.
 * The files come from the README's code blocks, so the page and the test cannot drift apart.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  consumerProject,
  installTsNode,
  npx,
  NODE_RUNS_TYPESCRIPT,
  README_FILES,
  ROOT,
  run,
  type ConsumerProject,
  type Ran,
} from './helpers/consumer-project';

const consumer = suite('consumer');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
let project: ConsumerProject;

let testStarted = 0;
consumer.before.each(() => {
  testStarted = Date.now();
});
let setupError: unknown;
consumer.before(async () => {
  try {
    project = await consumerProject();
    console.log(`consumer: packed and installed in ${project.seconds.toFixed(0)} s (TypeScript ${project.typescript})`);
  } catch (error) {
    // uvu neither reports a failing hook nor fails the run for it: each test fails with it instead
    setupError = error;
  }
});
consumer.before.each(() => {
  if (setupError) throw setupError instanceof Error ? setupError : new Error(String(setupError));
});

consumer.after.each(() => {
  if (process.env.GSTREAMER_TS_CONSUMER_TIMES) console.log(`consumer: test took ${((Date.now() - testStarted) / 1000).toFixed(1)} s`);
});

function node(args: readonly string[]): Promise<Ran> {
  return run(process.execPath, args, project.dir, 60_000);
}

function exitedCleanly(ran: Ran, what: string): void {
  assert.is(ran.code, 0, `${what} exits 0\n--- stdout\n${ran.stdout.slice(-2000)}\n--- stderr\n${ran.stderr.slice(-2000)}`);
}

/** main.ts's five lines, as its comment says: `0 [ 240, 320, 3 ] RGB Uint8Array`. */
function fiveFrames(ran: Ran, what: string): void {
  exitedCleanly(ran, what);
  const lines = ran.stdout.trimEnd().split('\n');
  assert.is(lines.length, 5, `${what}: 5 lines\n${ran.stdout}`);
  assert.is(lines[0], '0 [ 240, 320, 3 ] RGB Uint8Array', what);
  for (const line of lines) assert.match(line, /^\d+ \[ 240, 320, 3 \] RGB( Uint8Array)?$/, what);
}

consumer('the README names its files and commands', () => {
  assert.equal(README_FILES.map((b) => b.file).sort(), ['main.cjs', 'main.ts', 'sink.ts', 'tsconfig.json']);
  for (const command of [
    'npm pkg set type=module',
    'npm install --save-dev typescript @types/node',
    'node main.ts',
    'npx tsc --noEmit',
    'node sink.ts',
    'npm install --save-dev typescript@5 ts-node@10.9.2',
    'node --loader ts-node/esm main.ts',
  ]) {
    assert.ok(README.includes(command), `README shows \`${command}\``);
  }
  const main = README_FILES.find((b) => b.file === 'main.ts')!;
  assert.match(main.code, /\/\/ 0 \[ 240, 320, 3 \] RGB Uint8Array$/m, 'the line fiveFrames() checks is the one main.ts says it prints');
});

consumer('`npm pack git+file://<a clone>`: the clone has no dist/, its prepare built it into the tarball', () => {
  for (const file of ['dist/index.js', 'dist/index.mjs', 'dist/utils.mjs', 'dist/element/index.mjs', 'docs/tutorial.md', 'LICENSE']) {
    assert.ok(project.packedFiles.includes(file), `${file} is in the tarball`);
  }
  assert.not.ok(
    project.packedFiles.some((f) => f.startsWith('test/') || f.startsWith('examples/')),
    'no tests or examples in the tarball',
  );
});

consumer('the installed package holds its build, entries, declarations, typings, docs and the addon it built', () => {
  const pkg = path.join(project.dir, 'node_modules', 'gstreamer-ts');
  const gyp = JSON.parse(fs.readFileSync(path.join(ROOT, 'binding.gyp'), 'utf8')) as { targets: { sources: string[] }[] };
  const sources = gyp.targets.flatMap((target) => target.sources);
  assert.ok(sources.length > 0, 'binding.gyp lists sources');
  const files = [
    'dist/index.js',
    'dist/index.mjs',
    'dist/index.d.ts',
    'dist/index.d.mts',
    'dist/utils.mjs',
    'dist/utils.d.mts',
    'dist/element/index.js',
    'dist/element/index.mjs',
    'dist/gi.js',
    'dist/gi.d.ts',
    'typings/Gst-1.0.d.ts',
    'typings/node-gtk.d.ts',
    'docs/tutorial.md',
    'docs/install.md',
    'LICENSE',
    'README.md',
    'binding.gyp',
    'build/Release/gstreamer_ts.node',
  ];
  for (const file of [...files, ...sources]) assert.ok(fs.existsSync(path.join(pkg, file)), `${file} is in the installed package`);
  assert.not.ok(fs.existsSync(path.join(pkg, 'test')), 'the tests are not shipped');
});

consumer("`npx tsc --noEmit` with the TypeScript npm installs today: the README's files and the tutorial's steps type-check", async () => {
  const ran = await npx(project.dir, 'tsc', ['--noEmit'], 180_000);
  assert.is(ran.code, 0, `tsc ${project.typescript} reports errors:\n${ran.stdout}${ran.stderr}`);
});

consumer('`node main.ts` prints 5 frames (Node 22.18+), `node sink.ts` writes out.webm', async () => {
  if (!NODE_RUNS_TYPESCRIPT) {
    console.log(
      `consumer: skipped \`node main.ts\`: Node ${process.version} has no TypeScript of its own (22.18+, 24 and 26 do; CI runs them)`,
    );
    return;
  }
  fiveFrames(await node(['main.ts']), 'node main.ts');
  const sink = await node(['sink.ts']);
  exitedCleanly(sink, 'node sink.ts');
  assert.is(sink.stdout.trim(), 'wrote out.webm');
  assert.ok(fs.statSync(path.join(project.dir, 'out.webm')).size > 1000, 'out.webm holds the 60 frames');
});

consumer("JavaScript: the README's CommonJS main.cjs, an ES module, and the subpath entries from both", async () => {
  fiveFrames(await node(['main.cjs']), 'node main.cjs');
  const js = README_FILES.find((b) => b.file === 'main.cjs')!.code;
  const esm = js.replace("const { GstVideoSource } = require('gstreamer-ts');", "import { GstVideoSource } from 'gstreamer-ts';");
  assert.is.not(esm, js, 'main.cjs requires gstreamer-ts as the README shows');
  fs.writeFileSync(path.join(project.dir, 'main.mjs'), esm);
  fiveFrames(await node(['main.mjs']), 'node main.mjs');
  const subpaths = [
    "import { toGstString } from 'gstreamer-ts/utils';",
    "import { GstVideoFilter, registerElement } from 'gstreamer-ts/element';",
    "import * as all from 'gstreamer-ts';",
    'if (all.toGstString !== toGstString || all.GstVideoFilter !== GstVideoFilter || all.registerElement !== registerElement) throw new Error("two instances");',
    "console.log(toGstString(['a', 'b']), typeof GstVideoFilter);",
  ].join('\n');
  fs.writeFileSync(path.join(project.dir, 'subpaths.mjs'), subpaths);
  const fromEsm = await node(['subpaths.mjs']);
  exitedCleanly(fromEsm, 'node subpaths.mjs');
  assert.is(fromEsm.stdout.trim(), 'a ! b function');
  const fromCjs = await node([
    '-e',
    "const u = require('gstreamer-ts/utils'); const e = require('gstreamer-ts/element'); console.log(u.toGstString(['a', 'b']), typeof e.GstVideoFilter, u.toGstString === require('gstreamer-ts').toGstString)",
  ]);
  exitedCleanly(fromCjs, 'require of the subpaths');
  assert.is(fromCjs.stdout.trim(), 'a ! b function true');
});

consumer(
  'the ts-node recipe: typescript@5 and ts-node 10.9.2, `node --loader ts-node/esm main.ts` type-checks and prints 5 frames',
  async () => {
    await installTsNode(project.dir);
    fiveFrames(await node(['--loader', 'ts-node/esm', 'main.ts']), 'node --loader ts-node/esm main.ts');
  },
);

consumer.run();
