/**
 * src/pipeline.ts, branch by branch: argument checks and their messages, how parse errors and
 * bus errors are worded, the hooks' failures, shutdown's paths (not started, not playing yet, no
 * end of stream to send, a timeout, pending frame functions), the source watchdog's verdicts, a
 * file cut while it is read, and what the pipeline lets go of at its end. Each test is fast and
 * in-process, on real pipelines.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  GLib,
  Gst,
  GstApp,
  GstElementNotFoundError,
  GstParseError,
  GstPipeline,
  GstPipelineError,
  GstSourceLostError,
  GstStateError,
  GstVideoAnalyzer,
  GstVideoFilter,
  type GstWarning,
  registerElement,
  type VideoFilterFrame,
} from '../src';
import { livePipelineCount } from '../src/context';
import { framesSettled } from '../src/element/video-filter';
import { busTurn, pipelinesStoppedAfterEach, reachesState, rejectionOf, within } from './helpers/support';

const track = pipelinesStoppedAfterEach(test);
const LIVE = 'videotestsrc is-live=true ! video/x-raw,width=32,height=24,framerate=30/1 ! fakesink';
const GRAY = 'video/x-raw,format=GRAY8,width=8,height=8';

/** What `run` throws (fails when it does not throw). */
function thrownBy(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    assert.instance(error, Error);
    return error as Error;
  }
  throw new Error('expected a throw');
}

/** Replaces console[method] until restore(); resolves `first` at the first line printed. */
function capture(method: 'error' | 'warn'): { lines: string[]; first: Promise<string>; restore: () => void } {
  const original = console[method];
  const lines: string[] = [];
  let printed!: (line: string) => void;
  const first = new Promise<string>((resolve) => (printed = resolve));
  console[method] = (...args: unknown[]) => {
    const line = args.map((arg) => (arg instanceof Error ? `[${arg.message}]` : String(arg))).join(' ');
    lines.push(line);
    printed(line);
  };
  const restore = (): void => {
    console[method] = original;
  };
  return { lines, first, restore };
}

function gerror(domain: number, code: number, text: string): GLib.Error {
  return GLib.Error.newLiteral(domain, code, text);
}

function postWarning(pipeline: GstPipeline, source: Gst.Element | null, error: GLib.Error): void {
  assert.ok(pipeline.pipeline.postMessage(Gst.Message.newWarning(source as Gst.Element, error, 'warning details')));
}

function tempFile(bytes: number): { file: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gstreamer-ts-branches-'));
  const file = path.join(dir, 'input.bin');
  fs.writeFileSync(file, Buffer.alloc(bytes, 7));
  return { file, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Holds every frame until released; `held` resolves at the first. */
class Gate extends GstVideoAnalyzer {
  static elementName = 'test_branches_gate';
  static formats = ['GRAY8'];
  static held: (() => void) | null = null;
  static release: (() => void) | null = null;
  /** frames let through before the gate holds */
  static pass = 0;
  analyzeFrame(): Promise<void> {
    if (Gate.pass > 0) {
      Gate.pass--;
      return Promise.resolve();
    }
    const released = new Promise<void>((resolve) => (Gate.release = resolve));
    Gate.held?.();
    return released;
  }
}
registerElement(Gate);

/** Throws in its frame function. */
class Thrower extends GstVideoFilter {
  static elementName = 'test_branches_thrower';
  static formats = ['GRAY8'];
  static readonly error = new RangeError('the frame function gave up');
  transformFrameIp(_frame: VideoFilterFrame): void {
    throw Thrower.error;
  }
}
registerElement(Thrower);

// ---- argument checks

test('shutdown(timeoutMs): a number of ms from 0 to 2147483647, else a TypeError or RangeError saying so', async () => {
  const pipeline = track(new GstPipeline(LIVE));
  const type = thrownBy(() => pipeline.shutdown('5' as unknown as number));
  assert.instance(type, TypeError);
  assert.is(type.message, 'shutdown(timeoutMs) must be a number of milliseconds, got "5"');
  for (const [value, shown] of [
    [-1, '-1'],
    [Number.NaN, 'NaN'],
    [2 ** 31, '2147483648'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ] as const) {
    const range = thrownBy(() => pipeline.shutdown(value));
    assert.instance(range, RangeError);
    assert.is(range.message, `shutdown(timeoutMs) must be between 0 and 2147483647 ms, got ${shown}`);
  }
  assert.is(pipeline.isDone, false, 'a refused shutdown does nothing');
  // the bounds themselves are fine
  await within(pipeline.shutdown(2 ** 31 - 1), 1_000, 'shutdown(2 ** 31 - 1)');
  await within(track(new GstPipeline(LIVE)).shutdown(0), 1_000, 'shutdown(0)');
  await within(track(new GstPipeline(LIVE)).shutdown(0.5), 1_000, 'shutdown(0.5)');
});

test('options: an object with functions for the hooks and a timeout for the watchdog, else a typed error naming the option', () => {
  class Named extends GstPipeline {}
  const cases: ReadonlyArray<[unknown, ErrorConstructor | RangeErrorConstructor, string]> = [
    [null, TypeError, 'options must be an object, got null'],
    [5, TypeError, 'options must be an object, got 5'],
    ['fast', TypeError, 'options must be an object, got "fast"'],
    [{ beforePlaying: 5 }, TypeError, 'options.beforePlaying must be a function, got 5'],
    [{ onWarning: 'print' }, TypeError, 'options.onWarning must be a function, got "print"'],
    [{ sourceTimeoutMs: '10' }, TypeError, 'options.sourceTimeoutMs must be a number of milliseconds, got "10"'],
    [{ sourceTimeoutMs: -1 }, RangeError, 'options.sourceTimeoutMs must be between 0 and 2147483647 ms, got -1'],
  ];
  for (const [options, type, message] of cases) {
    const error = thrownBy(() => new Named('fakesink', options as never));
    assert.instance(error, type);
    assert.is(error.message, `new Named(command, options): ${message}`);
  }
  // undefined options, and undefined entries in them, are the defaults
  for (const options of [undefined, {}, { beforePlaying: undefined, onWarning: undefined, sourceTimeoutMs: undefined }])
    assert.instance(new GstPipeline('fakesink', options), GstPipeline);
});

test('command: a description or a Gst.Element, else a TypeError; an element already in a bin is refused', () => {
  for (const [command, shown] of [
    [5, '5'],
    [null, 'null'],
    [Gst.Caps.fromString('video/x-raw'), 'GstCaps'],
  ] as const) {
    const error = thrownBy(() => new GstPipeline(command as never));
    assert.instance(error, TypeError);
    assert.is(error.message, `new GstPipeline(command, options): command must be a gst-launch description or a Gst.Element, got ${shown}`);
  }
  const bin = Gst.parseBinFromDescription('fakesink name=inner', false);
  bin.name = 'outer';
  const error = thrownBy(() => new GstPipeline(bin.getByName('inner')!));
  assert.instance(error, TypeError);
  assert.is(error.message, 'element "inner" is inside "outer" already: pass the pipeline (or the top bin) instead');
});

test('getByCls / getByName: arguments of the wrong kind are TypeErrors naming the argument', () => {
  const pipeline = new GstPipeline('videotestsrc name=src ! fakesink name=sink');
  const byCls = thrownBy(() => pipeline.getByCls('appsink' as never));
  assert.instance(byCls, TypeError);
  assert.is(byCls.message, 'getByCls(cls): cls must be a class of elements such as GstApp.AppSink, got "appsink"');
  const byName = thrownBy(() => pipeline.getByName(5 as never));
  assert.instance(byName, TypeError);
  assert.is(byName.message, 'getByName(name): name must be a string, got 5');
  const cls = thrownBy(() => pipeline.getByName('src', 5 as never));
  assert.instance(cls, TypeError);
  assert.is(cls.message, 'getByName(name, cls): cls must be a class of elements, got 5');
});

test('getOneByCls says how many it found, with the description', () => {
  const none = new GstPipeline('videotestsrc ! fakesink');
  const error = thrownBy(() => none.getOneByCls(GstApp.AppSink));
  assert.instance(error, GstElementNotFoundError);
  assert.is(error.message, 'expected one GstAppSink in "videotestsrc ! fakesink", found none');
  const several = new GstPipeline('videotestsrc ! tee name=t ! queue ! appsink t. ! queue ! appsink t. ! queue ! appsink');
  assert.is(thrownBy(() => several.getOneByCls(GstApp.AppSink)).message, `expected one GstAppSink in "${several.command}", found 3`);
});

test('getByName with a factory name: the element when that factory made it, null when missing, else a TypeError', () => {
  const pipeline = new GstPipeline('videotestsrc name=src ! fakesink name=sink');
  assert.is(pipeline.getByName('src', 'videotestsrc')?.name, 'src');
  assert.is(pipeline.getByName('missing', 'videotestsrc'), null);
  const error = thrownBy(() => pipeline.getByName('src', 'fakesink'));
  assert.instance(error, TypeError);
  assert.is(error.message, 'element "src" is made by videotestsrc, not by fakesink');
  // an element made in code (a Gst.Bin): its factory is still known
  const raw = new Gst.Pipeline();
  const bin = new Gst.Bin();
  bin.name = 'made-in-code';
  raw.add(bin);
  const built = new GstPipeline(raw);
  assert.is(
    thrownBy(() => built.getByName('made-in-code', 'queue' as never)).message,
    'element "made-in-code" is made by bin, not by queue',
  );
  assert.is(built.getByName('made-in-code', Gst.Bin), bin);
});

// ---- parsing

test('a NUL in the description is refused before GStreamer sees it (it would run what comes before)', () => {
  const error = thrownBy(() => new GstPipeline('fakesink\0 ! nosuchelement'));
  assert.instance(error, GstParseError);
  assert.match(error.message, /: the description holds a NUL character at index 8$/);
  assert.match(thrownBy(() => new GstPipeline('\0fakesink')).message, /: the description holds a NUL character at index 0$/);
});

test("GStreamer's capitalised parse messages are written as without FATAL_ERRORS; others stay as they are", () => {
  const missing = thrownBy(() => new GstPipeline('nosuchelement'));
  assert.match(missing.message, /^cannot build pipeline "nosuchelement": no element "nosuchelement"/);
  // capitalised by GStreamer 1.22 with FATAL_ERRORS
  const link = thrownBy(() => new GstPipeline('videotestsrc name=a ! b.'));
  assert.match(link.message, /^cannot build pipeline "videotestsrc name=a ! b\.": no sink-element named "\(null\)" - omitting link/);
  const syntax = thrownBy(() => new GstPipeline('videotestsrc !'));
  assert.match(syntax.message, /^cannot build pipeline "videotestsrc !": syntax error/);
});

// ---- descriptions of built pipelines

function make(factory: string, name?: string): Gst.Element {
  const element = Gst.ElementFactory.make(factory, name ?? null);
  if (!element) throw new Error(`no ${factory}`);
  return element;
}

test('command of a built pipeline: branches after the first are chains of their own; unlinked elements stand alone', () => {
  const raw = new Gst.Pipeline();
  const [src, tee, a, b, sinkA, sinkB, lone] = [
    make('videotestsrc'),
    make('output-selector', 's'),
    make('queue', 'a'),
    make('queue', 'b'),
    make('fakesink'),
    make('fakesink', 'fakesink'),
    make('identity'),
  ];
  for (const element of [src, tee, a, b, sinkA, sinkB, lone]) raw.add(element);
  assert.ok(src.link(tee) && tee.link(a) && a.link(sinkA) && tee.link(b) && b.link(sinkB));
  // the first branch of the tee follows it; the second is its own chain; an element named like
  // its factory (no digits) is named
  assert.is(
    new GstPipeline(raw).command,
    'videotestsrc ! output-selector name=s ! queue name=a ! fakesink  identity  queue name=b ! fakesink name=fakesink',
  );
  // an element made in code is shown by its factory too
  const holder = new Gst.Pipeline();
  const bin = new Gst.Bin();
  bin.name = 'holder';
  holder.add(bin);
  assert.is(new GstPipeline(holder).command, 'bin name=holder');
});

test('command of a built pipeline: a chain goes on through the first unseen peer; an element with any linked sink pad is fed', () => {
  const raw = new Gst.Pipeline();
  const [src, mux, selector, queue, sink] = [
    make('audiotestsrc'),
    make('avimux'),
    make('output-selector', 'sel'),
    make('queue'),
    make('fakesink'),
  ];
  // the avimux first: a walk from it, were it taken for a start, would come before the audiotestsrc's
  for (const element of [mux, src, selector, queue, sink]) raw.add(element);
  // avimux: an unlinked sink pad, one fed by the audiotestsrc, one by the selector, an unlinked one
  const muxPads = [0, 1, 2, 3].map(() => mux.requestPadSimple('audio_%u')!);
  assert.ok(src.getStaticPad('src')!.link(muxPads[1]) === Gst.PadLinkReturn.OK);
  // the selector (fed by nothing): an unlinked src pad, one to the avimux (seen by then), one to the queue
  const selectorPads = [0, 1, 2].map(() => selector.requestPadSimple('src_%u')!);
  assert.ok(selectorPads[1].link(muxPads[2]) === Gst.PadLinkReturn.OK);
  assert.ok(selectorPads[2].link(queue.getStaticPad('sink')!) === Gst.PadLinkReturn.OK);
  assert.ok(queue.link(sink));
  assert.is(new GstPipeline(raw).command, 'audiotestsrc ! avimux  output-selector name=sel ! queue ! fakesink');
});

// ---- the bus

test('bus: the same object each time; asked before the end it stays usable, asked after the end it is a GstStateError', async () => {
  const asked = track(new GstPipeline('videotestsrc num-buffers=2 ! fakesink sync=false'));
  const bus = asked.bus;
  assert.is(asked.bus, bus);
  await within(asked.startup().done, 5_000, 'done');
  assert.is(asked.bus, bus, 'still there after the end');
  assert.is(asked.pipeline.getBus(), null, 'the pipeline itself let go of its bus');

  const unasked = track(new GstPipeline('videotestsrc num-buffers=2 ! fakesink sync=false'));
  await within(unasked.startup().done, 5_000, 'done');
  const error = thrownBy(() => unasked.bus);
  assert.instance(error, GstStateError);
  assert.is(error.message, 'the bus of GstPipeline "videotestsrc num-buffers=2 ! fakesink sync=false" was let go when it ended');
});

test('an ERROR from a resource names its location when the message does not; other errors are left as they are', async () => {
  const { file, remove } = tempFile(0);
  try {
    const cases: ReadonlyArray<[number, string, string]> = [
      [Gst.resourceErrorQuark(), 'No file v1.2 here.', `writer: No file v1.2 here: "${file}"`],
      [Gst.resourceErrorQuark(), `Cannot open ${file}.`, `writer: Cannot open ${file}.`],
      [Gst.coreErrorQuark(), 'Core trouble.', 'writer: Core trouble.'],
    ];
    for (const [domain, text, expected] of cases) {
      const pipeline = track(new GstPipeline(`appsrc is-live=true ! filesink name=writer location=${file}`)).startup();
      const writer = pipeline.getByName('writer')!;
      assert.ok(pipeline.pipeline.postMessage(Gst.Message.newError(writer, gerror(domain, 1, text), 'error details')));
      const error = (await rejectionOf(pipeline.done, 5_000, 'done')) as GstPipelineError;
      assert.instance(error, GstPipelineError);
      assert.is(error.message, expected);
      assert.is(error.debug, 'error details');
      assert.is(error.source, 'writer');
      assert.is(Object.hasOwn(error, 'cause'), false, 'no cause for an error of GStreamer');
    }
    // a resource error of an element with no location names nothing more
    const live = track(new GstPipeline('videotestsrc name=src is-live=true ! fakesink')).startup();
    const src = live.getByName('src')!;
    assert.ok(live.pipeline.postMessage(Gst.Message.newError(src, gerror(Gst.resourceErrorQuark(), 1, 'Gone.'), 'details')));
    assert.is(((await rejectionOf(live.done, 5_000, 'done')) as Error).message, 'src: Gone.');
  } finally {
    remove();
  }
});

test('an element whose frame function throws fails the pipeline with the throw as the cause', async () => {
  const pipeline = track(new GstPipeline(`videotestsrc num-buffers=3 ! ${GRAY} ! test_branches_thrower name=t ! fakesink`));
  const error = (await rejectionOf(pipeline.startup().done, 5_000, 'done')) as GstPipelineError;
  assert.instance(error, GstPipelineError);
  assert.is(error.source, 't');
  assert.is(error.cause, Thrower.error);
});

test('a warning with no source is printed as from the pipeline', async () => {
  const stderr = capture('warn');
  try {
    const pipeline = track(new GstPipeline(LIVE)).startup();
    postWarning(pipeline, null, gerror(Gst.coreErrorQuark(), 1, 'from nowhere'));
    assert.is(await within(stderr.first, 5_000, 'the warning'), 'GstPipeline: warning from pipeline: from nowhere');
  } finally {
    stderr.restore();
  }
});

test('a second startup() runs no hook again', async () => {
  let runs = 0;
  class Counted extends GstPipeline {
    inits = 0;
    protected override onPipelineInit(): void {
      this.inits++;
    }
  }
  const pipeline = track(new Counted(LIVE, { beforePlaying: () => void runs++ }));
  assert.is(pipeline.startup().startup(), pipeline);
  assert.equal([pipeline.inits, runs], [1, 1]);
});

test('a pipeline that cannot be set to PLAYING fails inside startup(), with the reason GStreamer posted', () => {
  const pipeline = track(new GstPipeline('filesrc name=reader location=/nonexistent/file ! fakesink')).startup();
  assert.is(pipeline.isDone, true, 'failed before startup() returned');
  assert.is(pipeline.error?.source, 'reader');
  assert.match(pipeline.error?.message ?? '', /^reader: .*(not found|No such file)/i);
  assert.is(livePipelineCount(), 1, 'live until NULL is reached');
});

test('messages that come before PLAYING (an async beforePlaying still runs) are handled: a warning, then the end of stream', async () => {
  const warnings: GstWarning[] = [];
  let resolve!: () => void;
  const pipeline = track(
    new Recording('appsrc name=cam is-live=true ! fakesink', {
      sourceTimeoutMs: 100,
      onWarning: (w) => void warnings.push(w),
      beforePlaying: () => new Promise<void>((r) => (resolve = r)),
    }),
  );
  const cam = pipeline.getByName('cam')!;
  // a fresh pipeline's bus takes messages: they wait there for the bus watch of startup()
  postWarning(pipeline, cam, READ());
  assert.ok(pipeline.pipeline.postMessage(Gst.Message.newEos(cam)));
  pipeline.startup();
  await within(pipeline.done, 5_000, 'done at the end of stream');
  assert.equal(warnings, [{ message: 'Could not read.', debug: 'warning details', source: 'cam' }]);
  assert.equal(pipeline.calls, ['eos', 'stopped']);
  resolve();
  await new Promise((r) => setImmediate(r));
  assert.is(pipeline.pipeline.getState(0)[1], Gst.State.NULL, 'never played');
});

// ---- hooks that fail

test('beforePlaying that throws: the error says so, the hook is not retried, and nothing is printed twice', async () => {
  const boom = new Error('bad property');
  let runs = 0;
  const pipeline = track(
    new GstPipeline(LIVE, {
      beforePlaying() {
        runs++;
        throw boom;
      },
    }),
  );
  assert.is(
    thrownBy(() => pipeline.startup()),
    boom,
  );
  assert.is(pipeline.error?.message, 'setting up before PLAYING failed: bad property');
  assert.is(pipeline.error?.cause, boom);
  assert.is(livePipelineCount(), 0, 'never live');
  const again = thrownBy(() => pipeline.startup());
  assert.instance(again, GstStateError);
  assert.is(again.message, `cannot start GstPipeline "${LIVE}": it has ended (failed); create a new one`);
  assert.is(runs, 1);
});

test('an async beforePlaying: PLAYING waits for it; a rejection fails the pipeline with it as the cause, and is printed when nobody awaits', async () => {
  let resolve!: () => void;
  const waited = track(new GstPipeline(LIVE, { beforePlaying: () => new Promise<void>((r) => (resolve = r)) })).startup();
  assert.is(waited.isActive, true);
  assert.is(waited.pipeline.getState(0)[1], Gst.State.NULL, 'not set to PLAYING while the hook runs');
  assert.is(livePipelineCount(), 1, 'live from startup()');
  resolve();
  await within(reachesState(waited, Gst.State.PLAYING), 5_000, 'PLAYING after the hook');
  await within(waited.shutdown(), 5_000, 'shutdown');
  assert.is(livePipelineCount(), 0, 'not live once stopped');

  const stderr = capture('error');
  try {
    const reason = new Error('no model');
    const failing = track(new GstPipeline(LIVE, { beforePlaying: () => Promise.reject(reason) })).startup();
    const line = await within(stderr.first, 5_000, 'the failure to be printed');
    assert.is(line, 'GstPipeline: setting up before PLAYING failed: no model', 'no debug line');
    assert.is(failing.error?.cause, reason);
    assert.is(failing.pipeline.getState(0)[1], Gst.State.NULL, 'never played');
    assert.is(await rejectionOf(failing.done, 1_000, 'done'), failing.error);
  } finally {
    stderr.restore();
  }
});

test('stopped while an async beforePlaying runs: nothing plays afterwards, shutdown sends no end of stream', async () => {
  let resolve!: () => void;
  const pipeline = track(
    new GstPipeline('appsrc name=in ! fakesink', { beforePlaying: () => new Promise<void>((r) => (resolve = r)) }),
  ).startup();
  // no end of stream to wait for: shutdown ends at once however long its timeout
  await within(pipeline.shutdown(2 ** 31 - 1), 2_000, 'shutdown while the hook runs');
  resolve();
  await within(pipeline.done, 1_000, 'done');
  await new Promise((r) => setImmediate(r));
  assert.is(pipeline.pipeline.getState(0)[1], Gst.State.NULL, 'not set to PLAYING after the hook');
  assert.is(pipeline.error, null);
});

class Recording extends GstPipeline {
  readonly calls: string[] = [];
  protected override onEos(): void {
    this.calls.push('eos');
  }
  protected override onStopped(): void {
    this.calls.push('stopped');
  }
}

test('a throwing onWarning fails the pipeline after ending its stream (onEos runs); onError that throws is reported, the failure stands', async () => {
  const boom = new Error('warning handler broke');
  const pipeline = track(
    new Recording(LIVE.replace('videotestsrc', 'videotestsrc name=src'), {
      onWarning: () => {
        throw boom;
      },
    }),
  ).startup();
  await within(reachesState(pipeline, Gst.State.PLAYING), 5_000, 'PLAYING');
  postWarning(pipeline, pipeline.getByName('src'), gerror(Gst.coreErrorQuark(), 1, 'w'));
  const error = (await rejectionOf(pipeline.done, 5_000, 'done')) as GstPipelineError;
  assert.is(error.message, 'onWarning threw: warning handler broke');
  assert.is(error.cause, boom);
  assert.equal(pipeline.calls, ['eos', 'stopped'], 'the stream was ended, not cut');

  class BadOnError extends GstPipeline {
    protected override onError(): void {
      throw new Error('onError broke');
    }
  }
  const stderr = capture('error');
  try {
    const failing = track(new BadOnError('filesrc location=/nonexistent/file ! fakesink')).startup();
    const failure = await rejectionOf(failing.done, 5_000, 'done');
    assert.instance(failure, GstPipelineError);
    assert.match((failure as Error).message, /not found/i);
    assert.equal(stderr.lines, [`BadOnError: onError threw while handling "${(failure as Error).message}": [onError broke]`]);
  } finally {
    stderr.restore();
  }
});

test('the first failure wins: a second throwing onWarning while the stream ends changes nothing', async () => {
  let throws = 0;
  const errors: GstPipelineError[] = [];
  class Counting extends GstPipeline {
    protected override onError(error: GstPipelineError): void {
      errors.push(error);
    }
  }
  const pipeline = track(
    new Counting(LIVE.replace('videotestsrc', 'videotestsrc name=src'), {
      onWarning: () => {
        throw new Error(`throw ${++throws}`);
      },
    }),
  ).startup();
  await within(reachesState(pipeline, Gst.State.PLAYING), 5_000, 'PLAYING');
  postWarning(pipeline, pipeline.getByName('src'), gerror(Gst.coreErrorQuark(), 1, 'first'));
  postWarning(pipeline, pipeline.getByName('src'), gerror(Gst.coreErrorQuark(), 1, 'second'));
  const error = (await rejectionOf(pipeline.done, 5_000, 'done')) as GstPipelineError;
  assert.is(throws, 2, 'both warnings were handled');
  assert.is(error.message, 'onWarning threw: throw 1');
  assert.equal(
    errors.map((e) => e.message),
    ['onWarning threw: throw 1'],
  );
});

test('an ERROR stops a playing pipeline at once: no end of stream, onEos does not run', async () => {
  const pipeline = track(new Recording(LIVE.replace('videotestsrc', 'videotestsrc name=src'))).startup();
  await within(reachesState(pipeline, Gst.State.PLAYING), 5_000, 'PLAYING');
  const src = pipeline.getByName('src')!;
  assert.ok(pipeline.pipeline.postMessage(Gst.Message.newError(src, gerror(Gst.coreErrorQuark(), 1, 'stop'), 'details')));
  assert.is(((await rejectionOf(pipeline.done, 5_000, 'done')) as Error).message, 'src: stop');
  assert.equal(pipeline.calls, ['stopped']);
});

test('onEos that throws fails the pipeline, which still stops', async () => {
  class BadEos extends GstPipeline {
    protected override onEos(): void {
      throw new Error('eos broke');
    }
  }
  const pipeline = track(new BadEos('videotestsrc num-buffers=2 ! fakesink sync=false')).startup();
  const error = (await rejectionOf(pipeline.done, 5_000, 'done')) as GstPipelineError;
  assert.is(error.message, 'onEos threw: eos broke');
  assert.is(pipeline.pipeline.getState(0)[1], Gst.State.NULL);
});

test('a subclass onWarning that returns a rejected promise fails the pipeline', async () => {
  class AsyncWarning extends GstPipeline {
    protected override onWarning(): Promise<void> {
      return Promise.reject(new Error('later'));
    }
  }
  const pipeline = track(new AsyncWarning(LIVE.replace('videotestsrc', 'videotestsrc name=src'))).startup();
  postWarning(pipeline, pipeline.getByName('src'), gerror(Gst.coreErrorQuark(), 1, 'w'));
  const error = (await rejectionOf(pipeline.done, 5_000, 'done')) as GstPipelineError;
  assert.is(error.message, 'onWarning threw: later');
});

test('onStopped that throws fails a pipeline that ended well; an earlier failure stays the one reported', async () => {
  class BadStop extends GstPipeline {
    protected override onStopped(): void {
      throw new Error('cleanup broke');
    }
  }
  const ended = track(new BadStop('videotestsrc num-buffers=2 ! fakesink sync=false')).startup();
  const error = (await rejectionOf(ended.done, 5_000, 'done')) as GstPipelineError;
  assert.is(error.message, 'onStopped threw: cleanup broke');
  assert.is((error.cause as Error).message, 'cleanup broke');

  const failed = track(new BadStop('filesrc location=/nonexistent/file ! fakesink'));
  const first = (await rejectionOf(failed.startup().done, 5_000, 'done')) as GstPipelineError;
  assert.match(first.message, /not found/i);
});

test('the end runs once: onStopped once however often it is asked to stop, at once when never started', async () => {
  const never = new Recording(LIVE);
  never.stopNow();
  assert.equal(never.calls, ['stopped'], 'torn down at once when nothing started');
  never.stopNow();
  await within(never.shutdown(), 1_000, 'shutdown');
  assert.equal(never.calls, ['stopped']);

  const started = track(new Recording(LIVE)).startup();
  started.stopNow();
  started.stopNow();
  started[Symbol.dispose]();
  await within(started.done, 5_000, 'done');
  await within(started.shutdown(), 1_000, 'shutdown after the end');
  assert.equal(started.calls, ['stopped']);
  const again = thrownBy(() => started.startup());
  assert.is(again.message, `cannot start Recording "${LIVE}": it has ended (end of stream or shutdown()); create a new one`);
});

// ---- shutdown's paths

test('shutdown of a pipeline whose sendEndOfStream throws: NULL at once, done rejects with what went wrong', async () => {
  class NoEos extends GstPipeline {
    protected override sendEndOfStream(): boolean {
      throw new Error('no way to end');
    }
  }
  const pipeline = track(new NoEos(LIVE)).startup();
  await within(reachesState(pipeline, Gst.State.PLAYING), 5_000, 'PLAYING');
  await within(pipeline.shutdown(2 ** 31 - 1), 2_000, 'shutdown');
  const error = (await rejectionOf(pipeline.done, 1_000, 'done')) as GstPipelineError;
  assert.is(error.message, 'sending the end of stream failed: no way to end');
  assert.is((error.cause as Error).message, 'no way to end');
});

test('shutdown whose end of stream does not come through in time: appsinks are told to drop, and it ends', async () => {
  // nobody pulls: the streaming thread waits in the full appsink, the end of stream behind it
  const pipeline = track(
    new GstPipeline('videotestsrc is-live=true ! video/x-raw,width=16,height=16 ! appsink name=sink max-buffers=1 sync=false'),
  ).startup();
  await within(reachesState(pipeline, Gst.State.PLAYING), 5_000, 'PLAYING');
  const sink = pipeline.getOneByCls(GstApp.AppSink);
  assert.is(sink.drop, false);
  await within(pipeline.shutdown(50), 5_000, 'shutdown');
  assert.is(sink.drop, true, 'the appsink drops');
  assert.is(sink.waitOnEos, false, 'and does not wait for the end of stream');
  assert.is(pipeline.error, null, 'no frame function held it: no error');
  await within(pipeline.done, 1_000, 'done');
});

test('shutdown while a frame function holds the first frame: it waits for the frame, then ends without error', async () => {
  // framesSettled() waits for the frames of every pipeline: a frame function an earlier suite of
  // the same process left pending (test/element-async.test.ts) holds it until the timeout.
  const othersPending = await Promise.race([
    framesSettled().then(() => false),
    new Promise<boolean>((resolve) => setImmediate(() => resolve(true))),
  ]);
  const held = new Promise<void>((resolve) => (Gate.held = resolve));
  const pipeline = track(new GstPipeline(`videotestsrc ! ${GRAY} ! test_branches_gate name=g ! fakesink`)).startup();
  await within(held, 5_000, 'the first frame held');
  const stopped = pipeline.shutdown(othersPending ? 500 : 2 ** 31 - 1);
  assert.is(pipeline.shutdown(), stopped, 'the same promise');
  assert.is(pipeline.isDone, false, 'waits for the frame');
  // the frames after it pass: only the held one is waited for
  Gate.held = null;
  Gate.pass = 1_000;
  Gate.release!();
  await within(stopped, 5_000, 'shutdown once the frame settled');
  assert.is(pipeline.isDone, true);
  // (held by another suite's frame instead, it ends at its timeout, and may name a frame of g then in flight)
  if (!othersPending) assert.is(pipeline.error, null);
  Gate.pass = 0;
});

test('shutdown while a frame function holds the first frame past the timeout: fails naming the element', async () => {
  const held = new Promise<void>((resolve) => (Gate.held = resolve));
  const pipeline = track(new GstPipeline(`videotestsrc ! ${GRAY} ! test_branches_gate name=g ! fakesink`)).startup();
  await within(held, 5_000, 'the first frame held');
  await within(pipeline.shutdown(30), 5_000, 'shutdown');
  assert.is(pipeline.error?.message, 'g: frame function did not settle within 30 ms');
  assert.is(pipeline.error?.source, 'g');
  assert.is(await rejectionOf(pipeline.done, 1_000, 'done'), pipeline.error);
  Gate.release!();
  Gate.held = null;
});

test('shutdown while a frame function holds a frame of a playing pipeline past the timeout: fails naming the element', async () => {
  Gate.pass = 5;
  const held = new Promise<void>((resolve) => (Gate.held = resolve));
  const pipeline = track(new GstPipeline(`videotestsrc is-live=true ! ${GRAY},framerate=30/1 ! test_branches_gate name=g ! fakesink`));
  pipeline.startup();
  await within(Promise.all([held, reachesState(pipeline, Gst.State.PLAYING)]), 5_000, 'PLAYING, a frame held');
  await within(pipeline.shutdown(30), 5_000, 'shutdown');
  assert.is(pipeline.error?.message, 'g: frame function did not settle within 30 ms');
  Gate.release!();
  Gate.held = null;
});

test('shutdown of a playing pipeline whose frame function holds a frame: the end of stream follows the frame once it settles', async () => {
  Gate.pass = 5;
  const held = new Promise<void>((resolve) => (Gate.held = resolve));
  const pipeline = track(new Recording(`videotestsrc is-live=true ! ${GRAY},framerate=30/1 ! test_branches_gate name=g ! fakesink`));
  pipeline.startup();
  await within(Promise.all([held, reachesState(pipeline, Gst.State.PLAYING)]), 5_000, 'PLAYING, a frame held');
  Gate.held = null;
  Gate.pass = 1_000;
  const stopped = pipeline.shutdown(2 ** 31 - 1);
  Gate.release!();
  await within(stopped, 5_000, 'shutdown');
  assert.is(pipeline.error, null);
  assert.equal(pipeline.calls, ['eos', 'stopped'], 'the end of stream came through');
  Gate.pass = 0;
});

test('shutdown before PLAYING: frames given to an appsrc are ended behind; with no appsrc nothing is waited for', async () => {
  // the second appsrc never gets data: the pipeline prerolls forever
  const pipeline = track(new Recording('appsrc name=fed ! fakesink appsrc name=starved ! fakesink'));
  pipeline.startup();
  const fed = pipeline.getByName('fed', GstApp.AppSrc)!;
  assert.is(fed.pushBuffer(Gst.Buffer.newAllocate(null, 4, null)!), Gst.FlowReturn.OK);
  assert.is.not(pipeline.pipeline.getState(0)[1], Gst.State.PLAYING);
  await within(pipeline.shutdown(2 ** 31 - 1), 5_000, 'shutdown');
  assert.equal(pipeline.calls, ['eos', 'stopped'], 'the appsrcs ended their streams');

  const lone = track(new Recording('fakesink')).startup();
  await within(lone.shutdown(2 ** 31 - 1), 2_000, 'shutdown of a pipeline with nothing to end');
  assert.equal(lone.calls, ['stopped']);
});

test('shutdown of a pipeline set to PAUSED by hand: it is not playing, so it stops at once', async () => {
  const pipeline = track(new Recording('videotestsrc ! fakesink')).startup();
  await within(reachesState(pipeline, Gst.State.PLAYING), 5_000, 'PLAYING');
  pipeline.pipeline.setState(Gst.State.PAUSED);
  assert.equal(pipeline.pipeline.getState(Gst.SECOND).slice(1), [Gst.State.PAUSED, Gst.State.VOID_PENDING]);
  await within(pipeline.shutdown(2 ** 31 - 1), 2_000, 'shutdown');
  assert.equal(pipeline.calls, ['stopped']);
});

// ---- the source watchdog

test('sourceTimeoutMs given: a live source that sends nothing fails the pipeline with GstSourceLostError naming it', async () => {
  const pipeline = track(new GstPipeline('appsrc name=cam is-live=true ! fakesink', { sourceTimeoutMs: 100 })).startup();
  const error = (await rejectionOf(pipeline.done, 5_000, 'done')) as GstSourceLostError;
  assert.instance(error, GstSourceLostError);
  assert.match(error.message, /^cam: source lost: nothing received for \d+ ms \(sourceTimeoutMs is 100 ms\)$/);
  assert.ok(error.silentMs >= 100, `silent for ${error.silentMs} ms`);
  assert.is(error.source, 'cam');
  assert.is(error.debug, null);

  const two = track(
    new GstPipeline('appsrc name=a is-live=true ! fakesink appsrc name=b is-live=true ! fakesink', { sourceTimeoutMs: 100 }),
  ).startup();
  const both = (await rejectionOf(two.done, 5_000, 'done')) as GstSourceLostError;
  assert.match(both.source ?? '', /^(a, b|b, a)$/);
});

/** Pushes a frame into `cam` and resolves once it reached the sink named `sink`. */
test('the watchdog asks whether the consumer holds the stream back (a held-back silence is not a loss)', async () => {
  let asked!: () => void;
  const wasAsked = new Promise<void>((resolve) => (asked = resolve));
  class HeldBack extends GstPipeline {
    protected override isHeldBack(): boolean {
      asked();
      return true;
    }
  }
  const pipeline = track(new HeldBack('appsrc name=cam is-live=true ! fakesink', { sourceTimeoutMs: 100 })).startup();
  await within(wasAsked, 5_000, 'isHeldBack asked');
  assert.is(pipeline.isActive, true);
});

function frameThrough(pipeline: GstPipeline, cam: GstApp.AppSrc): Promise<void> {
  const through = new Promise<void>((resolve) =>
    pipeline
      .getByName('sink')!
      .getStaticPad('sink')!
      .addProbe(Gst.PadProbeType.BUFFER, () => {
        resolve();
        return Gst.PadProbeReturn.REMOVE;
      }),
  );
  assert.is(cam.pushBuffer(Gst.Buffer.newAllocate(null, 4, null)!), Gst.FlowReturn.OK);
  return within(through, 5_000, 'a frame through');
}

const CAM = 'appsrc name=cam is-live=true format=time ! fakesink name=sink sync=false';

/** A live appsrc that has sent a frame and plays. */
async function playingCam(options: { sourceTimeoutMs?: number }): Promise<{ pipeline: GstPipeline; cam: GstApp.AppSrc }> {
  const pipeline = track(new GstPipeline(CAM, { ...options, onWarning: () => undefined })).startup();
  const cam = pipeline.getOneByCls(GstApp.AppSrc);
  await frameThrough(pipeline, cam);
  await within(reachesState(pipeline, Gst.State.PLAYING), 5_000, 'PLAYING');
  return { pipeline, cam };
}

const READ = (): GLib.Error => gerror(Gst.resourceErrorQuark(), Gst.ResourceError.READ, 'Could not read.');

test('a watched source whose last word was a resource warning, then end of stream: the stream was lost, not ended', async () => {
  const { pipeline, cam } = await playingCam({ sourceTimeoutMs: 60_000 });
  postWarning(pipeline, cam, READ());
  await busTurn(pipeline);
  cam.endOfStream();
  const error = (await rejectionOf(pipeline.done, 5_000, 'done')) as GstSourceLostError;
  assert.instance(error, GstSourceLostError);
  assert.is(error.message, 'cam: source lost: Could not read. (then end of stream)');
  assert.is(error.debug, 'warning details');
});

test('not a loss: a frame after the warning, a warning of another kind or from another element, a watch turned off, or a shutdown', async () => {
  const cases: ReadonlyArray<[string, { sourceTimeoutMs?: number }, (p: GstPipeline, cam: GstApp.AppSrc) => void | Promise<void>]> = [
    [
      'a frame after the warning',
      { sourceTimeoutMs: 60_000 },
      async (p, cam) => {
        postWarning(p, cam, READ());
        await busTurn(p);
        await frameThrough(p, cam);
      },
    ],
    ['a core warning', { sourceTimeoutMs: 60_000 }, (p, cam) => postWarning(p, cam, gerror(Gst.coreErrorQuark(), 1, 'Core.'))],
    ['a warning from the sink', { sourceTimeoutMs: 60_000 }, (p) => postWarning(p, p.getByName('sink'), READ())],
    ['a warning from nowhere', { sourceTimeoutMs: 60_000 }, (p) => postWarning(p, null, READ())],
    ['the watch off', { sourceTimeoutMs: 0 }, (p, cam) => postWarning(p, cam, READ())],
    ['a live source not watched by default', {}, (p, cam) => postWarning(p, cam, READ())],
  ];
  for (const [what, options, before] of cases) {
    const { pipeline, cam } = await playingCam(options);
    await before(pipeline, cam);
    await busTurn(pipeline);
    cam.endOfStream();
    await within(pipeline.done, 5_000, `${what}: done`);
    assert.is(pipeline.error, null, what);
  }
  // the end of stream that shutdown() sends: the user is leaving
  const { pipeline, cam } = await playingCam({ sourceTimeoutMs: 60_000 });
  postWarning(pipeline, cam, READ());
  await busTurn(pipeline);
  await within(pipeline.shutdown(), 5_000, 'shutdown');
  assert.is(pipeline.error, null, 'shutdown');
});

// ---- files

test('a file cut while it is read fails the pipeline instead of ending it', async () => {
  const { file, remove } = tempFile(64 * 1024);
  try {
    const pipeline = track(new GstPipeline(`filesrc name=reader location=${file} blocksize=4096 ! fakesink sync=false`));
    const reader = pipeline.getByName('reader')!;
    reader.getStaticPad('src')!.addProbe(Gst.PadProbeType.BUFFER, () => {
      fs.truncateSync(file, 100);
      return Gst.PadProbeReturn.REMOVE;
    });
    const error = (await rejectionOf(pipeline.startup().done, 5_000, 'done')) as GstPipelineError;
    assert.instance(error, GstPipelineError);
    assert.match(
      error.message,
      /^reader: the file ".*input\.bin" was truncated while it was read \(65536 bytes at the start, 100 at the end/,
    );
  } finally {
    remove();
  }
});

test('a file read to its end ends the pipeline well', async () => {
  const { file, remove } = tempFile(10_000);
  try {
    const pipeline = track(new GstPipeline(`filesrc location=${file} ! fakesink sync=false`));
    await within(pipeline.startup().done, 5_000, 'done');
  } finally {
    remove();
  }
});

test('warning handlers receive the warning object', async () => {
  const got: GstWarning[] = [];
  const pipeline = track(
    new GstPipeline(LIVE.replace('videotestsrc', 'videotestsrc name=src'), { onWarning: (w) => void got.push(w) }),
  ).startup();
  postWarning(pipeline, pipeline.getByName('src'), gerror(Gst.coreErrorQuark(), 1, 'plain'));
  await busTurn(pipeline);
  assert.equal(got, [{ message: 'plain', debug: 'warning details', source: 'src' }]);
});

test.run();
