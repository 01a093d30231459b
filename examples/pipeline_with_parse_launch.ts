/**
 * A pipeline from a gst-launch description, in plain node-gtk, with a GLib main loop and a bus
 * signal watch: gstreamer-python's examples/pipeline_with_parse_launch.py, line for line.
 * Python's default shows a window (autovideosink); headless, the default writes
 * pipeline_with_parse_launch.webm. What a plain node-gtk user must know to write this is
 * listed in examples/pipeline_with_factory.ts.
 *
 *   node scripts/run.js examples/pipeline_with_parse_launch.ts
 *   node scripts/run.js examples/pipeline_with_parse_launch.ts -p "videotestsrc num-buffers=100 ! autovideosink"
 */
import * as gi from 'node-gtk';
import { commandLine } from './helpers/cli.ts';

// (Python: "videotestsrc num-buffers=100 ! autovideosink", which needs a display)
const DEFAULT_PIPELINE =
  'videotestsrc num-buffers=100 ! videoconvert ! vp8enc deadline=1 ! webmmux ! filesink location=pipeline_with_parse_launch.webm';

const args = commandLine(process.argv[1], 'Runs a gst-launch description in a GLib main loop.', {
  pipeline: { type: 'string', short: 'p', default: DEFAULT_PIPELINE, help: 'Gstreamer pipeline without gst-launch' },
});

const GLib = gi.require('GLib', '2.0');
const Gst = gi.require('Gst', '1.0');

// Initializes Gstreamer, it's variables, paths
Gst.init(process.argv);

function onMessage(
  _bus: InstanceType<typeof Gst.Bus>,
  message: InstanceType<typeof Gst.Message>,
  loop: InstanceType<typeof GLib.MainLoop>,
): boolean {
  const mtype = message.type;
  // Gstreamer Message Types and how to parse: https://gstreamer.freedesktop.org/documentation/gstreamer/gstmessage.html
  if (mtype === Gst.MessageType.EOS) {
    console.log('End of stream');
    loop.quit();
  } else if (mtype === Gst.MessageType.ERROR) {
    const [err, debug] = message.parseError();
    console.log(err.message, debug);
    process.exitCode = 1;
    loop.quit();
  } else if (mtype === Gst.MessageType.WARNING) {
    const [err, debug] = message.parseWarning();
    console.log(err.message, debug);
  }
  return true;
}

const command = args.pipeline;

// Gst.parseLaunch throws an Error with GStreamer's message for a bad description
let pipeline: InstanceType<typeof Gst.Element>;
try {
  pipeline = Gst.parseLaunch(command);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

// Gst.Bus
const bus = pipeline.getBus()!;

// allow bus to emit messages to main thread
bus.addSignalWatch();

// Start pipeline
pipeline.setState(Gst.State.PLAYING);

// Init GLib loop to handle Gstreamer Bus Events
const loop = GLib.MainLoop.new(null, false);

// Add handler to specific signal: node-gtk passes the message only
bus.connect('message', (message: InstanceType<typeof Gst.Message>) => {
  try {
    return onMessage(bus, message, loop);
  } catch (error) {
    console.error(error); // a throw in a handler would end the process
    loop.quit();
    return false;
  }
});

// synchronous, in a callback of its own: see examples/pipeline_with_factory.ts, point 1
setImmediate(() => {
  loop.run();

  // Stop Pipeline
  pipeline.setState(Gst.State.NULL);
});
