/**
 * The vocabulary shared by collectors, the copy engine, cluster resources, delete and every UI.
 * Names follow oc-mirror v2 so that delete files and error reports read the same.
 */

/** oc-mirror's image type strings, as written into delete-images.yaml (`../shared/spec/core.md` §6.1). */
export type ImageType =
  | 'ocpRelease'
  | 'ocpReleaseContent'
  | 'cincinnatiGraph'
  | 'operatorCatalog'
  | 'operatorBundle'
  | 'operatorRelatedImage'
  | 'generic'
  | 'helmImage';

/** The collector an image came from; selects the exit-code bit (§2.9) and the summary line. */
export type ContentKind = 'release' | 'operator' | 'additional' | 'helm';

export function contentKindOf(type: ImageType): ContentKind {
  switch (type) {
    case 'ocpRelease':
    case 'ocpReleaseContent':
    case 'cincinnatiGraph':
      return 'release';
    case 'operatorCatalog':
    case 'operatorBundle':
    case 'operatorRelatedImage':
      return 'operator';
    case 'helmImage':
      return 'helm';
    case 'generic':
      return 'additional';
  }
}

/** `{os, architecture}` filter of `platforms:` entries (§1.5). */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/**
 * One image to copy: the unit the copy engine, the dashboard and the error report talk about.
 * `source` and `destination` carry their transport (`docker://…`, `oci://…`), like oc-mirror's mapping.txt.
 */
export interface PlannedImage {
  /** Stable id within one run (used by every event about this image). */
  id: string;
  type: ImageType;
  /** The reference as the user (or the collector) wrote it, without transport for docker images. */
  origin: string;
  /** Where to read from, with transport. For tag+digest origins this is the by-digest reference. */
  source: string;
  /** Where to write to, with transport (`docker://host/path:tag`). */
  destination: string;
  /** Only copy these instances of a manifest list; undefined = all. */
  platforms?: Platform[];
  /** Operator images: the catalog and the packages whose bundles name it (delete review, error reports). */
  operator?: OperatorOrigin;
  /** Copy without its `sha256-<hex>.sig` tags even when the run keeps signatures (working copies, §6.3). */
  withoutSignatures?: boolean;
}

/** Where an operator image comes from. An image can be shared by several packages (and catalogs: the first). */
export interface OperatorOrigin {
  catalog: string;
  packages: string[];
}

/** Sort priority of oc-mirror's CollectAll (§3.0): catalogs last. */
export const TYPE_PRIORITY: Record<ImageType, number> = {
  ocpReleaseContent: 1,
  generic: 6,
  ocpRelease: 3,
  cincinnatiGraph: 4,
  operatorRelatedImage: 5,
  helmImage: 7,
  operatorBundle: 8,
  operatorCatalog: 9,
};
