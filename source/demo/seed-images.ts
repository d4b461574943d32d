/**
 * Sample content for `ocm-tui demo`: a handful of images shaped like real mirroring work (a shared base
 * layer, a multi-arch index, one bigger layer), pushed with plain HTTP calls into the demo source registry.
 */
import { createHash, randomBytes } from 'node:crypto';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar';

interface Blob {
  digest: string;
  size: number;
  mediaType: string;
}

const digestOf = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function pushBlob(host: string, repo: string, bytes: Buffer, mediaType: string): Promise<Blob> {
  const digest = digestOf(bytes);
  const start = await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  await start.arrayBuffer();
  const location = new URL(start.headers.get('location')!, `http://${host}`);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    body: bytes,
    headers: { 'content-type': 'application/octet-stream' },
  });
  await put.arrayBuffer();
  if (put.status !== 201) throw new Error(`demo seed: blob upload to ${repo} failed with HTTP ${put.status}`);
  return { digest, size: bytes.length, mediaType };
}

async function pushManifest(host: string, repo: string, ref: string, doc: object, mediaType: string): Promise<Blob> {
  const bytes = Buffer.from(JSON.stringify(doc, null, 2));
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${ref}`, {
    method: 'PUT',
    body: bytes,
    headers: { 'content-type': mediaType },
  });
  await res.arrayBuffer();
  if (res.status !== 201) throw new Error(`demo seed: manifest ${repo}:${ref} failed with HTTP ${res.status}`);
  return { digest: digestOf(bytes), size: bytes.length, mediaType };
}

async function pushImage(
  host: string,
  repo: string,
  tag: string | undefined,
  layers: Buffer[],
  platform = { os: 'linux', architecture: 'amd64' },
): Promise<Blob> {
  const pushed: Blob[] = [];
  for (const layer of layers) pushed.push(await pushBlob(host, repo, layer, OCI_LAYER));
  const config = Buffer.from(
    JSON.stringify({ ...platform, rootfs: { type: 'layers', diff_ids: pushed.map((l) => l.digest) }, config: {} }),
  );
  const cfg = await pushBlob(host, repo, config, OCI_CONFIG);
  const manifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, config: cfg, layers: pushed };
  return pushManifest(
    host,
    repo,
    tag ?? digestOf(Buffer.from(JSON.stringify(manifest, null, 2))),
    manifest,
    OCI_MANIFEST,
  );
}

const MiB = 1024 * 1024;

/** Seeds the demo images and returns the additionalImages entries of an ImageSetConfiguration. */
export async function seedDemoImages(host: string, scale = 1): Promise<string[]> {
  const names: string[] = [];
  const base = randomBytes(Math.round(8 * MiB * scale));
  const services = ['console', 'router', 'registry-proxy', 'metrics', 'auth', 'scheduler'];
  for (const [i, name] of services.entries()) {
    await pushImage(host, `demo/${name}`, 'v1.0', [base, randomBytes(Math.round((2 + i) * MiB * scale))]);
    names.push(`${host}/demo/${name}:v1.0`);
  }
  const children: (Blob & { platform: { os: string; architecture: string } })[] = [];
  for (const architecture of ['amd64', 'arm64', 'ppc64le']) {
    const platform = { os: 'linux', architecture };
    const child = await pushImage(
      host,
      'demo/multi-arch',
      undefined,
      [randomBytes(Math.round(4 * MiB * scale))],
      platform,
    );
    children.push({ ...child, platform });
  }
  await pushManifest(
    host,
    'demo/multi-arch',
    'latest',
    { schemaVersion: 2, mediaType: OCI_INDEX, manifests: children },
    OCI_INDEX,
  );
  names.push(`${host}/demo/multi-arch:latest`);
  const big = await pushImage(host, 'demo/big-data', 'v2', [randomBytes(Math.round(48 * MiB * scale))]);
  names.push(`${host}/demo/big-data@${big.digest}`);
  return names;
}
