/**
 * Child: the ceiling without Python: the same pipeline ending in fakesink, run by GstPipeline
 * (no frame reaches JavaScript). Timed from just before startup() (PLAYING) to `done`.
 *
 *   ts_fakesink W H N
 */
import { GstPipeline } from '../../src';
import { childArgs, pipelineOf, report, run, startClock, stopClock } from './common';

run(async () => {
  const args = childArgs();
  const clock = startClock();
  await using pipeline = new GstPipeline(pipelineOf(args, 'fakesink sync=false')).startup();
  await pipeline.done;
  const { seconds, cpuSeconds } = stopClock(clock);
  // As python_appsink.py: fakesink counts nothing; reaching end of stream means N frames went through.
  report({ impl: 'ts-fakesink', sink: 'fakesink', args, frames: args.frames, seconds, cpuSeconds, checksum: 0 });
});
