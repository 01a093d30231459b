/**
 * Child: K pipelines at once in one process, each a GstVideoSource with default options (a copy
 * per frame) read by its own `for await` loop. Reports the total frames/s over the wall time of
 * the whole run and each pipeline's own frames/s.
 *
 *   ts_many W H N [--pipelines K]   (default 8)
 */
import { GstVideoSource } from '../../src';
import { APPSINK, addChecksum, childArgs, pipelineOf, report, run, startClock, stopClock } from './common';

run(async () => {
  const args = childArgs();
  const count = args.pipelines;
  let checksum = 0;
  const clock = startClock();
  const perPipeline = await Promise.all(
    Array.from({ length: count }, async () => {
      const started = process.hrtime.bigint();
      let frames = 0;
      await using source = new GstVideoSource(pipelineOf(args, APPSINK)).startup();
      for await (const frame of source) {
        checksum = addChecksum(checksum, frame.data);
        frames++;
      }
      return { frames, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
    }),
  );
  const { seconds, cpuSeconds } = stopClock(clock);
  const frames = perPipeline.reduce((sum, p) => sum + p.frames, 0);
  report({
    impl: `ts-source-copy x${count}`,
    sink: 'appsink',
    args,
    frames,
    seconds,
    cpuSeconds,
    checksum,
    extra: { pipelines: count, perPipelineFps: perPipeline.map((p) => Math.round(p.frames / p.seconds)) },
  });
});
