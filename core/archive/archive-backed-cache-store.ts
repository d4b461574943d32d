/**
 * The disk-to-mirror source: the local cache, where the large blobs of the imported archive are still in the
 * archive. Extraction writes everything else first (links, manifests, small blobs, the working-dir) and
 * leaves blobs above a size in place (`deferred`); the first time the copy opens one, it is copied from its
 * offset in the archive into the cache — hashed on the way, renamed into place only when it matches — and
 * then streamed from the cache, still hot in the page cache. So the archive is read once, concurrently with
 * the pushes, instead of once to extract everything and once more to push it.
 *
 * Blobs the copy never opens (the destination had them) are copied by {@link extractRemaining} afterwards:
 * the cache ends up holding the whole archive either way, as later incremental imports expect.
 */
import type { Readable } from 'node:stream';
import { ArchiveError, describeError } from '../errors.js';
import type { CacheStore } from '../store/cache-store.js';
import type { BlobInfo, ImageStore, Manifest, OpenedBlob, TransferOptions } from '../store/image-store.js';
import { extractDeferredBlob, type DeferredBlob } from './archive-extractor.js';

export class ArchiveBackedCacheStore implements ImageStore {
  readonly description: string;
  private readonly deferred = new Map<string, DeferredBlob>();
  private readonly extracting = new Map<string, Promise<void>>();

  constructor(
    readonly cache: CacheStore,
    deferred: readonly DeferredBlob[],
    private readonly signal: AbortSignal,
  ) {
    this.description = cache.description;
    for (const blob of deferred) this.deferred.set(blob.digest, blob);
  }

  /** Deferred blobs not yet in the cache. */
  get pending(): number {
    return this.deferred.size;
  }

  getManifest(repository: string, reference: string, signal: AbortSignal): Promise<Manifest> {
    return this.cache.getManifest(repository, reference, signal);
  }

  headManifest(repository: string, reference: string, signal: AbortSignal) {
    return this.cache.headManifest(repository, reference, signal);
  }

  putManifest(repository: string, reference: string, manifest: Manifest, signal: AbortSignal): Promise<void> {
    return this.cache.putManifest(repository, reference, manifest, signal);
  }

  deleteManifest(repository: string, digest: string, signal: AbortSignal): Promise<void> {
    return this.cache.deleteManifest(repository, digest, signal);
  }

  async hasBlob(repository: string, digest: string, signal: AbortSignal): Promise<number | undefined> {
    return (await this.cache.hasBlob(repository, digest, signal)) ?? this.deferred.get(digest)?.size;
  }

  async openBlob(repository: string, digest: string, options: TransferOptions): Promise<OpenedBlob> {
    await this.ensureInCache(digest, options.signal);
    return this.cache.openBlob(repository, digest, options);
  }

  putBlob(repository: string, blob: BlobInfo, body: Readable, options: TransferOptions): Promise<void> {
    return this.cache.putBlob(repository, blob, body, options);
  }

  mountBlob(repository: string, digest: string, fromRepository: string, signal: AbortSignal): Promise<boolean> {
    return this.cache.mountBlob(repository, digest, fromRepository, signal);
  }

  listTags(repository: string, signal: AbortSignal): Promise<string[]> {
    return this.cache.listTags(repository, signal);
  }

  /** Copies every deferred blob the copy did not need into the cache; a damaged one does not stop the rest. */
  async extractRemaining(signal: AbortSignal): Promise<void> {
    const failures: unknown[] = [];
    for (const digest of [...this.deferred.keys()]) {
      signal.throwIfAborted();
      try {
        await this.ensureInCache(digest, signal);
      } catch (err) {
        if (signal.aborted) throw err;
        failures.push(err);
      }
    }
    if (failures.length > 0) {
      const first = describeError(failures[0]);
      throw new ArchiveError(
        failures.length === 1 ? first : `${failures.length} blobs were refused; the first: ${first}`,
        'the images were pushed; copy the archive again before importing archives made after this one',
      );
    }
  }

  /** One copy per blob, however many images ask for it at once. */
  private ensureInCache(digest: string, signal: AbortSignal): Promise<void> {
    const blob = this.deferred.get(digest);
    if (!blob) return Promise.resolve();
    let running = this.extracting.get(digest);
    if (!running) {
      // The run's signal, not the asking transfer's: a retried or timed-out image must not cancel the copy
      // another image is waiting for.
      running = extractDeferredBlob(blob, this.signal).then(() => {
        this.deferred.delete(digest);
        this.cache.noteVerified([digest]);
      });
      running.catch(() => undefined);
      this.extracting.set(digest, running);
      void running.then(
        () => this.extracting.delete(digest),
        () => this.extracting.delete(digest),
      );
    }
    signal.throwIfAborted();
    return running;
  }
}
