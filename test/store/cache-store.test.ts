import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { CacheStore } from '../../core/store/cache-store.js';
import { DigestMismatchError, OcmError, RegistryError } from '../../core/errors.js';
import { tempDirForTest } from '../harness/temp-dir.js';

const signal = new AbortController().signal;

function digestOf(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function hexOf(digest: string): string {
  return digest.slice('sha256:'.length);
}

async function newCache(t: Parameters<typeof tempDirForTest>[0]): Promise<CacheStore> {
  return new CacheStore(join(await tempDirForTest(t, 'ocm-cache-'), '.oc-mirror', '.cache'));
}

async function putBytes(cache: CacheStore, repo: string, bytes: Buffer): Promise<string> {
  const digest = digestOf(bytes);
  await cache.putBlob(repo, { digest, size: bytes.length }, Readable.from([bytes]), { signal });
  return digest;
}

/** An OCI image manifest over one config and layers (bytes exactly as given). */
function imageManifest(config: Buffer, layers: Buffer[], withMediaType = true): Buffer {
  const doc: Record<string, unknown> = { schemaVersion: 2 };
  if (withMediaType) doc.mediaType = 'application/vnd.oci.image.manifest.v1+json';
  doc.config = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.length };
  doc.layers = layers.map((l) => ({
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    digest: digestOf(l),
    size: l.length,
  }));
  return Buffer.from(JSON.stringify(doc));
}

async function tmpLeftovers(cache: CacheStore): Promise<string[]> {
  try {
    return await readdir(join(cache.root, '.ocm-tmp'));
  } catch {
    return [];
  }
}

test('putBlob writes data and the layer link in the distribution layout; openBlob streams it back', async (t) => {
  const cache = await newCache(t);
  const bytes = Buffer.from('layer content 1');
  const digest = await putBytes(cache, 'ns/app', bytes);
  const hex = hexOf(digest);
  const data = join(cache.root, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
  assert.deepEqual(await readFile(data), bytes);
  const link = join(cache.root, 'docker/registry/v2/repositories/ns/app/_layers/sha256', hex, 'link');
  assert.equal(await readFile(link, 'utf8'), digest); // no trailing newline
  assert.equal(await cache.hasBlob('other/repo', digest, signal), bytes.length);
  assert.equal(await cache.hasBlob('ns/app', digestOf(Buffer.from('absent')), signal), undefined);
  let counted = 0;
  const opened = await cache.openBlob('ns/app', digest, { signal, onBytes: (n) => (counted += n) });
  assert.equal(opened.size, bytes.length);
  assert.deepEqual(await buffer(opened.stream), bytes);
  assert.equal(counted, bytes.length);
  assert.deepEqual(await tmpLeftovers(cache), []);
});

test('putBlob refuses bytes that do not match the digest and leaves no data file', async (t) => {
  const cache = await newCache(t);
  const claimed = Buffer.from('the real content');
  const digest = digestOf(claimed);
  await assert.rejects(
    cache.putBlob('a/b', { digest, size: claimed.length }, Readable.from([Buffer.from('the fake content')]), {
      signal,
    }),
    (err: unknown) => err instanceof DigestMismatchError && err.expected === digest,
  );
  assert.equal(existsSync(cache.blobPath(digest)), false);
  assert.equal(await cache.hasBlob('a/b', digest, signal), undefined);
  assert.deepEqual(await tmpLeftovers(cache), []);
  // more bytes than announced fail as well
  await assert.rejects(
    cache.putBlob('a/b', { digest, size: 3 }, Readable.from([claimed]), { signal }),
    DigestMismatchError,
  );
  assert.equal(existsSync(cache.blobPath(digest)), false);
});

test('an aborted putBlob leaves neither data nor temp files', async (t) => {
  const cache = await newCache(t);
  const controller = new AbortController();
  const full = Buffer.alloc(64 * 1024, 7);
  const digest = digestOf(full);
  let pushed = false;
  const body = new Readable({
    read() {
      if (!pushed) {
        pushed = true;
        this.push(full.subarray(0, 1024));
        setImmediate(() => controller.abort());
      }
      // then stall: the abort must end the upload
    },
  });
  await assert.rejects(cache.putBlob('x/y', { digest, size: full.length }, body, { signal: controller.signal }));
  assert.equal(existsSync(cache.blobPath(digest)), false);
  assert.deepEqual(await tmpLeftovers(cache), []);
});

test('two concurrent putBlob of the same blob both succeed and leave one correct file', async (t) => {
  const cache = await newCache(t);
  const bytes = Buffer.alloc(3 * 1024 * 1024);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) & 0xff;
  const digest = digestOf(bytes);
  const chunks = (): Readable => Readable.from([bytes.subarray(0, 1_000_000), bytes.subarray(1_000_000)]);
  await Promise.all([
    cache.putBlob('one/repo', { digest, size: bytes.length }, chunks(), { signal }),
    cache.putBlob('two/repo', { digest, size: bytes.length }, chunks(), { signal }),
  ]);
  assert.equal(digestOf(await readFile(cache.blobPath(digest))), digest);
  for (const repo of ['one/repo', 'two/repo']) {
    const link = join(cache.repositoryPath(repo), '_layers/sha256', hexOf(digest), 'link');
    assert.equal(await readFile(link, 'utf8'), digest);
  }
  // idempotent: a third put of a present blob only links (the body is not needed)
  await cache.putBlob('three/repo', { digest, size: bytes.length }, Readable.from([Buffer.from('ignored')]), {
    signal,
  });
  assert.equal(digestOf(await readFile(cache.blobPath(digest))), digest);
  assert.deepEqual(await tmpLeftovers(cache), []);
});

test('openBlob reports a corrupted data file as a digest mismatch at the end of the stream', async (t) => {
  const cache = await newCache(t);
  const bytes = Buffer.from('precious bytes');
  const digest = await putBytes(cache, 'r/s', bytes);
  await writeFile(cache.blobPath(digest), Buffer.from('precious BYTES'));
  const opened = await cache.openBlob('r/s', digest, { signal });
  await assert.rejects(buffer(opened.stream), DigestMismatchError);
});

test('putManifest writes revision, tag current and tag index links; get/head by tag and digest', async (t) => {
  const cache = await newCache(t);
  const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
  const layer = Buffer.from('layer-bytes');
  await putBytes(cache, 'team/app', config);
  await putBytes(cache, 'team/app', layer);
  const bytes = imageManifest(config, [layer]);
  const digest = digestOf(bytes);
  await cache.putManifest(
    'team/app',
    'v1',
    { bytes, digest, mediaType: 'application/vnd.oci.image.manifest.v1+json' },
    signal,
  );

  const repo = join(cache.root, 'docker/registry/v2/repositories/team/app/_manifests');
  const hex = hexOf(digest);
  assert.equal(await readFile(join(repo, 'revisions/sha256', hex, 'link'), 'utf8'), digest);
  assert.equal(await readFile(join(repo, 'tags/v1/current/link'), 'utf8'), digest);
  assert.equal(await readFile(join(repo, 'tags/v1/index/sha256', hex, 'link'), 'utf8'), digest);
  assert.deepEqual(await readFile(cache.blobPath(digest)), bytes);

  for (const ref of ['v1', digest]) {
    const m = await cache.getManifest('team/app', ref, signal);
    assert.deepEqual(m.bytes, bytes);
    assert.equal(m.digest, digest);
    assert.equal(m.mediaType, 'application/vnd.oci.image.manifest.v1+json');
    assert.deepEqual(await cache.headManifest('team/app', ref, signal), {
      digest,
      size: bytes.length,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
    });
  }
  assert.equal(await cache.headManifest('team/app', 'v2', signal), undefined);
  assert.equal(await cache.headManifest('team/other', 'v1', signal), undefined);
  await assert.rejects(
    cache.getManifest('team/app', 'v2', signal),
    (err: unknown) => err instanceof RegistryError && err.status === 404 && err.registryCode === 'MANIFEST_UNKNOWN',
  );
  assert.deepEqual(await cache.listTags('team/app', signal), ['v1']);
  assert.deepEqual(await cache.listTags('nobody/here', signal), []);
  assert.deepEqual(await cache.listRepositories(), ['team/app']);
});

test('media type of manifests without a mediaType field follows distribution (index if "manifests", else OCI manifest)', async (t) => {
  const cache = await newCache(t);
  const config = Buffer.from('{"c":1}');
  await putBytes(cache, 'p/q', config);
  const image = imageManifest(config, [], false);
  const imageDigest = digestOf(image);
  await cache.putManifest('p/q', imageDigest, { bytes: image, digest: imageDigest, mediaType: '' }, signal);
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: imageDigest, size: image.length }],
    }),
  );
  const indexDigest = digestOf(index);
  await cache.putManifest('p/q', 'multi', { bytes: index, digest: indexDigest, mediaType: '' }, signal);
  assert.equal(
    (await cache.getManifest('p/q', imageDigest, signal)).mediaType,
    'application/vnd.oci.image.manifest.v1+json',
  );
  assert.equal((await cache.getManifest('p/q', 'multi', signal)).mediaType, 'application/vnd.oci.image.index.v1+json');
});

test('putManifest refuses an image whose blobs are missing, a wrong digest, and hostile names', async (t) => {
  const cache = await newCache(t);
  const config = Buffer.from('{"missing":"config"}');
  const bytes = imageManifest(config, []);
  const digest = digestOf(bytes);
  await assert.rejects(
    cache.putManifest('m/n', 'v1', { bytes, digest, mediaType: '' }, signal),
    (err: unknown) => err instanceof RegistryError && err.registryCode === 'MANIFEST_BLOB_UNKNOWN',
  );
  assert.equal(await cache.headManifest('m/n', digest, signal), undefined);
  assert.equal(existsSync(join(cache.root, 'docker/registry/v2/repositories/m/n/_manifests')), false);

  await putBytes(cache, 'm/n', config);
  const wrong = digestOf(Buffer.from('something else'));
  await assert.rejects(
    cache.putManifest('m/n', 'v1', { bytes, digest: wrong, mediaType: '' }, signal),
    DigestMismatchError,
  );
  for (const repo of ['../escape', 'a/../../b', '/abs', 'UPPER', 'a//b', '_layers']) {
    await assert.rejects(cache.putManifest(repo, 'v1', { bytes, digest, mediaType: '' }, signal), OcmError, repo);
  }
  await assert.rejects(cache.putManifest('m/n', '../../x', { bytes, digest, mediaType: '' }, signal), OcmError);
});

test('deleteManifest removes the revision and the tags pointing at it, nothing else', async (t) => {
  const cache = await newCache(t);
  const configA = Buffer.from('{"a":1}');
  const configB = Buffer.from('{"b":2}');
  await putBytes(cache, 'd/e', configA);
  await putBytes(cache, 'd/e', configB);
  const a = imageManifest(configA, []);
  const b = imageManifest(configB, []);
  await cache.putManifest('d/e', 'one', { bytes: a, digest: digestOf(a), mediaType: '' }, signal);
  await cache.putManifest('d/e', 'also-one', { bytes: a, digest: digestOf(a), mediaType: '' }, signal);
  await cache.putManifest('d/e', 'two', { bytes: b, digest: digestOf(b), mediaType: '' }, signal);
  await cache.deleteManifest('d/e', digestOf(a), signal);
  assert.deepEqual(await cache.listTags('d/e', signal), ['two']);
  assert.equal(await cache.headManifest('d/e', digestOf(a), signal), undefined);
  assert.equal((await cache.getManifest('d/e', 'two', signal)).digest, digestOf(b));
  await assert.rejects(
    cache.deleteManifest('d/e', digestOf(a), signal),
    (err: unknown) => err instanceof RegistryError && err.status === 404,
  );
});

test('garbageCollect deletes only blobs no manifest revision reaches', async (t) => {
  const cache = await newCache(t);
  const shared = Buffer.from('shared layer');
  const onlyA = Buffer.from('layer only in A');
  const configA = Buffer.from('{"img":"A"}');
  const configB = Buffer.from('{"img":"B"}');
  for (const blob of [shared, onlyA, configA]) await putBytes(cache, 'g/a', blob);
  for (const blob of [shared, configB]) await putBytes(cache, 'g/b', blob);
  const orphan = await putBytes(cache, 'g/a', Buffer.from('never referenced'));
  const a = imageManifest(configA, [shared, onlyA]);
  const b = imageManifest(configB, [shared]);
  await cache.putManifest('g/a', 'latest', { bytes: a, digest: digestOf(a), mediaType: '' }, signal);
  await cache.putManifest('g/b', 'latest', { bytes: b, digest: digestOf(b), mediaType: '' }, signal);

  const first = await cache.garbageCollect(signal);
  assert.deepEqual(first, { blobsDeleted: 1, bytesFreed: 'never referenced'.length, blobsKept: 6 });
  assert.equal(await cache.hasBlob('g/a', orphan, signal), undefined);

  await cache.deleteManifest('g/a', digestOf(a), signal);
  const second = await cache.garbageCollect(signal);
  assert.equal(second.blobsDeleted, 3); // manifest A, config A, layer only in A
  for (const gone of [digestOf(a), digestOf(configA), digestOf(onlyA)]) {
    assert.equal(await cache.hasBlob('g/a', gone, signal), undefined, gone);
  }
  for (const kept of [digestOf(b), digestOf(configB), digestOf(shared)]) {
    assert.ok((await cache.hasBlob('g/b', kept, signal)) !== undefined, kept);
  }
  // dangling layer links of deleted blobs are removed, live ones stay
  const layers = join(cache.repositoryPath('g/a'), '_layers/sha256');
  assert.deepEqual(await readdir(layers), [hexOf(digestOf(shared))]);
  assert.deepEqual(await buffer((await cache.openBlob('g/b', digestOf(shared), { signal })).stream), shared);
});

test('removeStaleTempFiles removes only old leftovers of crashed runs', async (t) => {
  const cache = await newCache(t);
  const tmp = join(cache.root, '.ocm-tmp');
  await mkdir(tmp, { recursive: true });
  await writeFile(join(tmp, 'blob-old'), 'partial download of a crashed run');
  await writeFile(join(tmp, 'blob-young'), 'upload in progress');
  const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
  await utimes(join(tmp, 'blob-old'), twoDaysAgo, twoDaysAgo);
  assert.equal(await cache.removeStaleTempFiles(), 1);
  assert.deepEqual(await readdir(tmp), ['blob-young']);
});
