import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  DOCKER_SCHEMA1_SIGNED,
  MANIFEST_ACCEPT,
  OCI_INDEX,
  OCI_MANIFEST,
  UnsupportedManifestError,
  detectMediaType,
  parseManifest,
} from '../../core/registry/media-types.js';
import { digestOf } from '../../core/digest.js';
import { testdataPath } from '../harness/testdata-paths.js';

const d = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;

test('the Accept list names the four manifest types and never schema 1', () => {
  for (const t of [OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST])
    assert.ok(MANIFEST_ACCEPT.includes(t));
  assert.ok(!MANIFEST_ACCEPT.includes('distribution.manifest.v1'));
});

test('an index lists its children with platforms (variant kept, absent platform undefined)', () => {
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST_LIST,
      manifests: [
        {
          mediaType: DOCKER_MANIFEST,
          digest: d(1),
          size: 10,
          platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
        },
        { mediaType: DOCKER_MANIFEST, digest: d(2), size: 11 },
      ],
    }),
  );
  const parsed = parseManifest(bytes, 'application/json');
  assert.equal(parsed.kind, 'index');
  assert.equal(parsed.mediaType, DOCKER_MANIFEST_LIST);
  assert.deepEqual(parsed.kind === 'index' && parsed.manifests, [
    {
      mediaType: DOCKER_MANIFEST,
      digest: d(1),
      size: 10,
      platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    },
    { mediaType: DOCKER_MANIFEST, digest: d(2), size: 11 },
  ]);
});

test('the real multi-platform OCI layout: index children and one image manifest with config and layers', () => {
  const layout = testdataPath('oci', 'multi-platform-container-latest');
  const top = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const blob = (digest: string) => readFileSync(join(layout, 'blobs', 'sha256', digest.slice('sha256:'.length)));
  const indexBytes = blob(top.manifests[0].digest);
  assert.equal(digestOf(indexBytes), top.manifests[0].digest);
  const index = parseManifest(indexBytes, detectMediaType(indexBytes, undefined));
  assert.equal(index.kind, 'index');
  if (index.kind !== 'index') return;
  assert.equal(index.manifests.length, 4);
  assert.ok(index.manifests.every((m) => m.platform?.os === 'linux'));
  const childBytes = blob(index.manifests[0].digest);
  const child = parseManifest(childBytes, index.manifests[0].mediaType);
  assert.equal(child.kind, 'image');
  if (child.kind !== 'image') return;
  assert.match(child.config.digest, /^sha256:[0-9a-f]{64}$/);
  assert.ok(child.layers.length >= 1);
});

test('media type detection: the document field wins over a generic header; shape decides otherwise', () => {
  const image = Buffer.from(JSON.stringify({ schemaVersion: 2, config: { digest: d(1), size: 1 }, layers: [] }));
  assert.equal(detectMediaType(image, 'application/json'), OCI_MANIFEST);
  assert.equal(detectMediaType(image, `${DOCKER_MANIFEST}; charset=utf-8`), DOCKER_MANIFEST);
  const list = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [] }));
  assert.equal(detectMediaType(list, 'text/plain'), OCI_INDEX);
  const withField = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: DOCKER_MANIFEST_LIST, manifests: [] }));
  assert.equal(detectMediaType(withField, OCI_INDEX), DOCKER_MANIFEST_LIST);
});

test('schema 1 is refused with a clear, non-retryable error naming the manifest', () => {
  const schema1 = Buffer.from(JSON.stringify({ schemaVersion: 1, name: 'a/b', tag: 'v1', fsLayers: [] }));
  assert.throws(
    () => parseManifest(schema1, DOCKER_SCHEMA1_SIGNED, 'quay.io/a/b:v1'),
    (err: unknown) =>
      err instanceof UnsupportedManifestError &&
      err.code === 'MANIFEST_SCHEMA1' &&
      err.message === 'quay.io/a/b:v1: is a Docker schema 1 manifest, which is not supported (deprecated since 2017)' &&
      /skopeo copy --format v2s2/.test(err.hint ?? ''),
  );
  assert.throws(
    () => parseManifest(Buffer.from('{"schemaVersion":2}'), OCI_MANIFEST),
    /not an image manifest or index/,
  );
  assert.throws(() => parseManifest(Buffer.from('not json'), OCI_MANIFEST), /not valid JSON/);
});
