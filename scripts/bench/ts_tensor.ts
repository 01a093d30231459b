/**
 * Child: frames as tensors (src/tensor.ts). One W x H RGB frame (synthetic bytes: timing does not
 * depend on the values) into a 640x640 float32 NCHW tensor, letterboxed, normalised with
 * ImageNet's mean/std, into one reused Float32Array, three ways:
 *
 *   native  toTensor (bilinear resize)
 *   js      a plain careful JavaScript loop, the same math (nearest resize: bilinear would cost
 *           the JS loop more), precomputed column offsets, one reused Float32Array
 *   bound   a native memory-bandwidth bound: read the frame once and write the tensor's bytes once
 *
 *   ts_tensor W H
 *
 * Prints one JSON line: ms per frame of each (median of batches), and the largest difference
 * between the JS loop's tensor and toTensor's with `resize: 'nearest'` (the same math: it must be
 * ~0, or the child fails).
 */
import { native } from '../../src/native';
import { toTensor } from '../../src/tensor';

const SIZE = 640;
const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];
const BATCHES = 7;

/** Median ms per call of `fn` over BATCHES batches of `reps` calls, after a warm-up batch. */
function timeIt(fn: () => void, reps: number): number {
  for (let i = 0; i < reps; i++) fn();
  const ms: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) fn();
    ms.push(Number(process.hrtime.bigint() - start) / 1e6 / reps);
  }
  ms.sort((a, b) => a - b);
  return ms[BATCHES >> 1];
}

/** The JS baseline: nearest-neighbour letterbox, (v / 255 - mean) / std, NCHW. */
function jsLoop(src: Uint8Array, width: number, height: number, out: Float32Array): void {
  const scale = Math.min(SIZE / width, SIZE / height);
  const w = Math.round(width * scale);
  const h = Math.round(height * scale);
  const padX = (SIZE - w) >> 1;
  const padY = (SIZE - h) >> 1;
  const plane = SIZE * SIZE;
  const mul0 = 1 / 255 / STD[0],
    mul1 = 1 / 255 / STD[1],
    mul2 = 1 / 255 / STD[2];
  const add0 = -MEAN[0] / STD[0],
    add1 = -MEAN[1] / STD[1],
    add2 = -MEAN[2] / STD[2];
  out.fill(add0, 0, plane);
  out.fill(add1, plane, 2 * plane);
  out.fill(add2, 2 * plane, 3 * plane);
  const cols = columns(width, w);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(height - 1, Math.floor((y + 0.5) * (height / h)));
    const row = sy * width * 3;
    let o = (y + padY) * SIZE + padX;
    for (let x = 0; x < w; x++, o++) {
      const i = row + cols[x];
      out[o] = src[i] * mul0 + add0;
      out[o + plane] = src[i + 1] * mul1 + add1;
      out[o + 2 * plane] = src[i + 2] * mul2 + add2;
    }
  }
}

let columnCache: { key: string; cols: Int32Array } | null = null;
function columns(width: number, w: number): Int32Array {
  const key = `${width}/${w}`;
  if (columnCache?.key === key) return columnCache.cols;
  const cols = new Int32Array(w);
  for (let x = 0; x < w; x++) cols[x] = Math.min(width - 1, Math.floor((x + 0.5) * (width / w))) * 3;
  columnCache = { key, cols };
  return cols;
}

const [width, height] = process.argv.slice(2).map(Number);
if (!(width > 0 && height > 0)) throw new Error('usage: ts_tensor W H');
const frame = new Uint8Array(width * height * 3);
for (let i = 0; i < frame.length; i++) frame[i] = (i * 7 + (i >> 11)) & 255;
const out = new Float32Array(3 * SIZE * SIZE);
const options = { size: { width: SIZE, height: SIZE }, letterbox: true, mean: MEAN, std: STD, out };
const source = { data: frame, format: 'RGB', width, height };

const nativeMs = timeIt(() => toTensor(source, options), 50);
const jsMs = timeIt(() => jsLoop(frame, width, height, out), 20);
const boundMs = native.tensorBandwidthBound(frame, out.byteLength, 20) && native.tensorBandwidthBound(frame, out.byteLength, 100);
// The baseline computes what toTensor computes (with nearest resize).
const fromJs = new Float32Array(out.length);
jsLoop(frame, width, height, fromJs);
const fromNative = toTensor(source, { ...options, out: new Float32Array(out.length), resize: 'nearest' }).data;
let maxDiff = 0;
for (let i = 0; i < fromJs.length; i++) maxDiff = Math.max(maxDiff, Math.abs(fromJs[i] - fromNative[i]));
if (!(maxDiff < 1e-4)) throw new Error(`the JS loop and toTensor (nearest) differ by up to ${maxDiff}: not the same math`);
console.log(JSON.stringify({ impl: 'tensor', width, height, nativeMs, jsMs, boundMs, maxDiff }));
