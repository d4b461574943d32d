/** Scrolling a window of rows over a list: shared by the dashboard, the delete review and the config builder. */

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
