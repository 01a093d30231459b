/**
 * The examples that write video (gst_display, gst_capture_and_split_dvr) run as a user runs
 * them; their files are decoded frame by frame.
 */
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { countWebmFrames } from './helpers/media';
import { exitedCleanly, removeRunDirectories, runExample } from './helpers/run-example';

test.after.each(removeRunDirectories);

test('gst_display -n 20: 20 frames of noise into a 640x480 WebM that decodes to 20 frames', async () => {
  const run = await runExample('gst_display', ['-n', '20']);
  assert.is(run.code, 0, exitedCleanly(run));
  assert.match(run.stdout, /^Displayed 20 buffers$/m);
  const decoded = await countWebmFrames(path.join(run.cwd, 'gst_display.webm'));
  assert.equal([decoded.frames, decoded.width, decoded.height], [20, 640, 480]);
});

test('gst_capture_and_split_dvr -n 50 -f 3: three whole files of 17, 17 and 16 frames', async () => {
  const run = await runExample('gst_capture_and_split_dvr', ['-n', '50', '-f', '3']);
  assert.is(run.code, 0, exitedCleanly(run));
  assert.match(run.stdout, /^recorded 50 frames into 3 files$/m);
  const frames = [];
  for (const file of ['video_0.webm', 'video_1.webm', 'video_2.webm']) {
    const decoded = await countWebmFrames(path.join(run.cwd, file));
    assert.equal([decoded.width, decoded.height], [640, 480], file);
    frames.push(decoded.frames);
  }
  assert.equal(frames, [17, 17, 16]);
});

test.run();
