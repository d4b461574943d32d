import { bufferBlob, deterministicBytes, sha256Digest, streamedBlob, tarGzLayer } from './fixture-blobs.js';
import type { FixtureBlob } from './fixture-blobs.js';

/** Media types the fixtures use (spelled out here so the harness does not depend on core/). */
export const FIXTURE_MEDIA_TYPES = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

export type FixtureFormat = 'oci' | 'docker';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** What a generated single-platform image looks like; everything is deterministic from `seed`. */
export interface ImageSpec {
  /** default 'fixture' (the push helpers default it to the reference) */
  seed?: string;
  /** default 'oci' */
  format?: FixtureFormat;
  /** number of generated layers, default 2 */
  layers?: number;
  /** payload bytes per generated layer, default 512 */
  layerSize?: number;
  /** 'tar+gzip' (default): real gzip'd tar layers holding one file; 'random': raw pseudo-random bytes */
  layerKind?: 'tar+gzip' | 'random';
  /** default linux/amd64 */
  platform?: Platform;
  /** adds one tar+gzip layer (after the generated ones) with these files, e.g. {'configs/pkg/catalog.json': '…'} */
  files?: Record<string, string | Uint8Array>;
  /** config labels */
  labels?: Record<string, string>;
  /** layers put first, e.g. from makeBaseLayers(), to share blobs between images */
  baseLayers?: FixtureBlob[];
  /** adds a last layer of this many pseudo-random bytes, generated as a stream (never held in memory) */
  bigLayerSize?: number;
  /** manifest annotations */
  annotations?: Record<string, string>;
}

/** A built (not yet pushed) image manifest with its blobs. */
export interface BuiltManifest {
  mediaType: string;
  bytes: Buffer;
  digest: string;
  size: number;
  platform: Platform;
  config: FixtureBlob;
  layers: FixtureBlob[];
}

/** A built image index / manifest list. */
export interface BuiltIndex {
  mediaType: string;
  bytes: Buffer;
  digest: string;
  size: number;
  children: BuiltManifest[];
}

const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

function layerMediaType(format: FixtureFormat): string {
  return format === 'oci' ? FIXTURE_MEDIA_TYPES.ociLayerGzip : FIXTURE_MEDIA_TYPES.dockerLayerGzip;
}

/** The JSON text of fixture manifests: indented, so a client that re-serialises changes the digest visibly. */
function manifestJson(value: object): Buffer {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
}

/** Generated layers that several images can share (pass as `baseLayers`). */
export async function makeBaseLayers(
  seed: string,
  count = 1,
  format: FixtureFormat = 'oci',
  layerSize = 1024,
): Promise<FixtureBlob[]> {
  const layers: FixtureBlob[] = [];
  for (let i = 0; i < count; i++) {
    const name = `base/${seed}/layer-${i}.bin`;
    layers.push(
      await tarGzLayer({ [name]: deterministicBytes(`${seed}/base-${i}`, layerSize) }, layerMediaType(format)),
    );
  }
  return layers;
}

/** Builds a single-platform image (config, layers, manifest) in the chosen format. */
export async function buildImage(spec: ImageSpec = {}): Promise<BuiltManifest> {
  const seed = spec.seed ?? 'fixture';
  const format = spec.format ?? 'oci';
  const platform = spec.platform ?? DEFAULT_PLATFORM;
  const layerSize = spec.layerSize ?? 512;
  const mediaType = layerMediaType(format);

  const layers: FixtureBlob[] = [...(spec.baseLayers ?? [])];
  for (let i = 0; i < (spec.layers ?? 2); i++) {
    const payload = deterministicBytes(`${seed}/layer-${i}`, layerSize);
    layers.push(
      spec.layerKind === 'random'
        ? bufferBlob(payload, mediaType, sha256Digest(payload))
        : await tarGzLayer({ [`fixture/${seed.replace(/[^\w.-]/g, '_')}/layer-${i}.bin`]: payload }, mediaType),
    );
  }
  if (spec.files) layers.push(await tarGzLayer(spec.files, mediaType));
  if (spec.bigLayerSize !== undefined) layers.push(await streamedBlob(`${seed}/big`, spec.bigLayerSize, mediaType));

  const configJson = {
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    created: '2024-01-01T00:00:00Z',
    config: {
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Cmd: ['/bin/true'],
      Labels: { 'ocm-tui.test/seed': seed, ...spec.labels },
    },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId ?? l.digest) },
    history: layers.map((_, i) => ({ created: '2024-01-01T00:00:00Z', created_by: `ocm-tui fixture layer ${i}` })),
  };
  const config = bufferBlob(
    Buffer.from(JSON.stringify(configJson)),
    format === 'oci' ? FIXTURE_MEDIA_TYPES.ociConfig : FIXTURE_MEDIA_TYPES.dockerConfig,
  );

  const descriptor = (blob: FixtureBlob) => ({ mediaType: blob.mediaType, digest: blob.digest, size: blob.size });
  const manifestMediaType = format === 'oci' ? FIXTURE_MEDIA_TYPES.ociManifest : FIXTURE_MEDIA_TYPES.dockerManifest;
  const bytes = manifestJson({
    schemaVersion: 2,
    mediaType: manifestMediaType,
    config: descriptor(config),
    layers: layers.map(descriptor),
    ...(spec.annotations && format === 'oci' ? { annotations: spec.annotations } : {}),
  });
  return {
    mediaType: manifestMediaType,
    bytes,
    digest: sha256Digest(bytes),
    size: bytes.length,
    platform,
    config,
    layers,
  };
}

/** Default platforms of multi-arch fixtures. */
export const DEFAULT_PLATFORMS: Platform[] = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64', variant: 'v8' },
  { os: 'linux', architecture: 'ppc64le' },
  { os: 'linux', architecture: 's390x' },
];

export function platformString(platform: Platform): string {
  return `${platform.os}/${platform.architecture}${platform.variant ? `/${platform.variant}` : ''}`;
}

/** Builds an OCI index or Docker manifest list over one generated image per platform. */
export async function buildIndex(spec: ImageSpec & { platforms?: Platform[] } = {}): Promise<BuiltIndex> {
  const seed = spec.seed ?? 'fixture';
  const format = spec.format ?? 'oci';
  const children: BuiltManifest[] = [];
  for (const platform of spec.platforms ?? DEFAULT_PLATFORMS) {
    children.push(await buildImage({ ...spec, seed: `${seed}/${platformString(platform)}`, platform }));
  }
  const mediaType = format === 'oci' ? FIXTURE_MEDIA_TYPES.ociIndex : FIXTURE_MEDIA_TYPES.dockerManifestList;
  const bytes = manifestJson({
    schemaVersion: 2,
    mediaType,
    manifests: children.map((child) => ({
      mediaType: child.mediaType,
      digest: child.digest,
      size: child.size,
      platform: {
        architecture: child.platform.architecture,
        os: child.platform.os,
        ...(child.platform.variant ? { variant: child.platform.variant } : {}),
      },
    })),
  });
  return { mediaType, bytes, digest: sha256Digest(bytes), size: bytes.length, children };
}
