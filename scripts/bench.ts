/**
 * npm run bench: every way frames leave a pipeline, side by side in one run on one machine, with
 * the project's targets as ratios to limits the run measures itself (absolute figures swing 2-3x
 * between machines; ratios within one run do not).
 *
 * Frames/s from PLAYING to end of stream of
 * `videotestsrc num-buffers=N pattern=black ! video/x-raw,format=RGB,width=W,height=H ! appsink` through
 *
 *   ceiling         the same pipeline ending in fakesink: nothing leaves GStreamer (Python child)
 *   copy-limit      a native loop that pulls each sample and copies it into one reused buffer, no
 *                   JavaScript per frame: the bound of any path that hands out copies
 *   ts-tutorial     the tutorial path as a user writes it (examples/run_appsink.ts): GstPipeline,
 *                   'new-sample' handler, emit('pull-sample'), gstBufferWithCapsToTypedArray
 *   ts-source-copy  GstVideoSource with default options (a copy per frame): what most users run
 *   ts-fastest      GstVideoSource with { zeroCopy: true }
 *   python          scripts/bench/python_appsink.py: the tutorial in PyGObject, extract_dup -> numpy
 *
 * plus: start to first frame (`node scripts/run.js examples/run_appsink.ts` with a one-buffer pipeline, as the
 * tutorial runs, against the same in Python), 8 pipelines at once in one process, the CPU
 * cost of waiting on a live source, and frames as tensors (`tensor`: toTensor against a plain JS
 * loop, numpy's expression and a native memory-bandwidth bound; scripts/bench/ts_tensor.ts), and
 * objects drawn onto frames (`draw`: drawObjects, 10 labelled boxes; scripts/bench/ts_draw.ts).
 *
 *   npm run bench                                  640x480 (3000 frames) and 1920x1080 (600)
 *   npm run bench -- --rounds 5 --only ts-tutorial,python --sizes 640x480
 *   npm run bench -- --soak                        10,000 1080p frames: RSS of ts-tutorial, ts-source-copy, ts-fastest
 *
 * Each measurement is its own child process (fresh heap, its own peak RSS), several rounds,
 * median reported. Children are scripts/bench/*.ts, transpiled here once to plain JavaScript so
 * that their RSS does not include ts-node's compiler.
 *
 * stdout: every measurement's JSON line as it arrives, then markdown tables. Progress on stderr.
 * Exits non-zero if a child fails or any path delivers a frame count other than N (a missed
 * target is reported, not an exit status: timing depends on the machine).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');
/** Debian's interpreter: the one python3-gi and python3-gst-1.0 install into. */
const PYTHON = '/usr/bin/python3';
const PYTHON_SCRIPT = path.join(ROOT, 'scripts', 'bench', 'python_appsink.py');
/** The tensor section's sources: 1080p and 640x480 RGB frames into a 640x640 model input. */
const TENSOR_SOURCES: Array<[number, number]> = [
  [1920, 1080],
  [640, 480],
];

// ---------------------------------------------------------------------------------------------
// options

const IMPLS = [
  'ceiling',
  'copy-limit',
  'ts-tutorial',
  'ts-source-copy',
  'ts-fastest',
  'python',
  'startup',
  'many',
  'element',
  'live',
  'tensor',
  'draw',
  'ocr',
] as const;
type Impl = (typeof IMPLS)[number];

const usage = `usage: npm run bench -- [--rounds K] [--only LIST] [--sizes WxH,...] [--frames N] [--soak]
  --rounds K    rounds per measurement, median reported (default 3)
  --only LIST   comma-separated: ${IMPLS.join(', ')} (default all)
  --sizes LIST  comma-separated WxH (default 640x480,1920x1080; with --soak default 1920x1080)
  --frames N    frames per run instead of the default (3000 up to 640x480-ish, 600 above; soak 10000)
  --soak        soak mode: RSS after the first 100 frames and at the last, for ts-tutorial, ts-source-copy, ts-fastest`;

const { values: opts } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    soak: { type: 'boolean', default: false },
    only: { type: 'string' },
    sizes: { type: 'string' },
    frames: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help) {
  console.log(usage);
  process.exit(0);
}

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(1);
}

const rounds = Number(opts.rounds);
if (!Number.isInteger(rounds) || rounds < 1) fail(`--rounds must be a positive integer, got ${opts.rounds}\n${usage}`);

const only = new Set<Impl>();
for (const name of (opts.only ?? IMPLS.join(','))
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean)) {
  if (!(IMPLS as readonly string[]).includes(name)) fail(`unknown path "${name}" in --only\n${usage}`);
  only.add(name as Impl);
}

interface Size {
  width: number;
  height: number;
}
const sizes: Size[] = (opts.sizes ?? (opts.soak ? '1920x1080' : '640x480,1920x1080')).split(',').map((s) => {
  const m = /^\s*(\d+)x(\d+)\s*$/.exec(s);
  if (!m) fail(`--sizes wants WxH,... got "${s}"\n${usage}`);
  return { width: Number(m[1]), height: Number(m[2]) };
});

const framesOverride = opts.frames === undefined ? null : Number(opts.frames);
if (framesOverride !== null && !(Number.isInteger(framesOverride) && framesOverride > 0))
  fail(`--frames must be a positive integer, got ${opts.frames}`);

/** N for a size: 3000 up to twice 640x480, 600 above. */
function framesFor(size: Size): number {
  if (framesOverride !== null) return framesOverride;
  return size.width * size.height <= 2 * 640 * 480 ? 3000 : 600;
}

const sizeName = (s: Size): string => `${s.width}x${s.height}`;

// ---------------------------------------------------------------------------------------------
// children as plain JavaScript

/**
 * Transpiles src/ and scripts/bench/ (no type check, as ts-node's transpile-only does) into a
 * temporary tree that links build/ and node_modules/ back to the project, so `../build/Release`
 * and `node-gtk` resolve as they do in the project.
 */
function buildChildren(): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'gstreamer-ts-bench-'));
  const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), (f) => fs.readFileSync(f, 'utf8'));
  const { options } = ts.convertCompilerOptionsFromJson(config.config?.compilerOptions ?? {}, ROOT);
  const compilerOptions: ts.CompilerOptions = { ...options, module: ts.ModuleKind.CommonJS, noEmit: false, sourceMap: false };

  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(rel);
        continue;
      }
      const target = path.join(out, rel);
      if (rel.endsWith('.d.ts')) continue;
      if (rel.endsWith('.ts')) {
        const source = fs.readFileSync(path.join(ROOT, rel), 'utf8');
        const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: rel });
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target.replace(/\.ts$/, '.js'), outputText);
      } else if (rel.endsWith('.js')) {
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.copyFileSync(path.join(ROOT, rel), target);
      }
    }
  };
  walk('src');
  walk(path.join('scripts', 'bench'));
  fs.symlinkSync(path.join(ROOT, 'build'), path.join(out, 'build'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(out, 'node_modules'));
  return out;
}

// ---------------------------------------------------------------------------------------------
// running one child

/** One child's JSON line (scripts/bench/common.ts's report(), or python_appsink.py's). */
interface Result {
  impl: string;
  sink: string;
  width: number;
  height: number;
  format: string;
  frames: number;
  seconds: number;
  fps: number;
  checksum: number;
  maxRssKb: number;
  /** process CPU time over the timed region, every thread: less disturbed by other load than fps */
  cpuSeconds?: number;
  // soak runs
  rssStartKb?: number | null;
  rssEndKb?: number | null;
  rssEveryKb?: number;
  rssTraceKb?: number[];
  // the live pipeline
  cpuPercent?: number;
  // elements written in TypeScript / Python (scripts/bench/ts_element.ts, python_element.py)
  msPerFrame?: number;
  // frames as tensors (scripts/bench/ts_tensor.ts, python_tensor.py): ms per frame
  nativeMs?: number;
  jsMs?: number;
  boundMs?: number;
  ms?: number;
  // several pipelines
  pipelines?: number;
  perPipelineFps?: number[];
}

const warnings: string[] = [];

/** Seconds a child may take to exit after printing its JSON line before it is reported and killed. */
const LINGER_S = 5;

/**
 * Runs one child, returns its JSON line. Fails the whole bench (loudly) when the child exits
 * non-zero, prints no JSON line, or runs past `timeoutS`. A child that prints its line but does
 * not exit by itself is killed after LINGER_S and reported as a finding.
 */
function runChild(label: string, command: string, args: string[], timeoutS: number): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let result: Result | null = null;
    let lingered = false;
    let linger: NodeJS.Timeout | undefined;
    const timeout = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${label}: no result after ${timeoutS} s (killed)\n${stderr}`));
    }, timeoutS * 1000);

    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (result || !stdout.includes('\n')) return;
      const line = stdout.split('\n').find((l) => l.trim().startsWith('{'));
      if (!line) return;
      try {
        result = JSON.parse(line) as Result;
      } catch {
        return;
      }
      linger = setTimeout(() => {
        lingered = true;
        warnings.push(
          `${label}: printed its result but did not exit within ${LINGER_S} s (killed): something keeps the event loop alive after the pipeline ended`,
        );
        child.kill('SIGKILL');
      }, LINGER_S * 1000);
    });
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => {
      clearTimeout(timeout);
      reject(new Error(`${label}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timeout);
      if (linger) clearTimeout(linger);
      if (!result) return reject(new Error(`${label}: exited (${signal ?? code}) without a JSON line\n${stderr}${stdout}`));
      if (!lingered && code !== 0) return reject(new Error(`${label}: exited with ${signal ?? code}\n${stderr}`));
      if (stderr.trim()) process.stderr.write(`[${label} stderr]\n${stderr.trim()}\n`);
      resolve(result);
    });
  });
}

function pythonMissing(): string | null {
  if (!fs.existsSync(PYTHON)) return `${PYTHON} not found`;
  const probe = spawnSync(PYTHON, ['-c', "import gi; gi.require_version('Gst','1.0'); from gi.repository import Gst; import numpy"], {
    encoding: 'utf8',
  });
  if (probe.status !== 0) {
    const last = (probe.stderr || probe.error?.message || '').trim().split('\n').pop();
    return `${PYTHON} cannot import gi/Gst/numpy (${last}); install python3-gi python3-gst-1.0 python3-numpy (scripts/setup.sh --bench)`;
  }
  return null;
}

/** Why numpy cannot run (the tensor section's reference), or null. */
function numpyMissing(): string | null {
  if (!fs.existsSync(PYTHON)) return `${PYTHON} not found`;
  const probe = spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' });
  if (probe.status === 0) return null;
  const last = (probe.stderr || probe.error?.message || '').trim().split('\n').pop();
  return `${PYTHON} cannot import numpy (${last}); install python3-numpy (scripts/setup.sh --bench)`;
}

/** Which runner scripts/run.js uses on this Node: its own TypeScript (with `using`), or ts-node. */
function startupRunner(): string {
  const probe = spawnSync(
    process.execPath,
    ['-e', 'new Function("{ using r = null; }"); process.exit(process.features.typescript ? 0 : 1)'],
    { encoding: 'utf8' },
  );
  return probe.status === 0 ? "Node's type stripping" : 'ts-node, transpile-only';
}

/** Wall seconds from spawning `command` to its exit (it must exit 0). */
function timedRun(label: string, command: string, args: string[]): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`${label}: exited with ${run.signal ?? run.status}\n${run.stderr}${run.error?.message ?? ''}`);
  return seconds;
}

/** One run of an OCR example, from the line it prints at the end. */
interface OcrRun {
  frames: number;
  seconds: number;
  fps: number;
  /** ms per frame of each stage; null: not timed by the example */
  ms: { tensor: number; inference: number; decoding: number; drawing: number | null };
}

/** Runs examples/<example>.ts with `perScene` frames per scene in a temporary directory (it writes its output there). */
function ocrRun(example: string, perScene: number): OcrRun {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'gstreamer-ts-bench-ocr-'));
  try {
    const run = spawnSync(
      process.execPath,
      [path.join(ROOT, 'scripts', 'run.js'), path.join(ROOT, 'examples', `${example}.ts`), '-n', String(perScene)],
      {
        cwd,
        encoding: 'utf8',
        timeout: 600_000,
        env: { ...process.env, FORCE_COLOR: '0' },
      },
    );
    if (run.status !== 0) throw new Error(`${example}: exited with ${run.signal ?? run.status}\n${run.stderr}${run.error?.message ?? ''}`);
    const ms = String.raw`([\d.]+) ms \(\d+%\)`;
    const m = new RegExp(
      String.raw`^(\d+) frames in ([\d.]+) s \(([\d.]+) frames/s\); per frame: tensor ${ms}, inference ${ms}, decoding ${ms}, drawing (?:${ms}|not timed)$`,
      'm',
    ).exec(run.stdout);
    if (!m) throw new Error(`${example}: no timing line in its output\n${run.stdout}`);
    return {
      frames: Number(m[1]),
      seconds: Number(m[2]),
      fps: Number(m[3]),
      ms: { tensor: Number(m[4]), inference: Number(m[5]), decoding: Number(m[6]), drawing: m[7] === undefined ? null : Number(m[7]) },
    };
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// statistics and tables

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const mb = (kb: number): string => (kb / 1024).toFixed(0);
const fmtFps = (fps: number): string => (fps >= 100 ? Math.round(fps).toLocaleString('en-US') : fps.toFixed(1));
const ratio = (a: number | undefined, b: number | undefined): string => (a && b ? `${(a / b).toFixed(2)}x` : '—');

/** "≥ 0.8x copy limit (0.93x): PASS"; "—" when the reference was not measured. */
function check(what: string, met: boolean | undefined, measured: string): string {
  if (met === undefined) return `${what}: —`;
  return `${what} (${measured}): ${met ? 'PASS' : 'MISS'}`;
}

function table(header: string[], rows: string[][], numeric: number[]): string {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (numeric.includes(i) ? '--:' : '---')).join('|')}|`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// main

const load = (): string => os.loadavg()[0].toFixed(2);
const loadStart = load();

type NodeChild = (name: string, args: (string | number)[]) => [string, string[]];

async function main(): Promise<void> {
  const started = Date.now();
  if (os.loadavg()[0] > 0.5 * os.cpus().length)
    console.error(
      `bench: note: load average ${loadStart} on ${os.cpus().length} cores before starting: other processes compete, frames/s will be noisy`,
    );
  const dir = buildChildren();
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const nodeChild: NodeChild = (name, args) => [process.execPath, [path.join(dir, 'scripts', 'bench', `${name}.js`), ...args.map(String)]];

  const noPython = pythonMissing();
  if (noPython) console.error(`bench: Python reference skipped: ${noPython}`);

  if (opts.soak) return soak(nodeChild, started);

  const python = (wh: number[], extra: string[] = []): [string, string[]] => [PYTHON, [PYTHON_SCRIPT, ...wh.map(String), ...extra]];
  // what to run for a path at a size, or null when skipped
  const plan = (impl: Impl, size: Size): [string, string[]] | null => {
    const wh = [size.width, size.height, framesFor(size)];
    switch (impl) {
      case 'ceiling':
        return noPython ? nodeChild('ts_fakesink', wh) : python(wh, ['--sink', 'fakesink']);
      case 'copy-limit':
        return nodeChild('ts_copy_limit', wh);
      case 'ts-tutorial':
        return nodeChild('ts_tutorial', wh);
      case 'ts-source-copy':
        return nodeChild('ts_source', [...wh, '--copy']);
      case 'ts-fastest':
        return nodeChild('ts_source', wh);
      case 'python':
        return noPython ? null : python(wh);
      default:
        return null;
    }
  };

  const results = new Map<string, Result[]>(); // `${impl} ${size}` -> one per round
  const failures: string[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const size of sizes) {
      for (const impl of IMPLS) {
        if (!only.has(impl)) continue;
        const step = plan(impl, size);
        if (!step) continue;
        const label = `${impl} ${sizeName(size)}`;
        process.stderr.write(`bench: round ${round}/${rounds} ${label} ...\n`);
        const result = await runChild(label, step[0], step[1], 300);
        console.log(JSON.stringify(result));
        const n = framesFor(size);
        if (result.frames !== n) failures.push(`${label}: ${result.frames} frames counted, expected ${n}`);
        if (result.width !== size.width || result.height !== size.height)
          failures.push(`${label}: measured ${result.width}x${result.height}`);
        results.set(label, [...(results.get(label) ?? []), result]);
      }
    }
  }

  // Every path that sees the frames computes the same checksum.
  for (const size of sizes) {
    const sums = new Map<string, number>();
    for (const impl of ['copy-limit', 'ts-tutorial', 'ts-fastest', 'ts-source-copy', 'python'] as Impl[])
      for (const r of results.get(`${impl} ${sizeName(size)}`) ?? []) sums.set(`${impl}: ${r.checksum}`, r.checksum);
    if (new Set(sums.values()).size > 1) failures.push(`${sizeName(size)}: checksums differ: ${[...sums.keys()].join(', ')}`);
  }

  const fpsOf = (impl: Impl, size: Size): number | undefined => {
    const rs = results.get(`${impl} ${sizeName(size)}`);
    return rs ? median(rs.map((r) => r.fps)) : undefined;
  };

  const rows: string[][] = [];
  for (const size of sizes) {
    const py = fpsOf('python', size);
    const limit = fpsOf('copy-limit', size);
    const ceiling = fpsOf('ceiling', size);
    for (const impl of IMPLS) {
      const rs = results.get(`${impl} ${sizeName(size)}`);
      if (!rs) continue;
      const fps = median(rs.map((r) => r.fps));
      const targets: string[] = [];
      if (impl === 'ts-tutorial' || impl === 'ts-source-copy') {
        targets.push(check('≥ 0.8x copy limit', limit ? fps >= 0.8 * limit : undefined, ratio(fps, limit)));
        targets.push(check('≥ 1.5x Python', py ? fps >= 1.5 * py : undefined, ratio(fps, py)));
      }
      if (impl === 'ts-fastest') targets.push(check('≥ 0.7x ceiling', ceiling ? fps >= 0.7 * ceiling : undefined, ratio(fps, ceiling)));
      const name = impl === 'python' ? 'python (PyGObject, extract_dup -> numpy)' : impl === 'ceiling' ? `ceiling (${rs[0].impl})` : impl;
      const cpus = rs.filter((r) => r.cpuSeconds !== undefined).map((r) => (r.cpuSeconds! / r.frames) * 1e6);
      rows.push([
        name,
        `${sizeName(size)} ×${framesFor(size)}`,
        fmtFps(fps),
        ratio(fps, py),
        ratio(fps, limit),
        ratio(fps, ceiling),
        mb(Math.max(...rs.map((r) => r.maxRssKb))),
        cpus.length ? median(cpus).toFixed(0) : '—',
        targets.join('; '),
      ]);
    }
  }

  // start to first frame, as the README runs a script (Node's own TypeScript where this Node has
  // it with `using`, else ts-node: scripts/run.js picks), against Python
  const startupRows: string[][] = [];
  if (only.has('startup')) {
    const tries = Math.max(5, rounds);
    const pipeline = 'videotestsrc num-buffers=1 ! video/x-raw,format=RGB,width=640,height=480 ! appsink emit-signals=True';
    const runner = path.join(ROOT, 'scripts', 'run.js');
    const how = startupRunner();
    const tsTimes: number[] = [];
    const pyTimes: number[] = [];
    for (let i = 0; i < tries; i++) {
      process.stderr.write(`bench: start to first frame ${i + 1}/${tries} ...\n`);
      tsTimes.push(
        timedRun('node scripts/run.js examples/run_appsink.ts', process.execPath, [runner, 'examples/run_appsink.ts', '-p', pipeline]),
      );
      if (!noPython) pyTimes.push(timedRun('python_appsink.py 640 480 1', PYTHON, [PYTHON_SCRIPT, '640', '480', '1']));
    }
    const tsS = median(tsTimes);
    const pyS = pyTimes.length ? median(pyTimes) : undefined;
    console.log(JSON.stringify({ impl: 'startup', runner: how, node: process.version, seconds: tsTimes, pythonSeconds: pyTimes }));
    startupRows.push([
      `node scripts/run.js examples/run_appsink.ts -p "<1 buffer>" (${how}, Node ${process.version})`,
      tsS.toFixed(3),
      pyS ? pyS.toFixed(3) : '—',
      ratio(tsS, pyS),
      check('≤ 1.5x Python', pyS ? tsS <= 1.5 * pyS : undefined, ratio(tsS, pyS)),
    ]);
  }

  // 8 pipelines at once in one process against one
  let many: Result | null = null;
  const manySize = sizes[0];
  if (only.has('many')) {
    const manyRuns: Result[] = [];
    for (let round = 1; round <= rounds; round++) {
      process.stderr.write(`bench: round ${round}/${rounds} 8 pipelines at once ${sizeName(manySize)} ...\n`);
      const r = await runChild(
        '8 pipelines',
        ...nodeChild('ts_many', [manySize.width, manySize.height, framesFor(manySize), '--pipelines', 8]),
        600,
      );
      console.log(JSON.stringify(r));
      if (r.frames !== 8 * framesFor(manySize))
        failures.push(`8 pipelines: ${r.frames} frames counted, expected ${8 * framesFor(manySize)}`);
      manyRuns.push(r);
    }
    many = [...manyRuns].sort((a, b) => a.fps - b.fps)[manyRuns.length >> 1];
  }

  // an element in the pipeline, written in TypeScript (src/element/) and in Python (PyGObject's
  // GstBase.BaseTransform with do_transform_ip): the whole pipeline's cost per frame at 640x480
  const elementRows: string[][] = [];
  if (only.has('element')) {
    const n = framesOverride ?? 3000;
    const runs: Array<[string, [string, string[]]]> = [
      ['videotestsrc ! fakesink (no element)', nodeChild('ts_fakesink', [640, 480, n])],
      ['TypeScript GstVideoFilter (transformFrameIp, in place)', nodeChild('ts_element', [640, 480, n])],
      ['TypeScript GstVideoAnalyzer (analyzeFrame, read only)', nodeChild('ts_element', [640, 480, n, '--analyzer'])],
      ['TypeScript GstVideoAnalyzer, async (await Promise.resolve())', nodeChild('ts_element', [640, 480, n, '--async'])],
    ];
    if (!noPython)
      runs.push([
        'Python GstBase.BaseTransform (do_transform_ip)',
        [PYTHON, [path.join(ROOT, 'scripts', 'bench', 'python_element.py'), '640', '480', String(n)]],
      ]);
    const medians: number[] = [];
    for (const [label, [command, args]] of runs) {
      const ms: number[] = [];
      for (let round = 1; round <= rounds; round++) {
        process.stderr.write(`bench: round ${round}/${rounds} ${label} ...\n`);
        const r = await runChild(label, command, args, 600);
        console.log(JSON.stringify(r));
        if (r.frames !== n) failures.push(`${label}: ${r.frames} frames counted, expected ${n}`);
        ms.push(r.msPerFrame ?? 1000 / r.fps);
      }
      medians.push(median(ms));
    }
    const python = noPython ? undefined : medians[medians.length - 1];
    runs.forEach(([label], i) =>
      elementRows.push([label, medians[i].toFixed(3), fmtFps(1000 / medians[i]), python ? ratio(python, medians[i]) : '—']),
    );
  }

  // frames as tensors: 640x640 float32 NCHW, letterboxed and normalised, from RGB frames
  const tensorRows: string[][] = [];
  let noNumpy: string | null = null;
  if (only.has('tensor')) {
    noNumpy = numpyMissing();
    for (const [w, h] of TENSOR_SOURCES) {
      const runs: Result[] = [];
      const numpy: number[] = [];
      for (let round = 1; round <= rounds; round++) {
        process.stderr.write(`bench: round ${round}/${rounds} tensor from ${w}x${h} ...\n`);
        const r = await runChild(`tensor ${w}x${h}`, ...nodeChild('ts_tensor', [w, h]), 300);
        console.log(JSON.stringify(r));
        runs.push(r);
        if (!noNumpy) {
          const p = await runChild(
            `numpy tensor ${w}x${h}`,
            PYTHON,
            [path.join(ROOT, 'scripts', 'bench', 'python_tensor.py'), String(w), String(h)],
            300,
          );
          console.log(JSON.stringify(p));
          numpy.push(p.ms ?? NaN);
        }
      }
      const nat = median(runs.map((r) => r.nativeMs ?? NaN));
      const js = median(runs.map((r) => r.jsMs ?? NaN));
      const bound = median(runs.map((r) => r.boundMs ?? NaN));
      const np = numpy.length ? median(numpy) : undefined;
      tensorRows.push([
        `${w}x${h} RGB`,
        nat.toFixed(3),
        js.toFixed(3),
        np === undefined ? '—' : np.toFixed(3),
        bound.toFixed(3),
        check('≥ 3x JS loop', js / nat >= 3, ratio(js, nat)),
        check('within 2x of bound', nat <= 2 * bound, ratio(nat, bound)),
      ]);
    }
  }

  // objects drawn onto frames: 10 labelled boxes on an RGB frame
  const drawRows: string[][] = [];
  if (only.has('draw')) {
    for (const [w, h] of TENSOR_SOURCES) {
      const runs: number[] = [];
      for (let round = 1; round <= rounds; round++) {
        process.stderr.write(`bench: round ${round}/${rounds} draw on ${w}x${h} ...\n`);
        const r = await runChild(`draw ${w}x${h}`, ...nodeChild('ts_draw', [w, h]), 120);
        console.log(JSON.stringify(r));
        runs.push(r.msPerFrame ?? NaN);
      }
      drawRows.push([`${w}x${h} RGB`, median(runs).toFixed(3)]);
    }
  }

  // a real model end to end, both ways, as the examples run and report it
  const ocrRows: string[][] = [];
  let noOcr: string | null = null;
  if (only.has('ocr')) {
    noOcr = fs.existsSync(path.join(ROOT, 'node_modules', 'onnxruntime-node'))
      ? null
      : 'onnxruntime-node is not installed (npm ci installs it)';
    const perScene = framesOverride ?? 3;
    const ways: Array<[string, string]> = [
      ['run_ocr.ts: GstVideoSource loop, drawObjects', 'run_ocr'],
      ['run_ocr_element.ts: tsocr ! tsdrawobjects ! vp8enc', 'run_ocr_element'],
    ];
    for (const [label, example] of noOcr ? [] : ways) {
      const runs: OcrRun[] = [];
      for (let round = 1; round <= rounds; round++) {
        process.stderr.write(`bench: round ${round}/${rounds} ocr ${example} ...\n`);
        const run = ocrRun(example, perScene);
        console.log(JSON.stringify({ impl: `ocr ${example}`, ...run }));
        runs.push(run);
      }
      const mid = [...runs].sort((a, b) => a.fps - b.fps)[runs.length >> 1];
      const stage = (name: keyof OcrRun['ms']): string => {
        const ms = mid.ms[name];
        if (ms === null) return name === 'drawing' ? 'in tsdrawobjects, not timed' : '—';
        const total = Object.values(mid.ms).reduce<number>((a, b) => a + (b ?? 0), 0);
        return `${ms.toFixed(1)} (${Math.round((100 * ms) / total)}%)`;
      };
      ocrRows.push([
        label,
        `640x480 ×${mid.frames}`,
        mid.fps.toFixed(2),
        stage('tensor'),
        stage('inference'),
        stage('decoding'),
        stage('drawing'),
      ]);
    }
  }

  let idle: Result | null = null;
  if (only.has('live')) {
    process.stderr.write('bench: CPU while waiting on a live 5 fps pipeline ...\n');
    idle = await runChild('ts-tutorial live 5 fps', ...nodeChild('ts_live_idle', [15]), 60);
    console.log(JSON.stringify(idle));
    if (idle.frames !== 15) failures.push(`ts-tutorial live 5 fps: ${idle.frames} frames counted, expected 15`);
  }

  if (rows.length) {
    console.log('');
    console.log(
      `Frames/s from PLAYING to end of stream, median of ${rounds} round(s), each run in its own process ` +
        `(${os.cpus().length} cores, Node ${process.versions.node}; load average ${loadStart} before, ${load()} after):`,
    );
    console.log('');
    console.log(
      table(
        ['path', 'size × frames', 'frames/s', 'vs Python', 'vs copy limit', 'vs ceiling', 'peak RSS (MB)', 'CPU µs/frame', 'targets'],
        rows,
        [2, 3, 4, 5, 6, 7],
      ),
    );
    console.log('');
    console.log(
      'peak RSS: the highest of the rounds. CPU µs/frame: process CPU time (all threads, user + system) over the timed region, ' +
        'per frame, median: less disturbed than frames/s when other processes compete for the cores.',
    );
  }
  if (noPython) console.log(`\nPython reference skipped: ${noPython}; ceiling measured with a Node child (GstPipeline, fakesink).`);
  if (startupRows.length) {
    console.log('');
    console.log('Start to first frame: wall time from spawning the process to its exit, one RGB 640x480 buffer, median:');
    console.log('');
    console.log(table(['command', 'seconds', 'Python (s)', 'vs Python', 'target'], startupRows, [1, 2, 3]));
  }
  if (many) {
    const single = fpsOf('ts-source-copy', manySize);
    const per = many.perPipelineFps ?? [];
    console.log('');
    console.log(
      `Pipelines at once in one process (GstVideoSource defaults, ${sizeName(manySize)} ×${framesFor(manySize)} each, median run):`,
    );
    console.log('');
    console.log(
      table(
        ['pipelines', 'total frames/s', 'per pipeline (min-max)', 'one pipeline (ts-source-copy)', 'peak RSS (MB)', 'target'],
        [
          [
            String(many.pipelines ?? 8),
            fmtFps(many.fps),
            per.length ? `${fmtFps(Math.min(...per))}-${fmtFps(Math.max(...per))}` : '—',
            single ? fmtFps(single) : '—',
            mb(many.maxRssKb),
            check('total ≥ one pipeline', single ? many.fps >= single : undefined, ratio(many.fps, single)),
          ],
        ],
        [1, 3, 4],
      ),
    );
  }
  if (elementRows.length) {
    console.log('');
    console.log('An element inside the pipeline, 640x480 RGB videotestsrc to fakesink, median ms per frame of the whole pipeline:');
    console.log('');
    console.log(table(['element', 'ms/frame', 'frames/s', 'speed vs Python'], elementRows, [1, 2, 3]));
  }
  if (tensorRows.length) {
    console.log('');
    console.log(
      'Frames as tensors: one RGB frame into a 640x640 float32 NCHW tensor, letterboxed, normalised (ImageNet mean/std), ' +
        'into a reused array, median ms per frame. toTensor resizes bilinear; the JS loop (same math, precomputed columns) ' +
        "and numpy's expression (index-array resize, astype, /255, -mean, /std, transpose) nearest; bound: a native read of the frame " +
        "plus a memcpy of the tensor's bytes:",
    );
    console.log('');
    console.log(table(['source', 'toTensor', 'JS loop', 'numpy', 'bandwidth bound', 'vs JS', 'vs bound'], tensorRows, [1, 2, 3, 4]));
    if (noNumpy) console.log(`\nnumpy reference skipped: ${noNumpy}`);
  }
  if (drawRows.length) {
    console.log('');
    console.log('Objects drawn onto a frame (drawObjects: 10 boxes with labels of class, confidence and track id), median ms per frame:');
    console.log('');
    console.log(table(['frame', 'ms/frame'], drawRows, [1]));
  }
  if (ocrRows.length) {
    console.log('');
    console.log(
      `A real model end to end: PaddleOCR PP-OCRv4 text detection + recognition (onnxruntime-node, CPU), 640x480 frames of textoverlay words, ` +
        'frames/s from the first frame to the last (model loading left out), median run of frames/s, ms per frame of each stage (share of their sum):',
    );
    console.log('');
    console.log(
      table(['way', 'size × frames', 'frames/s', 'tensor ms (share)', 'inference ms', 'decoding ms', 'drawing ms'], ocrRows, [2]),
    );
  }
  if (noOcr) console.log(`\nOCR skipped: ${noOcr}`);
  if (idle) {
    const pct = idle.cpuPercent ?? NaN;
    console.log('');
    console.log(
      `CPU while waiting: live 320x240 at 5 fps into a tutorial-style 'new-sample' handler, ${idle.frames} frames in ${idle.seconds.toFixed(1)} s: ` +
        `${pct.toFixed(1)}% of one core (target < 5%): ${pct < 5 ? 'PASS' : 'MISS'}`,
    );
  }
  finish(failures, started);
}

/** Soak: 10,000 frames through each path in its own process, RSS after the first 100 frames and at the last. */
async function soak(nodeChild: NodeChild, started: number): Promise<void> {
  const size = sizes[0];
  const n = framesOverride ?? 10_000;
  const paths: [Impl, string, string[]][] = [
    ['ts-tutorial', 'ts_tutorial', []],
    ['ts-source-copy', 'ts_source', ['--copy']],
    ['ts-fastest', 'ts_source', []],
  ];
  const failures: string[] = [];
  const rows: string[][] = [];
  const traces: string[] = [];
  for (const [impl, program, extra] of paths) {
    if (opts.only && !only.has(impl)) continue;
    const label = `soak ${impl} ${sizeName(size)}`;
    process.stderr.write(`bench: ${label} x${n} ...\n`);
    const r = await runChild(label, ...nodeChild(program, [size.width, size.height, n, '--soak', ...extra]), 900);
    console.log(JSON.stringify(r));
    if (r.frames !== n) failures.push(`${label}: ${r.frames} frames counted, expected ${n}`);
    if (r.rssStartKb == null || r.rssEndKb == null) {
      failures.push(`${label}: no RSS checkpoints (needs more than 100 frames)`);
      continue;
    }
    const growth = (r.rssEndKb - r.rssStartKb) / 1024;
    // A leak keeps climbing in the second half; a pool or heap that fills up once does not.
    const trace = r.rssTraceKb ?? [];
    const half = trace[Math.floor((trace.length - 1) / 2)];
    const targets = [check('growth < 50 MB', growth < 50, `${growth.toFixed(0)} MB`)];
    if (impl === 'ts-tutorial') targets.push(check('peak ≤ 250 MB', r.maxRssKb / 1024 <= 250, `${mb(r.maxRssKb)} MB`));
    rows.push([
      impl,
      `${sizeName(size)} ×${n}`,
      fmtFps(r.fps),
      mb(r.rssStartKb),
      mb(r.rssEndKb),
      growth.toFixed(1),
      half !== undefined ? ((r.rssEndKb - half) / 1024).toFixed(1) : '—',
      mb(r.maxRssKb),
      targets.join('; '),
    ]);
    traces.push(`${impl}: RSS (MB) every ${r.rssEveryKb ?? '?'} frames: ${trace.map(mb).join(' ')}`);
  }
  console.log('');
  console.log('Soak: RSS after the first 100 frames (start) and at the last frame (end), each path in its own process:');
  console.log('');
  console.log(
    table(
      [
        'path',
        'size × frames',
        'frames/s',
        'RSS start (MB)',
        'RSS end (MB)',
        'growth (MB)',
        'growth, 2nd half (MB)',
        'peak RSS (MB)',
        'targets',
      ],
      rows,
      [2, 3, 4, 5, 6, 7],
    ),
  );
  console.log('');
  for (const t of traces) console.log(t);
  finish(failures, started);
}

function finish(failures: string[], started: number): void {
  console.error(`bench: done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (warnings.length) {
    console.log('');
    for (const w of warnings) console.log(`WARNING: ${w}`);
  }
  if (failures.length) {
    console.log('');
    for (const f of failures) console.log(`FAIL: ${f}`);
    console.error(`bench: FAILED: ${failures.length} correctness check(s) failed`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(`bench: FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
