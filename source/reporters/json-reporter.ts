/**
 * `--output json`: every core event as one JSON object per line on stdout (schema: docs/events.md).
 * Byte-progress events are included; consumers that do not need them filter on `type`.
 */
import type { MirrorEvent } from '../../core/events.js';

export function createJsonReporter(write: (line: string) => void): {
  sink: (e: MirrorEvent) => void;
  close: () => void;
} {
  return {
    sink(event) {
      write(JSON.stringify(event));
    },
    close() {},
  };
}

/** Errors that end the run before any event stream exists are reported in the same shape. */
export function jsonErrorLine(code: string, message: string, exitCode: number): string {
  return JSON.stringify({ type: 'error', at: Date.now(), code, message, exitCode });
}
