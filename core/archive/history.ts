/**
 * Blob history of earlier archives (`../../shared/spec/core.md` §4.6): `working-dir/.history/.history-<RFC3339>`
 * files, one `sha256:<hex>` per line, each the cumulative set of blobs already shipped. An M2D run leaves out
 * the blobs of the newest history file (or of the newest one before `--since`), then writes a new file.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { OcmError } from '../errors.js';
import { parseRfc3339, rfc3339UtcSeconds } from './archive-names.js';

export const HISTORY_DIR_NAME = '.history';
export const HISTORY_FILE_PREFIX = '.history-';

/** `.history-2025-01-31T10:00:00Z` */
export function historyFileName(now: Date): string {
  return `${HISTORY_FILE_PREFIX}${rfc3339UtcSeconds(now)}`;
}

/**
 * The digests of the newest history file, or with `since` of the newest file strictly before that instant.
 * No (matching) file → empty set, i.e. a full archive. A `.history-*` name without a valid RFC 3339
 * time is an error, as in oc-mirror (silently ignoring it could ship, or skip, gigabytes).
 */
export async function readHistory(workingDir: string, since?: Date): Promise<Set<string>> {
  const dir = join(workingDir, HISTORY_DIR_NAME);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return new Set();
    throw err;
  }
  let chosen: { name: string; time: number } | undefined;
  for (const entry of entries) {
    if (entry.isDirectory() || !entry.name.startsWith(HISTORY_FILE_PREFIX)) continue;
    const time = parseRfc3339(entry.name.slice(HISTORY_FILE_PREFIX.length));
    if (!time) {
      throw new OcmError('HISTORY_INVALID', `unable to parse the time in history file name "${entry.name}" in ${dir}`, {
        hint: 'history files are named .history-<RFC 3339 UTC time>, e.g. .history-2025-01-31T10:00:00Z: rename or delete the file',
      });
    }
    const t = time.getTime();
    if (since && !(t < since.getTime())) continue;
    if (!chosen || t > chosen.time) chosen = { name: entry.name, time: t };
  }
  if (!chosen) return new Set();
  const text = await readFile(join(dir, chosen.name), 'utf8');
  return new Set(
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0),
  );
}

/**
 * Writes `digests` (the caller passes the chosen history ∪ the blobs of this archive) as a new history file
 * named after `now`, atomically; returns its path. Lines are sorted so equal sets give equal files.
 */
export async function writeHistory(workingDir: string, digests: Iterable<string>, now: Date): Promise<string> {
  const dir = join(workingDir, HISTORY_DIR_NAME);
  await mkdir(dir, { recursive: true });
  const path = join(dir, historyFileName(now));
  const tmp = join(dir, `.tmp-${randomUUID()}`);
  const lines = [...new Set(digests)].sort();
  try {
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(lines.map((d) => `${d}\n`).join(''));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return path;
}
