/**
 * The mirror-to-disk destination: the local cache, with the archive set written from the same bytes. Every
 * blob that reaches the cache through putBlob, and every manifest through putManifest, is also written into
 * its region of the archive while it streams — unless an earlier archive shipped it (the history). So the
 * archive needs no second pass over the cache, and the disk flushes it while the network is still busy.
 *
 * What the copy found already in the cache (skipped or mounted blobs, a blob whose size was unknown) is added
 * afterwards from the cache by {@link ArchivingCacheStore.fillFromCache}, read back through its digest check.
 * Tar paths are those of the cache tree (`docker/registry/v2/blobs/<alg>/<hh>/<hex>/data`), so extracting the
 * archive into another cache reproduces it.
 */
import { Transform, type TransformCallback, type Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { relative, sep } from 'node:path';
import { inheritVerification } from '../digest.js';
import { ArchiveError } from '../errors.js';
import type { CacheStore } from '../store/cache-store.js';
import { CacheStoreView } from '../store/cache-store-view.js';
import type { BlobInfo, Manifest, TransferOptions } from '../store/image-store.js';
import type { ArchiveRegion, ArchiveSetWriter } from './archive-set-writer.js';
import type { FileFacts } from './tar-entry-header.js';

/** Header facts of entries written while they stream (the cache file does not exist yet to be described). */
function streamedFacts(size: number): FileFacts {
  return {
    size,
    mode: 0o644,
    mtimeMs: Date.now(),
    uid: process.getuid?.() ?? 0,
    gid: process.getgid?.() ?? 0,
  };
}

export class ArchivingCacheStore extends CacheStoreView {
  private readonly regions = new Map<string, ArchiveRegion>();

  /**
   * @param shipped blobs an earlier archive already carries (the history): never written again.
   */
  constructor(
    cache: CacheStore,
    readonly archive: ArchiveSetWriter,
    private readonly shipped: ReadonlySet<string>,
  ) {
    super(cache);
  }

  /** Digests with a region in the archive (written while copying, or filled from the cache). */
  get archivedDigests(): string[] {
    return [...this.regions.keys()];
  }

  override async putManifest(
    repository: string,
    reference: string,
    manifest: Manifest,
    signal: AbortSignal,
  ): Promise<void> {
    await this.cache.putManifest(repository, reference, manifest, signal);
    const region = this.regionFor(manifest.digest, manifest.bytes.length);
    if (region && !region.isComplete) {
      await region.write(manifest.bytes, 0).then(
        () => region.markComplete(),
        () => undefined, // the writer keeps the failure; the cache copy stands
      );
    }
  }

  override async putBlob(repository: string, blob: BlobInfo, body: Readable, options: TransferOptions): Promise<void> {
    const region = blob.size >= 0 ? this.regionFor(blob.digest, blob.size) : undefined;
    if (!region || region.isComplete) {
      await this.cache.putBlob(repository, blob, body, options);
      return;
    }
    const tee = new ArchiveTee(region);
    inheritVerification(body, tee, blob.digest);
    // Errors of the source reach the cache's pipeline through the tee, which then removes its temp file.
    pipeline(body, tee, () => undefined);
    await this.cache.putBlob(repository, blob, tee, options);
    // A blob the cache already had was not read at all: fillFromCache adds it.
    if (tee.wroteAll) region.markComplete();
  }

  /**
   * Makes sure every digest of `selected` is complete in the archive: blobs the copy did not stream (found in
   * the cache, or of unknown size) are read from the cache, verified, and written into their regions.
   */
  async fillFromCache(selected: readonly string[], signal: AbortSignal): Promise<void> {
    for (const digest of selected) {
      signal.throwIfAborted();
      if (this.shipped.has(digest) || this.regions.get(digest)?.isComplete) continue;
      const size = await this.cache.blobSize(digest);
      if (size === undefined) {
        throw new ArchiveError(
          `blob ${digest} selected for the archive is missing from the cache (${this.cache.blobPath(digest)})`,
          'the cache changed since the images were copied: run the mirror to disk again to fetch it',
        );
      }
      const region = this.regionFor(digest, size);
      if (!region) continue; // strict mode refused it: finish() reports that
      if (region.size !== size) {
        throw new ArchiveError(`blob ${digest} is ${size} bytes in the cache, ${region.size} in its manifest`);
      }
      // Blobs live in the cache's global store: the repository argument only has to be a valid name.
      const opened = await this.cache.openBlob('archive', digest, { signal });
      await region.fill(opened.stream);
      region.markComplete();
    }
  }

  private regionFor(digest: string, size: number): ArchiveRegion | undefined {
    if (this.shipped.has(digest)) return undefined;
    const existing = this.regions.get(digest);
    if (existing) return existing;
    const region = this.archive.reserve(this.tarName(digest), streamedFacts(size));
    if (region) this.regions.set(digest, region);
    return region;
  }

  private tarName(digest: string): string {
    return relative(this.cache.root, this.cache.blobPath(digest)).split(sep).join('/');
  }
}

/**
 * Pass-through that also writes every chunk into an archive region at its position. A write failure (a full
 * disk) stops the copying into the archive — the writer keeps the error for the end — but never the cache.
 */
class ArchiveTee extends Transform {
  private position = 0;
  private writing = true;
  private readonly attempt: number;
  private ready?: Promise<void>;

  constructor(private readonly region: ArchiveRegion) {
    super();
    // A failed earlier attempt may still have a write under way: ours start once it landed, and its later
    // writes are dropped, so stale bytes can never overwrite these.
    const begun = region.beginAttempt();
    this.attempt = begun.attempt;
    this.ready = begun.ready;
  }

  /** True when the whole content went through and into the archive. */
  get wroteAll(): boolean {
    return this.writing && this.position === this.region.size;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const at = this.position;
    this.position += chunk.length;
    if (!this.writing || this.position > this.region.size) {
      this.writing = false;
      callback(null, chunk);
      return;
    }
    const ready = this.ready ?? Promise.resolve();
    this.ready = undefined;
    ready
      .then(() => this.region.write(chunk, at, this.attempt))
      .then(
        () => callback(null, chunk),
        () => {
          this.writing = false;
          callback(null, chunk);
        },
      );
  }
}
