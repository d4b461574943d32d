import { Box } from 'ink';
import { Line } from '../shared/Line.js';
import { fit, truncateEnd } from '../shared/format.js';
import type { KeyBinding } from '../shared/keymap.js';
import { useTheme } from '../shared/theme.js';

export interface HelpOverlayProps<A extends string> {
  bindings: readonly KeyBinding<A>[];
  /** Lines available (title included). */
  rows: number;
  width: number;
}

/** The `?` overlay: every binding of the keymap with its description. */
export function HelpOverlay<A extends string>({ bindings, rows, width }: HelpOverlayProps<A>) {
  const theme = useTheme();
  const labelWidth = Math.max(...bindings.map((b) => (theme.unicode ? b.label : b.asciiLabel).length)) + 2;
  const lines = bindings.map((b) => '  ' + fit(theme.unicode ? b.label : b.asciiLabel, labelWidth) + b.description);
  const room = Math.max(0, rows - 2);
  const shown = lines.slice(0, room);
  return (
    <Box flexDirection="column">
      <Line segments={[{ text: 'Keys', bold: true, tone: 'accent' }]} width={width} theme={theme} />
      {shown.map((line) => (
        <Line key={line} segments={[truncateEnd(line, width - 1, theme.glyphs.ellipsis)]} width={width} theme={theme} />
      ))}
      {rows >= 2 ? (
        <Line
          segments={[
            {
              text: truncateEnd(
                `${lines.length > shown.length ? `(${lines.length - shown.length} more; enlarge the terminal) ` : ''}Esc or ? closes this help`,
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
