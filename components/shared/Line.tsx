/**
 * One terminal line of a live view, given as text segments with semantic tones.
 *
 * NOTE: why not nested `<Text color>`: Ink 6.8 lays out every text with Yoga and caches the measurement of
 * each distinct string in a module-level map it never empties (`measure-text.js`, also `wrap-text.js`). A
 * dashboard whose counters change ten times a second adds entries for hours — tens of megabytes an hour —
 * and measuring lines with block glyphs takes string-width's slow grapheme path every frame. Here Yoga only
 * sees a placeholder of spaces as wide as the line (one cache entry per width), and `<Transform>` hands Ink
 * the painted line when it writes the frame. Screen readers get the plain text.
 */
import chalk, { type ForegroundColorName } from 'chalk';
import { Transform } from 'ink';
import stringWidth from 'string-width';
import { NARROW_GLYPHS, type Theme, type Tone } from './theme.js';

/** A piece of a line: plain text, or text with a tone and/or bold. */
export type Segment = string | { text: string; tone?: Tone; bold?: boolean };

/** Printable ASCII and the dashboard's own glyphs: one column per code point, no need to measure. */
const ONE_COLUMN_EACH = new RegExp(`^[\\x20-\\x7e${NARROW_GLYPHS.replace(/[\\\]^-]/g, '\\$&')}]*$`, 'u');

export function plainOf(segments: readonly Segment[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'string' ? s : s.text;
  return out;
}

/** Terminal columns of plain text. */
export function columnsOf(plain: string): number {
  if (ONE_COLUMN_EACH.test(plain)) {
    let n = 0;
    for (const _ of plain) n++;
    return n;
  }
  return stringWidth(plain);
}

/** The segments with ANSI styles when the theme has colour (chalk drops them on streams without colour). */
export function paint(segments: readonly Segment[], theme: Theme): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'string') {
      out += s;
      continue;
    }
    if (!theme.color || (!s.tone && !s.bold) || s.text === '') {
      out += s.text;
      continue;
    }
    // The theme names the colour of a tone (the same names Ink's `color` prop takes).
    const color = s.tone ? theme.tone(s.tone) : undefined;
    let styled = color ? chalk[color as ForegroundColorName](s.text) : s.text;
    if (s.bold) styled = chalk.bold(styled);
    out += styled;
  }
  return out;
}

/** Cuts plain text to `width` columns (graphemes measured one by one; only for lines with wide characters). */
export function cutToColumns(plain: string, width: number, ellipsis: string): string {
  const room = width - columnsOf(ellipsis);
  let used = 0;
  let out = '';
  for (const { segment } of new Intl.Segmenter().segment(plain)) {
    const w = stringWidth(segment);
    if (used + w > room) return out + ellipsis;
    used += w;
    out += segment;
  }
  return out;
}

export interface LineProps {
  segments: readonly Segment[];
  /** Columns available; a longer line is cut (and loses its colours, which only happens with wide text). */
  width: number;
  theme: Theme;
}

/** A single line: the painted segments in place of a same-width placeholder that Ink measures. */
export function Line({ segments, width, theme }: LineProps) {
  let plain = plainOf(segments);
  let columns = columnsOf(plain);
  let painted: string;
  if (columns > width) {
    plain = cutToColumns(plain, width, theme.glyphs.ellipsis);
    columns = columnsOf(plain);
    painted = plain;
  } else {
    painted = paint(segments, theme);
  }
  return (
    <Transform transform={() => painted} accessibilityLabel={plain}>
      {' '.repeat(Math.max(1, columns))}
    </Transform>
  );
}
