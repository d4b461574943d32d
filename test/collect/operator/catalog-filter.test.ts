import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { IncludePackage, Operator } from '../../../core/config/image-set-config.js';
import {
  CatalogFilterError,
  filterCatalog,
  isUnfilteredCatalog,
  packagesToKeep,
} from '../../../core/collect/operator/catalog-filter.js';
import {
  emptyDeclarativeConfig,
  type DeclarativeConfig,
  type FbcBundle,
  type FbcChannel,
  type FbcObject,
} from '../../../core/collect/operator/fbc-model.js';
import { OcmError } from '../../../core/errors.js';

// --- Fixtures: concatenated JSON objects or `---`-separated YAML documents, grouped like declcfg -------------

const UPSTREAM = fileURLToPath(new URL('../../../../test/fixtures/upstream/', import.meta.url));
const INTEGRATION = `${UPSTREAM}oc-mirror-integration/catalogs/`;

function splitJsonObjects(text: string): unknown[] {
  const objects: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && --depth === 0) {
      objects.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return objects;
}

function readObjects(path: string): FbcObject[] {
  if (statSync(path).isDirectory()) {
    return readdirSync(path)
      .sort()
      .flatMap((name) => readObjects(join(path, name)));
  }
  const text = readFileSync(path, 'utf8');
  const objects = path.endsWith('.json')
    ? splitJsonObjects(text)
    : parseAllDocuments(text).map((doc) => doc.toJS() as unknown);
  return objects.filter((o): o is FbcObject => typeof o === 'object' && o !== null);
}

function group(objects: FbcObject[]): DeclarativeConfig {
  const cfg = emptyDeclarativeConfig();
  for (const o of objects) {
    if (o.schema === 'olm.package') cfg.packages.push(o as DeclarativeConfig['packages'][number]);
    else if (o.schema === 'olm.channel') cfg.channels.push(o as FbcChannel);
    else if (o.schema === 'olm.bundle') cfg.bundles.push(o as FbcBundle);
    else if (o.schema === 'olm.deprecations') cfg.deprecations.push(o as DeclarativeConfig['deprecations'][number]);
    else cfg.others.push(o);
  }
  return cfg;
}

const load = (...paths: string[]): DeclarativeConfig => group(paths.flatMap(readObjects));
const latest = (): DeclarativeConfig => load(`${INTEGRATION}test-catalog-latest`);
const jaeger = (): DeclarativeConfig => load(`${UPSTREAM}fbc/jaeger-product/catalog.json`);
const threescale = (): DeclarativeConfig => load(`${UPSTREAM}fbc/3scale-channels/test-operator-catalog.json`);

// --- Helpers ----------------------------------------------------------------------------------------------

const CATALOG = 'quay.io/oc-mirror/oc-mirror-dev:test-catalog-latest';

function op(packages?: IncludePackage[], extra: Partial<Operator> = {}): Operator {
  return { catalog: CATALOG, ...(packages ? { packages } : {}), ...extra };
}

interface Run {
  out: DeclarativeConfig;
  warnings: string[];
}

function run(cfg: DeclarativeConfig, operator: Operator): Run {
  const warnings: string[] = [];
  const out = filterCatalog(cfg, operator, { onWarning: (m) => warnings.push(m) });
  return { out, warnings };
}

const bundleNames = (cfg: DeclarativeConfig): string[] => cfg.bundles.map((b) => b.name);

function channelEntries(cfg: DeclarativeConfig): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const ch of cfg.channels) out[`${ch.package}/${ch.name}`] = ch.entries.map((e) => e.name);
  return out;
}

function defaults(cfg: DeclarativeConfig): Record<string, string | undefined> {
  return Object.fromEntries(cfg.packages.map((p) => [p.name, p.defaultChannel]));
}

function assertFilterError(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof CatalogFilterError, `expected CatalogFilterError, got ${String(err)}`);
    assert.ok(err instanceof OcmError);
    assert.equal(err.code, 'CATALOG_FILTER');
    assert.equal(err.message, message);
    return true;
  });
}

// --- Helpers of the collector ------------------------------------------------------------------------------

test('packagesToKeep and isUnfilteredCatalog', () => {
  assert.equal(packagesToKeep(op()), undefined);
  assert.equal(packagesToKeep(op([])), undefined);
  assert.deepEqual(packagesToKeep(op([{ name: 'foo' }, { name: 'bar' }])), new Set(['foo', 'bar']));
  assert.equal(isUnfilteredCatalog(op(undefined, { full: true })), true);
  assert.equal(isUnfilteredCatalog(op([], { full: true })), true);
  assert.equal(isUnfilteredCatalog(op()), false);
  assert.equal(isUnfilteredCatalog(op([{ name: 'foo' }], { full: true })), false);
});

// --- §2.6, row by row -------------------------------------------------------------------------------------

test('row 1: no packages — the head of every channel of every package, bundles sorted', () => {
  const { out } = run(latest(), op());
  assert.deepEqual(
    out.packages.map((p) => p.name),
    ['bar', 'baz', 'foo'],
  );
  assert.deepEqual(channelEntries(out), {
    'bar/alpha': ['bar.v1.0.0'],
    'bar/stable': ['bar.v1.0.0'],
    'baz/stable': ['baz.v1.1.0'],
    'foo/beta': ['foo.v0.3.1'],
  });
  assert.deepEqual(bundleNames(out), ['bar.v1.0.0', 'baz.v1.1.0', 'foo.v0.3.1']);
  // The head entry is kept unchanged, dangling replaces/skips included.
  const beta = out.channels.find((c) => c.name === 'beta');
  assert.deepEqual(beta?.entries[0], {
    name: 'foo.v0.3.1',
    replaces: 'foo.v0.2.0',
    skips: ['foo.v0.3.0'],
    skipRange: '<0.3.1',
  });
});

test('row 1: heads of all channels, not only the default one (3scale, three channels)', () => {
  const { out } = run(threescale(), op());
  assert.deepEqual(channelEntries(out), {
    '3scale-operator/threescale-2.11': ['3scale-operator.v0.8.4-0.1655690146.p'],
    '3scale-operator/threescale-2.12': ['3scale-operator.v0.9.1-0.1664967752.p'],
    '3scale-operator/threescale-mas': ['3scale-operator.v0.11.0-mas'],
  });
  const jaegerOut = run(jaeger(), op()).out;
  assert.deepEqual(bundleNames(jaegerOut), ['jaeger-operator.v1.51.0-1']);
});

test('row 1: one invalid channel anywhere fails the whole catalog', () => {
  const cfg = latest();
  const baz = cfg.channels.find((c) => c.package === 'baz') as FbcChannel;
  baz.entries = baz.entries.map((e) => (e.name === 'baz.v1.1.0' ? { name: e.name } : e));
  assertFilterError(
    () => filterCatalog(cfg, op()),
    'failed to filter catalog: package "baz" channel "stable" unable to filter head of channel: ' +
      'multiple channel heads found: [baz.v1.0.1 baz.v1.1.0]',
  );
});

test('row 2: no packages and full: the catalog unchanged, even bundles in no channel', () => {
  const cfg = latest();
  cfg.bundles.push({ schema: 'olm.bundle', package: 'foo', name: 'foo.v9.9.9-orphan', properties: [] });
  const operator = op(undefined, { full: true });
  assert.ok(isUnfilteredCatalog(operator));
  const { out } = run(cfg, operator);
  assert.deepEqual(out, cfg);
  assert.notEqual(out.bundles, cfg.bundles, 'a copy, not the same arrays');
});

test('row 3: packages by name — every channel head-only; unknown packages dropped with a warning', () => {
  const { out, warnings } = run(latest(), op([{ name: 'foo' }, { name: 'bar' }, { name: 'nope' }]));
  assert.deepEqual(
    out.packages.map((p) => p.name),
    ['bar', 'foo'],
  );
  assert.deepEqual(channelEntries(out), {
    'bar/alpha': ['bar.v1.0.0'],
    'bar/stable': ['bar.v1.0.0'],
    'foo/beta': ['foo.v0.3.1'],
  });
  assert.deepEqual(bundleNames(out), ['bar.v1.0.0', 'foo.v0.3.1']);
  assert.deepEqual(warnings, ['package "nope" not found in the catalog']);
  assert.deepEqual(defaults(out), { bar: 'stable', foo: 'beta' });

  const heads = run(threescale(), op([{ name: '3scale-operator' }])).out;
  assert.deepEqual(Object.values(channelEntries(heads)), [
    ['3scale-operator.v0.8.4-0.1655690146.p'],
    ['3scale-operator.v0.9.1-0.1664967752.p'],
    ['3scale-operator.v0.11.0-mas'],
  ]);
});

test('row 3: versions need not be strict semver when no range is used', () => {
  const cfg = latest();
  const b = cfg.bundles.find((x) => x.name === 'foo.v0.3.1') as FbcBundle;
  b.properties = [{ type: 'olm.package', value: { packageName: 'foo', version: 'v0.3.1' } }];
  assert.deepEqual(bundleNames(run(cfg, op([{ name: 'foo' }])).out), ['foo.v0.3.1']);
});

test('row 4: packages by name with full — every entry of every channel, unreferenced bundles dropped', () => {
  const cfg = latest();
  cfg.bundles.push({ schema: 'olm.bundle', package: 'foo', name: 'foo.v9.9.9-orphan', properties: [] });
  const { out } = run(cfg, op([{ name: 'foo' }, { name: 'bar' }], { full: true }));
  assert.deepEqual(bundleNames(out), [
    'bar.v0.1.0',
    'bar.v0.2.0',
    'bar.v1.0.0',
    'foo.v0.1.0',
    'foo.v0.2.0',
    'foo.v0.3.0',
    'foo.v0.3.1',
  ]);
  assert.deepEqual(channelEntries(out)['foo/beta'], ['foo.v0.1.0', 'foo.v0.2.0', 'foo.v0.3.0', 'foo.v0.3.1']);
});

test('row 5: listed channels, head only; defaultChannel override rewrites the package', () => {
  const { out } = run(latest(), op([{ name: 'bar', defaultChannel: 'alpha', channels: [{ name: 'alpha' }] }]));
  assert.deepEqual(channelEntries(out), { 'bar/alpha': ['bar.v1.0.0'] });
  assert.deepEqual(bundleNames(out), ['bar.v1.0.0']);
  assert.deepEqual(defaults(out), { bar: 'alpha' });
});

test('row 5 / §2.8: the default channel must survive the name selection', () => {
  assertFilterError(
    () => filterCatalog(latest(), op([{ name: 'bar', channels: [{ name: 'alpha' }] }])),
    'failed to filter catalog: invalid default channel configuration for package "bar": ' +
      'the default channel "stable" was filtered out, a new default channel must be configured for this package',
  );
  assertFilterError(
    () => filterCatalog(latest(), op([{ name: 'bar', defaultChannel: 'stable', channels: [{ name: 'alpha' }] }])),
    'failed to filter catalog: invalid default channel configuration for package "bar": ' +
      'specified default channel override "stable" does not exist in the filtered output',
  );
  // An override naming a channel that exists is fine even with every channel kept.
  const { out } = run(latest(), op([{ name: 'bar', defaultChannel: 'alpha' }]));
  assert.deepEqual(defaults(out), { bar: 'alpha' });
});

test('row 6: listed channels with full — all entries of those channels', () => {
  const { out } = run(
    latest(),
    op([{ name: 'bar', defaultChannel: 'alpha', channels: [{ name: 'alpha' }] }], { full: true }),
  );
  assert.deepEqual(bundleNames(out), ['bar.v0.1.0', 'bar.v0.2.0', 'bar.v1.0.0']);
  assert.deepEqual(channelEntries(out), { 'bar/alpha': ['bar.v0.1.0', 'bar.v0.2.0', 'bar.v1.0.0'] });
});

test('row 7: package range without channels — each channel filtered on its own', () => {
  const { out } = run(latest(), op([{ name: 'foo', minVersion: '0.2.0', maxVersion: '0.3.1' }]));
  assert.deepEqual(bundleNames(out), ['foo.v0.2.0', 'foo.v0.3.0', 'foo.v0.3.1']);
  // Entries are reduced, each kept entry unchanged.
  assert.deepEqual(out.channels[0].entries, [
    { name: 'foo.v0.2.0', skipRange: '<0.2.0', skips: ['foo.v0.1.1', 'foo.v0.1.2'], replaces: 'foo.v0.1.0' },
    { name: 'foo.v0.3.0', skipRange: '<0.3.0', replaces: 'foo.v0.2.0' },
    { name: 'foo.v0.3.1', skipRange: '<0.3.1', skips: ['foo.v0.3.0'], replaces: 'foo.v0.2.0' },
  ]);

  const bar = run(latest(), op([{ name: 'bar', minVersion: '0.2.0' }])).out;
  assert.deepEqual(channelEntries(bar), { 'bar/alpha': ['bar.v0.2.0', 'bar.v1.0.0'], 'bar/stable': ['bar.v1.0.0'] });
  assert.deepEqual(bundleNames(bar), ['bar.v0.2.0', 'bar.v1.0.0']);
});

test('row 7: a range emptying the default channel is an error (message keeps the leading space of max-only)', () => {
  assertFilterError(
    () => filterCatalog(latest(), op([{ name: 'bar', maxVersion: '0.2.0' }])),
    'failed to filter catalog: package "bar" channel "stable" has version range " <=0.2.0" that results in an empty channel',
  );
});

test('row 7 / §2.8: an emptied non-default channel is dropped; the override is the default that must survive', () => {
  const { out, warnings } = run(latest(), op([{ name: 'bar', defaultChannel: 'alpha', maxVersion: '0.2.0' }]));
  assert.deepEqual(channelEntries(out), { 'bar/alpha': ['bar.v0.1.0', 'bar.v0.2.0'] });
  assert.deepEqual(bundleNames(out), ['bar.v0.1.0', 'bar.v0.2.0']);
  assert.deepEqual(defaults(out), { bar: 'alpha' });
  assert.deepEqual(warnings, [
    'package "bar" channel "stable": version range " <=0.2.0" keeps no bundle, channel dropped',
  ]);
  // The override itself emptied: error, although the original default (stable) survives.
  assertFilterError(
    () =>
      filterCatalog(
        latest(),
        op([
          {
            name: 'bar',
            defaultChannel: 'alpha',
            channels: [{ name: 'alpha', minVersion: '5.0.0' }, { name: 'stable' }],
          },
        ]),
      ),
    'failed to filter catalog: package "bar" channel "alpha" has version range ">=5.0.0" that results in an empty channel',
  );
});

test('row 8: package range with channel names', () => {
  const { out } = run(
    latest(),
    op([{ name: 'foo', channels: [{ name: 'beta' }], minVersion: '0.2.0', maxVersion: '0.3.1' }]),
  );
  assert.deepEqual(bundleNames(out), ['foo.v0.2.0', 'foo.v0.3.0', 'foo.v0.3.1']);
});

test('row 9: channel ranges — min only, max only (head excluded), both; unranged listed channels head-only', () => {
  const range = (channels: IncludePackage['channels'], name = 'foo', defaultChannel?: string) =>
    bundleNames(run(latest(), op([{ name, defaultChannel, channels }])).out);
  // The integration example: beta 0.1.0 ← 0.2.0 ← 0.3.0, 0.3.1 replaces 0.2.0 and skips 0.3.0.
  assert.deepEqual(range([{ name: 'beta', minVersion: '0.2.0', maxVersion: '0.3.1' }]), [
    'foo.v0.2.0',
    'foo.v0.3.0',
    'foo.v0.3.1',
  ]);
  assert.deepEqual(range([{ name: 'beta', minVersion: '0.3.0' }]), ['foo.v0.3.0', 'foo.v0.3.1']);
  assert.deepEqual(range([{ name: 'beta', maxVersion: '0.2.0' }]), ['foo.v0.1.0', 'foo.v0.2.0']);
  assert.deepEqual(range([{ name: 'alpha', maxVersion: '0.2.0' }, { name: 'stable' }], 'bar'), [
    'bar.v0.1.0',
    'bar.v0.2.0',
    'bar.v1.0.0',
  ]);
  const { out } = run(
    latest(),
    op([{ name: 'bar', channels: [{ name: 'alpha', maxVersion: '0.2.0' }, { name: 'stable' }] }]),
  );
  assert.deepEqual(channelEntries(out), { 'bar/alpha': ['bar.v0.1.0', 'bar.v0.2.0'], 'bar/stable': ['bar.v1.0.0'] });
});

test('row 10: package range and channel range together fail validation', () => {
  assertFilterError(
    () =>
      filterCatalog(
        latest(),
        op([{ name: 'foo', minVersion: '0.1.0', channels: [{ name: 'beta', maxVersion: '0.3.0' }] }]),
      ),
    'failed to validate catalog filter: package "foo" at index [0] is invalid: package specifies a VersionRange, ' +
      'while channel "beta" at index [0] equally specifies one: package.VersionRange and channel.VersionRange are exclusive',
  );
});

test('row 11: full with any range', () => {
  const message = 'failed to filter catalog: Full: true cannot be mixed with versionRange';
  assertFilterError(() => filterCatalog(latest(), op([{ name: 'foo', minVersion: '0.2.0' }], { full: true })), message);
  assertFilterError(
    () =>
      filterCatalog(latest(), op([{ name: 'foo', channels: [{ name: 'beta', maxVersion: '0.2.0' }] }], { full: true })),
    message,
  );
});

test('row 12: minVersion == maxVersion keeps exactly that version', () => {
  const pinned = (pkg: IncludePackage) => bundleNames(run(latest(), op([pkg])).out);
  assert.deepEqual(
    pinned({
      name: 'foo',
      defaultChannel: 'beta',
      channels: [{ name: 'beta', minVersion: '0.3.1', maxVersion: '0.3.1' }],
    }),
    ['foo.v0.3.1'],
  );
  assert.deepEqual(pinned({ name: 'foo', channels: [{ name: 'beta', minVersion: '0.2.0', maxVersion: '0.2.0' }] }), [
    'foo.v0.2.0',
  ]);
  // Lenient spellings of the same version; the out-of-range skipper rule of the walk does not apply.
  assert.deepEqual(pinned({ name: 'foo', minVersion: 'v0.3.0', maxVersion: '0.3' }), ['foo.v0.3.0']);
  // Build metadata does not count: both 1.42.0-5 bundles match.
  const { out } = run(jaeger(), op([{ name: 'jaeger-product', minVersion: '1.42.0-5', maxVersion: '1.42.0-5' }]));
  assert.deepEqual(bundleNames(out), ['jaeger-operator.v1.42.0-5', 'jaeger-operator.v1.42.0-5-0.1687199951.p']);
});

test('row 12: a pinned version that no bundle has', () => {
  assertFilterError(
    () => filterCatalog(latest(), op([{ name: 'foo', minVersion: '77.77.77', maxVersion: '77.77.77' }])),
    'failed to filter catalog: error finding specific bundle: specific version 77.77.77 not found in bundles',
  );
});

test('row 13: minVersion > maxVersion — empty default channel fails, other empty channels are dropped', () => {
  assertFilterError(
    () =>
      filterCatalog(
        latest(),
        op([
          {
            name: 'foo',
            defaultChannel: 'beta',
            channels: [{ name: 'beta', minVersion: '0.3.1', maxVersion: '0.2.0' }],
          },
        ]),
      ),
    'failed to filter catalog: package "foo" channel "beta" has version range ">=0.3.1 <=0.2.0" that results in an empty channel',
  );
  const { out, warnings } = run(
    latest(),
    op([{ name: 'bar', channels: [{ name: 'alpha', minVersion: '5.0.0' }, { name: 'stable' }] }]),
  );
  assert.deepEqual(channelEntries(out), { 'bar/stable': ['bar.v1.0.0'] });
  assert.deepEqual(bundleNames(out), ['bar.v1.0.0']);
  assert.deepEqual(warnings, [
    'package "bar" channel "alpha": version range ">=5.0.0" keeps no bundle, channel dropped',
  ]);
});

test('row 14: listed channels missing from the package are ignored (with a warning)', () => {
  const { out, warnings } = run(latest(), op([{ name: 'bar', channels: [{ name: 'stable' }, { name: 'nope' }] }]));
  assert.deepEqual(channelEntries(out), { 'bar/stable': ['bar.v1.0.0'] });
  assert.deepEqual(warnings, ['package "bar": channel "nope" not found in the catalog']);
  assertFilterError(
    () => filterCatalog(latest(), op([{ name: 'bar', defaultChannel: 'nope', channels: [{ name: 'nope' }] }])),
    'failed to filter catalog: invalid default channel configuration for package "bar": ' +
      'specified default channel override "nope" does not exist in the filtered output',
  );
});

test('row 15: a filter that keeps nothing returns zero bundles (the collector reports "no related images found")', () => {
  const { out } = run(latest(), op([{ name: 'nope' }]));
  assert.deepEqual(out, emptyDeclarativeConfig());
});

// --- §2.5, §2.7 details -----------------------------------------------------------------------------------

test('Masterminds prerelease rule: prerelease bundles are outside ranges without a prerelease', () => {
  // 1.30.2 is the only release version; every later jaeger bundle is a prerelease (1.34.1-5, …, 1.51.0-1).
  const release = run(jaeger(), op([{ name: 'jaeger-product', minVersion: '1.30.0' }])).out;
  assert.deepEqual(bundleNames(release), ['jaeger-operator.v1.30.2']);
  // A prerelease bound includes prereleases of any version above it (no npm-style same-version restriction).
  const pre = run(jaeger(), op([{ name: 'jaeger-product', minVersion: '1.42.0-0' }])).out;
  assert.deepEqual(bundleNames(pre), [
    'jaeger-operator.v1.42.0-5',
    'jaeger-operator.v1.42.0-5-0.1687199951.p',
    'jaeger-operator.v1.47.1-5',
    'jaeger-operator.v1.51.0-1',
  ]);
});

test('chain nodes outside the range are kept when needed, with warnings', () => {
  // foo.v0.3.1 (out of range) is the only chain node skipping foo.v0.3.0 (in range): it stays as the head.
  const { out, warnings } = run(
    latest(),
    op([{ name: 'foo', channels: [{ name: 'beta', minVersion: '0.2.5', maxVersion: '0.3.0' }] }]),
  );
  assert.deepEqual(bundleNames(out), ['foo.v0.3.0', 'foo.v0.3.1']);
  assert.deepEqual(warnings, [
    'package "foo" channel "beta": including bundle "foo.v0.3.1" with version "0.3.1": it falls outside the specified ' +
      'range of ">=0.2.5 <=0.3.0" but is required to ensure inclusion of all bundles in the range',
  ]);
  // With min == max the exact rule applies instead: no extra chain node.
  const exact = run(
    latest(),
    op([{ name: 'foo', channels: [{ name: 'beta', minVersion: '0.3.0', maxVersion: '0.3.0' }] }]),
  );
  assert.deepEqual(bundleNames(exact.out), ['foo.v0.3.0']);
  assert.deepEqual(exact.warnings, []);
});

test('kept bundles are the entries of the kept channels, not skipped names from other channels', () => {
  const withOld = (): DeclarativeConfig => {
    const cfg = latest();
    const template = cfg.bundles.find((b) => b.name === 'foo.v0.1.0') as FbcBundle;
    cfg.bundles.push({
      ...template,
      name: 'foo.v0.1.1',
      properties: [{ type: 'olm.package', value: { packageName: 'foo', version: '0.1.1' } }],
    });
    cfg.channels.push({ schema: 'olm.channel', package: 'foo', name: 'old', entries: [{ name: 'foo.v0.1.1' }] });
    return cfg;
  };
  // foo.v0.2.0 skips foo.v0.1.1, in range, but foo.v0.1.1 is only an entry of channel "old", not selected.
  const { out } = run(withOld(), op([{ name: 'foo', channels: [{ name: 'beta', minVersion: '0.1.0' }] }]));
  assert.deepEqual(bundleNames(out), ['foo.v0.1.0', 'foo.v0.2.0', 'foo.v0.3.0', 'foo.v0.3.1']);
  // A walk that keeps no entry of the channel itself empties it.
  const cfg = withOld();
  (cfg.channels.find((c) => c.name === 'beta') as FbcChannel).entries = [
    { name: 'foo.v0.3.1', replaces: 'foo.v0.1.1' },
  ];
  assertFilterError(
    () => filterCatalog(cfg, op([{ name: 'foo', channels: [{ name: 'beta', maxVersion: '0.2.0' }] }])),
    'failed to filter catalog: package "foo" channel "beta" has version range " <=0.2.0" that results in an empty channel',
  );
});

test('bundle versions must be strict semver when a range is used', () => {
  const cfg = latest();
  const b = cfg.bundles.find((x) => x.name === 'foo.v0.1.0') as FbcBundle;
  b.properties = [{ type: 'olm.package', value: { packageName: 'foo', version: 'v0.1.0' } }];
  assertFilterError(
    () => filterCatalog(cfg, op([{ name: 'foo', minVersion: '0.2.0' }])),
    'failed to filter catalog: bundle "foo.v0.1.0" in package "foo" has version "v0.1.0", ' +
      'which is not a strict semantic version (MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD])',
  );
  b.properties = [];
  assertFilterError(
    () => filterCatalog(cfg, op([{ name: 'foo', minVersion: '0.2.0' }])),
    'failed to filter catalog: bundle "foo.v0.1.0" in package "foo" has no package property',
  );
  // Other packages are not concerned.
  assert.deepEqual(bundleNames(run(cfg, op([{ name: 'bar', minVersion: '1.0.0' }])).out), ['bar.v1.0.0']);
});

test('invalid channel graphs under a range fail with the library message', () => {
  const cfg = latest();
  const beta = cfg.channels.find((c) => c.name === 'beta') as FbcChannel;
  beta.entries = [
    { name: 'foo.v0.3.1', replaces: 'foo.v0.2.0' },
    { name: 'foo.v0.2.0', replaces: 'foo.v0.1.0' },
    { name: 'foo.v0.1.0', replaces: 'foo.v0.2.0' },
  ];
  assertFilterError(
    () => filterCatalog(cfg, op([{ name: 'foo', minVersion: '0.1.0' }])),
    'failed to filter catalog: detected a cycle in the upgrade graph of the channel',
  );
});

test('filter validation errors (§2.5)', () => {
  assertFilterError(
    () => filterCatalog(latest(), op([{ name: 'foo', minVersion: 'abc' }])),
    'failed to validate catalog filter: package "foo" at index [0] is invalid: versionRange is not in valid semantic ' +
      'versionning format: improper constraint: ">=abc"',
  );
  assertFilterError(
    () =>
      filterCatalog(
        latest(),
        op([{ name: '' }, { name: 'foo', channels: [{ name: 'beta', maxVersion: '1.2.3.4' }, { name: '' }] }]),
      ),
    'failed to validate catalog filter: package "" at index [0] is invalid: name must be specified\n' +
      'package "foo" at index [1] is invalid: channel "beta" at index [0] is invalid: versionRange is not in valid ' +
      'semantic versionning format: improper constraint: " <=1.2.3.4"\n' +
      'package "foo" at index [1] is invalid: channel "" at index [1] is invalid: name must be specified',
  );
});

// --- §2.9 -------------------------------------------------------------------------------------------------

test('deprecations follow the kept bundles and channels; package entries stay', () => {
  const cfg = latest();
  const entry = (schema: string, name?: string) => ({
    reference: { schema, ...(name ? { name } : {}) },
    message: schema,
  });
  cfg.deprecations.push(
    {
      schema: 'olm.deprecations',
      package: 'foo',
      entries: [
        entry('olm.package'),
        entry('olm.channel', 'beta'),
        entry('olm.channel', 'gone'),
        entry('olm.bundle', 'foo.v0.1.0'),
        entry('olm.bundle', 'foo.v0.3.1'),
      ],
    },
    { schema: 'olm.deprecations', package: 'bar', entries: [entry('olm.package')] },
  );
  const { out } = run(cfg, op([{ name: 'foo' }]));
  assert.equal(out.deprecations.length, 1);
  assert.deepEqual(
    out.deprecations[0].entries.map((e) => `${e.reference.schema}:${e.reference.name ?? ''}`),
    ['olm.package:', 'olm.channel:beta', 'olm.bundle:foo.v0.3.1'],
  );
  // Without packages: every package's deprecations are kept and filtered the same way.
  const all = run(cfg, op()).out;
  assert.deepEqual(
    all.deprecations.map((d) => d.package),
    ['foo', 'bar'],
  );
  // A channel dropped because a range emptied it loses its deprecation entry too.
  const bar = structuredClone(cfg);
  bar.deprecations[1].entries.push(entry('olm.channel', 'stable'), entry('olm.channel', 'alpha'));
  const ranged = run(bar, op([{ name: 'bar', defaultChannel: 'alpha', maxVersion: '0.2.0' }])).out;
  assert.deepEqual(
    ranged.deprecations[0].entries.map((e) => `${e.reference.schema}:${e.reference.name ?? ''}`),
    ['olm.package:', 'olm.channel:alpha'],
  );
});

test('other objects: kept without a package or with a kept package', () => {
  const cfg = load(`${INTEGRATION}test-catalog-extra-blobs`);
  const schemaAndPackage = (c: DeclarativeConfig) => c.others.map((o) => `${o.schema}:${o.package ?? ''}`);
  assert.deepEqual(schemaAndPackage(run(cfg, op([{ name: 'foo' }])).out), [
    'io.openshift.operators.lifecycles.v1alpha1:',
  ]);
  assert.deepEqual(schemaAndPackage(run(cfg, op([{ name: 'bar' }])).out), [
    'io.openshift.operators.lifecycles.v1alpha1:bar',
    'io.openshift.operators.lifecycles.v1alpha1:',
  ]);
  assert.equal(run(cfg, op()).out.others.length, 2);
});

test('the input catalog is not modified', () => {
  const cfg = latest();
  const before = structuredClone(cfg);
  run(
    cfg,
    op([
      { name: 'foo', minVersion: '0.2.0' },
      { name: 'bar', defaultChannel: 'alpha' },
    ]),
  );
  run(cfg, op());
  assert.deepEqual(cfg, before);
});

test('node-observability-operator: a single-entry channel', () => {
  const cfg = load(`${UPSTREAM}fbc/node-observability-operator/catalog.json`);
  assert.deepEqual(bundleNames(run(cfg, op()).out), ['node-observability-operator.v0.2.0']);
  assert.deepEqual(bundleNames(run(cfg, op([{ name: 'node-observability-operator', minVersion: '0.2.0' }])).out), [
    'node-observability-operator.v0.2.0',
  ]);
});
