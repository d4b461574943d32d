/**
 * Mirror to disk and disk to mirror interrupted at seeded points (issue: resume and cancellation):
 *   m2d  SIGTERM mid-transfer, SIGINT and SIGKILL while the archive is being written, then a complete run;
 *   d2m  SIGINT and SIGKILL mid-upload, then a complete run.
 * After each interruption: exit 130 (or killed); the previous good archive set is byte-identical and no other
 * `mirror_*.tar` exists; the cache passes support/cache-integrity.ts (every blob re-hashed, links intact, and
 * after a graceful stop no scratch file left) and every blob at the destination hashes to its digest; the
 * shipped history is unchanged. Each re-run fetches (m2d, counted at a proxy in front of the source) or uploads (d2m,
 * counted at a proxy in front of the destination) only what earlier runs had not finished.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { copyFile, mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startRegistry } from '../../harness/registry-server.js';
import { pushBigLayerImage, pushImage, type PushedImage } from '../../harness/fixture-images.js';
import { skopeoManifestDigest, skopeoOptionsFor } from '../../harness/skopeo.js';
import { tempDirForTest } from '../../harness/temp-dir.js';
import { blobGets, blobUploads, startCountingProxy } from './counting-proxy.js';
import {
  copiedBlobs,
  describeExit,
  runCliJson,
  startedBlobs,
  type InterruptedRun,
  type JsonEvent,
} from './cli-process.js';
import { archiveStarted, midBlobAfterOneCompleted } from './interrupt-points.js';
import { verifyBlobTree } from './blob-tree-check.js';
import { assertCacheIntegrity } from '../support/cache-integrity.js';
import { hashFiles, namesIn } from './file-hashes.js';
import { RELIABILITY_SEED, seededPicker } from './seeded-points.js';

const exec = promisify(execFile);
const MiB = 1024 * 1024;
/** Big enough that writing the archive takes far longer than delivering a signal. */
const BIG = 5 * MiB; // above the 4 MiB up to which d2m extracts blobs before pushing: these stream from the archive
/** Per connection: a big layer takes about two seconds while throttled. */
const SLOW_RATE = 2 * MiB;
const CHUNKS = /^mirror_\d{6}\.tar$/;
const PARTIALS = /^\.ocm-partial-\d{6}\.tar$/;

function isc(refs: string[]): string {
  return [
    'kind: ImageSetConfiguration',
    'apiVersion: mirror.openshift.io/v2alpha1',
    'mirror:',
    '  additionalImages:',
    ...refs.map((r) => `  - name: ${r}`),
    '',
  ].join('\n');
}

test('m2d and d2m: interrupted at seeded points, old archive intact, re-runs fetch only what is missing', async (t) => {
  const pick = seededPicker('m2d-d2m');
  t.diagnostic(`OCM_RELIABILITY_SEED=${RELIABILITY_SEED}`);
  const source = await startRegistry();
  t.after(() => source.stop());
  const target = await startRegistry();
  t.after(() => target.stop());
  const srcProxy = await startCountingProxy(source.host);
  t.after(() => srcProxy.stop());
  const dstProxy = await startCountingProxy(target.host);
  t.after(() => dstProxy.stop());
  const work = await tempDirForTest(t, 'ocm-rel-m2d-');
  const env = { HOME: work, OCM_TUI_ARCHIVE_CHUNK_BYTES: String(5 * MiB) };

  const base = await pushImage(source, 'rel/base:1', { layers: 2 });
  const bigs: PushedImage[] = [];
  for (let i = 1; i <= 3; i++) bigs.push(await pushBigLayerImage(source, `rel/big-${i}:v${i}`, BIG));
  const refOf = (img: PushedImage) => `${srcProxy.host}/${img.repository}:${img.tag}`;
  const baseIsc = join(work, 'isc-base.yaml');
  const fullIsc = join(work, 'isc-full.yaml');
  await writeFile(baseIsc, isc([refOf(base)]));
  await writeFile(fullIsc, isc([base, ...bigs].map(refOf)));

  const archiveDir = join(work, 'archive');
  const cacheRoot = join(work, 'cache', '.oc-mirror', '.cache');
  const m2d = (config: string) => [
    '-c',
    config,
    `file://${archiveDir}`,
    '--src-tls-verify=false',
    '--cache-dir',
    join(work, 'cache'),
    '--no-ui',
    '--output',
    'json',
    '--parallel-images',
    '1',
    '--retry-delay',
    '100ms',
  ];

  // A first, good archive set.
  const first = await runCliJson(m2d(baseIsc), { env });
  assert.equal(first.code, 0, describeExit(first));
  t.diagnostic(`m2d first: ${first.durationMs} ms`);
  const goodSet = await hashFiles(archiveDir, CHUNKS);
  assert.ok(Object.keys(goodSet).length > 0, 'the first run wrote an archive');
  // The user carries the first set over now (the incremental sets after it lack its blobs).
  const firstTransfer = join(work, 'transfer-1');
  await mkdir(firstTransfer);
  for (const name of Object.keys(goodSet)) await copyFile(join(archiveDir, name), join(firstTransfer, name));
  const historyDir = join(archiveDir, 'working-dir', '.history');
  const goodHistory = await hashFiles(historyDir, /^\.history-/);
  assert.equal(Object.keys(goodHistory).length, 1);

  /** A SIGKILL may leave a partial download in the cache's scratch directory; a graceful stop leaves none. */
  const expectUntouched = async (label: string, run: InterruptedRun, signal: NodeJS.Signals) => {
    assert.deepEqual(await hashFiles(archiveDir, CHUNKS), goodSet, `${label}: the previous archive set changed`);
    assert.deepEqual(await hashFiles(historyDir, /^\.history-/), goodHistory, `${label}: the history changed`);
    const cache = await assertCacheIntegrity(cacheRoot, { allowTempFiles: signal === 'SIGKILL' });
    for (const d of copiedBlobs(run.events))
      assert.ok(cache.digests.has(d), `${label}: ${d} reported copied is cached`);
  };
  const expectInterrupted = (label: string, run: InterruptedRun, signal: NodeJS.Signals) => {
    t.diagnostic(`${label}: ${run.durationMs} ms`);
    assert.ok(run.trigger, `${label}: the run ended before the interruption point\n${describeExit(run)}`);
    if (signal === 'SIGKILL') assert.equal(run.signal, 'SIGKILL', describeExit(run));
    else assert.equal(run.code, 130, `${label}: ${signal} must exit 130\n${describeExit(run)}`);
  };

  // m2d 1 and 2: SIGTERM, then SIGKILL, half-way through a big layer (each run finishes one more image first).
  srcProxy.setRate(SLOW_RATE);
  const copiedEarlier = new Set<string>();
  const startedEarlier = new Set<string>();
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    srcProxy.requests.length = 0;
    // SIGKILL on a progress event (not the start): bytes are flowing into a scratch file by then.
    const n = signal === 'SIGKILL' ? pick(2, 3) : pick(1, 3);
    t.diagnostic(`m2d: ${signal} at big-blob event #${n} after the first big blob`);
    const run = await runCliJson(m2d(fullIsc), { env, interrupt: { signal, when: midBlobAfterOneCompleted(n, BIG) } });
    expectInterrupted(`m2d copy (${signal})`, run, signal);
    const fetched = blobGets(srcProxy.requests);
    assert.deepEqual(
      fetched.filter((d) => copiedEarlier.has(d)),
      [],
      `m2d ${signal}: a finished blob was fetched again`,
    );
    // The archive is written while copying: a graceful stop removes its partial chunks; a SIGKILL leaves them
    // (never under a mirror_* name), for the next run to remove (m2d 5 checks that).
    if (signal !== 'SIGKILL') {
      assert.deepEqual(await namesIn(archiveDir, PARTIALS), [], 'a stopped copy removes its partial chunks');
    }
    await expectUntouched(`m2d copy (${signal})`, run, signal);
    const copied = copiedBlobs(run.events);
    assert.ok(
      [...copied].some((d) => isBigLayer(bigs, d)),
      `m2d ${signal}: a big layer was finished`,
    );
    for (const d of copied) copiedEarlier.add(d);
    for (const d of startedBlobs(run.events)) startedEarlier.add(d);
  }
  // The SIGKILL left its partial download in the cache's scratch directory. Made a day old, the next run
  // removes it (younger ones could belong to another run sharing the cache).
  const scratchDir = join(cacheRoot, '.ocm-tmp');
  const leftovers = await namesIn(scratchDir, /./);
  assert.ok(leftovers.length > 0, 'a download killed half-way leaves a scratch file');
  const dayAgo = new Date(Date.now() - 25 * 60 * 60 * 1000);
  for (const name of leftovers) await utimes(join(scratchDir, name), dayAgo, dayAgo);

  // m2d 3: the rest is fetched (only the rest), then SIGINT while the archive is written.
  srcProxy.setRate(Infinity);
  srcProxy.requests.length = 0;
  const archiveStop = await runCliJson(m2d(fullIsc), { env, interrupt: { signal: 'SIGINT', when: archiveStarted } });
  expectInterrupted('m2d archive (SIGINT)', archiveStop, 'SIGINT');
  const refetched = blobGets(srcProxy.requests).filter((d) => copiedEarlier.has(d));
  assert.deepEqual(refetched, [], 'blobs finished by the interrupted runs were fetched again');
  const allFull = new Set([base, ...bigs].flatMap((img) => img.blobs.map((b) => b.digest)));
  for (const d of allFull) {
    if (!startedEarlier.has(d)) {
      assert.ok(blobGets(srcProxy.requests).includes(d), `${d}, never started before, is fetched now`);
    }
  }
  assert.deepEqual(await namesIn(archiveDir, PARTIALS), [], 'a cancelled archive removes its partial chunks');
  await expectUntouched('m2d archive (SIGINT)', archiveStop, 'SIGINT');

  // m2d 4: SIGKILL while the archive is written: nothing is fetched (all cached), the old set survives.
  srcProxy.requests.length = 0;
  const archiveKill = await runCliJson(m2d(fullIsc), { env, interrupt: { signal: 'SIGKILL', when: archiveStarted } });
  expectInterrupted('m2d archive (SIGKILL)', archiveKill, 'SIGKILL');
  assert.deepEqual(blobGets(srcProxy.requests), [], 'every blob was in the cache already');
  await expectUntouched('m2d archive (SIGKILL)', archiveKill, 'SIGKILL');

  // m2d 5: completes; stale partials of the killed run are gone; the new set ships exactly the new blobs.
  srcProxy.requests.length = 0;
  const done = await runCliJson(m2d(fullIsc), { env });
  assert.equal(done.code, 0, describeExit(done));
  t.diagnostic(`m2d complete: ${done.durationMs} ms`);
  assert.deepEqual(blobGets(srcProxy.requests), []);
  t.diagnostic(`archive phase of the complete run: ${phaseDuration(done.events, 'archive')} ms`);
  assert.deepEqual(await namesIn(archiveDir, PARTIALS), []);
  const chunks = await namesIn(archiveDir, CHUNKS);
  const entries = (await Promise.all(chunks.map((c) => tarEntries(join(archiveDir, c))))).flat();
  const shipped = entries
    .filter((e) => /^docker\/registry\/v2\/blobs\/sha256\/[0-9a-f]{2}\/[0-9a-f]{64}\/data$/.test(e))
    .map((e) => `sha256:${e.split('/')[6]}`)
    .sort();
  const bigBlobs = [...new Set(bigs.flatMap((img) => [img.digest, ...img.blobs.map((b) => b.digest)]))].sort();
  assert.deepEqual(shipped, bigBlobs, 'the new archive ships the new images, not what the first archive shipped');
  await assertCacheIntegrity(cacheRoot);

  // d2m: the first set, then the new one with SIGINT and SIGKILL half-way through uploads, then complete.
  const d2mCacheRoot = join(work, 'cache-d2m', '.oc-mirror', '.cache');
  const d2m = (config: string, from: string) => [
    '-c',
    config,
    '--from',
    `file://${from}`,
    `docker://${dstProxy.host}/mirror`,
    '--dest-tls-verify=false',
    '--cache-dir',
    join(work, 'cache-d2m'),
    '--no-ui',
    '--output',
    'json',
    '--parallel-images',
    '1',
    '--retry-delay',
    '100ms',
  ];
  const d2mFirst = await runCliJson(d2m(baseIsc, firstTransfer), { env });
  assert.equal(d2mFirst.code, 0, describeExit(d2mFirst));
  await assertCacheIntegrity(d2mCacheRoot);
  dstProxy.setRate(SLOW_RATE);
  const uploadedEarlier = new Set<string>();
  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    const k = pick(1, 2);
    t.diagnostic(`d2m: ${signal} at big-blob event #${k} after the first big blob`);
    dstProxy.requests.length = 0;
    const run = await runCliJson(d2m(fullIsc, archiveDir), {
      env,
      interrupt: { signal, when: midBlobAfterOneCompleted(k, BIG) },
    });
    expectInterrupted(`d2m ${signal}`, run, signal);
    const uploads = blobUploads(dstProxy.requests);
    assert.deepEqual(
      uploads.filter((d) => uploadedEarlier.has(d)),
      [],
      `d2m ${signal}: a finished upload was repeated`,
    );
    await assertCacheIntegrity(d2mCacheRoot, { allowTempFiles: signal === 'SIGKILL' });
    const atTarget = await verifyBlobTree(target.storageDir);
    assert.deepEqual(atTarget.bad, [], `d2m ${signal}: corrupt blob at the destination`);
    const copied = copiedBlobs(run.events);
    assert.ok(copied.size > 0, `d2m ${signal}: the interrupted run made progress`);
    for (const d of copied) {
      assert.ok(atTarget.good.includes(d), `d2m ${signal}: ${d} reported copied is at the destination`);
      uploadedEarlier.add(d);
    }
    assert.deepEqual(await namesIn(archiveDir, CHUNKS), chunks, 'd2m never changes the archive set');
  }
  // The SIGKILL may have left the partial cache copy of a blob it was pushing straight from the archive in the
  // scratch directory: like m2d's, made a day old, the next run removes it.
  const d2mScratch = join(d2mCacheRoot, '.ocm-tmp');
  for (const name of await namesIn(d2mScratch, /./)) await utimes(join(d2mScratch, name), dayAgo, dayAgo);
  dstProxy.setRate(Infinity);
  dstProxy.requests.length = 0;
  const d2mDone = await runCliJson(d2m(fullIsc, archiveDir), { env });
  assert.equal(d2mDone.code, 0, describeExit(d2mDone));
  t.diagnostic(`d2m complete: ${d2mDone.durationMs} ms`);
  const uploads = blobUploads(dstProxy.requests);
  assert.deepEqual(
    uploads.filter((d) => uploadedEarlier.has(d)),
    [],
    'the d2m re-run uploaded a finished blob again',
  );
  const opts = skopeoOptionsFor(target);
  for (const img of [base, ...bigs]) {
    assert.equal(await skopeoManifestDigest(`${target.host}/mirror/${img.repository}:${img.tag}`, opts), img.digest);
  }
  await assertCacheIntegrity(d2mCacheRoot);
  assert.deepEqual((await verifyBlobTree(target.storageDir)).bad, []);
});

function isBigLayer(images: PushedImage[], digest: string): boolean {
  return images.some((img) => img.blobs.some((b) => b.digest === digest && b.size === BIG));
}

async function tarEntries(path: string): Promise<string[]> {
  const { stdout } = await exec('tar', ['-tf', path], { maxBuffer: 64 * 1024 * 1024 });
  return stdout.split('\n').filter(Boolean);
}

function phaseDuration(events: JsonEvent[], phase: string): number {
  const start = events.find((e) => e.type === 'phase' && e.phase === phase);
  const next = start && events.slice(events.indexOf(start) + 1).find((e) => e.type === 'phase');
  return start && next ? Number(next.at) - Number(start.at) : -1;
}
