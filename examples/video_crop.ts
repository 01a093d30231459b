/**
 * A video crop written in TypeScript as a GStreamer element whose output is smaller than its
 * input: the TypeScript side of gst-python-plugins' gstvideocrop. `left`, `right`, `top` and
 * `bottom` are GObject properties; the output size follows from them when caps are negotiated.
 * Headless by default: it crops one frame of a test pattern and writes it as a PNG.
 *
 *   node scripts/run.js examples/video_crop.ts                          # writes video_crop.png
 *   node scripts/run.js examples/video_crop.ts --left 10 --top 20 --right 30 --bottom 40 -o out.png
 *   node scripts/run.js examples/video_crop.ts --pipeline "videotestsrc ! videoconvert ! video_crop left=10 top=20 ! videoconvert ! autovideosink"
 */
import { GstContext, GstPipeline } from 'gstreamer-ts';
import { GstVideoTransform, registerElement, type VideoFilterFrame } from 'gstreamer-ts/element';
import { commandLine } from './helpers/cli.ts';

const side = (description: string) => ({ type: 'int', minimum: 0, maximum: 65535, default: 0, description }) as const;

export class VideoCrop extends GstVideoTransform {
  static elementName = 'video_crop';
  static formats = ['RGB', 'BGR', 'RGBx', 'BGRx', 'xRGB', 'xBGR', 'RGBA', 'BGRA', 'ARGB', 'ABGR', 'GRAY8', 'GRAY16_LE', 'GRAY16_BE'];
  static properties = {
    left: side('pixels to cut from the left'),
    right: side('pixels to cut from the right'),
    top: side('rows to cut from the top'),
    bottom: side('rows to cut from the bottom'),
  } as const;
  static metadata = { longName: 'Video crop', klass: 'Filter/Effect/Video', description: 'crops frames, written in TypeScript' };
  declare left: number;
  declare right: number;
  declare top: number;
  declare bottom: number;

  outputSize(width: number, height: number): [number, number] {
    const w = width - this.left - this.right;
    const h = height - this.top - this.bottom;
    if (w < 1 || h < 1)
      throw new RangeError(`cropping ${this.left}+${this.right} x ${this.top}+${this.bottom} leaves nothing of ${width}x${height}`);
    return [w, h];
  }

  transformFrame(input: VideoFilterFrame, output: VideoFilterFrame): void {
    const channels = output.shape[2] ?? 1;
    const rowLength = output.width * channels;
    const from = this.left * channels;
    for (let y = 0; y < output.height; y++) {
      const start = (y + this.top) * input.strides[0] + from;
      output.data.set(input.data.subarray(start, start + rowLength), y * output.strides[0]);
    }
  }
}

const args = commandLine(
  process.argv[1],
  'Crops one frame of a test pattern with a video_crop element written in TypeScript and writes it as PNG.',
  {
    output: { type: 'string', short: 'o', default: 'video_crop.png', help: 'PNG to write' },
    left: { type: 'string', default: '40', help: 'pixels cut on the left' },
    right: { type: 'string', default: '0', help: 'pixels cut on the right' },
    top: { type: 'string', default: '0', help: 'rows cut at the top' },
    bottom: { type: 'string', default: '0', help: 'rows cut at the bottom' },
    width: { type: 'string', default: '320', help: 'input frame width' },
    height: { type: 'string', default: '240', help: 'input frame height' },
    pattern: { type: 'string', default: 'smpte', help: 'videotestsrc pattern' },
    pipeline: { type: 'string', short: 'p', help: 'run this launch description instead (it may use video_crop)' },
  },
);

async function main(): Promise<void> {
  const opts = args;
  registerElement(VideoCrop);
  const crop = `video_crop left=${Number(opts.left)} right=${Number(opts.right)} top=${Number(opts.top)} bottom=${Number(opts.bottom)}`;
  const command =
    opts.pipeline ??
    `videotestsrc num-buffers=1 pattern=${opts.pattern} ! video/x-raw,format=RGB,width=${Number(opts.width)},height=${Number(opts.height)} ` +
      `! ${crop} ! videoconvert ! pngenc ! filesink location="${opts.output}"`;
  using context = new GstContext();
  void context;
  await using pipeline = new GstPipeline(command).startup();
  await pipeline.done;
  if (!opts.pipeline) console.log(`wrote ${opts.output}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
