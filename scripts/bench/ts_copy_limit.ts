/**
 * Child: the copy limit. The same pipeline into an appsink read by a native loop that copies each
 * frame into one reused buffer (no JavaScript per frame): the bound of any path that hands out a
 * copy of every frame. Timed from PLAYING to end of stream.
 *
 *   ts_copy_limit W H N
 */
import { Gst, GstApp } from '../../src';
import { native } from '../../src/native';
import { SINK_MAX_BUFFERS } from '../../src/samples';
import { APPSINK, childArgs, pipelineOf, report, run, startClock, stopClock } from './common';

run(async () => {
  const args = childArgs();
  const pipeline = Gst.parseLaunch(pipelineOf(args, APPSINK)) as Gst.Pipeline;
  const children = Array.from({ length: pipeline.getChildrenCount() }, (_, i) => pipeline.getChildByIndex(i));
  const appsink = children.find((child) => child instanceof GstApp.AppSink);
  if (!(appsink instanceof GstApp.AppSink)) throw new Error('no appsink in the pipeline');
  // As the library's paths run it: an unbounded appsink lets the source run ahead into fresh buffers.
  appsink.maxBuffers = SINK_MAX_BUFFERS;
  const clock = startClock();
  pipeline.setState(Gst.State.PLAYING);
  const { frames, checksum } = native.benchCopyLimit(appsink);
  const { seconds, cpuSeconds } = stopClock(clock);
  pipeline.setState(Gst.State.NULL);
  report({ impl: 'copy-limit', sink: 'appsink', args, frames, seconds, cpuSeconds, checksum });
});
