/**
 * How the copy engine asks a destination whether it needs a blob (docs/decisions.md, "A missing blob costs one
 * request, not two"), counted by a proxy in front of a real registry: a first mirror claims missing blobs once the
 * registry has confirmed that it answers self-mounts truthfully; a re-run into the full registry asks with HEAD
 * only and writes nothing; a registry that answers every self-mount with 202 never gets a claim.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pushImagesSharingBase } from '../../harness/fixture-images.js';
import { startRegistry } from '../../harness/registry-server.js';
import { skopeoManifestDigest } from '../../harness/skopeo.js';
import { tempDirForTest } from '../../harness/temp-dir.js';
import { startFaultProxy, type FaultRule } from '../support/fault-proxy.js';
import { mirrorArgs, runMirror, writeIsc } from '../support/mirror-run.js';

const IMAGES = 12;

async function setUp(t: TestContext, destinationRules: FaultRule[] = []) {
  const source = await startRegistry();
  t.after(() => source.stop());
  const images = await pushImagesSharingBase(
    source,
    Array.from({ length: IMAGES }, (_, i) => `claims/app:v${i}`),
    { baseLayerCount: 2, bigLayerSize: 64 * 1024 },
  );
  const dest = await startRegistry();
  t.after(() => dest.stop());
  const proxy = await startFaultProxy(dest, destinationRules);
  t.after(() => proxy.stop());
  const work = await tempDirForTest(t, 'claim-policy-');
  const isc = await writeIsc(
    work,
    images.map((img) => `${source.host}/${img.repository}:${img.tag}`),
  );
  const run = async (n: number) => {
    proxy.counts.reset();
    const result = await runMirror(mirrorArgs.m2m(isc, join(work, `ws-${n}`), proxy.host, join(work, 'cache')));
    assert.equal(result.code, 0, `run ${n}: ${result.stderr}\n${result.stdout.slice(-2000)}`);
    assert.equal(result.failures.size, 0, `run ${n}`);
  };
  const uniqueBlobs = new Set(images.flatMap((img) => img.blobs.map((b) => b.digest)));
  return { images, dest, proxy, run, uniqueBlobs };
}

test('claims on a first mirror, HEAD only on the re-run: every blob uploaded once, nothing written the second time', async (t) => {
  const { images, dest, proxy, run, uniqueBlobs } = await setUp(t);

  await run(1);
  const claims = proxy.counts.of('claim', 'POST');
  assert.ok(claims >= 2, `the check and at least one claim (got ${claims})`);
  assert.equal(proxy.counts.of('blob', 'PUT'), uniqueBlobs.size, 'each blob uploaded once');
  assert.equal(proxy.counts.of('blob', 'POST') + claims, uniqueBlobs.size + 1, 'one session per blob, + the check');
  // Blobs asked with HEAD: only those before the check answered, far fewer than all.
  assert.ok(proxy.counts.of('blob', 'HEAD') < uniqueBlobs.size, `${proxy.counts.of('blob', 'HEAD')} HEADs`);
  for (const img of images) {
    const ref = `${dest.host}/${img.repository}:${img.tag}`;
    assert.equal(await skopeoManifestDigest(ref, { tlsVerify: false }), img.digest, ref);
  }

  await run(2);
  assert.equal(proxy.counts.of('claim', 'POST'), 0, 're-run: no claim (it would re-link present blobs)');
  assert.equal(proxy.counts.of('blob', 'POST'), 0, 're-run: no upload session');
  assert.equal(proxy.counts.of('blob', 'PUT'), 0, 're-run: nothing uploaded');
  assert.equal(proxy.counts.of('blob', 'HEAD'), uniqueBlobs.size, 're-run: each blob asked once with HEAD');
});

test('a registry answering every self-mount with 202 never gets a claim after the check', async (t) => {
  const { proxy, run, uniqueBlobs } = await setUp(t, [
    { match: { pathClass: 'claim' }, fault: { kind: 'status', status: 202 } },
  ]);
  await run(1);
  assert.equal(proxy.counts.of('claim', 'POST'), 1, 'the check only');
  assert.equal(proxy.counts.of('blob', 'HEAD'), uniqueBlobs.size, 'every blob asked with HEAD');
  assert.equal(proxy.counts.of('blob', 'PUT'), uniqueBlobs.size, 'each blob uploaded once');
  assert.equal(proxy.counts.of('blob', 'POST'), uniqueBlobs.size, 'one plain session per blob');
});
