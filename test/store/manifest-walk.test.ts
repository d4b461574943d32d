import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CacheStore } from '../../core/store/cache-store.js';
import { collectImageBlobs } from '../../core/store/manifest-walk.js';
import { OciLayoutStore } from '../../core/store/oci-layout-store.js';
import { tempDirForTest } from '../harness/temp-dir.js';
import { testdataPath } from '../harness/testdata-paths.js';
import { copyImage } from './copy-image.js';

const signal = new AbortController().signal;
const INDEX = 'sha256:0de0e983a4980f32b1aad2d7f7f387cea2d4e9517b47f336cef27f63735911fa';
const CHILDREN = {
  amd64: 'sha256:e033aa62f84267cf44de611acac2e76bfa4d2f0b6b2b61f1c4fecbefefde7159',
  arm64: 'sha256:02f29c270f30416a266571383098d7b98a49488723087fd917128045bcd1ca75',
  s390x: 'sha256:b15a2f174d803fd5fd7db0b3969c75cee0fe9131e0d8478f8c70ac01a4534869',
  ppc64le: 'sha256:832f20ad3d7e687c581b0a7d483174901d8bf22bb96c981b3f9da452817a754e',
};
const LAYOUT = testdataPath('oci', 'multi-platform-container-latest');

test('all platforms: the index, then per child its manifest, config and layer (13 unique blobs)', async () => {
  const blobs = await collectImageBlobs(new OciLayoutStore(LAYOUT), '', 'latest', { includeSignatures: false, signal });
  assert.equal(blobs.length, 13);
  assert.deepEqual(blobs[0], {
    digest: INDEX,
    size: 897,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    kind: 'index',
  });
  assert.deepEqual(
    blobs.filter((b) => b.kind === 'manifest').map((b) => b.digest),
    [CHILDREN.amd64, CHILDREN.arm64, CHILDREN.s390x, CHILDREN.ppc64le],
  );
  assert.deepEqual(
    blobs.slice(1, 4).map((b) => [b.digest, b.kind, b.size]),
    [
      [CHILDREN.amd64, 'manifest', 503],
      ['sha256:6db70183199d1d7a1c7ae19c982988c82180aa10383e7ebbbc9071d7a6cae87d', 'config', 671],
      ['sha256:e8170da5e917b5a8fd29726001e996f567f248541fde0f7bf42a4c7a5cca9ed0', 'layer', 1141361],
    ],
  );
  const onDisk = (await readdir(join(LAYOUT, 'blobs/sha256'))).map((hex) => `sha256:${hex}`).sort();
  assert.deepEqual(blobs.map((b) => b.digest).sort(), onDisk);
});

test('a platform filter keeps only the matching instances', async () => {
  const blobs = await collectImageBlobs(new OciLayoutStore(LAYOUT), '', 'latest', {
    platforms: [{ os: 'linux', architecture: 'arm64' }],
    includeSignatures: false,
    signal,
  });
  assert.deepEqual(
    blobs.map((b) => b.kind),
    ['index', 'manifest', 'config', 'layer'],
  );
  assert.equal(blobs[1].digest, CHILDREN.arm64);
  const none = await collectImageBlobs(new OciLayoutStore(LAYOUT), '', 'latest', {
    platforms: [{ os: 'windows', architecture: 'amd64' }],
    includeSignatures: false,
    signal,
  });
  assert.deepEqual(
    none.map((b) => b.digest),
    [INDEX],
  );
});

test('with signatures: each signed manifest is followed by its sha256-<hex>.sig manifest, config and layer', async (t) => {
  const cache = new CacheStore(join(await tempDirForTest(t, 'ocm-walk-sig-'), '.cache'));
  const repo = 'rh_ee_aguidi/multi-platform-container';
  await copyImage(new OciLayoutStore(LAYOUT), '', 'latest', cache, repo, 'latest', signal);
  const signed = [INDEX, CHILDREN.amd64, CHILDREN.arm64, CHILDREN.s390x, CHILDREN.ppc64le];
  // the real cosign signatures, pushed as oc-mirror's copy does: tag sha256-<hex>.sig in the same repository
  for (const digest of signed) {
    const sigLayout = testdataPath('oci', `multi-platform-container-${digest.replace(':', '-')}-sig`);
    await copyImage(
      new OciLayoutStore(sigLayout),
      '',
      'latest',
      cache,
      repo,
      `${digest.replace(':', '-')}.sig`,
      signal,
    );
  }
  const blobs = await collectImageBlobs(cache, repo, 'latest', { includeSignatures: true, signal });
  const signatures = blobs.filter((b) => b.signatureOf);
  assert.deepEqual(
    signatures.map((b) => b.signatureOf),
    signed,
  );
  assert.equal(signatures[0].digest, 'sha256:94328d9ae45c60c4c791f0066042521d57654bfd8e497b1cfbea3003ff3abb29');
  // index, its signature (manifest+config+layer), then per child: manifest, its signature (3), config, layer
  assert.deepEqual(
    blobs.slice(0, 5).map((b) => b.kind),
    ['index', 'signature', 'signature', 'signature', 'manifest'],
  );
  assert.equal(blobs.length, 13 + 5 * 3);
  for (const b of blobs) assert.ok((await cache.hasBlob(repo, b.digest, signal)) !== undefined, b.digest);

  const without = await collectImageBlobs(cache, repo, 'latest', { includeSignatures: false, signal });
  assert.equal(without.length, 13);
});
