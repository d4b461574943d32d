/**
 * Writes the M2D archive set `mirror_000001.tar`, … (`../../shared/spec/core.md` §4): plain tar, files
 * streamed from disk into the tar with backpressure (never held in memory), chunked by content bytes.
 *
 * Atomic replacement: chunks are written as `.ocm-partial-NNNNNN.tar` in the output directory and only when
 * every chunk is complete and synced are they renamed to `mirror_NNNNNN.tar` and the previous set's extra
 * chunks deleted. A failed or cancelled run removes its partial files and leaves the previous archive set
 * untouched, so no `mirror_*.tar` is ever half written. (The workflow must therefore not delete old chunks
 * at start-up as oc-mirror does.)
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import type { Pack } from 'tar-stream';
import { PROGRESS_INTERVAL_MS } from '../events.js';
import { ArchiveError, CancelledError } from '../errors.js';
import { chunkFileName, partialChunkFileName, PARTIAL_CHUNK_PATTERN } from './archive-names.js';
import { planArchive, type PlannedFile } from './archive-plan.js';
import { oversizedWarning, segmentFiles } from './archive-segmentation.js';
import { tarEntryHeader } from './tar-entry-header.js';

export interface WriteArchiveOptions {
  /** `<cache-dir>/.oc-mirror/.cache`: tar paths `docker/registry/v2/…` are relative to it. */
  cacheRoot: string;
  /** `<workspace>/working-dir`, archived whole. */
  workingDir: string;
  /** Parent of the working-dir: tar paths `working-dir/…` are relative to it. */
  workspaceRoot: string;
  /** Where `mirror_NNNNNN.tar` are written. */
  outputDir: string;
  /** Blobs to ship (already without those in the history); order kept, duplicates dropped. */
  blobDigests: string[];
  /** The user's `-c` file, stored as `isc_<RFC3339>` at the root of the archive. */
  configFile: string;
  /** `archiveSize` × 1024³. */
  maxChunkBytes: number;
  /** `--strict-archive` */
  strict: boolean;
  signal: AbortSignal;
  /** Time used for the `isc_…` name; default now. */
  now?: Date;
  /** Cumulative content bytes written, sampled (at most every PROGRESS_INTERVAL_MS, and once at the end). */
  onProgress?(bytes: number, totalBytes: number, chunk: string): void;
  onWarning?(message: string): void;
}

export interface WriteArchiveResult {
  /** Final paths, in chunk order. */
  chunks: string[];
  /** Size in bytes of each chunk file (same order). */
  chunkBytes: number[];
  /** Files larger than the chunk size (each in a chunk of its own), with their path on disk. */
  oversized: { path: string; size: number }[];
  /** Sum of the archived files' sizes. */
  totalBytes: number;
}

export async function writeArchive(options: WriteArchiveOptions): Promise<WriteArchiveResult> {
  const { signal, outputDir } = options;
  signal.throwIfAborted();
  const files = await planArchive({ ...options, now: options.now ?? new Date() });
  const segmentation = segmentFiles(files, options.maxChunkBytes, options.strict);
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0);

  await mkdir(outputDir, { recursive: true });
  await removeStalePartials(outputDir);

  const lastFileOf = new Map<number, number>();
  segmentation.chunkOf.forEach((chunk, i) => lastFileOf.set(chunk, i));
  const chunks = new Map<number, ChunkFile>();
  const progress = new ProgressSampler(totalBytes, options.onProgress);
  try {
    for (let i = 0; i < files.length; i++) {
      signal.throwIfAborted();
      const number = segmentation.chunkOf[i];
      let chunk = chunks.get(number);
      if (!chunk) chunks.set(number, (chunk = new ChunkFile(outputDir, number)));
      await chunk.add(files[i], signal, (n) => progress.add(n, chunk.finalPath));
      if (lastFileOf.get(number) === i) await chunk.close();
    }
    // Chunk 1 stays empty when every file is oversized; oc-mirror still writes it.
    for (let n = 1; n <= segmentation.chunkCount; n++) {
      if (!chunks.has(n)) {
        const empty = new ChunkFile(outputDir, n);
        chunks.set(n, empty);
        await empty.close();
      }
    }
    progress.flush();
    await publish(
      outputDir,
      [...chunks.values()].sort((a, b) => a.number - b.number),
    );
  } catch (err) {
    await Promise.all([...chunks.values()].map((c) => c.discard(err)));
    if (signal.aborted) throw new CancelledError('archive cancelled: the previous archive set was left untouched');
    throw err;
  }

  const oversized = segmentation.oversized.map((i) => ({ path: files[i].source, size: files[i].size }));
  const warning = oversizedWarning(oversized);
  if (warning) options.onWarning?.(warning);
  const finalPaths = [...chunks.keys()].sort((a, b) => a - b).map((n) => join(outputDir, chunkFileName(n)));
  const chunkBytes = await Promise.all(finalPaths.map(async (p) => (await stat(p)).size));
  return { chunks: finalPaths, chunkBytes, oversized, totalBytes };
}

/** One tar file being written: a tar-stream pack piped into the partial file. */
class ChunkFile {
  readonly number: number;
  readonly partialPath: string;
  readonly finalPath: string;
  private readonly pack: Pack;
  private readonly done: Promise<void>;
  /** Rejects when writing the file fails; never resolves otherwise (raced against waits). */
  private readonly failed: Promise<never>;
  private closed = false;

  constructor(dir: string, number: number) {
    this.number = number;
    this.partialPath = join(dir, partialChunkFileName(number));
    this.finalPath = join(dir, chunkFileName(number));
    this.pack = tar.pack();
    this.done = pipeline(this.pack, createWriteStream(this.partialPath, { flags: 'w' }));
    this.failed = this.done.then(() => new Promise<never>(() => undefined));
    this.failed.catch(() => undefined);
  }

  /** Streams one file into the tar; resolves when the entry is complete. */
  async add(file: PlannedFile, signal: AbortSignal, onBytes: (n: number) => void): Promise<void> {
    let entry!: ReturnType<Pack['entry']>;
    const entryDone = new Promise<void>((resolve, reject) => {
      entry = this.pack.entry(tarEntryHeader(file.name, file), (err) => (err ? reject(err) : resolve()));
    });
    entryDone.catch(() => undefined);
    // Failures reach us through the entry callback and `failed`; an unheard 'error' event would crash.
    entry.on('error', () => undefined);
    let written = 0;
    if (file.size > 0) {
      // Bounded read: a file growing meanwhile (a log) is archived as it was planned.
      const source = createReadStream(file.source, { start: 0, end: file.size - 1, highWaterMark: 1024 * 1024 });
      for await (const buf of source as AsyncIterable<Buffer>) {
        signal.throwIfAborted();
        written += buf.length;
        if (!entry.write(buf)) await Promise.race([once(entry, 'drain', { signal }), this.failed]);
        onBytes(buf.length);
      }
    }
    if (written !== file.size) {
      throw new ArchiveError(`${file.source} shrank while it was being archived (${written} of ${file.size} bytes)`);
    }
    entry.end(undefined);
    await Promise.race([entryDone, this.failed]);
  }

  /** Ends the tar and syncs the file to disk. */
  async close(): Promise<void> {
    this.pack.finalize();
    await this.done;
    const handle = await open(this.partialPath, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    this.closed = true;
  }

  /** Stops writing (if still open) and removes the partial file. */
  async discard(reason: unknown): Promise<void> {
    if (!this.closed) {
      this.pack.destroy(reason instanceof Error ? reason : new Error(String(reason)));
      await this.done.catch(() => undefined);
    }
    await rm(this.partialPath, { force: true });
  }
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

/** Partial chunks of a run that crashed. */
async function removeStalePartials(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (PARTIAL_CHUNK_PATTERN.test(name)) await rm(join(dir, name), { force: true });
  }
}

class ProgressSampler {
  private bytes = 0;
  private lastEmit = 0;
  private lastChunk = '';
  constructor(
    private readonly total: number,
    private readonly sink?: (bytes: number, total: number, chunk: string) => void,
  ) {}

  add(n: number, chunk: string): void {
    this.bytes += n;
    this.lastChunk = chunk;
    const now = Date.now();
    if (this.sink && now - this.lastEmit >= PROGRESS_INTERVAL_MS) {
      this.lastEmit = now;
      this.sink(this.bytes, this.total, chunk);
    }
  }

  flush(): void {
    this.sink?.(this.bytes, this.total, this.lastChunk);
  }
}
