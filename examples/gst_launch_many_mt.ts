/**
 * Pipelines in parallel, each on its own, with a graceful shutdown: gstreamer-python's
 * examples/gst_launch_many_mt.py, which runs each pipeline in a thread.
 *
 * Why child processes and not worker_threads: node-gtk is not a context-aware addon, so one
 * process loads it into one thread only (a second worker gets "Module did not self-register"),
 * and GLib's default main context is one per process anyway. A Node worker thread cannot
 * carry a pipeline. Two ways remain, both parallel, because GStreamer runs every pipeline on its
 * own streaming threads whatever the JS side does:
 *   - one process with many pipelines (examples/gst_launch_many.ts): the simplest;
 *   - one child process per pipeline (this file): each has its own JS thread, so a slow or
 *     crashing handler in one cannot stall or kill the others; the parent stops them all on Ctrl-C.
 *
 *   node scripts/run.js examples/gst_launch_many_mt.ts
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Gst, GstContext, GstPipeline } from 'gstreamer-ts';
import { commandLine } from './helpers/cli.ts';

// sync=true: the sink renders at the stream's 30 frames per second (fakesink's default is as fast
// as it can, and 100 buffers would end in milliseconds, before any Ctrl-C could stop them)
const DEFAULT_PIPELINE = 'videotestsrc num-buffers=100 ! fakesink name=sink sync=true';

/** What a child tells its parent when its pipeline has ended. */
interface Report {
  pid: number;
  rendered: number;
}

/** The child's part (Python's launch_pipeline thread): one pipeline until its end or until told to stop. */
async function launchPipeline(): Promise<void> {
  using context = new GstContext();
  void context;
  const pipeline = new GstPipeline(DEFAULT_PIPELINE);
  // count the buffers that reach the sink, to report them
  let rendered = 0;
  pipeline
    .getByName('sink')
    ?.getStaticPad('sink')
    ?.addProbe(Gst.PadProbeType.BUFFER, () => {
      rendered++;
      return Gst.PadProbeReturn.OK;
    });
  pipeline.startup();
  process.send?.('playing');
  // event.set() from the parent: end the stream early, cleanly
  process.on('message', (message) => {
    if (message === 'stop') void pipeline.shutdown();
  });
  // while not pipeline.is_done and not event.is_set(): time.sleep(.1)
  await pipeline.done;
  await pipeline.shutdown();
  process.send?.({ pid: process.pid, rendered } satisfies Report);
  process.disconnect();
}

/** The parent's part: start the children, wait for them, stop them all on Ctrl-C. */
async function main(): Promise<void> {
  commandLine(process.argv[1], 'Plays three pipelines in parallel, one child process each (no options, as in Python).', {});
  const numPipeline = 3;
  const children: ChildProcess[] = Array.from({ length: numPipeline }, () => fork(process.argv[1], [], { stdio: 'inherit' }));

  process.on('SIGINT', () => {
    console.log('Pressed Ctrl-C');
    // a child whose stream has just ended may close its channel while the message is on its way:
    // the callback takes that error (nothing is left to stop) instead of an 'error' event that
    // would end the parent and, with it, the other children's reports
    for (const child of children) if (child.connected) child.send('stop', () => {});
  });

  const reports = await Promise.all(
    children.map(
      (child) =>
        new Promise<Report | null>((resolve) => {
          let report: Report | null = null;
          child.on('message', (message: Report | 'playing') => {
            if (message === 'playing') console.log(`pipeline playing in process ${child.pid}`);
            else report = message;
          });
          child.on('exit', (code) => {
            if (code !== 0) process.exitCode = 1;
            resolve(report);
          });
        }),
    ),
  );
  for (const report of reports) if (report) console.log(`pipeline in process ${report.pid}: ${report.rendered} buffers`);
  process.removeAllListeners('SIGINT');
}

// A child (started by fork, with an IPC channel) runs one pipeline; the parent runs main.
(process.send ? launchPipeline() : main()).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
