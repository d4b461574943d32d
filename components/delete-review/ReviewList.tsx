import { Box, Text } from 'ink';
import { useTheme } from '../shared/theme.js';
import { formatHints } from '../shared/keymap.js';
import { truncateEnd, truncateMiddle } from '../shared/format.js';
import { REVIEW_KEYMAP } from './delete-review-keys.js';
import {
  excludedHeader,
  excludedText,
  manifests,
  rowText,
  scrollText,
  windowStart,
  type ReviewLayout,
} from './delete-review-layout.js';
import { selectedCount, type DeleteReviewState } from './delete-review-state.js';

export interface ReviewListProps {
  state: DeleteReviewState;
  layout: ReviewLayout;
  columns: number;
  /** The delete file being reviewed, for the title. */
  sourceFile?: string;
}

/**
 * The review screen: title with counts, the grouped scrollable list, the "will not be deleted" section, the
 * filter and notice lines, and the key hints. Every line is cut to the terminal width so nothing wraps and the
 * height stays what the layout promised.
 */
export function ReviewList({ state, layout, columns, sourceFile }: ReviewListProps) {
  const theme = useTheme();
  const width = Math.max(20, columns - 1);
  const start = windowStart(state, layout.listRows);
  const visible = state.rows.slice(start, start + layout.listRows);
  const total = state.deletable.length;
  const title =
    `Delete from ${state.registry}: ${state.selected.size} of ${manifests(total)} selected` +
    (state.excluded.length > 0 ? `, ${state.excluded.length} not deletable` : '');
  const hidden = state.excluded.length - layout.excludedRows;
  return (
    <Box flexDirection="column" width={columns}>
      <Text bold wrap="truncate-end">
        {truncateEnd(title, width)}
      </Text>
      <Text color={theme.tone('muted')} wrap="truncate-end">
        {sourceFile ? truncateMiddle(`file: ${sourceFile}`, width) : ' '}
      </Text>
      {total === 0 ? (
        <Text color={theme.tone('warn')}>
          {truncateEnd('Nothing in this file can be deleted from this registry (see below).', width)}
        </Text>
      ) : null}
      {visible.map((row, i) => {
        const index = start + i;
        const active = index === state.cursor;
        const pointer = active ? `${theme.glyphs.pointer} ` : '  ';
        const text = rowText(state, row, width - 2, theme.unicode);
        const on = row.kind === 'item' ? state.selected.has(row.index) : selectedCount(state, row) > 0;
        const tone = row.kind === 'item' ? (on ? 'warn' : 'muted') : 'accent';
        return (
          <Text
            key={`${row.kind}-${index}`}
            wrap="truncate-end"
            bold={active || row.kind === 'type'}
            inverse={active && !theme.color}
          >
            {pointer}
            <Text color={theme.tone(tone)}>{text}</Text>
          </Text>
        );
      })}
      <Text color={theme.tone('muted')} wrap="truncate-end">
        {scrollText(state, layout.listRows, theme.glyphs) || ' '}
      </Text>
      {state.excluded.length > 0 ? (
        <Box flexDirection="column">
          <Text bold wrap="truncate-end">
            {truncateEnd(excludedHeader(state.excluded, layout.excludedRows), width)}
          </Text>
          {state.excluded.slice(0, layout.excludedRows).map((entry) => (
            <Text key={entry.item.imageReference} color={theme.tone('muted')} wrap="truncate-end">
              {excludedText(entry, width)}
            </Text>
          ))}
          {hidden > 0 && layout.excludedRows > 0 ? (
            <Text color={theme.tone('muted')} wrap="truncate-end">{`  +${hidden} more`}</Text>
          ) : null}
        </Box>
      ) : null}
      <Text wrap="truncate-end">{filterLine(state, width, theme.unicode)}</Text>
      <Text color={theme.tone('error')} wrap="truncate-end">
        {state.message ? `${theme.glyphs.warning} ${truncateEnd(state.message, width - 2)}` : ' '}
      </Text>
      <Text color={theme.tone('muted')} wrap="truncate-end">
        {state.filterEditing
          ? truncateEnd('type to filter  Enter keep filter  Esc clear filter', width)
          : formatHints(REVIEW_KEYMAP, width, theme.unicode)}
      </Text>
    </Box>
  );
}

function filterLine(state: DeleteReviewState, width: number, unicode: boolean): string {
  if (!state.filterEditing && state.filter === '') return ' ';
  const cursor = state.filterEditing ? (unicode ? '▏' : '_') : '';
  const shown = state.rows.filter((r) => r.kind === 'item').length;
  return truncateEnd(
    `Filter: ${state.filter}${cursor}  (${shown} of ${state.deletable.length} shown; a/n/Space act on these)`,
    width,
  );
}
