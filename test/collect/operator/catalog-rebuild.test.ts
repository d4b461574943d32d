/**
 * rebuildCatalog / buildLayer (collectors.md §2.10): a filtered catalog is the original platform images plus a
 * whiteout layer and a layer with the filtered FBC, assembled into an index tagged in the cache. The originals are
 * fixture images (test/harness/fixture-manifests.ts) pushed into a CacheStore; every assertion reads back the
 * stored bytes: the index, the child manifests, the configs and the gunzipped tars of the two new layers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { extract as tarExtract, type Header } from 'tar-stream';
import { buildLayer, rebuildCatalog, type RebuildOptions } from '../../../core/collect/operator/catalog-rebuild.js';
import {
  readCatalogImage,
  readPlatformImage,
  type PlatformImage,
} from '../../../core/collect/operator/catalog-image.js';
import { CONFIGS_LABEL, CatalogImageError, extractConfigs } from '../../../core/collect/operator/extract-configs.js';
import { CacheStore } from '../../../core/store/cache-store.js';
import type { Manifest } from '../../../core/store/image-store.js';
import { DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_INDEX, OCI_MANIFEST } from '../../../core/registry/media-types.js';
import { buildImage, buildIndex, type BuiltIndex, type BuiltManifest } from '../../harness/fixture-manifests.js';
import { tempDirForTest } from '../../harness/temp-dir.js';

const NO_SIGNAL = new AbortController().signal;
const REPO = 'redhat/redhat-operator-index';
const TAG = '0123456789abcdef0123456789abcdef';
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
const DOCKER_LAYER = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
const EPOCH = '1970-01-01T00:00:00.000Z';

/** The filtered FBC the tests put under /configs. */
const FBC_FILES: Record<string, string> = {
  'foo/catalog.json': '{"schema":"olm.package","name":"foo","defaultChannel":"beta"}\n',
  'bar/catalog.json': '{"schema":"olm.package","name":"bar","defaultChannel":"stable"}\n{"schema":"olm.channel"}\n',
  'catalog.json': '{"schema":"example.other"}\n',
};

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function pushImage(cache: CacheStore, image: BuiltManifest, tag?: string): Promise<void> {
  for (const blob of [image.config, ...image.layers]) {
    await cache.putBlob(REPO, { digest: blob.digest, size: blob.size }, blob.open(), { signal: NO_SIGNAL });
  }
  const manifest: Manifest = { bytes: image.bytes, mediaType: image.mediaType, digest: image.digest };
  await cache.putManifest(REPO, tag ?? image.digest, manifest, NO_SIGNAL);
}

async function pushIndex(cache: CacheStore, index: BuiltIndex, tag: string): Promise<void> {
  for (const child of index.children) await pushImage(cache, child);
  await cache.putManifest(
    REPO,
    tag,
    { bytes: index.bytes, mediaType: index.mediaType, digest: index.digest },
    NO_SIGNAL,
  );
}

/** The platform images of `reference`, read the way prepare-catalog does before a rebuild. */
async function platformImages(cache: CacheStore, reference: string): Promise<PlatformImage[]> {
  const loc = { store: cache, repository: REPO, reference, catalog: `registry.example.com/${REPO}:v4.16` };
  const image = await readCatalogImage(loc, undefined, NO_SIGNAL);
  const images: PlatformImage[] = [];
  for (const child of image.children) images.push(await readPlatformImage(loc, child, NO_SIGNAL));
  return images;
}

async function blobBytes(cache: CacheStore, digest: string): Promise<Buffer> {
  const blob = await cache.openBlob(REPO, digest, { signal: NO_SIGNAL });
  return readAll(blob.stream);
}

interface TarRecord {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  mtime: number;
  size: number;
  body: string;
}

/** Every entry of a tar, headers and content, in archive order. */
async function tarRecords(tar: Buffer): Promise<TarRecord[]> {
  const untar = tarExtract();
  const records: TarRecord[] = [];
  const done = (async () => {
    for await (const entry of untar as unknown as AsyncIterable<Readable & { header: Header }>) {
      const h = entry.header;
      records.push({
        name: h.name,
        type: h.type ?? 'file',
        mode: h.mode ?? -1,
        uid: h.uid ?? -1,
        gid: h.gid ?? -1,
        uname: h.uname ?? '',
        gname: h.gname ?? '',
        mtime: h.mtime?.getTime() ?? -1,
        size: h.size ?? -1,
        body: (await readAll(entry)).toString('utf8'),
      });
    }
  })();
  untar.end(tar);
  await done;
  return records;
}

function fileRecord(name: string, body: string): TarRecord {
  return {
    name,
    type: 'file',
    mode: 0o644,
    uid: 0,
    gid: 0,
    uname: '',
    gname: '',
    mtime: 0,
    size: Buffer.byteLength(body),
    body,
  };
}

function dirRecord(name: string): TarRecord {
  return { name, type: 'directory', mode: 0o755, uid: 0, gid: 0, uname: '', gname: '', mtime: 0, size: 0, body: '' };
}

/** The configs layer expected for {@link FBC_FILES}: sorted, directories first in their place, fixed metadata. */
const EXPECTED_CONFIGS_LAYER: TarRecord[] = [
  dirRecord('configs/'),
  dirRecord('configs/bar/'),
  fileRecord('configs/bar/catalog.json', FBC_FILES['bar/catalog.json']),
  fileRecord('configs/catalog.json', FBC_FILES['catalog.json']),
  dirRecord('configs/foo/'),
  fileRecord('configs/foo/catalog.json', FBC_FILES['foo/catalog.json']),
];

interface Layer {
  digest: string;
  mediaType: string;
  size: number;
}

interface ImageDoc {
  schemaVersion: number;
  mediaType: string;
  config: Layer;
  layers: Layer[];
  annotations?: Record<string, string>;
}

interface ConfigDoc {
  architecture?: string;
  os?: string;
  variant?: string;
  config: { Cmd?: string[]; Env?: string[]; Labels?: Record<string, string> };
  rootfs: { type: string; diff_ids: string[] };
  history?: { created?: string; created_by?: string; empty_layer?: boolean }[];
}

interface IndexDoc {
  schemaVersion: number;
  mediaType: string;
  manifests: { mediaType: string; digest: string; size: number; platform: Record<string, string> }[];
}

interface World {
  root: string;
  cache: CacheStore;
  fbcDir: string;
  scratchDir: string;
  rebuild(images: PlatformImage[], extra?: Partial<RebuildOptions>): Promise<string>;
}

async function world(t: { after(fn: () => Promise<void> | void): void }): Promise<World> {
  const root = await tempDirForTest(t, 'catalog-rebuild-');
  const cache = new CacheStore(join(root, 'cache'));
  const fbcDir = join(root, 'filtered', 'catalog');
  await writeTree(fbcDir, FBC_FILES);
  const scratchDir = join(root, 'scratch', 'rebuild-tmp');
  return {
    root,
    cache,
    fbcDir,
    scratchDir,
    rebuild: (images, extra = {}) =>
      rebuildCatalog({
        cache,
        repository: REPO,
        images,
        originalConfigsDir: 'configs',
        fbcDir,
        tag: TAG,
        scratchDir,
        catalog: `registry.example.com/${REPO}:v4.16`,
        signal: NO_SIGNAL,
        ...extra,
      }),
  };
}

/** What the cache holds for the rebuilt index: the index document and, per child, manifest, config and new layers. */
async function readRebuilt(cache: CacheStore, reference: string) {
  const top = await cache.getManifest(REPO, reference, NO_SIGNAL);
  assert.equal(top.digest, sha256(top.bytes));
  const index = JSON.parse(top.bytes.toString('utf8')) as IndexDoc;
  const children = [];
  for (const d of index.manifests) {
    const m = await cache.getManifest(REPO, d.digest, NO_SIGNAL);
    assert.equal(m.digest, d.digest);
    assert.equal(m.bytes.length, d.size);
    const manifest = JSON.parse(m.bytes.toString('utf8')) as ImageDoc;
    const configBytes = await blobBytes(cache, manifest.config.digest);
    assert.equal(sha256(configBytes), manifest.config.digest);
    assert.equal(configBytes.length, manifest.config.size);
    const config = JSON.parse(configBytes.toString('utf8')) as ConfigDoc;
    const added = [];
    for (const layer of manifest.layers.slice(-2)) {
      const compressed = await blobBytes(cache, layer.digest);
      assert.equal(sha256(compressed), layer.digest);
      assert.equal(compressed.length, layer.size);
      const tar = gunzipSync(compressed);
      added.push({ layer, compressed, tar, diffId: sha256(tar), records: await tarRecords(tar) });
    }
    children.push({ descriptor: d, manifest, manifestBytes: m.bytes, config, added });
  }
  return { top, index, children };
}

/** Asserts one rebuilt child against its original image. */
function assertChild(
  child: Awaited<ReturnType<typeof readRebuilt>>['children'][number],
  original: BuiltManifest,
  expect: { layerMediaType: string; whiteoutName: string; label?: string },
): void {
  const originalManifest = JSON.parse(original.bytes.toString('utf8')) as ImageDoc;
  const originalConfig = JSON.parse(original.config.bytes?.toString('utf8') ?? '{}') as ConfigDoc;

  // Manifest: the original's fields, its layers unchanged and first, then the two new layers.
  assert.equal(child.manifest.schemaVersion, 2);
  assert.equal(child.manifest.mediaType, original.mediaType);
  assert.equal(child.descriptor.mediaType, original.mediaType);
  assert.deepEqual(child.manifest.annotations, originalManifest.annotations);
  assert.equal(child.manifest.layers.length, originalManifest.layers.length + 2);
  assert.deepEqual(child.manifest.layers.slice(0, -2), originalManifest.layers);
  assert.deepEqual(
    child.manifest.layers.slice(-2).map((l) => l.mediaType),
    [expect.layerMediaType, expect.layerMediaType],
  );
  assert.equal(child.manifest.config.mediaType, original.config.mediaType);
  assert.notEqual(child.manifest.config.digest, original.config.digest);

  // Layers: the whiteout, then the FBC.
  const [whiteout, configs] = child.added;
  assert.deepEqual(whiteout.records, [fileRecord(expect.whiteoutName, '')]);
  assert.deepEqual(configs.records, EXPECTED_CONFIGS_LAYER);

  // Config: Cmd and label changed, diff_ids and history extended, everything else as it was.
  const expectedConfig: ConfigDoc = {
    ...originalConfig,
    config: {
      ...originalConfig.config,
      Cmd: ['serve', '/configs'],
      Labels: { ...originalConfig.config.Labels, ...(expect.label ? { [CONFIGS_LABEL]: expect.label } : {}) },
    },
    rootfs: { type: 'layers', diff_ids: [...originalConfig.rootfs.diff_ids, whiteout.diffId, configs.diffId] },
  };
  const { history, ...rest } = child.config;
  const { history: _expectedHistory, ...expectedRest } = expectedConfig;
  assert.deepEqual(rest, expectedRest);
  assert.ok(history);
  assert.equal(history.length, (originalConfig.history ?? []).length + 2);
  assert.deepEqual(history.slice(0, -2), originalConfig.history);
  for (const h of history.slice(-2)) {
    assert.equal(h.created, EPOCH);
    assert.ok(typeof h.created_by === 'string' && h.created_by.length > 0);
    assert.notEqual(h.empty_layer, true);
  }
  // One non-empty history entry per layer, as image tools expect.
  assert.equal(history.filter((h) => !h.empty_layer).length, child.manifest.layers.length);
  assert.equal(child.config.rootfs.diff_ids.length, child.manifest.layers.length);
}

// ---------------------------------------------------------------------------------------------------------------

test('Docker manifest list with 2 platforms → Docker manifest list, each child rebuilt with Docker layers', async (t) => {
  const w = await world(t);
  const original = await buildIndex({
    seed: 'catalog-docker',
    format: 'docker',
    platforms: [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ],
    files: { 'configs/old-pkg/catalog.json': '{"schema":"olm.package","name":"old-pkg"}' },
    labels: { [CONFIGS_LABEL]: '/configs' },
  });
  await pushIndex(w.cache, original, 'v4.16');
  const images = await platformImages(w.cache, 'v4.16');
  assert.equal(images.length, 2);

  const digest = await w.rebuild(images);
  const rebuilt = await readRebuilt(w.cache, TAG);
  assert.equal(rebuilt.top.digest, digest);
  assert.equal(rebuilt.top.mediaType, DOCKER_MANIFEST_LIST);
  assert.equal(rebuilt.index.schemaVersion, 2);
  assert.equal(rebuilt.index.mediaType, DOCKER_MANIFEST_LIST);
  assert.deepEqual(
    rebuilt.index.manifests.map((m) => [m.mediaType, m.platform]),
    [
      [DOCKER_MANIFEST, { os: 'linux', architecture: 'amd64' }],
      [DOCKER_MANIFEST, { os: 'linux', architecture: 'arm64', variant: 'v8' }],
    ],
  );
  for (const [i, child] of rebuilt.children.entries()) {
    assertChild(child, original.children[i], {
      layerMediaType: DOCKER_LAYER,
      whiteoutName: '.wh.configs',
      label: '/configs',
    });
  }
  // Both platforms share the same two new layer blobs.
  assert.deepEqual(rebuilt.children[0].manifest.layers.slice(-2), rebuilt.children[1].manifest.layers.slice(-2));
  // The original is untouched.
  assert.equal((await w.cache.getManifest(REPO, 'v4.16', NO_SIGNAL)).digest, original.digest);
});

test('single OCI image → one-entry OCI index, platform taken from the config, OCI layers', async (t) => {
  const w = await world(t);
  const original = await buildImage({
    seed: 'catalog-oci',
    format: 'oci',
    platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    files: { 'configs/old-pkg/catalog.json': '{}' },
    labels: { [CONFIGS_LABEL]: '/configs' },
    annotations: { 'org.opencontainers.image.title': 'catalog' },
  });
  await pushImage(w.cache, original, 'v4.16');
  const images = await platformImages(w.cache, 'v4.16');
  assert.equal(images.length, 1);
  assert.equal(images[0].descriptor, undefined);

  const digest = await w.rebuild(images);
  const rebuilt = await readRebuilt(w.cache, TAG);
  assert.equal(rebuilt.top.digest, digest);
  assert.equal(rebuilt.index.mediaType, OCI_INDEX);
  assert.equal(rebuilt.index.manifests.length, 1);
  assert.equal(rebuilt.index.manifests[0].mediaType, OCI_MANIFEST);
  assert.deepEqual(rebuilt.index.manifests[0].platform, { os: 'linux', architecture: 'arm64', variant: 'v8' });
  assertChild(rebuilt.children[0], original, {
    layerMediaType: OCI_LAYER,
    whiteoutName: '.wh.configs',
    label: '/configs',
  });
});

test('the index descriptor`s platform is preserved as it was, whatever the config says', async (t) => {
  const w = await world(t);
  const original = await buildIndex({
    seed: 'descriptor-platform',
    format: 'docker',
    platforms: [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ],
    files: { 'configs/a/catalog.json': '{}' },
  });
  await pushIndex(w.cache, original, 'v1');
  const images = await platformImages(w.cache, 'v1');
  for (const image of images) {
    image.configJson.os = 'plan9';
    image.configJson.architecture = 'mips';
    delete image.configJson.variant;
  }
  await w.rebuild(images);
  const rebuilt = await readRebuilt(w.cache, TAG);
  assert.deepEqual(
    rebuilt.index.manifests.map((m) => m.platform),
    [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ],
  );
});

test('no platform anywhere → linux/amd64; no configs label → none added', async (t) => {
  const w = await world(t);
  const original = await buildImage({ seed: 'catalog-noplatform', files: { 'configs/x/catalog.json': '{}' } });
  await pushImage(w.cache, original, 'v1');
  const [image] = await platformImages(w.cache, 'v1');
  delete image.configJson.os;
  delete image.configJson.architecture;
  await w.rebuild([image]);
  const rebuilt = await readRebuilt(w.cache, TAG);
  assert.deepEqual(rebuilt.index.manifests[0].platform, { os: 'linux', architecture: 'amd64' });
  const labels = rebuilt.children[0].config.config.Labels ?? {};
  assert.equal(CONFIGS_LABEL in labels, false);
  assert.deepEqual(rebuilt.children[0].config.config.Cmd, ['serve', '/configs']);
});

test('mixed Docker and OCI children → OCI index, each child keeps its own manifest and layer media types', async (t) => {
  const w = await world(t);
  const docker = await buildImage({
    seed: 'mixed-docker',
    format: 'docker',
    files: { 'configs/a/catalog.json': '{}' },
  });
  const oci = await buildImage({
    seed: 'mixed-oci',
    format: 'oci',
    platform: { os: 'linux', architecture: 's390x' },
    files: { 'configs/a/catalog.json': '{}' },
  });
  await pushImage(w.cache, docker, 'docker');
  await pushImage(w.cache, oci, 'oci');
  const images = [...(await platformImages(w.cache, 'docker')), ...(await platformImages(w.cache, 'oci'))];
  await w.rebuild(images);
  const rebuilt = await readRebuilt(w.cache, TAG);
  assert.equal(rebuilt.index.mediaType, OCI_INDEX);
  assert.deepEqual(
    rebuilt.index.manifests.map((m) => [m.mediaType, m.platform.architecture]),
    [
      [DOCKER_MANIFEST, 'amd64'],
      [OCI_MANIFEST, 's390x'],
    ],
  );
  assert.deepEqual(
    rebuilt.children.map((c) => c.manifest.layers.slice(-2).map((l) => l.mediaType)),
    [
      [DOCKER_LAYER, DOCKER_LAYER],
      [OCI_LAYER, OCI_LAYER],
    ],
  );
});

test('originalConfigsDir `opt/configs`: the whiteout is `opt/.wh.configs`; the label is reset to /configs', async (t) => {
  const w = await world(t);
  const original = await buildImage({
    seed: 'catalog-opt',
    format: 'docker',
    files: { 'opt/configs/old-pkg/catalog.json': '{"schema":"olm.package","name":"old-pkg"}' },
    labels: { [CONFIGS_LABEL]: '/opt/configs', 'io.example/keep': 'yes' },
  });
  await pushImage(w.cache, original, 'v1');
  await w.rebuild(await platformImages(w.cache, 'v1'), { originalConfigsDir: 'opt/configs' });
  const rebuilt = await readRebuilt(w.cache, TAG);
  assertChild(rebuilt.children[0], original, {
    layerMediaType: DOCKER_LAYER,
    whiteoutName: 'opt/.wh.configs',
    label: '/configs',
  });
  assert.equal(rebuilt.children[0].config.config.Labels?.['io.example/keep'], 'yes');
  assert.equal(rebuilt.children[0].config.config.Labels?.[CONFIGS_LABEL], '/configs');
});

test('round trip: extracting the rebuilt image gives exactly the filtered FBC, the old one is gone', async (t) => {
  const w = await world(t);
  const original = await buildIndex({
    seed: 'roundtrip',
    format: 'docker',
    platforms: [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'ppc64le' },
    ],
    files: {
      'configs/old-pkg/catalog.json': 'old',
      'configs/foo/catalog.json': 'the unfiltered foo',
      'configs/foo/extra.json': 'dropped by the filter',
    },
    labels: { [CONFIGS_LABEL]: '/configs' },
  });
  await pushIndex(w.cache, original, 'v1');
  await w.rebuild(await platformImages(w.cache, 'v1'));
  for (const image of await platformImages(w.cache, TAG)) {
    const target = join(w.root, 'extracted', image.descriptor?.platform?.architecture ?? 'none');
    const root = await extractConfigs({
      store: w.cache,
      repository: REPO,
      layers: image.layers,
      configsDir: 'configs',
      target,
      catalog: 'roundtrip',
      signal: NO_SIGNAL,
    });
    const files = (await readdir(root, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
      .sort();
    assert.deepEqual(files, Object.keys(FBC_FILES).sort());
    for (const [path, text] of Object.entries(FBC_FILES)) assert.equal(await readFile(join(root, path), 'utf8'), text);
  }
});

test('the index is tagged with the given tag; the child manifests are stored by digest', async (t) => {
  const w = await world(t);
  const original = await buildIndex({
    seed: 'tagging',
    format: 'docker',
    platforms: [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
    ],
    files: { 'configs/a/catalog.json': '{}' },
  });
  await pushIndex(w.cache, original, 'v4.16');
  const digest = await w.rebuild(await platformImages(w.cache, 'v4.16'), { tag: 'filtered-1' });
  assert.deepEqual(await w.cache.listTags(REPO, NO_SIGNAL), ['filtered-1', 'v4.16']);
  const head = await w.cache.headManifest(REPO, 'filtered-1', NO_SIGNAL);
  assert.equal(head?.digest, digest);
  assert.equal(head?.mediaType, DOCKER_MANIFEST_LIST);
  assert.equal(await w.cache.headManifest(REPO, TAG, NO_SIGNAL), undefined);
});

test('scratch layer files are removed after a rebuild', async (t) => {
  const w = await world(t);
  const original = await buildImage({ seed: 'scratch', files: { 'configs/a/catalog.json': '{}' } });
  await pushImage(w.cache, original, 'v1');
  await w.rebuild(await platformImages(w.cache, 'v1'));
  assert.deepEqual(await readdir(w.scratchDir), []);
});

test('an unsupported manifest type fails with a CatalogImageError, no tag, no scratch files left', async (t) => {
  const w = await world(t);
  const original = await buildImage({ seed: 'unsupported', files: { 'configs/a/catalog.json': '{}' } });
  await pushImage(w.cache, original, 'v1');
  const [image] = await platformImages(w.cache, 'v1');
  const schema1 = 'application/vnd.docker.distribution.manifest.v1+prettyjws';
  const bad: PlatformImage = { ...image, manifest: { ...image.manifest, mediaType: schema1 } };
  await assert.rejects(w.rebuild([bad]), (err: unknown) => {
    assert.ok(err instanceof CatalogImageError, String(err));
    assert.ok(err.message.includes(schema1), err.message);
    assert.ok(err.message.includes(`registry.example.com/${REPO}:v4.16`), err.message);
    return true;
  });
  assert.equal(await w.cache.headManifest(REPO, TAG, NO_SIGNAL), undefined);
  assert.deepEqual(await readdir(w.scratchDir), []);
});

test('an aborted signal stops the rebuild; no tag, no scratch files left', async (t) => {
  const w = await world(t);
  const original = await buildImage({ seed: 'abort', files: { 'configs/a/catalog.json': '{}' } });
  await pushImage(w.cache, original, 'v1');
  const images = await platformImages(w.cache, 'v1');
  const controller = new AbortController();
  const reason = new Error('stop');
  controller.abort(reason);
  await assert.rejects(w.rebuild(images, { signal: controller.signal }));
  assert.equal(await w.cache.headManifest(REPO, TAG, NO_SIGNAL), undefined);
  assert.deepEqual(await readdir(w.scratchDir), []);
});

// ---------------------------------------------------------------------------------------------------------------
// Determinism

/** Writes FBC_FILES in the given order, then sets every file's and directory's times to `when`. */
async function writeFbcCopy(dir: string, order: string[], when: Date): Promise<void> {
  for (const path of order) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), FBC_FILES[path]);
  }
  for (const path of [...order, 'foo', 'bar', '.']) await utimes(join(dir, path), when, when);
}

test('determinism: two rebuilds (other scratch dirs, other file times and creation order) give the same digests', async (t) => {
  const w = await world(t);
  const original = await buildIndex({
    seed: 'determinism',
    format: 'docker',
    platforms: [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ],
    files: { 'configs/old/catalog.json': '{}' },
    labels: { [CONFIGS_LABEL]: '/configs' },
  });
  await pushIndex(w.cache, original, 'v1');
  const images = await platformImages(w.cache, 'v1');

  const first = join(w.root, 'fbc-1');
  await writeFbcCopy(first, Object.keys(FBC_FILES), new Date('2001-02-03T04:05:06Z'));
  const second = join(w.root, 'fbc-2');
  await writeFbcCopy(second, Object.keys(FBC_FILES).reverse(), new Date('2030-12-31T23:59:59Z'));
  assert.notEqual(
    (await stat(join(first, 'foo/catalog.json'))).mtimeMs,
    (await stat(join(second, 'foo/catalog.json'))).mtimeMs,
  );

  const d1 = await w.rebuild(images, { fbcDir: first, scratchDir: join(w.root, 'scratch-a'), tag: 'one' });
  const r1 = await readRebuilt(w.cache, 'one');
  // A second cache: nothing can be reused from the first run.
  const cache2 = new CacheStore(join(w.root, 'cache-2'));
  await pushIndex(cache2, original, 'v1');
  const d2 = await rebuildCatalog({
    cache: cache2,
    repository: REPO,
    images: await platformImages(cache2, 'v1'),
    originalConfigsDir: 'configs',
    fbcDir: second,
    tag: 'two',
    scratchDir: join(w.root, 'elsewhere', 'scratch-b'),
    catalog: 'c',
    signal: NO_SIGNAL,
  });
  const r2 = await readRebuilt(cache2, 'two');
  assert.equal(d1, d2);
  assert.ok(r1.top.bytes.equals(r2.top.bytes));
  for (let i = 0; i < r1.children.length; i++) {
    assert.ok(r1.children[i].manifestBytes.equals(r2.children[i].manifestBytes));
    assert.ok(r1.children[i].added[1].compressed.equals(r2.children[i].added[1].compressed));
  }

  // Rebuilding again into the same cache is idempotent.
  assert.equal(await w.rebuild(images, { fbcDir: first, scratchDir: join(w.root, 'scratch-c'), tag: 'one' }), d1);

  // Sanity: the digest does depend on the content.
  await writeFile(join(second, 'foo/catalog.json'), `${FBC_FILES['foo/catalog.json']} `);
  const d3 = await w.rebuild(images, { fbcDir: second, scratchDir: join(w.root, 'scratch-d'), tag: 'three' });
  assert.notEqual(d3, d1);
});

// ---------------------------------------------------------------------------------------------------------------
// buildLayer

test('buildLayer: digest and size of the gzip file, diffId of the tar inside', async (t) => {
  const dir = await tempDirForTest(t, 'build-layer-');
  const path = join(dir, 'layer.tar.gz');
  const built = await buildLayer(path, async (pack) => {
    await new Promise<void>((resolve, reject) =>
      pack.entry({ name: 'hello.txt', mtime: new Date(0) }, 'hello', (err) => (err ? reject(err) : resolve())),
    );
  });
  const bytes = await readFile(path);
  assert.equal(built.path, path);
  assert.equal(built.size, bytes.length);
  assert.equal(built.digest, sha256(bytes));
  const tar = gunzipSync(bytes);
  assert.equal(built.diffId, sha256(tar));
  assert.notEqual(built.diffId, built.digest);
  const records = await tarRecords(tar);
  assert.deepEqual(
    records.map((r) => [r.name, r.body]),
    [['hello.txt', 'hello']],
  );
});

test('buildLayer: the same content twice gives the same bytes', async (t) => {
  const dir = await tempDirForTest(t, 'build-layer-');
  const fill = async (pack: Parameters<Parameters<typeof buildLayer>[1]>[0]) => {
    pack.entry({ name: 'a', mtime: new Date(0), uid: 0, gid: 0 }, 'content');
  };
  const a = await buildLayer(join(dir, 'a.tar.gz'), fill);
  const b = await buildLayer(join(dir, 'b.tar.gz'), fill);
  assert.equal(a.digest, b.digest);
  assert.equal(a.diffId, b.diffId);
  assert.ok((await readFile(a.path)).equals(await readFile(b.path)));
});

test('buildLayer: an error of fill is rethrown', async (t) => {
  const dir = await tempDirForTest(t, 'build-layer-');
  const boom = new Error('fill failed');
  await assert.rejects(
    buildLayer(join(dir, 'x.tar.gz'), async () => {
      throw boom;
    }),
    (err) => err === boom,
  );
});

test('a missing FBC directory fails the rebuild and leaves no scratch layer files (not even the whiteout layer)', async (t) => {
  const w = await world(t);
  const original = await buildImage({ seed: 'missing-fbc', files: { 'configs/a/catalog.json': '{}' } });
  await pushImage(w.cache, original, 'v1');
  const images = await platformImages(w.cache, 'v1');
  await rm(w.fbcDir, { recursive: true });
  await assert.rejects(w.rebuild(images));
  assert.equal(await w.cache.headManifest(REPO, TAG, NO_SIGNAL), undefined);
  assert.deepEqual(await readdir(w.scratchDir), []);
});
