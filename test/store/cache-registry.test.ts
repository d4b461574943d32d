/**
 * Acceptance: the cache CacheStore writes is a valid distribution storage tree. A stock docker-registry
 * (distribution 2.8) started on it must serve the real multi-arch image byte for byte, as skopeo sees it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CacheStore } from '../../core/store/cache-store.js';
import { OciLayoutStore } from '../../core/store/oci-layout-store.js';
import { startRegistry } from '../harness/registry-server.js';
import { skopeoCopy, skopeoInspectRaw, skopeoListTags } from '../harness/skopeo.js';
import { tempDirForTest } from '../harness/temp-dir.js';
import { testdataPath } from '../harness/testdata-paths.js';
import { copyImage } from './copy-image.js';

const signal = new AbortController().signal;
const INDEX_DIGEST = 'sha256:0de0e983a4980f32b1aad2d7f7f387cea2d4e9517b47f336cef27f63735911fa';
const LAYOUT = testdataPath('oci', 'multi-platform-container-latest');
const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

function digestOf(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

test('docker-registry serves a multi-arch image written by CacheStore exactly (skopeo inspect --raw, copy --all)', async (t) => {
  const dir = await tempDirForTest(t, 'ocm-cache-registry-');
  const cache = new CacheStore(join(dir, '.oc-mirror', '.cache'));
  const layout = new OciLayoutStore(LAYOUT);
  assert.equal(
    await copyImage(layout, '', 'latest', cache, 'ocm/multi-platform-container', 'latest', signal),
    INDEX_DIGEST,
  );

  // An OCI manifest and index without a mediaType field: the registry derives the type from the content,
  // and CacheStore must report the same type.
  const config = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
  await cache.putBlob('ocm/no-media-type', { digest: digestOf(config), size: config.length }, Readable.from([config]), {
    signal,
  });
  const image = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.length },
      layers: [],
    }),
  );
  await cache.putManifest(
    'ocm/no-media-type',
    digestOf(image),
    { bytes: image, digest: digestOf(image), mediaType: '' },
    signal,
  );
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: digestOf(image),
          size: image.length,
          platform: { os: 'linux', architecture: 'amd64' },
        },
      ],
    }),
  );
  await cache.putManifest(
    'ocm/no-media-type',
    'list',
    { bytes: index, digest: digestOf(index), mediaType: '' },
    signal,
  );

  const registry = await startRegistry({ storageDir: cache.root });
  t.after(() => registry.stop());
  const opts = { tlsVerify: false };

  const raw = await skopeoInspectRaw(`${registry.host}/ocm/multi-platform-container:latest`, opts);
  assert.equal(digestOf(raw), INDEX_DIGEST);
  assert.deepEqual(raw, await readFile(join(LAYOUT, 'blobs/sha256', INDEX_DIGEST.slice(7))));
  assert.deepEqual(await skopeoListTags(`${registry.host}/ocm/multi-platform-container`, opts), ['latest']);

  const copied = join(dir, 'copied-layout');
  await skopeoCopy(`${registry.host}/ocm/multi-platform-container:latest`, `oci:${copied}:latest`, {
    ...opts,
    all: true,
    preserveDigests: true,
  });
  const sourceBlobs = (await readdir(join(LAYOUT, 'blobs/sha256'))).sort();
  assert.equal(sourceBlobs.length, 13);
  assert.deepEqual((await readdir(join(copied, 'blobs/sha256'))).sort(), sourceBlobs);
  for (const hex of sourceBlobs) {
    assert.equal(digestOf(await readFile(join(copied, 'blobs/sha256', hex))), `sha256:${hex}`);
  }

  for (const [reference, bytes] of [
    [digestOf(image), image],
    ['list', index],
  ] as const) {
    const response = await fetch(`${registry.url}/v2/ocm/no-media-type/manifests/${reference}`, {
      headers: { Accept: ACCEPT },
    });
    assert.equal(response.status, 200, reference);
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), bytes);
    const ours = await cache.headManifest('ocm/no-media-type', reference, signal);
    assert.equal(response.headers.get('content-type'), ours?.mediaType, reference);
    assert.equal(response.headers.get('docker-content-digest'), ours?.digest);
  }
});
