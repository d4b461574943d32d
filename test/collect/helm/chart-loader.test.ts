/**
 * Loading charts as helm's loader does: directory with `.helmignore`, packaged `.tgz`, nested subchart archives,
 * Chart.yaml validation; and Helm's resolution of named templates across files (`sortTemplates` precedence).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { HelmChartError, loadChart } from '../../../core/collect/helm/chart-loader.js';
import { parseHelmIgnore } from '../../../core/collect/helm/helm-ignore.js';
import { helmParseOrder, prepareTemplateSources, scanDefines } from '../../../core/collect/helm/template-defines.js';
import { renderChart } from '../../../core/collect/helm/chart-render.js';
import { tempDirForTest } from '../../harness/temp-dir.js';
import { packChart, writeChartArchive, writeChartDir } from './chart-builder.js';

const CHART_YAML = 'apiVersion: v2\nname: demo\nversion: 1.0.0\nappVersion: 1.10\n';

test('directory: .helmignore rules and Helm’s hidden-template default apply; BOM stripped', async (t) => {
  const dir = await tempDirForTest(t, 'ocm-helm-dir-');
  const root = await writeChartDir(join(dir, 'demo'), {
    'Chart.yaml': CHART_YAML,
    '.helmignore': '# comment\n*.bak\nscratch/\n/top-only.txt\n',
    'values.yaml': '\ufeffkey: value\n',
    'notes.bak': 'x',
    'scratch/a.txt': 'x',
    'top-only.txt': 'x',
    'files/top-only.txt': 'kept: anchored rule',
    'templates/.hidden.yaml': 'not a template',
    'templates/cm.yaml': 'kind: ConfigMap',
  });
  const chart = await loadChart(root);
  assert.deepEqual(chart.values, { key: 'value' });
  assert.deepEqual(
    chart.files.map((f) => f.name),
    ['.helmignore', 'files/top-only.txt'],
  );
  assert.deepEqual(
    chart.templates.map((f) => f.name),
    ['templates/cm.yaml'],
  );
  // Scalars of Chart.yaml string fields are kept as written (1.10 is not the number 1.1).
  assert.equal(chart.metadata.appVersion, '1.10');
});

test('.helmignore: directory-only rules, base-name vs path patterns, Helm’s negation quirk, ** refused', () => {
  const rules = parseHelmIgnore('logs/\n*.tmp\nconfig/*.yaml\n');
  assert.equal(rules.ignores('logs', true), true);
  assert.equal(rules.ignores('logs', false), false);
  assert.equal(rules.ignores('deep/x.tmp', false), true);
  assert.equal(rules.ignores('config/a.yaml', false), true);
  assert.equal(rules.ignores('other/config/a.yaml', false), false);
  const negated = parseHelmIgnore('!keep.txt\n');
  assert.equal(negated.ignores('keep.txt', false), false);
  assert.equal(negated.ignores('other.txt', false), true);
  assert.throws(() => parseHelmIgnore('a/**/b\n'), /double-star/);
});

test('packaged chart with a nested .tgz subchart and a subchart directory', async (t) => {
  const dir = await tempDirForTest(t, 'ocm-helm-tgz-');
  const tgz = await writeChartArchive(join(dir, 'demo-1.0.0.tgz'), 'demo', {
    'Chart.yaml': CHART_YAML,
    'templates/cm.yaml': 'kind: ConfigMap',
    'charts/inner-0.1.0.tgz': await packChart('inner', {
      'Chart.yaml': 'apiVersion: v2\nname: inner\nversion: 0.1.0\n',
    }),
    'charts/plain/Chart.yaml': 'apiVersion: v2\nname: plain\nversion: 0.2.0\n',
    'charts/_skipped/Chart.yaml': 'not even read',
  });
  const chart = await loadChart(tgz);
  assert.deepEqual(
    chart.dependencies.map((d) => `${d.metadata.name}@${d.metadata.version}`),
    ['inner@0.1.0', 'plain@0.2.0'],
  );
  assert.match(chart.dependencies[0]?.origin ?? '', /demo-1\.0\.0\.tgz › charts\/inner-0\.1\.0\.tgz$/);
});

test('Chart.yaml validation errors name Chart.yaml', async (t) => {
  const dir = await tempDirForTest(t, 'ocm-helm-invalid-');
  for (const [yaml, message] of [
    ['apiVersion: v2\nname: demo\n', /chart\.metadata\.version is required/],
    ['apiVersion: v2\nname: demo\nversion: not-semver\n', /version "not-semver" is invalid/],
    ['apiVersion: v2\nname: demo\nversion: 1.0.0\ntype: plugin\n', /must be application or library/],
    ['apiVersion: v2\nversion: 1.0.0\n', /chart\.metadata\.name is required/],
  ] as const) {
    const root = await writeChartDir(join(dir, `c${Math.random().toString(16).slice(2)}`), { 'Chart.yaml': yaml });
    await assert.rejects(loadChart(root), (err: unknown) => {
      assert.ok(err instanceof HelmChartError);
      assert.equal(err.file, 'Chart.yaml');
      assert.match(err.message, message);
      return true;
    });
  }
  const noChart = await writeChartDir(join(dir, 'empty'), { 'values.yaml': 'a: 1\n' });
  await assert.rejects(loadChart(noChart), /Chart\.yaml file is missing/);
});

// --- named templates across files --------------------------------------------------------------------------------------

test('sortTemplates order: deepest path first, then reverse-lexicographic', () => {
  const order = helmParseOrder(
    ['a/templates/x.yaml', 'a/charts/b/templates/y.yaml', 'a/templates/_h.tpl', 'a/templates/z.yaml'].map((path) => ({
      path,
    })),
  ).map((f) => f.path);
  assert.deepEqual(order, [
    'a/charts/b/templates/y.yaml',
    'a/templates/z.yaml',
    'a/templates/x.yaml',
    'a/templates/_h.tpl',
  ]);
});

test('scanDefines: top-level blocks with their trim markers; nested control actions and strings are skipped', () => {
  const text = '{{- define "a" -}}{{ if .x }}"}}"{{ end }}{{- end -}}\ntext\n{{ define `b` }}  {{/* c */}} {{ end }}';
  const blocks = scanDefines(text);
  assert.deepEqual(
    blocks.map((b) => [b.name, b.trimLeft, b.trimRight, b.empty]),
    [
      ['a', true, true, false],
      ['b', false, false, true],
    ],
  );
  assert.equal(text.slice(blocks[0]?.start, blocks[0]?.end), '{{- define "a" -}}{{ if .x }}"}}"{{ end }}{{- end -}}');
});

test('redefinitions: the parent chart’s define wins; an empty redefinition never replaces a body', () => {
  const prepared = prepareTemplateSources([
    { path: 'top/templates/_a.tpl', text: '{{ define "x" }}parent{{ end }}{{ define "y" }}{{ end }}' },
    { path: 'top/charts/sub/templates/_a.tpl', text: '{{ define "x" }}sub{{ end }}{{ define "y" }}sub-y{{ end }}' },
  ]);
  const defines = prepared.filter((p) => p.lineOneShift === 0).map((p) => p.text.replace(/\s+/g, ' ').trim());
  assert.deepEqual(defines, ['{{ define "y" }}sub-y{{ end }}', '{{ define "x" }}parent{{ end }}']);
});

test('the same helper in three subchart copies renders once, from the shallowest chart', async (t) => {
  const dir = await tempDirForTest(t, 'ocm-helm-defines-');
  const helper = (who: string) => `{{- define "common.who" -}}${who}{{- end -}}\n`;
  const root = await writeChartDir(join(dir, 'top'), {
    'Chart.yaml': 'apiVersion: v2\nname: top\nversion: 1.0.0\n',
    'templates/_common.tpl': helper('top'),
    'templates/cm.yaml': 'kind: ConfigMap\ndata:\n  who: {{ include "common.who" . }}\n',
    'charts/a/Chart.yaml': 'apiVersion: v2\nname: a\nversion: 1.0.0\n',
    'charts/a/templates/_common.tpl': helper('a'),
    'charts/a/charts/b/Chart.yaml': 'apiVersion: v2\nname: b\nversion: 1.0.0\n',
    'charts/a/charts/b/templates/_common.tpl': helper('b'),
  });
  const rendered = renderChart(await loadChart(root));
  assert.match(rendered.files.get('top/templates/cm.yaml') ?? '', /who: top/);
});
