/**
 * The smallest useful element written in TypeScript, to copy from: gst-python-plugins'
 * gstplugin_py template. It shows the four property types and a frame function; what it does to
 * a frame is simple and visible: with `invert=true` it inverts every sample, and it can paint a
 * band of rows at `intProp` with the level `floatProp` (0..1) of white.
 * Headless by default: it runs a few frames of a test pattern and writes the last as a PNG.
 *
 *   node scripts/run.js examples/gstplugin_ts.ts                       # writes gstplugin_ts.png
 *   node scripts/run.js examples/gstplugin_ts.ts --no-invert --int-prop 100 --float-prop 0.2 --str-prop set
 *   node scripts/run.js examples/gstplugin_ts.ts --pipeline "videotestsrc ! videoconvert ! gstplugin_ts invert=true ! videoconvert ! autovideosink"
 */
import { GstContext, GstPipeline } from 'gstreamer-ts';
import { GstVideoFilter, registerElement, type VideoFilterFrame } from 'gstreamer-ts/element';
import { commandLine } from './helpers/cli.ts';

export class GstPluginTs extends GstVideoFilter {
  // The name in launch descriptions, and the formats both pads take.
  static elementName = 'gstplugin_ts';
  static formats = ['RGB', 'RGBx', 'BGRx', 'GRAY8'];
  // GObject properties: settable as `gstplugin_ts intProp=10`, and `this.intProp` in TypeScript.
  static properties = {
    intProp: { type: 'int', minimum: 0, maximum: 4096, default: 0, description: 'first row of the band (with band > 0)' },
    floatProp: { type: 'double', minimum: 0, maximum: 1, default: 1, description: 'band level, 0 (black) .. 1 (white)' },
    band: { type: 'int', minimum: 0, maximum: 4096, default: 0, description: 'rows in the band (0: no band)' },
    invert: { type: 'boolean', default: true, description: 'invert every sample' },
    strProp: { type: 'string', default: 'gstplugin_ts', description: 'printed with the first frame' },
  } as const;
  static metadata = { longName: 'TypeScript template element', klass: 'Filter/Effect/Video', description: 'a template to start from' };
  declare intProp: number;
  declare floatProp: number;
  declare band: number;
  declare invert: boolean;
  declare strProp: string | null;

  private frames = 0;

  transformFrameIp(frame: VideoFilterFrame): void {
    const { data, shape, strides } = frame;
    if (this.frames++ === 0) console.log(`${this.strProp}: first frame ${frame.format} [${shape.join(', ')}] at ${frame.pts} ns`);
    const [height, width] = shape;
    const rowLength = width * (shape[2] ?? 1);
    for (let y = 0; y < height; y++) {
      const row = data.subarray(y * strides[0], y * strides[0] + rowLength);
      if (this.band > 0 && y >= this.intProp && y < this.intProp + this.band) row.fill(Math.round(this.floatProp * 255));
      else if (this.invert) for (let i = 0; i < row.length; i++) row[i] = 255 - row[i];
    }
  }
}

const args = commandLine(
  process.argv[1],
  'Runs the template element written in TypeScript over a test pattern and writes the last frame as PNG.',
  {
    output: { type: 'string', short: 'o', default: 'gstplugin_ts.png', help: 'PNG to write' },
    'num-buffers': { type: 'string', short: 'n', default: '5', help: 'frames to run (the last is written)' },
    'no-invert': { type: 'boolean', help: 'do not invert' },
    'int-prop': { type: 'string', default: '0', help: 'first row of the band' },
    band: { type: 'string', default: '0', help: 'rows in the band (0: none)' },
    'float-prop': { type: 'string', default: '1', help: 'band level 0..1' },
    'str-prop': { type: 'string', default: 'gstplugin_ts', help: 'printed with the first frame' },
    pipeline: { type: 'string', short: 'p', help: 'run this launch description instead (it may use gstplugin_ts)' },
  },
);

async function main(): Promise<void> {
  const opts = args;
  registerElement(GstPluginTs);
  const element =
    `gstplugin_ts invert=${!opts['no-invert']} intProp=${Number(opts['int-prop'])} band=${Number(opts.band)} ` +
    `floatProp=${Number(opts['float-prop'])} strProp="${opts['str-prop']}"`;
  const n = Number(opts['num-buffers']);
  // videotestsrc's frames go through the element; pngenc writes each frame over the last one.
  const command =
    opts.pipeline ??
    `videotestsrc num-buffers=${n} pattern=smpte ! video/x-raw,format=RGB,width=320,height=240 ! ${element} ! videoconvert ! pngenc ! multifilesink location="${opts.output}"`;
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
