/**
 * oc-mirror's own Helm fixtures (test/fixtures/upstream/PROVENANCE.md) against the images its unit test
 * `internal/pkg/helm/local_stored_collector_test.go` expects, compared as sets (helm-rendering.md §2, §4).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chartImages } from '../../../core/collect/helm/chart-images.js';

const CHARTS = fileURLToPath(new URL('../../../../test/fixtures/upstream/helm/charts/', import.meta.url));

function chart(file: string): string {
  return `${CHARTS}${file}`;
}

function sorted(list: readonly string[]): string[] {
  return [...list].sort();
}

const SBO = 'quay.io/redhat-developer/servicebinding-operator@sha256:';
/** One operator image per service-binding-operator version (oc-mirror's expected list, mapped to versions). */
const SBO_IMAGES: Record<string, string> = {
  '1.0.0': `${SBO}de1881753e82c51b31e958fcf383cb35b0f70f6ec99d402d42243e595d00c6dd`,
  '1.0.1': `${SBO}cc5aab01ddd3744510c480eb4f58b834936a833d36bec5c9c13fb40bbb06c663`,
  '1.0.2': `${SBO}69a95c6216ead931e01e4144ae8f4fb7ab35d1f68a14c18f6860a085ccb950f5`,
  '1.1.0': `${SBO}f79f6999a15534dbe56e658caf94fc4b7afb5ceeb7b49f32a60ead06fbd7c3fc`,
  '1.3.0': `${SBO}e01016cacae84dfb6eaf7a1022130e7d95e2a8489c38d4d46e4f734848e93849`,
  '1.3.1': `${SBO}67c2a2502f59fac1e7ded9ed19b59bbd4e50f5559a13978a87ecd2283b81e067`,
  '1.3.2': `${SBO}30bf7f0f21024bb2e1e4db901b1f5e89ab56e0f3197a919d2bbb670f3fe5223a`,
  '1.3.3': `${SBO}e4259939a496f292a31b5e57760196d63a8182b999164d93a446da48c4ea24eb`,
  '1.4.0': `${SBO}ac47f496fb7ecdcbc371f8c809fad2687ec0c35bbc8c522a7ab63b3e5ffd90ea`,
  '1.4.1': `${SBO}16286ac84ddd521897d92472dae857a4c18479f255b725dfb683bc72df6e0865`,
};

test('every fixture chart has an expectation here', () => {
  const files = readdirSync(CHARTS).filter((f) => f.endsWith('.tgz'));
  const covered = [
    'podinfo-5.0.0.tgz',
    'ingress-nginx-4.12.1.tgz',
    'my-chart-with-subchart-alias-0.1.0.tgz',
    'test-mirror-helm-0.3.0.tgz',
    ...Object.keys(SBO_IMAGES).map((v) => `service-binding-operator-${v}.tgz`),
  ];
  assert.deepEqual(sorted(files), sorted(covered));
});

test('podinfo 5.0.0: the podinfo image only; the test-hook Pods are not collected', async () => {
  const result = await chartImages(chart('podinfo-5.0.0.tgz'));
  assert.deepEqual(result.images, ['ghcr.io/stefanprodan/podinfo:5.0.0']);
  assert.deepEqual(result.chart, { name: 'podinfo', version: '5.0.0' });
  // The enabled tests (grpc, jwt, service) run these; tiny-tools has no tag and is skipped even as a hook.
  assert.deepEqual(sorted(result.hookImages), ['curlimages/curl:7.69.0', 'stefanprodan/grpc_health_probe:v0.3.0']);
  assert.deepEqual(result.skipped, ['giantswarm/tiny-tools']);
});

const CONTROLLER =
  'registry.k8s.io/ingress-nginx/controller:v1.12.1@sha256:d2fbc4ec70d8aa2050dd91a91506e998765e86c96f32cffb56c503c9c34eed5b';
const CERTGEN =
  'registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.5.2@sha256:e8825994b7a2c7497375a9b945f386506ca6a3eda80b89b74ef2db743f66a5ea';

test('ingress-nginx 4.12.1: the controller (tag and digest) only, as oc-mirror', async () => {
  const result = await chartImages(chart('ingress-nginx-4.12.1.tgz'));
  assert.deepEqual(result.images, [CONTROLLER]);
  // The admission webhook's certgen runs in pre/post-install hook Jobs, which oc-mirror drops.
  assert.deepEqual(result.hookImages, [CERTGEN]);
});

test('ingress-nginx 4.12.1 with includeHooks: the certgen hook image is added', async () => {
  const result = await chartImages(chart('ingress-nginx-4.12.1.tgz'), { includeHooks: true });
  assert.deepEqual(result.images, [CONTROLLER, CERTGEN]);
});

test('aliased subchart with three copies of bitnami common: the three images oc-mirror finds', async () => {
  const result = await chartImages(chart('my-chart-with-subchart-alias-0.1.0.tgz'));
  assert.deepEqual(sorted(result.images), [
    'nginx:1.16.0',
    'quay.io/fedora/postgresql-15:latest',
    'quay.io/rhdh-community/rhdh:next',
  ]);
  assert.deepEqual(result.hookImages, []);
});

for (const [version, image] of Object.entries(SBO_IMAGES)) {
  test(`service-binding-operator ${version}: its operator image by digest`, async () => {
    const result = await chartImages(chart(`service-binding-operator-${version}.tgz`));
    assert.deepEqual(result.images, [image]);
    assert.deepEqual(result.chart, { name: 'service-binding-operator', version });
  });
}

test('service-binding-operator: the ten versions give oc-mirror’s ten digests', async () => {
  const all = new Set<string>();
  for (const version of Object.keys(SBO_IMAGES)) {
    for (const image of (await chartImages(chart(`service-binding-operator-${version}.tgz`))).images) all.add(image);
  }
  assert.equal(all.size, 10);
});

test('test-mirror-helm 0.3.0 with the env image path: nginx-ingress and prometheus; "debug" is rejected', async () => {
  const result = await chartImages(chart('test-mirror-helm-0.3.0.tgz'), {
    imagePaths: ['{.spec.template.spec.containers[*].env[*].value}'],
  });
  assert.deepEqual(sorted(result.images), [
    'quay.io/nginx/nginx-ingress:latest',
    'quay.io/prometheus/prometheus:latest',
  ]);
  assert.deepEqual(result.skipped, ['debug']);
});

test('test-mirror-helm 0.3.0 with the default paths only: no env image', async () => {
  const result = await chartImages(chart('test-mirror-helm-0.3.0.tgz'));
  assert.deepEqual(result.images, ['quay.io/nginx/nginx-ingress:latest']);
});
