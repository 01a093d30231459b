/**
 * Lifetimes that end: 300 create / start / 3 frames / shutdown cycles of each way a frame travels
 * (scripts/cycles.ts: GstPipeline, the tutorial's new-sample handler, GstVideoSource copies and
 * zero-copy, GstVideoSink, GstAudioSource, an element written in TypeScript), 640x480 RGB
 * frames (921,600 bytes; audio buffers of the same size), in one child process under
 * `ulimit -n 256`. One frame held per cycle would add ~180 MB between cycles 100 and 300; a
 * pipeline's bus sockets held per cycle abort the child. glibc's dynamic mmap threshold is
 * pinned in the child (MALLOC_MMAP_THRESHOLD_) so that freed frames go back to the kernel and
 * RSS shows what is held, not what malloc keeps cached for reuse. A second run under GStreamer's
 * leaks tracer counts the GStreamer objects alive after 5 and after 25 cycles of each path: a
 * buffer, sample or element kept per cycle shows whatever its size.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runLimited } from './helpers/child';

const CYCLES = 300;
const WARM = 100;
/** A leak of one fd per fifty cycles would show as +4 between cycle 100 and 300. */
const FD_SLACK = 3;
const THREAD_SLACK = 3;
/** One 640x480 RGB frame per cycle is 0.9 MB: +180 MB over the 200 cycles after warm-up. */
const RSS_SLACK_MB = 30;
const PATHS = ['GstPipeline', 'tutorial', 'GstVideoSource', 'zeroCopy', 'GstVideoSink', 'GstAudioSource', 'element'];

interface Usage {
  cycle: number;
  fds: number;
  threads: number;
  rssMb: number;
}

test(`${CYCLES} cycles of each path at 640x480 under ulimit -n 256: fds, threads and RSS stay flat after warm-up`, async () => {
  const exit = await runLimited('../scripts/cycles.ts', ['--path', 'all', '--cycles', String(CYCLES), '--at', `1,${WARM}`, '--json'], {
    fdLimit: 256,
    timeoutMs: 300_000,
    what: 'the cycle child',
    env: { MALLOC_MMAP_THRESHOLD_: String(128 * 1024) },
  });
  const detail = `exit ${exit.code} ${exit.signal ?? ''}\n--- stdout\n${exit.stdout.slice(-3000)}\n--- stderr\n${exit.stderr.slice(-3000)}`;
  assert.is(exit.code, 0, `the child must exit 0 (a leak of fds aborts it):\n${detail}`);
  assert.ok(exit.stdout.trimEnd().endsWith('alive'), `the child must print its final line:\n${detail}`);
  const runs = exit.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { name: string; samples: Usage[]; ms: number });
  assert.equal(
    runs.map((run) => run.name),
    PATHS,
  );
  for (const { name, samples } of runs) {
    const [, warm, last] = samples;
    assert.equal([warm.cycle, last.cycle], [WARM, CYCLES]);
    const figures = samples.map((s) => `cycle ${s.cycle}: ${s.fds} fds, ${s.threads} threads, ${s.rssMb} MB`).join('; ');
    assert.ok(last.fds <= warm.fds + FD_SLACK, `${name}: fds grew: ${figures}`);
    assert.ok(last.threads <= warm.threads + THREAD_SLACK, `${name}: threads grew: ${figures}`);
    assert.ok(last.rssMb <= warm.rssMb + RSS_SLACK_MB, `${name}: RSS grew: ${figures}`);
  }
});

test('under the leaks tracer: no GStreamer object of a pipeline outlives it, on any path', async () => {
  const warm = 5;
  const cycles = 25;
  const exit = await runLimited(
    '../scripts/cycles.ts',
    ['--path', 'all', '--cycles', String(cycles), '--at', String(warm), '--json', '--live-objects'],
    {
      fdLimit: 256,
      timeoutMs: 60_000,
      what: 'the live-objects child',
      env: { GST_TRACERS: 'leaks', GST_DEBUG: 'GST_TRACER:7', GST_DEBUG_NO_COLOR: '1' },
    },
  );
  const detail = `exit ${exit.code} ${exit.signal ?? ''}\n--- stdout\n${exit.stdout.slice(-2000)}\n--- stderr\n${exit.stderr.slice(-3000)}`;
  assert.is(exit.code, 0, detail);
  // path -> cycle -> type name -> count
  const live = new Map<string, Map<number, Map<string, number>>>();
  let counts: Map<string, number> | null = null;
  for (const line of exit.stderr.split('\n')) {
    const marker = /^live objects: (\w+) cycle (\d+)$/.exec(line);
    if (marker) {
      counts = new Map();
      if (!live.has(marker[1])) live.set(marker[1], new Map());
      live.get(marker[1])!.set(Number(marker[2]), counts);
      continue;
    }
    const alive = /object-alive, type-name=\(string\)(\w+)/.exec(line);
    if (alive && counts) counts.set(alive[1], (counts.get(alive[1]) ?? 0) + 1);
  }
  assert.equal([...live.keys()], PATHS, detail);
  for (const [name, byCycle] of live) {
    const before = byCycle.get(warm)!;
    const after = byCycle.get(cycles)!;
    const shown = (m: Map<string, number>): string => [...m].map(([type, n]) => `${n} ${type}`).join(', ') || 'none';
    // 20 cycles between the two lists: one object kept per cycle is +20; a wrapper not yet collected is +1 or 2.
    for (const [type, n] of after) {
      assert.ok(
        n <= (before.get(type) ?? 0) + 2,
        `${name}: ${type} alive grew from cycle ${warm} (${shown(before)}) to ${cycles} (${shown(after)})`,
      );
    }
  }
});

test.run();
