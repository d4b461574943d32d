/**
 * Reads the entry headers of a tar file by position, without reading the contents: disk to mirror indexes
 * every chunk first (a hostile or damaged archive is refused before anything is written), then reads each
 * file's bytes from its offset when it needs them — a blob only once, when it is pushed.
 *
 * Formats (`../../shared/spec/core.md` §4.5): USTAR (155-byte prefix), PAX extended headers (`x`: path,
 * linkpath, size; `g` is skipped), GNU long names (`L`, `K`) and base-256 sizes, old v7 headers. Header
 * checksums are verified. The end is the first zero block, or the end of the file.
 */
import type { FileHandle } from 'node:fs/promises';
import { ArchiveError } from '../errors.js';
import { readFully } from '../file-io.js';

const BLOCK = 512;
/** Extended headers larger than this are refused (real ones are a few hundred bytes). */
const MAX_META_BYTES = 1024 * 1024;

export type TarEntryType =
  | 'file'
  | 'link'
  | 'symlink'
  | 'character-device'
  | 'block-device'
  | 'directory'
  | 'fifo'
  | 'contiguous-file'
  | 'unknown';

export interface TarIndexEntry {
  name: string;
  type: TarEntryType;
  /** The typeflag character, for messages about unknown types. */
  typeflag: string;
  size: number;
  /** Permission bits of the header. */
  mode: number;
  linkname: string;
  /** Offset of the entry's first header block (its PAX or GNU header when it has one). */
  headerOffset: number;
  /** Offset of the content. */
  dataOffset: number;
}

const TYPES: Record<string, TarEntryType> = {
  '0': 'file',
  '\0': 'file',
  '1': 'link',
  '2': 'symlink',
  '3': 'character-device',
  '4': 'block-device',
  '5': 'directory',
  '6': 'fifo',
  '7': 'contiguous-file',
};

/**
 * Yields the entries of the tar file behind `handle` in order. Throws ArchiveError for a corrupt header, a
 * header cut by the end of the file, or an extended header that does not fit the file. An entry whose
 * content runs past the end of the file is still yielded (the caller refuses it, naming it) and ends the scan.
 */
export async function* readTarIndex(handle: FileHandle, fileSize: number): AsyncGenerator<TarIndexEntry> {
  let offset = 0;
  let pending: { path?: string; linkpath?: string; size?: number; longName?: string; longLink?: string } = {};
  let entryStart = 0;
  const block = Buffer.alloc(BLOCK);
  for (;;) {
    if (offset === fileSize) return;
    if (offset + BLOCK > fileSize) {
      throw new ArchiveError(`unexpected end of the file inside the header at byte ${offset} (truncated or corrupt)`);
    }
    await readExactly(handle, block, offset);
    if (block.every((b) => b === 0)) return;
    if (!checksumMatches(block)) {
      throw new ArchiveError(`invalid header checksum at byte ${offset} (truncated or corrupt)`);
    }
    if (Object.keys(pending).length === 0) entryStart = offset;
    const typeflag = String.fromCharCode(block[156]);
    const size = parseSize(block, offset);
    const dataOffset = offset + BLOCK;
    const next = dataOffset + Math.ceil(size / BLOCK) * BLOCK;

    if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
      if (size > MAX_META_BYTES || dataOffset + size > fileSize) {
        throw new ArchiveError(
          `extended header of ${size} bytes at byte ${offset} does not fit the file (truncated or corrupt)`,
        );
      }
      const data = Buffer.alloc(size);
      await readExactly(handle, data, dataOffset);
      if (typeflag === 'x') Object.assign(pending, parsePax(data, offset));
      else if (typeflag === 'L') pending.longName = cString(data, 0, data.length);
      else if (typeflag === 'K') pending.longLink = cString(data, 0, data.length);
      // 'g' (global PAX defaults) carries nothing an archive of ours needs: skipped.
      offset = next;
      continue;
    }

    const entrySize = pending.size ?? size;
    const entry: TarIndexEntry = {
      name: pending.path ?? pending.longName ?? ustarName(block),
      type: TYPES[typeflag] ?? 'unknown',
      typeflag,
      size: entrySize,
      mode: parseOctal(block, 100, 8),
      linkname: pending.linkpath ?? pending.longLink ?? cString(block, 157, 100),
      headerOffset: entryStart,
      dataOffset,
    };
    pending = {};
    yield entry;
    if (dataOffset + entrySize > fileSize) return;
    offset = dataOffset + Math.ceil(entrySize / BLOCK) * BLOCK;
  }
}

async function readExactly(handle: FileHandle, buf: Buffer, position: number): Promise<void> {
  if (!(await readFully(handle, buf, position))) {
    throw new ArchiveError(`unexpected end of the file reading ${buf.length} bytes at byte ${position}`);
  }
}

/** Sum of the header bytes with the checksum field counted as spaces (unsigned, or signed as old tars did). */
function checksumMatches(block: Buffer): boolean {
  const stored = parseOctal(block, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i];
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

function parseOctal(block: Buffer, at: number, length: number): number {
  let i = at;
  const end = at + length;
  while (i < end && (block[i] === 0x20 || block[i] === 0)) i++;
  let value = 0;
  for (; i < end; i++) {
    const b = block[i];
    if (b < 0x30 || b > 0x37) break;
    value = value * 8 + (b - 0x30);
  }
  return value;
}

/** Octal, or GNU base-256 when the first byte has its top bit set. */
function parseSize(block: Buffer, offset: number): number {
  if ((block[124] & 0x80) === 0) return parseOctal(block, 124, 12);
  if (block[124] & 0x40) throw new ArchiveError(`negative size in the header at byte ${offset} (corrupt)`);
  let value = block[124] & 0x3f;
  for (let i = 125; i < 136; i++) value = value * 256 + block[i];
  if (!Number.isSafeInteger(value)) throw new ArchiveError(`absurd size in the header at byte ${offset} (corrupt)`);
  return value;
}

function cString(buf: Buffer, at: number, length: number): string {
  const end = buf.indexOf(0, at);
  return buf.toString('utf8', at, end < 0 || end > at + length ? at + length : end);
}

/** USTAR joins prefix and name; GNU headers ("ustar  ") keep other fields in the prefix area. */
function ustarName(block: Buffer): string {
  const name = cString(block, 0, 100);
  const posixUstar = block.toString('latin1', 257, 263) === 'ustar\0';
  if (!posixUstar) return name;
  const prefix = cString(block, 345, 155);
  return prefix ? `${prefix}/${name}` : name;
}

/** `"<len> <key>=<value>\n"` records; `size` must be a decimal number. */
function parsePax(data: Buffer, offset: number): { path?: string; linkpath?: string; size?: number } {
  const out: { path?: string; linkpath?: string; size?: number } = {};
  let at = 0;
  while (at < data.length && data[at] !== 0) {
    const space = data.indexOf(0x20, at);
    const length = space < 0 ? NaN : Number(data.toString('ascii', at, space));
    if (!Number.isInteger(length) || length <= 0 || at + length > data.length) {
      throw new ArchiveError(`malformed PAX record in the extended header at byte ${offset} (corrupt)`);
    }
    const record = data.toString('utf8', space + 1, at + length - 1);
    const eq = record.indexOf('=');
    const key = record.slice(0, eq);
    const value = record.slice(eq + 1);
    if (key === 'path') out.path = value;
    else if (key === 'linkpath') out.linkpath = value;
    else if (key === 'size') {
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
        throw new ArchiveError(`PAX size "${value.slice(0, 40)}" at byte ${offset} is not a size (corrupt)`);
      }
      out.size = Number(value);
    }
    at += length;
  }
  return out;
}
