/**
 * oc-mirror's integration assertions (tests/integration/helpers_test.go and the scenario files, openshift/oc-mirror
 * 855b64a3), translated one for one: same names, same rules. They read the registry over its HTTP API, the cache in
 * its Distribution layout, archives with `tar -t`, and the working-dir files — never ocm-tui's own code.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, readdir, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';
import { Readable } from 'node:stream';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import type { RunningRegistry } from '../harness/registry-server.js';
import { getConfig, getManifest, isCatalog, listRepositories, listTags } from './world.js';

const exec = promisify(execFile);

export const PLATFORM_RELEASE_REPO = 'openshift/release';
export const TAR_REPOSITORIES_PATH = 'docker/registry/v2/repositories/';
export const CACHE_REPOSITORIES_SUBDIR = 'docker/registry/v2/repositories';

export interface Isc {
  mirror: {
    platform?: { graph?: boolean; release?: string };
    helm?: { repositories?: { name: string; url: string; charts?: { name: string; version: string }[] }[] };
    additionalImages?: { name: string }[];
    operators?: { catalog: string; packages?: { name: string }[] }[];
  };
}

export async function parseImageSetConfig(path: string): Promise<Isc> {
  const doc = parseYaml(await readFile(path, 'utf8')) as Isc & { delete?: Isc['mirror'] };
  return { mirror: doc.mirror ?? doc.delete ?? {} };
}

/** `reference.Path`: the repository path without the registry host, tag or digest. */
export function extractRepositoryName(ref: string): string {
  let r = ref.replace(/^docker:\/\//, '');
  const at = r.indexOf('@');
  if (at >= 0) r = r.slice(0, at);
  const colon = r.lastIndexOf(':');
  if (colon > r.lastIndexOf('/')) r = r.slice(0, colon);
  const parts = r.split('/');
  if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost')) parts.shift();
  return parts.join('/');
}

/** The last path component of the repository. */
export function extractImageName(ref: string): string {
  return basename(extractRepositoryName(ref));
}

/** `domain/path` of a reference. */
export function referenceWithoutTagOrDigest(ref: string): string {
  let r = ref;
  const at = r.indexOf('@');
  if (at >= 0) r = r.slice(0, at);
  const colon = r.lastIndexOf(':');
  if (colon > r.lastIndexOf('/')) r = r.slice(0, colon);
  return r;
}

export function extractTag(ref: string): string {
  const colon = ref.lastIndexOf(':');
  assert.ok(!ref.includes('@') && colon > ref.lastIndexOf('/'), `image ref ${ref} has no tag`);
  return ref.slice(colon + 1);
}

export function collectExpectedRepos(cfg: Isc): string[] {
  const expected: string[] = [];
  if (cfg.mirror.platform?.release) expected.push(PLATFORM_RELEASE_REPO);
  for (const op of cfg.mirror.operators ?? []) expected.push(extractRepositoryName(op.catalog));
  for (const repo of cfg.mirror.helm?.repositories ?? []) if ((repo.charts ?? []).length > 0) expected.push(repo.name);
  for (const img of cfg.mirror.additionalImages ?? []) expected.push(extractRepositoryName(img.name));
  return expected;
}

export function collectExpectedNonCatalogRepos(cfg: Isc): string[] {
  const catalogs = new Set((cfg.mirror.operators ?? []).map((op) => extractRepositoryName(op.catalog)));
  return collectExpectedRepos(cfg).filter((r) => !catalogs.has(r));
}

// ---- registry ----

export async function expectRepositoriesExist(registry: RunningRegistry, expected: string[]): Promise<void> {
  const repos = await listRepositories(registry);
  assert.ok(repos.length > 0, 'registry has no repositories');
  for (const exp of expected) {
    assert.ok(
      repos.some((r) => r.includes(exp)),
      `missing repository "${exp}", got: ${repos.join(', ')}`,
    );
  }
}

export async function expectSuccessfulMirrorInRegistry(isc: string, registry: RunningRegistry): Promise<void> {
  await expectRepositoriesExist(registry, collectExpectedRepos(await parseImageSetConfig(isc)));
}

export async function expectNoRepositoriesInRegistry(registry: RunningRegistry): Promise<void> {
  const repos = await listRepositories(registry);
  assert.deepEqual(repos, [], `expected registry to have no repositories, but found: ${repos.join(', ')}`);
}

export async function expectNoSignaturesInRegistry(registry: RunningRegistry): Promise<void> {
  for (const repo of await listRepositories(registry)) {
    for (const tag of await listTags(registry, repo)) {
      assert.ok(
        !tag.endsWith('.sig'),
        `repo "${repo}" has unexpected signature tag "${tag}" when --remove-signatures=true`,
      );
    }
  }
}

export async function expectSignaturesInRegistry(registry: RunningRegistry): Promise<void> {
  let sigCount = 0;
  for (const repo of await listRepositories(registry)) {
    const tags = await listTags(registry, repo);
    const tagSet = new Set(tags);
    for (const tag of tags) {
      if (tag.endsWith('.sig')) continue;
      const { digest } = await getManifest(registry, repo, tag);
      const sigTag = `${digest.replace(':', '-')}.sig`;
      assert.ok(
        tagSet.has(sigTag),
        `image ${registry.host}/${repo}:${tag} (digest ${digest}) has no signature tag ${sigTag}`,
      );
      sigCount++;
    }
  }
  assert.ok(sigCount > 0, 'no images with signatures found in registry');
}

export async function expectNonCatalogSignaturesDeleted(registry: RunningRegistry): Promise<void> {
  for (const repo of await listRepositories(registry)) {
    const tags = await listTags(registry, repo);
    let hasCatalog = false;
    let hasSigTag = false;
    for (const tag of tags) {
      if (tag.endsWith('.sig')) {
        hasSigTag = true;
        continue;
      }
      if (!hasCatalog) hasCatalog = await isCatalog(registry, repo, tag);
    }
    if (hasSigTag) assert.ok(hasCatalog, `repo "${repo}" has .sig tags remaining but contains no catalog image`);
  }
}

export async function expectOnlySignatureTagsRemain(registry: RunningRegistry): Promise<void> {
  let foundSigTag = false;
  for (const repo of await listRepositories(registry)) {
    for (const tag of await listTags(registry, repo)) {
      if (tag.endsWith('.sig')) {
        foundSigTag = true;
        continue;
      }
      assert.ok(
        await isCatalog(registry, repo, tag),
        `non-catalog repo "${repo}" has non-signature tag "${tag}" after delete`,
      );
    }
  }
  assert.ok(foundSigTag, 'expected at least one .sig tag to remain after delete');
}

/** upstream expectEmptyRegistry: a repository that still has tags must be a catalog's (its first tag). */
export async function expectEmptyRegistry(registry: RunningRegistry): Promise<void> {
  for (const repo of await listRepositories(registry)) {
    const tags = await listTags(registry, repo);
    if (tags.length === 0) continue;
    assert.ok(
      await isCatalog(registry, repo, tags[0]),
      `non-catalog repo "${repo}" still has tags after delete: ${tags.join(', ')}`,
    );
  }
}

// ---- local cache (Distribution layout) ----

/** `--cache-dir DIR` puts the cache at `DIR/.oc-mirror/.cache` (upstream's default is `$HOME/.oc-mirror/.cache`). */
export function cacheRoot(cacheDirFlag: string): string {
  return join(cacheDirFlag, '.oc-mirror', '.cache');
}

async function walkDirs(root: string, visit: (path: string, name: string) => Promise<void> | void): Promise<void> {
  if (!existsSync(root)) return;
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const full = join(root, entry.name);
    await visit(full, entry.name);
    await walkDirs(full, visit);
  }
}

export async function listLocalCacheRepositories(cache: string): Promise<string[]> {
  const reposRoot = join(cache, CACHE_REPOSITORIES_SUBDIR);
  const repos: string[] = [];
  await walkDirs(reposRoot, (path, name) => {
    if (name === '_manifests') repos.push(relative(reposRoot, join(path, '..')));
  });
  return repos;
}

export async function listLocalCacheTaggedRepositories(cache: string): Promise<string[]> {
  const reposRoot = join(cache, CACHE_REPOSITORIES_SUBDIR);
  const repos: string[] = [];
  await walkDirs(reposRoot, async (path, name) => {
    if (name !== 'tags' || basename(join(path, '..')) !== '_manifests') return;
    if ((await readdir(path)).length > 0) repos.push(relative(reposRoot, join(path, '..', '..')));
  });
  return repos;
}

export async function expectSuccessfulMirrorInLocalCache(isc: string, cache: string): Promise<void> {
  const expected = collectExpectedRepos(await parseImageSetConfig(isc));
  const repos = await listLocalCacheRepositories(cache);
  assert.ok(repos.length > 0, 'local cache has no repositories');
  for (const exp of expected) {
    assert.ok(
      repos.some((r) => r.includes(exp)),
      `missing repository "${exp}" in local cache, got: ${repos.join(', ')}`,
    );
  }
}

export async function expectRepositoriesAbsentFromLocalCache(cache: string, expected: string[]): Promise<void> {
  const repos = await listLocalCacheTaggedRepositories(cache);
  for (const exp of expected) {
    for (const repo of repos) {
      assert.ok(!repo.includes(exp), `repository "${exp}" unexpectedly still has tags in local cache (${repo})`);
    }
  }
}

// ---- archives ----

export async function findTarArchives(workDir: string): Promise<string[]> {
  const names = existsSync(workDir) ? (await readdir(workDir)).filter((n) => /^mirror_.*\.tar$/.test(n)).sort() : [];
  return names.map((n) => join(workDir, n));
}

export async function listTarEntries(tarPath: string): Promise<string[]> {
  const { stdout } = await exec('tar', ['-tf', tarPath], { maxBuffer: 256 * 1024 * 1024 });
  return stdout.split('\n').filter((l) => l !== '');
}

export function expectTarContainsPath(entries: string[], prefix: string): void {
  assert.ok(
    entries.some((e) => e === prefix || e === `${prefix}/` || e.startsWith(`${prefix}/`)),
    `tar archive is missing expected path: ${prefix}`,
  );
}

export function expectTarDoesNotContainPath(entries: string[], substring: string): void {
  for (const e of entries) {
    assert.ok(!e.includes(substring), `tar archive should not contain path matching "${substring}", but found: ${e}`);
  }
}

export function collectExpectedTarPaths(cfg: Isc): string[] {
  const paths: string[] = [];
  if (cfg.mirror.platform?.release) paths.push(TAR_REPOSITORIES_PATH + PLATFORM_RELEASE_REPO);
  for (const op of cfg.mirror.operators ?? []) {
    paths.push(TAR_REPOSITORIES_PATH + extractRepositoryName(op.catalog));
    paths.push(join('working-dir', 'operator-catalogs', extractImageName(op.catalog)));
  }
  for (const img of cfg.mirror.additionalImages ?? [])
    paths.push(TAR_REPOSITORIES_PATH + extractRepositoryName(img.name));
  for (const repo of cfg.mirror.helm?.repositories ?? []) {
    for (const chart of repo.charts ?? []) {
      paths.push(join('working-dir', 'helm', 'charts', `${chart.name}-${chart.version}.tgz`));
    }
  }
  return paths;
}

export async function expectCorrectTarArchiveContents(isc: string, workDir: string): Promise<void> {
  const cfg = await parseImageSetConfig(isc);
  const matches = await findTarArchives(workDir);
  assert.ok(matches.length > 0, 'no tar archive found');
  const entries = await listTarEntries(matches[0]);
  assert.ok(entries.length > 0, 'tar archive has no entries');
  for (const p of collectExpectedTarPaths(cfg)) expectTarContainsPath(entries, p);
}

export async function expectNoTarArchive(workDir: string): Promise<void> {
  const matches = await findTarArchives(workDir);
  assert.deepEqual(matches, [], `expected no tar archive but found: ${matches.join(', ')}`);
}

export async function countBlobEntriesInArchives(tarFiles: string[]): Promise<number> {
  let n = 0;
  for (const f of tarFiles)
    n += (await listTarEntries(f)).filter((e) => e.startsWith('docker/registry/v2/blobs/')).length;
  return n;
}

export async function collectTarBlobPaths(tarPath: string, prefix: string): Promise<string[]> {
  const p = prefix.endsWith('/') ? prefix : `${prefix}/`;
  return (await listTarEntries(tarPath)).filter((e) => e.startsWith(p));
}

// ---- working-dir files ----

export async function expectValidDeleteImagesFiles(workDir: string, deleteId: string): Promise<void> {
  const deleteDir = join(workDir, 'working-dir', 'delete');
  if (deleteId === '') {
    assert.ok(existsSync(join(deleteDir, 'delete-images.yaml')), 'default delete-images.yaml not found');
    assert.ok(
      existsSync(join(deleteDir, 'delete-imageset-config.yaml')),
      'default delete-imageset-config.yaml not found',
    );
    return;
  }
  assert.ok(
    existsSync(join(deleteDir, `delete-images-${deleteId}.yaml`)),
    `delete-images yaml with delete-id "${deleteId}" not found`,
  );
  assert.ok(
    existsSync(join(deleteDir, `delete-imageset-config-${deleteId}.yaml`)),
    `delete-imageset-config yaml with delete-id "${deleteId}" not found`,
  );
  assert.ok(
    !existsSync(join(deleteDir, 'delete-images.yaml')),
    'default delete-images.yaml should not exist when --delete-id is set',
  );
}

export async function readMapping(workDir: string): Promise<string> {
  const mappingPath = join(workDir, 'working-dir', 'dry-run', 'mapping.txt');
  assert.ok(existsSync(mappingPath), `mapping.txt not found at: ${mappingPath}`);
  return (await readFile(mappingPath, 'utf8')).trim();
}

export async function expectValidMappingFile(workDir: string, isc: string): Promise<void> {
  const content = await readMapping(workDir);
  assert.notEqual(content, '', 'mapping.txt is empty');
  for (const raw of content.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const eq = line.indexOf('=');
    assert.ok(eq >= 0, `mapping line does not follow source=destination format: ${line}`);
    assert.ok(eq > 0, `source is empty in mapping line: ${line}`);
    assert.ok(eq < line.length - 1, `destination is empty in mapping line: ${line}`);
  }
  for (const repo of collectExpectedRepos(await parseImageSetConfig(isc))) {
    assert.ok(content.includes(repo), `mapping.txt does not contain expected repository "${repo}"`);
  }
}

export async function expectOnlyAllowedExecutableFiles(workDir: string): Promise<void> {
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(full);
        continue;
      }
      if (!entry.isFile()) continue;
      if (((await stat(full)).mode & 0o111) === 0) continue;
      const normalized = `/${relative(workDir, full)}`;
      assert.ok(
        normalized.includes('/graph-preparation/') || normalized.includes('/filtered-catalog-image/'),
        `unexpected executable file: ${relative(workDir, full)}`,
      );
    }
  };
  await walk(workDir);
}

function noEmptyFields(obj: Record<string, unknown>, path: string): void {
  for (const [key, val] of Object.entries(obj)) {
    const fieldPath = `${path}.${key}`;
    if (typeof val === 'string') assert.notEqual(val, '', `field ${fieldPath} is an empty string`);
    else if (Array.isArray(val)) {
      assert.ok(val.length > 0, `field ${fieldPath} is an empty slice`);
      val.forEach((item, j) => {
        if (typeof item === 'string') assert.notEqual(item, '', `field ${fieldPath}[${j}] is an empty string`);
        else if (item && typeof item === 'object') noEmptyFields(item as Record<string, unknown>, `${fieldPath}[${j}]`);
      });
    } else if (val && typeof val === 'object') {
      assert.ok(Object.keys(val).length > 0, `field ${fieldPath} is an empty map`);
      noEmptyFields(val as Record<string, unknown>, fieldPath);
    }
  }
}

export async function expectCorrectIDMS(workDir: string, isc: string): Promise<void> {
  const idmsPath = join(workDir, 'working-dir', 'cluster-resources', 'idms-oc-mirror.yaml');
  assert.ok(existsSync(idmsPath), `IDMS file not found at: ${idmsPath}`);
  const sources: string[] = [];
  for (const doc of parseAllDocuments(await readFile(idmsPath, 'utf8'))) {
    assert.deepEqual(doc.errors, [], 'failed to parse IDMS document');
    const raw = doc.toJS() as Record<string, unknown> | null;
    if (raw === null) continue;
    noEmptyFields(raw, 'idms');
    assert.equal(raw.kind, 'ImageDigestMirrorSet');
    const spec = raw.spec as { imageDigestMirrors?: { source: string; mirrors?: string[] }[] };
    for (const m of spec.imageDigestMirrors ?? []) sources.push(m.source);
  }
  const covers = (ref: string) => sources.some((s) => ref.startsWith(s));
  const cfg = await parseImageSetConfig(isc);
  const release = cfg.mirror.platform?.release;
  if (release) {
    const ref = referenceWithoutTagOrDigest(release);
    assert.ok(covers(ref), `no IDMS source is a prefix of platform release "${ref}"; sources: ${sources.join(', ')}`);
  }
  for (const op of cfg.mirror.operators ?? []) {
    const ref = referenceWithoutTagOrDigest(op.catalog);
    assert.ok(covers(ref), `no IDMS source is a prefix of operator catalog "${ref}"; sources: ${sources.join(', ')}`);
  }
  for (const img of cfg.mirror.additionalImages ?? []) {
    const ref = referenceWithoutTagOrDigest(img.name);
    assert.ok(covers(ref), `no IDMS source is a prefix of additional image "${ref}"; sources: ${sources.join(', ')}`);
  }
}

export async function expectCorrectCatalogSourceYAMLs(
  workDir: string,
  targetRegistry: string,
  isc: string,
): Promise<void> {
  const dir = join(workDir, 'working-dir', 'cluster-resources');
  const matches = (await readdir(dir)).filter((f) => f.startsWith('cs-') && f.endsWith('.yaml'));
  assert.ok(matches.length > 0, `no CatalogSource YAML files found in ${dir}`);
  const images: string[] = [];
  for (const f of matches) {
    const cs = parseYaml(await readFile(join(dir, f), 'utf8')) as { kind: string; spec: { image?: string } };
    assert.equal(cs.kind, 'CatalogSource', `unexpected kind in ${f}`);
    assert.ok(cs.spec.image, `CatalogSource ${f} has empty spec.image`);
    images.push(cs.spec.image);
  }
  for (const op of (await parseImageSetConfig(isc)).mirror.operators ?? []) {
    const expectedRepo = `${targetRegistry}/${extractRepositoryName(op.catalog)}`;
    assert.ok(
      images.some((i) => i.startsWith(`${expectedRepo}:`) || i.startsWith(`${expectedRepo}@`)),
      `no CatalogSource image references the rebuilt catalog "${expectedRepo}"; images: ${images.join(', ')}`,
    );
  }
}

export async function expectSignatureConfigMapGenerated(workDir: string): Promise<void> {
  const crDir = join(workDir, 'working-dir', 'cluster-resources');
  const jsonCM = JSON.parse(await readFile(join(crDir, 'signature-configmap.json'), 'utf8')) as {
    metadata: { name: string };
    binaryData: Record<string, string>;
  };
  const yamlCM = parseYaml(await readFile(join(crDir, 'signature-configmap.yaml'), 'utf8')) as typeof jsonCM;
  for (const cm of [jsonCM, yamlCM]) {
    assert.equal(cm.metadata.name, 'mirrored-release-signatures');
    assert.ok(Object.keys(cm.binaryData ?? {}).length > 0);
    for (const key of Object.keys(cm.binaryData)) {
      assert.match(key, /^sha256-[0-9a-f]{64}-\d+$/, `unexpected binaryData key format: ${key}`);
    }
  }
  assert.deepEqual(jsonCM.binaryData, yamlCM.binaryData, 'json and yaml signature configmaps disagree on binaryData');
  const sigDir = join(workDir, 'working-dir', 'signatures');
  const entries = await readdir(sigDir);
  assert.ok(entries.length > 0, `no cached signature files found in ${sigDir}`);
  for (const [key, val] of Object.entries(jsonCM.binaryData)) {
    const digest = key.split('-')[1];
    const file = entries.find((f) => f.includes(digest));
    assert.ok(file, `no signature file found for configmap key ${key}`);
    assert.equal(
      val,
      (await readFile(join(sigDir, file))).toString('base64'),
      `binaryData content mismatch for key ${key}`,
    );
  }
}

export function expectNoSignatureConfigMap(workDir: string): void {
  const crDir = join(workDir, 'working-dir', 'cluster-resources');
  assert.ok(!existsSync(join(crDir, 'signature-configmap.json')), 'expected signature-configmap.json to not exist');
  assert.ok(!existsSync(join(crDir, 'signature-configmap.yaml')), 'expected signature-configmap.yaml to not exist');
}

// ---- catalogs read back from the registry ----

/**
 * upstream extractCatalogConfigs: the image at `<registry>/<repo>:<tag>` flattened (layers in order, whiteouts
 * honoured), the files under the configs label's directory. Returns path → text.
 */
export async function extractCatalogConfigs(
  registry: RunningRegistry,
  catalogRef: string,
): Promise<Map<string, string>> {
  const repo = extractRepositoryName(catalogRef);
  const tag = extractTag(catalogRef);
  return catalogConfigsAt(registry, repo, tag);
}

export async function catalogConfigsAt(
  registry: RunningRegistry,
  repo: string,
  reference: string,
): Promise<Map<string, string>> {
  const config = await getConfig(registry, repo, reference);
  const configsPath = config.config?.Labels?.['operators.operatorframework.io.index.configs.v1'];
  assert.ok(configsPath, 'catalog image missing FBC configs label');
  let m = await getManifest(registry, repo, reference);
  if (Array.isArray(m.body.manifests)) {
    const children = m.body.manifests as { digest: string; platform?: { architecture: string } }[];
    m = await getManifest(
      registry,
      repo,
      (children.find((c) => c.platform?.architecture === 'amd64') ?? children[0]).digest,
    );
  }
  const files = new Map<string, string>();
  const prefix = configsPath.replace(/^\/+/, '').replace(/\/+$/, '');
  for (const layer of m.body.layers as { digest: string }[]) {
    const res = await fetch(`${registry.url}/v2/${repo}/blobs/${layer.digest}`);
    assert.ok(res.ok, `layer ${layer.digest}: ${res.status}`);
    let bytes = Buffer.from(await res.arrayBuffer());
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
    await new Promise<void>((resolve, reject) => {
      const ex = extract();
      ex.on('entry', (header, stream, next) => {
        const name = header.name.replace(/^\.?\/+/, '');
        const dir = name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : '';
        const base = name.slice(name.lastIndexOf('/') + 1);
        const chunks: Buffer[] = [];
        stream.on('data', (c: unknown) => chunks.push(c as Buffer));
        stream.on('end', () => {
          if (base === '.wh..wh..opq') {
            for (const k of [...files.keys()]) if (k.startsWith(`${dir}/`)) files.delete(k);
          } else if (base.startsWith('.wh.')) {
            const target = `${dir ? `${dir}/` : ''}${base.slice(4)}`;
            for (const k of [...files.keys()]) if (k === target || k.startsWith(`${target}/`)) files.delete(k);
          } else if (header.type === 'file') {
            files.set(name, Buffer.concat(chunks).toString('utf8'));
          }
          next();
        });
        stream.resume();
      });
      ex.on('finish', resolve);
      ex.on('error', reject);
      Readable.from([bytes]).pipe(ex);
    });
  }
  const out = new Map<string, string>();
  for (const [k, v] of files) if (k.startsWith(`${prefix}/`)) out.set(k.slice(prefix.length + 1), v);
  return out;
}

export interface Meta {
  schema: string;
  package?: string;
  name?: string;
  [k: string]: unknown;
}

/** All FBC blobs of the files (YAML documents or concatenated JSON objects). */
function parseBlobs(path: string, text: string): Meta[] {
  if (path.endsWith('.yaml') || path.endsWith('.yml')) {
    return parseAllDocuments(text)
      .map((d) => d.toJS() as Meta | null)
      .filter((m): m is Meta => m !== null);
  }
  if (!path.endsWith('.json')) return [];
  const out: Meta[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth === 0) out.push(JSON.parse(text.slice(start, i + 1)) as Meta);
    }
  }
  return out;
}

/** declcfg.LoadFS on the package directory (`''` = the whole catalog). */
export function loadFbc(configs: Map<string, string>, packageDir: string): Meta[] {
  const blobs: Meta[] = [];
  for (const [path, text] of configs) {
    if (packageDir !== '' && !path.startsWith(`${packageDir}/`)) continue;
    blobs.push(...parseBlobs(path, text));
  }
  return blobs;
}

export function loadCatalogBundles(configs: Map<string, string>, pkg: string): Meta[] {
  return loadFbc(configs, pkg).filter((b) => b.schema === 'olm.bundle' && b.package === pkg);
}

const KNOWN_SCHEMAS = new Set(['olm.package', 'olm.channel', 'olm.bundle', 'olm.deprecations']);

export function loadOtherBlobs(configs: Map<string, string>, pkg: string): Meta[] {
  return loadFbc(configs, pkg).filter((b) => !KNOWN_SCHEMAS.has(b.schema) && (b.package ?? '') === pkg);
}

export async function expectCatalogBundlesMatchISC(
  registry: RunningRegistry,
  isc: string,
  expectedBundles: Record<string, string[]>,
): Promise<void> {
  for (const op of (await parseImageSetConfig(isc)).mirror.operators ?? []) {
    const configs = await extractCatalogConfigs(registry, op.catalog);
    for (const pkg of op.packages ?? []) {
      const bundles = loadCatalogBundles(configs, pkg.name);
      assert.ok(bundles.length > 0, `no bundles found for package "${pkg.name}" in catalog ${op.catalog}`);
      const expected = expectedBundles[pkg.name];
      assert.ok(expected, `no expected bundles provided for package "${pkg.name}"`);
      assert.deepEqual(
        bundles.map((b) => b.name).sort(),
        [...expected].sort(),
        `mirrored bundles for package "${pkg.name}" do not match expected set`,
      );
    }
  }
}

export async function expectCatalogContainsOnlyExpectedPackages(registry: RunningRegistry, isc: string): Promise<void> {
  for (const op of (await parseImageSetConfig(isc)).mirror.operators ?? []) {
    const configs = await extractCatalogConfigs(registry, op.catalog);
    const dirs = new Set([...configs.keys()].filter((k) => k.includes('/')).map((k) => k.slice(0, k.indexOf('/'))));
    assert.deepEqual(
      [...dirs].sort(),
      (op.packages ?? []).map((p) => p.name).sort(),
      `rebuilt catalog for "${op.catalog}" should contain only the packages selected in the ISC`,
    );
  }
}

export async function expectRebuiltTagMatchesDigest(registry: RunningRegistry, isc: string): Promise<void> {
  for (const op of (await parseImageSetConfig(isc)).mirror.operators ?? []) {
    const repo = extractRepositoryName(op.catalog);
    const tags = await listTags(registry, repo);
    assert.ok(tags.length > 0, `expected at least one mirrored tag for "${repo}"`);
    let found = false;
    for (const tag of tags) {
      if (!/^sha256-[a-f0-9]{64}$/.test(tag)) continue;
      found = true;
      const { digest } = await getManifest(registry, repo, tag);
      assert.equal(tag, `sha256-${digest.slice(7)}`, `rebuilt tag should match manifest digest for ${repo}`);
    }
    assert.ok(found, `expected at least one digest-style rebuilt tag for "${repo}", got: ${tags.join(', ')}`);
  }
}

export async function expectOtherBlobsInCatalog(
  registry: RunningRegistry,
  isc: string,
  pkgHasExtraBlobs: Record<string, boolean>,
): Promise<void> {
  const lifecycleSchema = 'io.openshift.operators.lifecycles.v1alpha1';
  for (const op of (await parseImageSetConfig(isc)).mirror.operators ?? []) {
    const configs = await extractCatalogConfigs(registry, op.catalog);
    for (const pkg of [...(op.packages ?? []).map((p) => p.name), '']) {
      const extras = loadOtherBlobs(configs, pkg);
      if (pkgHasExtraBlobs[pkg]) {
        assert.ok(extras.length > 0, `${pkg || 'catalog'} extra blobs missing`);
        assert.ok(
          extras.some((e) => e.schema === lifecycleSchema),
          `${pkg || 'catalog'}: no ${lifecycleSchema} blob`,
        );
      } else {
        assert.deepEqual(extras, [], `unexpected blobs found for ${pkg || 'catalog'}`);
      }
    }
  }
}
