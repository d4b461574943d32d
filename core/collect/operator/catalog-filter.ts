/**
 * The operator catalog filter: from a loaded File-Based Catalog and one `mirror.operators[]` entry, the part of
 * the catalog to mirror and to rebuild the catalog image with (collectors.md §2.5–§2.9). It follows the
 * catalog-filter library oc-mirror uses (sherine-k/catalog-filter v0.0.4, plus the v0.0.5 `minVersion ==
 * maxVersion` rule), with the deliberate differences listed in docs/decisions.md ("Operator catalog filter").
 *
 * Summary (the table of §2.6):
 * - no `packages`: every package and channel, each channel reduced to its head (`full: true`: the catalog as is,
 *   see {@link isUnfilteredCatalog});
 * - `packages`: only those (unknown names are dropped with a warning), all their channels or the listed ones;
 *   each channel is reduced to its head, kept whole with `full: true`, or walked with the version range of the
 *   channel or else of the package (§2.7); `minVersion == maxVersion` keeps exactly that version;
 * - the default channel must survive (§2.8); a channel that a range empties is dropped, unless it is the
 *   package's default channel, which is an error;
 * - bundles = the entries of the channels kept, sorted by (package, name); deprecations and other objects
 *   follow (§2.9).
 *
 * Errors are {@link CatalogFilterError}s whose messages are oc-mirror's (`failed to filter catalog: …`,
 * `failed to validate catalog filter: …`). The input is never modified.
 */
import { OcmError } from '../../errors.js';
import type { Operator } from '../../config/image-set-config.js';
import {
  SCHEMA_BUNDLE,
  SCHEMA_CHANNEL,
  SCHEMA_PACKAGE,
  bundleVersion,
  type DeclarativeConfig,
  type FbcBundle,
  type FbcChannel,
  type FbcDeprecations,
  type FbcPackage,
} from './fbc-model.js';
import { ChannelGraphError, buildChannelGraph, walkVersionRange, type ChannelGraph } from './channel-graph.js';
import {
  VersionRangeError,
  buildVersionRange,
  compareVersions,
  parseStrictVersion,
  parseVersion,
  parseVersionRange,
  type MastermindsVersion,
  type VersionRange,
} from './masterminds-range.js';
import { byCodeUnit } from '../../code-unit-order.js';

/** The catalog cannot be filtered as configured (or the catalog itself is broken). */
export class CatalogFilterError extends OcmError {
  constructor(message: string, hint?: string) {
    super('CATALOG_FILTER', message, { hint });
  }
}

export interface CatalogFilterOptions {
  /**
   * Receives non-fatal findings: unknown packages or channels, channels dropped because a range emptied them,
   * chain bundles kept outside the range (§2.7 step 4). Silent by default.
   */
  onWarning?(message: string): void;
}

/** The package names the filter keeps; undefined means every package (no `packages`, or an empty list). */
export function packagesToKeep(op: Operator): Set<string> | undefined {
  const packages = op.packages ?? [];
  return packages.length === 0 ? undefined : new Set(packages.map((p) => p.name));
}

/**
 * No `packages` and `full: true` (§2.6 row 2): the whole catalog is mirrored as it is and never rebuilt, and it
 * has no filter digest. {@link filterCatalog} returns such a catalog unchanged.
 */
export function isUnfilteredCatalog(op: Operator): boolean {
  return (op.packages?.length ?? 0) === 0 && op.full === true;
}

const FILTER = 'failed to filter catalog: ';
const VALIDATE = 'failed to validate catalog filter: ';

/** Filters `cfg` for one catalog entry of the configuration. */
export function filterCatalog(
  cfg: DeclarativeConfig,
  op: Operator,
  opts: CatalogFilterOptions = {},
): DeclarativeConfig {
  const warn = opts.onWarning ?? (() => undefined);
  const selections = readSelections(op);
  if (op.full && [...selections.values()].some(hasAnyRange)) {
    throw new CatalogFilterError(
      `${FILTER}Full: true cannot be mixed with versionRange`,
      'remove `full: true` from this catalog, or the minVersion/maxVersion settings',
    );
  }
  if (selections.size === 0 && op.full) return copyConfig(cfg);

  const selected = selections.size === 0 ? copyConfig(cfg) : selectPackagesAndChannels(cfg, selections, warn);

  const channelNames = new Map<string, Set<string>>();
  for (const ch of selected.channels) getOrCreate(channelNames, ch.package, () => new Set()).add(ch.name);
  const bundlesByPackage = new Map<string, FbcBundle[]>();
  for (const b of selected.bundles) getOrCreate(bundlesByPackage, b.package, () => []).push(b);

  // §2.8: the default channel must survive the name selection; an override replaces it.
  const defaultChannels = new Map<string, string | undefined>();
  const packages = selected.packages.map((pkg) => {
    const selection = selections.get(pkg.name);
    const defaultChannel = selection
      ? resolveDefaultChannel(pkg, selection, channelNames.get(pkg.name) ?? new Set())
      : pkg.defaultChannel;
    defaultChannels.set(pkg.name, defaultChannel);
    return defaultChannel === pkg.defaultChannel ? pkg : { ...pkg, defaultChannel };
  });

  const versionsByPackage = new Map<string, Map<string, MastermindsVersion>>();
  const versionsOf = (pkg: string): Map<string, MastermindsVersion> =>
    getOrCreate(versionsByPackage, pkg, () => strictBundleVersions(pkg, bundlesByPackage.get(pkg) ?? []));

  const channels: FbcChannel[] = [];
  for (const ch of selected.channels) {
    const selection = selections.get(ch.package);
    const channelRange = selection?.channels.get(ch.name)?.range;
    const range = channelRange?.text ? channelRange : selection?.range.text ? selection.range : undefined;
    if (range) {
      const entries = rangeEntries(ch, range, versionsOf(ch.package), warn);
      if (entries.length > 0) {
        channels.push({ ...ch, entries });
      } else if (ch.name === defaultChannels.get(ch.package)) {
        throw new CatalogFilterError(
          `${FILTER}package ${q(ch.package)} channel ${q(ch.name)} has version range ${q(range.text)} that results in an empty channel`,
          'no bundle of the default channel is in that range: widen minVersion/maxVersion, or set defaultChannel to another listed channel',
        );
      } else {
        warn(
          `package ${q(ch.package)} channel ${q(ch.name)}: version range ${q(range.text)} keeps no bundle, channel dropped`,
        );
      }
    } else if (op.full) {
      channels.push(ch);
    } else {
      channels.push(headOnly(ch));
    }
  }

  const keptChannels = new Map<string, Set<string>>();
  const keptNames = new Map<string, Set<string>>();
  for (const ch of channels) {
    getOrCreate(keptChannels, ch.package, () => new Set()).add(ch.name);
    const names = getOrCreate(keptNames, ch.package, () => new Set());
    for (const e of ch.entries ?? []) names.add(e.name);
  }
  const bundles: FbcBundle[] = [];
  const taken = new Set<string>();
  for (const b of selected.bundles) {
    const key = `${b.package}\u0000${b.name}`;
    if (keptNames.get(b.package)?.has(b.name) && !taken.has(key)) {
      taken.add(key);
      bundles.push(b);
    }
  }
  bundles.sort((a, b) => byCodeUnit(a.package, b.package) || byCodeUnit(a.name, b.name));

  // §2.9: references to bundles or channels that are not in the output are removed (a catalog whose
  // deprecations name missing objects is rejected by opm).
  const deprecations: FbcDeprecations[] = selected.deprecations.map((d) => ({
    ...d,
    entries: (d.entries ?? []).filter((e) => {
      if (e.reference?.schema === SCHEMA_BUNDLE) return taken.has(`${d.package}\u0000${e.reference.name}`);
      if (e.reference?.schema === SCHEMA_CHANNEL) return keptChannels.get(d.package)?.has(e.reference.name ?? '');
      return true;
    }),
  }));

  return { packages, channels, bundles, deprecations, others: selected.others };
}

// --- Filter configuration (§2.5) --------------------------------------------------------------------------

interface RangeSetting {
  /** The `versionRange` string ('' when neither bound is set). */
  text: string;
  minVersion?: string;
  maxVersion?: string;
}

interface PackageSelection {
  name: string;
  defaultChannel?: string;
  range: RangeSetting;
  /** Listed channels by name; empty = every channel of the package. */
  channels: Map<string, { name: string; range: RangeSetting }>;
}

function rangeSetting(bounds: { minVersion?: string; maxVersion?: string }): RangeSetting {
  return {
    text: buildVersionRange(bounds.minVersion, bounds.maxVersion),
    minVersion: bounds.minVersion,
    maxVersion: bounds.maxVersion,
  };
}

function hasAnyRange(selection: PackageSelection): boolean {
  return selection.range.text !== '' || [...selection.channels.values()].some((c) => c.range.text !== '');
}

/** oc-mirror's `filterFromImageSetConfig` + the library's `Validate`, then its per-package maps. */
function readSelections(op: Operator): Map<string, PackageSelection> {
  const problems: string[] = [];
  const rangeProblem = (text: string): string | undefined => {
    if (!text) return undefined;
    try {
      parseVersionRange(text);
      return undefined;
    } catch (err) {
      if (err instanceof VersionRangeError) return err.message;
      throw err;
    }
  };
  const selections = new Map<string, PackageSelection>();
  (op.packages ?? []).forEach((pkg, i) => {
    const at = `package ${q(pkg.name ?? '')} at index [${i}] is invalid: `;
    if (!pkg.name) problems.push(`${at}name must be specified`);
    const range = rangeSetting(pkg);
    const pkgRangeProblem = rangeProblem(range.text);
    if (pkgRangeProblem) {
      problems.push(`${at}versionRange is not in valid semantic versionning format: ${pkgRangeProblem}`);
    }
    // Like the library's maps: a repeated package takes the last entry's settings and the union of channels.
    const selection: PackageSelection = {
      name: pkg.name,
      defaultChannel: pkg.defaultChannel,
      range,
      channels: selections.get(pkg.name)?.channels ?? new Map(),
    };
    selections.set(pkg.name, selection);
    (pkg.channels ?? []).forEach((ch, j) => {
      const chAt = `${at}channel ${q(ch.name ?? '')} at index [${j}] is invalid: `;
      if (!ch.name) problems.push(`${chAt}name must be specified`);
      const chRange = rangeSetting(ch);
      if (chRange.text && range.text) {
        problems.push(
          `${at}package specifies a VersionRange, while channel ${q(ch.name ?? '')} at index [${j}] equally specifies one: ` +
            'package.VersionRange and channel.VersionRange are exclusive',
        );
      }
      const chRangeProblem = rangeProblem(chRange.text);
      if (chRangeProblem) {
        problems.push(`${chAt}versionRange is not in valid semantic versionning format: ${chRangeProblem}`);
      }
      selection.channels.set(ch.name, { name: ch.name, range: chRange });
    });
  });
  if (problems.length > 0) {
    throw new CatalogFilterError(
      `${VALIDATE}${problems.join('\n')}`,
      'fix the packages section of this catalog in the ImageSetConfiguration',
    );
  }
  return selections;
}

// --- Selection by name (§2.6 rows 3–6, 14) -----------------------------------------------------------------

function selectPackagesAndChannels(
  cfg: DeclarativeConfig,
  selections: Map<string, PackageSelection>,
  warn: (message: string) => void,
): DeclarativeConfig {
  const catalogPackages = new Set<string>();
  for (const p of cfg.packages) catalogPackages.add(p.name);
  for (const ch of cfg.channels) catalogPackages.add(ch.package);
  const catalogChannels = new Map<string, Set<string>>();
  for (const ch of cfg.channels) getOrCreate(catalogChannels, ch.package, () => new Set()).add(ch.name);
  for (const selection of selections.values()) {
    if (!catalogPackages.has(selection.name)) {
      warn(`package ${q(selection.name)} not found in the catalog`);
      continue;
    }
    for (const name of selection.channels.keys()) {
      if (!catalogChannels.get(selection.name)?.has(name)) {
        warn(`package ${q(selection.name)}: channel ${q(name)} not found in the catalog`);
      }
    }
  }
  const kept = (pkg: string | undefined): boolean => pkg !== undefined && selections.has(pkg);
  return {
    packages: cfg.packages.filter((p) => kept(p.name)),
    channels: cfg.channels.filter((ch) => {
      const selection = selections.get(ch.package);
      return selection !== undefined && (selection.channels.size === 0 || selection.channels.has(ch.name));
    }),
    bundles: cfg.bundles.filter((b) => kept(b.package)),
    deprecations: cfg.deprecations.filter((d) => kept(d.package)),
    others: cfg.others.filter((o) => {
      const pkg = o.schema === SCHEMA_PACKAGE ? o.name : o.package;
      return !pkg || kept(pkg);
    }),
  };
}

/** The library's `setDefaultChannel` (§2.8); returns the output package's default channel. */
function resolveDefaultChannel(
  pkg: FbcPackage,
  selection: PackageSelection,
  channels: Set<string>,
): string | undefined {
  if (!pkg.defaultChannel && !selection.defaultChannel) return pkg.defaultChannel;
  const where = `${FILTER}invalid default channel configuration for package ${q(pkg.name)}: `;
  if (selection.defaultChannel) {
    if (!channels.has(selection.defaultChannel)) {
      throw new CatalogFilterError(
        `${where}specified default channel override ${q(selection.defaultChannel)} does not exist in the filtered output`,
        `set defaultChannel to one of the channels kept for ${pkg.name}: ${listOrNone(channels)}`,
      );
    }
    return selection.defaultChannel;
  }
  if (!channels.has(pkg.defaultChannel as string)) {
    throw new CatalogFilterError(
      `${where}the default channel ${q(pkg.defaultChannel as string)} was filtered out, a new default channel must be configured for this package`,
      `add defaultChannel to the package entry, naming one of the listed channels: ${listOrNone(channels)}`,
    );
  }
  return pkg.defaultChannel;
}

// --- Per channel (§2.7) -----------------------------------------------------------------------------------

function headOnly(ch: FbcChannel): FbcChannel {
  let head: string;
  try {
    head = buildChannelGraph(ch).head.name;
  } catch (err) {
    if (!(err instanceof ChannelGraphError)) throw err;
    throw new CatalogFilterError(
      `${FILTER}package ${q(ch.package)} channel ${q(ch.name)} unable to filter head of channel: ${err.message}`,
      'the catalog itself is inconsistent for this channel; select other channels or packages',
    );
  }
  return { ...ch, entries: (ch.entries ?? []).filter((e) => e.name === head).slice(-1) };
}

/** The entries a version range keeps in one channel (may be none). */
function rangeEntries(
  ch: FbcChannel,
  range: RangeSetting,
  versions: Map<string, MastermindsVersion>,
  warn: (message: string) => void,
): FbcChannel['entries'] {
  const exact = exactVersion(range);
  if (exact) {
    // v0.0.5 (OCPBUGS-61497): min == max selects exactly the bundles with that version.
    const matches = (name: string): boolean => {
      const v = versions.get(name);
      return v !== undefined && compareVersions(v, exact) === 0;
    };
    if (![...versions.keys()].some(matches)) {
      throw new CatalogFilterError(
        `${FILTER}error finding specific bundle: specific version ${range.minVersion} not found in bundles`,
        `package ${ch.package} has no bundle with version ${range.minVersion}`,
      );
    }
    return (ch.entries ?? []).filter((e) => matches(e.name));
  }

  let graph: ChannelGraph;
  try {
    graph = buildChannelGraph(ch);
  } catch (err) {
    if (!(err instanceof ChannelGraphError)) throw err;
    throw new CatalogFilterError(
      `${FILTER}${err.message}`,
      `the upgrade graph of channel ${ch.name} of package ${ch.package} is inconsistent; select other channels`,
    );
  }
  let parsed: VersionRange;
  try {
    parsed = parseVersionRange(range.text);
  } catch (err) {
    throw new CatalogFilterError(`${FILTER}error parsing version range: ${(err as Error).message}`);
  }
  const { keep, warnings } = walkVersionRange(graph, parsed, (name) => versions.get(name));
  for (const w of warnings) warn(`package ${q(ch.package)} channel ${q(ch.name)}: ${w}`);
  return (ch.entries ?? []).filter((e) => keep.has(e.name));
}

/** `minVersion` and `maxVersion` both set and equal as versions: the bound, else undefined. */
function exactVersion(range: RangeSetting): MastermindsVersion | undefined {
  if (!range.minVersion || !range.maxVersion) return undefined;
  const min = parseVersion(range.minVersion);
  const max = parseVersion(range.maxVersion);
  return min && max && compareVersions(min, max) === 0 ? min : undefined;
}

/**
 * Versions of a package's bundles for range filtering: every bundle needs an `olm.package` property with a
 * strict semantic version (the library indexes them with `StrictNewVersion`).
 */
function strictBundleVersions(pkg: string, bundles: FbcBundle[]): Map<string, MastermindsVersion> {
  const versions = new Map<string, MastermindsVersion>();
  const hint = 'version ranges compare bundle versions; this catalog has a bundle without a usable one';
  for (const b of bundles) {
    if (!(b.properties ?? []).some((p) => p.type === 'olm.package')) {
      throw new CatalogFilterError(`${FILTER}bundle ${q(b.name)} in package ${q(pkg)} has no package property`, hint);
    }
    const raw = bundleVersion(b) ?? '';
    const version = parseStrictVersion(raw);
    if (!version) {
      throw new CatalogFilterError(
        `${FILTER}bundle ${q(b.name)} in package ${q(pkg)} has version ${q(raw)}, which is not a strict semantic version (MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD])`,
        hint,
      );
    }
    versions.set(b.name, version);
  }
  return versions;
}

// --- Helpers ----------------------------------------------------------------------------------------------

function copyConfig(cfg: DeclarativeConfig): DeclarativeConfig {
  return {
    packages: [...cfg.packages],
    channels: [...cfg.channels],
    bundles: [...cfg.bundles],
    deprecations: [...cfg.deprecations],
    others: [...cfg.others],
  };
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

/** Go's `%q` for the names and versions that appear in catalogs. */
function q(text: string): string {
  return JSON.stringify(text);
}

function listOrNone(names: Set<string>): string {
  return names.size > 0 ? [...names].sort(byCodeUnit).join(', ') : '(none)';
}
