/**
 * Pure views of the dashboard state for one frame: overall numbers, the visible window of the images
 * table, the layer rows of one image, the recent errors. O(images) per call, called once per frame.
 */
import type { BlobOutcome } from '../../core/events.js';
import type { ImageType } from '../../core/image-types.js';
import { orderImageIds } from './image-order.js';
import { clampScroll, scrollToShow } from '../shared/scroll-window.js';
import { rateAt } from './rate-window.js';
import type {
  BlobState,
  BlobStatus,
  DashboardState,
  ErrorEntry,
  ImageFilter,
  ImageState,
  ImageStatus,
  RetryInfo,
  StatusCounts,
} from './dashboard-types.js';

export interface OverallView {
  imagesTotal: number;
  counts: StatusCounts;
  /** done + failed + skipped */
  imagesFinished: number;
  bytesDone: number;
  bytesTotal: number;
  /**
   * Bytes done over the expected total (the known bytes plus, while manifests are still being read, the
   * average resolved image for each unresolved one, as for the ETA); images finished / total only before
   * any size is known.
   */
  fraction: number;
  /** The total the bar measures against: `bytesTotal` plus the estimate for unresolved images. */
  expectedBytes: number;
  /** Queued or active images whose manifests are not read yet: the byte total is still growing. */
  unresolved: number;
  /** Moving-average throughput in bytes/s (undefined before the first byte). */
  speed?: number;
  /** Remaining time; undefined when unknown (no speed yet, or nothing left). */
  etaMs?: number;
  /** True when part of the remaining size is extrapolated from images whose manifests are not resolved. */
  etaEstimated: boolean;
  elapsedMs?: number;
  retries: number;
  errorCount: number;
  warningCount: number;
}

/** Overall progress, throughput and ETA at `state.now`. */
export function selectOverall(state: DashboardState): OverallView {
  const { counts } = state;
  const imagesTotal = counts.queued + counts.active + counts.done + counts.failed + counts.skipped;
  const imagesFinished = counts.done + counts.failed + counts.skipped;
  const speed = rateAt(state.rate, state.now);
  let unresolved = 0;
  for (const image of state.images.values()) {
    if ((image.status === 'queued' || image.status === 'active') && !image.blobsKnown) unresolved++;
  }
  const pending = counts.queued + counts.active;
  // Unresolved images are expected to be as big as the average resolved one (unknown before any is resolved).
  const extrapolated =
    unresolved > 0 && state.imagesResolved > 0 ? (state.bytesResolved / state.imagesResolved) * unresolved : 0;
  const expectedBytes = state.bytesTotal + extrapolated;
  let etaMs: number | undefined;
  if (pending > 0 && speed !== undefined && speed > 0 && (unresolved === 0 || state.imagesResolved > 0)) {
    etaMs = (Math.max(0, expectedBytes - state.bytesDone) / speed) * 1000;
  }
  const fraction =
    expectedBytes > 0 ? state.bytesDone / expectedBytes : imagesTotal > 0 ? imagesFinished / imagesTotal : 0;
  return {
    imagesTotal,
    counts: { ...counts },
    imagesFinished,
    bytesDone: state.bytesDone,
    bytesTotal: state.bytesTotal,
    fraction,
    expectedBytes,
    unresolved,
    speed,
    etaMs,
    etaEstimated: unresolved > 0,
    elapsedMs: state.run ? Math.max(0, state.now - state.run.startedAt) : undefined,
    retries: state.retries,
    errorCount: state.errorCount,
    warningCount: state.warningCount,
  };
}

/** Short type names for the table ("release", "operator", "additional", "helm", …). */
export function imageTypeLabel(type: ImageType): string {
  switch (type) {
    case 'ocpRelease':
    case 'ocpReleaseContent':
      return 'release';
    case 'cincinnatiGraph':
      return 'graph';
    case 'operatorCatalog':
      return 'catalog';
    case 'operatorBundle':
      return 'bundle';
    case 'operatorRelatedImage':
      return 'operator';
    case 'helmImage':
      return 'helm';
    case 'generic':
      return 'additional';
  }
}

export interface ImageRow {
  id: string;
  status: ImageStatus;
  type: ImageType;
  typeLabel: string;
  reference: string;
  bytesDone: number;
  bytesTotal: number;
  /** 0..1; 1 for a finished image even when its size is unknown. */
  fraction: number;
  /** Bytes/s for active images. */
  speed?: number;
  retry?: RetryInfo;
  error?: string;
  /** Signature policy verdict: true verified/accepted, false refused, undefined not judged (yet). */
  verified?: boolean;
  selected: boolean;
}

export interface VisibleImages {
  rows: ImageRow[];
  /** Effective scroll (clamped, and moved so the selection is visible). */
  scroll: number;
  /** Number of images in the (filtered) list. */
  total: number;
  hiddenAbove: number;
  hiddenBelow: number;
  /** Status counts of the images not on screen. */
  hiddenCounts: StatusCounts;
  /** Status counts of all images. */
  counts: StatusCounts;
  selectedIndex: number;
  filter: ImageFilter;
}

function zeroCounts(): StatusCounts {
  return { queued: 0, active: 0, done: 0, failed: 0, skipped: 0 };
}

function imageRow(state: DashboardState, image: ImageState, selected: boolean): ImageRow {
  const finished = image.status === 'done';
  return {
    id: image.id,
    status: image.status,
    type: image.type,
    typeLabel: imageTypeLabel(image.type),
    reference: image.reference,
    bytesDone: image.bytesDone,
    bytesTotal: image.bytesTotal,
    fraction: finished ? 1 : image.bytesTotal > 0 ? image.bytesDone / image.bytesTotal : 0,
    speed: image.status === 'active' ? rateAt(image.rate, state.now) : undefined,
    retry: image.retry,
    error: image.error,
    verified: image.policy?.accepted,
    selected,
  };
}

/**
 * The rows of the images table that fit in `rows` lines: active first, then recently finished, then queued
 * (see `orderImageIds`), starting at `scroll`, with counts of what is hidden above and below.
 */
export function selectVisibleImages(
  state: DashboardState,
  options: { rows: number; scroll?: number; filter?: ImageFilter; selectedId?: string },
): VisibleImages {
  const filter = options.filter ?? state.ui.filter;
  const selectedId = options.selectedId ?? state.ui.selectedId;
  const rows = Math.max(0, Math.floor(options.rows));
  const order = orderImageIds(state.images, state.planOrder, filter);
  const selectedIndex = selectedId === undefined ? -1 : order.indexOf(selectedId);
  const scroll =
    rows === 0
      ? 0
      : scrollToShow(
          clampScroll(options.scroll ?? state.ui.scroll, rows, order.length),
          selectedIndex,
          rows,
          order.length,
        );
  const end = Math.min(order.length, scroll + rows);
  const visible: ImageRow[] = [];
  const hiddenCounts = zeroCounts();
  order.forEach((id, index) => {
    const image = state.images.get(id);
    if (!image) return;
    if (index >= scroll && index < end) visible.push(imageRow(state, image, index === selectedIndex));
    else hiddenCounts[image.status]++;
  });
  return {
    rows: visible,
    scroll,
    total: order.length,
    hiddenAbove: scroll,
    hiddenBelow: order.length - end,
    hiddenCounts,
    counts: { ...state.counts },
    selectedIndex,
    filter,
  };
}

/** The state word of a blob: "copying", "already exists", "mounted", "retrying 2/5", "failed", … */
export function blobLabel(blob: Pick<BlobState, 'status' | 'outcome' | 'retry'>): string {
  switch (blob.status) {
    case 'waiting':
      return 'waiting';
    case 'copying':
      return 'copying';
    case 'retrying':
      return blob.retry ? `retrying ${blob.retry.attempt}/${blob.retry.maxAttempts}` : 'retrying';
    case 'failed':
      return 'failed';
    case 'done':
      return outcomeLabel(blob.outcome);
  }
}

function outcomeLabel(outcome: BlobOutcome | undefined): string {
  switch (outcome) {
    case 'exists':
      return 'already exists';
    case 'mounted':
      return 'mounted';
    case 'copied':
      return 'copied';
    case undefined:
      return 'done';
  }
}

export interface LayerRow {
  digest: string;
  size: number;
  bytes: number;
  fraction: number;
  status: BlobStatus;
  outcome?: BlobOutcome;
  retry?: RetryInfo;
  error?: string;
  label: string;
}

export interface LayerRows {
  imageId: string;
  reference: string;
  status: ImageStatus;
  blobsKnown: boolean;
  rows: LayerRow[];
  total: number;
  /** Blobs not shown, counted by state word ("copied": 10, "waiting": 2, "existing": 1). */
  hidden: { label: string; count: number }[];
  hiddenCount: number;
  /** All blobs counted by state word, in display order. */
  byLabel: { label: string; count: number }[];
}

const BLOB_PRIORITY: Record<BlobStatus, number> = { retrying: 0, copying: 1, failed: 2, waiting: 3, done: 4 };

/** One word per state for counts ("retrying", "existing"), so "retrying 2/5" and "retrying 1/5" add up. */
function countWord(row: LayerRow): string {
  if (row.status === 'retrying') return 'retrying';
  if (row.status === 'done' && row.outcome === 'exists') return 'existing';
  return row.label;
}

function countLabels(blobs: readonly LayerRow[]): { label: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const blob of blobs) counts.set(countWord(blob), (counts.get(countWord(blob)) ?? 0) + 1);
  return [...counts].map(([label, count]) => ({ label, count }));
}

/**
 * The blobs of one image for the layer panel: retrying and copying first, then failed, waiting and
 * finished, each in manifest order; at most `rows`, with the rest counted by state.
 */
export function selectLayerRows(state: DashboardState, imageId: string, rows: number): LayerRows | undefined {
  const image = state.images.get(imageId);
  if (!image) return undefined;
  const all: LayerRow[] = [];
  for (const blob of image.blobs.values()) {
    all.push({
      digest: blob.digest,
      size: blob.size,
      bytes: blob.bytes,
      fraction: blob.status === 'done' ? 1 : blob.size > 0 ? blob.bytes / blob.size : 0,
      status: blob.status,
      outcome: blob.outcome,
      retry: blob.retry,
      error: blob.error,
      label: blobLabel(blob),
    });
  }
  const sorted = all
    .map((row, index) => ({ row, index }))
    .sort((a, b) => BLOB_PRIORITY[a.row.status] - BLOB_PRIORITY[b.row.status] || a.index - b.index)
    .map((x) => x.row);
  const limit = Math.max(0, Math.floor(rows));
  const shown = sorted.slice(0, limit);
  const rest = sorted.slice(limit);
  return {
    imageId,
    reference: image.reference,
    status: image.status,
    blobsKnown: image.blobsKnown,
    rows: shown,
    total: all.length,
    hidden: countLabels(rest),
    hiddenCount: rest.length,
    byLabel: countLabels(sorted),
  };
}

/** The most recent `rows` errors/warnings, newest first (optionally errors only). */
export function selectErrors(state: DashboardState, rows: number, errorsOnly = false): ErrorEntry[] {
  const out: ErrorEntry[] = [];
  for (let i = state.errors.length - 1; i >= 0 && out.length < rows; i--) {
    const entry = state.errors[i];
    if (errorsOnly && entry.severity !== 'error') continue;
    out.push(entry);
  }
  return out;
}
