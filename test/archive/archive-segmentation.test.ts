import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { segmentFiles } from '../../core/archive/archive-segmentation.js';
import { writeArchive } from '../../core/archive/archive-writer.js';
import { extractArchives } from '../../core/archive/archive-extractor.js';
import { ArchiveError } from '../../core/errors.js';
import { tempDirForTest } from '../harness/temp-dir.js';
import { createArchiveFixture, treeDigests } from './archive-fixture.js';

const run = promisify(execFile);
const signal = new AbortController().signal;
const GIB = 1024 ** 3;

const files = (...sizes: number[]): { name: string; size: number }[] =>
  sizes.map((size, i) => ({ name: `f${i}`, size }));

test('roll-over: a file that does not fit closes the chunk; only content bytes count', () => {
  assert.deepEqual(segmentFiles(files(4, 6, 1, 9, 10, 0), 10, false), {
    chunkOf: [1, 1, 2, 2, 3, 3],
    chunkCount: 3,
    oversized: [],
  });
});

test('permissive: an oversized file goes alone into chunk current+1; the open chunk keeps its number', () => {
  // f1 is oversized → chunk 2; f2 still goes to chunk 1; the roll-over for f3 takes the next free number, 3
  assert.deepEqual(segmentFiles(files(3, 12, 4, 4, 11, 2), 10, false), {
    chunkOf: [1, 2, 1, 3, 4, 3],
    chunkCount: 4,
    oversized: [1, 4],
  });
  // every file oversized: chunk 1 stays empty but exists
  assert.deepEqual(segmentFiles(files(20, 30), 10, false), { chunkOf: [2, 3], chunkCount: 3, oversized: [0, 1] });
});

test("strict: oc-mirror's message (sizes in whole GiB), before anything is written", () => {
  assert.throws(
    () =>
      segmentFiles(
        [
          { name: 'a', size: 1 },
          { name: 'docker/registry/v2/blobs/sha256/ab/abc/data', size: 3 * GIB + 5 },
        ],
        2 * GIB,
        true,
      ),
    (err: unknown) =>
      err instanceof ArchiveError &&
      err.message ===
        'maxArchiveSize 2G is too small compared to sizes of files that need to be included in the archive.\n' +
          'docker/registry/v2/blobs/sha256/ab/abc/data: 3G\n Aborting archive generation',
  );
});

test('a small archiveSize splits the real image into several chunks that extract to the same trees', async (t) => {
  const root = await tempDirForTest(t, 'ocm-archive-seg-');
  const fx = await createArchiveFixture(root);
  const max = 1_200_000; // the three ~1.1 MB layers cannot share a chunk; one (1141361) fits alone
  const warnings: string[] = [];
  const result = await writeArchive({
    ...fx,
    blobDigests: fx.imageBlobs,
    maxChunkBytes: max,
    strict: false,
    signal,
    onWarning: (m) => warnings.push(m),
  });
  assert.deepEqual(result.oversized, []);
  assert.deepEqual(warnings, []);
  assert.ok(result.chunks.length >= 4, `${result.chunks.length} chunks`);
  assert.deepEqual(
    result.chunks.map((c) => c.slice(fx.outputDir.length + 1)),
    result.chunks.map((_, i) => `mirror_${String(i + 1).padStart(6, '0')}.tar`),
  );
  let listedTotal = 0;
  for (const chunk of result.chunks) {
    const { stdout } = await run('tar', ['-tvf', chunk]);
    const contentBytes = stdout
      .trimEnd()
      .split('\n')
      .reduce((sum, line) => sum + Number(line.split(/\s+/)[2]), 0);
    assert.ok(contentBytes <= max, `${chunk}: ${contentBytes} content bytes`);
    listedTotal += contentBytes;
  }
  assert.equal(listedTotal, result.totalBytes);

  const target = join(root, 'target');
  await extractArchives({
    fromDir: fx.outputDir,
    cacheRoot: join(target, 'cache'),
    workspaceRoot: join(target, 'ws'),
    signal,
  });
  assert.deepEqual(await treeDigests(join(target, 'ws')), await treeDigests(fx.workspaceRoot));
  const extractedBlobs = [...(await treeDigests(join(target, 'cache'))).keys()].filter((p) => p.includes('/blobs/'));
  assert.equal(extractedBlobs.length, fx.imageBlobs.length);
});

test('permissive oversized files: own chunks, warning with the sizes; strict: error and no files', async (t) => {
  const root = await tempDirForTest(t, 'ocm-archive-over-');
  const fx = await createArchiveFixture(root);
  const max = 1_100_000; // two layers (1141361, 1116318) are larger, one (1091001) fits
  const warnings: string[] = [];
  const result = await writeArchive({
    ...fx,
    blobDigests: fx.imageBlobs,
    maxChunkBytes: max,
    strict: false,
    signal,
    onWarning: (m) => warnings.push(m),
  });
  assert.deepEqual(result.oversized.map((o) => o.size).sort(), [1116318, 1141361]);
  for (const o of result.oversized)
    assert.match(o.path, /docker\/registry\/v2\/blobs\/sha256\/[0-9a-f]{2}\/[0-9a-f]{64}\/data$/);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /^The following files exceed the archiveSize configured:\n/);
  assert.match(warnings[0], /Please consider updating archiveSize to at least 1$/);
  // each oversized blob is alone in its chunk
  let aloneChunks = 0;
  for (const chunk of result.chunks) {
    const { stdout } = await run('tar', ['-tvf', chunk]);
    const lines = stdout.trimEnd().split('\n');
    const sizes = lines.map((line) => Number(line.split(/\s+/)[2]));
    if (sizes.some((s) => s > max)) {
      assert.equal(lines.length, 1, chunk);
      aloneChunks++;
    } else {
      assert.ok(sizes.reduce((a, b) => a + b, 0) <= max, chunk);
    }
  }
  assert.equal(aloneChunks, 2);

  const strictOut = join(root, 'strict-out');
  await assert.rejects(
    writeArchive({ ...fx, outputDir: strictOut, blobDigests: fx.imageBlobs, maxChunkBytes: max, strict: true, signal }),
    (err: unknown) =>
      err instanceof ArchiveError &&
      /^maxArchiveSize 0G is too small compared to sizes of files that need to be included in the archive\.\ndocker\/registry\/v2\/blobs\/sha256\/[0-9a-f]{2}\/[0-9a-f]{64}\/data: 0G\n Aborting archive generation$/.test(
        err.message,
      ),
  );
  const leftovers = await readdir(strictOut).catch(() => []);
  assert.deepEqual(leftovers, []);
  assert.ok((await stat(result.chunks[0])).size > 0);
});
