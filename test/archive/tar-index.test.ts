import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, open, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { extractArchives } from '../../core/archive/archive-extractor.js';
import { readTarIndex, type TarIndexEntry } from '../../core/archive/tar-index.js';
import { tempDirForTest } from '../harness/temp-dir.js';
import { treeDigests } from './archive-fixture.js';

const exec = promisify(execFile);
const signal = new AbortController().signal;

const FILES: Record<string, Buffer> = {
  'working-dir/a.txt': Buffer.from('hello'),
  'working-dir/empty': Buffer.alloc(0),
  [`working-dir/${'d'.repeat(90)}/${'e'.repeat(60)}/name-beyond-100-characters.json`]: Buffer.from('{"long":1}'),
  [`working-dir/${'x'.repeat(120)}/${'y'.repeat(120)}/over-255.yaml`]: Buffer.from('pax or gnu needed'),
  'working-dir/logs/über-ünïcode.log': Buffer.from('utf-8 name'),
  'working-dir/blob.bin': randomBytes(700_001),
};

async function index(file: string): Promise<TarIndexEntry[]> {
  const handle = await open(file, 'r');
  try {
    const out: TarIndexEntry[] = [];
    for await (const e of readTarIndex(handle, (await stat(file)).size)) out.push(e);
    return out;
  } finally {
    await handle.close();
  }
}

for (const format of ['gnu', 'pax', 'posix', 'oldgnu'] as const) {
  test(`GNU tar --format=${format}: every name, size and content offset is read right, and extracts byte for byte`, async (t) => {
    const root = await tempDirForTest(t, `ocm-tar-index-${format}-`);
    const source = join(root, 'src');
    for (const [name, content] of Object.entries(FILES)) {
      await mkdir(join(source, name, '..'), { recursive: true });
      await writeFile(join(source, name), content);
    }
    const archives = join(root, 'archives');
    await mkdir(archives);
    const chunk = join(archives, 'mirror_000001.tar');
    await exec('tar', [`--format=${format}`, '-cf', chunk, '-C', source, 'working-dir']);

    const entries = await index(chunk);
    const files = entries.filter((e) => e.type === 'file');
    assert.deepEqual(files.map((e) => e.name).sort(), Object.keys(FILES).sort());
    const bytes = await (await import('node:fs/promises')).readFile(chunk);
    for (const e of files) {
      assert.deepEqual(bytes.subarray(e.dataOffset, e.dataOffset + e.size), FILES[e.name], e.name);
    }
    assert.ok(entries.some((e) => e.type === 'directory' && e.name.replace(/\/$/, '') === 'working-dir/logs'));

    const workspaceRoot = join(root, 'ws');
    await extractArchives({ fromDir: archives, cacheRoot: join(root, 'cache'), workspaceRoot, signal });
    assert.deepEqual(await treeDigests(workspaceRoot), await treeDigests(source));
  });
}

test('the ustar format (names split into prefix + name) and base-256 sizes', async (t) => {
  const root = await tempDirForTest(t, 'ocm-tar-index-ustar-');
  const source = join(root, 'src');
  const name = `working-dir/${'p'.repeat(140)}/file.txt`;
  await mkdir(join(source, name, '..'), { recursive: true });
  await writeFile(join(source, name), 'prefix');
  const chunk = join(root, 'u.tar');
  await exec('tar', ['--format=ustar', '-cf', chunk, '-C', source, name]);
  const [entry] = await index(chunk);
  assert.equal(entry.name, name);
  assert.equal(entry.size, 6);

  // GNU writes sizes of 8 GiB and more in base-256; forge one into a header (the chunk is then too short).
  const bytes = await (await import('node:fs/promises')).readFile(chunk);
  const header = bytes.subarray(0, 512);
  header.fill(0, 124, 136);
  header[124] = 0x80;
  header.writeUIntBE(9 * 1024 ** 3, 130, 6);
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  await writeFile(chunk, bytes);
  const [big] = await index(chunk);
  assert.equal(big.size, 9 * 1024 ** 3);
});
