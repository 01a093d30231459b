/**
 * Pictures: examples/gst_snapshot.ts as a user runs it (one frame, a contact sheet), and
 * src/pictures.ts's errors. PNG files are decoded back by GStreamer to check sizes and pixels.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GstParseError, GstVideoSource, contactSheet, savePng } from '../src';
import { exitedCleanly, removeRunDirectories, runExample } from './helpers/run-example';
import { within } from './helpers/support';

test.after.each(removeRunDirectories);

/** A PNG decoded to RGB: size and the pixel at (x, y). */
async function readPng(file: string): Promise<{ width: number; height: number; pixel(x: number, y: number): number[] }> {
  const source = new GstVideoSource(
    `filesrc location="${file}" ! pngdec ! videoconvert ! video/x-raw,format=RGB ! appsink sync=false`,
  ).startup();
  const frame = await within(source.pop(), 10_000, `decoding ${file}`);
  source[Symbol.dispose]();
  if (!frame) throw new Error(`no picture in ${file}`);
  const { width, height, data } = frame;
  return { width, height, pixel: (x, y) => [...data.subarray((y * width + x) * 3, (y * width + x) * 3 + 3)] };
}

test('gst_snapshot: the first frame of a pipeline as a PNG of its size (SMPTE bars: white, then yellow)', async () => {
  const run = await runExample('gst_snapshot', ['-p', 'videotestsrc ! video/x-raw,width=140,height=100', '-o', 'bars.png']);
  assert.is(run.code, 0, exitedCleanly(run));
  const png = await readPng(path.join(run.cwd, 'bars.png'));
  assert.equal([png.width, png.height], [140, 100]);
  assert.equal(png.pixel(5, 5), [255, 255, 255]);
  assert.equal(png.pixel(25, 5), [255, 255, 0]);
});

test('gst_snapshot -n 6 -c 3 -w 80: a contact sheet of 3x2 tiles of 80x60, each a frame', async () => {
  const run = await runExample('gst_snapshot', [
    '-p',
    'videotestsrc pattern=white num-buffers=4 ! video/x-raw,width=320,height=240',
    '-n',
    '6',
    '-c',
    '3',
    '-w',
    '80',
    '-o',
    'sheet.png',
  ]);
  assert.is(run.code, 0, exitedCleanly(run));
  assert.match(run.stdout, /wrote sheet.png: 4 frames, 240x120/, 'a stream of 4 frames fills 4 tiles');
  const png = await readPng(path.join(run.cwd, 'sheet.png'));
  assert.equal([png.width, png.height], [240, 120]);
  for (const [x, y] of [
    [40, 30],
    [120, 30],
    [200, 30],
    [40, 90],
  ])
    assert.equal(png.pixel(x, y), [255, 255, 255], `tile at ${x},${y}`);
  assert.equal(png.pixel(200, 90), [0, 0, 0], 'no 6th frame: black');
});

test('savePng and contactSheet reject bad input with typed errors', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gstreamer-ts-pictures-'));
  try {
    const bad = await savePng('videotestsrc ! nosuchelement', path.join(dir, 'x.png')).catch((error: unknown) => error);
    assert.instance(bad, GstParseError);
    assert.match(String((bad as Error).message), /no element "nosuchelement"/);
    const zero = await contactSheet('videotestsrc', { count: 0, path: path.join(dir, 'y.png') }).catch((error: unknown) => error);
    assert.instance(zero, RangeError);
    const size = await savePng({ data: new Uint8Array(3), width: 0, height: 1, format: 'RGB' }, path.join(dir, 'z.png')).catch(
      (error: unknown) => error,
    );
    assert.instance(size, RangeError);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
