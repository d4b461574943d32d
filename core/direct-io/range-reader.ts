/**
 * Reads byte ranges of a large file (an archive chunk) with `O_DIRECT` where the filesystem allows it: disk to
 * mirror reads every blob of the archive once, and through the page cache each of those gigabytes would first
 * be copied into freshly allocated kernel pages (the cost described in block-file.ts). Reads are aligned down
 * and up to whole blocks into an aligned staging buffer; what the caller sees is exactly the range asked for.
 * A file or filesystem that refuses direct reads is read the ordinary way.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { alignedBuffers, DIRECT_BLOCK, STAGING_BYTES } from './aligned-buffers.js';
import { directIoWanted } from './block-file.js';

/** Ranges smaller than this are read through the page cache (small files, headers). */
export const DIRECT_READ_MIN_BYTES = 1024 * 1024;

export class RangeReader {
  private constructor(
    private handle: FileHandle,
    private direct: boolean,
    private readonly path: string,
  ) {}

  /** Opens `path` for reading; `direct` asks for direct I/O (still subject to the filesystem). */
  static async open(path: string, direct = directIoWanted()): Promise<RangeReader> {
    const { O_RDONLY, O_DIRECT } = constants;
    if (direct && O_DIRECT !== undefined) {
      try {
        return new RangeReader(await open(path, O_RDONLY | O_DIRECT), true, path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
      }
    }
    return new RangeReader(await open(path, O_RDONLY), false, path);
  }

  /** True while reads bypass the page cache. */
  get isDirect(): boolean {
    return this.direct;
  }

  /**
   * Yields `[start, start + length)` in pieces of at most {@link STAGING_BYTES}, fewer at the end of the file.
   * On a direct file a piece is a view into a staging buffer that is reused for the next piece: consume or
   * copy it before asking for the next one.
   */
  async *pieces(start: number, length: number, pieceBytes = STAGING_BYTES): AsyncGenerator<Buffer> {
    const end = start + length;
    if (!this.direct) {
      const buf = Buffer.allocUnsafe(Math.max(1, Math.min(pieceBytes, length)));
      for (let at = start; at < end;) {
        const { bytesRead } = await this.handle.read(buf, 0, Math.min(buf.length, end - at), at);
        if (bytesRead === 0) return;
        yield buf.subarray(0, bytesRead);
        at += bytesRead;
      }
      return;
    }
    const staging = alignedBuffers.take();
    try {
      let at = start;
      while (at < end) {
        const from = at - (at % DIRECT_BLOCK);
        const want = Math.min(STAGING_BYTES, Math.ceil((end - from) / DIRECT_BLOCK) * DIRECT_BLOCK);
        let bytesRead: number;
        try {
          ({ bytesRead } = await this.handle.read(staging, 0, want, from));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
          // The device wants larger alignment than we give: read the rest through the page cache.
          await this.reopenPlain();
          yield* this.pieces(at, end - at, pieceBytes);
          return;
        }
        const skip = at - from;
        if (bytesRead <= skip) return;
        const usable = Math.min(bytesRead, end - from) - skip;
        for (let off = 0; off < usable; off += pieceBytes) {
          yield staging.subarray(skip + off, skip + Math.min(usable, off + pieceBytes));
        }
        at += usable;
        if (bytesRead < want) return;
      }
    } finally {
      alignedBuffers.give(staging);
    }
  }

  close(): Promise<void> {
    return this.handle.close();
  }

  private async reopenPlain(): Promise<void> {
    const plain = await open(this.path, constants.O_RDONLY);
    await this.handle.close().catch(() => undefined);
    this.handle = plain;
    this.direct = false;
  }
}

/**
 * A Readable of `[start, start + length)` of `path` (every piece a buffer of its own, as consumers of a stream
 * may keep them); direct reads for ranges of {@link DIRECT_READ_MIN_BYTES} and more.
 */
export function createRangeStream(path: string, start: number, length: number, pieceBytes = STAGING_BYTES): Readable {
  let reader: RangeReader | undefined;
  let pieces: AsyncGenerator<Buffer> | undefined;
  return new Readable({
    highWaterMark: pieceBytes,
    construct(callback) {
      RangeReader.open(path, directIoWanted() && length >= DIRECT_READ_MIN_BYTES).then(
        (r) => {
          reader = r;
          pieces = r.pieces(start, length, pieceBytes);
          callback();
        },
        (err: Error) => callback(err),
      );
    },
    read() {
      pieces!.next().then(
        ({ value, done }) => {
          if (done) this.push(null);
          else this.push(Buffer.from(value)); // the reader reuses its buffer for the next piece
        },
        (err: Error) => this.destroy(err),
      );
    },
    destroy(err, callback) {
      const closing = pieces ? pieces.return(undefined).then(() => undefined) : Promise.resolve();
      closing
        .then(() => reader?.close())
        .then(
          () => callback(err),
          () => callback(err),
        );
    },
  });
}
