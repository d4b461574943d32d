/**
 * `mirror.additionalImages` (§1.7): each entry becomes one image. M2D/M2M read from the named source;
 * D2M reads the copy that M2D put into the cache (same path and tag under `localhost:<port>`).
 */
import type { Collector, CollectContext, CollectedImage } from './collector.js';
import type { ImageSetSpec } from '../config/image-set-config.js';
import { additionalImageDestination } from '../reference/destination.js';
import { CollectorError } from './collector.js';

export const additionalImagesCollector: Collector = {
  kind: 'additional',
  async collect(spec: ImageSetSpec, ctx: CollectContext): Promise<CollectedImage[]> {
    const images: CollectedImage[] = [];
    const errors: unknown[] = [];
    for (const entry of spec.additionalImages ?? []) {
      try {
        const opts = { targetRepo: entry.targetRepo, targetTag: entry.targetTag };
        const target = additionalImageDestination(entry.name, ctx.destinationRoot, opts);
        const source =
          ctx.workflow === 'diskToMirror' || ctx.workflow === 'delete'
            ? additionalImageDestination(entry.name, ctx.cacheHost, opts).destination
            : target.source;
        images.push({
          type: 'generic',
          origin: entry.name,
          source,
          destination: target.destination,
          platforms: entry.platforms,
        });
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw new CollectorError('additional', errors);
    return images;
  },
};
