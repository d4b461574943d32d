/**
 * The config builder's view of a catalog: packages (name, display name, default channel, head version), their
 * channels (head, versions) and, for a choice of channels and version range, the bundles the mirror keeps —
 * computed by {@link filterCatalog}, the filter the mirror runs, on that package alone. Built once per catalog
 * (indexes by package), so browsing and filtering a catalog of thousands of bundles stays cheap per keystroke.
 */
import { filterCatalog } from './catalog-filter.js';
import { listChannels, listPackages } from './catalog-listing.js';
import { bundleVersion, type DeclarativeConfig, type FbcBundle } from './fbc-model.js';
import { compareVersions, parseVersion } from './masterminds-range.js';
import { describeError } from '../../errors.js';
import type { IncludePackage } from '../../config/image-set-config.js';

export interface BrowseChannel {
  name: string;
  /** Head bundle name, or an explanation when the channel graph is broken. */
  head: string;
  headVersion: string;
  /** Versions of the channel's bundles, ascending. */
  versions: string[];
}

export interface BrowsePackage {
  name: string;
  displayName: string;
  defaultChannel: string;
  /** Version of the default channel's head ('' when unknown). */
  headVersion: string;
  channels: BrowseChannel[];
  bundleCount: number;
  /** Lower-cased `name displayName`, for filtering. */
  searchText: string;
}

export interface CatalogModel {
  ref: string;
  packages: BrowsePackage[];
  bundleCount: number;
  /** The catalog split by package (for the filter). */
  byPackage: Map<string, DeclarativeConfig>;
}

/** Ascending version order (Masterminds precedence; unparsable versions last, by text). */
export function compareVersionText(a: string, b: string): number {
  const va = parseVersion(a);
  const vb = parseVersion(b);
  if (va && vb) return compareVersions(va, vb) || (a < b ? -1 : a > b ? 1 : 0);
  if (va) return -1;
  if (vb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function splitByPackage(fbc: DeclarativeConfig): Map<string, DeclarativeConfig> {
  const map = new Map<string, DeclarativeConfig>();
  const of = (pkg: string): DeclarativeConfig => {
    let cfg = map.get(pkg);
    if (!cfg) {
      cfg = { packages: [], channels: [], bundles: [], deprecations: [], others: [] };
      map.set(pkg, cfg);
    }
    return cfg;
  };
  for (const p of fbc.packages) of(p.name).packages.push(p);
  for (const c of fbc.channels) of(c.package).channels.push(c);
  for (const b of fbc.bundles) of(b.package).bundles.push(b);
  for (const d of fbc.deprecations) of(d.package).deprecations.push(d);
  return map;
}

/** Builds the browsing model of a loaded catalog. */
export function browseCatalog(ref: string, fbc: DeclarativeConfig): CatalogModel {
  const byPackage = splitByPackage(fbc);
  const packages = listPackages(fbc).map((row): BrowsePackage => {
    const cfg = byPackage.get(row.name) ?? { packages: [], channels: [], bundles: [], deprecations: [], others: [] };
    const versionOf = new Map<string, string>(cfg.bundles.map((b: FbcBundle) => [b.name, bundleVersion(b) ?? b.name]));
    const channels = listChannels(cfg, row.name).map((c): BrowseChannel => {
      const fbcChannel = cfg.channels.find((x) => x.name === c.channel);
      const versions = [...new Set((fbcChannel?.entries ?? []).map((e) => versionOf.get(e.name) ?? e.name))].sort(
        compareVersionText,
      );
      return { name: c.channel, head: c.head, headVersion: versionOf.get(c.head) ?? '', versions };
    });
    const head = channels.find((c) => c.name === row.defaultChannel);
    return {
      name: row.name,
      displayName: row.displayName,
      defaultChannel: row.defaultChannel,
      headVersion: head?.headVersion ?? '',
      channels,
      bundleCount: cfg.bundles.length,
      searchText: `${row.name} ${row.displayName}`.toLowerCase(),
    };
  });
  return { ref, packages, bundleCount: fbc.bundles.length, byPackage };
}

/**
 * Fuzzy match score of `query` in `text` (both lower case): every query character in order; contiguous runs,
 * word starts and an exact substring score higher. -1 when it does not match.
 */
export function fuzzyScore(text: string, query: string): number {
  if (query === '') return 0;
  const exact = text.indexOf(query);
  if (exact >= 0) return 1000 - exact + (exact === 0 || /[\s\-_.]/.test(text[exact - 1]) ? 500 : 0);
  let score = 0;
  let at = 0;
  let previous = -2;
  for (const ch of query) {
    const found = text.indexOf(ch, at);
    if (found < 0) return -1;
    score += found === previous + 1 ? 5 : 1;
    if (found === 0 || /[\s\-_.]/.test(text[found - 1])) score += 3;
    previous = found;
    at = found + 1;
  }
  return score;
}

/** Indexes of the packages matching `query` (name and display name), best first; all, in order, for ''. */
export function filterPackages(packages: readonly BrowsePackage[], query: string): number[] {
  const q = query.trim().toLowerCase();
  if (q === '') return packages.map((_, i) => i);
  const scored: { i: number; score: number }[] = [];
  packages.forEach((p, i) => {
    const score = fuzzyScore(p.searchText, q);
    if (score >= 0) scored.push({ i, score });
  });
  scored.sort((a, b) => b.score - a.score || a.i - b.i);
  return scored.map((s) => s.i);
}

/** Every version of a package's bundles, ascending, each once. */
export function packageVersions(pkg: BrowsePackage): string[] {
  return [...new Set(pkg.channels.flatMap((c) => c.versions))].sort(compareVersionText);
}

export interface KeptBundle {
  name: string;
  version: string;
  /** Channels of the filtered catalog that list it. */
  channels: string[];
}

export interface KeptBundles {
  bundles: KeptBundle[];
  /** Related images of the kept bundles (bundle image included), each once. */
  images: string[];
  warnings: string[];
  /** The mirror would fail with this selection (the filter's message). */
  error?: string;
}

/** What the mirror keeps of one package for `selection` (the `packages[]` entry the builder would write). */
export function keptBundles(model: CatalogModel, selection: IncludePackage): KeptBundles {
  const cfg = model.byPackage.get(selection.name);
  if (!cfg) return { bundles: [], images: [], warnings: [], error: `package ${selection.name} is not in the catalog` };
  const warnings: string[] = [];
  try {
    const filtered = filterCatalog(
      cfg,
      { catalog: model.ref, packages: [selection] },
      { onWarning: (m) => warnings.push(m) },
    );
    const channelsOf = new Map<string, string[]>();
    for (const ch of filtered.channels) {
      for (const e of ch.entries ?? []) {
        const list = channelsOf.get(e.name) ?? [];
        list.push(ch.name);
        channelsOf.set(e.name, list);
      }
    }
    const bundles = filtered.bundles
      .map((b) => ({ name: b.name, version: bundleVersion(b) ?? b.name, channels: channelsOf.get(b.name) ?? [] }))
      .sort((a, b) => compareVersionText(a.version, b.version));
    const images = new Set<string>();
    for (const b of filtered.bundles) {
      if (b.image) images.add(b.image);
      for (const r of b.relatedImages ?? []) if (r.image) images.add(r.image);
    }
    return { bundles, images: [...images], warnings };
  } catch (err) {
    return { bundles: [], images: [], warnings, error: describeError(err) };
  }
}
