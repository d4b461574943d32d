/**
 * oc-mirror's image extraction rules on rendered text: the `\n---\n` split, the Kubernetes JSONPath subset, the
 * split on spaces and the tag-or-digest rule (collectors.md §3.3).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_IMAGE_PATHS, FindImagesError, findImages } from '../../../core/collect/helm/find-images.js';
import { JsonPathError, executeJsonPath, parseJsonPath } from '../../../core/collect/helm/jsonpath.js';

function jsonpath(path: string, doc: unknown): string {
  return executeJsonPath(parseJsonPath(path), doc);
}

const POD = {
  kind: 'Pod',
  metadata: { name: 'p', labels: { 'app.kubernetes.io/name': 'web' } },
  spec: {
    initContainers: [{ name: 'init', image: 'busybox:1.36' }],
    containers: [
      { name: 'a', image: 'quay.io/a:1', env: [{ name: 'X', value: 'x:1' }], ports: [{ containerPort: 80 }] },
      { name: 'b', image: 'quay.io/b:2' },
    ],
  },
};

test('JSONPath: fields, [*], [n], [-n], slices, unions, quoted keys', () => {
  assert.equal(jsonpath('{.spec.containers[*].image}', POD), 'quay.io/a:1 quay.io/b:2');
  assert.equal(jsonpath('{.spec.containers[0].name}', POD), 'a');
  assert.equal(jsonpath('{.spec.containers[-1].name}', POD), 'b');
  assert.equal(jsonpath('{.spec.containers[0:1].name}', POD), 'a');
  assert.equal(jsonpath('{.spec.containers[0,1].name}', POD), 'a b');
  assert.equal(jsonpath("{.metadata.labels['app.kubernetes.io/name']}", POD), 'web');
  assert.equal(jsonpath('{$.metadata.name}', POD), 'p');
});

test('JSONPath: recursive descent, wildcard, filters, text outside braces', () => {
  assert.equal(jsonpath('{..image}', POD), 'quay.io/a:1 quay.io/b:2 busybox:1.36');
  assert.equal(jsonpath('{.metadata.labels.*}', POD), 'web');
  assert.equal(jsonpath('{.spec.containers[?(@.name=="b")].image}', POD), 'quay.io/b:2');
  assert.equal(jsonpath('{.spec.containers[?(@.env)].name}', POD), 'a');
  assert.equal(jsonpath('name={.metadata.name} kind={.kind}', POD), 'name=p kind=Pod');
});

test('JSONPath: missing keys give nothing (AllowMissingKeys); numbers print as Go; maps as JSON', () => {
  assert.equal(jsonpath('{.spec.template.spec.containers[*].image}', POD), '');
  assert.equal(jsonpath('{.spec.containers[*].ports[*].containerPort}', POD), '80');
  assert.equal(jsonpath('{.big}', { big: 20240101 }), '2.0240101e+07');
  assert.equal(jsonpath('{.metadata.labels}', POD), '{"app.kubernetes.io/name":"web"}');
});

test('JSONPath: indexing a non-list or out of bounds is an error, as in client-go', () => {
  assert.throws(() => jsonpath('{.metadata[0]}', POD), JsonPathError);
  assert.throws(() => jsonpath('{.spec.containers[5].image}', POD), /out of bounds/);
  assert.throws(() => parseJsonPath('{.spec.containers[}'), JsonPathError);
});

function manifest(...docs: string[]): string {
  return docs.map((d, i) => `---\n# Source: chart/templates/t${i}.yaml\n${d}\n`).join('');
}

test('findImages: the four default paths, in document order, unique', () => {
  assert.equal(DEFAULT_IMAGE_PATHS.length, 4);
  const text = manifest(
    'kind: Deployment\nspec:\n  template:\n    spec:\n      initContainers: [{image: "quay.io/init:1"}]\n      containers: [{image: "quay.io/app:1"}, {image: "quay.io/app:1"}]',
    'kind: Pod\nspec:\n  containers: [{image: "quay.io/pod@sha256:' + 'a'.repeat(64) + '"}]',
    'kind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{image: "quay.io/cron:1"}]',
  );
  const found = findImages({ manifest: text });
  assert.deepEqual(found.images, ['quay.io/init:1', 'quay.io/app:1', `quay.io/pod@sha256:${'a'.repeat(64)}`]);
  assert.deepEqual(found.hookImages, []);
});

test('findImages: user paths are appended; outputs split on spaces; no tag and no digest is skipped', () => {
  const text = manifest(
    'kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - image: nginx\n        env:\n        - {name: A, value: "quay.io/x:1 quay.io/y:2"}\n        - {name: B, value: debug}\n        - {name: C, value: "docker://quay.io/z:3"}',
  );
  const found = findImages({ manifest: text }, ['{.spec.template.spec.containers[*].env[*].value}']);
  assert.deepEqual(found.images, ['quay.io/x:1', 'quay.io/y:2', 'quay.io/z:3']);
  assert.deepEqual(found.skipped, ['nginx', 'debug']);
});

test('findImages: hook images are reported apart, without repeating manifest images', () => {
  const found = findImages({
    manifest: manifest('kind: Pod\nspec:\n  containers: [{image: "quay.io/a:1"}]'),
    hooks: manifest('kind: Pod\nspec:\n  containers: [{image: "quay.io/a:1"}, {image: "quay.io/hook:1"}]'),
  });
  assert.deepEqual(found.images, ['quay.io/a:1']);
  assert.deepEqual(found.hookImages, ['quay.io/hook:1']);
});

test('findImages: one document that is not YAML fails, naming its source', () => {
  assert.throws(
    () => findImages({ manifest: manifest('kind: Pod', 'spec: [unclosed') }),
    (err: unknown) => err instanceof FindImagesError && err.file === 'chart/templates/t1.yaml',
  );
  assert.throws(() => findImages({ manifest: '' }, ['{.spec[']), FindImagesError);
});
