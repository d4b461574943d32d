/**
 * A synthetic operator catalog the size of Red Hat's index, for the operator-catalog benchmark (issue 13).
 *
 * Every package gets a `configs/<package>/catalog.json` in the JSON-stream format `opm render` writes (objects
 * one after another, 4-space indent): its `olm.package`, an `olm.channel` `stable` holding every bundle in a
 * replaces chain (with some skips and a skipRange on the head), for every third package a shorter `fast`
 * channel, and the bundles. A bundle has `olm.gvk`, `olm.package` (strict semver) and `olm.bundle.object`
 * properties (its CSV and one or two CRDs as base64 JSON, ~15–20 KB together, icon included) and two or three
 * related images referenced by digest (bundle, manager, for every other bundle a shared kube-rbac-proxy).
 *
 * The configs layer is written as a gzip'd tar file while it is generated (one package in memory at a time) and
 * hashed on the way; it is then uploaded from that file. Only the related images of the packages the
 * benchmark's filter keeps are pushed (small generated images); the other bundles name digests nothing
 * resolves, which no run ever asks for.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import pLimit from 'p-limit';
import { pack as tarPack, type Pack } from 'tar-stream';
import type { FixtureBlob } from '../test/harness/fixture-blobs.js';
import { buildImage, FIXTURE_MEDIA_TYPES, makeBaseLayers, pushBuiltImage } from '../test/harness/fixture-images.js';
import type { BuiltManifest } from '../test/harness/fixture-images.js';
import type { RunningRegistry } from '../test/harness/registry-server.js';

export const CONFIGS_LABEL = 'operators.operatorframework.io.index.configs.v1';
export const CATALOG_REPOSITORY = 'bench/redhat-operator-index';
export const CATALOG_TAG = 'v4.16';
const IMAGE_PREFIX = 'bench-ops';

/** The shape of the generated catalog. */
export interface CatalogPlan {
  packages: number;
  bundlesPerPackage: number;
  /** Approximate raw (pre-base64) bytes of a CSV's description, the same in every version of a package. */
  csvTextBytes: number;
  /** Up to this many (plus 400) bytes of per-version release notes in front of it. */
  releaseNotesBytes: number;
  /** Packages the benchmark's ISC selects: index into the sorted package list → minVersion of `stable`. */
  filter: { index: number; minVersion: string }[];
}

export const FULL_PLAN: CatalogPlan = {
  packages: 300,
  bundlesPerPackage: 30,
  csvTextBytes: 2000,
  releaseNotesBytes: 1600,
  filter: [
    { index: 7, minVersion: '1.2.0' },
    { index: 71, minVersion: '1.1.5' },
    { index: 143, minVersion: '1.2.4' },
    { index: 211, minVersion: '1.2.0' },
    { index: 289, minVersion: '1.1.0' },
  ],
};

export const QUICK_PLAN: CatalogPlan = {
  packages: 30,
  bundlesPerPackage: 30,
  csvTextBytes: 2000,
  releaseNotesBytes: 1600,
  filter: [
    { index: 3, minVersion: '1.2.0' },
    { index: 11, minVersion: '1.1.5' },
    { index: 17, minVersion: '1.2.4' },
    { index: 23, minVersion: '1.2.0' },
    { index: 29, minVersion: '1.1.0' },
  ],
};

/** The catalog as pushed. */
export interface SeededCatalog {
  /** `host/repo:tag` */
  reference: string;
  packages: number;
  bundles: number;
  /** Bytes of all catalog.json files (uncompressed FBC). */
  fbcBytes: number;
  /** Bytes of the gzip'd configs layer. */
  layerBytes: number;
  /** The filter of the ISC: package name → minVersion of channel `stable`. */
  filter: { name: string; channel: string; minVersion: string }[];
  /** Related images pushed for the filtered packages. */
  pushedImages: number;
}

// --------------------------------------------------------------------------------------------------------------
// Deterministic text

/** mulberry32 over a 32-bit seed taken from sha256(text). */
function rng(seedText: string): () => number {
  let a = createHash('sha256').update(seedText).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'operator cluster deploy manage lifecycle upgrade automatic storage network database cache queue stream ' +
  'metrics monitoring logging tracing security policy compliance backup restore replica scale horizontal ' +
  'vertical node pod container image registry mirror workload resource custom definition controller ' +
  'reconcile status condition event webhook admission certificate secret config map volume persistent claim ' +
  'service route ingress endpoint gateway mesh proxy sidecar tenant namespace quota limit request capacity ' +
  'availability zone region failover recovery snapshot schedule cron job batch pipeline build release ' +
  'version channel subscription install plan catalog bundle provider support enterprise community certified ' +
  'openshift kubernetes platform hybrid cloud edge bare metal virtual machine instance template profile ' +
  'tuning performance latency throughput consistent durable secure encrypted rotation audit trail role ' +
  'binding account permission cluster-wide granular feature gate preview stable deprecated migration'
).split(' ');

function sentence(next: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(next() * WORDS.length)]);
  out[0] = out[0][0].toUpperCase() + out[0].slice(1);
  return `${out.join(' ')}.`;
}

function paragraph(next: () => number, bytes: number): string {
  let text = '';
  while (text.length < bytes) text += `${sentence(next, 8 + Math.floor(next() * 12))} `;
  return text.trimEnd();
}

function fakeDigest(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

function base64Json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64');
}

// --------------------------------------------------------------------------------------------------------------
// Package content

const KINDS = ['Cluster', 'Backup', 'Instance', 'Replica', 'Policy', 'Gateway', 'Pipeline', 'Monitor'];

export function packageName(index: number): string {
  const r = rng(`pkg-${index}`);
  const a = WORDS[Math.floor(r() * WORDS.length)];
  const b = WORDS[Math.floor(r() * WORDS.length)];
  return `${a}-${b}-operator-${String(index).padStart(3, '0')}`.replace(/[^a-z0-9-]/g, '-');
}

/** Bundle i of a package: 1.<i/10>.<i%10>. */
function bundleVersion(i: number): string {
  return `1.${Math.floor(i / 10)}.${i % 10}`;
}

interface RelatedRefs {
  bundle(i: number): string;
  manager(i: number): string;
  proxy(i: number): string;
}

/** Related images by digest; `digests` holds the real ones of pushed images, others get a fake digest. */
function relatedRefs(host: string, pkg: string, digests: Map<string, string>): RelatedRefs {
  const ref = (repo: string, tag: string) => {
    const key = `${repo}:${tag}`;
    return `${host}/${repo}@${digests.get(key) ?? fakeDigest(key)}`;
  };
  return {
    bundle: (i) => ref(`${IMAGE_PREFIX}/${pkg}-bundle`, `v${bundleVersion(i)}`),
    manager: (i) => ref(`${IMAGE_PREFIX}/${pkg}-rhel9-operator`, `v${bundleVersion(i)}`),
    proxy: (i) => ref(`${IMAGE_PREFIX}/kube-rbac-proxy`, proxyTag(i)),
  };
}

function proxyTag(i: number): string {
  return `v4.${14 + Math.floor(i / 10)}`;
}

function crd(group: string, kind: string, next: () => number, textBytes: number): Record<string, unknown> {
  const plural = `${kind.toLowerCase()}s`;
  const prop = (n: number) =>
    Object.fromEntries(
      Array.from({ length: n }, (_, k) => [
        `${WORDS[Math.floor(next() * WORDS.length)].replace(/-/g, '')}${k}`,
        { type: ['string', 'integer', 'boolean'][k % 3], description: sentence(next, 6 + Math.floor(next() * 10)) },
      ]),
    );
  let spec = prop(6);
  while (JSON.stringify(spec).length < textBytes) spec = { ...spec, ...prop(4) };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}`, creationTimestamp: null },
    spec: {
      group,
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              description: `${kind} is the Schema for the ${plural} API`,
              type: 'object',
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: { type: 'object', properties: spec },
                status: { type: 'object', properties: { conditions: { type: 'array', items: { type: 'object' } } } },
              },
            },
          },
        },
      ],
    },
    status: { acceptedNames: { kind: '', plural: '' }, conditions: null, storedVersions: null },
  };
}

/** The text of `configs/<pkg>/catalog.json`. */
export function packageCatalog(
  plan: CatalogPlan,
  index: number,
  host: string,
  digests: Map<string, string>,
): { name: string; text: string; bundles: number } {
  const pkg = packageName(index);
  const next = rng(`content-${pkg}`);
  const group = `${pkg.replace(/-operator-\d+$/, '').replace(/-/g, '')}.example.com`;
  const kinds = [KINDS[index % KINDS.length], KINDS[(index + 3) % KINDS.length]];
  const description = paragraph(next, plan.csvTextBytes);
  const icon = Buffer.from(Array.from({ length: 1100 }, () => Math.floor(next() * 256))).toString('base64');
  const crdText = [crd(group, kinds[0], next, 1500), crd(group, kinds[1], next, 800)];
  const refs = relatedRefs(host, pkg, digests);
  const n = plan.bundlesPerPackage;
  const name = (i: number) => `${pkg}.v${bundleVersion(i)}`;

  const objects: unknown[] = [
    {
      schema: 'olm.package',
      name: pkg,
      defaultChannel: 'stable',
      icon: { base64data: icon, mediatype: 'image/png' },
      description: description.slice(0, 400),
    },
  ];
  const stable = Array.from({ length: n }, (_, i) => {
    const entry: Record<string, unknown> = { name: name(i) };
    if (i > 0) entry.replaces = name(i - 1);
    // Every seventh bundle also skips the one before its predecessor (a respin).
    if (i >= 2 && i % 7 === 0) entry.skips = [name(i - 2)];
    if (i === n - 1) entry.skipRange = `>=1.0.0 <${bundleVersion(i)}`;
    return entry;
  });
  objects.push({ schema: 'olm.channel', name: 'stable', package: pkg, entries: stable });
  if (index % 3 === 0) {
    const first = Math.max(0, n - 12);
    objects.push({
      schema: 'olm.channel',
      name: 'fast',
      package: pkg,
      entries: Array.from({ length: n - first }, (_, k) => {
        const i = first + k;
        return k === 0 ? { name: name(i) } : { name: name(i), replaces: name(i - 1) };
      }),
    });
  }
  const bundles: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const version = bundleVersion(i);
    // What changes from one version to the next: release notes of varying length at the top of the description
    // (which also shifts the base64 of everything after it, as real edits do).
    const notes = `## What's new in ${version}\n\n${paragraph(next, 400 + Math.floor(next() * plan.releaseNotesBytes))}\n\n`;
    const related = [
      { name: '', image: refs.bundle(i) },
      { name: 'manager', image: refs.manager(i) },
      ...(i % 2 === 0 ? [{ name: 'kube-rbac-proxy', image: refs.proxy(i) }] : []),
    ];
    const csv = {
      apiVersion: 'operators.coreos.com/v1alpha1',
      kind: 'ClusterServiceVersion',
      metadata: {
        name: name(i),
        namespace: 'placeholder',
        annotations: {
          'alm-examples': JSON.stringify(
            kinds.map((kind) => ({
              apiVersion: `${group}/v1`,
              kind,
              metadata: { name: `example-${kind.toLowerCase()}` },
              spec: { size: 3 },
            })),
          ),
          capabilities: 'Seamless Upgrades',
          categories: 'Storage,Database',
          certified: 'true',
          containerImage: refs.manager(i),
          createdAt: `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z`,
          description: description.slice(0, 160),
          'features.operators.openshift.io/disconnected': 'true',
          'features.operators.openshift.io/fips-compliant': 'true',
          'operatorframework.io/suggested-namespace': `${pkg}-system`,
          'operators.openshift.io/valid-subscription': '["OpenShift Container Platform", "OpenShift Platform Plus"]',
          'operators.operatorframework.io/builder': 'operator-sdk-v1.34.1',
          repository: `https://github.com/example/${pkg}`,
          support: 'Example, Inc.',
        },
        labels: { 'operatorframework.io/arch.amd64': 'supported', 'operatorframework.io/os.linux': 'supported' },
      },
      spec: {
        displayName: pkg.replace(/-/g, ' '),
        description: notes + description,
        version,
        ...(i > 0 ? { replaces: name(i - 1) } : {}),
        maturity: 'stable',
        minKubeVersion: '1.25.0',
        provider: { name: 'Example, Inc.' },
        keywords: description.split(' ').slice(0, 6),
        links: [{ name: 'Documentation', url: `https://docs.example.com/${pkg}/${version}` }],
        maintainers: [{ name: 'Example Team', email: 'team@example.com' }],
        icon: [{ base64data: icon, mediatype: 'image/png' }],
        customresourcedefinitions: {
          owned: kinds.map((kind) => ({
            name: `${kind.toLowerCase()}s.${group}`,
            version: 'v1',
            kind,
            displayName: kind,
            description: sentence(next, 12),
            resources: [
              { kind: 'Deployment', version: 'v1' },
              { kind: 'Service', version: 'v1' },
            ],
            specDescriptors: [
              { path: 'size', displayName: 'Size', 'x-descriptors': ['urn:alm:descriptor:com.tectonic.ui:podCount'] },
            ],
          })),
        },
        install: {
          strategy: 'deployment',
          spec: {
            clusterPermissions: [
              {
                serviceAccountName: `${pkg}-controller-manager`,
                rules: [
                  { apiGroups: [''], resources: ['pods', 'services', 'configmaps', 'secrets'], verbs: ['*'] },
                  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: ['*'] },
                  { apiGroups: [group], resources: kinds.map((k) => `${k.toLowerCase()}s`), verbs: ['*'] },
                ],
              },
            ],
            deployments: [
              {
                name: `${pkg}-controller-manager`,
                spec: {
                  replicas: 1,
                  selector: { matchLabels: { 'control-plane': 'controller-manager' } },
                  template: {
                    metadata: { labels: { 'control-plane': 'controller-manager' } },
                    spec: {
                      containers: [
                        {
                          name: 'manager',
                          image: refs.manager(i),
                          args: ['--leader-elect', '--health-probe-bind-address=:8081'],
                          env: [{ name: 'OPERATOR_VERSION', value: version }],
                          resources: {
                            limits: { cpu: '500m', memory: '512Mi' },
                            requests: { cpu: '10m', memory: '64Mi' },
                          },
                        },
                        ...(i % 2 === 0
                          ? [
                              {
                                name: 'kube-rbac-proxy',
                                image: refs.proxy(i),
                                args: ['--secure-listen-address=0.0.0.0:8443'],
                              },
                            ]
                          : []),
                      ],
                      serviceAccountName: `${pkg}-controller-manager`,
                    },
                  },
                },
              },
            ],
          },
        },
        installModes: [
          { type: 'OwnNamespace', supported: true },
          { type: 'SingleNamespace', supported: true },
          { type: 'MultiNamespace', supported: false },
          { type: 'AllNamespaces', supported: true },
        ],
        relatedImages: related.filter((r) => r.name !== '').map((r) => ({ name: r.name, image: r.image })),
      },
    };
    // Later versions added the second CRD.
    const crds = i >= n / 3 ? crdText : crdText.slice(0, 1);
    bundles.push({
      schema: 'olm.bundle',
      name: name(i),
      package: pkg,
      image: refs.bundle(i),
      properties: [
        ...kinds.slice(0, crds.length).map((kind) => ({ type: 'olm.gvk', value: { group, kind, version: 'v1' } })),
        { type: 'olm.package', value: { packageName: pkg, version } },
        { type: 'olm.bundle.object', value: { data: base64Json(csv) } },
        ...crds.map((c) => ({ type: 'olm.bundle.object', value: { data: base64Json(c) } })),
      ],
      relatedImages: related,
    });
  }
  objects.push(...bundles);
  // `opm render` style: each object indented by 4 spaces, one after another.
  const text = objects.map((o) => `${JSON.stringify(o, null, 4)}\n`).join('');
  return { name: pkg, text, bundles: n };
}

// --------------------------------------------------------------------------------------------------------------
// Layer file

interface LayerFile {
  path: string;
  digest: string;
  diffId: string;
  size: number;
  fbcBytes: number;
  bundles: number;
}

const MTIME = new Date('2024-01-01T00:00:00Z');

function addEntry(pack: Pack, name: string, body?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const header = body
      ? { name, type: 'file' as const, size: body.length, mode: 0o644 }
      : { name, type: 'directory' as const, mode: 0o755 };
    pack.entry({ ...header, mtime: MTIME, uid: 0, gid: 0 }, body ?? Buffer.alloc(0), (err) =>
      err ? reject(err) : resolve(),
    );
  });
}

/** Writes the configs layer (`configs/<pkg>/catalog.json` for every package) as a gzip'd tar file. */
async function writeConfigsLayer(
  path: string,
  plan: CatalogPlan,
  host: string,
  digests: Map<string, string>,
): Promise<LayerFile> {
  const pack = tarPack();
  const tarHash = createHash('sha256');
  const gzHash = createHash('sha256');
  let size = 0;
  const tap = (hash: ReturnType<typeof createHash>, count: boolean) =>
    new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        if (count) size += chunk.length;
        cb(null, chunk);
      },
    });
  const done = pipeline(
    pack,
    tap(tarHash, false),
    createGzip({ level: 6 }),
    tap(gzHash, true),
    createWriteStream(path),
  );
  let fbcBytes = 0;
  let bundles = 0;
  const names = Array.from({ length: plan.packages }, (_, i) => ({ index: i, name: packageName(i) })).sort((a, b) =>
    a.name < b.name ? -1 : 1,
  );
  try {
    await addEntry(pack, 'configs/');
    for (const { index } of names) {
      const catalog = packageCatalog(plan, index, host, digests);
      const body = Buffer.from(catalog.text);
      fbcBytes += body.length;
      bundles += catalog.bundles;
      await addEntry(pack, `configs/${catalog.name}/`);
      await addEntry(pack, `configs/${catalog.name}/catalog.json`, body);
    }
    pack.finalize();
  } catch (err) {
    pack.destroy(err as Error);
    await done.catch(() => undefined);
    throw err;
  }
  await done;
  return {
    path,
    digest: `sha256:${gzHash.digest('hex')}`,
    diffId: `sha256:${tarHash.digest('hex')}`,
    size,
    fbcBytes,
    bundles,
  };
}

// --------------------------------------------------------------------------------------------------------------
// Seeding

/**
 * Pushes the related images of the filtered packages (all their bundles: a superset of what the filter keeps),
 * then generates the catalog naming them by digest and pushes the catalog image.
 */
export async function seedCatalog(
  registry: RunningRegistry,
  plan: CatalogPlan,
  scratchDir: string,
  log: (line: string) => void,
): Promise<SeededCatalog> {
  const digests = new Map<string, string>();
  const toPush: { key: string; image: BuiltManifest }[] = [];
  const filter = plan.filter.map((f) => ({ name: packageName(f.index), channel: 'stable', minVersion: f.minVersion }));
  const proxyTags = new Set<string>();
  for (const { name } of filter) {
    for (let i = 0; i < plan.bundlesPerPackage; i++) {
      for (const repo of [`${IMAGE_PREFIX}/${name}-bundle`, `${IMAGE_PREFIX}/${name}-rhel9-operator`]) {
        const key = `${repo}:v${bundleVersion(i)}`;
        toPush.push({ key, image: await buildImage({ seed: key, layers: 1, layerSize: 256 }) });
      }
      if (i % 2 === 0) proxyTags.add(proxyTag(i));
    }
  }
  for (const tag of proxyTags) {
    const key = `${IMAGE_PREFIX}/kube-rbac-proxy:${tag}`;
    toPush.push({ key, image: await buildImage({ seed: key, layers: 1, layerSize: 256 }) });
  }
  const limit = pLimit(6);
  await Promise.all(
    toPush.map(({ key, image }) =>
      limit(async () => {
        const pushed = await pushBuiltImage(registry, key, image);
        digests.set(key, pushed.digest);
      }),
    ),
  );
  log(`[catalog]   pushed ${toPush.length} related images of the ${filter.length} filtered packages`);

  const started = Date.now();
  const layer = await writeConfigsLayer(`${scratchDir}/configs-layer.tar.gz`, plan, registry.host, digests);
  log(
    `[catalog]   generated the configs layer in ${((Date.now() - started) / 1000).toFixed(1)} s: ${(layer.fbcBytes / 1e6).toFixed(1)} MB FBC, ${(layer.size / 1e6).toFixed(1)} MB gzip'd`,
  );
  const configsBlob: FixtureBlob = {
    digest: layer.digest,
    size: layer.size,
    mediaType: FIXTURE_MEDIA_TYPES.ociLayerGzip,
    diffId: layer.diffId,
    open: () => createReadStream(layer.path, { highWaterMark: 1 << 20 }),
  };
  const [base] = await makeBaseLayers('bench-catalog-base', 1, 'oci', 64 * 1024);
  const image = await buildImage({
    seed: 'bench-catalog',
    layers: 0,
    baseLayers: [base, configsBlob],
    labels: { [CONFIGS_LABEL]: '/configs' },
  });
  await pushBuiltImage(registry, `${CATALOG_REPOSITORY}:${CATALOG_TAG}`, image);
  return {
    reference: `${registry.host}/${CATALOG_REPOSITORY}:${CATALOG_TAG}`,
    packages: plan.packages,
    bundles: layer.bundles,
    fbcBytes: layer.fbcBytes,
    layerBytes: layer.size,
    filter,
    pushedImages: toPush.length,
  };
}
