/**
 * Helm's dependency processing and values coalescing with default values only: conditions, tags, aliases,
 * undeclared subcharts, import-values, null deletion and globals (chartutil semantics).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadChartFiles, type Chart } from '../../../core/collect/helm/chart-loader.js';
import { coalesceValues, processDependencies } from '../../../core/collect/helm/chart-values.js';
import type { ChartTree } from './chart-builder.js';

async function chartFrom(tree: ChartTree): Promise<Chart> {
  const files = Object.entries(tree).map(([name, content]) => ({
    name,
    data: typeof content === 'string' ? Buffer.from(content) : content,
  }));
  return loadChartFiles(files, 'test-chart');
}

function sub(name: string, values = '', extra: ChartTree = {}): ChartTree {
  const tree: ChartTree = {
    [`charts/${name}/Chart.yaml`]: `apiVersion: v2\nname: ${name}\nversion: 1.0.0\n`,
    [`charts/${name}/values.yaml`]: values,
  };
  for (const [k, v] of Object.entries(extra)) tree[`charts/${name}/${k}`] = v;
  return tree;
}

function names(chart: Chart): string[] {
  return chart.dependencies.map((d) => d.metadata.name).sort();
}

test('conditions: the first boolean of a comma-separated list wins; non-booleans are skipped', async () => {
  const chart = await chartFrom({
    'Chart.yaml': `apiVersion: v2
name: top
version: 1.0.0
dependencies:
  - {name: a, version: 1.0.0, condition: a.enabled}
  - {name: b, version: 1.0.0, condition: "b.missing,b.flag"}
  - {name: c, version: 1.0.0, condition: "c.text,c.flag"}
`,
    'values.yaml': 'a:\n  enabled: false\nb:\n  flag: false\nc:\n  text: "yes"\n  flag: true\n',
    ...sub('a'),
    ...sub('b'),
    ...sub('c'),
  });
  assert.deepEqual(names(processDependencies(chart)), ['c']);
  // The loaded chart is left as it was.
  assert.deepEqual(names(chart), ['a', 'b', 'c']);
});

test('tags: a false tag disables unless another tag is true; a condition overrides tags', async () => {
  const chart = await chartFrom({
    'Chart.yaml': `apiVersion: v2
name: top
version: 1.0.0
dependencies:
  - {name: a, version: 1.0.0, tags: [front]}
  - {name: b, version: 1.0.0, tags: [front, back]}
  - {name: c, version: 1.0.0, tags: [front], condition: c.enabled}
`,
    'values.yaml': 'tags:\n  front: false\n  back: true\nc:\n  enabled: true\n',
    ...sub('a'),
    ...sub('b'),
    ...sub('c'),
  });
  assert.deepEqual(names(processDependencies(chart)), ['b', 'c']);
});

test('aliases: each alias is a renamed copy with its own values; undeclared subcharts stay on', async () => {
  const chart = await chartFrom({
    'Chart.yaml': `apiVersion: v2
name: top
version: 1.0.0
dependencies:
  - {name: db, alias: primary, version: ^1.0.0}
  - {name: db, alias: replica, version: ^1.0.0, condition: replica.enabled}
  - {name: db, alias: archive, version: ^2.0.0}
`,
    'values.yaml': 'primary:\n  tag: "15"\nreplica:\n  enabled: true\n',
    ...sub('db', 'tag: "14"\nport: 5432\n'),
    ...sub('extra'),
  });
  const processed = processDependencies(chart);
  assert.deepEqual(names(processed), ['extra', 'primary', 'replica']);
  const values = coalesceValues(processed, {});
  assert.deepEqual(values.primary, { tag: '15', port: 5432, global: {} });
  assert.deepEqual(values.replica, { enabled: true, tag: '14', port: 5432, global: {} });
});

test('coalescing: parent values win, maps merge, null deletes a subchart default, globals are copied down', async () => {
  const chart = await chartFrom({
    'Chart.yaml': 'apiVersion: v2\nname: top\nversion: 1.0.0\n',
    'values.yaml': `global:
  imageRegistry: docker.io
  labels: {team: a}
cache:
  image:
    tag: 7.2.4
  password: null
`,
    ...sub(
      'cache',
      'global:\n  imageRegistry: ""\n  labels: {tier: b}\nimage:\n  repository: bitnami/redis\n  tag: 7.0.0\npassword: secret\n',
    ),
  });
  const values = coalesceValues(processDependencies(chart), {});
  assert.deepEqual(values.cache, {
    image: { repository: 'bitnami/redis', tag: '7.2.4' },
    global: { imageRegistry: 'docker.io', labels: { team: 'a', tier: 'b' } },
  });
});

test('conditions of nested subcharts are read through the parent’s values (path prefixed by the alias)', async () => {
  const chart = await chartFrom({
    'Chart.yaml':
      'apiVersion: v2\nname: top\nversion: 1.0.0\ndependencies:\n  - {name: app, alias: upstream, version: 1.0.0}\n',
    'values.yaml': 'upstream:\n  postgresql:\n    enabled: false\n',
    ...sub('app', 'postgresql:\n  enabled: true\n', {
      'Chart.yaml':
        'apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - {name: postgresql, version: 1.0.0, condition: postgresql.enabled}\n',
      ...sub('postgresql'),
    }),
  });
  const processed = processDependencies(chart);
  assert.deepEqual(names(processed), ['upstream']);
  assert.deepEqual(names(processed.dependencies[0] as Chart), []);
});

test('import-values: exports and child/parent forms; the parent’s own values win', async () => {
  const chart = await chartFrom({
    'Chart.yaml': `apiVersion: v2
name: top
version: 1.0.0
dependencies:
  - name: lib
    version: 1.0.0
    import-values:
      - defaults
      - child: settings.image
        parent: app.image
`,
    'values.yaml': 'app:\n  image:\n    tag: parent\n',
    ...sub(
      'lib',
      'exports:\n  defaults:\n    region: eu\nsettings:\n  image:\n    repository: lib/img\n    tag: child\n',
    ),
  });
  const values = coalesceValues(processDependencies(chart), {});
  assert.equal(values.region, 'eu');
  assert.deepEqual(values.app, { image: { repository: 'lib/img', tag: 'parent' } });
});

test('apiVersion v1: dependencies come from requirements.yaml', async () => {
  const chart = await chartFrom({
    'Chart.yaml': 'apiVersion: v1\nname: old\nversion: 1.0.0\n',
    'requirements.yaml': 'dependencies:\n  - {name: a, version: 1.0.0, condition: a.enabled}\n',
    'values.yaml': 'a:\n  enabled: false\n',
    ...sub('a'),
  });
  assert.equal(chart.metadata.dependencies?.[0]?.condition, 'a.enabled');
  assert.deepEqual(names(processDependencies(chart)), []);
});
