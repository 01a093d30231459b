/**
 * Frames from one pipeline into another, one by one: gstreamer-python's
 * examples/gst_capture_and_display.py. The default display needs no screen: it writes
 * gst_capture_and_display.webm. On a desktop, show the frames instead:
 *
 *   node scripts/run.js examples/gst_capture_and_display.ts -d "appsrc emit-signals=True is-live=True ! videoconvert ! autovideosink sync=false"
 */
import { GstContext, GstVideoSink, GstVideoSource } from 'gstreamer-ts';
import { commandLine, intOption } from './helpers/cli.ts';

const WIDTH = 640;
const HEIGHT = 480;
const VIDEO_FORMAT = 'RGB';

const args = commandLine(process.argv[1], 'Captures frames from one pipeline and pushes them into another.', {
  num_buffers: { type: 'string', short: 'n', default: '1000', help: 'Num buffers to capture' },
  // (Python: gtksink, which needs a display)
  display: {
    type: 'string',
    short: 'd',
    default:
      'appsrc emit-signals=True is-live=True ! videoconvert ! vp8enc deadline=1 ! webmmux ! filesink location=gst_capture_and_display.webm',
    help: 'display pipeline, from its appsrc',
  },
});

const NUM_BUFFERS = intOption('num_buffers', args.num_buffers);
const capsFilter = `capsfilter caps=video/x-raw,format=${VIDEO_FORMAT},width=${WIDTH},height=${HEIGHT}`;
const captureCmd = `videotestsrc num-buffers=${NUM_BUFFERS} ! ${capsFilter} ! appsink emit-signals=True sync=false`;
const displayCmd = args.display;

async function main(): Promise<void> {
  using context = new GstContext();
  await using capture = new GstVideoSource(captureCmd).startup();
  await using display = new GstVideoSink(displayCmd, { width: WIDTH, height: HEIGHT, format: VIDEO_FORMAT }).startup();
  void context;

  // while not capture.is_done or capture.queue_size > 0: buffer = capture.pop()
  for await (const buffer of capture) {
    await display.push(buffer.data, { pts: buffer.pts ?? undefined, dts: buffer.dts ?? undefined, offset: buffer.offset ?? undefined });
    buffer.release(); // the bytes are in the display pipeline now: recycle them
  }
  console.log(`passed ${display.totalBuffersCount} frames from capture to display`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
