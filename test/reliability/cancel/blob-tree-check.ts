/**
 * Re-hashes every blob of a Docker Distribution storage tree (`docker/registry/v2/blobs/sha256/<hh>/<hex>/data`),
 * the layout of both the ocm-tui cache and a docker-registry's storage: a blob visible under its final name
 * must hash to the digest its path claims. Used after every interrupted run.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface BlobTreeReport {
  /** digests whose `data` hashes right */
  good: string[];
  /** `path: expected … got …` for every blob that does not */
  bad: string[];
}

/** `root` is the storage root (`<cache-dir>/.oc-mirror/.cache`, or a registry's rootdirectory). */
export async function verifyBlobTree(root: string): Promise<BlobTreeReport> {
  const report: BlobTreeReport = { good: [], bad: [] };
  const base = join(root, 'docker', 'registry', 'v2', 'blobs', 'sha256');
  for (const prefix of await listDir(base)) {
    for (const hex of await listDir(join(base, prefix))) {
      const entries = await listDir(join(base, prefix, hex));
      if (!entries.includes('data')) continue;
      const path = join(base, prefix, hex, 'data');
      const hash = createHash('sha256');
      await pipeline(createReadStream(path), hash);
      const actual = hash.digest('hex');
      if (actual === hex && prefix === hex.slice(0, 2)) report.good.push(`sha256:${hex}`);
      else report.bad.push(`${path}: expected sha256:${hex}, got sha256:${actual}`);
    }
  }
  return report;
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return [];
    throw err;
  }
}
