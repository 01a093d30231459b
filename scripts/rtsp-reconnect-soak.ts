/**
 * The reconnect soak: examples/run_rtsp_reconnect.ts, as a user runs it, reads a real RTSP server
 * (test/helpers/rtsp-server.ts) that goes away and comes back N times each way, in one process:
 *
 *   kill   SIGKILL (its sockets close), then a new server on the same port
 *   stop   SIGSTOP (it says nothing more) until the reader reports the loss, then SIGCONT
 *
 * Every round waits for the reader's next "receiving" line: frames after each return. The
 * reader's open fds, threads and RSS (from /proc) are printed at rounds 1, 10, 50 and N of each
 * way, and the times from going away to the reader's report of it (median and max).
 *
 *   npx ts-node scripts/rtsp-reconnect-soak.ts                    100 rounds each way, sourceTimeoutMs 1000
 *   npx ts-node scripts/rtsp-reconnect-soak.ts --rounds 10 --timeout 2000
 *
 * Exits 1 when a round gets no frames; when threads at the last round exceed those at round 10
 * by more than 4 or RSS by more than 40 MB; or when fds at the last round exceed those at round 1
 * by more than 40. Fds wobble by design: an ended pipeline's elements close their descriptors
 * when V8 collects the pipeline (rtspsrc over UDP holds 2 eventfds until then), and the library
 * brings a full collection once fds have grown by 32 (src/reclaim.ts). A descriptor per round
 * that no collection gives back would pass 40 within 100 rounds.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { killRtspServer, startRtspServer, type RtspServer } from '../test/helpers/rtsp-server';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '100' }, timeout: { type: 'string', default: '1000' } },
});
const ROUNDS = Number(values.rounds);
const TIMEOUT_MS = Number(values.timeout);
const ROOT = path.resolve(__dirname, '..');
/** Longest wait for one step of a round (a reconnect, a loss) before the soak fails. */
const STEP_MS = 30_000 + 2 * TIMEOUT_MS;

interface Sample {
  way: string;
  round: number;
  fds: number;
  threads: number;
  rssMb: number;
}

function sample(pid: number, way: string, round: number): Sample {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { way, round, fds: fs.readdirSync(`/proc/${pid}/fd`).length, threads: field('Threads'), rssMb: Math.round(field('VmRSS') / 1024) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function main(): Promise<void> {
  // The example imports the package (dist/): built from src/ first when src/ changed.
  const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.js'), '--if-stale'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('scripts/build.js --if-stale failed');
  let server: RtspServer = await startRtspServer();
  const port = server.port;
  // As a user runs it (npm start's runner: Node's own TypeScript on Node 24+, ts-node before)
  const reader = spawn(
    process.execPath,
    [
      path.join(ROOT, 'scripts', 'run.js'),
      'examples/run_rtsp_reconnect.ts',
      '--url',
      server.url,
      '--timeout',
      String(TIMEOUT_MS),
      '--max-backoff',
      '500',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  const waits: Array<{ met: () => boolean; resolve: () => void }> = [];
  reader.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const wait of waits.filter((w) => w.met())) {
      waits.splice(waits.indexOf(wait), 1);
      wait.resolve();
    }
  });
  reader.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise<void>((resolve) => reader.once('exit', () => resolve()));
  const receiving = (): number => stdout.split('\n').filter((line) => line.startsWith('receiving ')).length;
  const until = (met: () => boolean, what: string): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `${what}: nothing within ${STEP_MS} ms\n--- reader stdout (tail)\n${stdout.slice(-2000)}\n--- stderr (tail)\n${stderr}`,
            ),
          ),
        STEP_MS,
      );
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      if (met()) done();
      else waits.push({ met, resolve: done });
    });

  const samples: Sample[] = [];
  const reportAt = new Set([1, 10, 20, 50, ROUNDS]);
  const toReport: Record<string, number[]> = { kill: [], stop: [] };
  try {
    await until(() => receiving() >= 1, 'the first frames');
    for (const way of ['kill', 'stop'] as const) {
      for (let round = 1; round <= ROUNDS; round++) {
        const before = receiving();
        const mark = stdout.length;
        const gone = Date.now();
        if (way === 'kill') {
          await killRtspServer(server);
          await until(() => /^(lost|failed) after/m.test(stdout.slice(mark)), `kill round ${round}: the reader's report`);
          toReport.kill.push(Date.now() - gone);
          server = await startRtspServer(port);
        } else {
          server.child.kill('SIGSTOP');
          await until(() => /^lost after/m.test(stdout.slice(mark)), `stop round ${round}: the reader's report`);
          toReport.stop.push(Date.now() - gone);
          server.child.kill('SIGCONT');
        }
        await until(() => receiving() > before, `${way} round ${round}: frames after the server came back`);
        if (reportAt.has(round)) {
          const s = sample(reader.pid!, way, round);
          samples.push(s);
          console.log(JSON.stringify(s));
        }
      }
    }
  } finally {
    reader.kill('SIGINT');
    await exited;
    await killRtspServer(server);
  }

  console.log(`\nreconnect soak: ${ROUNDS} rounds each way, sourceTimeoutMs ${TIMEOUT_MS}, examples/run_rtsp_reconnect.ts in one process`);
  console.log('| way | round | fds | threads | RSS MB |\n|---|---|---|---|---|');
  for (const s of samples) console.log(`| ${s.way} | ${s.round} | ${s.fds} | ${s.threads} | ${s.rssMb} |`);
  for (const way of ['kill', 'stop']) {
    const times = toReport[way];
    console.log(`${way}: gone -> reported by the reader: median ${median(times)} ms, max ${Math.max(...times)} ms`);
  }
  let failed = false;
  for (const way of ['kill', 'stop']) {
    const first = samples.find((s) => s.way === way && s.round === 1);
    const at10 = samples.find((s) => s.way === way && s.round === Math.min(10, ROUNDS));
    const last = samples.find((s) => s.way === way && s.round === ROUNDS);
    if (!first || !at10 || !last || ROUNDS < 20) continue;
    const grew = { fds: last.fds - first.fds, threads: last.threads - at10.threads, rssMb: last.rssMb - at10.rssMb };
    if (grew.fds > 40 || grew.threads > 4 || grew.rssMb > 40) {
      console.log(`${way}: NOT flat from round 10 to ${ROUNDS}: ${JSON.stringify(grew)}`);
      failed = true;
    }
  }
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
