/**
 * Reads the File-Based Catalog out of a catalog image (collectors.md §2.3 steps 5–6): the directory named by the
 * configs label, extracted with {@link extractTree}.
 */
import { posix } from 'node:path';
import { OcmError } from '../../errors.js';
import type { ImageStore } from '../../store/image-store.js';
import type { Descriptor } from '../../registry/media-types.js';
import { extractTree } from '../../layers/extract-tree.js';

/** The label naming the configs directory of a catalog image (operator-registry). */
export const CONFIGS_LABEL = 'operators.operatorframework.io.index.configs.v1';
/** Where rebuilt catalogs keep their FBC (and what `opm serve` is told). */
export const DEFAULT_CONFIGS_DIR = '/configs';

export class CatalogImageError extends OcmError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super('CATALOG_IMAGE', message, options);
  }
}

/** `/configs/` → `configs`; the relative directory inside the image's file system. */
export function configsDirOf(labelValue: string): string {
  const trimmed = posix.normalize(labelValue.trim()).replace(/^\/+/, '').replace(/\/+$/, '');
  if (!trimmed || trimmed === '.' || trimmed.split('/').includes('..')) {
    throw new CatalogImageError(`the catalog's ${CONFIGS_LABEL} label "${labelValue}" is not a usable directory`);
  }
  return trimmed;
}

export interface ExtractConfigsOptions {
  store: ImageStore;
  repository: string;
  /** The platform image's layers, bottom first. */
  layers: Descriptor[];
  /** Relative directory inside the image (see {@link configsDirOf}). */
  configsDir: string;
  /** Final directory; the FBC ends up at `<target>/<configsDir>`. Replaced if it exists. */
  target: string;
  /** For messages: the catalog reference. */
  catalog: string;
  signal: AbortSignal;
  onBytes?: (n: number) => void;
}

/** Extracts the configs tree; returns the FBC root (`<target>/<configsDir>`). */
export function extractConfigs(opts: ExtractConfigsOptions): Promise<string> {
  return extractTree({
    store: opts.store,
    repository: opts.repository,
    layers: opts.layers,
    dir: opts.configsDir,
    target: opts.target,
    subject: `catalog ${opts.catalog}`,
    makeError: (message, options) => new CatalogImageError(message, options),
    emptyHint: 'is this a File-Based Catalog image? SQLite-based catalogs (before OpenShift 4.11) are not supported',
    signal: opts.signal,
    onBytes: opts.onBytes,
  });
}
