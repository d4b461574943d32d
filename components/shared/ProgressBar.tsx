import { Text } from 'ink';
import type { Tone } from './theme.js';
import { useTheme } from './theme.js';

/** Bars narrower than this say nothing; wider ones waste the columns references need. */
export const BAR_MIN_WIDTH = 4;
export const BAR_MAX_WIDTH = 40;

/** Clamps a requested bar width into [BAR_MIN_WIDTH, BAR_MAX_WIDTH]. */
export function clampBarWidth(width: number): number {
  if (!Number.isFinite(width)) return BAR_MIN_WIDTH;
  return Math.min(BAR_MAX_WIDTH, Math.max(BAR_MIN_WIDTH, Math.floor(width)));
}

/**
 * The bar as [filled, empty] strings of exactly `width` characters together. Fractions outside 0..1 (or NaN
 * from a 0/0 size) are clamped, and "done" forces a full bar like skopeo does for skipped blobs.
 */
export function progressBarParts(
  fraction: number,
  width: number,
  glyphs: { barFull: string; barEmpty: string },
): [string, string] {
  const w = clampBarWidth(width);
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.floor(f * w);
  return [glyphs.barFull.repeat(filled), glyphs.barEmpty.repeat(w - filled)];
}

export interface ProgressBarProps {
  /** 0..1; clamped. */
  fraction: number;
  /** Requested width in columns; clamped to 4..40. */
  width: number;
  /** Colour of the filled part. @default 'active' */
  tone?: Tone;
}

/** A fixed-width bar (`█░` or ASCII `#-`); the glyphs carry the value, the colour only decorates it. */
export function ProgressBar({ fraction, width, tone = 'active' }: ProgressBarProps) {
  const theme = useTheme();
  const [filled, empty] = progressBarParts(fraction, width, theme.glyphs);
  return (
    <Text wrap="truncate">
      <Text color={theme.tone(tone)}>{filled}</Text>
      <Text color={theme.tone('muted')}>{empty}</Text>
    </Text>
  );
}
