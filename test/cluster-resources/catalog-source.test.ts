import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  catalogSourceName,
  clusterCatalogName,
  findCatalogOperator,
  generateCatalogResources,
  writeCatalogResources,
} from '../../core/cluster-resources/catalog-source.js';
import type { CatalogResourceInput } from '../../core/cluster-resources/catalog-source.js';
import { ClusterResourceError } from '../../core/cluster-resources/cluster-resource-error.js';
import type { Operator } from '../../core/config/image-set-config.js';

const R = 'mirror.example.com:5000/disconnected';
const OPTS = { createdAt: '2025-01-31T10:00:00Z', version: 'v4.18.0' };
const HEX = 'abcdef0123456789'.repeat(4);
const ANNOTATIONS = { createdAt: '2025-01-31T10:00:00Z', createdBy: 'oc-mirror v2', 'oc-mirror_version': 'v4.18.0' };

const REDHAT: CatalogResourceInput = {
  origin: 'registry.redhat.io/redhat/redhat-operator-index:v4.18',
  destination: `docker://${R}/redhat/redhat-operator-index:v4.18`,
};

/** Collects warnings; `generate` fails the test on any unexpected one. */
function collector(): { warnings: string[]; onWarning(message: string): void } {
  const warnings: string[] = [];
  return { warnings, onWarning: (message) => warnings.push(message) };
}

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ocm-cs-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('§5.3/§5.4 example: tag destination, byte for byte', async () => {
  const files = await generateCatalogResources([REDHAT], OPTS);
  assert.deepEqual([...files.keys()], ['cs-redhat-operator-index-v4-18.yaml', 'cc-redhat-operator-index-v4-18.yaml']);
  assert.equal(
    files.get('cs-redhat-operator-index-v4-18.yaml'),
    `apiVersion: operators.coreos.com/v1alpha1
kind: CatalogSource
metadata:
  annotations:
    createdAt: "2025-01-31T10:00:00Z"
    createdBy: oc-mirror v2
    oc-mirror_version: v4.18.0
  name: cs-redhat-operator-index-v4-18
  namespace: openshift-marketplace
spec:
  image: mirror.example.com:5000/disconnected/redhat/redhat-operator-index:v4.18
  sourceType: grpc
`,
  );
  assert.equal(
    files.get('cc-redhat-operator-index-v4-18.yaml'),
    `apiVersion: olm.operatorframework.io/v1
kind: ClusterCatalog
metadata:
  annotations:
    createdAt: "2025-01-31T10:00:00Z"
    createdBy: oc-mirror v2
    oc-mirror_version: v4.18.0
  name: cc-redhat-operator-index-v4-18
spec:
  priority: 0
  source:
    image:
      ref: mirror.example.com:5000/disconnected/redhat/redhat-operator-index:v4.18
    type: Image
`,
  );
});

test('digest destination: suffix is the first 12 hex characters, spec.image keeps the digest', async () => {
  const destination = `docker://${R}/redhat/redhat-operator-index@sha256:${HEX}`;
  assert.equal(catalogSourceName(destination), 'cs-redhat-operator-index-abcdef012345');
  assert.equal(clusterCatalogName(destination), 'cc-redhat-operator-index-abcdef012345');
  const files = await generateCatalogResources(
    [{ origin: `registry.redhat.io/redhat/redhat-operator-index@sha256:${HEX}`, destination }],
    OPTS,
  );
  assert.deepEqual(
    [...files.keys()],
    ['cs-redhat-operator-index-abcdef012345.yaml', 'cc-redhat-operator-index-abcdef012345.yaml'],
  );
  assert.deepEqual(parseYaml(files.get('cs-redhat-operator-index-abcdef012345.yaml') as string), {
    apiVersion: 'operators.coreos.com/v1alpha1',
    kind: 'CatalogSource',
    metadata: {
      annotations: ANNOTATIONS,
      name: 'cs-redhat-operator-index-abcdef012345',
      namespace: 'openshift-marketplace',
    },
    spec: { image: `${R}/redhat/redhat-operator-index@sha256:${HEX}`, sourceType: 'grpc' },
  });
  assert.deepEqual(parseYaml(files.get('cc-redhat-operator-index-abcdef012345.yaml') as string), {
    apiVersion: 'olm.operatorframework.io/v1',
    kind: 'ClusterCatalog',
    metadata: { annotations: ANNOTATIONS, name: 'cc-redhat-operator-index-abcdef012345' },
    spec: { priority: 0, source: { image: { ref: `${R}/redhat/redhat-operator-index@sha256:${HEX}` }, type: 'Image' } },
  });
});

test('name: 12-character tag truncation, lower case, [^a-z0-9-] and dots become -', () => {
  // The rebuilt digest-only catalog is pushed with the tag sha256-<hex> (collectors.md §2.12).
  assert.equal(
    catalogSourceName(`docker://${R}/redhat/redhat-operator-index:sha256-${HEX}`),
    'cs-redhat-operator-index-sha256-abcde',
  );
  assert.equal(catalogSourceName(`docker://${R}/ns/index:v4.18.0-202501310000`), 'cs-index-v4-18-0-2025');
  assert.equal(catalogSourceName('docker://reg/ns/my.index:V1_Beta'), 'cs-my-index-v1-beta');
  assert.equal(catalogSourceName('reg/a/b/c/index:latest'), 'cs-index-latest');
  // Tag and digest: the tag names it.
  assert.equal(catalogSourceName(`docker://reg/ns/index:v1@sha256:${HEX}`), 'cs-index-v1');
  // One-component name and a host with a port.
  assert.equal(catalogSourceName('docker://localhost:5000/index:v1'), 'cs-index-v1');
  assert.equal(catalogSourceName('docker://index:v1'), 'cs-index-v1');
});

test('invalid names fail generation with oc-mirror message', async () => {
  const isNameError = (fragment: string) => (err: unknown) =>
    err instanceof ClusterResourceError &&
    err.code === 'CLUSTER_RESOURCES' &&
    err.message.startsWith('error creating catalog source name: ') &&
    err.message.includes(fragment) &&
    (err.hint ?? '').includes('targetCatalog');
  const long = 'a'.repeat(60);
  assert.throws(
    () => catalogSourceName(`docker://reg/ns/${long}:v4.18`),
    isNameError(`name: must be no more than 63 characters (name "cs-${long}-v4-18" for docker://reg/ns/${long}:v4.18)`),
  );
  // 63 characters exactly is fine.
  assert.equal(catalogSourceName(`docker://reg/ns/${'a'.repeat(57)}:v1`).length, 63);
  assert.throws(
    () => catalogSourceName('docker://reg/ns/my_index:v1'),
    isNameError(
      "name: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an " +
        "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used " +
        'for validation is \'[a-z]([-a-z0-9]*[a-z0-9])?\') (name "cs-my_index-v1" for docker://reg/ns/my_index:v1)',
    ),
  );
  // The suffix ends with '-' after mapping.
  assert.throws(() => catalogSourceName('docker://reg/ns/index:release_'), isNameError('"cs-index-release-"'));
  assert.throws(
    () => clusterCatalogName('docker://reg/ns/index:release_'),
    (err: unknown) =>
      err instanceof ClusterResourceError && err.message.startsWith('error creating cluster catalog name: '),
  );
  await assert.rejects(
    generateCatalogResources(
      [REDHAT, { origin: 'reg/ns/my_index:v1', destination: 'docker://reg/ns/my_index:v1' }],
      OPTS,
    ),
    isNameError('my_index'),
  );
  assert.throws(
    () => catalogSourceName('docker://reg/ns/index'),
    (err: unknown) =>
      err instanceof ClusterResourceError &&
      err.message ===
        'unable to generate CatalogSource: "docker://reg/ns/index" unable to parse image correctly : tag and digest are empty',
  );
});

test('targetCatalogSourceTemplate: kept fields, overridden fields, merged annotations; relative to configDir', async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, 'templates'));
  await writeFile(
    join(dir, 'templates', 'cs-template.yaml'),
    `apiVersion: operators.coreos.com/v1alpha1
kind: CatalogSource
metadata:
  name: my-name
  namespace: my-namespace
  creationTimestamp: null
  labels:
    team: platform
  annotations:
    createdBy: someone
    note: keep me
spec:
  sourceType: grpc
  image: quay.io/wrong/image:1
  displayName: Red Hat Operators (mirrored)
  publisher: Example
  priority: -100
  updateStrategy:
    registryPoll:
      interval: 30m
  grpcPodConfig:
    nodeSelector:
      node-role.kubernetes.io/master: ""
    tolerations:
    - key: node-role.kubernetes.io/master
      operator: Exists
      effect: NoSchedule
    securityContextConfig: restricted
  address: null
status:
  connectionState:
    lastObservedState: READY
`,
  );
  const operator: Operator = { catalog: REDHAT.origin, targetCatalogSourceTemplate: 'templates/cs-template.yaml' };
  const { warnings, onWarning } = collector();
  const files = await generateCatalogResources([{ ...REDHAT, operator }], { ...OPTS, configDir: dir, onWarning });
  assert.deepEqual(warnings, []);
  assert.deepEqual(parseYaml(files.get('cs-redhat-operator-index-v4-18.yaml') as string), {
    apiVersion: 'operators.coreos.com/v1alpha1',
    kind: 'CatalogSource',
    metadata: {
      annotations: { ...ANNOTATIONS, note: 'keep me' },
      labels: { team: 'platform' },
      name: 'cs-redhat-operator-index-v4-18',
      namespace: 'openshift-marketplace',
    },
    spec: {
      displayName: 'Red Hat Operators (mirrored)',
      grpcPodConfig: {
        nodeSelector: { 'node-role.kubernetes.io/master': '' },
        securityContextConfig: 'restricted',
        tolerations: [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/master', operator: 'Exists' }],
      },
      image: `${R}/redhat/redhat-operator-index:v4.18`,
      priority: -100,
      publisher: 'Example',
      sourceType: 'grpc',
      updateStrategy: { registryPoll: { interval: '30m' } },
    },
  });
  // Keys sorted at every level, go-yaml layout.
  assert.ok(
    (files.get('cs-redhat-operator-index-v4-18.yaml') as string).includes(
      '    tolerations:\n    - effect: NoSchedule\n      key: node-role.kubernetes.io/master\n      operator: Exists\n',
    ),
  );
  // The ClusterCatalog has no template support.
  assert.deepEqual(parseYaml(files.get('cc-redhat-operator-index-v4-18.yaml') as string).spec, {
    priority: 0,
    source: { image: { ref: `${R}/redhat/redhat-operator-index:v4.18` }, type: 'Image' },
  });

  // A minimal template with no sourceType and an absolute path.
  await writeFile(join(dir, 'min.yaml'), 'apiVersion: operators.coreos.com/v1alpha1\nkind: CatalogSource\n');
  const minimal = await generateCatalogResources(
    [{ ...REDHAT, operator: { catalog: REDHAT.origin, targetCatalogSourceTemplate: join(dir, 'min.yaml') } }],
    { ...OPTS, onWarning },
  );
  assert.deepEqual(warnings, []);
  assert.equal(
    minimal.get('cs-redhat-operator-index-v4-18.yaml'),
    (await generateCatalogResources([REDHAT], OPTS)).get('cs-redhat-operator-index-v4-18.yaml'),
  );
});

test('a template that cannot be used gives a warning naming the file and a plain CatalogSource', async (t) => {
  const dir = await tempDir(t);
  const plain = (await generateCatalogResources([REDHAT], OPTS)).get('cs-redhat-operator-index-v4-18.yaml');
  const cases: [string, string | undefined, string][] = [
    ['missing.yaml', undefined, `file does not exist (nor does ${join(process.cwd(), 'missing.yaml')})`],
    ['bad.yaml', 'kind: CatalogSource\nspec: [unclosed\n', 'is not valid YAML at line 3, column 1: Flow sequence'],
    [
      'dup.yaml',
      'kind: CatalogSource\nkind: CatalogSource\n',
      'is not valid YAML at line 2, column 1: Map keys must be unique',
    ],
    ['empty.yaml', '# nothing\n', 'is empty (expected a CatalogSource)'],
    ['list.yaml', '- a\n', 'is not a YAML mapping (expected a CatalogSource)'],
    [
      'two.yaml',
      'apiVersion: operators.coreos.com/v1alpha1\nkind: CatalogSource\n---\na: 1\n',
      'contains several YAML documents (expected one CatalogSource)',
    ],
    [
      'version.yaml',
      'apiVersion: v1\nkind: CatalogSource\n',
      'apiVersion must be operators.coreos.com/v1alpha1, found "v1"',
    ],
    [
      'kind.yaml',
      'apiVersion: operators.coreos.com/v1alpha1\nkind: ConfigMap\n',
      'kind must be CatalogSource, found "ConfigMap"',
    ],
    [
      'type.yaml',
      'apiVersion: operators.coreos.com/v1alpha1\nkind: CatalogSource\nspec:\n  sourceType: configmap\n',
      'spec.sourceType must be grpc or empty, found "configmap"',
    ],
    [
      'cm.yaml',
      'apiVersion: operators.coreos.com/v1alpha1\nkind: CatalogSource\nspec:\n  configMap: my-cm\n',
      'spec.configMap must not be set',
    ],
    [
      'ann.yaml',
      'apiVersion: operators.coreos.com/v1alpha1\nkind: CatalogSource\nmetadata:\n  annotations:\n    a: 1\n',
      'metadata.annotations must map names to strings',
    ],
  ];
  for (const [name, content, problem] of cases) {
    if (content !== undefined) await writeFile(join(dir, name), content);
    const { warnings, onWarning } = collector();
    const operator: Operator = { catalog: REDHAT.origin, targetCatalogSourceTemplate: name };
    const files = await generateCatalogResources([{ ...REDHAT, operator }], { ...OPTS, configDir: dir, onWarning });
    assert.equal(files.get('cs-redhat-operator-index-v4-18.yaml'), plain, name);
    assert.equal(warnings.length, 1, name);
    const prefix = `targetCatalogSourceTemplate ${join(dir, name)} of catalog ${REDHAT.origin}: `;
    assert.ok(warnings[0].startsWith(prefix + problem), `${name}: ${warnings[0]}`);
    assert.ok(warnings[0].endsWith('; cs-redhat-operator-index-v4-18.yaml is generated without the template'), name);
  }

  // Not in configDir but in the current directory: that one is used (oc-mirror resolves against the cwd).
  {
    const { warnings, onWarning } = collector();
    const operator: Operator = { catalog: REDHAT.origin, targetCatalogSourceTemplate: 'package.json' };
    await generateCatalogResources([{ ...REDHAT, operator }], { ...OPTS, configDir: dir, onWarning });
    assert.deepEqual(warnings, [
      `targetCatalogSourceTemplate ${join(process.cwd(), 'package.json')} of catalog ${REDHAT.origin}: apiVersion ` +
        'must be operators.coreos.com/v1alpha1, found none; cs-redhat-operator-index-v4-18.yaml is generated without the template',
    ]);
  }

  // A directory, or an unreadable file (root reads anything, so only checked for other users).
  await mkdir(join(dir, 'adir'));
  const paths = ['adir'];
  if (process.getuid?.() !== 0) {
    await writeFile(join(dir, 'secret.yaml'), 'apiVersion: operators.coreos.com/v1alpha1\nkind: CatalogSource\n');
    await chmod(join(dir, 'secret.yaml'), 0o000);
    paths.push('secret.yaml');
  }
  for (const name of paths) {
    const { warnings, onWarning } = collector();
    const operator: Operator = { catalog: REDHAT.origin, targetCatalogSourceTemplate: name };
    await generateCatalogResources([{ ...REDHAT, operator }], { ...OPTS, configDir: dir, onWarning });
    assert.match(
      warnings[0] ?? '',
      new RegExp(`^targetCatalogSourceTemplate ${join(dir, name)} of catalog .*: cannot be read: `),
    );
  }
});

test('duplicates: same destination once; same name from another destination is reported, first in order kept', async () => {
  const other: CatalogResourceInput = {
    origin: 'quay.io/other/redhat-operator-index:v4.18',
    destination: `docker://${R}/other/redhat-operator-index:v4.18`,
  };
  const { warnings, onWarning } = collector();
  const files = await generateCatalogResources([REDHAT, other, REDHAT], { ...OPTS, onWarning });
  assert.deepEqual([...files.keys()], ['cs-redhat-operator-index-v4-18.yaml', 'cc-redhat-operator-index-v4-18.yaml']);
  assert.equal(
    parseYaml(files.get('cs-redhat-operator-index-v4-18.yaml') as string).spec.image,
    `${R}/other/redhat-operator-index:v4.18`,
  );
  assert.deepEqual(warnings, [
    `catalog ${REDHAT.destination} gets no CatalogSource or ClusterCatalog: ${other.destination} has the same name ` +
      '(cs-redhat-operator-index-v4-18.yaml, cc-redhat-operator-index-v4-18.yaml); set targetCatalog or targetTag to tell them apart',
  ]);
  // Input order does not matter.
  assert.deepEqual(await generateCatalogResources([other, REDHAT], OPTS), files);
});

test('writeCatalogResources: several catalogs, cs files then cc files, sorted; nothing for no catalogs', async (t) => {
  const dir = await tempDir(t);
  const certified: CatalogResourceInput = {
    origin: 'registry.redhat.io/redhat/certified-operator-index:v4.18',
    destination: `docker://${R}/redhat/certified-operator-index:v4.18`,
  };
  const out = join(dir, 'cluster-resources');
  const written = await writeCatalogResources(out, [REDHAT, certified], OPTS);
  const names = [
    'cs-certified-operator-index-v4-18.yaml',
    'cs-redhat-operator-index-v4-18.yaml',
    'cc-certified-operator-index-v4-18.yaml',
    'cc-redhat-operator-index-v4-18.yaml',
  ];
  assert.deepEqual(
    written,
    names.map((name) => join(out, name)),
  );
  assert.deepEqual((await readdir(out)).sort(), [...names].sort());
  const expected = await generateCatalogResources([REDHAT, certified], OPTS);
  for (const name of names) assert.equal(await readFile(join(out, name), 'utf8'), expected.get(name));

  assert.deepEqual(await writeCatalogResources(join(dir, 'empty'), [], OPTS), []);
  await assert.rejects(readdir(join(dir, 'empty')), { code: 'ENOENT' });
  // An invalid name writes nothing.
  await assert.rejects(
    writeCatalogResources(join(dir, 'bad'), [REDHAT, { origin: 'r/n/a_b:1', destination: 'docker://r/n/a_b:1' }], OPTS),
    ClusterResourceError,
  );
  await assert.rejects(readdir(join(dir, 'bad')), { code: 'ENOENT' });
});

test('findCatalogOperator: exact catalog first, else the first catalog contained in the origin', () => {
  const short: Operator = { catalog: 'registry.redhat.io/redhat/redhat-operator-index:v4.1' };
  const exact: Operator = { catalog: 'registry.redhat.io/redhat/redhat-operator-index:v4.18' };
  assert.equal(findCatalogOperator(exact.catalog, [short, exact]), exact);
  assert.equal(findCatalogOperator('registry.redhat.io/redhat/redhat-operator-index:v4.19', [short, exact]), short);
  assert.equal(findCatalogOperator('quay.io/x/y:1', [short, exact]), undefined);
});
