/**
 * Height budget and line texts of the delete review, as pure functions of the terminal size and the state.
 *
 * NOTE: the frame must stay strictly shorter than the terminal (Ink 6.8 clears the screen and resends all
 * output on every frame once it reaches `rows`; ink #935, #990), so two lines are always kept spare.
 */
import type { Glyphs } from '../shared/theme.js';
import { truncateEnd, truncateMiddle } from '../shared/format.js';
import { TYPE_LABELS, itemVersion, type ExcludedItem, type ReviewRow } from './delete-review-groups.js';
import { selectedCount, type DeleteReviewState } from './delete-review-state.js';

export interface ReviewLayout {
  /** Rows of the scrollable list. */
  listRows: number;
  /** Lines listing excluded items (their header and "+k more" line are extra). */
  excludedRows: number;
  /** Upper bound of the frame's lines; always < terminal rows on terminals of 12 rows or more. */
  totalLines: number;
}

/** Title, scroll indicator, filter line, message line, hint line. */
const FIXED_LINES = 5;
const SPARE_LINES = 2;
const MIN_LIST_ROWS = 3;

export function computeReviewLayout(input: { rows: number; excludedCount: number }): ReviewLayout {
  const budget = Math.max(1, input.rows - SPARE_LINES);
  const maxExcluded = input.rows >= 20 ? 3 : 1;
  const excludedRows = Math.min(input.excludedCount, maxExcluded);
  const excludedLines = input.excludedCount === 0 ? 0 : 1 + excludedRows + (input.excludedCount > excludedRows ? 1 : 0);
  const listRows = Math.max(MIN_LIST_ROWS, budget - FIXED_LINES - excludedLines);
  return { listRows, excludedRows, totalLines: FIXED_LINES + excludedLines + listRows };
}

/** `[x]` all selected, `[-]` some, `[ ]` none: the mark carries the state without colour. */
export function selectionMark(selected: number, total: number): string {
  if (total > 0 && selected === total) return '[x]';
  return selected === 0 ? '[ ]' : '[-]';
}

/** The text of one list row (without the cursor pointer), cut to `width`. */
export function rowText(state: DeleteReviewState, row: ReviewRow, width: number): string {
  if (row.kind === 'item') {
    const item = state.deletable[row.index];
    const on = state.selected.has(row.index);
    const head = `    ${on ? '[x] delete' : '[ ] keep  '}  `;
    const version = itemVersion(item);
    const origin = `  from ${item.imageName.replace(/^docker:\/\//, '')}`;
    const room = width - head.length;
    if (room <= 0) return truncateEnd(head, width);
    if (version.length + origin.length <= room) return head + version + origin;
    const versionText = truncateMiddle(version, Math.min(version.length, Math.max(12, room - 20)));
    return head + versionText + truncateMiddle(origin, Math.max(0, room - versionText.length));
  }
  const selected = selectedCount(state, row);
  const total = row.items.length;
  const mark = selectionMark(selected, total);
  const counts = ` — delete ${selected} of ${total}`;
  const indent = row.kind === 'type' ? '' : '  ';
  const name = row.kind === 'type' ? TYPE_LABELS[row.type] : row.repository;
  const room = width - indent.length - mark.length - 1 - counts.length;
  return `${indent}${mark} ${truncateMiddle(name, Math.max(8, room))}${counts}`;
}

/** "↑ 3 more above  ↓ 12 more below", or '' when the whole list fits. */
export function scrollText(state: DeleteReviewState, glyphs: Pick<Glyphs, 'up' | 'down'>): string {
  const above = state.scroll;
  const below = Math.max(0, state.rows.length - state.scroll - state.viewport);
  const parts: string[] = [];
  if (above > 0) parts.push(`${glyphs.up} ${above} more above`);
  if (below > 0) parts.push(`${glyphs.down} ${below} more below`);
  return parts.join('  ');
}

/** One line of the "will not be deleted" section. */
export function excludedText(entry: ExcludedItem, width: number): string {
  const reason = ` — ${entry.explanation}`;
  const ref = entry.item.imageReference.replace(/^docker:\/\//, '');
  const room = width - 4 - reason.length;
  if (room < 16) return truncateEnd(`  · ${ref}${reason}`, width);
  return `  · ${truncateMiddle(ref, room)}${reason}`;
}

/** Counts of the selected items per type, in display order: "2 Additional images". */
export function selectedByType(state: DeleteReviewState): string[] {
  const counts = new Map<string, number>();
  for (const i of state.selected) {
    const label = TYPE_LABELS[state.deletable[i].type];
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const labels = [...new Set(state.deletable.map((item) => TYPE_LABELS[item.type]))].filter((l) => counts.has(l));
  return labels.map((l) => `${counts.get(l)} ${l}`);
}

/** "manifest" / "manifests". */
export function manifests(n: number): string {
  return `${n} manifest${n === 1 ? '' : 's'}`;
}
