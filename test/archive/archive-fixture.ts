/**
 * Test fixture for archive tests: a cache holding the real multi-arch image (and its real cosign signatures),
 * a working-dir with ordinary, long-named and non-ASCII-named files, and an ImageSetConfiguration file.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { CacheStore } from '../../core/store/cache-store.js';
import { collectImageBlobs } from '../../core/store/manifest-walk.js';
import { OciLayoutStore } from '../../core/store/oci-layout-store.js';
import { testdataPath } from '../harness/testdata-paths.js';
import { copyImage } from '../store/copy-image.js';

export const IMAGE_REPO = 'rh_ee_aguidi/multi-platform-container';
export const INDEX_DIGEST = 'sha256:0de0e983a4980f32b1aad2d7f7f387cea2d4e9517b47f336cef27f63735911fa';

/** > 100 characters, splittable into USTAR prefix + name. */
export const MEDIUM_NAME = `working-dir/operator-catalogs/${'m'.repeat(60)}/catalog-config/${'n'.repeat(20)}.json`;
/** > 255 characters: needs a PAX path record. */
export const LONG_NAME = `working-dir/release-images/${'a'.repeat(120)}/${'b'.repeat(120)}/manifest.json`;
/** Not ASCII: also a PAX path record. */
export const UNICODE_NAME = 'working-dir/helm/charts/café-ü-1.0.0.tgz';

export interface ArchiveFixture {
  root: string;
  cacheRoot: string;
  workspaceRoot: string;
  workingDir: string;
  configFile: string;
  outputDir: string;
  cache: CacheStore;
  /** All blob digests of the image, in collectImageBlobs order (13 image blobs). */
  imageBlobs: string[];
  /** Image plus signature blobs (13 + 15). */
  allBlobs: string[];
}

export async function createArchiveFixture(root: string): Promise<ArchiveFixture> {
  const signal = new AbortController().signal;
  const cacheRoot = join(root, 'cache', '.oc-mirror', '.cache');
  const workspaceRoot = join(root, 'workspace');
  const workingDir = join(workspaceRoot, 'working-dir');
  const outputDir = join(root, 'archives');
  const cache = new CacheStore(cacheRoot);
  const layout = new OciLayoutStore(testdataPath('oci', 'multi-platform-container-latest'));
  await copyImage(layout, '', 'latest', cache, IMAGE_REPO, 'latest', signal);
  const image = await collectImageBlobs(cache, IMAGE_REPO, 'latest', { includeSignatures: false, signal });
  const imageBlobs = image.map((b) => b.digest);
  const signed = image.filter((b) => b.kind === 'index' || b.kind === 'manifest').map((b) => b.digest);
  for (const digest of signed) {
    const tag = `${digest.replace(':', '-')}.sig`;
    const sigLayout = new OciLayoutStore(
      testdataPath('oci', `multi-platform-container-${digest.replace(':', '-')}-sig`),
    );
    await copyImage(sigLayout, '', 'latest', cache, IMAGE_REPO, tag, signal);
  }
  const allBlobs = (await collectImageBlobs(cache, IMAGE_REPO, 'latest', { includeSignatures: true, signal })).map(
    (b) => b.digest,
  );

  const files: Record<string, string> = {
    'working-dir/logs/oc-mirror-20250131_100000.log': 'log line 1\nlog line 2\n',
    'working-dir/internal/oc-mirror-version.json': '{\n  "gitVersion": "x"\n}',
    'working-dir/signatures/4.15.0-x86_64-sha256-0da6': 'signature bytes',
    'working-dir/.history/.history-2025-01-01T00:00:00Z': '',
    [MEDIUM_NAME]: '{"schema":"olm.package"}',
    [LONG_NAME]: '{"long":true}',
    [UNICODE_NAME]: 'chart',
  };
  for (const [name, content] of Object.entries(files)) {
    const path = join(workspaceRoot, ...name.split('/'));
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, content);
  }
  await mkdir(join(workingDir, 'cluster-resources'), { recursive: true }); // empty dirs are not archived
  const configFile = join(root, 'isc.yaml');
  await writeFile(configFile, 'kind: ImageSetConfiguration\napiVersion: mirror.openshift.io/v2alpha1\n');
  return { root, cacheRoot, workspaceRoot, workingDir, configFile, outputDir, cache, imageBlobs, allBlobs };
}

/** Every regular file below `dir` as `relative path → sha256`, sorted by path. */
export async function treeDigests(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (current: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = join(current, e.name);
      if (e.isDirectory()) await walk(path);
      else if (e.isFile()) {
        const hash = createHash('sha256')
          .update(await readFile(path))
          .digest('hex');
        out.set(relative(dir, path).split(sep).join('/'), hash);
      }
    }
  };
  await walk(dir);
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** `docker/registry/v2/blobs/sha256/<hh>/<hex>/data` */
export function blobTarPath(digest: string): string {
  const hex = digest.slice('sha256:'.length);
  return `docker/registry/v2/blobs/sha256/${hex.slice(0, 2)}/${hex}/data`;
}
