import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { extractArchives, findChunks } from '../../core/archive/archive-extractor.js';
import { routeEntry } from '../../core/archive/archive-entry-route.js';
import { ArchiveError, CancelledError } from '../../core/errors.js';
import { tempDirForTest } from '../harness/temp-dir.js';
import { treeDigests } from './archive-fixture.js';
import { buildTar } from './tar-builder.js';

const signal = new AbortController().signal;

test('findChunks: exact oc-mirror messages for no chunks and empty chunks; a missing directory is clear', async (t) => {
  const dir = await tempDirForTest(t, 'ocm-find-');
  await writeFile(join(dir, 'mirror_000001.tar.bak'), 'x');
  await writeFile(join(dir, 'old-mirror_000001.tar'), 'x');
  await writeFile(join(dir, 'mirror_1.tar'), 'x');
  await assert.rejects(findChunks(dir), {
    name: 'ArchiveError',
    message: `no tar archives matching "mirror_[0-9]{6}\\.tar" found in "${dir}"`,
  });
  await writeFile(join(dir, 'mirror_000002.tar'), 'x');
  await writeFile(join(dir, 'mirror_000001.tar'), '');
  await assert.rejects(findChunks(dir), {
    name: 'ArchiveError',
    message: `empty archive file "${join(dir, 'mirror_000001.tar')}"`,
  });
  await writeFile(join(dir, 'mirror_000001.tar'), 'y');
  await mkdir(join(dir, 'mirror_000003.tar')); // a directory is not a chunk
  assert.deepEqual(await findChunks(dir), [join(dir, 'mirror_000001.tar'), join(dir, 'mirror_000002.tar')]);
  await assert.rejects(
    findChunks(join(dir, 'absent')),
    (err: unknown) =>
      err instanceof ArchiveError && err.message === `archive directory "${join(dir, 'absent')}" does not exist`,
  );
});

test('chunks are applied in name order whatever the creation order: the later chunk wins', async (t) => {
  const root = await tempDirForTest(t, 'ocm-order-');
  const archives = join(root, 'archives');
  await mkdir(archives);
  // created in reverse order on purpose
  for (const n of [3, 2, 1]) {
    await writeFile(
      join(archives, `mirror_00000${n}.tar`),
      await buildTar([
        { header: { name: 'working-dir/shared.txt' }, content: `from chunk ${n}` },
        { header: { name: `working-dir/only-${n}.txt` }, content: `${n}` },
      ]),
    );
  }
  const seen: number[] = [];
  const result = await extractArchives({
    fromDir: archives,
    cacheRoot: join(root, 'cache'),
    workspaceRoot: join(root, 'ws'),
    signal,
    onProgress: (p) => {
      if (seen[seen.length - 1] !== p.index) seen.push(p.index);
      assert.equal(p.count, 3);
    },
  });
  assert.deepEqual(seen, [1, 2, 3]);
  assert.deepEqual(
    result.chunks.map((c) => c.slice(archives.length + 1)),
    ['mirror_000001.tar', 'mirror_000002.tar', 'mirror_000003.tar'],
  );
  assert.equal(await readFile(join(root, 'ws/working-dir/shared.txt'), 'utf8'), 'from chunk 3');
  assert.deepEqual(
    [...(await treeDigests(join(root, 'ws'))).keys()],
    ['working-dir/only-1.txt', 'working-dir/only-2.txt', 'working-dir/only-3.txt', 'working-dir/shared.txt'],
  );
});

test('routing is by prefix of the normalised name; other top-level entries are ignored', async (t) => {
  const root = await tempDirForTest(t, 'ocm-route-');
  const archives = join(root, 'archives');
  await mkdir(archives);
  await writeFile(
    join(archives, 'mirror_000001.tar'),
    await buildTar([
      { header: { name: 'isc_2025-01-31T10:00:00Z' }, content: 'kind: ImageSetConfiguration' },
      { header: { name: 'random/file.txt' }, content: 'ignored' },
      { header: { name: './working-dir/./dotted.txt' }, content: 'normalised' },
      { header: { name: 'working-dir/', type: 'directory' } },
      // oc-mirror's substring routing would send this cache file to the workspace
      {
        header: { name: 'docker/registry/v2/repositories/team/working-dir/_layers/sha256/aa/link' },
        content: 'sha256:aa',
      },
    ]),
  );
  await extractArchives({ fromDir: archives, cacheRoot: join(root, 'cache'), workspaceRoot: join(root, 'ws'), signal });
  assert.deepEqual(
    [...(await treeDigests(root)).keys()],
    [
      'archives/mirror_000001.tar',
      'cache/docker/registry/v2/repositories/team/working-dir/_layers/sha256/aa/link',
      'ws/working-dir/dotted.txt',
    ],
  );
  assert.deepEqual(routeEntry('docker/registry/v2/blobs/sha256/ab/' + 'ab'.repeat(32) + '/data'), {
    action: 'write',
    target: 'cache',
    path: `docker/registry/v2/blobs/sha256/ab/${'ab'.repeat(32)}/data`,
    blobDigest: `sha256:${'ab'.repeat(32)}`,
  });
  assert.deepEqual(routeEntry('docker/registry/v2/other'), { action: 'ignore' });
});

test('cancelling an extraction stops it with CancelledError and leaves no temp files', async (t) => {
  const root = await tempDirForTest(t, 'ocm-extract-cancel-');
  const archives = join(root, 'archives');
  await mkdir(archives);
  await writeFile(
    join(archives, 'mirror_000001.tar'),
    await buildTar([{ header: { name: 'working-dir/big.bin' }, content: Buffer.alloc(4 * 1024 * 1024, 9) }]),
  );
  const controller = new AbortController();
  await assert.rejects(
    extractArchives({
      fromDir: archives,
      cacheRoot: join(root, 'cache'),
      workspaceRoot: join(root, 'ws'),
      signal: controller.signal,
      onProgress: () => controller.abort(),
    }),
    CancelledError,
  );
  assert.deepEqual([...(await treeDigests(root)).keys()], ['archives/mirror_000001.tar']);
});
