/**
 * Ended pipelines give back what they still hold at a bounded pace.
 *
 * A GObject is finalized only once V8 collects node-gtk's wrapper of it (docs/node-gtk.md,
 * 'Object lifetimes'), and the wrappers are small JS objects: V8 sees no reason to collect them.
 * The pipeline's bus is let go at the end (see GstPipeline), but an element may keep more: an
 * appsink that handed out samples keeps the last buffer, that buffer its pool, and the pool two
 * sockets. A loop of short pipelines then runs out of file descriptors long before the JS heap
 * grows (under `ulimit -n 1024` the process aborted after 251 pipelines). So when the open file
 * descriptors have grown by {@link FD_SLACK} since the quietest point seen, a pipeline's end
 * brings one full collection, and the pipelines nobody references give everything back.
 */
import * as fs from 'node:fs';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

/** Open fds beyond the lowest count seen before ended pipelines bring a collection. */
const FD_SLACK = 32;
/** Without /proc/self/fd to count: one collection per this many ended pipelines. */
const ENDED_PER_COLLECTION = 16;

/** V8's `gc()` (what `--expose-gc` gives), obtained without the flag on the command line. @internal */
export const collectGarbage: (options?: { type: 'minor' | 'major' }) => void = (() => {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;
})();

function openFds(): number {
  try {
    return fs.readdirSync('/proc/self/fd').length;
  } catch {
    return -1;
  }
}

let quietest = Number.POSITIVE_INFINITY;
let endedSinceCollection = 0;
let scheduled = false;

/** A pipeline ended: what it holds may be collectable now. @internal */
export function pipelineEnded(): void {
  endedSinceCollection++;
  const open = openFds();
  if (open >= 0) {
    quietest = Math.min(quietest, open);
    if (open - quietest < FD_SLACK) return;
  } else if (endedSinceCollection < ENDED_PER_COLLECTION) {
    return;
  }
  if (scheduled) return;
  scheduled = true;
  // A turn later: the caller's own references (the promise chain that just settled) are gone by then.
  setImmediate(() => {
    scheduled = false;
    endedSinceCollection = 0;
    // gc() itself: gc({ type: 'major' }) leaves node-gtk's wrappers alone (measured).
    collectGarbage();
    // The objects are finalized from a GLib idle after the collection: measure afresh from there.
    quietest = Number.POSITIVE_INFINITY;
  }).unref();
}
