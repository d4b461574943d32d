/**
 * ImageStore over a remote registry: a thin adapter from the copy engine's vocabulary to one
 * RegistryClient. `createRegistryStores` hands out one store (and so one connection pool) per host,
 * because connection reuse across images is what makes many small blob transfers fast.
 */
import type { Readable } from 'node:stream';
import { RegistryError } from '../errors.js';
import { RegistryClient, type RegistryClientOptions } from '../registry/registry-client.js';
import type { BlobInfo, ImageStore, Manifest, OpenedBlob, TransferOptions, UploadSession } from './image-store.js';

export class RegistryStore implements ImageStore {
  readonly description: string;
  readonly client: RegistryClient;
  /** The upload names the digest (`PUT …?digest=`); the registry refuses bytes that do not match it. */
  readonly checksDigestOnWrite = true;

  constructor(client: RegistryClient) {
    this.client = client;
    this.description = `registry ${client.host}`;
  }

  getManifest(repository: string, reference: string, signal: AbortSignal): Promise<Manifest> {
    return this.client.getManifest(repository, reference, signal);
  }

  headManifest(
    repository: string,
    reference: string,
    signal: AbortSignal,
  ): Promise<{ digest: string; mediaType: string; size: number } | undefined> {
    return this.client.headManifest(repository, reference, signal);
  }

  putManifest(repository: string, reference: string, manifest: Manifest, signal: AbortSignal): Promise<void> {
    return this.client.putManifest(repository, reference, manifest, signal);
  }

  deleteManifest(repository: string, digest: string, signal: AbortSignal): Promise<void> {
    return this.client.deleteManifest(repository, digest, signal);
  }

  hasBlob(repository: string, digest: string, signal: AbortSignal): Promise<number | undefined> {
    return this.client.headBlob(repository, digest, signal);
  }

  openBlob(repository: string, digest: string, options: TransferOptions): Promise<OpenedBlob> {
    return this.client.openBlob(repository, digest, options);
  }

  putBlob(repository: string, blob: BlobInfo, body: Readable, options: TransferOptions): Promise<void> {
    return this.client.putBlob(repository, blob, body, options);
  }

  startBlobUpload(repository: string, digest: string, signal: AbortSignal): UploadSession {
    return this.client.startBlobUpload(repository, digest, signal);
  }

  claimBlob(repository: string, digest: string, signal: AbortSignal): Promise<'exists' | UploadSession | undefined> {
    return this.client.claimBlob(repository, digest, signal);
  }

  mountBlob(repository: string, digest: string, fromRepository: string, signal: AbortSignal): Promise<boolean> {
    return this.client.mountBlob(repository, digest, fromRepository, signal);
  }

  /**
   * The ImageStore contract's access check: reachable and credentials accepted. (It was missing, which made
   * the workflow's destination access check, `if (!store.ping) return`, silently skip every registry.)
   */
  ping(signal: AbortSignal): Promise<void> {
    return this.client.checkAccess(signal);
  }

  /** Tags of `repository`; a repository the registry does not know (404 NAME_UNKNOWN) has none. */
  async listTags(repository: string, signal: AbortSignal): Promise<string[]> {
    try {
      return await this.client.listTags(repository, signal);
    } catch (err) {
      if (err instanceof RegistryError && err.status === 404) return [];
      throw err;
    }
  }
}

/** `(host) => RegistryStore`, one store and client per host, plus `close()` for all of them. */
export type RegistryStoreFactory = ((host: string) => RegistryStore) & {
  /** Closes every client's connections. */
  close(): Promise<void>;
};

export interface RegistryStoresOptions extends RegistryClientOptions {
  /** Per-host overrides, e.g. `tlsVerify: false` for the local cache registry. */
  hostOptions?: (host: string) => Partial<RegistryClientOptions> | undefined;
}

/** A factory caching one RegistryStore per host (host names compared case-insensitively). */
export function createRegistryStores(options: RegistryStoresOptions): RegistryStoreFactory {
  const stores = new Map<string, RegistryStore>();
  const { hostOptions, ...base } = options;
  const factory = (host: string): RegistryStore => {
    const key = host.toLowerCase();
    let store = stores.get(key);
    if (!store) {
      store = new RegistryStore(new RegistryClient(host, { ...base, ...hostOptions?.(host) }));
      stores.set(key, store);
    }
    return store;
  };
  return Object.assign(factory, {
    async close(): Promise<void> {
      const all = [...stores.values()];
      stores.clear();
      await Promise.all(all.map((s) => s.client.close()));
    },
  });
}
