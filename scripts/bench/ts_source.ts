/**
 * Child: GstVideoSource, `for await` over its frames, touching one sample per frame (the middle
 * one, as python_appsink.py's checksum). `{ zeroCopy: true }` is the fastest path (ts-fastest);
 * --copy measures the default options, one copy per frame (ts-source-copy). Timed from just
 * before startup() (PLAYING) to the end of the loop (end of stream).
 *
 *   ts_source W H N [--copy] [--soak]
 */
import { GstVideoSource } from '../../src';
import { APPSINK, SoakProbe, addChecksum, childArgs, pipelineOf, report, run, startClock, stopClock } from './common';

run(async () => {
  const args = childArgs();
  const command = pipelineOf(args, APPSINK);
  const probe = new SoakProbe(args.frames);
  let count = 0;
  let checksum = 0;

  const clock = startClock();
  await using source = new GstVideoSource(command, args.copy ? {} : { zeroCopy: true }).startup();
  for await (const frame of source) {
    checksum = addChecksum(checksum, frame.data);
    count++;
    if (args.soak) probe.frame(count);
  }
  const { seconds, cpuSeconds } = stopClock(clock);
  await source.done;

  report({
    impl: args.copy ? 'ts-source-copy' : 'ts-fastest',
    sink: 'appsink',
    args,
    frames: count,
    seconds,
    cpuSeconds,
    checksum,
    extra: args.soak ? probe.fields() : undefined,
  });
});
