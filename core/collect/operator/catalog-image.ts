/**
 * The parts of a catalog image the operator collector reads (collectors.md §2.3): the top manifest (its digest
 * names the working-dir and the filter digest), the first platform image, and that image's config with the
 * configs-directory label.
 */
import { buffer } from 'node:stream/consumers';
import type { ImageStore, Manifest } from '../../store/image-store.js';
import { isIndexMediaType, parseManifest, type Descriptor } from '../../registry/media-types.js';
import type { Platform } from '../../image-types.js';
import { platformMatches } from '../../manifest/platform-filter.js';
import { CONFIGS_LABEL, CatalogImageError, configsDirOf } from './extract-configs.js';

/** An image config is a few kilobytes; anything this large is not one. */
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

export interface CatalogImageLocation {
  store: ImageStore;
  repository: string;
  /** Tag or digest. */
  reference: string;
  /** For messages: the catalog as the user wrote it. */
  catalog: string;
}

export interface PlatformImage {
  descriptor?: Descriptor;
  manifest: Manifest;
  config: Descriptor;
  layers: Descriptor[];
  /** The parsed config document (kept whole: a rebuild changes a few fields and writes the rest back). */
  configJson: Record<string, unknown>;
  configMediaType: string;
}

export interface CatalogImage {
  top: Manifest;
  /** The index's platform images (one for a single-manifest catalog); nested indexes are flattened. */
  children: { descriptor?: Descriptor; manifest: Manifest }[];
  /** Whether the top is an index. */
  isIndex: boolean;
}

/** The top manifest and its platform manifests (those matching `platforms`, when given). */
export async function readCatalogImage(
  loc: CatalogImageLocation,
  platforms: Platform[] | undefined,
  signal: AbortSignal,
): Promise<CatalogImage> {
  const top = await loc.store.getManifest(loc.repository, loc.reference, signal);
  const where = `catalog ${loc.catalog}`;
  const parsed = parseManifest(top.bytes, top.mediaType, where);
  if (parsed.kind === 'image') return { top, children: [{ manifest: top }], isIndex: false };
  const children: CatalogImage['children'] = [];
  const visit = async (descriptors: Descriptor[]): Promise<void> => {
    for (const d of descriptors) {
      if (isIndexMediaType(d.mediaType)) {
        const nested = await loc.store.getManifest(loc.repository, d.digest, signal);
        const np = parseManifest(nested.bytes, nested.mediaType, `${where} (${d.digest})`);
        if (np.kind === 'index') await visit(np.manifests);
        continue;
      }
      // Build attestations (buildx) sit in indexes as `unknown/unknown`: they are not catalog images.
      if (d.platform?.os === 'unknown') continue;
      if (platforms && platforms.length > 0 && !platformMatches(d.platform, platforms)) continue;
      children.push({ descriptor: d, manifest: await loc.store.getManifest(loc.repository, d.digest, signal) });
    }
  };
  await visit(parsed.manifests);
  if (children.length === 0) {
    throw new CatalogImageError(`${where}: the manifest list has no image for the requested platforms`, {
      hint: 'check `platforms` of this catalog in the ImageSetConfiguration against the catalog image',
    });
  }
  return { top, children, isIndex: true };
}

/** Reads a platform image's manifest and config. */
export async function readPlatformImage(
  loc: CatalogImageLocation,
  child: { descriptor?: Descriptor; manifest: Manifest },
  signal: AbortSignal,
): Promise<PlatformImage> {
  const where = `catalog ${loc.catalog} (${child.manifest.digest})`;
  const parsed = parseManifest(child.manifest.bytes, child.manifest.mediaType, where);
  if (parsed.kind !== 'image') throw new CatalogImageError(`${where}: expected an image manifest`);
  if (parsed.config.size > MAX_CONFIG_BYTES) {
    throw new CatalogImageError(`${where}: the image config is ${parsed.config.size} bytes, too large to be one`);
  }
  const blob = await loc.store.openBlob(loc.repository, parsed.config.digest, { signal });
  const bytes = await buffer(blob.stream);
  let configJson: Record<string, unknown>;
  try {
    configJson = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new CatalogImageError(`${where}: the image config is not JSON`, { cause: err });
  }
  return {
    descriptor: child.descriptor,
    manifest: child.manifest,
    config: parsed.config,
    layers: parsed.layers,
    configJson,
    configMediaType: parsed.config.mediaType,
  };
}

/** The configs directory the catalog declares (label `operators.operatorframework.io.index.configs.v1`). */
export function configsDirOfImage(image: PlatformImage, catalog: string): string {
  const labels = (image.configJson.config as { Labels?: Record<string, string> } | undefined)?.Labels ?? {};
  const value = labels[CONFIGS_LABEL];
  if (value === undefined) {
    throw new CatalogImageError(`catalog ${catalog}: the image has no ${CONFIGS_LABEL} label`, {
      hint: 'only File-Based Catalog images are supported (opm-built catalogs set this label, normally to /configs)',
    });
  }
  return configsDirOf(value);
}
