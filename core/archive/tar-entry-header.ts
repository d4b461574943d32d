/**
 * The tar header blocks of one archived regular file, as Go's `archive/tar` writes them for oc-mirror
 * (`../../shared/spec/core.md` §4.5): a USTAR header (the 155-byte prefix holds long directory parts), plus a
 * PAX extended header in front of it for what USTAR cannot hold — sizes of 8 GiB and more, uid/gid above 7
 * octal digits, names that do not split into prefix + name, or non-ASCII names.
 *
 * Encoded here rather than by tar-stream's packer because the archive writer lays entries out by position:
 * each entry's header is written where its region starts, while its content streams in from the network.
 */

/** Largest value of the 11-digit octal size field (8 GiB - 1). */
const MAX_USTAR_SIZE = 0o77777777777;
/** Largest value of the 7-digit octal uid/gid fields. */
const MAX_USTAR_ID = 0o7777777;
export const TAR_BLOCK = 512;

export interface FileFacts {
  size: number;
  /** st_mode; only the permission bits are kept. */
  mode: number;
  mtimeMs: number;
  uid: number;
  gid: number;
}

/** Bytes of the content padding that follows an entry of `size` bytes. */
export function tarPadding(size: number): number {
  const rest = size % TAR_BLOCK;
  return rest === 0 ? 0 : TAR_BLOCK - rest;
}

/**
 * Header block(s) for a regular file: permission bits, owner ids, mtime in whole seconds (as Go's
 * `tar.FileInfoHeader` makes them), typeflag '0'. 512 bytes, or 1024 + the PAX records when PAX is needed.
 */
export function encodeTarEntryHeader(name: string, facts: FileFacts): Buffer {
  if (name === '' || name.includes('\0')) throw new TypeError(`invalid tar entry name ${JSON.stringify(name)}`);
  const pax: [string, string][] = [];
  const split = splitUstarName(name);
  if (!split) pax.push(['path', name]);
  if (facts.size > MAX_USTAR_SIZE) pax.push(['size', String(facts.size)]);
  if (facts.uid > MAX_USTAR_ID) pax.push(['uid', String(facts.uid)]);
  if (facts.gid > MAX_USTAR_ID) pax.push(['gid', String(facts.gid)]);
  const mtime = Math.floor(facts.mtimeMs / 1000);

  const header = ustarBlock({
    name: split?.name ?? asciiTail(name, 100),
    prefix: split?.prefix ?? '',
    mode: facts.mode & 0o7777,
    uid: facts.uid > MAX_USTAR_ID ? 0 : facts.uid,
    gid: facts.gid > MAX_USTAR_ID ? 0 : facts.gid,
    size: facts.size > MAX_USTAR_SIZE ? 0 : facts.size,
    mtime,
    typeflag: '0',
  });
  if (pax.length === 0) return header;

  const records = Buffer.from(pax.map(([k, v]) => paxRecord(k, v)).join(''), 'utf8');
  const paxHeader = ustarBlock({
    name: asciiTail(`PaxHeaders.0/${basename(name)}`, 100),
    prefix: '',
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: records.length,
    mtime,
    typeflag: 'x',
  });
  return Buffer.concat([paxHeader, records, Buffer.alloc(tarPadding(records.length)), header]);
}

/** `"<len> <key>=<value>\n"` where `<len>` counts the whole record, its own digits included. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyBytes = Buffer.byteLength(body, 'utf8');
  let length = bodyBytes + String(bodyBytes).length;
  if (String(length).length !== String(bodyBytes).length) length = bodyBytes + String(length).length;
  return `${length}${body}`;
}

/** USTAR name split: `prefix/name` with name ≤ 100 and prefix ≤ 155 bytes, ASCII only; undefined if impossible. */
function splitUstarName(name: string): { prefix: string; name: string } | undefined {
  // eslint-disable-next-line no-control-regex
  if (!/^[\x01-\x7f]*$/.test(name)) return undefined;
  if (name.length <= 100) return { prefix: '', name };
  // The longest prefix that fits leaves the shortest name: search from the right.
  for (let i = Math.min(name.length - 1, 155); i > 0; i--) {
    if (name[i] !== '/') continue;
    const rest = name.slice(i + 1);
    if (rest.length === 0 || rest.length > 100) return undefined;
    return { prefix: name.slice(0, i), name: rest };
  }
  return undefined;
}

function basename(name: string): string {
  const trimmed = name.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1) || trimmed;
}

/** A printable stand-in for readers that ignore PAX: the last `max` ASCII bytes of the name. */
function asciiTail(name: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const ascii = name.replace(/[^\x01-\x7f]/g, '_');
  return ascii.length <= max ? ascii : ascii.slice(ascii.length - max);
}

interface UstarFields {
  name: string;
  prefix: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  typeflag: '0' | 'x';
}

function ustarBlock(f: UstarFields): Buffer {
  const block = Buffer.alloc(TAR_BLOCK);
  block.write(f.name, 0, 100, 'ascii');
  octal(block, 100, 8, f.mode);
  octal(block, 108, 8, f.uid);
  octal(block, 116, 8, f.gid);
  octal(block, 124, 12, f.size);
  octal(block, 136, 12, f.mtime);
  block.write(f.typeflag, 156, 1, 'ascii');
  block.write('ustar\u000000', 257, 8, 'ascii');
  octal(block, 329, 8, 0); // devmajor
  octal(block, 337, 8, 0); // devminor
  block.write(f.prefix, 345, 155, 'ascii');
  // The checksum is computed with its own field read as eight spaces, then stored as 6 digits, NUL, space.
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'ascii');
  return block;
}

/** Zero-padded octal in `width - 1` digits followed by NUL (Go's formatOctal). */
function octal(block: Buffer, offset: number, width: number, value: number): void {
  const digits = value.toString(8);
  if (digits.length > width - 1) throw new RangeError(`${value} does not fit a ${width}-byte tar field`);
  block.write(digits.padStart(width - 1, '0'), offset, width - 1, 'ascii');
  block[offset + width - 1] = 0;
}
