/**
 * Just enough manifest parsing for copying: which blobs and child manifests a manifest refers to.
 * The bytes are never re-serialised (that would change digests); we only read them.
 */
import type { Platform } from '../image-types.js';
import { OcmError } from '../errors.js';

export const MEDIA_TYPES = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

export type ParsedManifest =
  | { kind: 'index'; mediaType: string; manifests: Descriptor[] }
  | { kind: 'image'; mediaType: string; config: Descriptor; layers: Descriptor[] };

export function isIndexMediaType(mediaType: string): boolean {
  return mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerList;
}

/**
 * Parses manifest bytes. `mediaType` is the Content-Type the store reported; the document's own
 * `mediaType` field wins when present (some registries answer with a generic type).
 */
export function parseManifest(bytes: Buffer, mediaType: string, where: string): ParsedManifest {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new OcmError('MANIFEST_INVALID', `${where}: manifest is not valid JSON`);
  }
  const declared = typeof doc.mediaType === 'string' ? doc.mediaType : mediaType;
  if (doc.schemaVersion === 1 || declared === MEDIA_TYPES.dockerSchema1 || declared === MEDIA_TYPES.dockerSchema1Signed) {
    throw new OcmError(
      'MANIFEST_SCHEMA1',
      `${where}: Docker schema 1 manifests are not supported (deprecated since 2017)`,
      { hint: 'rebuild or re-push the image with a current tool (docker, podman, buildah) to get a schema 2 or OCI manifest' },
    );
  }
  if (Array.isArray(doc.manifests)) {
    return {
      kind: 'index',
      mediaType: declared || MEDIA_TYPES.ociIndex,
      manifests: (doc.manifests as unknown[]).map((d) => toDescriptor(d, where)),
    };
  }
  if (doc.config && Array.isArray(doc.layers)) {
    return {
      kind: 'image',
      mediaType: declared || MEDIA_TYPES.ociManifest,
      config: toDescriptor(doc.config, where),
      layers: (doc.layers as unknown[]).map((d) => toDescriptor(d, where)),
    };
  }
  throw new OcmError('MANIFEST_INVALID', `${where}: unrecognised manifest (media type ${declared || 'unknown'})`);
}

function toDescriptor(value: unknown, where: string): Descriptor {
  const d = value as Record<string, unknown>;
  if (!d || typeof d.digest !== 'string' || typeof d.size !== 'number') {
    throw new OcmError('MANIFEST_INVALID', `${where}: descriptor without digest or size`);
  }
  const p = d.platform as Record<string, unknown> | undefined;
  return {
    mediaType: typeof d.mediaType === 'string' ? d.mediaType : '',
    digest: d.digest,
    size: d.size,
    platform:
      p && typeof p.os === 'string' && typeof p.architecture === 'string'
        ? { os: p.os, architecture: p.architecture, variant: typeof p.variant === 'string' ? p.variant : undefined }
        : undefined,
    annotations: (d.annotations as Record<string, string> | undefined) ?? undefined,
  };
}

/** A child matches when os and architecture are equal (and the variant, when the filter names one). */
export function platformMatches(candidate: Platform | undefined, filters: Platform[]): boolean {
  if (!candidate) return false;
  return filters.some(
    (f) =>
      f.os === candidate.os &&
      f.architecture === candidate.architecture &&
      (!f.variant || f.variant === candidate.variant),
  );
}

export function formatPlatform(p: Platform): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}
