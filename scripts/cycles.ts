/**
 * Lifetimes that end, measured: create / start / a few frames / shutdown, again and again, for
 * each way a frame can travel, and what the process holds (fds, threads, RSS once everything
 * collectable is collected) at a few cycle counts. One leaked 640x480 RGB frame per cycle shows
 * as +0.9 MB a cycle. test/lifetimes.test.ts runs it with 300 cycles; the figures in the README
 * and docs/node-gtk.md come from longer runs:
 *
 *   node -r ts-node/register --expose-gc scripts/cycles.ts --path tutorial --cycles 3000
 *   node -r ts-node/register --expose-gc scripts/cycles.ts --path all --cycles 300 --json
 *
 * Paths (--path, comma-separated or `all`):
 *   GstPipeline       videotestsrc ! fakesink, no frame reaches JS
 *   tutorial          appsink emit-signals=True, 'new-sample' -> emit('pull-sample') -> gstBufferWithCapsToTypedArray
 *   GstVideoSource    pop() copies (copied on the streaming thread)
 *   zeroCopy          GstVideoSource({ zeroCopy: true }): views of GStreamer's own buffers
 *   GstVideoSink      push() of frames into appsrc
 *   GstAudioSource    pop() of 921,600-byte audio buffers (S16LE stereo)
 *   element           an element written in TypeScript (GstVideoFilter) in the pipeline
 *
 * Output: one line per checkpoint (`path cycle fds threads rssMb`), or with --json one JSON line
 * per path ({ name, samples: [{ cycle, fds, threads, rssMb }], ms }), then `alive`.
 *
 * --live-objects, under GStreamer's leaks tracer (GST_TRACERS=leaks GST_DEBUG=GST_TRACER:7): at
 * each checkpoint, a line `live objects: <path> cycle <n>` on stderr and then the tracer's list
 * of the GStreamer objects alive (`object-alive, type-name=(string)...` lines), so that a
 * pipeline's buffers, samples or elements kept past its end show up whatever their size.
 */
import * as fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import {
  Gst,
  GstApp,
  GstAudioSource,
  GstPipeline,
  GstVideoFilter,
  GstVideoSink,
  GstVideoSource,
  gstBufferWithCapsToTypedArray,
  registerElement,
  type VideoFilterFrame,
} from '../src';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc: usage is measured after full collections');

const WIDTH = 640;
const HEIGHT = 480;
const FRAME_BYTES = WIDTH * HEIGHT * 3;
const CAPS = `video/x-raw,format=RGB,width=${WIDTH},height=${HEIGHT}`;
/** S16LE stereo: 230,400 samples of 4 bytes make one buffer the size of a video frame. */
const AUDIO_SOURCE = `audiotestsrc wave=silence samplesperbuffer=${FRAME_BYTES / 4}`;
const AUDIO_CAPS = 'audio/x-raw,format=S16LE,channels=2,rate=48000';
/** Frames per cycle (--frames). */
let FRAMES = 3;

/** The smallest element written in TypeScript that touches every frame. */
class CycleMark extends GstVideoFilter {
  static elementName = 'gstreamer_ts_cycle_mark';
  static formats = ['RGB'];
  static metadata = { longName: 'cycle mark', klass: 'Filter/Video', description: 'marks the first byte of each frame' };
  transformFrameIp(frame: VideoFilterFrame): void {
    frame.data[0] = 255;
  }
}

/** Registers the TypeScript element the `element` path uses (once). */
export function registerCycleElement(): void {
  if (!Gst.ElementFactory.find(CycleMark.elementName)) registerElement(CycleMark);
}

function expectFrames(what: string, frames: number): void {
  if (frames !== FRAMES) throw new Error(`${what} gave ${frames} frames, not ${FRAMES}`);
}

export const PATHS: Record<string, () => Promise<void>> = {
  async GstPipeline() {
    const pipeline = new GstPipeline(`videotestsrc num-buffers=${FRAMES} ! ${CAPS} ! fakesink sync=false`).startup();
    await pipeline.done;
    await pipeline.shutdown();
  },
  async tutorial() {
    const pipeline = new GstPipeline(`videotestsrc num-buffers=${FRAMES} ! ${CAPS} ! appsink emit-signals=True sync=false`).startup();
    const appsink = pipeline.getByCls(GstApp.AppSink)[0];
    let frames = 0;
    appsink.connect('new-sample', () => {
      const sample = appsink.emit('pull-sample');
      if (!sample) return Gst.FlowReturn.ERROR;
      const array = gstBufferWithCapsToTypedArray(sample.getBuffer()!, sample.getCaps()!);
      if (array.data.byteLength === FRAME_BYTES) frames++;
      return Gst.FlowReturn.OK;
    });
    await pipeline.done;
    await pipeline.shutdown();
    expectFrames('the tutorial handler', frames);
  },
  async GstVideoSource() {
    await videoSource(false);
  },
  async zeroCopy() {
    await videoSource(true);
  },
  async GstVideoSink() {
    const sink = new GstVideoSink('appsrc ! fakesink sync=false', { width: WIDTH, height: HEIGHT, format: 'RGB' }).startup();
    const frame = new Uint8Array(FRAME_BYTES);
    for (let i = 0; i < FRAMES; i++) await sink.push(frame);
    await sink.shutdown();
  },
  async GstAudioSource() {
    const source = new GstAudioSource(`${AUDIO_SOURCE} num-buffers=${FRAMES} ! ${AUDIO_CAPS} ! appsink sync=false`).startup();
    let frames = 0;
    for await (const frame of source) {
      if (frame.data.byteLength === FRAME_BYTES) frames++;
    }
    await source.shutdown();
    expectFrames('GstAudioSource', frames);
  },
  async element() {
    const pipeline = new GstPipeline(
      `videotestsrc num-buffers=${FRAMES} ! ${CAPS} ! ${CycleMark.elementName} ! fakesink sync=false`,
    ).startup();
    await pipeline.done;
    await pipeline.shutdown();
  },
};

async function videoSource(zeroCopy: boolean): Promise<void> {
  const source = new GstVideoSource(`videotestsrc num-buffers=${FRAMES} ! ${CAPS} ! appsink sync=false`, { zeroCopy }).startup();
  let frames = 0;
  for await (const frame of source) {
    if (frame.data.byteLength === FRAME_BYTES) frames++;
    frame.release();
  }
  await source.shutdown();
  expectFrames(zeroCopy ? 'GstVideoSource (zeroCopy)' : 'GstVideoSource', frames);
}

export interface Usage {
  cycle: number;
  fds: number;
  threads: number;
  rssMb: number;
}

/** What the process holds once everything collectable is collected (node-gtk lets wrappers go in a GLib idle after gc). */
async function usage(cycle: number): Promise<Usage> {
  for (let i = 0; i < 3; i++) {
    gc!();
    await sleep(5);
  }
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  return {
    cycle,
    fds: fs.readdirSync('/proc/self/fd').length,
    threads: Number(/^Threads:\s+(\d+)/m.exec(status)?.[1]),
    rssMb: Math.round(Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1]) / 102.4) / 10,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      path: { type: 'string', default: 'all' },
      cycles: { type: 'string', default: '1000' },
      frames: { type: 'string', default: '3' },
      at: { type: 'string', default: '1,100,1000,3000' },
      json: { type: 'boolean', default: false },
      'live-objects': { type: 'boolean', default: false },
    },
  });
  const leaks = values['live-objects'] ? Gst.tracingGetActiveTracers().find((tracer) => tracer.name.startsWith('leaks')) : undefined;
  if (values['live-objects'] && !leaks) throw new Error('--live-objects: run under GST_TRACERS=leaks GST_DEBUG=GST_TRACER:7');
  FRAMES = Number(values.frames);
  const total = Number(values.cycles);
  if (!Number.isInteger(total) || total < 1) throw new RangeError(`--cycles must be a positive integer, got ${values.cycles}`);
  if (!Number.isInteger(FRAMES) || FRAMES < 1) throw new RangeError(`--frames must be a positive integer, got ${values.frames}`);
  const names = values.path === 'all' ? Object.keys(PATHS) : values.path.split(',');
  for (const name of names)
    if (!PATHS[name]) throw new RangeError(`unknown --path ${name}: one of ${Object.keys(PATHS).join(', ')}, or all`);
  const checkpoints = new Set([
    ...values.at
      .split(',')
      .map(Number)
      .filter((n) => n <= total),
    total,
  ]);
  registerCycleElement();
  for (const name of names) {
    const started = Date.now();
    const samples: Usage[] = [];
    for (let cycle = 1; cycle <= total; cycle++) {
      await PATHS[name]();
      if (checkpoints.has(cycle)) {
        const sample = await usage(cycle);
        samples.push(sample);
        if (!values.json) console.log(`${name} cycle ${cycle}: ${sample.fds} fds, ${sample.threads} threads, ${sample.rssMb} MB RSS`);
        if (leaks) {
          console.error(`live objects: ${name} cycle ${cycle}`);
          leaks.emit('log-live-objects');
        }
      }
    }
    if (values.json) console.log(JSON.stringify({ name, samples, ms: Date.now() - started }));
  }
  console.log('alive');
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
