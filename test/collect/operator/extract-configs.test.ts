/**
 * extractConfigs: the configs tree of a catalog image read layer by layer out of a store (collectors.md §2.3
 * steps 5–6). Layers are hand-built tars (tar-stream pack, gzip'd or plain) put into an OCI layout store, so the
 * whiteouts, odd entry names and traversal attempts are exactly the bytes under test. Also configsDirOf and the
 * errors (zstd layers, no FBC content) and the atomic replacement of the target.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import {
  CONFIGS_LABEL,
  CatalogImageError,
  configsDirOf,
  extractConfigs,
  type ExtractConfigsOptions,
} from '../../../core/collect/operator/extract-configs.js';
import { OciLayoutStore } from '../../../core/store/oci-layout-store.js';
import { CacheStore } from '../../../core/store/cache-store.js';
import type { ImageStore } from '../../../core/store/image-store.js';
import type { Descriptor } from '../../../core/registry/media-types.js';
import { sha256Digest } from '../../harness/fixture-blobs.js';
import { tempDirForTest } from '../../harness/temp-dir.js';

const OCI_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
const OCI_TAR = 'application/vnd.oci.image.layer.v1.tar';
const OCI_ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';
const DOCKER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
const DOCKER_TAR = 'application/vnd.docker.image.rootfs.diff.tar';
const NO_SIGNAL = new AbortController().signal;

interface TarEntry {
  name: string;
  /** default: 'file' when `body` is given, else 'directory' */
  type?: 'file' | 'directory' | 'symlink' | 'link';
  body?: string;
  linkname?: string;
}

/** A file entry. */
const f = (name: string, body: string): TarEntry => ({ name, type: 'file', body });
/** A directory entry. */
const d = (name: string): TarEntry => ({ name, type: 'directory' });
/** An empty file: whiteouts are these. */
const wh = (name: string): TarEntry => ({ name, type: 'file', body: '' });

/** The bytes of a tar with exactly these entries, in this order (no parent directories added). */
async function tarOf(entries: TarEntry[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const finished = new Promise<void>((resolve, reject) => {
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  const mtime = new Date('2024-01-01T00:00:00Z');
  for (const e of entries) {
    const type = e.type ?? (e.body === undefined ? 'directory' : 'file');
    const header = {
      name: e.name,
      type,
      mode: type === 'directory' ? 0o755 : 0o644,
      mtime,
      uid: 0,
      gid: 0,
      ...(e.linkname !== undefined ? { linkname: e.linkname } : {}),
    };
    if (type === 'file') archive.entry(header, Buffer.from(e.body ?? ''));
    else archive.entry(header);
  }
  archive.finalize();
  await finished;
  return Buffer.concat(chunks);
}

/** A store holding layers; `add` puts one and returns its descriptor. */
interface LayerStore {
  store: ImageStore;
  repository: string;
  add(bytes: Buffer, mediaType: string): Promise<Descriptor>;
}

async function layoutStore(dir: string): Promise<LayerStore> {
  const store = new OciLayoutStore(dir);
  return storeWith(store, '');
}

async function cacheStore(dir: string): Promise<LayerStore> {
  return storeWith(new CacheStore(dir), 'catalogs/test-catalog');
}

function storeWith(store: ImageStore, repository: string): LayerStore {
  return {
    store,
    repository,
    async add(bytes, mediaType) {
      const digest = sha256Digest(bytes);
      await store.putBlob(repository, { digest, size: bytes.length }, Readable.from([bytes]), { signal: NO_SIGNAL });
      return { mediaType, digest, size: bytes.length };
    },
  };
}

/** A gzip'd layer of these entries. */
async function gzLayer(s: LayerStore, entries: TarEntry[], mediaType = OCI_GZIP): Promise<Descriptor> {
  return s.add(gzipSync(await tarOf(entries)), mediaType);
}

/** Every file and directory under `dir`: relative path → content (directories as `<dir>`), sorted by path. */
async function treeOf(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const rows: [string, string][] = [];
  for (const e of entries) {
    const full = join(e.parentPath, e.name);
    const rel = full.slice(dir.length + 1);
    if (e.isDirectory()) rows.push([rel, '<dir>']);
    else if (e.isFile()) rows.push([rel, await readFile(full, 'utf8')]);
    else rows.push([rel, '<other>']);
  }
  rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [k, v] of rows) out[k] = v;
  return out;
}

interface World {
  s: LayerStore;
  /** The parent of the target: only the target (and whatever the test put there) may appear in it. */
  work: string;
  target: string;
  run(layers: Descriptor[], extra?: Partial<ExtractConfigsOptions>): Promise<string>;
}

async function world(
  t: { after(fn: () => Promise<void> | void): void },
  kind: 'oci' | 'cache' = 'oci',
): Promise<World> {
  const root = await tempDirForTest(t, 'extract-configs-');
  const s = kind === 'oci' ? await layoutStore(join(root, 'layout')) : await cacheStore(join(root, 'cache'));
  const work = join(root, 'work');
  await mkdir(work, { recursive: true });
  const target = join(work, 'catalog-config');
  return {
    s,
    work,
    target,
    run: (layers, extra = {}) =>
      extractConfigs({
        store: s.store,
        repository: s.repository,
        layers,
        configsDir: 'configs',
        target,
        catalog: 'registry.example.com/catalogs/test-catalog:v1',
        signal: NO_SIGNAL,
        ...extra,
      }),
  };
}

/** Asserts the target's parent holds exactly `names` (no `.tmp-` directories left behind). */
async function assertWorkDir(w: World, names: string[]): Promise<void> {
  assert.deepEqual((await readdir(w.work)).sort(), [...names].sort());
}

async function rejectsWithCatalogError(promise: Promise<unknown>, pattern: RegExp): Promise<CatalogImageError> {
  let caught: unknown;
  await assert.rejects(promise, (err) => {
    caught = err;
    return true;
  });
  assert.ok(caught instanceof CatalogImageError, `expected a CatalogImageError, got ${String(caught)}`);
  assert.equal(caught.code, 'CATALOG_IMAGE');
  assert.match(caught.message, pattern);
  return caught;
}

// ---------------------------------------------------------------------------------------------------------------
// configsDirOf

test('configsDirOf: the label value as a relative directory', () => {
  assert.equal(configsDirOf('/configs'), 'configs');
  assert.equal(configsDirOf('/configs/'), 'configs');
  assert.equal(configsDirOf('configs'), 'configs');
  assert.equal(configsDirOf('  /configs  '), 'configs');
  assert.equal(configsDirOf('/opt/configs'), 'opt/configs');
  assert.equal(configsDirOf('//opt//configs//'), 'opt/configs');
  assert.equal(configsDirOf('/opt/./configs'), 'opt/configs');
  assert.equal(configsDirOf('/opt/x/../configs'), 'opt/configs');
  // `..` at the root of an absolute path stays at the root, as in the image's file system.
  assert.equal(configsDirOf('/../configs'), 'configs');
});

test('configsDirOf: the root, empty values and escapes are refused with the label named', () => {
  for (const bad of ['', '   ', '/', '//', '.', './', '..', '../configs', '../../etc', 'configs/../..']) {
    assert.throws(
      () => configsDirOf(bad),
      (err: unknown) => {
        assert.ok(err instanceof CatalogImageError, `"${bad}": ${String(err)}`);
        assert.equal(err.code, 'CATALOG_IMAGE');
        assert.ok(err.message.includes(CONFIGS_LABEL), err.message);
        assert.ok(err.message.includes(`"${bad}"`), err.message);
        return true;
      },
      `"${bad}" accepted`,
    );
  }
});

// ---------------------------------------------------------------------------------------------------------------
// What is written

test('only files under the configs directory are written; the FBC root is returned', async (t) => {
  const w = await world(t);
  const layer = await gzLayer(w.s, [
    d('bin/'),
    f('bin/opm', 'ELF…'),
    f('configs.json', 'a sibling whose name starts like the dir'),
    d('configs-old/'),
    f('configs-old/x.json', 'old'),
    d('etc/'),
    f('etc/passwd', 'root:x:0:0'),
    d('tmp/cache/'),
    f('tmp/cache/cache.json', '{}'),
    d('configs/'),
    d('configs/foo/'),
    f('configs/foo/catalog.json', '{"schema":"olm.package","name":"foo"}'),
    d('configs/bar/'),
    f('configs/bar/catalog.yaml', 'schema: olm.package\nname: bar\n'),
    f('configs/.indexignore', '*.md\n'),
  ]);
  const root = await w.run([layer]);
  assert.equal(root, join(w.target, 'configs'));
  assert.deepEqual(await treeOf(w.target), {
    configs: '<dir>',
    'configs/.indexignore': '*.md\n',
    'configs/bar': '<dir>',
    'configs/bar/catalog.yaml': 'schema: olm.package\nname: bar\n',
    'configs/foo': '<dir>',
    'configs/foo/catalog.json': '{"schema":"olm.package","name":"foo"}',
  });
  await assertWorkDir(w, ['catalog-config']);
});

test('files of later layers overwrite those of earlier ones; untouched files stay', async (t) => {
  const w = await world(t);
  const l1 = await gzLayer(w.s, [
    d('configs/'),
    f('configs/foo/catalog.json', 'foo v1'),
    f('configs/bar/catalog.json', 'bar v1'),
  ]);
  const l2 = await gzLayer(w.s, [
    f('configs/foo/catalog.json', 'foo v2, longer than before'),
    f('configs/baz.json', 'baz'),
  ]);
  const l3 = await gzLayer(w.s, [f('configs/foo/catalog.json', 'v3')]);
  await w.run([l1, l2, l3]);
  assert.deepEqual(await treeOf(w.target), {
    configs: '<dir>',
    'configs/bar': '<dir>',
    'configs/bar/catalog.json': 'bar v1',
    'configs/baz.json': 'baz',
    'configs/foo': '<dir>',
    'configs/foo/catalog.json': 'v3',
  });
});

test('the layer order decides: the same two layers the other way round give the other content', async (t) => {
  const w = await world(t);
  const a = await gzLayer(w.s, [f('configs/p/catalog.json', 'from a')]);
  const b = await gzLayer(w.s, [f('configs/p/catalog.json', 'from b')]);
  await w.run([a, b]);
  assert.equal(await readFile(join(w.target, 'configs/p/catalog.json'), 'utf8'), 'from b');
  await w.run([b, a]);
  assert.equal(await readFile(join(w.target, 'configs/p/catalog.json'), 'utf8'), 'from a');
});

test('`.wh.<file>` removes a file of a lower layer, and `.wh.<dir>` a whole directory', async (t) => {
  const w = await world(t);
  const l1 = await gzLayer(w.s, [
    d('configs/'),
    d('configs/foo/'),
    f('configs/foo/catalog.json', 'foo'),
    f('configs/foo/extra.json', 'extra'),
    d('configs/bar/'),
    f('configs/bar/catalog.json', 'bar'),
    d('configs/baz/'),
    f('configs/baz/catalog.json', 'baz'),
  ]);
  const l2 = await gzLayer(w.s, [
    wh('configs/foo/.wh.extra.json'),
    wh('configs/.wh.bar'),
    wh('configs/.wh.nothing-here'),
  ]);
  await w.run([l1, l2]);
  assert.deepEqual(await treeOf(w.target), {
    configs: '<dir>',
    'configs/baz': '<dir>',
    'configs/baz/catalog.json': 'baz',
    'configs/foo': '<dir>',
    'configs/foo/catalog.json': 'foo',
  });
});

test('a whiteout only hides lower layers: a later layer can bring the file back', async (t) => {
  const w = await world(t);
  const l1 = await gzLayer(w.s, [f('configs/foo/catalog.json', 'old'), f('configs/keep.json', 'keep')]);
  const l2 = await gzLayer(w.s, [wh('configs/foo/.wh.catalog.json')]);
  const l3 = await gzLayer(w.s, [f('configs/foo/catalog.json', 'new')]);
  await w.run([l1, l2, l3]);
  assert.deepEqual(await treeOf(w.target), {
    configs: '<dir>',
    'configs/foo': '<dir>',
    'configs/foo/catalog.json': 'new',
    'configs/keep.json': 'keep',
  });
});

test('`.wh.configs` at the root removes the whole tree; a later layer re-adds it (the rebuilt-catalog shape)', async (t) => {
  const w = await world(t);
  const original = await gzLayer(w.s, [
    d('configs/'),
    d('configs/old-a/'),
    f('configs/old-a/catalog.json', 'old a'),
    d('configs/old-b/'),
    f('configs/old-b/catalog.json', 'old b'),
  ]);
  const whiteout = await gzLayer(w.s, [wh('.wh.configs')]);
  const filtered = await gzLayer(w.s, [d('configs/'), d('configs/new/'), f('configs/new/catalog.json', 'new')]);
  await w.run([original, whiteout, filtered]);
  assert.deepEqual(await treeOf(w.target), {
    configs: '<dir>',
    'configs/new': '<dir>',
    'configs/new/catalog.json': 'new',
  });
});

test('whiteout of a parent of the configs dir (`opt/configs` label) clears the tree', async (t) => {
  const w = await world(t);
  const l1 = await gzLayer(w.s, [d('opt/'), d('opt/configs/'), f('opt/configs/old/catalog.json', 'old')]);
  const l2 = await gzLayer(w.s, [wh('.wh.opt')]);
  const l3 = await gzLayer(w.s, [f('opt/configs/new/catalog.json', 'new')]);
  const root = await w.run([l1, l2, l3], { configsDir: 'opt/configs' });
  assert.equal(root, join(w.target, 'opt', 'configs'));
  assert.deepEqual(await treeOf(root), { new: '<dir>', 'new/catalog.json': 'new' });
});

test('an opaque whiteout `.wh..wh..opq` in configs/pkg clears that directory only', async (t) => {
  const w = await world(t);
  const l1 = await gzLayer(w.s, [
    d('configs/'),
    d('configs/pkg/'),
    f('configs/pkg/catalog.json', 'pkg'),
    f('configs/pkg/more.yaml', 'more'),
    d('configs/pkg/sub/'),
    f('configs/pkg/sub/deep.json', 'deep'),
    d('configs/other/'),
    f('configs/other/catalog.json', 'other'),
  ]);
  // The usual order: the directory, its opaque marker, then the new content of the same layer.
  const l2 = await gzLayer(w.s, [d('configs/pkg/'), wh('configs/pkg/.wh..wh..opq'), f('configs/pkg/new.json', 'new')]);
  await w.run([l1, l2]);
  assert.deepEqual(await treeOf(w.target), {
    configs: '<dir>',
    'configs/other': '<dir>',
    'configs/other/catalog.json': 'other',
    'configs/pkg': '<dir>',
    'configs/pkg/new.json': 'new',
  });
});

test('an opaque whiteout at configs/ or at the image root clears the whole tree', async (t) => {
  const w = await world(t);
  const l1 = await gzLayer(w.s, [f('configs/a/catalog.json', 'a'), f('configs/b/catalog.json', 'b')]);
  const inConfigs = await gzLayer(w.s, [wh('configs/.wh..wh..opq'), f('configs/c/catalog.json', 'c')]);
  await w.run([l1, inConfigs]);
  assert.deepEqual(await treeOf(w.target), { configs: '<dir>', 'configs/c': '<dir>', 'configs/c/catalog.json': 'c' });

  const atRoot = await gzLayer(w.s, [wh('.wh..wh..opq'), f('configs/d/catalog.json', 'd')]);
  await w.run([l1, atRoot]);
  assert.deepEqual(await treeOf(w.target), { configs: '<dir>', 'configs/d': '<dir>', 'configs/d/catalog.json': 'd' });
});

test('whiteouts outside the configs tree change nothing in it', async (t) => {
  const w = await world(t);
  const l1 = await gzLayer(w.s, [f('configs/a/catalog.json', 'a'), f('etc/x', 'x')]);
  const l2 = await gzLayer(w.s, [wh('.wh.etc'), wh('.wh.configs-old'), wh('tmp/.wh..wh..opq'), wh('.wh.configs.json')]);
  await w.run([l1, l2]);
  assert.deepEqual(await treeOf(w.target), { configs: '<dir>', 'configs/a': '<dir>', 'configs/a/catalog.json': 'a' });
});

test('`./configs/…` and `/configs/…` entry names land in the same tree', async (t) => {
  const w = await world(t);
  const l1 = await gzLayer(w.s, [
    d('./'),
    d('./configs/'),
    f('./configs/dot/catalog.json', 'dot'),
    d('/configs/'),
    f('/configs/abs/catalog.json', 'abs'),
    f('configs/plain/catalog.json', 'plain'),
    f('././configs/twice/catalog.json', 'twice'),
  ]);
  // A whiteout spelled `./…` in a later layer removes what `/…` wrote.
  const l2 = await gzLayer(w.s, [wh('./configs/.wh.abs'), f('/configs/dot/catalog.json', 'dot v2')]);
  await w.run([l1, l2]);
  assert.deepEqual(await treeOf(w.target), {
    configs: '<dir>',
    'configs/dot': '<dir>',
    'configs/dot/catalog.json': 'dot v2',
    'configs/plain': '<dir>',
    'configs/plain/catalog.json': 'plain',
    'configs/twice': '<dir>',
    'configs/twice/catalog.json': 'twice',
  });
});

test('`..` entries are ignored: nothing is written or removed outside the target', async (t) => {
  const w = await world(t);
  // Bait next to the target: a traversal that worked would overwrite or remove it.
  await writeFile(join(w.work, 'bait.json'), 'bait');
  await mkdir(join(w.work, 'configs'), { recursive: true });
  await writeFile(join(w.work, 'configs', 'bait.json'), 'bait');
  const target = basename(w.target);
  const layer = await gzLayer(w.s, [
    f('configs/ok/catalog.json', 'ok'),
    f('../bait.json', 'pwned 1'),
    f('configs/../../bait.json', 'pwned 2'),
    f(`../${target}.evil`, 'pwned 3'),
    f('../configs/bait.json', 'pwned 4'),
    f('configs/../../configs/bait.json', 'pwned 5'),
    f('/../../evil.json', 'pwned 6'),
    f('configs/ok/../../../bait.json', 'pwned 7'),
    wh('configs/../../.wh.bait.json'),
    wh('../configs/.wh.bait.json'),
    { name: 'configs/ok/hard.json', type: 'link', linkname: '../../bait.json' },
  ]);
  await w.run([layer]);
  assert.deepEqual(await treeOf(w.target), {
    configs: '<dir>',
    'configs/ok': '<dir>',
    'configs/ok/catalog.json': 'ok',
  });
  assert.equal(await readFile(join(w.work, 'bait.json'), 'utf8'), 'bait');
  assert.equal(await readFile(join(w.work, 'configs', 'bait.json'), 'utf8'), 'bait');
  await assertWorkDir(w, ['bait.json', 'catalog-config', 'configs']);
  assert.deepEqual((await readdir(dirname(w.work))).sort(), ['layout', 'work']);
});

test('a path that leaves and re-enters the tree (`configs/x/../y`) is kept as its normal form', async (t) => {
  const w = await world(t);
  const layer = await gzLayer(w.s, [f('configs/x/../y/catalog.json', 'y'), f('other/../configs/z.json', 'z')]);
  await w.run([layer]);
  assert.deepEqual(await treeOf(w.target), {
    configs: '<dir>',
    'configs/y': '<dir>',
    'configs/y/catalog.json': 'y',
    'configs/z.json': 'z',
  });
});

test('symlinks are never followed or written; hard links inside the tree become files', async (t) => {
  const w = await world(t);
  const layer = await gzLayer(w.s, [
    f('configs/a/catalog.json', 'a'),
    { name: 'configs/escape', type: 'symlink', linkname: '/etc' },
    { name: 'configs/b', type: 'symlink', linkname: 'a' },
    { name: 'configs/a/copy.json', type: 'link', linkname: 'configs/a/catalog.json' },
  ]);
  // A later layer writing through the symlink name must not land in /etc (the link was never created).
  const l2 = await gzLayer(w.s, [f('configs/escape/passwd', 'x')]);
  await w.run([layer, l2]);
  assert.deepEqual(await treeOf(w.target), {
    configs: '<dir>',
    'configs/a': '<dir>',
    'configs/a/catalog.json': 'a',
    'configs/a/copy.json': 'a',
    'configs/escape': '<dir>',
    'configs/escape/passwd': 'x',
  });
});

test('names longer than 100 bytes (pax headers) are extracted whole', async (t) => {
  const w = await world(t);
  const long = `configs/${'very-long-package-name-'.repeat(6)}operator/${'x'.repeat(80)}.json`;
  assert.ok(long.length > 200);
  await w.run([await gzLayer(w.s, [f(long, 'long')])]);
  assert.equal(await readFile(join(w.target, long), 'utf8'), 'long');
});

// ---------------------------------------------------------------------------------------------------------------
// Media types

test('plain tar layers (media types ending `.tar`) are read without gunzip, mixed with gzip ones', async (t) => {
  const w = await world(t);
  const ociTar = await w.s.add(await tarOf([f('configs/a/catalog.json', 'a from plain oci')]), OCI_TAR);
  const dockerTar = await w.s.add(await tarOf([f('configs/b/catalog.json', 'b from plain docker')]), DOCKER_TAR);
  const dockerGz = await gzLayer(w.s, [f('configs/c/catalog.json', 'c from gzip docker')], DOCKER_GZIP);
  await w.run([ociTar, dockerTar, dockerGz]);
  assert.deepEqual(await treeOf(w.target), {
    configs: '<dir>',
    'configs/a': '<dir>',
    'configs/a/catalog.json': 'a from plain oci',
    'configs/b': '<dir>',
    'configs/b/catalog.json': 'b from plain docker',
    'configs/c': '<dir>',
    'configs/c/catalog.json': 'c from gzip docker',
  });
});

test('a zstd layer fails with a CatalogImageError naming zstd, the layer and the catalog', async (t) => {
  const w = await world(t);
  const ok = await gzLayer(w.s, [f('configs/a/catalog.json', 'a')]);
  // The bytes do not matter: the media type alone must stop the extraction before any parsing.
  const zstd = await w.s.add(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]), OCI_ZSTD);
  const err = await rejectsWithCatalogError(w.run([ok, zstd]), /zstd/);
  assert.ok(err.message.includes(OCI_ZSTD), err.message);
  assert.ok(err.message.includes(zstd.digest), err.message);
  assert.ok(err.message.includes('registry.example.com/catalogs/test-catalog:v1'), err.message);
  assert.match(err.message, /not supported/);
  assert.match(err.hint ?? '', /gzip/);
  await assertWorkDir(w, []);
});

test('a gzip media type over bytes that are not gzip fails with a CatalogImageError naming the layer', async (t) => {
  const w = await world(t);
  const plain = await w.s.add(await tarOf([f('configs/a/catalog.json', 'a')]), OCI_GZIP);
  const err = await rejectsWithCatalogError(w.run([plain]), /cannot read the layer/);
  assert.ok(err.message.includes(plain.digest), err.message);
  await assertWorkDir(w, []);
});

test('foreign layers (with urls) are skipped without being opened', async (t) => {
  const w = await world(t);
  const ok = await gzLayer(w.s, [f('configs/a/catalog.json', 'a')]);
  const foreign: Descriptor = {
    mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
    digest: sha256Digest('not in the store'),
    size: 16,
    urls: ['https://example.com/layer.tar.gz'],
  };
  await w.run([foreign, ok]);
  assert.deepEqual(await treeOf(w.target), { configs: '<dir>', 'configs/a': '<dir>', 'configs/a/catalog.json': 'a' });
});

// ---------------------------------------------------------------------------------------------------------------
// No FBC

test('no files under the configs dir: CatalogImageError that says SQLite catalogs are not supported', async (t) => {
  const w = await world(t);
  const layer = await gzLayer(w.s, [
    d('database/'),
    f('database/index.db', 'SQLite format 3\u0000'),
    d('configs/'),
    d('configs/empty/'),
    f('configs.json', 'x'),
  ]);
  const err = await rejectsWithCatalogError(w.run([layer]), /no files under \/configs/);
  assert.ok(err.message.includes('registry.example.com/catalogs/test-catalog:v1'), err.message);
  assert.match(err.hint ?? '', /SQLite/);
  assert.match(err.hint ?? '', /File-Based Catalog/);
  await assertWorkDir(w, []);
});

test('the message names a nested configs dir as the label does (`/opt/configs`)', async (t) => {
  const w = await world(t);
  const layer = await gzLayer(w.s, [f('configs/a/catalog.json', 'not the labelled dir')]);
  await rejectsWithCatalogError(w.run([layer], { configsDir: 'opt/configs' }), /no files under \/opt\/configs/);
});

// ---------------------------------------------------------------------------------------------------------------
// Target replacement

test('the target is replaced: an older extraction disappears, no `.tmp-` directory is left', async (t) => {
  const w = await world(t);
  await mkdir(join(w.target, 'configs', 'stale'), { recursive: true });
  await writeFile(join(w.target, 'configs', 'stale', 'catalog.json'), 'stale');
  await writeFile(join(w.target, 'marker'), 'old run');
  const layer = await gzLayer(w.s, [f('configs/fresh/catalog.json', 'fresh')]);
  await w.run([layer]);
  assert.deepEqual(await treeOf(w.target), {
    configs: '<dir>',
    'configs/fresh': '<dir>',
    'configs/fresh/catalog.json': 'fresh',
  });
  await assertWorkDir(w, ['catalog-config']);
});

test('a failed extraction leaves the previous target untouched and no `.tmp-` directory', async (t) => {
  const w = await world(t);
  await mkdir(join(w.target, 'configs', 'previous'), { recursive: true });
  await writeFile(join(w.target, 'configs', 'previous', 'catalog.json'), 'previous');
  const before = await treeOf(w.target);
  const good = await gzLayer(w.s, [f('configs/new/catalog.json', 'new')]);
  const zstd = await w.s.add(Buffer.from('zstd bytes'), OCI_ZSTD);
  await rejectsWithCatalogError(w.run([good, zstd]), /zstd/);
  assert.deepEqual(await treeOf(w.target), before);
  await assertWorkDir(w, ['catalog-config']);

  const empty = await gzLayer(w.s, [f('etc/hosts', 'x')]);
  await rejectsWithCatalogError(w.run([empty]), /no files/);
  assert.deepEqual(await treeOf(w.target), before);
  await assertWorkDir(w, ['catalog-config']);
});

test('a missing layer blob fails the extraction and leaves nothing behind', async (t) => {
  const w = await world(t);
  const good = await gzLayer(w.s, [f('configs/a/catalog.json', 'a')]);
  const missing: Descriptor = { mediaType: OCI_GZIP, digest: sha256Digest('missing'), size: 7 };
  await assert.rejects(w.run([good, missing]), (err: unknown) => {
    assert.ok(err instanceof Error);
    assert.ok(err.message.includes(missing.digest), err.message);
    assert.match(err.message, /not found/);
    return true;
  });
  await assertWorkDir(w, []);
});

test('an aborted signal stops the extraction with its reason and removes the temp dir', async (t) => {
  const w = await world(t);
  const layer = await gzLayer(w.s, [f('configs/a/catalog.json', 'a')]);
  const controller = new AbortController();
  const reason = new Error('user cancelled');
  controller.abort(reason);
  await assert.rejects(w.run([layer], { signal: controller.signal }), (err) => err === reason);
  await assertWorkDir(w, []);
});

test('the target directory`s parents are created', async (t) => {
  const w = await world(t);
  const layer = await gzLayer(w.s, [f('configs/a/catalog.json', 'a')]);
  const target = join(w.work, 'operator-catalogs', 'test-catalog', 'abc123', 'catalog-config');
  const root = await w.run([layer], { target });
  assert.equal(root, join(target, 'configs'));
  assert.equal(await readFile(join(root, 'a', 'catalog.json'), 'utf8'), 'a');
  assert.deepEqual(await readdir(dirname(target)), ['catalog-config']);
});

// ---------------------------------------------------------------------------------------------------------------
// Nested label dir, byte counts, the cache store

test('label dir nested (`/opt/configs`): only opt/configs is written, with whiteouts relative to it', async (t) => {
  const w = await world(t);
  const configsDir = configsDirOf('/opt/configs');
  const l1 = await gzLayer(w.s, [
    d('opt/'),
    f('opt/README', 'not fbc'),
    d('opt/configs/'),
    f('opt/configs/foo/catalog.json', 'foo'),
    f('opt/configs/bar/catalog.json', 'bar'),
    f('configs/decoy/catalog.json', 'decoy at the usual place'),
    f('opt/configs-old/x.json', 'x'),
  ]);
  const l2 = await gzLayer(w.s, [wh('opt/configs/.wh.bar'), f('./opt/configs/foo/catalog.json', 'foo v2')]);
  const root = await w.run([l1, l2], { configsDir });
  assert.equal(root, join(w.target, 'opt', 'configs'));
  assert.deepEqual(await treeOf(w.target), {
    opt: '<dir>',
    'opt/configs': '<dir>',
    'opt/configs/foo': '<dir>',
    'opt/configs/foo/catalog.json': 'foo v2',
  });
});

test('opaque whiteout at opt/ clears opt/configs of the lower layers', async (t) => {
  const w = await world(t);
  const l1 = await gzLayer(w.s, [f('opt/configs/old/catalog.json', 'old')]);
  const l2 = await gzLayer(w.s, [d('opt/'), wh('opt/.wh..wh..opq'), f('opt/configs/new/catalog.json', 'new')]);
  const root = await w.run([l1, l2], { configsDir: 'opt/configs' });
  assert.deepEqual(await treeOf(root), { new: '<dir>', 'new/catalog.json': 'new' });
});

test('onBytes reports exactly the compressed bytes of the layers read', async (t) => {
  const w = await world(t);
  const l1 = await gzLayer(w.s, [f('configs/a/catalog.json', 'a'.repeat(5000))]);
  const l2 = await w.s.add(await tarOf([f('configs/b/catalog.json', 'b')]), OCI_TAR);
  let total = 0;
  await w.run([l1, l2], { onBytes: (n) => (total += n) });
  assert.equal(total, l1.size + l2.size);
});

test('works the same from the cache store (distribution layout)', async (t) => {
  const w = await world(t, 'cache');
  const l1 = await gzLayer(w.s, [f('configs/a/catalog.json', 'a'), f('configs/b/catalog.json', 'b')], DOCKER_GZIP);
  const l2 = await gzLayer(w.s, [wh('.wh.configs')], DOCKER_GZIP);
  const l3 = await gzLayer(w.s, [f('configs/c/catalog.json', 'c')], DOCKER_GZIP);
  await w.run([l1, l2, l3]);
  assert.deepEqual(await treeOf(w.target), { configs: '<dir>', 'configs/c': '<dir>', 'configs/c/catalog.json': 'c' });
  await assertWorkDir(w, ['catalog-config']);
});

// ---------------------------------------------------------------------------------------------------------------
// Layer semantics that an early version got wrong

test('a later whiteout that removes every FBC file is "no files under /configs", not a missing FBC root', async (t) => {
  const w = await world(t);
  const l1 = await gzLayer(w.s, [f('configs/a/catalog.json', 'a')]);
  const l2 = await gzLayer(w.s, [wh('.wh.configs')]);
  await rejectsWithCatalogError(w.run([l1, l2]), /no files under \/configs/);
  await assertWorkDir(w, []);
});

test('whiteouts only hide lower layers: same-layer content listed before the whiteout survives', async (t) => {
  const w = await world(t);
  const l1 = await gzLayer(w.s, [f('configs/pkg/old.json', 'old'), f('configs/gone/old.json', 'old')]);
  const l2 = await gzLayer(w.s, [
    d('configs/pkg/'),
    f('configs/pkg/-early.json', 'early'),
    wh('configs/pkg/.wh..wh..opq'),
    f('configs/gone/new.json', 'new'),
    wh('configs/.wh.gone'),
  ]);
  await w.run([l1, l2]);
  assert.deepEqual(await treeOf(w.target), {
    configs: '<dir>',
    'configs/gone': '<dir>',
    'configs/gone/new.json': 'new',
    'configs/pkg': '<dir>',
    'configs/pkg/-early.json': 'early',
  });
});

test('a directory of a later layer replaces a file of a lower layer at the same path', async (t) => {
  const w = await world(t);
  const l1 = await gzLayer(w.s, [f('configs/a', 'a file'), f('configs/b.json', 'b')]);
  const l2 = await gzLayer(w.s, [d('configs/a/'), f('configs/a/x.json', 'x')]);
  await w.run([l1, l2]);
  assert.deepEqual(await treeOf(w.target), {
    configs: '<dir>',
    'configs/a': '<dir>',
    'configs/a/x.json': 'x',
    'configs/b.json': 'b',
  });
});
