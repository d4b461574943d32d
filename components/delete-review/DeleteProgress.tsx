import { Box, Text } from 'ink';
import { ProgressBar } from '../shared/ProgressBar.js';
import { useTheme, type Theme, type Tone } from '../shared/theme.js';
import { formatPercent, truncateEnd, truncateMiddle } from '../shared/format.js';
import {
  deleteCounts,
  visibleResults,
  type DeleteOutcomeKind,
  type DeleteProgressState,
  type DeleteResultLine,
} from './delete-progress-state.js';
import { manifests } from './delete-review-layout.js';

export interface DeleteProgressProps {
  state: DeleteProgressState;
  /** Destination registry, for the title. */
  registry: string;
  columns: number;
  rows: number;
}

/** Title and the "k earlier" line; two more are kept spare (Ink redraws everything at `rows`, ink #935). */
const FIXED_LINES = 2;
const SPARE_LINES = 2;

const WORDS: Record<DeleteOutcomeKind, string> = { deleted: 'deleted', absent: 'already absent', failed: 'failed' };
const TONES: Record<DeleteOutcomeKind, Tone> = { deleted: 'ok', absent: 'muted', failed: 'error' };

function glyphOf(outcome: DeleteOutcomeKind, theme: Theme): string {
  return outcome === 'deleted' ? theme.glyphs.done : outcome === 'absent' ? theme.glyphs.exists : theme.glyphs.failed;
}

/** "✓ deleted        " — glyph and word, padded so references line up. */
export function resultHead(r: DeleteResultLine, theme: Theme): string {
  return `${glyphOf(r.outcome, theme)} ${WORDS[r.outcome].padEnd(14)} `;
}

/** The reference (cut in the middle) and, for failures, the error. */
export function resultBody(r: DeleteResultLine, width: number): string {
  const ref = r.reference.replace(/^docker:\/\//, '');
  if (!r.error) return truncateMiddle(ref, width);
  // The reference keeps priority; the error is cut first (the full text is printed after the live view).
  const refText = truncateMiddle(ref, Math.min(ref.length, Math.max(16, width - 24)));
  return truncateEnd(`${refText}: ${r.error}`, width);
}

/**
 * Live progress of a deletion: counts, a bar, and the latest results (glyph + word each). Once finished it
 * shrinks to the counts line, so the full result list printed after unmount is not shown twice.
 */
export function DeleteProgress({ state, registry, columns, rows }: DeleteProgressProps) {
  const theme = useTheme();
  const width = Math.max(20, columns - 1);
  const counts = deleteCounts(state);
  const done = state.results.length;
  const room = Math.max(1, rows - SPARE_LINES - FIXED_LINES);
  const { lines, hidden } = state.finished ? { lines: [], hidden: 0 } : visibleResults(state, room);
  const title = state.finished
    ? `Finished: ${counts.deleted} deleted, ${counts.absent} already absent, ${counts.failed} failed of ${manifests(state.total)} on ${registry}`
    : `Deleting from ${registry}: ${done} / ${manifests(state.total)}${state.retries > 0 ? `, ${state.retries} retries` : ''}`;
  const fraction = state.total === 0 ? 1 : done / state.total;
  const barWidth = Math.min(30, Math.max(0, width - title.length - 8));
  return (
    <Box flexDirection="column" width={columns}>
      <Text bold wrap="truncate-end">
        {truncateEnd(title, width)}
        {!state.finished && barWidth >= 4 ? (
          <Text>
            {'  '}
            <ProgressBar fraction={fraction} width={barWidth} />
            {` ${formatPercent(fraction)}`}
          </Text>
        ) : null}
      </Text>
      {lines.map((r, i) => {
        const head = resultHead(r, theme);
        return (
          <Text key={`${i}-${r.reference}`} wrap="truncate-end">
            <Text color={theme.tone(TONES[r.outcome])}>{head}</Text>
            {resultBody(r, width - head.length)}
          </Text>
        );
      })}
      {hidden > 0 ? <Text color={theme.tone('muted')}>{`${hidden} earlier`}</Text> : null}
    </Box>
  );
}
