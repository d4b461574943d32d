/**
 * The dashboard reducer: core events (plus ticks and key actions) in, immutable state out.
 *
 * Events arrive at a high rate, so work per event is O(1) apart from the first touch of an image within a
 * batch: `reduceDashboard(state, inputs)` copies the image map once per batch and each touched image / blob
 * once, then applies every input to those private copies (copy-on-write). The store calls it once per frame
 * with everything queued since the last frame; `dashboardReducer` is the single-input form.
 */
import type { MirrorEvent } from '../../core/events.js';
import { applyEvent } from './apply-event.js';
import { applyUi } from './apply-ui-action.js';
import { EMPTY_RATE } from './rate-window.js';
import type { DashboardInput, DashboardState, DashboardUiAction } from './dashboard-types.js';
import { Draft } from './state-draft.js';

export type * from './dashboard-types.js';
export {
  selectErrors,
  selectLayerRows,
  selectOverall,
  selectVisibleImages,
  blobLabel,
  imageTypeLabel,
} from './dashboard-selectors.js';
export type { ImageRow, LayerRow, LayerRows, OverallView, VisibleImages } from './dashboard-selectors.js';

export { MAX_ERROR_ENTRIES } from './state-draft.js';

/** The state before any event. */
export function initialDashboardState(now = 0): DashboardState {
  return {
    now,
    tick: 0,
    images: new Map(),
    planOrder: [],
    counts: { queued: 0, active: 0, done: 0, failed: 0, skipped: 0 },
    bytesDone: 0,
    bytesTotal: 0,
    imagesResolved: 0,
    bytesResolved: 0,
    bytesTransferred: 0,
    rate: EMPTY_RATE,
    seq: 0,
    errors: [],
    errorCount: 0,
    warningCount: 0,
    retries: 0,
    archiveChunks: [],
    catalogs: [],
    deleteCounts: { deleted: 0, absent: 0, failed: 0 },
    ui: { scroll: 0, filter: 'all', showHelp: false, showErrors: true, cancelRequested: false },
  };
}

/** Applies one input. Pure: `state` is not modified. */
export function dashboardReducer(state: DashboardState, input: DashboardInput): DashboardState {
  return reduceDashboard(state, [input]);
}

/** Applies a batch of inputs in order. Pure: `state` is not modified; one copy per batch. */
export function reduceDashboard(state: DashboardState, inputs: readonly DashboardInput[]): DashboardState {
  if (inputs.length === 0) return state;
  const draft = new Draft(state);
  for (const input of inputs) {
    if (input.type.startsWith('ui.')) applyUi(draft, input as DashboardUiAction);
    else applyEvent(draft, input as MirrorEvent);
  }
  return draft.finish();
}
