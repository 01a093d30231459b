/**
 * Lifetimes that end: 1,000 create / start / 10 frames / shutdown cycles of each class in one
 * child process under `ulimit -n 256`. Before the fix every started pipeline kept 2-4 file
 * descriptors (its bus's sockets, kept by node-gtk's handler bookkeeping) and the process
 * aborted after a few hundred cycles; now fds, threads and memory stay flat after warm-up.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runLimited } from './helpers/child-';
import type { Usage } from './helpers/cycles-';

const CYCLES = 1000;
/** A leak of one fd per ten cycles would show as +90 between cycle 100 and 1,000. */
const FD_SLACK = 4;
const THREAD_SLACK = 3;
/** The leak this guards against grew RSS by ~4 MB per cycle; allocator noise stays well under this. */
const RSS_SLACK_MB = 40;

test(`${CYCLES} cycles of each class under ulimit -n 256: fds, threads and RSS stay flat`, async () => {
  const exit = await runLimited('helpers/cycles-.ts', [String(CYCLES)], { fdLimit: 256, timeoutMs: 180_000, what: 'the cycle child' });
  const detail = `exit ${exit.code} ${exit.signal ?? ''}\n--- stdout\n${exit.stdout.slice(-3000)}\n--- stderr\n${exit.stderr.slice(-3000)}`;
  assert.is(exit.code, 0, `the child must exit 0 (a leak of fds aborts it):\n${detail}`);
  assert.ok(exit.stdout.trimEnd().endsWith('alive'), `the child must print its final line:\n${detail}`);
  const runs = exit.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { name: string; samples: Usage[]; ms: number });
  assert.equal(
    runs.map((run) => run.name),
    ['GstPipeline', 'GstVideoSource', 'GstVideoSink', 'tutorial'],
  );
  for (const { name, samples } of runs) {
    const [, warm, last] = samples;
    assert.is(last.cycle, CYCLES);
    const figures = samples.map((s) => `cycle ${s.cycle}: ${s.fds} fds, ${s.threads} threads, ${s.rssMb} MB`).join('; ');
    assert.ok(last.fds <= warm.fds + FD_SLACK, `${name}: fds grew: ${figures}`);
    assert.ok(last.threads <= warm.threads + THREAD_SLACK, `${name}: threads grew: ${figures}`);
    assert.ok(last.rssMb <= warm.rssMb + RSS_SLACK_MB, `${name}: RSS grew: ${figures}`);
  }
});

test.run();
