/**
 * The tar header of one archived file: a USTAR header (tar-stream uses the 155-byte prefix for names up to
 * ~255 characters and switches to a PAX `path` record beyond, or for non-ASCII names), plus PAX records for
 * what USTAR cannot hold: sizes of 8 GiB and more, and uid/gid above 6 octal digits.
 */
import type { Header } from 'tar-stream';

/** A tar-stream entry header with optional PAX records (`pax`, written as an extended header). */
export type PaxHeaders = Partial<Header> & { name: string; pax?: Record<string, string> };

/** Largest size of the 11-digit octal field (8 GiB - 1). */
const MAX_USTAR_SIZE = 0o77777777777;
/** tar-stream writes uid/gid with 6 octal digits. */
const MAX_USTAR_ID = 0o777777;

export interface FileFacts {
  size: number;
  /** st_mode; only the permission bits are kept. */
  mode: number;
  mtimeMs: number;
  uid: number;
  gid: number;
}

/** Regular-file header as Go's `tar.FileInfoHeader` makes it: permission bits, owner, mtime in seconds. */
export function tarEntryHeader(name: string, facts: FileFacts): PaxHeaders {
  const pax: Record<string, string> = {};
  if (facts.size > MAX_USTAR_SIZE) pax.size = String(facts.size);
  if (facts.uid > MAX_USTAR_ID) pax.uid = String(facts.uid);
  if (facts.gid > MAX_USTAR_ID) pax.gid = String(facts.gid);
  const header: PaxHeaders = {
    name,
    type: 'file',
    size: facts.size,
    mode: facts.mode & 0o7777,
    mtime: new Date(Math.floor(facts.mtimeMs / 1000) * 1000),
    uid: facts.uid > MAX_USTAR_ID ? 0 : facts.uid,
    gid: facts.gid > MAX_USTAR_ID ? 0 : facts.gid,
  };
  if (Object.keys(pax).length > 0) header.pax = pax;
  return header;
}
