/**
 * A Gaussian blur written in TypeScript as a GStreamer element, used by name in a launch
 * description: the TypeScript side of gst-python-plugins' gaussian_blur (which calls OpenCV).
 * Kernel size and sigmas are GObject properties, settable in the description.
 * Headless by default: it blurs one frame of a test pattern and writes it as a PNG.
 *
 *   node scripts/run.js examples/gaussian_blur.ts                      # writes gaussian_blur.png
 *   node scripts/run.js examples/gaussian_blur.ts --kernel 15 --sigma-x 4 --pattern smpte -o out.png
 *   node scripts/run.js examples/gaussian_blur.ts --pipeline "videotestsrc ! gaussian_blur kernel=9 sigmaX=5 ! videoconvert ! autovideosink"
 */
import { GstContext, GstPipeline } from 'gstreamer-ts';
import { GstVideoFilter, registerElement, type VideoFilterFrame } from 'gstreamer-ts/element';
import { commandLine } from './helpers/cli.ts';

/**
 * Weights of a 1-D Gaussian of `size` taps (odd), summing to 1. A sigma of 0 or less picks one
 * from the size as OpenCV's getGaussianKernel does.
 */
export function gaussianKernel(size: number, sigma: number): Float32Array {
  const s = sigma > 0 ? sigma : 0.3 * ((size - 1) * 0.5 - 1) + 0.8;
  const half = (size - 1) / 2;
  const weights = new Float32Array(size);
  let sum = 0;
  for (let i = 0; i < size; i++) sum += weights[i] = Math.exp(-((i - half) ** 2) / (2 * s * s));
  for (let i = 0; i < size; i++) weights[i] /= sum;
  return weights;
}

/**
 * The blur, separable: rows first into a float scratch image, then columns back into the frame.
 * Edges repeat the border sample. Works on any packed 8-bit format (RGB, BGRx, GRAY8...).
 */
export class GaussianBlur extends GstVideoFilter {
  static elementName = 'gaussian_blur';
  static formats = ['RGB', 'BGR', 'RGBx', 'BGRx', 'RGBA', 'BGRA', 'GRAY8'];
  static properties = {
    kernel: { type: 'int', minimum: 1, maximum: 99, default: 9, description: 'kernel size (odd; an even size is made odd)' },
    sigmaX: { type: 'double', minimum: 0, maximum: 100, default: 5, description: 'horizontal sigma (0: from the kernel size)' },
    sigmaY: { type: 'double', minimum: 0, maximum: 100, default: 5, description: 'vertical sigma (0: from the kernel size)' },
  } as const;
  static metadata = { longName: 'Gaussian blur', klass: 'Filter/Effect/Video', description: 'Gaussian blur, written in TypeScript' };
  declare kernel: number;
  declare sigmaX: number;
  declare sigmaY: number;

  private scratch = new Float32Array(0);

  transformFrameIp({ data, shape, strides }: VideoFilterFrame): void {
    const [height, width] = shape;
    const channels = shape[2] ?? 1;
    const rowStride = strides[0];
    const size = this.kernel | 1;
    const kx = gaussianKernel(size, this.sigmaX);
    const ky = gaussianKernel(size, this.sigmaY);
    const half = size >> 1;
    const rowLength = width * channels;
    if (this.scratch.length < height * rowLength) this.scratch = new Float32Array(height * rowLength);
    const tmp = this.scratch;
    for (let y = 0; y < height; y++) {
      const row = y * rowStride;
      for (let x = 0; x < width; x++)
        for (let c = 0; c < channels; c++) {
          let acc = 0;
          for (let k = -half; k <= half; k++) {
            const xx = Math.min(width - 1, Math.max(0, x + k));
            acc += kx[k + half] * data[row + xx * channels + c];
          }
          tmp[y * rowLength + x * channels + c] = acc;
        }
    }
    for (let y = 0; y < height; y++)
      for (let i = 0; i < rowLength; i++) {
        let acc = 0;
        for (let k = -half; k <= half; k++) {
          const yy = Math.min(height - 1, Math.max(0, y + k));
          acc += ky[k + half] * tmp[yy * rowLength + i];
        }
        data[y * rowStride + i] = Math.round(acc);
      }
  }
}

const args = commandLine(
  process.argv[1],
  'Blurs one frame of a test pattern with a Gaussian blur element written in TypeScript and writes it as PNG.',
  {
    output: { type: 'string', short: 'o', default: 'gaussian_blur.png', help: 'PNG to write' },
    kernel: { type: 'string', short: 'k', default: '9', help: 'kernel size, odd' },
    'sigma-x': { type: 'string', default: '5', help: 'horizontal sigma' },
    'sigma-y': { type: 'string', default: '5', help: 'vertical sigma' },
    width: { type: 'string', default: '640', help: 'frame width' },
    height: { type: 'string', default: '480', help: 'frame height' },
    pattern: { type: 'string', default: 'smpte', help: 'videotestsrc pattern' },
    pipeline: { type: 'string', short: 'p', help: 'run this launch description instead (it may use gaussian_blur)' },
  },
);

/** A number option, or exit 2 naming it (as argparse's type=float does). */
function number(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n)) {
    process.stderr.write(`gaussian_blur.ts: error: argument --${name}: invalid number: '${text}'\n`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const opts = {
    output: args.output,
    kernel: number('kernel', args.kernel),
    sigmaX: number('sigma-x', args['sigma-x']),
    sigmaY: number('sigma-y', args['sigma-y']),
    width: number('width', args.width),
    height: number('height', args.height),
    pattern: args.pattern,
    pipeline: args.pipeline,
  };
  registerElement(GaussianBlur);
  const command =
    opts.pipeline ??
    `videotestsrc num-buffers=1 pattern=${opts.pattern} ! video/x-raw,format=RGB,width=${opts.width},height=${opts.height} ` +
      `! gaussian_blur kernel=${opts.kernel} sigmaX=${opts.sigmaX} sigmaY=${opts.sigmaY} ! videoconvert ! pngenc ! filesink location="${opts.output}"`;
  using context = new GstContext();
  void context;
  await using pipeline = new GstPipeline(command).startup();
  await pipeline.done;
  if (!opts.pipeline) console.log(`wrote ${opts.output} (kernel ${opts.kernel | 1}, sigma ${opts.sigmaX} x ${opts.sigmaY})`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
