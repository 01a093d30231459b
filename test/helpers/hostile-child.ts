/**
 * Child process of test/hostile.test.ts (not a suite): runs one hostile case, then prints one
 * JSON line (what was thrown, whether any pipeline is still live, open fds before and after)
 * and a final 'alive'. Run with --expose-gc.
 */
import * as fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { GstPipeline } from '../../src';
import { livePipelineCount } from '../../src/context';
import { cases } from './hostile-cases';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

async function settled(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(5);
  }
  return fs.readdirSync('/proc/self/fd').length;
}

async function main(): Promise<void> {
  const index = Number(process.argv[2]);
  const hostile = cases[index];
  // Warm-up: GStreamer opens what it keeps for the process (clock, thread pools) on the first pipeline.
  await new GstPipeline('videotestsrc num-buffers=2 ! fakesink').startup().done;
  const fdsBefore = await settled();
  let error = 'none';
  let message = '';
  let cause = false;
  try {
    const result = await hostile.run();
    message = typeof result === 'string' ? result : '';
  } catch (thrown) {
    error = thrown instanceof Error ? thrown.name : typeof thrown;
    message = thrown instanceof Error ? thrown.message : String(thrown);
    cause = thrown instanceof Error && thrown.cause !== undefined;
  }
  // Pipelines the case failed must come down by themselves (a guard, not a wait: 5 s at most).
  for (let i = 0; i < 500 && livePipelineCount() > 0; i++) await sleep(10);
  const live = livePipelineCount();
  const fdsAfter = await settled();
  console.log(JSON.stringify({ index, error, message, cause, live, fdsBefore, fdsAfter }));
  console.log('alive');
}

void main();
