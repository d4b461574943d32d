/**
 * Live state of a running deletion, folded from the core's `delete.item` and `retry` events, so the progress
 * view and its tests need no Ink.
 */
import type { MirrorEvent } from '../../core/events.js';

export type DeleteOutcomeKind = 'deleted' | 'absent' | 'failed';

export interface DeleteResultLine {
  reference: string;
  outcome: DeleteOutcomeKind;
  error?: string;
}

export interface DeleteProgressState {
  /** Manifests the run will try to delete. */
  readonly total: number;
  /** In completion order. */
  readonly results: readonly DeleteResultLine[];
  readonly retries: number;
  /** Set by the caller when executeDelete returned (the cache GC may run after the last item). */
  readonly finished: boolean;
}

export type DeleteProgressEvent = MirrorEvent | { type: 'delete.finished' };

export function createDeleteProgressState(total: number): DeleteProgressState {
  return { total, results: [], retries: 0, finished: false };
}

export function deleteProgressReducer(state: DeleteProgressState, event: DeleteProgressEvent): DeleteProgressState {
  switch (event.type) {
    case 'delete.item':
      return {
        ...state,
        results: [...state.results, { reference: event.reference, outcome: event.outcome, error: event.error }],
      };
    case 'retry':
      return { ...state, retries: state.retries + 1 };
    case 'delete.finished':
      return { ...state, finished: true };
    default:
      return state;
  }
}

export function deleteCounts(state: DeleteProgressState): Record<DeleteOutcomeKind, number> {
  const counts: Record<DeleteOutcomeKind, number> = { deleted: 0, absent: 0, failed: 0 };
  for (const r of state.results) counts[r.outcome]++;
  return counts;
}

/** The latest results that fit in `room` lines (one of them goes to "k earlier" when some are hidden). */
export function visibleResults(
  state: DeleteProgressState,
  room: number,
): { lines: DeleteResultLine[]; hidden: number } {
  const n = state.results.length;
  const shown = n <= room ? n : Math.max(0, room - 1);
  return { lines: state.results.slice(n - shown), hidden: n - shown };
}
