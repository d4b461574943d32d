import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { pushImage } from '../harness/fixture-images.js';
import { rawRequest } from '../harness/raw-http.js';
import { startRedirectingProxy } from '../harness/redirect-server.js';
import { startRegistry } from '../harness/registry-server.js';
import { skopeoCopy, skopeoManifestDigest, skopeoOptionsFor } from '../harness/skopeo.js';
import { tempDirForTest } from '../harness/temp-dir.js';

test('redirecting proxy: blob GETs go to another port, which serves the bytes and records headers', async (t) => {
  const registry = await startRegistry({ auth: 'basic' });
  t.after(() => registry.stop());
  const proxy = await startRedirectingProxy(registry);
  t.after(() => proxy.stop());
  const image = await pushImage(registry, 'redir/app:v1', { layers: 1 });
  const layer = image.manifests[0].layers[0];
  const basic = `Basic ${Buffer.from('alice:s3cret-alice-pw').toString('base64')}`;

  const unauthenticated = await rawRequest('GET', `${proxy.url}/v2/redir/app/blobs/${layer.digest}`);
  assert.equal(unauthenticated.status, 401, 'the front must not hand out blob URLs without credentials');

  const redirect = await rawRequest('GET', `${proxy.url}/v2/redir/app/blobs/${layer.digest}`, {
    headers: { authorization: basic },
  });
  assert.equal(redirect.status, 307);
  const location = new URL(String(redirect.headers.location));
  assert.equal(location.origin, proxy.storageUrl);
  assert.notEqual(location.host, proxy.host);

  const blob = await rawRequest('GET', location.toString());
  assert.equal(blob.status, 200);
  assert.equal(`sha256:${createHash('sha256').update(blob.body).digest('hex')}`, layer.digest);
  const ranged = await rawRequest('GET', location.toString(), { headers: { range: 'bytes=10-19' } });
  assert.equal(ranged.status, 206);
  assert.ok(ranged.body.equals(blob.body.subarray(10, 20)));
  assert.equal(proxy.storageRequests.length, 2);
  assert.equal(proxy.storageRequests[0].headers.authorization, undefined);

  const forged = await rawRequest('GET', `${proxy.storageUrl}/blobs/redir/app/${layer.digest}?id=forged`);
  assert.equal(forged.status, 403);
});

test('redirecting proxy: skopeo pulls through it and does not send credentials to the storage host', async (t) => {
  const registry = await startRegistry({ auth: 'basic' });
  t.after(() => registry.stop());
  const proxy = await startRedirectingProxy(registry);
  t.after(() => proxy.stop());
  const image = await pushImage(registry, 'redir/app:v1', { layers: 2 });
  const opts = skopeoOptionsFor(proxy, registry.users[0]);
  assert.equal(await skopeoManifestDigest(`${proxy.host}/redir/app:v1`, opts), image.digest);

  const dir = await tempDirForTest(t, 'redir-dir-');
  await skopeoCopy(`${proxy.host}/redir/app:v1`, `dir:${dir}`, { ...opts, preserveDigests: true });
  for (const layer of image.manifests[0].layers) {
    const bytes = await readFile(join(dir, layer.digest.slice('sha256:'.length)));
    assert.equal(`sha256:${createHash('sha256').update(bytes).digest('hex')}`, layer.digest);
  }
  const blobGets = proxy.storageRequests.filter((r) => r.method === 'GET');
  assert.ok(blobGets.length >= 3, `expected config and 2 layers via storage, got ${blobGets.length}`);
  assert.deepEqual(
    blobGets.map((r) => r.headers.authorization),
    blobGets.map(() => undefined),
  );
  assert.ok(proxy.frontRequests.some((r) => r.headers.authorization?.startsWith('Basic ')));
});
