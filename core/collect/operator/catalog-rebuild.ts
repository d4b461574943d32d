/**
 * Rebuilds a filtered catalog image in the cache (collectors.md §2.10): for every platform image, the original
 * layers + a whiteout layer that removes the old configs directory + a layer with the filtered FBC under
 * `configs/`; the config's Cmd becomes `serve /configs` and the configs label `/configs`. The images are
 * assembled into an index (Docker manifest list when the children are Docker v2s2, else OCI) tagged with the
 * filter digest.
 *
 * Unlike oc-mirror we do not copy the catalog into an OCI layout first: the original is already in the cache
 * (the collector puts it there), so only the new blobs and manifests are written. Layers are deterministic
 * (sorted entries, uid/gid 0, fixed times and modes), so the same filter over the same catalog always yields
 * the same digest — a re-run pushes nothing new.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { pack as tarPack, type Pack } from 'tar-stream';
import { digestOf } from '../../digest.js';
import type { ImageStore, Manifest } from '../../store/image-store.js';
import {
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  OCI_INDEX,
  OCI_MANIFEST,
  type Descriptor,
} from '../../registry/media-types.js';
import type { Platform } from '../../image-types.js';
import { CONFIGS_LABEL, CatalogImageError, DEFAULT_CONFIGS_DIR } from './extract-configs.js';
import type { PlatformImage } from './catalog-image.js';

const DOCKER_LAYER = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
/** Every entry of a layer we write carries this time, so rebuilding twice gives the same bytes. */
const FIXED_MTIME = new Date(0);

export interface BuiltLayer {
  /** Temporary file holding the compressed layer. */
  path: string;
  digest: string;
  size: number;
  /** Digest of the uncompressed tar (the config's rootfs.diff_ids entry). */
  diffId: string;
}

export interface RebuildOptions {
  cache: ImageStore;
  repository: string;
  /** The platform images of the original catalog, already in `repository` of the cache. */
  images: PlatformImage[];
  /** The original image's configs directory (from its label, e.g. `configs`): the whiteout removes it. */
  originalConfigsDir: string;
  /** Directory holding the filtered FBC (its content goes under /configs). */
  fbcDir: string;
  /** Tag for the rebuilt index (the filter digest). */
  tag: string;
  /** Scratch directory for the layer files. */
  scratchDir: string;
  catalog: string;
  signal: AbortSignal;
}

/** Builds and stores the filtered catalog; returns the digest of the index tagged `tag`. */
export async function rebuildCatalog(opts: RebuildOptions): Promise<string> {
  await mkdir(opts.scratchDir, { recursive: true });
  const whiteoutPath = join(opts.scratchDir, 'whiteout.tar.gz');
  const configsPath = join(opts.scratchDir, 'configs.tar.gz');
  try {
    const whiteout = await buildLayer(whiteoutPath, async (pack) => {
      const dir = posix.dirname(opts.originalConfigsDir);
      const name = `${dir === '.' ? '' : `${dir}/`}.wh.${posix.basename(opts.originalConfigsDir)}`;
      await addEntry(pack, { name, type: 'file', size: 0 }, Buffer.alloc(0));
    });
    const configs = await buildLayer(configsPath, async (pack) => {
      await addTree(pack, opts.fbcDir, DEFAULT_CONFIGS_DIR.slice(1));
    });
    return await assemble(opts, whiteout, configs);
  } finally {
    await rm(whiteoutPath, { force: true });
    await rm(configsPath, { force: true });
  }
}

async function assemble(opts: RebuildOptions, whiteout: BuiltLayer, configs: BuiltLayer): Promise<string> {
  for (const layer of [whiteout, configs]) await putFile(opts, layer);
  const children: Descriptor[] = [];
  let allDocker = true;
  for (const image of opts.images) {
    opts.signal.throwIfAborted();
    const docker = image.manifest.mediaType === DOCKER_MANIFEST;
    if (!docker && image.manifest.mediaType !== OCI_MANIFEST) {
      throw new CatalogImageError(
        `catalog ${opts.catalog}: cannot rebuild an image with manifest type ${image.manifest.mediaType}`,
        { hint: 'only Docker v2s2 and OCI image manifests can be rebuilt' },
      );
    }
    allDocker &&= docker;
    const manifest = await rebuildImage(opts, image, [whiteout, configs], docker);
    children.push({
      mediaType: manifest.mediaType,
      digest: manifest.digest,
      size: manifest.bytes.length,
      platform: platformOf(image),
    });
  }
  const index = {
    schemaVersion: 2,
    mediaType: allDocker ? DOCKER_MANIFEST_LIST : OCI_INDEX,
    manifests: children.map((c) => ({ mediaType: c.mediaType, digest: c.digest, size: c.size, platform: c.platform })),
  };
  const bytes = Buffer.from(JSON.stringify(index));
  const top: Manifest = { bytes, mediaType: index.mediaType, digest: digestOf(bytes) };
  await opts.cache.putManifest(opts.repository, opts.tag, top, opts.signal);
  return top.digest;
}

async function rebuildImage(
  opts: RebuildOptions,
  image: PlatformImage,
  added: BuiltLayer[],
  docker: boolean,
): Promise<Manifest> {
  const config = structuredClone(image.configJson);
  const runConfig = (config.config ??= {}) as { Cmd?: string[]; Labels?: Record<string, string> };
  runConfig.Cmd = ['serve', DEFAULT_CONFIGS_DIR];
  if (runConfig.Labels && CONFIGS_LABEL in runConfig.Labels) runConfig.Labels[CONFIGS_LABEL] = DEFAULT_CONFIGS_DIR;
  const rootfs = (config.rootfs ??= { type: 'layers', diff_ids: [] }) as { diff_ids?: string[] };
  rootfs.diff_ids = [...(rootfs.diff_ids ?? []), ...added.map((l) => l.diffId)];
  if (Array.isArray(config.history)) {
    config.history = [
      ...(config.history as unknown[]),
      { created: FIXED_MTIME.toISOString(), created_by: `ocm-tui: remove ${CONFIGS_LABEL} content` },
      { created: FIXED_MTIME.toISOString(), created_by: 'ocm-tui: filtered File-Based Catalog' },
    ];
  }
  const configBytes = Buffer.from(JSON.stringify(config));
  const configDescriptor = {
    mediaType: image.configMediaType,
    digest: digestOf(configBytes),
    size: configBytes.length,
  };
  await opts.cache.putBlob(
    opts.repository,
    { digest: configDescriptor.digest, size: configDescriptor.size },
    streamOf(configBytes),
    { signal: opts.signal },
  );
  const original = JSON.parse(image.manifest.bytes.toString('utf8')) as Record<string, unknown>;
  const layers = [
    ...((original.layers as unknown[]) ?? []),
    ...added.map((l) => ({ mediaType: docker ? DOCKER_LAYER : OCI_LAYER, digest: l.digest, size: l.size })),
  ];
  const manifestDoc: Record<string, unknown> = { ...original, config: configDescriptor, layers };
  const bytes = Buffer.from(JSON.stringify(manifestDoc));
  const manifest: Manifest = { bytes, mediaType: image.manifest.mediaType, digest: digestOf(bytes) };
  await opts.cache.putManifest(opts.repository, manifest.digest, manifest, opts.signal);
  return manifest;
}

/** The descriptor's platform, else the config's, else linux/amd64 (§2.10 step 5). */
function platformOf(image: PlatformImage): Platform {
  if (image.descriptor?.platform) return image.descriptor.platform;
  const os = image.configJson.os;
  const architecture = image.configJson.architecture;
  if (typeof os === 'string' && typeof architecture === 'string' && os && architecture) {
    const variant = image.configJson.variant;
    return typeof variant === 'string' && variant ? { os, architecture, variant } : { os, architecture };
  }
  return { os: 'linux', architecture: 'amd64' };
}

async function putFile(opts: RebuildOptions, layer: BuiltLayer): Promise<void> {
  if ((await opts.cache.hasBlob(opts.repository, layer.digest, opts.signal)) !== undefined) return;
  await opts.cache.putBlob(opts.repository, { digest: layer.digest, size: layer.size }, createReadStream(layer.path), {
    signal: opts.signal,
  });
}

function streamOf(bytes: Buffer) {
  return Readable.from([bytes]);
}

/** Writes a gzip'd tar through `fill`, hashing the tar (diff id) and the compressed bytes (digest) on the way. */
export async function buildLayer(path: string, fill: (pack: Pack) => Promise<void>): Promise<BuiltLayer> {
  const pack = tarPack();
  const tarHash = createHash('sha256');
  const gzHash = createHash('sha256');
  let size = 0;
  const tap = (hash: ReturnType<typeof createHash>, count: boolean) =>
    new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        if (count) size += chunk.length;
        cb(null, chunk);
      },
    });
  const done = pipeline(
    pack,
    tap(tarHash, false),
    createGzip({ level: 6 }),
    tap(gzHash, true),
    createWriteStream(path),
  );
  try {
    await fill(pack);
    pack.finalize();
  } catch (err) {
    pack.destroy(err as Error);
    await done.catch(() => undefined);
    throw err;
  }
  await done;
  return { path, digest: `sha256:${gzHash.digest('hex')}`, size, diffId: `sha256:${tarHash.digest('hex')}` };
}

interface EntryHeader {
  name: string;
  type: 'file' | 'directory';
  size?: number;
}

function addEntry(pack: Pack, header: EntryHeader, body?: Buffer | NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const full = {
      ...header,
      mode: header.type === 'directory' ? 0o755 : 0o644,
      uid: 0,
      gid: 0,
      uname: '',
      gname: '',
      mtime: FIXED_MTIME,
    };
    if (body === undefined || Buffer.isBuffer(body)) {
      pack.entry(full, body ?? Buffer.alloc(0), (err) => (err ? reject(err) : resolve()));
      return;
    }
    const sink = pack.entry(full, (err) => (err ? reject(err) : resolve()));
    (body as NodeJS.ReadableStream).on('error', reject);
    (body as NodeJS.ReadableStream).pipe(sink);
  });
}

/** Adds `dir` under `prefix/` in sorted order (files streamed, never read whole). */
async function addTree(pack: Pack, dir: string, prefix: string): Promise<void> {
  await addEntry(pack, { name: `${prefix}/`, type: 'directory' });
  const names = (await readdir(dir)).sort();
  for (const name of names) {
    const full = join(dir, name);
    const info = await stat(full);
    if (info.isDirectory()) await addTree(pack, full, `${prefix}/${name}`);
    else if (info.isFile()) {
      await addEntry(pack, { name: `${prefix}/${name}`, type: 'file', size: info.size }, createReadStream(full));
    }
  }
}
