/**
 * The config builder's dry run: the images a configuration selects, collected by the mirror's own collectors
 * (`collectAll` as in `--dry-run` mirror to disk: catalogs read and filtered but not rebuilt, release payloads'
 * `image-references` read, signatures verified, Helm charts rendered) in a scratch working directory that is
 * removed afterwards. Nothing is copied and the cache is not written.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageSetConfiguration } from '../config/image-set-config.js';
import { describeError } from '../errors.js';
import type { EventInput } from '../events.js';
import { contentKindOf, type ContentKind } from '../image-types.js';
import type { StoreResolver } from '../copy/image-location.js';
import type { ImageStore } from '../store/image-store.js';
import { collectAll } from './collect-all.js';
import { DEFAULTS } from '../workflow/mirror-options.js';

export interface DryRunPlan {
  /** Every image the mirror would copy: its kind and where it is read from (with transport). */
  images: { kind: ContentKind; source: string }[];
  /** Images per kind. */
  totals: Partial<Record<ContentKind, number>>;
  /** Collectors that failed (the mirror would exit with their bit). */
  errors: string[];
  warnings: string[];
}

export interface DryRunPlanOptions {
  stores: StoreResolver;
  cache: ImageStore;
  /** `localhost:<port>` */
  cacheHost: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  retryTimes: number;
  retryDelayMs: number;
}

export async function dryRunPlan(config: ImageSetConfiguration, opts: DryRunPlanOptions): Promise<DryRunPlan> {
  const workingDir = await mkdtemp(join(tmpdir(), 'ocm-tui-plan-'));
  const warnings: string[] = [];
  try {
    const result = await collectAll(config.mirror, {
      workflow: 'mirrorToDisk',
      destinationRoot: opts.cacheHost,
      cacheHost: opts.cacheHost,
      workingDir,
      signal: opts.signal,
      emit: (event: EventInput) => {
        if (event.type === 'warning') warnings.push(event.message);
      },
      stores: opts.stores,
      cache: opts.cache,
      dryRun: true,
      env: opts.env,
      copy: {
        parallelLayers: DEFAULTS.parallelLayers,
        retryTimes: opts.retryTimes,
        retryDelayMs: opts.retryDelayMs,
        imageTimeoutMs: DEFAULTS.imageTimeoutMs,
      },
    });
    return {
      images: result.images.map((i) => ({ kind: contentKindOf(i.type), source: i.source })),
      totals: result.totals,
      errors: result.errors.map((e) => describeError(e)),
      warnings,
    };
  } finally {
    await rm(workingDir, { recursive: true, force: true });
  }
}
