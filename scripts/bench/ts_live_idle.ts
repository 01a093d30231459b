/**
 * Child: the CPU cost of waiting. A live 5 frames/s source into an appsink with a tutorial-style
 * 'new-sample' handler; process CPU time (all threads, user + system) over wall time, as % of
 * one core, from just before startup() to `done`.
 *
 *   ts_live_idle [FRAMES]   (default 15: 3 s)
 */
import { Gst, GstApp, GstContext, GstPipeline, gstBufferWithCapsToTypedArray } from '../../src';
import { addChecksum, run, startClock, stopClock } from './common';

run(async () => {
  const frames = Number(process.argv[2] ?? 15);
  const command = `videotestsrc is-live=true num-buffers=${frames} ! video/x-raw,width=320,height=240,framerate=5/1 ! appsink emit-signals=true`;
  let count = 0;
  let checksum = 0;

  using context = new GstContext();
  const clock = startClock();
  await using pipeline = new GstPipeline(command).startup();
  const appsink = pipeline.getByCls(GstApp.AppSink)[0];
  appsink.connect('new-sample', () => {
    const sample = appsink.emit('pull-sample');
    if (!sample) return Gst.FlowReturn.ERROR;
    checksum = addChecksum(checksum, gstBufferWithCapsToTypedArray(sample.getBuffer()!, sample.getCaps()!).data);
    count++;
    return Gst.FlowReturn.OK;
  });
  await pipeline.done;
  const { seconds: wall, cpuSeconds } = stopClock(clock);
  void context;

  process.stdout.write(
    `${JSON.stringify({
      impl: 'ts-tutorial-live',
      sink: 'appsink',
      width: 320,
      height: 240,
      framerate: '5/1',
      frames: count,
      seconds: Math.round(wall * 1e6) / 1e6,
      cpuSeconds: Math.round(cpuSeconds * 1e6) / 1e6,
      cpuPercent: Math.round((cpuSeconds / wall) * 1000) / 10,
      checksum,
      maxRssKb: process.resourceUsage().maxRSS,
    })}\n`,
  );
});
