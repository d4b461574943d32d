/**
 * How many bytes an image is at its source and how many of them the local cache already holds — for the config
 * builder's preview. The manifest tree is walked at the source ({@link collectImageBlobs}: index, manifests,
 * configs, layers; each blob once); the cache is asked blob by blob (its blob store is global, so a layer shared
 * with an image mirrored before counts as cached). Nothing is downloaded but manifests.
 */
import type { StoreResolver } from '../copy/image-location.js';
import { resolveLocation } from '../copy/image-location.js';
import { describeError } from '../errors.js';
import { DOCKER_TRANSPORT, formatPullReference, parseImageReference } from '../reference/image-reference.js';
import { collectImageBlobs } from '../store/manifest-walk.js';

export interface ImageFootprint {
  /** Total bytes of the image's blobs and manifests at the source. */
  bytes: number;
  /** Bytes of those blobs already in the cache. */
  cachedBytes: number;
}

export interface FootprintStores extends StoreResolver {
  cache: { blobSize(digest: string): Promise<number | undefined> };
}

/** The footprint of one image reference (tag and/or digest, or `oci://`). Throws on unreachable images. */
export async function imageFootprint(
  ref: string,
  stores: FootprintStores,
  signal: AbortSignal,
): Promise<ImageFootprint> {
  const parsed = parseImageReference(ref);
  const source = parsed.transport === DOCKER_TRANSPORT ? formatPullReference(parsed, { withTransport: true }) : ref;
  const loc = resolveLocation(source, 'source', stores);
  const blobs = await collectImageBlobs(loc.store, loc.repository, loc.reference, { signal, includeSignatures: false });
  let bytes = 0;
  let cachedBytes = 0;
  for (const blob of blobs) {
    bytes += blob.size;
    if ((await stores.cache.blobSize(blob.digest)) !== undefined) cachedBytes += blob.size;
  }
  return { bytes, cachedBytes };
}

/** {@link imageFootprint}, with failures as a message instead of an exception. */
export async function tryImageFootprint(
  ref: string,
  stores: FootprintStores,
  signal: AbortSignal,
): Promise<ImageFootprint | { error: string }> {
  try {
    return await imageFootprint(ref, stores, signal);
  } catch (err) {
    if (signal.aborted) throw err;
    return { error: describeError(err) };
  }
}
