import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ArchiveBackedCacheStore } from '../../core/archive/archive-backed-cache-store.js';
import { extractArchives } from '../../core/archive/archive-extractor.js';
import { writeArchive } from '../../core/archive/archive-writer.js';
import { DigestVerifier, digestOf } from '../../core/digest.js';
import { CacheStore } from '../../core/store/cache-store.js';
import { tempDirForTest } from '../harness/temp-dir.js';

const signal = new AbortController().signal;
const MiB = 1024 * 1024;
const REPO = 'team/app';

/** An archive of three blobs (one small, two above the 4 MiB defer limit), extracted with deferral. */
async function importedArchive(t: Parameters<typeof tempDirForTest>[0]) {
  const root = await tempDirForTest(t, 'ocm-archive-backed-');
  const origin = new CacheStore(join(root, 'origin', '.oc-mirror', '.cache'));
  const blobs = [randomBytes(100_000), randomBytes(5 * MiB + 3), randomBytes(6 * MiB)];
  for (const bytes of blobs) {
    await origin.putBlob(REPO, { digest: digestOf(bytes), size: bytes.length }, Readable.from([bytes]), { signal });
  }
  const workingDir = join(root, 'ws', 'working-dir');
  await mkdir(workingDir, { recursive: true });
  const configFile = join(root, 'isc.yaml');
  await writeFile(configFile, 'kind: ImageSetConfiguration\n');
  const archives = join(root, 'archives');
  await writeArchive({
    cacheRoot: origin.root,
    workingDir,
    workspaceRoot: join(root, 'ws'),
    outputDir: archives,
    blobDigests: blobs.map((b) => digestOf(b)),
    configFile,
    maxChunkBytes: 1 << 30,
    strict: false,
    signal,
  });
  const cache = new CacheStore(join(root, 'target', '.oc-mirror', '.cache'));
  const extracted = await extractArchives({
    fromDir: archives,
    cacheRoot: cache.root,
    workspaceRoot: join(root, 'target-ws'),
    signal,
    deferBlobsLargerThan: 4 * MiB,
  });
  cache.noteVerified(extracted.verifiedBlobs);
  return { root, cache, blobs, archives, extracted };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

test('large blobs stay in the archive until opened; opening streams them and lands a verified copy in the cache', async (t) => {
  const { cache, blobs, extracted } = await importedArchive(t);
  const [small, big, bigger] = blobs;
  assert.deepEqual(
    extracted.deferred.map((d) => d.digest).sort(),
    [digestOf(big), digestOf(bigger)].sort(),
    'only the blobs above 4 MiB are deferred',
  );
  assert.equal(await cache.hasBlob(REPO, digestOf(small), signal), small.length);
  assert.equal(await cache.hasBlob(REPO, digestOf(big), signal), undefined, 'not extracted yet');

  const store = new ArchiveBackedCacheStore(cache, extracted.deferred, signal);
  assert.equal(await store.hasBlob(REPO, digestOf(big), signal), big.length, 'present to the copy engine');
  let counted = 0;
  const opened = await store.openBlob(REPO, digestOf(big), { signal, onBytes: (n) => (counted += n) });
  assert.ok(DigestVerifier.covers(opened.stream, digestOf(big)), 'a registry upload need not hash it again');
  assert.deepEqual(await readAll(opened.stream), big);
  assert.equal(counted, big.length);
  await store.extractRemaining(signal); // also waits for the copy above to be committed
  assert.equal(store.pending, 0);
  for (const bytes of [big, bigger]) assert.deepEqual(await readFile(cache.blobPath(digestOf(bytes))), bytes);
  assert.deepEqual(await readdir(join(cache.root, '.ocm-tmp')), [], 'no temp file is left');
});

test('two transfers opening one deferred blob at once both get its bytes; the cache gets one copy', async (t) => {
  const { cache, blobs, extracted } = await importedArchive(t);
  const store = new ArchiveBackedCacheStore(cache, extracted.deferred, signal);
  const digest = digestOf(blobs[2]);
  const [a, b] = await Promise.all([
    store.openBlob(REPO, digest, { signal }).then((o) => readAll(o.stream)),
    store.openBlob(REPO, digest, { signal }).then((o) => readAll(o.stream)),
  ]);
  assert.deepEqual(a, blobs[2]);
  assert.deepEqual(b, blobs[2]);
  await store.extractRemaining(signal);
  assert.deepEqual(await readFile(cache.blobPath(digest)), blobs[2]);
});

test('a blob damaged in the archive fails its transfer and never lands in the cache', async (t) => {
  const { cache, blobs, extracted } = await importedArchive(t);
  const digest = digestOf(blobs[1]);
  const deferred = extracted.deferred.find((d) => d.digest === digest)!;
  const handle = await open(deferred.chunk, 'r+');
  await handle.write(Buffer.from([0xff ^ blobs[1][1000]]), 0, 1, deferred.dataOffset + 1000);
  await handle.close();

  const store = new ArchiveBackedCacheStore(cache, extracted.deferred, signal);
  const opened = await store.openBlob(REPO, digest, { signal });
  await assert.rejects(readAll(opened.stream), /does not match|digest/i);
  // Let the failed copy clean up, then the remaining-blobs pass reports it, naming the entry and the chunk.
  await assert.rejects(store.extractRemaining(signal), (err: unknown) => {
    const message = (err as Error).message;
    return message.includes(deferred.name) && message.includes(deferred.chunk);
  });
  assert.equal(await cache.hasBlob(REPO, digest, signal), undefined);
  assert.deepEqual(await readFile(cache.blobPath(digestOf(blobs[2]))), blobs[2], 'the intact one still lands');
  assert.deepEqual(await readdir(join(cache.root, '.ocm-tmp')), []);
});
