/**
 * Several pipelines at once in one process: gstreamer-python's examples/gst_launch_many.py.
 * Python shows five windows (gtksink); headless, each pipeline writes its frames to
 * gst_launch_many_<i>.webm instead. Each has its own streaming threads: they play in parallel.
 *
 *   node scripts/run.js examples/gst_launch_many.ts
 */
import { GstContext, GstPipeline } from 'gstreamer-ts';
import { commandLine } from './helpers/cli.ts';

commandLine(process.argv[1], 'Plays five pipelines in parallel (no options, as in Python).', {});

/** randint(a, b): a whole number from a to b, both included */
const randint = (a: number, b: number): number => a + Math.floor(Math.random() * (b - a + 1));

async function main(): Promise<void> {
  using context = new GstContext();
  void context;

  const counts = Array.from({ length: 5 }, () => randint(50, 300));
  // (Python: "videotestsrc num-buffers={} ! gtksink", which needs a display)
  const pipelines = counts.map(
    (n, i) => new GstPipeline(`videotestsrc num-buffers=${n} ! vp8enc deadline=1 ! webmmux ! filesink location=gst_launch_many_${i}.webm`),
  );

  for (const p of pipelines) p.startup();

  // while any(p.is_active for p in pipelines): time.sleep(.5)
  await Promise.all(pipelines.map((p) => p.done));

  for (const p of pipelines) await p.shutdown();
  counts.forEach((n, i) => console.log(`gst_launch_many_${i}.webm: ${n} frames`));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
