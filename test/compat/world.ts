/**
 * The fixture world of oc-mirror's integration suite (tests/integration at openshift/oc-mirror 855b64a3), rebuilt
 * locally: upstream pushes its fixtures to quay.io, ghcr.io and a GitHub Pages Helm repository; here they go into a
 * real docker-registry on 127.0.0.1 and a local HTTP server, and the upstream ImageSetConfigurations are rewritten to
 * name them (`rewrite`). Every image is generated from a fixed seed with fixed timestamps, so a world built twice
 * has the same digests.
 *
 * What it holds (upstream name → here):
 * - `quay.io/oc-mirror/oc-mirror-dev:test-catalog-*` → the catalogs built from
 *   test/fixtures/upstream/oc-mirror-integration/catalogs (harness/catalog-fixture.ts), with every bundle and
 *   related image they name, in `oc-mirror/oc-mirror-dev` like upstream;
 * - `quay.io/oc-mirror/release/test-release-index:v0.0.1` → a fake release payload whose
 *   `release-manifests/` are upstream's (image-references naming one component `test-image:v0.0.1`), signed with a
 *   throwaway OpenPGP key in Red Hat's format (upstream signs with its own key; the private half is not public);
 * - `quay.io/openshifttest/hello-openshift@sha256:61b8…` → a manifest list of two platforms (arm64, ppc64le, as
 *   upstream's), its digest substituted in the configurations;
 * - `quay.io/oc-mirror/oc-mirror-dev:multilayers-latest` → an image of 10 small layers (upstream's Dockerfile adds
 *   ten one-line layers);
 * - `quay.io/oc-mirror/oc-mirror-dev:{foo,bar,baz}-v*` (the related images) → pushed by the catalog builder;
 * - `https://stefanprodan.github.io/podinfo` → a local chart repository serving the real podinfo 5.0.0 chart, its
 *   image repointed from ghcr.io to the local registry;
 * - the Cincinnati graph API → upstream's testdata/graphdatas/graph_data.json, answered for any channel; the
 *   signature store → the payload's signature.
 */
import { execFile } from 'node:child_process';
import { createHash, generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startRegistry, type RunningRegistry } from '../harness/registry-server.js';
import {
  buildImage,
  buildIndex,
  DEFAULT_PLATFORMS,
  pushBuiltImage,
  pushBuiltIndex,
  seedTestdataMultiArch,
  type PushedImage,
} from '../harness/fixture-images.js';
import { skopeoCopy, skopeoOptionsFor } from '../harness/skopeo.js';
import { RegistryPusher } from '../harness/registry-pusher.js';
import { bufferBlob } from '../harness/fixture-blobs.js';
import { publishCatalog, UPSTREAM_FIXTURES, type PublishedCatalog } from '../harness/catalog-fixture.js';
import { generateSigningKey, signRelease, type SigningKey } from '../harness/release-fixture.js';
import { makeTempDir, removeTempDir } from '../harness/temp-dir.js';

const exec = promisify(execFile);

export const INTEGRATION = join(UPSTREAM_FIXTURES, 'oc-mirror-integration');
export const ISC_DIR = join(INTEGRATION, 'imagesetconfigs');
export const UPSTREAM_HELLO =
  'quay.io/openshifttest/hello-openshift@sha256:61b8f5e1a3b5dbd9e2c35fd448dc5106337d7a299873dd3a6f0cd8d4891ecc27';
export const UPSTREAM_HELM_URL = 'https://stefanprodan.github.io/podinfo';
export const RELEASE_REPOSITORY = 'oc-mirror/release/test-release-index';
export const RELEASE_TAG = 'v0.0.1';
export const COMPONENT_REPOSITORY = 'oc-mirror/release/test-image';

export interface CompatWorldOptions {
  /** Catalog directories to build (default ['test-catalog-latest']). */
  catalogs?: string[];
  /** Push a cosign-style `sha256-<hex>.sig` tag beside every image (upstream's quay.io images are signed). */
  signatures?: boolean;
  /** The release payload and its component (default true). */
  release?: boolean;
  /** The podinfo chart repository and image (default true). */
  helm?: boolean;
  /** The 10-layer image (default false). */
  multilayers?: boolean;
  /** The operand images `oc-mirror-dev:<pkg>-v<version>` of image-builders/operator/related_image (default false). */
  relatedImages?: boolean;
  /**
   * Non-loopback names (for the proxy scenarios: loopback never goes through a proxy, in Go as in ocm-tui) under
   * which the configurations name the registry (`quay.io` → `quay.io:<port>`), the chart's image (`ghcr.io`) and
   * the chart repository (`stefanprodan.github.io`). Only a proxy that maps them to 127.0.0.1 reaches them.
   */
  aliases?: { registry: string; chartImage: string; helm: string };
  /**
   * The multi-platform fixtures of the sparse-manifest scenarios: the real 4-platform image
   * `rh_ee_aguidi/multi-platform-container:latest` and the real `rh_ee_aguidi/empty-image:latest` (both from
   * test/fixtures/upstream/oci), and the fake multi-arch release `test-release-index-multi:v0.0.1` (an index of
   * four payloads naming the multi-arch component `test-image-multi:v0.0.1`). Default false.
   */
  multiArch?: boolean;
}

/** Upstream image-builders/operator/bundles/<pkg>/<pkg>-bundle-v<version>: one related image per bundle. */
export const RELATED_IMAGE_TAGS = [
  'foo-v0.1.0',
  'foo-v0.1.1',
  'foo-v0.2.0',
  'foo-v0.3.0',
  'foo-v0.3.1',
  'foo-v0.3.2',
  'bar-v0.1.0',
  'bar-v0.2.0',
  'bar-v1.0.0',
  'baz-v1.0.0',
  'baz-v1.0.1',
  'baz-v1.1.0',
];

export interface CompatRelease {
  /** `<host>/oc-mirror/release/test-release-index:v0.0.1` */
  identity: string;
  digest: string;
  signature: Uint8Array;
  /** `v0.0.1-sha256-<hex>`, the name upstream's keys/ directory gives it */
  signatureFile: string;
  component: PushedImage;
}

const TWO_PLATFORMS = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64' },
] as const;

export interface CompatWorld {
  /** The multi-arch release (`multiArch`). */
  multiRelease?: CompatRelease;
  multiPlatform?: PushedImage;
  source: RunningRegistry;
  /** How configurations name the registry: `source.host`, or `<alias>:<port>`. */
  registryHost: string;
  key: SigningKey;
  /** Armored public key (OCP_SIGNATURE_VERIFICATION_PK, as upstream's suite sets it). */
  keyFile: string;
  /** PEM public key of the cosign signatures (`signatures: true`), upstream's testdata/keys/cosign.pub. */
  cosignPublicKeyFile: string;
  catalogs: Map<string, PublishedCatalog>;
  release?: CompatRelease;
  hello: PushedImage;
  podinfoImage?: PushedImage;
  multilayers?: PushedImage;
  /** Base URL of the chart repository / Cincinnati / signature server. */
  serverUrl: string;
  /** Requests the server saw (`GET /path?query`). */
  serverRequests: string[];
  /** Environment every ocm-tui run gets (update service, signature store and key). */
  env: NodeJS.ProcessEnv;
  /** Upstream configuration text with every upstream location replaced by its local copy. */
  rewrite(text: string): string;
  /** Writes the rewritten upstream configuration `rel` (e.g. 'happy_path/isc-happy-path.yaml') into `dir`. */
  isc(rel: string, dir: string, substitutions?: Record<string, string>): Promise<string>;
  stop(): Promise<void>;
}

function sha256Hex(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** podinfo 5.0.0 (the real chart) with `ghcr.io/stefanprodan/podinfo` replaced by `repository`, re-packed. */
async function podinfoTgz(work: string, repository: string): Promise<Buffer> {
  const dir = join(work, 'podinfo-src');
  await mkdir(dir, { recursive: true });
  await exec('tar', ['-xzf', join(UPSTREAM_FIXTURES, 'helm', 'charts', 'podinfo-5.0.0.tgz'), '-C', dir]);
  const values = join(dir, 'podinfo', 'values.yaml');
  await writeFile(values, (await readFile(values, 'utf8')).replace('ghcr.io/stefanprodan/podinfo', repository));
  const out = join(work, 'podinfo-5.0.0.tgz');
  // Fixed mtimes and owners: the same archive bytes every time.
  await exec('tar', [
    '--sort=name',
    '--mtime=2024-01-01 00:00:00Z',
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    '-cf',
    join(work, 'podinfo.tar'),
    '-C',
    dir,
    'podinfo',
  ]);
  await exec('sh', ['-c', `gzip -n -c '${join(work, 'podinfo.tar')}' > '${out}'`]);
  return readFile(out);
}

/**
 * A real cosign signature (what `cosign sign --key` pushes): tag `sha256-<hex>.sig`, an OCI manifest whose one
 * layer is the simple-signing payload (`application/vnd.dev.cosign.simplesigning.v1+json`) and whose layer
 * annotation `dev.cosignproject.cosign/signature` is the base64 ECDSA-P256/SHA-256 signature of that payload.
 * Verifiable with the world's `cosignPublicKeyFile` (containers-policy `sigstoreSigned`, `cosign verify`).
 */
export async function pushCosignSignature(
  registry: RunningRegistry,
  repository: string,
  digest: string,
  identity: string,
  key: KeyObject,
): Promise<void> {
  const payload = Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': identity },
        image: { 'docker-manifest-digest': digest },
        type: 'cosign container image signature',
      },
      optional: null,
    }),
  );
  const signature = cryptoSign('sha256', payload, key).toString('base64');
  const layer = bufferBlob(payload, 'application/vnd.dev.cosign.simplesigning.v1+json');
  const config = bufferBlob(
    Buffer.from(
      JSON.stringify({
        architecture: '',
        created: '0001-01-01T00:00:00Z',
        history: [{ created: '0001-01-01T00:00:00Z' }],
        os: '',
        rootfs: { type: 'layers', diff_ids: [layer.digest] },
        config: {},
      }),
    ),
    'application/vnd.oci.image.config.v1+json',
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: config.mediaType, size: config.size, digest: config.digest },
      layers: [
        {
          mediaType: layer.mediaType,
          size: layer.size,
          digest: layer.digest,
          annotations: { 'dev.cosignproject.cosign/signature': signature },
        },
      ],
    }),
  );
  const pusher = new RegistryPusher(registry);
  await pusher.pushBlob(repository, layer);
  await pusher.pushBlob(repository, config);
  await pusher.pushManifest(
    repository,
    `${digest.replace(':', '-')}.sig`,
    manifest,
    'application/vnd.oci.image.manifest.v1+json',
  );
}

/**
 * Every tagged manifest under `oc-mirror/` (catalogs, bundles, operands, releases: upstream signs what it pushes
 * to quay.io/oc-mirror) and the untagged ones listed (`repo` → digest), signed once each. `openshifttest/` stays
 * unsigned (upstream's hello-openshift carries no signature).
 */
async function signEverything(
  registry: RunningRegistry,
  regHost: string,
  untagged: [string, string][],
  key: KeyObject,
): Promise<void> {
  const signed = new Set<string>();
  const sign = async (repo: string, digest: string) => {
    if (signed.has(`${repo}@${digest}`)) return;
    signed.add(`${repo}@${digest}`);
    await pushCosignSignature(registry, repo, digest, `${regHost}/${repo}`, key);
  };
  for (const repo of await listRepositories(registry)) {
    if (!repo.startsWith('oc-mirror/')) continue;
    for (const tag of await listTags(registry, repo)) {
      if (tag.endsWith('.sig')) continue;
      await sign(repo, (await getManifest(registry, repo, tag)).digest);
    }
  }
  for (const [repo, digest] of untagged) await sign(repo, digest);
}

export async function startCompatWorld(opts: CompatWorldOptions = {}): Promise<CompatWorld> {
  const work = await makeTempDir('compat-world-');
  const source = await startRegistry();
  const port = source.host.slice(source.host.lastIndexOf(':') + 1);
  const regHost = opts.aliases ? `${opts.aliases.registry}:${port}` : source.host;
  const requests: string[] = [];
  const files = new Map<string, Buffer | string>();
  const graph = await readFile(join(INTEGRATION, 'graphdatas', 'graph_data.json'));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (url.pathname === '/graph') {
      // upstream list_test.go's httptest server: JSON only, a channel is mandatory, the same graph for any channel
      if (req.headers.accept !== 'application/json') {
        res.writeHead(406).end('{"kind":"invalid_content_type","value": "invalid Content-Type requested"}');
      } else if (!url.searchParams.get('channel')) {
        res.writeHead(400).end('{"kind":"missing_params","value":"mandatory client parameters missing: channel"}');
      } else res.writeHead(200, { 'content-type': 'application/json' }).end(graph);
      return;
    }
    const body = files.get(url.pathname);
    if (body === undefined) res.writeHead(404).end('not found');
    else res.writeHead(200).end(body);
  });
  const serverUrl = await listen(server);
  const helmUrl = opts.aliases
    ? `http://${opts.aliases.helm}:${serverUrl.slice(serverUrl.lastIndexOf(':') + 1)}`
    : serverUrl;

  const key = await generateSigningKey('ocm-tui compat release key');
  const keyFile = join(work, 'release-pk.asc');
  await writeFile(keyFile, key.publicKeyArmored);
  // upstream testdata/keys/cosign.key is password-protected; a fresh P-256 pair plays its part
  const cosignKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const cosignPublicKeyFile = join(work, 'cosign.pub');
  await writeFile(cosignPublicKeyFile, cosignKeys.publicKey.export({ type: 'spki', format: 'pem' }));

  const catalogs = new Map<string, PublishedCatalog>();
  const published = new Map<string, string>();
  const publishedDigests = new Map<string, string>();
  for (const name of opts.catalogs ?? ['test-catalog-latest']) {
    const multi = name === 'test-catalog-multi';
    catalogs.set(
      name,
      await publishCatalog(source, name, {
        published,
        publishedDigests,
        platforms: multi ? [...TWO_PLATFORMS] : undefined,
      }),
    );
    if (multi) {
      // upstream create-multi.sh: the -multi bundles are manifest lists (amd64, arm64)
      for (const tag of ['foo-bundle-v0.3.1-multi', 'bar-bundle-v1.0.0-multi']) {
        await pushBuiltIndex(
          source,
          `oc-mirror/oc-mirror-dev:${tag}`,
          await buildIndex({ seed: `compat/${tag}`, layers: 1, layerSize: 200, platforms: [...TWO_PLATFORMS] }),
        );
      }
    }
  }

  let release: CompatRelease | undefined;
  if (opts.release ?? true) {
    const component = await pushBuiltImage(
      source,
      `${COMPONENT_REPOSITORY}:${RELEASE_TAG}`,
      await buildImage({ seed: 'compat/test-image', layers: 1, layerSize: 300 }),
    );
    const manifests = join(INTEGRATION, 'release-manifests');
    const references = (await readFile(join(manifests, 'image-references'), 'utf8'))
      .split('quay.io/oc-mirror/release/')
      .join(`${regHost}/oc-mirror/release/`);
    const payload = await pushBuiltImage(
      source,
      `${RELEASE_REPOSITORY}:${RELEASE_TAG}`,
      await buildImage({
        seed: 'compat/test-release-index',
        layers: 1,
        layerSize: 300,
        files: {
          'release-manifests/image-references': references,
          'release-manifests/release-metadata': await readFile(join(manifests, 'release-metadata'), 'utf8'),
        },
        labels: { 'io.openshift.release': RELEASE_TAG },
      }),
    );
    const identity = `${regHost}/${RELEASE_REPOSITORY}:${RELEASE_TAG}`;
    const signature = await signRelease(key, identity, payload.digest);
    files.set(`/signatures/sha256=${payload.digest.slice(7)}/signature-1`, Buffer.from(signature));
    release = {
      identity,
      digest: payload.digest,
      signature,
      signatureFile: `${RELEASE_TAG}-sha256-${payload.digest.slice(7)}`,
      component,
    };
  }

  const hello = await pushBuiltIndex(
    source,
    'openshifttest/hello-openshift',
    await buildIndex({
      seed: 'compat/hello-openshift',
      layers: 1,
      layerSize: 300,
      format: 'docker',
      platforms: [
        { os: 'linux', architecture: 'arm64' },
        { os: 'linux', architecture: 'ppc64le' },
      ],
    }),
  );

  let podinfoImage: PushedImage | undefined;
  if (opts.helm ?? true) {
    podinfoImage = opts.multiArch
      ? await pushBuiltIndex(
          source,
          'stefanprodan/podinfo:5.0.0',
          await buildIndex({ seed: 'compat/podinfo', layers: 1, layerSize: 300, platforms: [...TWO_PLATFORMS] }),
        )
      : await pushBuiltImage(
          source,
          'stefanprodan/podinfo:5.0.0',
          await buildImage({ seed: 'compat/podinfo', layers: 1, layerSize: 300 }),
        );
    const chartImageHost = opts.aliases ? `${opts.aliases.chartImage}:${port}` : source.host;
    const tgz = await podinfoTgz(work, `${chartImageHost}/stefanprodan/podinfo`);
    files.set('/podinfo/podinfo-5.0.0.tgz', tgz);
    files.set(
      '/podinfo/index.yaml',
      [
        'apiVersion: v1',
        'entries:',
        '  podinfo:',
        '  - apiVersion: v2',
        '    name: podinfo',
        '    version: 5.0.0',
        '    appVersion: 5.0.0',
        `    digest: ${sha256Hex(tgz)}`,
        '    urls:',
        `    - ${helmUrl}/podinfo/podinfo-5.0.0.tgz`,
        'generated: "2024-01-01T00:00:00Z"',
        '',
      ].join('\n'),
    );
  }

  let multiRelease: CompatRelease | undefined;
  let multiPlatform: PushedImage | undefined;
  if (opts.multiArch) {
    const platforms = DEFAULT_PLATFORMS.map((p) => ({ os: p.os, architecture: p.architecture }));
    const component = await pushBuiltIndex(
      source,
      `${COMPONENT_REPOSITORY}-multi:${RELEASE_TAG}`,
      await buildIndex({ seed: 'compat/test-image-multi', layers: 1, layerSize: 300, platforms }),
    );
    const manifests = join(INTEGRATION, 'release-manifests');
    const references = (await readFile(join(manifests, 'image-references-base-multi-component'), 'utf8'))
      .split('quay.io/oc-mirror/release/')
      .join(`${regHost}/oc-mirror/release/`);
    const payload = await pushBuiltIndex(
      source,
      `${RELEASE_REPOSITORY}-multi:${RELEASE_TAG}`,
      await buildIndex({
        seed: 'compat/test-release-index-multi',
        layers: 1,
        layerSize: 300,
        platforms,
        files: {
          'release-manifests/image-references': references,
          'release-manifests/release-metadata': await readFile(join(manifests, 'release-metadata'), 'utf8'),
        },
        labels: { 'io.openshift.release': RELEASE_TAG },
      }),
    );
    const identity = `${regHost}/${RELEASE_REPOSITORY}-multi:${RELEASE_TAG}`;
    const signature = await signRelease(key, identity, payload.digest);
    files.set(`/signatures/sha256=${payload.digest.slice(7)}/signature-1`, Buffer.from(signature));
    multiRelease = {
      identity,
      digest: payload.digest,
      signature,
      signatureFile: `${RELEASE_TAG}-sha256-${payload.digest.slice(7)}`,
      component,
    };
    multiPlatform = await seedTestdataMultiArch(source, 'rh_ee_aguidi/multi-platform-container:latest', {
      signatures: true,
    });
    await skopeoCopy(
      `oci:${join(UPSTREAM_FIXTURES, 'oci', 'single-arch-empty-image')}`,
      `${source.host}/rh_ee_aguidi/empty-image:latest`,
      { ...skopeoOptionsFor(source), preserveDigests: true },
    );
  }

  let multilayers: PushedImage | undefined;
  if (opts.multilayers) {
    multilayers = await pushBuiltImage(
      source,
      'oc-mirror/oc-mirror-dev:multilayers-latest',
      await buildImage({ seed: 'compat/multilayers', layers: 10, layerSize: 128 }),
    );
  }

  if (opts.relatedImages) {
    for (const tag of RELATED_IMAGE_TAGS) {
      await pushBuiltImage(
        source,
        `oc-mirror/oc-mirror-dev:${tag}`,
        await buildImage({
          seed: `compat/related/${tag}`,
          layers: 1,
          layerSize: 200,
          format: 'docker',
          labels: { RELATED_IMAGE: `quay.io/oc-mirror/oc-mirror-dev:${tag.replace('-v', '-bundle-v')}` },
        }),
      );
    }
  }

  if (opts.signatures) {
    const untagged: [string, string][] = [];
    for (const [ref, digest] of publishedDigests) {
      if (ref.includes('@')) untagged.push([ref.slice(source.host.length + 1, ref.indexOf('@')), digest]);
    }
    await signEverything(source, regHost, untagged, cosignKeys.privateKey);
  }

  const rewrite = (text: string): string =>
    text
      .split(UPSTREAM_HELLO)
      .join(`${regHost}/openshifttest/hello-openshift@${hello.digest}`)
      .split(UPSTREAM_HELM_URL)
      .join(`${helmUrl}/podinfo`)
      .split('quay.io/oc-mirror/')
      .join(`${regHost}/oc-mirror/`)
      // upstream's "nonexistent" quay.io image: a missing repository of the local registry (no network here)
      .split('quay.io/rh_ee_aguidi/')
      .join(`${regHost}/rh_ee_aguidi/`)
      .split('quay.io/nonexistent-org/')
      .join(`${regHost}/nonexistent-org/`);

  return {
    source,
    registryHost: regHost,
    key,
    keyFile,
    cosignPublicKeyFile,
    catalogs,
    release,
    multiRelease,
    multiPlatform,
    hello,
    podinfoImage,
    multilayers,
    serverUrl,
    serverRequests: requests,
    env: {
      UPDATE_URL_OVERRIDE: `${serverUrl}/graph`,
      OCP_SIGNATURE_URL: `${serverUrl}/signatures/`,
      OCP_SIGNATURE_VERIFICATION_PK: keyFile,
    },
    rewrite,
    isc: async (rel, dir, substitutions = {}) => {
      const out = join(dir, rel.replace(/\//g, '_'));
      let text = await readFile(join(ISC_DIR, rel), 'utf8');
      for (const [from, to] of Object.entries(substitutions)) text = text.split(from).join(to);
      await writeFile(out, rewrite(text));
      return out;
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await source.stop();
      await removeTempDir(work);
    },
  };
}

/**
 * upstream setupWorkDir(): a fresh directory whose working-dir/signatures/ holds the release signature (so the
 * release needs no signature server), named as upstream's keys/ names it.
 */
export async function setupWorkDir(world: CompatWorld, t: { after(fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'oc-mirror-test-'));
  t.after(() => removeTempDir(dir));
  for (const release of [world.release, world.multiRelease]) {
    if (!release) continue;
    const sigDir = join(dir, 'working-dir', 'signatures');
    await mkdir(sigDir, { recursive: true });
    await writeFile(join(sigDir, release.signatureFile), release.signature);
  }
  return dir;
}

// ---- registry reads (upstream pkg/registry: ListRepositories, ListTags, IsCatalog) ----

const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export async function listRepositories(registry: RunningRegistry): Promise<string[]> {
  const res = await fetch(`${registry.url}/v2/_catalog?n=1000`);
  if (!res.ok) throw new Error(`_catalog: ${res.status}`);
  return ((await res.json()) as { repositories: string[] | null }).repositories ?? [];
}

export async function listTags(registry: RunningRegistry, repo: string): Promise<string[]> {
  const res = await fetch(`${registry.url}/v2/${repo}/tags/list?n=1000`);
  if (res.status === 404) return [];
  if (!res.ok) throw new Error(`tags of ${repo}: ${res.status}`);
  return ((await res.json()) as { tags: string[] | null }).tags ?? [];
}

export async function getManifest(
  registry: RunningRegistry,
  repo: string,
  reference: string,
): Promise<{ digest: string; mediaType: string; body: Record<string, unknown> }> {
  const res = await fetch(`${registry.url}/v2/${repo}/manifests/${reference}`, {
    headers: { accept: MANIFEST_ACCEPT },
  });
  if (!res.ok) throw new Error(`manifest ${repo}:${reference}: ${res.status}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  return {
    digest: `sha256:${sha256Hex(bytes)}`,
    mediaType: res.headers.get('content-type') ?? '',
    body: JSON.parse(bytes.toString('utf8')) as Record<string, unknown>,
  };
}

/** The image config of `repo:reference` (the first instance of an index, as go-containerregistry's default). */
export async function getConfig(
  registry: RunningRegistry,
  repo: string,
  reference: string,
): Promise<{ config?: { Labels?: Record<string, string> } }> {
  let m = await getManifest(registry, repo, reference);
  if (Array.isArray(m.body.manifests)) {
    const children = m.body.manifests as { digest: string; platform?: { architecture: string; os: string } }[];
    const child =
      children.find((c) => c.platform?.architecture === 'amd64' && c.platform.os === 'linux') ?? children[0];
    m = await getManifest(registry, repo, child.digest);
  }
  const config = m.body.config as { digest: string };
  const res = await fetch(`${registry.url}/v2/${repo}/blobs/${config.digest}`);
  if (!res.ok) throw new Error(`config of ${repo}:${reference}: ${res.status}`);
  return (await res.json()) as { config?: { Labels?: Record<string, string> } };
}

/** upstream IsCatalog: the image carries the FBC configs label. */
export async function isCatalog(registry: RunningRegistry, repo: string, tag: string): Promise<boolean> {
  const config = await getConfig(registry, repo, tag);
  return config.config?.Labels?.['operators.operatorframework.io.index.configs.v1'] !== undefined;
}

export { startRegistry };
