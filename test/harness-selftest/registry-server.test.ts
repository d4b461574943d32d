import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { pidIsAlive } from '../harness/child-processes.js';
import { startRegistry } from '../harness/registry-server.js';
import { testdataPath } from '../harness/testdata-paths.js';
import { skopeoCopy, skopeoListTags, skopeoManifestDigest, skopeoOptionsFor } from '../harness/skopeo.js';

const TESTDATA_INDEX = testdataPath('oci', 'multi-platform-container-latest');

test('anonymous registry: starts, serves /v2/, takes a skopeo push, and is gone after stop()', async (t) => {
  const registry = await startRegistry();
  t.after(() => registry.stop());
  assert.match(registry.host, /^127\.0\.0\.1:\d+$/);
  assert.equal(registry.url, `http://${registry.host}`);

  const res = await fetch(`${registry.url}/v2/`);
  assert.equal(res.status, 200);

  const opts = skopeoOptionsFor(registry);
  await skopeoCopy(`oci:${TESTDATA_INDEX}`, `${registry.host}/selftest/multi:latest`, {
    ...opts,
    all: true,
    preserveDigests: true,
  });
  assert.equal(
    await skopeoManifestDigest(`${registry.host}/selftest/multi:latest`, opts),
    'sha256:0de0e983a4980f32b1aad2d7f7f387cea2d4e9517b47f336cef27f63735911fa',
  );
  assert.deepEqual(await skopeoListTags(`${registry.host}/selftest/multi`, opts), ['latest']);
  assert.ok(existsSync(`${registry.storageDir}/docker/registry/v2/repositories/selftest/multi`));

  await registry.stop();
  assert.equal(pidIsAlive(registry.pid), false, 'registry process still alive after stop()');
  assert.equal(existsSync(registry.storageDir), false, 'temp storage not removed');
  await assert.rejects(fetch(`${registry.url}/v2/`));
});

test('two registries run side by side on different ports; a caller-given storageDir is kept', async (t) => {
  const { makeTempDir, removeTempDir } = await import('../harness/temp-dir.js');
  const storageDir = await makeTempDir('selftest-storage-');
  t.after(() => removeTempDir(storageDir));
  const a = await startRegistry({ storageDir });
  t.after(() => a.stop());
  const b = await startRegistry();
  t.after(() => b.stop());
  assert.notEqual(a.host, b.host);
  assert.equal(a.storageDir, storageDir);
  await a.stop();
  assert.equal(existsSync(storageDir), true);
});
