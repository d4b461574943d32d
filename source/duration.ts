/** Go-style durations (`10m`, `1m30s`, `500ms`, `0`) as oc-mirror's flags accept them. */
import { UsageError } from '../core/errors.js';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(text: string, flag: string): number {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(trimmed)) !== null) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== trimmed.length) {
    throw new UsageError(`invalid value "${text}" for --${flag}: expected a duration like 10m, 30s, 1m30s or 500ms`);
  }
  return Math.round(total);
}
