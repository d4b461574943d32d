import { Box, Text } from 'ink';
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

function LayerLine({ row, c, theme, tick }: { row: LayerRow; c: LayerColumns; theme: Theme; tick: number }) {
  const display = blobStatusDisplay(row.status, row.outcome, row.label, theme, tick);
  const [filled, empty] = c.bar ? progressBarParts(row.fraction, c.bar, theme.glyphs) : ['', ''];
  const detail = row.error && c.detail > 1 ? ' ' + truncateEnd(row.error, c.detail - 1, theme.glyphs.ellipsis) : '';
  return (
    <Text wrap="truncate">
      {' '.repeat(c.indent)}
      <Text color={theme.tone(display.tone)}>{display.glyph}</Text>
      {' ' + fit(shortDigest(row.digest), c.digest)}
      {c.size ? ' ' + fit(row.size > 0 ? formatBytes(row.size) : '?', c.size, 'right') : ''}
      {c.bar ? (
        <Text>
          {' '}
          <Text color={theme.tone(display.tone)}>{filled}</Text>
          <Text color={theme.tone('muted')}>{empty}</Text>
        </Text>
      ) : null}
      {' ' + fit(formatPercent(row.fraction), c.percent, 'right')}
      <Text color={theme.tone(display.tone)}>{' ' + fit(display.word, c.label)}</Text>
      {detail ? <Text color={theme.tone('error')}>{detail}</Text> : null}
    </Text>
  );
}

/** Every blob of the selected image: short digest, size, bar and state; the rest counted by state. */
export function LayerPanel({ layers, columns, width, tick }: LayerPanelProps) {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      <Text wrap="truncate" bold>
        {layerTitle(layers, width, theme)}
      </Text>
      {layers.total === 0 ? (
        <Text wrap="truncate" color={theme.tone('muted')}>
          {'  '}
          {layers.status === 'queued'
            ? 'queued: layers appear once the copy starts'
            : layers.status === 'active'
              ? `resolving manifests${theme.glyphs.ellipsis}`
              : 'no layer information for this image'}
        </Text>
      ) : (
        layers.rows.map((row) => <LayerLine key={row.digest} row={row} c={columns} theme={theme} tick={tick} />)
      )}
      {layers.hiddenCount > 0 ? (
        <Text wrap="truncate" color={theme.tone('muted')}>
          {truncateEnd(`  +${layers.hiddenCount} more: ${summaryOf(layers.hidden)}`, width - 1, theme.glyphs.ellipsis)}
        </Text>
      ) : null}
    </Box>
  );
}
