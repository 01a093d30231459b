/**
 * What GstVideoSource and GstAudioSource share: a pipeline ending in one appsink, read by the
 * sample engine (src/samples.ts) in native batches (`pullFrames`, src/native/samples.cc) into the
 * queue `pop()` and `for await` read (src/frame-queue.ts). A source only says how a pulled sample
 * becomes its frame ({@link SampleSource.frameOf}) and how far ahead of `pop()` it pulls.
 * (Not exported from the package's entry; its declarations stay, as the sources' base.)
 */
import { describeValue, type GstPipelineError, GstStateError } from './errors';
import { Gst, GstApp } from './gi';
import { frameLayout, native, type NativeFrame } from './native';
import { GstPipeline, type GstPipelineOptions } from './pipeline';
import { FrameQueue } from './frame-queue';
import { interruptSignal } from './context';
import { engineError, SAMPLES_PER_TURN, SampleEngine, type SampleConsumer } from './samples';

/** What every source's frames have: a way to give their memory back. */
export interface ReleasableFrame {
  release(): void;
}

/** The options every source takes. */
export interface SampleSourceOptions<F> extends GstPipelineOptions {
  /** When the queue is full, drop the oldest frame instead of holding the pipeline back. Default false. */
  leaky?: boolean;
  /** Frames the queue holds, a positive integer. Default 100. */
  maxBuffersSize?: number;
  /** Called for each frame a leaky queue drops, with the count of drops so far. */
  onDrop?: (frame: F, dropped: number) => void;
}

/** How a source reads its appsink (fixed by the subclass, not the user). */
export interface SampleSourceMode {
  /** the class name errors about options start with */
  readonly name: string;
  /** frames are views of GStreamer's memory, each on loan until the next pop() */
  readonly zeroCopy: boolean;
  /** copies are made on the streaming thread (worth it for large frames only) */
  readonly copyOnStream: boolean;
}

/** `maxBuffersSize` checked: a positive integer (a RangeError or TypeError naming the option otherwise). */
function queueSizeOption(name: string, value: unknown): number {
  if (value === undefined) return 100;
  if (typeof value !== 'number') throw new TypeError(`${name}: maxBuffersSize must be a number, got ${typeof value}`);
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name}: maxBuffersSize must be a positive integer, got ${value}`);
  return value;
}

/** A boolean option checked (TypeError naming it otherwise), false when left out. */
export function flagOption(name: string, options: object, key: string): boolean {
  const value = (options as Record<string, unknown>)[key];
  if (value !== undefined && typeof value !== 'boolean') throw new TypeError(`${name}: ${key} must be a boolean, got ${typeof value}`);
  return value === true;
}

/** The warning code of {@link warnOpenFormat}: `node --disable-warning=GSTREAMER_TS_OPEN_FORMAT` silences it. */
export const OPEN_FORMAT_WARNING = 'GSTREAMER_TS_OPEN_FORMAT';
/** Elements that pass caps through unchanged: caps before them still say what reaches the appsink. */
const PASS_THROUGH = new Set(['capsfilter', 'queue', 'queue2', 'identity', 'tee', 'valve']);
let openFormatWarned = false;

/**
 * The caps the user wrote for what reaches `appsink`: its own `caps`, and those of the caps
 * filters before it, walking up through elements that pass caps through (queue, identity...).
 */
function capsAskedOf(appsink: GstApp.AppSink): Gst.Caps[] {
  const asked: Gst.Caps[] = [];
  if (appsink.caps) asked.push(appsink.caps);
  let element: Gst.Element | null = appsink.getStaticPad('sink')?.getPeer()?.getParentElement() ?? null;
  for (let hops = 0; element && hops < 32; hops++) {
    const factory = element.getFactory()?.name ?? '';
    if (!PASS_THROUGH.has(factory)) break;
    if (factory === 'capsfilter') {
      const caps = (element as Gst.Element & { caps?: Gst.Caps | null }).caps;
      if (caps) asked.push(caps);
    }
    element = element.getStaticPad('sink')?.getPeer()?.getParentElement() ?? null;
  }
  return asked;
}

/** Whether any of `caps` names a format. */
function namesFormat(caps: readonly Gst.Caps[]): boolean {
  return caps.some((c) => {
    for (let i = 0; i < c.getSize(); i++) if (c.getStructure(i).hasField('format')) return true;
    return false;
  });
}

/**
 * Says once per process (a process warning, code {@link OPEN_FORMAT_WARNING}) when the caps before
 * an appsink leave the format open: GStreamer then picks one (videotestsrc's first is 16-bit
 * ABGR64_LE on 1.22), rarely the one the user meant.
 */
function warnOpenFormat(source: string, appsink: GstApp.AppSink, media: string, format: string, data: unknown): void {
  if (openFormatWarned || namesFormat(capsAskedOf(appsink))) return;
  openFormatWarned = true;
  const example =
    media === 'audio' ? 'audioconvert ! audio/x-raw,format=S16LE ! appsink' : 'videoconvert ! video/x-raw,format=RGB ! appsink';
  process.emitWarning(
    `${source}: the caps before appsink "${appsink.name}" leave the format open, and GStreamer chose ${format}${ArrayBuffer.isView(data) ? ` (frames of ${data.constructor.name})` : ''}. ` +
      `Name the format you want in the caps, e.g. "... ! ${example}" (node --disable-warning=${OPEN_FORMAT_WARNING} silences this).`,
    { code: OPEN_FORMAT_WARNING },
  );
}

/** Frames out of a pipeline that ends in one appsink, by the one sample engine: the base of GstVideoSource and GstAudioSource. */
export abstract class SampleSource<F extends ReleasableFrame> extends GstPipeline implements AsyncIterable<F> {
  /** The pipeline's appsink. */
  readonly appsink: GstApp.AppSink;
  protected readonly leaky: boolean;
  protected readonly maxBuffersSize: number;
  private readonly mode: SampleSourceMode;
  /** what each native pull is asked for (made once: a pull happens every batch) */
  private readonly pullOptions: { zeroCopy: boolean };
  /** the zero-copy frame handed out last, released at the next pop */
  private onLoan: F | null = null;
  private readonly queue: FrameQueue<F>;
  private engine: SampleEngine | null = null;
  private flushProbe: bigint | null = null;
  private pulled = 0;

  constructor(command: string | Gst.Element, options: SampleSourceOptions<F>, mode: SampleSourceMode) {
    if (typeof options !== 'object' || options === null)
      throw new TypeError(`${mode.name}: options must be an object, got ${describeValue(options)}`);
    const maxBuffersSize = queueSizeOption(mode.name, options.maxBuffersSize);
    const leaky = flagOption(mode.name, options, 'leaky');
    if (options.onDrop !== undefined && typeof options.onDrop !== 'function')
      throw new TypeError(`${mode.name}: onDrop must be a function, got ${typeof options.onDrop}`);
    super(command, options);
    this.mode = mode;
    this.pullOptions = { zeroCopy: mode.zeroCopy };
    this.leaky = leaky;
    this.maxBuffersSize = maxBuffersSize;
    this.queue = new FrameQueue(leaky ? maxBuffersSize : null, options.onDrop);
    this.appsink = this.getOneByCls(GstApp.AppSink);
  }

  /** A pulled sample as this source's frame; throws a {@link GstPipelineError} for caps it cannot read. */
  protected abstract frameOf(raw: NativeFrame): F;

  /** Frames the queue holds before the pipeline is held back (without `leaky`). */
  protected queueBound(): number {
    return this.maxBuffersSize;
  }

  /** Buffers received from the appsink so far. */
  get totalBuffersCount(): number {
    return this.pulled;
  }

  /** Buffers waiting in the queue. */
  get queueSize(): number {
    return this.queue.length;
  }

  /** Buffers a leaky queue dropped so far. */
  get droppedCount(): number {
    return this.queue.dropped;
  }

  protected override onPipelineInit(): void {
    this.appsink.emitSignals = true;
    const consumer: SampleConsumer = { room: () => this.room(), take: (limit) => this.take(limit) };
    this.engine = new SampleEngine(this.appsink, consumer);
    if (this.mode.copyOnStream && !this.mode.zeroCopy) this.engine.copyOnStream();
    // A flushing seek: frames queued before it belong to the old position.
    const pad = this.appsink.getStaticPad('sink');
    if (pad)
      this.flushProbe = pad.addProbe(Gst.PadProbeType.EVENT_FLUSH, () => {
        this.dropQueued();
        return Gst.PadProbeReturn.OK;
      });
  }

  protected override onEos(): void {
    this.engine?.drainAll();
  }

  /** A failure that a waiting pop() hands to its caller is not printed: it has been seen. */
  protected override onError(error: GstPipelineError): void {
    if (this.queue.waiting === 0) super.onError(error);
  }

  /** A full queue (not leaky) holds the stream back: not the source's silence (docs/sources.md). */
  protected override isHeldBack(): boolean {
    return !this.leaky && this.queue.length >= this.queueBound();
  }

  protected override sendEndOfStream(): boolean {
    // The reader is leaving: samples still in the appsink need not wait for it.
    this.appsink.drop = true;
    this.appsink.waitOnEos = false;
    return super.sendEndOfStream();
  }

  protected override onStopped(): void {
    this.engine?.close();
    if (this.flushProbe !== null) {
      this.appsink.getStaticPad('sink')?.removeProbe(Number(this.flushProbe));
      this.flushProbe = null;
    }
    this.queue.end();
  }

  /**
   * A promise of the next frame: it resolves at once when one is queued, else when one arrives;
   * to null when the stream is over and the queue empty, or after `timeoutMs` without a frame. It
   * rejects with the pipeline's error once the queue is empty after a failure, and with a
   * {@link GstStateError} before {@link startup}.
   */
  pop(timeoutMs?: number): Promise<F | null> {
    if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs >= 0))
      return Promise.reject(new RangeError(`pop(timeoutMs): timeoutMs must be a number >= 0, got ${String(timeoutMs)}`));
    if (!this.engine && !this.isDone)
      return Promise.reject(new GstStateError('pop() before startup(): call startup() first, then pop frames'));
    if (this.onLoan) {
      this.onLoan.release();
      this.onLoan = null;
    }
    // Samples may be ready that no wake-up announced yet: take them now, not a loop turn later.
    if (this.queue.length === 0) this.engine?.drain();
    const frame = this.queue.shift();
    if (frame && this.mode.zeroCopy) this.onLoan = frame;
    if (frame) {
      this.engine?.resume();
      return Promise.resolve(frame);
    }
    if (this.isDone) return this.error ? Promise.reject(this.error) : Promise.resolve(null);
    const next = this.queue.wait(timeoutMs, () => this.error);
    if (!this.mode.zeroCopy) return next;
    return next.then((frame) => {
      if (frame) this.onLoan = frame;
      return frame;
    });
  }

  /**
   * Every frame until the end of the stream; throws the pipeline's error if it fails. Leaving the
   * loop early (`break`, `return`, a throw) shuts the source down, as leaving a Node stream's loop
   * destroys the stream: a script without `await using` still ends by itself. {@link interruptAll}
   * (Ctrl-C in `npm run repl`) ends the loop with an `AbortError`.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<F> {
    const signal = interruptSignal();
    let abort: (() => void) | null = null;
    const aborted = new Promise<never>((_, reject) => {
      abort = () => reject(signal.reason);
      signal.addEventListener('abort', abort, { once: true });
    });
    aborted.catch(() => undefined);
    let ended = false;
    try {
      for (;;) {
        signal.throwIfAborted();
        const frame = await Promise.race([this.pop(), aborted]);
        if (frame === null) {
          ended = true;
          return;
        }
        yield frame;
      }
    } finally {
      if (abort) signal.removeEventListener('abort', abort);
      // The loop was left before the end (or pop failed): nothing will read the rest.
      if (!ended) await this.shutdown();
    }
  }

  /** Frames the queue takes now (the engine's question; a full, non-leaky queue holds the stream back). */
  private room(): number {
    if (this.isDone) return 0;
    return this.leaky ? Number.POSITIVE_INFINITY : this.queueBound() - this.queue.length;
  }

  /** Takes up to `limit` samples out of the appsink into the queue (the engine's call). */
  private take(limit: number): number {
    if (this.isDone) return 0;
    const zeroCopy = this.mode.zeroCopy;
    let taken = 0;
    try {
      while (taken < limit) {
        const want = Math.min(limit - taken, SAMPLES_PER_TURN);
        const batch = native.pullFrames(this.appsink, want, this.pullOptions);
        for (const raw of batch) {
          const layout = frameLayout(raw);
          const frame = this.frameOf(raw);
          if (layout && !openFormatWarned)
            warnOpenFormat(this.mode.name, this.appsink, layout.media, layout.format, (frame as { data?: unknown }).data);
          this.pulled++;
          this.queue.push(frame);
          // Copies come back at garbage collection; zero-copy frames at the next pop().
          if (!zeroCopy) this.engine?.reclaim();
        }
        taken += batch.length;
        if (batch.length < want) break;
      }
    } catch (error) {
      // Runs from a native wake-up: nothing above would catch it.
      this.fail(engineError(this.appsink, error));
    }
    return taken;
  }

  /** Drops the queued frames (a flushing seek went through the appsink). */
  private dropQueued(): void {
    for (const frame of this.queue.clear()) frame.release();
  }
}
