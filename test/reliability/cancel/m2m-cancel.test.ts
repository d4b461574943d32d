/**
 * Mirror to mirror interrupted by SIGINT, SIGTERM and SIGKILL at seeded points in the middle of a blob
 * transfer (issue: resume and cancellation). After each interruption: exit 130 (or killed), every blob at
 * the destination hashes to its digest, no cluster resource was written; each following run fetches from
 * the source only what earlier runs had not finished (counted at a proxy), and the last one completes with
 * the source's digests at the destination.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startRegistry } from '../../harness/registry-server.js';
import { pushBigLayerImage, type PushedImage } from '../../harness/fixture-images.js';
import { skopeoManifestDigest, skopeoOptionsFor } from '../../harness/skopeo.js';
import { tempDirForTest } from '../../harness/temp-dir.js';
import { blobGets, startCountingProxy } from './counting-proxy.js';
import { copiedBlobs, describeExit, runCliJson, startedBlobs } from './cli-process.js';
import { midBlobAfterOneCompleted } from './interrupt-points.js';
import { verifyBlobTree } from './blob-tree-check.js';
import { RELIABILITY_SEED, seededPicker } from './seeded-points.js';

const MiB = 1024 * 1024;
const BIG = 2 * MiB;
/** Per connection: each big layer takes over a second, so a run can be stopped half-way through one. */
const SLOW_RATE = 1.5 * MiB;

test('m2m: SIGINT, SIGTERM, SIGKILL mid-transfer; each re-run fetches only what is missing', async (t) => {
  const pick = seededPicker('m2m');
  t.diagnostic(`OCM_RELIABILITY_SEED=${RELIABILITY_SEED}`);
  const source = await startRegistry();
  t.after(() => source.stop());
  const dest = await startRegistry();
  t.after(() => dest.stop());
  const proxy = await startCountingProxy(source.host, SLOW_RATE);
  t.after(() => proxy.stop());
  const work = await tempDirForTest(t, 'ocm-rel-m2m-');

  const images: PushedImage[] = [];
  for (let i = 1; i <= 4; i++) images.push(await pushBigLayerImage(source, `rel/app-${i}:v${i}`, BIG));
  const allBlobs = new Set(images.flatMap((img) => img.blobs.map((b) => b.digest)));
  const isc = join(work, 'isc.yaml');
  await writeFile(
    isc,
    [
      'kind: ImageSetConfiguration',
      'apiVersion: mirror.openshift.io/v2alpha1',
      'mirror:',
      '  additionalImages:',
      ...images.map((img) => `  - name: ${proxy.host}/${img.repository}:${img.tag}`),
      '',
    ].join('\n'),
  );
  const workspace = join(work, 'ws');
  const args = [
    '-c',
    isc,
    '--workspace',
    `file://${workspace}`,
    `docker://${dest.host}/mirror`,
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
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
  const env = { HOME: work };

  const copiedEarlier = new Set<string>();
  const startedEarlier = new Set<string>();
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
    const n = pick(1, 3);
    t.diagnostic(`${signal} at big-blob event #${n} after the first big blob of the run`);
    proxy.requests.length = 0;
    const run = await runCliJson(args, { env, interrupt: { signal, when: midBlobAfterOneCompleted(n, BIG) } });
    assert.ok(run.trigger, `${signal}: the run ended before the interruption point\n${describeExit(run)}`);
    if (signal === 'SIGKILL') assert.equal(run.signal, 'SIGKILL', describeExit(run));
    else {
      assert.equal(run.code, 130, `${signal} must exit 130\n${describeExit(run)}`);
      const summary = run.events.find((e) => e.type === 'summary') as { summary: { cancelled: boolean } } | undefined;
      assert.equal(summary?.summary.cancelled, true, 'the summary says the run was cancelled');
    }

    const fetched = blobGets(proxy.requests);
    assert.deepEqual(
      fetched.filter((d) => copiedEarlier.has(d)),
      [],
      `${signal}: a blob copied by an earlier run was fetched again`,
    );
    assert.equal(new Set(fetched).size, fetched.length, `${signal}: a blob was fetched twice in one run`);
    const tree = await verifyBlobTree(dest.storageDir);
    assert.deepEqual(tree.bad, [], 'every blob visible at the destination hashes to its digest');
    assert.deepEqual(await clusterResources(workspace), [], 'no IDMS/ITMS written by an interrupted run');
    const copiedNow = copiedBlobs(run.events);
    assert.ok(copiedNow.size > 0, 'the interrupted run made progress');
    for (const d of copiedNow) {
      assert.ok(tree.good.includes(d), `${d} reported copied is at the destination`);
      copiedEarlier.add(d);
    }
    for (const d of startedBlobs(run.events)) startedEarlier.add(d);
  }

  proxy.setRate(Infinity);
  proxy.requests.length = 0;
  const last = await runCliJson(args, { env });
  assert.equal(last.code, 0, describeExit(last));
  const fetched = blobGets(proxy.requests);
  assert.deepEqual(
    fetched.filter((d) => copiedEarlier.has(d)),
    [],
    'the re-run fetched a blob already copied',
  );
  assert.equal(new Set(fetched).size, fetched.length, 'the re-run fetched a blob twice');
  for (const d of allBlobs) {
    if (!startedEarlier.has(d)) assert.ok(fetched.includes(d), `${d}, never started before, is fetched now`);
  }
  const opts = skopeoOptionsFor(dest);
  for (const img of images) {
    assert.equal(
      await skopeoManifestDigest(`${dest.host}/mirror/${img.repository}:${img.tag}`, opts),
      img.digest,
      `${img.reference} at the destination`,
    );
  }
  assert.deepEqual((await verifyBlobTree(dest.storageDir)).bad, []);
  assert.deepEqual(await clusterResources(workspace), ['itms-oc-mirror.yaml']);
});

async function clusterResources(workspace: string): Promise<string[]> {
  try {
    return (await readdir(join(workspace, 'working-dir', 'cluster-resources'))).sort();
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return [];
    throw err;
  }
}
