/**
 * Reads the File-Based Catalog of a catalog image (registry or `oci://`) into memory for listing: the configs tree
 * of its first platform image is extracted into a scratch directory (removed afterwards) and loaded, keeping only
 * the packages asked for.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoreResolver } from '../../copy/image-location.js';
import { resolveLocation } from '../../copy/image-location.js';
import { DOCKER_TRANSPORT, formatPullReference, parseImageReference } from '../../reference/image-reference.js';
import type { DeclarativeConfig } from './fbc-model.js';
import { configsDirOfImage, readCatalogImage, readPlatformImage } from './catalog-image.js';
import { extractConfigs } from './extract-configs.js';
import { loadFbc } from './fbc-load.js';

export interface ReadCatalogOptions {
  stores: StoreResolver;
  keepPackage?: (name: string) => boolean;
  signal: AbortSignal;
  onBytes?: (bytes: number, total: number) => void;
}

export async function readCatalogFbc(catalog: string, opts: ReadCatalogOptions): Promise<DeclarativeConfig> {
  const ref = parseImageReference(catalog);
  const source = ref.transport === DOCKER_TRANSPORT ? formatPullReference(ref, { withTransport: true }) : catalog;
  const loc = resolveLocation(source, 'source', opts.stores);
  const where = { store: loc.store, repository: loc.repository, reference: loc.reference, catalog };
  const image = await readCatalogImage(where, undefined, opts.signal);
  const first = await readPlatformImage(where, image.children[0], opts.signal);
  const configsDir = configsDirOfImage(first, catalog);
  const scratch = await mkdtemp(join(tmpdir(), 'ocm-tui-catalog-'));
  try {
    const total = first.layers.reduce((sum, l) => sum + l.size, 0);
    let bytes = 0;
    const root = await extractConfigs({
      store: loc.store,
      repository: loc.repository,
      layers: first.layers,
      configsDir,
      target: join(scratch, 'catalog-config'),
      catalog,
      signal: opts.signal,
      onBytes: (n) => opts.onBytes?.((bytes += n), total),
    });
    return await loadFbc(root, { signal: opts.signal, keepPackage: opts.keepPackage });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
