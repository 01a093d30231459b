/**
 * An RTSP server fed from TypeScript: gstreamer-python's examples/run_rtsp.py. Frames come out
 * of one pipeline (GstVideoSource, looped when it ends), into the appsrc of the media that
 * gst-rtsp-server builds for its clients, as raw RTP video at rtsp://127.0.0.1:8554/stream.rtp.
 * --port is an addition (Python has no options). Needs gir1.2-gst-rtsp-server-1.0.
 *
 *   node scripts/run.js examples/run_rtsp.ts
 *   gst-launch-1.0 rtspsrc location=rtsp://127.0.0.1:8554/stream.rtp ! rtpvrawdepay ! videoconvert ! autovideosink
 */
import { Gst, GstApp, GstContext, GstVideoSource, gi, typedArrayToGstBuffer, toGstString } from 'gstreamer-ts';
import { commandLine, intOption } from './helpers/cli.ts';

const VIDEO_FORMAT = 'RGB';
const [WIDTH, HEIGHT] = [320, 240];

const args = commandLine(process.argv[1], 'Serves frames pushed from TypeScript over RTSP.', {
  port: { type: 'string', default: '8554', help: 'RTSP port to listen on' },
});
const PORT = intOption('port', args.port);

/**
 * The few members of GstRtspServer this file uses. node-gtk loads the namespace at run time;
 * the repository generates typings for the GStreamer core namespaces only, so `gi.require`
 * answers `unknown` here and this says what the objects are.
 */
interface RTSPMedia {
  getElement(): Gst.Bin;
}
interface RTSPMediaFactory {
  setLaunch(launch: string): void;
  setShared(shared: boolean): void;
  connect(signal: 'media-configure', callback: (media: RTSPMedia) => void): number;
}
interface RTSPServer {
  service: string;
  getMountPoints(): { addFactory(path: string, factory: RTSPMediaFactory): void };
  attach(context: null): number;
}
interface RtspServerNamespace {
  RTSPServer: new () => RTSPServer;
  RTSPMediaFactory: new () => RTSPMediaFactory;
}
const GstRtspServer = gi.require('GstRtspServer', '1.0') as RtspServerNamespace;

/** Sources feeding a media now: stopped on Ctrl-C (else they would loop on). */
const sources = new Set<BufferGeneratorFromPipeline>();

/** Frames out of a pipeline as Gst.Buffers (Python: GstBufferGeneratorFromPipeline), restarted at its end when `loop`. */
class BufferGeneratorFromPipeline {
  private pipeline: GstVideoSource | null = null;
  private numLoops = 0;
  private stopped = false;
  private readonly gstLaunch: string;
  private readonly loop: boolean;

  // plain fields, not parameter properties: Node's own TypeScript runs erasable syntax only
  constructor(gstLaunch: string, loop: boolean) {
    this.gstLaunch = gstLaunch;
    this.loop = loop;
  }

  startup(): void {
    sources.add(this);
    this.pipeline = new GstVideoSource(this.gstLaunch, { maxBuffersSize: 8 }).startup();
    this.numLoops += 1;
    console.log(`Starting ${this.numLoops} loop`);
  }

  shutdown(): void {
    sources.delete(this);
    this.stopped = true;
    this.pipeline?.[Symbol.dispose]();
  }

  /** The next buffer; null once stopped (or at the end, without `loop`). */
  async get(): Promise<Gst.Buffer | null> {
    while (!this.stopped && this.pipeline) {
      const frame = await this.pipeline.pop();
      if (frame) {
        const gstBuffer = typedArrayToGstBuffer(frame.data); // Gst.Buffer
        frame.release();
        return gstBuffer;
      }
      if (!this.loop || this.stopped) return null;
      await this.pipeline.shutdown(); // the stream ended: play it again
      this.startup();
    }
    return null;
  }
}

/** Python's RTSPMediaFactoryCustom.do_configure: feed the media's appsrc while it plays. */
function configure(media: RTSPMedia, makeSource: () => BufferGeneratorFromPipeline): void {
  const appsrc = media.getElement().getByName('source');
  if (!(appsrc instanceof GstApp.AppSrc)) return;

  const source = makeSource();
  source.startup();

  // this instructs appsrc that we will be dealing with timed buffers, stamped as they arrive
  appsrc.format = Gst.Format.TIME;
  appsrc.doTimestamp = true;
  // (Python sets block=True and pushes from "need-data": that would block Node's one thread.
  // Here the source pipeline plays at its frame rate and each frame is pushed as it comes.)
  appsrc.caps = Gst.Caps.fromString(`video/x-raw,format=${VIDEO_FORMAT},width=${WIDTH},height=${HEIGHT},framerate=30/1`);

  void (async () => {
    let played = false;
    for (let buffer = await source.get(); buffer; buffer = await source.get()) {
      // appsrc stamps a pushed buffer (do-timestamp) with the clock's time less its base time,
      // which is set only as the media goes to PLAYING: a buffer pushed before then is stamped
      // hours ahead, and the media's sink waits for that time, sending nothing. So frames are
      // pushed while the media plays, and dropped before (a live stream: clients see it from
      // when they play).
      const [, state] = appsrc.getState(0);
      if (state === Gst.State.PLAYING) played = true;
      else if (played && state === Gst.State.NULL)
        break; // the media was torn down: its clients left
      else continue;
      const retval = appsrc.pushBuffer(buffer);
      if (retval !== Gst.FlowReturn.OK) break; // the media stopped (flushing): its clients left
    }
    source.shutdown();
  })();
}

class GstServer {
  readonly server = new GstRtspServer.RTSPServer();

  constructor(shared = false) {
    this.server.service = String(PORT);
    const m = this.server.getMountPoints();

    // Buffers streaming from pipeline (Gst)
    const pipeline = toGstString([
      'videotestsrc num-buffers=1000',
      `video/x-raw,format=${VIDEO_FORMAT},width=${WIDTH},height=${HEIGHT},framerate=30/1`,
      'appsink emit-signals=True',
    ]);
    const generator = (): BufferGeneratorFromPipeline => new BufferGeneratorFromPipeline(pipeline, true);

    const mountPoint = '/stream.rtp';
    const factory = new GstRtspServer.RTSPMediaFactory();
    // Launch Raw Stream
    factory.setLaunch(
      toGstString(['appsrc name=source emit-signals=True is-live=True', 'queue max-size-buffers=8', 'rtpvrawpay name=pay0 pt=96']),
    );
    factory.setShared(shared);
    factory.connect('media-configure', (media) => configure(media, generator));
    m.addFactory(mountPoint, factory); // adding streams

    // attach to GLib's default context, which gstreamer-ts runs inside Node's loop
    if (this.server.attach(null) === 0) throw new Error(`cannot listen on port ${PORT}`);
    console.log(`rtsp://127.0.0.1:${this.server.service}${mountPoint}`);
  }
}

function main(): void {
  const context = new GstContext(); // Ctrl-C stops the pipelines cleanly
  void context;
  new GstServer(true);
  // while True: time.sleep(.1). The server's socket is a GLib source, which does not keep Node
  // alive: this timer does, until Ctrl-C.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      clearInterval(keepAlive);
      for (const source of sources) source.shutdown();
    });
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
