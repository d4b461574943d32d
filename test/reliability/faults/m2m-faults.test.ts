/**
 * Mirror to mirror with the SOURCE registry behind the fault proxy. Transient faults (fewer than the
 * retry budget) must not show in the result: exit 0, identical digests at the destination, and exactly
 * the retries the faults called for. A permanent fault on one image fails that image alone, with exit
 * bit 8, an error report line and an error naming the registry and the cause.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startRegistry, type RunningRegistry } from '../../harness/registry-server.js';
import { tempDirForTest } from '../../harness/temp-dir.js';
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

test.before(async () => {
  source = await startRegistry();
  images = await pushFaultImages(source);
});
test.after(() => source?.stop());

interface Scenario {
  run: MirrorRun;
  proxy: FaultProxy;
  dest: RunningRegistry;
  work: string;
}

/** A fresh destination, the proxy with `rules` in front of the shared source, one m2m run. */
async function mirror(t: TestContext, rules: FaultRule[], extraArgs: string[] = []): Promise<Scenario> {
  const dest = await startRegistry();
  t.after(() => dest.stop());
  const proxy = await startFaultProxy(source, rules);
  t.after(() => proxy.stop());
  const work = await tempDirForTest(t, 'rel-m2m-');
  const isc = await writeIsc(
    work,
    images.all.map((img) => origin(proxy.host, img)),
  );
  const cacheDir = join(work, 'cache');
  const run = await runMirror([...mirrorArgs.m2m(isc, join(work, 'ws'), dest.host, cacheDir), ...extraArgs]);
  // Whatever happened, the cache must hold only whole, correct blobs.
  await assertCacheIntegrity(cacheRootOf(cacheDir));
  return { run, proxy, dest, work };
}

async function expectClean(s: Scenario): Promise<void> {
  assert.equal(s.run.code, 0, describeRun(s.run));
  assert.equal(s.run.failures.size, 0, describeRun(s.run));
  await assertLanded(s.dest.host, images.all);
}

const bigGet = () => ({ pathClass: 'blob' as const, method: 'GET', digest: images.bigLayer.digest });
const bigGets = (s: Scenario) =>
  s.proxy.counts.requests.filter((r) => r.method === 'GET' && r.digest === images.bigLayer.digest);

test('m2m: a body cut mid-stream resumes with Range from where it stopped', async (t) => {
  const s = await mirror(t, [{ match: bigGet(), fault: { kind: 'cut-after-bytes', bytes: 100_000 } }]);
  await expectClean(s);
  const gets = bigGets(s);
  assert.equal(gets.length, 2, JSON.stringify(s.proxy.counts.summary()));
  assert.equal(gets[0].range, undefined);
  const resumedAt = Number(/^bytes=(\d+)-$/.exec(gets[1].range ?? '')?.[1]);
  assert.ok(resumedAt > 0 && resumedAt <= 100_000, `resumed at ${gets[1].range}`);
  assert.equal(s.run.retries.length, 1, JSON.stringify(s.run.retries));
  assert.match(s.run.retries[0].reason, /resuming at byte \d+$/);
});

test('m2m: a body truncated under its full Content-Length resumes', async (t) => {
  const s = await mirror(t, [{ match: bigGet(), fault: { kind: 'truncate-with-full-length', bytes: 64 * 1024 } }]);
  await expectClean(s);
  const gets = bigGets(s);
  assert.equal(gets.length, 2);
  assert.equal(gets[1].range, `bytes=${64 * 1024}-`);
  assert.equal(s.run.retries.length, 1, JSON.stringify(s.run.retries));
});

test('m2m: 500, 502 and 503 twice each on three blobs: each retried twice, then fetched once more', async (t) => {
  const otherLayer = images.other.manifests[0].layers[0];
  const childLayer = images.multi.manifests[1].layers[0];
  const faults = new Map([
    [500, images.bigLayer.digest],
    [502, otherLayer.digest],
    [503, childLayer.digest],
  ]);
  const s = await mirror(
    t,
    [...faults].map(([status, digest]) => ({
      match: { pathClass: 'blob' as const, method: 'GET', digest },
      fault: { kind: 'status' as const, status },
      times: 2,
    })),
  );
  await expectClean(s);
  assert.equal(s.proxy.counts.faults('status'), 6);
  assert.equal(s.run.retries.length, 6, JSON.stringify(s.run.retries));
  for (const [status, digest] of faults) {
    assert.equal(s.proxy.counts.of('blob', 'GET', digest), 3, `${status}: ${JSON.stringify(s.proxy.counts.summary())}`);
    const retries = s.run.retries.filter((r) => r.reason.includes(`: ${status} `));
    assert.equal(retries.length, 2, `${status} retried twice`);
    assert.deepEqual(retries.map((r) => r.attempt).sort(), [2, 3]);
  }
  for (const r of s.run.retries) assert.equal(r.delayMs, 100, 'the --retry-delay is used');
});

test('m2m: 503 on the first manifest GET is retried', async (t) => {
  const s = await mirror(t, [
    {
      match: { pathClass: 'manifest', method: 'GET', repository: images.other.repository },
      fault: { kind: 'status', status: 503 },
    },
  ]);
  await expectClean(s);
  assert.equal(s.run.retries.length, 1, JSON.stringify(s.run.retries));
  assert.match(s.run.retries[0].reason, /get manifest faults\/other:1: 503/);
});

test('m2m: 429 with Retry-After waits what the registry asked for', async (t) => {
  const s = await mirror(t, [{ match: bigGet(), fault: { kind: 'rate-limit', retryAfterSeconds: 1 } }]);
  await expectClean(s);
  assert.equal(s.proxy.counts.of('blob', 'GET', images.bigLayer.digest), 2);
  assert.equal(s.run.retries.length, 1, JSON.stringify(s.run.retries));
  // Retry-After (1 s) is longer than --retry-delay (100 ms): the longer wait is scheduled.
  assert.equal(s.run.retries[0].delayMs, 1000);
  assert.match(s.run.retries[0].reason, /429 TOOMANYREQUESTS/);
});

test('m2m: flipped bytes fail the digest check and the blob is fetched again whole', async (t) => {
  const s = await mirror(t, [{ match: bigGet(), fault: { kind: 'flip-bytes' } }]);
  await expectClean(s);
  const gets = bigGets(s);
  assert.equal(gets.length, 2);
  assert.deepEqual(
    gets.map((g) => g.range),
    [undefined, undefined],
    'a corrupt blob is refetched from byte 0',
  );
  assert.equal(s.run.retries.length, 1, JSON.stringify(s.run.retries));
  assert.match(s.run.retries[0].reason, /digest mismatch/);
});

test('m2m: refused connections are retried', async (t) => {
  const s = await mirror(t, [{ fault: { kind: 'refuse-connections' }, times: 2 }]);
  await expectClean(s);
  assert.equal(s.proxy.counts.refusedConnections, 2);
  // Both probes of the first /v2/ ping (https, then http) were refused. Every operation that waited on
  // that ping retries once (they run in parallel), and none needs a second retry.
  assert.ok(s.run.retries.length >= 1, 'the refusal was retried');
  for (const r of s.run.retries) {
    assert.equal(r.attempt, 2, JSON.stringify(s.run.retries));
    assert.match(r.reason, new RegExp(`source registry ${s.proxy.host}: ping: connection closed unexpectedly`));
  }
});

test('m2m: a permanent 503 on one blob fails that image alone, after the configured retries', async (t) => {
  const s = await mirror(t, [{ match: bigGet(), fault: { kind: 'status', status: 503 }, times: 'always' }]);
  const target = origin(s.proxy.host, images.target);
  assert.equal(s.run.code, 8, describeRun(s.run));
  assert.deepEqual([...s.run.failures.keys()], [target], describeRun(s.run));
  await assertLanded(s.dest.host, [images.other, images.multi]);
  await assertAbsent(s.dest.host, images.target);
  const failure = s.run.failures.get(target)!;
  assert.match(
    failure.error,
    new RegExp(`source registry ${s.proxy.host}: pull blob sha256:[0-9a-f]{12}\\S* from faults/target: 503`),
  );
  const report = await readErrorReport(join(s.work, 'ws'));
  assert.ok(report, 'an error report is written');
  assert.match(report, new RegExp(`^error mirroring image ${target} error: .*${s.proxy.host}.*503`, 'm'));
  assert.doesNotMatch(report, /faults\/other|faults\/multi/);
  // The budget is --retry-times: 1 + RETRY_TIMES attempts at the blob, no more.
  assert.equal(
    s.proxy.counts.of('blob', 'GET', images.bigLayer.digest),
    RETRY_TIMES + 1,
    JSON.stringify(s.run.retries),
  );
  assert.equal(s.run.retries.length, RETRY_TIMES);
});

test('m2m: permanently corrupt bytes fail that image with a digest mismatch', async (t) => {
  const s = await mirror(t, [{ match: bigGet(), fault: { kind: 'flip-bytes' }, times: 'always' }]);
  const target = origin(s.proxy.host, images.target);
  assert.equal(s.run.code, 8, describeRun(s.run));
  assert.deepEqual([...s.run.failures.keys()], [target]);
  await assertLanded(s.dest.host, [images.other, images.multi]);
  assert.match(
    s.run.failures.get(target)!.error,
    new RegExp(`digest mismatch for blob ${images.bigLayer.digest} from ${s.proxy.host}/faults/target`),
  );
  const report = await readErrorReport(join(s.work, 'ws'));
  assert.match(report ?? '', new RegExp(`^error mirroring image ${target} error: digest mismatch`, 'm'));
  assert.equal(s.proxy.counts.of('blob', 'GET', images.bigLayer.digest), RETRY_TIMES + 1);
});

test('m2m: a body that stalls for good fails its image at --image-timeout; the others land', async (t) => {
  const s = await mirror(
    t,
    [{ match: bigGet(), fault: { kind: 'stall', ms: 120_000, afterBytes: 1000 }, times: 'always' }],
    ['--image-timeout', '5s'],
  );
  const target = origin(s.proxy.host, images.target);
  assert.equal(s.run.code, 8, describeRun(s.run));
  assert.deepEqual([...s.run.failures.keys()], [target]);
  assert.equal(s.run.failures.get(target)!.code, 'IMAGE_TIMEOUT');
  assert.match(s.run.failures.get(target)!.error, /not copied within --image-timeout \(5s\)/);
  await assertLanded(s.dest.host, [images.other, images.multi]);
  const report = await readErrorReport(join(s.work, 'ws'));
  assert.match(report ?? '', new RegExp(`^error mirroring image ${target} error: .*--image-timeout`, 'm'));
});
