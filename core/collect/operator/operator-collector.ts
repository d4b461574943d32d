/**
 * `mirror.operators` (collectors.md §2): every catalog is resolved, filtered and (M2D/M2M) rebuilt, then its
 * bundles' related images become operator images (§2.11) named per §2.12. Catalogs are independent: one that
 * fails is reported and the others are still collected, but any failure fails the collection (exit bit 4,
 * nothing copied), as oc-mirror does.
 */
import type { Collector, CollectContext, CollectedImage } from '../collector.js';
import { CollectorError } from '../collector.js';
import type { ImageSetSpec, Operator } from '../../config/image-set-config.js';
import type { Platform } from '../../image-types.js';
import { describeError, OcmError } from '../../errors.js';
import { operatorImageDestination } from '../../reference/destination.js';
import type { DeclarativeConfig } from './fbc-model.js';
import { prepareCatalog } from './prepare-catalog.js';

export class OperatorImageError extends OcmError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super('OPERATOR_IMAGE', message, options);
  }
}

export const operatorCollector: Collector = {
  kind: 'operator',
  async collect(spec: ImageSetSpec, ctx: CollectContext): Promise<CollectedImage[]> {
    const catalogs: CollectedImage[] = [];
    const related = new Map<string, CollectedImage>();
    const errors: unknown[] = [];
    for (const operator of spec.operators ?? []) {
      ctx.signal.throwIfAborted();
      try {
        const prepared = await prepareCatalog(operator, ctx);
        const found = relatedImages(prepared.fbc, operator, ctx);
        if (found.errors.length > 0) {
          errors.push(...found.errors);
          ctx.emit({
            type: 'catalog',
            catalog: operator.catalog,
            step: 'failed',
            error: describeError(found.errors[0]),
          });
          continue;
        }
        if (found.images.length === 0) {
          throw new OperatorImageError(`catalog ${operator.catalog}: no related images found`, {
            hint: 'the filter kept no bundle: check the package names, channels and version ranges of this catalog',
          });
        }
        catalogs.push(...prepared.images);
        for (const image of found.images) mergeImage(related, image);
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        errors.push(err);
        ctx.emit({ type: 'catalog', catalog: operator.catalog, step: 'failed', error: describeError(err) });
      }
    }
    if (errors.length > 0) throw new CollectorError('operator', errors);
    return [...related.values(), ...catalogs];
  },
};

/** Bundles' related images of one filtered catalog (§2.11); a bad reference fails its bundle. */
function relatedImages(
  fbc: DeclarativeConfig,
  operator: Operator,
  ctx: CollectContext,
): { images: CollectedImage[]; errors: unknown[] } {
  const images: CollectedImage[] = [];
  const errors: unknown[] = [];
  const fromCache = ctx.workflow === 'diskToMirror' || ctx.workflow === 'delete';
  for (const bundle of fbc.bundles) {
    for (const related of bundle.relatedImages ?? []) {
      const image = typeof related.image === 'string' ? related.image.trim() : '';
      const where = `catalog ${operator.catalog}, package ${bundle.package}, bundle ${bundle.name}`;
      try {
        if (image === '')
          throw new OperatorImageError(`${where}: related image "${related.name ?? ''}" has no image reference`);
        if (image.includes('oci://')) {
          throw new OperatorImageError(`${where}: related image ${image}: oci:// is not supported for operator images`);
        }
        const pair = operatorImageDestination(
          image,
          ctx.destinationRoot,
          fromCache ? { cacheRoot: ctx.cacheHost } : {},
        );
        images.push({
          type: image === bundle.image ? 'operatorBundle' : 'operatorRelatedImage',
          origin: image,
          source: pair.source,
          destination: pair.destination,
          platforms: operator.platforms,
          operator: { catalog: operator.catalog, packages: [bundle.package] },
        });
      } catch (err) {
        errors.push(
          err instanceof OperatorImageError
            ? err
            : new OperatorImageError(`${where}: related image "${image}": ${describeError(err)}`, {
                cause: err,
                hint: 'the catalog itself is broken for this bundle; exclude its package or version, or use another catalog',
              }),
        );
      }
    }
  }
  return { images, errors };
}

/** The same image from several catalogs is copied once; its platform filters are unioned (§2.13). */
function mergeImage(into: Map<string, CollectedImage>, image: CollectedImage): void {
  const existing = into.get(image.origin);
  if (!existing) {
    into.set(image.origin, { ...image, operator: image.operator && { ...image.operator } });
    return;
  }
  // A bundle image wins over "related" (it decides the type shown and the delete grouping).
  if (image.type === 'operatorBundle') existing.type = 'operatorBundle';
  existing.platforms = unionPlatforms(existing.platforms, image.platforms);
  if (existing.operator && image.operator && existing.operator.catalog === image.operator.catalog) {
    for (const p of image.operator.packages) {
      if (!existing.operator.packages.includes(p))
        existing.operator.packages = [...existing.operator.packages, p].sort();
    }
  }
}

function unionPlatforms(a: Platform[] | undefined, b: Platform[] | undefined): Platform[] | undefined {
  if (!a || !b) return undefined; // one of them wants every platform
  const out = [...a];
  for (const p of b) {
    if (!out.some((q) => q.os === p.os && q.architecture === p.architecture && q.variant === p.variant)) out.push(p);
  }
  return out;
}
