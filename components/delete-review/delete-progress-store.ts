/**
 * An external store for the progress view: the core's event sink writes into it from outside React, the view
 * subscribes with useSyncExternalStore, and Ink's maxFps bounds how often that reaches the terminal.
 */
import { useSyncExternalStore } from 'react';
import {
  createDeleteProgressState,
  deleteProgressReducer,
  type DeleteProgressEvent,
  type DeleteProgressState,
} from './delete-progress-state.js';

export interface DeleteProgressStore {
  dispatch(event: DeleteProgressEvent): void;
  getState(): DeleteProgressState;
  subscribe(listener: () => void): () => void;
}

export function createDeleteProgressStore(total: number): DeleteProgressStore {
  let state = createDeleteProgressState(total);
  const listeners = new Set<() => void>();
  return {
    dispatch(event) {
      const next = deleteProgressReducer(state, event);
      if (next === state) return;
      state = next;
      for (const listener of listeners) listener();
    },
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function useDeleteProgress(store: DeleteProgressStore): DeleteProgressState {
  return useSyncExternalStore(store.subscribe, store.getState, store.getState);
}
