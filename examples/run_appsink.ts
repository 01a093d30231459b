/**
 * How to use GStreamer AppSink, in TypeScript: gstreamer-python's examples/run_appsink.py, line for line.
 *
 *   npm start
 *   npm start -- -p "videotestsrc num-buffers=100 ! capsfilter caps=video/x-raw,format=RGB,width=640,height=480 ! appsink emit-signals=True"
 */
import { Gst, GstApp, GstContext, GstPipeline, gstBufferWithCapsToTypedArray, timeArgs, type ShapedArray } from 'gstreamer-ts';
import * as utils from 'gstreamer-ts/utils';
import { commandLine } from './helpers/cli.ts';

// Converts list of plugins to gst-launch string
// ['plugin_1', 'plugin_2', 'plugin_3'] => plugin_1 ! plugin_2 ! plugin_3
const DEFAULT_PIPELINE = utils.toGstString([
  'videotestsrc num-buffers=100',
  'capsfilter caps=video/x-raw,format=GRAY16_LE,width=640,height=480',
  'queue',
  'appsink emit-signals=True',
]);

const args = commandLine(process.argv[1], 'Prints the shape of every frame an appsink receives.', {
  pipeline: { type: 'string', short: 'p', default: DEFAULT_PIPELINE, help: 'Gstreamer pipeline without gst-launch' },
});

const command = args.pipeline;

/** Extracts Gst.Buffer from Gst.Sample and converts it to a typed array with its shape */
function extractBuffer(sample: Gst.Sample): ShapedArray {
  const buffer = sample.getBuffer()!; // Gst.Buffer

  console.log(`timestamp:  ${timeArgs(buffer.pts)} offset:  ${buffer.offset}`);

  // Gst.Caps: the helper reads width, height and format from caps.getStructure(0), counts channels
  // (utils.getNumChannels), picks Uint8Array or Uint16Array (utils.getTypedArrayType), drops row
  // padding and single dimensions (numpy's squeeze)
  return gstBufferWithCapsToTypedArray(buffer, sample.getCaps()!);
}

/** Callback on 'new-sample' signal */
function onBuffer(sink: GstApp.AppSink): Gst.FlowReturn {
  // Emit 'pull-sample' signal
  const sample = sink.emit('pull-sample'); // Gst.Sample | null

  if (sample instanceof Gst.Sample) {
    const array = extractBuffer(sample);
    console.log(`Received ShapedArray with shape [${array.shape.join(', ')}] of type ${array.data.constructor.name}`);
    return Gst.FlowReturn.OK;
  }

  return Gst.FlowReturn.ERROR;
}

async function main(): Promise<void> {
  using context = new GstContext(); // create GstContext (Ctrl-C stops the pipeline cleanly)
  // create GstPipeline (hides Gst.parseLaunch)
  await using pipeline = new GstPipeline(command).startup();
  const appsink = pipeline.getByCls(GstApp.AppSink)[0]; // get AppSink
  if (!appsink) throw new Error(`no appsink in: ${command}`);
  // subscribe to <new-sample> signal
  appsink.connect('new-sample', () => onBuffer(appsink));
  await pipeline.done; // while not pipeline.is_done: time.sleep(.1)
  void context;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
