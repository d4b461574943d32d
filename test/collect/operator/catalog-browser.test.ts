/**
 * The config builder's catalog model over a real catalog (oc-mirror's test-catalog-latest): packages with
 * display name, default channel and head version, channels with versions, fuzzy filtering, and kept bundles
 * that are exactly what the mirror's filter keeps for the same `packages[]` entry. Also the release count.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFbc } from '../../../core/collect/operator/fbc-load.js';
import { filterCatalog } from '../../../core/collect/operator/catalog-filter.js';
import {
  browseCatalog,
  filterPackages,
  fuzzyScore,
  keptBundles,
  packageVersions,
} from '../../../core/collect/operator/catalog-browser.js';
import { selectedReleases } from '../../../core/collect/release/release-browser.js';
import { parseImageSetConfig } from '../../../core/config/load-config.js';
import { readFile } from 'node:fs/promises';

const UPSTREAM = fileURLToPath(new URL('../../../../test/fixtures/upstream/', import.meta.url));
const TEST_CATALOG = join(UPSTREAM, 'oc-mirror-integration', 'catalogs', 'test-catalog-latest');
const ISCS = join(UPSTREAM, 'oc-mirror-integration', 'imagesetconfigs', 'operators');

test('test-catalog-latest: packages, channels, versions', async () => {
  const model = browseCatalog('reg/cat:latest', await loadFbc(TEST_CATALOG));
  assert.equal(model.bundleCount, 10);
  assert.deepEqual(
    model.packages.map((p) => [p.name, p.defaultChannel, p.headVersion]),
    [
      ['bar', 'stable', '1.0.0'],
      ['baz', 'stable', '1.1.0'],
      ['foo', 'beta', '0.3.1'],
    ],
  );
  const foo = model.packages.find((p) => p.name === 'foo')!;
  assert.equal(foo.displayName, 'Foo Operator');
  assert.deepEqual(
    foo.channels.map((c) => [c.name, c.headVersion, c.versions]),
    [['beta', '0.3.1', ['0.1.0', '0.2.0', '0.3.0', '0.3.1']]],
  );
  assert.deepEqual(packageVersions(foo), ['0.1.0', '0.2.0', '0.3.0', '0.3.1']);
});

test('kept bundles are what the mirror filter keeps for the same entry (oc-mirror version-range ISC)', async () => {
  const fbc = await loadFbc(TEST_CATALOG);
  const model = browseCatalog('reg/cat:latest', fbc);
  const isc = parseImageSetConfig(await readFile(join(ISCS, 'isc-operator-version-range.yaml'), 'utf8'), 'isc.yaml');
  const op = isc.config.mirror.operators![0];
  const mirror = filterCatalog(fbc, op).bundles.map((b) => b.name);
  const kept = keptBundles(model, op.packages![0]);
  assert.equal(kept.error, undefined);
  assert.deepEqual(kept.bundles.map((b) => b.name).sort(), [...mirror].sort());
  assert.deepEqual(
    kept.bundles.map((b) => b.version),
    ['0.2.0', '0.3.0', '0.3.1'],
  );
  // Heads only without a range; an error the mirror would raise is reported, not thrown.
  assert.deepEqual(
    keptBundles(model, { name: 'foo' }).bundles.map((b) => b.version),
    ['0.3.1'],
  );
  const bad = keptBundles(model, { name: 'foo', minVersion: '9.0.0' });
  assert.match(bad.error ?? '', /empty channel/);
});

test('fuzzy filter: substring first, then in-order characters; name and display name', async () => {
  const model = browseCatalog('reg/cat:latest', await loadFbc(TEST_CATALOG));
  const names = (q: string) => filterPackages(model.packages, q).map((i) => model.packages[i].name);
  assert.deepEqual(names(''), ['bar', 'baz', 'foo']);
  assert.deepEqual(names('ba'), ['bar', 'baz']);
  assert.deepEqual(names('foo operator'), ['foo']);
  assert.deepEqual(names('fpr'), ['foo']); // f…o(p)erato(r)
  assert.deepEqual(names('zzz'), []);
  assert.ok(fuzzyScore('cluster-logging', 'logging') > fuzzyScore('cluster-logging', 'lgg'));
});

test('release count: heads, a range, full and shortest path, through the collector functions', () => {
  const versions = ['4.18.1', '4.18.2', '4.18.3', '4.18.4'];
  const graph = {
    nodes: versions.map((version, i) => ({
      version,
      payload: `p@sha256:${String(i).repeat(64)}`,
      channels: [],
      metadata: {},
    })),
    edges: [
      [0, 1],
      [1, 2],
      [2, 3],
      [0, 3],
    ] as [number, number][],
  };
  const base = { name: 'stable-4.18', shortestPath: false, full: false };
  assert.deepEqual(selectedReleases(graph, base).versions, ['4.18.4']);
  assert.deepEqual(selectedReleases(graph, { ...base, full: true }).versions, versions);
  assert.deepEqual(selectedReleases(graph, { ...base, minVersion: '4.18.2' }).versions, ['4.18.2', '4.18.3', '4.18.4']);
  assert.deepEqual(
    selectedReleases(graph, { ...base, minVersion: '4.18.1', maxVersion: '4.18.4', shortestPath: true }).versions,
    ['4.18.1', '4.18.4'],
  );
  assert.match(selectedReleases(graph, { ...base, minVersion: '4.17.9', shortestPath: true }).error ?? '', /4\.17\.9/);
});
