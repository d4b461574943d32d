/**
 * Where one side of a copy lives: a store plus the repository and the tag/digest inside it.
 * `docker://localhost:<port>/…` addresses the local cache (oc-mirror's embedded registry address is kept
 * in plans and mapping.txt so files look the same), other `docker://` hosts are registries, and `oci://`
 * is an OCI layout directory.
 */
import type { ImageStore } from '../store/image-store.js';
import { OcmError } from '../errors.js';

export interface ImageLocation {
  store: ImageStore;
  /** `host/path` for messages. */
  display: string;
  repository: string;
  /** Tag or digest to read/write the top manifest under. */
  reference: string;
  /** Present when the reference is (or includes) a digest. */
  digest?: string;
  /** True when both sides are the same registry host (enables cross-repository mounts). */
  host?: string;
}

export interface SplitDockerReference {
  host: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/** Splits `docker://host/path[:tag][@digest]` (transport optional). The first segment is the host. */
export function splitDockerReference(input: string): SplitDockerReference {
  const raw = input.startsWith('docker://') ? input.slice('docker://'.length) : input;
  let name = raw;
  let digest: string | undefined;
  const at = raw.indexOf('@');
  if (at >= 0) {
    digest = raw.slice(at + 1);
    name = raw.slice(0, at);
  }
  const slash = name.indexOf('/');
  if (slash <= 0)
    throw new OcmError('REFERENCE', `invalid image reference "${input}": expected host/repository[:tag|@digest]`);
  const host = name.slice(0, slash);
  let repository = name.slice(slash + 1);
  let tag: string | undefined;
  const colon = repository.lastIndexOf(':');
  if (colon >= 0) {
    tag = repository.slice(colon + 1);
    repository = repository.slice(0, colon);
  }
  if (!repository || (!tag && !digest)) {
    throw new OcmError('REFERENCE', `invalid image reference "${input}": a tag or a digest is required`);
  }
  return { host, repository, tag, digest };
}

export interface StoreResolver {
  /** Store for a registry host (or the cache when the host is the cache address). */
  registry(host: string, side: 'source' | 'destination'): ImageStore;
  /** Store for an OCI layout directory. */
  ociLayout(path: string): ImageStore;
}

export function resolveLocation(ref: string, side: 'source' | 'destination', resolver: StoreResolver): ImageLocation {
  if (ref.startsWith('oci://')) {
    const path = ref.slice('oci://'.length);
    // oci:// sources may carry ":tag" or "@digest" after the directory; a bare directory means its only image.
    const at = path.lastIndexOf('@sha256:');
    if (at >= 0) {
      return {
        store: resolver.ociLayout(path.slice(0, at)),
        display: ref,
        repository: '',
        reference: path.slice(at + 1),
        digest: path.slice(at + 1),
      };
    }
    return { store: resolver.ociLayout(path), display: ref, repository: '', reference: 'latest' };
  }
  const split = splitDockerReference(ref);
  return {
    store: resolver.registry(split.host, side),
    display: `${split.host}/${split.repository}`,
    repository: split.repository,
    reference: split.digest ?? split.tag!,
    digest: split.digest,
    host: split.host,
  };
}
