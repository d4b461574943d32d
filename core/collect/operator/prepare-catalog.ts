/**
 * One catalog, from the ISC entry to its File-Based Catalog and its own copy instructions (collectors.md
 * §2.2–§2.3, §2.10, §2.12):
 *
 *   M2D/M2M  resolve digest → pull the original into the cache (cache/repo:T) → extract its configs → filter →
 *            write the filtered FBC → rebuild cache/repo:<filter digest> → remember its digest
 *   D2M      read the filtered FBC the archive brought (or extract it from cache/repo:<filter digest>)
 *   dry run  like M2D/M2M, but read straight from the source and build nothing
 *
 * A previous result is reused when the working-dir has the filtered FBC and its digest file names the image the
 * cache holds, so a re-run of the same configuration does no catalog work at all.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { isDirectory } from '../../file-io.js';
import { join } from 'node:path';
import type { Operator } from '../../config/image-set-config.js';
import type { CollectContext, CollectedImage } from '../collector.js';
import type { DeclarativeConfig } from './fbc-model.js';
import type { ImageStore } from '../../store/image-store.js';
import { copyImages } from '../../copy/copy-engine.js';
import { resolveLocation } from '../../copy/image-location.js';
import { describeError, OcmError } from '../../errors.js';
import { digestHex, formatPullReference } from '../../reference/image-reference.js';
import { operatorCatalogDestination, rebuiltCatalogReference } from '../../reference/destination.js';
import { PROGRESS_INTERVAL_MS, type CatalogStep, type EventInput } from '../../events.js';
import { loadFbc } from './fbc-load.js';
import { writeFbc } from './fbc-write.js';
import { filterCatalog, isUnfilteredCatalog, packagesToKeep } from './catalog-filter.js';
import { catalogFilterDigest } from './filter-digest.js';
import { catalogTarget, catalogWorkDir, filteredCatalogPaths, type CatalogTarget } from './catalog-target.js';
import {
  configsDirOfImage,
  readCatalogImage,
  readPlatformImage,
  type CatalogImage,
  type CatalogImageLocation,
  type PlatformImage,
} from './catalog-image.js';
import { CatalogImageError, DEFAULT_CONFIGS_DIR, extractConfigs } from './extract-configs.js';
import { rebuildCatalog } from './catalog-rebuild.js';

export interface PreparedCatalog {
  target: CatalogTarget;
  /** Digest of the original catalog (`sha256:…`). */
  digest: string;
  /** The catalog's FBC after filtering (the whole catalog for `full: true` without packages). */
  fbc: DeclarativeConfig;
  /** The catalog's own copy instructions. */
  images: CollectedImage[];
  filterDigest?: string;
  /** Digest of the rebuilt index in the cache, once known. */
  rebuiltDigest?: string;
}

interface Ctx extends CollectContext {
  stores: NonNullable<CollectContext['stores']>;
  cache: ImageStore;
}

export async function prepareCatalog(operator: Operator, collect: CollectContext): Promise<PreparedCatalog> {
  if (!collect.stores || !collect.cache) {
    throw new OcmError('INTERNAL', 'the operator collector needs the run stores (CollectContext.stores and cache)');
  }
  const ctx: Ctx = { ...collect, stores: collect.stores, cache: collect.cache };
  const target = catalogTarget(operator);
  const step = stepper(ctx, operator.catalog);
  step('resolve');
  const fromCache = ctx.workflow === 'diskToMirror' || ctx.workflow === 'delete';
  const digest = await catalogDigest(ctx, target, fromCache);
  const workDir = catalogWorkDir(ctx.workingDir, target, digest);

  if (isUnfilteredCatalog(operator)) {
    const { root } = await originalFbc(ctx, target, digest, workDir, fromCache, step);
    step('filter');
    const fbc = await loadFbc(root, { signal: ctx.signal });
    step('done', { packages: fbc.packages.length, bundles: fbc.bundles.length, detail: 'full catalog, unmodified' });
    return { target, digest, fbc, images: unfilteredImages(ctx, operator) };
  }

  const filterDigest = catalogFilterDigest(operator, digestHex(digest));
  const paths = filteredCatalogPaths(workDir, filterDigest);
  let fbc: DeclarativeConfig;
  let rebuiltDigest: string | undefined;
  if (fromCache && ctx.workflow === 'delete' && !(await filteredCatalogExists(ctx, target, filterDigest, paths))) {
    // delete --generate with a filter no mirror run used (e.g. a DISC naming the catalog without packages): as
    // oc-mirror does in delete mode, filter the original FBC (extracted in the working-dir, or read from the
    // cache) with the DISC's filter; nothing is rebuilt, and catalog images are never listed for deletion.
    const original = await originalFbc(ctx, target, digest, workDir, true, step);
    step('filter');
    fbc = filterCatalog(await loadFbc(original.root, { signal: ctx.signal }), operator, {
      onWarning: (message) => ctx.emit({ type: 'warning', message: `catalog ${operator.catalog}: ${message}` }),
    });
  } else if (fromCache) {
    ({ fbc, rebuiltDigest } = await filteredFromCache(ctx, target, filterDigest, paths));
  } else {
    const reused = await reusableResult(ctx, target, filterDigest, paths);
    if (reused) {
      step('reused', { detail: `filtered catalog ${filterDigest} from an earlier run` });
      fbc = await loadFbc(paths.fbc, { signal: ctx.signal });
      rebuiltDigest = reused;
    } else {
      const original = await originalFbc(ctx, target, digest, workDir, false, step);
      step('filter');
      const keep = packagesToKeep(operator);
      const full = await loadFbc(original.root, {
        signal: ctx.signal,
        keepPackage: keep ? (p) => keep.has(p) : undefined,
      });
      fbc = filterCatalog(full, operator, {
        onWarning: (message) => ctx.emit({ type: 'warning', message: `catalog ${operator.catalog}: ${message}` }),
      });
      await writeAtomically(paths.fbc, (dir) => writeFbc(dir, fbc));
      if (!ctx.dryRun) {
        step('rebuild');
        rebuiltDigest = await rebuild(ctx, target, original, filterDigest, paths.dir, paths.fbc);
        await writeFile(paths.digestFile, digestHex(rebuiltDigest));
      }
    }
  }
  step('done', { packages: fbc.packages.length, bundles: fbc.bundles.length });
  return {
    target,
    digest,
    fbc,
    images: filteredImages(ctx, operator, target, filterDigest, rebuiltDigest),
    filterDigest,
    rebuiltDigest,
  };
}

type StepExtra = Pick<CatalogEvent, 'detail' | 'bytes' | 'totalBytes' | 'packages' | 'bundles'>;
type Step = (step: Exclude<CatalogStep, 'failed'>, extra?: StepExtra) => void;
type CatalogEvent = Extract<EventInput, { type: 'catalog' }>;

function stepper(ctx: CollectContext, catalog: string): Step {
  return (step, extra) => ctx.emit({ type: 'catalog', catalog, step, ...extra });
}

/** Where the original catalog is read from: upstream (M2D/M2M) or the cache copy (D2M, delete). */
function originalLocation(ctx: Ctx, target: CatalogTarget, fromCache: boolean): CatalogImageLocation {
  if (fromCache) {
    return {
      store: ctx.stores.registry(ctx.cacheHost, 'source'),
      repository: target.repository,
      reference: target.cacheTag,
      catalog: target.operator.catalog,
    };
  }
  const loc = resolveLocation(upstreamSource(target), 'source', ctx.stores);
  return { store: loc.store, repository: loc.repository, reference: loc.reference, catalog: target.operator.catalog };
}

function upstreamSource(target: CatalogTarget): string {
  return target.isOci ? target.operator.catalog : formatPullReference(target.ref, { withTransport: true });
}

async function catalogDigest(ctx: Ctx, target: CatalogTarget, fromCache: boolean): Promise<string> {
  if (!target.isOci && target.ref.digest) return target.ref.digest;
  const loc = originalLocation(ctx, target, fromCache);
  let head;
  try {
    head = await loc.store.headManifest(loc.repository, loc.reference, ctx.signal);
  } catch (err) {
    throw new CatalogImageError(
      `catalog ${target.operator.catalog}: cannot resolve its digest: ${describeError(err)}`,
      {
        cause: err,
      },
    );
  }
  if (!head) {
    throw new CatalogImageError(
      fromCache
        ? `catalog ${target.operator.catalog}: ${target.repository}:${target.cacheTag} is not in the cache`
        : `catalog ${target.operator.catalog}: not found in ${loc.store.description}`,
      {
        hint: fromCache
          ? 'mirror to disk with this ImageSetConfiguration first, and pass its archives with --from'
          : 'check the catalog reference and that your credentials can read it',
      },
    );
  }
  return head.digest;
}

/** The original catalog as read for its FBC: the rebuild reuses its manifests instead of reading them again. */
interface OriginalCatalog {
  /** The FBC root on disk. */
  root: string;
  /** Where it was read (the cache, unless a dry run read the source). */
  loc: CatalogImageLocation;
  image: CatalogImage;
  /** The first platform image (its config names the configs dir). */
  first: PlatformImage;
}

/**
 * The original FBC on disk (`<workDir>/catalog-config/<configs dir>`), extracted once per catalog digest.
 * M2D/M2M (not dry run) pull the catalog into the cache first and read it there: its layers then cross the
 * network once, and the copy that follows finds them in place.
 */
async function originalFbc(
  ctx: Ctx,
  target: CatalogTarget,
  digest: string,
  workDir: string,
  fromCache: boolean,
  step: Step,
): Promise<OriginalCatalog> {
  let loc = originalLocation(ctx, target, fromCache);
  if (!fromCache && !ctx.dryRun) {
    step('pull');
    await pullIntoCache(ctx, target, step);
    loc = {
      store: ctx.cache,
      repository: target.repository,
      reference: digest,
      catalog: target.operator.catalog,
    };
  }
  const image = await readCatalogImage(loc, target.operator.platforms, ctx.signal);
  const first = await readPlatformImage(loc, image.children[0], ctx.signal);
  const configsDir = configsDirOfImage(first, target.operator.catalog);
  const configRoot = join(workDir, 'catalog-config');
  const root = join(configRoot, configsDir);
  if (await isDirectory(root)) return { root, loc, image, first };
  step('extract');
  const total = first.layers.reduce((sum, l) => sum + l.size, 0);
  await extractConfigs({
    store: loc.store,
    repository: loc.repository,
    layers: first.layers,
    configsDir,
    target: configRoot,
    catalog: target.operator.catalog,
    signal: ctx.signal,
    onBytes: throttledBytes((bytes) => step('extract', { bytes, totalBytes: total })),
  });
  return { root, loc, image, first };
}

/** Copies the original catalog (its requested platforms) into cache/repo:T, reporting bytes as catalog events. */
async function pullIntoCache(ctx: Ctx, target: CatalogTarget, step: Step): Promise<void> {
  const settings = ctx.copy ?? { parallelLayers: 4, retryTimes: 2, retryDelayMs: 0, imageTimeoutMs: 3_600_000 };
  let total = 0;
  const report = throttledBytes((bytes) => step('pull', { bytes, totalBytes: total }));
  const [result] = await copyImages(
    [
      {
        id: `catalog:${target.operator.catalog}`,
        type: 'operatorCatalog',
        origin: target.operator.catalog,
        source: upstreamSource(target),
        destination: rebuiltCatalogReference(ctx.cacheHost, target.repository, target.cacheTag),
        platforms: target.operator.platforms,
      },
    ],
    {
      stores: ctx.stores,
      parallelImages: 1,
      parallelLayers: settings.parallelLayers,
      retryTimes: settings.retryTimes,
      retryDelayMs: settings.retryDelayMs,
      imageTimeoutMs: settings.imageTimeoutMs,
      removeSignatures: true,
      signal: ctx.signal,
      emit: (event) => {
        if (event.type === 'retry' || event.type === 'warning') ctx.emit(event);
        else if (event.type === 'image.blobs') total = event.blobs.reduce((s, b) => s + b.size, 0);
        else if (event.type === 'blob.done') report(event.size);
      },
    },
  );
  if (!result.ok) {
    throw new CatalogImageError(
      `catalog ${target.operator.catalog}: pulling it into the cache failed: ${describeError(result.error)}`,
      {
        cause: result.error,
      },
    );
  }
}

/** The result of an earlier run, when its digest file still names what the cache holds; returns that digest. */
async function reusableResult(
  ctx: Ctx,
  target: CatalogTarget,
  filterDigest: string,
  paths: ReturnType<typeof filteredCatalogPaths>,
): Promise<string | undefined> {
  if (ctx.dryRun) return (await isDirectory(paths.fbc)) ? await readDigestFile(paths.digestFile) : undefined;
  const recorded = await readDigestFile(paths.digestFile);
  if (!recorded || !(await isDirectory(paths.fbc))) return undefined;
  const head = await ctx.cache.headManifest(target.repository, filterDigest, ctx.signal).catch(() => undefined);
  return head?.digest === recorded ? recorded : undefined;
}

async function filteredCatalogExists(
  ctx: Ctx,
  target: CatalogTarget,
  filterDigest: string,
  paths: ReturnType<typeof filteredCatalogPaths>,
): Promise<boolean> {
  if (await isDirectory(paths.fbc)) return true;
  const store = ctx.stores.registry(ctx.cacheHost, 'source');
  return (await store.headManifest(target.repository, filterDigest, ctx.signal).catch(() => undefined)) !== undefined;
}

/** D2M and delete: the filtered FBC from the working-dir, else from the rebuilt image in the cache. */
async function filteredFromCache(
  ctx: Ctx,
  target: CatalogTarget,
  filterDigest: string,
  paths: ReturnType<typeof filteredCatalogPaths>,
): Promise<{ fbc: DeclarativeConfig; rebuiltDigest?: string }> {
  const store = ctx.stores.registry(ctx.cacheHost, 'source');
  const head = await store.headManifest(target.repository, filterDigest, ctx.signal).catch(() => undefined);
  const rebuiltDigest = (await readDigestFile(paths.digestFile)) ?? head?.digest;
  if (await isDirectory(paths.fbc)) return { fbc: await loadFbc(paths.fbc, { signal: ctx.signal }), rebuiltDigest };
  if (!head) {
    throw new CatalogImageError(
      `catalog ${target.operator.catalog}: the filtered catalog ${target.repository}:${filterDigest} is neither in the working-dir nor in the cache`,
      {
        hint: 'mirror to disk with this same ImageSetConfiguration (the filter is part of the name), then pass its archives with --from',
      },
    );
  }
  const loc = { store, repository: target.repository, reference: filterDigest, catalog: target.operator.catalog };
  const image = await readCatalogImage(loc, undefined, ctx.signal);
  const first = await readPlatformImage(loc, image.children[0], ctx.signal);
  const root = await extractConfigs({
    store,
    repository: target.repository,
    layers: first.layers,
    configsDir: DEFAULT_CONFIGS_DIR.slice(1),
    target: join(paths.dir, 'extracted'),
    catalog: target.operator.catalog,
    signal: ctx.signal,
  });
  return { fbc: await loadFbc(root, { signal: ctx.signal }), rebuiltDigest };
}

/** Rebuilds from the original as read for its FBC (in the cache: rebuilds never run on a dry run). */
async function rebuild(
  ctx: Ctx,
  target: CatalogTarget,
  original: OriginalCatalog,
  filterDigest: string,
  scratch: string,
  fbcDir: string,
): Promise<string> {
  const images = [original.first];
  for (const child of original.image.children.slice(1)) {
    images.push(await readPlatformImage(original.loc, child, ctx.signal));
  }
  return rebuildCatalog({
    cache: ctx.cache,
    repository: target.repository,
    images,
    originalConfigsDir: configsDirOfImage(images[0], target.operator.catalog),
    fbcDir,
    tag: filterDigest,
    scratchDir: join(scratch, 'rebuild-tmp'),
    catalog: target.operator.catalog,
    signal: ctx.signal,
  });
}

/** §2.12, full catalog (row 2 of §2.6): the original is mirrored unmodified. */
function unfilteredImages(ctx: Ctx, operator: Operator): CollectedImage[] {
  const names = { targetCatalog: operator.targetCatalog, targetTag: operator.targetTag };
  const base = { type: 'operatorCatalog' as const, origin: operator.catalog, platforms: operator.platforms };
  if (ctx.workflow === 'diskToMirror' || ctx.workflow === 'delete') {
    return [
      {
        ...base,
        ...operatorCatalogDestination(operator.catalog, ctx.destinationRoot, { ...names, cacheRoot: ctx.cacheHost }),
      },
    ];
  }
  const toCache = operatorCatalogDestination(operator.catalog, ctx.cacheHost, names);
  if (ctx.workflow === 'mirrorToDisk') return [{ ...base, ...toCache }];
  return [
    { ...base, ...toCache },
    { ...base, ...operatorCatalogDestination(operator.catalog, ctx.destinationRoot, names) },
  ];
}

/** §2.12, filtered catalogs: the rebuilt cache/repo:<filter digest> is what reaches the destination. */
function filteredImages(
  ctx: Ctx,
  operator: Operator,
  target: CatalogTarget,
  filterDigest: string,
  rebuiltDigest: string | undefined,
): CollectedImage[] {
  const names = { targetCatalog: operator.targetCatalog, targetTag: operator.targetTag };
  const base = { type: 'operatorCatalog' as const, origin: operator.catalog, platforms: operator.platforms };
  const rebuilt = rebuiltCatalogReference(ctx.cacheHost, target.repository, filterDigest);
  // Digest-only catalogs without targetTag are tagged with the rebuilt digest (the original's no longer fits);
  // before the rebuild exists (dry run) oc-mirror falls back to `sha256-<filter digest>`.
  const digestOnly = !target.isOci && !operator.targetTag && target.ref.digest !== undefined && !target.ref.tag;
  const finalNames = rebuiltDigest
    ? { ...names, rebuiltDigest: `sha256:${digestHex(rebuiltDigest)}` }
    : digestOnly
      ? { ...names, targetTag: `sha256-${filterDigest}` }
      : names;
  const final = operatorCatalogDestination(operator.catalog, ctx.destinationRoot, finalNames);
  if (ctx.workflow === 'diskToMirror' || ctx.workflow === 'delete') {
    return [{ ...base, source: rebuilt, destination: final.destination }];
  }
  // The original in the cache is the filter's input, never mirrored: like oc-mirror, whose cache holds only the
  // rebuilt catalog, it carries no signature (a rebuilt catalog has none either, §6.3).
  const toCache = { ...operatorCatalogDestination(operator.catalog, ctx.cacheHost, names), withoutSignatures: true };
  if (ctx.workflow === 'mirrorToDisk') {
    // The rebuilt image is copied onto itself so that the archive selects its blobs like any other image's.
    return [
      { ...base, ...toCache },
      { ...base, source: rebuilt, destination: rebuilt },
    ];
  }
  return [
    { ...base, ...toCache },
    { ...base, source: rebuilt, destination: final.destination },
  ];
}

async function readDigestFile(path: string): Promise<string | undefined> {
  try {
    const hex = (await readFile(path, 'utf8')).trim();
    return /^[0-9a-f]{64}$/.test(hex) ? `sha256:${hex}` : undefined;
  } catch {
    return undefined;
  }
}

/** Writes into a temporary sibling and renames, so a crash never leaves a half-written FBC that looks complete. */
async function writeAtomically(dir: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await write(tmp);
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
}

function throttledBytes(report: (bytes: number) => void): (n: number) => void {
  let bytes = 0;
  let last = 0;
  return (n) => {
    bytes += n;
    const now = Date.now();
    if (now - last >= PROGRESS_INTERVAL_MS) {
      last = now;
      report(bytes);
    }
  };
}
