/**
 * The three mirror workflows (§3.1–3.3) over one copy engine:
 *   mirrorToDisk   source registries → cache → mirror_*.tar
 *   diskToMirror   mirror_*.tar → cache → destination registry (+ cluster resources)
 *   mirrorToMirror source registries → destination registry (+ cluster resources)
 * Returns the run summary (exit code included); throws only for fatal set-up errors.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createEmitter, type EventInput, type EventSink, type RunSummary } from '../events.js';
import { contentKindOf, type ContentKind, type PlannedImage } from '../image-types.js';
import { CancelledError, OcmError, describeError } from '../errors.js';
import { loadImageSetConfig } from '../config/load-config.js';
import {
  discFromIsc,
  pinCatalogs,
  pinnedConfigFileName,
  pinnedDiscYaml,
  pinnedIscYaml,
} from '../config/pinned-config.js';
import { formatPullReference, parseImageReference } from '../reference/image-reference.js';
import type { ImageSetConfiguration } from '../config/image-set-config.js';
import { parseManifest } from '../registry/media-types.js';
import { resolveLocation, type StoreResolver } from '../copy/image-location.js';
import { collectAll } from '../collect/collect-all.js';
import { copyImages, type ImageResult } from '../copy/copy-engine.js';
import { splitDockerReference } from '../copy/image-location.js';
import { applyMaxNestedPaths, RELEASE_IMAGES_REPOSITORY } from '../reference/destination.js';
import { writeIdmsItms } from '../cluster-resources/idms-itms.js';
import { findCatalogOperator, writeCatalogResources } from '../cluster-resources/catalog-source.js';
import { readSignatureEntries, writeSignatureConfigMap } from '../cluster-resources/signature-configmap.js';
import { writeUpdateService } from '../cluster-resources/update-service.js';
import { formatMapping } from '../cluster-resources/dry-run-mapping.js';
import { collectImageBlobs } from '../store/manifest-walk.js';
import { ArchiveProgressSampler } from '../archive/archive-writer.js';
import type { ImageStore } from '../store/image-store.js';
import { ArchiveSetWriter } from '../archive/archive-set-writer.js';
import { ArchivingCacheStore } from '../archive/archiving-cache-store.js';
import { ArchiveBackedCacheStore } from '../archive/archive-backed-cache-store.js';
import { planArchive } from '../archive/archive-plan.js';
import { chunkFileName } from '../archive/archive-names.js';
import { readHistory, writeHistory } from '../archive/history.js';
import { extractArchives } from '../archive/archive-extractor.js';
import { prepareWorkspace, workspaceOf, type Workspace } from './workspace.js';
import { createRunStores, type RunStores } from './store-resolver.js';
import { prepareRegistriesD } from './registries-d.js';
import { DEFAULTS, cacheHostOf, cacheRootOf, type MirrorOptions } from './mirror-options.js';
import { batchExitCode, EXIT, KIND_BIT } from './exit-code.js';
import { writeErrorReport } from './error-report.js';
import { RunLog } from './run-log.js';
import { rfc3339Utc, runStamp } from './timestamps.js';
import { VERSION } from '../version.js';
import { createSourceVerifier } from '../policy/source-verifier.js';

/** A failure that ends the run before or instead of copying, with oc-mirror's exit code. */
export class RunFailure extends OcmError {
  constructor(
    message: string,
    readonly exitCode: number,
    options?: { hint?: string; cause?: unknown },
  ) {
    super('RUN_FAILED', message, options);
  }
}

interface RunContext {
  options: MirrorOptions;
  ws: Workspace;
  stamp: string;
  startedAt: number;
  emit: (event: EventInput) => void;
  signal: AbortSignal;
  stores: RunStores;
  outputs: RunSummary['outputs'];
}

export async function runMirror(
  options: MirrorOptions,
  io: { sink: EventSink; signal: AbortSignal },
): Promise<RunSummary> {
  const startedAt = Date.now();
  const stamp = runStamp(new Date(startedAt));
  const ws = workspaceOf(options.workspaceRoot);
  await prepareWorkspace(ws, { clearClusterResources: !options.dryRun });
  const log = new RunLog(ws.logsDir, stamp, options.logLevel === 'debug' || options.logLevel === 'trace');
  const emit = createEmitter((event) => {
    log.write(event);
    io.sink(event);
  });
  const outputs: RunSummary['outputs'] = [{ label: 'log', path: log.path }];
  let stores: RunStores | undefined;
  let archive: StreamingArchive | undefined;
  let imported: ImportedArchive | undefined;
  try {
    emit({
      type: 'run.started',
      workflow: options.workflow,
      source: describeSource(options),
      destination: describeDestination(options),
      dryRun: options.dryRun,
    });
    emit({ type: 'phase', phase: 'setup' });
    const { config: userConfig, warnings } = await loadImageSetConfig(options.configPath);
    for (const w of warnings) emit({ type: 'warning', message: `${w.file}:${w.line}:${w.column}: ${w.message}` });
    // §6.1: the policy files are read before anything else happens, so a bad one fails the run at once.
    const verifier = await createSourceVerifier(options);
    if (verifier) emit({ type: 'log', level: 'info', message: verifier.description });
    stores = await createRunStores(
      options,
      (info) => emit({ type: 'retry', ...info }),
      (use) =>
        emit({
          type: 'log',
          level: 'info',
          message: `${use.configured}: pulled from mirror ${use.served} (registries.conf)`,
        }),
    );
    describeRegistriesConf(stores, emit);
    // Partial downloads of killed runs (possibly gigabytes) were never cleaned: remove the day-old ones (younger
    // ones may belong to another run sharing the cache). Best effort: a failure here must not stop the run.
    await stores.cache.removeStaleTempFiles().catch((err: unknown) => {
      emit({ type: 'warning', message: `could not clean the cache's temp directory: ${describeError(err)}` });
    });
    const ctx: RunContext = { options, ws, stamp, startedAt, emit, signal: io.signal, stores, outputs };

    if (options.workflow === 'diskToMirror') imported = await extractPhase(ctx);
    // Dry runs plan without the destination (as before RegistryStore implemented ping, when this check
    // never ran): a plan can be made on a host that cannot reach the mirror registry.
    // Like oc-mirror, also on dry runs: a plan for a registry we cannot log in to is not worth much.
    if (options.workflow !== 'mirrorToDisk') await checkDestinationAccess(ctx);

    emit({ type: 'phase', phase: 'collect' });
    // §1.12: M2D and M2M collect from (and record) catalogs pinned to the digests they have right now; D2M
    // uses the user's configuration as written.
    const config = options.workflow === 'diskToMirror' ? userConfig : await pinConfigCatalogs(ctx, userConfig);
    const destinationRoot =
      options.workflow === 'mirrorToDisk' ? cacheHostOf(options.port) : options.destinationRegistry!;
    const collected = await collectAll(config.mirror, {
      workflow: options.workflow,
      destinationRoot,
      cacheHost: cacheHostOf(options.port),
      workingDir: ws.workingDir,
      signal: io.signal,
      emit,
      stores: imported?.stores ?? stores,
      cache: stores.cache,
      dryRun: options.dryRun,
      env: options.env ?? process.env,
      ignoreReleaseSignature: options.ignoreReleaseSignature,
      verifySource: verifier?.verifySource,
      copy: {
        parallelLayers: options.parallelLayers,
        retryTimes: options.retryTimes,
        retryDelayMs: options.retryDelayMs,
        imageTimeoutMs: options.imageTimeoutMs,
      },
    });
    if (collected.errors.length > 0) {
      let code = 0;
      for (const e of collected.errors) {
        code |= KIND_BIT[e.kind];
        emit({ type: 'warning', message: describeError(e) });
      }
      throw new RunFailure(collected.errors.map((e) => e.message).join('\n'), code);
    }
    let images = collected.images;
    if (options.workflow !== 'mirrorToDisk' && options.maxNestedPaths > 0) {
      images = images.map((img) => ({
        ...img,
        destination: applyMaxNestedPaths(img.destination, options.maxNestedPaths),
      }));
    }
    if (images.length === 0) throw new RunFailure('no images to copy', EXIT.generic);
    emit({ type: 'plan', images });

    if (options.dryRun) return await dryRun(ctx, images, options.dryRunManifestLists ?? false, config);

    if (!options.removeSignatures) await prepareRegistriesDPhase(ctx);

    // Mirror to disk writes the archive while it copies: blobs go into the cache and the archive at once.
    if (options.workflow === 'mirrorToDisk') archive = await openStreamingArchive(ctx, config.archiveSize);
    emit({ type: 'phase', phase: 'copy' });
    const results = await copyImages(images, {
      stores: archive?.stores ?? imported?.stores ?? stores,
      parallelImages: options.parallelImages,
      parallelLayers: options.parallelLayers,
      retryTimes: options.retryTimes,
      retryDelayMs: options.retryDelayMs,
      imageTimeoutMs: options.imageTimeoutMs,
      removeSignatures: options.removeSignatures,
      verifySource: verifier?.verifySource,
      emit,
      signal: io.signal,
    });
    const failures = results.filter((r) => !r.ok && !isCancelledResult(r, io.signal));
    const report = await writeErrorReport(
      ws.logsDir,
      stamp,
      failures.map((r) => ({ image: r.image, error: r.error })),
    );
    if (report) {
      outputs.push({ label: 'error report', path: report });
      // oc-mirror's words (core.md §7.2), which scripts grep for.
      emit({
        type: 'warning',
        message: `some errors occurred during the mirroring - please review ${report} for a list of mirroring errors`,
      });
    }

    const cancelled = io.signal.aborted;
    const ok = results.filter((r) => r.ok);
    if (!cancelled) {
      if (options.workflow === 'mirrorToDisk') {
        if (failures.length === 0) {
          await writePinnedConfigs(ctx, config);
          await archivePhase(ctx, archive!, ok);
        } else emit({ type: 'warning', message: 'some images failed: no archive was written (re-run to retry them)' });
      } else {
        if (imported) await completeCache(emit, imported.source, io.signal, true);
        // Pinned configs are M2D/M2M output (core.md §1.12); disk to mirror works from the user's unpinned ISC.
        if (options.workflow === 'mirrorToMirror') await writePinnedConfigs(ctx, config);
        await clusterResourcesPhase(
          ctx,
          ok.map((r) => r.image),
          config,
        );
      }
    }
    return finish(ctx, images, results, cancelled);
  } catch (err) {
    if (io.signal.aborted && !(err instanceof RunFailure)) {
      throw new CancelledError('cancelled before copying finished');
    }
    throw err;
  } finally {
    // Not finished (images failed, cancelled, an error): its partial chunks go, the previous set stays.
    await archive?.writer.discard();
    // d2m that ended early (a dry run, the destination unreachable, an error): the cache still gets the whole
    // archive, as an import that extracted everything first would have left it. Not after a cancel.
    if (imported && !io.signal.aborted) await completeCache(emit, imported.source, io.signal, false);
    await stores?.close();
    await log.close();
  }
}

function describeSource(o: MirrorOptions): string {
  if (o.workflow === 'diskToMirror') return `file://${o.archiveDir}`;
  return o.configPath;
}

function describeDestination(o: MirrorOptions): string {
  return o.workflow === 'mirrorToDisk' ? `file://${o.archiveDir}` : `docker://${o.destinationRegistry}`;
}

function isCancelledResult(r: ImageResult, signal: AbortSignal): boolean {
  return signal.aborted && !r.ok && !(r.error instanceof OcmError && r.error.code === 'IMAGE_TIMEOUT');
}

/** Blobs above this size stay in the archive until the copy pushes them (no manifest is this large). */
const DEFER_BLOBS_LARGER_THAN = 4 * 1024 * 1024;

/** The imported archive as the copy's source, and the stores the copy uses to read it. */
interface ImportedArchive {
  source: ArchiveBackedCacheStore;
  stores: StoreResolver;
}

/** The run's stores, except that the cache, on one side of the copy, is `store`. */
function withCacheAs(ctx: RunContext, side: 'source' | 'destination', store: ImageStore): StoreResolver {
  const cacheHost = cacheHostOf(ctx.options.port);
  return {
    registry: (host, s) => (s === side && host === cacheHost ? store : ctx.stores.registry(host, s)),
    ociLayout: (path) => ctx.stores.ociLayout(path),
  };
}

/**
 * Disk to mirror, before the copy: every chunk's entries are checked, then links, manifests, small blobs and
 * the working-dir are extracted; large blobs are copied into the cache when the copy pushes them.
 */
async function extractPhase(ctx: RunContext): Promise<ImportedArchive> {
  ctx.emit({ type: 'phase', phase: 'extract' });
  const extracted = await extractArchives({
    fromDir: ctx.options.archiveDir!,
    cacheRoot: cacheRootOf(ctx.options.cacheDir),
    workspaceRoot: ctx.ws.root,
    signal: ctx.signal,
    deferBlobsLargerThan: DEFER_BLOBS_LARGER_THAN,
    onProgress: (p: { chunk: string; index: number; count: number; bytes: number; totalBytes: number }) =>
      ctx.emit({ type: 'extract.progress', ...p }),
  });
  ctx.stores.cache.noteVerified(extracted.verifiedBlobs);
  const source = new ArchiveBackedCacheStore(ctx.stores.cache, extracted.deferred, ctx.signal);
  return { source, stores: withCacheAs(ctx, 'source', source) };
}

/**
 * Copies the archive's blobs the copy did not push (the destination had them, or the run stopped early) into
 * the cache, so the cache holds the whole archive as later incremental imports expect. A damaged one is
 * reported, not fatal: every image that needed it failed already. `announce`: as a phase of its own (not
 * after the run's summary or error).
 */
async function completeCache(
  emit: (event: EventInput) => void,
  source: ArchiveBackedCacheStore,
  signal: AbortSignal,
  announce: boolean,
): Promise<void> {
  if (source.pending === 0) return;
  if (announce)
    emit({ type: 'phase', phase: 'extract', detail: `${source.pending} blobs from the archive into the cache` });
  try {
    await source.extractRemaining(signal);
  } catch (err) {
    if (signal.aborted) throw err;
    emit({
      type: 'warning',
      message: `not every blob of the archive could be copied into the cache: ${describeError(err)}`,
    });
  }
}

/** §2.8: an authenticated `GET /v2/` on the destination before anything else happens. */
async function checkDestinationAccess(ctx: RunContext): Promise<void> {
  const registry = ctx.options.destinationRegistry!;
  const host = registry.split('/')[0];
  const store = ctx.stores.registry(host, 'destination');
  if (!store.ping) return;
  try {
    await store.ping(ctx.signal);
  } catch (err) {
    throw new RunFailure(`checking registry "${registry}" access: ${describeError(err)}`, EXIT.generic, { cause: err });
  }
}

async function dryRun(
  ctx: RunContext,
  images: PlannedImage[],
  manifestLists: boolean,
  config: ImageSetConfiguration,
): Promise<RunSummary> {
  ctx.emit({ type: 'phase', phase: 'dry-run' });
  await rm(ctx.ws.dryRunDir, { recursive: true, force: true });
  await mkdir(ctx.ws.dryRunDir, { recursive: true });
  const mappingPath = join(ctx.ws.dryRunDir, 'mapping.txt');
  const subLines = manifestLists ? await manifestListLines(ctx, images) : new Map<string, string>();
  await writeFile(mappingPath, withSubLines(images, subLines));
  ctx.outputs.push({ label: 'mapping', path: mappingPath });
  if (ctx.options.workflow === 'mirrorToDisk') {
    const missing: PlannedImage[] = [];
    for (const img of images) {
      const dst = splitDockerReference(img.destination);
      const head = await ctx.stores.cache
        .headManifest(dst.repository, dst.digest ?? dst.tag!, ctx.signal)
        .catch(() => undefined);
      if (!head) missing.push(img);
    }
    if (missing.length > 0) {
      const missingPath = join(ctx.ws.dryRunDir, 'missing.txt');
      await writeFile(missingPath, withSubLines(missing, subLines));
      ctx.outputs.push({ label: 'missing', path: missingPath });
      ctx.emit({
        type: 'warning',
        message: `${missing.length}/${images.length} images necessary for mirroring are not available in the cache.`,
      });
    } else {
      ctx.emit({
        type: 'log',
        level: 'info',
        message: `all ${images.length} images required for mirroring are available in local cache`,
      });
    }
  } else {
    await clusterResourcesPhase(ctx, images, config);
  }
  const byKind = countByKind(images, new Set(images.map((i) => i.id)));
  const summary = baseSummary(ctx, images.length);
  summary.imagesSkipped = images.length;
  summary.byKind = byKind;
  summary.exitCode = EXIT.ok;
  ctx.emit({ type: 'phase', phase: 'done' });
  ctx.emit({ type: 'summary', summary });
  return summary;
}

/**
 * `--dry-run-manifest-lists` (§7.1 item 3): after the line of a manifest list, one line per instance:
 * `<source repo>@<instance digest>=<destination repo>@<instance digest>`.
 */
async function manifestListLines(ctx: RunContext, images: PlannedImage[]): Promise<Map<string, string>> {
  const lines = new Map<string, string>();
  for (const img of images) {
    try {
      const src = resolveLocation(img.source, 'source', ctx.stores);
      const top = await src.store.getManifest(src.repository, src.reference, ctx.signal);
      const parsed = parseManifest(top.bytes, top.mediaType, img.source);
      if (parsed.kind !== 'index') continue;
      const srcRepo = stripReference(img.source);
      const dstRepo = img.destination.startsWith('docker://') ? stripReference(img.destination) : undefined;
      lines.set(
        img.id,
        parsed.manifests
          .map((m) => `${srcRepo}@${m.digest}=${dstRepo ? `${dstRepo}@${m.digest}` : img.destination}\n`)
          .join(''),
      );
    } catch (err) {
      ctx.emit({ type: 'warning', message: `dry run: cannot inspect ${img.source}: ${describeError(err)}` });
    }
  }
  return lines;
}

function withSubLines(images: PlannedImage[], sub: Map<string, string>): string {
  return images.map((img) => formatMapping([img]) + (sub.get(img.id) ?? '')).join('');
}

/** `docker://host/path:tag` or `…@sha256:…` → `docker://host/path`. */
function stripReference(ref: string): string {
  const at = ref.indexOf('@');
  const name = at >= 0 ? ref.slice(0, at) : ref;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  return colon > slash && !name.endsWith('://') ? name.slice(0, colon) : name;
}

/**
 * Resolves the digest of every tag-referenced docker catalog on its source registry and pins the configuration
 * (§1.12, pinCatalogs). A catalog that cannot be resolved stays as written (a warning); the operator collector
 * then reports the real problem.
 */
async function pinConfigCatalogs(ctx: RunContext, config: ImageSetConfiguration): Promise<ImageSetConfiguration> {
  const digests = new Map<string, string>();
  for (const operator of config.mirror.operators ?? []) {
    if (operator.catalog.startsWith('oci://') || operator.catalog.includes('@')) continue;
    try {
      const ref = parseImageReference(operator.catalog);
      const loc = resolveLocation(formatPullReference(ref, { withTransport: true }), 'source', ctx.stores);
      const head = await loc.store.headManifest(loc.repository, loc.reference, ctx.signal);
      if (head) digests.set(operator.catalog, head.digest);
      else ctx.emit({ type: 'warning', message: `catalog ${operator.catalog} not found: cannot pin it to a digest` });
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      ctx.emit({
        type: 'warning',
        message: `cannot pin catalog ${operator.catalog} to a digest: ${describeError(err)}`,
      });
    }
  }
  return pinCatalogs(config, (catalog) => digests.get(catalog));
}

/** §1.12: `isc_pinned_<time>.yaml` and `disc_pinned_<time>.yaml` in the working-dir root; a failure only warns. */
async function writePinnedConfigs(ctx: RunContext, config: ImageSetConfiguration): Promise<void> {
  try {
    const now = new Date();
    await writeFile(join(ctx.ws.workingDir, pinnedConfigFileName('isc', now)), pinnedIscYaml(config));
    await writeFile(join(ctx.ws.workingDir, pinnedConfigFileName('disc', now)), pinnedDiscYaml(discFromIsc(config)));
  } catch (err) {
    ctx.emit({ type: 'warning', message: `could not write the pinned configurations: ${describeError(err)}` });
  }
}

/** The archive being written during a mirror-to-disk copy, and the stores the copy uses to feed it. */
interface StreamingArchive {
  writer: ArchiveSetWriter;
  destination: ArchivingCacheStore;
  /** The run's stores, with the cache replaced by `destination` as the copy's destination. */
  stores: StoreResolver;
  /** Blobs shipped by earlier archives (the chosen history file). */
  history: Set<string>;
  /** Where the archive's byte counts go from now on (the archive phase reports them). */
  reportProgress(sampler: ArchiveProgressSampler): void;
}

async function openStreamingArchive(ctx: RunContext, archiveSizeGiB: number | undefined): Promise<StreamingArchive> {
  const history = await readHistory(ctx.ws.workingDir, ctx.options.since);
  const maxChunkBytes =
    ctx.options.archiveChunkBytes ??
    (archiveSizeGiB && archiveSizeGiB > 0 ? archiveSizeGiB : DEFAULTS.archiveSizeGiB) * 1024 ** 3;
  let progress: ArchiveProgressSampler | undefined;
  const writer = new ArchiveSetWriter({
    outputDir: ctx.options.archiveDir!,
    maxChunkBytes,
    strict: ctx.options.strictArchive,
    onContentBytes: (n, chunk) => progress?.add(n, chunk),
  });
  await writer.open();
  const destination = new ArchivingCacheStore(ctx.stores.cache, writer, history);
  const stores = withCacheAs(ctx, 'destination', destination);
  return { writer, destination, stores, history, reportProgress: (sampler) => (progress = sampler) };
}

/**
 * Completes the archive the copy has been writing (§4.2–4.6): the selected blobs the copy did not stream are
 * added from the cache, then the cache's repositories tree, the working-dir and the ImageSetConfiguration;
 * the set is synced and renamed into place, and the new history file is written.
 */
async function archivePhase(ctx: RunContext, archive: StreamingArchive, ok: ImageResult[]): Promise<void> {
  ctx.emit({ type: 'phase', phase: 'archive' });
  const includeSignatures = !ctx.options.removeSignatures;
  const selected: string[] = [];
  const seen = new Set<string>();
  for (const r of ok) {
    const dst = splitDockerReference(r.image.destination);
    const blobs = await collectImageBlobs(ctx.stores.cache, dst.repository, dst.digest ?? dst.tag!, {
      platforms: r.image.platforms,
      includeSignatures,
      signal: ctx.signal,
    });
    for (const b of blobs) {
      if (!seen.has(b.digest)) {
        seen.add(b.digest);
        selected.push(b.digest);
      }
    }
  }
  const { history, writer, destination } = archive;
  // --strict-archive: an entry larger than a chunk was seen while copying; refuse before writing the rest.
  if (writer.strictFailure) throw writer.strictFailure;
  const toShip = selected.filter((d) => !history.has(d));
  if (toShip.length < selected.length) {
    ctx.emit({
      type: 'log',
      level: 'info',
      message: `${selected.length - toShip.length} of ${selected.length} blobs were shipped by an earlier archive (working-dir/.history): not included`,
    });
  }
  await mkdir(join(ctx.ws.workingDir, 'internal'), { recursive: true });
  await writeFile(
    join(ctx.ws.workingDir, 'internal', 'oc-mirror-version.json'),
    JSON.stringify({ gitVersion: VERSION, gitCommit: 'ocm-tui' }, null, 2),
  );
  const rest = await planArchive({
    cacheRoot: cacheRootOf(ctx.options.cacheDir),
    workingDir: ctx.ws.workingDir,
    workspaceRoot: ctx.ws.root,
    blobDigests: [],
    configFile: ctx.options.configPath,
    now: new Date(),
    signal: ctx.signal,
  });
  const remaining = rest.reduce((sum, f) => sum + f.size, 0);
  const progress = new ArchiveProgressSampler(writer.totalBytes + remaining, (bytes, totalBytes, chunk) =>
    ctx.emit({ type: 'archive.progress', chunk, bytes, totalBytes }),
  );
  progress.add(writer.bytesWritten, join(ctx.options.archiveDir!, chunkFileName(1)));
  archive.reportProgress(progress);
  await destination.fillFromCache(toShip, ctx.signal);
  for (const file of rest) {
    ctx.signal.throwIfAborted();
    await writer.appendFile(file.name, file.source, file, ctx.signal);
  }
  progress.flush();
  const result = await writer.finish(ctx.signal);
  if (result.warning) ctx.emit({ type: 'warning', message: result.warning });
  for (const chunk of result.chunks) {
    ctx.emit({ type: 'archive.chunk', path: chunk, bytes: 0 });
    ctx.outputs.push({ label: 'archive', path: chunk });
  }
  // Whatever went into the archive was shipped, including blobs streamed that the selection did not name.
  const shipped = new Set(toShip);
  const extra = destination.archivedDigests.filter((d) => !shipped.has(d));
  if (extra.length > 0) {
    ctx.emit({
      type: 'log',
      level: 'debug',
      message: `${extra.length} blobs written while copying are not in the image selection (kept in the archive)`,
    });
  }
  await writeHistory(ctx.ws.workingDir, new Set([...history, ...toShip, ...extra]), new Date());
}

async function clusterResourcesPhase(
  ctx: RunContext,
  images: PlannedImage[],
  config: ImageSetConfiguration,
): Promise<void> {
  ctx.emit({ type: 'phase', phase: 'cluster-resources' });
  await mkdir(ctx.ws.clusterResourcesDir, { recursive: true });
  const createdAt = rfc3339Utc(new Date());
  const written = await writeIdmsItms(ctx.ws.clusterResourcesDir, images, {
    maxNestedPaths: ctx.options.maxNestedPaths,
    createdAt,
    version: VERSION,
  });
  // CatalogSource / ClusterCatalog for each catalog that reached the destination (not the M2M copy kept in the
  // cache for later delete runs).
  const cacheRoot = `docker://${cacheHostOf(ctx.options.port)}/`;
  const operators = config.mirror.operators ?? [];
  const catalogs = images
    .filter((img) => img.type === 'operatorCatalog' && !img.destination.startsWith(cacheRoot))
    .map((img) => ({
      origin: img.origin,
      destination: img.destination,
      operator: findCatalogOperator(img.origin, operators),
    }));
  if (catalogs.length > 0) {
    written.push(
      ...(await writeCatalogResources(ctx.ws.clusterResourcesDir, catalogs, {
        createdAt,
        version: VERSION,
        configDir: dirname(ctx.options.configPath),
        onWarning: (message) => ctx.emit({ type: 'warning', message }),
      })),
    );
  }
  // Release signatures of the payloads that reached the destination (§1.7 item 8), and the UpdateService when the
  // graph image did (§1.10).
  const releaseTags = images
    .filter((img) => img.type === 'ocpRelease')
    .map((img) => img.destination.slice(img.destination.lastIndexOf(':') + 1));
  if (releaseTags.length > 0) {
    const entries = await readSignatureEntries(ctx.ws.workingDir, releaseTags, {
      onWarning: (message) => ctx.emit({ type: 'warning', message }),
    });
    written.push(
      ...(await writeSignatureConfigMap(ctx.ws.clusterResourcesDir, entries, { createdAt, version: VERSION })),
    );
  }
  const graph = images.find((img) => img.type === 'cincinnatiGraph' && !img.destination.startsWith(cacheRoot));
  if (graph) {
    const root = ctx.options.destinationRegistry!.replace(/\/+$/, '');
    written.push(
      await writeUpdateService(
        ctx.ws.clusterResourcesDir,
        { graphImage: graph.destination, releasesRepository: `${root}/${RELEASE_IMAGES_REPOSITORY}` },
        { createdAt, version: VERSION },
      ),
    );
  }
  for (const path of written) ctx.outputs.push({ label: 'cluster resource', path });
}

function countByKind(
  images: PlannedImage[],
  okIds: Set<string>,
): Partial<Record<ContentKind, { ok: number; total: number }>> {
  const byKind: Partial<Record<ContentKind, { ok: number; total: number }>> = {};
  for (const img of images) {
    const kind = contentKindOf(img.type);
    const c = (byKind[kind] ??= { ok: 0, total: 0 });
    c.total++;
    if (okIds.has(img.id)) c.ok++;
  }
  return byKind;
}

function baseSummary(ctx: RunContext, total: number): RunSummary {
  return {
    workflow: ctx.options.workflow,
    imagesTotal: total,
    imagesOk: 0,
    imagesFailed: 0,
    imagesSkipped: 0,
    bytesCopied: 0,
    bytesSkipped: 0,
    blobsCopied: 0,
    blobsSkipped: 0,
    blobsMounted: 0,
    durationMs: Date.now() - ctx.startedAt,
    exitCode: 0,
    byKind: {},
    outputs: ctx.outputs,
    cancelled: false,
  };
}

function finish(ctx: RunContext, images: PlannedImage[], results: ImageResult[], cancelled: boolean): RunSummary {
  const summary = baseSummary(ctx, images.length);
  const okIds = new Set(results.filter((r) => r.ok).map((r) => r.image.id));
  for (const r of results) {
    if (r.ok) summary.imagesOk++;
    else if (isCancelledResult(r, ctx.signal)) summary.imagesSkipped++;
    else summary.imagesFailed++;
    summary.bytesCopied += r.bytesCopied;
    summary.bytesSkipped += r.bytesSkipped;
    summary.blobsCopied += r.blobsCopied;
    summary.blobsSkipped += r.blobsSkipped;
    summary.blobsMounted += r.blobsMounted;
  }
  summary.byKind = countByKind(images, okIds);
  summary.cancelled = cancelled;
  summary.exitCode = cancelled ? EXIT.cancelled : batchExitCode(summary.byKind);
  summary.durationMs = Date.now() - ctx.startedAt;
  ctx.emit({ type: 'phase', phase: 'done' });
  ctx.emit({ type: 'summary', summary });
  return summary;
}

/** Says which registries.conf files redirect pulls, so a surprising mirror is easy to trace. */
function describeRegistriesConf(stores: RunStores, emit: (event: EventInput) => void): void {
  const conf = stores.registriesConf;
  if (conf.rules.length > 0) {
    const mirrors = conf.rules.reduce((n, rule) => n + rule.mirrors.length, 0);
    emit({
      type: 'log',
      level: 'info',
      message: `registries.conf: ${conf.rules.length} registry rule(s), ${mirrors} mirror(s) from ${conf.files.join(', ')}`,
    });
  }
  if (conf.unqualifiedSearchRegistries.length > 0) {
    emit({
      type: 'log',
      level: 'debug',
      message: `registries.conf: unqualified-search-registries (${conf.unqualifiedSearchRegistries.join(', ')}) not used: image set references are fully qualified`,
    });
  }
}

/** §6.2, after collection and before copying: the registries.d the run works with, kept in the working-dir. */
async function prepareRegistriesDPhase(ctx: RunContext): Promise<void> {
  const { options } = ctx;
  const entries = [cacheHostOf(options.port), 'default'];
  if (options.workflow !== 'mirrorToDisk' && options.destinationRegistry) entries.push(options.destinationRegistry);
  const prepared = await prepareRegistriesD({
    workingDir: ctx.ws.workingDir,
    sourceDir: options.registriesDir,
    entries,
    env: options.env ?? process.env,
  });
  ctx.emit({
    type: 'log',
    level: 'debug',
    message: `registries.d prepared in ${prepared.dir}${prepared.copiedFrom ? ` (from ${prepared.copiedFrom})` : ''}: ${prepared.written.length} entr${prepared.written.length === 1 ? 'y' : 'ies'} added`,
  });
}
