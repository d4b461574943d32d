/**
 * Where one `mirror.operators[]` catalog lives in the cache and the working-dir (collectors.md §2.3, §2.12,
 * core.md §8.4): the repository (`targetCatalog`, else the source path, else the OCI directory's basename),
 * the cache tag T (`targetTag` — the original tag after pinning —, else the tag, else `latest` for `oci://`,
 * else `sha256-<hex>`), and the working-dir directories named after the catalog digest and the filter digest.
 */
import { join } from 'node:path';
import type { Operator } from '../../config/image-set-config.js';
import { catalogRepository, digestTag, OCI_DEFAULT_TAG } from '../../reference/destination.js';
import {
  DOCKER_TRANSPORT,
  digestHex,
  parseImageReference,
  type ImageReference,
} from '../../reference/image-reference.js';

export interface CatalogTarget {
  operator: Operator;
  ref: ImageReference;
  isOci: boolean;
  /** Repository in the cache and at the destination. */
  repository: string;
  /** Tag of the original catalog in the cache. */
  cacheTag: string;
  /** `operator-catalogs/<name>`: the last path segment. */
  workName: string;
}

export function catalogTarget(operator: Operator): CatalogTarget {
  const ref = parseImageReference(operator.catalog);
  const isOci = ref.transport !== DOCKER_TRANSPORT;
  const repository = catalogRepository(operator.catalog, operator.targetCatalog);
  const cacheTag = operator.targetTag || ref.tag || (isOci ? OCI_DEFAULT_TAG : digestTag(ref.digest as string));
  const segments = ref.path.replace(/\/+$/, '').split('/');
  return { operator, ref, isOci, repository, cacheTag, workName: segments[segments.length - 1] };
}

/** `working-dir/operator-catalogs/<name>/<digest hex>` */
export function catalogWorkDir(workingDir: string, target: CatalogTarget, digest: string): string {
  return join(workingDir, 'operator-catalogs', target.workName, digestHex(digest));
}

export interface FilteredCatalogPaths {
  dir: string;
  /** The filtered FBC, one directory per package. */
  fbc: string;
  /** Holds the hex digest of the rebuilt index once it is in the cache. */
  digestFile: string;
}

export function filteredCatalogPaths(catalogDir: string, filterDigest: string): FilteredCatalogPaths {
  const dir = join(catalogDir, 'filtered-catalogs', filterDigest);
  return { dir, fbc: join(dir, 'catalog-config'), digestFile: join(dir, 'digest') };
}
