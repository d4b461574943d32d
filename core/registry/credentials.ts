/**
 * Registry credentials, found like podman/skopeo/oc-mirror find them. Files, in this order:
 * `--authfile`, `$REGISTRY_AUTH_FILE`, `${XDG_RUNTIME_DIR}/containers/auth.json`, then Docker's
 * `config.json` (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`). The first file with an
 * entry for the registry wins. In a file: `credHelpers[host]`, then `auths` (most specific
 * `host/namespace/repo` key first), then `credsStore`. Keys match with or without scheme, and the
 * Docker Hub names are aliases of one another.
 *
 * Secrets stay inside this module and the authenticator: nothing here puts them in a message.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { OcmError } from '../errors.js';
import { credentialsFromHelper } from './credential-helper.js';
import type { Credential } from './credential.js';

export type { Credential } from './credential.js';

export interface LoadCredentialsOptions {
  /** `--authfile`: must exist when given. */
  authFile?: string;
  /** Environment to read `REGISTRY_AUTH_FILE`, `XDG_RUNTIME_DIR`, `DOCKER_CONFIG`, `HOME`, `PATH` from. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** @default env.HOME, else os.homedir() */
  homeDir?: string;
  /** `--src-creds`/`--dest-creds` style: these credentials for every registry, files ignored. */
  fixed?: Credential;
}

const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);
/** The key Docker's own tools (and credential helpers) use for Docker Hub. */
const DOCKER_HUB_SERVER_URL = 'https://index.docker.io/v1/';

interface AuthFileContent {
  path: string;
  /** Normalised key → credential. */
  auths: Map<string, Credential>;
  /** Normalised host → helper name. */
  credHelpers: Map<string, string>;
  credsStore?: string;
}

/**
 * Normalises an auth-file key or a lookup host: scheme removed, Docker Hub aliases folded into
 * `docker.io`, host lower-cased. A URL-style key (`https://host/v1/`) keeps only its host; a plain key
 * keeps its `namespace/repo` path (containers-auth.json allows repository-scoped entries).
 */
export function normalizeRegistryKey(key: string): string {
  let k = key.trim();
  const hadScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(k);
  k = k.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = k.indexOf('/');
  let host = slash < 0 ? k : k.slice(0, slash);
  let rest = slash < 0 ? '' : k.slice(slash + 1).replace(/\/+$/, '');
  if (hadScheme) rest = '';
  host = host.toLowerCase();
  if (DOCKER_HUB_ALIASES.has(host)) host = DOCKER_HUB;
  return rest ? `${host}/${rest}` : host;
}

/** Credential lookup for any registry; cheap to call per request (helper answers are cached). */
export class CredentialStore {
  private readonly files: AuthFileContent[];
  private readonly env: NodeJS.ProcessEnv;
  private readonly fixed?: Credential;
  private readonly helperAnswers = new Map<string, Promise<Credential | undefined>>();

  constructor(files: AuthFileContent[], env: NodeJS.ProcessEnv, fixed?: Credential) {
    this.files = files;
    this.env = env;
    this.fixed = fixed;
  }

  /** Paths of the auth files that were read (for `--log-level debug`; no content). */
  get sources(): string[] {
    return this.files.map((f) => f.path);
  }

  /** Credentials for `host` (`host[:port]`), optionally for one repository of it; undefined = anonymous. */
  async get(host: string, repository?: string): Promise<Credential | undefined> {
    if (this.fixed) return this.fixed;
    const normalizedHost = normalizeRegistryKey(host);
    const candidates = scopedKeys(normalizedHost, repository);
    for (const file of this.files) {
      const helper = file.credHelpers.get(normalizedHost);
      if (helper) {
        const fromHelper = await this.askHelper(helper, normalizedHost);
        if (fromHelper) return fromHelper;
      }
      for (const key of candidates) {
        const hit = file.auths.get(key);
        if (hit) return hit;
      }
      if (file.credsStore) {
        const fromStore = await this.askHelper(file.credsStore, normalizedHost);
        if (fromStore) return fromStore;
      }
    }
    return undefined;
  }

  private askHelper(helper: string, host: string): Promise<Credential | undefined> {
    const serverUrl = host === DOCKER_HUB ? DOCKER_HUB_SERVER_URL : host;
    const key = `${helper}\n${serverUrl}`;
    let answer = this.helperAnswers.get(key);
    if (!answer) {
      answer = credentialsFromHelper(helper, serverUrl, this.env);
      this.helperAnswers.set(key, answer);
    }
    return answer;
  }
}

/** Reads the auth files in lookup order (missing optional files are skipped). */
export async function loadCredentials(options: LoadCredentialsOptions = {}): Promise<CredentialStore> {
  const env = options.env ?? process.env;
  if (options.fixed) return new CredentialStore([], env, options.fixed);
  const home = options.homeDir ?? env.HOME ?? os.homedir();
  const candidates: { path: string; required: boolean }[] = [];
  if (options.authFile) candidates.push({ path: options.authFile, required: true });
  if (env.REGISTRY_AUTH_FILE) candidates.push({ path: env.REGISTRY_AUTH_FILE, required: false });
  if (env.XDG_RUNTIME_DIR) {
    candidates.push({ path: path.join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'), required: false });
  }
  candidates.push({
    path: env.DOCKER_CONFIG ? path.join(env.DOCKER_CONFIG, 'config.json') : path.join(home, '.docker', 'config.json'),
    required: false,
  });

  const seen = new Set<string>();
  const files: AuthFileContent[] = [];
  for (const candidate of candidates) {
    const resolved = path.resolve(candidate.path);
    if (seen.has(resolved)) continue;
    seen.add(resolved);
    const content = await readAuthFile(resolved, candidate.required);
    if (content) files.push(content);
  }
  return new CredentialStore(files, env);
}

async function readAuthFile(file: string, required: boolean): Promise<AuthFileContent | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (!required && (code === 'ENOENT' || code === 'ENOTDIR')) return undefined;
    throw new OcmError('AUTHFILE', `cannot read auth file ${file}: ${code ?? 'read error'}`, {
      hint: 'check the --authfile path and its permissions',
    });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // Never echo the parser's message: it quotes the file, which holds secrets.
    throw new OcmError('AUTHFILE', `auth file ${file} is not valid JSON`, {
      hint: 'fix or recreate it, e.g. with `podman login --authfile …`',
    });
  }
  const root = (doc && typeof doc === 'object' ? doc : {}) as Record<string, unknown>;
  const content: AuthFileContent = { path: file, auths: new Map(), credHelpers: new Map() };

  const auths = root.auths && typeof root.auths === 'object' ? (root.auths as Record<string, unknown>) : {};
  for (const [key, value] of Object.entries(auths)) {
    const credential = entryCredential(value);
    const normalized = normalizeRegistryKey(key);
    // The first spelling of a key wins, as in containers/image.
    if (credential && !content.auths.has(normalized)) content.auths.set(normalized, credential);
  }
  const helpers =
    root.credHelpers && typeof root.credHelpers === 'object' ? (root.credHelpers as Record<string, unknown>) : {};
  for (const [key, value] of Object.entries(helpers)) {
    if (typeof value === 'string' && value) content.credHelpers.set(normalizeRegistryKey(key), value);
  }
  if (typeof root.credsStore === 'string' && root.credsStore) content.credsStore = root.credsStore;
  return content;
}

/** One `auths` entry: `identitytoken`, base64 `auth` (`user:password`), or `username`/`password`. */
function entryCredential(value: unknown): Credential | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const entry = value as Record<string, unknown>;
  if (typeof entry.identitytoken === 'string' && entry.identitytoken) {
    return { identityToken: entry.identitytoken };
  }
  if (typeof entry.auth === 'string' && entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    return undefined;
  }
  if (typeof entry.username === 'string' && entry.username && typeof entry.password === 'string') {
    return { username: entry.username, password: entry.password };
  }
  return undefined;
}

/** `host/a/b/c`, `host/a/b`, `host/a`, `host`: most specific first. */
function scopedKeys(host: string, repository?: string): string[] {
  const keys: string[] = [];
  const parts = (repository ?? '').split('/').filter(Boolean);
  for (let n = parts.length; n > 0; n--) keys.push(`${host}/${parts.slice(0, n).join('/')}`);
  keys.push(host);
  return keys;
}
