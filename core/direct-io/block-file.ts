/**
 * A file opened for writing with `O_DIRECT` where the filesystem allows it, and a plain one otherwise.
 *
 * Why: mirror to disk writes every blob twice (cache and archive) and the archive is synced before the run
 * ends; through the page cache, each of those gigabytes is copied into freshly allocated kernel pages first.
 * On virtual machines that back guest memory lazily (the bastion hosts of disconnected installs often are),
 * that allocation is the dominant cost: a buffered 1 GiB write took 0.4–5 s of system time on the benchmark
 * machine, the same write with `O_DIRECT` 0.05–0.2 s (bench/RESULTS.md). Direct writes also leave the page
 * cache to whatever else runs on the host instead of filling it with an archive nobody reads back.
 *
 * Direct I/O needs aligned memory ({@link alignedBuffers}), block-aligned offsets and lengths. Whether the
 * file accepts it is probed once, before anything else is written: a filesystem without `O_DIRECT` (tmpfs on
 * older kernels, some FUSE and network filesystems) or a device with larger sectors makes the file a plain
 * one for its whole life, so direct and buffered writes never mix on one file.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { writeFully } from '../file-io.js';
import { alignedBuffers, DIRECT_BLOCK } from './aligned-buffers.js';

/**
 * Direct I/O is on unless `OCM_TUI_DIRECT_IO` is `0`, `off`, `false` or `no` (an escape hatch for filesystems
 * where it is slower, e.g. some network filesystems).
 */
export function directIoWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.OCM_TUI_DIRECT_IO?.trim().toLowerCase();
  return !(value === '0' || value === 'off' || value === 'false' || value === 'no');
}

export interface BlockFileOptions {
  /** Fail when the file exists (temp files); otherwise an existing file is truncated. */
  exclusive: boolean;
  /** Ask for direct I/O (still subject to the probe). */
  direct: boolean;
  mode?: number;
}

export class BlockFile {
  private constructor(
    readonly handle: FileHandle,
    /** Writes go around the page cache: every write must be aligned (see {@link writeBlocks}). */
    readonly direct: boolean,
  ) {}

  static async create(path: string, options: BlockFileOptions): Promise<BlockFile> {
    const { O_WRONLY, O_CREAT, O_EXCL, O_TRUNC, O_DIRECT } = constants;
    const flags = O_WRONLY | O_CREAT | (options.exclusive ? O_EXCL : O_TRUNC);
    const mode = options.mode ?? 0o644;
    if (!options.direct || O_DIRECT === undefined) return new BlockFile(await open(path, flags, mode), false);
    let handle: FileHandle;
    try {
      handle = await open(path, flags | O_DIRECT, mode);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
      // The filesystem refused O_DIRECT; Linux may have created the file before refusing, so no O_EXCL here.
      return new BlockFile(await open(path, O_WRONLY | O_CREAT | O_TRUNC, mode), false);
    }
    if (await acceptsDirectWrites(handle)) return new BlockFile(handle, true);
    await handle.close();
    return new BlockFile(await open(path, O_WRONLY | O_TRUNC, mode), false);
  }

  /**
   * Writes `buf[0, length)` at `position`. On a direct file `buf` must come from {@link alignedBuffers} and
   * `length` and `position` must be multiples of {@link DIRECT_BLOCK}.
   */
  async writeBlocks(buf: Buffer, length: number, position: number): Promise<void> {
    if (this.direct && (length % DIRECT_BLOCK !== 0 || position % DIRECT_BLOCK !== 0)) {
      throw new Error(`unaligned direct write of ${length} bytes at ${position}`);
    }
    await writeFully(this.handle, buf, length, position);
  }

  truncate(length: number): Promise<void> {
    return this.handle.truncate(length);
  }

  datasync(): Promise<void> {
    return this.handle.datasync();
  }

  sync(): Promise<void> {
    return this.handle.sync();
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/** One aligned block written at offset 0 and cut off again: EINVAL means this file cannot take direct I/O. */
async function acceptsDirectWrites(handle: FileHandle): Promise<boolean> {
  const buf = alignedBuffers.take();
  try {
    buf.fill(0, 0, DIRECT_BLOCK);
    await handle.write(buf, 0, DIRECT_BLOCK, 0);
    await handle.truncate(0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EINVAL') return false;
    throw err;
  } finally {
    alignedBuffers.give(buf);
  }
}
