import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buffer } from 'node:stream/consumers';
import { writeArchive } from '../../core/archive/archive-writer.js';
import { extractArchives } from '../../core/archive/archive-extractor.js';
import { CacheStore } from '../../core/store/cache-store.js';
import { collectImageBlobs } from '../../core/store/manifest-walk.js';
import { tempDirForTest } from '../harness/temp-dir.js';
import {
  blobTarPath,
  createArchiveFixture,
  IMAGE_REPO,
  INDEX_DIGEST,
  LONG_NAME,
  MEDIUM_NAME,
  treeDigests,
  UNICODE_NAME,
} from './archive-fixture.js';

const run = promisify(execFile);
const signal = new AbortController().signal;
const NOW = new Date('2025-01-31T10:00:00.456Z');

test('write → GNU tar lists it in §4.2 order → extract gives byte-identical cache and working-dir', async (t) => {
  const root = await tempDirForTest(t, 'ocm-archive-rt-');
  const fx = await createArchiveFixture(root);
  const progress: [number, number, string][] = [];
  const result = await writeArchive({
    cacheRoot: fx.cacheRoot,
    workingDir: fx.workingDir,
    workspaceRoot: fx.workspaceRoot,
    outputDir: fx.outputDir,
    blobDigests: [...fx.allBlobs, fx.allBlobs[0]], // duplicates are dropped
    configFile: fx.configFile,
    maxChunkBytes: 500 * 1024 ** 3,
    strict: false,
    signal,
    now: NOW,
    onProgress: (bytes, total, chunk) => progress.push([bytes, total, chunk]),
  });
  const chunk = join(fx.outputDir, 'mirror_000001.tar');
  assert.deepEqual(result.chunks, [chunk]);
  assert.deepEqual(result.chunkBytes, [(await readFile(chunk)).length]);
  assert.deepEqual(result.oversized, []);
  assert.deepEqual(await readdir(fx.outputDir), ['mirror_000001.tar']);
  const last = progress[progress.length - 1];
  assert.deepEqual(last, [result.totalBytes, result.totalBytes, chunk]);

  // GNU tar reads it (USTAR prefix, PAX path records) and the order is: repositories, blobs, working-dir, isc
  const { stdout } = await run('tar', ['-tf', chunk], { maxBuffer: 16 * 1024 * 1024 });
  const listed = stdout.trimEnd().split('\n');
  const cacheFiles = [...(await treeDigests(fx.cacheRoot)).keys()];
  const repositories = cacheFiles.filter((p) => p.startsWith('docker/registry/v2/repositories/'));
  const workingDirFiles = [...(await treeDigests(fx.workspaceRoot)).keys()];
  const bytewise = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
  assert.deepEqual(listed, [
    ...[...repositories].sort(bytewise),
    ...fx.allBlobs.map(blobTarPath),
    ...[...workingDirFiles].sort(bytewise),
    'isc_2025-01-31T10:00:00Z',
  ]);
  for (const name of [MEDIUM_NAME, LONG_NAME, UNICODE_NAME]) assert.ok(listed.includes(name), name);
  assert.ok(LONG_NAME.length > 255 && MEDIUM_NAME.length > 100);

  // GNU tar extracts the long names with the right content
  const gnu = join(root, 'gnu-extract');
  await run('mkdir', ['-p', gnu]);
  await run('tar', ['-xf', chunk, '-C', gnu, LONG_NAME, UNICODE_NAME]);
  assert.equal(await readFile(join(gnu, LONG_NAME), 'utf8'), '{"long":true}');
  assert.equal(await readFile(join(gnu, UNICODE_NAME), 'utf8'), 'chart');

  // our extractor: byte-identical trees
  const target = join(root, 'target');
  const cacheRoot = join(target, 'cache', '.oc-mirror', '.cache');
  const workspaceRoot = join(target, 'workspace');
  const extractProgress: number[] = [];
  const extracted = await extractArchives({
    fromDir: fx.outputDir,
    cacheRoot,
    workspaceRoot,
    signal,
    onProgress: (p) => extractProgress.push(p.bytes),
  });
  assert.deepEqual(extracted.chunks, [chunk]);
  assert.equal(extracted.blobsWritten, fx.allBlobs.length);
  assert.equal(extractProgress[extractProgress.length - 1], (await readFile(chunk)).length);
  assert.deepEqual(await treeDigests(workspaceRoot), await treeDigests(fx.workspaceRoot));
  const expectedCache = new Map(
    [...(await treeDigests(fx.cacheRoot)).entries()].filter(
      ([p]) => p.startsWith('docker/registry/v2/repositories/') || fx.allBlobs.map(blobTarPath).includes(p),
    ),
  );
  assert.deepEqual(await treeDigests(cacheRoot), expectedCache);

  // and the extracted cache serves the image again, every blob verified
  const cache = new CacheStore(cacheRoot);
  const blobs = await collectImageBlobs(cache, IMAGE_REPO, 'latest', { includeSignatures: true, signal });
  assert.equal(blobs[0].digest, INDEX_DIGEST);
  assert.equal(blobs.length, fx.allBlobs.length);
  for (const b of blobs) {
    const opened = await cache.openBlob(IMAGE_REPO, b.digest, { signal });
    assert.equal((await buffer(opened.stream)).length, opened.size);
  }
});
