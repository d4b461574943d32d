/**
 * Evaluates the signature policy for one image before anything of it is written (collectors.md §6.1), as
 * containers/image's `IsRunningImageAllowed`: every requirement of the scope that applies must accept;
 * `signedBy`/`sigstoreSigned` accept when at least one signature passes, and otherwise report why each failed.
 *
 * Manifest lists are judged as `copy --all` judges them: each copied instance is checked on its own digest
 * and signatures (the identity being the reference the list was read by); the list itself is not.
 */
import type { Policy, PolicyRequirement } from './policy-file.js';
import { requirementsFor } from './policy-scope.js';
import { checkSigstore, checkSimpleSigning, type SignatureCheck } from './signature-verify.js';
import { OcmError } from '../errors.js';

/** Where signatures of one image come from (the copy engine supplies registry attachments, run-mirror lookaside). */
export interface SignatureFetcher {
  /** Simple-signing (GPG) signatures of `digest` (lookaside). */
  simpleSigning(digest: string, signal: AbortSignal): Promise<{ bytes: Uint8Array; origin: string }[]>;
  /** Cosign signatures of `digest` (tag `sha256-<hex>.sig`). */
  sigstore(digest: string, signal: AbortSignal): Promise<{ payload: Buffer; signature?: string; origin: string }[]>;
}

export interface PolicyInput {
  /** `docker` (registries, the cache) or `oci` (layouts). */
  transport: 'docker' | 'oci';
  /** docker: `host/repo:tag` or `host/repo@digest` (no transport); oci: the layout path. */
  reference: string;
  /** The manifests to judge: the image's, or each copied instance of a list. */
  digests: string[];
  signatures: SignatureFetcher;
  signal: AbortSignal;
}

export interface PolicyVerdict {
  accepted: boolean;
  /** The scope whose requirements applied (`default`, `transports.docker["quay.io"]`). */
  scope: string;
  /** The requirements, for display: `signedBy`, `reject`, `sigstoreSigned+signedBy`. */
  requirement: string;
  /** Why it was refused, or how it was accepted (signer, identity). */
  reason: string;
}

/** An image refused by the policy (exit bit of its type). */
export class PolicyRejectedError extends OcmError {
  constructor(
    message: string,
    readonly verdict: PolicyVerdict,
  ) {
    super('POLICY_REJECTED', message, {
      hint: 'the signature policy (--secure-policy, --policy) refused this image: sign it, fix the policy, or mirror without --secure-policy',
    });
  }
}

export async function evaluatePolicy(policy: Policy, input: PolicyInput): Promise<PolicyVerdict> {
  const { requirements, scope } = requirementsFor(policy, input.transport, input.reference);
  const requirement = requirements.map((r) => r.type).join('+');
  const accepted: string[] = [];
  for (const req of requirements) {
    for (const digest of input.digests) {
      const result = await evaluateRequirement(req, input, digest);
      if (!result.ok) {
        const where = input.digests.length > 1 ? ` (instance ${digest})` : '';
        return { accepted: false, scope, requirement, reason: `${req.type}${where}: ${result.reason}` };
      }
      if (result.note && !accepted.includes(result.note)) accepted.push(result.note);
    }
  }
  return { accepted: true, scope, requirement, reason: accepted.join('; ') || requirement };
}

async function evaluateRequirement(
  req: PolicyRequirement,
  input: PolicyInput,
  digest: string,
): Promise<{ ok: true; note?: string } | { ok: false; reason: string }> {
  switch (req.type) {
    case 'insecureAcceptAnything':
      return { ok: true };
    case 'reject':
      return { ok: false, reason: `running image ${input.transport}://${input.reference} is rejected by policy` };
    case 'signedBaseLayer':
      return { ok: false, reason: 'signedBaseLayer is not implemented (containers/image rejects it too)' };
    case 'signedBy':
    case 'sigstoreSigned': {
      if (input.transport !== 'docker') {
        return { ok: false, reason: 'a signature was required, but no signature exists (an OCI layout carries none)' };
      }
      const checks: SignatureCheck[] = [];
      if (req.type === 'signedBy') {
        for (const sig of await input.signatures.simpleSigning(digest, input.signal)) {
          const check = await checkSimpleSigning(
            sig.bytes,
            req.keys,
            req.signedIdentity,
            input.reference,
            digest,
            sig.origin,
          );
          if (check.ok) return { ok: true, note: `signed by ${check.signer} as ${check.identity}` };
          checks.push(check);
        }
      } else {
        for (const sig of await input.signatures.sigstore(digest, input.signal)) {
          const check = checkSigstore(
            sig.payload,
            sig.signature,
            req.keys,
            req.signedIdentity,
            input.reference,
            digest,
            sig.origin,
          );
          if (check.ok) return { ok: true, note: `signed by ${check.signer} as ${check.identity}` };
          checks.push(check);
        }
      }
      const reasons = checks.map((c) => (c.ok ? '' : c.reason));
      if (reasons.length === 0) return { ok: false, reason: 'a signature was required, but no signature exists' };
      if (reasons.length === 1) return { ok: false, reason: reasons[0] };
      return { ok: false, reason: `none of ${reasons.length} signatures is accepted: ${reasons.join('; ')}` };
    }
  }
}
