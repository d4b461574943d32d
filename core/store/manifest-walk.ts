/**
 * The blobs that make up one image in a store (`../../shared/spec/core.md` §4.3): what the archive must
 * carry so that the image can be served again on the other side of the air gap.
 */
import type { Platform } from '../image-types.js';
import { isIndexMediaType, parseManifest } from '../registry/media-types.js';
import type { ImageStore } from './image-store.js';

export type ImageBlobKind = 'manifest' | 'index' | 'config' | 'layer' | 'signature';

export interface ImageBlob {
  digest: string;
  size: number;
  mediaType: string;
  kind: ImageBlobKind;
  /** For the manifest of a `sha256-<hex>.sig` signature: the digest it signs. */
  signatureOf?: string;
}

export interface CollectImageBlobsOptions {
  /** Only these instances of an index (os + architecture, and variant when given); undefined = all. */
  platforms?: Platform[];
  /** Also the cosign signature (`sha256-<hex>.sig` tag in the same repository) of every manifest. */
  includeSignatures: boolean;
  signal: AbortSignal;
}

/**
 * Ordered, unique list of the blobs of the image `repository:reference`: the top manifest (or index), then
 * per selected child its manifest, config and layers; with signatures, each signature manifest with its
 * config and layers follows the manifest it signs. Index children outside `platforms` are skipped (they
 * were never copied); layers with `urls` (foreign layers) are skipped (registries never hold them).
 * A missing signature is not an error: the caller decides (release images need one) from `signatureOf`.
 */
export async function collectImageBlobs(
  store: ImageStore,
  repository: string,
  reference: string,
  options: CollectImageBlobsOptions,
): Promise<ImageBlob[]> {
  const { signal } = options;
  const out = new Map<string, ImageBlob>();
  const add = (blob: ImageBlob): void => {
    if (!out.has(blob.digest)) out.set(blob.digest, blob);
  };
  const visited = new Set<string>();

  const visit = async (ref: string): Promise<void> => {
    signal.throwIfAborted();
    const manifest = await store.getManifest(repository, ref, signal);
    if (visited.has(manifest.digest)) return;
    visited.add(manifest.digest);
    const where = `${repository}@${manifest.digest} in ${store.description}`;
    const parsed = parseManifest(manifest.bytes, manifest.mediaType, where);
    const kind = parsed.kind === 'index' ? 'index' : 'manifest';
    add({ digest: manifest.digest, size: manifest.bytes.length, mediaType: parsed.mediaType, kind });
    if (options.includeSignatures) await addSignature(manifest.digest);
    if (parsed.kind === 'index') {
      for (const child of parsed.manifests) {
        const nested = isIndexMediaType(child.mediaType);
        if (!nested && options.platforms && !platformSelected(child.platform, options.platforms)) continue;
        await visit(child.digest);
      }
      return;
    }
    add({ digest: parsed.config.digest, size: parsed.config.size, mediaType: parsed.config.mediaType, kind: 'config' });
    for (const layer of parsed.layers) {
      if (layer.urls && layer.urls.length > 0) continue;
      add({ digest: layer.digest, size: layer.size, mediaType: layer.mediaType, kind: 'layer' });
    }
  };

  const addSignature = async (signed: string): Promise<void> => {
    const tag = `${signed.replace(':', '-')}.sig`;
    const head = await store.headManifest(repository, tag, signal);
    if (!head) return;
    const manifest = await store.getManifest(repository, tag, signal);
    const parsed = parseManifest(manifest.bytes, manifest.mediaType, `${repository}:${tag} in ${store.description}`);
    add({
      digest: manifest.digest,
      size: manifest.bytes.length,
      mediaType: parsed.mediaType,
      kind: 'signature',
      signatureOf: signed,
    });
    if (parsed.kind !== 'image') return;
    for (const d of [parsed.config, ...parsed.layers]) {
      if (d.urls && d.urls.length > 0) continue;
      add({ digest: d.digest, size: d.size, mediaType: d.mediaType, kind: 'signature' });
    }
  };

  await visit(reference);
  return [...out.values()];
}

/** §1.5: os and architecture must match; a variant is compared only when the filter names one. */
function platformSelected(candidate: Platform | undefined, filters: Platform[]): boolean {
  if (!candidate) return false;
  return filters.some(
    (f) =>
      f.os === candidate.os &&
      f.architecture === candidate.architecture &&
      (!f.variant || f.variant === candidate.variant),
  );
}
