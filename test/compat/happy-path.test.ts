/**
 * oc-mirror tests/integration/m2m_test.go and m2d_d2m_test.go: the happy path (a release, a catalog with three
 * packages, a Helm chart, an additional image) mirrored, checked, then deleted.
 */
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { startCompatWorld, type CompatWorld } from './world.js';
import { scenario } from './context.js';
import { expectSuccess } from './runner.js';
import {
  expectCorrectIDMS,
  expectCorrectTarArchiveContents,
  expectEmptyRegistry,
  expectSuccessfulMirrorInLocalCache,
  expectSuccessfulMirrorInRegistry,
  expectValidDeleteImagesFiles,
} from './assertions.js';

const ISC = 'happy_path/isc-happy-path.yaml';
const DISC = 'happy_path/disc-happy-path.yaml';
let world: CompatWorld;
before(async () => {
  world = await startCompatWorld();
});
after(() => world.stop());

test('m2m_test.go: mirrorToMirror happy path — should mirror from remote registry to a local registry', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc(ISC);
  const deleteYaml = join(s.workDir, 'working-dir', 'delete', 'delete-images.yaml');
  expectSuccess(
    await s.runner.mirrorToMirror(isc, s.workDir, s.endpoint, '--remove-signatures=true', '--dest-tls-verify=false'),
  );
  await expectSuccessfulMirrorInRegistry(isc, s.testRegistry);
  await expectCorrectIDMS(s.workDir, isc);
  expectSuccess(await s.runner.deletePhaseOne(await s.isc(DISC), s.workDir, '', s.endpoint));
  await expectValidDeleteImagesFiles(s.workDir, '');
  expectSuccess(await s.runner.deletePhaseTwo(deleteYaml, s.endpoint, '--dest-tls-verify=false'));
  await expectEmptyRegistry(s.testRegistry);
});

test('m2d_d2m_test.go: mirrorToDisk + diskToMirror happy path — should mirror from remote registry to disk and then from disk to local registry', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc(ISC);
  const deleteYaml = join(s.workDir, 'working-dir', 'delete', 'delete-images.yaml');
  expectSuccess(await s.runner.mirrorToDisk(isc, s.workDir, '--remove-signatures=true'));
  await expectSuccessfulMirrorInLocalCache(isc, s.cacheDir);
  await expectCorrectTarArchiveContents(isc, s.workDir);
  expectSuccess(
    await s.runner.diskToMirror(isc, s.workDir, s.endpoint, '--remove-signatures=true', '--dest-tls-verify=false'),
  );
  await expectSuccessfulMirrorInRegistry(isc, s.testRegistry);
  await expectCorrectIDMS(s.workDir, isc);
  expectSuccess(await s.runner.deletePhaseOne(await s.isc(DISC), s.workDir, '', s.endpoint));
  await expectValidDeleteImagesFiles(s.workDir, '');
  expectSuccess(await s.runner.deletePhaseTwo(deleteYaml, s.endpoint, '--dest-tls-verify=false'));
  await expectEmptyRegistry(s.testRegistry);
});
