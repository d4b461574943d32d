/**
 * Talks to the Cincinnati update service (collectors.md §1.2, §0.6) and records what it answered.
 *
 * One GET per graph: `id` (a random UUID per client, as oc-mirror sends), `channel`, `arch` when non-empty,
 * `version` only for shortest-path calls; query parameters already in an `UPDATE_URL_OVERRIDE` URL are kept.
 * Unlike oc-mirror (one attempt, 60 min timeout) every attempt has its own timeout and transient failures are
 * retried with backoff: a bastion's flaky proxy should not abort a mirror run before it has started.
 *
 * Every answer is written to `hold-release/cincinnati-graph-data/<arch>-<channel>.json` because disk-to-mirror
 * runs offline and reads exactly those files back (the working dir travels inside the archive).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { STATUS_CODES } from 'node:http';
import { request, type Dispatcher } from 'undici';
import { CancelledError, OcmError } from '../../errors.js';
import type { ReleaseChannelType } from '../../config/image-set-config.js';
import { HttpDispatchers } from '../../registry/http-agent.js';
import { discard, readCapped } from '../../registry/read-body.js';
import { formatDuration, redact } from '../../registry/registry-errors.js';
import {
  errorCode,
  isTemporaryNetworkError,
  isTemporaryStatus,
  parseRetryAfter,
  retryDelay,
  sleep,
  type RetrySettings,
} from '../../registry/retry-policy.js';
import { GraphDataError, parseUpdateGraph, type UpdateGraph } from './cincinnati-graph.js';

export const OCP_UPDATE_URL = 'https://api.openshift.com/api/upgrades_info/v1/graph';
/** OKD's graph; oc-mirror never applies UPDATE_URL_OVERRIDE to it. */
export const OKD_UPDATE_URL = 'https://origin-release.ci.openshift.org/graph';

/** A channel graph is a few hundred KiB; the cap only stops a misbehaving server from filling memory. */
const MAX_GRAPH_BYTES = 64 * 1024 * 1024;
const MAX_ERROR_BODY_BYTES = 4096;
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface CincinnatiClientOptions {
  /**
   * The environment to honour: `UPDATE_URL_OVERRIDE`, `HTTP(S)_PROXY`, `NO_PROXY`. Passed in (never read from
   * process.env here) so that tests and embedders decide what the core sees.
   */
  env: Readonly<Record<string, string | undefined>>;
  /** @default true */
  tlsVerify?: boolean;
  /** Extra CA certificates (`*.crt`) for a self-hosted update service. */
  certDir?: string;
  /** Timeout of one attempt, headers and body included. @default 120000 */
  timeoutMs?: number;
  /** Retries after the first attempt and their delay (0 = exponential 1s, 2s, 4s…). @default {times: 5, delayMs: 0} */
  retry?: RetrySettings;
  onRetry?: (info: { attempt: number; maxAttempts: number; delayMs: number; reason: string }) => void;
  /** The `id` query parameter. @default a random UUID */
  id?: string;
}

export interface GraphQuery {
  channel: string;
  /** Cincinnati architecture (`amd64`, `arm64`, `multi`…); omitted from the query when empty. */
  arch: string;
  /** Sent only by the shortest-path calls, as oc-mirror does (value = the start version). */
  version?: string;
  type: ReleaseChannelType;
  signal: AbortSignal;
}

/** The update service could not give us a usable graph, or a recorded graph is missing. */
export class CincinnatiError extends OcmError {
  /** The service URL without credentials or query, when a request was made. */
  readonly url?: string;
  readonly channel: string;
  readonly arch: string;
  readonly status?: number;
  /** True when a later attempt may succeed (5xx, 429, timeouts, resets). */
  readonly temporary: boolean;
  constructor(init: {
    message: string;
    channel: string;
    arch: string;
    url?: string;
    status?: number;
    temporary?: boolean;
    hint?: string;
    cause?: unknown;
  }) {
    super('CINCINNATI', init.message, { hint: init.hint, cause: init.cause });
    this.url = init.url;
    this.channel = init.channel;
    this.arch = init.arch;
    this.status = init.status;
    this.temporary = init.temporary ?? false;
  }
}

export class CincinnatiClient {
  /** Sent as `id` on every request of this client. */
  readonly id: string;
  private readonly env: Readonly<Record<string, string | undefined>>;
  private readonly http: HttpDispatchers;
  private readonly timeoutMs: number;
  private readonly retry: RetrySettings;
  private readonly onRetry?: CincinnatiClientOptions['onRetry'];

  constructor(options: CincinnatiClientOptions) {
    this.id = options.id ?? randomUUID();
    this.env = options.env;
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.retry = options.retry ?? { times: 5, delayMs: 0 };
    this.onRetry = options.onRetry;
    this.http = new HttpDispatchers({
      tlsVerify: options.tlsVerify ?? true,
      certDir: options.certDir,
      env: { ...options.env },
      connections: 2,
    });
  }

  /**
   * The full request URL of a query (credentials of an override URL still included: never print it as is).
   * OCP uses UPDATE_URL_OVERRIDE when set, keeping its own query parameters; OKD never does.
   */
  requestUrl(query: Omit<GraphQuery, 'signal'>): URL {
    const url = this.serviceUrl(query);
    url.searchParams.set('id', this.id);
    if (query.arch) url.searchParams.set('arch', query.arch);
    url.searchParams.set('channel', query.channel);
    if (query.version) url.searchParams.set('version', query.version);
    // Go's url.Values.Encode sorts by key; same order here, so logs and recorded requests compare equal.
    url.searchParams.sort();
    return url;
  }

  private serviceUrl(query: Omit<GraphQuery, 'signal'>): URL {
    if (query.type === 'okd') return new URL(OKD_UPDATE_URL);
    const override = this.env.UPDATE_URL_OVERRIDE;
    if (!override) return new URL(OCP_UPDATE_URL);
    let url: URL | undefined;
    try {
      url = new URL(override);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new CincinnatiError({
        message: `UPDATE_URL_OVERRIDE is not a usable http(s) URL: ${withoutUserInfo(override)}`,
        channel: query.channel,
        arch: query.arch,
        hint: 'set it to the graph endpoint of your update service, e.g. https://osus.example.com/api/upgrades_info/graph',
      });
    }
    return url;
  }

  /** Downloads and parses one channel graph. Throws CincinnatiError, or CancelledError when `signal` aborts. */
  async fetchGraph(query: GraphQuery): Promise<{ graph: UpdateGraph; body: string }> {
    const url = this.requestUrl(query);
    const shownUrl = displayUrl(url);
    const about = `channel "${query.channel}" (arch ${query.arch || 'unset'})`;
    const body = await this.download(url, query, shownUrl, about);
    try {
      return { graph: parseUpdateGraph(body, `Cincinnati at ${shownUrl} for ${about}`), body };
    } catch (err) {
      if (!(err instanceof GraphDataError)) throw err;
      throw new CincinnatiError({
        message: err.message,
        channel: query.channel,
        arch: query.arch,
        url: shownUrl,
        status: 200,
        hint: err.hint,
        cause: err,
      });
    }
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private async download(url: URL, query: GraphQuery, shownUrl: string, about: string): Promise<string> {
    const maxAttempts = this.retry.times + 1;
    for (let attempt = 1; ; attempt++) {
      if (query.signal.aborted) throw new CancelledError();
      let failure: CincinnatiError;
      let retryAfterMs: number | undefined;
      try {
        return await this.attempt(url, query.signal);
      } catch (err) {
        if (query.signal.aborted) throw new CancelledError();
        if (err instanceof HttpStatusFailure) {
          retryAfterMs = err.retryAfterMs;
          failure = statusError(err, query, shownUrl, about);
        } else {
          failure = transportError(err, query, shownUrl, about, this.timeoutMs, this.http.usesProxy(url));
        }
      }
      if (!failure.temporary || attempt >= maxAttempts) {
        if (attempt > 1) {
          throw new CincinnatiError({
            message: `${failure.message} (after ${attempt} attempts)`,
            channel: failure.channel,
            arch: failure.arch,
            url: failure.url,
            status: failure.status,
            temporary: failure.temporary,
            hint: failure.hint,
            cause: failure.cause,
          });
        }
        throw failure;
      }
      const delayMs = retryDelay(attempt, this.retry, retryAfterMs);
      this.onRetry?.({ attempt: attempt + 1, maxAttempts, delayMs, reason: failure.message });
      await sleep(delayMs, query.signal);
    }
  }

  /** One attempt: GET with redirects, under its own timeout. Non-200 answers throw HttpStatusFailure. */
  private async attempt(start: URL, signal: AbortSignal): Promise<string> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = AbortSignal.any([signal, timeout]);
    const { url: firstUrl, authorization: firstAuth } = splitCredentials(start);
    let url = firstUrl;
    let authorization = firstAuth;
    for (let hops = 0; ; hops++) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (authorization) headers.authorization = authorization;
      let res: Dispatcher.ResponseData;
      try {
        res = await request(url, {
          method: 'GET',
          headers,
          signal: combined,
          dispatcher: this.http.forUrl(url),
          // A little beyond our own timeout, so that it is ours that fires and the message says "did not answer".
          headersTimeout: this.timeoutMs + 1000,
          bodyTimeout: this.timeoutMs + 1000,
        });
      } catch (err) {
        throw timeout.aborted && !signal.aborted ? new AttemptTimeout(err) : err;
      }
      if (REDIRECT_STATUSES.has(res.statusCode) && hops < MAX_REDIRECTS) {
        const location = res.headers.location;
        await discard(res.body);
        const target = Array.isArray(location) ? location[0] : location;
        if (!target) throw new HttpStatusFailure(res.statusCode, 'redirect without a Location header', undefined);
        const next = new URL(target, url);
        // Credentials were given for the configured host only; another origin never sees them.
        if (next.origin !== url.origin) authorization = undefined;
        url = next;
        continue;
      }
      if (res.statusCode !== 200) {
        const text = await readCapped(res.body, MAX_ERROR_BODY_BYTES, true)
          .then((b) => b.toString('utf8'))
          .catch(() => '');
        throw new HttpStatusFailure(res.statusCode, text, parseRetryAfter(res.headers['retry-after']));
      }
      try {
        return (await readCapped(res.body, MAX_GRAPH_BYTES, false)).toString('utf8');
      } catch (err) {
        throw timeout.aborted && !signal.aborted ? new AttemptTimeout(err) : err;
      }
    }
  }
}

/** A non-200 answer, carried out of `attempt` so the retry loop can judge it. */
class HttpStatusFailure extends Error {
  constructor(
    readonly status: number,
    readonly bodyText: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`HTTP ${status}`);
  }
}

/** Our own per-attempt timeout fired (not the caller's signal). */
class AttemptTimeout extends Error {
  constructor(cause: unknown) {
    super('timed out', { cause });
  }
}

function statusError(failure: HttpStatusFailure, query: GraphQuery, url: string, about: string): CincinnatiError {
  const reason = STATUS_CODES[failure.status] ?? '';
  const detail = serviceMessage(failure.bodyText);
  return new CincinnatiError({
    message: `Cincinnati at ${url} answered HTTP ${failure.status}${reason ? ` ${reason}` : ''} for ${about}${detail ? `: ${detail}` : ''}`,
    channel: query.channel,
    arch: query.arch,
    url,
    status: failure.status,
    temporary: isTemporaryStatus(failure.status),
    hint: hintForStatus(failure.status, query),
  });
}

function hintForStatus(status: number, query: GraphQuery): string {
  if (status === 404) {
    return (
      `channel does not exist for this architecture? Check the channel name "${query.channel}" ` +
      `(e.g. stable-4.18) and the architecture "${query.arch}", and that the URL is a graph endpoint`
    );
  }
  if (status === 400) return 'the update service rejected the query: check the channel name and architecture';
  if (status === 401 || status === 403) {
    return 'the update service refused the request: check UPDATE_URL_OVERRIDE and any proxy in between';
  }
  if (isTemporaryStatus(status)) return 'the update service is unavailable or busy: try again later';
  return 'check UPDATE_URL_OVERRIDE (if set) and the proxy settings (HTTPS_PROXY, NO_PROXY)';
}

function transportError(
  err: unknown,
  query: GraphQuery,
  url: string,
  about: string,
  timeoutMs: number,
  viaProxy = false,
): CincinnatiError {
  if (err instanceof AttemptTimeout) {
    return new CincinnatiError({
      message: `Cincinnati at ${url} did not answer within ${formatDuration(timeoutMs)} for ${about}`,
      channel: query.channel,
      arch: query.arch,
      url,
      temporary: true,
      hint: 'the update service or the proxy is slow or unreachable: check the network and HTTPS_PROXY/NO_PROXY',
      cause: err,
    });
  }
  if (err instanceof OcmError && err.code === 'RESPONSE_TOO_LARGE') {
    return new CincinnatiError({
      message: `Cincinnati at ${url} sent more than ${MAX_GRAPH_BYTES} bytes for ${about}`,
      channel: query.channel,
      arch: query.arch,
      url,
      hint: 'check that the URL is a Cincinnati graph endpoint',
      cause: err,
    });
  }
  const code = errorCode(err) ?? (err instanceof Error ? err.message : String(err));
  if (viaProxy && code === 'ECONNREFUSED') {
    // Nothing listens where HTTP(S)_PROXY points: a setting to fix, not a blip to wait out (oc-mirror fails at
    // once too; OCPBUGS: it used to hang until the request timed out).
    return new CincinnatiError({
      message: `cannot reach Cincinnati at ${url} for ${about}: the proxy refused the connection (ECONNREFUSED: connection refused)`,
      channel: query.channel,
      arch: query.arch,
      url,
      temporary: false,
      hint: 'check HTTPS_PROXY/HTTP_PROXY (nothing listens there) or NO_PROXY',
      cause: err,
    });
  }
  return new CincinnatiError({
    message: `cannot reach Cincinnati at ${url} for ${about}: ${redact(code)}`,
    channel: query.channel,
    arch: query.arch,
    url,
    temporary: isTemporaryNetworkError(err),
    hint:
      'check network access to the update service and the proxy settings (HTTPS_PROXY, NO_PROXY); ' +
      'a disconnected host mirrors with mirror-to-disk elsewhere and disk-to-mirror here',
    cause: err,
  });
}

/** The service's own explanation: Cincinnati error bodies are `{"kind": …, "value": …}`. */
function serviceMessage(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return '';
  try {
    const doc = JSON.parse(trimmed) as { value?: unknown; kind?: unknown };
    if (typeof doc.value === 'string') return redact(doc.value).slice(0, 300);
  } catch {
    // not JSON: fall through to a short excerpt of the text
  }
  return redact(trimmed.replace(/\s+/g, ' ')).slice(0, 200);
}

/** Origin and path only: no credentials, and no query (it carries our id and whatever the override added). */
function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** Text of a URL that may not even parse: everything up to its last `@` (credentials) is dropped. */
function withoutUserInfo(text: string): string {
  const at = text.lastIndexOf('@');
  return at < 0 ? text : `***@${text.slice(at + 1)}`;
}

/** `https://user:pass@host/…` as Go's http.Client would send it: Basic auth, credentials out of the URL. */
function splitCredentials(url: URL): { url: URL; authorization?: string } {
  if (!url.username && !url.password) return { url };
  const clean = new URL(url);
  const user = decodeURIComponent(url.username);
  const pass = decodeURIComponent(url.password);
  clean.username = '';
  clean.password = '';
  return { url: clean, authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` };
}

// --- Recorded graphs --------------------------------------------------------------------------------------------

/** `<workingDir>/hold-release/cincinnati-graph-data/<arch>-<channel>.json`, where every answer is recorded. */
export function graphCachePath(workingDir: string, arch: string, channel: string): string {
  for (const [what, value] of [
    ['channel', channel],
    ['architecture', arch],
  ] as const) {
    // The names become a file name: a separator or `..` would write outside the working dir.
    if (/[/\\]/.test(value) || value.includes('..') || value.includes('\0')) {
      throw new CincinnatiError({
        message: `invalid ${what} name "${value}" for a recorded graph`,
        channel,
        arch,
        hint: 'channel and architecture names contain no path separators (e.g. stable-4.18, amd64)',
      });
    }
  }
  return path.join(workingDir, 'hold-release', 'cincinnati-graph-data', `${arch}-${channel}.json`);
}

/** Fetches a graph and records its raw body (atomically: a crash never leaves half a graph for D2M to read). */
export async function fetchAndRecord(
  client: CincinnatiClient,
  workingDir: string,
  query: GraphQuery,
): Promise<UpdateGraph> {
  const file = graphCachePath(workingDir, query.arch, query.channel);
  const { graph, body } = await client.fetchGraph(query);
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, body);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new CincinnatiError({
      message: `cannot record the graph of channel "${query.channel}" in ${file}: ${(err as { code?: string }).code ?? err}`,
      channel: query.channel,
      arch: query.arch,
      hint: 'check that the working directory is writable and has free space',
      cause: err,
    });
  }
  return graph;
}

/** Disk-to-mirror: the graph mirror-to-disk recorded, read back without any network access. */
export async function readRecorded(workingDir: string, arch: string, channel: string): Promise<UpdateGraph> {
  const file = graphCachePath(workingDir, arch, channel);
  let body: string;
  try {
    body = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new CincinnatiError({
        message: `No graph data found on disk for channel ${channel} (arch ${arch}): ${file} does not exist`,
        channel,
        arch,
        hint:
          'disk-to-mirror reads the graphs recorded by mirror-to-disk (working-dir/hold-release/cincinnati-graph-data/ ' +
          'in the archive): use the same ImageSetConfiguration (channels and architectures) for both runs',
        cause: err,
      });
    }
    throw new CincinnatiError({
      message: `cannot read the recorded graph of channel ${channel} (arch ${arch}) from ${file}: ${code ?? err}`,
      channel,
      arch,
      cause: err,
    });
  }
  try {
    return parseUpdateGraph(body, `recorded file ${file}`);
  } catch (err) {
    if (!(err instanceof GraphDataError)) throw err;
    throw new CincinnatiError({ message: err.message, channel, arch, hint: err.hint, cause: err });
  }
}

/** Where a collector gets its graphs: from the service (and recorded), or from the recording (D2M). */
export interface GraphSource {
  graph(query: GraphQuery): Promise<UpdateGraph>;
}

export function onlineGraphSource(client: CincinnatiClient, workingDir: string): GraphSource {
  return { graph: (query) => fetchAndRecord(client, workingDir, query) };
}

export function recordedGraphSource(workingDir: string): GraphSource {
  return {
    graph: (query) => {
      if (query.signal.aborted) return Promise.reject(new CancelledError());
      return readRecorded(workingDir, query.arch, query.channel);
    },
  };
}
