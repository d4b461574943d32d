import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDeleteImageSetConfig, parseImageSetConfig } from '../../core/config/load-config.js';
import {
  discFromIsc,
  pinCatalogs,
  pinnedConfigFileName,
  pinnedDiscYaml,
  pinnedIscYaml,
} from '../../core/config/pinned-config.js';

const HEX = '0de0e983a4980f32b1aad2d7f7f387cea2d4e9517b47f336cef27f63735911fa';
const PINNED = 'a'.repeat(64);

const ISC = `kind: ImageSetConfiguration
apiVersion: mirror.openshift.io/v1alpha2
mirror:
  platform:
    channels:
      - name: stable-4.18
        maxVersion: 4.18.2
  operators:
    - catalog: registry.redhat.io/redhat/redhat-operator-index:v4.18
      packages:
        - name: jaeger-product
          maxVersion: "1.51"
    - catalog: registry.redhat.io/redhat/certified-operator-index:v4.18
      targetTag: mine
    - catalog: quay.io/ns/cat@sha256:${HEX}
    - catalog: oci:///tmp/catalog
    - catalog: quay.io/ns/unreachable:v1
  additionalImages:
    - name: quay.io/a/b:1
  helm:
    repositories:
      - name: podinfo
        url: https://stefanprodan.github.io/podinfo/
        charts:
          - name: podinfo
            imagePaths: ["{.spec.image}"]
  blockedImages:
    - name: ubi8
`;

test('pinCatalogs: tag catalogs pinned, original tag kept as targetTag, digest/OCI catalogs untouched', () => {
  const { config } = parseImageSetConfig(ISC, 'isc.yaml');
  const asked: string[] = [];
  const pinned = pinCatalogs(config, (catalog) => {
    asked.push(catalog);
    return catalog.includes('unreachable') ? undefined : catalog.includes('certified') ? PINNED : `sha256:${PINNED}`;
  });
  assert.deepEqual(asked, [
    'registry.redhat.io/redhat/redhat-operator-index:v4.18',
    'registry.redhat.io/redhat/certified-operator-index:v4.18',
    'quay.io/ns/unreachable:v1',
  ]);
  assert.deepEqual(
    pinned.mirror.operators?.map((op) => [op.catalog, op.targetTag]),
    [
      [`registry.redhat.io/redhat/redhat-operator-index@sha256:${PINNED}`, 'v4.18'],
      [`registry.redhat.io/redhat/certified-operator-index@sha256:${PINNED}`, 'mine'],
      [`quay.io/ns/cat@sha256:${HEX}`, undefined],
      ['oci:///tmp/catalog', undefined],
      ['quay.io/ns/unreachable:v1', 'v1'],
    ],
  );
  assert.equal(config.mirror.operators?.[0].catalog, 'registry.redhat.io/redhat/redhat-operator-index:v4.18');
});

test('pinned ISC and DISC YAML: sorted keys, Go zero-value fields, loadable again', () => {
  const { config } = parseImageSetConfig(ISC, 'isc.yaml');
  const pinned = pinCatalogs(config, () => `sha256:${PINNED}`);
  const isc = pinnedIscYaml(pinned);
  assert.equal(
    isc,
    `apiVersion: mirror.openshift.io/v2alpha1
kind: ImageSetConfiguration
mirror:
  additionalImages:
  - name: quay.io/a/b:1
  blockedImages:
  - name: ubi8
  helm:
    repositories:
    - charts:
      - imagePaths:
        - '{.spec.image}'
        name: podinfo
      name: podinfo
      url: https://stefanprodan.github.io/podinfo/
  operators:
  - catalog: registry.redhat.io/redhat/redhat-operator-index@sha256:${PINNED}
    packages:
    - maxVersion: "1.51"
      name: jaeger-product
    targetTag: v4.18
  - catalog: registry.redhat.io/redhat/certified-operator-index@sha256:${PINNED}
    packages: null
    targetTag: mine
  - catalog: quay.io/ns/cat@sha256:${HEX}
    packages: null
  - catalog: oci:///tmp/catalog
    packages: null
  - catalog: quay.io/ns/unreachable@sha256:${PINNED}
    packages: null
    targetTag: v1
  platform:
    channels:
    - maxVersion: 4.18.2
      name: stable-4.18
      type: ocp
`,
  );
  assert.deepEqual(parseImageSetConfig(isc, 'pinned.yaml').config, pinned);

  const disc = discFromIsc(pinned);
  assert.equal(disc.delete.blockedImages, undefined);
  const discYaml = pinnedDiscYaml(disc);
  assert.ok(discYaml.startsWith('apiVersion: mirror.openshift.io/v2alpha1\ndelete:\n  additionalImages:\n'));
  assert.ok(discYaml.endsWith('      type: ocp\nkind: DeleteImageSetConfiguration\n'));
  const reloaded = parseDeleteImageSetConfig(discYaml, 'disc.yaml').config;
  // Loading a DISC applies the amd64 default (channels set, no architectures).
  assert.deepEqual(reloaded.delete.platform?.architectures, ['amd64']);
  assert.deepEqual(reloaded.delete.operators, pinned.mirror.operators);
});

test('pinned file names use RFC 3339 UTC seconds', () => {
  assert.equal(
    pinnedConfigFileName('isc', new Date(Date.UTC(2025, 11, 31, 11, 37, 17, 123))),
    'isc_pinned_2025-12-31T11:37:17Z.yaml',
  );
  assert.equal(
    pinnedConfigFileName('disc', new Date(Date.UTC(2026, 0, 2, 3, 4, 5))),
    'disc_pinned_2026-01-02T03:04:05Z.yaml',
  );
});
