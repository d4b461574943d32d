import { createSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

/**
 * Signs a compact RS256 JWS. `x5c` is the signing certificate chain (DER, base64, leaf first): distribution
 * verifies it against its `rootcertbundle` and takes the key from the leaf.
 */
export function signJwtRs256(claims: object, privateKey: KeyObject, x5c: string[]): string {
  const header = { typ: 'JWT', alg: 'RS256', x5c };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = createSign('sha256').update(signingInput).sign(privateKey);
  return `${signingInput}.${base64url(signature)}`;
}

/** Decodes (without verifying) the claims of a compact JWS; for assertions in tests. */
export function decodeJwtClaims(token: string): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('not a compact JWS');
  return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}
