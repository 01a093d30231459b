/**
 * A pipeline built element by element, in plain node-gtk, with a GLib main loop and a bus
 * signal watch: gstreamer-python's examples/pipeline_with_factory.py, line for line. It does
 * not use gstreamer-ts at all: it shows what GI programming looks like from Node.
 * Python shows the ball in a window (gtksink); headless, the frames go to
 * pipeline_with_factory.webm.
 *
 *   node scripts/run.js examples/pipeline_with_factory.ts
 *
 * What a plain node-gtk user must know (each one makes this script stop early or hang):
 *  1. `loop.run()` must be called from synchronous code: at the top level of a CommonJS
 *     script, or in a callback of its own (`setImmediate`, as here, which works in CommonJS and
 *     in an ES module alike). Called after an `await`, or at the top level of an ES module
 *     (`node main.ts` runs one), node-gtk defers it to a timer and returns at once: the script carries on
 *     past the loop, sets the pipeline to NULL before the end of stream, and the loop then runs
 *     forever. Nothing else keeps Node alive for GLib either: a bus watch is a GLib source,
 *     invisible to Node's own loop, so a script that relies on Node's loop alone exits at once
 *     with code 0, before the end of stream.
 *     Run the GLib loop, synchronously, until the end of stream; quit it from the bus handler.
 *  2. A signal handler gets the signal's arguments without the instance: the "message"
 *     handler is called with the message only (Python's gets bus, message, user_data).
 *  3. A throw inside a signal handler kills the process: catch in the handler.
 *  4. An enum property cannot be set from its nick ("ball"): node-gtk's `setProperty` throws
 *     "Cannot convert value". `Gst.utilSetObjectArg(element, name, string)` parses any property
 *     value from a string, as gst-launch does (and the typings accept it, unlike
 *     `setProperty(name, 50)`, typed as taking a GObject.Value).
 *  5. Do not mix this with gstreamer-ts's own `Gst` in one process: gstreamer-ts already runs
 *     GLib's default context inside Node's loop (no GLib.MainLoop needed, see GstPipeline).
 */
import * as gi from 'node-gtk';
import { commandLine } from './helpers/cli.ts';

commandLine(process.argv[1], 'Builds a pipeline element by element and runs it in a GLib main loop (no options, as in Python).', {});

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

// Gst.Pipeline
const pipeline = new Gst.Pipeline();

// Creates element by name (Gst.ElementFactory.make)
const src = Gst.ElementFactory.make('videotestsrc', 'my_video_test_src')!;
// (Python: src.set_property("num-buffers", 50); src.set_property("pattern", "ball"))
Gst.utilSetObjectArg(src, 'num-buffers', '50');
Gst.utilSetObjectArg(src, 'pattern', 'ball');

// (Python: sink = Gst.ElementFactory.make("gtksink"), which needs a display)
const convert = Gst.ElementFactory.make('videoconvert', null)!;
const encoder = Gst.ElementFactory.make('vp8enc', null)!;
Gst.utilSetObjectArg(encoder, 'deadline', '1');
const muxer = Gst.ElementFactory.make('webmmux', null)!;
const sink = Gst.ElementFactory.make('filesink', null)!;
Gst.utilSetObjectArg(sink, 'location', 'pipeline_with_factory.webm');

for (const element of [src, convert, encoder, muxer, sink]) pipeline.add(element);

src.link(convert);
convert.link(encoder);
encoder.link(muxer);
muxer.link(sink);

// Gst.Bus
const bus = pipeline.getBus()!;

// allow bus to emit messages to main thread
bus.addSignalWatch();

// Start pipeline
pipeline.setState(Gst.State.PLAYING);

// Init GLib loop to handle Gstreamer Bus Events
const loop = GLib.MainLoop.new(null, false);

// Add handler to specific signal: node-gtk passes the message only (point 2)
bus.connect('message', (message: InstanceType<typeof Gst.Message>) => {
  try {
    return onMessage(bus, message, loop);
  } catch (error) {
    console.error(error); // a throw would end the process (point 3)
    loop.quit();
    return false;
  }
});

// synchronous, in a callback of its own (point 1)
setImmediate(() => {
  loop.run();

  // Stop Pipeline
  pipeline.setState(Gst.State.NULL);
});
