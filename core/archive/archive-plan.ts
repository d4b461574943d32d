/**
 * The files of an archive, in write order (`../../shared/spec/core.md` §4.2): the cache's repositories tree,
 * the selected blobs, the working-dir, and the ImageSetConfiguration copy. Only regular files (directories
 * are implied; symlinks and other special files are not archived); lexical walk order.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { ArchiveError } from '../errors.js';
import { isDigest } from '../digest.js';
import type { FileFacts } from './tar-entry-header.js';
import { iscArchiveName } from './archive-names.js';

export interface PlannedFile extends FileFacts {
  /** Absolute path on disk. */
  source: string;
  /** Path inside the tar, `/`-separated, relative. */
  name: string;
}

export interface ArchivePlanInput {
  cacheRoot: string;
  workingDir: string;
  workspaceRoot: string;
  blobDigests: string[];
  configFile: string;
  now: Date;
  signal: AbortSignal;
}

export async function planArchive(input: ArchivePlanInput): Promise<PlannedFile[]> {
  const files: PlannedFile[] = [];
  const repositories = join(input.cacheRoot, 'docker', 'registry', 'v2', 'repositories');
  for (const path of await walkRegularFiles(repositories, input.signal)) {
    files.push(await describe(path, tarName(input.cacheRoot, path)));
  }
  const seen = new Set<string>();
  for (const digest of input.blobDigests) {
    if (seen.has(digest)) continue;
    seen.add(digest);
    if (!isDigest(digest)) throw new ArchiveError(`"${digest.slice(0, 100)}" selected for the archive is not a digest`);
    const [algorithm, hex] = digest.split(':');
    const path = join(input.cacheRoot, 'docker', 'registry', 'v2', 'blobs', algorithm, hex.slice(0, 2), hex, 'data');
    let facts;
    try {
      facts = await describe(path, tarName(input.cacheRoot, path));
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT') throw err;
      throw new ArchiveError(
        `blob ${digest} selected for the archive is missing from the cache (${path})`,
        'the cache changed since the images were copied: run the mirror to disk again to fetch it',
      );
    }
    files.push(facts);
  }
  for (const path of await walkRegularFiles(input.workingDir, input.signal)) {
    files.push(await describe(path, tarName(input.workspaceRoot, path)));
  }
  try {
    files.push(await describe(input.configFile, iscArchiveName(input.now)));
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOENT') throw err;
    throw new ArchiveError(`the image set configuration ${input.configFile} disappeared before it could be archived`);
  }
  return files;
}

async function describe(source: string, name: string): Promise<PlannedFile> {
  const st = await lstat(source);
  if (!st.isFile()) throw new ArchiveError(`${source} is not a regular file and cannot be archived`);
  return { source, name, size: st.size, mode: st.mode, mtimeMs: st.mtimeMs, uid: st.uid, gid: st.gid };
}

function tarName(base: string, path: string): string {
  const rel = relative(base, path);
  if (rel === '' || rel.startsWith('..')) {
    throw new ArchiveError(`${path} is not inside ${base}: cannot name it in the archive`);
  }
  return rel.split(sep).join('/');
}

/** Regular files below `dir` in Go's filepath.Walk order (names sorted bytewise, depth first); missing → []. */
export async function walkRegularFiles(dir: string, signal: AbortSignal): Promise<string[]> {
  const out: string[] = [];
  const walk = async (current: string): Promise<void> => {
    signal.throwIfAborted();
    let entries;
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch (err) {
      if (current === dir && (err as { code?: string }).code === 'ENOENT') return;
      throw err;
    }
    entries.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) out.push(path);
    }
  };
  await walk(dir);
  return out;
}
