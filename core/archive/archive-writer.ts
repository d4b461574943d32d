/**
 * Writes a complete M2D archive set from what is on disk (`../../shared/spec/core.md` §4.2 order: the cache's
 * repositories tree, the selected blobs, the working-dir, the ImageSetConfiguration copy), through the same
 * positional writer that mirror-to-disk streams blobs into while it fetches them. Files are streamed from disk
 * (never held in memory); strict mode fails before a byte is written.
 */
import { CancelledError } from '../errors.js';
import { planArchive } from './archive-plan.js';
import { oversizedWarning, segmentFiles } from './archive-segmentation.js';
import { ArchiveSetWriter, type ArchiveSetResult } from './archive-set-writer.js';
import { PROGRESS_INTERVAL_MS } from '../events.js';

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

export type WriteArchiveResult = Omit<ArchiveSetResult, 'oversized' | 'warning'> & {
  /** Files larger than the chunk size (each in a chunk of its own), with their path on disk. */
  oversized: { path: string; size: number }[];
};

export async function writeArchive(options: WriteArchiveOptions): Promise<WriteArchiveResult> {
  const { signal } = options;
  signal.throwIfAborted();
  const files = await planArchive({ ...options, now: options.now ?? new Date() });
  segmentFiles(files, options.maxChunkBytes, options.strict); // strict: fails here, before writing
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
  const progress = new ArchiveProgressSampler(totalBytes, options.onProgress);
  const writer = new ArchiveSetWriter({
    outputDir: options.outputDir,
    maxChunkBytes: options.maxChunkBytes,
    strict: options.strict,
    onContentBytes: (n, chunk) => progress.add(n, chunk),
  });
  await writer.open();
  let result: ArchiveSetResult;
  try {
    for (const file of files) {
      signal.throwIfAborted();
      await writer.appendFile(file.name, file.source, file, signal);
    }
    progress.flush();
    result = await writer.finish(signal);
  } catch (err) {
    await writer.discard();
    if (signal.aborted) throw new CancelledError('archive cancelled: the previous archive set was left untouched');
    throw err;
  }
  const sourceOf = new Map(files.map((f) => [f.name, f.source]));
  const oversized = result.oversized.map((o) => ({ path: sourceOf.get(o.path) ?? o.path, size: o.size }));
  const warning = oversizedWarning(oversized);
  if (warning) options.onWarning?.(warning);
  return { chunks: result.chunks, chunkBytes: result.chunkBytes, totalBytes: result.totalBytes, oversized };
}

/** Cumulative byte counts reported at most every PROGRESS_INTERVAL_MS, and once at the end. */
export class ArchiveProgressSampler {
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
