/**
 * Pictures of any pipeline: its first frame as a PNG, or a contact sheet of several frames
 * (savePng and contactSheet from src/pictures.ts). Not in gstreamer-python: the headless way to
 * see what a pipeline produces.
 *
 *   node scripts/run.js examples/gst_snapshot.ts -p "videotestsrc pattern=ball" -o ball.png
 *   node scripts/run.js examples/gst_snapshot.ts -p "videotestsrc pattern=ball" -n 12 -c 4 -e 5 -o sheet.png
 *   node scripts/run.js examples/gst_snapshot.ts -p "filesrc location=clip.webm ! decodebin" -n 16 -e 30 -o clip.png
 */
import { contactSheet, savePng } from 'gstreamer-ts';
import { commandLine, intOption } from './helpers/cli.ts';

const args = commandLine(process.argv[1], 'Saves the first frame of a pipeline, or a contact sheet of its frames, as PNG.', {
  pipeline: {
    type: 'string',
    short: 'p',
    default: 'videotestsrc pattern=ball',
    help: 'Gstreamer pipeline that produces video, without a sink',
  },
  output: { type: 'string', short: 'o', default: 'snapshot.png', help: 'PNG file to write' },
  num_frames: { type: 'string', short: 'n', default: '1', help: 'frames on the picture (more than 1: a contact sheet)' },
  columns: { type: 'string', short: 'c', help: 'tiles per row of the contact sheet (default: about the square root of the count)' },
  every: { type: 'string', short: 'e', default: '1', help: 'take one frame in this many' },
  tile_width: { type: 'string', short: 'w', default: '160', help: 'width of a tile of the contact sheet' },
});

async function main(): Promise<void> {
  const count = intOption('num_frames', args.num_frames);
  if (count <= 1) {
    await savePng(args.pipeline, args.output);
    console.log(`wrote ${args.output}`);
    return;
  }
  const sheet = await contactSheet(args.pipeline, {
    count,
    columns: args.columns === undefined ? undefined : intOption('columns', args.columns),
    every: intOption('every', args.every),
    tileWidth: intOption('tile_width', args.tile_width),
    path: args.output,
  });
  console.log(`wrote ${args.output}: ${sheet.frames} frames, ${sheet.width}x${sheet.height}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
