import { createCipheriv, createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

/** A blob of a generated image. `open()` yields its exact bytes, as often as needed. */
export interface FixtureBlob {
  digest: string;
  size: number;
  mediaType: string;
  /** uncompressed digest (rootfs diff_id) for layers */
  diffId?: string;
  /** the bytes, for small blobs; big ones only stream through `open()` */
  bytes?: Buffer;
  open(): Readable;
}

export function sha256Digest(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A blob held in memory. */
export function bufferBlob(bytes: Buffer, mediaType: string, diffId?: string): FixtureBlob {
  return {
    digest: sha256Digest(bytes),
    size: bytes.length,
    mediaType,
    diffId,
    bytes,
    open: () => Readable.from([bytes]),
  };
}

const CHUNK = 64 * 1024;

/**
 * Pseudo-random bytes that depend only on `seed`: the AES-256-CTR keystream of sha256(seed). Fast enough to
 * generate gigabytes, and any prefix is the same for the same seed.
 */
export function deterministicStream(seed: string, size: number): Readable {
  return Readable.from(deterministicChunks(seed, size), { objectMode: false });
}

function* deterministicChunks(seed: string, size: number): Generator<Buffer> {
  const key = createHash('sha256').update(`ocm-tui-fixture:${seed}`).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(CHUNK);
  for (let left = size; left > 0; left -= CHUNK) {
    yield cipher.update(left >= CHUNK ? zeros : zeros.subarray(0, left));
  }
}

/** Small deterministic bytes in memory. */
export function deterministicBytes(seed: string, size: number): Buffer {
  return Buffer.concat([...deterministicChunks(seed, size)]);
}

/** Digest and size of a stream-generated blob, computed by streaming it once (memoised per seed and size). */
const streamedDigests = new Map<string, string>();
export async function streamedBlob(seed: string, size: number, mediaType: string): Promise<FixtureBlob> {
  const memoKey = `${seed}\0${size}`;
  let digest = streamedDigests.get(memoKey);
  if (digest === undefined) {
    const hash = createHash('sha256');
    for await (const chunk of deterministicStream(seed, size)) hash.update(chunk as Buffer);
    digest = `sha256:${hash.digest('hex')}`;
    streamedDigests.set(memoKey, digest);
  }
  return { digest, size, mediaType, diffId: digest, open: () => deterministicStream(seed, size) };
}

/** Bytes of a tar archive with the given files (and their parent directories), with fixed metadata. */
export async function tarBytes(files: Record<string, string | Uint8Array>): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const finished = new Promise<void>((resolve, reject) => {
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  const mtime = new Date('2024-01-01T00:00:00Z');
  const dirs = new Set<string>();
  const names = Object.keys(files)
    .map((name) => name.replace(/^\/+/, ''))
    .sort();
  for (const name of names) {
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = `${parts.slice(0, i).join('/')}/`;
      if (!dirs.has(dir)) {
        dirs.add(dir);
        archive.entry({ name: dir, type: 'directory', mode: 0o755, mtime, uid: 0, gid: 0 });
      }
    }
    const content = files[name] ?? files[`/${name}`];
    archive.entry({ name, mode: 0o644, mtime, uid: 0, gid: 0 }, Buffer.from(content));
  }
  archive.finalize();
  await finished;
  return Buffer.concat(chunks);
}

/** A gzip-compressed tar layer of the given files; diffId is the digest of the uncompressed tar. */
export async function tarGzLayer(files: Record<string, string | Uint8Array>, mediaType: string): Promise<FixtureBlob> {
  const tar = await tarBytes(files);
  return bufferBlob(gzipSync(tar, { level: 6 }), mediaType, sha256Digest(tar));
}
