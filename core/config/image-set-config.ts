/**
 * Typed ImageSetConfiguration / DeleteImageSetConfiguration (oc-mirror v2, apiVersion mirror.openshift.io/v2alpha1).
 * Keys are spelled exactly like the YAML. Normalisation applied by the loader (see docs/config-validation.md):
 * - YAML `null` and absent keys are both `undefined` (oc-mirror's Go decoder does not distinguish them either);
 * - optional strings that are empty (`targetTag: ""`) are `undefined` (Go treats "" as unset);
 * - lists keep the difference between absent (`undefined`) and written empty (`[]`): it matters for
 *   `packages` (catalog filter digest) and `helm.repositories[].charts` (absent = every chart, `[]` = none);
 * - `channels[].type` is always set (`ocp` when absent or unknown, like oc-mirror);
 * - DISC only: `delete.platform.architectures` becomes `["amd64"]` when channels are set and neither
 *   architectures nor platforms are.
 */
import type { Platform } from '../image-types.js';

export const IMAGE_SET_CONFIGURATION_KIND = 'ImageSetConfiguration';
export const DELETE_IMAGE_SET_CONFIGURATION_KIND = 'DeleteImageSetConfiguration';
export type ConfigKind = typeof IMAGE_SET_CONFIGURATION_KIND | typeof DELETE_IMAGE_SET_CONFIGURATION_KIND;

/** The apiVersion oc-mirror stamps on every loaded configuration (the file's own value is not validated). */
export const CONFIG_API_VERSION = 'mirror.openshift.io/v2alpha1';

/** `archiveSize` absent or 0 means this many GiB per archive chunk (core.md §1.2). */
export const DEFAULT_ARCHIVE_SIZE_GIB = 500;

/** Release architectures Cincinnati knows (`platform.architectures`). */
export const RELEASE_ARCHITECTURES = ['amd64', 'arm64', 'ppc64le', 's390x', 'multi'] as const;

/** Default release architecture (oc-mirror's DefaultPlatformArchitecture). */
export const DEFAULT_RELEASE_ARCHITECTURE = 'amd64';

export interface ImageSetConfiguration {
  kind: typeof IMAGE_SET_CONFIGURATION_KIND;
  /** Always `mirror.openshift.io/v2alpha1`, whatever the file says (oc-mirror stamps it; not validated). */
  apiVersion: string;
  /** Max size of one archive chunk in GiB; undefined or 0 → DEFAULT_ARCHIVE_SIZE_GIB. Never negative. */
  archiveSize?: number;
  mirror: ImageSetSpec;
}

export interface DeleteImageSetConfiguration {
  kind: typeof DELETE_IMAGE_SET_CONFIGURATION_KIND;
  /** Always `mirror.openshift.io/v2alpha1`. */
  apiVersion: string;
  /** Same shape as `mirror`, but `blockedImages` is never set (not part of the DISC schema). */
  delete: ImageSetSpec;
}

/** The `mirror:` (ISC) or `delete:` (DISC) stanza. */
export interface ImageSetSpec {
  platform?: ReleasePlatform;
  operators?: Operator[];
  additionalImages?: AdditionalImage[];
  helm?: Helm;
  /** ISC only. Go RE2 regular expressions; compile with `compileBlockedImagePattern`. */
  blockedImages?: NamedEntry[];
  /** Accepted, not implemented (like oc-mirror). */
  samples?: NamedEntry[];
}

/** `mirror.platform` (oc-mirror's `Platform`; named differently here to avoid clashing with image-types' Platform). */
export interface ReleasePlatform {
  graph?: boolean;
  channels?: ReleaseChannel[];
  /** Deprecated in oc-mirror; one of RELEASE_ARCHITECTURES each. Mutually exclusive with `platforms`. */
  architectures?: string[];
  /** Sparse manifest-list mode (`{os, architecture}` pairs). */
  platforms?: Platform[];
  /** A single release image reference; channels are ignored when set. */
  release?: string;
  kubeVirtContainer?: boolean;
}

export type ReleaseChannelType = 'ocp' | 'okd';

export interface ReleaseChannel {
  name: string;
  /** `ocp` when absent or not `okd` (oc-mirror maps unknown strings to ocp). */
  type: ReleaseChannelType;
  /** Strict `X.Y.Z[-pre][+build]` when set. */
  minVersion?: string;
  maxVersion?: string;
  shortestPath?: boolean;
  full?: boolean;
}

export interface Operator {
  /** `registry/ns/name:tag`, `…@sha256:…`, or `oci://<path>`. */
  catalog: string;
  targetCatalog?: string;
  targetTag?: string;
  full?: boolean;
  /** Accepted, unused (changes the catalog filter digest only). */
  skipDependencies?: boolean;
  targetCatalogSourceTemplate?: string;
  platforms?: Platform[];
  /** undefined when absent or null; `[]` when written empty (the filter digest distinguishes them). */
  packages?: IncludePackage[];
}

export interface IncludePackage {
  name: string;
  channels?: IncludeChannel[];
  defaultChannel?: string;
  /** Lenient Masterminds semver (see parseLenientSemver), as written. */
  minVersion?: string;
  maxVersion?: string;
}

export interface IncludeChannel {
  name: string;
  minVersion?: string;
  maxVersion?: string;
}

export interface AdditionalImage {
  /** Reference with tag and/or digest (docker:// implied), or `oci://<path>`. */
  name: string;
  targetRepo?: string;
  targetTag?: string;
  platforms?: Platform[];
}

export interface Helm {
  repositories?: HelmRepository[];
  local?: HelmChart[];
}

export interface HelmRepository {
  name: string;
  url: string;
  /** undefined = every non-library chart of the index; `[]` = none. */
  charts?: HelmChart[];
}

export interface HelmChart {
  name: string;
  version?: string;
  /** Local charts only (required there): chart directory or `.tgz`. */
  path?: string;
  /** Extra Kubernetes JSONPath templates, appended to the default image paths. */
  imagePaths?: string[];
  platforms?: Platform[];
}

/** `blockedImages[]` and `samples[]` entries. */
export interface NamedEntry {
  name: string;
}

/** Archive chunk size in bytes for an ISC (`archiveSize` GiB, default 500 GiB). */
export function archiveSizeBytes(config: ImageSetConfiguration): number {
  const gib = config.archiveSize && config.archiveSize > 0 ? config.archiveSize : DEFAULT_ARCHIVE_SIZE_GIB;
  return gib * 1024 * 1024 * 1024;
}
