/**
 * Hostile archives: every case must be refused with an ArchiveError naming the chunk and the entry, and
 * nothing may be written outside the cache and workspace targets (nor any partial file inside them). Every
 * header is checked before anything is written, so a hostile header means nothing is written at all; only a
 * forged blob (found when its bytes are read) lets the entries before it land.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { extractArchives } from '../../core/archive/archive-extractor.js';
import { ArchiveError } from '../../core/errors.js';
import { tempDirForTest } from '../harness/temp-dir.js';
import { blobTarPath, treeDigests } from './archive-fixture.js';
import { buildTar, forgeHeaderSize, type TarEntrySpec } from './tar-builder.js';

const signal = new AbortController().signal;

function digestOf(bytes: string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

interface Sandbox {
  root: string;
  archives: string;
  chunk: string;
  cacheRoot: string;
  workspaceRoot: string;
}

async function sandbox(t: Parameters<typeof tempDirForTest>[0]): Promise<Sandbox> {
  const root = await tempDirForTest(t, 'ocm-hostile-');
  const archives = join(root, 'archives');
  await mkdir(archives);
  return {
    root,
    archives,
    chunk: join(archives, 'mirror_000001.tar'),
    cacheRoot: join(root, 'cache', '.oc-mirror', '.cache'),
    workspaceRoot: join(root, 'workspace'),
  };
}

async function expectRefused(sb: Sandbox, tarBytes: Buffer, entryName: string, reason: RegExp): Promise<void> {
  await writeFile(sb.chunk, tarBytes);
  await assert.rejects(
    extractArchives({ fromDir: sb.archives, cacheRoot: sb.cacheRoot, workspaceRoot: sb.workspaceRoot, signal }),
    (err: unknown) => {
      assert.ok(err instanceof ArchiveError, String(err));
      assert.ok(err.message.includes(sb.chunk), `chunk not named: ${err.message}`);
      assert.ok(err.message.includes(`"${entryName}"`), `entry not named: ${err.message}`);
      assert.match(err.message, reason);
      return true;
    },
  );
}

/** The only files left anywhere in the sandbox are the chunk and `allowed` (relative to the sandbox). */
async function assertOnlyFiles(sb: Sandbox, allowed: string[] = []): Promise<void> {
  const files = [...(await treeDigests(sb.root)).keys()];
  assert.deepEqual(files, ['archives/mirror_000001.tar', ...allowed].sort());
}

const refusals: {
  title: string;
  entries: (sb: Sandbox) => TarEntrySpec[];
  entry: (sb: Sandbox) => string;
  reason: RegExp;
}[] = [
  {
    title: 'parent traversal at the start',
    entries: () => [{ header: { name: '../escape.txt' }, content: 'x' }],
    entry: () => '../escape.txt',
    reason: /path traversal/,
  },
  {
    title: 'traversal out of working-dir',
    entries: () => [{ header: { name: 'working-dir/../../escape.txt' }, content: 'x' }],
    entry: () => 'working-dir/../../escape.txt',
    reason: /path traversal/,
  },
  {
    title: 'traversal out of the cache',
    entries: () => [{ header: { name: 'docker/registry/v2/repositories/../../../../../../escape.txt' }, content: 'x' }],
    entry: () => 'docker/registry/v2/repositories/../../../../../../escape.txt',
    reason: /path traversal/,
  },
  {
    title: 'absolute path',
    entries: (sb) => [{ header: { name: join(sb.root, 'absolute.txt') }, content: 'x' }],
    entry: (sb) => join(sb.root, 'absolute.txt'),
    reason: /absolute path/,
  },
  {
    title: 'symlink',
    entries: () => [{ header: { name: 'working-dir/link', type: 'symlink', linkname: '/etc/passwd' } }],
    entry: () => 'working-dir/link',
    reason: /symbolic link to "\/etc\/passwd"/,
  },
  {
    title: 'hard link',
    entries: () => [
      { header: { name: 'working-dir/a.txt' }, content: 'a' },
      { header: { name: 'working-dir/hard', type: 'link', linkname: '/etc/passwd' } },
    ],
    entry: () => 'working-dir/hard',
    reason: /hard link to "\/etc\/passwd"/,
  },
  {
    title: 'character device',
    entries: () => [{ header: { name: 'working-dir/null', type: 'character-device', devmajor: 1, devminor: 3 } }],
    entry: () => 'working-dir/null',
    reason: /character-device/,
  },
  {
    title: 'fifo',
    entries: () => [{ header: { name: 'working-dir/pipe', type: 'fifo' } }],
    entry: () => 'working-dir/pipe',
    reason: /fifo/,
  },
  {
    title: 'directory entry with traversal',
    entries: () => [{ header: { name: 'working-dir/../../dir', type: 'directory' } }],
    entry: () => 'working-dir/../../dir',
    reason: /path traversal/,
  },
  {
    title: 'blob whose bytes do not match the digest in its path',
    entries: () => [{ header: { name: blobTarPath(digestOf('the real bytes')) }, content: 'forged bytes!!' }],
    entry: () => blobTarPath(digestOf('the real bytes')),
    reason: /does not match the digest/,
  },
  {
    title: 'blob in the wrong two-letter directory',
    entries: () => {
      const hex = digestOf('bytes').slice(7);
      return [{ header: { name: `docker/registry/v2/blobs/sha256/zz/${hex}/data` }, content: 'bytes' }];
    },
    entry: () => `docker/registry/v2/blobs/sha256/zz/${digestOf('bytes').slice(7)}/data`,
    reason: /not a blob path/,
  },
];

for (const c of refusals) {
  test(`refused: ${c.title}`, async (t) => {
    const sb = await sandbox(t);
    await expectRefused(sb, await buildTar(c.entries(sb)), c.entry(sb), c.reason);
    // Headers are all checked first: even the hard-link case's legitimate file before the hostile entry
    // is not written.
    await assertOnlyFiles(sb);
  });
}

test('refused before reading: a header announcing more bytes than the chunk holds', async (t) => {
  const sb = await sandbox(t);
  const honest = await buildTar([{ header: { name: 'working-dir/big.bin' }, content: 'abc' }]);
  await expectRefused(
    sb,
    forgeHeaderSize(honest, 0, 0o7777777777),
    'working-dir/big.bin',
    /announces 1073741823 bytes but only \d+ bytes remain/,
  );
  await assertOnlyFiles(sb);
});

test('a chunk truncated inside a file: refused from the header, the cut file never lands', async (t) => {
  const sb = await sandbox(t);
  const full = await buildTar([
    { header: { name: 'working-dir/first.txt' }, content: 'complete' },
    { header: { name: 'working-dir/cut.bin' }, content: Buffer.alloc(5000, 1) },
  ]);
  const cut = full.subarray(0, 512 + 512 + 512 + 2000); // first header+data, second header, 2000 of 5000 bytes
  await expectRefused(
    sb,
    cut,
    'working-dir/cut.bin',
    /announces 5000 bytes but only 2000 bytes remain in the chunk \(truncated/,
  );
  await assertOnlyFiles(sb);
});

test('a chunk truncated inside a header is an ArchiveError naming the chunk', async (t) => {
  const sb = await sandbox(t);
  const full = await buildTar([
    { header: { name: 'working-dir/first.txt' }, content: 'complete' },
    { header: { name: 'working-dir/second.txt' }, content: 'never seen' },
  ]);
  await writeFile(sb.chunk, full.subarray(0, 512 + 512 + 300));
  await assert.rejects(
    extractArchives({ fromDir: sb.archives, cacheRoot: sb.cacheRoot, workspaceRoot: sb.workspaceRoot, signal }),
    (err: unknown) =>
      err instanceof ArchiveError &&
      err.message.includes(sb.chunk) &&
      /end of the file inside the header at byte 1024 \(truncated or corrupt\)/.test(err.message),
  );
  await assertOnlyFiles(sb);
});

test('a corrupt header (bad checksum) is an ArchiveError naming the chunk', async (t) => {
  const sb = await sandbox(t);
  const bytes = await buildTar([{ header: { name: 'working-dir/x.txt' }, content: 'x' }]);
  bytes[0] ^= 0xff;
  await writeFile(sb.chunk, bytes);
  await assert.rejects(
    extractArchives({ fromDir: sb.archives, cacheRoot: sb.cacheRoot, workspaceRoot: sb.workspaceRoot, signal }),
    (err: unknown) =>
      err instanceof ArchiveError && err.message.includes(sb.chunk) && /truncated or corrupt/.test(err.message),
  );
  await assertOnlyFiles(sb);
});

test('a forged blob is found when its bytes are read: the checked entries before it landed, nothing after', async (t) => {
  const sb = await sandbox(t);
  const bytes = await buildTar([
    { header: { name: 'working-dir/before.txt' }, content: 'before' },
    { header: { name: blobTarPath(digestOf('the real bytes')) }, content: 'forged bytes!!' },
    { header: { name: 'working-dir/after.txt' }, content: 'after' },
  ]);
  await expectRefused(sb, bytes, blobTarPath(digestOf('the real bytes')), /does not match the digest/);
  await assertOnlyFiles(sb, ['workspace/working-dir/before.txt']);
});

test('a hostile entry in a later chunk: nothing of the earlier chunks is written either', async (t) => {
  const sb = await sandbox(t);
  const later = join(sb.archives, 'mirror_000002.tar');
  await writeFile(sb.chunk, await buildTar([{ header: { name: 'working-dir/fine.txt' }, content: 'fine' }]));
  await writeFile(later, await buildTar([{ header: { name: 'working-dir/../../escape.txt' }, content: 'x' }]));
  await assert.rejects(
    extractArchives({ fromDir: sb.archives, cacheRoot: sb.cacheRoot, workspaceRoot: sb.workspaceRoot, signal }),
    (err: unknown) =>
      err instanceof ArchiveError &&
      err.message.includes(later) &&
      err.message.includes('"working-dir/../../escape.txt"') &&
      /path traversal/.test(err.message),
  );
  const files = [...(await treeDigests(sb.root)).keys()].sort();
  assert.deepEqual(files, ['archives/mirror_000001.tar', 'archives/mirror_000002.tar']);
});
