/**
 * Test helper: builds tar files entry by entry with tar-stream (including entries our writer never makes:
 * links, devices, traversal names), and patches headers to forge sizes.
 */
import { buffer } from 'node:stream/consumers';
import tar from 'tar-stream';
import type { Header } from 'tar-stream';

export interface TarEntrySpec {
  header: Partial<Header> & { name: string };
  content?: Buffer | string;
}

export async function buildTar(entries: TarEntrySpec[]): Promise<Buffer> {
  const pack = tar.pack();
  const collected = buffer(pack as unknown as AsyncIterable<Buffer>);
  for (const e of entries) {
    await new Promise<void>((resolve, reject) => {
      const content = typeof e.content === 'string' ? Buffer.from(e.content) : e.content;
      const header = { mode: 0o644, mtime: new Date(0), ...e.header };
      const done = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (content) pack.entry(header, content, done);
      else pack.entry(header, done);
    });
  }
  pack.finalize();
  return collected;
}

/** Rewrites the size field of the USTAR header at `offset` and fixes its checksum. */
export function forgeHeaderSize(tarBytes: Buffer, offset: number, size: number): Buffer {
  const out = Buffer.from(tarBytes);
  out.write(`${size.toString(8).padStart(11, '0')}\0`, offset + 124, 12, 'ascii');
  out.fill(0x20, offset + 148, offset + 156);
  let sum = 0;
  for (let i = offset; i < offset + 512; i++) sum += out[i];
  out.write(`${sum.toString(8).padStart(6, '0')}\0 `, offset + 148, 8, 'ascii');
  return out;
}
