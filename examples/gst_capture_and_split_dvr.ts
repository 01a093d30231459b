/**
 * Record a capture into several whole video files, one after another (a DVR that splits its
 * recording): gstreamer-python's examples/gst_capture_and_split_dvr.py. Each file gets its
 * own recording pipeline, ended cleanly before the next starts, so each is complete and
 * playable on its own. Python writes H.264 in MP4 (x264enc, from Debian's plugins-ugly); this
 * writes VP8 in WebM (vp8enc from plugins-good): video_0.webm, video_1.webm.
 * -n and -f are additions (Python has no options).
 *
 *   node scripts/run.js examples/gst_capture_and_split_dvr.ts
 */
import { GstContext, GstVideoSink, GstVideoSource } from 'gstreamer-ts';
import { commandLine, intOption } from './helpers/cli.ts';

const [WIDTH, HEIGHT] = [640, 480];
const VIDEO_FORMAT = 'RGB';

const args = commandLine(process.argv[1], 'Captures frames and records them into several whole video files.', {
  num_buffers: { type: 'string', short: 'n', default: '1000', help: 'Num buffers to capture' },
  num_files: { type: 'string', short: 'f', default: '2', help: 'Num video files to split the recording into' },
});
const NUM_BUFFERS = intOption('num_buffers', args.num_buffers);
const NUM_VIDEO_FILES = Math.max(1, intOption('num_files', args.num_files));

// capturing pipeline
const capsFilter = `capsfilter caps=video/x-raw,format=${VIDEO_FORMAT},width=${WIDTH},height=${HEIGHT}`;
const captureCmd = `videotestsrc num-buffers=${NUM_BUFFERS} ! ${capsFilter} ! appsink emit-signals=True sync=false`;

// video record pipeline (Python: "... ! x264enc tune=zerolatency ! mp4mux ! filesink location={}")
const dvrCmd = (location: string): string =>
  `appsrc emit-signals=True is-live=True ! videoconvert ! vp8enc deadline=1 ! webmmux ! filesink location=${location}`;

const NUM_FRAMES_PER_VIDEO_FILE = Math.ceil(NUM_BUFFERS / NUM_VIDEO_FILES);

async function main(): Promise<void> {
  using context = new GstContext();
  void context;
  await using capture = new GstVideoSource(captureCmd).startup();

  let idxVideoFile = 0;
  let numRead = -1;
  let videoWriter: GstVideoSink | null = null;
  try {
    // while not capture.is_done or capture.queue_size > 0: buffer = capture.pop()
    for await (const buffer of capture) {
      // restart video_writer if necessary
      if (numRead === -1 || numRead >= NUM_FRAMES_PER_VIDEO_FILE) {
        numRead = 0;

        // shutdown previous video writer: end of stream, so the muxer finishes the file
        if (videoWriter) await videoWriter.shutdown();

        // initialize new one
        const location = `video_${idxVideoFile}.webm`;
        videoWriter = new GstVideoSink(dvrCmd(location), { width: WIDTH, height: HEIGHT, format: VIDEO_FORMAT }).startup();
        console.log(`recording ${location}`);
        idxVideoFile += 1;
      }

      numRead += 1;
      await videoWriter!.push(buffer.data); // typed array
      buffer.release();
    }
  } finally {
    if (videoWriter) await videoWriter.shutdown();
  }
  console.log(`recorded ${NUM_BUFFERS} frames into ${idxVideoFile} files`);
}

main().catch((error: unknown) => {
  console.error('Exception :', error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
