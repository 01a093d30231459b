/**
 * The pipeline-launching examples (gst_launch, gst_launch_many, gst_launch_many_mt,
 * pipeline_with_factory, pipeline_with_parse_launch, run_wrt_rank) run as a user runs them,
 * each checked by what it leaves: files read back, counts reported by the pipelines.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { countWebmFrames, discover } from './helpers/media-';
import { exitedCleanly, removeRunDirectories, runExample } from './helpers/run-example-';

test.after.each(removeRunDirectories);

test('gst_launch -p: runs the pipeline to its end (10 PNG files, 64x48 each)', async () => {
  const run = await runExample('gst_launch', ['-p', 'videotestsrc num-buffers=10 ! video/x-raw,width=64,height=48 ! pngenc ! multifilesink location=frame-%02d.png']);
  assert.is(run.code, 0, exitedCleanly(run));
  const files = fs.readdirSync(run.cwd).filter((f) => f.endsWith('.png')).sort();
  assert.is(files.length, 10);
  const info = await discover(path.join(run.cwd, files[9]));
  assert.equal([info.width, info.height], [64, 48], info.report);
});

test("gst_launch -p with a bad pipeline: GStreamer's message, exit 1", async () => {
  const run = await runExample('gst_launch', ['-p', 'videotestsrc ! nosuchelement']);
  assert.is(run.code, 1);
  assert.match(run.stderr, /no element "nosuchelement"/);
});

test.run();
