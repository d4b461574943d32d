/**
 * Keys of the delete review as data (for the hint line) plus the one function that turns a key press into a
 * reducer action for the current phase. Text fields (filter, confirmation) own printable keys while active.
 */
import type { Key } from 'ink';
import { matchKey, type KeyBinding } from '../shared/keymap.js';
import { deleteReviewReducer, type DeleteReviewAction, type DeleteReviewState } from './delete-review-state.js';

export type ReviewKeyAction =
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'home'
  | 'end'
  | 'toggle'
  | 'all'
  | 'none'
  | 'filter'
  | 'confirm'
  | 'back'
  | 'cancel';

/** Bindings of the review list. */
export const REVIEW_KEYMAP: readonly KeyBinding<ReviewKeyAction>[] = [
  {
    action: 'up',
    keys: [{ key: 'upArrow' }, { input: 'k' }],
    label: '↑/k',
    asciiLabel: 'Up/k',
    description: 'previous line',
  },
  {
    action: 'down',
    keys: [{ key: 'downArrow' }, { input: 'j' }],
    label: '↓/j',
    asciiLabel: 'Down/j',
    description: 'next line',
    hint: 'move',
    hintLabel: { unicode: '↑/↓', ascii: 'Up/Dn' },
  },
  { action: 'pageUp', keys: [{ key: 'pageUp' }], label: 'PgUp', asciiLabel: 'PgUp', description: 'one page up' },
  { action: 'pageDown', keys: [{ key: 'pageDown' }], label: 'PgDn', asciiLabel: 'PgDn', description: 'one page down' },
  {
    action: 'home',
    keys: [{ key: 'home' }, { input: 'g' }],
    label: 'Home/g',
    asciiLabel: 'Home/g',
    description: 'first line',
  },
  {
    action: 'end',
    keys: [{ key: 'end' }, { input: 'G' }],
    label: 'End/G',
    asciiLabel: 'End/G',
    description: 'last line',
  },
  {
    action: 'toggle',
    keys: [{ input: ' ' }],
    label: 'Space',
    asciiLabel: 'Space',
    description: 'select / deselect the item or the whole group',
    hint: 'toggle',
  },
  {
    action: 'all',
    keys: [{ input: 'a' }],
    label: 'a',
    asciiLabel: 'a',
    description: 'select all shown items',
    hint: 'all',
  },
  {
    action: 'none',
    keys: [{ input: 'n' }],
    label: 'n',
    asciiLabel: 'n',
    description: 'deselect all shown items',
    hint: 'none',
  },
  {
    action: 'filter',
    keys: [{ input: '/' }],
    label: '/',
    asciiLabel: '/',
    description: 'filter by text',
    hint: 'filter',
  },
  {
    action: 'confirm',
    keys: [{ key: 'return' }],
    label: 'Enter',
    asciiLabel: 'Enter',
    description: 'continue to confirmation',
    hint: 'continue',
  },
  {
    action: 'back',
    keys: [{ key: 'escape' }],
    label: 'Esc',
    asciiLabel: 'Esc',
    description: 'clear the filter, or cancel',
    hint: 'cancel',
  },
  {
    action: 'cancel',
    keys: [{ input: 'c', ctrl: true }],
    label: 'Ctrl+C',
    asciiLabel: 'Ctrl+C',
    description: 'cancel: delete nothing',
  },
];

function isErase(key: Key): boolean {
  return key.backspace || key.delete;
}

function isText(input: string, key: Key): boolean {
  return input !== '' && !key.ctrl && !key.meta;
}

/** The reducer action for a key press in the current phase, or undefined when the key means nothing here. */
export function reviewActionForKey(state: DeleteReviewState, input: string, key: Key): DeleteReviewAction | undefined {
  if (key.ctrl && input === 'c') return { type: 'cancel' };
  if (state.phase === 'confirm') {
    if (key.escape) return { type: 'back' };
    if (key.return) return { type: 'submitConfirm' };
    if (isErase(key)) return { type: 'confirmBackspace' };
    if (isText(input, key)) return { type: 'confirmInput', text: input };
    return undefined;
  }
  if (state.phase !== 'review') return undefined;
  if (state.filterEditing) {
    if (key.escape) return { type: 'clearFilter' };
    if (key.return) return { type: 'endFilter' };
    if (isErase(key)) return { type: 'filterBackspace' };
    if (key.upArrow) return { type: 'move', delta: -1 };
    if (key.downArrow) return { type: 'move', delta: 1 };
    if (isText(input, key)) return { type: 'filterInput', text: input };
    return undefined;
  }
  switch (matchKey(REVIEW_KEYMAP, input, key)) {
    case 'up':
      return { type: 'move', delta: -1 };
    case 'down':
      return { type: 'move', delta: 1 };
    case 'pageUp':
      return { type: 'page', direction: -1 };
    case 'pageDown':
      return { type: 'page', direction: 1 };
    case 'home':
      return { type: 'home' };
    case 'end':
      return { type: 'end' };
    case 'toggle':
      return { type: 'toggle' };
    case 'all':
      return { type: 'selectAll' };
    case 'none':
      return { type: 'selectNone' };
    case 'filter':
      return { type: 'startFilter' };
    case 'confirm':
      return { type: 'requestConfirm' };
    case 'back':
      return state.filter !== '' ? { type: 'clearFilter' } : { type: 'cancel' };
    case 'cancel':
      return { type: 'cancel' };
    default:
      return undefined;
  }
}

/** A key press, or a reducer action dispatched directly (resize). */
export type DeleteReviewEvent = DeleteReviewAction | { type: 'key'; input: string; key: Key };

/**
 * Maps keys against the state the reducer is applied to, not the state of the last render: keys typed faster
 * than the frame rate (a pasted registry host, Enter right after a toggle) still go to the right phase.
 */
export function deleteReviewEventReducer(state: DeleteReviewState, event: DeleteReviewEvent): DeleteReviewState {
  if (event.type !== 'key') return deleteReviewReducer(state, event);
  const action = reviewActionForKey(state, event.input, event.key);
  return action ? deleteReviewReducer(state, action) : state;
}
