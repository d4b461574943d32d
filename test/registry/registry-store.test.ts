import assert from 'node:assert/strict';
import { test } from 'node:test';
import { digestOf } from '../../core/digest.js';
import type { ImageStore } from '../../core/store/image-store.js';
import { createRegistryStores } from '../../core/store/registry-store.js';
import { pushImage } from '../harness/fixture-images.js';
import { startRegistry } from '../harness/registry-server.js';
import { skopeoInspectRaw } from '../harness/skopeo.js';
import { clientOptions, readAll } from './client-helpers.js';

test('createRegistryStores: one store per host; the ImageStore contract over a real registry', async (t) => {
  const registry = await startRegistry();
  t.after(() => registry.stop());
  const image = await pushImage(registry, 'store/app:v1', { layers: 2 });
  const stores = createRegistryStores({
    ...clientOptions(registry, { side: 'destination', tlsVerify: true }),
    hostOptions: (host) => (host === registry.host ? { tlsVerify: false } : undefined),
  });
  t.after(() => stores.close());
  const store: ImageStore = stores(registry.host);
  assert.equal(stores(registry.host.toUpperCase()), store);
  assert.equal(store.description, `registry ${registry.host}`);
  const signal = AbortSignal.timeout(30_000);

  assert.deepEqual(await store.listTags('store/app', signal), ['v1']);
  assert.deepEqual(await store.listTags('store/none', signal), [], 'unknown repository: no tags');
  const manifest = await store.getManifest('store/app', 'v1', signal);
  assert.equal((await store.headManifest('store/app', 'v1', signal))?.digest, image.digest);
  for (const blob of image.blobs) {
    assert.equal(await store.hasBlob('store/copy', blob.digest, signal), undefined);
    if (blob === image.blobs[0]) {
      assert.equal(await store.mountBlob?.('store/copy', blob.digest, 'store/app', signal), true);
      continue;
    }
    const opened = await store.openBlob('store/app', blob.digest, { signal });
    await store.putBlob('store/copy', blob, opened.stream, { signal });
    assert.equal(await store.hasBlob('store/copy', blob.digest, signal), blob.size);
  }
  await store.putManifest('store/copy', 'v1', manifest, signal);
  assert.deepEqual(await skopeoInspectRaw(`${registry.host}/store/copy:v1`, { tlsVerify: false }), image.manifestBytes);
  const layer = image.blobs[1];
  assert.equal(
    digestOf(await readAll((await store.openBlob('store/copy', layer.digest, { signal })).stream)),
    layer.digest,
  );
  await store.deleteManifest('store/copy', image.digest, signal);
  assert.equal(await store.headManifest('store/copy', 'v1', signal), undefined);
});
