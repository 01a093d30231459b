/**
 * Frames out of a pipeline as typed arrays with GstVideoSource: gstreamer-python's examples/gst_capture.py.
 *
 *   node scripts/run.js examples/gst_capture.ts
 */
import { GstContext, GstVideoSource, timeArgs, type VideoFrame } from 'gstreamer-ts';
import { commandLine } from './helpers/cli.ts';

const WIDTH = 640;
const HEIGHT = 480;
const NUM_BUFFERS = 50;
const VIDEO_FORMAT = 'RGB';

commandLine(process.argv[1], 'Reads frames out of a pipeline as typed arrays (no options, as in Python).', {});

const capsFilter = `capsfilter caps=video/x-raw,format=${VIDEO_FORMAT},width=${WIDTH},height=${HEIGHT}`;
const command = `videotestsrc num-buffers=${NUM_BUFFERS} ! ${capsFilter} ! appsink emit-signals=True sync=false`;

async function main(): Promise<void> {
  let lastBuffer: VideoFrame | null = null;
  {
    using context = new GstContext();
    await using pipeline = new GstVideoSource(command).startup();
    void context;

    // while pipeline.is_active or pipeline.queue_size > 0: buffer = pipeline.pop()
    for await (const buffer of pipeline) {
      console.log(`${timeArgs(buffer.pts ?? -1)}: shape [${buffer.shape.join(', ')}]`);
      lastBuffer = buffer;
    }
  }
  console.log(`Read ${lastBuffer?.offset} buffers`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
