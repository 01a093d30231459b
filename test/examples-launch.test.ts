/**
 * The pipeline-launching examples (gst_launch, gst_launch_many, gst_launch_many_mt,
 * pipeline_with_factory, pipeline_with_parse_launch, run_wrt_rank) run as a user runs them,
 * each checked by what it leaves: files read back, counts reported by the pipelines.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Gst } from '../src';
import { countWebmFrames, discover } from './helpers/media';
import { exitedCleanly, removeRunDirectories, runExample } from './helpers/run-example';

test.after.each(removeRunDirectories);

test('gst_launch -p: runs the pipeline to its end (10 PNG files, 64x48 each)', async () => {
  const run = await runExample('gst_launch', [
    '-p',
    'videotestsrc num-buffers=10 ! video/x-raw,width=64,height=48 ! pngenc ! multifilesink location=frame-%02d.png',
  ]);
  assert.is(run.code, 0, exitedCleanly(run));
  const files = fs
    .readdirSync(run.cwd)
    .filter((f) => f.endsWith('.png'))
    .sort();
  assert.is(files.length, 10);
  const info = await discover(path.join(run.cwd, files[9]));
  assert.equal([info.width, info.height], [64, 48], info.report);
});

test("gst_launch -p with a bad pipeline: GStreamer's message, exit 1", async () => {
  const run = await runExample('gst_launch', ['-p', 'videotestsrc ! nosuchelement']);
  assert.is(run.code, 1);
  assert.match(run.stderr, /no element "nosuchelement"/);
});

test('gst_launch_many: five pipelines in parallel, each file holds the frames it reports', async () => {
  const run = await runExample('gst_launch_many', [], { timeoutMs: 60_000 });
  assert.is(run.code, 0, exitedCleanly(run));
  const reported = [...run.stdout.matchAll(/^(gst_launch_many_\d\.webm): (\d+) frames$/gm)].map((m) => [m[1], Number(m[2])] as const);
  assert.is(reported.length, 5, run.stdout);
  for (const [file, frames] of reported) {
    assert.ok(frames >= 50 && frames <= 300, `randint(50, 300): ${frames}`);
    const info = await discover(path.join(run.cwd, file)); // quicker than decoding ~900 frames
    assert.ok(Math.abs(info.durationS - frames / 30) < 0.02, `${file}: ${info.durationS} s for ${frames} frames`);
    assert.equal([info.width, info.height], [320, 240]);
  }
});

test('gst_launch_many_mt: three child processes play at once; Ctrl-C stops them all cleanly', async () => {
  let interrupted = false;
  const run = await runExample('gst_launch_many_mt', [], {
    timeoutMs: 60_000,
    onStdout: (stdout, child) => {
      if (!interrupted && (stdout.match(/^pipeline playing in process \d+$/gm) ?? []).length === 3) {
        interrupted = true;
        child.kill('SIGINT');
      }
    },
  });
  assert.ok(interrupted, exitedCleanly(run));
  assert.is(run.code, 0, exitedCleanly(run));
  assert.match(run.stdout, /^Pressed Ctrl-C$/m);
  const reports = [...run.stdout.matchAll(/^pipeline in process (\d+): (\d+) buffers$/gm)];
  assert.is(reports.length, 3, run.stdout);
  assert.is(new Set(reports.map((m) => m[1])).size, 3, 'three processes');
  const counts = reports.map((m) => Number(m[2]));
  for (const n of counts) assert.ok(n >= 0 && n <= 100, `buffers: ${n}`);
  // the last child to play had just started when Ctrl-C came (a stream is 100 buffers at 30
  // per second): it was stopped early, it did not run to its end
  assert.ok(Math.min(...counts) < 100, `one stopped early: ${counts.join(', ')}`);
});

test('pipeline_with_factory: plain node-gtk and a GLib main loop run the stream to its end (50 frames)', async () => {
  const run = await runExample('pipeline_with_factory', []);
  assert.is(run.code, 0, exitedCleanly(run));
  assert.match(run.stdout, /^End of stream$/m);
  const decoded = await countWebmFrames(path.join(run.cwd, 'pipeline_with_factory.webm'));
  assert.equal([decoded.frames, decoded.width, decoded.height], [50, 320, 240]);
});

test('pipeline_with_parse_launch: the default runs to its end (100 frames); an error on the bus exits 1', async () => {
  const run = await runExample('pipeline_with_parse_launch', []);
  assert.is(run.code, 0, exitedCleanly(run));
  assert.match(run.stdout, /^End of stream$/m);
  const info = await discover(path.join(run.cwd, 'pipeline_with_parse_launch.webm'));
  assert.ok(Math.abs(info.durationS - 100 / 30) < 0.05, info.report);

  const failing = await runExample('pipeline_with_parse_launch', [
    '-p',
    'videotestsrc num-buffers=5 ! filesink location=/nonexistent/dir/x',
  ]);
  assert.is(failing.code, 1, exitedCleanly(failing));
  assert.match(failing.stdout, /Could not open file/);
});

test('run_wrt_rank: decodebin picks the decoder whose rank was raised', async () => {
  // The ranks are this GStreamer's, read here (gdkpixbufdec is NONE in 1.22, SECONDARY in 1.26;
  // pngdec PRIMARY): what the example relies on is only that gdkpixbufdec starts below pngdec.
  const rankOf = (name: string): number => {
    const factory = Gst.ElementFactory.find(name);
    if (!factory) throw new Error(`no ${name} on this machine: scripts/setup.sh installs it`);
    return factory.getRank();
  };
  const before = rankOf('gdkpixbufdec');
  const png = rankOf('pngdec');
  assert.ok(before < png, `gdkpixbufdec (${before}) ranks below pngdec (${png})`);
  const run = await runExample('run_wrt_rank', []);
  assert.is(run.code, 0, exitedCleanly(run));
  assert.ok(
    run.stdout.includes(`\nRank of target plugin: gdkpixbufdec ( ${before} )\n--- After ---\n`),
    `rank ${before} before:\n${run.stdout}`,
  );
  const after = /^Rank of target plugin: gdkpixbufdec \( (\d+) \)$/m.exec(run.stdout.slice(run.stdout.indexOf('--- After ---')));
  assert.ok(after && Number(after[1]) > png, `raised above pngdec (${png}):\n${run.stdout}`);
  assert.match(run.stdout, /^Target element \(gdkpixbufdec\) is present$/m);
  assert.not.match(run.stdout, /'pngdec'/, 'pngdec, rank primary, was passed over');

  const primary = await runExample('run_wrt_rank', ['-d', 'pngdec']);
  assert.is(primary.code, 0, exitedCleanly(primary));
  assert.match(primary.stdout, /^Target element \(pngdec\) is present$/m);
  assert.not.match(primary.stdout, /'gdkpixbufdec'/);

  const unknown = await runExample('run_wrt_rank', ['-d', 'nosuchdecoder']);
  assert.is(unknown.code, 1);
  assert.match(unknown.stderr, /no element "nosuchdecoder"/);
});

test.run();
