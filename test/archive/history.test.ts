import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { historyFileName, readHistory, writeHistory } from '../../core/archive/history.js';
import { writeArchive } from '../../core/archive/archive-writer.js';
import { OcmError } from '../../core/errors.js';
import { tempDirForTest } from '../harness/temp-dir.js';
import { blobTarPath, createArchiveFixture } from './archive-fixture.js';

const run = promisify(execFile);
const signal = new AbortController().signal;
const d = (c: string): string => `sha256:${c.repeat(64)}`;

async function historyDir(t: Parameters<typeof tempDirForTest>[0]): Promise<string> {
  const workingDir = await tempDirForTest(t, 'ocm-history-');
  await mkdir(join(workingDir, '.history'));
  return workingDir;
}

test('readHistory takes the newest file; with since, the newest strictly before that instant', async (t) => {
  const workingDir = await historyDir(t);
  assert.deepEqual(await readHistory(join(workingDir, 'absent')), new Set());
  await writeFile(join(workingDir, '.history', '.history-2025-01-01T00:00:00Z'), `${d('a')}\n`);
  await writeFile(join(workingDir, '.history', '.history-2025-03-01T00:00:00Z'), `${d('a')}\n${d('b')}\n\n`);
  await writeFile(join(workingDir, '.history', '.history-2025-02-01T12:00:00+02:00'), `${d('c')}\n`);
  await writeFile(join(workingDir, '.history', 'notes.txt'), 'not a history file');
  assert.deepEqual(await readHistory(workingDir), new Set([d('a'), d('b')]));
  assert.deepEqual(await readHistory(workingDir, new Date('2025-03-01T00:00:00Z')), new Set([d('c')]));
  assert.deepEqual(await readHistory(workingDir, new Date('2025-02-01T10:00:00Z')), new Set([d('a')]));
  assert.deepEqual(await readHistory(workingDir, new Date('2025-01-01T00:00:00Z')), new Set());
});

test('a history file name without a valid time is an error naming the file', async (t) => {
  const workingDir = await historyDir(t);
  await writeFile(join(workingDir, '.history', '.history-yesterday'), '');
  await assert.rejects(
    readHistory(workingDir),
    (err: unknown) =>
      err instanceof OcmError && err.code === 'HISTORY_INVALID' && err.message.includes('".history-yesterday"'),
  );
});

test('writeHistory: .history-<RFC3339 UTC seconds>, one sorted digest per line', async (t) => {
  const workingDir = await tempDirForTest(t, 'ocm-history-w-');
  const now = new Date('2025-01-31T10:00:00.987Z');
  assert.equal(historyFileName(now), '.history-2025-01-31T10:00:00Z');
  const path = await writeHistory(workingDir, [d('b'), d('a'), d('b')], now);
  assert.equal(path, join(workingDir, '.history', '.history-2025-01-31T10:00:00Z'));
  assert.equal(await readFile(path, 'utf8'), `${d('a')}\n${d('b')}\n`);
  assert.deepEqual(await readdir(join(workingDir, '.history')), ['.history-2025-01-31T10:00:00Z']);
  assert.deepEqual(await readHistory(workingDir), new Set([d('a'), d('b')]));
});

test('incremental: a second run ships no blob already in the history, but links and working-dir again', async (t) => {
  const root = await tempDirForTest(t, 'ocm-incremental-');
  const fx = await createArchiveFixture(root);
  const runOnce = async (now: Date): Promise<string[]> => {
    const history = await readHistory(fx.workingDir);
    const toShip = fx.allBlobs.filter((b) => !history.has(b));
    const result = await writeArchive({
      ...fx,
      blobDigests: toShip,
      maxChunkBytes: 500 * 1024 ** 3,
      strict: false,
      signal,
      now,
    });
    await writeHistory(fx.workingDir, new Set([...history, ...toShip]), now);
    const { stdout } = await run('tar', ['-tf', result.chunks[0]]);
    return stdout.trimEnd().split('\n');
  };
  const first = await runOnce(new Date('2025-02-01T00:00:00Z'));
  const blobs = (names: string[]): string[] => names.filter((n) => n.startsWith('docker/registry/v2/blobs/'));
  assert.deepEqual(blobs(first), fx.allBlobs.map(blobTarPath));

  const second = await runOnce(new Date('2025-02-02T00:00:00Z'));
  assert.deepEqual(blobs(second), []);
  assert.ok(second.some((n) => n.startsWith('docker/registry/v2/repositories/')));
  // the first run's history file travels in the second archive; the second run's own does not
  assert.ok(second.includes('working-dir/.history/.history-2025-02-01T00:00:00Z'));
  assert.ok(!second.includes('working-dir/.history/.history-2025-02-02T00:00:00Z'));

  // --since before the first run: full archive again
  const history = await readHistory(fx.workingDir, new Date('2025-02-01T00:00:00Z'));
  assert.equal(fx.allBlobs.filter((b) => !history.has(b)).length, fx.allBlobs.length);
});
