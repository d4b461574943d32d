/**
 * Whole-buffer reads and writes on a FileHandle: a single `read`/`write` call may move fewer bytes than asked
 * (and a file may end early), which every positional copy in the archive code has to loop over.
 */
import { stat, type FileHandle } from 'node:fs/promises';

/** Writes all of `buf[0, length)`, at `position` (consecutive positions) or at the file's current offset. */
export async function writeFully(
  handle: FileHandle,
  buf: Buffer,
  length = buf.length,
  position?: number,
): Promise<void> {
  for (let done = 0; done < length;) {
    const at = position === undefined ? null : position + done;
    const { bytesWritten } = await handle.write(buf, done, length - done, at);
    if (bytesWritten <= 0) throw new Error(`no progress writing at byte ${done} of ${length}`);
    done += bytesWritten;
  }
}

/** Fills `buf` from `position`; false when the file ends first. */
export async function readFully(handle: FileHandle, buf: Buffer, position: number): Promise<boolean> {
  for (let done = 0; done < buf.length;) {
    const { bytesRead } = await handle.read(buf, done, buf.length - done, position + done);
    if (bytesRead === 0) return false;
    done += bytesRead;
  }
  return true;
}

/** True when `path` exists and is a directory (a tree extracted earlier, a cache folder). */
export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
