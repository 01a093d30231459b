/**
 * The earlier lesson's pattern as a user writes it, with the library imported: Gst.parseLaunch,
 * a bus watch, a GLib.MainLoop of the script's own, quit on EOS; then (`after`) the library's
 * own pipeline once that loop has returned. Run by test/main-loop.test.ts in a child process,
 * which checks the exit code and that nothing reached stderr. Not a suite.
 *
 *   node -r ts-node/register/transpile-only test/helpers/main-loop-child.ts lesson|all
 *
 * lesson: the lesson alone (add_signal_watch + connect('message')), then the script ends.
 * all: a bus.addWatch loop, a blocking timedPopFiltered, the lesson's loop again, then the
 * library's GstPipeline and a GLib timeout once the loops have returned.
 */
import { GLib, Gst, GstPipeline } from '../../src';

const mode = process.argv[2] ?? 'signal';

function runOwnLoop(how: 'signal' | 'watch'): void {
  const pipeline = Gst.parseLaunch('videotestsrc num-buffers=30 ! fakesink');
  const bus = pipeline.getBus()!;
  const loop = GLib.MainLoop.new(null, false);
  let messages = 0;
  const onMessage = (message: InstanceType<typeof Gst.Message>): boolean => {
    messages++;
    if (message.type === Gst.MessageType.EOS) {
      console.log('End of stream');
      loop.quit();
    } else if (message.type === Gst.MessageType.ERROR) {
      console.log(message.parseError()[0].message);
      process.exitCode = 1;
      loop.quit();
    }
    return true;
  };
  if (how === 'signal') {
    bus.addSignalWatch();
    bus.connect('message', onMessage);
  } else {
    bus.addWatch(GLib.PRIORITY_DEFAULT, (_bus: unknown, message: InstanceType<typeof Gst.Message>) => onMessage(message));
  }
  pipeline.setState(Gst.State.PLAYING);
  loop.run();
  pipeline.setState(Gst.State.NULL);
  if (how === 'signal') bus.removeSignalWatch();
  else bus.removeWatch();
  console.log(`messages: ${messages > 0}`);
}

function runBlockingPop(): void {
  const pipeline = Gst.parseLaunch('videotestsrc num-buffers=30 ! fakesink');
  pipeline.setState(Gst.State.PLAYING);
  const message = pipeline.getBus()!.timedPopFiltered(Gst.CLOCK_TIME_NONE, Gst.MessageType.EOS | Gst.MessageType.ERROR);
  console.log(message?.type === Gst.MessageType.EOS ? 'End of stream' : 'no EOS');
  pipeline.setState(Gst.State.NULL);
}

async function libraryAfterwards(): Promise<void> {
  const pipeline = new GstPipeline('videotestsrc num-buffers=5 ! fakesink');
  pipeline.startup();
  await pipeline.done;
  pipeline.shutdown();
  console.log('library after the loop: pipeline done');
  // and a GLib timeout, which only the library's own driver dispatches now (a Node timer keeps
  // the process alive meanwhile: the driver's handles do not)
  const keepAlive = setTimeout(() => undefined, 10_000);
  await new Promise<void>((resolve) =>
    GLib.timeoutAdd(GLib.PRIORITY_DEFAULT, 10, () => {
      resolve();
      return false;
    }),
  );
  clearTimeout(keepAlive);
  console.log('library after the loop: GLib timeout');
}

runOwnLoop('signal');
if (mode === 'all') {
  runOwnLoop('watch');
  runBlockingPop();
  runOwnLoop('signal');
  void libraryAfterwards();
}
