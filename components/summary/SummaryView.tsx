import { Box, Text, renderToString } from 'ink';
import type { RunSummary } from '../../core/events.js';
import { ThemeContext, themeFromEnv, useTheme } from '../shared/theme.js';
import type { Theme } from '../shared/theme.js';
import { fitSummaryLines, summaryLines } from './summary-lines.js';
import type { SummaryOptions } from './summary-lines.js';

export interface SummaryViewProps extends SummaryOptions {
  summary: RunSummary;
  /** Screen lines available (the live area); omit to show everything. */
  maxLines?: number;
  /** Columns, used with `maxLines` to estimate wrapped lines. @default 80 */
  width?: number;
}

/** The end-of-run summary: counts, bytes, duration, average throughput, output paths and next steps. */
export function SummaryView({ summary, maxLines, width = 80, demo }: SummaryViewProps) {
  const theme = useTheme();
  const all = summaryLines(summary, theme, { demo });
  const lines = maxLines === undefined ? all : fitSummaryLines(all, Math.max(1, width - 1), maxLines);
  return (
    <Box flexDirection="column">
      {lines.map((line, index) => (
        <Text key={index} color={line.tone ? theme.tone(line.tone) : undefined} bold={line.bold}>
          {line.text}
        </Text>
      ))}
    </Box>
  );
}

/**
 * The summary as a string (via Ink's renderToString) to print after the Ink app has unmounted, so it stays
 * in scrollback and logs. Nothing is cut: long paths wrap.
 */
export function renderSummaryText(summary: RunSummary, options: { columns?: number; theme?: Theme } = {}): string {
  const theme = options.theme ?? themeFromEnv();
  return renderToString(
    <ThemeContext.Provider value={theme}>
      <SummaryView summary={summary} />
    </ThemeContext.Provider>,
    { columns: options.columns ?? 80 },
  );
}
