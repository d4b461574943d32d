/**
 * Writes one M2D archive set (`mirror_000001.tar`, …, `../../shared/spec/core.md` §4) by position: every entry
 * gets a region (header, content, padding) at the end of its chunk the moment it is reserved, and its content
 * can then be written in any order, by several writers at once. That is what lets mirror-to-disk write blobs
 * into the archive while they are being fetched (see ArchivingCacheStore) instead of reading them back from
 * the cache afterwards, and lets the disk flush the archive while the network is still busy.
 *
 * Chunks are assigned with oc-mirror's segmentation rule, applied as entries arrive (ChunkSegmenter).
 *
 * Atomic replacement: chunks are written as `.ocm-partial-NNNNNN.tar`; only when every chunk is complete and
 * synced are they renamed to `mirror_NNNNNN.tar` and the previous set's extra chunks deleted. A failed or
 * cancelled run removes its partial files and leaves the previous archive set untouched.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ArchiveError, CancelledError } from '../errors.js';
import { alignedBuffers, roundUpToBlock, STAGING_BYTES } from '../direct-io/aligned-buffers.js';
import { BlockFile, directIoWanted } from '../direct-io/block-file.js';
import { chunkFileName, partialChunkFileName, PARTIAL_CHUNK_PATTERN } from './archive-names.js';
import { ChunkSegmenter, oversizedWarning, strictArchiveError } from './archive-segmentation.js';
import { encodeTarEntryHeader, tarPadding, type FileFacts } from './tar-entry-header.js';

/**
 * Bytes written to a chunk between two background `fdatasync` calls: the disk works through the archive
 * while the network is still delivering it, so the final sync has only the tail left to flush.
 */
const SYNC_EVERY_BYTES = 128 * 1024 * 1024;
/** End of archive: two zero blocks (what tar-stream and Go write). */
const TRAILER = Buffer.alloc(1024);

export interface ArchiveSetWriterOptions {
  /** Where `mirror_NNNNNN.tar` are written. */
  outputDir: string;
  /** `archiveSize` × 1024³: content bytes per chunk. */
  maxChunkBytes: number;
  /** `--strict-archive`: an entry larger than a chunk fails the archive (at {@link ArchiveSetWriter.finish}). */
  strict: boolean;
  /** Called with every content byte count written, and the chunk it went to. */
  onContentBytes?(n: number, chunkPath: string): void;
}

export interface ArchiveSetResult {
  /** Final paths, in chunk order. */
  chunks: string[];
  /** Size in bytes of each chunk file (same order). */
  chunkBytes: number[];
  /** Entries larger than the chunk size (each in a chunk of its own), by name in the archive. */
  oversized: { path: string; size: number }[];
  /** Sum of the archived entries' content sizes. */
  totalBytes: number;
  /** Warning to show for oversized entries (permissive mode), if any. */
  warning?: string;
}

/** The content area of one reserved entry. */
export class ArchiveRegion {
  private complete = false;
  private generation = 0;
  private readonly pending = new Set<Promise<void>>();
  /** Direct I/O only: the staged content of the current attempt ({@link writeDirect}). */
  private stager?: { attempt: number; buf?: Buffer; start: number; staged: number };

  constructor(
    readonly name: string,
    readonly size: number,
    private readonly chunk: ChunkFile,
    private readonly dataOffset: number,
  ) {}

  /** True once every content byte has been written (see {@link markComplete}). */
  get isComplete(): boolean {
    return this.complete;
  }

  /**
   * Writes content bytes at `position` (0-based inside the entry). Rewriting a range is allowed (retries);
   * `attempt` (from {@link beginAttempt}) drops writes of an attempt a newer one has replaced.
   */
  async write(buf: Buffer, position: number, attempt?: number): Promise<void> {
    if (position < 0 || position + buf.length > this.size) {
      throw new ArchiveError(`${this.name}: ${position + buf.length} bytes written into an entry of ${this.size}`);
    }
    if (attempt !== undefined && attempt !== this.generation) return;
    const write = this.chunk.opened.then((file) =>
      file.direct
        ? this.writeDirect(buf, position, attempt ?? this.generation, attempt === undefined)
        : this.chunk.write(buf, this.dataOffset + position, buf.length),
    );
    const tracked = write.then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(tracked);
    try {
      await write;
    } finally {
      this.pending.delete(tracked);
    }
  }

  /**
   * Direct I/O writes whole, aligned blocks: the content of an attempt is gathered front to back in an aligned
   * staging buffer and written a megabyte at a time; the last piece is padded with the entry's own tar padding.
   * A write without an attempt must carry the whole content (a manifest, a small file).
   */
  private async writeDirect(buf: Buffer, position: number, attempt: number, whole: boolean): Promise<void> {
    if (whole) {
      if (position !== 0 || buf.length !== this.size) {
        throw new ArchiveError(`${this.name}: a write outside an attempt must carry the whole entry (direct I/O)`);
      }
      await this.chunk.write(buf, this.dataOffset, buf.length);
      return;
    }
    let stager = this.stager;
    if (!stager || stager.attempt !== attempt) {
      stager = this.stager = { attempt, buf: alignedBuffers.take(), start: 0, staged: 0 };
    }
    if (position !== stager.start + stager.staged) {
      throw new ArchiveError(
        `${this.name}: content written at byte ${position} while byte ${stager.start + stager.staged} was next (direct I/O writes an entry front to back)`,
      );
    }
    for (let from = 0; from < buf.length;) {
      if (attempt !== this.generation) return;
      const staging = stager.buf!;
      const n = Math.min(buf.length - from, STAGING_BYTES - stager.staged);
      buf.copy(staging, stager.staged, from, from + n);
      stager.staged += n;
      from += n;
      const last = stager.start + stager.staged === this.size;
      if (stager.staged === STAGING_BYTES || last) {
        const length = last ? roundUpToBlock(stager.staged) : stager.staged;
        staging.fill(0, stager.staged, length);
        await this.chunk.writeAligned(staging, length, this.dataOffset + stager.start, stager.staged);
        stager.start += stager.staged;
        stager.staged = 0;
        if (last) {
          alignedBuffers.give(staging);
          stager.buf = undefined;
        }
      }
    }
  }

  /** Hands a staging buffer back to the pool once no write of this region is under way. */
  async release(): Promise<void> {
    await Promise.all([...this.pending]);
    if (this.stager?.buf) alignedBuffers.give(this.stager.buf);
    this.stager = undefined;
  }

  /**
   * Starts rewriting the content: the region is incomplete again, writes of earlier attempts are dropped, and
   * the returned promise resolves once the ones already under way have landed (so none can land after ours).
   */
  beginAttempt(): { attempt: number; ready: Promise<void> } {
    this.complete = false;
    this.generation++;
    const stale = this.stager;
    this.stager = undefined;
    const ready = Promise.all([...this.pending]).then(() => {
      if (stale?.buf) alignedBuffers.give(stale.buf);
    });
    return { attempt: this.generation, ready };
  }

  /** Writes the content from `input` as a new attempt (see {@link beginAttempt}); returns the bytes written. */
  async fill(input: AsyncIterable<Buffer>): Promise<number> {
    const { attempt, ready } = this.beginAttempt();
    await ready;
    let written = 0;
    for await (const buf of input) {
      await this.write(buf, written, attempt);
      written += buf.length;
    }
    return written;
  }

  /** The writer of the content states it wrote all `size` bytes. */
  markComplete(): void {
    this.complete = true;
  }
}

export class ArchiveSetWriter {
  private readonly segmenter: ChunkSegmenter;
  private readonly chunks = new Map<number, ChunkFile>();
  private readonly regions: ArchiveRegion[] = [];
  private readonly oversized: { path: string; size: number }[] = [];
  private strictViolation?: { name: string; size: number };
  private failure?: unknown;
  private reservedBytes = 0;
  private writtenBytes = 0;
  private opened = false;
  private state: 'open' | 'finished' | 'discarded' = 'open';

  constructor(private readonly options: ArchiveSetWriterOptions) {
    this.segmenter = new ChunkSegmenter(options.maxChunkBytes);
  }

  /** Content bytes of every entry reserved so far. */
  get totalBytes(): number {
    return this.reservedBytes;
  }

  /** Content bytes written so far (rewrites after a retry count again). */
  get bytesWritten(): number {
    return this.writtenBytes;
  }

  /** The `--strict-archive` refusal, once an entry larger than a chunk was offered. */
  get strictFailure(): ArchiveError | undefined {
    return this.strictViolation ? strictArchiveError(this.options.maxChunkBytes, this.strictViolation) : undefined;
  }

  /** The first write failure (a full disk…); the set can no longer be finished. */
  get failed(): unknown {
    return this.failure;
  }

  /** Creates the output directory and removes partial chunks a crashed run left behind. */
  async open(): Promise<void> {
    await mkdir(this.options.outputDir, { recursive: true });
    for (const name of await readdir(this.options.outputDir)) {
      if (PARTIAL_CHUNK_PATTERN.test(name)) await rm(join(this.options.outputDir, name), { force: true });
    }
    this.opened = true;
  }

  /**
   * Places an entry: picks its chunk, lays out header + content + padding at that chunk's end and writes the
   * header. Undefined in strict mode for an entry larger than a chunk (the archive then fails at finish).
   */
  reserve(name: string, facts: FileFacts): ArchiveRegion | undefined {
    if (!this.opened || this.state !== 'open') throw new Error('archive set writer is not open');
    const placed = this.segmenter.place(facts.size);
    if (placed.oversized) {
      if (this.options.strict) {
        this.strictViolation ??= { name, size: facts.size };
        return undefined;
      }
      this.oversized.push({ path: name, size: facts.size });
    }
    const chunk = this.chunk(placed.chunk);
    const header = encodeTarEntryHeader(name, facts);
    const offset = chunk.allocate(header.length + facts.size + tarPadding(facts.size));
    chunk.track(chunk.write(header, offset, 0));
    const region = new ArchiveRegion(name, facts.size, chunk, offset + header.length);
    this.regions.push(region);
    this.reservedBytes += facts.size;
    return region;
  }

  /** Reserves an entry and fills it with `bytes`. */
  async appendBuffer(name: string, bytes: Buffer, facts: Omit<FileFacts, 'size'>): Promise<void> {
    const region = this.reserve(name, { ...facts, size: bytes.length });
    if (!region) return;
    if (bytes.length > 0) await region.write(bytes, 0);
    region.markComplete();
  }

  /**
   * Reserves an entry for a file on disk and copies `facts.size` bytes of it (a file growing meanwhile, a log,
   * is archived as it was described; one that shrank fails the archive).
   */
  async appendFile(name: string, source: string, facts: FileFacts, signal: AbortSignal): Promise<void> {
    const region = this.reserve(name, facts);
    if (!region) return;
    await copyFileInto(region, source, signal);
  }

  /**
   * Completes the set: every reserved entry must be complete. Writes each chunk's trailer, syncs it, renames
   * the whole set into place and removes the previous set's extra chunks.
   */
  async finish(signal: AbortSignal): Promise<ArchiveSetResult> {
    if (this.state !== 'open') throw new Error(`archive set writer already ${this.state}`);
    if (this.strictFailure) throw this.strictFailure;
    signal.throwIfAborted();
    // Chunk 1 stays empty when every entry is oversized; oc-mirror still writes it.
    for (let n = 1; n <= this.segmenter.chunkCount; n++) this.chunk(n);
    const ordered = [...this.chunks.values()].sort((a, b) => a.number - b.number);
    for (const chunk of ordered) await chunk.settle();
    await Promise.all(this.regions.map((r) => r.release()));
    if (this.failure) throw this.failure;
    const incomplete = this.regions.find((r) => !r.isComplete);
    if (incomplete) {
      throw new ArchiveError(`${incomplete.name} was placed in the archive but its content was never written`);
    }
    for (const chunk of ordered) {
      signal.throwIfAborted();
      await chunk.close(TRAILER);
    }
    signal.throwIfAborted();
    await publish(this.options.outputDir, ordered);
    this.state = 'finished';
    const chunks = ordered.map((c) => c.finalPath);
    const chunkBytes = await Promise.all(chunks.map(async (p) => (await stat(p)).size));
    return {
      chunks,
      chunkBytes,
      oversized: this.oversized,
      totalBytes: this.reservedBytes,
      warning: oversizedWarning(this.oversized),
    };
  }

  /** Stops writing and removes every partial chunk; the previous archive set stays as it was. */
  async discard(): Promise<void> {
    if (this.state === 'finished') return;
    this.state = 'discarded';
    await Promise.all(this.regions.map((r) => r.release()));
    await Promise.all([...this.chunks.values()].map((c) => c.discard()));
  }

  private chunk(number: number): ChunkFile {
    let chunk = this.chunks.get(number);
    if (!chunk) {
      chunk = new ChunkFile(this.options.outputDir, number, {
        onWritten: (n, path) => {
          this.writtenBytes += n;
          this.options.onContentBytes?.(n, path);
        },
        onFailure: (err) => {
          this.failure ??= err;
        },
      });
      this.chunks.set(number, chunk);
    }
    return chunk;
  }
}

/** Streams a file into a region (bounded to the region's size) and marks it complete. */
export async function copyFileInto(region: ArchiveRegion, source: string, signal: AbortSignal): Promise<void> {
  const written =
    region.size > 0
      ? await region.fill(
          createReadStream(source, { start: 0, end: region.size - 1, highWaterMark: 1024 * 1024, signal }),
        )
      : 0;
  if (written !== region.size) {
    throw new ArchiveError(`${source} shrank while it was being archived (${written} of ${region.size} bytes)`);
  }
  region.markComplete();
}

interface ChunkHooks {
  onWritten(contentBytes: number, chunkPath: string): void;
  onFailure(err: unknown): void;
}

/**
 * One partial tar file written by position. Every region of a tar file starts and ends on a 512-byte block,
 * which is what lets the file use direct I/O ({@link BlockFile}) when the filesystem takes it.
 */
class ChunkFile {
  readonly partialPath: string;
  readonly finalPath: string;
  /** The open file; direct or not is decided (and probed) before the first write. */
  readonly opened: Promise<BlockFile>;
  private end = 0;
  private sinceSync = 0;
  private syncing?: Promise<void>;
  private readonly pending = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    dir: string,
    readonly number: number,
    private readonly hooks: ChunkHooks,
  ) {
    this.partialPath = join(dir, partialChunkFileName(number));
    this.finalPath = join(dir, chunkFileName(number));
    this.opened = BlockFile.create(this.partialPath, { exclusive: false, direct: directIoWanted() });
    this.opened.catch((err: unknown) => hooks.onFailure(err));
  }

  /** Reserves `bytes` at the end of the file; returns their offset. */
  allocate(bytes: number): number {
    const offset = this.end;
    this.end += bytes;
    return offset;
  }

  /** Keeps a write nobody awaits (a header) until {@link settle}. */
  track(write: Promise<unknown>): void {
    const settled = write.catch(() => undefined);
    this.pending.add(settled);
    void settled.then(() => this.pending.delete(settled));
  }

  /**
   * pwrite of the whole buffer; `contentBytes` of it count as archive content (headers do not). On a direct
   * file the bytes go through aligned buffers, the last piece padded with zeros to a whole block: callers
   * only write whole tar blocks (headers, the trailer) or an entry's whole content (whose padding follows).
   */
  async write(buf: Buffer, position: number, contentBytes = buf.length): Promise<void> {
    const file = await this.opened;
    if (!file.direct) {
      await this.writeAligned(buf, buf.length, position, contentBytes);
      return;
    }
    const staging = alignedBuffers.take();
    try {
      for (let from = 0; from < buf.length; from += STAGING_BYTES) {
        const n = Math.min(STAGING_BYTES, buf.length - from);
        buf.copy(staging, 0, from, from + n);
        const length = roundUpToBlock(n);
        staging.fill(0, n, length);
        const content = Math.max(0, Math.min(n, contentBytes - from));
        await this.writeAligned(staging, length, position + from, content);
      }
    } finally {
      alignedBuffers.give(staging);
    }
  }

  /**
   * pwrite of `buf[0, length)`, which on a direct file must be an aligned buffer with a whole number of blocks
   * at a block boundary.
   */
  async writeAligned(buf: Buffer, length: number, position: number, contentBytes: number): Promise<void> {
    try {
      await (await this.opened).writeBlocks(buf, length, position);
    } catch (err) {
      const failure = writeFailure(this.partialPath, err);
      this.hooks.onFailure(failure);
      throw failure;
    }
    if (contentBytes > 0) this.hooks.onWritten(contentBytes, this.finalPath);
    this.sinceSync += length;
    if (this.sinceSync >= SYNC_EVERY_BYTES && !this.syncing && !this.closed) {
      this.sinceSync = 0;
      this.syncing = this.opened
        .then((f) => f.datasync())
        .catch((err: unknown) => this.hooks.onFailure(writeFailure(this.partialPath, err)))
        .finally(() => {
          this.syncing = undefined;
        });
    }
  }

  /** Waits for tracked header writes and a background sync. */
  async settle(): Promise<void> {
    await Promise.all([...this.pending]);
    await this.syncing;
  }

  /** Writes the trailer, cuts the file to its length, syncs and closes it. */
  async close(trailer: Buffer): Promise<void> {
    const file = await this.opened;
    await this.write(trailer, this.end, 0);
    await this.syncing;
    this.closed = true;
    await file.truncate(this.end + trailer.length);
    await file.sync();
    await file.close();
  }

  async discard(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.pending]);
    await this.syncing?.catch(() => undefined);
    const file = await this.opened.catch(() => undefined);
    await file?.close().catch(() => undefined);
    await rm(this.partialPath, { force: true });
  }
}

function writeFailure(path: string, err: unknown): unknown {
  if (err instanceof ArchiveError || err instanceof CancelledError) return err;
  const code = (err as { code?: string }).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new ArchiveError(
      `no space left writing ${path}`,
      'free space in the archive directory (or choose another one); the images are in the cache, so a re-run only writes the archive',
      { cause: err },
    );
  }
  return err;
}

/** Renames the complete set into place, then removes older chunks the new set does not replace. */
async function publish(dir: string, chunks: ChunkFile[]): Promise<void> {
  const keep = new Set<string>();
  for (const chunk of chunks) {
    await rename(chunk.partialPath, chunk.finalPath);
    keep.add(chunkFileName(chunk.number));
  }
  for (const name of await readdir(dir)) {
    if (/^mirror_.*\.tar$/.test(name) && !keep.has(name)) await rm(join(dir, name), { force: true });
  }
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
