import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { createMessage, generateKey, sign } from 'openpgp';
import {
  EMBEDDED_KEYRING_SOURCE,
  REDHAT_BETA_KEY_2_FINGERPRINT,
  REDHAT_RELEASE_KEYS_ARMORED,
  REDHAT_RELEASE_KEY_2_FINGERPRINT,
  keyringKeyIds,
  loadKeyring,
  parseArmoredKeyring,
  type ReleaseKeyring,
} from '../../../core/collect/release/release-keys.js';
import {
  SignatureError,
  verifyReleaseSignature,
  type SignatureCheck,
} from '../../../core/collect/release/release-signature.js';
import { OcmError } from '../../../core/errors.js';

const RELEASE = fileURLToPath(new URL('../../../../test/fixtures/upstream/release/', import.meta.url));
const KEYS = join(RELEASE, 'keys');

const HEX_4150 = '0da6316466d60a3a4535d5fed3589feb0391989982fba59d47d4c729912d6363';
const DIGEST_4150 = `sha256:${HEX_4150}`;
const SIG_4150 = readFileSync(join(RELEASE, 'signatures', `4.15.0-x86_64-sha256-${HEX_4150}`));
/** A real Red Hat signature in the version 3 packet format (what releases up to ~4.13.10 carry). */
const SIG_V3 = readFileSync(join(RELEASE, 'signatures', 'noo-bundle-image-signature-1'));
const DIGEST_V3 = 'sha256:50b9402635dd4b312a86bed05dcdbda8c00120d3789ec2e9b527045100b3bdb4';
const HEX_TEST = 'f81792339c8b5934191d18a53b18bc1d584e01a9f37d59c0aa6905b00200aa1b';
const SIG_TEST = readFileSync(join(RELEASE, 'signatures', `v0.0.1-sha256-${HEX_TEST}`));

const RELEASE_KEY_2_ID = '199E2F91FD431D51';
const TEST_KEY_ID = 'F53FAEFBECBD6FD9';

function keyFile(name: string): Promise<ReleaseKeyring> {
  return loadKeyring({ env: { OCP_SIGNATURE_VERIFICATION_PK: join(KEYS, name) } });
}

/** Asserts that `promise` rejects with a SignatureError of `check` whose message matches `pattern`. */
async function rejectsWith(promise: Promise<unknown>, check: SignatureCheck, pattern: RegExp): Promise<SignatureError> {
  let caught: unknown;
  await assert.rejects(promise, (err: unknown) => {
    caught = err;
    return true;
  });
  assert.ok(caught instanceof SignatureError, `expected a SignatureError, got ${String(caught)}`);
  assert.ok(caught instanceof OcmError);
  assert.equal(caught.code, 'RELEASE_SIGNATURE');
  assert.equal(caught.check, check, caught.message);
  assert.match(caught.message, pattern);
  assert.ok(caught.hint, 'every signature error carries a hint');
  return caught;
}

/**
 * The packets of a compressed signed message (old-format headers, as GnuPG writes them), unpacked; `edit`
 * changes the literal data's content, and the result is packed again without compression.
 */
function repackUncompressed(signature: Buffer, edit: (content: Buffer) => void): Buffer {
  assert.equal(signature[0], 0xa3, 'old-format compressed packet of indeterminate length');
  assert.equal(signature[1], 1, 'ZIP compression');
  const inner = inflateRawSync(signature.subarray(2));
  const out = Buffer.from(inner);
  let pos = 0;
  while (pos < out.length) {
    const header = out[pos];
    const tag = (header >> 2) & 0x0f;
    const lengthType = header & 3;
    const size = [1, 2, 4][lengthType];
    const length = out.readUIntBE(pos + 1, size);
    const body = out.subarray(pos + 1 + size, pos + 1 + size + length);
    if (tag === 11) edit(body.subarray(6 + body[1]));
    pos += 1 + size + length;
  }
  return out;
}

test('the real 4.15.0 Red Hat release signature verifies with the embedded keys and yields identity and digest', async () => {
  const keyring = await loadKeyring({ env: {} });
  assert.equal(keyring.source, EMBEDDED_KEYRING_SOURCE);
  const warnings: string[] = [];
  const result = await verifyReleaseSignature(SIG_4150, keyring, DIGEST_4150, { onWarning: (w) => warnings.push(w) });
  assert.deepEqual(result, {
    identity: 'quay.io/openshift-release-dev/ocp-release:4.15.0-x86_64',
    digest: DIGEST_4150,
    keyId: RELEASE_KEY_2_ID,
    created: new Date('2024-02-26T16:00:12Z'),
  });
  assert.deepEqual(warnings, []);
  // The bare hex is accepted as the expected digest too.
  assert.equal((await verifyReleaseSignature(SIG_4150, keyring, HEX_4150)).digest, DIGEST_4150);
});

test('the embedded keyring is oc-mirror defaultPK verbatim: Red Hat release key 2 and beta key 2', async () => {
  assert.equal(REDHAT_RELEASE_KEYS_ARMORED, readFileSync(join(KEYS, 'redhat-release-key-2.asc'), 'utf8'));
  const keyring = await loadKeyring({ env: { OCP_SIGNATURE_VERIFICATION_PK: '' } });
  assert.deepEqual(
    keyring.keys.map((k) => k.getFingerprint().toUpperCase()),
    [REDHAT_RELEASE_KEY_2_FINGERPRINT, REDHAT_BETA_KEY_2_FINGERPRINT],
  );
  assert.deepEqual(keyringKeyIds(keyring), [RELEASE_KEY_2_ID, '938A80CAF21541EB']);
  assert.match(keyring.keys[0].getUserIDs()[0], /release key 2/);
  assert.match(keyring.keys[1].getUserIDs()[0], /beta key 2/);
});

test('a real version 3 Red Hat signature (pre-4.13.10 format, dropped by openpgp.js) verifies', async () => {
  const keyring = await loadKeyring({ env: {} });
  const result = await verifyReleaseSignature(SIG_V3, keyring, DIGEST_V3);
  assert.equal(result.identity, 'registry.access.redhat.com/albo/aws-load-balancer-operator-bundle:0.0.1');
  assert.equal(result.keyId, RELEASE_KEY_2_ID);
  assert.deepEqual(result.created, new Date('2022-08-01T09:17:07Z'));
  const tampered = repackUncompressed(Buffer.from(SIG_V3), (content) => {
    content[content.indexOf('0.0.1')] = '9'.charCodeAt(0);
  });
  await rejectsWith(
    verifyReleaseSignature(tampered, keyring, DIGEST_V3),
    'bad-signature',
    /bad signature from key 199E2F91FD431D51/,
  );
});

test('OCP_SIGNATURE_VERIFICATION_PK: the key file replaces the embedded keys', async () => {
  const fromFile = await keyFile('redhat-release-key-2.asc');
  assert.equal(fromFile.source, join(KEYS, 'redhat-release-key-2.asc'));
  assert.equal((await verifyReleaseSignature(SIG_4150, fromFile, DIGEST_4150)).keyId, RELEASE_KEY_2_ID);

  // oc-mirror's own test key signs its test release, and the Red Hat keys are then not trusted.
  const testKeys = await keyFile('release-pk.asc');
  assert.deepEqual(keyringKeyIds(testKeys), [TEST_KEY_ID]);
  const result = await verifyReleaseSignature(SIG_TEST, testKeys, `sha256:${HEX_TEST}`);
  assert.equal(result.identity, 'quay.io/oc-mirror/release/test-release-index:v0.0.1');
  assert.equal(result.keyId, TEST_KEY_ID);
  await rejectsWith(
    verifyReleaseSignature(SIG_4150, testKeys, DIGEST_4150),
    'unknown-signer',
    new RegExp(
      `unknown signer key id ${RELEASE_KEY_2_ID}: not in the keyring \\(.*release-pk\\.asc: ${TEST_KEY_ID}\\)`,
    ),
  );
});

test('custom-ocp-sig-key.asc holds the same Red Hat key material (other self-signatures), so it verifies as upstream expects', async () => {
  const custom = await keyFile('custom-ocp-sig-key.asc');
  assert.deepEqual(keyringKeyIds(custom), [RELEASE_KEY_2_ID, '938A80CAF21541EB']);
  const result = await verifyReleaseSignature(SIG_4150, custom, DIGEST_4150);
  assert.equal(result.identity, 'quay.io/openshift-release-dev/ocp-release:4.15.0-x86_64');
});

test('a signature by a key outside the keyring fails with "unknown signer key id"', async () => {
  const redHat = await loadKeyring({ env: {} });
  const err = await rejectsWith(
    verifyReleaseSignature(SIG_TEST, redHat, `sha256:${HEX_TEST}`, { source: 'signatures/v0.0.1' }),
    'unknown-signer',
    new RegExp(
      `^release signature signatures/v0.0.1: unknown signer key id ${TEST_KEY_ID}: not in the keyring \\(embedded Red Hat release keys: ${RELEASE_KEY_2_ID}, 938A80CAF21541EB\\)$`,
    ),
  );
  assert.match(err.hint ?? '', /OCP_SIGNATURE_VERIFICATION_PK/);
});

test('the malformed key file fails with an error naming the file', async () => {
  const path = join(KEYS, 'buggy-ocp-sig-key.asc');
  await rejectsWith(
    keyFile('buggy-ocp-sig-key.asc'),
    'keyring',
    new RegExp(`^release signature key file ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is malformed: .+`),
  );
});

test('OCP_SIGNATURE_VERIFICATION_PK naming a missing, empty or non-armored file fails naming the file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ocm-keys-'));
  try {
    const missing = join(dir, 'missing.asc');
    const err = await rejectsWith(
      loadKeyring({ env: { OCP_SIGNATURE_VERIFICATION_PK: missing } }),
      'keyring',
      /cannot read the release signature key file .*missing\.asc \(OCP_SIGNATURE_VERIFICATION_PK\): ENOENT/,
    );
    assert.ok(err.message.includes(missing));
    const empty = join(dir, 'empty.asc');
    await writeFile(empty, '');
    await rejectsWith(
      loadKeyring({ env: { OCP_SIGNATURE_VERIFICATION_PK: empty } }),
      'keyring',
      /key file .*empty\.asc holds no ASCII-armored PGP public key block/,
    );
    const binary = join(dir, 'binary.gpg');
    await writeFile(binary, SIG_4150);
    await rejectsWith(
      loadKeyring({ env: { OCP_SIGNATURE_VERIFICATION_PK: binary } }),
      'keyring',
      /binary\.gpg holds no ASCII-armored/,
    );
    // Two armored files concatenated: both keyrings' keys.
    const both = join(dir, 'both.asc');
    await writeFile(both, readFileSync(join(KEYS, 'release-pk.asc'), 'utf8') + REDHAT_RELEASE_KEYS_ARMORED);
    const keyring = await loadKeyring({ env: { OCP_SIGNATURE_VERIFICATION_PK: both } });
    assert.deepEqual(keyringKeyIds(keyring), [TEST_KEY_ID, RELEASE_KEY_2_ID, '938A80CAF21541EB']);
    assert.equal((await verifyReleaseSignature(SIG_4150, keyring, DIGEST_4150)).keyId, RELEASE_KEY_2_ID);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('one tampered byte in the signed content fails with "bad signature"', async () => {
  const keyring = await loadKeyring({ env: {} });
  // The untouched repacked (uncompressed) message still verifies: only the edit breaks it.
  const same = repackUncompressed(Buffer.from(SIG_4150), () => undefined);
  assert.equal((await verifyReleaseSignature(same, keyring, DIGEST_4150)).keyId, RELEASE_KEY_2_ID);
  const tampered = repackUncompressed(Buffer.from(SIG_4150), (content) => {
    const at = content.indexOf('4.15.0');
    content[at + 3] = '6'.charCodeAt(0); // 4.16.0
  });
  await rejectsWith(
    verifyReleaseSignature(tampered, keyring, DIGEST_4150),
    'bad-signature',
    /^release signature: bad signature from key 199E2F91FD431D51: /,
  );
});

test('one tampered byte in the compressed file is refused (bad signature or not a signed message)', async () => {
  const keyring = await loadKeyring({ env: {} });
  // Not every byte: OpenPGP does not sign the literal packet's file name and date (compressed bytes ~20-42 here),
  // nor unhashed subpackets, and the deflate stream ends with padding bits.
  for (const at of [0, 1, 2, 100, 200, 400, 600, 800, SIG_4150.length - 2]) {
    const bytes = Buffer.from(SIG_4150);
    bytes[at] ^= 0x20;
    await assert.rejects(verifyReleaseSignature(bytes, keyring, DIGEST_4150), (err: unknown) => {
      assert.ok(err instanceof SignatureError, `byte ${at}: ${String(err)}`);
      assert.ok(
        ['bad-signature', 'not-signed', 'unknown-signer'].includes(err.check),
        `byte ${at}: ${err.check} ${err.message}`,
      );
      return true;
    });
  }
});

test('a digest other than the signed one fails with "digest mismatch: expected A, got B"', async () => {
  const keyring = await loadKeyring({ env: {} });
  const other = `sha256:${'1'.repeat(64)}`;
  await rejectsWith(
    verifyReleaseSignature(SIG_4150, keyring, other),
    'digest-mismatch',
    new RegExp(`^release signature: digest mismatch: expected ${other}, got ${DIGEST_4150}$`),
  );
});

test('bytes that are not an OpenPGP signed message fail with "not a signed message"', async () => {
  const keyring = await loadKeyring({ env: {} });
  const cases: [Uint8Array, RegExp][] = [
    [new Uint8Array(), /not a signed message: the file is empty/],
    [Buffer.from('<html>Not Found</html>'), /not a signed message: data is not OpenPGP/],
    [Buffer.from(SIG_4150.subarray(0, 300)), /not a signed message: cannot decompress/],
    [readKeyBytes(), /not a signed message: unexpected public key packet/],
  ];
  for (const [bytes, pattern] of cases) {
    await rejectsWith(verifyReleaseSignature(bytes, keyring, DIGEST_4150), 'not-signed', pattern);
  }
  // The literal data alone, its signature packet removed.
  const unsigned = await createMessage({ binary: Buffer.from('{}') });
  await rejectsWith(
    verifyReleaseSignature(unsigned.write() as Uint8Array, keyring, DIGEST_4150),
    'not-signed',
    /not a signed message: no signature packet/,
  );
});

/** The binary form of oc-mirror's test public key (a key, not a message). */
function readKeyBytes(): Uint8Array {
  const armored = readFileSync(join(KEYS, 'release-pk.asc'), 'utf8');
  const base64 = armored
    .split('\n')
    .filter((l) => l && !l.startsWith('-----') && !l.startsWith('=') && !l.includes(':'))
    .join('');
  return Buffer.from(base64, 'base64');
}

/** A fresh signing key and a signed message over `content`, made as GnuPG would (binary, one-pass). */
async function signed(
  content: string,
  keyOptions: { date?: Date; keyExpirationTime?: number } = {},
  signDate?: Date,
): Promise<{ keyring: ReleaseKeyring; bytes: Uint8Array }> {
  const { privateKey, publicKey } = await generateKey({
    type: 'ecc',
    userIDs: [{ name: 'ocm-tui test', email: 'test@example.com' }],
    format: 'object',
    ...keyOptions,
  });
  const message = await createMessage({ binary: Buffer.from(content) });
  const bytes = await sign({ message, signingKeys: privateKey, format: 'binary', date: signDate });
  return { keyring: { source: 'test key', keys: [publicKey] }, bytes: bytes as Uint8Array };
}

function simpleSigning(critical: Record<string, unknown>): string {
  return JSON.stringify({ critical, optional: { creator: 'test' } });
}

const GOOD_CRITICAL = {
  image: { 'docker-manifest-digest': DIGEST_4150 },
  type: 'atomic container signature',
  identity: { 'docker-reference': 'example.com/ocp/release:4.15.0-x86_64' },
};

test('content checks: wrong type, not JSON, no identity', async () => {
  const good = await signed(simpleSigning(GOOD_CRITICAL));
  const ok = await verifyReleaseSignature(good.bytes, good.keyring, DIGEST_4150);
  assert.equal(ok.identity, 'example.com/ocp/release:4.15.0-x86_64');
  assert.match(ok.keyId, /^[0-9A-F]{16}$/);

  const wrongType = await signed(simpleSigning({ ...GOOD_CRITICAL, type: 'cosign container image signature' }));
  await rejectsWith(
    verifyReleaseSignature(wrongType.bytes, wrongType.keyring, DIGEST_4150),
    'wrong-type',
    /wrong type: expected critical.type "atomic container signature", got "cosign container image signature"/,
  );
  const notJson = await signed('hello');
  await rejectsWith(
    verifyReleaseSignature(notJson.bytes, notJson.keyring, DIGEST_4150),
    'wrong-type',
    /wrong type: the signed content is not JSON/,
  );
  const noCritical = await signed('{"optional":{}}');
  await rejectsWith(
    verifyReleaseSignature(noCritical.bytes, noCritical.keyring, DIGEST_4150),
    'wrong-type',
    /wrong type: the signed content has no "critical" object/,
  );
  const noIdentity = await signed(simpleSigning({ ...GOOD_CRITICAL, identity: {} }));
  await rejectsWith(
    verifyReleaseSignature(noIdentity.bytes, noIdentity.keyring, DIGEST_4150),
    'no-identity',
    /no identity: critical.identity.docker-reference is missing or empty/,
  );
  const noDigest = await signed(simpleSigning({ ...GOOD_CRITICAL, image: {} }));
  await rejectsWith(
    verifyReleaseSignature(noDigest.bytes, noDigest.keyring, DIGEST_4150),
    'digest-mismatch',
    /digest mismatch: expected sha256:0da6.*, got none/,
  );
});

test('an expired signing key only produces a warning', async () => {
  const created = new Date(Date.now() - 3600_000);
  const { keyring, bytes } = await signed(
    simpleSigning(GOOD_CRITICAL),
    { date: created, keyExpirationTime: 60 },
    new Date(created.getTime() + 10_000),
  );
  const warnings: string[] = [];
  const result = await verifyReleaseSignature(bytes, keyring, DIGEST_4150, {
    onWarning: (w) => warnings.push(w),
    source: 'sig-file',
  });
  assert.equal(result.identity, 'example.com/ocp/release:4.15.0-x86_64');
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(
    warnings[0],
    /^release signature sig-file: signer key [0-9A-F]{16} \(ocm-tui test <test@example.com>\) expired on /,
  );
});

test('a keyring given directly (parseArmoredKeyring) names its source in errors', async () => {
  const keyring = await parseArmoredKeyring(readFileSync(join(KEYS, 'release-pk.asc'), 'utf8'), 'my-keys.asc');
  await rejectsWith(
    verifyReleaseSignature(SIG_4150, keyring, DIGEST_4150),
    'unknown-signer',
    /\(my-keys\.asc: F53FAEFBECBD6FD9\)/,
  );
});
