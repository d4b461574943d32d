/**
 * File-Based Catalog objects (operator-registry's declcfg, collectors.md §2.4) as the operator collector sees
 * them. Every object keeps all of its fields as read (unknown ones included), so that what we write back into a
 * rebuilt catalog is what the catalog said; the typed fields below are the ones the filter uses.
 * The meta keys `schema`, `package` and `name` are lower-cased by the loader (they match case-insensitively).
 */

/** Any FBC object: at least a `schema`. */
export interface FbcObject {
  schema: string;
  package?: string;
  name?: string;
  [key: string]: unknown;
}

export const SCHEMA_PACKAGE = 'olm.package';
export const SCHEMA_CHANNEL = 'olm.channel';
export const SCHEMA_BUNDLE = 'olm.bundle';
export const SCHEMA_DEPRECATIONS = 'olm.deprecations';

export interface FbcPackage extends FbcObject {
  schema: typeof SCHEMA_PACKAGE;
  name: string;
  defaultChannel?: string;
  description?: string;
  icon?: { base64data?: string; mediatype?: string };
}

export interface FbcChannelEntry {
  name: string;
  replaces?: string;
  skips?: string[];
  /** Preserved in output, never used by the filter (§2.7). */
  skipRange?: string;
  [key: string]: unknown;
}

export interface FbcChannel extends FbcObject {
  schema: typeof SCHEMA_CHANNEL;
  package: string;
  name: string;
  entries: FbcChannelEntry[];
}

export interface FbcProperty {
  type: string;
  value: unknown;
}

export interface FbcRelatedImage {
  name?: string;
  image: string;
}

export interface FbcBundle extends FbcObject {
  schema: typeof SCHEMA_BUNDLE;
  package: string;
  name: string;
  image?: string;
  properties?: FbcProperty[];
  relatedImages?: FbcRelatedImage[];
}

export interface FbcDeprecationEntry {
  reference: { schema: string; name?: string };
  message: string;
}

export interface FbcDeprecations extends FbcObject {
  schema: typeof SCHEMA_DEPRECATIONS;
  package: string;
  entries: FbcDeprecationEntry[];
}

/** A loaded catalog (or the part of it that was kept), grouped like operator-registry's DeclarativeConfig. */
export interface DeclarativeConfig {
  packages: FbcPackage[];
  channels: FbcChannel[];
  bundles: FbcBundle[];
  deprecations: FbcDeprecations[];
  /** Every other schema, with or without a `package`. */
  others: FbcObject[];
}

export function emptyDeclarativeConfig(): DeclarativeConfig {
  return { packages: [], channels: [], bundles: [], deprecations: [], others: [] };
}

/** The package an object belongs to: `name` for olm.package, `package` for the others (may be undefined). */
export function packageOf(object: FbcObject): string | undefined {
  return object.schema === SCHEMA_PACKAGE ? object.name : object.package;
}

/** The bundle's `olm.package` property version (as written; the filter checks it is strict semver). */
export function bundleVersion(bundle: FbcBundle): string | undefined {
  for (const p of bundle.properties ?? []) {
    if (p.type === 'olm.package' && p.value && typeof p.value === 'object') {
      const version = (p.value as { version?: unknown }).version;
      if (typeof version === 'string') return version;
    }
  }
  return undefined;
}
