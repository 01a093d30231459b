/**
 * npm run bench: frames/s from PLAYING to end of stream, side by side in one run on one machine,
 * of `videotestsrc num-buffers=N pattern=black ! video/x-raw,format=RGB,width=W,height=H ! appsink`
 * through
 *
 *   ts-tutorial     the tutorial path as a user writes it (examples/run_appsink.ts): GstPipeline,
 *                   'new-sample' handler, emit('pull-sample'), gstBufferWithCapsToTypedArray
 *   ts-fastest      GstVideoSource with { zeroCopy: true }, `for await` over the frames
 *   ts-source-copy  GstVideoSource with default options (a copy per frame), for information
 *   python          ../shared/bench/python_appsink.py (PyGObject + numpy), the reference
 *   ceiling         the same pipeline ending in fakesink: nothing reaches the host language
 *
 * Each measurement is its own child process (fresh heap, its own peak RSS), several rounds,
 * median reported. Children are scripts/bench/*.ts, transpiled here once to plain JavaScript so
 * that their RSS does not include ts-node's compiler.
 *
 *   npm run bench                                  default: 640x480 (3000 frames) and 1920x1080 (600)
 *   npm run bench -- --rounds 5 --only ts-tutorial,python --sizes 640x480
 *   npm run bench -- --soak                        10,000 1080p frames: RSS growth of ts-fastest and ts-tutorial
 *
 * stdout: every measurement's JSON line as it arrives, then markdown tables. Progress on stderr.
 * Exits non-zero if a child fails or any path delivers a frame count other than N.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');
const PYTHON = '/usr/bin/python3';
// The reference lives in the project's shared folder, beside the repository (override: PYTHON_APPSINK).
const PYTHON_SCRIPT = process.env.PYTHON_APPSINK ?? path.join(ROOT, '..', 'shared', 'bench', 'python_appsink.py');

// ---------------------------------------------------------------------------------------------
// options

const USAGE = `usage: npm run bench -- [--rounds K] [--only LIST] [--sizes WxH,...] [--frames N] [--soak]
  --rounds K    rounds per measurement, median reported (default 3)
  --only LIST   comma-separated: ts-tutorial, ts-fastest, ts-source-copy, python, ceiling (default all)
  --sizes LIST  comma-separated WxH (default 640x480,1920x1080; with --soak default 1920x1080)
  --frames N    frames per run instead of the default (3000 up to 640x480-ish, 600 above; soak 10000)
  --soak        soak mode: RSS after the first 100 frames and at the last, for ts-fastest and ts-tutorial`;

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
  console.log(USAGE);
  process.exit(0);
}

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(1);
}

const IMPLS = ['ts-tutorial', 'ts-fastest', 'ts-source-copy', 'python', 'ceiling'] as const;
type Impl = (typeof IMPLS)[number];

const rounds = Number(opts.rounds);
if (!Number.isInteger(rounds) || rounds < 1) fail(`--rounds must be a positive integer, got ${opts.rounds}\n${USAGE}`);

const only = new Set<Impl>();
for (const name of (opts.only ?? IMPLS.join(',')).split(',').map((s) => s.trim()).filter(Boolean)) {
  const impl = name === 'python-pygobject' ? 'python' : name === 'fakesink' ? 'ceiling' : name;
  if (!(IMPLS as readonly string[]).includes(impl)) fail(`unknown impl "${name}" in --only\n${USAGE}`);
  only.add(impl as Impl);
}

interface Size {
  width: number;
  height: number;
}
const sizes: Size[] = (opts.sizes ?? (opts.soak ? '1920x1080' : '640x480,1920x1080')).split(',').map((s) => {
  const m = /^\s*(\d+)x(\d+)\s*$/.exec(s);
  if (!m) fail(`--sizes wants WxH,... got "${s}"\n${USAGE}`);
  return { width: Number(m[1]), height: Number(m[2]) };
});

const framesOverride = opts.frames === undefined ? null : Number(opts.frames);
if (framesOverride !== null && !(Number.isInteger(framesOverride) && framesOverride > 0))
  fail(`--frames must be a positive integer, got ${opts.frames}`);

/** N for a size: at least 1000 at 640x480 (3000 used), at least 300 at 1080p (600 used). */
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

/** One child's JSON line (python_appsink.py's format plus maxRssKb and, in soak, RSS checkpoints). */
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
        warnings.push(`${label}: printed its result but did not exit within ${LINGER_S} s (killed): something keeps the event loop alive after the pipeline ended`);
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
      // The Python wrapper reports peak RSS and CPU time on stderr; other stderr lines are passed on.
      const rss = /^maxRssKb=(\d+)$/m.exec(stderr);
      if (rss) result.maxRssKb = Number(rss[1]);
      const cpu = /^cpuSeconds=([\d.]+)$/m.exec(stderr);
      if (cpu && result.cpuSeconds === undefined) result.cpuSeconds = Number(cpu[1]);
      const rest = stderr
        .split('\n')
        .filter((l) => l.trim() && !/^(maxRssKb|cpuSeconds)=[\d.]+$/.test(l))
        .join('\n');
      if (rest) process.stderr.write(`[${label} stderr]\n${rest}\n`);
      resolve(result);
    });
  });
}

/**
 * Runs python_appsink.py unchanged through runpy, then reports on stderr the interpreter's peak
 * RSS and the process CPU time (all threads) between the script's two time.perf_counter() calls,
 * which are its timed region (PLAYING to end of stream): the hook reads the CPU clock at each call.
 */
const PYTHON_WRAPPER = `
import resource, runpy, sys, time
script = sys.argv[1]
sys.argv = sys.argv[1:]
wall, cpu, marks = time.perf_counter, time.process_time, []
def perf_counter():
    marks.append(cpu())
    return wall()
time.perf_counter = perf_counter
try:
    runpy.run_path(script, run_name="__main__")
finally:
    sys.stdout.flush()
    print("maxRssKb=%d" % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
    if len(marks) >= 2:
        print("cpuSeconds=%.6f" % (marks[-1] - marks[0]), file=sys.stderr)
`;

function pythonMissing(): string | null {
  if (!fs.existsSync(PYTHON)) return `${PYTHON} not found`;
  if (!fs.existsSync(PYTHON_SCRIPT)) return `${PYTHON_SCRIPT} not found`;
  const probe = spawnSync(PYTHON, ['-c', "import gi; gi.require_version('Gst','1.0'); from gi.repository import Gst; import numpy"], {
    encoding: 'utf8',
  });
  if (probe.status !== 0) {
    const last = (probe.stderr || probe.error?.message || '').trim().split('\n').pop();
    return `${PYTHON} cannot import gi/Gst/numpy (${last}); install python3-gi python3-gst-1.0 python3-numpy (scripts/setup.sh --bench)`;
  }
  return null;
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

function table(header: string[], rows: string[][]): string {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i < 2 || i === header.length - 1 ? '---' : '--:')).join('|')}|`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// main

const load = (): string => os.loadavg()[0].toFixed(2);
const loadStart = load();

async function main(): Promise<void> {
  const started = Date.now();
  if (os.loadavg()[0] > 0.5 * os.cpus().length)
    console.error(`bench: note: load average ${loadStart} on ${os.cpus().length} cores before starting: other processes compete, frames/s will be noisy`);
  const dir = buildChildren();
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const nodeChild = (name: string, args: (string | number)[]): [string, string[]] => [
    process.execPath,
    [path.join(dir, 'scripts', 'bench', `${name}.js`), ...args.map(String)],
  ];

  const noPython = pythonMissing();
  if (noPython) console.error(`bench: Python reference skipped: ${noPython}`);

  if (opts.soak) return soak(nodeChild, started);

  // what to run for an impl at a size, or null when skipped
  const plan = (impl: Impl, size: Size): { label: string; cmd: [string, string[]] } | null => {
    const n = framesFor(size);
    const wh = [size.width, size.height, n];
    const label = `${impl} ${sizeName(size)}`;
    switch (impl) {
      case 'ts-tutorial':
        return { label, cmd: nodeChild('ts_tutorial', wh) };
      case 'ts-fastest':
        return { label, cmd: nodeChild('ts_source', wh) };
      case 'ts-source-copy':
        return { label, cmd: nodeChild('ts_source', [...wh, '--copy']) };
      case 'python':
        return noPython ? null : { label, cmd: [PYTHON, ['-c', PYTHON_WRAPPER, PYTHON_SCRIPT, ...wh.map(String)]] };
      case 'ceiling':
        return noPython
          ? { label, cmd: nodeChild('ts_fakesink', wh) }
          : { label, cmd: [PYTHON, ['-c', PYTHON_WRAPPER, PYTHON_SCRIPT, ...wh.map(String), '--sink', 'fakesink']] };
    }
  };
  if (noPython && only.has('ceiling')) console.error('bench: ceiling measured by a Node child (scripts/bench/ts_fakesink.ts: GstPipeline, fakesink) instead of Python');

  const results = new Map<string, Result[]>(); // `${impl} ${size}` -> one per round
  const failures: string[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const size of sizes) {
      for (const impl of IMPLS) {
        if (!only.has(impl)) continue;
        const step = plan(impl, size);
        if (!step) continue;
        process.stderr.write(`bench: round ${round}/${rounds} ${step.label} ...\n`);
        const result = await runChild(step.label, step.cmd[0], step.cmd[1], 300);
        console.log(JSON.stringify(result));
        const n = framesFor(size);
        if (result.frames !== n) failures.push(`${step.label}: ${result.frames} frames counted, expected ${n}`);
        if (result.width !== size.width || result.height !== size.height)
          failures.push(`${step.label}: measured ${result.width}x${result.height}`);
        const key = `${impl} ${sizeName(size)}`;
        results.set(key, [...(results.get(key) ?? []), result]);
      }
    }
  }

  // Every path that sees the frames computes the same checksum (python_appsink.py's).
  for (const size of sizes) {
    const sums = new Map<string, number>();
    for (const impl of ['ts-tutorial', 'ts-fastest', 'ts-source-copy', 'python'] as Impl[])
      for (const r of results.get(`${impl} ${sizeName(size)}`) ?? []) sums.set(`${impl}: ${r.checksum}`, r.checksum);
    if (new Set(sums.values()).size > 1) failures.push(`${sizeName(size)}: checksums differ: ${[...sums.keys()].join(', ')}`);
  }

  let idle: Result | null = null;
  if (only.has('ts-tutorial')) {
    process.stderr.write('bench: CPU while waiting on a live 5 fps pipeline ...\n');
    idle = await runChild('ts-tutorial live 5 fps', ...nodeChild('ts_live_idle', [15]), 60);
    console.log(JSON.stringify(idle));
    if (idle.frames !== 15) failures.push(`ts-tutorial live 5 fps: ${idle.frames} frames counted, expected 15`);
  }

  // the table
  const rows: string[][] = [];
  for (const size of sizes) {
    const med = (impl: Impl): number | undefined => {
      const rs = results.get(`${impl} ${sizeName(size)}`);
      return rs ? median(rs.map((r) => r.fps)) : undefined;
    };
    const python = med('python');
    const ceiling = med('ceiling');
    for (const impl of IMPLS) {
      const rs = results.get(`${impl} ${sizeName(size)}`);
      if (!rs) continue;
      const fps = median(rs.map((r) => r.fps));
      let target = '';
      if (impl === 'ts-tutorial') target = python ? `≥ 1.0x Python: ${fps >= python ? 'PASS' : 'MISS'}` : '≥ 1.0x Python: —';
      if (impl === 'ts-fastest') target = ceiling ? `≥ 0.5x ceiling: ${fps >= 0.5 * ceiling ? 'PASS' : 'MISS'}` : '≥ 0.5x ceiling: —';
      const name =
        impl === 'python' ? 'python-pygobject' : impl === 'ceiling' ? `ceiling (${rs[0].impl}, fakesink)` : impl;
      const cpus = rs.filter((r) => r.cpuSeconds !== undefined).map((r) => (r.cpuSeconds! / r.frames) * 1e6);
      rows.push([
        name,
        `${sizeName(size)} ×${framesFor(size)}`,
        fmtFps(fps),
        ratio(fps, python),
        ratio(fps, ceiling),
        mb(Math.max(...rs.map((r) => r.maxRssKb))),
        cpus.length ? median(cpus).toFixed(0) : '—',
        target,
      ]);
    }
  }
  console.log('');
  console.log(
    `Frames/s from PLAYING to end of stream, median of ${rounds} round(s), each run in its own process ` +
      `(${os.cpus().length} cores, Node ${process.versions.node}; load average ${loadStart} before, ${load()} after):`,
  );
  console.log('');
  console.log(
    table(['impl', 'size × frames', 'frames/s', 'vs Python', 'vs ceiling', 'peak RSS (MB)', 'CPU µs/frame', 'target'], rows),
  );
  console.log('');
  console.log(
    'peak RSS: the highest of the rounds. CPU µs/frame: process CPU time (all threads, user + system) over the timed region, ' +
      'per frame, median: less disturbed than frames/s when other processes compete for the cores.',
  );
  if (noPython) console.log(`\nPython reference skipped: ${noPython}${only.has('ceiling') ? '; ceiling measured with a Node child (GstPipeline, fakesink)' : ''}.`);
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

/** Soak: 10,000 frames through ts-fastest and ts-tutorial, RSS after the first 100 frames and at the last. */
async function soak(nodeChild: (name: string, args: (string | number)[]) => [string, string[]], started: number): Promise<void> {
  const size = sizes[0];
  const n = framesOverride ?? 10_000;
  const paths: [string, string][] = [
    ['ts-fastest', 'ts_source'],
    ['ts-tutorial', 'ts_tutorial'],
  ];
  const failures: string[] = [];
  const rows: string[][] = [];
  const traces: string[] = [];
  for (const [impl, program] of paths) {
    if (opts.only && !only.has(impl as Impl)) continue;
    const label = `soak ${impl} ${sizeName(size)}`;
    process.stderr.write(`bench: ${label} x${n} ...\n`);
    const r = await runChild(label, ...nodeChild(program, [size.width, size.height, n, '--soak']), 900);
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
    rows.push([
      impl,
      `${sizeName(size)} ×${n}`,
      fmtFps(r.fps),
      mb(r.rssStartKb),
      mb(r.rssEndKb),
      growth.toFixed(1),
      half !== undefined ? ((r.rssEndKb - half) / 1024).toFixed(1) : '—',
      mb(r.maxRssKb),
      `< 50 MB: ${growth < 50 ? 'PASS' : 'MISS'}`,
    ]);
    traces.push(`${impl}: RSS (MB) every ${r.rssEveryKb ?? '?'} frames: ${trace.map(mb).join(' ')}`);
  }
  console.log('');
  console.log('Soak: RSS after the first 100 frames (start) and at the last frame (end), each path in its own process:');
  console.log('');
  console.log(
    table(
      ['path', 'size × frames', 'frames/s', 'RSS start (MB)', 'RSS end (MB)', 'growth (MB)', 'growth, 2nd half (MB)', 'peak RSS (MB)', 'target'],
      rows,
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
