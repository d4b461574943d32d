/** Glyph + word + tone for every image and blob state, so meaning never rests on colour alone. */
import type { Theme, Tone } from '../shared/theme.js';
import type { BlobStatus, ImageStatus, RetryInfo } from './dashboard-types.js';
import type { BlobOutcome } from '../../core/events.js';

export interface StatusDisplay {
  glyph: string;
  word: string;
  tone: Tone;
}

/** Image states: "⠋ copying", "↻ retry 2/5", "✓ done", "✗ failed", "↷ skipped", "· queued". */
export function imageStatusDisplay(status: ImageStatus, theme: Theme, tick: number, retry?: RetryInfo): StatusDisplay {
  const g = theme.glyphs;
  switch (status) {
    case 'queued':
      return { glyph: g.queued, word: 'queued', tone: 'muted' };
    case 'active':
      if (retry) return { glyph: g.retry, word: `retry ${retry.attempt}/${retry.maxAttempts}`, tone: 'warn' };
      return { glyph: theme.spinner(tick), word: 'copying', tone: 'active' };
    case 'done':
      return { glyph: g.done, word: 'done', tone: 'ok' };
    case 'failed':
      return { glyph: g.failed, word: 'failed', tone: 'error' };
    case 'skipped':
      return { glyph: g.skipped, word: 'skipped', tone: 'muted' };
  }
}

/** Blob states; the word is `blobLabel` ("already exists", "retrying 2/5"…). */
export function blobStatusDisplay(
  status: BlobStatus,
  outcome: BlobOutcome | undefined,
  label: string,
  theme: Theme,
  tick: number,
): StatusDisplay {
  const g = theme.glyphs;
  switch (status) {
    case 'waiting':
      return { glyph: g.queued, word: label, tone: 'muted' };
    case 'copying':
      return { glyph: theme.spinner(tick), word: label, tone: 'active' };
    case 'retrying':
      return { glyph: g.retry, word: label, tone: 'warn' };
    case 'failed':
      return { glyph: g.failed, word: label, tone: 'error' };
    case 'done':
      if (outcome === 'exists') return { glyph: g.exists, word: label, tone: 'ok' };
      if (outcome === 'mounted') return { glyph: g.mounted, word: label, tone: 'ok' };
      return { glyph: g.done, word: label, tone: 'ok' };
  }
}
