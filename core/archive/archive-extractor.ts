/**
 * D2M import of the archive set (`../../shared/spec/core.md` §4.7), hardened against hostile archives:
 *
 * - every chunk's headers are read first (tar-index, without reading contents): names, types and sizes of
 *   all entries are checked before anything is written, so a hostile or damaged archive writes nothing;
 * - only regular files are ever written; symlinks, hard links, devices and fifos are refused, as are names
 *   that are absolute, contain `..`, or resolve outside their target (see archive-entry-route for routing);
 * - every file is copied from its offset into a temp file next to its destination and renamed into place
 *   only when complete; blob files (`blobs/sha256/<hh>/<hex>/data`) are hashed on the way and renamed only
 *   when the content matches the digest in their path (that check needs the bytes: a forged blob is found
 *   when it is read, after the entries before it landed — each of them checked);
 * - a header announcing more bytes than remain in the chunk file is refused.
 * Every refusal names the chunk and the entry. Later chunks overwrite files of earlier ones (the last entry
 * of a name wins). The archive cannot create symlinks, so lexical containment is sufficient; symlinks the
 * user placed in the workspace (e.g. working-dir on another disk) are followed on purpose.
 *
 * Blobs larger than `deferBlobsLargerThan` can be left in the archive (`deferred`): disk to mirror copies
 * each one into the cache when it is pushed (ArchiveBackedCacheStore), so the archive is read only once.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { digestAlgorithm } from '../digest.js';
import { directIoWanted } from '../direct-io/block-file.js';
import { DIRECT_READ_MIN_BYTES, RangeReader } from '../direct-io/range-reader.js';
import { SequentialFileWriter } from '../direct-io/sequential-file-writer.js';
import { ArchiveError, CancelledError, DigestMismatchError } from '../errors.js';
import { PROGRESS_INTERVAL_MS } from '../events.js';
import { CHUNK_NAME_PATTERN, CHUNK_NAME_REGEX_TEXT } from './archive-names.js';
import { routeEntry } from './archive-entry-route.js';
import { readTarIndex, type TarIndexEntry } from './tar-index.js';

const HOSTILE_HINT =
  'the archive was not written by oc-mirror/ocm-tui or was modified; nothing outside the cache and the workspace was written';
const CORRUPT_HINT = 'copy the archive again from the source medium and compare its size and checksum';

/** Read size for archive contents (64 KiB reads cost more kernel time than the copying). */
const READ_CHUNK_BYTES = 1024 * 1024;
/** Deferred blobs are copied by up to one transfer each at once: smaller reads keep memory bounded. */
const DEFERRED_READ_BYTES = 256 * 1024;

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
  /** Leave blobs larger than this in the archive (reported in `deferred`); default: extract everything. */
  deferBlobsLargerThan?: number;
}

/** One file's bytes in the archive and where they go. */
export interface EntryCopy {
  /** Chunk file and offset of the content. */
  chunk: string;
  dataOffset: number;
  size: number;
  /** Permission bits of the entry. */
  mode: number;
  /** Entry name, for messages. */
  name: string;
  /** Absolute path it is written to. */
  destination: string;
  /** For blob files: the digest the content must have. */
  blobDigest?: string;
}

/** A blob left in the archive (its `destination` is its `data` file in the cache). */
export interface DeferredBlob extends EntryCopy {
  digest: string;
  /**
   * The repositories' layer links to this blob (`_layers/<alg>/<hex>/link`), written only once the blob is in
   * place, so that at every moment — also after an interruption — every link in the cache has its blob.
   */
  links: EntryCopy[];
}

export interface ExtractArchivesResult {
  chunks: string[];
  filesWritten: number;
  blobsWritten: number;
  bytesWritten: number;
  /** Blobs written into the cache, each checked against the digest in its path while it was written. */
  verifiedBlobs: string[];
  /** Blobs left in the archive (see `deferBlobsLargerThan`). */
  deferred: DeferredBlob[];
}

/** One file to write: the entry that wins for its destination. */
interface PlannedFile extends EntryCopy {
  chunkIndex: number;
}

/** Checks every chunk's entries, then writes them in chunk and offset order. */
export async function extractArchives(options: ExtractArchivesOptions): Promise<ExtractArchivesResult> {
  const chunks = await findChunks(options.fromDir);
  const result: ExtractArchivesResult = {
    chunks,
    filesWritten: 0,
    blobsWritten: 0,
    bytesWritten: 0,
    verifiedBlobs: [],
    deferred: [],
  };
  const targets = { cache: resolve(options.cacheRoot), workspace: resolve(options.workspaceRoot) };
  try {
    const sizes: number[] = [];
    const winners = new Map<string, PlannedFile>();
    for (let i = 0; i < chunks.length; i++) {
      options.signal.throwIfAborted();
      const size = (await stat(chunks[i])).size;
      sizes.push(size);
      for (const file of await planChunk(chunks[i], i, size, targets)) winners.set(file.destination, file);
    }
    const files = [...winners.values()].sort((a, b) => a.chunkIndex - b.chunkIndex || a.dataOffset - b.dataOffset);
    const limit = options.deferBlobsLargerThan;
    const deferred = new Map<string, DeferredBlob>();
    for (const file of files) {
      if (!file.blobDigest || limit === undefined || file.size <= limit) continue;
      const blob: DeferredBlob = { ...file, digest: file.blobDigest, links: [] };
      deferred.set(blob.digest, blob);
      result.deferred.push(blob);
    }
    const progress = new ChunkProgress(chunks, sizes, options.onProgress);
    for (const file of files) {
      options.signal.throwIfAborted();
      progress.at(file.chunkIndex, file.dataOffset);
      if (file.blobDigest && deferred.has(file.blobDigest)) continue;
      const linked = deferred.get(layerLinkDigest(file.name) ?? '');
      if (linked) {
        linked.links.push(file);
        continue;
      }
      await writeEntryFile(file, options.signal, (n) => progress.add(n));
      result.filesWritten++;
      result.bytesWritten += file.size;
      if (file.blobDigest) {
        result.blobsWritten++;
        result.verifiedBlobs.push(file.blobDigest);
      }
    }
    progress.finish();
  } catch (err) {
    if (options.signal.aborted) throw new CancelledError('archive extraction cancelled');
    throw err;
  }
  return result;
}

const LAYER_LINK = /(?:^|\/)_layers\/([a-z0-9]+)\/([a-f0-9]+)\/link$/;

/** The digest a repository's layer link names in its path, if `name` is one. */
function layerLinkDigest(name: string): string | undefined {
  const m = LAYER_LINK.exec(name);
  return m ? `${m[1]}:${m[2]}` : undefined;
}

/** Writes a deferred blob's layer links (call once the blob is in the cache). */
export async function writeDeferredLinks(blob: DeferredBlob, signal: AbortSignal): Promise<void> {
  for (const link of blob.links) await writeEntryFile(link, signal);
}

/**
 * Copies a deferred blob from the archive into the cache, through its digest check (a temp file next to
 * the destination is renamed into place only when complete and matching), then its layer links.
 */
export async function extractDeferredBlob(blob: DeferredBlob, signal: AbortSignal): Promise<void> {
  await writeEntryFile(blob, signal, undefined, DEFERRED_READ_BYTES);
  await writeDeferredLinks(blob, signal);
}

/** Reads one chunk's headers and decides every entry: write (where), ignore, or refuse the archive. */
async function planChunk(
  chunk: string,
  chunkIndex: number,
  chunkSize: number,
  targets: { cache: string; workspace: string },
): Promise<PlannedFile[]> {
  const handle = await open(chunk, 'r');
  const files: PlannedFile[] = [];
  let current: string | undefined;
  try {
    for await (const entry of readTarIndex(handle, chunkSize)) {
      current = entry.name;
      const file = planEntry(entry, chunk, chunkIndex, chunkSize, targets);
      if (file) files.push(file);
      current = undefined;
    }
  } catch (err) {
    if (!(err instanceof ArchiveError) || err.message.startsWith('refusing entry')) throw err;
    const at = current === undefined ? '' : `, entry "${current}"`;
    throw new ArchiveError(`chunk ${chunk}${at}: ${err.message}`, CORRUPT_HINT);
  } finally {
    await handle.close();
  }
  return files;
}

function planEntry(
  entry: TarIndexEntry,
  chunk: string,
  chunkIndex: number,
  chunkSize: number,
  targets: { cache: string; workspace: string },
): PlannedFile | undefined {
  const refuse = (reason: string): ArchiveError =>
    new ArchiveError(`refusing entry "${entry.name}" of chunk ${chunk}: ${reason}`, HOSTILE_HINT);
  switch (entry.type) {
    case 'file':
    case 'contiguous-file':
      break;
    case 'directory': {
      const route = routeEntry(entry.name);
      if (route.action === 'refuse') throw refuse(route.reason);
      return undefined;
    }
    case 'symlink':
      throw refuse(`symbolic link to "${entry.linkname}": only regular files are accepted`);
    case 'link':
      throw refuse(`hard link to "${entry.linkname}": only regular files are accepted`);
    case 'character-device':
    case 'block-device':
    case 'fifo':
      throw refuse(`${entry.type}: only regular files are accepted`);
    default:
      throw refuse(`unsupported entry type "${entry.typeflag}": only regular files are accepted`);
  }
  const remaining = chunkSize - entry.dataOffset;
  if (!(entry.size >= 0) || entry.size > remaining) {
    throw refuse(
      `its header announces ${entry.size} bytes but only ${Math.max(0, remaining)} bytes remain in the chunk (truncated file or forged header)`,
    );
  }
  const route = routeEntry(entry.name);
  if (route.action === 'refuse') throw refuse(route.reason);
  if (route.action === 'ignore') return undefined;
  const base = targets[route.target];
  const destination = resolve(base, ...route.path.split('/'));
  if (!destination.startsWith(base + sep)) throw refuse(`it resolves outside ${base}`);
  const { name, dataOffset, size, mode } = entry;
  return { chunk, chunkIndex, name, dataOffset, size, mode, destination, blobDigest: route.blobDigest };
}

/**
 * Copies one entry's content from its offset into place: read into one reused buffer, hash (blobs), write,
 * into a temp file renamed over the destination only when complete (and matching). A loop rather than a
 * stream pipeline: a fresh buffer per read made the garbage collector chase gigabytes of short-lived memory.
 */
async function writeEntryFile(
  file: EntryCopy,
  signal: AbortSignal,
  onBytes?: (n: number) => void,
  readBytes = READ_CHUNK_BYTES,
): Promise<void> {
  const { destination } = file;
  const dir = dirname(destination);
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const tmp = join(dir, `.ocm-extract-${randomUUID()}`);
  try {
    const mode = (file.mode & 0o777) | 0o600;
    const input = await RangeReader.open(file.chunk, directIoWanted() && file.size >= DIRECT_READ_MIN_BYTES);
    try {
      const output = await SequentialFileWriter.create(tmp, file.size, mode);
      try {
        await copyRange(input, output, file, readBytes, signal, onBytes);
        await output.finish();
      } finally {
        await output.close();
      }
    } finally {
      await input.close();
    }
    // Not synced: extracted files land in the cache, whose reads verify (see CacheStore).
    await rename(tmp, destination);
  } catch (err) {
    await rm(tmp, { force: true });
    if (err instanceof DigestMismatchError) {
      throw new ArchiveError(
        `refusing entry "${file.name}" of chunk ${file.chunk}: its content does not match the digest in its path (${err.actual})`,
        HOSTILE_HINT,
      );
    }
    if (signal.aborted) throw new CancelledError('archive extraction cancelled');
    throw err;
  }
}

async function copyRange(
  input: RangeReader,
  output: SequentialFileWriter,
  file: EntryCopy,
  readBytes: number,
  signal: AbortSignal,
  onBytes?: (n: number) => void,
): Promise<void> {
  const hash = file.blobDigest ? createHash(digestAlgorithm(file.blobDigest)) : undefined;
  let done = 0;
  for await (const piece of input.pieces(file.dataOffset, file.size, readBytes)) {
    signal.throwIfAborted();
    hash?.update(piece);
    await output.write(piece);
    done += piece.length;
    onBytes?.(piece.length);
  }
  if (done < file.size) {
    throw new ArchiveError(
      `refusing entry "${file.name}" of chunk ${file.chunk}: content ends after ${done} of ${file.size} bytes`,
      CORRUPT_HINT,
    );
  }
  if (hash && file.blobDigest) {
    const actual = `${digestAlgorithm(file.blobDigest)}:${hash.digest('hex')}`;
    if (actual !== file.blobDigest) throw new DigestMismatchError(file.blobDigest, actual, file.name);
  }
}

/** extract.progress per chunk: at its start and end, and sampled while its files are written. */
class ChunkProgress {
  private index = -1;
  private bytes = 0;
  private lastEmit = 0;

  constructor(
    private readonly chunks: string[],
    private readonly sizes: number[],
    private readonly sink?: (p: ExtractProgress) => void,
  ) {}

  /** Moves to `chunkIndex` (reporting the chunks before it as complete) at content offset `offset`. */
  at(chunkIndex: number, offset: number): void {
    while (this.index < chunkIndex) {
      if (this.index >= 0) this.report(this.sizes[this.index], true);
      this.index++;
      this.report(0, true);
    }
    this.bytes = Math.max(this.bytes, offset);
  }

  add(n: number): void {
    this.bytes += n;
    this.report(this.bytes, false);
  }

  finish(): void {
    this.at(this.chunks.length - 1, 0);
    this.report(this.sizes[this.index], true);
  }

  private report(bytes: number, force: boolean): void {
    this.bytes = bytes;
    const now = Date.now();
    if (!this.sink || (!force && now - this.lastEmit < PROGRESS_INTERVAL_MS)) return;
    this.lastEmit = now;
    this.sink({
      chunk: this.chunks[this.index],
      index: this.index + 1,
      count: this.chunks.length,
      bytes,
      totalBytes: this.sizes[this.index],
    });
  }
}
