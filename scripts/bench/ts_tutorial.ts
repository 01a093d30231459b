/**
 * Child: the tutorial path (examples/run_appsink.ts) as a user writes it: GstPipeline, an
 * AppSink 'new-sample' handler that emits 'pull-sample' and turns the sample into a typed array
 * with gstBufferWithCapsToTypedArray. Timed from just before startup() (PLAYING) to `done`.
 *
 *   ts_tutorial W H N [--soak]
 */
import { Gst, GstApp, GstContext, GstPipeline, gstBufferWithCapsToTypedArray } from '../../src';
import { APPSINK, SoakProbe, addChecksum, childArgs, pipelineOf, report, run, startClock, stopClock } from './common';

run(async () => {
  const args = childArgs();
  const command = pipelineOf(args, APPSINK);
  const probe = new SoakProbe(args.frames);
  let count = 0;
  let checksum = 0;

  using context = new GstContext();
  const clock = startClock();
  await using pipeline = new GstPipeline(command).startup();
  const appsink = pipeline.getByCls(GstApp.AppSink)[0];
  appsink.connect('new-sample', () => {
    const sample = appsink.emit('pull-sample');
    if (!sample) return Gst.FlowReturn.ERROR;
    const array = gstBufferWithCapsToTypedArray(sample.getBuffer()!, sample.getCaps()!);
    checksum = addChecksum(checksum, array.data);
    count++;
    if (args.soak) probe.frame(count);
    return Gst.FlowReturn.OK;
  });
  await pipeline.done;
  const { seconds, cpuSeconds } = stopClock(clock);
  void context;

  report({
    impl: 'ts-tutorial',
    sink: 'appsink',
    args,
    frames: count,
    seconds,
    cpuSeconds,
    checksum,
    extra: args.soak ? probe.fields() : undefined,
  });
});
