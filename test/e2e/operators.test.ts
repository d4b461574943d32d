/**
 * Operator catalogs end to end (issue 13) with oc-mirror's own integration catalogs and configurations, built
 * into a real registry: m2d → d2m with the source stopped, m2m, digest-only catalogs, full catalogs, invalid
 * related images and filter errors. The rebuilt catalog is read back from the destination (layers flattened,
 * whiteouts honoured) and its FBC compared with what the filter must keep.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startRegistry, type RunningRegistry } from '../harness/registry-server.js';
import { integrationIsc, publishCatalog, LOCAL_REPOSITORY, type PublishedCatalog } from '../harness/catalog-fixture.js';
import { skopeoCopy, skopeoInspectRaw, skopeoManifestDigest, skopeoOptionsFor } from '../harness/skopeo.js';
import { tempDirForTest } from '../harness/temp-dir.js';
import { runCli, parseJsonLines, deleteGenerateArgs } from './cli-runner.js';
import { OciLayoutStore } from '../../core/store/oci-layout-store.js';
import { readCatalogImage, readPlatformImage, configsDirOfImage } from '../../core/collect/operator/catalog-image.js';
import { extractConfigs } from '../../core/collect/operator/extract-configs.js';
import { loadFbc } from '../../core/collect/operator/fbc-load.js';
import type { DeclarativeConfig } from '../../core/collect/operator/fbc-model.js';

const exec = promisify(execFile);
const NO_SIGNAL = new AbortController().signal;

function m2dArgs(isc: string, archive: string, cache: string): string[] {
  return [
    '-c',
    isc,
    `file://${archive}`,
    '--src-tls-verify=false',
    '--cache-dir',
    cache,
    '--no-ui',
    '--retry-delay',
    '100ms',
  ];
}

function toMirrorArgs(isc: string, flag: '--from' | '--workspace', dir: string, dest: string, cache: string): string[] {
  return [
    '-c',
    isc,
    flag,
    `file://${dir}`,
    `docker://${dest}`,
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
    '--cache-dir',
    cache,
    '--no-ui',
    '--retry-delay',
    '100ms',
  ];
}

/** Copies `ref` out of the registry with skopeo and reads its FBC back with every layer applied in order. */
async function fbcAt(registry: RunningRegistry, ref: string, dir: string): Promise<DeclarativeConfig> {
  const layout = join(dir, 'layout');
  await mkdir(dir, { recursive: true });
  await skopeoCopy(`docker://${ref}`, `oci:${layout}`, { ...skopeoOptionsFor(registry), all: true });
  const store = new OciLayoutStore(layout);
  const loc = { store, repository: '', reference: 'latest', catalog: ref };
  const image = await readCatalogImage(loc, undefined, NO_SIGNAL);
  const first = await readPlatformImage(loc, image.children[0], NO_SIGNAL);
  const configsDir = configsDirOfImage(first, ref);
  const root = await extractConfigs({
    store,
    repository: '',
    layers: first.layers,
    configsDir,
    target: join(dir, 'flattened'),
    catalog: ref,
    signal: NO_SIGNAL,
  });
  return loadFbc(root);
}

function bundleNames(fbc: DeclarativeConfig): string[] {
  return fbc.bundles.map((b) => b.name).sort();
}

async function startWorld(t: { after(fn: () => unknown): void }) {
  const source = await startRegistry();
  t.after(() => source.stop());
  const dest = await startRegistry();
  t.after(() => dest.stop());
  return { source, dest };
}

test('operators m2d → d2m (source stopped): version range keeps 0.2.0, 0.3.0, 0.3.1; rebuilt catalog, CatalogSource, IDMS', async (t) => {
  const { source, dest } = await startWorld(t);
  const work = await tempDirForTest(t, 'op-m2d');
  const catalog = await publishCatalog(source, 'test-catalog-latest');
  const isc = join(work, 'isc.yaml');
  await writeFile(isc, await integrationIsc('isc-operator-version-range.yaml', source.host));

  const archive = join(work, 'archive');
  const m2d = await runCli(m2dArgs(isc, archive, join(work, 'cache-m2d')));
  assert.equal(m2d.code, 0, m2d.stderr + m2d.stdout);
  // The filtered catalog and its digest file are in the working-dir that travels in the archive.
  const catalogsDir = join(archive, 'working-dir', 'operator-catalogs', 'oc-mirror-dev', catalog.digest.slice(7));
  const filtered = await readdir(join(catalogsDir, 'filtered-catalogs'));
  assert.equal(filtered.length, 1);
  assert.match(filtered[0], /^[0-9a-f]{32}$/);
  const rebuiltHex = (await readFile(join(catalogsDir, 'filtered-catalogs', filtered[0], 'digest'), 'utf8')).trim();
  assert.match(rebuiltHex, /^[0-9a-f]{64}$/);
  // The pinned ISC names the catalog by digest and keeps the tag as targetTag.
  const wd = await readdir(join(archive, 'working-dir'));
  const pinned = await readFile(
    join(
      archive,
      'working-dir',
      wd.find((f) => f.startsWith('isc_pinned_'))!,
    ),
    'utf8',
  );
  assert.ok(pinned.includes(`${source.host}/${LOCAL_REPOSITORY}@${catalog.digest}`), pinned);
  assert.match(pinned, /targetTag: test-catalog-latest/);

  await source.stop();
  const d2m = await runCli(toMirrorArgs(isc, '--from', archive, `${dest.host}/mirror`, join(work, 'cache-d2m')));
  assert.equal(d2m.code, 0, d2m.stderr + d2m.stdout);
  // Pinned configs are M2D/M2M output only (core.md §1.12): d2m, which reads the user's unpinned ISC, neither
  // adds one nor overwrites the m2d one (a run ending in the same second once replaced it with an unpinned copy).
  const wdAfter = await readdir(join(archive, 'working-dir'));
  assert.deepEqual(
    wdAfter.filter((f) => f.includes('_pinned_')).sort(),
    wd.filter((f) => f.includes('_pinned_')).sort(),
  );
  assert.equal(
    await readFile(join(archive, 'working-dir', wd.find((f) => f.startsWith('isc_pinned_'))!), 'utf8'),
    pinned,
  );

  const opts = skopeoOptionsFor(dest);
  const at = (repoTag: string) => `${dest.host}/mirror/${repoTag}`;
  for (const v of ['0.2.0', '0.3.0', '0.3.1']) {
    const upstream = `quay.io/oc-mirror/oc-mirror-dev:foo-bundle-v${v}`;
    const local = catalog.images.get(upstream)!;
    assert.equal(
      await skopeoManifestDigest(at(`${LOCAL_REPOSITORY}:foo-bundle-v${v}`), opts),
      catalog.digests.get(local),
      `bundle ${v}`,
    );
  }
  await assert.rejects(skopeoInspectRaw(at(`${LOCAL_REPOSITORY}:foo-bundle-v0.1.0`), opts), 'v0.1.0 is out of range');
  await assert.rejects(skopeoInspectRaw(at(`${LOCAL_REPOSITORY}:bar-bundle-v1.0.0`), opts), 'bar was not asked for');
  const operand = [...catalog.images.values()].find((r) => r.includes('@sha256:'))!;
  const operandDigest = catalog.digests.get(operand)!;
  assert.equal(
    await skopeoManifestDigest(at(`${LOCAL_REPOSITORY}:${operandDigest.replace(':', '-')}`), opts),
    operandDigest,
  );

  // The catalog at its original tag is the rebuilt one (digest from the working-dir), not the original.
  const catalogAtDest = at(`${LOCAL_REPOSITORY}:test-catalog-latest`);
  const destDigest = await skopeoManifestDigest(catalogAtDest, opts);
  assert.equal(destDigest, `sha256:${rebuiltHex}`);
  assert.notEqual(destDigest, catalog.digest);
  const fbc = await fbcAt(dest, catalogAtDest, join(work, 'readback'));
  assert.deepEqual(
    fbc.packages.map((p) => p.name),
    ['foo'],
  );
  assert.deepEqual(bundleNames(fbc), ['foo.v0.2.0', 'foo.v0.3.0', 'foo.v0.3.1']);
  assert.deepEqual(
    fbc.channels.map((c) => `${c.package}/${c.name}`),
    ['foo/beta'],
  );
  // Independent check of the rebuilt image: config Cmd, label, and the two appended layers.
  const config = JSON.parse(
    (await exec('skopeo', ['inspect', '--config', '--tls-verify=false', `docker://${catalogAtDest}`])).stdout,
  ) as {
    config: { Cmd: string[]; Labels: Record<string, string> };
  };
  assert.deepEqual(config.config.Cmd, ['serve', '/configs']);
  assert.equal(config.config.Labels['operators.operatorframework.io.index.configs.v1'], '/configs');

  // delete --generate from the pinned DISC, with the d2m cache only: the operator images, never the catalog; the
  // origins sidecar names catalog and package for the review.
  const disc = join(
    archive,
    'working-dir',
    wd.find((f) => f.startsWith('disc_pinned_'))!,
  );
  const generate = await runCli(deleteGenerateArgs(disc, archive, dest.host, join(work, 'cache-d2m')));
  assert.equal(generate.code, 0, generate.stderr + generate.stdout);
  const deleteFile = join(archive, 'working-dir', 'delete', 'delete-images.yaml');
  const deleteList = parseYaml(await readFile(deleteFile, 'utf8')) as {
    items: { imageReference: string; type: string }[];
  };
  assert.deepEqual(deleteList.items.map((i) => `${i.type} ${i.imageReference}`).sort(), [
    `operatorBundle docker://${dest.host}/mirror/${LOCAL_REPOSITORY}:foo-bundle-v0.2.0`,
    `operatorBundle docker://${dest.host}/mirror/${LOCAL_REPOSITORY}:foo-bundle-v0.3.0`,
    `operatorBundle docker://${dest.host}/mirror/${LOCAL_REPOSITORY}:foo-bundle-v0.3.1`,
    `operatorRelatedImage docker://${dest.host}/mirror/${LOCAL_REPOSITORY}:${operandDigest.replace(':', '-')}`,
  ]);
  const origins = JSON.parse(
    await readFile(join(archive, 'working-dir', 'delete', 'delete-images.origins.json'), 'utf8'),
  ) as Record<string, { catalog: string; packages: string[] }>;
  const bundleOrigin = origins[`docker://${dest.host}/mirror/${LOCAL_REPOSITORY}:foo-bundle-v0.3.1`];
  assert.deepEqual(bundleOrigin.packages, ['foo']);
  assert.ok(bundleOrigin.catalog.includes(catalog.digest), bundleOrigin.catalog);

  // Cluster resources: CatalogSource naming the rebuilt catalog; IDMS with the operator category.
  const cr = join(archive, 'working-dir', 'cluster-resources');
  const files = await readdir(cr);
  const cs = files.find((f) => f.startsWith('cs-'));
  assert.ok(cs, files.join(','));
  const csDoc = parseYaml(await readFile(join(cr, cs), 'utf8')) as {
    kind: string;
    spec: { image: string; sourceType: string };
  };
  assert.equal(csDoc.kind, 'CatalogSource');
  assert.equal(csDoc.spec.image, catalogAtDest);
  assert.equal(csDoc.spec.sourceType, 'grpc');
  const idms = await readFile(join(cr, 'idms-oc-mirror.yaml'), 'utf8');
  assert.match(idms, /idms-operator-0/);
  assert.ok(idms.includes(`source: ${source.host}/oc-mirror`), idms);
  assert.ok(idms.includes(`- ${dest.host}/mirror/oc-mirror`), idms);
});

test('operators m2m: digest-only catalog pinned to one version gets the sha256-<rebuilt digest> tag; re-run reuses the filtered catalog', async (t) => {
  const { source, dest } = await startWorld(t);
  const work = await tempDirForTest(t, 'op-m2m');
  const catalog = await publishCatalog(source, 'test-catalog-latest');
  const isc = join(work, 'isc.yaml');
  const text = (await integrationIsc('isc-operator-catalog-digest.yaml', source.host)).replace(
    /@sha256:[0-9a-f]{64}/,
    `@${catalog.digest}`,
  );
  await writeFile(isc, text);
  const args = toMirrorArgs(isc, '--workspace', join(work, 'ws'), `${dest.host}/mirror`, join(work, 'cache'));
  const first = await runCli([...args, '--output', 'json']);
  assert.equal(first.code, 0, first.stderr + first.stdout);

  const catalogDir = join(work, 'ws', 'working-dir', 'operator-catalogs', 'oc-mirror-dev', catalog.digest.slice(7));
  const [md5] = await readdir(join(catalogDir, 'filtered-catalogs'));
  const rebuiltHex = (await readFile(join(catalogDir, 'filtered-catalogs', md5, 'digest'), 'utf8')).trim();
  const opts = skopeoOptionsFor(dest);
  const catalogAtDest = `${dest.host}/mirror/${LOCAL_REPOSITORY}:sha256-${rebuiltHex}`;
  assert.equal(await skopeoManifestDigest(catalogAtDest, opts), `sha256:${rebuiltHex}`);
  const fbc = await fbcAt(dest, catalogAtDest, join(work, 'readback'));
  assert.deepEqual(bundleNames(fbc), ['foo.v0.3.1']);
  assert.equal(
    await skopeoManifestDigest(`${dest.host}/mirror/${LOCAL_REPOSITORY}:foo-bundle-v0.3.1`, opts),
    catalog.digests.get(catalog.images.get('quay.io/oc-mirror/oc-mirror-dev:foo-bundle-v0.3.1')!),
  );
  await assert.rejects(skopeoInspectRaw(`${dest.host}/mirror/${LOCAL_REPOSITORY}:foo-bundle-v0.3.0`, opts));

  const second = await runCli([...args, '--output', 'json']);
  assert.equal(second.code, 0, second.stderr + second.stdout);
  const events = parseJsonLines(second.stdout);
  const steps = events.filter((e) => e.type === 'catalog').map((e) => e.step);
  assert.ok(steps.includes('reused'), steps.join(','));
  assert.ok(!steps.includes('rebuild'), steps.join(','));
});

test('operators m2m: full catalog without packages arrives unmodified with every bundle; multi-arch catalog', async (t) => {
  const { source, dest } = await startWorld(t);
  const work = await tempDirForTest(t, 'op-full');
  const catalog: PublishedCatalog = await publishCatalog(source, 'test-catalog-latest', {
    platforms: [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
    ],
  });
  const isc = join(work, 'isc.yaml');
  await writeFile(
    isc,
    `kind: ImageSetConfiguration
apiVersion: mirror.openshift.io/v2alpha1
mirror:
  operators:
  - catalog: ${catalog.ref}
    full: true
`,
  );
  const run = await runCli(
    toMirrorArgs(isc, '--workspace', join(work, 'ws'), `${dest.host}/mirror`, join(work, 'cache')),
  );
  assert.equal(run.code, 0, run.stderr + run.stdout);
  const opts = skopeoOptionsFor(dest);
  assert.equal(
    await skopeoManifestDigest(`${dest.host}/mirror/${LOCAL_REPOSITORY}:test-catalog-latest`, opts),
    catalog.digest,
  );
  for (const [upstream, local] of catalog.images) {
    if (local.includes('@')) continue;
    const tag = upstream.slice(upstream.lastIndexOf(':') + 1);
    assert.equal(
      await skopeoManifestDigest(`${dest.host}/mirror/${LOCAL_REPOSITORY}:${tag}`, opts),
      catalog.digests.get(local),
      tag,
    );
  }
});

test('operators: a catalog with an unparsable related image exits with bit 4 and copies nothing', async (t) => {
  const { source, dest } = await startWorld(t);
  const work = await tempDirForTest(t, 'op-invalid');
  await publishCatalog(source, 'test-catalog-invalid-images');
  const isc = join(work, 'isc.yaml');
  await writeFile(isc, await integrationIsc('isc-operator-invalid-images.yaml', source.host));
  const run = await runCli(
    toMirrorArgs(isc, '--workspace', join(work, 'ws'), `${dest.host}/mirror`, join(work, 'cache')),
  );
  assert.equal(run.code !== null && (run.code & 4) === 4, true, `exit ${run.code}: ${run.stderr}`);
  assert.match(run.stderr + run.stdout, /operand-missing-tag/);
  assert.match(run.stderr + run.stdout, /tag and digest are empty/);
  const tags = await exec('skopeo', [
    'list-tags',
    '--tls-verify=false',
    `docker://${dest.host}/mirror/${LOCAL_REPOSITORY}`,
  ]).then(
    (r) => r.stdout,
    () => 'absent',
  );
  assert.equal(tags, 'absent', `nothing may reach the destination: ${tags}`);
});

test('operators: minVersion > maxVersion on the default channel fails with the filter error and exit bit 4', async (t) => {
  const { source, dest } = await startWorld(t);
  const work = await tempDirForTest(t, 'op-range');
  await publishCatalog(source, 'test-catalog-latest');
  const isc = join(work, 'isc.yaml');
  await writeFile(isc, await integrationIsc('isc-operator-invalid-version-range.yaml', source.host));
  const run = await runCli(
    toMirrorArgs(isc, '--workspace', join(work, 'ws'), `${dest.host}/mirror`, join(work, 'cache')),
  );
  assert.equal(run.code !== null && (run.code & 4) === 4, true, `exit ${run.code}: ${run.stderr}`);
  assert.match(run.stderr, /empty channel/);
});

test('list operators on a real catalog: packages, channels with heads, versions; --output json', async (t) => {
  const source = await startRegistry();
  t.after(() => source.stop());
  const catalog = await publishCatalog(source, 'test-catalog-latest');
  const base = ['list', 'operators', '--catalog', catalog.ref, '--src-tls-verify=false'];
  const packages = await runCli(base);
  assert.equal(packages.code, 0, packages.stderr);
  const lines = packages.stdout.trimEnd().split('\n');
  assert.match(lines[0], /^NAME\s+DISPLAY NAME\s+DEFAULT CHANNEL$/);
  // bar's head (bar.v1.0.0) carries no CSV, so its display name is empty: the column stays aligned.
  assert.deepEqual(lines.slice(1), [
    'bar                   stable',
    'baz    Baz Operator   stable',
    'foo    Foo Operator   beta',
  ]);
  const asJson = await runCli([...base, '--output', 'json']);
  assert.deepEqual(JSON.parse(asJson.stdout), {
    catalog: catalog.ref,
    packages: [
      { name: 'bar', displayName: '', defaultChannel: 'stable' },
      { name: 'baz', displayName: 'Baz Operator', defaultChannel: 'stable' },
      { name: 'foo', displayName: 'Foo Operator', defaultChannel: 'beta' },
    ],
  });
  const channels = await runCli([...base, '--package', 'bar']);
  assert.equal(channels.code, 0, channels.stderr);
  const table = channels.stdout.split('\n\n')[1].trimEnd().split('\n');
  assert.match(table[0], /^PACKAGE\s+CHANNEL\s+HEAD$/);
  assert.deepEqual(
    table.slice(1).map((l) => l.split(/\s+/)),
    [
      ['bar', 'alpha', 'bar.v1.0.0'],
      ['bar', 'stable', 'bar.v1.0.0'],
    ],
  );
  const versions = await runCli([...base, '--package', 'foo', '--channel', 'beta', '--output', 'json']);
  assert.equal(versions.code, 0, versions.stderr);
  assert.deepEqual(JSON.parse(versions.stdout), {
    catalog: catalog.ref,
    package: 'foo',
    channel: 'beta',
    versions: ['0.1.0', '0.2.0', '0.3.0', '0.3.1'],
  });
  const missing = await runCli([...base, '--package', 'nope']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /package "nope" is not in catalog/);
});

test("operators incremental m2d: widening the range ships only the new bundles' blobs", async (t) => {
  const source = await startRegistry();
  t.after(() => source.stop());
  const work = await tempDirForTest(t, 'op-incr');
  const catalog = await publishCatalog(source, 'test-catalog-latest');
  const archive = join(work, 'archive');
  const cache = join(work, 'cache');
  const initial = join(work, 'initial.yaml');
  await writeFile(initial, await integrationIsc('isc-operator-incremental-initial.yaml', source.host));
  const first = await runCli(m2dArgs(initial, archive, cache));
  assert.equal(first.code, 0, first.stderr + first.stdout);
  const firstBlobs = await archivedBlobs(archive);
  const update = join(work, 'update.yaml');
  await writeFile(update, await integrationIsc('isc-operator-incremental-update.yaml', source.host));
  const second = await runCli(m2dArgs(update, archive, cache));
  assert.equal(second.code, 0, second.stderr + second.stdout);
  const secondBlobs = await archivedBlobs(archive);
  const bundleBlobs = async (tag: string) => {
    const pushed = catalog.images.get(`quay.io/oc-mirror/oc-mirror-dev:${tag}`)!;
    const raw = JSON.parse((await skopeoInspectRaw(pushed, { tlsVerify: false })).toString()) as {
      layers: { digest: string }[];
    };
    return raw.layers.map((l) => l.digest);
  };
  for (const d of await bundleBlobs('foo-bundle-v0.2.0')) {
    assert.ok(firstBlobs.has(d), 'first archive has 0.2.0');
    assert.ok(!secondBlobs.has(d), 'second archive does not ship 0.2.0 again');
  }
  for (const tag of ['foo-bundle-v0.3.1', 'bar-bundle-v1.0.0']) {
    for (const d of await bundleBlobs(tag)) assert.ok(secondBlobs.has(d), `second archive ships ${tag}`);
  }
});

/** Blob digests in the mirror_*.tar chunks currently in `dir`. */
async function archivedBlobs(dir: string): Promise<Set<string>> {
  const out = new Set<string>();
  for (const f of (await readdir(dir)).filter((n) => /^mirror_\d{6}\.tar$/.test(n))) {
    const { stdout } = await exec('tar', ['-tf', join(dir, f)], { maxBuffer: 64 * 1024 * 1024 });
    for (const line of stdout.split('\n')) {
      const m = /blobs\/sha256\/[0-9a-f]{2}\/([0-9a-f]{64})\/data$/.exec(line);
      if (m) out.add(`sha256:${m[1]}`);
    }
  }
  return out;
}

test('operators: oci:// catalog with targetCatalog/targetTag and platforms, m2d → d2m; dry run plans without building', async (t) => {
  const { source, dest } = await startWorld(t);
  const work = await tempDirForTest(t, 'op-oci');
  const catalog = await publishCatalog(source, 'test-catalog-latest', {
    platforms: [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
    ],
  });
  const layout = join(work, 'catalog-layout');
  await skopeoCopy(`docker://${catalog.ref}`, `oci:${layout}`, { ...skopeoOptionsFor(source), all: true });
  const isc = join(work, 'isc.yaml');
  await writeFile(
    isc,
    `kind: ImageSetConfiguration
apiVersion: mirror.openshift.io/v2alpha1
mirror:
  operators:
  - catalog: oci://${layout}
    targetCatalog: team/operators
    targetTag: v1
    platforms:
    - os: linux
      architecture: arm64
    packages:
    - name: baz
`,
  );
  // Dry run first: the plan names the catalog and the head bundle, nothing is rebuilt.
  const dry = await runCli([...m2dArgs(isc, join(work, 'dry'), join(work, 'cache-dry')), '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr + dry.stdout);
  const mapping = await readFile(join(work, 'dry', 'working-dir', 'dry-run', 'mapping.txt'), 'utf8');
  assert.ok(mapping.includes(`:baz-bundle-v1.1.0`), mapping);
  assert.ok(mapping.includes(`oci://${layout}=docker://localhost:55000/team/operators:v1`), mapping);
  const dryCatalogs = join(work, 'dry', 'working-dir', 'operator-catalogs', 'catalog-layout');
  const [dryDigest] = await readdir(dryCatalogs);
  const [dryMd5] = await readdir(join(dryCatalogs, dryDigest, 'filtered-catalogs'));
  await assert.rejects(
    readFile(join(dryCatalogs, dryDigest, 'filtered-catalogs', dryMd5, 'digest')),
    'no rebuild on a dry run',
  );

  const archive = join(work, 'archive');
  const m2d = await runCli(m2dArgs(isc, archive, join(work, 'cache-m2d')));
  assert.equal(m2d.code, 0, m2d.stderr + m2d.stdout);
  await source.stop();
  const d2m = await runCli(toMirrorArgs(isc, '--from', archive, `${dest.host}/mirror`, join(work, 'cache-d2m')));
  assert.equal(d2m.code, 0, d2m.stderr + d2m.stdout);
  const opts = skopeoOptionsFor(dest);
  const top = JSON.parse((await skopeoInspectRaw(`${dest.host}/mirror/team/operators:v1`, opts)).toString()) as {
    mediaType: string;
    manifests: { platform: { architecture: string } }[];
  };
  assert.deepEqual(
    top.manifests.map((m) => m.platform.architecture),
    ['arm64'],
    'only the requested platform is rebuilt',
  );
  const fbc = await fbcAt(dest, `${dest.host}/mirror/team/operators:v1`, join(work, 'readback'));
  assert.deepEqual(
    fbc.packages.map((p) => p.name),
    ['baz'],
  );
  assert.deepEqual(bundleNames(fbc), ['baz.v1.1.0']);
  const cr = await readdir(join(archive, 'working-dir', 'cluster-resources'));
  assert.ok(cr.includes('cs-operators-v1.yaml'), cr.join(','));
});
