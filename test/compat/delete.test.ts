/** oc-mirror tests/integration/delete_test.go: `--delete-id` file names, and `--force-cache-delete`. */
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { startCompatWorld, type CompatWorld } from './world.js';
import { scenario } from './context.js';
import { expectSuccess } from './runner.js';
import {
  collectExpectedNonCatalogRepos,
  expectEmptyRegistry,
  expectRepositoriesAbsentFromLocalCache,
  expectSuccessfulMirrorInLocalCache,
  expectValidDeleteImagesFiles,
  parseImageSetConfig,
} from './assertions.js';

const ISC = 'happy_path/isc-happy-path.yaml';
const DISC = 'happy_path/disc-happy-path.yaml';
let world: CompatWorld;
before(async () => {
  world = await startCompatWorld();
});
after(() => world.stop());

test('delete_test.go: should create delete yaml files with the delete-id in their names', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc(ISC);
  const deleteId = 'delete-test';
  const deleteYaml = join(s.workDir, 'working-dir', 'delete', `delete-images-${deleteId}.yaml`);
  expectSuccess(await s.runner.mirrorToDisk(isc, s.workDir, '--remove-signatures=true'));
  await expectSuccessfulMirrorInLocalCache(isc, s.cacheDir);
  expectSuccess(
    await s.runner.diskToMirror(isc, s.workDir, s.endpoint, '--remove-signatures=true', '--dest-tls-verify=false'),
  );
  expectSuccess(await s.runner.deletePhaseOne(await s.isc(DISC), s.workDir, deleteId, s.endpoint));
  await expectValidDeleteImagesFiles(s.workDir, deleteId);
  expectSuccess(await s.runner.deletePhaseTwo(deleteYaml, s.endpoint, '--dest-tls-verify=false'));
  await expectEmptyRegistry(s.testRegistry);
  // the local cache is not deleted
  await expectSuccessfulMirrorInLocalCache(isc, s.cacheDir);
});

test('delete_test.go: should also delete images from the local cache when --force-cache-delete=true is set', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc(ISC);
  const deleteYaml = join(s.workDir, 'working-dir', 'delete', 'delete-images.yaml');
  const nonCatalogRepos = collectExpectedNonCatalogRepos(await parseImageSetConfig(isc));
  expectSuccess(await s.runner.mirrorToDisk(isc, s.workDir, '--remove-signatures=true'));
  await expectSuccessfulMirrorInLocalCache(isc, s.cacheDir);
  expectSuccess(
    await s.runner.diskToMirror(isc, s.workDir, s.endpoint, '--remove-signatures=true', '--dest-tls-verify=false'),
  );
  expectSuccess(await s.runner.deletePhaseOne(await s.isc(DISC), s.workDir, '', s.endpoint));
  await expectValidDeleteImagesFiles(s.workDir, '');
  expectSuccess(
    await s.runner.deletePhaseTwo(deleteYaml, s.endpoint, '--dest-tls-verify=false', '--force-cache-delete=true'),
  );
  await expectEmptyRegistry(s.testRegistry);
  await expectRepositoriesAbsentFromLocalCache(s.cacheDir, nonCatalogRepos);
});
