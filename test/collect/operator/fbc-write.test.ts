/**
 * writeFbc: operator-registry's WriteFS layout and JSON form (byte for byte on the opm-written upstream catalogs),
 * the object order inside a package file, and the round trip writeFbc → loadFbc.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFbc } from '../../../core/collect/operator/fbc-load.js';
import { writeFbc } from '../../../core/collect/operator/fbc-write.js';
import type { DeclarativeConfig, FbcObject } from '../../../core/collect/operator/fbc-model.js';
import { OcmError } from '../../../core/errors.js';
import { tempDirForTest } from '../../harness/temp-dir.js';

const UPSTREAM = fileURLToPath(new URL('../../../../test/fixtures/upstream/', import.meta.url));
const FBC = join(UPSTREAM, 'fbc');
const CATALOGS = join(UPSTREAM, 'oc-mirror-integration', 'catalogs');

/** Every file under dir (relative paths, sorted). */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

/** The objects of a file written by writeFbc, in order. */
async function objectsOf(file: string): Promise<FbcObject[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split(/\n(?=\{)/)
    .filter((s) => s.trim())
    .map((s) => JSON.parse(s) as FbcObject);
}

function canonical(cfg: DeclarativeConfig): DeclarativeConfig {
  const key = (o: FbcObject): string => `${o.package ?? ''}\u0000${o.schema}\u0000${o.name ?? ''}`;
  const sorted = <T extends FbcObject>(list: T[]): T[] => [...list].sort((a, b) => key(a).localeCompare(key(b)));
  return {
    packages: sorted(cfg.packages),
    channels: sorted(cfg.channels),
    bundles: sorted(cfg.bundles),
    deprecations: sorted(cfg.deprecations),
    others: sorted(cfg.others),
  };
}

test('the opm-written upstream catalogs come out byte for byte as they were', async (t) => {
  for (const name of ['jaeger-product', 'node-observability-operator']) {
    const out = await tempDirForTest(t, 'fbc-write-');
    await writeFbc(out, await loadFbc(join(FBC, name)));
    assert.deepEqual(await listFiles(out), [`${name}/catalog.json`]);
    assert.equal(
      await readFile(join(out, name, 'catalog.json'), 'utf8'),
      await readFile(join(FBC, name, 'catalog.json'), 'utf8'),
      name,
    );
  }
});

test('layout: one catalog.json per package, package-less objects in a root catalog.json', async (t) => {
  const out = await tempDirForTest(t, 'fbc-write-layout-');
  await writeFbc(out, await loadFbc(join(CATALOGS, 'test-catalog-extra-blobs')));
  assert.deepEqual(await listFiles(out), ['bar/catalog.json', 'baz/catalog.json', 'catalog.json', 'foo/catalog.json']);
  assert.deepEqual(
    (await objectsOf(join(out, 'bar', 'catalog.json'))).map((o) => [o.schema, o.name]),
    [
      ['olm.package', 'bar'],
      ['olm.channel', 'alpha'],
      ['olm.channel', 'stable'],
      ['olm.bundle', 'bar.v0.1.0'],
      ['olm.bundle', 'bar.v0.2.0'],
      ['olm.bundle', 'bar.v1.0.0'],
      ['io.openshift.operators.lifecycles.v1alpha1', undefined],
    ],
  );
  const root = await objectsOf(join(out, 'catalog.json'));
  assert.deepEqual(
    root.map((o) => [o.schema, o.package]),
    [['io.openshift.operators.lifecycles.v1alpha1', undefined]],
  );
});

test('order inside a package file: package, channels by name, bundles by name, others by schema, deprecations', async (t) => {
  const out = await tempDirForTest(t, 'fbc-write-order-');
  const cfg: DeclarativeConfig = {
    packages: [{ schema: 'olm.package', name: 'p', defaultChannel: 'b' }],
    channels: [
      { schema: 'olm.channel', package: 'p', name: 'b', entries: [{ name: 'p.v2' }] },
      { schema: 'olm.channel', package: 'p', name: 'a', entries: [{ name: 'p.v1' }] },
    ],
    bundles: [
      { schema: 'olm.bundle', package: 'p', name: 'p.v2', image: 'r/p:2' },
      { schema: 'olm.bundle', package: 'p', name: 'p.v1', image: 'r/p:1' },
    ],
    deprecations: [{ schema: 'olm.deprecations', package: 'p', entries: [] }],
    others: [
      { schema: 'z.other', package: 'p', name: 'first z' },
      { schema: 'a.other', package: 'p' },
      { schema: 'z.other', package: 'p', name: 'second z' },
      { schema: 'root.other', tag: '<&>' },
    ],
  };
  await writeFbc(out, cfg);
  assert.deepEqual(
    (await objectsOf(join(out, 'p', 'catalog.json'))).map((o) => `${o.schema} ${o.name ?? ''}`.trim()),
    [
      'olm.package p',
      'olm.channel a',
      'olm.channel b',
      'olm.bundle p.v1',
      'olm.bundle p.v2',
      'a.other',
      'z.other first z',
      'z.other second z',
      'olm.deprecations',
    ],
  );
  // Go's encoder: 4-space indent, a newline after every object, no HTML escaping.
  assert.equal(
    await readFile(join(out, 'catalog.json'), 'utf8'),
    '{\n    "schema": "root.other",\n    "tag": "<&>"\n}\n',
  );
  const text = await readFile(join(out, 'p', 'catalog.json'), 'utf8');
  assert.ok(text.startsWith('{\n    "schema": "olm.package",\n    "name": "p",\n    "defaultChannel": "b"\n}\n{\n'));
  assert.ok(text.endsWith('{\n    "schema": "olm.deprecations",\n    "package": "p",\n    "entries": []\n}\n'));
  assert.deepEqual(
    cfg.channels.map((c) => c.name),
    ['b', 'a'],
    'the input is not reordered',
  );
});

test('a package without an olm.package object still gets its directory; U+2028 is escaped like Go does', async (t) => {
  const out = await tempDirForTest(t, 'fbc-write-nopkg-');
  await writeFbc(out, {
    packages: [],
    channels: [],
    bundles: [{ schema: 'olm.bundle', package: 'q', name: 'q.v1', image: 'r/q:1', note: 'a\u2028b' }],
    deprecations: [],
    others: [],
  });
  assert.deepEqual(await listFiles(out), ['q/catalog.json']);
  assert.match(await readFile(join(out, 'q', 'catalog.json'), 'utf8'), /"note": "a\\u2028b"/);
});

test('round trip: writeFbc then loadFbc gives the same catalog, and writing it again the same bytes', async (t) => {
  const sources = [
    join(FBC, 'jaeger-product'),
    join(FBC, '3scale-channels'),
    join(CATALOGS, 'test-catalog-extra-blobs'),
    join(CATALOGS, 'test-catalog-diff'),
  ];
  for (const source of sources) {
    const original = await loadFbc(source);
    const first = await tempDirForTest(t, 'fbc-rt1-');
    await writeFbc(first, original);
    const reloaded = await loadFbc(first);
    assert.deepEqual(canonical(reloaded), canonical(original), source);

    const second = await tempDirForTest(t, 'fbc-rt2-');
    await writeFbc(second, reloaded);
    const files = await listFiles(first);
    assert.deepEqual(await listFiles(second), files);
    for (const f of files) {
      assert.equal(await readFile(join(second, f), 'utf8'), await readFile(join(first, f), 'utf8'), `${source}: ${f}`);
    }
  }
});

test('writing over an existing catalog replaces its files and leaves no temporary file behind', async (t) => {
  const out = await tempDirForTest(t, 'fbc-write-over-');
  await mkdir(join(out, 'node-observability-operator'), { recursive: true });
  await writeFile(join(out, 'node-observability-operator', 'catalog.json'), 'old content');
  await writeFbc(out, await loadFbc(join(FBC, 'node-observability-operator')));
  assert.deepEqual(await listFiles(out), ['node-observability-operator/catalog.json']);
  const cfg = await loadFbc(out);
  assert.equal(cfg.bundles[0].name, 'node-observability-operator.v0.2.0');
});

test('package names that are not a single directory name, and objects without a package, are refused', async (t) => {
  const out = await tempDirForTest(t, 'fbc-write-bad-');
  for (const name of ['..', 'a/b', '.', 'a\\b']) {
    await assert.rejects(
      writeFbc(out, {
        packages: [{ schema: 'olm.package', name }],
        channels: [],
        bundles: [],
        deprecations: [],
        others: [],
      }),
      (err) => err instanceof OcmError && err.code === 'FBC_INVALID' && err.message.includes(JSON.stringify(name)),
    );
  }
  await assert.rejects(
    writeFbc(out, {
      packages: [],
      channels: [{ schema: 'olm.channel', package: '', name: 'c', entries: [] }],
      bundles: [],
      deprecations: [],
      others: [],
    }),
    /cannot write olm\.channel "c": it has no package/,
  );
  assert.deepEqual(await listFiles(out), []);
});
