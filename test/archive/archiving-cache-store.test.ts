import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, pipeline } from 'node:stream';
import tar from 'tar-stream';
import { ArchiveSetWriter } from '../../core/archive/archive-set-writer.js';
import { ArchivingCacheStore } from '../../core/archive/archiving-cache-store.js';
import { DigestVerifier, digestOf } from '../../core/digest.js';
import { DigestMismatchError } from '../../core/errors.js';
import { CacheStore } from '../../core/store/cache-store.js';
import { tempDirForTest } from '../harness/temp-dir.js';

const signal = new AbortController().signal;
const REPO = 'team/app';

interface Setup {
  cache: CacheStore;
  writer: ArchiveSetWriter;
  store: ArchivingCacheStore;
  outputDir: string;
}

async function setup(
  t: Parameters<typeof tempDirForTest>[0],
  options: { shipped?: string[]; maxChunkBytes?: number } = {},
): Promise<Setup> {
  const root = await tempDirForTest(t, 'ocm-archiving-');
  const cache = new CacheStore(join(root, 'cache', '.oc-mirror', '.cache'));
  const outputDir = join(root, 'out');
  const writer = new ArchiveSetWriter({ outputDir, maxChunkBytes: options.maxChunkBytes ?? 1 << 30, strict: false });
  await writer.open();
  const store = new ArchivingCacheStore(cache, writer, new Set(options.shipped ?? []));
  return { cache, writer, store, outputDir };
}

/** What a registry source hands the copy engine: the bytes, in pieces, through the source's digest check. */
function verifiedSource(bytes: Buffer, digest = digestOf(bytes)): Readable {
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += 65_536) pieces.push(bytes.subarray(at, at + 65_536));
  const verifier = new DigestVerifier(digest, { expectedSize: bytes.length });
  Readable.from(pieces).pipe(verifier);
  return verifier;
}

/** Every file entry of every chunk: tar name → content. */
async function archiveEntries(outputDir: string): Promise<Map<string, Buffer>> {
  const entries = new Map<string, Buffer>();
  for (const name of (await readdir(outputDir)).filter((n) => /^mirror_\d{6}\.tar$/.test(n)).sort()) {
    const extract = tar.extract();
    createReadStream(join(outputDir, name)).pipe(extract);
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const c of entry as AsyncIterable<Buffer>) chunks.push(c);
      entries.set(entry.header.name, Buffer.concat(chunks));
    }
  }
  return entries;
}

const blobName = (digest: string) => `docker/registry/v2/blobs/sha256/${digest.slice(7, 9)}/${digest.slice(7)}/data`;

test('blobs reach the archive from the bytes being copied: no second read of the cache', async (t) => {
  const { cache, writer, store, outputDir } = await setup(t);
  const blobs = [randomBytes(300_000), randomBytes(1_048_576 + 17), Buffer.from('tiny')];
  await Promise.all(
    blobs.map((bytes) =>
      store.putBlob(REPO, { digest: digestOf(bytes), size: bytes.length }, verifiedSource(bytes), { signal }),
    ),
  );
  for (const bytes of blobs) {
    assert.equal(await cache.hasBlob(REPO, digestOf(bytes), signal), bytes.length, 'the cache has the blob');
    // Gone from the cache: finishing must not need to read it back.
    await rm(cache.blobPath(digestOf(bytes)));
  }
  await store.fillFromCache(
    blobs.map((b) => digestOf(b)),
    signal,
  );
  const result = await writer.finish(signal);
  assert.deepEqual(result.chunks, [join(outputDir, 'mirror_000001.tar')]);
  const entries = await archiveEntries(outputDir);
  assert.equal(entries.size, 3);
  for (const bytes of blobs) assert.deepEqual(entries.get(blobName(digestOf(bytes))), bytes);
  assert.equal(
    result.totalBytes,
    blobs.reduce((s, b) => s + b.length, 0),
  );
});

test('a transfer whose bytes fail the digest check and is retried leaves the right bytes in the archive', async (t) => {
  const { writer, store, outputDir } = await setup(t);
  const good = randomBytes(200_000);
  const digest = digestOf(good);
  const forged = Buffer.from(good);
  forged[123_456] ^= 0xff;
  await assert.rejects(
    store.putBlob(REPO, { digest, size: good.length }, verifiedSource(forged, digest), { signal }),
    DigestMismatchError,
  );
  // A second attempt cut half-way (the connection dropped), then a complete one.
  async function* halfThenReset() {
    yield good.subarray(0, 100_000);
    throw new Error('connection reset');
  }
  const cut = new DigestVerifier(digest, { expectedSize: good.length });
  pipeline(Readable.from(halfThenReset()), cut, () => undefined);
  await assert.rejects(store.putBlob(REPO, { digest, size: good.length }, cut, { signal }), /connection reset/);
  await store.putBlob(REPO, { digest, size: good.length }, verifiedSource(good), { signal });
  await store.fillFromCache([digest], signal);
  await writer.finish(signal);
  assert.deepEqual((await archiveEntries(outputDir)).get(blobName(digest)), good);
});

test('a blob the cache already had is added from the cache, checked; a damaged cached copy fails the archive', async (t) => {
  const { cache, writer, store, outputDir } = await setup(t);
  const kept = randomBytes(70_000);
  const damaged = randomBytes(90_000);
  for (const bytes of [kept, damaged]) {
    await cache.putBlob(REPO, { digest: digestOf(bytes), size: bytes.length }, Readable.from([bytes]), { signal });
  }
  // The copy offers the bytes again; the cache keeps its copy and reads nothing of the offer.
  await store.putBlob(REPO, { digest: digestOf(kept), size: kept.length }, verifiedSource(kept), { signal });
  await store.fillFromCache([digestOf(kept)], signal);

  const bad = Buffer.from(damaged);
  bad[5] ^= 1;
  await writeFile(cache.blobPath(digestOf(damaged)), bad);
  await assert.rejects(store.fillFromCache([digestOf(damaged)], signal), DigestMismatchError);
  await assert.rejects(writer.finish(signal), /was never written/);
  await writer.discard();
  assert.deepEqual(await readdir(outputDir), [], 'nothing is published, the partial chunk is removed');
});

test('blobs the history already shipped are not written; manifests are; a missing selected blob is named', async (t) => {
  const shippedBlob = randomBytes(1000);
  const { writer, store, outputDir } = await setup(t, { shipped: [digestOf(shippedBlob)] });
  const fresh = randomBytes(2000);
  for (const bytes of [shippedBlob, fresh]) {
    await store.putBlob(REPO, { digest: digestOf(bytes), size: bytes.length }, verifiedSource(bytes), { signal });
  }
  const manifestBytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(fresh), size: fresh.length },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar',
          digest: digestOf(shippedBlob),
          size: shippedBlob.length,
        },
      ],
    }),
  );
  await store.putManifest(
    REPO,
    'v1',
    { bytes: manifestBytes, digest: digestOf(manifestBytes), mediaType: 'application/vnd.oci.image.manifest.v1+json' },
    signal,
  );
  const absent = `sha256:${'ab'.repeat(32)}`;
  await assert.rejects(store.fillFromCache([absent], signal), (err: unknown) =>
    (err as Error).message.includes(`blob ${absent} selected for the archive is missing from the cache`),
  );
  await store.fillFromCache([digestOf(fresh), digestOf(manifestBytes), digestOf(shippedBlob)], signal);
  await writer.finish(signal);
  const entries = await archiveEntries(outputDir);
  assert.deepEqual([...entries.keys()].sort(), [blobName(digestOf(fresh)), blobName(digestOf(manifestBytes))].sort());
  assert.deepEqual(entries.get(blobName(digestOf(manifestBytes))), manifestBytes);
  assert.deepEqual(store.archivedDigests.sort(), [digestOf(fresh), digestOf(manifestBytes)].sort());
});

test('streamed blobs follow the segmentation rule: chunks hold at most the limit, an oversized blob its own chunk', async (t) => {
  const max = 250_000;
  const { writer, store, outputDir } = await setup(t, { maxChunkBytes: max });
  const sizes = [100_000, 120_000, 60_000, 400_000, 90_000, 10_000];
  const blobs = sizes.map((n) => randomBytes(n));
  // Reserved in this order (one after the other), so the chunks are predictable.
  for (const bytes of blobs) {
    await store.putBlob(REPO, { digest: digestOf(bytes), size: bytes.length }, verifiedSource(bytes), { signal });
  }
  const result = await writer.finish(signal);
  // 100k+120k = chunk 1; 60k rolls over to chunk 2; the 400k one goes alone to chunk 3; 90k+10k join chunk 2.
  assert.equal(result.chunks.length, 3);
  assert.deepEqual(
    result.oversized.map((o) => o.size),
    [400_000],
  );
  assert.match(result.warning ?? '', /^The following files exceed the archiveSize configured:/);
  const perChunk: number[][] = [];
  for (const chunk of result.chunks) {
    const extract = tar.extract();
    createReadStream(chunk).pipe(extract);
    const sizesInChunk: number[] = [];
    for await (const entry of extract) {
      sizesInChunk.push(entry.header.size ?? -1);
      entry.resume();
    }
    perChunk.push(sizesInChunk);
  }
  assert.deepEqual(perChunk, [[100_000, 120_000], [60_000, 90_000, 10_000], [400_000]]);
  const entries = await archiveEntries(outputDir);
  for (const bytes of blobs) assert.deepEqual(entries.get(blobName(digestOf(bytes))), bytes);
});
