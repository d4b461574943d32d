import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../../core/errors.js';
import {
  detectConfigKind,
  loadDeleteImageSetConfig,
  loadImageSetConfig,
  parseDeleteImageSetConfig,
  parseImageSetConfig,
} from '../../core/config/load-config.js';
import { archiveSizeBytes, type ImageSetConfiguration } from '../../core/config/image-set-config.js';
import { goodConfig } from './fixture-paths.js';

const HEAD = 'kind: ImageSetConfiguration\napiVersion: mirror.openshift.io/v2alpha1\n';
const DIGEST = 'sha256:0de0e983a4980f32b1aad2d7f7f387cea2d4e9517b47f336cef27f63735911fa';

function warningsOf(text: string): string[] {
  return parseImageSetConfig(text, 'isc.yaml').warnings.map((w) => `${w.line}:${w.column} ${w.message}`);
}

function errorsOf(parse: () => unknown): string[] {
  try {
    parse();
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems.map((p) => `${p.line}:${p.column} ${p.message}`);
  }
  return assert.fail('accepted');
}

test('full ISC: every field decoded, typed and defaulted', async () => {
  const file = goodConfig('isc-full.yaml');
  const { config, warnings, raw, locate } = await loadImageSetConfig(file);
  assert.equal(raw, await readFile(file, 'utf8'));
  const expected: ImageSetConfiguration = {
    kind: 'ImageSetConfiguration',
    apiVersion: 'mirror.openshift.io/v2alpha1',
    archiveSize: 4,
    mirror: {
      platform: {
        graph: true,
        kubeVirtContainer: true,
        architectures: ['amd64', 'multi'],
        channels: [
          { name: 'stable-4.18', type: 'ocp', minVersion: '4.18.1', maxVersion: '4.18.5', shortestPath: true },
          { name: '4-stable', type: 'okd', full: true },
        ],
      },
      operators: [
        {
          catalog: 'registry.redhat.io/redhat/redhat-operator-index:v4.18',
          targetCatalog: 'mirror/redhat-operators',
          targetTag: 'v4.18',
          full: false,
          skipDependencies: false,
          targetCatalogSourceTemplate: './catalog-source-template.yaml',
          platforms: [{ os: 'linux', architecture: 'amd64' }],
          packages: [
            { name: 'jaeger-product', defaultChannel: 'stable', minVersion: '1.47.1-5', maxVersion: '1.51' },
            {
              name: '3scale-operator',
              channels: [{ name: 'threescale-2.12', minVersion: 'v0.8', maxVersion: '0.9.1' }],
            },
            { name: 'empty-filter', channels: [] },
          ],
        },
        { catalog: `registry.redhat.io/redhat/community-operator-index@${DIGEST}`, packages: [] },
      ],
      additionalImages: [
        {
          name: `quay.io/ns/img:v1@${DIGEST}`,
          targetRepo: 'team/img2',
          targetTag: 't',
          platforms: [{ os: 'linux', architecture: 's390x' }],
        },
      ],
      helm: {
        repositories: [
          {
            name: 'podinfo',
            url: 'https://stefanprodan.github.io/podinfo/',
            charts: [
              {
                name: 'podinfo',
                version: '5.0.0',
                imagePaths: ['{.spec.template.spec.containers[*].image}'],
                platforms: [{ os: 'linux', architecture: 'arm64' }],
              },
            ],
          },
          { name: 'none', url: 'https://example.com/charts/', charts: [] },
        ],
        local: [{ name: 'podinfo-local', version: '5.0.0', path: '/charts/podinfo-5.0.0.tgz' }],
      },
      blockedImages: [
        { name: '^registry.redhat.io/ubi8/.*' },
        { name: '(?i)ALPINE' },
        { name: '(?P<repo>busybox):[[:digit:]]+' },
      ],
      samples: [{ name: 'ruby' }],
    },
  };
  assert.deepEqual(config, expected);
  assert.deepEqual(
    warnings.map((w) => `${w.line}:${w.column} ${w.path} ${w.message}`),
    [
      '9:5 mirror.platform.architectures platform.architectures is deprecated; use platform.platforms instead for sparse manifest platform filtering',
      '74:3 mirror.samples samples are not implemented (oc-mirror ignores them too)',
    ],
  );
  assert.deepEqual(locate('mirror.additionalImages[0].targetRepo'), { line: 46, column: 19 });
  assert.deepEqual(locate('mirror.operators[1].catalog'), { line: 42, column: 16 });
  assert.equal(locate('mirror.nothing'), undefined);
  assert.equal(archiveSizeBytes(config), 4 * 1024 ** 3);
});

test('minimal ISC: absent keys stay absent, apiVersion stamped v2alpha1, default archive size', () => {
  const { config, warnings } = parseImageSetConfig(
    'kind: ImageSetConfiguration\napiVersion: mirror.openshift.io/v1alpha2\nmirror:\n  additionalImages:\n    - name: a/b:1\n',
    'min.yaml',
  );
  assert.deepEqual(config, {
    kind: 'ImageSetConfiguration',
    apiVersion: 'mirror.openshift.io/v2alpha1',
    mirror: { additionalImages: [{ name: 'a/b:1' }] },
  });
  assert.deepEqual(warnings, []);
  assert.equal(archiveSizeBytes(config), 500 * 1024 ** 3);
});

test('missing apiVersion is stamped, empty mirror stanza is accepted (oc-mirror fails later: nothing to copy)', () => {
  const { config } = parseImageSetConfig('kind: ImageSetConfiguration\nmirror:\n', 'x.yaml');
  assert.deepEqual(config, { kind: 'ImageSetConfiguration', apiVersion: 'mirror.openshift.io/v2alpha1', mirror: {} });
});

test('good fixtures for end-to-end tests load without warnings', async () => {
  for (const name of ['isc-additional-images.yaml', 'isc-operators.yaml', 'isc-helm.yaml', 'isc-minimal.yaml']) {
    const { warnings, config } = await loadImageSetConfig(goodConfig(name));
    assert.deepEqual(warnings, [], name);
    assert.equal(config.kind, 'ImageSetConfiguration');
  }
  const ops = (await loadImageSetConfig(goodConfig('isc-operators.yaml'))).config;
  assert.equal(ops.mirror.operators?.length, 3);
  assert.equal(ops.mirror.operators?.[2].catalog, 'oci:///home/user/catalogs/redhat-operator-index');
  assert.equal(ops.mirror.operators?.[2].packages, undefined);
  const helm = (await loadImageSetConfig(goodConfig('isc-helm.yaml'))).config;
  assert.equal(helm.mirror.helm?.repositories?.[1].charts, undefined, 'absent charts = every chart');
});

test('DISC: architectures default to amd64 when channels are set', async () => {
  const { config, warnings } = await loadDeleteImageSetConfig(goodConfig('disc.yaml'));
  assert.deepEqual(warnings, []);
  assert.equal(config.kind, 'DeleteImageSetConfiguration');
  assert.deepEqual(config.delete.platform, {
    channels: [{ name: 'stable-4.17', type: 'ocp', minVersion: '4.17.10', maxVersion: '4.17.12' }],
    architectures: ['amd64'],
  });
  assert.deepEqual(config.delete.additionalImages, [{ name: 'registry.redhat.io/ubi8/ubi:latest' }]);
});

test('DISC: no architecture default without channels, or when platforms are set; ISC never defaults', () => {
  const disc = 'kind: DeleteImageSetConfiguration\ndelete:\n  platform:\n';
  assert.deepEqual(parseDeleteImageSetConfig(`${disc}    graph: true\n`, 'd.yaml').config.delete.platform, {
    graph: true,
  });
  assert.deepEqual(
    parseDeleteImageSetConfig(
      `${disc}    channels: [{name: stable-4.18}]\n    platforms: [{os: linux, architecture: arm64}]\n`,
      'd.yaml',
    ).config.delete.platform,
    { channels: [{ name: 'stable-4.18', type: 'ocp' }], platforms: [{ os: 'linux', architecture: 'arm64' }] },
  );
  assert.deepEqual(
    parseImageSetConfig(`${HEAD}mirror:\n  platform:\n    channels: [{name: stable-4.18}]\n`, 'i.yaml').config.mirror
      .platform,
    { channels: [{ name: 'stable-4.18', type: 'ocp' }] },
  );
});

test('go-yaml v2 typing: YAML 1.1 booleans accepted, quoted numbers accepted, 4.0 is an integer, empty strings dropped', () => {
  const { config } = parseImageSetConfig(
    `${HEAD}archiveSize: 4.0\nmirror:\n  platform:\n    graph: yes\n    kubeVirtContainer: Off\n` +
      '  operators:\n    - catalog: "reg.io/ns/cat:v1"\n      targetTag: "1.0"\n      targetCatalog: ""\n      full: ON\n' +
      '    - catalog: reg.io/ns/other:v1\n      packages:\n        - name: p\n          minVersion: "1.2"\n          maxVersion: !!str 2.0\n',
    'i.yaml',
  );
  assert.equal(config.archiveSize, 4);
  assert.deepEqual(config.mirror.platform, { graph: true, kubeVirtContainer: false });
  assert.deepEqual(config.mirror.operators, [
    { catalog: 'reg.io/ns/cat:v1', targetTag: '1.0', full: true },
    { catalog: 'reg.io/ns/other:v1', packages: [{ name: 'p', minVersion: '1.2', maxVersion: '2.0' }] },
  ]);
});

test('anchors, aliases and merge keys are resolved like go-yaml v2', () => {
  const { config } = parseImageSetConfig(
    `${HEAD}mirror:\n  additionalImages:\n    - &ubi\n      name: registry.redhat.io/ubi9/ubi:latest\n      platforms: &p [{os: linux, architecture: amd64}]\n` +
      '    - <<: *ubi\n      targetTag: copy\n    - name: quay.io/a/b:1\n      platforms: *p\n',
    'i.yaml',
  );
  assert.deepEqual(config.mirror.additionalImages, [
    { name: 'registry.redhat.io/ubi9/ubi:latest', platforms: [{ os: 'linux', architecture: 'amd64' }] },
    {
      name: 'registry.redhat.io/ubi9/ubi:latest',
      targetTag: 'copy',
      platforms: [{ os: 'linux', architecture: 'amd64' }],
    },
    { name: 'quay.io/a/b:1', platforms: [{ os: 'linux', architecture: 'amd64' }] },
  ]);
});

test('warnings: duplicates, ignored settings and likely mistakes are reported with location', () => {
  const text =
    `${HEAD}mirror:\n  platform:\n    release: quay.io/openshift-release-dev/ocp-release:4.18.1-x86_64\n` +
    '    channels:\n      - name: okd-4\n        type: OKD\n      - name: stable-4.18\n        minVersion: 4.18.5\n        maxVersion: 4.18.1\n' +
    '  operators:\n    - catalog: reg.io/ns/cat:v1\n      skipDependencies: true\n      packages:\n        - name: p\n          minVersion: 2.0.0\n          maxVersion: 1.0.0\n' +
    '  additionalImages:\n    - name: reg.io/a/b:1\n    - Name: reg.io/a/b:1\n' +
    '  helm:\n    repositories:\n      - name: podinfo\n        url: https://stefanprodan.github.io/podinfo\n    local:\n      - path: ./c.tgz\n        imagePaths: [.spec.image]\n';
  assert.deepEqual(warningsOf(text), [
    '6:5 platform.channels are ignored because platform.release is set',
    '8:15 release channel "okd-4": unknown type "OKD" is treated as "ocp"; did you mean "okd"?',
    '10:21 release channel "stable-4.18": minVersion "4.18.5" is greater than maxVersion "4.18.1": no release can match',
    '14:7 skipDependencies has no effect (oc-mirror v2 does not resolve dependencies)',
    '17:23 catalog "reg.io/ns/cat:v1": operator "p": minVersion "2.0.0" is greater than maxVersion "1.0.0": no bundle can match',
    '21:7 field "Name" should be spelled "name" (accepted because oc-mirror matches keys ignoring case)',
    '21:13 additional image "reg.io/a/b:1": duplicate found in configuration (first at line 20); it is mirrored once',
    '25:14 helm repository "podinfo": url does not end with "/"; with no charts listed oc-mirror fetches "https://stefanprodan.github.io/podinfoindex.yaml"',
    '28:22 image path ".spec.image" is not wrapped in {…}: Kubernetes JSONPath treats it as plain text, so it finds no image (write "{.spec.image}")',
  ]);
});

test('additional images differing only in target are not duplicates', () => {
  const text = `${HEAD}mirror:\n  additionalImages:\n    - name: reg.io/a/b:1\n    - name: reg.io/a/b:1\n      targetTag: two\n`;
  assert.deepEqual(warningsOf(text), []);
});

test('problems carry the dotted path of the offending key', () => {
  try {
    parseImageSetConfig(
      `${HEAD}mirror:\n  operators:\n    - catalog: reg.io/ns/cat:v1\n      targetTag: 1.0\n`,
      'p.yaml',
    );
    assert.fail('accepted');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.deepEqual(err.problems, [
      {
        file: 'p.yaml',
        line: 6,
        column: 18,
        path: 'mirror.operators[0].targetTag',
        message: '"targetTag" must be a string, found the number 1.0 (quote it: "1.0")',
      },
    ]);
  }
});

test('identical problems are reported once; problems are sorted by line then column', () => {
  const errors = errorsOf(() =>
    parseImageSetConfig(
      `${HEAD}mirror:\n  additionalImages:\n    - name: a\n  platform:\n    channels: [{name: c}, {name: c}, {name: c}]\n`,
      'x.yaml',
    ),
  );
  assert.deepEqual(errors, [
    '5:13 a unable to parse image correctly : tag and digest are empty',
    '7:34 release channel "c": duplicate found in configuration',
    '7:45 release channel "c": duplicate found in configuration',
  ]);
});

test('unreadable file: ConfigError at line 0, column 0', async () => {
  const missing = goodConfig('does-not-exist.yaml');
  await assert.rejects(loadImageSetConfig(missing), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.deepEqual(err.problems, [
      {
        file: missing,
        line: 0,
        column: 0,
        path: '',
        message: `cannot read config file "${missing}": ENOENT (no such file or directory)`,
      },
    ]);
    return true;
  });
  await assert.rejects(loadDeleteImageSetConfig(goodConfig('')), /EISDIR \(it is a directory\)/);
});

test('detectConfigKind reads only the kind', () => {
  assert.equal(detectConfigKind('kind: ImageSetConfiguration\nmirror: {}\n'), 'ImageSetConfiguration');
  assert.equal(
    detectConfigKind('# c\nkind: "DeleteImageSetConfiguration"\ndelete: {bad: 1}\n'),
    'DeleteImageSetConfiguration',
  );
  assert.equal(detectConfigKind('kind: Pod\n'), undefined);
  assert.equal(detectConfigKind('- a\n'), undefined);
  assert.equal(detectConfigKind(''), undefined);
  assert.equal(detectConfigKind('kind: [\n'), undefined);
});
