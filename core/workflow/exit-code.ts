/**
 * oc-mirror's exit-code bit mask (§2.9): 1 generic, 2 release, 4 operator, 8 additional, 16 helm, OR-ed.
 * 130 after a cancel (the shell convention for SIGINT), which oc-mirror does not define.
 */
import type { ContentKind } from '../image-types.js';

export const EXIT = {
  ok: 0,
  generic: 1,
  cancelled: 130,
} as const;

export const KIND_BIT: Record<ContentKind, number> = {
  release: 2,
  operator: 4,
  additional: 8,
  helm: 16,
};

/** Bits of every kind whose copied count differs from its collected count. */
export function batchExitCode(byKind: Partial<Record<ContentKind, { ok: number; total: number }>>): number {
  let code = 0;
  for (const [kind, counts] of Object.entries(byKind) as [ContentKind, { ok: number; total: number }][]) {
    if (counts.ok !== counts.total) code |= KIND_BIT[kind];
  }
  return code;
}
