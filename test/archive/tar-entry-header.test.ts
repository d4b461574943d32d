import { test } from 'node:test';
import assert from 'node:assert/strict';
import tar from 'tar-stream';
import { tarEntryHeader } from '../../core/archive/tar-entry-header.js';

/** The first `blocks` 512-byte blocks a tar-stream pack emits for one entry header (no content written). */
async function headerBlocks(header: ReturnType<typeof tarEntryHeader>, blocks: number): Promise<Buffer> {
  const pack = tar.pack();
  const entry = pack.entry(header);
  entry.on('error', () => undefined);
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of pack as unknown as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    length += chunk.length;
    if (length >= blocks * 512) break;
  }
  return Buffer.concat(chunks).subarray(0, blocks * 512);
}

test('files of 8 GiB and more get a PAX size record (USTAR cannot hold the size)', async () => {
  const size = 9 * 1024 ** 3 + 7;
  const header = tarEntryHeader('docker/registry/v2/blobs/sha256/ab/abc/data', {
    size,
    mode: 0o100644,
    mtimeMs: 1738317600999,
    uid: 1000,
    gid: 3000000,
  });
  assert.deepEqual(header.pax, { size: String(size), gid: '3000000' });
  assert.equal(header.mode, 0o644);
  assert.equal(header.mtime?.getTime(), 1738317600000);
  const blocks = await headerBlocks(header, 3);
  assert.equal(String.fromCharCode(blocks[156]), 'x'); // PAX extended header
  const records = blocks.subarray(512, 1024).toString('utf8');
  assert.match(records, new RegExp(`\\d+ size=${size}\\n`));
  assert.match(records, /\d+ path=docker\/registry\/v2\/blobs\/sha256\/ab\/abc\/data\n/);
  assert.match(records, /\d+ gid=3000000\n/);
  assert.equal(String.fromCharCode(blocks[1024 + 156]), '0'); // then the regular file header
  assert.equal(blocks.subarray(1024 + 257, 1024 + 262).toString(), 'ustar');
});

test('ordinary files are plain USTAR headers', async () => {
  const header = tarEntryHeader('working-dir/a.txt', { size: 12, mode: 0o100600, mtimeMs: 0, uid: 1, gid: 2 });
  assert.equal(header.pax, undefined);
  const block = await headerBlocks(header, 1);
  assert.equal(block.subarray(0, 17).toString(), 'working-dir/a.txt');
  assert.equal(String.fromCharCode(block[156]), '0');
  assert.equal(block.subarray(124, 135).toString(), '00000000014');
});
