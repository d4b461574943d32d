import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import {
  IDMS_FILE_NAME,
  ITMS_FILE_NAME,
  generateIdmsItms,
  writeIdmsItms,
} from '../../core/cluster-resources/idms-itms.js';
import type { CopiedImage } from '../../core/cluster-resources/idms-itms.js';
import { ClusterResourceError } from '../../core/cluster-resources/cluster-resource-error.js';
import { additionalImageDestination, applyMaxNestedPaths } from '../../core/reference/destination.js';

const R = 'mirror.example.com:5000/disconnected';
const OPTS = { maxNestedPaths: 0, createdAt: '2025-01-31T10:00:00Z', version: 'v4.18.0' };
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

/** The copies of the §5.2 worked example (D2M), plus a catalog and the graph image, which are ignored. */
const WORKED_EXAMPLE: CopiedImage[] = [
  {
    type: 'ocpReleaseContent',
    origin: `quay.io/openshift-release-dev/ocp-v4.0-art-dev@${D1}`,
    source: 'docker://localhost:55000/openshift/release:4.18.1-x86_64-etcd',
    destination: `docker://${R}/openshift/release:4.18.1-x86_64-etcd`,
  },
  {
    type: 'ocpRelease',
    origin: 'quay.io/openshift-release-dev/ocp-release:4.18.1-x86_64',
    source: 'docker://localhost:55000/openshift/release-images:4.18.1-x86_64',
    destination: `docker://${R}/openshift/release-images:4.18.1-x86_64`,
  },
  {
    type: 'cincinnatiGraph',
    origin: 'localhost:55000/openshift/graph-image:latest',
    source: 'docker://localhost:55000/openshift/graph-image:latest',
    destination: `docker://${R}/openshift/graph-image:latest`,
  },
  {
    type: 'operatorRelatedImage',
    origin: `registry.redhat.io/albo/aws-load-balancer-rhel9-operator@${D2}`,
    source: `docker://localhost:55000/albo/aws-load-balancer-rhel9-operator:sha256-${'2'.repeat(64)}`,
    destination: `docker://${R}/albo/aws-load-balancer-rhel9-operator:sha256-${'2'.repeat(64)}`,
  },
  {
    type: 'generic',
    origin: 'registry.redhat.io/ubi9/ubi:latest',
    source: 'docker://localhost:55000/ubi9/ubi:latest',
    destination: `docker://${R}/ubi9/ubi:latest`,
  },
  {
    type: 'operatorCatalog',
    origin: 'registry.redhat.io/redhat/redhat-operator-index:v4.18',
    source: 'docker://localhost:55000/redhat/redhat-operator-index:0123456789abcdef0123456789abcdef',
    destination: `docker://${R}/redhat/redhat-operator-index:v4.18`,
  },
];

const ANNOTATIONS = `metadata:
  annotations:
    createdAt: "2025-01-31T10:00:00Z"
    createdBy: oc-mirror v2
    oc-mirror_version: v4.18.0
`;

// §5.2 text, with the two release entries in source order (the spec notes oc-mirror's order is random).
const EXPECTED_IDMS = `---
apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
${ANNOTATIONS}  name: idms-release-0
spec:
  imageDigestMirrors:
  - mirrors:
    - mirror.example.com:5000/disconnected/openshift/release-images
    source: quay.io/openshift-release-dev/ocp-release
  - mirrors:
    - mirror.example.com:5000/disconnected/openshift/release
    source: quay.io/openshift-release-dev/ocp-v4.0-art-dev
---
apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
${ANNOTATIONS}  name: idms-operator-0
spec:
  imageDigestMirrors:
  - mirrors:
    - mirror.example.com:5000/disconnected/albo
    source: registry.redhat.io/albo
`;

const EXPECTED_ITMS = `---
apiVersion: config.openshift.io/v1
kind: ImageTagMirrorSet
${ANNOTATIONS}  name: itms-release-0
spec:
  imageTagMirrors:
  - mirrors:
    - mirror.example.com:5000/disconnected/openshift/release-images
    source: quay.io/openshift-release-dev/ocp-release
---
apiVersion: config.openshift.io/v1
kind: ImageTagMirrorSet
${ANNOTATIONS}  name: itms-generic-0
spec:
  imageTagMirrors:
  - mirrors:
    - mirror.example.com:5000/disconnected/ubi9
    source: registry.redhat.io/ubi9
`;

test('§5.2 worked example, byte for byte', () => {
  const { idms, itms } = generateIdmsItms(WORKED_EXAMPLE, OPTS);
  assert.equal(idms, EXPECTED_IDMS);
  assert.equal(itms, EXPECTED_ITMS);
});

test('output does not depend on the order images were copied in', () => {
  const reversed = [...WORKED_EXAMPLE].reverse();
  const rotated = [...WORKED_EXAMPLE.slice(3), ...WORKED_EXAMPLE.slice(0, 3)];
  for (const images of [reversed, rotated]) {
    assert.deepEqual(generateIdmsItms(images, OPTS), { idms: EXPECTED_IDMS, itms: EXPECTED_ITMS });
  }
});

test('max-nested-paths > 0 forces repository scope (flattened destinations as mirrors)', () => {
  const flattened = WORKED_EXAMPLE.map((image) => ({
    ...image,
    destination: applyMaxNestedPaths(image.destination, 2),
  }));
  const { idms, itms } = generateIdmsItms(flattened, { ...OPTS, maxNestedPaths: 2 });
  const idmsDocs = parseAllDocuments(idms as string).map((doc) => doc.toJS());
  assert.deepEqual(
    idmsDocs.map((doc) => [doc.metadata.name, doc.spec.imageDigestMirrors]),
    [
      [
        'idms-release-0',
        [
          {
            mirrors: [`${R.split('/')[0]}/disconnected/openshift-release-images`],
            source: 'quay.io/openshift-release-dev/ocp-release',
          },
          {
            mirrors: [`${R.split('/')[0]}/disconnected/openshift-release`],
            source: 'quay.io/openshift-release-dev/ocp-v4.0-art-dev',
          },
        ],
      ],
      [
        'idms-operator-0',
        [
          {
            mirrors: ['mirror.example.com:5000/disconnected/albo-aws-load-balancer-rhel9-operator'],
            source: 'registry.redhat.io/albo/aws-load-balancer-rhel9-operator',
          },
        ],
      ],
    ],
  );
  assert.ok(
    (itms as string).includes(
      '  - mirrors:\n    - mirror.example.com:5000/disconnected/ubi9-ubi\n    source: registry.redhat.io/ubi9/ubi\n',
    ),
  );
});

test('repository scope is forced even when the path would allow namespace scope', () => {
  const images: CopiedImage[] = [
    {
      type: 'generic',
      origin: 'registry.redhat.io/ubi9/ubi:latest',
      source: '',
      destination: 'docker://mirror:5000/ubi9/ubi:latest',
    },
  ];
  assert.deepEqual(parseYaml((generateIdmsItms(images, { ...OPTS, maxNestedPaths: 3 }).itms as string).slice(4)).spec, {
    imageTagMirrors: [{ mirrors: ['mirror:5000/ubi9/ubi'], source: 'registry.redhat.io/ubi9/ubi' }],
  });
  assert.deepEqual(parseYaml((generateIdmsItms(images, OPTS).itms as string).slice(4)).spec, {
    imageTagMirrors: [{ mirrors: ['mirror:5000/ubi9'], source: 'registry.redhat.io/ubi9' }],
  });
});

/** Builds the additional-image copies as the collector would, for an ISC list. */
function additional(entries: { name: string; targetRepo?: string; targetTag?: string }[]): CopiedImage[] {
  return entries.map(({ name, ...opts }) => ({
    type: 'generic',
    origin: name,
    ...additionalImageDestination(name, R, opts),
  }));
}

test('targetRepo: several mirrors for one source, sorted', () => {
  const images = additional([
    { name: 'quay.io/ns/img:v2', targetRepo: 'b/img' },
    { name: 'quay.io/ns/img:v1', targetRepo: 'a/img' },
    { name: 'quay.io/ns/other:1', targetRepo: 'team/ns/other' },
    { name: 'quay.io/ns/third:1' },
  ]);
  const { idms, itms } = generateIdmsItms(images, OPTS);
  assert.equal(idms, undefined);
  assert.equal(
    itms,
    `---
apiVersion: config.openshift.io/v1
kind: ImageTagMirrorSet
${ANNOTATIONS}  name: itms-generic-0
spec:
  imageTagMirrors:
  - mirrors:
    - mirror.example.com:5000/disconnected/ns
    - mirror.example.com:5000/disconnected/team/ns
    source: quay.io/ns
  - mirrors:
    - mirror.example.com:5000/disconnected/a/img
    - mirror.example.com:5000/disconnected/b/img
    source: quay.io/ns/img
`,
  );
});

test('no digest images → no IDMS; nothing copied → nothing at all', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ocm-idms-'));
  t.after(() => rm(dir, { recursive: true, force: true }));

  const tagOnly = additional([{ name: 'registry.redhat.io/ubi9/ubi:latest' }]);
  const written = await writeIdmsItms(join(dir, 'cluster-resources'), tagOnly, OPTS);
  assert.deepEqual(written, [join(dir, 'cluster-resources', ITMS_FILE_NAME)]);
  assert.deepEqual(await readdir(join(dir, 'cluster-resources')), [ITMS_FILE_NAME]);
  assert.equal(await readFile(written[0], 'utf8'), generateIdmsItms(tagOnly, OPTS).itms);

  assert.deepEqual(generateIdmsItms([], OPTS), {});
  assert.deepEqual(await writeIdmsItms(join(dir, 'empty'), [], OPTS), []);
  await assert.rejects(readdir(join(dir, 'empty')), { code: 'ENOENT' });
  // Only catalogs/graph: nothing either.
  assert.deepEqual(
    generateIdmsItms(
      WORKED_EXAMPLE.filter((i) => i.type === 'operatorCatalog' || i.type === 'cincinnatiGraph'),
      OPTS,
    ),
    {},
  );
});

test('writeIdmsItms writes both files for the worked example', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ocm-idms-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const written = await writeIdmsItms(dir, WORKED_EXAMPLE, OPTS);
  assert.deepEqual(written, [join(dir, IDMS_FILE_NAME), join(dir, ITMS_FILE_NAME)]);
  assert.equal(await readFile(join(dir, IDMS_FILE_NAME), 'utf8'), EXPECTED_IDMS);
  assert.equal(await readFile(join(dir, ITMS_FILE_NAME), 'utf8'), EXPECTED_ITMS);
  assert.deepEqual((await readdir(dir)).sort(), [IDMS_FILE_NAME, ITMS_FILE_NAME]);
});

test('digest-only origins go to IDMS only, tag+digest to both, tag-only to ITMS only', () => {
  const images = additional([
    { name: `quay.io/a/digest@${D1}` },
    { name: `quay.io/b/both:v1@${D1}` },
    { name: 'quay.io/c/tag:v1' },
    { name: `reg.example.com:5000/d/port@${D1}` },
  ]);
  const sources = (text: string | undefined, key: string): string[] =>
    parseAllDocuments(text as string).flatMap((doc) => doc.toJS().spec[key].map((e: { source: string }) => e.source));
  const { idms, itms } = generateIdmsItms(images, OPTS);
  assert.deepEqual(sources(idms, 'imageDigestMirrors'), ['quay.io/a', 'quay.io/b', 'reg.example.com:5000/d']);
  assert.deepEqual(sources(itms, 'imageTagMirrors'), ['quay.io/b', 'quay.io/c']);
});

test('helm images are generic, bundles operator; one document per category, no cross-category merge', () => {
  const images: CopiedImage[] = [
    { type: 'helmImage', origin: 'docker://ghcr.io/org/app:1', source: '', destination: `docker://${R}/org/app:1` },
    { type: 'operatorBundle', origin: 'quay.io/org/bundle:1', source: '', destination: `docker://${R}/org/bundle:1` },
  ];
  const docs = parseAllDocuments(generateIdmsItms(images, OPTS).itms as string).map((doc) => doc.toJS());
  assert.deepEqual(
    docs.map((doc) => [doc.metadata.name, doc.spec.imageTagMirrors]),
    [
      ['itms-operator-0', [{ mirrors: [`${R}/org`], source: 'quay.io/org' }]],
      ['itms-generic-0', [{ mirrors: [`${R}/org`], source: 'ghcr.io/org' }]],
    ],
  );
});

test('Docker Hub short names get the source a cluster resolves them to', () => {
  const images = additional([{ name: 'nginx:1.25' }, { name: 'library/busybox:1' }, { name: 'user/app:2' }]);
  const docs = parseAllDocuments(generateIdmsItms(images, OPTS).itms as string).map((doc) => doc.toJS());
  assert.deepEqual(docs[0].spec.imageTagMirrors, [
    { mirrors: [`${R}/busybox`], source: 'docker.io/library/busybox' },
    { mirrors: [`${R}/nginx`], source: 'docker.io/library/nginx' },
    { mirrors: [`${R}/app`], source: 'docker.io/user/app' },
  ]);
});

test('namespace scope needs a whole-component suffix; OCI origins are not redirected', () => {
  const images = additional([{ name: 'quay.io/baz:1', targetRepo: 'foobaz' }, { name: 'oci:///data/oci/myimg' }]);
  const docs = parseAllDocuments(generateIdmsItms(images, OPTS).itms as string).map((doc) => doc.toJS());
  assert.deepEqual(docs[0].spec.imageTagMirrors, [{ mirrors: [`${R}/foobaz`], source: 'quay.io/baz' }]);
});

test('an image without origin, or with an unparseable one, fails generation', () => {
  assert.throws(
    () =>
      generateIdmsItms(
        [{ type: 'generic', origin: '', source: 'docker://a/b:1', destination: 'docker://c/b:1' }],
        OPTS,
      ),
    (err: unknown) =>
      err instanceof ClusterResourceError &&
      err.code === 'CLUSTER_RESOURCES' &&
      err.message ===
        'unable to generate IDMS/ITMS: original reference for (docker://a/b:1,docker://c/b:1) undetermined',
  );
  assert.throws(
    () =>
      generateIdmsItms([{ type: 'generic', origin: 'quay.io/a/b', source: '', destination: 'docker://c/b:1' }], OPTS),
    (err: unknown) =>
      err instanceof ClusterResourceError &&
      err.message ===
        'unable to generate IDMS/ITMS: "quay.io/a/b" unable to parse image correctly : tag and digest are empty',
  );
});
