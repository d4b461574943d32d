import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  additionalImageDestination,
  applyMaxNestedPaths,
  catalogRepository,
  digestTag,
  graphImageDestination,
  helmImageDestination,
  kubeVirtComponentName,
  operatorCatalogDestination,
  operatorImageDestination,
  rebuiltCatalogReference,
  releaseComponentDestination,
  releaseDestination,
  releaseTag,
} from '../../core/reference/destination.js';
import { ReferenceParseError } from '../../core/reference/reference-error.js';

const R = 'mirror.example.com:5000/disconnected';
const CACHE = 'localhost:55000';
const HEX = 'ab'.repeat(32);
const D = `sha256:${HEX}`;

// §8.2 examples, row by row.
test('§8.2: registry.redhat.io/ubi9/ubi:latest', () => {
  assert.deepEqual(additionalImageDestination('registry.redhat.io/ubi9/ubi:latest', R), {
    source: 'docker://registry.redhat.io/ubi9/ubi:latest',
    destination: 'docker://mirror.example.com:5000/disconnected/ubi9/ubi:latest',
  });
});

test('§8.2: digest-only is tagged sha256-<hex>', () => {
  assert.deepEqual(additionalImageDestination(`quay.io/ns/img@${D}`, R), {
    source: `docker://quay.io/ns/img@${D}`,
    destination: `docker://mirror.example.com:5000/disconnected/ns/img:sha256-${HEX}`,
  });
});

test('§8.2: tag+digest is pulled by digest, pushed by tag', () => {
  assert.deepEqual(additionalImageDestination(`quay.io/ns/img:v1@${D}`, R), {
    source: `docker://quay.io/ns/img@${D}`,
    destination: 'docker://mirror.example.com:5000/disconnected/ns/img:v1',
  });
});

test('§8.2: tag+digest with targetRepo and targetTag', () => {
  assert.deepEqual(
    additionalImageDestination(`quay.io/ns/img:v1@${D}`, R, { targetRepo: 'team/img2', targetTag: 't' }),
    {
      source: `docker://quay.io/ns/img@${D}`,
      destination: 'docker://mirror.example.com:5000/disconnected/team/img2:t',
    },
  );
});

test('§8.2: oci:///data/oci/myimg', () => {
  assert.deepEqual(additionalImageDestination('oci:///data/oci/myimg', R), {
    source: 'oci:///data/oci/myimg',
    destination: 'docker://mirror.example.com:5000/disconnected/data/oci/myimg:latest',
  });
});

test('§8.2: catalog keeps its path and tag', () => {
  assert.deepEqual(operatorCatalogDestination('registry.redhat.io/redhat/redhat-operator-index:v4.18', R), {
    source: 'docker://registry.redhat.io/redhat/redhat-operator-index:v4.18',
    destination: 'docker://mirror.example.com:5000/disconnected/redhat/redhat-operator-index:v4.18',
  });
});

test('§8.2: catalog with targetCatalog and targetTag', () => {
  const pair = operatorCatalogDestination('registry.redhat.io/redhat/redhat-operator-index:v4.18', R, {
    targetCatalog: 'my/catalog',
    targetTag: '1',
  });
  assert.equal(pair.destination, 'docker://mirror.example.com:5000/disconnected/my/catalog:1');
});

test('§8.2: release payload goes to openshift/release-images:<release tag>', () => {
  const origin = 'quay.io/openshift-release-dev/ocp-release:4.18.1-x86_64';
  assert.equal(releaseTag(origin), '4.18.1-x86_64');
  assert.equal(
    releaseDestination(R, releaseTag(origin)),
    'docker://mirror.example.com:5000/disconnected/openshift/release-images:4.18.1-x86_64',
  );
});

// The rest of the §8.2 table.
test('release components, KubeVirt and graph image', () => {
  assert.equal(
    releaseComponentDestination(R, '4.18.1-x86_64', 'etcd'),
    'docker://mirror.example.com:5000/disconnected/openshift/release:4.18.1-x86_64-etcd',
  );
  assert.equal(
    releaseComponentDestination(CACHE, '4.18.1-x86_64', kubeVirtComponentName()),
    'docker://localhost:55000/openshift/release:4.18.1-x86_64-kube-virt-container',
  );
  assert.equal(kubeVirtComponentName('s390x'), 'kube-virt-container-s390x');
  assert.equal(graphImageDestination(R), 'docker://mirror.example.com:5000/disconnected/openshift/graph-image:latest');
  assert.equal(graphImageDestination(`docker://${CACHE}/`), 'docker://localhost:55000/openshift/graph-image:latest');
  // A digest-only payload reference (--ignore-release-signature) uses the digest hex as release tag.
  assert.equal(releaseTag(`quay.io/openshift-release-dev/ocp-release@${D}`), HEX);
  assert.throws(
    () => releaseComponentDestination(R, '4.18.1-x86_64', 'x'.repeat(120)),
    (err: unknown) => err instanceof ReferenceParseError && /would be invalid: invalid tag/.test(err.message),
  );
});

test('M2D writes to the cache; D2M reads the cache at the same repository and tag', () => {
  assert.deepEqual(additionalImageDestination(`quay.io/ns/img:v1@${D}`, CACHE), {
    source: `docker://quay.io/ns/img@${D}`,
    destination: 'docker://localhost:55000/ns/img:v1',
  });
  assert.deepEqual(additionalImageDestination(`quay.io/ns/img:v1@${D}`, R, { cacheRoot: CACHE }), {
    source: 'docker://localhost:55000/ns/img:v1',
    destination: 'docker://mirror.example.com:5000/disconnected/ns/img:v1',
  });
  assert.deepEqual(additionalImageDestination(`quay.io/ns/img@${D}`, R, { cacheRoot: CACHE }), {
    source: `docker://localhost:55000/ns/img:sha256-${HEX}`,
    destination: `docker://mirror.example.com:5000/disconnected/ns/img:sha256-${HEX}`,
  });
  assert.deepEqual(additionalImageDestination('oci:///data/oci/myimg', R, { cacheRoot: CACHE, targetTag: 'v2' }), {
    source: 'docker://localhost:55000/data/oci/myimg:v2',
    destination: 'docker://mirror.example.com:5000/disconnected/data/oci/myimg:v2',
  });
});

test('digest-only with targetTag uses the targetTag; tag-only with targetTag too', () => {
  assert.equal(
    additionalImageDestination(`quay.io/ns/img@${D}`, R, { targetTag: 'pinned' }).destination,
    'docker://mirror.example.com:5000/disconnected/ns/img:pinned',
  );
  assert.equal(
    additionalImageDestination('quay.io/ns/img:v1', R, { targetTag: 'v2', targetRepo: '' }).destination,
    'docker://mirror.example.com:5000/disconnected/ns/img:v2',
  );
});

test('digest-only from a registry with a port is digest-only (oc-mirror quirk fixed)', () => {
  assert.deepEqual(additionalImageDestination(`reg.example.com:5000/ns/img@${D}`, R), {
    source: `docker://reg.example.com:5000/ns/img@${D}`,
    destination: `docker://mirror.example.com:5000/disconnected/ns/img:sha256-${HEX}`,
  });
});

test('short names keep oc-mirror naming: the first segment is dropped as the "registry"', () => {
  assert.deepEqual(additionalImageDestination('nginx:1.25', R), {
    source: 'docker://nginx:1.25',
    destination: 'docker://mirror.example.com:5000/disconnected/nginx:1.25',
  });
  assert.equal(
    additionalImageDestination('library/nginx:1', R).destination,
    'docker://mirror.example.com:5000/disconnected/nginx:1',
  );
});

test('bad targetRepo, targetTag, missing tag, and unusable OCI paths are errors naming the origin', () => {
  assert.throws(
    () => additionalImageDestination('quay.io/ns/img:1', R, { targetRepo: 'Team/img:tag' }),
    (err: unknown) =>
      err instanceof ReferenceParseError &&
      err.message.startsWith(
        '"quay.io/ns/img:1" unable to parse image correctly : targetRepo: invalid target path component "Team/img:tag"',
      ),
  );
  assert.throws(
    () => additionalImageDestination('quay.io/ns/img:1', R, { targetTag: '-x' }),
    /targetTag: invalid tag "-x"/,
  );
  assert.throws(
    () => additionalImageDestination('quay.io/ns/img', R),
    /"quay\.io\/ns\/img" unable to parse image correctly : tag and digest are empty/,
  );
  assert.throws(
    () => additionalImageDestination('oci:///data/My Images/x', R),
    (err: unknown) =>
      err instanceof ReferenceParseError &&
      /the OCI layout path cannot be used as a repository name: invalid repository path component "My Images"/.test(
        err.message,
      ) &&
      err.hint === 'set targetRepo to choose the repository name at the destination',
  );
  assert.equal(
    additionalImageDestination('oci:///data/My Images/x', R, { targetRepo: 'team/x' }).destination,
    'docker://mirror.example.com:5000/disconnected/team/x:latest',
  );
});

test('operator and helm images: same rules, no overrides, no oci://', () => {
  assert.deepEqual(operatorImageDestination(`registry.redhat.io/albo/aws-load-balancer-rhel9-operator@${D}`, R), {
    source: `docker://registry.redhat.io/albo/aws-load-balancer-rhel9-operator@${D}`,
    destination: `docker://mirror.example.com:5000/disconnected/albo/aws-load-balancer-rhel9-operator:sha256-${HEX}`,
  });
  assert.deepEqual(operatorImageDestination(`quay.io/ns/op:v1@${D}`, CACHE), {
    source: `docker://quay.io/ns/op@${D}`,
    destination: 'docker://localhost:55000/ns/op:v1',
  });
  assert.throws(
    () => operatorImageDestination('oci:///x/y', R),
    /oci:\/\/ is not supported for an operator bundle or related image/,
  );
  assert.deepEqual(helmImageDestination('docker://ghcr.io/stefanprodan/podinfo:6.7.1', R, { cacheRoot: CACHE }), {
    source: 'docker://localhost:55000/stefanprodan/podinfo:6.7.1',
    destination: 'docker://mirror.example.com:5000/disconnected/stefanprodan/podinfo:6.7.1',
  });
});

test('catalogs: oci basename, digest-only tags, rebuilt image', () => {
  assert.equal(catalogRepository('oci:///data/catalogs/redhat-index/'), 'redhat-index');
  assert.deepEqual(operatorCatalogDestination('oci:///data/catalogs/redhat-index', R), {
    source: 'oci:///data/catalogs/redhat-index',
    destination: 'docker://mirror.example.com:5000/disconnected/redhat-index:latest',
  });
  const origin = `registry.redhat.io/redhat/redhat-operator-index@${D}`;
  assert.equal(
    operatorCatalogDestination(origin, CACHE).destination,
    `docker://localhost:55000/redhat/redhat-operator-index:sha256-${HEX}`,
  );
  const rebuilt = `sha256:${'cd'.repeat(32)}`;
  assert.equal(
    operatorCatalogDestination(origin, R, { rebuiltDigest: rebuilt }).destination,
    `docker://mirror.example.com:5000/disconnected/redhat/redhat-operator-index:sha256-${'cd'.repeat(32)}`,
  );
  const md5 = '0123456789abcdef0123456789abcdef';
  assert.equal(
    rebuiltCatalogReference(CACHE, catalogRepository(origin), md5),
    `docker://localhost:55000/redhat/redhat-operator-index:${md5}`,
  );
  assert.throws(() => catalogRepository(origin, 'a/b:1'), /targetCatalog: invalid target path component "a\/b:1"/);
});

test('digestTag: sha256-<hex>, over-long results cut to 127 like oc-mirror', () => {
  assert.equal(digestTag(D), `sha256-${HEX}`);
  assert.equal(digestTag(D).length, 71);
  const sha512 = `sha512:${'e'.repeat(128)}`;
  assert.equal(digestTag(sha512), `sha512-${'e'.repeat(128)}`.slice(0, 127));
  assert.throws(() => digestTag(HEX), /invalid digest/);
});

// §8.5 examples.
test('§8.5: max-nested-paths 2 and 4', () => {
  const ref = `reg/ocpbugs-11922/mirror-release/gitlab-org/ci-cd/runner@${D}`;
  assert.equal(applyMaxNestedPaths(ref, 2), `reg/ocpbugs-11922/mirror-release-gitlab-org-ci-cd-runner@${D}`);
  assert.equal(applyMaxNestedPaths(ref, 4), `reg/ocpbugs-11922/mirror-release/gitlab-org/ci-cd-runner@${D}`);
  assert.equal(applyMaxNestedPaths(ref, 0), ref);
  assert.equal(applyMaxNestedPaths(ref, 5), ref);
  assert.equal(applyMaxNestedPaths(ref, 1), `reg/ocpbugs-11922-mirror-release-gitlab-org-ci-cd-runner@${D}`);
});

test('§8.5 applied to transport-prefixed destinations (the §5.2 example with N=2)', () => {
  assert.equal(
    applyMaxNestedPaths('docker://mirror.example.com:5000/disconnected/ubi9/ubi:latest', 2),
    'docker://mirror.example.com:5000/disconnected/ubi9-ubi:latest',
  );
  // The host is never touched, even when it reads like the start of the path.
  assert.equal(applyMaxNestedPaths('docker://a/a/a/b:1', 2), 'docker://a/a/a-b:1');
  assert.throws(() => applyMaxNestedPaths('docker://a/b:1', -1), RangeError);
});
