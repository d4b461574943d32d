/**
 * Headless output for people reading a CI log or a pipe: one line per image state change, warnings,
 * retries, and a heartbeat line every `heartbeatMs` while bytes move, so a long transfer never looks stuck
 * (a frequent complaint about oc-mirror in CI). No escape sequences, no spinners.
 */
import type { MirrorEvent } from '../../core/events.js';
import { EventTextFormatter, formatBytes } from '../../core/workflow/event-text.js';

export interface PlainReporterOptions {
  out: (line: string) => void;
  err: (line: string) => void;
  verbose: boolean;
  heartbeatMs?: number;
}

export function createPlainReporter(options: PlainReporterOptions): {
  sink: (e: MirrorEvent) => void;
  close: () => void;
} {
  const formatter = new EventTextFormatter();
  let planned = 0;
  let finished = 0;
  let knownBytes = 0;
  const blobBytes = new Map<string, number>();
  let movedDone = 0;
  let lastBeat = '';
  const timer = setInterval(() => {
    if (planned === 0 || finished === planned) return;
    let moving = movedDone;
    for (const b of blobBytes.values()) moving += b;
    const line = `progress: ${finished}/${planned} images, ${formatBytes(moving)} transferred${knownBytes ? ` of ${formatBytes(knownBytes)} known` : ''}`;
    if (line !== lastBeat) options.out(line);
    lastBeat = line;
  }, options.heartbeatMs ?? 15_000);
  timer.unref();

  return {
    sink(event) {
      switch (event.type) {
        case 'plan':
          planned = event.images.length;
          break;
        case 'image.blobs':
          knownBytes += event.blobs.reduce((s, b) => s + b.size, 0);
          break;
        case 'blob.progress':
          blobBytes.set(`${event.imageId} ${event.digest}`, event.bytes);
          break;
        case 'blob.done': {
          const key = `${event.imageId} ${event.digest}`;
          blobBytes.delete(key);
          if (event.outcome === 'copied') movedDone += event.size;
          break;
        }
        case 'image.done':
        case 'image.failed':
        case 'image.skipped':
          finished++;
          break;
      }
      for (const line of formatter.format(event, options.verbose)) {
        if (event.type === 'warning' || event.type === 'image.failed') options.err(line);
        else options.out(line);
      }
    },
    close() {
      clearInterval(timer);
    },
  };
}
