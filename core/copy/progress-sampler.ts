/**
 * Turns per-chunk byte counts into sampled `blob.progress` events: transfers only bump counters,
 * and one shared timer emits what changed every PROGRESS_INTERVAL_MS. UIs never see per-chunk events.
 */
import { PROGRESS_INTERVAL_MS, type EventInput } from '../events.js';

interface ActiveBlob {
  imageId: string;
  digest: string;
  size: number;
  bytes: number;
  reported: number;
}

export class ProgressSampler {
  private readonly active = new Map<string, ActiveBlob>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly emit: (event: EventInput) => void) {}

  start(imageId: string, digest: string, size: number): (n: number) => void {
    const key = `${imageId} ${digest}`;
    const entry: ActiveBlob = { imageId, digest, size, bytes: 0, reported: 0 };
    this.active.set(key, entry);
    this.ensureTimer();
    return (n) => {
      entry.bytes += n;
    };
  }

  /** A retry starts the transfer over: progress goes back to zero. */
  reset(imageId: string, digest: string): void {
    const entry = this.active.get(`${imageId} ${digest}`);
    if (!entry) return;
    entry.bytes = 0;
    entry.reported = -1;
  }

  finish(imageId: string, digest: string): void {
    this.active.delete(`${imageId} ${digest}`);
    if (this.active.size === 0) this.stopTimer();
  }

  close(): void {
    this.active.clear();
    this.stopTimer();
  }

  private flush(): void {
    for (const entry of this.active.values()) {
      if (entry.bytes === entry.reported) continue;
      entry.reported = entry.bytes;
      this.emit({
        type: 'blob.progress',
        imageId: entry.imageId,
        digest: entry.digest,
        bytes: entry.bytes,
        size: entry.size,
      });
    }
  }

  private ensureTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.flush(), PROGRESS_INTERVAL_MS);
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
