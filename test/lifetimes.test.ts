/**
 * Lifetimes that end: 300 create / start / 3 frames / shutdown cycles of each way a frame travels
 * (scripts/cycles.ts: GstPipeline, the tutorial's new-sample handler, GstVideoSource copies and
 * zero-copy, GstVideoSink, GstAudioSource, an element written in TypeScript), 640x480 RGB
 * frames (921,600 bytes; audio buffers of the same size), in one child process under
 * `ulimit -n 256`. One frame held per cycle would add ~180 MB between cycles 100 and 300; a
 * pipeline's bus sockets held per cycle abort the child. glibc's dynamic mmap threshold is
 * pinned in the child (MALLOC_MMAP_THRESHOLD_) so that freed frames go back to the kernel and
 * RSS shows what is held, not what malloc keeps cached for reuse.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runLimited } from './helpers/child-';

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
    timeoutMs: 120_000,
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

test.run();
