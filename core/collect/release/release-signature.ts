/**
 * Verification of an OpenShift release signature (spec collectors.md §1.7 items 4–5): a binary OpenPGP signed
 * message whose literal data is the "atomic container signature" (simple signing) JSON.
 *
 * Stricter than oc-mirror, as the spec allows: the signature is checked cryptographically (oc-mirror reads the
 * signature error before the body is consumed, so a bad signature from a known key passes) and the signed
 * `docker-manifest-digest` must be the digest the signature was fetched for (oc-mirror does not compare it).
 * Key and signature expiry are only reported through `onWarning`, as oc-mirror only logs them.
 *
 * The message is taken apart here rather than by openpgp.js, because Red Hat signed releases up to about 4.13.10
 * with version 3 signature packets, which openpgp.js drops without a word (the message then looks unsigned).
 * Version 3 signatures (RSA only, the only kind Red Hat made) are checked with node:crypto; version 4 and 6
 * signatures with openpgp.js. Either way the signer key must be in the keyring and valid for signing.
 */
import { constants, createHash, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { inflateRawSync, inflateSync } from 'node:zlib';
import {
  config as pgpConfig,
  createMessage,
  enums,
  readSignature,
  SignaturePacket,
  type PublicKey,
  type Subkey,
} from 'openpgp';
import type { ReleaseKeyring } from './release-keys.js';
import { SignatureError, type SignatureCheck } from './signature-error.js';

export { SignatureError, type SignatureCheck };

/** `critical.type` of a container image signature. */
export const ATOMIC_SIGNATURE_TYPE = 'atomic container signature';

export interface VerifiedReleaseSignature {
  /** `critical.identity.docker-reference`: the release by tag, e.g. `quay.io/openshift-release-dev/ocp-release:4.15.0-x86_64`. */
  identity: string;
  /** `critical.image.docker-manifest-digest` (equal to the expected digest). */
  digest: string;
  /** The signer key id: 16 upper-case hex digits, e.g. `199E2F91FD431D51`. */
  keyId: string;
  /** When the signature was made. */
  created?: Date;
}

export interface VerifyReleaseSignatureOptions {
  /** Receives "key expired" and "signature expired" notes; they do not fail the verification. */
  onWarning?: (message: string) => void;
  /** Names the signature in messages (its cache file or URL). */
  source?: string;
  /** The time expiry is judged against. @default new Date() */
  now?: Date;
}

/**
 * Verifies `bytes` (a binary, non-armored OpenPGP signed message) against `keys`, and that it signs
 * `expectedDigest` (`sha256:<hex>`, or the bare hex). Checks, in order: the bytes are a signed message, the
 * signer key is in the keyring and may sign, the signature verifies, the content is the simple-signing JSON with
 * `critical.type` "atomic container signature", `docker-manifest-digest` equals the expected digest, and the
 * identity is present. Throws {@link SignatureError} naming the failed check.
 */
export async function verifyReleaseSignature(
  bytes: Uint8Array,
  keys: ReleaseKeyring,
  expectedDigest: string,
  options: VerifyReleaseSignatureOptions = {},
): Promise<VerifiedReleaseSignature> {
  const prefix = `release signature${options.source ? ` ${options.source}` : ''}: `;
  const fail = (check: SignatureCheck, detail: string, cause?: unknown): SignatureError =>
    new SignatureError(check, prefix + detail, { cause });
  const expected = /^[0-9a-f]{64}$/.test(expectedDigest) ? `sha256:${expectedDigest}` : expectedDigest;
  const now = options.now ?? new Date();

  const { literal, signatures, onePass } = parseSignedMessage(bytes, fail);
  const parsed: ParsedSignature[] = [];
  for (const body of signatures) parsed.push(await parseSignature(body, fail));
  checkOnePassSignatures(onePass, parsed, fail);

  let signer: { signature: ParsedSignature; primary: PublicKey; key: PublicKey | Subkey } | undefined;
  for (const signature of parsed) {
    const found = findKey(keys, signature.keyId);
    if (found) {
      signer = { signature, ...found };
      break;
    }
  }
  if (!signer) {
    const ids = keys.keys.flatMap((k) => [k, ...k.getSubkeys()].map((s) => s.getKeyID().toHex().toUpperCase()));
    const signerIds = parsed.map((s) => s.keyId).join(', ');
    throw fail(
      'unknown-signer',
      `unknown signer key id ${signerIds}: not in the keyring (${keys.source}: ${ids.join(', ') || 'no keys'})`,
    );
  }
  const { signature, primary, key } = signer;
  const keyId = signature.keyId;

  if (signature.type !== enums.signature.binary && signature.type !== enums.signature.text) {
    throw fail(
      'bad-signature',
      `bad signature from key ${keyId}: signature type 0x${hex2(signature.type)} does not sign a document`,
    );
  }
  try {
    // No date: validity (revocation, self-signatures, signing capability, strength) without any expiry check.
    await primary.getSigningKey(key.getKeyID(), null);
  } catch (err) {
    throw fail(
      'unusable-key',
      `signer key ${keyId} (${describeKey(primary)}) is not usable: ${(err as Error).message}`,
      err,
    );
  }
  if (signature.created && key.getCreationTime() > signature.created) {
    throw fail(
      'bad-signature',
      `bad signature from key ${keyId}: made on ${signature.created.toISOString()}, before the key existed (${key.getCreationTime().toISOString()})`,
    );
  }
  try {
    await signature.verify(key, literal.data);
  } catch (err) {
    throw fail('bad-signature', `bad signature from key ${keyId}: ${(err as Error).message}`, err);
  }
  await warnAboutExpiry(primary, key, signature, keyId, now, (message) => options.onWarning?.(prefix + message));

  const content = parseContent(literal.data, fail);
  if (content.type !== ATOMIC_SIGNATURE_TYPE) {
    throw fail(
      'wrong-type',
      `wrong type: expected critical.type "${ATOMIC_SIGNATURE_TYPE}", got ${JSON.stringify(content.type) ?? 'none'}`,
    );
  }
  if (content.digest !== expected) {
    throw fail('digest-mismatch', `digest mismatch: expected ${expected}, got ${content.digest ?? 'none'}`);
  }
  if (typeof content.identity !== 'string' || content.identity.trim() === '') {
    throw fail('no-identity', 'no identity: critical.identity.docker-reference is missing or empty');
  }
  return { identity: content.identity, digest: content.digest, keyId, created: signature.created };
}

type Fail = (check: SignatureCheck, detail: string, cause?: unknown) => SignatureError;

const TAG = {
  signature: 2,
  onePassSignature: 4,
  compressed: 8,
  marker: 10,
  literal: 11,
} as const;

const PACKET_NAMES: Record<number, string> = {
  1: 'public-key encrypted session key',
  2: 'signature',
  3: 'symmetric-key encrypted session key',
  4: 'one-pass signature',
  5: 'secret key',
  6: 'public key',
  7: 'secret subkey',
  8: 'compressed data',
  9: 'symmetrically encrypted data',
  11: 'literal data',
  13: 'user id',
  14: 'public subkey',
  17: 'user attribute',
  18: 'encrypted data',
  20: 'AEAD encrypted data',
};

/** A release signature is a few hundred bytes; this bounds what a hostile compressed packet may expand to. */
const MAX_DECOMPRESSED_BYTES = 1024 * 1024;

interface Packet {
  tag: number;
  body: Uint8Array;
}

interface LiteralData {
  /** The signed bytes (without the literal packet's format, file name and date). */
  data: Uint8Array;
}

/** The literal data and the signature packet bodies of a (possibly compressed) signed message. */
function parseSignedMessage(
  bytes: Uint8Array,
  fail: Fail,
): { literal: LiteralData; signatures: Uint8Array[]; onePass: Uint8Array[] } {
  const notSigned = (detail: string, cause?: unknown) => fail('not-signed', `not a signed message: ${detail}`, cause);
  if (bytes.length === 0) throw notSigned('the file is empty');
  let packets = readPacketsOrFail(bytes, notSigned, '');
  if (packets.length === 1 && packets[0].tag === TAG.compressed) {
    packets = readPacketsOrFail(decompress(packets[0].body, notSigned), notSigned, 'compressed ');
  }
  for (const packet of packets) {
    if (packet.tag !== TAG.literal && packet.tag !== TAG.signature && packet.tag !== TAG.onePassSignature) {
      throw notSigned(`unexpected ${PACKET_NAMES[packet.tag] ?? `type ${packet.tag}`} packet`);
    }
  }
  const literals = packets.filter((p) => p.tag === TAG.literal);
  const signatures = packets.filter((p) => p.tag === TAG.signature).map((p) => p.body);
  if (literals.length === 0) throw notSigned('no signed content (literal data packet)');
  if (literals.length > 1) throw notSigned(`${literals.length} literal data packets, expected one`);
  if (signatures.length === 0) throw notSigned('no signature packet');
  const body = literals[0].body;
  // format (1), file name length (1), file name, date (4), data
  if (body.length < 2 || body.length < 6 + body[1]) throw notSigned('truncated literal data packet');
  const onePass = packets.filter((p) => p.tag === TAG.onePassSignature).map((p) => p.body);
  return { literal: { data: body.subarray(6 + body[1]) }, signatures, onePass };
}

function readPacketsOrFail(
  bytes: Uint8Array,
  notSigned: (d: string, c?: unknown) => SignatureError,
  what: string,
): Packet[] {
  try {
    return readPackets(bytes).filter((p) => p.tag !== TAG.marker);
  } catch (err) {
    throw notSigned(`${what}data is not OpenPGP: ${(err as Error).message}`, err);
  }
}

/** Splits OpenPGP packets (RFC 4880 §4.2: old and new headers, partial body lengths). */
function readPackets(bytes: Uint8Array): Packet[] {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const packets: Packet[] = [];
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > view.length) throw new Error(`packet truncated at byte ${pos}`);
  };
  while (pos < view.length) {
    const header = view[pos];
    if ((header & 0x80) === 0) throw new Error(`byte ${pos} is not a packet header`);
    pos++;
    if (header & 0x40) {
      const tag = header & 0x3f;
      const parts: Uint8Array[] = [];
      for (;;) {
        need(1);
        const first = view[pos];
        let length: number;
        let partial = false;
        if (first < 192) {
          length = first;
          pos += 1;
        } else if (first < 224) {
          need(2);
          length = ((first - 192) << 8) + view[pos + 1] + 192;
          pos += 2;
        } else if (first === 255) {
          need(5);
          length = view.readUInt32BE(pos + 1);
          pos += 5;
        } else {
          length = 1 << (first & 0x1f);
          partial = true;
          pos += 1;
        }
        need(length);
        parts.push(view.subarray(pos, pos + length));
        pos += length;
        if (!partial) break;
      }
      packets.push({ tag, body: parts.length === 1 ? parts[0] : Buffer.concat(parts) });
    } else {
      const tag = (header >> 2) & 0x0f;
      const lengthType = header & 0x03;
      let length: number;
      if (lengthType === 3) {
        length = view.length - pos;
      } else {
        const size = lengthType === 0 ? 1 : lengthType === 1 ? 2 : 4;
        need(size);
        length = view.readUIntBE(pos, size);
        pos += size;
      }
      need(length);
      packets.push({ tag, body: view.subarray(pos, pos + length) });
      pos += length;
    }
  }
  return packets;
}

function decompress(body: Uint8Array, notSigned: (d: string, c?: unknown) => SignatureError): Uint8Array {
  if (body.length === 0) throw notSigned('empty compressed data packet');
  const algorithm = body[0];
  const data = body.subarray(1);
  try {
    switch (algorithm) {
      case 0:
        return data;
      case 1:
        return inflateRawSync(data, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
      case 2:
        return inflateSync(data, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
    }
  } catch (err) {
    throw notSigned(`cannot decompress: ${(err as Error).message}`, err);
  }
  throw notSigned(
    algorithm === 3 ? 'BZip2 compression is not supported' : `unknown compression algorithm ${algorithm}`,
  );
}

interface ParsedSignature {
  version: number;
  /** 16 upper-case hex digits. */
  keyId: string;
  type: number;
  hashAlgorithm: number;
  publicKeyAlgorithm: number;
  created?: Date;
  /** When a version 4+ signature stops being valid. */
  expires?: Date;
  /** Throws when the signature does not verify `data` with `key`. */
  verify(key: PublicKey | Subkey, data: Uint8Array): Promise<void>;
}

async function parseSignature(body: Uint8Array, fail: Fail): Promise<ParsedSignature> {
  const malformed = (detail: string, cause?: unknown) =>
    fail('bad-signature', `bad signature: malformed signature packet: ${detail}`, cause);
  if (body.length === 0) throw malformed('empty');
  const version = body[0];
  if (version === 2 || version === 3) return parseV3Signature(body, malformed);
  if (version !== 4 && version !== 6)
    throw fail('bad-signature', `bad signature: unsupported signature packet version ${version}`);
  let packet: SignaturePacket | undefined;
  try {
    packet = (await readSignature({ binarySignature: encodePacket(TAG.signature, body) })).packets[0];
  } catch (err) {
    throw malformed((err as Error).message, err);
  }
  // openpgp.js keeps a packet it cannot read (unknown algorithm, …) as an "unparseable" placeholder.
  if (!(packet instanceof SignaturePacket)) throw malformed('unsupported algorithm or format');
  const expiration = packet.getExpirationTime();
  const signature = packet;
  return {
    version,
    keyId: packet.issuerKeyID.toHex().toUpperCase(),
    type: packet.signatureType ?? -1,
    hashAlgorithm: packet.hashAlgorithm ?? -1,
    publicKeyAlgorithm: packet.publicKeyAlgorithm ?? -1,
    created: packet.created ?? undefined,
    expires: expiration instanceof Date ? expiration : undefined,
    async verify(key, data) {
      const message = await createMessage({ binary: data });
      const literal = message.packets.findPacket(enums.packet.literalData);
      if (!literal) throw new Error('no literal data');
      // A null date turns off openpgp.js's time checks: expiry only warns (see warnAboutExpiry).
      await signature.verify(
        key.keyPacket,
        signature.signatureType as enums.signature,
        literal,
        NO_DATE,
        false,
        pgpConfig,
      );
    },
  };
}

/** openpgp.js takes `null` for "do not check times"; its typings only say `Date`. */
const NO_DATE = null as unknown as Date;

const V3_HASHES: Record<number, string> = { 8: 'sha256', 9: 'sha384', 10: 'sha512', 11: 'sha224' };
const WEAK_HASHES: Record<number, string> = { 1: 'MD5', 2: 'SHA-1', 3: 'RIPEMD-160' };
const RSA_ALGORITHMS = new Set<number>([enums.publicKey.rsaEncryptSign, enums.publicKey.rsaSign]);

/**
 * RFC 4880 §5.2.2: version, 5, type, creation time (4), signer key id (8), public-key algorithm, hash algorithm,
 * left 16 bits of the hash, then the signature MPI(s). The hash covers the data, the type and the creation time.
 */
function parseV3Signature(body: Uint8Array, malformed: (d: string, c?: unknown) => SignatureError): ParsedSignature {
  if (body.length < 21 || body[1] !== 5) throw malformed('truncated version 3 signature');
  const view = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const type = view[2];
  const hashed = view.subarray(2, 7);
  const created = new Date(view.readUInt32BE(3) * 1000);
  const keyId = view.subarray(7, 15).toString('hex').toUpperCase();
  const publicKeyAlgorithm = view[15];
  const hashAlgorithm = view[16];
  const left16 = view.subarray(17, 19);
  const bits = view.readUInt16BE(19);
  const mpi = view.subarray(21, 21 + Math.ceil(bits / 8));
  if (mpi.length !== Math.ceil(bits / 8)) throw malformed('truncated signature value');
  return {
    version: body[0],
    keyId,
    type,
    hashAlgorithm,
    publicKeyAlgorithm,
    created,
    async verify(key, data) {
      const hashName = V3_HASHES[hashAlgorithm];
      if (!hashName) {
        throw new Error(
          WEAK_HASHES[hashAlgorithm]
            ? `insecure hash algorithm ${WEAK_HASHES[hashAlgorithm]}`
            : `unsupported hash algorithm ${hashAlgorithm}`,
        );
      }
      if (!RSA_ALGORITHMS.has(publicKeyAlgorithm)) {
        throw new Error(`unsupported public-key algorithm ${publicKeyAlgorithm} in a version 3 signature`);
      }
      const keyPacket = key.keyPacket;
      if (!RSA_ALGORITHMS.has(keyPacket.algorithm)) throw new Error('the signer key is not an RSA key');
      const content = type === enums.signature.text ? canonicalLineEndings(data) : data;
      const signed = Buffer.concat([content, hashed]);
      const digest = createHash(hashName).update(signed).digest();
      if (digest[0] !== left16[0] || digest[1] !== left16[1])
        throw new Error('the content does not match the signed hash');
      const { n, e } = keyPacket.publicParams as { n: Uint8Array; e: Uint8Array };
      const modulus = stripLeadingZeros(n);
      if (mpi.length > modulus.length) throw new Error('the signature value is longer than the key modulus');
      const signatureValue = Buffer.concat([Buffer.alloc(modulus.length - mpi.length), mpi]);
      const publicKey = createPublicKey({
        key: {
          kty: 'RSA',
          n: Buffer.from(modulus).toString('base64url'),
          e: Buffer.from(stripLeadingZeros(e)).toString('base64url'),
        },
        format: 'jwk',
      });
      const ok = cryptoVerify(
        hashName,
        signed,
        { key: publicKey, padding: constants.RSA_PKCS1_PADDING },
        signatureValue,
      );
      if (!ok) throw new Error('the RSA signature does not match the content');
    },
  };
}

/**
 * A one-pass signature packet announces the signature that follows the data (in reverse order, RFC 4880 §5.4).
 * Its fields are not signed, so a version 3 one that disagrees with its signature packet means the message was
 * altered (or assembled from two messages): refused, as Go's openpgp does.
 */
function checkOnePassSignatures(onePass: Uint8Array[], signatures: ParsedSignature[], fail: Fail): void {
  if (onePass.length === 0) return;
  const mismatch = (detail: string) =>
    fail('not-signed', `not a signed message: the one-pass signature packet does not match the signature (${detail})`);
  if (onePass.length !== signatures.length) {
    throw mismatch(`${onePass.length} one-pass signature packets, ${signatures.length} signature packets`);
  }
  onePass.forEach((body, i) => {
    const signature = signatures[signatures.length - 1 - i];
    if (body[0] === 6) return; // version 6 one-pass packets name the key by fingerprint and carry a salt
    if (body.length !== 13 || body[0] !== 3) throw mismatch(`malformed version ${body[0]} one-pass signature packet`);
    const keyId = Buffer.from(body.subarray(4, 12)).toString('hex').toUpperCase();
    if (body[1] !== signature.type) throw mismatch('signature type');
    if (body[2] !== signature.hashAlgorithm) throw mismatch('hash algorithm');
    if (body[3] !== signature.publicKeyAlgorithm) throw mismatch('public-key algorithm');
    if (keyId !== '0000000000000000' && keyId !== signature.keyId) throw mismatch(`key id ${keyId}`);
  });
}

function findKey(keyring: ReleaseKeyring, keyId: string): { primary: PublicKey; key: PublicKey | Subkey } | undefined {
  for (const primary of keyring.keys) {
    for (const key of [primary, ...primary.getSubkeys()]) {
      if (key.getKeyID().toHex().toUpperCase() === keyId) return { primary, key };
    }
  }
  return undefined;
}

async function warnAboutExpiry(
  primary: PublicKey,
  key: PublicKey | Subkey,
  signature: ParsedSignature,
  keyId: string,
  now: Date,
  warn: (message: string) => void,
): Promise<void> {
  const expiries: [string, Date | number | null][] = [];
  try {
    expiries.push([`signer key ${keyId} (${describeKey(primary)})`, await primary.getExpirationTime()]);
    if (key !== primary) expiries.push([`signer subkey ${keyId}`, await (key as Subkey).getExpirationTime(now)]);
  } catch {
    // An expiry that cannot be computed is not worth a warning: the key was judged usable above.
  }
  for (const [what, at] of expiries) {
    if (at instanceof Date && at.getTime() <= now.getTime()) warn(`${what} expired on ${at.toISOString()}`);
  }
  if (signature.expires && signature.expires.getTime() <= now.getTime()) {
    warn(`the signature expired on ${signature.expires.toISOString()}`);
  }
}

function parseContent(data: Uint8Array, fail: Fail): { type: unknown; digest: string | undefined; identity: unknown } {
  let document: unknown;
  try {
    document = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch (err) {
    throw fail('wrong-type', `wrong type: the signed content is not JSON (${(err as Error).message})`, err);
  }
  const critical = field(document, 'critical');
  if (critical === undefined || typeof critical !== 'object' || critical === null) {
    throw fail('wrong-type', 'wrong type: the signed content has no "critical" object');
  }
  const digest = field(field(critical, 'image'), 'docker-manifest-digest');
  return {
    type: field(critical, 'type'),
    digest: typeof digest === 'string' ? digest : undefined,
    identity: field(field(critical, 'identity'), 'docker-reference'),
  };
}

function field(value: unknown, name: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return Object.prototype.hasOwnProperty.call(value, name) ? (value as Record<string, unknown>)[name] : undefined;
}

/** A new-format packet with a five-octet length, which any length fits. */
function encodePacket(tag: number, body: Uint8Array): Uint8Array {
  const header = Buffer.alloc(6);
  header[0] = 0xc0 | tag;
  header[1] = 0xff;
  header.writeUInt32BE(body.length, 2);
  return Buffer.concat([header, body]);
}

/** Text signatures hash lines ending in CR LF (RFC 4880 §5.2.1). */
function canonicalLineEndings(data: Uint8Array): Buffer {
  return Buffer.from(Buffer.from(data).toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

function stripLeadingZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

function describeKey(key: PublicKey): string {
  return key.getUserIDs()[0] ?? `fingerprint ${key.getFingerprint().toUpperCase()}`;
}

function hex2(n: number): string {
  return (n & 0xff).toString(16).padStart(2, '0');
}
