/**
 * Frame time of an Ink view after a key: the time from writing the key to stdin until Ink has written the
 * next frame (reducer, filtering, React render, Yoga layout and output included). Ink renders in debug mode in
 * the harness, so every commit writes a frame and nothing is throttled.
 */
import { performance } from 'node:perf_hooks';

export interface FrameTarget {
  /** Writes raw input to the app's stdin. */
  writeRaw(data: string): void;
  /** Number of frames written so far. */
  frameCount(): number;
}

export interface FrameStats {
  count: number;
  p50: number;
  p95: number;
  max: number;
  samples: number[];
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function measureKeyFrames(
  target: FrameTarget,
  steps: { data: string }[],
  timeoutMs = 5000,
): Promise<FrameStats> {
  const samples: number[] = [];
  for (const step of steps) {
    await tick();
    const before = target.frameCount();
    const started = performance.now();
    target.writeRaw(step.data);
    while (target.frameCount() === before) {
      if (performance.now() - started > timeoutMs) throw new Error(`no frame within ${timeoutMs} ms after a key`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    samples.push(performance.now() - started);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { count: samples.length, p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1], samples };
}
