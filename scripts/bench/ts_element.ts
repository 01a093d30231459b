/**
 * Child: the per-frame cost of an element written in TypeScript (src/element/): the measured
 * pipeline with the element before fakesink. The element computes python_appsink.py's checksum
 * (the middle sample of each frame) from the frame in place, so every frame reaches JavaScript
 * and the checksum matches the appsink paths'. Timed from just before startup() to `done`.
 *
 *   ts_element W H N [--format RGB] [--pattern black] [--analyzer] [--async]
 *
 * Default: a GstVideoFilter (writable frame, in place); --analyzer: a GstVideoAnalyzer (pass-through, read only);
 * --async: an analyzer whose analyzeFrame is async (`await Promise.resolve()`, then the checksum).
 */
import { GstPipeline, GstVideoAnalyzer, GstVideoFilter, registerElement, type VideoFilterFrame } from '../../src';
import { addChecksum, childArgs, pipelineOf, report, run, startClock, stopClock } from './common';

let checksum = 0;
let frames = 0;

/** The middle sample of the packed frame, as python_appsink.py reads it from its copy. */
function middle(frame: VideoFilterFrame): void {
  const [height, width] = frame.shape;
  const rowLength = width * (frame.shape[2] ?? 1);
  const index = (height * rowLength) >> 1;
  const sample = frame.data[Math.floor(index / rowLength) * frame.strides[0] + (index % rowLength)];
  checksum = addChecksum(checksum, [sample]);
  frames++;
}

class BenchFilter extends GstVideoFilter {
  static elementName = 'bench_ts_filter';
  static formats = ['RGB', 'RGBA', 'BGRx', 'GRAY8', 'GRAY16_LE', 'GRAY16_BE', 'I420'];
  transformFrameIp(frame: VideoFilterFrame): void {
    middle(frame);
  }
}

class BenchAnalyzer extends GstVideoAnalyzer {
  static elementName = 'bench_ts_analyzer';
  static formats = BenchFilter.formats;
  analyzeFrame(frame: VideoFilterFrame): void {
    middle(frame);
  }
}

class BenchAsyncAnalyzer extends GstVideoAnalyzer {
  static elementName = 'bench_ts_async_analyzer';
  static formats = BenchFilter.formats;
  async analyzeFrame(frame: VideoFilterFrame): Promise<void> {
    await Promise.resolve();
    middle(frame);
  }
}

run(async () => {
  const isAsync = process.argv.includes('--async');
  const analyzer = isAsync || process.argv.includes('--analyzer');
  process.argv = process.argv.filter((arg) => arg !== '--analyzer' && arg !== '--async');
  const args = childArgs();
  const klass = isAsync ? BenchAsyncAnalyzer : analyzer ? BenchAnalyzer : BenchFilter;
  registerElement(klass);
  const element = klass.elementName;
  const clock = startClock();
  await using pipeline = new GstPipeline(pipelineOf(args, `${element} ! fakesink sync=false`)).startup();
  await pipeline.done;
  const { seconds, cpuSeconds } = stopClock(clock);
  report({
    impl: isAsync ? 'ts-async-analyzer' : analyzer ? 'ts-analyzer' : 'ts-element',
    sink: 'fakesink',
    args,
    frames,
    seconds,
    cpuSeconds,
    checksum,
    extra: { msPerFrame: Math.round((seconds / frames) * 1e6) / 1e3 },
  });
});
