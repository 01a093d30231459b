/**
 * A real model end to end, two ways: examples/run_ocr.ts (a GstVideoSource loop) and
 * examples/run_ocr_element.ts (tsocr, an async analyzer in a launch description) read the words
 * textoverlay wrote (examples/helpers/text-video.ts) with PaddleOCR's models on onnxruntime-node.
 * The answer is checked against the truth measured here: each word's box is where its pixels
 * are (textoverlay alone on the background, compared with the background), and the text is the word.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classColor, GstVideoSource } from '../src';
import { defaultModelFiles, loadOnnxRuntime } from '../examples/helpers/onnxruntime.ts';
import { HEIGHT, sceneVideo, SCENES, WIDTH } from '../examples/helpers/text-video.ts';
import { exitedCleanly, removeRunDirectories, runExample, type ExampleRun } from './helpers/run-example';
import { within } from './helpers/support';

test.after.each(removeRunDirectories);

type Box = [number, number, number, number];
/** frames per scene: each frame's words are checked */
const PER_SCENE = 1;
const FRAMES = PER_SCENE * SCENES.length;

/** Frames of a pipeline (with no sink) as RGB bytes. */
async function frames(description: string): Promise<Uint8Array[]> {
  const source = new GstVideoSource<Uint8Array>(`${description} ! appsink sync=false`).startup();
  const list: Uint8Array[] = [];
  await within(
    (async () => {
      for await (const frame of source) list.push(frame.data);
    })(),
    20_000,
    description,
  );
  source[Symbol.dispose]();
  return list;
}

/** Where each word's pixels are: its scene's frame with it alone against the background alone, the box of the pixels that differ. */
let truth: Map<string, Box> | null = null;
async function truthBoxes(): Promise<Map<string, Box>> {
  if (truth) return truth;
  truth = new Map();
  const rgb = ' ! videoconvert ! video/x-raw,format=RGB';
  for (const scene of SCENES) {
    const [background] = await frames(sceneVideo(scene, 1, []) + rgb);
    for (const word of scene.words) {
      const [frame] = await frames(sceneVideo(scene, 1, [word]) + rgb);
      let [x0, y0, x1, y1] = [WIDTH, HEIGHT, -1, -1];
      for (let y = 0; y < HEIGHT; y++)
        for (let x = 0; x < WIDTH; x++) {
          const i = (y * WIDTH + x) * 3;
          if (frame[i] !== background[i] || frame[i + 1] !== background[i + 1] || frame[i + 2] !== background[i + 2]) {
            x0 = Math.min(x0, x);
            y0 = Math.min(y0, y);
            x1 = Math.max(x1, x);
            y1 = Math.max(y1, y);
          }
        }
      assert.ok(x1 > x0 && y1 > y0, `textoverlay wrote ${word.text}`);
      truth.set(word.text, [x0, y0, x1 - x0 + 1, y1 - y0 + 1]);
    }
  }
  return truth;
}

function iou(a: Box, b: Box): number {
  const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  const inter = Math.max(0, w) * Math.max(0, h);
  return inter / (a[2] * a[3] + b[2] * b[3] - inter);
}

/** The examples' lines `frame 3: "HELLO" at 52,40 181x38 (0.99)`, by frame. */
function wordsOf(run: ExampleRun): Map<number, Array<{ text: string; box: Box }>> {
  const byFrame = new Map<number, Array<{ text: string; box: Box }>>();
  for (const m of run.stdout.matchAll(/^frame (\d+): ("(?:[^"\\]|\\.)*") at (-?\d+),(-?\d+) (\d+)x(\d+) /gm)) {
    const list = byFrame.get(Number(m[1])) ?? [];
    list.push({ text: JSON.parse(m[2]) as string, box: [Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])] });
    byFrame.set(Number(m[1]), list);
  }
  return byFrame;
}

/** Every frame read exactly its scene's words, each in a box overlapping its truth by IoU >= 0.5; the words by frame. */
async function assertReadsTheWords(run: ExampleRun): Promise<Map<number, Array<{ text: string; box: Box }>>> {
  const boxes = await truthBoxes();
  const byFrame = wordsOf(run);
  assert.equal([...byFrame.keys()], [...Array(FRAMES).keys()], `a line per frame\n${run.stdout}`);
  for (const [index, found] of byFrame) {
    const scene = SCENES[Math.floor(index / PER_SCENE)];
    assert.equal(found.map((w) => w.text).sort(), scene.words.map((w) => w.text).sort(), `frame ${index}: the words\n${run.stdout}`);
    for (const { text, box } of found) {
      const overlap = iou(box, boxes.get(text)!);
      assert.ok(
        overlap >= 0.5,
        `frame ${index}: "${text}" at ${box.join(',')} against its pixels at ${boxes.get(text)!.join(',')}: IoU ${overlap.toFixed(2)}`,
      );
    }
  }
  const ms = '[\\d.]+ ms \\(\\d+%\\)';
  assert.match(
    run.stdout,
    new RegExp(
      `^${FRAMES} frames in [\\d.]+ s \\([\\d.]+ frames/s\\); per frame: tensor ${ms}, inference ${ms}, decoding ${ms}, drawing (${ms}|not timed)$`,
      'm',
    ),
  );
  return byFrame;
}

/** The pixel at (x, y) of a packed RGB frame. */
const pixel = (frame: Uint8Array, x: number, y: number): number[] => [...frame.subarray((y * WIDTH + x) * 3, (y * WIDTH + x) * 3 + 3)];

test('run_ocr: a GstVideoSource loop reads each word textoverlay wrote, where it wrote it', async () => {
  const run = await runExample('run_ocr', ['-n', String(PER_SCENE)], { timeoutMs: 90_000 });
  assert.is(run.code, 0, exitedCleanly(run));
  const words = await assertReadsTheWords(run);
  const [png] = await frames(`filesrc location="${path.join(run.cwd, 'run_ocr.png')}" ! pngdec ! videoconvert ! video/x-raw,format=RGB`);
  assert.is(png.length, WIDTH * HEIGHT * 3, 'the annotated last frame, as PNG');
  // drawObjects drew each box's outline in its class's colour (the word's)
  for (const { text, box } of words.get(FRAMES - 1)!)
    assert.equal(pixel(png, box[0], box[1] + (box[3] >> 1)), [...classColor(text)], `${text}'s box drawn`);
});

test('run_ocr_element: tsocr in a launch description reads the same words, and the WebM it writes decodes to every frame', async () => {
  const run = await runExample('run_ocr_element', ['-n', String(PER_SCENE)], { timeoutMs: 90_000 });
  assert.is(run.code, 0, exitedCleanly(run));
  const words = await assertReadsTheWords(run);
  const webm = path.join(run.cwd, 'run_ocr_element.webm');
  assert.ok(fs.statSync(webm).size > 0);
  const decoded = await frames(
    `filesrc location="${webm}" ! matroskademux ! vp8dec ! videoconvert ! video/x-raw,format=RGB,width=${WIDTH},height=${HEIGHT}`,
  );
  assert.is(decoded.length, FRAMES, 'frames decoded back from the WebM');
  // tsdrawobjects drew each box's outline in its class's colour (VP8 blurs a 2-pixel line: near it)
  const last = decoded[FRAMES - 1];
  for (const { text, box } of words.get(FRAMES - 1)!) {
    const found = pixel(last, box[0], box[1] + (box[3] >> 1));
    const distance = Math.max(...found.map((v, c) => Math.abs(v - classColor(text)[c])));
    assert.ok(distance < 80, `${text}'s box drawn: ${found} against ${classColor(text)}`);
  }
});

test('a detection model whose input shape disagrees with the frame tensor: an error naming both shapes', async () => {
  const models = await defaultModelFiles();
  // the recognition model takes 48 rows: not a 640x480 frame's tensor
  const run = await runExample('run_ocr', ['-n', '1', '--det_model', models.recognitionPath], { timeoutMs: 60_000 });
  assert.is(run.code, 1, exitedCleanly(run));
  assert.match(run.stderr, /detection model input "x" has shape \[\?, 3, 48, \?\], the frame's tensor has shape \[1, 3, 480, 640\]/);
  assert.not.match(run.stderr, /\n\s+at /, 'no stack trace');
});

test('onnxruntime-node missing: one line saying what to install', async () => {
  const error = await loadOnnxRuntime('onnxruntime-node-not-installed').catch((e: unknown) => e);
  assert.instance(error, Error);
  const message = (error as Error).message;
  assert.is(
    message,
    'onnxruntime-node-not-installed is not installed; install it with: ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node-not-installed',
  );
  const ort = await loadOnnxRuntime();
  assert.type(ort.InferenceSession.create, 'function', 'the real one loads');
});

test.run();
