/** oc-mirror tests/integration/parallel_copy_test.go: `--parallel-layers 10` and `--parallel-images 10`. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCompatWorld, type CompatWorld } from './world.js';
import { scenario } from './context.js';
import { expectSuccess, type Result } from './runner.js';
import { listTarEntries, findTarArchives } from './assertions.js';

let world: CompatWorld;
before(async () => {
  world = await startCompatWorld({ release: false, helm: false, multilayers: true, relatedImages: true });
});
after(() => world.stop());

/**
 * upstream expectMinImagesToCopy reads oc-mirror's debug line `images to copy <n>`; ocm-tui's plan line is
 * `planned <n> image(s)` (the count of images collected for the copy).
 */
function expectMinImagesToCopy(r: Result, min: number): void {
  const m = /planned (\d+) image\(s\)/.exec(r.output);
  const count = m ? Number(m[1]) : 0;
  assert.ok(count >= min, `expected at least ${min} images to copy but got ${count}\n${r.output}`);
}

test('parallel_copy_test.go: parallel-layers — multilayers image mirrorToDisk should copy with --parallel-layers 10', async (t) => {
  const s = await scenario(t, world);
  expectSuccess(
    await s.runner.mirrorToDisk(
      await s.isc('parallel_copy/isc-multilayers.yaml'),
      s.workDir,
      '--parallel-layers',
      '10',
    ),
  );
  // every one of the ten layers is in the archive
  const entries = await listTarEntries((await findTarArchives(s.workDir))[0]);
  for (const layer of world.multilayers!.manifests[0].layers) {
    const hex = layer.digest.slice(7);
    assert.ok(entries.includes(`docker/registry/v2/blobs/sha256/${hex.slice(0, 2)}/${hex}/data`), layer.digest);
  }
});

test('parallel_copy_test.go: parallel-images — should copy 10 images in parallel with --parallel-images 10', async (t) => {
  const s = await scenario(t, world);
  const r = await s.runner.mirrorToDisk(
    await s.isc('parallel_copy/isc-parallel-images.yaml'),
    s.workDir,
    '--parallel-images',
    '10',
    '--log-level',
    'debug',
  );
  expectSuccess(r);
  expectMinImagesToCopy(r, 10);
});
