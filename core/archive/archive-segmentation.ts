/**
 * Which chunk each file goes to (`../../shared/spec/core.md` §4.4), decided before a byte is written.
 * Only file contents count (headers, padding and the trailer do not), exactly as oc-mirror counts.
 */
import { ArchiveError } from '../errors.js';

const GIB = 1024 ** 3;

export interface SegmentedFile {
  /** Name in the archive, for messages. */
  name: string;
  size: number;
}

export interface Segmentation {
  /** Chunk number (1-based) of each file, in input order. */
  chunkOf: number[];
  /** Number of chunks; chunk 1 always exists, even when it ends up empty. */
  chunkCount: number;
  /** Indexes of files larger than the limit (permissive mode): each one alone in its own chunk. */
  oversized: number[];
}

/**
 * Permissive (default): a file larger than `maxChunkBytes` gets a chunk of its own numbered current+1, while
 * the open chunk keeps its number and keeps receiving files; the next roll-over takes the next free number.
 * Strict: such a file is an error (oc-mirror's message); writeArchive raises it before writing, the streaming
 * mirror-to-disk archive before it writes anything after the copy (and then publishes nothing).
 */
export function segmentFiles(files: SegmentedFile[], maxChunkBytes: number, strict: boolean): Segmentation {
  const segmenter = new ChunkSegmenter(maxChunkBytes);
  const chunkOf: number[] = [];
  const oversized: number[] = [];
  files.forEach((file, i) => {
    const placed = segmenter.place(file.size);
    if (placed.oversized) {
      if (strict) throw strictArchiveError(maxChunkBytes, file);
      oversized.push(i);
    }
    chunkOf.push(placed.chunk);
  });
  return { chunkOf, chunkCount: segmenter.chunkCount, oversized };
}

/**
 * The same rule applied one file at a time, as files arrive (the archive writer places blobs while they
 * are still being fetched). Placing the same sizes in the same order gives the same chunks as
 * {@link segmentFiles}.
 */
export class ChunkSegmenter {
  private lastNumber = 1;
  private open = 1;
  private openBytes = 0;

  constructor(readonly maxChunkBytes: number) {
    if (!(maxChunkBytes > 0)) throw new RangeError(`archive chunk size must be positive, got ${maxChunkBytes}`);
  }

  /** Highest chunk number used so far (chunk 1 always exists). */
  get chunkCount(): number {
    return this.lastNumber;
  }

  place(size: number): { chunk: number; oversized: boolean } {
    if (size > this.maxChunkBytes) return { chunk: ++this.lastNumber, oversized: true };
    if (this.openBytes + size > this.maxChunkBytes) {
      this.open = ++this.lastNumber;
      this.openBytes = 0;
    }
    this.openBytes += size;
    return { chunk: this.open, oversized: false };
  }
}

/** oc-mirror's text (sizes in whole GiB, rounded down); the file is named by its path in the archive. */
export function strictArchiveError(maxChunkBytes: number, file: SegmentedFile): ArchiveError {
  return new ArchiveError(
    `maxArchiveSize ${Math.floor(maxChunkBytes / GIB)}G is too small compared to sizes of files that need to be included in the archive.\n` +
      `${file.name}: ${Math.floor(file.size / GIB)}G\n Aborting archive generation`,
    `set archiveSize to at least ${Math.ceil(file.size / GIB)} (GiB) in the ImageSetConfiguration, or drop --strict-archive`,
  );
}

/** The end-of-run warning of permissive mode, or undefined when nothing was oversized. */
export function oversizedWarning(files: { path: string; size: number }[]): string | undefined {
  if (files.length === 0) return undefined;
  const largest = Math.max(...files.map((f) => f.size));
  return [
    'The following files exceed the archiveSize configured:',
    ...files.map((f) => `  ${f.path}: ${Math.floor(f.size / GIB)}G`),
    `Please consider updating archiveSize to at least ${Math.ceil(largest / GIB)}`,
  ].join('\n');
}
