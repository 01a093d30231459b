/**
 * The element examples (gaussian_blur, video_crop, gstplugin_ts; mirrors of gst-python-plugins) run as a user
 * runs them; the PNGs they write are decoded by a pipeline and their pixels checked against a
 * reference computed here from the same test pattern.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GstVideoSource, type VideoFrame } from '../src';
import { ROOT, runNode, within, type Exit } from './helpers/support';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gstreamer-ts-element-examples-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

function example(name: string, args: readonly string[]): Promise<Exit> {
  return runNode([path.join(ROOT, 'scripts', 'run.js'), path.join(ROOT, 'examples', `${name}.ts`), ...args], {
    timeoutMs: 30_000,
    what: `examples/${name}.ts`,
  });
}

function assertOk(run: Exit, what: string): void {
  assert.is(
    run.code,
    0,
    `${what} exit code (signal ${run.signal})\n--- stdout\n${run.stdout.slice(-1500)}\n--- stderr\n${run.stderr.slice(-1500)}`,
  );
}

/** The last frame of a pipeline ending in an appsink, as packed RGB. */
async function lastFrame(command: string): Promise<VideoFrame> {
  const source = new GstVideoSource(command).startup();
  let last: VideoFrame | null = null;
  await within(
    (async () => {
      for await (const frame of source) last = frame;
    })(),
    10_000,
    command,
  );
  if (!last) throw new Error(`no frame from ${command}`);
  return last;
}

const png = (file: string): Promise<VideoFrame> =>
  lastFrame(`filesrc location="${file}" ! pngdec ! videoconvert ! video/x-raw,format=RGB ! appsink`);
const pattern = (name: string, w: number, h: number, n = 1): Promise<VideoFrame> =>
  lastFrame(`videotestsrc num-buffers=${n} pattern=${name} ! video/x-raw,format=RGB,width=${w},height=${h} ! appsink`);

/** A direct 2-D Gaussian convolution with repeated borders: the reference, written apart from the example's separable one. */
function blurReference(src: Uint8Array | Uint16Array, w: number, h: number, size: number, sigma: number): Float64Array {
  const half = (size - 1) / 2;
  const weight = (d: number): number => Math.exp(-(d * d) / (2 * sigma * sigma));
  let norm = 0;
  for (let i = -half; i <= half; i++) norm += weight(i);
  const out = new Float64Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let j = -half; j <= half; j++)
          for (let i = -half; i <= half; i++) {
            const yy = Math.min(h - 1, Math.max(0, y + j));
            const xx = Math.min(w - 1, Math.max(0, x + i));
            acc += (weight(i) * weight(j) * src[(yy * w + xx) * 3 + c]) / (norm * norm);
          }
        out[(y * w + x) * 3 + c] = acc;
      }
  return out;
}

test('gaussian_blur.ts writes a PNG whose pixels are the Gaussian blur of the pattern', async () => {
  const file = path.join(dir, 'blur.png');
  const run = await example('gaussian_blur', [
    '-o',
    file,
    '--width',
    '48',
    '--height',
    '32',
    '--kernel',
    '5',
    '--sigma-x',
    '1.5',
    '--sigma-y',
    '1.5',
    '--pattern',
    'checkers-4',
  ]);
  assertOk(run, 'gaussian_blur');
  assert.match(run.stdout, /wrote .*blur\.png \(kernel 5, sigma 1\.5 x 1\.5\)/);
  const [got, original] = await Promise.all([png(file), pattern('checkers-4', 48, 32)]);
  assert.equal(got.shape, [32, 48, 3]);
  const want = blurReference(original.data, 48, 32, 5, 1.5);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got.data[i] - want[i]));
  assert.ok(worst <= 1, `largest difference from the reference: ${worst}`);
  // A blur of 4-pixel checkers has grays between: the element did blur.
  assert.ok(
    got.data.some((v) => v > 20 && v < 235),
    'intermediate values',
  );
});

test('gstplugin_ts.ts inverts the frame and paints its band from the properties', async () => {
  const file = path.join(dir, 'template.png');
  const run = await example('gstplugin_ts', ['-o', file, '--band', '10', '--int-prop', '20', '--float-prop', '0.5', '--str-prop', 'hello']);
  assertOk(run, 'gstplugin_ts');
  assert.match(run.stdout, /^hello: first frame RGB \[240, 320, 3\] at 0 ns$/m);
  const [got, original] = await Promise.all([png(file), pattern('smpte', 320, 240, 5)]);
  const row = 320 * 3;
  for (let y = 0; y < 160; y++) {
    // the colour bars (the lower third holds noise that changes between frames)
    for (let i = 0; i < row; i++) {
      const want = y >= 20 && y < 30 ? 128 : 255 - original.data[y * row + i];
      if (got.data[y * row + i] !== want) assert.unreachable(`row ${y} byte ${i}: ${got.data[y * row + i]}, want ${want}`);
    }
  }
});

test('video_crop.ts writes a PNG of the smaller size holding exactly the pattern inside the margins', async () => {
  const file = path.join(dir, 'crop.png');
  const run = await example('video_crop', [
    '-o',
    file,
    '--width',
    '65',
    '--height',
    '40',
    '--left',
    '3',
    '--right',
    '7',
    '--top',
    '5',
    '--bottom',
    '2',
    '--pattern',
    'colors',
  ]);
  assertOk(run, 'video_crop');
  const [got, original] = await Promise.all([png(file), pattern('colors', 65, 40)]);
  assert.equal(got.shape, [33, 55, 3]);
  for (let y = 0; y < 33; y++)
    for (let i = 0; i < 55 * 3; i++) {
      const want = original.data[(y + 5) * 65 * 3 + 3 * 3 + i];
      if (got.data[y * 55 * 3 + i] !== want) assert.unreachable(`row ${y} byte ${i}: ${got.data[y * 55 * 3 + i]}, want ${want}`);
    }
});

test('each example: --help prints the usage and exits 0; an unknown option prints it and exits 2', async () => {
  const names = ['gaussian_blur', 'gstplugin_ts', 'video_crop'];
  // Side by side: each run is mostly Node (and ts-node, where Node has no TypeScript) starting.
  const runs = await Promise.all(names.flatMap((name) => [example(name, ['--help']), example(name, ['--no-such-option'])]));
  names.forEach((name, i) => {
    const [help, bad] = [runs[2 * i], runs[2 * i + 1]];
    assert.is(help.code, 0, `${name} --help`);
    assert.match(help.stdout, new RegExp(`^usage: node scripts/run\\.js examples/${name}\\.ts`));
    assert.is(bad.code, 2, `${name} --no-such-option`);
    assert.match(bad.stderr, /usage:/);
  });
});

test.run();
