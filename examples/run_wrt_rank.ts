/**
 * Choose the decoder decodebin picks, by raising its rank: gstreamer-python's
 * examples/run_wrt_rank.py. Python's default reads a public RTSP camera and prefers
 * avdec_h264; headless and offline, the default decodes PNG frames and prefers gdkpixbufdec
 * (ranked below pngdec's primary: none in GStreamer 1.22, secondary in 1.26) over pngdec.
 *
 *   node scripts/run.js examples/run_wrt_rank.ts
 *   node scripts/run.js examples/run_wrt_rank.ts -d pngdec
 *   node scripts/run.js examples/run_wrt_rank.ts -p "rtspsrc location=rtsp://... ! decodebin ! videoconvert ! autovideosink" -d avdec_h264
 */
import { Gst, GstContext, GstPipeline } from 'gstreamer-ts';
import { commandLine } from './helpers/cli.ts';

const TARGET_PLUGIN_NAME = 'gdkpixbufdec'; // (Python: avdec_h264)
// (Python: "rtspsrc location=rtsp://freja.hiof.no:1935/... ! decodebin ! videoconvert ! gtksink")
const DEFAULT_PIPELINE = 'videotestsrc num-buffers=10 ! pngenc ! decodebin ! videoconvert ! fakesink';

const args = commandLine(process.argv[1], 'Raises the rank of a decoder so that decodebin picks it.', {
  pipeline: { type: 'string', short: 'p', default: DEFAULT_PIPELINE, help: 'Gstreamer pipeline without gst-launch' },
  decoder: { type: 'string', short: 'd', default: TARGET_PLUGIN_NAME, help: 'Specify plugin name (decoder) to use' },
});

const pipelineStr = args.pipeline;
const targetElementName = args.decoder;

/** Every element of a bin, in sub-bins too (Python: pipeline.iterate_recurse(); node-gtk cannot walk a Gst.Iterator). */
function iterateRecurse(bin: Gst.Bin): Gst.Element[] {
  const elements: Gst.Element[] = [];
  for (let i = 0; i < bin.getChildrenCount(); i++) {
    const child = bin.getChildByIndex(i);
    if (!(child instanceof Gst.Element)) continue;
    elements.push(child);
    if (child instanceof Gst.Bin) elements.push(...iterateRecurse(child));
  }
  return elements;
}

async function main(): Promise<void> {
  // Filter target elements with Gst.ELEMENT_FACTORY_TYPE_*
  let filt = Gst.ELEMENT_FACTORY_TYPE_DECODER; // only decoders
  filt |= Gst.ELEMENT_FACTORY_TYPE_MEDIA_VIDEO; // only for video

  // list all elements by filter: Gst.ElementFactory[]
  let factories = Gst.ElementFactory.listGetElements(filt, Gst.Rank.MARGINAL);

  // get target: Gst.ElementFactory
  const targetElement = Gst.ElementFactory.find(targetElementName);
  if (!targetElement) throw new Error(`no element "${targetElementName}" on this machine`);

  // factory object extends Gst.PluginFeature with getName(), getRank()
  // sort by plugin rank in descending order
  factories = [...factories].sort((a, b) => b.getRank() - a.getRank());

  // get max rank element
  const maxRankElement = factories[0];
  if (maxRankElement.getName() !== targetElementName) {
    console.log('--- Before ---');
    console.log(`Max rank plugin: ${maxRankElement.getName()} ( ${maxRankElement.getRank()} )`);
    console.log(`Rank of target plugin: ${targetElement.getName()} ( ${targetElement.getRank()} )`);
    console.log('--- After ---');
  }

  // Increase target's element rank
  targetElement.setRank(maxRankElement.getRank() + 1);
  console.log(`Rank of target plugin: ${targetElement.getName()} ( ${targetElement.getRank()} )`);

  using context = new GstContext();
  void context;
  // decodebin adds its decoder while playing and removes it when stopped: note each element
  // as it joins (Python walks the pipeline at the end instead)
  const added: string[] = [];
  const p = new GstPipeline(pipelineStr, {
    beforePlaying(self) {
      self.pipeline.connect('deep-element-added', (_bin: Gst.Bin, element: Gst.Element) => {
        added.push(element.getFactory()?.getName() ?? '?');
      });
    },
  }).startup();
  try {
    await p.done; // while not p.is_done: time.sleep(1)
  } finally {
    // print all elements and notify of target plugin presence
    const elements = [...new Set([...iterateRecurse(p.pipeline).map((el) => el.getFactory()?.getName() ?? '?'), ...added])];
    console.log(`All elements:  [${elements.map((name) => `'${name}'`).join(', ')}]`);
    console.log(`Target element (${targetElementName}) is ${elements.includes(targetElementName) ? 'present' : 'missing'}`);
    await p.shutdown();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
