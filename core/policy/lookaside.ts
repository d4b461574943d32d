/**
 * Simple-signing signatures from lookaside stores configured in registries.d (containers-registries.d(5)):
 * every `*.yaml` of the directory, `docker:` per-scope entries (matched like policy scopes: the full reference,
 * the repository, parent namespaces, the host, `*.domain`) and `default-docker`; the key `lookaside` (or its
 * old name `sigstore`). Signatures live at `<base>/<repository path>@sha256=<hex>/signature-<n>`, n = 1, 2, …
 * until one is missing; `file://` and `http(s)://` bases.
 *
 * Directory: `--registries.d`, else `$HOME/.config/containers/registries.d` when it exists, else
 * `/etc/containers/registries.d` (collectors.md §6.2 item 1). A missing directory means no lookaside.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { OcmError, isCancellation } from '../errors.js';
import { SignatureFetchError, SignatureStore } from '../collect/release/signature-store.js';
import { byCodeUnit } from '../code-unit-order.js';
import { redact } from '../registry/registry-errors.js';
import { parseDockerName } from './docker-name.js';
import { dockerScopes } from './policy-scope.js';

/** containers/image reads at most this many signatures per image. */
const MAX_SIGNATURES = 128;
const MAX_SIGNATURE_BYTES = 4 * 1024 * 1024;

interface NamespaceConfig {
  lookaside?: string;
  useSigstoreAttachments?: boolean;
}

export interface RegistriesD {
  /** The directory read (for messages), or undefined when it does not exist. */
  dir?: string;
  defaultDocker?: NamespaceConfig;
  docker: Map<string, NamespaceConfig>;
}

/** The registries.d directory to read: the flag, else the user's, else the system's. */
export async function registriesDirFor(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  systemDir = '/etc/containers/registries.d',
): Promise<string> {
  if (flag) return flag;
  const user = join(env.HOME ?? homedir(), '.config', 'containers', 'registries.d');
  try {
    if ((await stat(user)).isDirectory()) return user;
  } catch {
    // not there: the system directory
  }
  return systemDir;
}

export class RegistriesDError extends OcmError {
  constructor(message: string) {
    super('REGISTRIES_D_INVALID', message, {
      hint: 'see containers-registries.d(5); fix the file or use --registries.d',
    });
  }
}

/** Reads every `*.yaml` of `dir`; duplicated scopes across files are an error, as in containers/image. */
export async function loadRegistriesD(dir: string): Promise<RegistriesD> {
  const out: RegistriesD = { docker: new Map() };
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.yaml')).sort(byCodeUnit);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return out;
    throw new RegistriesDError(`cannot read registries.d directory ${dir}: ${(err as Error).message}`);
  }
  out.dir = dir;
  for (const name of names) {
    const file = join(dir, name);
    let doc: unknown;
    try {
      doc = parseYaml(await readFile(file, 'utf8'));
    } catch (err) {
      throw new RegistriesDError(`${file}: ${(err as Error).message}`);
    }
    if (doc === null || doc === undefined) continue;
    if (typeof doc !== 'object' || Array.isArray(doc)) throw new RegistriesDError(`${file}: expected a mapping`);
    const o = doc as Record<string, unknown>;
    if (o['default-docker'] !== undefined && o['default-docker'] !== null) {
      if (out.defaultDocker)
        throw new RegistriesDError(`${file}: default-docker is defined in more than one file of ${dir}`);
      out.defaultDocker = namespace(o['default-docker'], `${file}: default-docker`);
    }
    if (o.docker !== undefined && o.docker !== null) {
      if (typeof o.docker !== 'object' || Array.isArray(o.docker))
        throw new RegistriesDError(`${file}: docker: expected a mapping`);
      for (const [scope, value] of Object.entries(o.docker as Record<string, unknown>)) {
        if (out.docker.has(scope))
          throw new RegistriesDError(`${file}: docker: "${scope}" is defined in more than one file of ${dir}`);
        out.docker.set(scope, namespace(value, `${file}: docker: ${scope}`));
      }
    }
  }
  return out;
}

function namespace(v: unknown, at: string): NamespaceConfig {
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new RegistriesDError(`${at}: expected a mapping`);
  const o = v as Record<string, unknown>;
  const url = o.lookaside ?? o.sigstore;
  if (url !== undefined && typeof url !== 'string') throw new RegistriesDError(`${at}: lookaside must be a URL string`);
  if (typeof url === 'string') {
    try {
      const parsed = new URL(url);
      if (!['file:', 'http:', 'https:'].includes(parsed.protocol))
        throw new Error(`unsupported scheme ${parsed.protocol}`);
    } catch (err) {
      throw new RegistriesDError(redact(`${at}: lookaside "${url}": ${(err as Error).message}`));
    }
  }
  const attachments = o['use-sigstore-attachments'];
  return {
    lookaside: url as string | undefined,
    useSigstoreAttachments: typeof attachments === 'boolean' ? attachments : undefined,
  };
}

/** The lookaside base URL for `reference` (`host/repo[:tag|@digest]`), or undefined. */
export function lookasideBaseFor(config: RegistriesD, reference: string): string | undefined {
  for (const scope of dockerScopes(reference)) {
    const url = config.docker.get(scope)?.lookaside;
    if (url) return url;
  }
  return config.defaultDocker?.lookaside;
}

export interface LookasideSignature {
  bytes: Uint8Array;
  /** The URL it was read from. */
  origin: string;
}

/**
 * The signatures of `digest` at the lookaside store for `reference`: `<base>/<repo path>@sha256=<hex>/signature-<n>`
 * until the first missing one. Network reads time out, retry transient failures and stop on `signal`.
 */
export async function readLookasideSignatures(
  config: RegistriesD,
  reference: string,
  digest: string,
  options: { signal: AbortSignal; env?: NodeJS.ProcessEnv; retryTimes?: number; retryDelayMs?: number },
): Promise<LookasideSignature[]> {
  const base = lookasideBaseFor(config, reference);
  if (!base) return [];
  const ref = parseDockerName(reference);
  const [algorithm, hex] = digest.split(':');
  const dirUrl = `${base.replace(/\/+$/, '')}/${ref.path}@${algorithm}=${hex}/`;
  const out: LookasideSignature[] = [];
  if (dirUrl.startsWith('file:')) {
    const dir = fileURLToPath(dirUrl);
    for (let n = 1; n <= MAX_SIGNATURES; n++) {
      options.signal.throwIfAborted();
      const file = join(dir, `signature-${n}`);
      try {
        const bytes = await readFile(file);
        if (bytes.length > MAX_SIGNATURE_BYTES)
          throw new OcmError('LOOKASIDE', `${file}: larger than ${MAX_SIGNATURE_BYTES} bytes`);
        out.push({ bytes: new Uint8Array(bytes), origin: file });
      } catch (err) {
        if ((err as { code?: string }).code === 'ENOENT') break;
        throw err;
      }
    }
    return out;
  }
  // `<base>/<repo>@` + `sha256=<hex>/signature-<n>`: the release signature client does the HTTP part (proxies,
  // timeouts, retries with backoff, redirects, size cap; no credentials are sent, as in containers/image).
  const store = new SignatureStore({
    env: { ...(options.env ?? process.env), OCP_SIGNATURE_URL: `${base.replace(/\/+$/, '')}/${ref.path}@` },
    retry: { times: options.retryTimes ?? 3, delayMs: options.retryDelayMs ?? 0 },
  });
  try {
    for (let n = 1; n <= MAX_SIGNATURES; n++) {
      try {
        const bytes = await store.fetchSignature(hex, { signal: options.signal, index: n });
        out.push({ bytes, origin: redact(store.signatureUrl(hex, n)) });
      } catch (err) {
        if (isCancellation(err, options.signal)) throw err;
        // containers/image: a 404 ends the list; anything else is an error.
        if (err instanceof SignatureFetchError && err.status === 404) break;
        throw new OcmError('LOOKASIDE', redact(`lookaside ${store.signatureUrl(hex, n)}: ${(err as Error).message}`), {
          hint: `check the lookaside URL for this repository in ${config.dir ?? 'registries.d'}, and the network`,
          cause: err,
        });
      }
    }
  } finally {
    await store.close();
  }
  return out;
}
