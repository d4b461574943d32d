/**
 * The copy engine's `verifySource` for a run (collectors.md §6.1): with `--secure-policy` and not disk to
 * mirror, every image is judged by the policy file (`--policy`, else the containers default) with signatures
 * from the source registry (cosign attachments) and the registries.d lookaside stores (simple signing).
 */
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { VerifySource } from '../copy/copy-engine.js';
import { splitDockerReference } from '../copy/image-location.js';
import { loadPolicy, type Policy } from './policy-file.js';
import { evaluatePolicy } from './policy-evaluator.js';
import { loadRegistriesD, readLookasideSignatures, registriesDirFor, type RegistriesD } from './lookaside.js';
import { readSigstoreAttachments } from './attachments.js';
import { preloadPolicyKeys } from './signature-verify.js';

export interface SourceVerifierOptions {
  workflow: 'mirrorToDisk' | 'diskToMirror' | 'mirrorToMirror';
  securePolicy?: boolean;
  policyPath?: string;
  registriesDir?: string;
  env?: NodeJS.ProcessEnv;
  retryTimes: number;
  retryDelayMs: number;
}

export interface SourceVerifier {
  verifySource: VerifySource;
  policy: Policy;
  registriesD: RegistriesD;
  /** For the run log: which files are in force. */
  description: string;
}

/** containers' default: the user's policy when it exists, else the system's. */
export async function defaultPolicyPath(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const user = join(env.HOME ?? homedir(), '.config', 'containers', 'policy.json');
  try {
    if ((await stat(user)).isFile()) return user;
  } catch {
    // not there
  }
  return '/etc/containers/policy.json';
}

/**
 * The verifier for a run, or undefined when no policy applies: without `--secure-policy` (then `--policy` has no
 * effect), and in disk to mirror (the source is the already-verified cache). Throws PolicyError /
 * RegistriesDError for files that cannot be used.
 */
export async function createSourceVerifier(options: SourceVerifierOptions): Promise<SourceVerifier | undefined> {
  if (!options.securePolicy || options.workflow === 'diskToMirror') return undefined;
  const env = options.env ?? process.env;
  const policyPath = options.policyPath ?? (await defaultPolicyPath(env));
  const policy = await loadPolicy(policyPath);
  await preloadPolicyKeys(policy);
  const dir = await registriesDirFor(options.registriesDir, env);
  const registriesD = await loadRegistriesD(dir);
  const verifySource: VerifySource = async ({ image, source, digests, signal }) => {
    if (image.source.startsWith('oci://')) {
      const path = image.source.slice('oci://'.length);
      return evaluatePolicy(policy, { transport: 'oci', reference: path, digests, signal, signatures: NO_SIGNATURES });
    }
    const reference = policyReference(image.source);
    return evaluatePolicy(policy, {
      transport: 'docker',
      reference,
      digests,
      signal,
      signatures: {
        simpleSigning: (digest, s) =>
          readLookasideSignatures(registriesD, reference, digest, {
            signal: s,
            env,
            retryTimes: options.retryTimes,
            retryDelayMs: options.retryDelayMs,
          }),
        sigstore: (digest, s) => readSigstoreAttachments(source, digest, s),
      },
    });
  };
  return {
    verifySource,
    policy,
    registriesD,
    description: `signature policy ${policyPath}; registries.d ${registriesD.dir ?? `${dir} (absent)`}`,
  };
}

const NO_SIGNATURES = {
  simpleSigning: () => Promise.resolve([]),
  sigstore: () => Promise.resolve([]),
};

/**
 * `docker://host/repo:tag@digest` → the reference containers/image reads the image by: the digest when there
 * is one (its docker transport takes a tag or a digest, not both), else the tag.
 */
export function policyReference(source: string): string {
  const split = splitDockerReference(source);
  const name = `${split.host}/${split.repository}`;
  return split.digest ? `${name}@${split.digest}` : `${name}:${split.tag}`;
}
