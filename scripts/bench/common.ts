/**
 * What the benchmark's child programs share: their command line, the pipeline they measure, and
 * the one JSON line each prints (the format of scripts/bench/python_appsink.py).
 *
 * Children run as plain JavaScript that scripts/bench.ts transpiles once, so their RSS is the
 * library's and node-gtk's, without ts-node's compiler (about 60 MB more).
 */
import { parseArgs } from 'node:util';

export interface ChildArgs {
  width: number;
  height: number;
  frames: number;
  format: string;
  pattern: string;
  /** soak: also record RSS after the first 100 frames and at the last frame */
  soak: boolean;
  /** ts_source: copy frames (default options) instead of `{ zeroCopy: true }` */
  copy: boolean;
  /** ts_many: pipelines run at once */
  pipelines: number;
}

export function childArgs(): ChildArgs {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'RGB' },
      pattern: { type: 'string', default: 'black' },
      soak: { type: 'boolean', default: false },
      copy: { type: 'boolean', default: false },
      pipelines: { type: 'string', default: '8' },
    },
  });
  const [width, height, frames] = positionals.map(Number);
  if (![width, height, frames].every((n) => Number.isInteger(n) && n > 0))
    throw new Error(`usage: ${process.argv[1]} WIDTH HEIGHT FRAMES [--format RGB] [--pattern black] [--soak] [--copy] [--pipelines K]`);
  const pipelines = Number(values.pipelines);
  if (!Number.isInteger(pipelines) || pipelines < 1) throw new Error(`--pipelines wants a positive integer, got ${values.pipelines}`);
  return { width, height, frames, format: values.format!, pattern: values.pattern!, soak: values.soak!, copy: values.copy!, pipelines };
}

/** The measured pipeline, as python_appsink.py builds it. */
export function pipelineOf(args: ChildArgs, tail: string): string {
  const caps = `video/x-raw,format=${args.format},width=${args.width},height=${args.height}`;
  return `videotestsrc num-buffers=${args.frames} pattern=${args.pattern} ! ${caps} ! ${tail}`;
}

/** The tail of the appsink pipelines, as in python_appsink.py. */
export const APPSINK = 'appsink emit-signals=true sync=false';

/** python_appsink.py's checksum step: the middle sample of each frame, summed mod 2^32. */
export function addChecksum(checksum: number, data: ArrayLike<number>): number {
  return (checksum + data[data.length >> 1]) >>> 0;
}

/** RSS now, in kB (the unit of maxRSS and of Python's ru_maxrss). */
export function rssKb(): number {
  return Math.round(process.memoryUsage.rss() / 1024);
}

/**
 * RSS checkpoints of a soak run: after the 100th frame (start), at the last one (end), and every
 * `every` frames in between (a trace, to tell a leak, which keeps climbing, from a plateau).
 */
export class SoakProbe {
  startKb: number | null = null;
  endKb: number | null = null;
  readonly traceKb: number[] = [];
  private readonly frames: number;
  private readonly every: number;
  constructor(frames: number, every = 1000) {
    this.frames = frames;
    this.every = every;
  }

  /** Call with the count of frames received so far. */
  frame(count: number): void {
    if (count === 100) this.startKb = rssKb();
    if (count % this.every === 0) this.traceKb.push(rssKb());
    if (count === this.frames) this.endKb = rssKb();
  }

  /** The soak fields of the JSON line. */
  fields(): Record<string, unknown> {
    return { rssStartKb: this.startKb, rssEndKb: this.endKb, rssEveryKb: this.every, rssTraceKb: this.traceKb };
  }
}

export interface Measurement {
  impl: string;
  sink: string;
  args: ChildArgs;
  frames: number;
  seconds: number;
  /** CPU time of the process over the same region: less disturbed than `seconds` by other load */
  cpuSeconds: number;
  checksum: number;
  extra?: Record<string, unknown>;
}

/** Prints the child's one JSON line on stdout. */
export function report(m: Measurement): void {
  const line = {
    impl: m.impl,
    sink: m.sink,
    width: m.args.width,
    height: m.args.height,
    format: m.args.format,
    frames: m.frames,
    seconds: Math.round(m.seconds * 1e6) / 1e6,
    fps: Math.round((m.frames / m.seconds) * 10) / 10,
    checksum: m.checksum,
    cpuSeconds: Math.round(m.cpuSeconds * 1e6) / 1e6,
    ...m.extra,
    maxRssKb: process.resourceUsage().maxRSS,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** A timed region: wall clock, and CPU time of the whole process (every thread, user + system). */
export interface Clock {
  wall: bigint;
  cpu: NodeJS.CpuUsage;
}

/** Starts the clock: call just before startup() (PLAYING). */
export function startClock(): Clock {
  return { cpu: process.cpuUsage(), wall: process.hrtime.bigint() };
}

/** Wall seconds and CPU seconds since `start`. */
export function stopClock(start: Clock): { seconds: number; cpuSeconds: number } {
  const seconds = Number(process.hrtime.bigint() - start.wall) / 1e9;
  const cpu = process.cpuUsage(start.cpu);
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** Runs a child's main: a failure prints and exits non-zero (the parent fails loudly on it). */
export function run(main: () => Promise<void>): void {
  // On success the process ends by itself, as a user's script would: the parent notices (and
  // reports) a child that lingers after its JSON line.
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
}
