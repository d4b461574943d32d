/**
 * Where an interrupted run is stopped, as predicates over its JSON event stream (see cli-process.ts).
 */
import type { JsonEvent } from './cli-process.js';

/**
 * The n-th `blob.started` / `blob.progress` event of a big blob (size ≥ minSize) that is not done yet, counted
 * after at least one big blob was copied in this run: the run has made progress worth keeping, and another big
 * blob is in flight. (Uploads report their bytes as soon as the socket takes them, so for an upload the
 * progress may already equal the size while the registry has not answered yet: the blob is still in flight.)
 */
export function midBlobAfterOneCompleted(n: number, minSize: number): (event: JsonEvent) => boolean {
  let completed = false;
  const done = new Set<string>();
  let count = 0;
  return (event) => {
    const big = Number(event.size) >= minSize;
    if (event.type === 'blob.done' && big) {
      done.add(String(event.digest));
      if (event.outcome === 'copied') completed = true;
    } else if (completed && big && (event.type === 'blob.started' || event.type === 'blob.progress')) {
      if (!done.has(String(event.digest))) count++;
    }
    return count >= n;
  };
}

/** The first `archive.progress` event: the archive writer has begun streaming files into its partial chunk. */
export function archiveStarted(event: JsonEvent): boolean {
  return event.type === 'archive.progress';
}
