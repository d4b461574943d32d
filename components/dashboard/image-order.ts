/**
 * The order of the images table: active transfers first (oldest first, so rows do not jump), then finished
 * ones most recent first, then the queue in plan order. With the "failed" filter: failed only, most recent
 * first. O(n log n) per call; called per frame and per key press, never per event.
 */
import type { ImageFilter, ImageState } from './dashboard-types.js';

export function orderImageIds(
  images: ReadonlyMap<string, ImageState>,
  planOrder: readonly string[],
  filter: ImageFilter,
): string[] {
  const active: ImageState[] = [];
  const finished: ImageState[] = [];
  const queued: string[] = [];
  for (const id of planOrder) {
    const image = images.get(id);
    if (!image) continue;
    if (filter === 'failed') {
      if (image.status === 'failed') finished.push(image);
      continue;
    }
    if (image.status === 'active') active.push(image);
    else if (image.status === 'queued') queued.push(id);
    else finished.push(image);
  }
  active.sort((a, b) => a.startSeq - b.startSeq);
  finished.sort((a, b) => b.finishSeq - a.finishSeq);
  return [...active.map((i) => i.id), ...finished.map((i) => i.id), ...queued];
}
