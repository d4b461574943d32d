/**
 * Checks a local cache (Docker Distribution filesystem layout, `<cache-dir>/.oc-mirror/.cache`) the way a
 * suspicious user would after a run that met faults: every blob is re-hashed and must match its path,
 * nothing but `data` sits in a blob directory (no temp or partial file under a final name), every
 * repository link names a digest that matches its own path and whose blob is present.
 *
 * API (stable; imported by other reliability suites):
 *   assertCacheIntegrity(cacheRoot: string, options?: { allowTempFiles?: boolean }): Promise<CacheIntegrityReport>
 *     cacheRoot: the cache root itself (`cacheRootOf(cacheDir)` from core/workflow/mirror-options.js).
 *     A missing cacheRoot is an empty cache (m2m may never create one). Throws an AssertionError listing
 *     every problem found. `allowTempFiles: false` (default) also requires the store's scratch directory
 *     `.ocm-tmp/` to be empty: a finished (or failed) run must not leak partial downloads. Suites that
 *     kill the process mid-write pass `true`.
 *   CacheIntegrityReport { blobs: number; bytes: number; links: number; digests: Set<string> }
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface CacheIntegrityReport {
  /** Blobs re-hashed. */
  blobs: number;
  /** Their total size. */
  bytes: number;
  /** Repository link files checked. */
  links: number;
  /** `sha256:<hex>` of every blob present. */
  digests: Set<string>;
}

const HEX64 = /^[0-9a-f]{64}$/;

export async function assertCacheIntegrity(
  cacheRoot: string,
  options: { allowTempFiles?: boolean } = {},
): Promise<CacheIntegrityReport> {
  const report: CacheIntegrityReport = { blobs: 0, bytes: 0, links: 0, digests: new Set() };
  if (!(await exists(cacheRoot))) return report;
  const problems: string[] = [];
  const v2 = join(cacheRoot, 'docker', 'registry', 'v2');
  const blobsDir = join(v2, 'blobs');

  for (const algorithm of await list(blobsDir)) {
    if (algorithm !== 'sha256') {
      problems.push(`unexpected entry blobs/${algorithm}`);
      continue;
    }
    for (const prefix of await list(join(blobsDir, algorithm))) {
      const prefixDir = join(blobsDir, algorithm, prefix);
      for (const hex of await list(prefixDir)) {
        const where = `blobs/sha256/${prefix}/${hex}`;
        if (!HEX64.test(hex) || hex.slice(0, 2) !== prefix) {
          problems.push(`${where}: not a blob path`);
          continue;
        }
        const entries = await list(join(prefixDir, hex));
        const strays = entries.filter((e) => e !== 'data');
        if (strays.length > 0) problems.push(`${where}: stray entries ${strays.join(', ')}`);
        if (!entries.includes('data')) {
          problems.push(`${where}: no data file`);
          continue;
        }
        const dataPath = join(prefixDir, hex, 'data');
        const info = await lstat(dataPath);
        if (!info.isFile()) {
          problems.push(`${where}/data: not a regular file`);
          continue;
        }
        const actual = await sha256File(dataPath);
        if (actual !== hex) problems.push(`${where}/data hashes to sha256:${actual}`);
        report.blobs++;
        report.bytes += info.size;
        report.digests.add(`sha256:${hex}`);
      }
    }
  }

  const repositories = join(v2, 'repositories');
  for (const linkPath of await findFiles(repositories, (name) => name === 'link')) {
    report.links++;
    const where = relative(v2, linkPath);
    const content = (await readFile(linkPath, 'utf8')).trim();
    const m = /^sha256:([0-9a-f]{64})$/.exec(content);
    if (!m) {
      problems.push(`${where}: not a digest: ${JSON.stringify(content.slice(0, 80))}`);
      continue;
    }
    // Layer and revision links live in a directory named after their digest; tag links do not.
    const parts = where.split('/');
    const named = parts.at(-2);
    if (parts.includes('_layers') || parts.includes('revisions') || parts.at(-4) === 'index') {
      if (named !== m[1]) problems.push(`${where}: names sha256:${m[1]}`);
    }
    if (!(await exists(join(blobsDir, 'sha256', m[1].slice(0, 2), m[1], 'data')))) {
      problems.push(`${where}: blob sha256:${m[1]} is missing`);
    }
  }
  for (const stray of await findFiles(v2, (name) => /\.(tmp|partial|part)$|^\.ocm-/.test(name))) {
    problems.push(`${relative(v2, stray)}: temporary file inside the store`);
  }

  if (!options.allowTempFiles) {
    const leftovers = await list(join(cacheRoot, '.ocm-tmp'));
    if (leftovers.length > 0)
      problems.push(`.ocm-tmp holds ${leftovers.length} leftover file(s): ${leftovers.slice(0, 5).join(', ')}`);
  }

  assert.deepEqual(problems, [], `cache ${cacheRoot} is not intact:\n${problems.join('\n')}`);
  return report;
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Names in a directory; none when it does not exist. */
async function list(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return [];
    throw err;
  }
}

async function findFiles(dir: string, wanted: (name: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return out;
    throw err;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await findFiles(path, wanted)));
    else if (wanted(e.name)) out.push(path);
  }
  return out;
}
