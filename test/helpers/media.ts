/**
 * Test support for the video suites (video-source, video-sink, examples-video): what a media
 * file holds, read back by GStreamer's own tools, and byte comparisons. Not a suite (see
 * support.ts beside it).
 */
import { execFile } from 'node:child_process';
import { GstVideoSource } from '../../src';
import { within } from './support';

/** What gst-discoverer-1.0 reports about the first video stream of a file. */
export interface Discovered {
  width: number;
  height: number;
  /** e.g. '30/1' */
  frameRate: string;
  /** container duration in seconds */
  durationS: number;
  /** the tool's whole report, for failure messages */
  report: string;
}

/** Runs gst-discoverer-1.0 on `file` and reads width, height, frame rate and duration from its report. */
export function discover(file: string): Promise<Discovered> {
  const run = new Promise<string>((resolve, reject) => {
    execFile('gst-discoverer-1.0', [file], { timeout: 15_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`gst-discoverer-1.0 ${file} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
  return within(run, 20_000, `gst-discoverer-1.0 ${file}`).then((report) => {
    const field = (name: string): string => {
      const match = new RegExp(`^\\s*${name}: (.+)$`, 'm').exec(report);
      if (!match) throw new Error(`gst-discoverer-1.0 reported no "${name}" for ${file}:\n${report}`);
      return match[1].trim();
    };
    const [h, m, s] = field('Duration').split(':');
    return {
      width: Number(field('Width')),
      height: Number(field('Height')),
      frameRate: field('Frame rate'),
      durationS: Number(h) * 3600 + Number(m) * 60 + Number(s),
      report,
    };
  });
}

/** Frames in a VP8 WebM file, counted by decoding it all (through GstVideoSource). */
export async function countWebmFrames(file: string, timeoutMs = 20_000): Promise<{ frames: number; width: number; height: number }> {
  const command = `filesrc location="${file}" ! matroskademux ! vp8dec ! videoconvert ! video/x-raw,format=RGB ! appsink sync=false`;
  const source = new GstVideoSource(command).startup();
  try {
    let frames = 0;
    let width = 0;
    let height = 0;
    const drain = async (): Promise<void> => {
      for await (const frame of source) {
        frames++;
        width = frame.width;
        height = frame.height;
        frame.release();
      }
    };
    await within(drain(), timeoutMs, `decoding ${file}`);
    return { frames, width, height };
  } finally {
    // At once, without end of stream: a shutdown() of a source whose queue is full can hang.
    source[Symbol.dispose]();
    await within(
      source.done.catch(() => undefined),
      5_000,
      `the decoder of ${file} to stop`,
    );
  }
}

/** Where two byte views first differ, or -1 when they are equal (lengths included). */
export function firstDifference(a: ArrayBufferView, b: ArrayBufferView): number {
  const x = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const y = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  if (x.equals(y)) return -1;
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return i;
  return n;
}
