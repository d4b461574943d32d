/**
 * The config builder preview's sizes: an image's bytes at a real registry (manifest + config + layers, nothing
 * downloaded but manifests) and the part the cache already holds (a layer copied into the cache beforehand).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { imageFootprint } from '../../core/collect/image-footprint.js';
import { createRunStores } from '../../core/workflow/store-resolver.js';
import { startRegistry } from '../harness/registry-server.js';
import { pushImage } from '../harness/fixture-images.js';
import { tempDirForTest } from '../harness/temp-dir.js';

const NO_SIGNAL = new AbortController().signal;

test('image footprint: bytes at the source, and the bytes already in the cache', async (t) => {
  const registry = await startRegistry();
  t.after(() => registry.stop());
  const work = await tempDirForTest(t, 'footprint');
  const image = await pushImage(registry, 'apps/sized:1', { layers: 2, layerSize: 4096 });
  const stores = await createRunStores({
    cacheDir: join(work, 'cache'),
    port: 55000,
    srcTlsVerify: false,
    destTlsVerify: false,
    retryTimes: 0,
    retryDelayMs: 0,
    env: { HOME: work },
  });
  t.after(() => stores.close());
  const total = image.manifestBytes.length + image.blobs.reduce((n, b) => n + b.size, 0);
  assert.deepEqual(await imageFootprint(image.reference, stores, NO_SIGNAL), { bytes: total, cachedBytes: 0 });

  // One layer in the cache (as an earlier mirror of another image sharing it would have left it).
  const layer = image.manifests[0].layers[0];
  const source = stores.registry(registry.host, 'source');
  const opened = await source.openBlob('apps/sized', layer.digest, { signal: NO_SIGNAL });
  await stores.cache.putBlob('other/image', { digest: layer.digest, size: layer.size }, opened.stream, {
    signal: NO_SIGNAL,
  });
  assert.deepEqual(await imageFootprint(image.reference, stores, NO_SIGNAL), {
    bytes: total,
    cachedBytes: layer.size,
  });
  await assert.rejects(imageFootprint(`${registry.host}/apps/missing:1`, stores, NO_SIGNAL));
});
