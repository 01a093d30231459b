/**
 * SourceWatch: the library's watchdog on a pipeline's network sources (docs/sources.md). A
 * camera that loses power or network sends nothing more and closes nothing: GStreamer's own
 * timeouts end such a stream late (rtspsrc: after 20-30 s) and as a normal end of stream. The
 * watch times the silence and tells its pipeline when it passes the limit.
 *
 * How silence is measured: a native buffer probe on each src pad of the network sources stores
 * the time of the latest buffer (src/native/source_watch.cc; one atomic store per buffer); a
 * timer here reads it every twentieth of the limit (25 to 500 ms), which also probes pads and
 * sources that appeared since. Silence does not count while the pipeline is not meant to play
 * (target state below PLAYING) or while its consumer holds the stream back (a full queue).
 */
import { Gst } from './gi';
import { native } from './native';

/** The watchdog's limit when the pipeline has network sources and the option is not given: 10 s. */
export const DEFAULT_SOURCE_TIMEOUT_MS = 10_000;
/**
 * An end of stream after this much silence from a network source is a loss, not an end (a
 * stream that ends sends its last data just before its end; rtspsrc ends a frozen server's
 * stream 20-30 s after its last data).
 */
export const END_AFTER_SILENCE_MS = 5_000;

/** The watched sources' silence at one moment. */
export interface Silence {
  /** ms since the latest buffer from any watched source (or since the pipeline was set to PLAYING) */
  silentMs: number;
  /** names of the watched sources (`rtspsrc0`...) */
  sources: string[];
}

/** ms between two reads of the silence: a twentieth of the limit, 25 to 500 ms; 1 s when only ends are judged. */
function checkEvery(timeoutMs: number): number {
  return timeoutMs > 0 ? Math.min(500, Math.max(25, timeoutMs / 20)) : 1000;
}

/** Watches one pipeline's network (and, with `live`, live) sources for silence. */
export class SourceWatch {
  private id: number;
  private readonly timer: NodeJS.Timeout;

  /**
   * Silence counts from now.
   * @param timeoutMs silence that makes `onLost` run; 0: never (the silence is still there to ask)
   * @param heldBack true while the pipeline's consumer holds the stream back: not silence
   */
  constructor(
    pipeline: Gst.Pipeline,
    private readonly timeoutMs: number,
    live: boolean,
    private readonly heldBack: () => boolean,
    private readonly onLost: (silence: Silence) => void,
  ) {
    this.id = native.watchSources(pipeline, { live });
    this.timer = setInterval(() => this.check(), checkEvery(timeoutMs));
    // The pipeline keeps the process alive while it plays (src/context.ts), not its watch.
    this.timer.unref();
  }

  /** The silence now; null once stopped, or when no watched source has been found. */
  silence(): Silence | null {
    if (this.id === 0) return null;
    const [silentMs, sources] = native.sourceSilence(this.id, { restart: this.heldBack() });
    return sources.length > 0 ? { silentMs, sources } : null;
  }

  /** Removes the probes and the timer. Idempotent. */
  stop(): void {
    clearInterval(this.timer);
    if (this.id !== 0) native.unwatchSources(this.id);
    this.id = 0;
  }

  private check(): void {
    if (this.id === 0) return;
    const [silentMs, sources, state] = native.sourceSilence(this.id, { restart: this.heldBack() });
    if (sources.length === 0) {
      // Every source exists once the pipeline plays: none to watch in this one.
      if (state === Gst.State.PLAYING) this.stop();
      return;
    }
    if (this.timeoutMs > 0 && silentMs >= this.timeoutMs) {
      this.stop();
      this.onLost({ silentMs, sources });
    }
  }
}
