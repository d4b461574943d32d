/**
 * Disk to mirror with the DESTINATION registry behind the fault proxy: uploads meet 500/503 on the blob
 * PUT and on chunk PATCHes, connections cut while the body is being sent, refused connections, and a
 * manifest PUT that fails once. Transient faults: exit 0 and identical digests (skopeo, straight at the
 * registry); a permanent one fails that image alone with the destination registry named.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startRegistry, type RunningRegistry } from '../../harness/registry-server.js';
import { makeTempDir, removeTempDir, tempDirForTest } from '../../harness/temp-dir.js';
import { cacheRootOf } from '../../../core/workflow/mirror-options.js';
import { assertCacheIntegrity } from '../support/cache-integrity.js';
import { startFaultProxy, type FaultProxy, type FaultRule } from '../support/fault-proxy.js';
import { assertAbsent, assertLanded, origin, pushFaultImages, type FaultImages } from '../support/fault-fixtures.js';
import {
  describeRun,
  mirrorArgs,
  readErrorReport,
  RETRY_TIMES,
  runMirror,
  writeIsc,
  type MirrorRun,
} from '../support/mirror-run.js';

let source: RunningRegistry;
let images: FaultImages;
/** One archive of the fault images, made once; every test pushes a copy of it. */
let archive: { dir: string; isc: string; tars: string[] };

test.before(async () => {
  source = await startRegistry();
  images = await pushFaultImages(source);
  const dir = await makeTempDir('rel-d2m-archive-');
  const isc = await writeIsc(
    dir,
    images.all.map((img) => origin(source.host, img)),
  );
  const run = await runMirror(mirrorArgs.m2d(isc, join(dir, 'archive'), join(dir, 'cache')));
  assert.equal(run.code, 0, describeRun(run));
  const tars = (await readdir(join(dir, 'archive'))).filter((f) => /^mirror_\d{6}\.tar$/.test(f));
  assert.ok(tars.length > 0);
  archive = { dir, isc, tars: tars.map((f) => join(dir, 'archive', f)) };
});
test.after(async () => {
  await source?.stop();
  if (archive) await removeTempDir(archive.dir);
});

interface Scenario {
  run: MirrorRun;
  proxy: FaultProxy;
  dest: RunningRegistry;
  from: string;
}

async function diskToMirror(t: TestContext, rules: FaultRule[]): Promise<Scenario> {
  const dest = await startRegistry();
  t.after(() => dest.stop());
  const proxy = await startFaultProxy(dest, rules);
  t.after(() => proxy.stop());
  const work = await tempDirForTest(t, 'rel-d2m-');
  const from = join(work, 'from');
  await mkdir(from);
  for (const tar of archive.tars) await copyFile(tar, join(from, tar.split('/').at(-1)!));
  const cacheDir = join(work, 'cache');
  const run = await runMirror(mirrorArgs.d2m(archive.isc, from, proxy.host, cacheDir));
  await assertCacheIntegrity(cacheRootOf(cacheDir));
  return { run, proxy, dest, from };
}

const bigPut = () => ({ pathClass: 'blob' as const, method: 'PUT', digest: images.bigLayer.digest });

test('d2m: 503 twice on a blob upload and 500 on a manifest PUT are retried', async (t) => {
  const s = await diskToMirror(t, [
    { match: bigPut(), fault: { kind: 'status', status: 503 }, times: 2 },
    {
      match: { pathClass: 'manifest', method: 'PUT', repository: images.other.repository },
      fault: { kind: 'status', status: 500 },
    },
  ]);
  assert.equal(s.run.code, 0, describeRun(s.run));
  await assertLanded(s.dest.host, images.all);
  assert.equal(s.proxy.counts.of('blob', 'PUT', images.bigLayer.digest), 3);
  assert.equal(s.proxy.counts.faults('status'), 3);
  assert.equal(s.run.retries.length, 3, JSON.stringify(s.run.retries));
  const reasons = s.run.retries.map((r) => r.reason).join('\n');
  assert.match(
    reasons,
    new RegExp(`destination registry ${s.proxy.host}: push blob sha256:\\S+ to faults/target: 503`),
  );
  assert.match(reasons, new RegExp(`destination registry ${s.proxy.host}: push manifest faults/other:\\S+: 500`));
});

test('d2m: a connection cut while the blob is being uploaded is retried with a new upload', async (t) => {
  const s = await diskToMirror(t, [{ match: bigPut(), fault: { kind: 'cut-after-bytes', bytes: 100_000 } }]);
  assert.equal(s.run.code, 0, describeRun(s.run));
  await assertLanded(s.dest.host, images.all);
  assert.equal(s.proxy.counts.of('blob', 'PUT', images.bigLayer.digest), 2);
  assert.equal(s.run.retries.length, 1, JSON.stringify(s.run.retries));
  assert.match(s.run.retries[0].reason, /push blob .* to faults\/target: connection closed unexpectedly/);
});

test('d2m: chunked uploads (after a 501 on the monolithic PUT) retry a failed PATCH', async (t) => {
  const s = await diskToMirror(t, [
    { match: bigPut(), fault: { kind: 'status', status: 501 } },
    { match: { pathClass: 'blob', method: 'PATCH' }, fault: { kind: 'status', status: 503 } },
  ]);
  assert.equal(s.run.code, 0, describeRun(s.run));
  await assertLanded(s.dest.host, images.all);
  assert.equal(s.proxy.counts.faults('status'), 2);
  assert.ok(s.proxy.counts.of('blob', 'PATCH') >= 2, JSON.stringify(s.proxy.counts.summary()));
  assert.equal(s.run.retries.length, 2, JSON.stringify(s.run.retries));
  assert.match(s.run.retries[0].reason, /501 .*monolithic upload refused/);
  assert.match(s.run.retries[1].reason, /push blob .*: 503/);
});

test('d2m: refused connections to the destination are retried', async (t) => {
  const s = await diskToMirror(t, [{ fault: { kind: 'refuse-connections' }, times: 2 }]);
  assert.equal(s.run.code, 0, describeRun(s.run));
  await assertLanded(s.dest.host, images.all);
  assert.equal(s.proxy.counts.refusedConnections, 2);
  assert.ok(s.run.retries.length >= 1);
  for (const r of s.run.retries)
    assert.match(r.reason, new RegExp(`destination registry ${s.proxy.host}: ping: connection closed`));
});

test('d2m: a permanent 503 on one blob upload fails that image alone, naming the destination', async (t) => {
  const s = await diskToMirror(t, [{ match: bigPut(), fault: { kind: 'status', status: 503 }, times: 'always' }]);
  const target = origin(source.host, images.target);
  assert.equal(s.run.code, 8, describeRun(s.run));
  assert.deepEqual([...s.run.failures.keys()], [target]);
  await assertLanded(s.dest.host, [images.other, images.multi]);
  await assertAbsent(s.dest.host, images.target);
  assert.match(
    s.run.failures.get(target)!.error,
    new RegExp(`destination registry ${s.proxy.host}: push blob .* to faults/target: 503`),
  );
  // A streamed upload is retried by the engine only: 1 + --retry-times attempts.
  assert.equal(s.proxy.counts.of('blob', 'PUT', images.bigLayer.digest), RETRY_TIMES + 1);
  assert.equal(s.run.retries.length, RETRY_TIMES);
  const report = await readErrorReport(s.from);
  assert.match(
    report ?? '',
    new RegExp(`^error mirroring image ${target} error: destination registry ${s.proxy.host}: .*503`, 'm'),
  );
});
