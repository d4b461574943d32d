/**
 * buildGraphImage / buildGraphDataLayer (collectors.md §1.10): the real cincinnati graph data
 * (test/fixtures/upstream/cincinnati/) re-tarred under var/lib/cincinnati-graph-data/ as one gzip layer,
 * appended to every platform image of a 2-platform base image held in a CacheStore; Cmd replaced; the index
 * stored as openshift/graph-image:latest. Every assertion reads back the stored bytes.
 *
 * Two real inputs are used: `graph-data.tar.gz` is the archive as api.openshift.com serves it (`./`, `channels/…`),
 * `cincinnati-graph-data.tar` is the layer oc-mirror built from it (`/var/lib/cincinnati-graph-data/…`, uid 0),
 * gzip'd here. Both must give the same layer, and its entries must be oc-mirror's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { extract as tarExtract, pack as tarPack, type Header } from 'tar-stream';
import {
  GRAPH_BASE_IMAGE,
  GRAPH_BASE_IMAGE_ENV,
  GRAPH_IMAGE_CMD,
  GraphImageError,
  buildGraphDataLayer,
  buildGraphImage,
  graphBaseImageReference,
  layerPathOf,
  type BuildGraphImageOptions,
} from '../../../core/collect/release/graph-image.js';
import { CacheStore } from '../../../core/store/cache-store.js';
import type { Manifest } from '../../../core/store/image-store.js';
import { DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_INDEX, OCI_MANIFEST } from '../../../core/registry/media-types.js';
import { buildIndex, type BuiltIndex, type BuiltManifest } from '../../harness/fixture-manifests.js';
import { tempDirForTest } from '../../harness/temp-dir.js';

const UPSTREAM = fileURLToPath(new URL('../../../../test/fixtures/upstream/cincinnati/', import.meta.url));
const LAYER_TAR = join(UPSTREAM, 'cincinnati-graph-data.tar');
const ENDPOINT_TAR_GZ = join(UPSTREAM, 'graph-data.tar.gz');
const NO_SIGNAL = new AbortController().signal;
const BASE_REPO = 'ubi9/ubi';
const GRAPH_REPO = 'openshift/graph-image';
const DOCKER_LAYER = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
const PLATFORMS = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64', variant: 'v8' },
];
const CMD = ['/bin/bash', '-c', 'exec cp -rp /var/lib/cincinnati-graph-data/* /var/lib/cincinnati/graph-data'];

type TestContext = { after(fn: () => Promise<void> | void): void };

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
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
  linkname?: string;
  /** sha256 of the content */
  content: string;
}

/** Every entry of a tar, in archive order. */
async function tarRecords(tar: Buffer): Promise<TarRecord[]> {
  const untar = tarExtract();
  const records: TarRecord[] = [];
  const done = (async () => {
    for await (const entry of untar as unknown as AsyncIterable<Readable & { header: Header }>) {
      const h = entry.header;
      const body = await readAll(entry);
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
        ...(h.linkname ? { linkname: h.linkname } : {}),
        content: sha256(body),
      });
    }
  })();
  untar.end(tar);
  await done;
  return records;
}

/** A small tar made with tar-stream (for hand-written, even hostile, entries). */
async function makeTar(
  entries: {
    name: string;
    type?: 'file' | 'directory' | 'symlink' | 'link' | 'fifo';
    body?: string;
    linkname?: string;
    mode?: number;
  }[],
): Promise<Buffer> {
  const archive = tarPack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const finished = new Promise<void>((resolve, reject) => {
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  const mtime = new Date('2024-01-22T11:55:00Z');
  for (const e of entries) {
    archive.entry(
      {
        name: e.name,
        type: e.type ?? 'file',
        mode: e.mode ?? 0o664,
        uid: 1000850000,
        gid: 0,
        mtime,
        linkname: e.linkname,
      },
      Buffer.from(e.body ?? ''),
    );
  }
  archive.finalize();
  await finished;
  return Buffer.concat(chunks);
}

async function pushImage(cache: CacheStore, repo: string, image: BuiltManifest): Promise<void> {
  for (const blob of [image.config, ...image.layers]) {
    await cache.putBlob(repo, { digest: blob.digest, size: blob.size }, blob.open(), { signal: NO_SIGNAL });
  }
  const manifest: Manifest = { bytes: image.bytes, mediaType: image.mediaType, digest: image.digest };
  await cache.putManifest(repo, image.digest, manifest, NO_SIGNAL);
}

async function pushIndex(cache: CacheStore, repo: string, index: BuiltIndex, tag: string): Promise<void> {
  for (const child of index.children) await pushImage(cache, repo, child);
  await cache.putManifest(
    repo,
    tag,
    { bytes: index.bytes, mediaType: index.mediaType, digest: index.digest },
    NO_SIGNAL,
  );
}

interface World {
  root: string;
  cache: CacheStore;
  base: BuiltIndex;
  /** The real graph data in the form oc-mirror's layer has it, gzip'd. */
  graphData: string;
  build(extra?: Partial<BuildGraphImageOptions>): Promise<string>;
}

/** A cache holding a 2-platform base image (`ubi9/ubi:latest`) and the gzip'd real graph data. */
async function world(t: TestContext, format: 'docker' | 'oci' = 'docker'): Promise<World> {
  const root = await tempDirForTest(t, 'graph-image-');
  const cache = new CacheStore(join(root, 'cache'));
  const base = await buildIndex({ seed: 'ubi9', format, platforms: PLATFORMS, layers: 2 });
  await pushIndex(cache, BASE_REPO, base, 'latest');
  const graphData = join(root, 'graph-data.tar.gz');
  await writeFile(graphData, gzipSync(await readFile(LAYER_TAR)));
  return {
    root,
    cache,
    base,
    graphData,
    build: (extra = {}) =>
      buildGraphImage({
        cache,
        repository: GRAPH_REPO,
        tag: 'latest',
        baseImage: { store: cache, repository: BASE_REPO, reference: 'latest' },
        graphDataTarGz: graphData,
        scratchDir: join(root, 'working-dir', 'graph-preparation'),
        signal: NO_SIGNAL,
        ...extra,
      }),
  };
}

interface IndexDoc {
  schemaVersion: number;
  mediaType: string;
  manifests: { mediaType: string; digest: string; size: number; platform: Record<string, string> }[];
}
interface ImageDoc {
  schemaVersion: number;
  mediaType: string;
  config: { mediaType: string; digest: string; size: number };
  layers: { mediaType: string; digest: string; size: number }[];
}
interface ConfigDoc {
  architecture: string;
  os: string;
  created: string;
  config: { Cmd?: string[]; Env?: string[]; Labels?: Record<string, string> };
  rootfs: { type: string; diff_ids: string[] };
  history: { created?: string; created_by?: string }[];
}

/** Reads a blob back from the cache and checks its digest and size. */
async function blob(cache: CacheStore, repo: string, d: { digest: string; size: number }): Promise<Buffer> {
  assert.equal(await cache.hasBlob(repo, d.digest, NO_SIGNAL), d.size, `blob ${d.digest} present`);
  const bytes = await readAll((await cache.openBlob(repo, d.digest, { signal: NO_SIGNAL })).stream);
  assert.equal(sha256(bytes), d.digest);
  assert.equal(bytes.length, d.size);
  return bytes;
}

/** The stored graph image: index, and per child manifest, config and the appended layer (gunzipped). */
async function readGraphImage(cache: CacheStore, reference = 'latest') {
  const top = await cache.getManifest(GRAPH_REPO, reference, NO_SIGNAL);
  assert.equal(top.digest, sha256(top.bytes));
  const index = JSON.parse(top.bytes.toString('utf8')) as IndexDoc;
  const children = [];
  for (const d of index.manifests) {
    const m = await cache.getManifest(GRAPH_REPO, d.digest, NO_SIGNAL);
    assert.equal(m.digest, d.digest);
    assert.equal(m.bytes.length, d.size);
    const manifest = JSON.parse(m.bytes.toString('utf8')) as ImageDoc;
    assert.equal(manifest.mediaType, d.mediaType);
    const config = JSON.parse((await blob(cache, GRAPH_REPO, manifest.config)).toString('utf8')) as ConfigDoc;
    for (const layer of manifest.layers) await blob(cache, GRAPH_REPO, layer);
    const last = manifest.layers[manifest.layers.length - 1];
    const tar = gunzipSync(await blob(cache, GRAPH_REPO, last));
    children.push({ descriptor: d, manifest, config, tar });
  }
  return { top, index, children };
}

/** The records of oc-mirror's layer as this builder writes them: relative names, fixed time, no user names. */
async function expectedRecords(): Promise<TarRecord[]> {
  return (await tarRecords(await readFile(LAYER_TAR))).map((r) => ({
    ...r,
    name: r.name.replace(/^\/+/, '') + (r.type === 'directory' && !r.name.endsWith('/') ? '/' : ''),
    mode: r.mode & 0o7777,
    uname: '',
    gname: '',
    mtime: 0,
  }));
}

test('the real graph data becomes one layer on each platform image of a Docker base: Cmd, history, manifest list', async (t) => {
  const w = await world(t);
  const digest = await w.build();
  const { top, index, children } = await readGraphImage(w.cache);
  assert.equal(top.digest, digest);
  assert.equal(top.mediaType, DOCKER_MANIFEST_LIST);
  assert.equal(index.mediaType, DOCKER_MANIFEST_LIST);
  assert.equal(index.schemaVersion, 2);
  assert.deepEqual(
    index.manifests.map((d) => d.platform),
    PLATFORMS,
  );
  assert.equal(children.length, 2);
  const layerDigests = new Set<string>();
  for (const [i, child] of children.entries()) {
    const original = w.base.children[i];
    const originalConfig = JSON.parse(original.config.bytes!.toString('utf8')) as ConfigDoc;
    assert.equal(child.descriptor.mediaType, DOCKER_MANIFEST);
    assert.equal(child.manifest.mediaType, DOCKER_MANIFEST);
    assert.equal(child.manifest.config.mediaType, original.config.mediaType);
    // The base layers untouched, then the graph-data layer.
    assert.deepEqual(
      child.manifest.layers.slice(0, -1),
      original.layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    );
    const added = child.manifest.layers[child.manifest.layers.length - 1];
    assert.equal(added.mediaType, DOCKER_LAYER);
    layerDigests.add(added.digest);
    // Config: Cmd replaced, diff_ids and history extended, the rest kept.
    assert.deepEqual(child.config.config.Cmd, CMD);
    assert.deepEqual([...GRAPH_IMAGE_CMD], CMD);
    assert.deepEqual(child.config.config.Env, originalConfig.config.Env);
    assert.deepEqual(child.config.config.Labels, originalConfig.config.Labels);
    assert.equal(child.config.architecture, originalConfig.architecture);
    assert.equal(child.config.created, originalConfig.created);
    assert.deepEqual(child.config.rootfs.diff_ids, [...originalConfig.rootfs.diff_ids, sha256(child.tar)]);
    assert.equal(child.config.history.length, originalConfig.history.length + 1);
    assert.deepEqual(child.config.history.slice(0, -1), originalConfig.history);
    assert.match(child.config.history.at(-1)?.created_by ?? '', /cincinnati graph data/);
  }
  assert.equal(layerDigests.size, 1, 'the same layer on every platform');
});

test('the layer holds every entry of the real graph data under var/lib/cincinnati-graph-data/, as oc-mirror’s layer', async (t) => {
  const w = await world(t);
  await w.build();
  const { children } = await readGraphImage(w.cache);
  const records = await tarRecords(children[0].tar);
  const input = await tarRecords(await readFile(LAYER_TAR));
  assert.equal(input.length, 639);
  assert.equal(records.length, input.length);
  assert.deepEqual(records, await expectedRecords());
  const byName = new Map(records.map((r) => [r.name, r]));
  for (const known of [
    'var/lib/cincinnati-graph-data/',
    'var/lib/cincinnati-graph-data/version',
    'var/lib/cincinnati-graph-data/LICENSE',
    'var/lib/cincinnati-graph-data/raw/metadata.json',
    'var/lib/cincinnati-graph-data/channels/stable-4.13.yaml',
    'var/lib/cincinnati-graph-data/channels/stable-4.14.yaml',
    'var/lib/cincinnati-graph-data/blocked-edges/',
  ]) {
    assert.ok(byName.has(known), `${known} in the layer`);
  }
  assert.equal(records.filter((r) => r.name.startsWith('var/lib/cincinnati-graph-data/blocked-edges/')).length, 584);
  assert.equal(records.filter((r) => r.name.startsWith('var/lib/cincinnati-graph-data/channels/')).length, 50);
  for (const r of records) {
    assert.ok(r.name.startsWith('var/lib/cincinnati-graph-data/'), r.name);
    assert.equal(r.uid, 0);
    assert.equal(r.gid, 0);
    assert.equal(r.mtime, 0);
    assert.equal(r.mode, r.type === 'directory' ? 0o755 : 0o664, `${r.name} keeps its mode`);
  }
  // Real content, byte for byte.
  const version = await readFile(LAYER_TAR).then(tarRecords);
  const inputVersion = version.find((r) => r.name === '/var/lib/cincinnati-graph-data/version');
  assert.equal(byName.get('var/lib/cincinnati-graph-data/version')?.content, inputVersion?.content);
});

test('the archive as api.openshift.com serves it (./, channels/…) gives exactly the same layer', async (t) => {
  const root = await tempDirForTest(t, 'graph-layer-');
  const fromLayer = join(root, 'from-layer.tar.gz');
  await writeFile(fromLayer, gzipSync(await readFile(LAYER_TAR)));
  const endpoint = await tarRecords(gunzipSync(await readFile(ENDPOINT_TAR_GZ)));
  assert.equal(endpoint[0].name, './');
  assert.equal(endpoint[1].name, 'version');
  assert.equal(endpoint[1].uid, 1000850000);
  const a = await buildGraphDataLayer(ENDPOINT_TAR_GZ, join(root, 'a.tar.gz'), NO_SIGNAL);
  const b = await buildGraphDataLayer(fromLayer, join(root, 'b.tar.gz'), NO_SIGNAL);
  assert.equal(a.entries, 639);
  assert.equal(b.entries, 639);
  assert.equal(a.diffId, b.diffId);
  assert.equal(a.digest, b.digest);
  assert.deepEqual(await readFile(a.path), await readFile(b.path));
  assert.equal(a.digest, sha256(await readFile(a.path)));
  assert.equal(a.size, (await readFile(a.path)).length);
  assert.equal(a.diffId, sha256(gunzipSync(await readFile(a.path))));
  assert.deepEqual(await tarRecords(gunzipSync(await readFile(a.path))), await expectedRecords());
});

test('deterministic: two builds in two caches give the same digests; a rebuild in place changes nothing', async (t) => {
  const w1 = await world(t);
  const w2 = await world(t);
  const d1 = await w1.build();
  const d2 = await w2.build();
  assert.equal(d1, d2);
  assert.equal(await w1.build(), d1);
  const tags = await w1.cache.listTags(GRAPH_REPO, NO_SIGNAL);
  assert.deepEqual(tags, ['latest']);
  // Nothing left in the scratch directory.
  assert.deepEqual(await readdir(join(w1.root, 'working-dir', 'graph-preparation')), []);
});

test('an OCI base in another store: OCI index and layer types, base layers copied into the target repository', async (t) => {
  const w = await world(t, 'oci');
  const baseStore = w.cache;
  const target = new CacheStore(join(w.root, 'other-cache'));
  const digest = await w.build({ cache: target, repository: GRAPH_REPO });
  const { top, index, children } = await readGraphImage(target);
  assert.equal(top.digest, digest);
  assert.equal(index.mediaType, OCI_INDEX);
  for (const [i, child] of children.entries()) {
    assert.equal(child.manifest.mediaType, OCI_MANIFEST);
    assert.equal(child.manifest.layers.at(-1)?.mediaType, OCI_LAYER);
    for (const layer of w.base.children[i].layers) {
      assert.equal(await target.hasBlob(GRAPH_REPO, layer.digest, NO_SIGNAL), layer.size);
    }
  }
  // The base store was only read.
  assert.deepEqual(await baseStore.listTags(GRAPH_REPO, NO_SIGNAL), []);
});

test('a single-image base yields a one-entry index with the platform of its config', async (t) => {
  const w = await world(t);
  const single = w.base.children[1];
  await w.cache.putManifest(
    BASE_REPO,
    'single',
    { bytes: single.bytes, mediaType: single.mediaType, digest: single.digest },
    NO_SIGNAL,
  );
  await w.build({ baseImage: { store: w.cache, repository: BASE_REPO, reference: 'single' } });
  const { index } = await readGraphImage(w.cache);
  assert.equal(index.mediaType, DOCKER_MANIFEST_LIST);
  assert.deepEqual(
    index.manifests.map((d) => d.platform),
    [PLATFORMS[1]],
  );
});

test('symlinks, hardlinks and modes are kept; the archive order is kept', async (t) => {
  const root = await tempDirForTest(t, 'graph-layer-');
  const input = join(root, 'in.tar.gz');
  await writeFile(
    input,
    gzipSync(
      await makeTar([
        { name: './', type: 'directory', mode: 0o775 },
        { name: 'z-last-name-first.yaml', body: 'z\n', mode: 0o600 },
        { name: 'channels/', type: 'directory' },
        { name: 'channels/stable-4.16.yaml', body: 'name: stable-4.16\n' },
        { name: 'channels/latest.yaml', type: 'symlink', linkname: 'stable-4.16.yaml' },
        { name: 'channels/copy.yaml', type: 'link', linkname: 'channels/stable-4.16.yaml' },
        { name: 'hack/run.sh', body: '#!/bin/sh\n', mode: 0o755 },
      ]),
    ),
  );
  const layer = await buildGraphDataLayer(input, join(root, 'out.tar.gz'), NO_SIGNAL);
  assert.equal(layer.entries, 7);
  const records = await tarRecords(gunzipSync(await readFile(layer.path)));
  assert.deepEqual(
    records.map((r) => [r.name, r.type, r.mode.toString(8), r.linkname ?? '']),
    [
      ['var/lib/cincinnati-graph-data/', 'directory', '775', ''],
      ['var/lib/cincinnati-graph-data/z-last-name-first.yaml', 'file', '600', ''],
      ['var/lib/cincinnati-graph-data/channels/', 'directory', '664', ''],
      ['var/lib/cincinnati-graph-data/channels/stable-4.16.yaml', 'file', '664', ''],
      ['var/lib/cincinnati-graph-data/channels/latest.yaml', 'symlink', '664', 'stable-4.16.yaml'],
      [
        'var/lib/cincinnati-graph-data/channels/copy.yaml',
        'link',
        '664',
        'var/lib/cincinnati-graph-data/channels/stable-4.16.yaml',
      ],
      ['var/lib/cincinnati-graph-data/hack/run.sh', 'file', '755', ''],
    ],
  );
});

test('layerPathOf: relative, ./ and absolute names; already-prefixed names are not nested twice', () => {
  assert.equal(layerPathOf('./'), 'var/lib/cincinnati-graph-data');
  assert.equal(layerPathOf('channels/a.yaml'), 'var/lib/cincinnati-graph-data/channels/a.yaml');
  assert.equal(layerPathOf('./channels//a.yaml'), 'var/lib/cincinnati-graph-data/channels/a.yaml');
  assert.equal(layerPathOf('/var/lib/cincinnati-graph-data'), 'var/lib/cincinnati-graph-data');
  assert.equal(layerPathOf('/var/lib/cincinnati-graph-data/raw/x'), 'var/lib/cincinnati-graph-data/raw/x');
  assert.equal(layerPathOf('var/lib/other/x'), 'var/lib/cincinnati-graph-data/var/lib/other/x');
  assert.throws(() => layerPathOf('../../etc/passwd'), GraphImageError);
  assert.throws(() => layerPathOf('channels/../../x'), GraphImageError);
});

test('hostile or broken graph data is refused with the file named', async (t) => {
  const w = await world(t);
  const bad = join(w.root, 'bad.tar.gz');
  const cases: [string, Buffer, RegExp][] = [
    [
      'escape',
      gzipSync(await makeTar([{ name: '../../etc/cron.d/x', body: 'boom' }])),
      /leaves the graph-data directory/,
    ],
    ['fifo', gzipSync(await makeTar([{ name: 'pipe', type: 'fifo' }])), /is a fifo, which graph data cannot hold/],
    ['not gzip', Buffer.from('<html>not a tarball</html>'), /is not a gzip'd tar/],
    ['empty', gzipSync(Buffer.alloc(1024)), /holds no entries/],
    ['truncated', gzipSync((await readFile(LAYER_TAR)).subarray(0, 100_000)), /cannot read the archive/],
  ];
  for (const [label, bytes, pattern] of cases) {
    await writeFile(bad, bytes);
    await assert.rejects(w.build({ graphDataTarGz: bad }), (err: unknown) => {
      assert.ok(err instanceof GraphImageError, `${label}: ${String(err)}`);
      assert.match(err.message, pattern, label);
      assert.ok(err.message.includes(bad), `${label}: ${err.message}`);
      return true;
    });
  }
  assert.deepEqual(await w.cache.listTags(GRAPH_REPO, NO_SIGNAL), []);
  assert.deepEqual(await readdir(join(w.root, 'working-dir', 'graph-preparation')), []);
  // Called directly, the layer builder removes its half-written output too.
  const out = join(w.root, 'layer-out.tar.gz');
  await assert.rejects(buildGraphDataLayer(bad, out, NO_SIGNAL), GraphImageError);
  await assert.rejects(readFile(out), { code: 'ENOENT' });
});

test('a missing base image fails and tags nothing', async (t) => {
  const w = await world(t);
  await assert.rejects(w.build({ baseImage: { store: w.cache, repository: 'ubi9/nope', reference: 'latest' } }));
  assert.deepEqual(await w.cache.listTags(GRAPH_REPO, NO_SIGNAL), []);
});

test('cancellation stops the build', async (t) => {
  const w = await world(t);
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(w.build({ signal: controller.signal }));
  assert.deepEqual(await w.cache.listTags(GRAPH_REPO, NO_SIGNAL), []);
});

test('graphBaseImageReference: ubi9 by default, OCM_TUI_GRAPH_BASE_IMAGE when set, invalid values named', () => {
  assert.equal(GRAPH_BASE_IMAGE, 'registry.access.redhat.com/ubi9/ubi:latest');
  assert.equal(graphBaseImageReference({}), GRAPH_BASE_IMAGE);
  assert.equal(graphBaseImageReference({ [GRAPH_BASE_IMAGE_ENV]: ' ' }), GRAPH_BASE_IMAGE);
  assert.equal(
    graphBaseImageReference({ [GRAPH_BASE_IMAGE_ENV]: 'mirror.local:5000/ubi9/ubi:9.4' }),
    'mirror.local:5000/ubi9/ubi:9.4',
  );
  assert.equal(graphBaseImageReference({ [GRAPH_BASE_IMAGE_ENV]: 'oci:///data/ubi9' }), 'oci:///data/ubi9');
  assert.throws(
    () => graphBaseImageReference({ [GRAPH_BASE_IMAGE_ENV]: 'mirror.local/ubi9/ubi' }),
    (err: unknown) => err instanceof GraphImageError && err.message.includes(GRAPH_BASE_IMAGE_ENV),
  );
});
