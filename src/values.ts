/**
 * Small checks and conversions of values that several modules share (one definition each):
 * whether a user callback returned a promise, and timestamps as the native side reports them.
 * Error messages of thrown values live with the errors (src/errors.ts: messageOf...).
 * @internal
 */

/** Whether `value` is a promise or another thenable (what an async callback returns). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

/** Nanoseconds as the native side reports them (-1: none) to a frame's field (null: none). */
export function time(ns: number): number | null {
  return ns < 0 ? null : ns;
}
