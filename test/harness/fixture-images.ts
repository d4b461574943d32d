import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FixtureBlob } from './fixture-blobs.js';
import { buildImage, buildIndex, DEFAULT_PLATFORMS, makeBaseLayers } from './fixture-manifests.js';
import type { BuiltIndex, BuiltManifest, ImageSpec, Platform } from './fixture-manifests.js';
import type { RunningRegistry } from './registry-server.js';
import { RegistryPusher } from './registry-pusher.js';
import { skopeoCopy, skopeoOptionsFor } from './skopeo.js';
import { testdataPath } from './testdata-paths.js';

export { DEFAULT_PLATFORMS, FIXTURE_MEDIA_TYPES, makeBaseLayers, buildImage, buildIndex } from './fixture-manifests.js';
export type { ImageSpec, Platform, FixtureFormat, BuiltManifest, BuiltIndex } from './fixture-manifests.js';

export interface PushedBlob {
  digest: string;
  size: number;
  mediaType: string;
}

export interface PushedManifest {
  digest: string;
  mediaType: string;
  size: number;
  /** set for the children of an index (and for a generated single image) */
  platform?: Platform;
  /** exact manifest bytes */
  bytes: Buffer;
  config: PushedBlob;
  layers: PushedBlob[];
}

/** What a fixture push put into the registry, for exact assertions. */
export interface PushedImage {
  /** 'host/repo:tag', or 'host/repo@sha256:…' when pushed without a tag */
  reference: string;
  /** 'host/repo@<digest>' */
  digestReference: string;
  repository: string;
  tag?: string;
  /** digest of the top manifest (the index for multi-arch) */
  digest: string;
  mediaType: string;
  /** exact bytes of the top manifest */
  manifestBytes: Buffer;
  /** single image: [itself]; index / manifest list: its children in index order */
  manifests: PushedManifest[];
  /** every config and layer blob, unique by digest, in push order */
  blobs: PushedBlob[];
}

/** Options of the fixture pushers. `seed` defaults to the reference. */
export type FixtureImageOptions = ImageSpec;

/** Splits 'repo:tag' / 'repo@sha256:…' / 'repo' (no host). */
export function parseRepoRef(ref: string): { repository: string; tag?: string } {
  const at = ref.indexOf('@');
  if (at >= 0) return { repository: ref.slice(0, at) };
  const colon = ref.lastIndexOf(':');
  if (colon > ref.lastIndexOf('/')) return { repository: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { repository: ref };
}

function blobInfo(blob: FixtureBlob): PushedBlob {
  return { digest: blob.digest, size: blob.size, mediaType: blob.mediaType };
}

function manifestInfo(manifest: BuiltManifest, withPlatform: boolean): PushedManifest {
  return {
    digest: manifest.digest,
    mediaType: manifest.mediaType,
    size: manifest.size,
    platform: withPlatform ? manifest.platform : undefined,
    bytes: manifest.bytes,
    config: blobInfo(manifest.config),
    layers: manifest.layers.map(blobInfo),
  };
}

function uniqueBlobs(manifests: BuiltManifest[]): PushedBlob[] {
  const seen = new Map<string, PushedBlob>();
  for (const m of manifests)
    for (const b of [m.config, ...m.layers]) if (!seen.has(b.digest)) seen.set(b.digest, blobInfo(b));
  return [...seen.values()];
}

async function pushManifestBlobs(pusher: RegistryPusher, repository: string, manifest: BuiltManifest): Promise<void> {
  for (const blob of [...manifest.layers, manifest.config]) await pusher.pushBlob(repository, blob);
}

function result(
  registry: RunningRegistry,
  repository: string,
  tag: string | undefined,
  top: { digest: string; mediaType: string; bytes: Buffer },
  manifests: PushedManifest[],
  blobs: PushedBlob[],
): PushedImage {
  const digestReference = `${registry.host}/${repository}@${top.digest}`;
  return {
    reference: tag ? `${registry.host}/${repository}:${tag}` : digestReference,
    digestReference,
    repository,
    tag,
    digest: top.digest,
    mediaType: top.mediaType,
    manifestBytes: top.bytes,
    manifests,
    blobs,
  };
}

async function checkedPut(
  pusher: RegistryPusher,
  repository: string,
  reference: string,
  manifest: { bytes: Buffer; mediaType: string; digest: string },
): Promise<void> {
  const served = await pusher.pushManifest(repository, reference, manifest.bytes, manifest.mediaType);
  if (served !== manifest.digest) throw new Error(`registry computed ${served} for manifest ${manifest.digest}`);
}

/** Pushes an already built single-platform image. */
export async function pushBuiltImage(
  registry: RunningRegistry,
  ref: string,
  image: BuiltManifest,
): Promise<PushedImage> {
  const { repository, tag } = parseRepoRef(ref);
  const pusher = new RegistryPusher(registry);
  await pushManifestBlobs(pusher, repository, image);
  await checkedPut(pusher, repository, tag ?? image.digest, image);
  return result(registry, repository, tag, image, [manifestInfo(image, true)], uniqueBlobs([image]));
}

/** Pushes an already built index / manifest list with all its children (children by digest). */
export async function pushBuiltIndex(registry: RunningRegistry, ref: string, index: BuiltIndex): Promise<PushedImage> {
  const { repository, tag } = parseRepoRef(ref);
  const pusher = new RegistryPusher(registry);
  for (const child of index.children) {
    await pushManifestBlobs(pusher, repository, child);
    await checkedPut(pusher, repository, child.digest, child);
  }
  await checkedPut(pusher, repository, tag ?? index.digest, index);
  return result(
    registry,
    repository,
    tag,
    index,
    index.children.map((c) => manifestInfo(c, true)),
    uniqueBlobs(index.children),
  );
}

/**
 * Generates and pushes a single-platform image ('repo:tag'): OCI by default, `format: 'docker'` for Docker
 * schema2. Deterministic: same ref/seed and options → same digests.
 */
export async function pushImage(
  registry: RunningRegistry,
  ref: string,
  options: FixtureImageOptions = {},
): Promise<PushedImage> {
  return pushBuiltImage(registry, ref, await buildImage({ seed: ref, ...options }));
}

/** Generates and pushes an OCI index (default) or Docker manifest list (`format: 'docker'`) over `platforms`. */
export async function pushMultiArchImage(
  registry: RunningRegistry,
  ref: string,
  options: FixtureImageOptions & { platforms?: Platform[] } = {},
): Promise<PushedImage> {
  return pushBuiltIndex(registry, ref, await buildIndex({ seed: ref, platforms: DEFAULT_PLATFORMS, ...options }));
}

/** An image with many small layers (default 40). */
export async function pushManyLayerImage(
  registry: RunningRegistry,
  ref: string,
  layerCount = 40,
  options: FixtureImageOptions = {},
): Promise<PushedImage> {
  return pushImage(registry, ref, { layerSize: 256, ...options, layers: layerCount });
}

/** An image whose last layer is `size` pseudo-random bytes, generated and uploaded as a stream. */
export async function pushBigLayerImage(
  registry: RunningRegistry,
  ref: string,
  size: number,
  options: FixtureImageOptions = {},
): Promise<PushedImage> {
  return pushImage(registry, ref, { layers: 1, ...options, bigLayerSize: size });
}

/**
 * Pushes several images that share `baseLayerCount` base layers (same digests), each with its own top layers.
 * Refs may be in different repositories.
 */
export async function pushImagesSharingBase(
  registry: RunningRegistry,
  refs: string[],
  options: FixtureImageOptions & { baseSeed?: string; baseLayerCount?: number } = {},
): Promise<PushedImage[]> {
  const { baseSeed = 'shared-base', baseLayerCount = 1, ...spec } = options;
  const baseLayers = await makeBaseLayers(baseSeed, baseLayerCount, spec.format ?? 'oci');
  const images: PushedImage[] = [];
  for (const ref of refs) images.push(await pushImage(registry, ref, { layers: 1, ...spec, baseLayers }));
  return images;
}

/** Digest of the real multi-platform test image (shared/testdata). */
export const TESTDATA_MULTI_ARCH_DIGEST = 'sha256:0de0e983a4980f32b1aad2d7f7f387cea2d4e9517b47f336cef27f63735911fa';

export interface SeededSignature {
  /** 'sha256-<hex>.sig' */
  tag: string;
  /** digest the signature is for */
  signedDigest: string;
  /** digest of the signature manifest */
  digest: string;
}

interface OciDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
}

async function readOciBlob(layoutDir: string, digest: string): Promise<Buffer> {
  const [algorithm, hex] = digest.split(':');
  return readFile(join(layoutDir, 'blobs', algorithm, hex));
}

/**
 * Copies the real OCI layout testdata/oci/multi-platform-container-latest (an index of 4 platforms) into
 * `ref` ('repo:tag') with `skopeo copy --all --preserve-digests`, and with `signatures: true` its cosign
 * signature layouts as tags `sha256-<hex>.sig` of the same repository. The result lists what the layout holds.
 */
export async function seedTestdataMultiArch(
  registry: RunningRegistry,
  ref: string,
  options: { signatures?: boolean } = {},
): Promise<PushedImage & { signatures: SeededSignature[] }> {
  const { repository, tag } = parseRepoRef(ref);
  const layout = testdataPath('oci', 'multi-platform-container-latest');
  const skopeoOpts = skopeoOptionsFor(registry, registry.adminCredentials);
  const destination = `${registry.host}/${repository}${tag ? `:${tag}` : `@${TESTDATA_MULTI_ARCH_DIGEST}`}`;
  await skopeoCopy(`oci:${layout}`, destination, { ...skopeoOpts, all: true, preserveDigests: true });

  const top = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as { manifests: OciDescriptor[] };
  const indexDescriptor = top.manifests[0];
  const indexBytes = await readOciBlob(layout, indexDescriptor.digest);
  const index = JSON.parse(indexBytes.toString('utf8')) as { manifests: OciDescriptor[] };
  const manifests: PushedManifest[] = [];
  const blobs = new Map<string, PushedBlob>();
  for (const child of index.manifests) {
    const bytes = await readOciBlob(layout, child.digest);
    const manifest = JSON.parse(bytes.toString('utf8')) as { config: OciDescriptor; layers: OciDescriptor[] };
    const info = (d: OciDescriptor): PushedBlob => ({ digest: d.digest, size: d.size, mediaType: d.mediaType });
    manifests.push({
      digest: child.digest,
      mediaType: child.mediaType,
      size: child.size,
      platform: child.platform,
      bytes,
      config: info(manifest.config),
      layers: manifest.layers.map(info),
    });
    for (const d of [...manifest.layers, manifest.config]) if (!blobs.has(d.digest)) blobs.set(d.digest, info(d));
  }

  const signatures: SeededSignature[] = [];
  if (options.signatures) {
    const ociDir = testdataPath('oci');
    for (const name of (await readdir(ociDir)).sort()) {
      const match = /^multi-platform-container-sha256-([0-9a-f]{64})-sig$/.exec(name);
      if (!match) continue;
      const sigLayout = join(ociDir, name);
      const sigTag = `sha256-${match[1]}.sig`;
      await skopeoCopy(`oci:${sigLayout}`, `${registry.host}/${repository}:${sigTag}`, {
        ...skopeoOpts,
        preserveDigests: true,
      });
      const sigIndex = JSON.parse(await readFile(join(sigLayout, 'index.json'), 'utf8')) as {
        manifests: OciDescriptor[];
      };
      signatures.push({ tag: sigTag, signedDigest: `sha256:${match[1]}`, digest: sigIndex.manifests[0].digest });
    }
  }

  return {
    ...result(
      registry,
      repository,
      tag,
      { digest: indexDescriptor.digest, mediaType: indexDescriptor.mediaType, bytes: indexBytes },
      manifests,
      [...blobs.values()],
    ),
    signatures,
  };
}
