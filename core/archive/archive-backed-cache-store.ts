/**
 * The disk-to-mirror source: the local cache, where the large blobs of the imported archive are still in the
 * archive. Extraction writes everything else first (links, manifests, small blobs, the working-dir) and
 * leaves blobs above a size in place (`deferred`); when the copy opens one, it streams straight from its
 * offset in the archive, through its digest check, and the same bytes go into a cache temp file that is
 * renamed into place once the digest matched. So each blob is read from the archive once, while it is
 * pushed, instead of once to extract everything and once more to push it.
 *
 * Blobs the copy never opens (the destination had them) are copied by {@link extractRemaining} afterwards:
 * the cache ends up holding the whole archive either way, as later incremental imports expect.
 */
import { Transform, addAbortSignal, pipeline, type TransformCallback } from 'node:stream';
import { DigestVerifier, inheritVerification } from '../digest.js';
import { ArchiveError, describeError } from '../errors.js';
import type { CacheBlobWriter, CacheStore } from '../store/cache-store.js';
import { CacheStoreView } from '../store/cache-store-view.js';
import type { OpenedBlob, TransferOptions } from '../store/image-store.js';
import { createRangeStream } from '../direct-io/range-reader.js';
import { extractDeferredBlob, writeDeferredLinks, type DeferredBlob } from './archive-extractor.js';

/** Pieces read from the archive while pushing: 256 KiB keeps ~20 concurrent transfers' buffers small. */
const STREAM_READ_BYTES = 256 * 1024;

export class ArchiveBackedCacheStore extends CacheStoreView {
  private readonly deferred = new Map<string, DeferredBlob>();
  private readonly extracting = new Map<string, Promise<void>>();

  constructor(
    cache: CacheStore,
    deferred: readonly DeferredBlob[],
    private readonly signal: AbortSignal,
  ) {
    super(cache);
    for (const blob of deferred) this.deferred.set(blob.digest, blob);
  }

  /** Deferred blobs not yet in the cache. */
  get pending(): number {
    return this.deferred.size;
  }

  override async hasBlob(repository: string, digest: string, signal: AbortSignal): Promise<number | undefined> {
    return (await this.cache.hasBlob(repository, digest, signal)) ?? this.deferred.get(digest)?.size;
  }

  override async openBlob(repository: string, digest: string, options: TransferOptions): Promise<OpenedBlob> {
    // Another transfer is already bringing it in: wait for it, then read the cache (or retry from the archive).
    for (let running = this.extracting.get(digest); running; running = this.extracting.get(digest)) {
      await running.catch(() => undefined);
    }
    const blob = this.deferred.get(digest);
    if (!blob) return this.cache.openBlob(repository, digest, options);
    options.signal.throwIfAborted();
    // Registered before the first await, so a concurrent open waits for this one instead of streaming too.
    let settle!: { resolve: () => void; reject: (err: unknown) => void };
    const landed = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    landed.catch(() => undefined);
    this.extracting.set(digest, landed);
    void landed.then(
      () => this.forget(digest, landed),
      () => this.forget(digest, landed),
    );
    let writer: CacheBlobWriter;
    try {
      writer = await this.cache.openBlobWriter(digest, blob.size);
    } catch (err) {
      settle.reject(err);
      throw err;
    }
    const verifier = new DigestVerifier(digest, {
      where: `entry "${blob.name}" of chunk ${blob.chunk}`,
      expectedSize: blob.size,
      onBytes: options.onBytes,
    });
    const tee = new CacheTee(writer);
    inheritVerification(verifier, tee, digest);
    pipeline(createRangeStream(blob.chunk, blob.dataOffset, blob.size, STREAM_READ_BYTES), verifier, tee, (err) => {
      const commit = err ? undefined : tee.commit;
      if (!commit) {
        void writer.abort();
        settle.reject(err ?? new Error('the transfer stopped before the end of the blob'));
        return;
      }
      commit
        .then(() => writeDeferredLinks(blob, this.signal))
        .then(
          () => {
            this.deferred.delete(digest);
            settle.resolve();
          },
          (commitError: unknown) => {
            void writer.abort();
            settle.reject(commitError);
          },
        );
    });
    addAbortSignal(options.signal, tee);
    return { stream: tee, size: blob.size };
  }

  private forget(digest: string, entry: Promise<void>): void {
    if (this.extracting.get(digest) === entry) this.extracting.delete(digest);
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
      const entry = running;
      void running.then(
        () => this.forget(digest, entry),
        () => this.forget(digest, entry),
      );
    }
    signal.throwIfAborted();
    return running;
  }
}

/**
 * Pass-through that writes every chunk into the cache temp file before passing it on, and commits the file
 * when the stream ends — which, fed by a digest verifier, it only does when the bytes matched.
 *
 * NOTE: the stream ends without waiting for the commit (closing and renaming the file): the registry answers
 * the upload as soon as it has every byte, and an HTTP client whose request body has not ended by then
 * closes it — the push would fail with a premature close. The commit is awaited by the owner instead.
 */
class CacheTee extends Transform {
  /** Set when the content went through whole. */
  commit?: Promise<void>;

  constructor(private readonly writer: CacheBlobWriter) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.writer.write(chunk).then(
      () => callback(null, chunk),
      (err: unknown) => callback(err as Error),
    );
  }

  override _flush(callback: TransformCallback): void {
    this.commit = this.writer.commit();
    this.commit.catch(() => undefined);
    callback();
  }
}
