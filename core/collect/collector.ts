/**
 * Collectors turn one part of an ImageSetConfiguration into planned images. Releases, operators and Helm
 * plug in here later; the workflows only know this interface.
 */
import type { VerifySource } from '../copy/copy-engine.js';
import type { ImageSetSpec } from '../config/image-set-config.js';
import type { ContentKind, PlannedImage } from '../image-types.js';
import type { EventInput } from '../events.js';
import type { MirrorWorkflow } from '../workflow/mirror-options.js';
import type { StoreResolver } from '../copy/image-location.js';
import type { ImageStore } from '../store/image-store.js';

/** Copy tuning for images a collector pulls itself (catalogs into the cache). */
export interface CollectCopySettings {
  parallelLayers: number;
  retryTimes: number;
  retryDelayMs: number;
  imageTimeoutMs: number;
}

export interface CollectContext {
  workflow: MirrorWorkflow | 'delete';
  /** Where images go: `localhost:<port>` (M2D) or `<R>` (D2M, M2M, delete). No transport. */
  destinationRoot: string;
  /** The cache address `localhost:<port>`: D2M reads from it. */
  cacheHost: string;
  workingDir: string;
  signal: AbortSignal;
  emit: (event: EventInput) => void;
  /**
   * Stores for reading while collecting (catalog images, payloads): registries by host (the cache host is the
   * cache) and OCI layouts. Collectors that only compute names do not need them.
   */
  stores?: StoreResolver;
  /** The local cache, where catalogs are pulled and filtered catalogs rebuilt. */
  cache?: ImageStore;
  /** `--dry-run`: read and filter, but build and push nothing. */
  dryRun?: boolean;
  copy?: CollectCopySettings;
  /** Environment for collectors' overrides (UPDATE_URL_OVERRIDE, OCP_SIGNATURE_URL, …); never process.env directly. */
  env?: NodeJS.ProcessEnv;
  /** `--ignore-release-signature`: only for `mirror.platform.release` (collectors.md §1.6). */
  ignoreReleaseSignature?: boolean;
  /**
   * The signature policy (collectors.md §6.1), for what collection reads from a registry under the policy: the
   * release payload (a refusal is a release collection error). Undefined = no policy.
   */
  verifySource?: VerifySource;
}

/** Images without `id` yet: ids are assigned once the whole plan is assembled and sorted. */
export type CollectedImage = Omit<PlannedImage, 'id'>;

export interface Collector {
  readonly kind: ContentKind;
  /** Throws when the part of the config it owns cannot be collected (sets that kind's exit bit). */
  collect(spec: ImageSetSpec, ctx: CollectContext): Promise<CollectedImage[]>;
}

/** A collector failed: the run copies nothing and exits with that kind's bit (§3.0 CollectAll). */
export class CollectorError extends Error {
  constructor(
    readonly kind: ContentKind,
    readonly errors: unknown[],
  ) {
    super(`${kind} collection error: ${errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ')}`);
  }
}
