/**
 * The graph data image entry of the release plan (collectors.md §1.10):
 *   M2D/M2M  build it (graph data downloaded, layered onto the UBI base) into the cache, then copy it like any
 *            image (M2D onto itself, so the archive selects it; M2M to the destination)
 *   enclave  (`UPDATE_URL_OVERRIDE`) no rebuild: the copy already in the cache, else an error
 *   D2M      cache → destination
 * The graph data URL and the base image can be overridden (`OCM_TUI_GRAPH_DATA_URL`, `OCM_TUI_GRAPH_BASE_IMAGE`) so
 * that a build works without access to api.openshift.com or registry.access.redhat.com.
 */
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import type { CollectContext, CollectedImage } from '../collector.js';
import { resolveLocation } from '../../copy/image-location.js';
import { GRAPH_IMAGE_REPOSITORY, GRAPH_IMAGE_TAG, graphImageDestination } from '../../reference/destination.js';
import { formatPullReference, parseImageReference, DOCKER_TRANSPORT } from '../../reference/image-reference.js';
import { downloadGraphData } from './graph-data.js';
import { buildGraphImage, graphBaseImageReference, GraphImageError } from './graph-image.js';

export async function graphImageEntry(ctx: CollectContext): Promise<CollectedImage> {
  const inCache = graphImageDestination(ctx.cacheHost);
  const atDestination = graphImageDestination(ctx.destinationRoot);
  const origin = inCache.slice(DOCKER_TRANSPORT.length);
  const entry = (source: string, destination: string): CollectedImage => ({
    type: 'cincinnatiGraph',
    origin,
    source,
    destination,
  });
  const fromCache = ctx.workflow === 'diskToMirror' || ctx.workflow === 'delete';
  const env = ctx.env ?? {};
  if (fromCache || env.UPDATE_URL_OVERRIDE) {
    const store = ctx.stores!.registry(ctx.cacheHost, 'source');
    const head = await store.headManifest(GRAPH_IMAGE_REPOSITORY, GRAPH_IMAGE_TAG, ctx.signal).catch(() => undefined);
    if (!head) {
      throw new GraphImageError(`the graph image ${origin} is not in the cache`, {
        hint: fromCache
          ? 'mirror to disk with graph: true first, and pass its archives with --from'
          : 'with UPDATE_URL_OVERRIDE the graph image is not rebuilt: run once without it (or copy the graph image into the cache)',
      });
    }
    return entry(inCache, atDestination);
  }
  if (!ctx.dryRun) {
    const scratch = join(ctx.workingDir, 'graph-preparation');
    const data = await downloadGraphData({
      destination: join(scratch, 'cincinnati-graph-data.tar.gz'),
      env,
      signal: ctx.signal,
      retryTimes: ctx.copy?.retryTimes,
      retryDelayMs: ctx.copy?.retryDelayMs,
      onRetry: (info) => ctx.emit({ type: 'retry', ...info }),
    });
    const base = graphBaseImageReference(env);
    const ref = parseImageReference(base);
    const loc = resolveLocation(
      ref.transport === DOCKER_TRANSPORT ? formatPullReference(ref, { withTransport: true }) : base,
      'source',
      ctx.stores!,
    );
    try {
      await buildGraphImage({
        cache: ctx.cache!,
        baseImage: { store: loc.store, repository: loc.repository, reference: loc.reference },
        graphDataTarGz: data.path,
        scratchDir: scratch,
        signal: ctx.signal,
      });
    } finally {
      await rm(data.path, { force: true });
    }
  }
  return ctx.workflow === 'mirrorToDisk' ? entry(inCache, inCache) : entry(inCache, atDestination);
}
