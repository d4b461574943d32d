/**
 * A release world for tests, built from real data: release payloads whose `release-manifests/image-references` is
 * the real ImageStream of a 4.12 payload (183 components, test/fixtures/upstream/release/), with every component
 * pushed to a real registry as a small generated image (the references are rewritten to the local copies'
 * digests, as a real payload names its components by digest), signed with a throwaway OpenPGP key in Red Hat's
 * format (a binary signed message holding the "atomic container signature" JSON), and a local HTTP server that
 * answers like the Cincinnati graph API and the signature store.
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import type { RunningRegistry } from './registry-server.js';
import { buildImage, pushBuiltImage } from './fixture-images.js';
import { UPSTREAM_FIXTURES } from './catalog-fixture.js';

export const RELEASE_MANIFESTS = join(UPSTREAM_FIXTURES, 'release', 'release-manifests');
export const PAYLOAD_REPOSITORY = 'openshift-release-dev/ocp-release';
export const COMPONENT_REPOSITORY = 'openshift-release-dev/ocp-v4.0-art-dev';

export interface SigningKey {
  privateKey: openpgp.PrivateKey;
  publicKeyArmored: string;
}

export async function generateSigningKey(name = 'ocm-tui test release key'): Promise<SigningKey> {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name, email: 'release@example.com' }],
    format: 'armored',
  });
  return { privateKey: await openpgp.readPrivateKey({ armoredKey: privateKey }), publicKeyArmored: publicKey };
}

/** Red Hat's signature format: a binary OpenPGP message signing the simple-signing JSON. */
export async function signRelease(key: SigningKey, identity: string, digest: string): Promise<Uint8Array> {
  const body = JSON.stringify({
    critical: {
      identity: { 'docker-reference': identity },
      image: { 'docker-manifest-digest': digest },
      type: 'atomic container signature',
    },
    optional: { creator: 'ocm-tui test harness', timestamp: 1700000000 },
  });
  const message = await openpgp.createMessage({ binary: new TextEncoder().encode(body) });
  return (await openpgp.sign({ message, signingKeys: key.privateKey, format: 'binary' })) as Uint8Array;
}

export interface PublishedComponent {
  name: string;
  /** `<host>/openshift-release-dev/ocp-v4.0-art-dev@sha256:…` */
  ref: string;
  digest: string;
}

export interface PublishedRelease {
  version: string;
  /** `4.15.0-x86_64` */
  tag: string;
  /** `<host>/openshift-release-dev/ocp-release:<tag>` (the signature identity) */
  identity: string;
  digest: string;
  components: PublishedComponent[];
  kubevirt?: PublishedComponent;
  signature: Uint8Array;
}

export interface PublishReleaseOptions {
  version: string;
  arch?: string;
  /** Use only the first N components of the real ImageStream (default all 183). */
  components?: number;
  key: SigningKey;
  /** Components already pushed for another release (shared by name). */
  shared?: Map<string, PublishedComponent>;
}

/** Pushes the components, then the payload image (`release-manifests/` in its last layer), and signs it. */
export async function publishRelease(
  registry: RunningRegistry,
  opts: PublishReleaseOptions,
): Promise<PublishedRelease> {
  const arch = opts.arch ?? 'x86_64';
  const stream = JSON.parse(await readFile(join(RELEASE_MANIFESTS, 'image-references'), 'utf8')) as {
    spec: { tags: { name: string; from: { name: string } }[] };
  };
  const tags = stream.spec.tags.slice(0, opts.components ?? stream.spec.tags.length);
  const shared = opts.shared ?? new Map<string, PublishedComponent>();
  const components: PublishedComponent[] = [];
  for (const tag of tags) {
    let component = shared.get(tag.name);
    if (!component) {
      const built = await buildImage({ seed: `component/${tag.name}`, layers: 1, layerSize: 200 });
      const pushed = await pushBuiltImage(registry, COMPONENT_REPOSITORY, built);
      component = {
        name: tag.name,
        ref: `${registry.host}/${COMPONENT_REPOSITORY}@${pushed.digest}`,
        digest: pushed.digest,
      };
      shared.set(tag.name, component);
    }
    components.push(component);
    tag.from.name = component.ref;
  }
  stream.spec.tags = tags;
  const kubevirtBuilt = await buildImage({ seed: `kubevirt/${opts.version}`, layers: 1, layerSize: 200 });
  const kubevirtPushed = await pushBuiltImage(registry, COMPONENT_REPOSITORY, kubevirtBuilt);
  const kubevirt = {
    name: 'kube-virt-container',
    ref: `${registry.host}/${COMPONENT_REPOSITORY}@${kubevirtPushed.digest}`,
    digest: kubevirtPushed.digest,
  };
  const bootimages = (
    await readFile(join(RELEASE_MANIFESTS, '0000_50_installer_coreos-bootimages.yaml'), 'utf8')
  ).replace(/quay\.io\/openshift-release-dev\/ocp-v4\.0-art-dev@sha256:729265d5[0-9a-f]+/, kubevirt.ref);
  const metadata = JSON.stringify({
    kind: 'cincinnati-metadata-v0',
    version: opts.version,
    previous: [],
    metadata: {},
  });
  const tag = `${opts.version}-${arch}`;
  const payload = await buildImage({
    seed: `payload/${tag}`,
    layers: 1,
    layerSize: 512,
    files: {
      'release-manifests/image-references': JSON.stringify(stream, null, 2),
      'release-manifests/release-metadata': metadata,
      'release-manifests/0000_50_installer_coreos-bootimages.yaml': bootimages,
    },
    labels: { 'io.openshift.release': opts.version },
  });
  const pushed = await pushBuiltImage(registry, `${PAYLOAD_REPOSITORY}:${tag}`, payload);
  const identity = `${registry.host}/${PAYLOAD_REPOSITORY}:${tag}`;
  return {
    version: opts.version,
    tag,
    identity,
    digest: pushed.digest,
    components,
    kubevirt,
    signature: await signRelease(opts.key, identity, pushed.digest),
  };
}

export interface ReleaseServer {
  /** Base URL, e.g. `http://127.0.0.1:40000` */
  url: string;
  /** For UPDATE_URL_OVERRIDE */
  graphUrl: string;
  /** For OCP_SIGNATURE_URL (ends with `/`) */
  signatureUrl: string;
  /** Query strings of the graph requests seen. */
  graphRequests: URLSearchParams[];
  stop(): Promise<void>;
}

/**
 * Serves `channels` (name → releases, with edges from each release to every later one of the same channel, as
 * Cincinnati does for z-streams) on `/graph`, and each release's signature on `/signatures/sha256=<hex>/signature-1`.
 */
export async function startReleaseServer(
  host: string,
  channels: Record<string, PublishedRelease[]>,
  signatures: PublishedRelease[],
): Promise<ReleaseServer> {
  const graphRequests: URLSearchParams[] = [];
  const byHex = new Map(signatures.map((r) => [r.digest.slice('sha256:'.length), r.signature]));
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/graph') {
      graphRequests.push(url.searchParams);
      const releases = channels[url.searchParams.get('channel') ?? ''];
      if (!releases) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"kind":"Error","reason":"unknown channel"}');
        return;
      }
      const nodes = releases.map((r) => ({
        version: r.version,
        payload: `${host}/${PAYLOAD_REPOSITORY}@${r.digest}`,
        metadata: {
          'io.openshift.upgrades.graph.release.channels': Object.keys(channels)
            .filter((c) => channels[c].includes(r))
            .join(','),
        },
      }));
      const edges: [number, number][] = [];
      for (let i = 0; i < releases.length; i++) for (let j = i + 1; j < releases.length; j++) edges.push([i, j]);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ nodes, edges, conditionalEdges: [] }));
      return;
    }
    const m = /^\/signatures\/sha256=([0-9a-f]{64})\/signature-1$/.exec(url.pathname);
    const body = m ? byHex.get(m[1]) : undefined;
    if (body) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from(body));
      return;
    }
    res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  return {
    url,
    graphUrl: `${url}/graph`,
    signatureUrl: `${url}/signatures/`,
    graphRequests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
