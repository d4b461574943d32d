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

/** Scroll offset that keeps row `index` inside a window of `rows`, clamped to the list. */
export function scrollToShow(scroll: number, index: number, rows: number, total: number): number {
  const page = Math.max(1, rows);
  let next = scroll;
  if (index >= 0) {
    if (index < next) next = index;
    else if (index >= next + page) next = index - page + 1;
  }
  return clampScroll(next, page, total);
}

/** Clamps a scroll offset to [0, total - rows]. */
export function clampScroll(scroll: number, rows: number, total: number): number {
  const max = Math.max(0, total - Math.max(1, rows));
  if (!Number.isFinite(scroll)) return 0;
  return Math.min(max, Math.max(0, Math.trunc(scroll)));
}
