/**
 * Frames made in TypeScript pushed into a pipeline through appsrc: gstreamer-python's
 * examples/run_appsrc.py. The default pipeline needs no display: it writes run_appsrc.webm
 * (VP8), which any browser or video player opens.
 *
 *   node scripts/run.js examples/run_appsrc.ts
 *   node scripts/run.js examples/run_appsrc.ts -n 300 -p "appsrc emit-signals=True is-live=True caps=video/x-raw,format=RGB,width=640,height=480,framerate=30/1 ! queue ! videoconvert ! autovideosink"
 */
import { Gst, GstApp, GstContext, GstPipeline, typedArrayToGstBuffer } from 'gstreamer-ts';
import * as utils from 'gstreamer-ts/utils';
import { commandLine, intOption } from './helpers/cli.ts';

const VIDEO_FORMAT = 'RGB';
const WIDTH = 640;
const HEIGHT = 480;
const FPS: [number, number] = [30, 1];

const FPS_STR = utils.fractionToStr(FPS);
const DEFAULT_CAPS = `video/x-raw,format=${VIDEO_FORMAT},width=${WIDTH},height=${HEIGHT},framerate=${FPS_STR}`;

// Converts list of plugins to gst-launch string
// ['plugin_1', 'plugin_2', 'plugin_3'] => plugin_1 ! plugin_2 ! plugin_3
const DEFAULT_PIPELINE = utils.toGstString([
  `appsrc emit-signals=True is-live=True caps=${DEFAULT_CAPS}`,
  'queue',
  'videoconvert',
  'vp8enc deadline=1', // (Python: autovideosink, which needs a display)
  'webmmux',
  'filesink location=run_appsrc.webm',
]);

const args = commandLine(process.argv[1], 'Pushes frames made in TypeScript into a pipeline through appsrc.', {
  pipeline: { type: 'string', short: 'p', default: DEFAULT_PIPELINE, help: 'Gstreamer pipeline without gst-launch' },
  num_buffers: { type: 'string', short: 'n', default: '100', help: 'Num buffers to pass' },
});

/** Parses appsrc's caps from the pipeline string: { width: '640', height: '480', format: 'RGB', framerate: '30/1' } */
function parseCaps(pipeline: string): Record<string, string> {
  const caps = pipeline
    .split('!')[0]
    .split(' ')
    .find((prop) => prop.startsWith('caps='));
  if (!caps) return {};
  return Object.fromEntries(
    caps
      .slice('caps='.length)
      .split(',')
      .filter((p) => p.includes('='))
      .map((p) => p.split('=') as [string, string]),
  );
}

const command = args.pipeline;
const argsCaps = parseCaps(command);
const NUM_BUFFERS = intOption('num_buffers', args.num_buffers);

const width = Number(argsCaps.width ?? WIDTH);
const height = Number(argsCaps.height ?? HEIGHT);
const fps = (argsCaps.framerate ?? FPS_STR).split('/').map(Number) as [number, number];
const videoFormat = argsCaps.format ?? VIDEO_FORMAT;
const CHANNELS = utils.getNumChannels(videoFormat);
const ArrayType = utils.getTypedArrayType(videoFormat);
if (CHANNELS < 1) throw new Error(`run_appsrc makes RGB or gray frames, not ${videoFormat}`);

const CAPS = `video/x-raw,format=${videoFormat},width=${width},height=${height},framerate=${utils.fractionToStr(fps)}`;

/** A frame to show: a colour gradient that moves with time (Python pushes random noise). */
function makeFrame(index: number): InstanceType<typeof ArrayType> {
  const max = ArrayType === Uint16Array ? 0xffff : 0xff;
  const frame = new ArrayType(height * width * CHANNELS);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < CHANNELS; c++)
        frame[(y * width + x) * CHANNELS + c] = Math.floor((((x + index * 4) * (c + 1) + y) % 256) * (max / 255));
  return frame;
}

/** Gives Node's loop a turn (signals are handled there), then waits while appsrc's queue is full and the pipeline plays. */
async function roomIn(appsrc: GstApp.AppSrc, pipeline: GstPipeline): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  while (!pipeline.isDone && appsrc.getCurrentLevelBytes() >= appsrc.maxBytes) await new Promise((resolve) => setTimeout(resolve, 2));
}

async function main(): Promise<void> {
  using context = new GstContext(); // create GstContext (Ctrl-C ends the stream cleanly)
  void context;

  const pipeline = new GstPipeline(command, {
    /** Setup AppSrc element (Python: on_pipeline_init) */
    beforePlaying(self) {
      const appsrc = self.getByCls(GstApp.AppSrc)[0]; // get AppSrc
      if (!appsrc) throw new Error(`no appsrc in: ${command}`);
      // instructs appsrc that we will be dealing with timed buffer
      appsrc.format = Gst.Format.TIME;
      // Python blocks in push-buffer until the queue has room; Node's one thread must not block
      // (Ctrl-C and SIGTERM are handled on it): push never blocks, and the loop awaits room
      appsrc.block = false;
      appsrc.maxBytes = BigInt(width * height * CHANNELS * ArrayType.BYTES_PER_ELEMENT * 4); // 4 frames
      // set input format (caps)
      appsrc.setCaps(Gst.Caps.fromString(CAPS));
    },
  });

  try {
    pipeline.startup();
    const appsrc = pipeline.getByCls(GstApp.AppSrc)[0]; // GstApp.AppSrc

    let pts = 0n; // buffers presentation timestamp
    const duration = (Gst.SECOND * BigInt(fps[1])) / BigInt(fps[0]); // frame duration
    console.log(`pushing ${NUM_BUFFERS} frames (Ctrl-C ends the stream cleanly)`);
    let pushed = 0;
    // Ctrl-C (or SIGTERM) ends the stream through the context: the pipeline is then done
    for (let i = 0; i < NUM_BUFFERS && !pipeline.isDone; i++) {
      const array = makeFrame(i);

      // convert typed array to Gst.Buffer
      const gstBuffer = typedArrayToGstBuffer(array);

      // set pts and duration to be able to record video, calculate fps
      gstBuffer.pts = pts;
      gstBuffer.duration = duration;
      pts += duration; // Increase pts by duration

      // emit <push-buffer> event with Gst.Buffer
      if (appsrc.emit('push-buffer', gstBuffer) !== Gst.FlowReturn.OK) break;
      pushed++;
      await roomIn(appsrc, pipeline);
    }

    // emit <end-of-stream> event
    if (!pipeline.isDone) appsrc.emit('end-of-stream');

    await pipeline.done; // while not pipeline.is_done: time.sleep(.1)
    console.log(`pushed ${pushed} frames of ${width}x${height} ${videoFormat}`);
  } catch (e) {
    console.error('Error: ', e instanceof Error ? e.message : e);
    process.exitCode = 1;
  } finally {
    await pipeline.shutdown();
  }
}

void main();
