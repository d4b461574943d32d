/**
 * Where an interrupted run is stopped, as predicates over its JSON event stream (see cli-process.ts).
 */
import type { JsonEvent } from './cli-process.js';

/**
 * The n-th `blob.progress` of a big blob (size ≥ minSize, not yet complete) seen after at least one big blob
 * was copied in this run: the run has made progress worth keeping, and another big blob is half-way.
 */
export function midBlobAfterOneCompleted(n: number, minSize: number): (event: JsonEvent) => boolean {
  let completed = false;
  let count = 0;
  return (event) => {
    if (event.type === 'blob.done' && event.outcome === 'copied' && Number(event.size) >= minSize) completed = true;
    else if (
      completed &&
      event.type === 'blob.progress' &&
      Number(event.size) >= minSize &&
      Number(event.bytes) < Number(event.size)
    ) {
      count++;
    }
    return count >= n;
  };
}

/** The first `archive.progress` event: the archive writer has begun streaming blobs into its partial chunk. */
export function archiveStarted(event: JsonEvent): boolean {
  return event.type === 'archive.progress';
}
