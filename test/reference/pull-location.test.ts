import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalRepository, toPullLocation } from '../../core/reference/pull-location.js';
import { parseImageReference } from '../../core/reference/image-reference.js';
import { ReferenceParseError } from '../../core/reference/reference-error.js';

const D = `sha256:${'0f'.repeat(32)}`;

test('Docker Hub short names are normalised like containers/image does', () => {
  assert.deepEqual(toPullLocation('nginx:1'), {
    registry: 'docker.io',
    endpoint: 'registry-1.docker.io',
    repository: 'library/nginx',
    tag: '1',
  });
  assert.deepEqual(toPullLocation('user/app:1'), {
    registry: 'docker.io',
    endpoint: 'registry-1.docker.io',
    repository: 'user/app',
    tag: '1',
  });
  // oc-mirror's naming parser calls `library` a registry; pulling must not.
  assert.deepEqual(toPullLocation(parseImageReference('library/nginx:1')), {
    registry: 'docker.io',
    endpoint: 'registry-1.docker.io',
    repository: 'library/nginx',
    tag: '1',
  });
  assert.equal(canonicalRepository(toPullLocation('docker.io/nginx:1')), 'docker.io/library/nginx');
  assert.equal(canonicalRepository(toPullLocation('index.docker.io/user/app:1')), 'docker.io/user/app');
});

test('a first segment with ".", ":", upper case, or equal to localhost is a host', () => {
  assert.deepEqual(toPullLocation('localhost:5000/x:1'), {
    registry: 'localhost:5000',
    endpoint: 'localhost:5000',
    repository: 'x',
    tag: '1',
  });
  assert.equal(canonicalRepository(toPullLocation('localhost/x:1')), 'localhost/x');
  assert.equal(canonicalRepository(toPullLocation('quay.io/ns/img:1')), 'quay.io/ns/img');
  assert.equal(canonicalRepository(toPullLocation('MyRegistry/ns/img:1')), 'MyRegistry/ns/img');
  assert.equal(canonicalRepository(toPullLocation('127.0.0.1:5000/a/b/c:1')), '127.0.0.1:5000/a/b/c');
});

test('digest and tag are both reported; docker:// prefix accepted', () => {
  assert.deepEqual(toPullLocation(`docker://quay.io/ns/img:v1@${D}`), {
    registry: 'quay.io',
    endpoint: 'quay.io',
    repository: 'ns/img',
    tag: 'v1',
    digest: D,
  });
});

test('oci:// is not a registry location', () => {
  assert.throws(
    () => toPullLocation('oci:///data/oci/img'),
    (err: unknown) =>
      err instanceof ReferenceParseError &&
      err.message === '"oci:///data/oci/img" unable to parse image correctly : transport oci:// is not a registry',
  );
});
