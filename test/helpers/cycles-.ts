/**
 * Child process of test/lifetimes.test.ts (not a suite: the name ends in '-'): create / start /
 * 10 frames / shutdown, again and again, for each class, and print what the process holds
 * (fds, threads, RSS) at a few cycle counts as one JSON line per class. Run with --expose-gc,
 * under a low `ulimit -n`: a leak of file descriptors aborts the process instead of passing.
 *
 * argv: cycles (default 1000), then the classes to run (default all).
 */
import * as fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Gst, GstApp, GstPipeline, GstVideoSink, GstVideoSource, gstBufferWithCapsToTypedArray } from '../../src';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const CAPS = 'video/x-raw,format=RGB,width=16,height=16';
const FRAMES = 10;

export interface Usage {
  cycle: number;
  fds: number;
  threads: number;
  rssMb: number;
}

const cycles: Record<string, () => Promise<void>> = {
  async GstPipeline() {
    const pipeline = new GstPipeline(`videotestsrc num-buffers=${FRAMES} ! ${CAPS} ! fakesink`).startup();
    await pipeline.done;
  },
  async GstVideoSource() {
    const source = new GstVideoSource(`videotestsrc num-buffers=${FRAMES} ! ${CAPS} ! appsink sync=false`).startup();
    let frames = 0;
    for await (const frame of source) {
      frames++;
      frame.release();
    }
    await source.shutdown();
    if (frames !== FRAMES) throw new Error(`GstVideoSource gave ${frames} frames, not ${FRAMES}`);
  },
  async GstVideoSink() {
    const sink = new GstVideoSink('appsrc ! fakesink', { width: 16, height: 16, format: 'RGB' }).startup();
    const frame = new Uint8Array(16 * 16 * 3);
    for (let i = 0; i < FRAMES; i++) await sink.push(frame);
    await sink.shutdown();
  },
  async tutorial() {
    const pipeline = new GstPipeline(`videotestsrc num-buffers=${FRAMES} ! ${CAPS} ! appsink emit-signals=True sync=false`).startup();
    const appsink = pipeline.getByCls(GstApp.AppSink)[0];
    let frames = 0;
    appsink.connect('new-sample', () => {
      const sample = appsink.emit('pull-sample');
      if (!sample) return Gst.FlowReturn.ERROR;
      gstBufferWithCapsToTypedArray(sample.getBuffer()!, sample.getCaps()!);
      frames++;
      return Gst.FlowReturn.OK;
    });
    await pipeline.done;
    if (frames !== FRAMES) throw new Error(`the tutorial handler got ${frames} frames, not ${FRAMES}`);
  },
};

/** What the process holds once everything collectable is collected (wrappers go in a GLib idle after gc). */
async function usage(cycle: number): Promise<Usage> {
  for (let i = 0; i < 3; i++) {
    gc!();
    await sleep(5);
  }
  return {
    cycle,
    fds: fs.readdirSync('/proc/self/fd').length,
    threads: fs.readdirSync('/proc/self/task').length,
    rssMb: Math.round(process.memoryUsage().rss / 1e5) / 10,
  };
}

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 1000);
  const names = process.argv.length > 3 ? process.argv.slice(3) : Object.keys(cycles);
  const checkpoints = new Set([1, 100, total]);
  for (const name of names) {
    const started = Date.now();
    const samples: Usage[] = [];
    for (let cycle = 1; cycle <= total; cycle++) {
      await cycles[name]();
      if (checkpoints.has(cycle)) samples.push(await usage(cycle));
    }
    console.log(JSON.stringify({ name, samples, ms: Date.now() - started }));
  }
  console.log('alive');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
