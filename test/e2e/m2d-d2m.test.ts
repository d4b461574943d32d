/**
 * Mirror to disk, then disk to mirror into an empty registry with a fresh cache (archive issue acceptance).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startRegistry } from '../harness/registry-server.js';
import { pushBigLayerImage, pushImage, pushImagesSharingBase, pushMultiArchImage } from '../harness/fixture-images.js';
import { skopeoManifestDigest, skopeoOptionsFor } from '../harness/skopeo.js';
import { tempDirForTest } from '../harness/temp-dir.js';
import { verifyBlobTree } from '../reliability/cancel/blob-tree-check.js';
import { runCli } from './cli-runner.js';

const exec = promisify(execFile);

async function tarEntries(path: string): Promise<string[]> {
  const { stdout } = await exec('tar', ['-tf', path], { maxBuffer: 64 * 1024 * 1024 });
  return stdout.split('\n').filter(Boolean);
}

async function chunksIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => /^mirror_\d{6}\.tar$/.test(f)).sort();
}

/** `-c <config> file://<archive>` from an insecure source, with its own cache, headless. */
function m2dArgs(configPath: string, archiveDir: string, cacheDir: string): string[] {
  return ['-c', configPath, `file://${archiveDir}`, '--src-tls-verify=false', '--cache-dir', cacheDir, '--no-ui'];
}

function isc(lines: string[]): string {
  return [
    'kind: ImageSetConfiguration',
    'apiVersion: mirror.openshift.io/v2alpha1',
    'mirror:',
    '  additionalImages:',
    ...lines.map((l) => `  - name: ${l}`),
    '',
  ].join('\n');
}

test('m2d then d2m round trip: identical digests, incremental second archive, split chunks', async (t) => {
  const source = await startRegistry();
  t.after(() => source.stop());
  const target = await startRegistry();
  t.after(() => target.stop());
  const work = await tempDirForTest(t, 'm2d');
  const [a, b] = await pushImagesSharingBase(source, ['shared/a:1', 'shared/b:1'], { baseLayerCount: 2 });
  const multi = await pushMultiArchImage(source, 'multi/list:2', { format: 'docker' });
  const extra = await pushImage(source, 'later/extra:1', { layers: 3 });

  const archiveDir = join(work, 'archive');
  const configPath = join(work, 'isc.yaml');
  const names = [`${source.host}/shared/a:1`, `${source.host}/shared/b:1`, `${source.host}/multi/list:2`];
  await writeFile(configPath, isc(names));
  const m2dRun = m2dArgs(configPath, archiveDir, join(work, 'cache-m2d'));

  // Small chunks: every blob over 3 KiB forces a roll-over, so several chunks are produced.
  const first = await runCli(m2dRun, { env: { OCM_TUI_ARCHIVE_CHUNK_BYTES: String(3 * 1024) } });
  assert.equal(first.code, 0, first.stderr + first.stdout);
  const chunks = await chunksIn(archiveDir);
  assert.ok(chunks.length >= 2, `expected several chunks, got ${chunks.join(',')}`);
  const allEntries = (await Promise.all(chunks.map((c) => tarEntries(join(archiveDir, c))))).flat();
  const blobEntries = allEntries.filter((e) =>
    /^docker\/registry\/v2\/blobs\/sha256\/[0-9a-f]{2}\/[0-9a-f]{64}\/data$/.test(e),
  );
  const expectedBlobs = new Set([
    ...[a, b].flatMap((img) => [img.digest, ...img.blobs.map((x) => x.digest)]),
    multi.digest,
    ...multi.manifests.flatMap((m) => [m.digest, m.config.digest, ...m.layers.map((l) => l.digest)]),
  ]);
  const shipped = new Set(blobEntries.map((e) => `sha256:${e.split('/')[6]}`));
  assert.deepEqual([...shipped].sort(), [...expectedBlobs].sort());
  assert.equal(blobEntries.length, shipped.size, 'no blob is archived twice');
  assert.ok(
    allEntries.some((e) => e.startsWith('working-dir/')),
    'working-dir travels in the archive',
  );
  assert.ok(
    allEntries.some((e) => /^isc_\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(e)),
    'config copy at the root',
  );
  assert.ok(
    allEntries.some((e) => e.startsWith('docker/registry/v2/repositories/shared/a/_manifests/tags/1/current/link')),
  );

  // Disk to mirror from a copy of the archive, chunks renamed into reverse listing order is irrelevant:
  // d2m sorts them; we shuffle creation order by moving them into a fresh dir last-first.
  const transfer = join(work, 'transfer');
  await mkdir(transfer);
  for (const c of [...chunks].reverse()) await rename(join(archiveDir, c), join(transfer, c));
  const d2m = await runCli([
    '-c',
    configPath,
    '--from',
    `file://${transfer}`,
    `docker://${target.host}/mirror`,
    '--dest-tls-verify=false',
    '--cache-dir',
    join(work, 'cache-d2m'),
    '--no-ui',
  ]);
  assert.equal(d2m.code, 0, d2m.stderr + d2m.stdout);
  const opts = skopeoOptionsFor(target);
  assert.equal(await skopeoManifestDigest(`${target.host}/mirror/shared/a:1`, opts), a.digest);
  assert.equal(await skopeoManifestDigest(`${target.host}/mirror/shared/b:1`, opts), b.digest);
  assert.equal(await skopeoManifestDigest(`${target.host}/mirror/multi/list:2`, opts), multi.digest);
  for (const child of multi.manifests) {
    assert.equal(await skopeoManifestDigest(`${target.host}/mirror/multi/list@${child.digest}`, opts), child.digest);
  }
  const itms = join(transfer, 'working-dir', 'cluster-resources', 'itms-oc-mirror.yaml');
  assert.ok((await stat(itms)).size > 0);

  // Second m2d with the same config: no blob entries at all.
  const second = await runCli(m2dRun);
  assert.equal(second.code, 0, second.stderr);
  const secondEntries = (
    await Promise.all((await chunksIn(archiveDir)).map((c) => tarEntries(join(archiveDir, c))))
  ).flat();
  assert.equal(secondEntries.filter((e) => e.startsWith('docker/registry/v2/blobs/')).length, 0);

  // Expanded config: only the new image's blobs are shipped.
  await writeFile(configPath, isc([...names, `${source.host}/later/extra:1`]));
  const third = await runCli(m2dRun);
  assert.equal(third.code, 0, third.stderr);
  const thirdBlobs = (await Promise.all((await chunksIn(archiveDir)).map((c) => tarEntries(join(archiveDir, c)))))
    .flat()
    .filter((e) => e.startsWith('docker/registry/v2/blobs/'))
    .map((e) => `sha256:${e.split('/')[6]}`)
    .sort();
  assert.deepEqual(thirdBlobs, [extra.digest, ...extra.blobs.map((x) => x.digest)].sort());
});

test('d2m with layers above 4 MiB: pushed straight from the archive, and the cache holds the whole archive even when the run stops early', async (t) => {
  const source = await startRegistry();
  t.after(() => source.stop());
  const target = await startRegistry();
  t.after(() => target.stop());
  const work = await tempDirForTest(t, 'd2m-big');
  const big = await pushBigLayerImage(source, 'big/layer:1', 6 * 1024 * 1024 + 11);
  const configPath = join(work, 'isc.yaml');
  await writeFile(configPath, isc([`${source.host}/big/layer:1`]));
  const archiveDir = join(work, 'archive');
  const m2d = await runCli(m2dArgs(configPath, archiveDir, join(work, 'cache-m2d')));
  assert.equal(m2d.code, 0, m2d.stderr);
  const shipped = (await Promise.all((await chunksIn(archiveDir)).map((c) => tarEntries(join(archiveDir, c)))))
    .flat()
    .filter((e) => /^docker\/registry\/v2\/blobs\/sha256\/[0-9a-f]{2}\/[0-9a-f]{64}\/data$/.test(e));
  /** The cache's blobs as tar paths; every one must hash to the digest in its path. */
  const cachedBlobs = async (cacheDir: string) => {
    const tree = await verifyBlobTree(join(cacheDir, '.oc-mirror', '.cache'));
    assert.deepEqual(tree.bad, []);
    return tree.good.map((d) => `docker/registry/v2/blobs/sha256/${d.slice(7, 9)}/${d.slice(7)}/data`);
  };

  // The destination cannot be reached: the run fails before copying, but the import still completed the cache.
  const failedCache = join(work, 'cache-unreachable');
  const unreachable = await runCli([
    '-c',
    configPath,
    '--from',
    `file://${archiveDir}`,
    'docker://127.0.0.1:1/mirror',
    '--dest-tls-verify=false',
    '--retry-times',
    '0',
    '--cache-dir',
    failedCache,
    '--no-ui',
  ]);
  assert.equal(unreachable.code, 1, unreachable.stderr);
  assert.deepEqual((await cachedBlobs(failedCache)).sort(), shipped.sort());

  const d2mCache = join(work, 'cache-d2m');
  const d2m = await runCli([
    '-c',
    configPath,
    '--from',
    `file://${archiveDir}`,
    `docker://${target.host}/mirror`,
    '--dest-tls-verify=false',
    '--cache-dir',
    d2mCache,
    '--no-ui',
  ]);
  assert.equal(d2m.code, 0, d2m.stderr);
  assert.equal(await skopeoManifestDigest(`${target.host}/mirror/big/layer:1`, skopeoOptionsFor(target)), big.digest);
  assert.deepEqual((await cachedBlobs(d2mCache)).sort(), shipped.sort());
});
