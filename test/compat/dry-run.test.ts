/** oc-mirror tests/integration/dry_run_test.go: mapping files, nothing copied, manifest-list instances. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCompatWorld, type CompatWorld } from './world.js';
import { scenario } from './context.js';
import { expectSuccess } from './runner.js';
import {
  expectNoRepositoriesInRegistry,
  expectNoTarArchive,
  expectValidMappingFile,
  readMapping,
  referenceWithoutTagOrDigest,
} from './assertions.js';

const ISC = 'happy_path/isc-happy-path.yaml';
let world: CompatWorld;
before(async () => {
  world = await startCompatWorld();
});
after(() => world.stop());

test('dry_run_test.go: mirrorToMirror dry-run — should generate mapping file without mirroring images to the registry', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc(ISC);
  expectSuccess(
    await s.runner.mirrorToMirror(
      isc,
      s.workDir,
      s.endpoint,
      '--remove-signatures=true',
      '--dest-tls-verify=false',
      '--dry-run',
    ),
  );
  await expectValidMappingFile(s.workDir, isc);
  await expectNoRepositoriesInRegistry(s.testRegistry);
});

test('dry_run_test.go: mirrorToDisk + diskToMirror dry-run — should generate mapping files without creating a tar archive or mirroring images to the registry', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc(ISC);
  expectSuccess(await s.runner.mirrorToDisk(isc, s.workDir, '--remove-signatures=true', '--dry-run'));
  await expectValidMappingFile(s.workDir, isc);
  await expectNoTarArchive(s.workDir);
  expectSuccess(await s.runner.mirrorToDisk(isc, s.workDir, '--remove-signatures=true'));
  expectSuccess(
    await s.runner.diskToMirror(
      isc,
      s.workDir,
      s.endpoint,
      '--remove-signatures=true',
      '--dest-tls-verify=false',
      '--dry-run',
    ),
  );
  await expectValidMappingFile(s.workDir, isc);
  await expectNoRepositoriesInRegistry(s.testRegistry);
});

test('dry_run_test.go: mirrorToDisk dry-run with a manifest list image — should include manifest list sub-digests in mapping.txt (OCPBUGS-66263)', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc('dry_run/isc-manifest-list.yaml');
  const topLevelSource = `docker://${world.source.host}/openshifttest/hello-openshift@${world.hello.digest}`;
  const subDigests = world.hello.manifests.map((m) => m.digest);
  expectSuccess(await s.runner.mirrorToDisk(isc, s.workDir, '--remove-signatures=true', '--dry-run-manifest-lists'));
  const mappings = new Map<string, string>();
  for (const line of (await readMapping(s.workDir)).split('\n')) {
    const eq = line.indexOf('=');
    assert.ok(eq >= 0, `mapping line does not follow source=destination format: ${line}`);
    mappings.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const destination = mappings.get(topLevelSource);
  assert.ok(destination, `mapping.txt does not contain top-level entry for "${topLevelSource}"`);
  const sourceBase = topLevelSource.slice(0, topLevelSource.indexOf('@'));
  const destBase = `docker://${referenceWithoutTagOrDigest(destination.replace(/^docker:\/\//, ''))}`;
  for (const digest of subDigests) {
    assert.equal(
      mappings.get(`${sourceBase}@${digest}`),
      `${destBase}@${digest}`,
      `mapping.txt is missing sub-digest entry ${sourceBase}@${digest}`,
    );
  }
});
