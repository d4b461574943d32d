import { Box, Text } from 'ink';
import { useTheme } from '../shared/theme.js';
import { truncateEnd } from '../shared/format.js';
import { manifests, selectedByType } from './delete-review-layout.js';
import type { DeleteReviewState } from './delete-review-state.js';

export interface ConfirmDeleteProps {
  state: DeleteReviewState;
  columns: number;
  /** Lines the frame may use; the per-type summary is cut to fit. */
  maxLines: number;
}

/** Lines of the confirm screen besides the per-type summary (the prompt may wrap to two). */
const CONFIRM_FIXED_LINES = 8;

/**
 * The second step: what will be deleted, then a typed confirmation. Only the exact registry host confirms;
 * Enter on anything else shows why and deletes nothing, Esc goes back to the list.
 */
export function ConfirmDelete({ state, columns, maxLines }: ConfirmDeleteProps) {
  const theme = useTheme();
  const width = Math.max(20, columns - 1);
  const n = state.selected.size;
  const summary = selectedByType(state);
  const room = Math.max(1, maxLines - CONFIRM_FIXED_LINES);
  const shown =
    summary.length > room ? [...summary.slice(0, room - 1), `+${summary.length - room + 1} more types`] : summary;
  const cursor = theme.unicode ? '▏' : '_';
  return (
    <Box flexDirection="column" width={columns}>
      <Text bold color={theme.tone('warn')} wrap="truncate-end">
        {truncateEnd(`${theme.glyphs.warning} Delete ${manifests(n)} from ${state.registry}`, width)}
      </Text>
      {shown.map((line) => (
        <Text key={line} wrap="truncate-end">{`  ${truncateEnd(line, width - 2)}`}</Text>
      ))}
      <Text color={theme.tone('muted')} wrap="truncate-end">
        {truncateEnd("Only manifests are deleted; the registry's garbage collection frees the space.", width)}
      </Text>
      <Text> </Text>
      {promptLines(
        `Type ${state.confirmWord} to delete ${manifests(n)} from ${state.registry},`,
        'or Esc to go back',
        width,
      ).map((line) => (
        <Text key={line} wrap="truncate-end">
          {line}
        </Text>
      ))}
      <Text wrap="truncate-end">
        {'> '}
        <Text bold>{truncateEnd(state.confirmText, width - 4)}</Text>
        {cursor}
      </Text>
      <Text color={theme.tone('error')} wrap="truncate-end">
        {state.message ? `${theme.glyphs.failed} ${truncateEnd(state.message, width - 2)}` : ' '}
      </Text>
      <Text color={theme.tone('muted')} wrap="truncate-end">
        {truncateEnd('Enter confirm  Esc back  Ctrl+C cancel', width)}
      </Text>
    </Box>
  );
}

/** The prompt on one line when it fits, else broken before "or Esc…" (never cut: the word to type is in it). */
function promptLines(first: string, second: string, width: number): string[] {
  const one = `${first} ${second}`;
  if (one.length <= width) return [one];
  return [first.length <= width ? first : truncateEnd(first, width), second];
}
