/**
 * The package as another project gets it (README, "Install / use it in your project"): `npm pack`,
 * the tarball installed into a fresh project in a temporary directory, then a CommonJS script, an
 * ES module and a strict TypeScript program (module nodenext and commonjs, skipLibCheck false)
 * each pull 5 frames through it.
 *
 * Offline where it can be: npm installs from its cache (`--prefer-offline`: the registry is asked
 * only for what the cache lacks).
 * The tarball's own install script (node-gyp rebuild of the addon) really runs (`npm rebuild
 * gstreamer-ts`). node-gtk's compile (a minute on 2 cores) is not repeated: the consumer gets
 * node-gtk from the same cache at the same version as this checkout's, and this checkout's built
 * binding for this Node is copied in, which is what node-pre-gyp would install. Set
 * GSTREAMER_TS_CONSUMER_FULL=1 to run every install script instead (node-gtk compiles).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from './helpers/support-';

const consumer = suite('consumer');
const FULL = process.env.GSTREAMER_TS_CONSUMER_FULL === '1';
const npmCli = process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath) ? process.env.npm_execpath : undefined;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * What `npm test` tells its scripts about this project (its prefix, package, script): not passed on,
 * so the consumer's npm works on the consumer. The user's npm settings (cache, nodedir...) are.
 */
const ABOUT_THIS_RUN = /^(?:npm_package_|npm_lifecycle_|npm_command$|npm_execpath$|npm_node_execpath$|npm_config_local_prefix$|npm_config_call$|INIT_CWD$)/i;

/** Runs a command to its end, in the user's environment without what concerns this project's npm run. */
function run(command: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<Ran> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!ABOUT_THIS_RUN.test(key)) env[key] = value;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')}: still running after ${timeoutMs} ms\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs npm (the one running `npm test`, else the one on PATH) and fails on a non-zero exit. */
async function npm(args: readonly string[], cwd: string, timeoutMs: number): Promise<Ran> {
  const ran = npmCli ? await run(process.execPath, [npmCli, ...args], cwd, timeoutMs) : await run('npm', args, cwd, timeoutMs);
  if (ran.code !== 0) throw new Error(`npm ${args.join(' ')} exited ${ran.code}\n${ran.stdout.slice(-3000)}\n${ran.stderr.slice(-3000)}`);
  return ran;
}

function versionOf(dir: string): string {
  return (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

const PIPELINE = 'videotestsrc num-buffers=5 ! video/x-raw,format=RGB,width=64,height=48 ! appsink sync=false';
const EXPECTED = [...[0, 1, 2, 3, 4].map((i) => `frame ${i} 48x64x3 RGB Uint8Array 9216`), 'frames 5'];

/** The body every program shares: 5 frames, one line each. */
const LOOP = `
  let count = 0;
  for await (const frame of source) {
    console.log(\`frame \${count++} \${frame.shape.join('x')} \${frame.format} \${frame.data.constructor.name} \${frame.data.length}\`);
  }
  console.log(\`frames \${count}\`);`;

const CJS = `const { GstVideoSource } = require('gstreamer-ts');
async function main() {
  const source = new GstVideoSource(${JSON.stringify(PIPELINE)}).startup();${LOOP}
}
main().catch((error) => { console.error(error); process.exit(1); });
`;

const MJS = `import { GstVideoSource } from 'gstreamer-ts';
const source = new GstVideoSource(${JSON.stringify(PIPELINE)}).startup();${LOOP}
`;

/** Strict TypeScript that uses the typings too (bigint times, typed frames, await using). */
const TS = `import { Gst, GstVideoSource, type VideoFrame } from 'gstreamer-ts';

async function main(): Promise<void> {
  const second: bigint = Gst.SECOND;
  if (second !== 1_000_000_000n) throw new Error('Gst.SECOND');
  await using source = new GstVideoSource(${JSON.stringify(PIPELINE)}).startup();
  let count = 0;
  for await (const frame of source) {
    const typed: VideoFrame = frame;
    const rows: number = typed.height;
    console.log(\`frame \${count++} \${typed.shape.join('x')} \${typed.format} \${typed.data.constructor.name} \${typed.data.length}\`);
    void rows;
  }
  console.log(\`frames \${count}\`);
}
main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
`;

/**
 * nodenext with the lib and types spelled out; commonjs with neither (TypeScript's defaults for
 * target es2022, all of @types): the declarations must bring what they need themselves.
 */
function tsconfig(module: 'nodenext' | 'commonjs', files: string[]): string {
  const spelledOut = module === 'nodenext' ? { lib: ['es2022', 'esnext.disposable'], types: ['node'] } : {};
  return JSON.stringify(
    { compilerOptions: { module, target: 'es2022', ...spelledOut, strict: true, skipLibCheck: false, outDir: `out-${module}` }, files },
    null,
    2,
  );
}

let dir = '';
let project = '';
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

consumer.before(async () => {
  try {
    await prepare();
  } catch (error) {
    // uvu does not report a failing hook: say why, then every test fails on the missing project
    console.error('consumer: setting up the project failed:', error);
    throw error;
  }
});

async function prepare(): Promise<void> {
  const started = Date.now();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gstreamer-ts-consumer-'));
  const packed = await npm(['pack', '--json', '--pack-destination', dir], ROOT, 120_000);
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string }[];
  const tarball = path.join(dir, info.filename);
  project = path.join(dir, 'project');
  fs.mkdirSync(project);
  fs.writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, allowScripts: { 'node-gtk': true, [`file:${tarball}`]: true } }, null, 2),
  );
  const typesNode = versionOf(path.join(ROOT, 'node_modules', '@types', 'node'));
  const install = ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, `@types/node@${typesNode}`];
  if (FULL) {
    await npm(install, project, 600_000);
  } else {
    await npm([...install, '--ignore-scripts'], project, 120_000);
    const mine = path.join(ROOT, 'node_modules', 'node-gtk');
    const theirs = path.join(project, 'node_modules', 'node-gtk');
    assert.is(versionOf(theirs), versionOf(mine), 'the consumer got the node-gtk this checkout built');
    fs.cpSync(path.join(mine, 'lib', 'binding'), path.join(theirs, 'lib', 'binding'), { recursive: true });
    await npm(['rebuild', 'gstreamer-ts', '--foreground-scripts'], project, 300_000);
  }
  fs.writeFileSync(path.join(project, 'frames.cjs'), CJS);
  fs.writeFileSync(path.join(project, 'frames.mjs'), MJS);
  fs.writeFileSync(path.join(project, 'frames.ts'), TS);
  fs.writeFileSync(path.join(project, 'frames-esm.mts'), TS);
  fs.writeFileSync(path.join(project, 'tsconfig.nodenext.json'), tsconfig('nodenext', ['frames.ts', 'frames-esm.mts']));
  fs.writeFileSync(path.join(project, 'tsconfig.commonjs.json'), tsconfig('commonjs', ['frames.ts']));
  startCompiles();
  console.log(`consumer: packed and installed in ${Date.now() - started} ms${FULL ? ' (all install scripts)' : ''}`);
}

consumer.after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function frames(file: string): Promise<void> {
  const ran = await run(process.execPath, [file], project, 30_000);
  assert.is(ran.code, 0, `node ${file} exits 0 (stderr: ${ran.stderr})`);
  assert.equal(ran.stdout.trimEnd().split('\n'), EXPECTED, `node ${file}: 5 frames of 64x48 RGB`);
}

/** The two compiles start together once the project is there (each reads 2.7 MB of typings). */
const compiles = new Map<string, Promise<Ran>>();
function startCompiles(): void {
  for (const module of ['nodenext', 'commonjs']) {
    const ran = run(process.execPath, [TSC, '-p', `tsconfig.${module}.json`], project, 180_000);
    ran.catch(() => undefined); // awaited (and reported) by its test
    compiles.set(module, ran);
  }
}

async function compile(module: 'nodenext' | 'commonjs'): Promise<void> {
  const compiled = compiles.get(module);
  assert.ok(compiled, 'the project was set up');
  const ran = await compiled;
  assert.is(ran.code, 0, `tsc (module ${module}, strict, skipLibCheck false) reports no errors:\n${ran.stdout}${ran.stderr}`);
}

consumer('the installed package holds its build, declarations, typings and the addon it built', () => {
  const pkg = path.join(project, 'node_modules', 'gstreamer-ts');
  // the addon's sources: whatever binding.gyp compiles (it is JSON here)
  const gyp = JSON.parse(fs.readFileSync(path.join(ROOT, 'binding.gyp'), 'utf8')) as { targets: { sources: string[] }[] };
  const sources = gyp.targets.flatMap((target) => target.sources);
  assert.ok(sources.length > 0, 'binding.gyp lists sources');
  const files = ['dist/index.js', 'dist/index.mjs', 'dist/index.d.ts', 'dist/index.d.mts', 'dist/gi.js', 'dist/gi.d.ts', 'typings/Gst-1.0.d.ts', 'typings/node-gtk.d.ts', 'binding.gyp', 'build/Release/gstreamer_ts.node'];
  for (const file of [...files, ...sources]) {
    assert.ok(fs.existsSync(path.join(pkg, file)), `${file} is in the installed package`);
  }
  assert.not.ok(fs.existsSync(path.join(pkg, 'test')), 'the tests are not shipped');
});

consumer('require: a CommonJS script pulls 5 frames', () => frames('frames.cjs'));

consumer('import: an ES module pulls 5 frames', () => frames('frames.mjs'));

consumer('TypeScript, module nodenext: strict tsc passes, the CommonJS and ES module outputs pull 5 frames', async () => {
  await compile('nodenext');
  await frames('out-nodenext/frames.js');
  await frames('out-nodenext/frames-esm.mjs');
});

consumer('TypeScript, module commonjs: strict tsc passes, the output pulls 5 frames', async () => {
  await compile('commonjs');
  await frames('out-commonjs/frames.js');
});

consumer.run();
