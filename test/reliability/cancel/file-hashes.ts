/**
 * Content hashes of the files of a directory, to prove an interrupted run left files byte-identical.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

/** name → sha256 hex of the regular files directly in `dir` whose name matches `pattern` (missing dir: empty). */
export async function hashFiles(dir: string, pattern: RegExp): Promise<Record<string, string>> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return {};
    throw err;
  }
  const out: Record<string, string> = {};
  for (const entry of entries
    .filter((e) => e.isFile() && pattern.test(e.name))
    .sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const hash = createHash('sha256');
    await pipeline(createReadStream(join(dir, entry.name)), hash);
    out[entry.name] = hash.digest('hex');
  }
  return out;
}

/** Names in `dir` matching `pattern`, sorted (missing dir: empty). */
export async function namesIn(dir: string, pattern: RegExp): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => pattern.test(n)).sort();
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return [];
    throw err;
  }
}
