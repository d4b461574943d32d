/**
 * The delete review as a pure reducer: review (toggle, filter, scroll) → confirm (type the registry host) →
 * confirmed or cancelled. Nothing here deletes; the caller acts on the final phase. Nothing defaults to yes:
 * confirmation needs the exact word, and Esc/Ctrl+C always lead away from deletion.
 */
import type { DeleteItem } from '../../core/delete/delete-list.js';
import {
  buildRows,
  partitionDeleteItems,
  registryHostOf,
  rowItems,
  type DeleteOrigins,
  type ExcludedItem,
  type ReviewRow,
} from './delete-review-groups.js';

export type ReviewPhase = 'review' | 'confirm' | 'confirmed' | 'cancelled';

export interface DeleteReviewState {
  /** Destination registry (`host[:port][/path]`, no transport). */
  readonly registry: string;
  /** What the user must type to confirm: the registry host. */
  readonly confirmWord: string;
  /** Items that can be deleted; indices into this array identify items everywhere else. */
  readonly deletable: readonly DeleteItem[];
  readonly excluded: readonly ExcludedItem[];
  /** Catalog and packages of operator images (from the delete file's sidecar); empty when there is none. */
  readonly origins: DeleteOrigins;
  readonly selected: ReadonlySet<number>;
  readonly filter: string;
  /** True while `/` is capturing typed text. */
  readonly filterEditing: boolean;
  /** Derived from `deletable` and `filter`; kept in state so keys and view agree on what is under the cursor. */
  readonly rows: readonly ReviewRow[];
  readonly cursor: number;
  /** First visible row. */
  readonly scroll: number;
  /** How many list rows fit on screen. */
  readonly viewport: number;
  readonly confirmText: string;
  /** A one-line notice for the user (why Enter did nothing). */
  readonly message?: string;
  readonly phase: ReviewPhase;
}

export type DeleteReviewAction =
  | { type: 'move'; delta: number }
  | { type: 'page'; direction: 1 | -1 }
  | { type: 'home' }
  | { type: 'end' }
  | { type: 'toggle' }
  | { type: 'selectAll' }
  | { type: 'selectNone' }
  | { type: 'startFilter' }
  | { type: 'filterInput'; text: string }
  | { type: 'filterBackspace' }
  | { type: 'endFilter' }
  | { type: 'clearFilter' }
  | { type: 'requestConfirm' }
  | { type: 'confirmInput'; text: string }
  | { type: 'confirmBackspace' }
  | { type: 'submitConfirm' }
  | { type: 'back' }
  | { type: 'cancel' }
  | { type: 'resize'; viewport: number };

/** Initial state: every deletable item selected (the file is the plan; the review is for removing from it). */
export function createDeleteReviewState(options: {
  items: readonly DeleteItem[];
  registry: string;
  viewport?: number;
  /** Operator images' catalog and packages, keyed by imageReference. @default {} (group by repository) */
  origins?: DeleteOrigins;
}): DeleteReviewState {
  const registry = options.registry.replace(/^docker:\/\//, '').replace(/\/+$/, '');
  const origins = options.origins ?? {};
  const { deletable, excluded } = partitionDeleteItems(options.items, registry, origins);
  return {
    registry,
    confirmWord: registryHostOf(registry),
    deletable,
    excluded,
    origins,
    selected: new Set(deletable.map((_, i) => i)),
    filter: '',
    filterEditing: false,
    rows: buildRows(deletable, '', origins),
    cursor: 0,
    scroll: 0,
    viewport: Math.max(1, options.viewport ?? 10),
    confirmText: '',
    phase: 'review',
  };
}

/** The selected items, in display order. */
export function selectedItems(state: DeleteReviewState): DeleteItem[] {
  return state.deletable.filter((_, i) => state.selected.has(i));
}

/** How many of a row's items are selected. */
export function selectedCount(state: DeleteReviewState, row: ReviewRow): number {
  let n = 0;
  for (const i of rowItems(row)) if (state.selected.has(i)) n++;
  return n;
}

/** Items the filter currently shows (all items when there is no filter). */
export function visibleItems(state: DeleteReviewState): number[] {
  const out: number[] = [];
  for (const row of state.rows) if (row.kind === 'item') out.push(row.index);
  return out;
}

/** Strips control characters (pasted newlines, escape remnants) from typed text. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001F\u007F]/g, '');
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Moves the cursor and scrolls just enough to keep it visible. */
function withCursor(state: DeleteReviewState, cursor: number): DeleteReviewState {
  const last = Math.max(0, state.rows.length - 1);
  const c = clamp(cursor, 0, last);
  let scroll = state.scroll;
  if (c < scroll) scroll = c;
  if (c >= scroll + state.viewport) scroll = c - state.viewport + 1;
  scroll = clamp(scroll, 0, Math.max(0, state.rows.length - state.viewport));
  return { ...state, cursor: c, scroll };
}

function withFilter(state: DeleteReviewState, filter: string, filterEditing: boolean): DeleteReviewState {
  const current = state.rows[state.cursor];
  const rows = buildRows(state.deletable, filter, state.origins);
  // Keep the cursor on the same item when it is still visible, else start at the top.
  let cursor = 0;
  if (current?.kind === 'item') {
    const found = rows.findIndex((r) => r.kind === 'item' && r.index === current.index);
    if (found >= 0) cursor = found;
  }
  return withCursor({ ...state, filter, filterEditing, rows, scroll: 0, message: undefined }, cursor);
}

function setSelection(state: DeleteReviewState, items: readonly number[], select: boolean): DeleteReviewState {
  const next = new Set(state.selected);
  for (const i of items) {
    if (select) next.add(i);
    else next.delete(i);
  }
  return { ...state, selected: next, message: undefined };
}

export function deleteReviewReducer(state: DeleteReviewState, action: DeleteReviewAction): DeleteReviewState {
  if (state.phase === 'confirmed' || state.phase === 'cancelled') return state;
  if (action.type === 'cancel') return { ...state, phase: 'cancelled' };
  if (action.type === 'resize') return withCursor({ ...state, viewport: Math.max(1, action.viewport) }, state.cursor);
  return state.phase === 'confirm' ? confirmReducer(state, action) : reviewReducer(state, action);
}

function reviewReducer(state: DeleteReviewState, action: DeleteReviewAction): DeleteReviewState {
  switch (action.type) {
    case 'move':
      return withCursor(state, state.cursor + action.delta);
    case 'page':
      return withCursor(state, state.cursor + action.direction * state.viewport);
    case 'home':
      return withCursor(state, 0);
    case 'end':
      return withCursor(state, state.rows.length - 1);
    case 'toggle': {
      const row = state.rows[state.cursor];
      if (!row) return state;
      const items = rowItems(row);
      const allSelected = items.every((i) => state.selected.has(i));
      return setSelection(state, items, !allSelected);
    }
    case 'selectAll':
      return setSelection(state, visibleItems(state), true);
    case 'selectNone':
      return setSelection(state, visibleItems(state), false);
    case 'startFilter':
      return { ...state, filterEditing: true, message: undefined };
    case 'filterInput':
      return withFilter(state, state.filter + printable(action.text), true);
    case 'filterBackspace':
      return withFilter(state, state.filter.slice(0, -1), true);
    case 'endFilter':
      return { ...state, filterEditing: false };
    case 'clearFilter':
      return withFilter(state, '', false);
    case 'requestConfirm':
      if (state.selected.size === 0) {
        return { ...state, message: 'nothing is selected: select items with Space (or a), or press Esc to leave' };
      }
      return { ...state, phase: 'confirm', confirmText: '', message: undefined, filterEditing: false };
    default:
      return state;
  }
}

function confirmReducer(state: DeleteReviewState, action: DeleteReviewAction): DeleteReviewState {
  switch (action.type) {
    case 'confirmInput':
      return { ...state, confirmText: state.confirmText + printable(action.text), message: undefined };
    case 'confirmBackspace':
      return { ...state, confirmText: state.confirmText.slice(0, -1), message: undefined };
    case 'submitConfirm':
      if (state.confirmText === state.confirmWord) return { ...state, phase: 'confirmed', message: undefined };
      return { ...state, message: `"${state.confirmText}" is not ${state.confirmWord}: nothing was deleted` };
    case 'back':
      return { ...state, phase: 'review', confirmText: '', message: undefined };
    default:
      return state;
  }
}
