import { createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FixtureBlob } from './fixture-blobs.js';
import type { BuiltIndex, BuiltManifest } from './fixture-manifests.js';

interface IndexJson {
  schemaVersion: 2;
  manifests: { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }[];
}

async function writeBlob(dir: string, digest: string, source: Buffer | FixtureBlob): Promise<void> {
  const [algorithm, hex] = digest.split(':');
  await mkdir(join(dir, 'blobs', algorithm), { recursive: true });
  const file = join(dir, 'blobs', algorithm, hex);
  if (Buffer.isBuffer(source)) await writeFile(file, source);
  else await pipeline(source.open(), createWriteStream(file));
}

/**
 * Writes a built image or index into an OCI image layout directory (created or extended), tagged with the
 * `org.opencontainers.image.ref.name` annotation when `refName` is given, so `skopeo copy oci:<dir>:<refName>`
 * and the code under test can read it. Note: skopeo 1.9 only resolves ref names of OCI media types, so write
 * Docker-format images for the code under test only.
 */
export async function writeOciLayout(dir: string, image: BuiltManifest | BuiltIndex, refName?: string): Promise<void> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const manifests = 'children' in image ? image.children : [image];
  for (const manifest of manifests) {
    for (const blob of [manifest.config, ...manifest.layers]) await writeBlob(dir, blob.digest, blob);
    await writeBlob(dir, manifest.digest, manifest.bytes);
  }
  if ('children' in image) await writeBlob(dir, image.digest, image.bytes);

  let index: IndexJson = { schemaVersion: 2, manifests: [] };
  try {
    index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as IndexJson;
  } catch {
    // a new layout
  }
  const entry = {
    mediaType: image.mediaType,
    digest: image.digest,
    size: image.size,
    ...(refName ? { annotations: { 'org.opencontainers.image.ref.name': refName } } : {}),
  };
  index.manifests = [
    ...index.manifests.filter((m) => !(refName && m.annotations?.['org.opencontainers.image.ref.name'] === refName)),
    entry,
  ];
  await writeFile(join(dir, 'index.json'), JSON.stringify(index));
}
