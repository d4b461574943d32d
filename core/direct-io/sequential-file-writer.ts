/**
 * Writes a whole file front to back (a blob into the cache) through a {@link BlockFile}: on a direct file the
 * bytes are gathered in an aligned staging buffer and written a megabyte at a time; the last partial block is
 * padded to the block size and the file cut back to its real length.
 */
import { Writable } from 'node:stream';
import { createWriteStream } from 'node:fs';
import { alignedBuffers, roundUpToBlock, STAGING_BYTES } from './aligned-buffers.js';
import { BlockFile, directIoWanted } from './block-file.js';

/** Files smaller than this are written through the page cache: one direct write per small file costs more. */
export const DIRECT_MIN_BYTES = STAGING_BYTES;

export class SequentialFileWriter {
  private staging?: Buffer;
  private staged = 0;
  private position = 0;
  private closed = false;

  private constructor(private readonly file: BlockFile) {
    if (file.direct) this.staging = alignedBuffers.take();
  }

  /** Creates `path` (exclusive: temp files). Direct I/O is tried when `expectedSize` is known and large. */
  static async create(path: string, expectedSize: number | undefined, mode?: number): Promise<SequentialFileWriter> {
    const direct = directIoWanted() && expectedSize !== undefined && expectedSize >= DIRECT_MIN_BYTES;
    return new SequentialFileWriter(await BlockFile.create(path, { exclusive: true, direct, mode }));
  }

  /** True when the file bypasses the page cache. */
  get direct(): boolean {
    return this.file.direct;
  }

  /** Bytes accepted so far. */
  get bytesWritten(): number {
    return this.position + this.staged;
  }

  async write(chunk: Buffer): Promise<void> {
    const staging = this.staging;
    if (!staging) {
      await this.file.writeBlocks(chunk, chunk.length, this.position);
      this.position += chunk.length;
      return;
    }
    let from = 0;
    while (from < chunk.length) {
      const n = Math.min(chunk.length - from, STAGING_BYTES - this.staged);
      chunk.copy(staging, this.staged, from, from + n);
      this.staged += n;
      from += n;
      if (this.staged === STAGING_BYTES) {
        await this.file.writeBlocks(staging, STAGING_BYTES, this.position);
        this.position += STAGING_BYTES;
        this.staged = 0;
      }
    }
  }

  /** Writes what is staged, sets the file's length and closes it. */
  async finish(): Promise<void> {
    const staging = this.staging;
    if (staging && this.staged > 0) {
      const tail = this.staged;
      const padded = roundUpToBlock(tail);
      staging.fill(0, tail, padded);
      await this.file.writeBlocks(staging, padded, this.position);
      this.position += tail;
      this.staged = 0;
      if (padded !== tail) await this.file.truncate(this.position);
    }
    await this.close();
  }

  /** Closes the file without completing it (the caller removes it). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.staging) {
      alignedBuffers.give(this.staging);
      this.staging = undefined;
    }
    await this.file.close();
  }
}

/**
 * A Writable sink for a new file: direct I/O for a large blob of known size, a plain `fs` write stream
 * otherwise. The file must not exist (temp files).
 */
export function createBlobFileStream(path: string, expectedSize: number | undefined): Writable {
  const direct = directIoWanted() && expectedSize !== undefined && expectedSize >= DIRECT_MIN_BYTES;
  if (!direct) return createWriteStream(path, { flags: 'wx' });
  let writer: SequentialFileWriter | undefined;
  return new Writable({
    construct(callback) {
      SequentialFileWriter.create(path, expectedSize).then(
        (w) => {
          writer = w;
          callback();
        },
        (err: Error) => callback(err),
      );
    },
    write(chunk: Buffer, _encoding, callback) {
      writer!.write(chunk).then(() => callback(), callback);
    },
    final(callback) {
      writer!.finish().then(() => callback(), callback);
    },
    destroy(err, callback) {
      if (!writer) {
        callback(err);
        return;
      }
      writer.close().then(
        () => callback(err),
        () => callback(err),
      );
    },
  });
}
