import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeArchive, type WriteArchiveOptions } from '../../core/archive/archive-writer.js';
import { ArchiveError, CancelledError } from '../../core/errors.js';
import { tempDirForTest } from '../harness/temp-dir.js';
import { createArchiveFixture, treeDigests, type ArchiveFixture } from './archive-fixture.js';

const MAX = 1_200_000;

function options(
  fx: ArchiveFixture,
  signal: AbortSignal,
  extra: Partial<WriteArchiveOptions> = {},
): WriteArchiveOptions {
  return { ...fx, blobDigests: fx.imageBlobs, maxChunkBytes: MAX, strict: false, signal, ...extra };
}

test('a cancelled run leaves the previous archive set untouched and no partial files', async (t) => {
  const root = await tempDirForTest(t, 'ocm-archive-abort-');
  const fx = await createArchiveFixture(root);
  const first = await writeArchive(options(fx, new AbortController().signal));
  assert.ok(first.chunks.length > 1);
  const before = await treeDigests(fx.outputDir);

  // change the content so that a completed second run would differ
  await writeFile(join(fx.workingDir, 'logs', 'second-run.log'), 'second run');
  const controller = new AbortController();
  await assert.rejects(
    writeArchive(options(fx, controller.signal, { onProgress: () => controller.abort() })),
    CancelledError,
  );
  assert.deepEqual(await treeDigests(fx.outputDir), before);
  assert.deepEqual((await readdir(fx.outputDir)).sort(), [...before.keys()]);
});

test('a run failing mid-write (a blob vanished) removes its partials and keeps the previous set', async (t) => {
  const root = await tempDirForTest(t, 'ocm-archive-fail-');
  const fx = await createArchiveFixture(root);
  await writeArchive(options(fx, new AbortController().signal));
  const before = await treeDigests(fx.outputDir);

  const last = fx.imageBlobs[fx.imageBlobs.length - 1];
  let removed = false;
  await assert.rejects(
    writeArchive(
      options(fx, new AbortController().signal, {
        onProgress: () => {
          if (removed) return;
          removed = true;
          void rm(fx.cache.blobPath(last));
        },
      }),
    ),
    (err: unknown) => (err as { code?: string }).code === 'ENOENT',
  );
  assert.ok(removed);
  assert.deepEqual(await treeDigests(fx.outputDir), before);
});

test('a blob missing from the cache fails before anything is written', async (t) => {
  const root = await tempDirForTest(t, 'ocm-archive-missing-');
  const fx = await createArchiveFixture(root);
  await writeArchive(options(fx, new AbortController().signal));
  const before = await treeDigests(fx.outputDir);
  const absent = `sha256:${'ab'.repeat(32)}`;
  await assert.rejects(
    writeArchive(options(fx, new AbortController().signal, { blobDigests: [...fx.imageBlobs, absent] })),
    (err: unknown) =>
      err instanceof ArchiveError && err.message.includes(absent) && err.message.includes('missing from the cache'),
  );
  assert.deepEqual(await treeDigests(fx.outputDir), before);
});

test('a successful run replaces the old set: extra old chunks and stale partials are removed', async (t) => {
  const root = await tempDirForTest(t, 'ocm-archive-replace-');
  const fx = await createArchiveFixture(root);
  const small = await writeArchive(options(fx, new AbortController().signal));
  await writeFile(join(fx.outputDir, '.ocm-partial-000001.tar'), 'left by a crash');
  await writeFile(join(fx.outputDir, 'mirror_000099.tar'), 'an old chunk');
  await writeFile(join(fx.outputDir, 'notes.txt'), 'not ours');
  const big = await writeArchive(options(fx, new AbortController().signal, { maxChunkBytes: 500 * 1024 ** 3 }));
  assert.ok(small.chunks.length > 1);
  assert.equal(big.chunks.length, 1);
  assert.deepEqual((await readdir(fx.outputDir)).sort(), ['mirror_000001.tar', 'notes.txt']);
});
