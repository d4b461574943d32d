import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Operator } from '../../../core/config/image-set-config.js';
import {
  catalogFilterDigest,
  catalogFilterJson,
  goJsonString,
  legacyCatalogFilterDigest,
} from '../../../core/collect/operator/filter-digest.js';

const HEX = '0f6efa098de01c8171aac32c6aa57745f687bb0d0806cd7122dc3fee662c46d6';

/**
 * [operator entry, JSON and MD5 with the catalog digest, JSON and MD5 without it (legacy)] — the expected
 * strings are what oc-mirror's digestOfFilter produces (Go encoding/json on the v2alpha1.Operator struct).
 */
const CASES: [Operator, string, string, string, string][] = [
  [
    {
      catalog: 'quay.io/oc-mirror/oc-mirror-dev:test-catalog-latest',
      packages: [
        {
          name: 'foo',
          defaultChannel: 'beta',
          channels: [{ name: 'beta', minVersion: '0.3.1', maxVersion: '0.3.1' }],
        },
      ],
    },
    `{"packages":[{"name":"foo","channels":[{"name":"beta","minVersion":"0.3.1","maxVersion":"0.3.1"}],"defaultChannel":"beta"}],"catalog":"quay.io/oc-mirror/oc-mirror-dev@sha256:${HEX}"}`,
    'e75bbe7165bf05e15ca84145058d4d0b',
    '{"packages":[{"name":"foo","channels":[{"name":"beta","minVersion":"0.3.1","maxVersion":"0.3.1"}],"defaultChannel":"beta"}],"catalog":"quay.io/oc-mirror/oc-mirror-dev:test-catalog-latest"}',
    '04ec0f6a64ce027cb52370c7c0a07a14',
  ],
  [
    { catalog: 'registry.redhat.io/redhat/redhat-operator-index:v4.18' },
    `{"packages":null,"catalog":"registry.redhat.io/redhat/redhat-operator-index@sha256:${HEX}"}`,
    'cd776ac6c571a2927395f5a52575da1e',
    '{"packages":null,"catalog":"registry.redhat.io/redhat/redhat-operator-index:v4.18"}',
    '0c1c3485b92afb838c3657fb38f6db5c',
  ],
  [
    { catalog: 'registry.redhat.io/redhat/redhat-operator-index:v4.18', packages: [] },
    `{"packages":[],"catalog":"registry.redhat.io/redhat/redhat-operator-index@sha256:${HEX}"}`,
    '9b274a2091c6b362c42df93d7bbf380f',
    '{"packages":[],"catalog":"registry.redhat.io/redhat/redhat-operator-index:v4.18"}',
    '2de25e257a7928aa8b191de02df3c2ce',
  ],
  [
    {
      catalog: 'registry.redhat.io/redhat/redhat-operator-index:v4.18',
      full: true,
      skipDependencies: true,
      targetCatalog: 'x/y',
      targetTag: 't',
      targetCatalogSourceTemplate: '/tmp/t.yaml',
      platforms: [{ os: 'linux', architecture: 'amd64', variant: 'v8' }],
      packages: [
        { name: 'a<b>&c', minVersion: '1.0.0' },
        { name: 'p', channels: [], maxVersion: '2' },
      ],
    },
    `{"packages":[{"name":"a\\u003cb\\u003e\\u0026c","minVersion":"1.0.0"},{"name":"p","maxVersion":"2"}],"catalog":"registry.redhat.io/redhat/redhat-operator-index@sha256:${HEX}","full":true,"skipDependencies":true,"platforms":[{"os":"linux","architecture":"amd64"}]}`,
    '85efe08d85620167718570b8062d6bcb',
    '{"packages":[{"name":"a\\u003cb\\u003e\\u0026c","minVersion":"1.0.0"},{"name":"p","maxVersion":"2"}],"catalog":"registry.redhat.io/redhat/redhat-operator-index:v4.18","full":true,"skipDependencies":true,"platforms":[{"os":"linux","architecture":"amd64"}]}',
    '38c4117edec3f4e132f1377c1daac3be',
  ],
  [
    { catalog: 'oci:///home/user/catalogs/redhat-index', packages: [{ name: 'x' }] },
    `{"packages":[{"name":"x"}],"catalog":"/home/user/catalogs/redhat-index@sha256:${HEX}"}`,
    '27b13282df1c449f6a98b22ae965ecd3',
    '{"packages":[{"name":"x"}],"catalog":"oci:///home/user/catalogs/redhat-index"}',
    '24c7ed0b41135e43f39285dd4779fa7e',
  ],
  [
    { catalog: `docker://quay.io/a/b:v1@sha256:${'a'.repeat(64)}`, packages: [{ name: 'x' }] },
    `{"packages":[{"name":"x"}],"catalog":"quay.io/a/b@sha256:${HEX}"}`,
    '09c1db99e67c275886aa1f4e2bf26091',
    `{"packages":[{"name":"x"}],"catalog":"docker://quay.io/a/b:v1@sha256:${'a'.repeat(64)}"}`,
    'e86e597043bff6a824c39a0adda19bc4',
  ],
  [
    { catalog: 'localhost:5000/catalog:latest', platforms: [] },
    `{"packages":null,"catalog":"localhost:5000/catalog@sha256:${HEX}"}`,
    '4441a33f7f75dce295640c11b3d16259',
    '{"packages":null,"catalog":"localhost:5000/catalog:latest"}',
    '9c945970f518c924993ed5cacab2c3db',
  ],
  [
    // No tag and no digest: oc-mirror's ParseRef fails and the catalog stays as written.
    { catalog: 'quay.io/no-tag', packages: [{ name: 'x' }] },
    '{"packages":[{"name":"x"}],"catalog":"quay.io/no-tag"}',
    '7753996ea7eb993dbcc37af4a78c2c15',
    '{"packages":[{"name":"x"}],"catalog":"quay.io/no-tag"}',
    '7753996ea7eb993dbcc37af4a78c2c15',
  ],
];

test('filter JSON and digest match oc-mirror byte for byte', () => {
  for (const [op, json, digest, legacyJson, legacyDigest] of CASES) {
    assert.equal(catalogFilterJson(op, HEX), json);
    assert.equal(catalogFilterDigest(op, HEX), digest, json);
    assert.equal(catalogFilterJson(op, ''), legacyJson);
    assert.equal(legacyCatalogFilterDigest(op), legacyDigest, legacyJson);
  }
});

test('the digest ignores targetCatalog, targetTag, targetCatalogSourceTemplate and the catalog tag', () => {
  const base: Operator = { catalog: 'quay.io/x/index:v1', packages: [{ name: 'foo' }] };
  const digest = catalogFilterDigest(base, HEX);
  assert.match(digest, /^[0-9a-f]{32}$/);
  assert.equal(catalogFilterDigest({ ...base, targetCatalog: 'mirror/index', targetTag: 'v9' }, HEX), digest);
  assert.equal(catalogFilterDigest({ ...base, targetCatalogSourceTemplate: 'cs.yaml' }, HEX), digest);
  assert.equal(catalogFilterDigest({ ...base, catalog: `quay.io/x/index@sha256:${'b'.repeat(64)}` }, HEX), digest);
  assert.equal(catalogFilterDigest(base, `sha256:${HEX}`), digest, 'a sha256: prefix is tolerated');
  assert.notEqual(catalogFilterDigest({ ...base, full: true }, HEX), digest);
  assert.notEqual(catalogFilterDigest({ ...base, skipDependencies: true }, HEX), digest);
  assert.notEqual(catalogFilterDigest(base, 'c'.repeat(64)), digest);
  assert.notEqual(legacyCatalogFilterDigest(base), digest);
});

test('Go string escaping', () => {
  assert.equal(goJsonString('a<b>&c'), '"a\\u003cb\\u003e\\u0026c"');
  assert.equal(goJsonString('q"b\\s'), '"q\\"b\\\\s"');
  assert.equal(goJsonString('\b\f\n\r\t\u0001\u001f'), '"\\b\\f\\n\\r\\t\\u0001\\u001f"');
  assert.equal(goJsonString('\u2028\u2029'), '"\\u2028\\u2029"');
  assert.equal(goJsonString('\u007f é 😀'), '"\u007f é 😀"');
  assert.equal(goJsonString('lone \ud800 and \udc00'), '"lone \\ufffd and \\ufffd"');
});
