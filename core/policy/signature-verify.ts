/**
 * The two signature formats a policy can require (collectors.md §6.1):
 * - simple signing (`signedBy`, GPG): an OpenPGP signed message whose content is the "atomic container
 *   signature" JSON; verified with the release-signature verifier (openpgp + node:crypto for v3 packets);
 * - sigstore (`sigstoreSigned`, cosign): a JSON payload (`critical.type` "cosign container image signature")
 *   and a base64 signature (annotation `dev.cosignproject.cosign/signature`) verified with a public key
 *   (ECDSA, RSA PKCS#1 v1.5 or Ed25519) over SHA-256, as containers/image does without Fulcio/Rekor.
 * Both then check the signed manifest digest and the signed identity against the requirement.
 */
import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { readKeys, type Key, type PublicKey } from 'openpgp';
import { SignatureError, verifyReleaseSignature } from '../collect/release/release-signature.js';
import type { ReleaseKeyring } from '../collect/release/release-keys.js';
import type { KeySource, Policy, SignedIdentity } from './policy-file.js';
import { PolicyError } from './policy-file.js';
import { identityMatches } from './signed-identity.js';

export const SIGSTORE_PAYLOAD_TYPE = 'cosign container image signature';
export const SIGSTORE_SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
export const SIGSTORE_PAYLOAD_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';

/** Accepted, or the reason it was not. */
export type SignatureCheck = { ok: true; identity: string; signer: string } | { ok: false; reason: string };

const gpgKeyrings = new WeakMap<KeySource, Promise<ReleaseKeyring>>();

async function gpgKeyring(keys: KeySource): Promise<ReleaseKeyring> {
  let ring = gpgKeyrings.get(keys);
  if (!ring) {
    ring = (async () => {
      const out: PublicKey[] = [];
      for (const data of keys.data) {
        const text = data.toString('latin1');
        let read: Key[];
        try {
          read = text.includes('-----BEGIN PGP')
            ? await readKeys({ armoredKeys: text })
            : await readKeys({ binaryKeys: new Uint8Array(data) });
        } catch (err) {
          throw new PolicyError(
            `signedBy key ${keys.description}: not an OpenPGP public key: ${(err as Error).message}`,
          );
        }
        for (const k of read) out.push(k.toPublic());
      }
      return { source: keys.description, keys: out };
    })();
    gpgKeyrings.set(keys, ring);
  }
  return ring;
}

/** One simple-signing signature against `signedBy` keys, the manifest digest and the signed identity rule. */
export async function checkSimpleSigning(
  bytes: Uint8Array,
  keys: KeySource,
  identity: SignedIdentity,
  intended: string,
  digest: string,
  origin: string,
): Promise<SignatureCheck> {
  const keyring = await gpgKeyring(keys);
  let verified;
  try {
    verified = await verifyReleaseSignature(bytes, keyring, digest, { source: origin });
  } catch (err) {
    if (err instanceof SignatureError)
      return { ok: false, reason: err.message.replace(/^release signature /, 'signature ') };
    throw err;
  }
  if (!identityMatches(identity, intended, verified.identity)) {
    return {
      ok: false,
      reason: `signature ${origin}: signature for identity "${verified.identity}" is not accepted (${identity.type})`,
    };
  }
  return { ok: true, identity: verified.identity, signer: verified.keyId };
}

const sigstoreKeys = new WeakMap<KeySource, KeyObject[]>();

function publicKeys(keys: KeySource): KeyObject[] {
  let out = sigstoreKeys.get(keys);
  if (!out) {
    out = keys.data.map((data) => {
      try {
        return data.toString('latin1').includes('-----BEGIN')
          ? createPublicKey({ key: data, format: 'pem' })
          : createPublicKey({ key: data, format: 'der', type: 'spki' });
      } catch (err) {
        throw new PolicyError(`sigstoreSigned key ${keys.description}: not a public key: ${(err as Error).message}`);
      }
    });
    sigstoreKeys.set(keys, out);
  }
  return out;
}

function verifyWith(key: KeyObject, payload: Buffer, signature: Buffer): boolean {
  try {
    switch (key.asymmetricKeyType) {
      case 'ec':
        return cryptoVerify('sha256', payload, { key, dsaEncoding: 'der' }, signature);
      case 'rsa':
        return cryptoVerify('sha256', payload, key, signature);
      case 'ed25519':
        return cryptoVerify(null, payload, key, signature);
      default:
        return false;
    }
  } catch {
    return false;
  }
}

/** One cosign signature (payload + base64 signature annotation) against `sigstoreSigned` keys. */
export function checkSigstore(
  payload: Buffer,
  base64Signature: string | undefined,
  keys: KeySource,
  identity: SignedIdentity,
  intended: string,
  digest: string,
  origin: string,
): SignatureCheck {
  const no = (reason: string): SignatureCheck => ({ ok: false, reason: `signature ${origin}: ${reason}` });
  if (base64Signature === undefined) return no(`missing annotation ${SIGSTORE_SIGNATURE_ANNOTATION}`);
  const signature = Buffer.from(base64Signature, 'base64');
  const keyObjects = publicKeys(keys);
  const signer = keyObjects.findIndex((k) => verifyWith(k, payload, signature));
  if (signer < 0) return no(`cryptographic signature verification failed with key ${keys.description}`);
  let doc: unknown;
  try {
    doc = JSON.parse(payload.toString('utf8'));
  } catch {
    return no('the signed payload is not JSON');
  }
  const content = sigstoreContent(doc);
  if (typeof content === 'string') return no(content);
  if (content.digest !== digest) {
    return no(`signature for digest ${content.digest} does not match the manifest digest ${digest}`);
  }
  if (!identityMatches(identity, intended, content.identity)) {
    return no(`signature for identity "${content.identity}" is not accepted (${identity.type})`);
  }
  return {
    ok: true,
    identity: content.identity,
    signer: keys.data.length > 1 ? `${keys.description} #${signer + 1}` : keys.description,
  };
}

/** The strict payload format of containers/image (`internal/signature/sigstore` untrustedSigstorePayload). */
function sigstoreContent(doc: unknown): { digest: string; identity: string } | string {
  const obj = (v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  const top = obj(doc);
  if (!top) return 'the payload is not a JSON object';
  for (const k of Object.keys(top))
    if (k !== 'critical' && k !== 'optional') return `unexpected field "${k}" in the payload`;
  const critical = obj(top.critical);
  if (!critical) return 'the payload has no "critical" object';
  for (const k of Object.keys(critical)) {
    if (!['type', 'image', 'identity'].includes(k)) return `unexpected field "critical.${k}" in the payload`;
  }
  if (critical.type !== SIGSTORE_PAYLOAD_TYPE) {
    return `unrecognized signature type ${JSON.stringify(critical.type)} (expected "${SIGSTORE_PAYLOAD_TYPE}")`;
  }
  const digest = obj(critical.image)?.['docker-manifest-digest'];
  const identity = obj(critical.identity)?.['docker-reference'];
  if (typeof digest !== 'string') return 'the payload has no critical.image.docker-manifest-digest';
  if (typeof identity !== 'string') return 'the payload has no critical.identity.docker-reference';
  return { digest, identity };
}

/**
 * Reads every key of the policy now, so that a key file that is not a key stops the run when the policy is
 * loaded (with the policy file named) instead of failing each image.
 */
export async function preloadPolicyKeys(policy: Policy): Promise<void> {
  const all = [policy.default, ...Object.values(policy.transports).flatMap((scopes) => Object.values(scopes))];
  for (const requirements of all) {
    for (const req of requirements) {
      try {
        if (req.type === 'signedBy') await gpgKeyring(req.keys);
        else if (req.type === 'sigstoreSigned') publicKeys(req.keys);
      } catch (err) {
        if (err instanceof PolicyError) throw new PolicyError(`${policy.source}: ${err.message}`);
        throw err;
      }
    }
  }
}
