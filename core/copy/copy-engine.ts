/**
 * The parallel copy engine: copies a planned list of images between stores, `parallelImages` at a time,
 * each with `parallelLayers` concurrent blob transfers. Digests are preserved (manifest bytes are copied
 * verbatim), blobs already at the destination are skipped, blobs already in another repository of the
 * destination are mounted. A failed image does not stop the others (except release images, §9.1).
 * Everything reports through events and stops on one AbortSignal.
 */
import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import { digestOf, shortHex } from '../digest.js';
import type { EventInput } from '../events.js';
import type { PlannedImage } from '../image-types.js';
import type { Manifest, UploadSession } from '../store/image-store.js';
import { CancelledError, OcmError, describeError, isCancellation } from '../errors.js';
import { BlobMover, type BlobRequest } from './blob-mover.js';
import { ProgressSampler } from './progress-sampler.js';
import { resolveLocation, type ImageLocation, type StoreResolver } from './image-location.js';
import { withRetries } from './retry.js';
import { parseManifest, type Descriptor, type ParsedManifest } from '../registry/media-types.js';
import { formatPlatform, platformMatches } from '../manifest/platform-filter.js';
import { PolicyRejectedError, type PolicyVerdict } from '../policy/policy-evaluator.js';

/**
 * Judges an image's source before anything of it is written (the signature policy, collectors.md §6.1).
 * `digests`: the manifests to judge — the image's own, or each instance of a list that will be copied.
 * Undefined = no policy in force for this image.
 */
export type VerifySource = (request: {
  image: PlannedImage;
  source: ImageLocation;
  digests: string[];
  signal: AbortSignal;
}) => Promise<PolicyVerdict | undefined>;

export interface CopyEngineOptions {
  stores: StoreResolver;
  parallelImages: number;
  parallelLayers: number;
  retryTimes: number;
  /** 0 = exponential backoff. */
  retryDelayMs: number;
  imageTimeoutMs: number;
  /** Do not copy `sha256-<hex>.sig` cosign signature tags. */
  removeSignatures: boolean;
  /** Runs after the manifests are read and before the first blob or manifest is written; see {@link VerifySource}. */
  verifySource?: VerifySource;
  emit: (event: EventInput) => void;
  signal: AbortSignal;
}

export interface ImageResult {
  image: PlannedImage;
  ok: boolean;
  error?: unknown;
  bytesCopied: number;
  bytesSkipped: number;
  blobsCopied: number;
  blobsSkipped: number;
  blobsMounted: number;
}

/** The manifests of one image as read from the source, children before their index. */
interface ResolvedImage {
  top: Manifest;
  topParsed: ParsedManifest;
  /** Child manifests to copy (all, or those matching the platform filter). */
  children: { descriptor: Descriptor; manifest: Manifest; parsed: ParsedManifest }[];
  /** True when a platform filter removed some children. */
  filtered: boolean;
}

const RELEASE_TYPES = new Set(['ocpRelease', 'ocpReleaseContent']);

export async function copyImages(images: PlannedImage[], options: CopyEngineOptions): Promise<ImageResult[]> {
  const batch = new AbortController();
  // Every in-flight request listens on these signals: dozens at once is normal, not a leak.
  setMaxListeners(0, batch.signal);
  const onParentAbort = () => batch.abort(options.signal.reason);
  if (options.signal.aborted) batch.abort(options.signal.reason);
  options.signal.addEventListener('abort', onParentAbort, { once: true });
  const sampler = new ProgressSampler(options.emit);
  const mover = new BlobMover();
  const limitImages = pLimit(options.parallelImages);
  const results: ImageResult[] = [];
  try {
    await Promise.all(
      images.map((image) =>
        limitImages(async () => {
          const result = await copyOneImage(image, options, batch.signal, sampler, mover);
          results.push(result);
          // oc-mirror's failure policy: a release image failure stops the whole batch.
          if (!result.ok && RELEASE_TYPES.has(image.type) && !batch.signal.aborted && !isCancellation(result.error)) {
            batch.abort(new OcmError('RELEASE_FAILED', `release image ${image.origin} failed: stopping the batch`));
          }
        }),
      ),
    );
  } finally {
    options.signal.removeEventListener('abort', onParentAbort);
    sampler.close();
  }
  const order = new Map(images.map((img, i) => [img.id, i]));
  return results.sort((a, b) => order.get(a.image.id)! - order.get(b.image.id)!);
}

async function copyOneImage(
  image: PlannedImage,
  options: CopyEngineOptions,
  batchSignal: AbortSignal,
  sampler: ProgressSampler,
  mover: BlobMover,
): Promise<ImageResult> {
  const result: ImageResult = {
    image,
    ok: false,
    bytesCopied: 0,
    bytesSkipped: 0,
    blobsCopied: 0,
    blobsSkipped: 0,
    blobsMounted: 0,
  };
  if (batchSignal.aborted) {
    result.error = batchSignal.reason ?? new CancelledError();
    const reason = describeError(result.error);
    options.emit({ type: 'image.skipped', imageId: image.id, reason });
    return result;
  }
  const timeout = AbortSignal.timeout(options.imageTimeoutMs);
  const signal = AbortSignal.any([batchSignal, timeout]);
  setMaxListeners(0, signal);
  options.emit({ type: 'image.started', imageId: image.id });
  try {
    const src = resolveLocation(image.source, 'source', options.stores);
    const dst = resolveLocation(image.destination, 'destination', options.stores);
    const retry = (label: string) => ({
      times: options.retryTimes,
      delayMs: options.retryDelayMs,
      signal,
      onRetry: (info: { attempt: number; maxAttempts: number; delayMs: number; reason: string }) =>
        options.emit({ type: 'retry', imageId: image.id, ...info, reason: `${label}: ${info.reason}` }),
    });

    const resolved = await withRetries(() => resolveImage(src, image, signal), retry('read manifests'));
    if (options.verifySource) await verify(options.verifySource, image, src, resolved, signal, options, retry);
    const blobs = uniqueBlobs(resolved);
    const keepSignatures = !options.removeSignatures && !image.withoutSignatures;
    const signatureTags = keepSignatures ? findSignatureTags(resolved, src, signal, retry) : undefined;
    options.emit({
      type: 'image.blobs',
      imageId: image.id,
      blobs: blobs.map((b) => ({ digest: b.digest, size: b.size, mediaType: b.mediaType })),
      manifests: 1 + resolved.children.length,
    });

    const limitLayers = pLimit(options.parallelLayers);
    const imageBlobs = { src, dst, imageId: image.id, signal, sampler };
    await Promise.all(
      blobs.map((blob) =>
        limitLayers(async () => {
          options.emit({ type: 'blob.started', imageId: image.id, digest: blob.digest, size: blob.size });
          try {
            const outcome = await mover.move(
              blobRequest({ ...imageBlobs, blob, retry: retry(`blob ${shortHex(blob.digest)}`) }),
            );
            if (outcome === 'copied') {
              result.bytesCopied += blob.size;
              result.blobsCopied++;
            } else {
              result.bytesSkipped += blob.size;
              if (outcome === 'mounted') result.blobsMounted++;
              else result.blobsSkipped++;
            }
            options.emit({ type: 'blob.done', imageId: image.id, digest: blob.digest, size: blob.size, outcome });
          } catch (err) {
            options.emit({ type: 'blob.failed', imageId: image.id, digest: blob.digest, error: describeError(err) });
            throw err;
          }
        }),
      ),
    );

    await withRetries(() => putManifests(resolved, dst, image, signal, options), retry('write manifests'));

    if (keepSignatures) {
      await copySignatures(signatureTags!, src, dst, image, signal, options, mover, sampler, retry);
    }
    result.ok = true;
    options.emit({
      type: 'image.done',
      imageId: image.id,
      bytesCopied: result.bytesCopied,
      bytesSkipped: result.bytesSkipped,
    });
  } catch (err) {
    let error = err;
    if (timeout.aborted && !batchSignal.aborted) {
      error = new OcmError(
        'IMAGE_TIMEOUT',
        `image ${image.origin}: not copied within --image-timeout (${formatDuration(options.imageTimeoutMs)})`,
        {
          hint: 'raise --image-timeout for very large images or slow links',
          cause: err,
        },
      );
    } else if (batchSignal.aborted) {
      error = batchSignal.reason instanceof Error ? batchSignal.reason : new CancelledError();
    }
    result.error = error;
    if (batchSignal.aborted && !(error instanceof OcmError && error.code === 'IMAGE_TIMEOUT')) {
      options.emit({ type: 'image.skipped', imageId: image.id, reason: describeError(error) });
    } else {
      options.emit({
        type: 'image.failed',
        imageId: image.id,
        error: describeError(error),
        code: error instanceof OcmError ? error.code : undefined,
      });
    }
  }
  return result;
}

async function resolveImage(src: ImageLocation, image: PlannedImage, signal: AbortSignal): Promise<ResolvedImage> {
  const top = await src.store.getManifest(src.repository, src.reference, signal);
  const topParsed = parseManifest(top.bytes, top.mediaType, `${image.source}`);
  const children: ResolvedImage['children'] = [];
  let filtered = false;
  if (topParsed.kind === 'index') {
    let wanted = topParsed.manifests;
    if (image.platforms && image.platforms.length > 0) {
      wanted = topParsed.manifests.filter((d) => platformMatches(d.platform, image.platforms!));
      if (wanted.length === 0) {
        throw new OcmError(
          'NO_PLATFORM',
          `${image.origin}: no instances found for platform ${image.platforms.map(formatPlatform).join(', ')}`,
          {
            hint: `available: ${topParsed.manifests
              .map((d) => (d.platform ? formatPlatform(d.platform) : d.digest))
              .join(', ')}`,
          },
        );
      }
      filtered = wanted.length !== topParsed.manifests.length;
    }
    for (const descriptor of wanted) {
      const manifest = await src.store.getManifest(src.repository, descriptor.digest, signal);
      const parsed = parseManifest(manifest.bytes, manifest.mediaType, `${image.source} (${descriptor.digest})`);
      if (parsed.kind === 'index') {
        throw new OcmError(
          'MANIFEST_INVALID',
          `${image.source}: nested indexes are not supported (${descriptor.digest})`,
        );
      }
      children.push({ descriptor, manifest, parsed });
    }
  }
  return { top, topParsed, children, filtered };
}

/** The policy check: emits its verdict; a refusal throws before anything is written. */
async function verify(
  verifySource: VerifySource,
  image: PlannedImage,
  source: ImageLocation,
  resolved: ResolvedImage,
  signal: AbortSignal,
  options: CopyEngineOptions,
  retry: (label: string) => Parameters<typeof withRetries>[1],
): Promise<void> {
  // As `copy --all`: a list is judged by the instances copied, each on its own digest and signatures.
  const digests =
    resolved.topParsed.kind === 'index' ? resolved.children.map((c) => c.manifest.digest) : [resolved.top.digest];
  const verdict = await withRetries(() => verifySource({ image, source, digests, signal }), retry('verify signatures'));
  if (!verdict) return;
  options.emit({ type: 'image.policy', imageId: image.id, ...verdict });
  if (!verdict.accepted) {
    throw new PolicyRejectedError(
      `${image.origin}: refused by the signature policy (${verdict.scope}: ${verdict.requirement}): ${verdict.reason}`,
      verdict,
    );
  }
}

function uniqueBlobs(resolved: ResolvedImage): Descriptor[] {
  const seen = new Set<string>();
  const out: Descriptor[] = [];
  const add = (parsed: ParsedManifest) => {
    if (parsed.kind !== 'image') return;
    for (const d of [parsed.config, ...parsed.layers]) {
      if (seen.has(d.digest)) continue;
      seen.add(d.digest);
      out.push(d);
    }
  };
  add(resolved.topParsed);
  for (const child of resolved.children) add(child.parsed);
  return out;
}

/** One blob of one image to move from `src` to `dst`. */
interface BlobJob {
  blob: Descriptor;
  src: ImageLocation;
  dst: ImageLocation;
  imageId: string;
  signal: AbortSignal;
  sampler: ProgressSampler;
  retry: Parameters<typeof withRetries>[1];
}

/** What the blob mover needs for a job. */
function blobRequest(job: BlobJob): BlobRequest {
  return {
    digest: job.blob.digest,
    size: job.blob.size,
    source: job.src.store,
    sourceRepository: job.src.repository,
    destination: job.dst.store,
    destinationRepository: job.dst.repository,
    signal: job.signal,
    transfer: (claimed) => transferBlob(job, claimed),
  };
}

async function transferBlob(
  { blob, src, dst, imageId, signal, sampler, retry }: BlobJob,
  claimed?: UploadSession,
): Promise<void> {
  const onBytes = sampler.start(imageId, blob.digest, blob.size);
  let unused = claimed;
  try {
    await withRetries(async (attempt) => {
      if (attempt > 1) sampler.reset(imageId, blob.digest);
      // The session opened when the blob was found missing, else one opened while the source is being
      // opened: either way no round trip of its own. A retry opens a fresh one.
      const early = unused ?? dst.store.startBlobUpload?.(dst.repository, blob.digest, signal);
      unused = undefined;
      let opened;
      try {
        opened = await src.store.openBlob(src.repository, blob.digest, {
          signal,
          onBytes,
          destinationVerifies: dst.store.checksDigestOnWrite === true,
        });
      } catch (err) {
        early?.abandon();
        throw err;
      }
      try {
        await dst.store.putBlob(dst.repository, { digest: blob.digest, size: blob.size }, opened.stream, {
          signal,
          upload: early?.upload,
        });
      } finally {
        opened.stream.destroy();
      }
    }, retry);
  } finally {
    unused?.abandon(); // cancelled or failed before the first attempt
    sampler.finish(imageId, blob.digest);
  }
}

async function putManifests(
  resolved: ResolvedImage,
  dst: ImageLocation,
  image: PlannedImage,
  signal: AbortSignal,
  options: CopyEngineOptions,
): Promise<void> {
  for (const child of resolved.children) {
    await dst.store.putManifest(dst.repository, child.manifest.digest, child.manifest, signal);
  }
  try {
    await dst.store.putManifest(dst.repository, dst.reference, resolved.top, signal);
  } catch (err) {
    // A registry that refuses a "sparse" index (children filtered out by `platforms`) gets an index
    // listing only the copied children. Its digest differs from the source: say so.
    if (!resolved.filtered || !isManifestRejection(err)) throw err;
    const sparse = rewriteIndex(resolved);
    options.emit({
      type: 'warning',
      message: `${dst.display}: the registry refused a sparse manifest list for ${image.origin}; pushed a filtered list instead (digest ${sparse.digest} differs from the source ${resolved.top.digest})`,
    });
    await dst.store.putManifest(dst.repository, dst.reference, sparse, signal);
  }
}

function isManifestRejection(err: unknown): boolean {
  const e = err as { status?: number; registryCode?: string };
  return e.status === 400 || e.registryCode === 'MANIFEST_BLOB_UNKNOWN' || e.registryCode === 'MANIFEST_INVALID';
}

function rewriteIndex(resolved: ResolvedImage): Manifest {
  const doc = JSON.parse(resolved.top.bytes.toString('utf8')) as { manifests: { digest: string }[] };
  const keep = new Set(resolved.children.map((c) => c.descriptor.digest));
  doc.manifests = doc.manifests.filter((m) => keep.has(m.digest));
  const bytes = Buffer.from(JSON.stringify(doc, null, 2));
  return { bytes, mediaType: resolved.top.mediaType, digest: digestOf(bytes) };
}

/**
 * Cosign-style signatures live beside the image as tag `sha256-<hex>.sig`; copy the ones that exist at the
 * source for the top manifest and every copied child. A missing signature is normal and ignored.
 */
/**
 * The `sha256-<hex>.sig` tags that exist at the source for the top manifest and every copied child. Looked up
 * in parallel and started before the blobs move, so the lookups cost no extra round trip per image.
 */
function findSignatureTags(
  resolved: ResolvedImage,
  src: ImageLocation,
  signal: AbortSignal,
  retry: (label: string) => Parameters<typeof withRetries>[1],
): Promise<string[]> {
  if (!src.repository) return Promise.resolve([]); // OCI layouts carry no tag-based signatures
  const tags = [resolved.top.digest, ...resolved.children.map((c) => c.manifest.digest)].map(
    (digest) => `${digest.replace(':', '-')}.sig`,
  );
  return Promise.all(
    tags.map((tag) =>
      withRetries(() => src.store.headManifest(src.repository, tag, signal), retry(`signature ${tag}`)).then(
        (head) => (head ? tag : undefined),
        // A signature that cannot be looked up is treated as absent, like a missing one (never fatal).
        () => undefined,
      ),
    ),
  ).then((found) => found.filter((t): t is string => t !== undefined));
}

async function copySignatures(
  signatureTags: Promise<string[]>,
  src: ImageLocation,
  dst: ImageLocation,
  image: PlannedImage,
  signal: AbortSignal,
  options: CopyEngineOptions,
  mover: BlobMover,
  sampler: ProgressSampler,
  retry: (label: string) => Parameters<typeof withRetries>[1],
): Promise<void> {
  const imageBlobs = { src, dst, imageId: image.id, signal, sampler };
  for (const tag of await signatureTags) {
    const manifest = await withRetries(
      () => src.store.getManifest(src.repository, tag, signal),
      retry(`signature ${tag}`),
    );
    const parsed = parseManifest(manifest.bytes, manifest.mediaType, `${src.display}:${tag}`);
    if (parsed.kind !== 'image') continue;
    for (const blob of [parsed.config, ...parsed.layers]) {
      await mover.move(blobRequest({ ...imageBlobs, blob, retry: retry(`signature blob ${shortHex(blob.digest)}`) }));
    }
    await withRetries(() => dst.store.putManifest(dst.repository, tag, manifest, signal), retry(`signature ${tag}`));
  }
}

function formatDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
