/**
 * oc-mirror tests/integration/operators_test.go and catalog_extra_blobs_test.go: version ranges, pinned versions,
 * an invalid range, file permissions after a rebuild, the rebuilt catalog's digest tag, a catalog with an invalid
 * related image, and the extra (non-OLM) blobs of filtered-in packages.
 */
import { after, before, test } from 'node:test';
import { startCompatWorld, type CompatWorld } from './world.js';
import { scenario } from './context.js';
import { expectExitCode, expectFailure, expectSuccess } from './runner.js';
import {
  expectCatalogBundlesMatchISC,
  expectCatalogContainsOnlyExpectedPackages,
  expectCorrectCatalogSourceYAMLs,
  expectCorrectIDMS,
  expectNoRepositoriesInRegistry,
  expectOnlyAllowedExecutableFiles,
  expectOtherBlobsInCatalog,
  expectRebuiltTagMatchesDigest,
  expectSuccessfulMirrorInRegistry,
} from './assertions.js';

/** Digest of quay.io/oc-mirror/oc-mirror-dev:test-catalog-latest named by isc-operator-catalog-digest.yaml. */
const UPSTREAM_CATALOG_DIGEST = 'sha256:0f6efa098de01c8171aac32c6aa57745f687bb0d0806cd7122dc3fee662c46d6';
let world: CompatWorld;
before(async () => {
  world = await startCompatWorld({
    catalogs: ['test-catalog-latest', 'test-catalog-extra-blobs', 'test-catalog-invalid-images'],
    release: false,
    helm: false,
  });
});
after(() => world.stop());

const M2M = ['--remove-signatures=true', '--dest-tls-verify=false'];

test('operators_test.go: operator with version range (minVersion != maxVersion) — should mirror only operator bundle versions within the range', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc('operators/isc-operator-version-range.yaml');
  expectSuccess(await s.runner.mirrorToMirror(isc, s.workDir, s.endpoint, ...M2M));
  await expectSuccessfulMirrorInRegistry(isc, s.testRegistry);
  await expectCatalogBundlesMatchISC(s.testRegistry, isc, { foo: ['foo.v0.2.0', 'foo.v0.3.0', 'foo.v0.3.1'] });
});

test('operators_test.go: operator with pinned version (minVersion == maxVersion) — should mirror only the pinned operator bundle version and generate correct cluster resources', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc('operators/isc-operator-pinned-version.yaml');
  expectSuccess(await s.runner.mirrorToMirror(isc, s.workDir, s.endpoint, ...M2M));
  await expectSuccessfulMirrorInRegistry(isc, s.testRegistry);
  await expectCatalogBundlesMatchISC(s.testRegistry, isc, { foo: ['foo.v0.3.1'] });
  await expectCatalogContainsOnlyExpectedPackages(s.testRegistry, isc);
  await expectCorrectIDMS(s.workDir, isc);
  await expectCorrectCatalogSourceYAMLs(s.workDir, s.endpoint, isc);
});

test('operators_test.go: operator with invalid version range (minVersion > maxVersion) — should fail when minVersion is greater than maxVersion', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc('operators/isc-operator-invalid-version-range.yaml');
  expectFailure(await s.runner.mirrorToMirror(isc, s.workDir, s.endpoint, ...M2M));
  await expectNoRepositoriesInRegistry(s.testRegistry);
});

test('operators_test.go: file permissions after catalog rebuild — should only set executable permissions on graph-preparation and filtered-catalog-image files', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc('operators/isc-operator-version-range.yaml');
  expectSuccess(await s.runner.mirrorToDisk(isc, s.workDir, '--remove-signatures=true'));
  await expectOnlyAllowedExecutableFiles(s.workDir);
});

test('operators_test.go: catalog digest rebuild tagging — should tag rebuilt catalog images with a value matching the manifest digest', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc('operators/isc-operator-catalog-digest.yaml', {
    [UPSTREAM_CATALOG_DIGEST]: world.catalogs.get('test-catalog-latest')!.digest,
  });
  expectSuccess(await s.runner.mirrorToMirror(isc, s.workDir, s.endpoint, ...M2M));
  await expectSuccessfulMirrorInRegistry(isc, s.testRegistry);
  await expectRebuiltTagMatchesDigest(s.testRegistry, isc);
});

test('operators_test.go: catalog with a bundle containing an invalid related image — handles invalid related image references in a catalog', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc('operators/isc-operator-invalid-images.yaml');
  const r = await s.runner.mirrorToMirror(isc, s.workDir, s.endpoint, '--dest-tls-verify=false');
  expectExitCode(r, 4, 'collection error', 'tag and digest are empty');
  await expectNoRepositoriesInRegistry(s.testRegistry);
});

test('catalog_extra_blobs_test.go: catalog with extra blobs — should keep blobs of filtered-in packages', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc('operators/isc-operator-extra-blobs.yaml');
  expectSuccess(await s.runner.mirrorToMirror(isc, s.workDir, s.endpoint, ...M2M));
  await expectSuccessfulMirrorInRegistry(isc, s.testRegistry);
  await expectOtherBlobsInCatalog(s.testRegistry, isc, { foo: false, bar: true, baz: false, '': true });
});
