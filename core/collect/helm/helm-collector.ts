/**
 * `mirror.helm` (collectors.md §3): repository charts (index fetched and stored, chart downloaded into
 * `working-dir/helm/charts/` and checked against the index digest) and local charts are rendered with their default
 * values, and the images their manifests name become `helmImage` copies. In D2M nothing is fetched: the charts and
 * indexes come from the archive's working-dir (local charts are read again from their path). Charts themselves are
 * never pushed. Every chart is tried; any failure fails the collection (exit bit 16) naming each broken chart.
 */
import type { Collector, CollectContext, CollectedImage } from '../collector.js';
import { CollectorError } from '../collector.js';
import type { HelmChart, ImageSetSpec } from '../../config/image-set-config.js';
import { describeError, OcmError } from '../../errors.js';
import { helmImageDestination } from '../../reference/destination.js';
import {
  HelmRepositoryClient,
  findStoredChart,
  listRepositoryCharts,
  readStoredIndex,
  type HelmIndex,
  type HelmRepositoryRef,
} from './helm-repository.js';
import { chartImages } from './chart-images.js';

export class HelmCollectionError extends OcmError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super('HELM', message, options);
  }
}

interface ChartToRender {
  label: string;
  path: string;
  chart: HelmChart;
}

export const helmCollector: Collector = {
  kind: 'helm',
  async collect(spec: ImageSetSpec, ctx: CollectContext): Promise<CollectedImage[]> {
    const helm = spec.helm;
    if (!helm || ((helm.repositories?.length ?? 0) === 0 && (helm.local?.length ?? 0) === 0)) return [];
    const fromCache = ctx.workflow === 'diskToMirror' || ctx.workflow === 'delete';
    const errors: unknown[] = [];
    const charts: ChartToRender[] = [];
    for (const local of helm.local ?? []) {
      charts.push({ label: `local chart ${local.name} (${local.path})`, path: local.path ?? '', chart: local });
    }
    const client = fromCache
      ? undefined
      : new HelmRepositoryClient({
          env: ctx.env ?? {},
          retry: { times: ctx.copy?.retryTimes ?? 5, delayMs: ctx.copy?.retryDelayMs ?? 0 },
          onRetry: (info) => ctx.emit({ type: 'retry', ...info }),
        });
    try {
      for (const repository of helm.repositories ?? []) {
        ctx.signal.throwIfAborted();
        const repo: HelmRepositoryRef = { name: repository.name, url: repository.url };
        let index: HelmIndex | undefined;
        try {
          index = client
            ? await client.fetchIndex(repo, ctx.workingDir, ctx.signal)
            : await readStoredIndex(ctx.workingDir, repo);
        } catch (err) {
          if (ctx.signal.aborted) throw err;
          errors.push(err);
          ctx.emit({ type: 'helm', chart: `repository ${repo.name}`, step: 'failed', error: describeError(err) });
          continue;
        }
        const wanted: HelmChart[] =
          repository.charts ?? listRepositoryCharts(index).map((c) => ({ name: c.name, version: c.version }));
        for (const chart of wanted) {
          const label = `chart ${chart.name}${chart.version ? ` ${chart.version}` : ''} of repository ${repo.name}`;
          try {
            let path: string;
            if (client) {
              const entry = client.resolveChart(index, repo, chart.name, chart.version);
              ctx.emit({ type: 'helm', chart: label, step: 'fetch' });
              path = (await client.downloadChart(repo, entry, ctx.workingDir, ctx.signal)).path;
            } else {
              path = await findStoredChart(ctx.workingDir, chart.name, chart.version, { repository: repo });
            }
            charts.push({ label, path, chart });
          } catch (err) {
            if (ctx.signal.aborted) throw err;
            errors.push(err);
            ctx.emit({ type: 'helm', chart: label, step: 'failed', error: describeError(err) });
          }
        }
      }
    } finally {
      await client?.close();
    }

    const images: CollectedImage[] = [];
    let hookImages = 0;
    for (const { label, path, chart } of charts) {
      ctx.signal.throwIfAborted();
      try {
        const found = await chartImages(path, {
          imagePaths: chart.imagePaths,
          includeHooks: false,
          signal: ctx.signal,
        });
        hookImages += found.hookImages.length;
        ctx.emit({
          type: 'helm',
          chart: label,
          step: 'rendered',
          images: found.images.length,
          hookImages: found.hookImages.length,
        });
        for (const origin of found.images) {
          const pair = helmImageDestination(origin, ctx.destinationRoot, fromCache ? { cacheRoot: ctx.cacheHost } : {});
          images.push({ type: 'helmImage', origin, ...pair, platforms: chart.platforms });
        }
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        errors.push(new HelmCollectionError(`${label}: ${describeError(err)}`, { cause: err }));
        ctx.emit({ type: 'helm', chart: label, step: 'failed', error: describeError(err) });
      }
    }
    if (hookImages > 0) {
      ctx.emit({
        type: 'warning',
        message: `${hookImages} image(s) used only by Helm hooks (pre/post-install jobs, tests) are not mirrored, as in oc-mirror`,
      });
    }
    if (errors.length > 0) throw new CollectorError('helm', errors);
    return images;
  },
};
