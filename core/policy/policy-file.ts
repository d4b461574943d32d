/**
 * containers-policy.json(5) as containers/image reads it (collectors.md §6.1): `default` and per-transport,
 * per-scope lists of requirements, every one of which must accept an image. Parsed strictly like
 * containers/image (unknown fields, empty lists, missing keys are errors); an error names the file and the
 * JSON path of the bad value.
 */
import { readFile } from 'node:fs/promises';
import { OcmError } from '../errors.js';
import { isNameOnly, parseDockerName } from './docker-name.js';

export type SignedIdentity =
  | { type: 'matchExact' }
  | { type: 'matchRepoDigestOrExact' }
  | { type: 'matchRepository' }
  | { type: 'exactReference'; dockerReference: string }
  | { type: 'exactRepository'; dockerRepository: string }
  | { type: 'remapIdentity'; prefix: string; signedPrefix: string };

/** Where the keys of a requirement come from (paths are read when the policy is loaded). */
export interface KeySource {
  /** For messages: the key file(s), or `keyData`. */
  description: string;
  data: Buffer[];
}

export type PolicyRequirement =
  | { type: 'insecureAcceptAnything' }
  | { type: 'reject' }
  | { type: 'signedBy'; keyType: 'GPGKeys'; keys: KeySource; signedIdentity: SignedIdentity }
  | { type: 'sigstoreSigned'; keys: KeySource; signedIdentity: SignedIdentity }
  | { type: 'signedBaseLayer' };

export interface Policy {
  /** The file the policy came from (for messages). */
  source: string;
  default: PolicyRequirement[];
  /** transport → scope → requirements; scope `""` is the transport's default. */
  transports: Record<string, Record<string, PolicyRequirement[]>>;
}

/** A policy file that cannot be used. */
export class PolicyError extends OcmError {
  constructor(message: string, hint?: string) {
    super('POLICY_INVALID', message, {
      hint: hint ?? 'see containers-policy.json(5); fix the file or point --policy at another one',
    });
  }
}

const KNOWN_TRANSPORTS = new Set([
  'docker',
  'atomic',
  'containers-storage',
  'dir',
  'docker-archive',
  'docker-daemon',
  'oci',
  'oci-archive',
  'sif',
  'tarball',
]);

/** Reads and validates a policy file; key files named by `keyPath`/`keyPaths` are read now. */
export async function loadPolicy(path: string): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new PolicyError(
      `cannot read the signature policy ${path}: ${(err as { code?: string }).code ?? String(err)}`,
      'give --policy a readable containers-policy.json(5) file',
    );
  }
  const keyFiles = new Map<string, Buffer>();
  // Key files are read first, so that parsePolicy stays synchronous.
  const wanted = collectKeyPaths(text);
  for (const file of wanted) {
    try {
      keyFiles.set(file, await readFile(file));
    } catch (err) {
      throw new PolicyError(
        `${path}: cannot read key file ${file}: ${(err as { code?: string }).code ?? String(err)}`,
        'keyPath/keyPaths must name readable public key files',
      );
    }
  }
  return parsePolicy(text, path, (file) => keyFiles.get(file)!);
}

/** keyPath/keyPaths values anywhere in the document (validated later by parsePolicy). */
function collectKeyPaths(text: string): string[] {
  const out = new Set<string>();
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.keyPath === 'string') out.add(o.keyPath);
      if (Array.isArray(o.keyPaths)) for (const p of o.keyPaths) if (typeof p === 'string') out.add(p);
      Object.values(o).forEach(visit);
    }
  };
  try {
    visit(JSON.parse(text));
  } catch {
    // parsePolicy reports the syntax error
  }
  return [...out];
}

/**
 * Parses policy JSON. `readKey(path, jsonPath)` returns the bytes of a key file (loadPolicy pre-reads them;
 * tests may pass a stub). Throws {@link PolicyError} naming `source` and the JSON path.
 */
export function parsePolicy(
  text: string,
  source: string,
  readKey: (path: string, jsonPath: string) => Buffer = () => {
    throw new PolicyError(`${source}: key files cannot be read here`);
  },
): Policy {
  const fail = (at: string, message: string): never => {
    throw new PolicyError(`${source}: ${at}: ${message}`);
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new PolicyError(`${source}: not valid JSON: ${(err as Error).message}`);
  }
  const top = object(doc, '$', fail);
  onlyKeys(top, ['default', 'transports'], '$', fail);
  if (!('default' in top)) fail('$', 'missing "default" (the requirements used when no scope matches)');
  const policy: Policy = { source, default: requirements(top.default, '$.default', fail, readKey), transports: {} };
  if (top.transports !== undefined && top.transports !== null) {
    const transports = object(top.transports, '$.transports', fail);
    for (const [transport, scopes] of Object.entries(transports)) {
      const at = `$.transports[${JSON.stringify(transport)}]`;
      if (!KNOWN_TRANSPORTS.has(transport)) fail(at, `unknown transport "${transport}"`);
      const out: Record<string, PolicyRequirement[]> = {};
      for (const [scope, reqs] of Object.entries(object(scopes, at, fail))) {
        const scopeAt = `${at}[${JSON.stringify(scope)}]`;
        if (transport === 'docker' || transport === 'atomic') validateDockerScope(scope, scopeAt, fail);
        out[scope] = requirements(reqs, scopeAt, fail, readKey);
      }
      policy.transports[transport] = out;
    }
  }
  return policy;
}

type Fail = (at: string, message: string) => never;

function object(v: unknown, at: string, fail: Fail): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return fail(at, 'expected a JSON object');
  return v as Record<string, unknown>;
}

function onlyKeys(o: Record<string, unknown>, keys: string[], at: string, fail: Fail): void {
  for (const k of Object.keys(o)) {
    if (!keys.includes(k)) fail(at, `unknown field "${k}" (allowed: ${keys.join(', ')})`);
  }
}

function str(v: unknown, at: string, fail: Fail): string {
  if (typeof v !== 'string') return fail(at, 'expected a string');
  return v;
}

/** Scopes of the docker transport: a reference, a repository or namespace, a host, or `*.domain`. */
function validateDockerScope(scope: string, at: string, fail: Fail): void {
  if (scope === '') return;
  if (scope.startsWith('*.')) {
    if (!/^\*\.[a-zA-Z0-9-]+(\.[a-zA-Z0-9-]+)*$/.test(scope)) fail(at, `invalid wildcard scope "${scope}"`);
    return;
  }
  if (scope.includes('*')) fail(at, `"*" is only allowed as the first label of a host ("*.example.com")`);
}

function requirements(
  v: unknown,
  at: string,
  fail: Fail,
  readKey: (path: string, jsonPath: string) => Buffer,
): PolicyRequirement[] {
  if (!Array.isArray(v)) return fail(at, 'expected a list of requirements');
  if (v.length === 0) fail(at, 'the list of requirements must not be empty');
  return v.map((r, i) => requirement(r, `${at}[${i}]`, fail, readKey));
}

function requirement(
  v: unknown,
  at: string,
  fail: Fail,
  readKey: (path: string, jsonPath: string) => Buffer,
): PolicyRequirement {
  const o = object(v, at, fail);
  const type = str(o.type, `${at}.type`, fail);
  switch (type) {
    case 'insecureAcceptAnything':
    case 'reject':
    case 'signedBaseLayer':
      onlyKeys(o, type === 'signedBaseLayer' ? ['type', 'baseLayerIdentity'] : ['type'], at, fail);
      return { type };
    case 'signedBy': {
      onlyKeys(o, ['type', 'keyType', 'keyPath', 'keyPaths', 'keyData', 'signedIdentity'], at, fail);
      if (o.keyType !== 'GPGKeys') {
        fail(
          `${at}.keyType`,
          o.keyType === undefined
            ? 'missing keyType ("GPGKeys")'
            : `unsupported keyType ${JSON.stringify(o.keyType)} (only "GPGKeys")`,
        );
      }
      return {
        type,
        keyType: 'GPGKeys',
        keys: keySource(o, at, fail, readKey, ['keyPath', 'keyPaths', 'keyData']),
        signedIdentity: signedIdentity(o.signedIdentity, `${at}.signedIdentity`, fail),
      };
    }
    case 'sigstoreSigned': {
      for (const k of [
        'fulcio',
        'rekorPublicKeyPath',
        'rekorPublicKeyData',
        'rekorPublicKeyPaths',
        'rekorPublicKeyDatas',
        'pki',
      ]) {
        if (k in o)
          fail(
            `${at}.${k}`,
            `"${k}" is not supported by ocm-tui (public keys only: keyPath, keyPaths, keyData, keyDatas)`,
          );
      }
      onlyKeys(o, ['type', 'keyPath', 'keyPaths', 'keyData', 'keyDatas', 'signedIdentity'], at, fail);
      return {
        type,
        keys: keySource(o, at, fail, readKey, ['keyPath', 'keyPaths', 'keyData', 'keyDatas']),
        signedIdentity: signedIdentity(o.signedIdentity, `${at}.signedIdentity`, fail),
      };
    }
    default:
      return fail(`${at}.type`, `unknown requirement type "${type}"`);
  }
}

function keySource(
  o: Record<string, unknown>,
  at: string,
  fail: Fail,
  readKey: (path: string, jsonPath: string) => Buffer,
  allowed: string[],
): KeySource {
  const present = allowed.filter((k) => o[k] !== undefined);
  if (present.length !== 1) {
    fail(
      at,
      `exactly one of ${allowed.join(', ')} must be given${present.length ? ` (found ${present.join(', ')})` : ''}`,
    );
  }
  const key = present[0];
  const base64 = (s: unknown, p: string): Buffer => {
    const text = str(s, p, fail);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text.replace(/\s/g, ''))) fail(p, 'not base64');
    return Buffer.from(text, 'base64');
  };
  switch (key) {
    case 'keyPath': {
      const path = str(o.keyPath, `${at}.keyPath`, fail);
      return { description: path, data: [readKey(path, `${at}.keyPath`)] };
    }
    case 'keyPaths': {
      if (!Array.isArray(o.keyPaths) || o.keyPaths.length === 0)
        fail(`${at}.keyPaths`, 'expected a non-empty list of paths');
      const paths = (o.keyPaths as unknown[]).map((p, i) => str(p, `${at}.keyPaths[${i}]`, fail));
      return { description: paths.join(', '), data: paths.map((p, i) => readKey(p, `${at}.keyPaths[${i}]`)) };
    }
    case 'keyData':
      return { description: 'keyData', data: [base64(o.keyData, `${at}.keyData`)] };
    default: {
      if (!Array.isArray(o.keyDatas) || o.keyDatas.length === 0) fail(`${at}.keyDatas`, 'expected a non-empty list');
      return {
        description: 'keyDatas',
        data: (o.keyDatas as unknown[]).map((d, i) => base64(d, `${at}.keyDatas[${i}]`)),
      };
    }
  }
}

function signedIdentity(v: unknown, at: string, fail: Fail): SignedIdentity {
  if (v === undefined || v === null) return { type: 'matchRepoDigestOrExact' };
  const o = object(v, at, fail);
  const type = str(o.type, `${at}.type`, fail);
  const dockerName = (s: string, p: string) => {
    try {
      return parseDockerName(s);
    } catch (err) {
      return fail(p, (err as Error).message);
    }
  };
  switch (type) {
    case 'matchExact':
    case 'matchRepoDigestOrExact':
    case 'matchRepository':
      onlyKeys(o, ['type'], at, fail);
      return { type };
    case 'exactReference': {
      onlyKeys(o, ['type', 'dockerReference'], at, fail);
      const ref = str(o.dockerReference, `${at}.dockerReference`, fail);
      if (isNameOnly(dockerName(ref, `${at}.dockerReference`))) {
        fail(`${at}.dockerReference`, `"${ref}" must have a tag or a digest`);
      }
      return { type, dockerReference: ref };
    }
    case 'exactRepository': {
      onlyKeys(o, ['type', 'dockerRepository'], at, fail);
      const repo = str(o.dockerRepository, `${at}.dockerRepository`, fail);
      dockerName(repo, `${at}.dockerRepository`);
      return { type, dockerRepository: repo };
    }
    case 'remapIdentity': {
      onlyKeys(o, ['type', 'prefix', 'signedPrefix'], at, fail);
      const prefix = str(o.prefix, `${at}.prefix`, fail);
      const signedPrefix = str(o.signedPrefix, `${at}.signedPrefix`, fail);
      for (const [p, value] of [
        [`${at}.prefix`, prefix],
        [`${at}.signedPrefix`, signedPrefix],
      ] as const) {
        if (!validRemapPrefix(value)) fail(p, `"${value}" must be a host, host/namespace or host/repository`);
      }
      return { type, prefix, signedPrefix };
    }
    default:
      return fail(`${at}.type`, `unknown signedIdentity type "${type}"`);
  }
}

/** containers/image's `validateIdentityRemappingPrefix`: a host, or a normalised name without tag/digest. */
function validRemapPrefix(s: string): boolean {
  // A bare host (containers/image's anchored domain grammar: `localhost`, `example.com:5000`), or a repository.
  if (/^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(:[0-9]+)?$/.test(s))
    return true;
  try {
    const ref = parseDockerName(s);
    return isNameOnly(ref) && ref.name === s;
  } catch {
    return false;
  }
}
