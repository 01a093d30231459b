/**
 * Pictures of a stream: one frame as a PNG file, or a contact sheet (a grid of frames) as one
 * PNG. GStreamer does the image work (videoconvert, videoscale, pngenc); the sheet's tiles are
 * placed by copying rows, one `set()` each.
 */
import { GstPipeline } from './pipeline';
import { GstVideoSink } from './video-sink';
import { GstVideoSource } from './video-source';
import type { SampleArray } from './buffer';

/** A frame to save: what {@link GstVideoSource} gives (`VideoFrame`) has all of it. */
export interface Picture {
  /** rows without padding */
  readonly data: SampleArray;
  readonly width: number;
  readonly height: number;
  /** GStreamer's name of the pixel format: 'RGB', 'GRAY8'... */
  readonly format: string;
}

export interface ContactSheetOptions {
  /** frames on the sheet */
  count: number;
  /** tiles per row. Default: the square root of `count`, rounded up. */
  columns?: number;
  /** the PNG file to write */
  path: string;
  /** width of one tile in pixels (height keeps the aspect ratio of the first frame). Default 160. */
  tileWidth?: number;
  /** take one frame in this many. Default 1 (consecutive frames). */
  every?: number;
}

function quoted(path: string): string {
  return `"${path.replace(/(["\\])/g, '\\$1')}"`;
}

/**
 * Writes a PNG of `source`: a frame (e.g. from `GstVideoSource`), or the first frame of a
 * pipeline description that produces video (`'videotestsrc pattern=ball'`), scaled to `size`
 * when given (videoscale). Returns a promise that resolves once the file is written (`await` it);
 * it rejects with the GstError family on a bad description or a file that cannot be written.
 */
export async function savePng(source: Picture | string, path: string, size?: { width: number; height: number }): Promise<void> {
  if (size && (!Number.isInteger(size.width) || !Number.isInteger(size.height) || size.width < 1 || size.height < 1))
    throw new RangeError(`savePng: size must be positive integers, got ${size.width}x${size.height}`);
  const scale = size ? `videoscale ! video/x-raw,width=${size.width},height=${size.height} ! ` : '';
  if (typeof source === 'string') {
    const pipeline = new GstPipeline(
      `${source} ! ${scale}videoconvert ! pngenc snapshot=true ! filesink location=${quoted(path)}`,
    ).startup();
    await pipeline.done; // snapshot=true: the end of stream follows the first frame
    return;
  }
  const { width, height, format } = source;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new RangeError(`savePng: width and height must be positive integers, got ${width}x${height}`);
  const sink = new GstVideoSink(`appsrc ! ${scale}videoconvert ! pngenc ! filesink location=${quoted(path)}`, {
    width,
    height,
    format,
    fps: 1,
  }).startup();
  try {
    await sink.push(source.data);
  } finally {
    await sink.shutdown(); // end of stream: pngenc writes the file
  }
  await sink.done;
}

/**
 * Writes a contact sheet of `count` frames of a pipeline description that produces video
 * (no sink: `'filesrc location=clip.webm ! decodebin'`), in a grid of `columns`, as one PNG.
 * Returns a promise that resolves to the sheet's size once it is written. A stream with fewer
 * frames gives a sheet of those it had.
 */
export async function contactSheet(
  description: string,
  options: ContactSheetOptions,
): Promise<{ width: number; height: number; frames: number }> {
  const { count, path } = options;
  const every = options.every ?? 1;
  const tileWidth = options.tileWidth ?? 160;
  for (const [name, value] of [
    ['count', count],
    ['every', every],
    ['tileWidth', tileWidth],
    ['columns', options.columns ?? 1],
  ] as const)
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`contactSheet: ${name} must be a positive integer, got ${value}`);
  const columns = options.columns ?? Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / columns);

  // Tiles at the stream's own size, then the whole sheet scaled once (videoscale) so that a tile
  // is tileWidth wide and keeps the stream's aspect ratio.
  const tiles: Uint8Array[] = [];
  let frameWidth = 0;
  let frameHeight = 0;
  const source = new GstVideoSource(`${description} ! videoconvert ! video/x-raw,format=RGB ! appsink sync=false`).startup();
  try {
    let seen = 0;
    for await (const frame of source) {
      if (seen++ % every === 0) {
        if (tiles.length === 0) [frameWidth, frameHeight] = [frame.width, frame.height];
        else if (frame.width !== frameWidth || frame.height !== frameHeight) continue; // a size change mid-stream: skip
        tiles.push(new Uint8Array(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength).slice());
      }
      frame.release();
      if (tiles.length === count) break;
    }
  } finally {
    // Enough frames (or an error): stop at once, without waiting for an end of stream the
    // description may never reach (a live or endless source).
    source[Symbol.dispose]();
    await source.done.catch(() => undefined);
  }
  if (tiles.length === 0) throw new RangeError(`contactSheet: the stream ended before its first frame: ${description}`);

  const fullWidth = columns * frameWidth;
  const fullHeight = rows * frameHeight;
  const sheet = new Uint8Array(fullWidth * fullHeight * 3); // black where there is no tile
  const rowBytes = frameWidth * 3;
  tiles.forEach((tile, i) => {
    const x0 = (i % columns) * frameWidth;
    const y0 = Math.floor(i / columns) * frameHeight;
    for (let y = 0; y < frameHeight; y++) sheet.set(tile.subarray(y * rowBytes, (y + 1) * rowBytes), ((y0 + y) * fullWidth + x0) * 3);
  });
  const width = columns * tileWidth;
  const height = rows * Math.max(1, Math.round((tileWidth * frameHeight) / frameWidth));
  await savePng({ data: sheet, width: fullWidth, height: fullHeight, format: 'RGB' }, path, { width, height });
  return { width, height, frames: tiles.length };
}
