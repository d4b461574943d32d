/**
 * The bridge between the core's event stream and React: `dispatch` only queues (O(1), any rate), and ONE
 * shared interval applies the queue at most `fps` times per second. The same tick advances every spinner
 * (`state.tick`), so no component owns a timer.
 *
 * A frame is drawn at the next tick when something happened (an image or blob started, finished, failed or
 * retried, a phase changed, a warning…), but frames that would only move byte counters, clocks and spinners
 * come at most every PROGRESS_FRAME_MS: the engine samples each blob's progress at that rate, so faster
 * frames mostly repeat the same numbers — and each frame costs Ink a full re-layout and re-tokenising of the
 * screen. Key presses render at once.
 */
import { useSyncExternalStore } from 'react';
import { PROGRESS_INTERVAL_MS, type MirrorEvent } from '../../core/events.js';
import { initialDashboardState, reduceDashboard } from './dashboard-state.js';
import type { DashboardInput, DashboardState, DashboardUiAction } from './dashboard-types.js';

/** Frame rate suited to SSH sessions (guide §4.1: 8–15 fps is plenty). */
export const DEFAULT_FPS = 10;

/** Least time between two frames that only show progress (see the module comment). */
export const PROGRESS_FRAME_MS = PROGRESS_INTERVAL_MS;

/** Above this many queued events the queue is applied without waiting for a frame (bounded memory). */
const MAX_PENDING = 5_000;

export interface DashboardStore {
  /** Queues a core event (applied at the next frame) or applies a UI action at once. Safe to pass around unbound. */
  dispatch: (input: DashboardInput) => void;
  /** The state as of the last frame (stable between frames, as `useSyncExternalStore` requires). */
  getSnapshot: () => DashboardState;
  /** Subscribes to frames; the first subscriber starts the shared interval, the last one stops it. */
  subscribe: (listener: () => void) => () => void;
  /**
   * Applies queued events plus a `ui.tick` and notifies subscribers. `'coalesce'` (what the
   * interval passes) skips the notification when only progress moved within PROGRESS_FRAME_MS.
   */
  flush: (now?: number, mode?: 'always' | 'coalesce') => void;
  /** Changes the frame rate (restarts the interval if running). */
  setFps: (fps: number) => void;
}

export interface DashboardStoreOptions {
  /** Frames per second. @default 10 */
  fps?: number;
  /** Clock. @default Date.now */
  now?: () => number;
  initialState?: DashboardState;
}

export function createDashboardStore(options: DashboardStoreOptions = {}): DashboardStore {
  const clock = options.now ?? Date.now;
  let fps = normaliseFps(options.fps ?? DEFAULT_FPS);
  let state = options.initialState ?? initialDashboardState(clock());
  let pending: DashboardInput[] = [];
  const listeners = new Set<() => void>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let lastFrameAt = Number.NEGATIVE_INFINITY;
  /** Something other than progress was applied since the last frame (also by an early apply of a full queue). */
  let eventful = false;

  const notify = (): void => {
    for (const listener of [...listeners]) listener();
  };

  const applyPending = (extra?: DashboardInput): void => {
    const batch = pending;
    pending = [];
    if (batch.some((e) => e.type !== 'blob.progress')) eventful = true;
    if (extra) batch.push(extra);
    state = reduceDashboard(state, batch);
  };

  const flush = (now = clock(), mode: 'always' | 'coalesce' = 'always'): void => {
    applyPending({ type: 'ui.tick', now });
    const draw = mode === 'always' || eventful || now - lastFrameAt >= PROGRESS_FRAME_MS;
    if (!draw) return;
    eventful = false;
    lastFrameAt = now;
    notify();
  };

  const start = (): void => {
    if (timer !== undefined) return;
    // Events queued before the view mounted show on its first render, not one interval later.
    if (pending.length > 0) applyPending();
    timer = setInterval(() => flush(undefined, 'coalesce'), Math.round(1000 / fps));
  };
  const stop = (): void => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };

  const dispatch = (input: DashboardInput): void => {
    if (input.type.startsWith('ui.')) {
      // Key presses are rare and must feel instant: apply with everything queued before them.
      applyPending(input as DashboardUiAction);
      eventful = false;
      lastFrameAt = clock();
      notify();
      return;
    }
    pending.push(input as MirrorEvent);
    if (pending.length >= MAX_PENDING) applyPending();
  };

  return {
    dispatch,
    getSnapshot: () => state,
    subscribe: (listener) => {
      listeners.add(listener);
      start();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) stop();
      };
    },
    flush,
    setFps: (next) => {
      fps = normaliseFps(next);
      if (timer !== undefined) {
        stop();
        start();
      }
    },
  };
}

function normaliseFps(fps: number): number {
  if (!Number.isFinite(fps) || fps <= 0) return DEFAULT_FPS;
  return Math.min(60, Math.max(1, fps));
}

/** The dashboard state, re-rendered at most once per store frame. */
export function useDashboardState(store: DashboardStore): DashboardState {
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}
