import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import tar from 'tar-stream';
import { encodeTarEntryHeader, tarPadding } from '../../core/archive/tar-entry-header.js';
import { tempDirForTest } from '../harness/temp-dir.js';

const exec = promisify(execFile);

/** The first entry header tar-stream's extractor reads from `bytes` (the content may be absent). */
async function firstHeader(bytes: Buffer): Promise<tar.Header> {
  const extract = tar.extract();
  const found = new Promise<tar.Header>((resolve, reject) => {
    extract.on('entry', (header, stream) => {
      resolve(header);
      stream.resume();
      extract.destroy();
    });
    extract.on('error', reject);
  });
  Readable.from([bytes]).pipe(extract);
  return found;
}

/** One complete archive of `entries` (header, content, padding, trailer). */
function archiveOf(entries: { name: string; content: Buffer; mode?: number; uid?: number; gid?: number }[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const facts = {
      size: e.content.length,
      mode: e.mode ?? 0o100644,
      mtimeMs: 1738317600999,
      uid: e.uid ?? 1000,
      gid: e.gid ?? 1000,
    };
    parts.push(encodeTarEntryHeader(e.name, facts), e.content, Buffer.alloc(tarPadding(e.content.length)));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

const BLOB_PATH = `docker/registry/v2/blobs/sha256/ab/${'ab'.repeat(32)}/data`;

test('files of 8 GiB and more get a PAX size record (USTAR cannot hold the size)', async () => {
  const size = 9 * 1024 ** 3 + 7;
  const bytes = encodeTarEntryHeader(BLOB_PATH, {
    size,
    mode: 0o100644,
    mtimeMs: 1738317600999,
    uid: 1000,
    gid: 3000000,
  });
  assert.equal(String.fromCharCode(bytes[156]), 'x'); // PAX extended header first
  const records = bytes.subarray(512, 1024).toString('utf8');
  assert.match(records, new RegExp(`^\\d+ size=${size}\\n\\d+ gid=3000000\\n`));
  for (const record of records.replace(/\0+$/, '').split(/(?<=\n)/)) {
    assert.equal(Buffer.byteLength(record), Number(record.split(' ')[0]), `record length of ${JSON.stringify(record)}`);
  }
  assert.equal(bytes.length, 1536);
  assert.equal(String.fromCharCode(bytes[1024 + 156]), '0'); // then the regular file header
  assert.equal(bytes.subarray(1024 + 257, 1024 + 262).toString(), 'ustar');
  const header = await firstHeader(bytes);
  assert.equal(header.name, BLOB_PATH);
  assert.equal(header.size, size);
  assert.equal((header.pax as Record<string, string> | undefined)?.gid, '3000000'); // tar-stream keeps PAX ids as records (GNU tar applies them: next test)
  assert.equal(header.mode, 0o644);
  assert.equal(header.mtime?.getTime(), 1738317600000);
});

test('ordinary files are one plain USTAR block; a 103-character blob path uses the prefix field', async () => {
  const block = encodeTarEntryHeader('working-dir/a.txt', { size: 12, mode: 0o100600, mtimeMs: 0, uid: 1, gid: 2 });
  assert.equal(block.length, 512);
  assert.equal(block.subarray(0, 17).toString(), 'working-dir/a.txt');
  assert.equal(String.fromCharCode(block[156]), '0');
  assert.equal(block.subarray(124, 136).toString('latin1'), '00000000014\0');
  const blob = encodeTarEntryHeader(BLOB_PATH, { size: 1, mode: 0o644, mtimeMs: 0, uid: 0, gid: 0 });
  assert.equal(blob.length, 512);
  assert.equal(
    blob.subarray(345, 345 + 'docker/registry/v2/blobs/sha256/ab'.length).toString(),
    'docker/registry/v2/blobs/sha256/ab',
  );
  assert.equal((await firstHeader(blob)).name, BLOB_PATH);
});

test('names that do not split into prefix + name, and non-ASCII names, get a PAX path', async () => {
  const long = `working-dir/${'x'.repeat(120)}/${'y'.repeat(120)}.yaml`;
  const unicode = 'working-dir/logs/über.log';
  for (const name of [long, unicode]) {
    const bytes = encodeTarEntryHeader(name, { size: 3, mode: 0o644, mtimeMs: 0, uid: 0, gid: 0 });
    assert.equal(String.fromCharCode(bytes[156]), 'x', name);
    assert.equal((await firstHeader(bytes)).name, name);
  }
});

test('GNU tar lists and extracts an archive of these headers byte for byte', async (t) => {
  const dir = await tempDirForTest(t, 'ocm-tar-header-');
  const entries = [
    { name: 'working-dir/a.txt', content: Buffer.from('hello archive') },
    { name: BLOB_PATH, content: Buffer.alloc(700, 7), mode: 0o100600 },
    { name: `working-dir/${'n'.repeat(150)}/file`, content: Buffer.from('long') },
    { name: 'working-dir/logs/über.log', content: Buffer.alloc(0), uid: 3_000_000 },
  ];
  const file = join(dir, 'set.tar');
  await writeFile(file, archiveOf(entries));
  const { stdout } = await exec('tar', ['-tvf', file, '--numeric-owner']);
  const lines = stdout.trim().split('\n');
  assert.deepEqual(
    lines.map((l) =>
      l.slice(l.indexOf(' working-dir') >= 0 ? l.indexOf(' working-dir') + 1 : l.indexOf(' docker') + 1),
    ),
    entries.map((e) => e.name),
  );
  assert.match(lines[1], /^-rw------- 1000\/1000\s+700 /);
  assert.match(lines[3], /^-rw-r--r-- 3000000\/1000\s+0 /);
  await exec('tar', ['-xf', file, '-C', dir]);
  const { readFile } = await import('node:fs/promises');
  for (const e of entries) assert.deepEqual(await readFile(join(dir, e.name)), e.content, e.name);
});
