/**
 * The config builder's writer: every draft shape round-trips through the mirror's loader without problems or
 * warnings, values YAML would retype are quoted, and the comments say what each part selects.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkIscText, emptyDraft, headlessCommands, writeIsc, yamlString } from '../../core/config/isc-writer.js';
import type { IscDraft } from '../../core/config/isc-writer.js';
import { parseImageSetConfig } from '../../core/config/load-config.js';
import { redHatCatalogs } from '../../core/config/redhat-catalogs.js';

const FULL: IscDraft = {
  operators: [
    {
      catalog: 'registry.redhat.io/redhat/redhat-operator-index:v4.18',
      packages: [
        { name: 'cluster-logging', channels: ['stable-6.1'], defaultChannel: 'stable-6.1' },
        { name: 'web-terminal', channels: [], minVersion: '1.10.0', maxVersion: '1.11.1' },
        { name: 'odf-operator', channels: ['stable-4.18', 'stable-4.17'], minVersion: '4.17.0' },
      ],
    },
    { catalog: 'localhost:5000/ops/catalog@sha256:' + 'b'.repeat(64), packages: [{ name: 'foo', channels: [] }] },
  ],
  releases: {
    channels: [
      { name: 'stable-4.18', minVersion: '4.18.2', maxVersion: '4.18.9', shortestPath: true, full: false },
      { name: 'eus-4.16', shortestPath: false, full: true },
      { name: 'fast-4.18', shortestPath: false, full: false },
    ],
    architectures: ['amd64', 'arm64'],
    graph: true,
  },
  additionalImages: ['registry.redhat.io/ubi9/ubi:latest', 'quay.io/a/b@sha256:' + 'c'.repeat(64)],
  helm: [
    { name: 'podinfo', url: 'https://stefanprodan.github.io/podinfo', charts: [{ name: 'podinfo', version: '6.5.0' }] },
    { name: 'all', url: 'https://charts.example/repo/', charts: [] },
  ],
};

test('a full draft loads without problems or warnings and says what it asked for', () => {
  const text = writeIsc(FULL, { header: 'written on 2026-12-02' });
  const loaded = parseImageSetConfig(text, 'isc.yaml');
  // Two architectures can only be asked for with the deprecated field: that note is the only one.
  assert.deepEqual(
    loaded.warnings.map((w) => w.path),
    ['mirror.platform.architectures'],
  );
  const check = checkIscText(text, 'isc.yaml');
  assert.ok(check.ok);
  assert.deepEqual(check.warnings, []);
  assert.equal(check.deprecations.length, 1);
  const { mirror } = loaded.config;
  assert.deepEqual(mirror.platform?.architectures, ['amd64', 'arm64']);
  assert.equal(mirror.platform?.graph, true);
  assert.deepEqual(
    mirror.platform?.channels?.map((c) => [c.name, c.minVersion, c.maxVersion, c.shortestPath, c.full]),
    [
      ['stable-4.18', '4.18.2', '4.18.9', true, undefined],
      ['eus-4.16', undefined, undefined, undefined, true],
      ['fast-4.18', undefined, undefined, undefined, undefined],
    ],
  );
  const ops = mirror.operators!;
  assert.equal(ops[0].packages?.[0].defaultChannel, 'stable-6.1');
  assert.deepEqual(ops[0].packages?.[0].channels, [{ name: 'stable-6.1' }]);
  assert.equal(ops[0].packages?.[1].channels, undefined);
  assert.equal(ops[0].packages?.[1].minVersion, '1.10.0');
  assert.deepEqual(
    ops[0].packages?.[2].channels?.map((c) => c.name),
    ['stable-4.18', 'stable-4.17'],
  );
  assert.equal(ops[1].catalog, `localhost:5000/ops/catalog@sha256:${'b'.repeat(64)}`);
  assert.deepEqual(
    mirror.additionalImages?.map((i) => i.name),
    FULL.additionalImages,
  );
  assert.equal(mirror.helm?.repositories?.[0].charts?.[0].version, '6.5.0');
  assert.equal(mirror.helm?.repositories?.[1].charts, undefined);
  assert.match(text, /^# written on 2026-12-02\n/);
  assert.match(text, /# stable-4\.18: versions 4\.18\.2 to 4\.18\.9, the shortest upgrade path between min and max/);
  assert.match(text, /# web-terminal: every channel, versions 1\.10\.0 to 1\.11\.1/);
  assert.match(text, /# cluster-logging: channels stable-6\.1, channel heads/);
  assert.match(text, /# No charts listed: every chart of the repository\./);
  const recheck = checkIscText(text);
  assert.ok(recheck.ok && recheck.warnings.length === 0);
});

test('an empty draft is still a valid config', () => {
  const text = writeIsc(emptyDraft());
  const check = checkIscText(text);
  assert.ok(check.ok, JSON.stringify(check));
  assert.deepEqual(check.ok && check.warnings, []);
});

test('values that YAML would read as numbers, booleans or null are quoted', () => {
  for (const value of ['1.0', '4.18', 'yes', 'off', 'null', '~', '0x10', '1e3', 'a: b', '#x', 'with space', '']) {
    const quoted = yamlString(value);
    assert.notEqual(quoted, value, value);
    assert.equal(JSON.parse(quoted), value);
  }
  for (const value of ['4.18.2', 'stable-4.18', 'quay.io/a/b:1', 'registry:5000/x@sha256:abc', '1.2.3-rc.1']) {
    assert.equal(yamlString(value), value);
  }
  const draft: IscDraft = {
    ...emptyDraft(),
    operators: [{ catalog: 'reg.example/cat:1.0', packages: [{ name: 'yes', channels: ['1.0'], minVersion: '1.0' }] }],
  };
  const loaded = parseImageSetConfig(writeIsc(draft), 'x.yaml');
  assert.deepEqual(loaded.warnings, []);
  const pkg = loaded.config.mirror.operators![0].packages![0];
  assert.equal(pkg.name, 'yes');
  assert.equal(pkg.minVersion, '1.0');
  assert.deepEqual(pkg.channels, [{ name: '1.0' }]);
});

test('the loader check reports problems with line:column (a package range the validator rejects)', () => {
  const draft: IscDraft = {
    ...emptyDraft(),
    operators: [
      { catalog: 'reg.example/cat:v1', packages: [{ name: 'p', channels: [], minVersion: 'not-a-version' }] },
    ],
  };
  const check = checkIscText(writeIsc(draft));
  assert.equal(check.ok, false);
  assert.match(!check.ok ? check.problems.join('\n') : '', /^\d+:\d+ /);
});

test('headless commands and the Red Hat catalog table', () => {
  assert.deepEqual(headlessCommands('my isc.yaml'), [
    "ocm-tui -c 'my isc.yaml' file://mirror-archive",
    "ocm-tui -c 'my isc.yaml' --workspace file://workspace docker://REGISTRY/PATH",
  ]);
  assert.deepEqual(redHatCatalogs('v4.18'), [
    'registry.redhat.io/redhat/redhat-operator-index:v4.18',
    'registry.redhat.io/redhat/certified-operator-index:v4.18',
    'registry.redhat.io/redhat/community-operator-index:v4.18',
    'registry.redhat.io/redhat/redhat-marketplace-index:v4.18',
  ]);
  assert.equal(redHatCatalogs('4.22').length, 3);
});
