import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import {
  HelmRepositoryError,
  findStoredChart,
  listRepositoryCharts,
  parseHelmIndex,
  readStoredIndex,
  resolveChartVersion,
  type HelmIndex,
} from '../../../core/collect/helm/helm-repository.js';
import { indexStorePath } from '../../../core/collect/helm/helm-url.js';
import { tempDirForTest } from '../../harness/temp-dir.js';

/** The real index of the service-binding-operator repository (test/fixtures/upstream/PROVENANCE.md). */
const SBO_INDEX_FILE = fileURLToPath(
  new URL(
    '../../../../test/fixtures/upstream/helm/indexes/redhat-developer.github.io/service-binding-operator-helm-chart/index.yaml',
    import.meta.url,
  ),
);
const SBO_INDEX = readFileSync(SBO_INDEX_FILE, 'utf8');
const SBO = { name: 'sbo', url: 'https://redhat-developer.github.io/service-binding-operator-helm-chart/' };
const SBO_VERSIONS = ['1.4.1', '1.4.0', '1.3.3', '1.3.2', '1.3.1', '1.3.0', '1.1.0', '1.0.2', '1.0.1', '1.0.0'];

function sboIndex(): HelmIndex {
  return parseHelmIndex(SBO_INDEX, SBO);
}

/** The real index with extra versions of service-binding-operator and extra charts, as YAML text. */
function extendedIndex(extraVersions: Record<string, unknown>[], extraCharts: Record<string, unknown[]> = {}): string {
  const doc = YAML.parse(SBO_INDEX) as { entries: Record<string, unknown[]> };
  doc.entries['service-binding-operator'].push(...extraVersions);
  Object.assign(doc.entries, extraCharts);
  return YAML.stringify(doc);
}

function entry(name: string, version: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'v2', name, version, urls: [`${name}-${version}.tgz`], ...extra };
}

function assertHelmError(err: unknown, ...patterns: RegExp[]): true {
  assert.ok(err instanceof HelmRepositoryError, `expected HelmRepositoryError, got ${String(err)}`);
  assert.equal(err.code, 'HELM_REPOSITORY');
  for (const p of patterns) assert.match(`${err.message}\n${err.hint ?? ''}`, p);
  return true;
}

// --- parsing --------------------------------------------------------------------------------------------------------

test('the real service-binding-operator index: ten versions, newest first, with digests and relative URLs', () => {
  const index = sboIndex();
  assert.equal(index.apiVersion, 'v1');
  assert.equal(index.generated, '2023-11-13T15:49:16.245053801-06:00');
  assert.deepEqual([...index.entries.keys()], ['service-binding-operator']);
  const versions = index.entries.get('service-binding-operator') ?? [];
  assert.deepEqual(
    versions.map((v) => v.version),
    SBO_VERSIONS,
  );
  assert.deepEqual(versions[0], {
    name: 'service-binding-operator',
    version: '1.4.1',
    urls: ['service-binding-operator-1.4.1.tgz'],
    digest: 'be95db3858e6a26644f7f127a2c1c30a184abd84a15df22f4d0cbbbac5b2012c',
    type: 'application',
    created: '2023-11-13T15:49:16.255495467-06:00',
    apiVersion: 'v2',
    appVersion: '1.4.1',
  });
  assert.deepEqual(index.skipped, []);
});

test('a JSON index gives the same result as its YAML form', () => {
  const json = JSON.stringify(YAML.parse(SBO_INDEX));
  assert.deepEqual(parseHelmIndex(json, SBO), sboIndex());
});

test('versions are sorted by semver, not as listed; scalars keep their text (version: 1.10 is "1.10")', () => {
  const text = [
    'apiVersion: v1',
    'entries:',
    '  demo:',
    '  - {name: demo, version: 1.9, urls: [demo-1.9.tgz]}',
    '  - {name: demo, version: 1.10, urls: [demo-1.10.tgz]}',
    '  - {name: demo, version: 1.10.1-rc.1, urls: [demo-1.10.1-rc.1.tgz]}',
    '  - {name: demo, version: 0.1.0}',
  ].join('\n');
  const index = parseHelmIndex(text, { name: 'demo', url: 'https://h.example.com/' });
  assert.deepEqual(
    index.entries.get('demo')?.map((v) => v.version),
    ['1.10.1-rc.1', '1.10', '1.9', '0.1.0'],
  );
  assert.equal(index.entries.get('demo')?.[3].apiVersion, 'v1', 'an empty apiVersion counts as v1');
  assert.deepEqual(index.entries.get('demo')?.[3].urls, []);
});

test('entries Helm would skip are skipped and reported; the rest of the index stays usable', () => {
  const text = extendedIndex([
    entry('service-binding-operator', 'not-a-version'),
    entry('service-binding-operator', ''),
    { version: '9.9.9', urls: ['x.tgz'] },
    entry('service-binding-operator', '2.0.0', { type: 'plugin' }),
  ]);
  const index = parseHelmIndex(text, SBO);
  assert.deepEqual(
    index.entries.get('service-binding-operator')?.map((v) => v.version),
    SBO_VERSIONS,
  );
  assert.deepEqual(
    index.skipped.map((s) => s.reason),
    [
      'chart.metadata.version "not-a-version" is invalid',
      'chart.metadata.version is required',
      'chart.metadata.name is required',
      'chart.metadata.type must be application or library',
    ],
  );
});

test('a malformed digest is ignored (no verification), a sha256: prefix is accepted', () => {
  const text = extendedIndex([
    entry('service-binding-operator', '2.0.0', { digest: 'abc' }),
    entry('service-binding-operator', '2.0.1', { digest: `sha256:${'A'.repeat(64)}` }),
  ]);
  const versions = parseHelmIndex(text, SBO).entries.get('service-binding-operator') ?? [];
  assert.equal(versions[0].digest, 'a'.repeat(64));
  assert.equal(versions[1].digest, undefined);
});

test('invalid indexes: empty, not a mapping, no apiVersion, broken YAML — each names the repository and URL', () => {
  const repo = { name: 'broken', url: 'https://user:s3cret@h.example.com/charts' };
  const cases: [string, RegExp][] = [
    ['', /empty index\.yaml/],
    ['   \n', /empty index\.yaml/],
    ['- a\n- b\n', /not a mapping/],
    ['<html><body>Not Found</body></html>', /not a mapping/],
    ['entries: {}\n', /no API version specified/],
    ['apiVersion: v1\nentries: [a, b]\n', /"entries" is not a mapping/],
    ['apiVersion: v1\nentries:\n  x: [\n', /not a valid chart repository index/],
    ['apiVersion: v1\napiVersion: v2\n', /not a valid chart repository index/],
  ];
  for (const [text, pattern] of cases) {
    assert.throws(
      () => parseHelmIndex(text, repo),
      (err: unknown) => {
        assertHelmError(err, pattern, /helm repository "broken" \(https:\/\/h\.example\.com\/charts\/index\.yaml\)/);
        assert.ok(!(err as Error).message.includes('s3cret'));
        assert.match((err as HelmRepositoryError).hint ?? '', /index\.yaml/);
        return true;
      },
      JSON.stringify(text),
    );
  }
  // An index with no entries at all is valid (and lists nothing).
  assert.equal(parseHelmIndex('apiVersion: v1\n', repo).entries.size, 0);
  assert.equal(parseHelmIndex('apiVersion: v1\nentries:\n', repo).entries.size, 0);
});

// --- version resolution ---------------------------------------------------------------------------------------------

test('no version: the newest stable version; pre-releases are skipped even when newer', () => {
  assert.equal(resolveChartVersion(sboIndex(), SBO, 'service-binding-operator').version, '1.4.1');
  assert.equal(resolveChartVersion(sboIndex(), SBO, 'service-binding-operator', '').version, '1.4.1');
  const withRc = parseHelmIndex(extendedIndex([entry('service-binding-operator', '1.5.0-rc.1')]), SBO);
  assert.equal(withRc.entries.get('service-binding-operator')?.[0].version, '1.5.0-rc.1');
  assert.equal(resolveChartVersion(withRc, SBO, 'service-binding-operator').version, '1.4.1');
});

test('an exact version, and exact string matches before constraints (also for pre-releases)', () => {
  const index = parseHelmIndex(extendedIndex([entry('service-binding-operator', '1.5.0-rc.1')]), SBO);
  assert.equal(resolveChartVersion(index, SBO, 'service-binding-operator', '1.0.1').version, '1.0.1');
  assert.equal(resolveChartVersion(index, SBO, 'service-binding-operator', '1.5.0-rc.1').version, '1.5.0-rc.1');
  // "1.3" is not listed: as a Masterminds constraint it means 1.3.x, newest first.
  assert.equal(resolveChartVersion(index, SBO, 'service-binding-operator', '1.3').version, '1.3.3');
  // "v1.0.0" is not listed either: the constraint =1.0.0.
  assert.equal(resolveChartVersion(index, SBO, 'service-binding-operator', 'v1.0.0').version, '1.0.0');
});

test('Masterminds constraints pick the newest matching version', () => {
  const index = parseHelmIndex(extendedIndex([entry('service-binding-operator', '1.5.0-rc.1')]), SBO);
  const pick = (c: string) => resolveChartVersion(index, SBO, 'service-binding-operator', c).version;
  assert.equal(pick('~1.3.0'), '1.3.3');
  assert.equal(pick('>=1.0.0 <1.3.0'), '1.1.0');
  assert.equal(pick('^1.0'), '1.4.1');
  assert.equal(pick('1.0.0 - 1.0.2'), '1.0.2');
  assert.equal(pick('<1.1 || >=1.4.1'), '1.4.1');
  assert.equal(pick('>=1.5.0-0'), '1.5.0-rc.1', 'a pre-release in the constraint admits pre-releases');
  assert.equal(pick('*'), '1.4.1');
});

test('unknown chart: the message names chart, repository and URL; the hint suggests the closest name', () => {
  assert.throws(
    () => resolveChartVersion(sboIndex(), SBO, 'service-binding-operater', '1.0.0'),
    (err: unknown) =>
      assertHelmError(
        err,
        /^chart "service-binding-operater" not found in helm repository "sbo" \(https:\/\/redhat-developer\.github\.io\/service-binding-operator-helm-chart\/\)/,
        /did you mean "service-binding-operator"\?/,
      ) &&
      (err as HelmRepositoryError).chart === 'service-binding-operater' &&
      (err as HelmRepositoryError).repository === 'sbo',
  );
  assert.throws(
    () => resolveChartVersion(sboIndex(), SBO, 'podinfo'),
    (err: unknown) =>
      assertHelmError(err, /chart "podinfo" not found/, /the repository has 1 chart: service-binding-operator/),
  );
});

test('unknown version: the message names chart, version and repository; the hint lists what exists', () => {
  assert.throws(
    () => resolveChartVersion(sboIndex(), SBO, 'service-binding-operator', '9.9.9'),
    (err: unknown) =>
      assertHelmError(
        err,
        /^chart "service-binding-operator" has no version matching "9\.9\.9" in helm repository "sbo"/,
        /available versions \(newest first\): 1\.4\.1, 1\.4\.0, 1\.3\.3/,
      ) && (err as HelmRepositoryError).version === '9.9.9',
  );
  assert.throws(
    () => resolveChartVersion(sboIndex(), SBO, 'service-binding-operator', '>=2.0.0'),
    (err: unknown) => assertHelmError(err, /no version matching ">=2\.0\.0"/),
  );
  assert.throws(
    () => resolveChartVersion(sboIndex(), SBO, 'service-binding-operator', 'latest'),
    (err: unknown) => assertHelmError(err, /"latest" is neither a version listed in the index nor a valid constraint/),
  );
  const onlyRc = parseHelmIndex('apiVersion: v1\nentries:\n  x:\n  - {name: x, version: 1.0.0-beta.1}\n', SBO);
  assert.throws(
    () => resolveChartVersion(onlyRc, SBO, 'x'),
    (err: unknown) => assertHelmError(err, /chart "x" has no stable version/, /1\.0\.0-beta\.1/),
  );
});

// --- omitted charts -------------------------------------------------------------------------------------------------

test('omitted charts: every version of every chart, library charts skipped', () => {
  const text = extendedIndex([], {
    common: [entry('common', '2.27.0', { type: 'library' }), entry('common', '2.9.0', { type: 'library' })],
    podinfo: [entry('podinfo', '5.0.0', { type: 'application' }), entry('podinfo', '6.0.0')],
  });
  const selection = listRepositoryCharts(parseHelmIndex(text, SBO));
  assert.deepEqual(selection.slice(0, 2), [
    { name: 'podinfo', version: '6.0.0' },
    { name: 'podinfo', version: '5.0.0' },
  ]);
  assert.deepEqual(
    selection.slice(2),
    SBO_VERSIONS.map((version) => ({ name: 'service-binding-operator', version })),
  );
  assert.ok(!selection.some((s) => s.name === 'common'));
});

// --- disk-to-mirror -------------------------------------------------------------------------------------------------

async function storeChart(workingDir: string, file: string): Promise<string> {
  const full = path.join(workingDir, 'helm', 'charts', file);
  await mkdir(path.dirname(full), { recursive: true });
  await writeFile(full, 'chart');
  return full;
}

async function storeIndex(workingDir: string, repoUrl: string, text: string): Promise<void> {
  const file = indexStorePath(workingDir, repoUrl);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}

test('D2M: <name>-<version>.tgz, then <name>-v<version>.tgz, with the version normalised', async (t) => {
  const wd = await tempDirForTest(t, 'helm-d2m-');
  const plain = await storeChart(wd, 'podinfo-5.0.0.tgz');
  const prefixed = await storeChart(wd, 'cert-manager-v1.14.2.tgz');
  assert.equal(await findStoredChart(wd, 'podinfo', '5.0.0'), plain);
  assert.equal(await findStoredChart(wd, 'podinfo', 'v5.0.0'), plain);
  assert.equal(await findStoredChart(wd, 'podinfo', '5.0'), plain, 'Masterminds: 5.0 is 5.0.0');
  assert.equal(await findStoredChart(wd, 'cert-manager', '1.14.2'), prefixed);
  assert.equal(await findStoredChart(wd, 'cert-manager', 'v1.14.2'), prefixed);
});

test('D2M: a missing chart names both tried files; a range without a stored index is explained', async (t) => {
  const wd = await tempDirForTest(t, 'helm-d2m-');
  await assert.rejects(findStoredChart(wd, 'podinfo', '6.1.0'), (err: unknown) =>
    assertHelmError(
      err,
      /chart file not found for podinfo version 6\.1\.0: tried podinfo-6\.1\.0\.tgz, podinfo-v6\.1\.0\.tgz/,
      /mirror-to-disk/,
    ),
  );
  for (const version of ['', undefined, '>=1.0.0', '~5.0']) {
    await assert.rejects(findStoredChart(wd, 'podinfo', version), (err: unknown) =>
      assertHelmError(err, /is not an exact version/, /exact version/),
    );
  }
  await assert.rejects(findStoredChart(wd, '../etc', '1.0.0'), (err: unknown) =>
    assertHelmError(err, /invalid chart name/),
  );
});

test('D2M with the stored index: constraints and empty versions resolve exactly as in mirror-to-disk', async (t) => {
  const wd = await tempDirForTest(t, 'helm-d2m-');
  await storeIndex(wd, SBO.url, SBO_INDEX);
  const latest = await storeChart(wd, 'service-binding-operator-1.4.1.tgz');
  const v133 = await storeChart(wd, 'service-binding-operator-1.3.3.tgz');
  const repository = SBO;
  assert.equal(await findStoredChart(wd, 'service-binding-operator', undefined, { repository }), latest);
  assert.equal(await findStoredChart(wd, 'service-binding-operator', '~1.3.0', { repository }), v133);
  assert.equal(await findStoredChart(wd, 'service-binding-operator', '1.4.1', { repository }), latest);
  await assert.rejects(findStoredChart(wd, 'service-binding-operator', '1.0.0', { repository }), (err: unknown) =>
    assertHelmError(err, /service-binding-operator-1\.0\.0\.tgz/),
  );
  await assert.rejects(findStoredChart(wd, 'service-binding-operator', '>=5', { repository }), (err: unknown) =>
    assertHelmError(err, /no version matching ">=5"/),
  );
});

test('D2M with the stored index: the file is the download URL’s name, even when it is not <name>-<version>.tgz', async (t) => {
  const wd = await tempDirForTest(t, 'helm-d2m-');
  const repository = { name: 'odd', url: 'https://h.example.com/odd' };
  await storeIndex(
    wd,
    repository.url,
    'apiVersion: v1\nentries:\n  app:\n  - {name: app, version: 2.1.0, urls: [releases/2.1.0/app-chart.tgz]}\n',
  );
  const file = await storeChart(wd, 'app-chart.tgz');
  assert.equal(await findStoredChart(wd, 'app', '', { repository }), file);
  assert.equal(await findStoredChart(wd, 'app', '2.1.0', { repository }), file);
});

test('D2M: readStoredIndex reads what mirror-to-disk stored, and explains a missing file', async (t) => {
  const wd = await tempDirForTest(t, 'helm-d2m-');
  await assert.rejects(readStoredIndex(wd, SBO), (err: unknown) =>
    assertHelmError(
      err,
      /no stored index for helm repository "sbo"/,
      /helm\/indexes\/redhat-developer\.github\.io\/service-binding-operator-helm-chart\/index\.yaml does not exist/,
      /same ImageSetConfiguration/,
    ),
  );
  await storeIndex(wd, SBO.url, SBO_INDEX);
  // Any spelling of the repository URL finds the same file.
  const index = await readStoredIndex(wd, 'https://redhat-developer.github.io/service-binding-operator-helm-chart');
  assert.deepEqual(listRepositoryCharts(index).length, 10);
});
