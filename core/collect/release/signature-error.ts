/**
 * The error of a release signature that cannot be trusted, in a module of its own so that the keyring loader
 * (release-keys.ts) and the verifier (release-signature.ts) both use it without importing each other.
 */
import { OcmError } from '../../errors.js';

/** Which check a signature failed; `keyring` = the keys themselves could not be loaded. */
export type SignatureCheck =
  | 'keyring'
  | 'not-signed'
  | 'unknown-signer'
  | 'unusable-key'
  | 'bad-signature'
  | 'wrong-type'
  | 'digest-mismatch'
  | 'no-identity';

const HINTS: Record<SignatureCheck, string> = {
  keyring: 'OCP_SIGNATURE_VERIFICATION_PK must name an ASCII-armored PGP public key file, or be unset',
  'not-signed':
    'the file is damaged or is not a release signature: delete it from working-dir/signatures/ so that it is fetched again',
  'unknown-signer':
    'releases not signed by Red Hat (OKD, your own builds) need their public key: set OCP_SIGNATURE_VERIFICATION_PK to its armored key file',
  'unusable-key': 'the signer key is revoked, not allowed to sign, or too weak: use a current key file',
  'bad-signature':
    'the signature does not match what it signs: the file was altered or corrupted; delete it from working-dir/signatures/ so that it is fetched again',
  'wrong-type': 'the file is signed but is not a container image signature',
  'digest-mismatch':
    'the signature belongs to another release: the cached file or the signature server holds the wrong signature for this digest',
  'no-identity': 'the signature does not name the release image it belongs to, so its tag cannot be known',
};

/** A release signature that cannot be trusted; `check` says which check failed. */
export class SignatureError extends OcmError {
  readonly check: SignatureCheck;
  constructor(check: SignatureCheck, message: string, options?: { hint?: string; cause?: unknown }) {
    super('RELEASE_SIGNATURE', message, { hint: options?.hint ?? HINTS[check], cause: options?.cause });
    this.check = check;
  }
}
