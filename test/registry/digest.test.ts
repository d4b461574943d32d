import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { DigestVerifier, digestOf, isDigest, sha256Hex, shortDigest } from '../../core/digest.js';
import { DigestMismatchError } from '../../core/errors.js';

const data = Buffer.from('hello blob, more than one chunk of it'.repeat(1000));
const expected = `sha256:${createHash('sha256').update(data).digest('hex')}`;

function sink(): { writable: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  return {
    writable: new Writable({
      write(chunk: Buffer, _e, cb) {
        chunks.push(chunk);
        cb();
      },
    }),
    bytes: () => Buffer.concat(chunks),
  };
}

test('digest helpers', () => {
  assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(digestOf(Buffer.from('abc')), 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(isDigest(expected), true);
  assert.equal(isDigest(`sha512:${'a'.repeat(128)}`), true);
  assert.equal(isDigest('sha256:ABC'), false);
  assert.equal(isDigest('latest'), false);
  assert.equal(shortDigest(expected), `${expected.slice(0, 19)}…`);
});

test('the verifier passes bytes through unchanged and counts them', async () => {
  const out = sink();
  let counted = 0;
  await pipeline(
    Readable.from([data.subarray(0, 100), data.subarray(100)]),
    new DigestVerifier(expected, { expectedSize: data.length, onBytes: (n) => (counted += n) }),
    out.writable,
  );
  assert.deepEqual(out.bytes(), data);
  assert.equal(counted, data.length);
});

test('a wrong byte fails at the end with DigestMismatchError naming the blob', async () => {
  const bad = Buffer.from(data);
  bad[5] ^= 1;
  await assert.rejects(
    pipeline(Readable.from([bad]), new DigestVerifier(expected, { where: 'blob x' }), sink().writable),
    (err: unknown) =>
      err instanceof DigestMismatchError &&
      err.expected === expected &&
      err.message.startsWith('digest mismatch for blob x'),
  );
});

test('too many bytes fail at once', async () => {
  await assert.rejects(
    pipeline(
      Readable.from([data, Buffer.from('x')]),
      new DigestVerifier(expected, { expectedSize: data.length }),
      sink().writable,
    ),
    DigestMismatchError,
  );
});

test('resuming: a hash of the first part continues in a second verifier', async () => {
  const split = 1234;
  const first = createHash('sha256');
  first.update(data.subarray(0, split));
  const out = sink();
  const verifier = new DigestVerifier(expected, { resumeHash: first, resumeOffset: split, expectedSize: data.length });
  await pipeline(Readable.from([data.subarray(split)]), verifier, out.writable);
  assert.equal(verifier.bytesSeen, data.length);
  assert.deepEqual(out.bytes(), data.subarray(split));
});
