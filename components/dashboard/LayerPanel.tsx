import { Box } from 'ink';
import { Line, type Segment } from '../shared/Line.js';
import { fit, formatBytes, formatPercent, shortDigest, truncateEnd, truncateMiddle } from '../shared/format.js';
import { progressBarParts } from '../shared/ProgressBar.js';
import { useTheme } from '../shared/theme.js';
import type { Theme } from '../shared/theme.js';
import type { LayerRow, LayerRows } from './dashboard-selectors.js';
import type { LayerColumns } from './layout.js';
import { blobStatusDisplay } from './status-display.js';

export interface LayerPanelProps {
  layers: LayerRows;
  columns: LayerColumns;
  width: number;
  tick: number;
}

function summaryOf(counts: { label: string; count: number }[]): string {
  return counts.map((c) => `${c.count} ${c.label}`).join(', ');
}

/** "Layers · 12 blobs: 3 copied, 2 existing, 1 copying · quay.io/…:4.16" (the reference gets what is left). */
export function layerTitle(layers: LayerRows, width: number, theme: Theme): string {
  const sep = ` ${theme.glyphs.separator} `;
  const counts = layers.total > 0 ? `${layers.total} blobs: ${summaryOf(layers.byLabel)}` : 'no blobs yet';
  const head = `Layers${sep}${counts}${sep}`;
  const room = width - 1 - head.length;
  if (room < 12) return truncateEnd(head + layers.reference, width - 1, theme.glyphs.ellipsis);
  return head + truncateMiddle(layers.reference, room, theme.glyphs.ellipsis);
}

/** One blob row as segments: glyph, short digest, size, bar, percent, state word, error detail. */
export function layerRowSegments(row: LayerRow, c: LayerColumns, theme: Theme, tick: number): Segment[] {
  const display = blobStatusDisplay(row.status, row.outcome, row.label, theme, tick);
  const [filled, empty] = c.bar ? progressBarParts(row.fraction, c.bar, theme.glyphs) : ['', ''];
  const detail = row.error && c.detail > 1 ? ' ' + truncateEnd(row.error, c.detail - 1, theme.glyphs.ellipsis) : '';
  const segments: Segment[] = [
    ' '.repeat(c.indent),
    { text: display.glyph, tone: display.tone },
    ' ' + fit(shortDigest(row.digest), c.digest),
  ];
  if (c.size) segments.push(' ' + fit(row.size > 0 ? formatBytes(row.size) : '?', c.size, 'right'));
  if (c.bar) segments.push(' ', { text: filled, tone: display.tone }, { text: empty, tone: 'muted' });
  segments.push(' ' + fit(formatPercent(row.fraction), c.percent, 'right'));
  segments.push({ text: ' ' + fit(display.word, c.label), tone: display.tone });
  if (detail) segments.push({ text: detail, tone: 'error' });
  return segments;
}

/** Every blob of the selected image: short digest, size, bar and state; the rest counted by state. */
export function LayerPanel({ layers, columns, width, tick }: LayerPanelProps) {
  const theme = useTheme();
  const waiting =
    layers.status === 'queued'
      ? 'queued: layers appear once the copy starts'
      : layers.status === 'active'
        ? `resolving manifests${theme.glyphs.ellipsis}`
        : 'no layer information for this image';
  return (
    <Box flexDirection="column">
      <Line segments={[{ text: layerTitle(layers, width, theme), bold: true }]} width={width} theme={theme} />
      {layers.total === 0 ? (
        <Line segments={[{ text: '  ' + waiting, tone: 'muted' }]} width={width} theme={theme} />
      ) : (
        layers.rows.map((row) => (
          <Line key={row.digest} segments={layerRowSegments(row, columns, theme, tick)} width={width} theme={theme} />
        ))
      )}
      {layers.hiddenCount > 0 ? (
        <Line
          segments={[
            {
              text: truncateEnd(
                `  +${layers.hiddenCount} more: ${summaryOf(layers.hidden)}`,
                width - 1,
                theme.glyphs.ellipsis,
              ),
              tone: 'muted',
            },
          ]}
          width={width}
          theme={theme}
        />
      ) : null}
    </Box>
  );
}
