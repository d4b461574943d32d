/**
 * Manifest media types the client speaks, the Accept header that asks for all of them, and a reader that
 * lists what a manifest refers to. Bytes are only read, never re-serialised (that would change digests).
 */
import type { Platform } from '../image-types.js';
import { OcmError } from '../errors.js';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_SCHEMA1 = 'application/vnd.docker.distribution.manifest.v1+json';
export const DOCKER_SCHEMA1_SIGNED = 'application/vnd.docker.distribution.manifest.v1+prettyjws';

/** Every manifest type we can copy, in order of preference; schema 1 deliberately absent. */
export const MANIFEST_MEDIA_TYPES = [OCI_INDEX, DOCKER_MANIFEST_LIST, OCI_MANIFEST, DOCKER_MANIFEST] as const;

/** The Accept header for manifest GET/HEAD: without it registries may down-convert to schema 1. */
export const MANIFEST_ACCEPT = MANIFEST_MEDIA_TYPES.join(', ');

export function isIndexMediaType(mediaType: string): boolean {
  return mediaType === OCI_INDEX || mediaType === DOCKER_MANIFEST_LIST;
}

export function isSchema1MediaType(mediaType: string): boolean {
  return mediaType === DOCKER_SCHEMA1 || mediaType === DOCKER_SCHEMA1_SIGNED;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
  /** Foreign layers: where the blob lives instead of the registry. */
  urls?: string[];
}

export type ParsedManifest =
  | { kind: 'index'; mediaType: string; manifests: Descriptor[]; subject?: Descriptor }
  | { kind: 'image'; mediaType: string; config: Descriptor; layers: Descriptor[]; subject?: Descriptor };

/** A schema 1 manifest (or a document we cannot read as a manifest). Not retryable. */
export class UnsupportedManifestError extends OcmError {
  constructor(code: 'MANIFEST_SCHEMA1' | 'MANIFEST_INVALID', message: string, hint?: string) {
    super(code, message, { hint });
  }
}

/** The schema 1 error, shared with the registry client which meets it first. */
export function schema1Error(where: string): UnsupportedManifestError {
  return new UnsupportedManifestError(
    'MANIFEST_SCHEMA1',
    `${where}: is a Docker schema 1 manifest, which is not supported (deprecated since 2017)`,
    're-push the image with a current tool, e.g. `skopeo copy --format v2s2 …`, to get a schema 2 or OCI manifest',
  );
}

/**
 * The media type of manifest bytes: the document's own `mediaType` field wins over a generic
 * Content-Type (`application/json`, `text/plain`); without either, the shape decides.
 */
export function detectMediaType(bytes: Buffer, contentType: string | undefined): string {
  const header = (contentType ?? '').split(';')[0].trim().toLowerCase();
  let doc: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(bytes.toString('utf8'));
    if (parsed && typeof parsed === 'object') doc = parsed as Record<string, unknown>;
  } catch {
    return header;
  }
  if (!doc) return header;
  if (typeof doc.mediaType === 'string' && doc.mediaType) return doc.mediaType;
  if (isSchema1MediaType(header) || (MANIFEST_MEDIA_TYPES as readonly string[]).includes(header)) return header;
  if (doc.schemaVersion === 1) return DOCKER_SCHEMA1;
  return Array.isArray(doc.manifests) ? OCI_INDEX : OCI_MANIFEST;
}

/**
 * Lists what a manifest refers to. `where` names it in errors (`quay.io/ubi9/ubi@sha256:…`).
 * Throws UnsupportedManifestError for schema 1 and for documents that are not manifests.
 */
export function parseManifest(bytes: Buffer, mediaType: string, where = 'manifest'): ParsedManifest {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new UnsupportedManifestError('MANIFEST_INVALID', `${where}: manifest is not valid JSON`);
  }
  if (!doc || typeof doc !== 'object') {
    throw new UnsupportedManifestError('MANIFEST_INVALID', `${where}: manifest is not a JSON object`);
  }
  const declared = typeof doc.mediaType === 'string' && doc.mediaType ? doc.mediaType : mediaType;
  if (doc.schemaVersion === 1 || isSchema1MediaType(declared)) throw schema1Error(where);
  const subject = doc.subject === undefined ? undefined : toDescriptor(doc.subject, where);
  if (Array.isArray(doc.manifests)) {
    return {
      kind: 'index',
      mediaType: declared || OCI_INDEX,
      manifests: doc.manifests.map((d) => toDescriptor(d, where)),
      ...(subject ? { subject } : {}),
    };
  }
  if (doc.config !== undefined && Array.isArray(doc.layers)) {
    return {
      kind: 'image',
      mediaType: declared || OCI_MANIFEST,
      config: toDescriptor(doc.config, where),
      layers: doc.layers.map((d) => toDescriptor(d, where)),
      ...(subject ? { subject } : {}),
    };
  }
  throw new UnsupportedManifestError(
    'MANIFEST_INVALID',
    `${where}: not an image manifest or index (media type ${declared || 'unknown'})`,
  );
}

function toDescriptor(value: unknown, where: string): Descriptor {
  const d = value as Record<string, unknown> | null;
  if (!d || typeof d !== 'object' || typeof d.digest !== 'string' || typeof d.size !== 'number') {
    throw new UnsupportedManifestError('MANIFEST_INVALID', `${where}: descriptor without digest or size`);
  }
  const descriptor: Descriptor = {
    mediaType: typeof d.mediaType === 'string' ? d.mediaType : '',
    digest: d.digest,
    size: d.size,
  };
  const p = d.platform as Record<string, unknown> | undefined;
  if (p && typeof p.os === 'string' && typeof p.architecture === 'string') {
    descriptor.platform = { os: p.os, architecture: p.architecture };
    if (typeof p.variant === 'string' && p.variant) descriptor.platform.variant = p.variant;
  }
  if (d.annotations && typeof d.annotations === 'object') {
    descriptor.annotations = d.annotations as Record<string, string>;
  }
  if (Array.isArray(d.urls)) descriptor.urls = d.urls.filter((u): u is string => typeof u === 'string');
  return descriptor;
}
