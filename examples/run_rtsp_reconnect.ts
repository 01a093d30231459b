/**
 * Reading a camera that comes and goes: the reconnect pattern of docs/sources.md. A GstVideoSource
 * reads an RTSP stream; when its source is lost (a GstSourceLostError: nothing came for --timeout
 * ms, as from a camera without power or network) or the connection fails (a GstPipelineError:
 * the server died or refuses), it waits and opens the stream again, from 250 ms up to
 * --max-backoff ms between tries while the camera stays away. Ctrl-C ends it.
 *
 *   node scripts/run.js examples/run_rtsp.ts &                # a server at rtsp://127.0.0.1:8554/stream.rtp
 *   node scripts/run.js examples/run_rtsp_reconnect.ts        # then stop the server (kill -STOP, kill) and start it again
 */
import { GstPipelineError, GstSourceLostError, GstVideoSource, type VideoFrame } from 'gstreamer-ts';
import { commandLine, intOption } from './helpers/cli.ts';

const args = commandLine(process.argv[1], 'Reads an RTSP stream, and opens it again whenever its source goes away.', {
  url: { type: 'string', default: 'rtsp://127.0.0.1:8554/stream.rtp', help: 'RTSP stream to read' },
  timeout: { type: 'string', default: '10000', help: 'ms without data after which the source is lost (sourceTimeoutMs)' },
  'max-backoff': { type: 'string', default: '5000', help: 'most ms between two tries while the source stays away' },
});
const URL = args.url;
const SOURCE_TIMEOUT_MS = intOption('timeout', args.timeout);
const MAX_BACKOFF_MS = intOption('max-backoff', args['max-backoff']);
const MIN_BACKOFF_MS = Math.min(250, MAX_BACKOFF_MS);

let stopping = false;
/** the source being read, shut down on Ctrl-C */
let current: GstVideoSource | null = null;
/** ends the wait between two tries early, on Ctrl-C */
let wake: (() => void) | null = null;

/** What the application does with a frame (here: prints the first one of each connection). */
function process_(frame: VideoFrame, count: number): void {
  if (count === 1) console.log(`receiving ${frame.width}x${frame.height} ${frame.format} from ${URL}`);
}

/** Reads the stream until it ends or fails; how many frames came, and the error that ended it, if any. */
async function readStream(): Promise<{ frames: number; error: unknown }> {
  // leaky: a live camera's newest frames matter; a slow reader drops the old ones instead of holding the camera back
  const source = new GstVideoSource(
    `rtspsrc location=${URL} latency=0 ! rtpvrawdepay ! videoconvert ! video/x-raw,format=RGB ! appsink sync=false`,
    { sourceTimeoutMs: SOURCE_TIMEOUT_MS, leaky: true, maxBuffersSize: 4 },
  );
  current = source;
  let frames = 0;
  try {
    source.startup();
    for await (const frame of source) {
      process_(frame, ++frames);
      frame.release();
    }
    return { frames, error: null };
  } catch (error) {
    return { frames, error };
  } finally {
    current = null;
    await source.shutdown();
  }
}

async function main(): Promise<void> {
  let backoffMs = MIN_BACKOFF_MS;
  while (!stopping) {
    const { frames, error } = await readStream();
    if (stopping) break;
    // Anything but a pipeline's error is a bug in this program: let it end the program.
    if (error && !(error instanceof GstPipelineError)) throw error;
    if (error instanceof GstSourceLostError)
      console.log(`lost after ${frames} frames (${Math.round(error.silentMs)} ms silent): ${error.message}`);
    else if (error instanceof GstPipelineError) console.log(`failed after ${frames} frames: ${error.message}`);
    else console.log(`the stream ended after ${frames} frames`);
    if (frames > 0) backoffMs = MIN_BACKOFF_MS; // it worked a while: try again soon
    console.log(`reconnecting in ${backoffMs} ms`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, backoffMs);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    wake = null;
    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
  }
}

process.once('SIGINT', () => {
  stopping = true;
  process.exitCode = 130;
  void current?.shutdown();
  wake?.();
});

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
