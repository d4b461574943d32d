/**
 * Everything a mirror run needs, already validated and resolved from the command line (source/) or the
 * wizard. Defaults follow oc-mirror v2 (`../shared/spec/core.md` §2).
 */
import type { Workflow } from '../events.js';

export type MirrorWorkflow = Exclude<Workflow, 'delete'>;

export interface MirrorOptions {
  workflow: MirrorWorkflow;
  configPath: string;
  /** Directory holding `working-dir/` (M2D: the archive dir; D2M: the --from dir; M2M: --workspace). */
  workspaceRoot: string;
  /** M2D: where mirror_*.tar are written; D2M: where they are read. */
  archiveDir?: string;
  /** `<R>`: the destination registry (host[:port][/path]) for D2M and M2M, without `docker://`. */
  destinationRegistry?: string;
  /** Base cache directory; the cache itself is `<cacheDir>/.oc-mirror/.cache`. */
  cacheDir: string;
  /** oc-mirror's embedded registry port: only used to spell cache references `localhost:<port>/…`. */
  port: number;
  authFile?: string;
  srcTlsVerify: boolean;
  destTlsVerify: boolean;
  /** Directory of extra CA certificates (*.crt) trusted for both sides. */
  certDir?: string;
  parallelImages: number;
  parallelLayers: number;
  retryTimes: number;
  retryDelayMs: number;
  imageTimeoutMs: number;
  dryRun: boolean;
  /** `--dry-run-manifest-lists`: add one mapping line per instance of a manifest list. */
  dryRunManifestLists?: boolean;
  since?: Date;
  strictArchive: boolean;
  maxNestedPaths: number;
  removeSignatures: boolean;
  /** `--ignore-release-signature` (hidden in oc-mirror): skip signatures for `mirror.platform.release` only. */
  ignoreReleaseSignature?: boolean;
  /** `--secure-policy`: verify every source image against the signature policy (not in disk to mirror). */
  securePolicy?: boolean;
  /** `--policy` (only with securePolicy); else `$HOME/.config/containers/policy.json`, else `/etc/containers/policy.json`. */
  policyPath?: string;
  /**
   * `--registries.d`: lookaside configuration for signedBy, and the directory copied into the working-dir (§6.2);
   * else the user's, else `/etc/containers/registries.d`.
   */
  registriesDir?: string;
  logLevel: 'info' | 'debug' | 'trace' | 'error';
  /** Overrides `archiveSize` (bytes per chunk); for tests and experts. */
  archiveChunkBytes?: number;
  /** Environment used for credentials and proxies (defaults to process.env). */
  env?: NodeJS.ProcessEnv;
}

export const DEFAULTS = {
  port: 55000,
  parallelImages: 4,
  parallelLayers: 5,
  retryTimes: 5,
  retryDelayMs: 0,
  imageTimeoutMs: 10 * 60_000,
  archiveSizeGiB: 500,
} as const;

export function cacheRootOf(cacheDir: string): string {
  return `${cacheDir.replace(/\/+$/, '')}/.oc-mirror/.cache`;
}

export function cacheHostOf(port: number): string {
  return `localhost:${port}`;
}
