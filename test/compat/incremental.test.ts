/**
 * oc-mirror tests/integration/incremental_mirroring_test.go and breakpoint_resume_test.go: `--since`, an expanded
 * configuration, an operator update whose second archive holds only new blobs; an interrupted run resumed, and a
 * re-run over a warm cache.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rename, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCompatWorld, type CompatWorld } from './world.js';
import { scenario } from './context.js';
import { expectSuccess } from './runner.js';
import { CLI_PATH } from '../e2e/cli-runner.js';
import {
  collectTarBlobPaths,
  countBlobEntriesInArchives,
  expectCorrectTarArchiveContents,
  expectSuccessfulMirrorInLocalCache,
  expectTarDoesNotContainPath,
  findTarArchives,
  listTarEntries,
} from './assertions.js';

const HAPPY = 'happy_path/isc-happy-path.yaml';
let world: CompatWorld;
before(async () => {
  world = await startCompatWorld();
});
after(() => world.stop());

async function findNonEmpty(workDir: string): Promise<string[]> {
  const found = await findTarArchives(workDir);
  assert.ok(found.length > 0, `no tar archive found in ${workDir}`);
  return found;
}

test('incremental_mirroring_test.go: mirrorToDisk incremental with --since flag — should produce a smaller archive on incremental run with --since', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc(HAPPY);
  expectSuccess(await s.runner.mirrorToDisk(isc, s.workDir, '--remove-signatures=true'));
  const initial = await findNonEmpty(s.workDir);
  const initialBlobCount = await countBlobEntriesInArchives(initial);
  assert.ok(initialBlobCount > 0, 'initial archive should contain blobs');
  for (const f of initial) await unlink(f);
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  const since = d.toISOString().slice(0, 10);
  expectSuccess(await s.runner.mirrorToDisk(isc, s.workDir, '--remove-signatures=true', '--since', since));
  const incremental = await findNonEmpty(s.workDir);
  const incrementalBlobCount = await countBlobEntriesInArchives(incremental);
  assert.ok(
    incrementalBlobCount < initialBlobCount,
    `incremental archive should have fewer blobs (${incrementalBlobCount}) than initial (${initialBlobCount})`,
  );
  // no image layer blobs in the incremental archive
  const blobEntries: string[] = [];
  for (const f of incremental)
    blobEntries.push(...(await listTarEntries(f)).filter((e) => e.startsWith('docker/registry/v2/blobs/')));
  assert.deepEqual(blobEntries, [], 'expected no image blob entries in archive');
});

test('incremental_mirroring_test.go: mirrorToDisk incremental with expanded config — should produce an incremental archive with only new content when ISC scope expands', async (t) => {
  const s = await scenario(t, world);
  expectSuccess(
    await s.runner.mirrorToDisk(
      await s.isc('incremental/isc-incremental-narrow.yaml'),
      s.workDir,
      '--remove-signatures=true',
    ),
  );
  const initial = await findNonEmpty(s.workDir);
  const initialBlobCount = await countBlobEntriesInArchives(initial);
  assert.ok(initialBlobCount > 0, 'initial archive should contain blobs');
  for (const f of initial) await unlink(f);
  expectSuccess(
    await s.runner.mirrorToDisk(
      await s.isc('incremental/isc-incremental-expanded.yaml'),
      s.workDir,
      '--remove-signatures=true',
    ),
  );
  const incrementalBlobCount = await countBlobEntriesInArchives(await findNonEmpty(s.workDir));
  assert.ok(incrementalBlobCount > 0, 'incremental archive should contain new blobs from the expanded version range');
  assert.ok(
    incrementalBlobCount < initialBlobCount,
    `incremental archive blob count (${incrementalBlobCount}) should be less than initial (${initialBlobCount})`,
  );
});

test('incremental_mirroring_test.go: operator incremental mirrorToDisk — should produce a second tar with only incremental blob content', async (t) => {
  const s = await scenario(t, world);
  const findSingle = async (phase: string) => {
    const m = await findTarArchives(s.workDir);
    assert.equal(m.length, 1, `${phase} expected exactly one tar archive, got: ${m.join(', ')}`);
    return m[0];
  };
  const iscInitial = await s.isc('operators/isc-operator-incremental-initial.yaml');
  const iscUpdate = await s.isc('operators/isc-operator-incremental-update.yaml');
  expectSuccess(await s.runner.mirrorToDisk(iscInitial, s.workDir, '--remove-signatures=true'));
  const initialTar = await findSingle('initial');
  await expectCorrectTarArchiveContents(iscInitial, s.workDir);
  const preserveDir = await mkdtemp(join(tmpdir(), 'oc-mirror-preserved-tar-'));
  t.after(() => rm(preserveDir, { recursive: true, force: true }));
  const preservedTar = join(preserveDir, 'mirror_initial.tar');
  await rename(initialTar, preservedTar);
  expectSuccess(await s.runner.mirrorToDisk(iscUpdate, s.workDir, '--remove-signatures=true'));
  const incrementalTar = await findSingle('incremental');
  const prefix = 'docker/registry/v2/blobs/sha256';
  const initialBlobs = new Set(await collectTarBlobPaths(preservedTar, prefix));
  const incrementalBlobs = await collectTarBlobPaths(incrementalTar, prefix);
  assert.ok(incrementalBlobs.length > 0, 'incremental tar should contain at least one blob');
  for (const b of incrementalBlobs)
    assert.ok(!initialBlobs.has(b), `incremental tar re-included previously mirrored blob: ${b}`);
  // Narrowed (docs/compatibility.md): oc-mirror, like ocm-tui, extracts the *original* catalog's whole FBC to
  // working-dir/operator-catalogs/<name>/<digest>/catalog-config/ and archives the working-dir (catalog_handler.go
  // ExtractOCIConfigLayers, archive.go addAllFolder), so those paths name every package of the catalog; the check is
  // that nothing else — no image, no filtered catalog — of the new package is in the first archive.
  const originalFbc = /^working-dir\/operator-catalogs\/[^/]+\/[0-9a-f]{64}\/catalog-config\//;
  expectTarDoesNotContainPath(
    (await listTarEntries(preservedTar)).filter((e) => !originalFbc.test(e)),
    '/bar',
  );
  await expectCorrectTarArchiveContents(iscUpdate, s.workDir);
});

test('breakpoint_resume_test.go: mirrorToDisk — should complete successfully after being interrupted and resumed', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc(HAPPY);
  // upstream cancels the command's context after 1–2 s (SIGKILL of the process); the fixtures here copy in about
  // a second, so the interruption comes as soon as the copy phase starts, to land mid-run.
  const child = spawn(
    process.execPath,
    [
      CLI_PATH,
      '--config',
      isc,
      `file://${s.workDir}`,
      '--v2',
      '--src-tls-verify=false',
      '--remove-signatures=true',
      '--cache-dir',
      s.cacheFlag,
      '--parallel-images',
      '1',
    ],
    { env: { ...process.env, ...s.runner.env, CI: 'true', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const code = await new Promise<number | null>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('== copy')) child.kill('SIGKILL');
    });
    child.stderr.resume();
    child.on('close', (c) => resolve(c));
  });
  assert.notEqual(code, 0, `expected the first run to be interrupted:\n${out}`);
  // clean partial working-dir state (except signatures) and partial archives
  for (const entry of await readdir(join(s.workDir, 'working-dir'))) {
    if (entry !== 'signatures') await rm(join(s.workDir, 'working-dir', entry), { recursive: true, force: true });
  }
  for (const f of await findTarArchives(s.workDir)) await unlink(f);
  expectSuccess(await s.runner.mirrorToDisk(isc, s.workDir, '--remove-signatures=true'));
  await expectSuccessfulMirrorInLocalCache(isc, s.cacheDir);
  await expectCorrectTarArchiveContents(isc, s.workDir);
});

test('breakpoint_resume_test.go: mirrorToDisk — should produce correct results when re-run with existing cache', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc(HAPPY);
  expectSuccess(await s.runner.mirrorToDisk(isc, s.workDir, '--remove-signatures=true'));
  await expectSuccessfulMirrorInLocalCache(isc, s.cacheDir);
  await expectCorrectTarArchiveContents(isc, s.workDir);
  const initial = await findNonEmpty(s.workDir);
  const initialBlobCount = await countBlobEntriesInArchives(initial);
  assert.ok(initialBlobCount > 0);
  for (const f of initial) await unlink(f);
  expectSuccess(await s.runner.mirrorToDisk(isc, s.workDir, '--remove-signatures=true'));
  const cachedBlobCount = await countBlobEntriesInArchives(await findNonEmpty(s.workDir));
  assert.ok(
    cachedBlobCount < initialBlobCount,
    `cached archive should have fewer blobs (${cachedBlobCount}) than initial (${initialBlobCount})`,
  );
  await expectSuccessfulMirrorInLocalCache(isc, s.cacheDir);
  await expectCorrectTarArchiveContents(isc, s.workDir);
});
