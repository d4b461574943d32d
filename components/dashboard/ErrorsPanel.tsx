import { Box } from 'ink';
import { Line } from '../shared/Line.js';
import { shortDigest, truncateEnd, truncateMiddle } from '../shared/format.js';
import { useTheme } from '../shared/theme.js';
import type { ErrorEntry } from './dashboard-types.js';

export interface ErrorsPanelProps {
  entries: readonly ErrorEntry[];
  errorCount: number;
  warningCount: number;
  width: number;
}

/** "✗ quay.io/…/foo@sha256:… [blob 3f2a…]: 401 Unauthorized" */
export function errorLine(
  entry: ErrorEntry,
  glyphs: { failed: string; warning: string; ellipsis: string },
  width: number,
): string {
  const glyph = entry.severity === 'error' ? glyphs.failed : glyphs.warning;
  // The reference gets at most ~40 % of the line so the message stays readable.
  const reference = entry.reference
    ? truncateMiddle(entry.reference, Math.max(20, Math.floor(width * 0.4)), glyphs.ellipsis)
    : '';
  const where = reference ? `${reference}${entry.digest ? ` [blob ${shortDigest(entry.digest)}]` : ''}: ` : '';
  const code = entry.code ? ` (${entry.code})` : '';
  return `${glyph} ${where}${entry.message.replace(/\s+/g, ' ')}${code}`;
}

/** The most recent errors and warnings, newest first. */
export function ErrorsPanel({ entries, errorCount, warningCount, width }: ErrorsPanelProps) {
  const theme = useTheme();
  const title = `Errors ${errorCount}${warningCount > 0 ? `, warnings ${warningCount}` : ''} (newest first; e hides)`;
  return (
    <Box flexDirection="column">
      <Line
        segments={[
          {
            text: truncateEnd(title, width - 1, theme.glyphs.ellipsis),
            bold: true,
            tone: errorCount > 0 ? 'error' : 'warn',
          },
        ]}
        width={width}
        theme={theme}
      />
      {entries.map((entry) => (
        <Line
          key={entry.seq}
          segments={[
            {
              text: truncateEnd('  ' + errorLine(entry, theme.glyphs, width), width - 1, theme.glyphs.ellipsis),
              tone: entry.severity === 'error' ? 'error' : 'warn',
            },
          ]}
          width={width}
          theme={theme}
        />
      ))}
    </Box>
  );
}
