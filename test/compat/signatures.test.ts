/**
 * oc-mirror tests/integration/signature_test.go: cosign-style `sha256-<hex>.sig` tags removed, kept, deleted or
 * left by delete; the release signature ConfigMap; an unreachable signature store; `--ignore-release-signature`.
 * The world signs every fixture image (upstream's quay.io images are signed).
 */
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import assert from 'node:assert/strict';
import { readDeleteList } from '../../core/delete/delete-list.js';
import type { RunningRegistry } from '../harness/registry-server.js';
import { isCatalog, listRepositories, listTags, startCompatWorld, type CompatWorld } from './world.js';
import { scenario } from './context.js';
import { expectExitCode, expectSuccess } from './runner.js';
import {
  expectNoSignatureConfigMap,
  expectNoSignaturesInRegistry,
  expectNoTarArchive,
  expectNonCatalogSignaturesDeleted,
  expectSignatureConfigMapGenerated,
  expectSignaturesInRegistry,
} from './assertions.js';

const ISC = 'signatures/isc-signatures.yaml';
const DISC = 'signatures/disc-signatures.yaml';
let world: CompatWorld;
before(async () => {
  world = await startCompatWorld({ signatures: true, helm: false });
});
after(() => world.stop());

async function unseededWorkDir(t: { after(fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'oc-mirror-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('signature_test.go: should not mirror signatures when using --remove-signatures=true', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc(ISC);
  expectSuccess(await s.runner.mirrorToDisk(isc, s.workDir, '--remove-signatures=true'));
  expectSuccess(
    await s.runner.diskToMirror(isc, s.workDir, s.endpoint, '--remove-signatures=true', '--dest-tls-verify=false'),
  );
  await expectNoSignaturesInRegistry(s.testRegistry);
});

test('signature_test.go: should mirror with signatures preserved and delete them', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc(ISC);
  const deleteYaml = join(s.workDir, 'working-dir', 'delete', 'delete-images.yaml');
  expectSuccess(await s.runner.mirrorToDisk(isc, s.workDir));
  expectSuccess(await s.runner.diskToMirror(isc, s.workDir, s.endpoint, '--dest-tls-verify=false'));
  await expectSignaturesInRegistry(s.testRegistry);
  await expectSignatureConfigMapGenerated(s.workDir);
  expectSuccess(await s.runner.deletePhaseOne(await s.isc(DISC), s.workDir, '', s.endpoint, '--delete-signatures'));
  expectSuccess(await s.runner.deletePhaseTwo(deleteYaml, s.endpoint, '--dest-tls-verify=false'));
  await expectNonCatalogSignaturesDeleted(s.testRegistry);
});

/**
 * Upstream checks "only catalogs and signature tags remain". The DISC names the catalog without packages and without
 * `full`, which filters to the channel heads (collectors.md §2.6 row 1; oc-mirror's filterCatalog does the same,
 * delete.go converts the DISC as is), so with this world's catalog the non-head bundles are not in the delete list
 * and stay tagged (docs/compatibility.md). Translated with that one, checked, exception: everything the delete list
 * names is gone, every signature tag stays, and what else remains is a catalog or a bundle the list did not name.
 */
test('signature_test.go: should keep signature tags when delete does not use --delete-signatures', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc(ISC);
  const deleteYaml = join(s.workDir, 'working-dir', 'delete', 'delete-images.yaml');
  expectSuccess(await s.runner.mirrorToDisk(isc, s.workDir));
  expectSuccess(await s.runner.diskToMirror(isc, s.workDir, s.endpoint, '--dest-tls-verify=false'));
  await expectSignaturesInRegistry(s.testRegistry);
  const sigsBefore = await signatureTags(s.testRegistry);
  expectSuccess(await s.runner.deletePhaseOne(await s.isc(DISC), s.workDir, '', s.endpoint));
  const listed = new Set(
    (await readDeleteList(deleteYaml)).items.map((i) => i.imageReference.replace(/^docker:\/\//, '')),
  );
  assert.ok(listed.size > 0, 'the delete list names images');
  expectSuccess(await s.runner.deletePhaseTwo(deleteYaml, s.endpoint, '--dest-tls-verify=false'));

  assert.deepEqual(await signatureTags(s.testRegistry), sigsBefore, 'every signature tag stays');
  for (const repo of await listRepositories(s.testRegistry)) {
    for (const tag of await listTags(s.testRegistry, repo)) {
      if (tag.endsWith('.sig')) continue;
      const ref = `${s.testRegistry.host}/${repo}:${tag}`;
      assert.ok(!listed.has(ref), `${ref} is in the delete list but still tagged`);
      assert.ok(
        (await isCatalog(s.testRegistry, repo, tag)) || tag.includes('bundle'),
        `${ref} remains: neither a catalog nor a bundle left out by the heads-only DISC`,
      );
    }
  }
});

async function signatureTags(registry: RunningRegistry): Promise<string[]> {
  const out: string[] = [];
  for (const repo of await listRepositories(registry)) {
    for (const tag of await listTags(registry, repo)) if (tag.endsWith('.sig')) out.push(`${repo}:${tag}`);
  }
  return out.sort();
}

test('signature_test.go: fails gracefully when it fails to retrieve the release signature', async (t) => {
  const s = await scenario(t, world);
  const dir = await unseededWorkDir(t);
  const failing = s.runner.withEnv({ OCP_SIGNATURE_URL: 'http://127.0.0.1:1/' });
  const r = await failing.mirrorToDisk(await s.isc(ISC), dir, '--retry-times', '0');
  expectExitCode(r, 2, 'collection error', 'http request');
  await expectNoTarArchive(dir);
});

test('signature_test.go: release signature configmap — should not generate a signature configmap when --ignore-release-signature is used', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc(ISC);
  const dir = await unseededWorkDir(t);
  expectSuccess(await s.runner.mirrorToDisk(isc, dir, '--ignore-release-signature'));
  expectSuccess(
    await s.runner.diskToMirror(isc, dir, s.endpoint, '--ignore-release-signature', '--dest-tls-verify=false'),
  );
  expectNoSignatureConfigMap(dir);
});
