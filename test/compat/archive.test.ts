/**
 * oc-mirror tests/integration/archive_test.go and d2m_invalid_from_test.go (tar edge cases, clear `--from`
 * errors), plus the archive interchange of issue 18: an archive ocm-tui writes extracts into the tree oc-mirror's
 * cache expects (served as is by a real Distribution registry), and ocm-tui reads an archive laid out as oc-mirror
 * writes it (core.md §4), built here from a Distribution registry's own storage.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { INTEGRATION, startCompatWorld, type CompatWorld } from './world.js';
import { scenario } from './context.js';
import { expectSuccess, type Result } from './runner.js';
import { expectCorrectTarArchiveContents, listTarEntries } from './assertions.js';
import { startRegistry } from '../harness/registry-server.js';
import { buildImage, buildIndex, pushBuiltImage, pushBuiltIndex } from '../harness/fixture-images.js';
import { skopeoCopy, skopeoManifestDigest, skopeoOptionsFor } from '../harness/skopeo.js';
import { tempDirForTest } from '../harness/temp-dir.js';

const exec = promisify(execFile);
const ISC = 'happy_path/isc-happy-path.yaml';
let world: CompatWorld;
before(async () => {
  world = await startCompatWorld();
});
after(() => world.stop());

async function createEmptyTar(workDir: string, name: string): Promise<void> {
  await writeFile(join(workDir, name), '');
}

/**
 * upstream expectOcMirrorEmptyTarError. Upstream reads stdout (its logger writes errors there); ocm-tui writes
 * errors to stderr (docs/decisions.md), so the message is looked for in both.
 */
function expectOcMirrorEmptyTarError(r: Result): void {
  assert.notEqual(r.exitCode, 0, 'expected non-zero exit code');
  assert.ok(r.output.includes('empty archive file'), `should contain empty file error:\n${r.output}`);
}

function expectOcMirrorCommandInvalidFrom(r: Result): void {
  assert.notEqual(r.exitCode, 0, 'should be non-zero exit status');
  assert.ok(r.output.includes('no tar archives matching "mirror_[0-9]{6}\\.tar"'), r.output);
}

test('archive_test.go: empty tar files — first tar file is empty', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc(ISC);
  await createEmptyTar(s.workDir, 'mirror_000001.tar');
  expectOcMirrorEmptyTarError(
    await s.runner.diskToMirror(isc, s.workDir, s.endpoint, '--remove-signatures=true', '--dest-tls-verify=false'),
  );
});

test('archive_test.go: empty tar files — tar file other than first is empty', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc(ISC);
  expectSuccess(await s.runner.mirrorToDisk(isc, s.workDir, '--remove-signatures=true'));
  await expectCorrectTarArchiveContents(isc, s.workDir);
  await createEmptyTar(s.workDir, 'mirror_000002.tar');
  expectOcMirrorEmptyTarError(
    await s.runner.diskToMirror(isc, s.workDir, s.endpoint, '--remove-signatures=true', '--dest-tls-verify=false'),
  );
});

test('archive_test.go: non-unique tar file names — should clean existing tar files', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc(ISC);
  expectSuccess(await s.runner.mirrorToDisk(isc, s.workDir, '--remove-signatures=true'));
  const tarPath = join(s.workDir, 'mirror_000001.tar');
  const newTarPath = join(s.workDir, 'mirror_000002.tar');
  await expectCorrectTarArchiveContents(isc, s.workDir);
  assert.ok(!existsSync(newTarPath), 'should generate only one tar file');
  await rename(tarPath, newTarPath);
  expectSuccess(await s.runner.mirrorToDisk(isc, s.workDir, '--remove-signatures=true'));
  await expectCorrectTarArchiveContents(isc, s.workDir);
  assert.ok(!existsSync(newTarPath), 'previous tar files should be deleted');
  assert.ok(existsSync(tarPath), 'mirror_000001.tar should exist');
});

test('d2m_invalid_from_test.go: --from folder does not exist', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc(ISC);
  expectOcMirrorCommandInvalidFrom(
    await s.runner.diskToMirror(
      isc,
      join(s.configDir, 'invalid-dir'),
      s.endpoint,
      '--remove-signatures=true',
      '--dest-tls-verify=false',
    ),
  );
});

test('d2m_invalid_from_test.go: --from folder is empty', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc(ISC);
  expectOcMirrorCommandInvalidFrom(
    await s.runner.diskToMirror(isc, s.workDir, s.endpoint, '--remove-signatures=true', '--dest-tls-verify=false'),
  );
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('interchange: an archive ocm-tui writes extracts into the tree oc-mirror expects (paths, link files) and a Distribution registry serves it', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc(ISC);
  expectSuccess(await s.runner.mirrorToDisk(isc, s.workDir, '--remove-signatures=true'));
  const archive = join(s.workDir, 'mirror_000001.tar');
  const entries = await listTarEntries(archive);
  // core.md §4.2: only regular files, under docker/registry/v2/ or working-dir/, plus the isc_<time> copy at the root.
  const { stdout: verbose } = await exec('tar', ['-tvf', archive], { maxBuffer: 64 * 1024 * 1024 });
  for (const line of verbose.split('\n').filter(Boolean)) assert.equal(line[0], '-', `not a regular file: ${line}`);
  for (const e of entries) {
    assert.ok(
      e.startsWith('docker/registry/v2/repositories/') ||
        /^docker\/registry\/v2\/blobs\/sha256\/[0-9a-f]{2}\/[0-9a-f]{64}\/data$/.test(e) ||
        e.startsWith('working-dir/') ||
        /^isc_\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(e),
      `unexpected archive entry ${e}`,
    );
  }
  // Extract as oc-mirror's D2M does (plain tar), then check every link file against the blob store.
  const root = join(s.configDir, 'extracted');
  await mkdir(root, { recursive: true });
  await exec('tar', ['-xf', archive, '-C', root]);
  const v2 = join(root, 'docker', 'registry', 'v2');
  const blobPath = (hex: string) => join(v2, 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
  for (const hh of await readdir(join(v2, 'blobs', 'sha256'))) {
    for (const hex of await readdir(join(v2, 'blobs', 'sha256', hh))) {
      assert.equal(sha256(await readFile(blobPath(hex))), hex, `blob ${hex} content`);
    }
  }
  const links = entries.filter((e) => e.endsWith('/link'));
  assert.ok(links.length > 0);
  const tagLinks: { repo: string; tag: string; digest: string }[] = [];
  for (const l of links) {
    const text = await readFile(join(root, l), 'utf8');
    assert.match(text, /^sha256:[0-9a-f]{64}$/, `${l} holds "sha256:<hex>" without newline`);
    const m =
      /^docker\/registry\/v2\/repositories\/(.+)\/(_layers\/sha256\/([0-9a-f]{64})|_manifests\/revisions\/sha256\/([0-9a-f]{64})|_manifests\/tags\/([^/]+)\/current|_manifests\/tags\/([^/]+)\/index\/sha256\/([0-9a-f]{64}))\/link$/.exec(
        l,
      );
    assert.ok(m, `unexpected link path ${l}`);
    const named = m[3] ?? m[4] ?? m[7];
    if (named) assert.equal(text, `sha256:${named}`, `${l} names its own digest`);
    if (m[5]) tagLinks.push({ repo: m[1], tag: m[5], digest: text });
  }
  // Expected repositories of the happy path, as oc-mirror names them in its cache.
  const repos = new Set(tagLinks.map((l) => l.repo));
  for (const r of [
    'openshift/release-images',
    'openshift/release',
    'oc-mirror/oc-mirror-dev',
    'openshifttest/hello-openshift',
    'stefanprodan/podinfo',
  ]) {
    assert.ok(repos.has(r), `repository ${r} in the archive (got ${[...repos].join(', ')})`);
  }
  assert.ok(tagLinks.some((l) => l.repo === 'openshift/release-images' && l.tag === 'v0.0.1'));
  assert.ok(tagLinks.some((l) => l.repo === 'openshift/release' && l.tag === 'v0.0.1-alpine'));
  // The extracted tree is a Distribution storage root: a real docker-registry serves every tag at its digest.
  const served = await startRegistry({ storageDir: root });
  t.after(() => served.stop());
  const opts = skopeoOptionsFor(served);
  for (const l of tagLinks) {
    assert.equal(await skopeoManifestDigest(`${served.host}/${l.repo}:${l.tag}`, opts), l.digest, `${l.repo}:${l.tag}`);
  }
  assert.equal(
    await skopeoManifestDigest(`${served.host}/openshift/release-images:v0.0.1`, opts),
    world.release!.digest,
  );
  assert.equal(
    await skopeoManifestDigest(
      `${served.host}/openshifttest/hello-openshift:sha256-${world.hello.digest.slice(7)}`,
      opts,
    ),
    world.hello.digest,
  );
});

test('interchange: ocm-tui reads an archive laid out as oc-mirror writes it (core.md §4) and mirrors it to a registry', async (t) => {
  const s = await scenario(t, world);
  const dir = await tempDirForTest(t, 'ocmirror-archive-');
  // oc-mirror's cache is a Distribution registry: fill one with the images under the names oc-mirror gives them
  // (§8.2: additional image by digest → tag sha256-<hex>, by tag → the tag) and ship its storage tree.
  const cacheStorage = join(dir, 'cache');
  const cache = await startRegistry({ storageDir: cacheStorage });
  t.after(() => cache.stop());
  const hello = await buildIndex({
    seed: 'interchange/hello',
    layers: 1,
    layerSize: 200,
    format: 'docker',
    platforms: [
      { os: 'linux', architecture: 'arm64' },
      { os: 'linux', architecture: 'ppc64le' },
    ],
  });
  await pushBuiltIndex(cache, `openshifttest/hello-openshift:sha256-${hello.digest.slice(7)}`, hello);
  const tagged = await buildImage({ seed: 'interchange/multilayers', layers: 10, layerSize: 128 });
  await pushBuiltImage(cache, 'oc-mirror/oc-mirror-dev:multilayers-latest', tagged);
  // the world's signed release, under oc-mirror's cache names (§8.2): payload openshift/release-images:<tag>,
  // component openshift/release:<tag>-<name>
  const release = world.release!;
  const copy = { src: skopeoOptionsFor(world.source), dest: skopeoOptionsFor(cache), preserveDigests: true };
  await skopeoCopy(
    `${world.source.host}/oc-mirror/release/test-release-index:v0.0.1`,
    `${cache.host}/openshift/release-images:v0.0.1`,
    copy,
  );
  await skopeoCopy(
    `${world.source.host}/oc-mirror/release/test-image:v0.0.1`,
    `${cache.host}/openshift/release:v0.0.1-alpine`,
    copy,
  );
  await cache.stop();
  const isc = join(dir, 'isc.yaml');
  await writeFile(
    isc,
    [
      'kind: ImageSetConfiguration',
      'apiVersion: mirror.openshift.io/v2alpha1',
      'mirror:',
      '  platform:',
      `    release: ${release.identity}`,
      '  additionalImages:',
      `  - name: quay.io/openshifttest/hello-openshift@${hello.digest}`,
      '  - name: quay.io/oc-mirror/oc-mirror-dev:multilayers-latest',
      '',
    ].join('\n'),
  );
  // working-dir as oc-mirror leaves it after a mirror to disk (§3.7): logs, history, pinned configs, version.
  const wd = join(dir, 'working-dir');
  await mkdir(join(wd, 'logs'), { recursive: true });
  await mkdir(join(wd, 'internal'), { recursive: true });
  await writeFile(join(wd, 'logs', 'oc-mirror-2025-01-31T10:00:00Z.log'), 'mirror to disk\n');
  await writeFile(join(wd, 'internal', 'oc-mirror-version.json'), '{"gitVersion":"4.18.0"}\n');
  await writeFile(join(wd, 'isc_pinned_2025-01-31T10:00:00Z.yaml'), await readFile(isc));
  // the release metadata D2M reads (§3.7): the signature, and the payload's release-manifests
  await mkdir(join(wd, 'signatures'), { recursive: true });
  await writeFile(join(wd, 'signatures', release.signatureFile), release.signature);
  const held = join(wd, 'hold-release', 'test-release-index', 'v0.0.1', 'release-manifests');
  await mkdir(held, { recursive: true });
  const manifests = join(INTEGRATION, 'release-manifests');
  await writeFile(
    join(held, 'image-references'),
    (await readFile(join(manifests, 'image-references'), 'utf8'))
      .split('quay.io/oc-mirror/release/')
      .join(`${world.registryHost}/oc-mirror/release/`),
  );
  await writeFile(join(held, 'release-metadata'), await readFile(join(manifests, 'release-metadata')));
  await writeFile(join(dir, 'isc_2025-01-31T10:00:00Z'), await readFile(isc));
  // §4.2 order: repositories tree, blobs, working-dir, isc copy; regular files only (no directory entries), PAX.
  const files = async (base: string, sub: string): Promise<string[]> => {
    const out: string[] = [];
    const walk = async (d: string) => {
      for (const e of (await readdir(d, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const full = join(d, e.name);
        if (e.isDirectory()) await walk(full);
        else if (e.isFile()) out.push(relative(base, full));
      }
    };
    await walk(join(base, sub));
    return out;
  };
  const list = [
    ...(await files(cacheStorage, 'docker/registry/v2/repositories')).filter((f) => !f.includes('/_uploads/')),
    ...(await files(cacheStorage, 'docker/registry/v2/blobs')),
  ];
  const listFile = join(dir, 'list');
  await writeFile(listFile, `${list.join('\n')}\n`);
  const workDir = join(dir, 'archive');
  await mkdir(workDir);
  const tarFile = join(workDir, 'mirror_000001.tar');
  await exec('tar', ['--format=pax', '--no-recursion', '-cf', tarFile, '-C', cacheStorage, '-T', listFile]);
  const wdList = join(dir, 'wd-list');
  await writeFile(wdList, `${(await files(dir, 'working-dir')).join('\n')}\nisc_2025-01-31T10:00:00Z\n`);
  await exec('tar', ['--format=pax', '--no-recursion', '-rf', tarFile, '-C', dir, '-T', wdList]);

  const r = await s.runner.diskToMirror(isc, workDir, `${s.endpoint}/mirror`, '--dest-tls-verify=false');
  expectSuccess(r);
  const opts = skopeoOptionsFor(s.testRegistry);
  assert.equal(
    await skopeoManifestDigest(
      `${s.endpoint}/mirror/openshifttest/hello-openshift:sha256-${hello.digest.slice(7)}`,
      opts,
    ),
    hello.digest,
  );
  assert.equal(
    await skopeoManifestDigest(`${s.endpoint}/mirror/oc-mirror/oc-mirror-dev:multilayers-latest`, opts),
    tagged.digest,
  );
  assert.equal(
    await skopeoManifestDigest(`${s.endpoint}/mirror/openshift/release-images:v0.0.1`, opts),
    release.digest,
  );
  assert.equal(
    await skopeoManifestDigest(`${s.endpoint}/mirror/openshift/release:v0.0.1-alpine`, opts),
    release.component.digest,
  );
});
