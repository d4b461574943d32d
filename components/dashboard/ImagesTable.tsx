import { Box } from 'ink';
import { Line, type Segment } from '../shared/Line.js';
import { fit, formatBytes, formatPercent, formatSpeed, truncateEnd, truncateMiddle } from '../shared/format.js';
import { progressBarParts } from '../shared/ProgressBar.js';
import { useTheme } from '../shared/theme.js';
import type { Theme } from '../shared/theme.js';
import type { ImageRow, VisibleImages } from './dashboard-selectors.js';
import type { StatusCounts } from './dashboard-types.js';
import type { ImageColumns } from './layout.js';
import { imageStatusDisplay } from './status-display.js';

export interface ImagesTableProps {
  view: VisibleImages;
  columns: ImageColumns;
  /** Full width, for the header and counts lines. */
  width: number;
  tick: number;
}

const COUNT_ORDER: (keyof StatusCounts)[] = ['active', 'queued', 'done', 'failed', 'skipped'];

function describeCounts(counts: StatusCounts, joiner: string): string {
  return COUNT_ORDER.filter((k) => counts[k] > 0)
    .map((k) => `${counts[k]} ${k}`)
    .join(joiner);
}

/**
 * "↓ 187 below (185 queued, 2 done) · total 4 active 185 queued 10 done 1 failed", shortened to fit `width`
 * by dropping first the breakdown of hidden rows, then the word "total".
 */
export function countsLine(view: VisibleImages, theme: Theme, width: number): string {
  const sep = ` ${theme.glyphs.separator} `;
  const moves: string[] = [];
  if (view.hiddenAbove > 0) moves.push(`${theme.glyphs.up} ${view.hiddenAbove} above`);
  if (view.hiddenBelow > 0) moves.push(`${theme.glyphs.down} ${view.hiddenBelow} below`);
  const hidden = describeCounts(view.hiddenCounts, ', ');
  const totals = describeCounts(view.counts, ' ');
  const filter = view.filter === 'failed' ? `failed only: ${view.total} shown` : '';
  const candidates = [
    [
      filter,
      moves.length > 0 ? `${moves.join(' ')}${hidden ? ` (${hidden})` : ''}` : '',
      totals ? `total ${totals}` : 'no images yet',
    ],
    [filter, moves.join(' '), totals ? `total ${totals}` : 'no images yet'],
    [filter, moves.join(' '), totals],
  ].map((parts) => parts.filter((p) => p !== '').join(sep));
  return (
    candidates.find((c) => Array.from(c).length <= width) ?? truncateEnd(candidates[2], width, theme.glyphs.ellipsis)
  );
}

function headerLine(c: ImageColumns): string {
  let line = ' '.repeat(c.pointer) + fit('STATUS', c.status);
  if (c.type) line += ' ' + fit('TYPE', c.type);
  line += ' ' + fit('IMAGE', c.reference);
  if (c.bar) line += ' ' + fit('PROGRESS', c.bar);
  line += ' ' + fit('', c.percent);
  if (c.bytes) line += ' ' + fit('BYTES', c.bytes);
  if (c.speed) line += ' ' + fit('SPEED', c.speed, 'right');
  if (c.verified) line += ' ' + fit('VERIFIED', c.verified);
  return line;
}

function bytesCell(row: ImageRow): string {
  if (row.bytesTotal <= 0) return row.status === 'active' ? 'resolving' : '';
  if (row.status === 'done' || row.bytesDone >= row.bytesTotal) return formatBytes(row.bytesTotal);
  return `${formatBytes(row.bytesDone)}/${formatBytes(row.bytesTotal)}`;
}

/** One image row as segments: status glyph + word, type, reference, bar, percent, bytes, speed. */
export function imageRowSegments(row: ImageRow, c: ImageColumns, theme: Theme, tick: number): Segment[] {
  const status = imageStatusDisplay(row.status, theme, tick, row.retry);
  const [filled, empty] = c.bar ? progressBarParts(row.fraction, c.bar, theme.glyphs) : ['', ''];
  const showProgress = row.status !== 'queued' && row.status !== 'skipped';
  const segments: Segment[] = [
    { text: fit(row.selected ? theme.glyphs.pointer : '', c.pointer), bold: row.selected },
    { text: fit(`${status.glyph} ${status.word}`, c.status, 'left', theme.glyphs.ellipsis), tone: status.tone },
  ];
  if (c.type) segments.push({ text: ' ' + fit(row.typeLabel, c.type), tone: 'muted' });
  segments.push({
    text: ' ' + fit(truncateMiddle(row.reference, c.reference, theme.glyphs.ellipsis), c.reference),
    bold: row.selected,
  });
  if (c.bar) {
    segments.push(' ');
    if (showProgress) {
      segments.push({ text: filled, tone: row.status === 'failed' ? 'error' : 'active' });
      segments.push({ text: empty, tone: 'muted' });
    } else segments.push(' '.repeat(c.bar));
  }
  segments.push(' ' + fit(showProgress ? formatPercent(row.fraction) : '', c.percent, 'right'));
  if (c.bytes) segments.push(' ' + fit(bytesCell(row), c.bytes));
  if (c.speed) {
    segments.push({
      text: ' ' + fit(row.status === 'active' ? formatSpeed(row.speed) : '', c.speed, 'right'),
      tone: 'muted',
    });
  }
  if (c.verified) {
    // The policy's verdict: accepted (verified), refused, or not judged yet.
    const cell =
      row.verified === true
        ? { text: `${theme.glyphs.done} yes`, tone: 'ok' as const }
        : row.verified === false
          ? { text: `${theme.glyphs.failed} no`, tone: 'error' as const }
          : { text: '', tone: 'muted' as const };
    segments.push({ text: ' ' + fit(cell.text, c.verified), tone: cell.tone });
  }
  return segments;
}

/** The images table: column header, one line per visible image, then a line counting what is hidden. */
export function ImagesTable({ view, columns, width, tick }: ImagesTableProps) {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      <Line
        segments={[{ text: truncateEnd(headerLine(columns), width), tone: 'muted', bold: true }]}
        width={width}
        theme={theme}
      />
      {view.rows.map((row) => (
        <Line key={row.id} segments={imageRowSegments(row, columns, theme, tick)} width={width} theme={theme} />
      ))}
      <Line segments={[{ text: countsLine(view, theme, width - 1), tone: 'muted' }]} width={width} theme={theme} />
    </Box>
  );
}
