/**
 * Reading small response bodies (manifests, tag lists, error documents, tokens) with a size cap, so a
 * misbehaving server cannot make us buffer gigabytes.
 */
import type { Readable } from 'node:stream';
import { OcmError } from '../errors.js';

/**
 * The body's bytes, at most `max`. Beyond `max`: with `truncate` the rest is discarded and the first
 * `max` bytes returned (error documents); otherwise throws an OcmError `RESPONSE_TOO_LARGE`.
 */
export async function readCapped(body: Readable, max: number, truncate: boolean): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of body) {
      const buf = chunk as Buffer;
      if (length + buf.length > max) {
        if (!truncate) throw new OcmError('RESPONSE_TOO_LARGE', `response larger than ${max} bytes`);
        chunks.push(buf.subarray(0, max - length));
        length = max;
        break;
      }
      chunks.push(buf);
      length += buf.length;
    }
  } finally {
    // Breaking out of the loop destroys the stream; make sure an undici body never stays half-read.
    if (!body.destroyed && !body.readableEnded) body.destroy();
  }
  return Buffer.concat(chunks, length);
}

/** Throws away a body we do not need, so its connection goes back to the pool. */
export async function discard(body: Readable & { dump?: (opts?: { limit: number }) => Promise<void> }): Promise<void> {
  try {
    if (body.dump) await body.dump({ limit: 256 * 1024 });
    else body.resume();
  } catch {
    // A body that fails while being discarded changes nothing for the caller.
  }
}
