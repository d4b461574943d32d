/**
 * Builds the Cincinnati graph-data image (collectors.md §1.10 steps 2–5): the downloaded graph data re-tarred
 * under `/var/lib/cincinnati-graph-data/` as one gzip layer, appended to every platform image of a base image
 * (`registry.access.redhat.com/ubi9/ubi:latest` unless `OCM_TUI_GRAPH_BASE_IMAGE` says otherwise), whose Cmd
 * becomes the copy into the UpdateService's graph-data volume. The result is stored in the cache (or any
 * store) as `openshift/graph-image:latest`: a Docker manifest list when the children are Docker v2s2, else an
 * OCI index.
 *
 * The layer is written in one streaming pass (gunzip → tar reader → tar writer → gzip → file), never in memory:
 *
 * - every entry keeps its type, mode (permission bits) and, for symlinks, its target (hardlink targets are moved
 *   under the directory like the names); uid/gid become 0 and the user/group names are dropped (oc-mirror: uid/gid
 *   0, modes preserved); directory names end in `/`; only files, directories and links are accepted;
 * - entries stay in the order of the input archive (a tar's order is part of what the server sent, and keeping
 *   it needs no spooling of the whole tree);
 * - every entry gets the same fixed time (the Unix epoch). The archive is packed from a git checkout, whose file
 *   times are only the checkout times, so a re-packed archive of the same commit then yields the same layer and
 *   the same image digest, and an incremental mirror pushes nothing new. oc-mirror keeps the input times;
 * - paths are `var/lib/cincinnati-graph-data/<path in the archive>`. An archive whose entries already sit under
 *   `/var/lib/cincinnati-graph-data` (a tree taken out of a graph-data image) is not nested a second time — the
 *   repository has no top-level `var/` of its own, so this cannot misplace real content. Entries with `..`
 *   components are refused: they would land outside the graph-data directory.
 *
 * The base image may live in any store: its layers are mounted (same store) or copied into the target
 * repository when absent there; its manifests are not stored (only the new ones are). Build attestations of an
 * index (`unknown/unknown`) are left out; a single-image base yields a one-entry index.
 */
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { createGunzip } from 'node:zlib';
import pLimit from 'p-limit';
import { extract as tarExtract, type Header, type Pack } from 'tar-stream';
import { digestOf } from '../../digest.js';
import { OcmError, isCancellation } from '../../errors.js';
import type { Platform } from '../../image-types.js';
import { withRetries } from '../../copy/retry.js';
import {
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  OCI_INDEX,
  OCI_MANIFEST,
  isIndexMediaType,
  parseManifest,
  type Descriptor,
} from '../../registry/media-types.js';
import { parseImageReference } from '../../reference/image-reference.js';
import type { ImageStore, Manifest } from '../../store/image-store.js';
import { buildLayer, type BuiltLayer } from '../operator/catalog-rebuild.js';

/** Repository of the graph image at the destination (and in the cache). */
export const GRAPH_IMAGE_REPOSITORY = 'openshift/graph-image';
export const GRAPH_IMAGE_TAG = 'latest';
/** The base image oc-mirror builds on. */
export const GRAPH_BASE_IMAGE = 'registry.access.redhat.com/ubi9/ubi:latest';
/** Environment variable replacing {@link GRAPH_BASE_IMAGE} (e.g. a mirrored copy, for offline builds). */
export const GRAPH_BASE_IMAGE_ENV = 'OCM_TUI_GRAPH_BASE_IMAGE';
/** Where the graph data sits in the image. */
export const GRAPH_DATA_DIR = '/var/lib/cincinnati-graph-data';
/** Where the UpdateService operator mounts the volume the graph data is copied to. */
export const GRAPH_DATA_MOUNT_PATH = '/var/lib/cincinnati/graph-data';
/** The Cmd of every platform image of the graph image (oc-mirror's, byte for byte). */
export const GRAPH_IMAGE_CMD: readonly string[] = [
  '/bin/bash',
  '-c',
  `exec cp -rp ${GRAPH_DATA_DIR}/* ${GRAPH_DATA_MOUNT_PATH}`,
];

const DOCKER_LAYER = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
/** Time of every entry of the layer and of the history entry that describes it. */
const FIXED_TIME = new Date(0);
const GRAPH_DATA_PARTS = GRAPH_DATA_DIR.slice(1).split('/');
/** An image config is a few kilobytes; anything this large is not one. */
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;
const PARALLEL_BLOBS = 4;
const BLOB_RETRIES = 2;

/** The graph image cannot be built (bad graph data, unusable base image). */
export class GraphImageError extends OcmError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super('GRAPH_IMAGE', message, options);
  }
}

/**
 * The base image reference: `OCM_TUI_GRAPH_BASE_IMAGE` when set (not blank), else {@link GRAPH_BASE_IMAGE}.
 * Any reference the config accepts (`host/path:tag`, `@sha256:…`, `docker://…`, `oci://<dir>`); throws
 * {@link GraphImageError} naming the variable when it cannot be parsed.
 */
export function graphBaseImageReference(env: NodeJS.ProcessEnv): string {
  const override = env[GRAPH_BASE_IMAGE_ENV]?.trim();
  if (!override) return GRAPH_BASE_IMAGE;
  try {
    parseImageReference(override);
  } catch (err) {
    throw new GraphImageError(`${GRAPH_BASE_IMAGE_ENV}="${override}" is not a valid image reference`, {
      cause: err,
      hint: `use a full reference such as ${GRAPH_BASE_IMAGE} (a copy of it in a registry you can reach), or unset it`,
    });
  }
  return override;
}

export interface GraphImageBase {
  store: ImageStore;
  repository: string;
  /** Tag or digest. */
  reference: string;
}

export interface BuildGraphImageOptions {
  /** Where the graph image is written (the local cache in M2D, the destination registry in M2M). */
  cache: ImageStore;
  /** @default 'openshift/graph-image' */
  repository?: string;
  /** @default 'latest' */
  tag?: string;
  baseImage: GraphImageBase;
  /** The downloaded graph data (a gzip'd tar, see graph-data.ts). */
  graphDataTarGz: string;
  /** Directory for the temporary layer file (created if needed; the file is removed afterwards). */
  scratchDir: string;
  signal: AbortSignal;
}

/** The layer built from the graph data, with the number of tar entries it holds. */
export interface GraphDataLayer extends BuiltLayer {
  entries: number;
}

/** Builds and stores the graph image; returns the digest of the index now tagged `repository:tag`. */
export async function buildGraphImage(opts: BuildGraphImageOptions): Promise<string> {
  const repository = opts.repository ?? GRAPH_IMAGE_REPOSITORY;
  const tag = opts.tag ?? GRAPH_IMAGE_TAG;
  await mkdir(opts.scratchDir, { recursive: true });
  const layerPath = join(opts.scratchDir, `graph-data-layer-${randomUUID()}.tar.gz`);
  try {
    // The base first: a missing or unusable base fails before any work on the graph data.
    const children = await readBaseImages(opts.baseImage, opts.signal);
    const layer = await buildGraphDataLayer(opts.graphDataTarGz, layerPath, opts.signal);
    await copyBaseBlobs(opts, repository, children);
    if ((await opts.cache.hasBlob(repository, layer.digest, opts.signal)) === undefined) {
      await opts.cache.putBlob(repository, { digest: layer.digest, size: layer.size }, createReadStream(layerPath), {
        signal: opts.signal,
      });
    }
    const descriptors: Descriptor[] = [];
    let allDocker = true;
    for (const child of children) {
      opts.signal.throwIfAborted();
      allDocker &&= child.manifest.mediaType === DOCKER_MANIFEST;
      descriptors.push(await writeGraphChild(opts.cache, repository, child, layer, opts.signal));
    }
    const mediaType = allDocker ? DOCKER_MANIFEST_LIST : OCI_INDEX;
    const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, manifests: descriptors }));
    const index: Manifest = { bytes, mediaType, digest: digestOf(bytes) };
    await opts.cache.putManifest(repository, tag, index, opts.signal);
    return index.digest;
  } finally {
    await rm(layerPath, { force: true });
  }
}

/**
 * Re-tars the graph data (`graphDataTarGz`, a gzip'd tar) under `var/lib/cincinnati-graph-data/` into the
 * gzip'd layer file `layerPath` (rules in the file comment). Throws {@link GraphImageError} naming the input
 * when it is not a gzip'd tar, is empty, or holds an entry that cannot go into the layer; `layerPath` is then
 * removed.
 */
export async function buildGraphDataLayer(
  graphDataTarGz: string,
  layerPath: string,
  signal: AbortSignal,
): Promise<GraphDataLayer> {
  let entries = 0;
  try {
    const layer = await buildLayer(layerPath, async (pack) => {
      entries = await retar(graphDataTarGz, pack, signal);
    });
    return { ...layer, entries };
  } catch (err) {
    await rm(layerPath, { force: true });
    throw err;
  }
}

/** An entry of tar-stream's extractor (a streamx Readable). */
type Entry = AsyncIterable<unknown> & {
  header: Header;
  resume(): unknown;
  pipe<T extends NodeJS.WritableStream>(dest: T): T;
  on(event: 'error', listener: (err: Error) => void): unknown;
};
/** What tar-stream's pack accepts for an entry. */
type EntryHeader = Parameters<Pack['entry']>[0];

async function retar(source: string, pack: Pack, signal: AbortSignal): Promise<number> {
  const where = `graph data ${source}`;
  const input = createReadStream(source);
  const gunzip = createGunzip();
  const untar = tarExtract();
  const abort = () => input.destroy(signal.reason as Error);
  signal.addEventListener('abort', abort, { once: true });
  let count = 0;
  try {
    signal.throwIfAborted();
    input.on('error', (e) => untar.destroy(e));
    gunzip.on('error', (e) => untar.destroy(e));
    input.pipe(gunzip).pipe(untar as unknown as NodeJS.WritableStream);
    for await (const entry of untar as unknown as AsyncIterable<Entry>) {
      try {
        await copyEntry(pack, entry, where);
      } finally {
        entry.resume();
      }
      count++;
    }
  } catch (err) {
    input.destroy();
    if (signal.aborted) throw signal.reason;
    if (err instanceof OcmError) throw err;
    const code = (err as { code?: string }).code;
    const notGzip = code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR';
    throw new GraphImageError(
      notGzip
        ? `${where} is not a gzip'd tar: ${(err as Error).message}`
        : `${where}: cannot read the archive: ${(err as Error).message}`,
      {
        cause: err,
        hint: 'download the graph data again; it must be the gzip’d tar of the cincinnati-graph-data repository',
      },
    );
  } finally {
    signal.removeEventListener('abort', abort);
  }
  if (count === 0) {
    throw new GraphImageError(`${where}: the archive holds no entries`, {
      hint: 'the graph data must be the gzip’d tar of the cincinnati-graph-data repository',
    });
  }
  return count;
}

/** Writes one input entry into the layer; the entry's data is streamed (never buffered). */
function copyEntry(pack: Pack, entry: Entry, where: string): Promise<void> {
  const h = entry.header;
  const type = h.type === 'contiguous-file' ? 'file' : (h.type ?? 'file');
  if (type !== 'file' && type !== 'directory' && type !== 'symlink' && type !== 'link') {
    throw new GraphImageError(`${where}: entry ${JSON.stringify(h.name)} is a ${type}, which graph data cannot hold`);
  }
  const path = layerPathOf(h.name, where);
  const header: EntryHeader = {
    // Directories end in `/` (GNU tar, Docker, our catalog layers); modes keep the permission bits only.
    name: type === 'directory' ? `${path}/` : path,
    type,
    mode: (h.mode ?? (type === 'directory' ? 0o755 : 0o644)) & 0o7777,
    uid: 0,
    gid: 0,
    uname: '',
    gname: '',
    mtime: FIXED_TIME,
    size: type === 'file' ? (h.size ?? 0) : 0,
  };
  if (type === 'symlink') header.linkname = h.linkname ?? '';
  if (type === 'link') header.linkname = layerPathOf(h.linkname ?? '', where);
  return new Promise((resolve, reject) => {
    const done = (err?: Error | null) => (err ? reject(err) : resolve());
    if (type !== 'file' || header.size === 0) {
      entry.resume();
      pack.entry(header, Buffer.alloc(0), done);
      return;
    }
    const sink = pack.entry(header, done);
    entry.on('error', (err) => {
      sink.destroy(err);
      reject(err);
    });
    entry.pipe(sink as unknown as NodeJS.WritableStream);
  });
}

/**
 * `var/lib/cincinnati-graph-data/<path>` for an entry name of the archive (leading `/` and `./` dropped; the
 * archive's root itself maps to the directory). Names already under the directory are kept as they are.
 */
export function layerPathOf(name: string, where = 'graph data'): string {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) {
    throw new GraphImageError(`${where}: entry ${JSON.stringify(name)} leaves the graph-data directory`, {
      hint: 'the archive is damaged or not graph data; download it again',
    });
  }
  const alreadyPrefixed = GRAPH_DATA_PARTS.every((p, i) => parts[i] === p);
  return (alreadyPrefixed ? parts : [...GRAPH_DATA_PARTS, ...parts]).join('/');
}

/** A platform image of the base, with its parsed manifest and config. */
interface BaseChild {
  descriptor?: Descriptor;
  manifest: Manifest;
  config: Descriptor;
  layers: Descriptor[];
  configJson: Record<string, unknown>;
}

async function readBaseImages(base: GraphImageBase, signal: AbortSignal): Promise<BaseChild[]> {
  const where = `graph base image ${base.repository}:${base.reference} in ${base.store.description}`;
  const top = await base.store.getManifest(base.repository, base.reference, signal);
  const parsed = parseManifest(top.bytes, top.mediaType, where);
  const found: { descriptor?: Descriptor; manifest: Manifest }[] = [];
  if (parsed.kind === 'image') found.push({ manifest: top });
  else {
    const visit = async (descriptors: Descriptor[], depth: number): Promise<void> => {
      for (const d of descriptors) {
        if (isIndexMediaType(d.mediaType)) {
          if (depth >= 4) throw new GraphImageError(`${where}: indexes nested too deeply`);
          const nested = await base.store.getManifest(base.repository, d.digest, signal);
          const np = parseManifest(nested.bytes, nested.mediaType, `${where} (${d.digest})`);
          if (np.kind === 'index') await visit(np.manifests, depth + 1);
          continue;
        }
        // Build attestations (buildx) sit in indexes as `unknown/unknown`: they are not images to run.
        if (d.platform?.os === 'unknown') continue;
        found.push({ descriptor: d, manifest: await base.store.getManifest(base.repository, d.digest, signal) });
      }
    };
    await visit(parsed.manifests, 0);
  }
  if (found.length === 0) throw new GraphImageError(`${where}: the index holds no platform image`);
  const children: BaseChild[] = [];
  for (const child of found) {
    const childWhere = `${where} (${child.manifest.digest})`;
    const mediaType = child.manifest.mediaType;
    if (mediaType !== DOCKER_MANIFEST && mediaType !== OCI_MANIFEST) {
      throw new GraphImageError(`${childWhere}: cannot add a layer to a manifest of type ${mediaType}`, {
        hint: 'only Docker v2s2 and OCI image manifests can be extended',
      });
    }
    const image = parseManifest(child.manifest.bytes, mediaType, childWhere);
    if (image.kind !== 'image') throw new GraphImageError(`${childWhere}: expected an image manifest`);
    if (image.config.size > MAX_CONFIG_BYTES) {
      throw new GraphImageError(`${childWhere}: the image config is ${image.config.size} bytes, too large to be one`);
    }
    const blob = await base.store.openBlob(base.repository, image.config.digest, { signal });
    const bytes = await buffer(blob.stream);
    let configJson: Record<string, unknown>;
    try {
      configJson = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new GraphImageError(`${childWhere}: the image config is not JSON`, { cause: err });
    }
    if (!configJson || typeof configJson !== 'object' || Array.isArray(configJson)) {
      throw new GraphImageError(`${childWhere}: the image config is not a JSON object`);
    }
    children.push({ ...child, config: image.config, layers: image.layers, configJson });
  }
  return children;
}

/** Makes every layer of the base available in `repository` of the target: present, mounted, or copied. */
async function copyBaseBlobs(opts: BuildGraphImageOptions, repository: string, children: BaseChild[]): Promise<void> {
  const base = opts.baseImage;
  const unique = new Map<string, Descriptor>();
  for (const child of children) {
    for (const layer of child.layers) {
      if (layer.urls && layer.urls.length > 0) continue; // foreign layer: never stored in a registry
      unique.set(layer.digest, layer);
    }
  }
  const limit = pLimit(PARALLEL_BLOBS);
  await Promise.all(
    [...unique.values()].map((layer) =>
      limit(async () => {
        const signal = opts.signal;
        if ((await opts.cache.hasBlob(repository, layer.digest, signal)) !== undefined) return;
        if (base.store === opts.cache && opts.cache.mountBlob) {
          if (await opts.cache.mountBlob(repository, layer.digest, base.repository, signal)) return;
        }
        await withRetries(
          async () => {
            const blob = await base.store.openBlob(base.repository, layer.digest, { signal });
            await opts.cache.putBlob(repository, { digest: layer.digest, size: layer.size }, blob.stream, { signal });
          },
          { times: BLOB_RETRIES, delayMs: 0, signal },
        ).catch((err: unknown) => {
          if (isCancellation(err, signal) || err instanceof OcmError) throw err;
          throw new GraphImageError(
            `graph base image ${base.repository}: cannot copy layer ${layer.digest} from ${base.store.description} ` +
              `to ${opts.cache.description}: ${(err as Error).message}`,
            { cause: err },
          );
        });
      }),
    ),
  );
}

/** Writes the config and manifest of one graph-image child; returns its index descriptor. */
async function writeGraphChild(
  store: ImageStore,
  repository: string,
  child: BaseChild,
  layer: BuiltLayer,
  signal: AbortSignal,
): Promise<Descriptor> {
  const docker = child.manifest.mediaType === DOCKER_MANIFEST;
  const config = structuredClone(child.configJson);
  const runConfig = (config.config ??= {}) as { Cmd?: string[] };
  runConfig.Cmd = [...GRAPH_IMAGE_CMD];
  const rootfs = (config.rootfs ??= { type: 'layers', diff_ids: [] }) as { diff_ids?: string[] };
  rootfs.diff_ids = [...(rootfs.diff_ids ?? []), layer.diffId];
  if (Array.isArray(config.history)) {
    config.history = [
      ...(config.history as unknown[]),
      { created: FIXED_TIME.toISOString(), created_by: `ocm-tui: cincinnati graph data under ${GRAPH_DATA_DIR}` },
    ];
  }
  const configBytes = Buffer.from(JSON.stringify(config));
  const configDescriptor = {
    mediaType: child.config.mediaType,
    digest: digestOf(configBytes),
    size: configBytes.length,
  };
  if ((await store.hasBlob(repository, configDescriptor.digest, signal)) === undefined) {
    await store.putBlob(
      repository,
      { digest: configDescriptor.digest, size: configDescriptor.size },
      Readable.from([configBytes]),
      { signal },
    );
  }
  const original = JSON.parse(child.manifest.bytes.toString('utf8')) as Record<string, unknown>;
  const layers = [
    ...((original.layers as unknown[]) ?? []),
    { mediaType: docker ? DOCKER_LAYER : OCI_LAYER, digest: layer.digest, size: layer.size },
  ];
  const bytes = Buffer.from(JSON.stringify({ ...original, config: configDescriptor, layers }));
  const manifest: Manifest = { bytes, mediaType: child.manifest.mediaType, digest: digestOf(bytes) };
  await store.putManifest(repository, manifest.digest, manifest, signal);
  return { mediaType: manifest.mediaType, digest: manifest.digest, size: bytes.length, platform: platformOf(child) };
}

/** The descriptor's platform, else the config's, else linux/amd64 (as oc-mirror's image builder). */
function platformOf(child: BaseChild): Platform {
  if (child.descriptor?.platform) return child.descriptor.platform;
  const { os, architecture, variant } = child.configJson;
  if (typeof os === 'string' && typeof architecture === 'string' && os && architecture) {
    return typeof variant === 'string' && variant ? { os, architecture, variant } : { os, architecture };
  }
  return { os: 'linux', architecture: 'amd64' };
}
