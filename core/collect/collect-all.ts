/**
 * oc-mirror's CollectAll (§3.0, §8.3): run every collector, drop blocked images, remove consecutive
 * duplicates, sort by type priority (catalogs last), then assign ids.
 */
import type { ImageSetSpec } from '../config/image-set-config.js';
import { TYPE_PRIORITY, contentKindOf, type ContentKind, type PlannedImage } from '../image-types.js';
import type { Collector, CollectContext, CollectedImage } from './collector.js';
import { CollectorError } from './collector.js';
import { filterBlockedImages } from './blocked-images.js';
import { additionalImagesCollector } from './additional-images.js';
import { operatorCollector } from './operator/operator-collector.js';
import { releaseCollector } from './release/release-collector.js';
import { helmCollector } from './helm/helm-collector.js';

/** In the order oc-mirror runs them: release → operators → additional → helm. */
export const COLLECTORS: Collector[] = [releaseCollector, operatorCollector, additionalImagesCollector, helmCollector];

export interface CollectResult {
  images: PlannedImage[];
  /** Per kind, the number of collected images (for "n / total … mirrored" and the exit code). */
  totals: Partial<Record<ContentKind, number>>;
  errors: CollectorError[];
}

export async function collectAll(
  spec: ImageSetSpec,
  ctx: CollectContext,
  collectors: Collector[] = COLLECTORS,
): Promise<CollectResult> {
  const errors: CollectorError[] = [];
  let collected: CollectedImage[] = [];
  for (const collector of collectors) {
    ctx.signal.throwIfAborted();
    try {
      let images = await collector.collect(spec, ctx);
      images = filterBlockedImages(images, spec.blockedImages ?? [], (message) =>
        ctx.emit({ type: 'warning', message }),
      );
      collected.push(...dropConsecutiveDuplicates(images, ctx.workflow === 'delete'));
    } catch (err) {
      if (err instanceof CollectorError) {
        errors.push(err);
        // core.md §2.9/§3.0: a release error aborts the collection at once (exit bit 2 alone), except in delete mode.
        if (err.kind === 'release' && ctx.workflow !== 'delete') break;
        continue;
      }
      throw err;
    }
  }
  collected = stableSortByPriority(collected);
  const images = collected.map((img, i) => ({ ...img, id: String(i + 1) }));
  const totals: Partial<Record<ContentKind, number>> = {};
  for (const img of images) {
    const kind = contentKindOf(img.type);
    totals[kind] = (totals[kind] ?? 0) + 1;
  }
  return { images, totals, errors };
}

function dropConsecutiveDuplicates(images: CollectedImage[], byDestinationOnly: boolean): CollectedImage[] {
  const out: CollectedImage[] = [];
  for (const img of images) {
    const prev = out[out.length - 1];
    const same =
      prev &&
      prev.destination === img.destination &&
      (byDestinationOnly || (prev.source === img.source && prev.origin === img.origin));
    if (!same) out.push(img);
  }
  return out;
}

/**
 * oc-mirror's sort is unstable; ours is stable so that list order (and therefore start order and every
 * generated file) is reproducible between runs.
 */
function stableSortByPriority(images: CollectedImage[]): CollectedImage[] {
  return images
    .map((img, i) => ({ img, i }))
    .sort((a, b) => TYPE_PRIORITY[a.img.type] - TYPE_PRIORITY[b.img.type] || a.i - b.i)
    .map(({ img }) => img);
}
