/**
 * The local cache under another behaviour for one workflow: every ImageStore operation goes to the cache
 * unless a subclass overrides it (mirror to disk also writes the archive, disk to mirror also reads it).
 */
import type { Readable } from 'node:stream';
import type { CacheStore } from './cache-store.js';
import type { BlobInfo, ImageStore, Manifest, OpenedBlob, TransferOptions } from './image-store.js';

export class CacheStoreView implements ImageStore {
  readonly description: string;

  constructor(readonly cache: CacheStore) {
    this.description = cache.description;
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

  hasBlob(repository: string, digest: string, signal: AbortSignal): Promise<number | undefined> {
    return this.cache.hasBlob(repository, digest, signal);
  }

  openBlob(repository: string, digest: string, options: TransferOptions): Promise<OpenedBlob> {
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
}
