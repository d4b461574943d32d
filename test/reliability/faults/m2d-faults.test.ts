/**
 * Mirror to disk with the SOURCE registry behind the fault proxy. Transient faults leave a correct
 * archive (proved by pushing it with d2m into a clean registry and comparing digests with skopeo) and a
 * cache whose every blob re-hashes to its name. A permanent fault fails that image alone (the others reach
 * the cache), writes no archive (oc-mirror's rule), sets exit bit 8 and lists the image in the report.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startRegistry, type RunningRegistry } from '../../harness/registry-server.js';
import { tempDirForTest } from '../../harness/temp-dir.js';
import { cacheRootOf } from '../../../core/workflow/mirror-options.js';
import { assertCacheIntegrity } from '../support/cache-integrity.js';
import { startFaultProxy, type FaultProxy, type FaultRule } from '../support/fault-proxy.js';
import { assertLanded, origin, pushFaultImages, type FaultImages } from '../support/fault-fixtures.js';
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

test.before(async () => {
  source = await startRegistry();
  images = await pushFaultImages(source);
});
test.after(() => source?.stop());

interface Scenario {
  run: MirrorRun;
  proxy: FaultProxy;
  work: string;
  isc: string;
  archiveDir: string;
  cacheDir: string;
}

async function mirrorToDisk(t: TestContext, rules: FaultRule[]): Promise<Scenario> {
  const proxy = await startFaultProxy(source, rules);
  t.after(() => proxy.stop());
  const work = await tempDirForTest(t, 'rel-m2d-');
  const isc = await writeIsc(
    work,
    images.all.map((img) => origin(proxy.host, img)),
  );
  const archiveDir = join(work, 'archive');
  const cacheDir = join(work, 'cache');
  const run = await runMirror(mirrorArgs.m2d(isc, archiveDir, cacheDir));
  return { run, proxy, work, isc, archiveDir, cacheDir };
}

const tarsIn = async (dir: string) => (await readdir(dir)).filter((f) => /^mirror_\d{6}\.tar$/.test(f));

test('m2d: cut, 503 and corrupt bodies are retried; the archive pushes identical digests', async (t) => {
  const otherLayer = images.other.blobs.find((b) => b.digest !== images.other.manifests[0].config.digest)!;
  const childLayer = images.multi.manifests[1].layers[0];
  const s = await mirrorToDisk(t, [
    {
      match: { pathClass: 'blob', method: 'GET', digest: images.bigLayer.digest },
      fault: { kind: 'cut-after-bytes', bytes: 50_000 },
    },
    {
      match: { pathClass: 'blob', method: 'GET', digest: otherLayer.digest },
      fault: { kind: 'status', status: 503 },
      times: 2,
    },
    { match: { pathClass: 'blob', method: 'GET', digest: childLayer.digest }, fault: { kind: 'flip-bytes' } },
  ]);
  assert.equal(s.run.code, 0, describeRun(s.run));
  assert.equal(s.proxy.counts.faults(), 4);
  assert.equal(s.run.retries.length, 4, JSON.stringify(s.run.retries));
  assert.equal(s.proxy.counts.of('blob', 'GET', images.bigLayer.digest), 2);
  assert.equal(s.proxy.counts.of('blob', 'GET', otherLayer.digest), 3);
  assert.equal(s.proxy.counts.of('blob', 'GET', childLayer.digest), 2);

  // Every blob and manifest of the three images is in the cache, each re-hashing to its name.
  const expected = new Set(
    images.all.flatMap((img) => [img.digest, ...img.manifests.map((m) => m.digest), ...img.blobs.map((b) => b.digest)]),
  );
  const report = await assertCacheIntegrity(cacheRootOf(s.cacheDir));
  assert.deepEqual([...report.digests].sort(), [...expected].sort());
  assert.ok((await tarsIn(s.archiveDir)).length >= 1, 'an archive was written');

  // The archive is the proof: disk to mirror into a clean registry, fresh cache, no proxy.
  const target = await startRegistry();
  t.after(() => target.stop());
  const d2mCache = join(s.work, 'cache-d2m');
  const d2m = await runMirror(mirrorArgs.d2m(s.isc, s.archiveDir, target.host, d2mCache));
  assert.equal(d2m.code, 0, describeRun(d2m));
  await assertLanded(target.host, images.all);
  await assertCacheIntegrity(cacheRootOf(d2mCache));
});

test('m2d: a permanent 503 on one blob fails that image; no archive; the others reach the cache', async (t) => {
  const s = await mirrorToDisk(t, [
    {
      match: { pathClass: 'blob', method: 'GET', digest: images.bigLayer.digest },
      fault: { kind: 'status', status: 503 },
      times: 'always',
    },
  ]);
  const target = origin(s.proxy.host, images.target);
  assert.equal(s.run.code, 8, describeRun(s.run));
  assert.deepEqual([...s.run.failures.keys()], [target]);
  assert.deepEqual(
    [...s.run.succeeded].sort(),
    [origin(s.proxy.host, images.multi), origin(s.proxy.host, images.other)].sort(),
  );
  assert.match(
    s.run.failures.get(target)!.error,
    new RegExp(`source registry ${s.proxy.host}: pull blob .* from faults/target: 503`),
  );
  assert.equal(s.proxy.counts.of('blob', 'GET', images.bigLayer.digest), RETRY_TIMES + 1);
  assert.deepEqual(await tarsIn(s.archiveDir), [], 'no archive after a failure');
  const report = await readErrorReport(s.archiveDir);
  assert.match(report ?? '', new RegExp(`^error mirroring image ${target} error: .*503`, 'm'));
  assert.doesNotMatch(report ?? '', /faults\/other|faults\/multi/);

  const cache = await assertCacheIntegrity(cacheRootOf(s.cacheDir));
  const landed = new Set(
    [images.other, images.multi].flatMap((img) => [
      img.digest,
      ...img.manifests.map((m) => m.digest),
      ...img.blobs.map((b) => b.digest),
    ]),
  );
  for (const digest of landed) assert.ok(cache.digests.has(digest), `${digest} of a good image is cached`);
  assert.ok(!cache.digests.has(images.bigLayer.digest), 'the blob that never arrived is not cached');
});
