/**
 * The hostile-input cases (not a suite). test/hostile.test.ts runs each in
 * its own child process (test/helpers/hostile-child.ts) and checks what the child reports: the
 * error's class and message, that the process stayed alive, that no pipeline is left playing
 * and that the file descriptors came back to where they were.
 *
 * A case's `run` throws or rejects with the error under test, or returns a string (`result`)
 * when the input is one that must be accepted and turned into something right.
 */
import {
  fractionToStr,
  getNumChannels,
  GLib,
  Gst,
  GstApp,
  gstBufferToTypedArray,
  gstBufferView,
  gstBufferWithCapsToTypedArray,
  gstBufferWithPadToTypedArray,
  GstPipeline,
  GstVideoSink,
  GstVideoSource,
  mapGstBuffer,
  toFraction,
  typedArrayToGstBuffer,
} from '../../src';

export interface HostileCase {
  name: string;
  run: () => unknown;
  /** the error's `name` (TypeError, RangeError, GstParseError...), or 'none' for accepted input */
  error: string;
  /** what the message (or, for 'none', the returned string) must match */
  message: RegExp;
  /** the GstPipelineError must carry the user's error as `cause` */
  cause?: boolean;
}

const LIVE = 'videotestsrc is-live=true ! video/x-raw,width=16,height=16 ! fakesink';
const SHORT = 'videotestsrc num-buffers=5 ! video/x-raw,width=16,height=16 ! fakesink';
const SINK = { width: 16, height: 16, format: 'RGB' };
const FRAME = 16 * 16 * 3;

function caps(text: string): Gst.Caps {
  const parsed = Gst.Caps.fromString(text);
  if (!parsed) throw new Error(`bad caps in a case: ${text}`);
  return parsed;
}

/** A pipeline whose element `name` gets `attach(element, pipeline)` before PLAYING; resolves with done. */
async function withElement(command: string, name: string, attach: (element: Gst.Element, pipeline: GstPipeline) => void): Promise<void> {
  const pipeline = new GstPipeline(command, { beforePlaying: (p) => attach(p.getByName(name)!, p) });
  await pipeline.startup().done;
}

const HANDOFF = 'videotestsrc num-buffers=20 ! video/x-raw,width=16,height=16 ! identity name=i signal-handoffs=true ! fakesink';

async function playingSink(): Promise<GstVideoSink> {
  return new GstVideoSink('appsrc ! fakesink', SINK).startup();
}

async function pushWith(options: object): Promise<void> {
  const sink = await playingSink();
  try {
    await sink.push(new Uint8Array(FRAME), options);
  } finally {
    await sink.shutdown();
  }
}

async function pushFrame(frame: unknown, format = 'RGB'): Promise<void> {
  const sink = new GstVideoSink('appsrc ! fakesink', { ...SINK, format }).startup();
  try {
    await sink.push(frame as Uint8Array);
  } finally {
    await sink.shutdown();
  }
}

function rgbBuffer(bytes: number): Gst.Buffer {
  return typedArrayToGstBuffer(new Uint8Array(bytes));
}

class ThrowingEos extends GstPipeline {
  protected override onEos(): void {
    throw new Error('onEos broke');
  }
}

class ThrowingStopped extends GstPipeline {
  protected override onStopped(): void {
    throw new Error('onStopped broke');
  }
}

/** Posts a WARNING from the pipeline's fakesink once it plays. */
async function warnWith(onWarning: () => void): Promise<void> {
  const pipeline = new GstPipeline('videotestsrc is-live=true ! fakesink name=f', { onWarning }).startup();
  const error = GLib.Error.newLiteral(GLib.quarkFromString('hostile'), 1, 'a test warning');
  pipeline.getByName('f')!.postMessage(Gst.Message.newWarning(pipeline.getByName('f')!, error, 'debug'));
  try {
    await pipeline.done;
  } finally {
    await pipeline.shutdown();
  }
}

export const cases: HostileCase[] = [
  // GstPipeline: what it is built from
  {
    name: 'command undefined',
    run: () => new GstPipeline(undefined as unknown as string),
    error: 'TypeError',
    message: /command must be a gst-launch description or a Gst.Element, got undefined/,
  },
  { name: 'command null', run: () => new GstPipeline(null as unknown as string), error: 'TypeError', message: /got null/ },
  { name: 'command a number', run: () => new GstPipeline(42 as unknown as string), error: 'TypeError', message: /got 42/ },
  { name: 'command a plain object', run: () => new GstPipeline({} as unknown as string), error: 'TypeError', message: /got Object/ },
  {
    name: 'command a Gst.Caps',
    run: () => new GstPipeline(caps('video/x-raw') as unknown as string),
    error: 'TypeError',
    message: /Gst.Element/,
  },
  { name: 'empty description', run: () => new GstPipeline(''), error: 'GstParseError', message: /empty pipeline/ },
  {
    name: 'NUL in a description',
    run: () => new GstPipeline('videotestsrc ! fakesink\0 ! x264enc'),
    error: 'GstParseError',
    message: /NUL character at index 23/,
  },
  {
    name: '1 MB description: the message stays short',
    run: () => new GstPipeline(`nosuch ${'x'.repeat(1 << 20)}`),
    error: 'GstParseError',
    message: /^.{0,2000}$/s,
  },
  {
    name: 'missing x264enc names gstreamer1.0-plugins-ugly',
    run: () => new GstPipeline('videotestsrc ! x264enc ! fakesink'),
    error: 'GstParseError',
    message: /gstreamer1\.0-plugins-ugly/,
  },
  {
    name: 'missing avdec_h264 names gstreamer1.0-libav',
    run: () => new GstPipeline('fakesrc ! avdec_h264 ! fakesink'),
    error: 'GstParseError',
    message: /gstreamer1\.0-libav/,
  },
  {
    name: 'unknown element points at gst-inspect-1.0',
    run: () => new GstPipeline('videotestsrc ! nosuchelement ! fakesink'),
    error: 'GstParseError',
    message: /no element "nosuchelement".*gst-inspect-1\.0/i,
  },
  { name: 'syntax error', run: () => new GstPipeline('videotestsrc ! ! fakesink'), error: 'GstParseError', message: /syntax error/ },
  {
    name: 'unknown property',
    run: () => new GstPipeline('videotestsrc nosuchprop=1 ! fakesink'),
    error: 'GstParseError',
    message: /no property "nosuchprop"/,
  },
  {
    name: 'caps that cannot link',
    run: () => new GstPipeline('videotestsrc ! video/x-raw,width=abc ! fakesink'),
    error: 'GstParseError',
    message: /could not link/,
  },
  {
    name: 'options null',
    run: () => new GstPipeline(SHORT, null as unknown as object),
    error: 'TypeError',
    message: /options must be an object, got null/,
  },
  {
    name: 'options a string',
    run: () => new GstPipeline(SHORT, 'fast' as unknown as object),
    error: 'TypeError',
    message: /options must be an object/,
  },
  {
    name: 'beforePlaying not a function',
    run: () => new GstPipeline(SHORT, { beforePlaying: 5 as unknown as () => void }),
    error: 'TypeError',
    message: /options\.beforePlaying must be a function, got 5/,
  },
  {
    name: 'onWarning not a function',
    run: () => new GstPipeline(SHORT, { onWarning: 'x' as unknown as () => void }),
    error: 'TypeError',
    message: /options\.onWarning must be a function/,
  },
  {
    name: 'an element inside another bin',
    run: () => {
      const bin = Gst.parseLaunch('fakesrc ! fakesink name=inner') as Gst.Bin;
      return new GstPipeline(bin.getByName('inner')!);
    },
    error: 'TypeError',
    message: /inside .* already/,
  },
  {
    name: 'a built pipeline is described by its elements',
    run: () => {
      const pipeline = new Gst.Pipeline();
      const src = Gst.ElementFactory.make('videotestsrc', null)!;
      const sink = Gst.ElementFactory.make('fakesink', 'out')!;
      pipeline.add(src);
      pipeline.add(sink);
      src.link(sink);
      return new GstPipeline(pipeline).command;
    },
    error: 'none',
    message: /^videotestsrc ! fakesink name=out$/,
  },

  // GstPipeline: calls in the wrong state, bad arguments
  {
    name: 'startup after shutdown',
    run: async () => {
      const pipeline = new GstPipeline(LIVE).startup();
      await pipeline.shutdown();
      pipeline.startup();
    },
    error: 'GstStateError',
    message: /has ended.*create a new one/,
  },
  {
    name: 'startup after end of stream',
    run: async () => {
      const pipeline = new GstPipeline(SHORT).startup();
      await pipeline.done;
      pipeline.startup();
    },
    error: 'GstStateError',
    message: /cannot start GstPipeline/,
  },
  {
    name: 'shutdown(-1)',
    run: () => new GstPipeline(SHORT).shutdown(-1),
    error: 'RangeError',
    message: /shutdown\(timeoutMs\) must be between 0 and \d+ ms, got -1/,
  },
  { name: 'shutdown(NaN)', run: () => new GstPipeline(SHORT).shutdown(NaN), error: 'RangeError', message: /got NaN/ },
  { name: 'shutdown(Infinity)', run: () => new GstPipeline(SHORT).shutdown(Infinity), error: 'RangeError', message: /got Infinity/ },
  {
    name: "shutdown('1000')",
    run: () => new GstPipeline(SHORT).shutdown('1000' as unknown as number),
    error: 'TypeError',
    message: /must be a number of milliseconds, got "1000"/,
  },
  {
    name: 'shutdown twice gives one promise',
    run: async () => {
      const pipeline = new GstPipeline(LIVE).startup();
      const first = pipeline.shutdown();
      const same = first === pipeline.shutdown();
      await pipeline.shutdown();
      return `same: ${same}`;
    },
    error: 'none',
    message: /same: true/,
  },
  {
    name: 'filesrc of a missing file names the path',
    run: () => new GstPipeline('filesrc location=/nope/missing.webm ! fakesink').startup().done,
    error: 'GstPipelineError',
    message: /"\/nope\/missing\.webm"/,
  },
  {
    name: 'caps that cannot negotiate',
    run: () => new GstPipeline('videotestsrc ! video/x-raw,format=RGB ! videoconvert ! video/x-raw,format=NOPE ! fakesink').startup().done,
    error: 'GstParseError',
    message: /could not link|NOPE/,
  },
  {
    name: 'getByCls(undefined)',
    run: () => new GstPipeline(SHORT).getByCls(undefined as unknown as typeof GstApp.AppSink),
    error: 'TypeError',
    message: /cls must be a class of elements such as GstApp\.AppSink, got undefined/,
  },
  {
    name: 'getByCls(42)',
    run: () => new GstPipeline(SHORT).getByCls(42 as unknown as typeof GstApp.AppSink),
    error: 'TypeError',
    message: /got 42/,
  },
  {
    name: 'getOneByCls with none',
    run: () => new GstPipeline(SHORT).getOneByCls(GstApp.AppSink),
    error: 'GstElementNotFoundError',
    message: /expected one GstAppSink.*found none/,
  },
  {
    name: 'getByName(42)',
    run: () => new GstPipeline(SHORT).getByName(42 as unknown as string),
    error: 'TypeError',
    message: /name must be a string, got 42/,
  },
  {
    name: 'getByName with a class it is not',
    run: () => new GstPipeline('videotestsrc name=v ! fakesink').getByName('v', GstApp.AppSink),
    error: 'TypeError',
    message: /is a .*not a GstAppSink/,
  },

  // user callbacks: a throw or a rejection fails the pipeline, never the process
  {
    name: 'handoff handler throws',
    run: () =>
      withElement(HANDOFF, 'i', (e) =>
        e.connect('handoff', () => {
          throw new Error('handoff broke');
        }),
      ),
    error: 'GstPipelineError',
    message: /'handoff' handler threw: handoff broke/,
    cause: true,
  },
  {
    name: 'async handoff handler rejects',
    run: () =>
      withElement(HANDOFF, 'i', (e) =>
        e.connect('handoff', async () => {
          throw new Error('async handoff broke');
        }),
      ),
    error: 'GstPipelineError',
    message: /'handoff' handler rejected: async handoff broke/,
    cause: true,
  },
  {
    name: 'handoff handler throws a string',
    run: () =>
      withElement(HANDOFF, 'i', (e) =>
        e.connect('handoff', () => {
          throw 'just a string';
        }),
      ),
    error: 'GstPipelineError',
    message: /just a string/,
    cause: true,
  },
  {
    name: 'handoff handler throws a 1 MB message: bounded',
    run: () =>
      withElement(HANDOFF, 'i', (e) =>
        e.connect('handoff', () => {
          throw new Error('y'.repeat(1 << 20));
        }),
      ),
    error: 'GstPipelineError',
    message: /^.{0,1200}$/s,
    cause: true,
  },
  {
    name: 'pad probe throws',
    run: () =>
      withElement(HANDOFF, 'i', (e) =>
        e.getStaticPad('src')!.addProbe(Gst.PadProbeType.BUFFER, () => {
          throw new Error('probe broke');
        }),
      ),
    error: 'GstPipelineError',
    message: /'pad probe' handler threw: probe broke/,
    cause: true,
  },
  {
    name: 'async pad probe rejects',
    run: () =>
      withElement(HANDOFF, 'i', (e) =>
        e.getStaticPad('src')!.addProbe(Gst.PadProbeType.BUFFER, (async () => {
          throw new Error('async probe broke');
        }) as unknown as () => Gst.PadProbeReturn),
      ),
    error: 'GstPipelineError',
    message: /rejected: async probe broke/,
    cause: true,
  },
  {
    name: 'bus handler throws',
    run: () =>
      withElement(SHORT.replace('fakesink', 'fakesink name=s'), 's', (_, p) =>
        p.bus.connect('message::state-changed', () => {
          throw new Error('bus handler broke');
        }),
      ),
    error: 'GstPipelineError',
    message: /bus handler broke/,
    cause: true,
  },
  {
    name: 'connect with a handler that is not a function',
    run: () => new GstPipeline(HANDOFF).getByName('i')!.connect('handoff', 5 as unknown as () => void),
    error: 'TypeError',
    message: /handler must be a function, got 5/,
  },
  {
    name: 'connect with a signal that is not a string',
    run: () => new GstPipeline(HANDOFF).getByName('i')!.connect(5 as unknown as 'handoff', () => undefined),
    error: 'TypeError',
    message: /signal must be a string/,
  },
  {
    name: 'connect to a signal the element lacks',
    run: () => new GstPipeline(HANDOFF).getByName('i')!.connect('no-such-signal', () => undefined),
    error: 'TypeError',
    message: /Signal name is invalid/,
  },
  {
    name: 'addProbe with null',
    run: () =>
      new GstPipeline(HANDOFF)
        .getByName('i')!
        .getStaticPad('src')!
        .addProbe(Gst.PadProbeType.BUFFER, null as unknown as () => Gst.PadProbeReturn),
    error: 'TypeError',
    message: /callback must be a function, got null/,
  },
  {
    name: 'beforePlaying throws: startup throws it, done rejects with it as cause',
    run: async () => {
      const pipeline = new GstPipeline(SHORT, {
        beforePlaying: () => {
          throw new Error('setup broke');
        },
      });
      try {
        pipeline.startup();
      } catch {
        // the user's own error; done tells the rest
      }
      await pipeline.done;
    },
    error: 'GstPipelineError',
    message: /setting up before PLAYING failed: setup broke/,
    cause: true,
  },
  {
    name: 'async beforePlaying rejects',
    run: () =>
      new GstPipeline(SHORT, {
        beforePlaying: async () => {
          throw new Error('async setup broke');
        },
      }).startup().done,
    error: 'GstPipelineError',
    message: /setting up before PLAYING failed: async setup broke/,
    cause: true,
  },
  {
    name: 'async beforePlaying is awaited before PLAYING',
    run: async () => {
      let set = false;
      const pipeline = new GstPipeline(SHORT, {
        beforePlaying: async () => {
          await new Promise((r) => setTimeout(r, 20));
          set = true;
        },
      }).startup();
      await pipeline.done;
      return `set before the end: ${set}`;
    },
    error: 'none',
    message: /set before the end: true/,
  },
  {
    name: 'onWarning throws',
    run: () =>
      warnWith(() => {
        throw new Error('warning handler broke');
      }),
    error: 'GstPipelineError',
    message: /onWarning threw: warning handler broke/,
    cause: true,
  },
  {
    name: 'subclass onEos throws',
    run: () => new ThrowingEos(SHORT).startup().done,
    error: 'GstPipelineError',
    message: /onEos threw: onEos broke/,
    cause: true,
  },
  {
    name: 'subclass onStopped throws',
    run: () => new ThrowingStopped(SHORT).startup().done,
    error: 'GstPipelineError',
    message: /onStopped threw: onStopped broke/,
    cause: true,
  },

  // GstVideoSink: options
  {
    name: 'GstVideoSink without options',
    run: () => new GstVideoSink('appsrc ! fakesink', undefined as unknown as typeof SINK),
    error: 'TypeError',
    message: /options must be an object with width and height, got undefined/,
  },
  {
    name: 'GstVideoSink width 0',
    run: () => new GstVideoSink('appsrc ! fakesink', { ...SINK, width: 0 }),
    error: 'RangeError',
    message: /options\.width must be a whole number of pixels from 1 .*got 0/,
  },
  {
    name: 'GstVideoSink width 1.5',
    run: () => new GstVideoSink('appsrc ! fakesink', { ...SINK, width: 1.5 }),
    error: 'RangeError',
    message: /got 1\.5/,
  },
  {
    name: 'GstVideoSink width NaN',
    run: () => new GstVideoSink('appsrc ! fakesink', { ...SINK, width: NaN }),
    error: 'RangeError',
    message: /got NaN/,
  },
  {
    name: "GstVideoSink width '640'",
    run: () => new GstVideoSink('appsrc ! fakesink', { ...SINK, width: '640' as unknown as number }),
    error: 'TypeError',
    message: /options\.width must be a number of pixels, got "640"/,
  },
  {
    name: 'GstVideoSink height -1',
    run: () => new GstVideoSink('appsrc ! fakesink', { ...SINK, height: -1 }),
    error: 'RangeError',
    message: /options\.height .*got -1/,
  },
  {
    name: 'GstVideoSink height Infinity',
    run: () => new GstVideoSink('appsrc ! fakesink', { ...SINK, height: Infinity }),
    error: 'RangeError',
    message: /got Infinity/,
  },
  {
    name: 'GstVideoSink fps 0',
    run: () => new GstVideoSink('appsrc ! fakesink', { ...SINK, fps: 0 }),
    error: 'RangeError',
    message: /fps must be a finite number above 0.*got 0/,
  },
  {
    name: 'GstVideoSink fps Infinity',
    run: () => new GstVideoSink('appsrc ! fakesink', { ...SINK, fps: Infinity }),
    error: 'RangeError',
    message: /got Infinity/,
  },
  {
    name: 'GstVideoSink fps NaN',
    run: () => new GstVideoSink('appsrc ! fakesink', { ...SINK, fps: NaN }),
    error: 'RangeError',
    message: /got NaN/,
  },
  {
    name: 'GstVideoSink fps -30',
    run: () => new GstVideoSink('appsrc ! fakesink', { ...SINK, fps: -30 }),
    error: 'RangeError',
    message: /got -30/,
  },
  {
    name: 'GstVideoSink fps [30, 0]',
    run: () => new GstVideoSink('appsrc ! fakesink', { ...SINK, fps: [30, 0] }),
    error: 'RangeError',
    message: /denominator must be a whole number .*got 0/,
  },
  {
    name: 'GstVideoSink fps [29.97, 1]',
    run: () => new GstVideoSink('appsrc ! fakesink', { ...SINK, fps: [29.97, 1] }),
    error: 'RangeError',
    message: /numerator .*got 29\.97/,
  },
  {
    name: "GstVideoSink fps '30'",
    run: () => new GstVideoSink('appsrc ! fakesink', { ...SINK, fps: '30' as unknown as number }),
    error: 'TypeError',
    message: /fps must be a number or \[numerator, denominator\], got "30"/,
  },
  {
    name: 'GstVideoSink fps 29.97 is 30000/1001',
    run: () => new GstVideoSink('appsrc ! fakesink', { ...SINK, fps: 29.97 }).caps,
    error: 'none',
    message: /framerate=30000\/1001$/,
  },
  {
    name: 'GstVideoSink fps 23.976 is 24000/1001',
    run: () => new GstVideoSink('appsrc ! fakesink', { ...SINK, fps: 23.976 }).caps,
    error: 'none',
    message: /framerate=24000\/1001$/,
  },
  {
    name: 'GstVideoSink at 29.97 plays through an encoder',
    run: async () => {
      const sink = new GstVideoSink('appsrc ! videoconvert ! vp8enc deadline=1 ! fakesink', { ...SINK, fps: 29.97 }).startup();
      for (let i = 0; i < 3; i++) await sink.push(new Uint8Array(FRAME));
      await sink.shutdown(5000);
      await sink.done;
      return `pushed ${sink.totalBuffersCount}`;
    },
    error: 'none',
    message: /pushed 3/,
  },
  {
    name: "GstVideoSink format 'NOPE'",
    run: () => new GstVideoSink('appsrc ! fakesink', { ...SINK, format: 'NOPE' }),
    error: 'RangeError',
    message: /no video format "NOPE"/,
  },
  {
    name: 'GstVideoSink format 5',
    run: () => new GstVideoSink('appsrc ! fakesink', { ...SINK, format: 5 as unknown as string }),
    error: 'TypeError',
    message: /format must be a format name/,
  },
  {
    name: 'GstVideoSink maxQueuedFrames 0',
    run: () => new GstVideoSink('appsrc ! fakesink', { ...SINK, maxQueuedFrames: 0 }),
    error: 'RangeError',
    message: /maxQueuedFrames must be a whole number from 1, got 0/,
  },
  {
    name: 'GstVideoSink without an appsrc',
    run: () => new GstVideoSink('videotestsrc ! fakesink', SINK),
    error: 'GstElementNotFoundError',
    message: /expected one GstAppSrc/,
  },

  // GstVideoSink: push
  {
    name: 'push before startup',
    run: () => new GstVideoSink('appsrc ! fakesink', SINK).push(new Uint8Array(FRAME)),
    error: 'GstStateError',
    message: /call startup\(\) before push\(\)/,
  },
  {
    name: 'push after shutdown',
    run: async () => {
      const sink = await playingSink();
      await sink.shutdown();
      await sink.push(new Uint8Array(FRAME));
    },
    error: 'GstStateError',
    message: /has ended/,
  },
  {
    name: 'push(null)',
    run: () => pushFrame(null),
    error: 'TypeError',
    message: /frame must be a typed array, a ShapedArray or a Gst\.Buffer, got null/,
  },
  { name: "push('frame')", run: () => pushFrame('frame'), error: 'TypeError', message: /got "frame"/ },
  { name: 'push(42)', run: () => pushFrame(42), error: 'TypeError', message: /got 42/ },
  { name: 'push({}) without data', run: () => pushFrame({ shape: [16, 16, 3] }), error: 'TypeError', message: /got undefined/ },
  {
    name: 'push(Float32Array) to RGB',
    run: () => pushFrame(new Float32Array(FRAME / 4)),
    error: 'TypeError',
    message: /Float32Array does not fit RGB: give a Uint8Array/,
  },
  {
    name: 'push(Uint16Array) to RGB',
    run: () => pushFrame(new Uint16Array(FRAME / 2)),
    error: 'TypeError',
    message: /Uint16Array does not fit RGB/,
  },
  {
    name: 'push(Int16Array) to GRAY16_LE',
    run: () => pushFrame(new Int16Array(16 * 16), 'GRAY16_LE'),
    error: 'TypeError',
    message: /Int16Array does not fit GRAY16_LE: give a Uint16Array of samples/,
  },
  {
    name: 'push(BigInt64Array)',
    run: () => pushFrame(new BigInt64Array(FRAME / 8)),
    error: 'TypeError',
    message: /BigInt64Array does not fit/,
  },
  {
    name: 'push a detached array',
    run: () => {
      const frame = new Uint8Array(FRAME);
      structuredClone(frame.buffer, { transfer: [frame.buffer] });
      return pushFrame(frame);
    },
    error: 'TypeError',
    message: /detached/,
  },
  {
    name: 'push a frame of the wrong size',
    run: () => pushFrame(new Uint8Array(100)),
    error: 'RangeError',
    message: /frame has 100 bytes, RGB 16x16 needs 768/,
  },
  { name: 'push a Gst.Buffer of the wrong size', run: () => pushFrame(rgbBuffer(10)), error: 'RangeError', message: /frame has 10 bytes/ },
  {
    name: 'push pts NaN',
    run: () => pushWith({ pts: NaN }),
    error: 'RangeError',
    message: /pts must be a number of nanoseconds from 0 to 2\^63.*got NaN/,
  },
  { name: 'push pts Infinity', run: () => pushWith({ pts: Infinity }), error: 'RangeError', message: /got Infinity/ },
  { name: 'push pts -5', run: () => pushWith({ pts: -5 }), error: 'RangeError', message: /got -5/ },
  { name: 'push pts 1e30', run: () => pushWith({ pts: 1e30 }), error: 'RangeError', message: /got 1e\+30/ },
  { name: 'push pts 2^64n', run: () => pushWith({ pts: 2n ** 64n }), error: 'RangeError', message: /got 18446744073709551616n/ },
  { name: "push pts '0'", run: () => pushWith({ pts: '0' }), error: 'TypeError', message: /pts must be .*got "0"/ },
  { name: 'push dts -1n', run: () => pushWith({ dts: -1n }), error: 'RangeError', message: /dts must be/ },
  { name: 'push duration NaN', run: () => pushWith({ duration: NaN }), error: 'RangeError', message: /duration must be/ },
  {
    name: 'push offset 1.5',
    run: () => pushWith({ offset: 1.5 }),
    error: 'RangeError',
    message: /offset must be a whole number of frames.*got 1\.5/,
  },
  {
    name: 'push options null',
    run: () => pushWith(null as unknown as object),
    error: 'TypeError',
    message: /options must be an object, got null/,
  },
  {
    name: 'push pts null stamps none',
    run: async () => {
      await pushWith({ pts: null });
      return 'accepted';
    },
    error: 'none',
    message: /accepted/,
  },

  // GstVideoSource: construction
  {
    name: 'GstVideoSource without an appsink',
    run: () => new GstVideoSource('videotestsrc ! fakesink'),
    error: 'GstElementNotFoundError',
    message: /expected one GstAppSink .*found none/,
  },
  {
    name: 'GstVideoSource with two appsinks',
    run: () => new GstVideoSource('videotestsrc ! tee name=t ! queue ! appsink t. ! queue ! appsink'),
    error: 'GstElementNotFoundError',
    message: /found 2/,
  },
  {
    name: 'GstVideoSource options a number',
    run: () => new GstVideoSource('videotestsrc ! appsink', 3 as unknown as object),
    error: 'TypeError',
    message: /options must be an object, got 3/,
  },
  {
    name: 'GstVideoSource NUL in the description',
    run: () => new GstVideoSource('videotestsrc ! appsink\0'),
    error: 'GstParseError',
    message: /NUL character/,
  },

  // buffer helpers
  {
    name: 'gstBufferToTypedArray(null)',
    run: () => gstBufferToTypedArray(null as unknown as Gst.Buffer, { width: 1, height: 1, channels: 1 }),
    error: 'TypeError',
    message: /expected a Gst\.Buffer, got null/,
  },
  {
    name: 'gstBufferToTypedArray width 1.5',
    run: () => gstBufferToTypedArray(rgbBuffer(FRAME), { width: 1.5, height: 16, channels: 3 }),
    error: 'RangeError',
    message: /width must be a whole number from 1, got 1\.5/,
  },
  {
    name: 'gstBufferToTypedArray width 0',
    run: () => gstBufferToTypedArray(rgbBuffer(FRAME), { width: 0, height: 16, channels: 3 }),
    error: 'RangeError',
    message: /width .*got 0/,
  },
  {
    name: 'gstBufferToTypedArray height NaN',
    run: () => gstBufferToTypedArray(rgbBuffer(FRAME), { width: 16, height: NaN, channels: 3 }),
    error: 'RangeError',
    message: /height .*got NaN/,
  },
  {
    name: "gstBufferToTypedArray channels '3'",
    run: () => gstBufferToTypedArray(rgbBuffer(FRAME), { width: 16, height: 16, channels: '3' as unknown as number }),
    error: 'TypeError',
    message: /channels must be a number, got "3"/,
  },
  {
    name: 'gstBufferToTypedArray options null',
    run: () => gstBufferToTypedArray(rgbBuffer(FRAME), null as unknown as { width: number; height: number; channels: number }),
    error: 'TypeError',
    message: /options must be/,
  },
  {
    name: 'gstBufferToTypedArray arrayType Float32Array',
    run: () =>
      gstBufferToTypedArray(rgbBuffer(FRAME), {
        width: 16,
        height: 16,
        channels: 3,
        arrayType: Float32Array as unknown as Uint8ArrayConstructor,
      }),
    error: 'TypeError',
    message: /arrayType must be Uint8Array or Uint16Array/,
  },
  {
    name: 'gstBufferToTypedArray shape bigger than the buffer',
    run: () => gstBufferToTypedArray(rgbBuffer(100), { width: 16, height: 16, channels: 3 }),
    error: 'RangeError',
    message: /buffer holds 100 bytes/,
  },
  {
    name: 'gstBufferWithCapsToTypedArray: buffer smaller than its caps',
    run: () => gstBufferWithCapsToTypedArray(rgbBuffer(FRAME - 48), caps('video/x-raw,format=RGB,width=16,height=16')),
    error: 'RangeError',
    message: /buffer holds 720 bytes.*768/,
  },
  {
    name: 'gstBufferWithCapsToTypedArray: buffer larger than its caps',
    run: () => gstBufferWithCapsToTypedArray(rgbBuffer(FRAME + 48), caps('video/x-raw,format=RGB,width=16,height=16')),
    error: 'RangeError',
    message: /buffer holds 816 bytes.*768/,
  },
  {
    name: 'gstBufferWithCapsToTypedArray: padded rows too few bytes',
    run: () => gstBufferWithCapsToTypedArray(rgbBuffer(10), caps('video/x-raw,format=RGB,width=15,height=15')),
    error: 'RangeError',
    message: /buffer holds 10 bytes/,
  },
  {
    name: 'gstBufferWithCapsToTypedArray: encoded caps suggest videoconvert',
    run: () => gstBufferWithCapsToTypedArray(rgbBuffer(FRAME), caps('video/x-h264')),
    error: 'TypeError',
    message: /not raw video (or raw audio )?caps.*videoconvert and a caps filter/,
  },
  {
    name: 'gstBufferWithCapsToTypedArray: caps null',
    run: () => gstBufferWithCapsToTypedArray(rgbBuffer(FRAME), null as unknown as Gst.Caps),
    error: 'TypeError',
    message: /expected a Gst\.Caps, got null/,
  },
  {
    name: 'gstBufferWithCapsToTypedArray: caps a string',
    run: () => gstBufferWithCapsToTypedArray(rgbBuffer(FRAME), 'video/x-raw' as unknown as Gst.Caps),
    error: 'TypeError',
    message: /expected a Gst\.Caps, got "video\/x-raw"/,
  },
  {
    name: 'gstBufferWithPadToTypedArray: pad null',
    run: () => gstBufferWithPadToTypedArray(rgbBuffer(FRAME), null as unknown as Gst.Pad),
    error: 'TypeError',
    message: /expected a Gst\.Pad, got null/,
  },
  {
    name: 'gstBufferView: encoded caps',
    run: () => gstBufferView(rgbBuffer(FRAME), caps('video/x-vp8')),
    error: 'TypeError',
    message: /not raw video caps/,
  },
  {
    name: 'typedArrayToGstBuffer(null)',
    run: () => typedArrayToGstBuffer(null as unknown as Uint8Array),
    error: 'TypeError',
    message: /expected a typed array, got null/,
  },
  {
    name: "typedArrayToGstBuffer('bytes')",
    run: () => typedArrayToGstBuffer('bytes' as unknown as Uint8Array),
    error: 'TypeError',
    message: /got "bytes"/,
  },
  {
    name: 'mapGstBuffer(null)',
    run: () => mapGstBuffer(null as unknown as Gst.Buffer, Gst.MapFlags.READ, () => 0),
    error: 'TypeError',
    message: /expected a Gst\.Buffer/,
  },
  {
    name: "mapGstBuffer: the callback throws, the error is the callback's",
    run: () =>
      mapGstBuffer(rgbBuffer(4), Gst.MapFlags.READ, () => {
        throw new RangeError('inside the mapping');
      }),
    error: 'RangeError',
    message: /inside the mapping/,
  },

  // utils
  { name: 'toFraction(NaN)', run: () => toFraction(NaN), error: 'RangeError', message: /fps must be a finite number above 0 .*got NaN/ },
  { name: 'toFraction(-1)', run: () => toFraction(-1), error: 'RangeError', message: /got -1/ },
  {
    name: 'toFraction([1, 2, 3])',
    run: () => toFraction([1, 2, 3] as unknown as [number, number]),
    error: 'TypeError',
    message: /\[numerator, denominator\], got \[1, 2, 3\]/,
  },
  { name: 'toFraction(29.97)', run: () => toFraction(29.97).join('/'), error: 'none', message: /^30000\/1001$/ },
  { name: 'toFraction(59.94)', run: () => toFraction(59.94).join('/'), error: 'none', message: /^60000\/1001$/ },
  { name: 'toFraction(23.976)', run: () => toFraction(23.976).join('/'), error: 'none', message: /^24000\/1001$/ },
  { name: 'toFraction(12.5)', run: () => toFraction(12.5).join('/'), error: 'none', message: /^25\/2$/ },
  { name: 'toFraction(0.5)', run: () => toFraction(0.5).join('/'), error: 'none', message: /^1\/2$/ },
  { name: 'fractionToStr(29.97)', run: () => fractionToStr(29.97), error: 'none', message: /^30000\/1001$/ },
  { name: "getNumChannels('NOPE')", run: () => getNumChannels('NOPE'), error: 'TypeError', message: /unknown video format: NOPE/ },
];
