/**
 * The one event stream every UI consumes (Ink dashboard, plain lines, JSON lines).
 * The core never renders anything: it calls `emit(event)` and carries on. Byte counts are exact;
 * `blob.progress` is sampled (at most every PROGRESS_INTERVAL_MS per blob), never emitted per chunk.
 *
 * Schema rules: every event has `type` and `at` (ms since epoch). Adding a field is compatible;
 * renaming or removing one is not (the JSON-lines output is a public interface, see docs/events.md).
 */
import type { ContentKind, ImageType, PlannedImage } from './image-types.js';

export const PROGRESS_INTERVAL_MS = 250;

export type Workflow = 'mirrorToDisk' | 'diskToMirror' | 'mirrorToMirror' | 'delete';

export type Phase =
  'setup' | 'collect' | 'extract' | 'copy' | 'archive' | 'cluster-resources' | 'dry-run' | 'delete' | 'done';

/** What the operator collector is doing with one catalog (collectors.md §2.3, §2.10). */
export type CatalogStep = 'resolve' | 'pull' | 'extract' | 'filter' | 'rebuild' | 'reused' | 'done' | 'failed';

/** How a blob ended up at the destination. */
export type BlobOutcome = 'copied' | 'exists' | 'mounted';

export interface RunSummary {
  workflow: Workflow;
  imagesTotal: number;
  imagesOk: number;
  imagesFailed: number;
  imagesSkipped: number;
  /** Bytes actually transferred (blobs copied, not skipped or mounted). */
  bytesCopied: number;
  /** Blob bytes that needed no transfer (already present or mounted). */
  bytesSkipped: number;
  blobsCopied: number;
  blobsSkipped: number;
  blobsMounted: number;
  durationMs: number;
  exitCode: number;
  /** Per content kind: copied / total, as in oc-mirror's "=== Results ===" block. */
  byKind: Partial<Record<ContentKind, { ok: number; total: number }>>;
  /** Paths of files the user may want next (archives, cluster resources, error report, dry-run mapping). */
  outputs: { label: string; path: string }[];
  cancelled: boolean;
}

export type MirrorEvent = { at: number } & (
  | { type: 'run.started'; workflow: Workflow; source: string; destination: string; dryRun: boolean }
  | { type: 'phase'; phase: Phase; detail?: string }
  /** The complete copy plan, known before the first byte moves. */
  | { type: 'plan'; images: PlannedImage[] }
  | { type: 'image.started'; imageId: string }
  /** Manifests resolved: the blobs this image needs (layers, configs; children of an index included). */
  | {
      type: 'image.blobs';
      imageId: string;
      blobs: { digest: string; size: number; mediaType: string }[];
      manifests: number;
    }
  /**
   * The signature policy's verdict on an image (only with --secure-policy), before anything of it is written.
   * `scope`: which policy entry applied; `requirement`: its types (`signedBy`, `reject`, …); `reason`: why it
   * was refused, or who signed it. A refused image then fails (`image.failed`, code POLICY_REJECTED).
   */
  | {
      type: 'image.policy';
      imageId: string;
      accepted: boolean;
      scope: string;
      requirement: string;
      reason: string;
    }
  | { type: 'image.done'; imageId: string; bytesCopied: number; bytesSkipped: number }
  | { type: 'image.failed'; imageId: string; error: string; code?: string }
  | { type: 'image.skipped'; imageId: string; reason: string }
  | { type: 'blob.started'; imageId: string; digest: string; size: number }
  | { type: 'blob.progress'; imageId: string; digest: string; bytes: number; size: number }
  | { type: 'blob.done'; imageId: string; digest: string; size: number; outcome: BlobOutcome }
  | { type: 'blob.failed'; imageId: string; digest: string; error: string }
  | {
      type: 'retry';
      imageId?: string;
      digest?: string;
      attempt: number;
      maxAttempts: number;
      delayMs: number;
      reason: string;
    }
  /**
   * Catalog work during collection: one event per step, `bytes`/`totalBytes` while pulling or extracting,
   * `packages`/`bundles` when filtering is done, `error` when the catalog failed.
   */
  | {
      type: 'catalog';
      catalog: string;
      step: CatalogStep;
      detail?: string;
      bytes?: number;
      totalBytes?: number;
      packages?: number;
      bundles?: number;
      error?: string;
    }
  /**
   * Release work during collection: `graph` (querying Cincinnati), `selected` (the versions chosen), `signature`
   * (one per payload: verified or skipped, by which key), `payload` (reading release-manifests), `components`
   * (count per release), `graph-image`, `done`.
   */
  | {
      type: 'release';
      step: 'graph' | 'selected' | 'signature' | 'payload' | 'components' | 'graph-image' | 'done';
      release?: string;
      releases?: string[];
      verified?: boolean;
      signer?: string;
      components?: number;
    }
  /** Helm chart work during collection: `fetch` (download), `rendered` (with its image counts), `failed`. */
  | {
      type: 'helm';
      chart: string;
      step: 'fetch' | 'rendered' | 'failed';
      images?: number;
      hookImages?: number;
      error?: string;
    }
  | { type: 'warning'; message: string }
  | { type: 'log'; level: 'debug' | 'info'; message: string }
  | { type: 'archive.progress'; chunk: string; bytes: number; totalBytes: number }
  | { type: 'archive.chunk'; path: string; bytes: number }
  | { type: 'extract.progress'; chunk: string; index: number; count: number; bytes: number; totalBytes: number }
  | {
      type: 'delete.item';
      imageId: string;
      reference: string;
      outcome: 'deleted' | 'absent' | 'failed';
      error?: string;
    }
  | { type: 'summary'; summary: RunSummary }
);

export type MirrorEventType = MirrorEvent['type'];

/** Distributive Omit so a caller can build an event without `at`. */
export type EventInput = MirrorEvent extends infer E ? (E extends MirrorEvent ? Omit<E, 'at'> : never) : never;

export type EventSink = (event: MirrorEvent) => void;

/** Stamps `at` and forwards; the single way core code emits. */
export function createEmitter(sink: EventSink): (event: EventInput) => void {
  return (event) => sink({ ...event, at: Date.now() } as MirrorEvent);
}

export type { ImageType };
