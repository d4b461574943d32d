/**
 * The dashboard's state: everything the live view shows, derived only from core events (plus ticks and key
 * actions). Treated as immutable by every consumer; the reducer copies on write.
 */
import type { BlobOutcome, CatalogStep, MirrorEvent, Phase, RunSummary, Workflow } from '../../core/events.js';
import type { ImageType } from '../../core/image-types.js';
import type { RateWindow } from './rate-window.js';

export type ImageStatus = 'queued' | 'active' | 'done' | 'failed' | 'skipped';

/** `retrying` = a retry was announced and no byte has moved since. */
export type BlobStatus = 'waiting' | 'copying' | 'retrying' | 'done' | 'failed';

export interface RetryInfo {
  attempt: number;
  maxAttempts: number;
  delayMs: number;
  reason: string;
}

export interface BlobState {
  digest: string;
  /** Expected size in bytes (0 when unknown). */
  size: number;
  /** Bytes moved so far; snaps to `size` when done (skopeo's "finished bars are 100 %"). */
  bytes: number;
  status: BlobStatus;
  outcome?: BlobOutcome;
  retry?: RetryInfo;
  error?: string;
}

export interface ImageState {
  id: string;
  type: ImageType;
  /** The reference as the user / collector wrote it (what people recognise). */
  reference: string;
  source: string;
  destination: string;
  status: ImageStatus;
  /** Position in the plan (queued images are listed in this order). */
  planIndex: number;
  /** Increasing counters: order of starting and of finishing (for "active first, recently finished"). */
  startSeq: number;
  finishSeq: number;
  startedAt?: number;
  finishedAt?: number;
  /** Blobs in manifest order; keyed by digest (one entry per digest, even if an index repeats it). */
  blobs: ReadonlyMap<string, BlobState>;
  /** True once `image.blobs` arrived (or the image finished): `bytesTotal` is then exact. */
  blobsKnown: boolean;
  manifests: number;
  bytesDone: number;
  bytesTotal: number;
  blobsFinished: number;
  /** Transfer samples for this image's speed. */
  rate: RateWindow;
  /** Image-level retry (manifest, auth…), cleared when bytes move again. */
  retry?: RetryInfo;
  error?: string;
  code?: string;
  skipReason?: string;
  /** The signature policy's verdict (`image.policy`), when a policy is in force. */
  policy?: { accepted: boolean; scope: string; requirement: string; reason: string };
}

export interface StatusCounts {
  queued: number;
  active: number;
  done: number;
  failed: number;
  skipped: number;
}

export interface ErrorEntry {
  seq: number;
  at: number;
  severity: 'error' | 'warning';
  imageId?: string;
  reference?: string;
  digest?: string;
  message: string;
  code?: string;
}

/** One catalog's collection work (pull, extract, filter, rebuild), from `catalog` events. */
export interface CatalogState {
  catalog: string;
  step: CatalogStep;
  bytes?: number;
  totalBytes?: number;
  packages?: number;
  bundles?: number;
  detail?: string;
  error?: string;
}

export type ImageFilter = 'all' | 'failed';

export interface DashboardUi {
  selectedId?: string;
  /** First visible row of the images table (kept so the selection stays in view). */
  scroll: number;
  filter: ImageFilter;
  showHelp: boolean;
  showErrors: boolean;
  /** First Ctrl+C seen: a graceful cancel is under way. */
  cancelRequested: boolean;
}

export interface RunInfo {
  workflow: Workflow;
  source: string;
  destination: string;
  dryRun: boolean;
  startedAt: number;
}

export interface DashboardState {
  run?: RunInfo;
  phase?: Phase;
  phaseDetail?: string;
  /** Latest known time (ticks and event stamps), for elapsed, speed and ETA. */
  now: number;
  /** Number of `ui.tick`s: drives the one shared spinner. */
  tick: number;
  images: ReadonlyMap<string, ImageState>;
  /** Image ids in plan order. */
  planOrder: readonly string[];
  counts: StatusCounts;
  /** Sum over images of bytes done (copied, existing or mounted). */
  bytesDone: number;
  /** Sum over images whose blobs are known; failed images count only what they completed. */
  bytesTotal: number;
  /** Images whose blob list arrived, and their bytes at that moment: the average image size for the ETA. */
  imagesResolved: number;
  bytesResolved: number;
  /** Bytes that actually crossed the wire (monotonic: a rewound retry is not subtracted). */
  bytesTransferred: number;
  rate: RateWindow;
  seq: number;
  errors: readonly ErrorEntry[];
  errorCount: number;
  warningCount: number;
  retries: number;
  /** Last retry / warning / info text, for a one-line status. */
  lastNotice?: string;
  archive?: { chunk: string; bytes: number; totalBytes: number };
  archiveChunks: readonly { path: string; bytes: number }[];
  extract?: { chunk: string; index: number; count: number; bytes: number; totalBytes: number };
  /** Operator catalogs being prepared during collection, in the order they started. */
  catalogs: readonly CatalogState[];
  /** Release work during collection: the last step's text, and per payload whether its signature verified. */
  releases?: { step: string; text: string; signatures: readonly { release: string; verified: boolean }[] };
  deleteCounts: { deleted: number; absent: number; failed: number };
  /** True once an `image.policy` event arrived: the images table shows the VERIFIED column. */
  policyActive?: boolean;
  summary?: RunSummary;
  ui: DashboardUi;
}

/** Key-driven actions (rows = current page size, so paging matches what is on screen). */
export type DashboardUiAction =
  | { type: 'ui.tick'; now: number }
  | { type: 'ui.move'; delta: number; rows: number }
  | { type: 'ui.home'; rows: number }
  | { type: 'ui.end'; rows: number }
  | { type: 'ui.clearSelection' }
  | { type: 'ui.toggleFilter' }
  | { type: 'ui.toggleHelp' }
  | { type: 'ui.toggleErrors' }
  | { type: 'ui.cancelRequested' };

export type DashboardInput = MirrorEvent | DashboardUiAction;
