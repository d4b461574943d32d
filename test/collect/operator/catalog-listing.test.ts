/**
 * The `list operators` data (core.md §2.5): packages with display name and default channel, a package's channels
 * with their heads, a channel's versions, and the tabwriter-like text. Real catalogs copied from upstream
 * (operator-registry / oc-mirror test data) loaded with loadFbc, plus a small hand-made catalog for the display
 * name sources and broken channels.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFbc } from '../../../core/collect/operator/fbc-load.js';
import {
  formatTable,
  listChannels,
  listPackages,
  listVersions,
} from '../../../core/collect/operator/catalog-listing.js';
import type { DeclarativeConfig } from '../../../core/collect/operator/fbc-model.js';
import { tempDirForTest } from '../../harness/temp-dir.js';

const UPSTREAM = fileURLToPath(new URL('../../../../test/fixtures/upstream/', import.meta.url));
const FBC = join(UPSTREAM, 'fbc');
const TEST_CATALOG = join(UPSTREAM, 'oc-mirror-integration', 'catalogs', 'test-catalog-latest');

const PACKAGE_HEADER = ['NAME', 'DISPLAY NAME', 'DEFAULT CHANNEL'];
const CHANNEL_HEADER = ['PACKAGE', 'CHANNEL', 'HEAD'];

const lines = (...rows: string[]) => rows.join('\n');

// ---------------------------------------------------------------------------------------------------------------
// Real catalogs

test('test-catalog-latest: packages sorted, display names from the head CSV, default channels', async () => {
  const fbc = await loadFbc(TEST_CATALOG);
  assert.deepEqual(listPackages(fbc), [
    // bar's bundles carry no CSV (no olm.bundle.object): no display name.
    { name: 'bar', displayName: '', defaultChannel: 'stable' },
    { name: 'baz', displayName: 'Baz Operator', defaultChannel: 'stable' },
    { name: 'foo', displayName: 'Foo Operator', defaultChannel: 'beta' },
  ]);
});

test('test-catalog-latest: channels with heads (replaces and skips, skipRange ignored)', async () => {
  const fbc = await loadFbc(TEST_CATALOG);
  assert.deepEqual(listChannels(fbc, 'bar'), [
    { package: 'bar', channel: 'alpha', head: 'bar.v1.0.0' },
    { package: 'bar', channel: 'stable', head: 'bar.v1.0.0' },
  ]);
  assert.deepEqual(listChannels(fbc, 'baz'), [{ package: 'baz', channel: 'stable', head: 'baz.v1.1.0' }]);
  // foo.v0.3.1 and foo.v0.3.0 both replace foo.v0.2.0; v0.3.1 also skips v0.3.0, so it is the only head.
  assert.deepEqual(listChannels(fbc, 'foo'), [{ package: 'foo', channel: 'beta', head: 'foo.v0.3.1' }]);
  assert.deepEqual(listChannels(fbc, 'no-such-package'), []);
});

test('test-catalog-latest: versions of a channel in the order of its entries', async () => {
  const fbc = await loadFbc(TEST_CATALOG);
  assert.deepEqual(listVersions(fbc, 'foo', 'beta'), ['0.1.0', '0.2.0', '0.3.0', '0.3.1']);
  assert.deepEqual(listVersions(fbc, 'bar', 'alpha'), ['0.1.0', '0.2.0', '1.0.0']);
  assert.deepEqual(listVersions(fbc, 'bar', 'stable'), ['1.0.0']);
  assert.deepEqual(listVersions(fbc, 'baz', 'stable'), ['1.0.0', '1.0.1', '1.1.0']);
  assert.equal(listVersions(fbc, 'foo', 'stable'), undefined);
  assert.equal(listVersions(fbc, 'nope', 'beta'), undefined);
  // A channel name of another package does not match.
  assert.equal(listVersions(fbc, 'baz', 'alpha'), undefined);
});

test('jaeger-product: display name from the CSV in olm.bundle.object; versions with build metadata', async () => {
  const fbc = await loadFbc(join(FBC, 'jaeger-product'));
  assert.deepEqual(listPackages(fbc), [
    {
      name: 'jaeger-product',
      displayName: 'Red Hat OpenShift distributed tracing platform',
      defaultChannel: 'stable',
    },
  ]);
  assert.deepEqual(listChannels(fbc, 'jaeger-product'), [
    { package: 'jaeger-product', channel: 'stable', head: 'jaeger-operator.v1.51.0-1' },
  ]);
  // Entry order as written in the channel; the olm.package version, not the bundle name.
  assert.deepEqual(listVersions(fbc, 'jaeger-product', 'stable'), [
    '1.30.2',
    '1.34.1-5',
    '1.42.0-5',
    '1.42.0-5+0.1687199951.p',
    '1.47.1-5',
    '1.51.0-1',
  ]);
});

test('node-observability-operator: one channel, one bundle', async () => {
  const fbc = await loadFbc(join(FBC, 'node-observability-operator'));
  assert.deepEqual(listPackages(fbc), [
    { name: 'node-observability-operator', displayName: 'Node Observability Operator', defaultChannel: 'alpha' },
  ]);
  assert.deepEqual(listChannels(fbc, 'node-observability-operator'), [
    { package: 'node-observability-operator', channel: 'alpha', head: 'node-observability-operator.v0.2.0' },
  ]);
  assert.deepEqual(listVersions(fbc, 'node-observability-operator', 'alpha'), ['0.2.0']);
});

test('3scale-channels: channels without bundles list entry names as versions; heads of three channels', async () => {
  const fbc = await loadFbc(join(FBC, '3scale-channels'));
  assert.equal(fbc.bundles.length, 0);
  assert.deepEqual(listPackages(fbc), [{ name: '3scale-operator', displayName: '', defaultChannel: 'threescale-mas' }]);
  assert.deepEqual(listChannels(fbc, '3scale-operator'), [
    { package: '3scale-operator', channel: 'threescale-2.11', head: '3scale-operator.v0.8.4-0.1655690146.p' },
    { package: '3scale-operator', channel: 'threescale-2.12', head: '3scale-operator.v0.9.1-0.1664967752.p' },
    { package: '3scale-operator', channel: 'threescale-mas', head: '3scale-operator.v0.11.0-mas' },
  ]);
  const mas = listVersions(fbc, '3scale-operator', 'threescale-mas');
  assert.deepEqual(mas?.slice(0, 3), [
    '3scale-operator.v0.10.0-mas',
    '3scale-operator.v0.11.0-mas',
    '3scale-operator.v0.8.0',
  ]);
  assert.equal(mas?.length, 16);
  assert.deepEqual(
    listVersions(fbc, '3scale-operator', 'threescale-2.11'),
    fbc.channels.find((c) => c.name === 'threescale-2.11')?.entries.map((e) => e.name),
  );
});

// ---------------------------------------------------------------------------------------------------------------
// formatTable on the real catalogs

test('formatTable: the packages table of test-catalog-latest, exactly', async () => {
  const fbc = await loadFbc(TEST_CATALOG);
  const rows = listPackages(fbc).map((p) => [p.name, p.displayName, p.defaultChannel]);
  assert.equal(
    formatTable(PACKAGE_HEADER, rows),
    lines(
      'NAME   DISPLAY NAME   DEFAULT CHANNEL',
      'bar                   stable',
      'baz    Baz Operator   stable',
      'foo    Foo Operator   beta',
    ),
  );
});

test('formatTable: the channels table of 3scale-operator, exactly', async () => {
  const fbc = await loadFbc(join(FBC, '3scale-channels'));
  const rows = listChannels(fbc, '3scale-operator').map((c) => [c.package, c.channel, c.head]);
  assert.equal(
    formatTable(CHANNEL_HEADER, rows),
    lines(
      'PACKAGE           CHANNEL           HEAD',
      '3scale-operator   threescale-2.11   3scale-operator.v0.8.4-0.1655690146.p',
      '3scale-operator   threescale-2.12   3scale-operator.v0.9.1-0.1664967752.p',
      '3scale-operator   threescale-mas    3scale-operator.v0.11.0-mas',
    ),
  );
});

test('formatTable: a one-column VERSIONS table is never padded', async () => {
  const fbc = await loadFbc(TEST_CATALOG);
  const versions = listVersions(fbc, 'foo', 'beta') ?? [];
  assert.equal(
    formatTable(
      ['VERSIONS'],
      versions.map((v) => [v]),
    ),
    'VERSIONS\n0.1.0\n0.2.0\n0.3.0\n0.3.1',
  );
});

test('formatTable: header only, column widths from the widest cell (header or row), padding 3', () => {
  assert.equal(formatTable(CHANNEL_HEADER, []), 'PACKAGE   CHANNEL   HEAD');
  assert.equal(
    formatTable(
      ['A', 'BB', 'C'],
      [
        ['longer-than-header', 'x', 'last'],
        ['y', 'much-longer-cell', ''],
      ],
    ),
    lines(
      'A                    BB                 C',
      'longer-than-header   x                  last',
      'y                    much-longer-cell',
    ),
  );
});

test('formatTable: no line ends with spaces, and only the last column is unpadded', () => {
  const text = formatTable(PACKAGE_HEADER, [
    ['a', '', ''],
    ['bb', 'Display', ''],
  ]);
  assert.equal(text, lines('NAME   DISPLAY NAME   DEFAULT CHANNEL', 'a', 'bb     Display'));
  for (const line of text.split('\n')) assert.equal(line, line.trimEnd());
});

// ---------------------------------------------------------------------------------------------------------------
// Hand-made catalog: display name sources and broken channels

const csv = (displayName: string) =>
  Buffer.from(
    JSON.stringify({
      apiVersion: 'operators.coreos.com/v1alpha1',
      kind: 'ClusterServiceVersion',
      spec: { displayName },
    }),
  ).toString('base64');
const crd = Buffer.from(
  JSON.stringify({ kind: 'CustomResourceDefinition', spec: { displayName: 'Not a CSV' } }),
).toString('base64');

function bundle(pkg: string, version: string, properties: { type: string; value: unknown }[]) {
  return {
    schema: 'olm.bundle',
    package: pkg,
    name: `${pkg}.v${version}`,
    image: `quay.io/example/${pkg}-bundle:v${version}`,
    properties: [{ type: 'olm.package', value: { packageName: pkg, version } }, ...properties],
  };
}

/** One JSON stream per package directory, as opm writes them. */
const HAND_MADE: Record<string, object[]> = {
  'meta/catalog.json': [
    { schema: 'olm.package', name: 'meta', defaultChannel: 'stable' },
    {
      schema: 'olm.channel',
      package: 'meta',
      name: 'stable',
      entries: [{ name: 'meta.v1.0.0' }, { name: 'meta.v2.0.0', replaces: 'meta.v1.0.0' }],
    },
    bundle('meta', '1.0.0', [{ type: 'olm.csv.metadata', value: { displayName: 'Meta (old name)' } }]),
    // The head: olm.csv.metadata wins over the CSV object.
    bundle('meta', '2.0.0', [
      { type: 'olm.bundle.object', value: { data: csv('Name from the CSV') } },
      { type: 'olm.csv.metadata', value: { displayName: 'Meta Operator' } },
    ]),
  ],
  'csvonly/catalog.json': [
    { schema: 'olm.package', name: 'csvonly', defaultChannel: 'fast' },
    { schema: 'olm.channel', package: 'csvonly', name: 'fast', entries: [{ name: 'csvonly.v0.1.0' }] },
    bundle('csvonly', '0.1.0', [
      { type: 'olm.bundle.object', value: { data: Buffer.from('not json at all').toString('base64') } },
      { type: 'olm.bundle.object', value: { data: crd } },
      { type: 'olm.bundle.object', value: { data: csv('CSV Only Operator') } },
    ]),
  ],
  'broken/catalog.json': [
    { schema: 'olm.package', name: 'broken', defaultChannel: 'stable' },
    // Two entries, nothing replaces either: two heads.
    {
      schema: 'olm.channel',
      package: 'broken',
      name: 'stable',
      entries: [{ name: 'broken.v1.0.0' }, { name: 'broken.v1.1.0' }],
    },
    // Each replaces the other: no head.
    {
      schema: 'olm.channel',
      package: 'broken',
      name: 'cycle',
      entries: [
        { name: 'broken.v1.0.0', replaces: 'broken.v1.1.0' },
        { name: 'broken.v1.1.0', replaces: 'broken.v1.0.0' },
      ],
    },
    { schema: 'olm.channel', package: 'broken', name: 'fast', entries: [{ name: 'broken.v1.1.0' }] },
    bundle('broken', '1.0.0', [{ type: 'olm.csv.metadata', value: { displayName: 'Broken Operator' } }]),
    bundle('broken', '1.1.0', [{ type: 'olm.csv.metadata', value: { displayName: 'Broken Operator' } }]),
  ],
  'nodefault/catalog.json': [
    { schema: 'olm.package', name: 'nodefault' },
    { schema: 'olm.channel', package: 'nodefault', name: 'alpha', entries: [{ name: 'nodefault.v0.0.1' }] },
    bundle('nodefault', '0.0.1', [{ type: 'olm.csv.metadata', value: { displayName: 'No Default' } }]),
  ],
  'noversion/catalog.json': [
    { schema: 'olm.package', name: 'noversion', defaultChannel: 'alpha' },
    {
      schema: 'olm.channel',
      package: 'noversion',
      name: 'alpha',
      entries: [{ name: 'noversion.a' }, { name: 'noversion.b', replaces: 'noversion.a' }],
    },
    // A bundle without an olm.package property: the entry name stands in for the version.
    { schema: 'olm.bundle', package: 'noversion', name: 'noversion.a', properties: [] },
  ],
};

async function handMade(t: { after(fn: () => Promise<void> | void): void }): Promise<DeclarativeConfig> {
  const root = await tempDirForTest(t, 'catalog-listing-');
  for (const [path, objects] of Object.entries(HAND_MADE)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), objects.map((o) => JSON.stringify(o, null, 4)).join('\n'));
  }
  return loadFbc(root);
}

test('display names: olm.csv.metadata of the default channel head first, else the CSV object, else empty', async (t) => {
  const fbc = await handMade(t);
  assert.deepEqual(listPackages(fbc), [
    // The default channel is broken: the package is still listed, without a display name.
    { name: 'broken', displayName: '', defaultChannel: 'stable' },
    // Non-JSON and non-CSV objects are skipped.
    { name: 'csvonly', displayName: 'CSV Only Operator', defaultChannel: 'fast' },
    // The head's name (v2.0.0), not the first bundle's.
    { name: 'meta', displayName: 'Meta Operator', defaultChannel: 'stable' },
    // No default channel: nothing to take the display name from.
    { name: 'nodefault', displayName: '', defaultChannel: '' },
    // A head without a bundle object.
    { name: 'noversion', displayName: '', defaultChannel: 'alpha' },
  ]);
});

test('a broken channel is listed with the reason in the HEAD column; valid channels keep their head', async (t) => {
  const fbc = await handMade(t);
  assert.deepEqual(listChannels(fbc, 'broken'), [
    { package: 'broken', channel: 'cycle', head: '(invalid channel: no channel heads found)' },
    { package: 'broken', channel: 'fast', head: 'broken.v1.1.0' },
    {
      package: 'broken',
      channel: 'stable',
      head: '(invalid channel: multiple channel heads found: [broken.v1.0.0 broken.v1.1.0])',
    },
  ]);
  const rows = listChannels(fbc, 'broken').map((c) => [c.package, c.channel, c.head]);
  assert.equal(
    formatTable(CHANNEL_HEADER, rows),
    lines(
      'PACKAGE   CHANNEL   HEAD',
      'broken    cycle     (invalid channel: no channel heads found)',
      'broken    fast      broken.v1.1.0',
      'broken    stable    (invalid channel: multiple channel heads found: [broken.v1.0.0 broken.v1.1.0])',
    ),
  );
  // Versions do not need a valid graph.
  assert.deepEqual(listVersions(fbc, 'broken', 'stable'), ['1.0.0', '1.1.0']);
  assert.deepEqual(listVersions(fbc, 'broken', 'cycle'), ['1.0.0', '1.1.0']);
});

test('versions fall back to the entry name for a bundle without a version or without a bundle', async (t) => {
  const fbc = await handMade(t);
  assert.deepEqual(listVersions(fbc, 'noversion', 'alpha'), ['noversion.a', 'noversion.b']);
  assert.deepEqual(listVersions(fbc, 'meta', 'stable'), ['1.0.0', '2.0.0']);
});
