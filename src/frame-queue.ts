/**
 * The queue between an appsink and `pop()`, shared by GstVideoSource and GstAudioSource: frames
 * waiting for a pop, and pops waiting for a frame (each with its own timeout). A leaky queue
 * drops its oldest frame past its bound, counts it, tells `onDrop` and releases it.
 */
export class FrameQueue<F extends { release(): void }> {
  private readonly frames: F[] = [];
  private readonly waiters: Array<(frame: F | null) => void> = [];
  /** Frames a leaky queue dropped so far. */
  dropped = 0;

  /**
   * @param leakyBound frames a leaky queue keeps (null: not leaky; the caller holds the stream back)
   * @param onDrop told of each frame a leaky queue drops, with the count so far
   */
  constructor(
    private readonly leakyBound: number | null,
    private readonly onDrop?: (frame: F, dropped: number) => void,
  ) {}

  /** Frames waiting for a pop. */
  get length(): number {
    return this.frames.length;
  }

  /** Pops waiting for a frame (they get the failure, if the stream fails). */
  get waiting(): number {
    return this.waiters.length;
  }

  /** The oldest waiting frame, taken out. */
  shift(): F | undefined {
    return this.frames.shift();
  }

  /** Hands `frame` to the oldest waiting pop, or queues it. */
  push(frame: F): void {
    const waiter = this.waiters.shift();
    if (waiter) return waiter(frame);
    this.frames.push(frame);
    if (this.leakyBound !== null && this.frames.length > this.leakyBound) {
      const oldest = this.frames.shift()!;
      this.dropped++;
      this.onDrop?.(oldest, this.dropped);
      oldest.release();
    }
  }

  /**
   * The next frame pushed; null after `timeoutMs`, or at {@link end}, which rejects instead with
   * what `failure()` then returns, if anything.
   */
  wait(timeoutMs: number | undefined, failure: () => unknown): Promise<F | null> {
    return new Promise<F | null>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter = (next: F | null): void => {
        clearTimeout(timer);
        const error = next === null ? failure() : undefined;
        if (error) reject(error);
        else resolve(next);
      };
      this.waiters.push(waiter);
      if (timeoutMs !== undefined)
        timer = setTimeout(() => {
          // The timer fires only while the waiter is queued: a waiter is taken out before it is
          // called (push, end), and the call clears the timer.
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          resolve(null);
        }, timeoutMs);
    });
  }

  /** The stream is over: every waiting pop settles (null, or the failure). */
  end(): void {
    for (const waiter of this.waiters.splice(0)) waiter(null);
  }

  /** Takes every waiting frame out (a flushing seek). */
  clear(): F[] {
    return this.frames.splice(0);
  }
}
