/**
 * Content digests (`sha256:<hex>`) and a stream stage that verifies them while bytes pass through,
 * so a blob never has to be read twice or held in memory to be checked.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { DigestMismatchError } from './errors.js';

const DIGEST_PATTERN = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** Lower-case hex SHA-256 of `buf`. */
export function sha256Hex(buf: Buffer | Uint8Array | string): string {
  return createHash('sha256').update(buf).digest('hex');
}

/** `sha256:<hex>` of `buf`: the digest an OCI registry stores these bytes under. */
export function digestOf(buf: Buffer | Uint8Array | string): string {
  return `sha256:${sha256Hex(buf)}`;
}

/** True for a well-formed `sha256:` (64 hex) or `sha512:` (128 hex) digest. */
export function isDigest(s: string): boolean {
  return DIGEST_PATTERN.test(s);
}

/** Node hash algorithm of a digest (`sha256` / `sha512`); throws for anything else. */
export function digestAlgorithm(digest: string): 'sha256' | 'sha512' {
  if (!isDigest(digest)) throw new TypeError(`not a supported digest: ${digest.slice(0, 80)}`);
  return digest.startsWith('sha512:') ? 'sha512' : 'sha256';
}

/** Digest of `buf` with the algorithm of `like` (so sha512 references verify too). */
export function digestLike(like: string, buf: Buffer): string {
  const algorithm = digestAlgorithm(like);
  return `${algorithm}:${createHash(algorithm).update(buf).digest('hex')}`;
}

/** Short form for messages: `sha256:0123456789ab…`. */
/** The first 12 hex characters, without the algorithm: the short form used in plain-text lines. */
export function shortHex(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1, digest.indexOf(':') + 13);
}

export function shortDigest(digest: string): string {
  const colon = digest.indexOf(':');
  return colon > 0 && digest.length > colon + 13 ? `${digest.slice(0, colon + 13)}…` : digest;
}

export interface DigestVerifierOptions {
  /** Used in the mismatch message, e.g. `blob sha256:… from quay.io/ubi9/ubi`. */
  where?: string;
  /** Expected byte count: more bytes fail at once, fewer fail at the end. */
  expectedSize?: number;
  /**
   * Hash state of the bytes before this stream's first byte, when the stream continues a partial
   * transfer (Range restart). Must be a hash of the digest's algorithm that has not been finalised.
   */
  resumeHash?: Hash;
  /** Number of bytes `resumeHash` already covers. */
  resumeOffset?: number;
  /** Called with the size of every chunk that passes. */
  onBytes?: (n: number) => void;
  /**
   * The input is itself a DigestVerifier for the same digest (see {@link DigestVerifier.covers}): its
   * bytes end only after they matched, so this stage checks the size and counts but does not hash again.
   */
  upstreamVerified?: boolean;
  /**
   * The bytes are known to match already (this process wrote them after verifying them, moments ago): count
   * and check the size only, and let downstream stages skip their hash too ({@link DigestVerifier.covers}).
   */
  trusted?: boolean;
}

const COVERED_DIGEST = Symbol('ocm.coveredDigest');

/**
 * Declares that `downstream`, a pure pass-through fed only by `upstream`, carries `upstream`'s verification
 * of `digest` (it ends only if `upstream` ended, i.e. matched). No effect unless `upstream` covers `digest`.
 */
export function inheritVerification(upstream: unknown, downstream: object, digest: string): void {
  if (DigestVerifier.covers(upstream, digest)) {
    (downstream as { [COVERED_DIGEST]?: string })[COVERED_DIGEST] = digest;
  }
}

/**
 * Pass-through that hashes every byte and, when the input ends, fails with DigestMismatchError unless
 * the bytes match `expected`. The hash state survives across a Range restart of the source because the
 * verifier sits after the resuming stage, or because a caller hands it `resumeHash`.
 */
export class DigestVerifier extends Transform {
  readonly expected: string;
  private readonly hash: Hash;
  private readonly where: string;
  private readonly expectedSize?: number;
  private readonly onBytes?: (n: number) => void;
  private readonly hashing: boolean;
  private readonly trusted: boolean;
  private seen: number;

  constructor(expected: string, options: DigestVerifierOptions = {}) {
    super();
    this.expected = expected;
    this.trusted = options.trusted === true;
    this.hashing = !options.upstreamVerified && !this.trusted;
    this.hash = options.resumeHash ?? createHash(digestAlgorithm(expected));
    this.where = options.where ?? expected;
    this.expectedSize = options.expectedSize;
    this.onBytes = options.onBytes;
    this.seen = options.resumeOffset ?? 0;
  }

  /**
   * True when `stream` is a verifier of `digest`: it fails instead of ending when the bytes do not match,
   * so whatever consumes it only completes on verified content. Hashing the same bytes twice in one
   * pipeline (source check, then destination check) would cost a second SHA-256 pass over every blob.
   */
  static covers(stream: unknown, digest: string): boolean {
    if (stream instanceof DigestVerifier) return stream.expected === digest && (stream.hashing || stream.trusted);
    return (stream as { [COVERED_DIGEST]?: string } | null)?.[COVERED_DIGEST] === digest;
  }

  /** Bytes hashed so far (including a resumed prefix). */
  get bytesSeen(): number {
    return this.seen;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.expectedSize !== undefined && this.seen > this.expectedSize) {
      callback(new DigestMismatchError(this.expected, `more than ${this.expectedSize} bytes`, this.where));
      return;
    }
    if (this.hashing) this.hash.update(chunk);
    this.onBytes?.(chunk.length);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (!this.hashing) {
      // The upstream verifier checked the content before letting the stream end; the size is ours to check.
      if (this.expectedSize !== undefined && this.seen !== this.expectedSize) {
        callback(
          new DigestMismatchError(this.expected, `${this.seen} bytes instead of ${this.expectedSize}`, this.where),
        );
        return;
      }
      callback();
      return;
    }
    const actual = `${digestAlgorithm(this.expected)}:${this.hash.digest('hex')}`;
    if (actual !== this.expected) {
      callback(new DigestMismatchError(this.expected, `${actual} (${this.seen} bytes)`, this.where));
      return;
    }
    callback();
  }
}
