/**
 * Mirror to mirror from a token-auth source (distribution + the harness token server), with the registry
 * AND its token realm behind the fault proxy: the proxy rewrites the realm in the registry's challenge,
 * so ocm-tui fetches its tokens through the proxy, with the user's credentials from --authfile.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_USER, startRegistry, type RunningRegistry } from '../../harness/registry-server.js';
import { tempDirForTest } from '../../harness/temp-dir.js';
import { cacheRootOf } from '../../../core/workflow/mirror-options.js';
import { assertCacheIntegrity } from '../support/cache-integrity.js';
import { startFaultProxy, type FaultProxy, type FaultRule } from '../support/fault-proxy.js';
import { assertLanded, origin, pushFaultImages, type FaultImages } from '../support/fault-fixtures.js';
import {
  describeRun,
  mirrorArgs,
  readErrorReport,
  runMirror,
  writeIsc,
  type MirrorRun,
} from '../support/mirror-run.js';

let source: RunningRegistry;
let images: FaultImages;

test.before(async () => {
  source = await startRegistry({ auth: 'token' });
  images = await pushFaultImages(source);
});
test.after(() => source?.stop());

async function mirror(
  t: TestContext,
  rules: FaultRule[],
): Promise<{ run: MirrorRun; proxy: FaultProxy; dest: RunningRegistry; work: string }> {
  const dest = await startRegistry();
  t.after(() => dest.stop());
  const proxy = await startFaultProxy(source, rules);
  t.after(() => proxy.stop());
  const work = await tempDirForTest(t, 'rel-token-');
  const authfile = join(work, 'auth.json');
  const auth = Buffer.from(`${DEFAULT_USER.username}:${DEFAULT_USER.password}`).toString('base64');
  await writeFile(authfile, JSON.stringify({ auths: { [proxy.host]: { auth } } }));
  const isc = await writeIsc(
    work,
    images.all.map((img) => origin(proxy.host, img)),
  );
  const cacheDir = join(work, 'cache');
  const run = await runMirror([...mirrorArgs.m2m(isc, join(work, 'ws'), dest.host, cacheDir), '--authfile', authfile]);
  await assertCacheIntegrity(cacheRootOf(cacheDir));
  // The secret never leaks into what the user sees.
  assert.doesNotMatch(run.stdout + run.stderr, new RegExp(`${DEFAULT_USER.password}|${auth}`));
  return { run, proxy, dest, work };
}

test('token endpoint: two 503 answers are retried and the run completes', async (t) => {
  const s = await mirror(t, [{ match: { pathClass: 'token' }, fault: { kind: 'status', status: 503 }, times: 2 }]);
  assert.equal(s.run.code, 0, describeRun(s.run));
  await assertLanded(s.dest.host, images.all);
  assert.equal(s.proxy.counts.faults('status'), 2);
  assert.ok(s.proxy.counts.of('token') > 2, JSON.stringify(s.proxy.counts.summary()));
  assert.ok(s.run.retries.length >= 2, JSON.stringify(s.run.retries));
  for (const r of s.run.retries) {
    assert.match(r.reason, new RegExp(`\\(token from ${s.proxy.host}\\): 503 UNAVAILABLE`));
    assert.ok(r.attempt <= 3, 'no operation needed more than the two failed token requests');
  }
});

test('token endpoint: a token refused for good for one repository fails that image alone', async (t) => {
  const s = await mirror(t, [
    {
      match: { pathClass: 'token', repository: images.target.repository },
      fault: { kind: 'status', status: 503 },
      times: 'always',
    },
  ]);
  const target = origin(s.proxy.host, images.target);
  assert.equal(s.run.code, 8, describeRun(s.run));
  assert.deepEqual([...s.run.failures.keys()], [target]);
  await assertLanded(s.dest.host, [images.other, images.multi]);
  const error = s.run.failures.get(target)!.error;
  assert.match(
    error,
    new RegExp(`source registry ${s.proxy.host}: get manifest faults/target:1 \\(token from ${s.proxy.host}\\): 503`),
  );
  const report = await readErrorReport(join(s.work, 'ws'));
  assert.match(
    report ?? '',
    new RegExp(`^error mirroring image ${target} error: .*token from ${s.proxy.host}.*503`, 'm'),
  );
  // One manifest read, retried --retry-times (3) times: four token requests for that repository.
  const forTarget = s.proxy.counts.requests.filter(
    (r) => r.pathClass === 'token' && r.repository === images.target.repository,
  );
  assert.equal(forTarget.length, 4);
});
