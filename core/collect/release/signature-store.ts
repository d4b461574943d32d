/**
 * Where release signatures come from (spec collectors.md §1.7 items 2, 3 and 7): the working-dir cache
 * `working-dir/signatures/<tag>-sha256-<hex>`, else `GET <base>sha256=<hex>/signature-1` from Red Hat's signature
 * server or the base URL in `OCP_SIGNATURE_URL`. Only `signature-1` is fetched, as oc-mirror does.
 *
 * Unlike oc-mirror, which tries once, a fetch is retried on 5xx/408/429 answers and connection failures with the
 * registry client's backoff (core/registry/retry-policy.ts); `HTTP(S)_PROXY`/`NO_PROXY` are honoured.
 */
import { randomBytes } from 'node:crypto';
import { link, lstat, mkdir, readFile, readdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request, type Dispatcher } from 'undici';
import { CancelledError, OcmError, isCancellation } from '../../errors.js';
import { HttpDispatchers } from '../../registry/http-agent.js';
import { discard, readCapped } from '../../registry/read-body.js';
import {
  errorCode,
  isTemporaryNetworkError,
  isTemporaryStatus,
  parseRetryAfter,
  retryDelay,
  sleep,
  type RetrySettings,
} from '../../registry/retry-policy.js';
import { byCodeUnit } from '../../code-unit-order.js';

/** Red Hat's OpenShift release signatures (oc-mirror's `defaultSignatureURL`). */
export const DEFAULT_SIGNATURE_URL = 'https://mirror.openshift.com/pub/openshift-v4/signatures/openshift/release/';
/** OKD release signatures: the value oc-mirror's documentation gives for `OCP_SIGNATURE_URL`. */
export const OKD_SIGNATURE_URL =
  'https://storage.googleapis.com/openshift-ci-release/releases/signatures/openshift/release/';
/** The environment variable replacing {@link DEFAULT_SIGNATURE_URL}. */
export const SIGNATURE_URL_ENV = 'OCP_SIGNATURE_URL';
/** The cache folder under the working dir. */
export const SIGNATURES_DIR = 'signatures';
/** A release signature is under 1 KiB; a larger answer is not one. */
export const MAX_SIGNATURE_BYTES = 64 * 1024;

const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const DEFAULT_RETRY: RetrySettings = { times: 3, delayMs: 0 };

/** A signature could not be fetched: not found (non-200), or the server could not be reached. */
export class SignatureFetchError extends OcmError {
  readonly url: string;
  /** The last HTTP status, when the server answered. */
  readonly status?: number;
  constructor(init: { message: string; url: string; status?: number; hint?: string; cause?: unknown }) {
    super('RELEASE_SIGNATURE_FETCH', init.message, { hint: init.hint, cause: init.cause });
    this.url = init.url;
    this.status = init.status;
  }
}

export interface SignatureStoreOptions {
  /** Read for `OCP_SIGNATURE_URL` and the proxy variables. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Retries after the first attempt and their delay (0 = exponential 1s, 2s, 4s…). @default {times: 3, delayMs: 0} */
  retry?: RetrySettings;
  /** Time allowed for the answer's headers, and between two chunks of its body. @default 30000 */
  timeoutMs?: number;
  /** Dispatchers to share (not closed by {@link SignatureStore.close}); by default the store makes its own. */
  http?: HttpDispatchers;
  /** @default 'ocm-tui' */
  userAgent?: string;
  /** Told before each retry. */
  onRetry?: (info: { attempt: number; maxAttempts: number; delayMs: number; reason: string }) => void;
}

/** Fetches release signatures over HTTP(S). */
export class SignatureStore {
  /** The base every signature URL starts with (ends with `/` unless the user's `OCP_SIGNATURE_URL` does not). */
  readonly baseUrl: string;
  private readonly http: HttpDispatchers;
  private readonly ownsHttp: boolean;
  private readonly retry: RetrySettings;
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  private readonly onRetry?: SignatureStoreOptions['onRetry'];

  /** Throws an OcmError when `OCP_SIGNATURE_URL` is set but not an absolute http(s) URL. */
  constructor(options: SignatureStoreOptions = {}) {
    const env = options.env ?? process.env;
    this.baseUrl = signatureBaseUrl(env);
    this.ownsHttp = options.http === undefined;
    this.http = options.http ?? new HttpDispatchers({ tlsVerify: true, env, connections: 4 });
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.userAgent = options.userAgent ?? 'ocm-tui';
    this.onRetry = options.onRetry;
  }

  /** `<base>sha256=<hex>/signature-<index>`: the base and the rest concatenated as they are. */
  signatureUrl(digestHex: string, index = 1): string {
    return `${this.baseUrl}sha256=${toHex(digestHex)}/signature-${index}`;
  }

  /**
   * The bytes of the release's first signature (or of `signature-<index>`). Throws {@link SignatureFetchError} ("no signature found for
   * release sha256:<hex> at <url>: …") when the server answers anything but 200 with a body, or cannot be
   * reached within the retries; CancelledError when `signal` aborts.
   */
  async fetchSignature(digestHex: string, options: { signal?: AbortSignal; index?: number } = {}): Promise<Uint8Array> {
    const hex = toHex(digestHex);
    const url = this.signatureUrl(hex, options.index);
    const signal = options.signal ?? new AbortController().signal;
    const maxAttempts = this.retry.times + 1;
    const notFound = (reason: string, extra: { status?: number; cause?: unknown; hint?: string } = {}) =>
      new SignatureFetchError({
        message: `no signature found for release sha256:${hex} at ${url}: ${reason}`,
        url,
        hint:
          extra.hint ??
          `releases not published by Red Hat need ${SIGNATURE_URL_ENV} (OKD: ${OKD_SIGNATURE_URL}); a release given by digest in platform.release can skip signatures with --ignore-release-signature`,
        status: extra.status,
        cause: extra.cause,
      });
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) throw new CancelledError();
      const tries = attempt > 1 ? ` (after ${attempt} attempts)` : '';
      let retryAfterMs: number | undefined;
      let reason: string;
      try {
        const response = await this.get(url, signal);
        if (response.statusCode === 200) {
          let body: Buffer;
          try {
            body = await readCapped(response.body, MAX_SIGNATURE_BYTES, false);
          } catch (err) {
            if (isCancellation(err, signal)) throw err;
            if (!isTemporaryNetworkError(err)) {
              throw notFound(`the answer is not a signature: ${(err as Error).message}`, { status: 200, cause: err });
            }
            throw err;
          }
          if (body.length === 0) throw notFound('the server answered 200 with an empty body', { status: 200 });
          return new Uint8Array(body.buffer, body.byteOffset, body.length);
        }
        await discard(response.body);
        if (!isTemporaryStatus(response.statusCode) || attempt >= maxAttempts) {
          throw notFound(`HTTP ${response.statusCode}${tries}`, { status: response.statusCode });
        }
        retryAfterMs = parseRetryAfter(response.headers['retry-after']);
        reason = `HTTP ${response.statusCode}`;
      } catch (err) {
        if (err instanceof SignatureFetchError) throw err;
        if (isCancellation(err, signal)) throw signal.aborted ? new CancelledError() : err;
        const code = errorCode(err);
        const what = code ? `${(err as Error).message} (${code})` : (err as Error).message;
        if (!isTemporaryNetworkError(err) || attempt >= maxAttempts) {
          throw notFound(`http request failed: ${what}${tries}`, {
            cause: err,
            hint: this.http.usesProxy(new URL(url))
              ? 'check the proxy (HTTPS_PROXY/HTTP_PROXY) and that it reaches the signature server'
              : `check the network, or set ${SIGNATURE_URL_ENV} to a reachable signature server`,
          });
        }
        reason = what;
      }
      const delayMs = retryDelay(attempt, this.retry, retryAfterMs);
      this.onRetry?.({ attempt: attempt + 1, maxAttempts, delayMs, reason });
      await sleep(delayMs, signal);
    }
  }

  /** GET following up to {@link MAX_REDIRECTS} redirects (Go's client, and so oc-mirror, follows them). */
  private async get(url: string, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
    let current = new URL(url);
    for (let redirects = 0; ; redirects++) {
      const response = await request(current, {
        method: 'GET',
        headers: { 'user-agent': this.userAgent },
        signal,
        dispatcher: this.http.forUrl(current),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      const location = response.headers.location;
      if (!REDIRECT_STATUSES.has(response.statusCode) || typeof location !== 'string') return response;
      await discard(response.body);
      if (redirects >= MAX_REDIRECTS) {
        throw new SignatureFetchError({
          message: `too many redirects fetching ${url}`,
          url,
          status: response.statusCode,
        });
      }
      current = new URL(location, current);
    }
  }

  /** Closes the connections the store opened (not shared dispatchers). */
  async close(): Promise<void> {
    if (this.ownsHttp) await this.http.close();
  }
}

/** `OCP_SIGNATURE_URL` when set (validated, used as written), else {@link DEFAULT_SIGNATURE_URL}. */
export function signatureBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const value = env[SIGNATURE_URL_ENV];
  if (!value) return DEFAULT_SIGNATURE_URL;
  let parsed: URL | undefined;
  try {
    parsed = new URL(value);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || !parsed.host) {
    // oc-mirror logs this and falls back to Red Hat's server, which then fails with "no signature found".
    throw new OcmError('RELEASE_SIGNATURE_FETCH', `${SIGNATURE_URL_ENV} is not an absolute http(s) URL: ${value}`, {
      hint: `set it to the base of the signature tree, ending with "/", e.g. ${OKD_SIGNATURE_URL}`,
    });
  }
  return value;
}

/**
 * The first file (by name) in `working-dir/signatures/` whose name contains `digestHex`, with its bytes; undefined
 * when there is none, or when it is empty or unreadable (then the signature is fetched again, as in oc-mirror).
 */
export async function findCachedSignature(
  workingDir: string,
  digestHex: string,
  options: { onWarning?: (message: string) => void } = {},
): Promise<{ path: string; bytes: Uint8Array } | undefined> {
  const hex = toHex(digestHex);
  const dir = join(workingDir, SIGNATURES_DIR);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw err;
  }
  const name = entries
    .filter((e) => e.isFile() && e.name.includes(hex))
    .map((e) => e.name)
    .sort(byCodeUnit)[0];
  if (name === undefined) return undefined;
  const path = join(dir, name);
  try {
    const bytes = await readFile(path);
    if (bytes.length === 0) {
      options.onWarning?.(`cached signature ${path} is empty; fetching it again`);
      return undefined;
    }
    return { path, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) };
  } catch (err) {
    options.onWarning?.(`cannot read cached signature ${path}: ${(err as { code?: string }).code ?? String(err)}`);
    return undefined;
  }
}

/**
 * Writes `working-dir/signatures/<tag>-sha256-<hex>` (mode 0600) unless a file of that name exists: through a
 * temporary file and a hard link, so readers never see a partial file and a concurrent writer never replaces it.
 * Returns the path and whether this call wrote it.
 */
export async function storeSignature(
  workingDir: string,
  tag: string,
  digestHex: string,
  bytes: Uint8Array,
): Promise<{ path: string; written: boolean }> {
  const hex = toHex(digestHex);
  if (!tag || tag.includes('/') || tag.includes('\0') || tag === '.' || tag === '..') {
    throw new OcmError('RELEASE_SIGNATURE', `cannot cache a release signature under the tag "${tag}"`);
  }
  const dir = join(workingDir, SIGNATURES_DIR);
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${tag}-sha256-${hex}`);
  // The temporary name must not contain the hex: findCachedSignature matches any name containing it.
  const temp = join(dir, `.tmp-signature-${process.pid}-${randomBytes(6).toString('hex')}`);
  await writeFile(temp, bytes, { mode: 0o600, flag: 'wx' });
  try {
    try {
      await link(temp, path);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'EEXIST') return { path, written: false };
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
      // No hard links on this file system: a rename is still atomic, only the existence check can race.
      if (await exists(path)) return { path, written: false };
      await rename(temp, path);
    }
    return { path, written: true };
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** The 64 lower-case hex digits of a sha256 digest given as `<hex>` or `sha256:<hex>`. */
function toHex(digest: string): string {
  const hex = digest.startsWith('sha256:') ? digest.slice('sha256:'.length) : digest;
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new TypeError(`not a sha256 digest: ${digest.slice(0, 80)}`);
  return hex;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}
