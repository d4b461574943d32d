import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';
import {
  buildImage,
  buildIndex,
  FIXTURE_MEDIA_TYPES,
  pushBigLayerImage,
  pushImage,
  pushImagesSharingBase,
  pushManyLayerImage,
  pushMultiArchImage,
  seedTestdataMultiArch,
  TESTDATA_MULTI_ARCH_DIGEST,
} from '../harness/fixture-images.js';
import { writeOciLayout } from '../harness/fixture-oci-layout.js';
import { startRegistry } from '../harness/registry-server.js';
import type { RunningRegistry } from '../harness/registry-server.js';
import {
  skopeoCopy,
  skopeoInspectConfigRaw,
  skopeoInspectRaw,
  skopeoListTags,
  skopeoManifestDigest,
  skopeoOptionsFor,
} from '../harness/skopeo.js';
import { tempDirForTest } from '../harness/temp-dir.js';

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

async function untar(tar: Buffer): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => {
        chunks.push(c as Buffer);
      });
      stream.on('end', () => {
        if (header.type === 'file') files.set(header.name, Buffer.concat(chunks).toString('utf8'));
        next();
      });
    });
    ex.on('finish', resolve);
    ex.on('error', reject);
  });
  ex.end(tar);
  await done;
  return files;
}

describe('fixture images pushed into a real registry', () => {
  let registry: RunningRegistry;
  before(async () => {
    registry = await startRegistry();
  });
  after(() => registry.stop());

  test('building is deterministic and the seed changes the digest', async () => {
    const a = await buildIndex({ seed: 'x', format: 'docker' });
    const b = await buildIndex({ seed: 'x', format: 'docker' });
    const c = await buildIndex({ seed: 'y', format: 'docker' });
    assert.equal(a.digest, b.digest);
    assert.ok(a.bytes.equals(b.bytes));
    assert.notEqual(a.digest, c.digest);
  });

  test('single-arch OCI image: raw manifest, digest and config are byte-exact', async () => {
    const opts = skopeoOptionsFor(registry);
    const image = await pushImage(registry, 'fx/oci-single:v1', { layers: 3 });
    assert.equal(image.reference, `${registry.host}/fx/oci-single:v1`);
    assert.equal(image.mediaType, FIXTURE_MEDIA_TYPES.ociManifest);
    assert.equal(image.manifests.length, 1);
    assert.equal(image.manifests[0].layers.length, 3);
    assert.equal(image.blobs.length, 4);
    const raw = await skopeoInspectRaw(image.reference, opts);
    assert.ok(raw.equals(image.manifestBytes), 'raw manifest differs');
    assert.equal(await skopeoManifestDigest(image.digestReference, opts), image.digest);
    const config = await skopeoInspectConfigRaw(image.reference, opts);
    const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
    assert.equal(configDigest, image.manifests[0].config.digest);
    assert.equal(JSON.parse(config.toString()).architecture, 'amd64');
  });

  test('Docker schema2 image keeps the docker media types', async () => {
    const opts = skopeoOptionsFor(registry);
    const image = await pushImage(registry, 'fx/docker-single:v1', { format: 'docker' });
    const raw = JSON.parse((await skopeoInspectRaw(image.reference, opts)).toString()) as {
      mediaType: string;
      config: { mediaType: string };
      layers: { mediaType: string }[];
    };
    assert.equal(raw.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    assert.equal(raw.config.mediaType, 'application/vnd.docker.container.image.v1+json');
    assert.deepEqual(
      raw.layers.map((l) => l.mediaType),
      ['application/vnd.docker.image.rootfs.diff.tar.gzip', 'application/vnd.docker.image.rootfs.diff.tar.gzip'],
    );
    assert.equal(await skopeoManifestDigest(image.reference, opts), image.digest);
  });

  for (const format of ['oci', 'docker'] as const) {
    test(`multi-arch ${format} index: top and child digests as pushed`, async () => {
      const opts = skopeoOptionsFor(registry);
      const image = await pushMultiArchImage(registry, `fx/multi-${format}:v1`, { format });
      assert.equal(
        image.mediaType,
        format === 'oci' ? FIXTURE_MEDIA_TYPES.ociIndex : FIXTURE_MEDIA_TYPES.dockerManifestList,
      );
      assert.deepEqual(
        image.manifests.map((m) => `${m.platform?.os}/${m.platform?.architecture}`),
        ['linux/amd64', 'linux/arm64', 'linux/ppc64le', 'linux/s390x'],
      );
      assert.equal(new Set(image.manifests.map((m) => m.digest)).size, 4);
      assert.equal(await skopeoManifestDigest(image.reference, opts), image.digest);
      for (const child of image.manifests) {
        const raw = await skopeoInspectRaw(`${registry.host}/fx/multi-${format}@${child.digest}`, opts);
        assert.ok(raw.equals(child.bytes));
      }
    });
  }

  test('layers are real gzip tars; files option lands in the image', async (t) => {
    const dir = await tempDirForTest(t, 'fx-dir-');
    const image = await pushImage(registry, 'fx/files:v1', {
      layers: 1,
      files: { 'configs/pkg/catalog.json': '{"schema":"olm.package"}' },
      labels: { 'operators.operatorframework.io.index.configs.v1': '/configs' },
    });
    await skopeoCopy(image.reference, `dir:${dir}`, { ...skopeoOptionsFor(registry), preserveDigests: true });
    const filesLayer = image.manifests[0].layers[1];
    const tar = gunzipSync(await readFile(join(dir, filesLayer.digest.slice('sha256:'.length))));
    const files = await untar(tar);
    assert.equal(files.get('configs/pkg/catalog.json'), '{"schema":"olm.package"}');
    const config = JSON.parse((await skopeoInspectConfigRaw(image.reference, skopeoOptionsFor(registry))).toString());
    assert.equal(config.config.Labels['operators.operatorframework.io.index.configs.v1'], '/configs');
  });

  test('big layer is streamed; the stored blob has the announced digest and size', async (t) => {
    const size = 24 * 1024 * 1024 + 123;
    const image = await pushBigLayerImage(registry, 'fx/big:v1', size);
    const big = image.manifests[0].layers.at(-1);
    assert.ok(big);
    assert.equal(big.size, size);
    const dir = await tempDirForTest(t, 'fx-big-');
    await skopeoCopy(image.reference, `dir:${dir}`, { ...skopeoOptionsFor(registry), preserveDigests: true });
    assert.equal(await sha256File(join(dir, big.digest.slice('sha256:'.length))), big.digest);
  });

  test('many layers and shared base layers', async () => {
    const many = await pushManyLayerImage(registry, 'fx/many:v1', 30);
    assert.equal(many.manifests[0].layers.length, 30);
    assert.equal(await skopeoManifestDigest(many.reference, skopeoOptionsFor(registry)), many.digest);

    const [a, b] = await pushImagesSharingBase(registry, ['fx/app-a:v1', 'fx/app-b:v1'], { baseLayerCount: 2 });
    assert.deepEqual(
      a.manifests[0].layers.slice(0, 2).map((l) => l.digest),
      b.manifests[0].layers.slice(0, 2).map((l) => l.digest),
    );
    assert.notEqual(a.manifests[0].layers[2].digest, b.manifests[0].layers[2].digest);
    assert.equal(await skopeoManifestDigest(b.reference, skopeoOptionsFor(registry)), b.digest);
  });

  test('an image pushed without a tag is addressed by digest', async () => {
    const image = await pushImage(registry, 'fx/untagged');
    assert.equal(image.reference, image.digestReference);
    assert.equal(await skopeoManifestDigest(image.reference, skopeoOptionsFor(registry)), image.digest);
  });

  test('seedTestdataMultiArch copies the real index and its cosign signatures byte-exactly', async () => {
    const opts = skopeoOptionsFor(registry);
    const seeded = await seedTestdataMultiArch(registry, 'testdata/multi:latest', { signatures: true });
    assert.equal(seeded.digest, TESTDATA_MULTI_ARCH_DIGEST);
    assert.equal(await skopeoManifestDigest(seeded.reference, opts), TESTDATA_MULTI_ARCH_DIGEST);
    assert.deepEqual(
      seeded.manifests.map((m) => m.digest.slice(0, 15)),
      ['sha256:e033aa62', 'sha256:02f29c27', 'sha256:b15a2f17', 'sha256:832f20ad'],
    );
    assert.equal(seeded.signatures.length, 5);
    const tags = await skopeoListTags(`${registry.host}/testdata/multi`, opts);
    assert.deepEqual(tags.sort(), ['latest', ...seeded.signatures.map((s) => s.tag)].sort());
    for (const sig of seeded.signatures) {
      assert.equal(await skopeoManifestDigest(`${registry.host}/testdata/multi:${sig.tag}`, opts), sig.digest);
    }
  });

  test('writeOciLayout writes a layout skopeo copies with the same digests', async (t) => {
    const dir = await tempDirForTest(t, 'fx-layout-');
    const index = await buildIndex({ seed: 'layout', platforms: [{ os: 'linux', architecture: 'arm64' }] });
    const single = await buildImage({ seed: 'layout-single' });
    await writeOciLayout(dir, index, 'multi');
    await writeOciLayout(dir, single, 'single');
    assert.equal(await skopeoManifestDigest(`oci:${dir}:multi`), index.digest);
    const opts = skopeoOptionsFor(registry);
    await skopeoCopy(`oci:${dir}:multi`, `${registry.host}/fx/from-layout:v1`, {
      ...opts,
      all: true,
      preserveDigests: true,
    });
    assert.equal(await skopeoManifestDigest(`${registry.host}/fx/from-layout:v1`, opts), index.digest);
    await skopeoCopy(`oci:${dir}:single`, `${registry.host}/fx/from-layout:single`, { ...opts, preserveDigests: true });
    assert.equal(await skopeoManifestDigest(`${registry.host}/fx/from-layout:single`, opts), single.digest);
  });

  test('buildImage alone does not need a registry', async () => {
    const image = await buildImage({ seed: 'pure', format: 'docker', layers: 0 });
    assert.equal(image.layers.length, 0);
    assert.equal(image.mediaType, FIXTURE_MEDIA_TYPES.dockerManifest);
  });
});
