/**
 * Frames made in TypeScript shown by a pipeline, through GstVideoSink: gstreamer-python's
 * examples/gst_display.py. Python shows random noise in a window (gtksink); headless, the
 * default writes gst_display.webm. -n and -d are additions (Python has no options).
 *
 *   node scripts/run.js examples/gst_display.ts
 *   node scripts/run.js examples/gst_display.ts -d "appsrc emit-signals=True is-live=True ! videoconvert ! autovideosink sync=false"
 */
import { GstContext, GstVideoSink } from 'gstreamer-ts';
import { commandLine, intOption } from './helpers/cli.ts';

const [WIDTH, HEIGHT, CHANNELS] = [640, 480, 3];
const VIDEO_FORMAT = 'RGB';

const args = commandLine(process.argv[1], 'Pushes frames of random noise into a display pipeline.', {
  num_buffers: { type: 'string', short: 'n', default: '1000', help: 'Num buffers to display' },
  // (Python: "appsrc emit-signals=True is-live=True ! videoconvert ! gtksink sync=false", which needs a display)
  display: {
    type: 'string',
    short: 'd',
    default: 'appsrc emit-signals=True is-live=True ! videoconvert ! vp8enc deadline=1 ! webmmux ! filesink location=gst_display.webm',
    help: 'display pipeline, from its appsrc',
  },
});
const NUM_BUFFERS = intOption('num_buffers', args.num_buffers);
const command = args.display;

/** np.random.randint(low=0, high=255, size=(HEIGHT, WIDTH, CHANNELS), dtype=np.uint8) */
function randomFrame(): Uint8Array {
  const frame = new Uint8Array(HEIGHT * WIDTH * CHANNELS);
  for (let i = 0; i < frame.length; i++) frame[i] = Math.floor(Math.random() * 255);
  return frame;
}

async function main(): Promise<void> {
  using context = new GstContext();
  void context;
  {
    // with GstVideoSink(command, width=WIDTH, height=HEIGHT, video_frmt=VIDEO_FORMAT) as pipeline:
    await using pipeline = new GstVideoSink(command, { width: WIDTH, height: HEIGHT, format: VIDEO_FORMAT }).startup();
    console.log(`pushing ${NUM_BUFFERS} frames (Ctrl-C ends the stream cleanly)`);
    // push resolves to false once the stream is ending (Ctrl-C, SIGTERM): the loop ends there
    for (let i = 0; i < NUM_BUFFERS; i++) if (!(await pipeline.push(randomFrame()))) break;
    console.log(`Displayed ${pipeline.totalBuffersCount} buffers`);
  } // leaving the scope ends the stream: the file is whole
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
