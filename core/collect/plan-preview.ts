/**
 * The config builder's preview: what an ImageSetConfiguration draft will mirror, per image type, from what the
 * builder has already loaded (catalogs, release graphs) — no registry is contacted. Operators: the bundles the
 * filter keeps and their related images (exact); releases: the payloads each channel selects (their ~190
 * component images each are known only once a payload is read, so they are not counted); additional images and
 * Helm charts as listed.
 */
import type { IscDraft } from '../config/isc-writer.js';
import { keptBundles, type CatalogModel } from './operator/catalog-browser.js';
import { selectedReleases } from './release/release-browser.js';
import type { UpdateGraph } from './release/cincinnati-graph.js';

export interface PreviewRow {
  type: 'release' | 'operator' | 'additional' | 'helm';
  /** Channel, catalog, image or repository. */
  label: string;
  /** Images this row mirrors, when known. */
  images?: number;
  detail: string;
  /** The mirror would fail on this part (the core's message). */
  error?: string;
  /** Image references whose size can be measured (release payloads without their components). */
  refs: string[];
}

export interface PlanPreview {
  rows: PreviewRow[];
  /** Images known in advance (release components excluded). */
  knownImages: number;
  releasePayloads: number;
}

export function previewPlan(
  draft: IscDraft,
  catalogOf: (ref: string) => CatalogModel | undefined,
  graphOf: (channel: string, arch: string) => UpdateGraph | undefined,
): PlanPreview {
  const rows: PreviewRow[] = [];
  let knownImages = 0;
  let releasePayloads = 0;
  for (const ch of draft.releases.channels) {
    for (const arch of draft.releases.architectures) {
      const graph = graphOf(ch.name, arch);
      if (!graph) {
        rows.push({ type: 'release', label: `${ch.name} (${arch})`, detail: 'graph not loaded', refs: [] });
        continue;
      }
      const selected = selectedReleases(graph, ch);
      releasePayloads += selected.versions.length;
      const shown = selected.versions.length > 0 ? `${selected.versions[0]}…${selected.versions.at(-1)}` : '';
      rows.push({
        type: 'release',
        label: `${ch.name} (${arch})`,
        images: selected.versions.length,
        detail: `${selected.versions.length} release payload(s) ${shown} + their components`,
        error: selected.error,
        refs: selected.payloads,
      });
    }
  }
  for (const cat of draft.operators) {
    const model = catalogOf(cat.catalog);
    if (!model) {
      rows.push({
        type: 'operator',
        label: cat.catalog,
        detail: `${cat.packages.length} package(s), not loaded`,
        refs: [],
      });
      continue;
    }
    let bundles = 0;
    const images = new Set<string>();
    const errors: string[] = [];
    for (const pkg of cat.packages) {
      const kept = keptBundles(model, {
        name: pkg.name,
        defaultChannel: pkg.defaultChannel,
        minVersion: pkg.minVersion,
        maxVersion: pkg.maxVersion,
        channels: pkg.channels.length > 0 ? pkg.channels.map((name) => ({ name })) : undefined,
      });
      if (kept.error) errors.push(`${pkg.name}: ${kept.error}`);
      bundles += kept.bundles.length;
      for (const image of kept.images) images.add(image);
    }
    // +1: the rebuilt catalog image itself.
    knownImages += images.size + 1;
    rows.push({
      type: 'operator',
      label: cat.catalog,
      images: images.size + 1,
      detail: `${cat.packages.length} package(s), ${bundles} bundle(s), ${images.size} related image(s) + catalog`,
      error: errors.length > 0 ? errors.join('; ') : undefined,
      // The rebuilt catalog does not exist yet; the original's size stands in for it.
      refs: [...images, cat.catalog],
    });
  }
  for (const image of draft.additionalImages) {
    knownImages += 1;
    rows.push({ type: 'additional', label: image, images: 1, detail: 'additional image', refs: [image] });
  }
  for (const repo of draft.helm) {
    rows.push({
      type: 'helm',
      label: repo.name,
      detail:
        repo.charts.length > 0
          ? `${repo.charts.map((c) => `${c.name} ${c.version ?? 'latest'}`).join(', ')} (images found when rendered)`
          : 'every chart (images found when rendered)',
      refs: [],
    });
  }
  return { rows, knownImages, releasePayloads };
}

export interface FootprintSum {
  bytes: number;
  cachedBytes: number;
  /** References measured so far. */
  measured: number;
  failed: number;
  total: number;
}

/** Sums the measured footprints of `refs` (`footprintOf` undefined = not measured yet). */
export function sumFootprints(
  refs: readonly string[],
  footprintOf: (ref: string) => { bytes: number; cachedBytes: number } | { error: string } | undefined,
): FootprintSum {
  const sum: FootprintSum = { bytes: 0, cachedBytes: 0, measured: 0, failed: 0, total: refs.length };
  for (const ref of new Set(refs)) {
    const f = footprintOf(ref);
    if (!f) continue;
    if ('error' in f) {
      sum.failed++;
      continue;
    }
    sum.measured++;
    sum.bytes += f.bytes;
    sum.cachedBytes += f.cachedBytes;
  }
  sum.total = new Set(refs).size;
  return sum;
}
