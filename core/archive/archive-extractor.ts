/**
 * D2M import of the archive set (`../../shared/spec/core.md` §4.7), hardened against hostile archives:
 *
 * - only regular files are ever written; symlinks, hard links, devices and fifos are refused, as are names
 *   that are absolute, contain `..`, or resolve outside their target (see archive-entry-route for routing);
 * - every file is streamed into a temp file next to its destination and renamed into place only when
 *   complete; blob files (`blobs/sha256/<hh>/<hex>/data`) are hashed on the way and renamed only when the
 *   content matches the digest in their path;
 * - a header announcing more bytes than remain in the chunk file is refused before anything is read;
 *   a truncated or corrupt tar is an ArchiveError.
 * Every refusal names the chunk and the entry. Chunks are not pre-scanned (that would read hundreds of GB
 * twice): entries before a hostile one may already have been imported, but each of them passed the checks.
 * The archive cannot create symlinks, so lexical containment is sufficient; symlinks the user placed in the
 * workspace (e.g. working-dir on another disk) are followed on purpose.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import type { Extract, Header } from 'tar-stream';
import { DigestVerifier } from '../digest.js';
import { ArchiveError, CancelledError, DigestMismatchError } from '../errors.js';
import { PROGRESS_INTERVAL_MS } from '../events.js';
import { CHUNK_NAME_PATTERN, CHUNK_NAME_REGEX_TEXT } from './archive-names.js';
import { routeEntry } from './archive-entry-route.js';

const HOSTILE_HINT =
  'the archive was not written by oc-mirror/ocm-tui or was modified; nothing outside the cache and the workspace was written';

/**
 * The chunk files of `dir`, sorted. Decision: the name must be exactly `mirror_NNNNNN.tar` (oc-mirror's
 * regex is unanchored and would also import e.g. `mirror_000001.tar.bak` or `old-mirror_000001.tar`,
 * silently overwriting newer content with older).
 */
export async function findChunks(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT') {
      throw new ArchiveError(
        `archive directory "${dir}" does not exist`,
        'pass the directory holding mirror_000001.tar … with --from file://<dir>',
      );
    }
    if (code === 'ENOTDIR')
      throw new ArchiveError(`"${dir}" is not a directory`, 'pass the directory holding the archives, not a file');
    throw err;
  }
  const chunks = entries
    .filter((e) => !e.isDirectory() && CHUNK_NAME_PATTERN.test(e.name))
    .map((e) => e.name)
    .sort()
    .map((name) => join(dir, name));
  if (chunks.length === 0) {
    throw new ArchiveError(`no tar archives matching "${CHUNK_NAME_REGEX_TEXT}" found in "${dir}"`);
  }
  for (const chunk of chunks) {
    if ((await stat(chunk)).size === 0) throw new ArchiveError(`empty archive file "${chunk}"`);
  }
  return chunks;
}

export interface ExtractProgress {
  /** Path of the chunk being read. */
  chunk: string;
  /** 1-based position of the chunk. */
  index: number;
  count: number;
  /** Bytes of this chunk read so far. */
  bytes: number;
  /** Size of this chunk. */
  totalBytes: number;
}

export interface ExtractArchivesOptions {
  fromDir: string;
  /** `<cache-dir>/.oc-mirror/.cache`: target of `docker/registry/v2/…` entries. */
  cacheRoot: string;
  /** Parent of the working-dir: target of `working-dir/…` entries. */
  workspaceRoot: string;
  signal: AbortSignal;
  /** Sampled (at most every PROGRESS_INTERVAL_MS) plus once at the start and end of every chunk. */
  onProgress?(progress: ExtractProgress): void;
}

const READ_CHUNK_BYTES = 1024 * 1024;

export interface ExtractArchivesResult {
  chunks: string[];
  filesWritten: number;
  blobsWritten: number;
  bytesWritten: number;
  /** Blobs written into the cache, each checked against the digest in its path while it was written. */
  verifiedBlobs: string[];
}

/** Extracts every chunk of `fromDir` in name order; later chunks overwrite files of earlier ones. */
export async function extractArchives(options: ExtractArchivesOptions): Promise<ExtractArchivesResult> {
  const chunks = await findChunks(options.fromDir);
  const result: ExtractArchivesResult = {
    chunks,
    filesWritten: 0,
    blobsWritten: 0,
    bytesWritten: 0,
    verifiedBlobs: [],
  };
  const targets = { cache: resolve(options.cacheRoot), workspace: resolve(options.workspaceRoot) };
  try {
    for (let i = 0; i < chunks.length; i++) {
      options.signal.throwIfAborted();
      await extractChunk(chunks[i], i + 1, chunks.length, targets, options, result);
    }
  } catch (err) {
    if (options.signal.aborted) throw new CancelledError('archive extraction cancelled');
    throw err;
  }
  return result;
}

/** tar-stream records where the entry's content starts in the chunk. */
type EntryHeader = Header & { byteOffset?: number };
type TarEntry = Extract extends AsyncIterable<infer S> ? S : never;

async function extractChunk(
  chunkPath: string,
  index: number,
  count: number,
  targets: { cache: string; workspace: string },
  options: ExtractArchivesOptions,
  result: ExtractArchivesResult,
): Promise<void> {
  const { signal } = options;
  const chunkSize = (await stat(chunkPath)).size;
  let read = 0;
  let lastEmit = 0;
  const report = (force: boolean): void => {
    const now = Date.now();
    if (!options.onProgress || (!force && now - lastEmit < PROGRESS_INTERVAL_MS)) return;
    lastEmit = now;
    options.onProgress({ chunk: chunkPath, index, count, bytes: read, totalBytes: chunkSize });
  };
  report(true);
  const counter = new Transform({
    transform(buf: Buffer, _encoding, callback) {
      read += buf.length;
      report(false);
      callback(null, buf);
    },
  });
  const extract = tar.extract();
  // 1 MiB reads: with the default 64 KiB, the reads themselves cost more kernel time than the copying.
  const feeding = pipeline(createReadStream(chunkPath, { highWaterMark: READ_CHUNK_BYTES }), counter, extract, {
    signal,
  });
  feeding.catch(() => undefined);

  let current: string | undefined;
  try {
    for await (const entry of extract) {
      const header = entry.header as EntryHeader;
      current = header.name;
      await extractEntry(entry, header, chunkPath, chunkSize, targets, signal, result);
      current = undefined;
    }
    await feeding;
  } catch (err) {
    extract.destroy();
    await feeding.catch(() => undefined);
    if (signal.aborted || err instanceof ArchiveError) throw err;
    const at = current === undefined ? '' : `, entry "${current}"`;
    throw new ArchiveError(
      `chunk ${chunkPath}${at}: ${(err as Error).message} (the file is truncated or corrupt)`,
      'copy the archive again from the source medium and compare its size and checksum',
    );
  }
  report(true);
}

async function extractEntry(
  tarEntry: TarEntry,
  header: EntryHeader,
  chunkPath: string,
  chunkSize: number,
  targets: { cache: string; workspace: string },
  signal: AbortSignal,
  result: ExtractArchivesResult,
): Promise<void> {
  // tar-stream's entries are streamx streams, which node's pipeline accepts.
  const entry = tarEntry as unknown as NodeJS.ReadableStream;
  const refuse = (reason: string): ArchiveError =>
    new ArchiveError(`refusing entry "${header.name}" of chunk ${chunkPath}: ${reason}`, HOSTILE_HINT);

  switch (header.type) {
    case 'file':
    case 'contiguous-file':
      break;
    case 'directory': {
      const route = routeEntry(header.name);
      if (route.action === 'refuse') throw refuse(route.reason);
      await drain(entry);
      return;
    }
    case 'symlink':
      throw refuse(`symbolic link to "${header.linkname}": only regular files are accepted`);
    case 'link':
      throw refuse(`hard link to "${header.linkname}": only regular files are accepted`);
    case 'character-device':
    case 'block-device':
    case 'fifo':
      throw refuse(`${header.type}: only regular files are accepted`);
    default:
      throw refuse(`unsupported entry type "${String(header.type)}": only regular files are accepted`);
  }
  const remaining = chunkSize - (header.byteOffset ?? 0);
  if (!(header.size >= 0) || header.size > remaining) {
    throw refuse(
      `its header announces ${header.size} bytes but only ${remaining} bytes remain in the chunk (truncated file or forged header)`,
    );
  }
  const route = routeEntry(header.name);
  if (route.action === 'refuse') throw refuse(route.reason);
  if (route.action === 'ignore') {
    await drain(entry);
    return;
  }
  const base = targets[route.target];
  const destination = resolve(base, ...route.path.split('/'));
  if (!destination.startsWith(base + sep)) throw refuse(`it resolves outside ${base}`);

  const dir = dirname(destination);
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const tmp = join(dir, `.ocm-extract-${randomUUID()}`);
  const check = route.blobDigest
    ? new DigestVerifier(route.blobDigest, { where: header.name, expectedSize: header.size })
    : new ByteCounter();
  try {
    const mode = (header.mode & 0o777) | 0o600;
    await pipeline(entry, check, createWriteStream(tmp, { flags: 'wx', mode }), { signal });
    if (check.bytesSeen !== header.size) throw refuse(`content ends after ${check.bytesSeen} of ${header.size} bytes`);
    // Not synced: extracted files land in the cache, whose reads verify (see CacheStore).
    await rename(tmp, destination);
  } catch (err) {
    await rm(tmp, { force: true });
    if (err instanceof DigestMismatchError) {
      throw refuse(`its content does not match the digest in its path (${err.actual})`);
    }
    throw err;
  }
  result.filesWritten++;
  if (route.blobDigest) {
    result.blobsWritten++;
    result.verifiedBlobs.push(route.blobDigest);
  }
  result.bytesWritten += header.size;
}

class ByteCounter extends Transform {
  bytesSeen = 0;
  override _transform(buf: Buffer, _encoding: BufferEncoding, callback: (err: null, data: Buffer) => void): void {
    this.bytesSeen += buf.length;
    callback(null, buf);
  }
}

async function drain(entry: NodeJS.ReadableStream): Promise<void> {
  await pipeline(
    entry,
    new Writable({
      write(_chunk, _encoding, callback) {
        callback();
      },
    }),
  );
}
