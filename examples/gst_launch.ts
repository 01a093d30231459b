/**
 * Any pipeline, run to its end: gstreamer-python's examples/gst_launch.py (gst-launch-1.0 from a script).
 *
 *   node scripts/run.js examples/gst_launch.ts -p "videotestsrc num-buffers=100 ! fakesink sync=false"
 *   node scripts/run.js examples/gst_launch.ts -p "videotestsrc num-buffers=10 ! pngenc ! multifilesink location=frame-%02d.png"
 */
import { GstContext, GstPipeline } from 'gstreamer-ts';
import { commandLine } from './helpers/cli.ts';

const DEFAULT_PIPELINE = 'videotestsrc num-buffers=100 ! fakesink sync=false';

const args = commandLine(process.argv[1], 'Runs a GStreamer pipeline until its end of stream.', {
  pipeline: { type: 'string', short: 'p', default: DEFAULT_PIPELINE, help: 'Gstreamer pipeline without gst-launch' },
});

async function main(): Promise<void> {
  // with GstContext(), GstPipeline(args['pipeline']) as pipeline:
  using context = new GstContext();
  await using pipeline = new GstPipeline(args.pipeline).startup();
  void context;
  await pipeline.done; // while not pipeline.is_done: time.sleep(.1)
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
