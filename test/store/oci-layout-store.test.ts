import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { OciLayoutStore, REF_NAME_ANNOTATION } from '../../core/store/oci-layout-store.js';
import { DigestMismatchError, RegistryError } from '../../core/errors.js';
import { skopeoCopy, skopeoInspectRaw } from '../harness/skopeo.js';
import { tempDirForTest } from '../harness/temp-dir.js';
import { testdataPath } from '../harness/testdata-paths.js';
import { copyImage, copyTreeWritable } from './copy-image.js';

const signal = new AbortController().signal;
const INDEX_DIGEST = 'sha256:0de0e983a4980f32b1aad2d7f7f387cea2d4e9517b47f336cef27f63735911fa';
const AMD64 = 'sha256:e033aa62f84267cf44de611acac2e76bfa4d2f0b6b2b61f1c4fecbefefde7159';
const LAYOUT = testdataPath('oci', 'multi-platform-container-latest');

function digestOf(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

test('a layout with a single untagged manifest resolves any reference to it; digests resolve directly', async () => {
  const store = new OciLayoutStore(LAYOUT);
  for (const ref of ['latest', 'v9.9', INDEX_DIGEST]) {
    const m = await store.getManifest('ignored', ref, signal);
    assert.equal(m.digest, INDEX_DIGEST, ref);
    assert.equal(digestOf(m.bytes), INDEX_DIGEST);
    assert.equal(m.mediaType, 'application/vnd.oci.image.index.v1+json');
  }
  const child = await store.getManifest('', AMD64, signal);
  assert.equal(child.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  assert.deepEqual(await store.headManifest('', AMD64, signal), {
    digest: AMD64,
    size: 503,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
  });
  assert.equal(await store.headManifest('', digestOf(Buffer.from('absent')), signal), undefined);
  assert.deepEqual(await store.listTags('', signal), []);
  const layer = 'sha256:e8170da5e917b5a8fd29726001e996f567f248541fde0f7bf42a4c7a5cca9ed0';
  assert.equal(await store.hasBlob('', layer, signal), 1141361);
  const opened = await store.openBlob('', layer, { signal });
  assert.equal(digestOf(await buffer(opened.stream)), layer);
});

test('tags resolve through org.opencontainers.image.ref.name; several manifests need a matching tag', async (t) => {
  const dir = await tempDirForTest(t, 'ocm-oci-tags-');
  await copyTreeWritable(LAYOUT, dir);
  const index = {
    schemaVersion: 2,
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.index.v1+json',
        digest: INDEX_DIGEST,
        size: 897,
        annotations: { [REF_NAME_ANNOTATION]: 'multi' },
      },
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: AMD64,
        size: 503,
        annotations: { [REF_NAME_ANNOTATION]: 'quay.io/x/y:amd' },
      },
    ],
  };
  await writeFile(join(dir, 'index.json'), JSON.stringify(index));
  const store = new OciLayoutStore(dir);
  assert.equal((await store.getManifest('', 'multi', signal)).digest, INDEX_DIGEST);
  assert.equal((await store.getManifest('', 'amd', signal)).digest, AMD64);
  assert.equal(await store.headManifest('', 'latest', signal), undefined);
  await assert.rejects(
    store.getManifest('', 'latest', signal),
    (err: unknown) => err instanceof RegistryError && err.status === 404,
  );
  assert.deepEqual(await store.listTags('', signal), ['multi', 'quay.io/x/y:amd']);
});

test('a directory that is not a layout gives a clear error', async (t) => {
  const dir = await tempDirForTest(t, 'ocm-oci-none-');
  await assert.rejects(new OciLayoutStore(dir).getManifest('', 'latest', signal), {
    message: `oci://${dir} is not an OCI image layout: ${join(dir, 'index.json')} not found`,
  });
  assert.equal(await new OciLayoutStore(dir).headManifest('', 'latest', signal), undefined);
});

test('a corrupted blob is detected on read', async (t) => {
  const dir = await tempDirForTest(t, 'ocm-oci-corrupt-');
  await copyTreeWritable(LAYOUT, dir);
  const config = 'sha256:6db70183199d1d7a1c7ae19c982988c82180aa10383e7ebbbc9071d7a6cae87d';
  const path = join(dir, 'blobs/sha256', config.slice(7));
  const bytes = await readFile(path);
  bytes[10] ^= 1;
  await writeFile(path, bytes);
  const store = new OciLayoutStore(dir);
  await assert.rejects(buffer((await store.openBlob('', config, { signal })).stream), DigestMismatchError);
  await assert.rejects(store.getManifest('', config, signal), DigestMismatchError);
});

test('writing: a copy into a new layout is a valid OCI layout for skopeo, with the tag in index.json', async (t) => {
  const dir = await tempDirForTest(t, 'ocm-oci-write-');
  const target = join(dir, 'layout');
  const store = new OciLayoutStore(target);
  await copyImage(new OciLayoutStore(LAYOUT), '', 'latest', store, '', 'v1', signal);
  await copyImage(new OciLayoutStore(LAYOUT), '', AMD64, store, '', 'amd64-only', signal);
  const index = JSON.parse(await readFile(join(target, 'index.json'), 'utf8')) as {
    manifests: { digest: string; annotations: Record<string, string> }[];
  };
  assert.deepEqual(
    index.manifests.map((m) => [m.digest, m.annotations[REF_NAME_ANNOTATION]]),
    [
      [INDEX_DIGEST, 'v1'],
      [AMD64, 'amd64-only'],
    ],
  );
  assert.equal(digestOf(await skopeoInspectRaw(`oci:${target}:v1`)), INDEX_DIGEST);
  const again = join(dir, 'again');
  await skopeoCopy(`oci:${target}:v1`, `oci:${again}:x`, { all: true, preserveDigests: true });
  assert.equal(digestOf(await skopeoInspectRaw(`oci:${again}:x`)), INDEX_DIGEST);

  // re-tagging replaces the entry; deleting removes it
  await copyImage(new OciLayoutStore(LAYOUT), '', AMD64, store, '', 'v1', signal);
  assert.equal((await store.getManifest('', 'v1', signal)).digest, AMD64);
  assert.deepEqual(await store.listTags('', signal), ['amd64-only', 'v1']);
  await store.deleteManifest('', AMD64, signal);
  assert.deepEqual(await store.listTags('', signal), []);
});
