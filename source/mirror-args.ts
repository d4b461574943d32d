/**
 * Turns the mirror command line into MirrorOptions, with oc-mirror's validation order and messages
 * (`../shared/spec/core.md` §2.8). The first failing check wins, like oc-mirror.
 */
import { resolve } from 'node:path';
import { homedir } from 'node:os';
import { UsageError } from '../core/errors.js';
import { DEFAULTS, type MirrorOptions } from '../core/workflow/mirror-options.js';
import { parseDuration } from './duration.js';

export const RESERVED_WORDS = [
  'cluster-resources',
  'dry-run',
  'graph-preparation',
  'helm',
  'hold-operator',
  'hold-release',
  'delete',
  'logs',
  'operator-catalogs',
  'release-images',
  'signatures',
];

/** Flags as meow delivers them (camelCase); all optional so the wizard can build them too. */
export interface MirrorFlags {
  config?: string;
  from?: string;
  workspace?: string;
  cacheDir?: string;
  authfile?: string;
  srcTlsVerify?: boolean;
  destTlsVerify?: boolean;
  certDir?: string;
  /** oc-mirror spellings of `--cert-dir` (see resolveCertDir) */
  srcCertDir?: string;
  destCertDir?: string;
  parallelImages?: number;
  parallelLayers?: number;
  retryTimes?: number;
  retryDelay?: string;
  imageTimeout?: string;
  dryRun?: boolean;
  dryRunManifestLists?: boolean;
  since?: string;
  strictArchive?: boolean;
  maxNestedPaths?: number;
  removeSignatures?: boolean;
  ignoreReleaseSignature?: boolean;
  securePolicy?: boolean;
  policy?: string;
  registriesD?: string;
  logLevel?: string;
  port?: number;
}

export interface ResolvedMirrorArgs {
  options: MirrorOptions;
  warnings: string[];
}

export function resolveMirrorArgs(
  flags: MirrorFlags,
  positional: string[],
  env: NodeJS.ProcessEnv,
): ResolvedMirrorArgs {
  const warnings: string[] = [];
  const destination = positional[0];

  if (flags.workspace && !flags.workspace.startsWith('file://')) {
    throw new UsageError('when --workspace is used, it must have file:// prefix');
  }
  const logLevel = flags.logLevel ?? 'info';
  if (!['info', 'debug', 'trace', 'error'].includes(logLevel)) {
    throw new UsageError(`invalid log-level, must be one of info, debug, trace, error (got "${logLevel}")`);
  }
  if (flags.cacheDir && env.OC_MIRROR_CACHE) {
    throw new UsageError('either OC_MIRROR_CACHE or --cache-dir can be used but not both');
  }
  if (!flags.config)
    throw new UsageError('use the --config flag it is mandatory', 'e.g. ocm-tui -c isc.yaml file:///data/mirror');
  if (!destination) {
    throw new UsageError(
      'destination must have either file:// (mirror to disk) or docker:// (diskToMirror) protocol prefixes',
      'give the destination as the last argument: file://DIR or docker://REGISTRY[/PATH]',
    );
  }
  if (destination.includes('file://') && flags.from) {
    throw new UsageError(
      'when destination is file://, mirrorToDisk workflow is assumed, and the --from argument is not needed',
    );
  }
  if (destination.includes('file://')) {
    const word = RESERVED_WORDS.find((w) => destination.includes(w));
    if (word) throw new UsageError(`the destination contains an internal oc-mirror keyword '${word}'`);
  }
  if (flags.from && !flags.from.includes('file://'))
    throw new UsageError('when --from is used, it must have file:// prefix');
  if (flags.from && flags.since) warnings.push('--since is ignored with --from (it only applies to mirror to disk)');
  if (flags.from) {
    const word = RESERVED_WORDS.find((w) => flags.from!.includes(w));
    if (word) throw new UsageError(`the path set in --from flag contains an internal oc-mirror keyword '${word}'`);
  }
  let since: Date | undefined;
  if (flags.since) {
    since = new Date(`${flags.since}T00:00:00Z`);
    // The round trip refuses days Date.parse rolls over (2024-02-30 → March 1) and Go's time.Parse rejects.
    if (
      !/^\d{4}-\d{2}-\d{2}$/.test(flags.since) ||
      Number.isNaN(since.getTime()) ||
      since.toISOString().slice(0, 10) !== flags.since
    ) {
      throw new UsageError('--since flag needs to be in format yyyy-MM-dd');
    }
  }
  if (flags.dryRun && flags.dryRunManifestLists) {
    throw new UsageError(
      '--dry-run and --dry-run-manifest-lists cannot be used together (the latter implies the former)',
    );
  }
  const parallelImages = flags.parallelImages ?? DEFAULTS.parallelImages;
  const parallelLayers = flags.parallelLayers ?? DEFAULTS.parallelLayers;
  if (!Number.isInteger(parallelImages) || parallelImages < 1 || parallelImages > 10) {
    throw new UsageError('the flag parallel-images must be between the range 1 to 10');
  }
  if (!Number.isInteger(parallelLayers) || parallelLayers < 1 || parallelLayers > 10) {
    throw new UsageError('the flag parallel-layers must be between the range 1 to 10');
  }
  if (destination.includes('file://') && flags.workspace) {
    throw new UsageError(
      'when destination is file://, mirrorToDisk workflow is assumed, and the --workspace argument is not needed',
    );
  }
  if (destination.includes('docker://') && flags.workspace && flags.from) {
    throw new UsageError(
      'when destination is docker://, --from (assumes disk to mirror workflow) and --workspace (assumes mirror to mirror workflow) cannot be used together',
    );
  }
  if (destination.includes('docker://') && !flags.workspace && !flags.from) {
    throw new UsageError(
      'when destination is docker://, either --from (assumes disk to mirror workflow) or --workspace (assumes mirror to mirror workflow) need to be provided',
    );
  }
  if (!destination.includes('file://') && !destination.includes('docker://')) {
    throw new UsageError(
      'destination must have either file:// (mirror to disk) or docker:// (diskToMirror) protocol prefixes',
    );
  }

  const retryTimes = flags.retryTimes ?? DEFAULTS.retryTimes;
  if (!Number.isInteger(retryTimes) || retryTimes < 0) throw new UsageError('--retry-times must be a whole number ≥ 0');
  const maxNestedPaths = flags.maxNestedPaths ?? 0;
  if (!Number.isInteger(maxNestedPaths) || maxNestedPaths < 0)
    throw new UsageError('--max-nested-paths must be a whole number ≥ 0');
  const port = flags.port ?? DEFAULTS.port;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError('--port must be between 1 and 65535');

  const cacheDir = resolve(flags.cacheDir || env.OC_MIRROR_CACHE || env.HOME || homedir());
  const common = {
    configPath: resolve(flags.config),
    cacheDir,
    port,
    authFile: flags.authfile || env.REGISTRY_AUTH_FILE || undefined,
    srcTlsVerify: flags.srcTlsVerify ?? true,
    destTlsVerify: flags.destTlsVerify ?? true,
    certDir: resolveCertDir(flags),
    parallelImages,
    parallelLayers,
    retryTimes,
    retryDelayMs: flags.retryDelay ? parseDuration(flags.retryDelay, 'retry-delay') : DEFAULTS.retryDelayMs,
    imageTimeoutMs: flags.imageTimeout ? parseDuration(flags.imageTimeout, 'image-timeout') : DEFAULTS.imageTimeoutMs,
    dryRun: Boolean(flags.dryRun || flags.dryRunManifestLists),
    dryRunManifestLists: Boolean(flags.dryRunManifestLists),
    since,
    strictArchive: Boolean(flags.strictArchive),
    maxNestedPaths,
    removeSignatures: Boolean(flags.removeSignatures),
    ignoreReleaseSignature: Boolean(flags.ignoreReleaseSignature),
    // §6.1: --policy alone has no effect; the default policy file is chosen when the run starts.
    securePolicy: Boolean(flags.securePolicy),
    policyPath: flags.securePolicy && flags.policy ? resolve(flags.policy) : undefined,
    registriesDir: flags.registriesD ? resolve(flags.registriesD) : undefined,
    logLevel: logLevel as MirrorOptions['logLevel'],
    env,
    // Byte-level chunk size for tests and experts (archiveSize in the config is whole GiB).
    archiveChunkBytes: env.OCM_TUI_ARCHIVE_CHUNK_BYTES ? Number(env.OCM_TUI_ARCHIVE_CHUNK_BYTES) : undefined,
  };
  if (common.imageTimeoutMs <= 0) throw new UsageError('--image-timeout must be greater than 0');

  if (destination.startsWith('file://')) {
    const dir = resolve(stripFile(destination));
    if (maxNestedPaths > 0) warnings.push('--max-nested-paths is ignored when mirroring to disk');
    return { options: { ...common, workflow: 'mirrorToDisk', workspaceRoot: dir, archiveDir: dir }, warnings };
  }
  const registry = destination.slice(destination.indexOf('docker://') + 'docker://'.length);
  if (!registry || registry.startsWith('/')) {
    throw new UsageError(`invalid destination "${destination}": expected docker://HOST[:PORT][/PATH]`);
  }
  if (!/[.:]/.test(registry.split('/')[0]) && registry.split('/')[0] !== 'localhost') {
    warnings.push(
      `destination "${destination}": "${registry.split('/')[0]}" does not look like a registry host name (no dot or port); it is used as the registry host`,
    );
  }
  if (flags.from) {
    const dir = resolve(stripFile(flags.from));
    return {
      options: {
        ...common,
        workflow: 'diskToMirror',
        workspaceRoot: dir,
        archiveDir: dir,
        destinationRegistry: registry,
      },
      warnings,
    };
  }
  return {
    options: {
      ...common,
      workflow: 'mirrorToMirror',
      workspaceRoot: resolve(stripFile(flags.workspace!)),
      destinationRegistry: registry,
    },
    warnings,
  };
}

/**
 * `--cert-dir`, or oc-mirror's `--src-cert-dir` / `--dest-cert-dir`, which the TLS error hints name (so the
 * flag a hint suggests must work). The registry clients trust one CA directory for every registry, so two
 * different directories are refused rather than one silently ignored.
 */
export function resolveCertDir(flags: Pick<MirrorFlags, 'certDir' | 'srcCertDir' | 'destCertDir'>): string | undefined {
  const given = [flags.certDir, flags.srcCertDir, flags.destCertDir].filter((d): d is string => Boolean(d));
  const dirs = [...new Set(given.map((d) => resolve(d)))];
  if (dirs.length > 1) {
    throw new UsageError(
      '--cert-dir, --src-cert-dir and --dest-cert-dir name different directories; one CA directory is used for all registries',
      'put every *.crt file into one directory and give only that one',
    );
  }
  return dirs[0];
}

function stripFile(value: string): string {
  return value.slice(value.indexOf('file://') + 'file://'.length);
}
