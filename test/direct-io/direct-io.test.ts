import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { createReadStream } from 'node:fs';
import { AlignedBufferPool, STAGING_BYTES } from '../../core/direct-io/aligned-buffers.js';
import { BlockFile, directIoWanted } from '../../core/direct-io/block-file.js';
import { createRangeStream, RangeReader } from '../../core/direct-io/range-reader.js';
import { createBlobFileStream, SequentialFileWriter } from '../../core/direct-io/sequential-file-writer.js';
import { ArchiveSetWriter } from '../../core/archive/archive-set-writer.js';
import { ArchiveError } from '../../core/errors.js';
import { tempDirForTest } from '../harness/temp-dir.js';

const MiB = 1024 * 1024;
const signal = new AbortController().signal;

/** Runs `fn` with OCM_TUI_DIRECT_IO set to `value` (undefined: unset), restoring it afterwards. */
async function withDirectIo<T>(value: string | undefined, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.OCM_TUI_DIRECT_IO;
  if (value === undefined) delete process.env.OCM_TUI_DIRECT_IO;
  else process.env.OCM_TUI_DIRECT_IO = value;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.OCM_TUI_DIRECT_IO;
    else process.env.OCM_TUI_DIRECT_IO = saved;
  }
}

/** Splits `bytes` into pieces of pseudo-random sizes (1 byte to 300 KiB), as a network delivers them. */
function* pieces(bytes: Buffer, seed: number): Generator<Buffer> {
  let x = seed;
  for (let at = 0; at < bytes.length;) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const n = Math.min(bytes.length - at, 1 + (x % (300 * 1024)));
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('the switch: direct I/O is on unless OCM_TUI_DIRECT_IO says 0/off/false/no', () => {
  assert.equal(directIoWanted({}), true);
  assert.equal(directIoWanted({ OCM_TUI_DIRECT_IO: '1' }), true);
  for (const off of ['0', 'off', 'FALSE', ' no ']) assert.equal(directIoWanted({ OCM_TUI_DIRECT_IO: off }), false);
});

test('aligned buffers: 1 MiB views on 1 MiB boundaries of their memory, reused once handed back', () => {
  const pool = new AlignedBufferPool();
  const taken = Array.from({ length: 5 }, () => pool.take());
  assert.equal(pool.slabCount, 2);
  for (const buf of taken) {
    assert.equal(buf.length, STAGING_BYTES);
    assert.equal(buf.byteOffset % STAGING_BYTES, 0);
  }
  taken[0].fill(7);
  assert.equal(taken[1][0], 0, 'views do not overlap');
  pool.give(taken[0]);
  assert.equal(pool.take(), taken[0]);
  assert.equal(pool.slabCount, 2);
});

test('a direct file refuses an unaligned write instead of corrupting it', async (t) => {
  const dir = await tempDirForTest(t, 'ocm-dio-');
  const file = await BlockFile.create(join(dir, 'f'), { exclusive: true, direct: true });
  try {
    if (!file.direct) {
      t.diagnostic('this filesystem does not take O_DIRECT: the plain-file path was taken');
      return;
    }
    await assert.rejects(file.writeBlocks(Buffer.alloc(100), 100, 0), /unaligned direct write of 100 bytes at 0/);
    await assert.rejects(file.writeBlocks(Buffer.alloc(512), 512, 100), /unaligned direct write/);
  } finally {
    await file.close();
  }
});

for (const setting of [undefined, '0']) {
  test(`sequential file writer (OCM_TUI_DIRECT_IO=${setting ?? 'unset'}): exact bytes and length for sizes around block and buffer edges`, async (t) => {
    const dir = await tempDirForTest(t, 'ocm-dio-');
    await withDirectIo(setting, async () => {
      const sizes = [0, 1, 511, 512, 513, MiB - 1, MiB, MiB + 1, 3 * MiB + 517];
      for (const size of sizes) {
        const bytes = randomBytes(size);
        const path = join(dir, `blob-${size}`);
        const writer = await SequentialFileWriter.create(path, size);
        assert.equal(writer.direct, setting === undefined && size >= MiB, `direct for ${size}`);
        for (const piece of pieces(bytes, size + 1)) await writer.write(piece);
        assert.equal(writer.bytesWritten, size);
        await writer.finish();
        assert.equal((await stat(path)).size, size, `length of ${size}`);
        assert.equal(sha(await readFile(path)), sha(bytes), `content of ${size}`);
      }
    });
  });
}

test('blob file stream: a pipeline writes a large blob directly, byte for byte, and refuses an existing file', async (t) => {
  const dir = await tempDirForTest(t, 'ocm-dio-');
  const bytes = randomBytes(5 * MiB + 3);
  const path = join(dir, 'blob');
  await pipeline(Readable.from(pieces(bytes, 42)), createBlobFileStream(path, bytes.length));
  assert.equal(sha(await readFile(path)), sha(bytes));
  await assert.rejects(
    pipeline(Readable.from([bytes]), createBlobFileStream(path, bytes.length)),
    (err: NodeJS.ErrnoException) => err.code === 'EEXIST',
  );
  assert.equal(sha(await readFile(path)), sha(bytes), 'the existing file is untouched');
});

/** Reads every entry of a tar file: name → content. */
async function readTar(path: string): Promise<Map<string, Buffer>> {
  const entries = new Map<string, Buffer>();
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const parts: Buffer[] = [];
    stream.on('data', (b: unknown) => parts.push(b as Buffer));
    stream.on('end', () => {
      entries.set(header.name, Buffer.concat(parts));
      next();
    });
  });
  await pipeline(createReadStream(path), extract);
  return entries;
}

async function writeArchive(outputDir: string, contents: Map<string, Buffer>): Promise<string> {
  const writer = new ArchiveSetWriter({ outputDir, maxChunkBytes: 1 << 30, strict: false });
  await writer.open();
  const names = [...contents.keys()];
  const regions = names.map((name) =>
    writer.reserve(name, { size: contents.get(name)!.length, mode: 0o644, mtimeMs: 0, uid: 0, gid: 0 }),
  );
  // Every entry streamed at once, in pieces, as concurrent blob copies do; the first one is retried midway.
  await Promise.all(
    names.map(async (name, i) => {
      const region = regions[i]!;
      const bytes = contents.get(name)!;
      if (i === 0 && bytes.length > 2) {
        const { attempt, ready } = region.beginAttempt();
        await ready;
        await region.write(Buffer.alloc(bytes.length - 1, 0xee), 0, attempt);
      }
      const { attempt, ready } = region.beginAttempt();
      await ready;
      let at = 0;
      for (const piece of pieces(bytes, i + 7)) {
        await region.write(piece, at, attempt);
        at += piece.length;
      }
      region.markComplete();
    }),
  );
  const result = await writer.finish(signal);
  assert.equal(result.chunks.length, 1);
  return result.chunks[0];
}

test('archive chunks: the same tar bytes with direct I/O and without, every entry intact', async (t) => {
  const dir = await tempDirForTest(t, 'ocm-dio-');
  const contents = new Map<string, Buffer>();
  for (const size of [3 * MiB + 517, 0, 1, 511, 512, 513, MiB - 1, MiB, MiB + 1, 2 * MiB]) {
    contents.set(`blobs/sha256/${String(contents.size).padStart(2, '0')}-${size}`, randomBytes(size));
  }
  const direct = await withDirectIo(undefined, () => writeArchive(join(dir, 'direct'), contents));
  const plain = await withDirectIo('0', () => writeArchive(join(dir, 'plain'), contents));
  const [a, b] = [await readFile(direct), await readFile(plain)];
  assert.equal(a.length, b.length);
  assert.equal(a.length % 512, 0);
  assert.equal(sha(a), sha(b), 'direct and buffered archives are byte-identical');
  const entries = await readTar(direct);
  assert.deepEqual([...entries.keys()].sort(), [...contents.keys()].sort());
  for (const [name, bytes] of contents) assert.equal(sha(entries.get(name)!), sha(bytes), name);
});

test('archive chunks with direct I/O: content out of order, or a partial write outside an attempt, is refused', async (t) => {
  const dir = await tempDirForTest(t, 'ocm-dio-');
  await withDirectIo(undefined, async () => {
    const writer = new ArchiveSetWriter({ outputDir: dir, maxChunkBytes: 1 << 30, strict: false });
    await writer.open();
    const region = writer.reserve('blobs/x', { size: 4096, mode: 0o644, mtimeMs: 0, uid: 0, gid: 0 })!;
    // Which way the chunk went depends on the filesystem; only a direct chunk has the front-to-back rule.
    const probe = await BlockFile.create(join(dir, 'probe'), { exclusive: true, direct: true });
    const direct = probe.direct;
    await probe.close();
    if (!direct) {
      t.diagnostic('this filesystem does not take O_DIRECT');
      await writer.discard();
      return;
    }
    const { attempt } = region.beginAttempt();
    await region.write(Buffer.alloc(100), 0, attempt);
    await assert.rejects(region.write(Buffer.alloc(100), 200, attempt), (err: Error) => {
      assert.ok(err instanceof ArchiveError);
      assert.match(err.message, /blobs\/x: content written at byte 200 while byte 100 was next/);
      return true;
    });
    await assert.rejects(region.write(Buffer.alloc(10), 0), /must carry the whole entry/);
    await writer.discard();
  });
});

test('range reader: any range of a file, direct and plain alike, in pieces of the asked size', async (t) => {
  const dir = await tempDirForTest(t, 'ocm-dio-');
  const bytes = randomBytes(3 * MiB + 1234);
  const path = join(dir, 'chunk.tar');
  await writeFile(path, bytes);
  const ranges: [number, number][] = [
    [0, bytes.length],
    [512, MiB],
    [513, 2 * MiB + 7],
    [bytes.length - 1000, 1000],
    [MiB - 1, 2],
    [100, 0],
  ];
  for (const direct of [true, false]) {
    const reader = await RangeReader.open(path, direct);
    try {
      if (direct && !reader.isDirect) t.diagnostic('this filesystem does not take O_DIRECT reads');
      for (const [start, length] of ranges) {
        for (const pieceBytes of [256 * 1024, MiB]) {
          const parts: Buffer[] = [];
          for await (const piece of reader.pieces(start, length, pieceBytes)) {
            assert.ok(piece.length > 0 && piece.length <= pieceBytes, `piece of ${piece.length}`);
            parts.push(Buffer.from(piece));
          }
          assert.equal(
            sha(Buffer.concat(parts)),
            sha(bytes.subarray(start, start + length)),
            `direct=${direct} [${start}, +${length}) in ${pieceBytes}`,
          );
        }
      }
      // Past the end of the file: what there is, no error (the caller checks the length it got).
      const tail: Buffer[] = [];
      for await (const piece of reader.pieces(bytes.length - 10, 5000)) tail.push(Buffer.from(piece));
      assert.deepEqual(Buffer.concat(tail), bytes.subarray(bytes.length - 10));
    } finally {
      await reader.close();
    }
  }
  const streamed: Buffer[] = [];
  for await (const piece of createRangeStream(path, 777, 2 * MiB, 256 * 1024)) streamed.push(piece as Buffer);
  assert.equal(sha(Buffer.concat(streamed)), sha(bytes.subarray(777, 777 + 2 * MiB)));
  assert.equal(new Set(streamed.map((b) => b.buffer)).size, streamed.length, 'every streamed piece owns its memory');
});
