/**
 * Throughput as a moving average over the last few seconds, from per-second byte buckets. Adding a sample
 * is O(1) (at most RATE_BUCKETS buckets are kept), and the result depends only on event stamps and `now`,
 * so it is reproducible from an array of events.
 */

/** Length of the moving-average window. */
export const RATE_WINDOW_MS = 8_000;
const BUCKET_MS = 1_000;
const RATE_BUCKETS = Math.ceil(RATE_WINDOW_MS / BUCKET_MS) + 1;

export interface RateBucket {
  /** floor(at / 1000) */
  readonly second: number;
  readonly bytes: number;
}

export interface RateWindow {
  readonly buckets: readonly RateBucket[];
  /** Time of the first sample ever: a young transfer is averaged over its real age, not the full window. */
  readonly firstAt?: number;
}

export const EMPTY_RATE: RateWindow = { buckets: [] };

/** Records `bytes` transferred at time `at` (ms). Returns a new window. */
export function addRateSample(window: RateWindow, at: number, bytes: number): RateWindow {
  if (!(bytes > 0)) return window;
  const second = Math.floor(at / BUCKET_MS);
  const buckets = window.buckets;
  const last = buckets[buckets.length - 1];
  let next: RateBucket[];
  if (last && second <= last.second) {
    // Same second, or a slightly out-of-order stamp: fold it into the newest bucket.
    next = buckets.slice(0, -1);
    next.push({ second: last.second, bytes: last.bytes + bytes });
  } else {
    const oldest = second - RATE_BUCKETS + 1;
    next = buckets.filter((b) => b.second >= oldest);
    next.push({ second, bytes });
  }
  return { buckets: next, firstAt: window.firstAt ?? at };
}

/**
 * Bytes per second over [now - RATE_WINDOW_MS, now] (or since the first sample if younger). A bucket cut by
 * the window start counts in proportion to its overlap. Undefined before any sample.
 */
export function rateAt(window: RateWindow, now: number, windowMs = RATE_WINDOW_MS): number | undefined {
  if (window.firstAt === undefined) return undefined;
  const windowStart = now - windowMs;
  let bytes = 0;
  for (const bucket of window.buckets) {
    const start = bucket.second * BUCKET_MS;
    const end = start + BUCKET_MS;
    if (end <= windowStart || start > now) continue;
    const overlap = start >= windowStart ? 1 : (end - windowStart) / BUCKET_MS;
    bytes += bucket.bytes * overlap;
  }
  const span = Math.max(BUCKET_MS, now - Math.max(windowStart, window.firstAt));
  return (bytes * 1000) / span;
}
