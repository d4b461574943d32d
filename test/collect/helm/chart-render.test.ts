/**
 * Rendering with Helm's semantics on `mychart` (helm-rendering.md §2) and on small charts built for one
 * behaviour each: what is rendered, what is dropped, what is a hook, and how template errors are located.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { chartImages } from '../../../core/collect/helm/chart-images.js';
import { HelmChartError, loadChart } from '../../../core/collect/helm/chart-loader.js';
import { renderChart } from '../../../core/collect/helm/chart-render.js';
import { tempDirForTest } from '../../harness/temp-dir.js';
import { writeChartArchive, writeChartDir, type ChartTree } from './chart-builder.js';
import { APP_CONF, MYCHART_ABSENT, MYCHART_HOOK_IMAGES, MYCHART_IMAGES, mychartTree } from './mychart.js';

type TestContext = { after(fn: () => Promise<void> | void): void };

async function mychartDir(t: TestContext): Promise<string> {
  const dir = await tempDirForTest(t, 'ocm-helm-mychart-');
  return writeChartDir(join(dir, 'mychart'), await mychartTree());
}

async function renderTree(t: TestContext, tree: ChartTree) {
  const dir = await tempDirForTest(t, 'ocm-helm-chart-');
  return renderChart(await loadChart(await writeChartDir(join(dir, 'chart'), tree)));
}

function sorted(list: readonly string[]): string[] {
  return [...list].sort();
}

// --- mychart ---------------------------------------------------------------------------------------------------------

test('mychart (directory): exactly the seven images oc-mirror finds', async (t) => {
  const result = await chartImages(await mychartDir(t));
  assert.deepEqual(sorted(result.images), sorted(MYCHART_IMAGES));
  for (const absent of MYCHART_ABSENT) assert.ok(!result.images.includes(absent), absent);
  assert.deepEqual(sorted(result.hookImages), sorted(MYCHART_HOOK_IMAGES));
  assert.deepEqual(result.chart, { name: 'mychart', version: '0.1.0' });
});

test('mychart (packaged .tgz): the same images; includeHooks adds the hook and test images', async (t) => {
  const dir = await tempDirForTest(t, 'ocm-helm-mychart-tgz-');
  const tgz = await writeChartArchive(join(dir, 'mychart-0.1.0.tgz'), 'mychart', await mychartTree());
  const plain = await chartImages(tgz);
  assert.deepEqual(sorted(plain.images), sorted(MYCHART_IMAGES));
  const withHooks = await chartImages(tgz, { includeHooks: true });
  assert.deepEqual(sorted(withHooks.images), sorted([...MYCHART_IMAGES, ...MYCHART_HOOK_IMAGES]));
});

test('mychart: the CronJob image is found only through a user image path', async (t) => {
  const result = await chartImages(await mychartDir(t), {
    imagePaths: ['{.spec.jobTemplate.spec.template.spec.containers[*].image}'],
  });
  assert.ok(result.images.includes('quay.io/example/cron:1.0'));
});

test('mychart: CRDs come first and raw, NOTES.txt is dropped, manifests follow in install order', async (t) => {
  const rendered = renderChart(await loadChart(await mychartDir(t)));
  assert.ok(rendered.manifest.startsWith('---\n# Source: crds/widgets.yaml\n'));
  assert.ok(rendered.manifest.includes('description: "never rendered: {{ .Values.image.repository }}"'));
  assert.ok(!rendered.manifest.includes('Thank you for installing'));
  assert.ok(rendered.files.get('mychart/templates/NOTES.txt')?.includes('Thank you for installing mychart.'));
  const sources = [...rendered.manifest.matchAll(/^# Source: (.*)$/gm)].map((m) => m[1]);
  assert.deepEqual(sources, [
    'crds/widgets.yaml',
    'mychart/templates/configmap.yaml',
    'mychart/templates/deployment.yaml',
    'mychart/charts/redis/templates/statefulset.yaml',
    'mychart/templates/cronjob.yaml',
  ]);
  const hookSources = [...rendered.hooks.matchAll(/^# Source: (.*)$/gm)].map((m) => m[1]);
  assert.deepEqual(hookSources, ['mychart/templates/tests/test-connection.yaml', 'mychart/templates/migrate-job.yaml']);
});

test('mychart: helpers, Files, tpl, Capabilities, lookup and the subchart alias render as in Helm', async (t) => {
  const rendered = renderChart(await loadChart(await mychartDir(t)));
  const deployment = rendered.files.get('mychart/templates/deployment.yaml') ?? '';
  // fullname with an empty release name; the parent's "mychart.name" beats the subchart's copy.
  assert.match(deployment, /^ {2}name: -mychart$/m);
  assert.match(deployment, /^ {4}app\.kubernetes\.io\/name: mychart$/m);
  // `$labels = merge …` inside range reaches the outer variable (the engine fix).
  assert.match(deployment, /^ {4}team: payments$/m);
  assert.match(deployment, /^ {4}tier: backend$/m);
  assert.match(deployment, /^ {4}template: mychart\/templates\/deployment\.yaml$/m);
  assert.match(deployment, /^ {4}kube: "v1\.20\.0"$/m);
  assert.match(deployment, /^ {4}library: "hello from mychart"$/m);
  const sha = createHash('sha256').update(APP_CONF).digest('hex');
  assert.match(deployment, new RegExp(`checksum/config: ${sha}$`, 'm'));
  const configmap = rendered.files.get('mychart/templates/configmap.yaml') ?? '';
  const configSha = createHash('sha256').update(configmap).digest('hex');
  assert.match(deployment, new RegExp(`checksum/configmap: ${configSha}$`, 'm'));
  assert.match(configmap, /^ {2}extra\.conf: \|\n {4}extra true$/m);
  assert.match(deployment, /^ {14}memory: 128Mi$/m);
  assert.match(deployment, /^ {10}image: "quay\.io\/example\/app-helper:1\.2\.3"$/m);
  assert.match(deployment, /^ {14}value: "mychart"$/m);
  const cron = rendered.files.get('mychart/templates/cronjob.yaml') ?? '';
  assert.match(cron, /^apiVersion: batch\/v1$/m);
  assert.match(cron, /existing-secret: "no"/);
  assert.match(cron, /schedule: "\*\/5 \* \* \* \*"/);
  const redis = rendered.files.get('mychart/charts/redis/templates/statefulset.yaml') ?? '';
  assert.match(redis, /^ {4}chart: redis$/m);
  assert.match(redis, /image: docker\.io\/bitnami\/redis:7\.2\.4$/m);
  // Disabled subcharts are not rendered at all; the library chart renders only its partials.
  assert.ok(![...rendered.files.keys()].some((k) => /optional|tagged|\/lib\//.test(k)));
});

// --- errors ----------------------------------------------------------------------------------------------------------

const BAD_CHART_YAML = 'apiVersion: v2\nname: bad\nversion: 1.0.0\n';

test('a `required` failure names the chart, the template file and the line', async (t) => {
  const err = await renderTree(t, {
    'Chart.yaml': BAD_CHART_YAML,
    'templates/cm.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: {{ required "value a is required" .Values.a }}\n',
  }).then(
    () => assert.fail('rendered'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof HelmChartError);
  assert.equal(err.code, 'HELM_CHART');
  assert.equal(err.file, 'bad/templates/cm.yaml');
  assert.equal(err.line, 6);
  assert.match(err.message, /^helm chart .*chart: bad\/templates\/cm\.yaml:6:\d+: .*value a is required/);
});

test('an error inside an included helper names the calling line and the helper file and line', async (t) => {
  await assert.rejects(
    renderTree(t, {
      'Chart.yaml': BAD_CHART_YAML,
      'templates/_helpers.tpl': '{{- define "bad.name" -}}\n{{- fail "no name configured" -}}\n{{- end -}}\n',
      'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include "bad.name" . }}\n',
    }),
    (err: unknown) => {
      assert.ok(err instanceof HelmChartError);
      assert.equal(err.file, 'bad/templates/cm.yaml');
      assert.equal(err.line, 4);
      assert.match(
        err.message,
        /error calling include "bad\.name": bad\/templates\/_helpers\.tpl:2:\d+: no name configured/,
      );
      return true;
    },
  );
});

test('a parse error and an unknown function are located like Go parse errors', async (t) => {
  await assert.rejects(
    renderTree(t, { 'Chart.yaml': BAD_CHART_YAML, 'templates/a.yaml': 'a: 1\nb: {{ if .Values.x }}\n' }),
    (err: unknown) => err instanceof HelmChartError && err.file === 'bad/templates/a.yaml',
  );
  await assert.rejects(
    renderTree(t, {
      'Chart.yaml': BAD_CHART_YAML,
      // Never executed, still an error in Go (function names are resolved at parse time).
      'templates/a.yaml': 'a: 1\n{{ if false }}\nb: {{ env "HOME" }}\n{{ end }}\n',
    }),
    (err: unknown) =>
      err instanceof HelmChartError &&
      err.file === 'bad/templates/a.yaml' &&
      err.line === 3 &&
      /function "env" not defined/.test(err.message),
  );
});

test('a rendered document that is not YAML fails the chart and names the template', async (t) => {
  await assert.rejects(
    renderTree(t, { 'Chart.yaml': BAD_CHART_YAML, 'templates/a.yaml': 'kind: ConfigMap\nmetadata: [unclosed\n' }),
    (err: unknown) => err instanceof HelmChartError && err.file === 'bad/templates/a.yaml' && /YAML/.test(err.message),
  );
});

test('a .tgz that is not gzip is a clear HELM_CHART error naming the file', async (t) => {
  const dir = await tempDirForTest(t, 'ocm-helm-notgz-');
  const file = await writeChartDir(dir, { 'broken-1.0.0.tgz': 'apiVersion: v2\nname: not-an-archive\n' }).then(() =>
    join(dir, 'broken-1.0.0.tgz'),
  );
  await assert.rejects(chartImages(file), (err: unknown) => {
    assert.ok(err instanceof HelmChartError);
    assert.equal(err.code, 'HELM_CHART');
    assert.equal(err.chart, file);
    assert.match(err.message, /broken-1\.0\.0\.tgz: does not appear to be a gzipped archive/);
    return true;
  });
});

test('a truncated archive and a missing chart are HELM_CHART errors', async (t) => {
  const dir = await tempDirForTest(t, 'ocm-helm-trunc-');
  const tgz = await writeChartArchive(join(dir, 'c.tgz'), 'c', { 'Chart.yaml': BAD_CHART_YAML });
  const { readFile, writeFile } = await import('node:fs/promises');
  const bytes = await readFile(tgz);
  await writeFile(tgz, bytes.subarray(0, Math.floor(bytes.length / 2)));
  await assert.rejects(chartImages(tgz), (err: unknown) => err instanceof HelmChartError && err.chart === tgz);
  await assert.rejects(chartImages(join(dir, 'missing.tgz')), (err: unknown) => err instanceof HelmChartError);
});

test('hooks: unknown hook events are dropped, known ones are kept apart from the manifests', async (t) => {
  const rendered = await renderTree(t, {
    'Chart.yaml': BAD_CHART_YAML,
    'templates/pods.yaml': `apiVersion: v1
kind: Pod
metadata:
  name: a
  annotations:
    helm.sh/hook: post-install
spec:
  containers: [{name: a, image: "quay.io/x/a:1"}]
---
apiVersion: v1
kind: Pod
metadata:
  name: b
  annotations:
    helm.sh/hook: crd-install
spec:
  containers: [{name: b, image: "quay.io/x/b:1"}]
---
apiVersion: v1
kind: Pod
metadata:
  name: c
  annotations:
    other: "x"
spec:
  containers: [{name: c, image: "quay.io/x/c:1"}]
`,
  });
  assert.match(rendered.hooks, /quay\.io\/x\/a:1/);
  assert.doesNotMatch(rendered.hooks + rendered.manifest, /quay\.io\/x\/b:1/);
  assert.match(rendered.manifest, /quay\.io\/x\/c:1/);
});

test('an annotation that is not a string fails the chart, as Helm cannot decode the document', async (t) => {
  await assert.rejects(
    renderTree(t, {
      'Chart.yaml': BAD_CHART_YAML,
      'templates/a.yaml': 'kind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n    weight: 5\n',
    }),
    (err: unknown) => err instanceof HelmChartError && /annotation "weight" must be a string/.test(err.message),
  );
});

test('install order: kinds sorted by Helm’s InstallOrder, unknown kinds last and alphabetically', async (t) => {
  const doc = (kind: string) => `apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: x\n`;
  const rendered = await renderTree(t, {
    'Chart.yaml': BAD_CHART_YAML,
    'templates/a.yaml': [doc('Zeta'), doc('Deployment'), doc('Alpha'), doc('Namespace')].join('---\n'),
    'templates/b.yaml': [doc('Service'), doc('Deployment')].join('---\n'),
  });
  const kinds = [...rendered.manifest.matchAll(/^kind: (.*)$/gm)].map((m) => m[1]);
  assert.deepEqual(kinds, ['Namespace', 'Service', 'Deployment', 'Deployment', 'Alpha', 'Zeta']);
});

test('cancellation: an aborted signal stops loading with an abort error, not a chart error', async (t) => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(chartImages(await mychartDir(t), { signal: controller.signal }), (err: unknown) => {
    assert.ok(!(err instanceof HelmChartError));
    assert.equal((err as Error).name, 'AbortError');
    return true;
  });
});
