/**
 * Child: objects drawn onto a frame (src/draw.ts). Ten labelled boxes (class, confidence, track
 * id) spread over one W x H RGB frame, drawn again and again onto the same bytes.
 *
 *   ts_draw W H
 *
 * Prints one JSON line: ms per frame (median of batches).
 */
import { drawObjects } from '../../src/draw';
import type { ObjectInfoInit } from '../../src/meta';

const BATCHES = 7;
const CLASSES = ['person', 'car', 'bicycle', 'dog', 'traffic light'];

const [width, height] = process.argv.slice(2).map(Number);
if (!(width > 0 && height > 0)) throw new Error('usage: ts_draw W H');
const frame = { data: new Uint8Array(width * height * 3), format: 'RGB', width, height };
const objects: ObjectInfoInit[] = Array.from({ length: 10 }, (_, i) => ({
  boundingBox: [((i % 5) * width) / 5 + 10, (Math.floor(i / 5) * height) / 2 + 40, width / 6, height / 3],
  confidence: 0.5 + i / 20,
  className: CLASSES[i % CLASSES.length],
  trackId: i + 1,
}));

const reps = 200;
for (let i = 0; i < reps; i++) drawObjects(frame, objects);
const ms: number[] = [];
for (let b = 0; b < BATCHES; b++) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < reps; i++) drawObjects(frame, objects);
  ms.push(Number(process.hrtime.bigint() - start) / 1e6 / reps);
}
ms.sort((a, b) => a - b);
console.log(JSON.stringify({ impl: 'draw', width, height, msPerFrame: ms[BATCHES >> 1] }));
