/**
 * Height budget and line texts of the delete review, as pure functions of the terminal size and the state.
 *
 * NOTE: the frame must stay strictly shorter than the terminal (Ink 6.8 clears the screen and resends all
 * output on every frame once it reaches `rows`; ink #935, #990), so two lines are always kept spare.
 */
import type { Glyphs } from '../shared/theme.js';
import { truncateEnd, truncateMiddle } from '../shared/format.js';
import {
  TYPE_LABELS,
  itemOrigin,
  itemRepository,
  itemVersion,
  shortCatalogName,
  type ExcludedItem,
  type ReviewRow,
} from './delete-review-groups.js';
import { selectedCount, type DeleteReviewState } from './delete-review-state.js';

export interface ReviewLayout {
  /** Rows of the scrollable list. */
  listRows: number;
  /** Lines listing excluded items (their header and, when rows > 0, a "+k more" line are extra). */
  excludedRows: number;
  /** Upper bound of the frame's lines; at most rows - 2 on terminals of 11 rows or more. */
  totalLines: number;
}

/** Title, file line, scroll indicator, filter line, message line, hint line. */
const FIXED_LINES = 6;
const SPARE_LINES = 2;
const MIN_LIST_ROWS = 3;

export function computeReviewLayout(input: { rows: number; excludedCount: number }): ReviewLayout {
  const budget = Math.max(1, input.rows - SPARE_LINES);
  const sectionLines = (rows: number): number =>
    input.excludedCount === 0 ? 0 : 1 + rows + (rows > 0 && input.excludedCount > rows ? 1 : 0);
  let excludedRows = Math.min(input.excludedCount, input.rows >= 20 ? 3 : 1);
  // On short terminals the list keeps its minimum and the section shrinks to its header line.
  if (budget - FIXED_LINES - sectionLines(excludedRows) < MIN_LIST_ROWS) excludedRows = 0;
  const excludedLines = sectionLines(excludedRows);
  const listRows = Math.max(MIN_LIST_ROWS, budget - FIXED_LINES - excludedLines);
  return { listRows, excludedRows, totalLines: FIXED_LINES + excludedLines + listRows };
}

/** `[x]` all selected, `[-]` some, `[ ]` none: the mark carries the state without colour. */
export function selectionMark(selected: number, total: number): string {
  if (total > 0 && selected === total) return '[x]';
  return selected === 0 ? '[ ]' : '[-]';
}

/**
 * The text of one list row (without the cursor pointer), cut to `width`. `unicode` picks the catalog › package
 * separator (`>` without it).
 */
export function rowText(state: DeleteReviewState, row: ReviewRow, width: number, unicode = true): string {
  if (row.kind === 'item') {
    const item = state.deletable[row.index];
    const on = state.selected.has(row.index);
    const head = `    ${on ? '[x] delete' : '[ ] keep  '}  `;
    const operator = itemOrigin(item, state.origins);
    if (operator) return operatorItemText(state, row.index, operator.packages.length, head, width);
    const version = itemVersion(item);
    const origin = `  from ${item.imageName.replace(/^docker:\/\//, '')}`;
    const room = width - head.length;
    if (room <= 0) return truncateEnd(head, width);
    if (version.length + origin.length <= room) return head + version + origin;
    // The tag/digest identifies the item; the origin is context and goes first when space is short.
    const versionText = truncateMiddle(version, Math.min(version.length, Math.max(20, Math.floor(room / 2))));
    const left = room - versionText.length;
    return truncateEnd(head + versionText + (left >= 20 ? truncateMiddle(origin, left) : ''), width);
  }
  const selected = selectedCount(state, row);
  const total = row.items.length;
  const mark = selectionMark(selected, total);
  const counts = ` — delete ${selected} of ${total}`;
  const indent = row.kind === 'type' ? '' : '  ';
  const room = Math.max(8, width - indent.length - mark.length - 1 - counts.length);
  const name =
    row.kind === 'type'
      ? truncateMiddle(TYPE_LABELS[row.type], room)
      : row.kind === 'repository'
        ? truncateMiddle(row.repository, room)
        : packageLabel(shortCatalogName(row.catalog), row.packageName, room, unicode ? ' › ' : ' > ');
  return `${indent}${mark} ${name}${counts}`;
}

/** `catalog › package` in `room` columns; the package name is what tells groups apart, so the catalog is cut first. */
function packageLabel(catalog: string, packageName: string, room: number, separator: string): string {
  const full = `${catalog}${separator}${packageName}`;
  const length = (text: string) => Array.from(text).length;
  if (length(full) <= room) return full;
  const packageText = truncateMiddle(
    packageName,
    Math.min(length(packageName), Math.max(8, room - separator.length - 8)),
  );
  const catalogRoom = room - separator.length - length(packageText);
  if (catalogRoom < 4) return truncateMiddle(full, room);
  return `${truncateMiddle(catalog, catalogRoom)}${separator}${packageText}`;
}

/**
 * An operator item under its catalog › package header: the header no longer names the repository, so the line
 * does (relative to the registry, with a 12-hex digest), then `+N packages` when the image is shared with
 * packages listed elsewhere (deselecting those packages does not keep it), then where it was mirrored from.
 */
function operatorItemText(
  state: DeleteReviewState,
  index: number,
  packages: number,
  head: string,
  width: number,
): string {
  const item = state.deletable[index];
  const repository = itemRepository(item);
  const relative = repository.startsWith(`${state.registry}/`)
    ? repository.slice(state.registry.length + 1)
    : repository;
  const version = itemVersion(item).replace(/^(sha256[:-][0-9a-f]{12})[0-9a-f]{52}/, '$1');
  const label = `${relative}${/^[a-z0-9]+:/.test(version) ? '@' : ':'}${version}`;
  const shared = packages > 1 ? `  +${packages - 1} package${packages === 2 ? '' : 's'}` : '';
  const source = `  from ${item.imageName.replace(/^docker:\/\//, '')}`;
  const room = width - head.length;
  if (room <= 0) return truncateEnd(head, width);
  if (label.length + shared.length + source.length <= room) return head + label + shared + source;
  const labelText = truncateMiddle(label, Math.min(label.length, Math.max(20, room - shared.length)));
  const left = room - labelText.length - shared.length;
  return truncateEnd(head + labelText + shared + (left >= 20 ? truncateMiddle(source, left) : ''), width);
}

/**
 * First row shown in a list of `listRows` rows: the state's scroll, moved just enough to keep the cursor on
 * screen. The state learns the new size one render later (resize action); this keeps that render right too.
 */
export function windowStart(state: DeleteReviewState, listRows: number): number {
  let start = state.scroll;
  if (state.cursor < start) start = state.cursor;
  if (state.cursor >= start + listRows) start = state.cursor - listRows + 1;
  return Math.max(0, Math.min(start, state.rows.length - listRows));
}

/** "↑ 3 more above  ↓ 12 more below", or '' when the whole list fits. */
export function scrollText(state: DeleteReviewState, listRows: number, glyphs: Pick<Glyphs, 'up' | 'down'>): string {
  const above = windowStart(state, listRows);
  const below = Math.max(0, state.rows.length - above - listRows);
  const parts: string[] = [];
  if (above > 0) parts.push(`${glyphs.up} ${above} more above`);
  if (below > 0) parts.push(`${glyphs.down} ${below} more below`);
  return parts.join('  ');
}

/** Header of the "will not be deleted" section: "Will not be deleted (3: 1 catalog, 2 outside the registry)". */
export function excludedHeader(excluded: readonly ExcludedItem[], listed: number): string {
  const catalogs = excluded.filter((e) => e.reason === 'catalog').length;
  const outside = excluded.length - catalogs;
  const reasons = [
    catalogs > 0 ? `${catalogs} catalog${catalogs === 1 ? '' : 's'}` : '',
    outside > 0 ? `${outside} outside the registry` : '',
  ].filter(Boolean);
  return `Will not be deleted (${excluded.length}: ${reasons.join(', ')})${listed === 0 ? ' — a taller terminal lists them' : ':'}`;
}

/** One line of the "will not be deleted" section. */
export function excludedText(entry: ExcludedItem, width: number): string {
  const ref = entry.item.imageReference.replace(/^docker:\/\//, '');
  const full = `  · ${ref} — ${entry.explanation}`;
  if (Array.from(full).length <= width) return full;
  // The reference says which item; the reason is cut first, the reference keeps at least 60% of the line.
  const refText = truncateMiddle(ref, Math.min(ref.length, Math.max(16, Math.floor(width * 0.6) - 4)));
  return truncateEnd(`  · ${refText} — ${entry.explanation}`, width);
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
