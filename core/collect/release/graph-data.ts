/**
 * Downloads the Cincinnati graph data (collectors.md §1.10 step 1): a gzip'd tar of the
 * cincinnati-graph-data repository, served by `https://api.openshift.com/api/upgrades_info/graph-data`.
 * The body is streamed into a temporary file beside the destination and renamed into place once complete
 * and recognised as gzip; it is never held in memory.
 *
 * Differences from oc-mirror (Go default client, no status check, one attempt, 60-minute timeout): a status
 * other than 200 is an error naming the URL, 5xx/408/429 and connection failures are retried with backoff,
 * an attempt also fails when no byte arrives for `idleTimeoutMs`, and a body that is not gzip is refused here
 * (a captive portal's HTML page would otherwise fail later, far from its cause). For offline use the URL can be
 * replaced through `OCM_TUI_GRAPH_DATA_URL` (http://, https:// or file://); proxies come from HTTP(S)_PROXY /
 * NO_PROXY of the `env` given, as for every other HTTP client of ocm-tui.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { STATUS_CODES } from 'node:http';
import { dirname } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { CancelledError, OcmError } from '../../errors.js';
import { backoffDelay, isTransientError, sleep } from '../../copy/retry.js';
import { HttpDispatchers } from '../../registry/http-agent.js';
import { discard, readCapped } from '../../registry/read-body.js';
import { redact } from '../../registry/registry-errors.js';

/** Where oc-mirror downloads the graph data from. */
export const GRAPH_DATA_URL = 'https://api.openshift.com/api/upgrades_info/graph-data';
/** Environment variable replacing {@link GRAPH_DATA_URL} (offline: a local http server or a file:// URL). */
export const GRAPH_DATA_URL_ENV = 'OCM_TUI_GRAPH_DATA_URL';

const DEFAULT_RETRY_TIMES = 3;
/** oc-mirror's `graphDownloadTimeout`. */
const DEFAULT_TIMEOUT_MS = 60 * 60_000;
const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
/** Go's http.Client follows at most 10 redirects. */
const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const TEMPORARY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
/** How much of an error body is read, and how much of it is quoted in the message. */
const MAX_ERROR_BODY_BYTES = 4096;
const MAX_QUOTED_CHARS = 200;
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

const OFFLINE_HINT =
  `to work without ${new URL(GRAPH_DATA_URL).host}, set ${GRAPH_DATA_URL_ENV} to a copy of the graph data ` +
  '(a gzip’d tar of the cincinnati-graph-data repository) as an http(s):// or file:// URL';

/** The graph data could not be downloaded; `temporary` says whether another attempt may help. */
export class GraphDataError extends OcmError {
  /** The URL as shown in messages (credentials removed). */
  readonly url: string;
  readonly status?: number;
  readonly temporary: boolean;
  constructor(init: {
    message: string;
    url: string;
    temporary: boolean;
    status?: number;
    hint?: string;
    cause?: unknown;
  }) {
    super('GRAPH_DATA', init.message, { hint: init.hint, cause: init.cause });
    this.url = init.url;
    this.status = init.status;
    this.temporary = init.temporary;
  }
}

/** The graph-data URL: `OCM_TUI_GRAPH_DATA_URL` when set (and not blank), else {@link GRAPH_DATA_URL}. */
export function graphDataUrl(env: NodeJS.ProcessEnv): string {
  const override = env[GRAPH_DATA_URL_ENV]?.trim();
  return override ? override : GRAPH_DATA_URL;
}

export interface DownloadGraphDataOptions {
  /** File the gzip'd tar is written to; replaced atomically (a temporary file beside it is renamed). */
  destination: string;
  /** Source of `OCM_TUI_GRAPH_DATA_URL` and HTTP(S)_PROXY / NO_PROXY. */
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** Overrides the URL taken from `env`. */
  url?: string;
  /** Retries after the first attempt. @default 3 */
  retryTimes?: number;
  /** Constant delay between attempts in ms; 0 = exponential 1s, 2s, 4s… with jitter. @default 0 */
  retryDelayMs?: number;
  /** Limit of one whole attempt (oc-mirror's 60 minutes). @default 3_600_000 */
  timeoutMs?: number;
  /** An attempt fails when the response headers or the next body bytes take longer than this. @default 60_000 */
  idleTimeoutMs?: number;
  /** Verify the server certificate. @default true */
  tlsVerify?: boolean;
  /** Directory of extra `*.crt` CA certificates (e.g. a TLS-intercepting proxy's). */
  certDir?: string;
  onRetry?: (info: { attempt: number; maxAttempts: number; delayMs: number; reason: string }) => void;
  /** Called with the number of new bytes written. */
  onBytes?: (n: number) => void;
}

export interface GraphDataDownload {
  /** The destination file. */
  path: string;
  /** The URL it came from (credentials removed). */
  url: string;
  size: number;
  /** `sha256:<hex>` of the file. */
  digest: string;
}

/**
 * Downloads the graph data to `destination`. Throws {@link GraphDataError} naming the URL (HTTP status, network
 * failure after the retries, not gzip), or CancelledError when `signal` aborts. No partial file is left behind.
 */
export async function downloadGraphData(options: DownloadGraphDataOptions): Promise<GraphDataDownload> {
  const raw = options.url ?? graphDataUrl(options.env);
  const display = redact(raw);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new GraphDataError({
      message: `invalid graph data URL "${display}"`,
      url: display,
      temporary: false,
      hint: `${GRAPH_DATA_URL_ENV} must be an absolute http://, https:// or file:// URL`,
    });
  }
  if (!['http:', 'https:', 'file:'].includes(url.protocol)) {
    throw new GraphDataError({
      message: `unsupported graph data URL "${display}": only http://, https:// and file:// are supported`,
      url: display,
      temporary: false,
    });
  }
  options.signal.throwIfAborted();
  await mkdir(dirname(options.destination), { recursive: true });
  const partial = `${options.destination}.${process.pid}-${randomUUID().slice(0, 8)}.partial`;
  const dispatchers =
    url.protocol === 'file:'
      ? undefined
      : new HttpDispatchers({
          tlsVerify: options.tlsVerify ?? true,
          certDir: options.certDir,
          connections: 1,
          env: options.env,
        });
  try {
    const maxAttempts = url.protocol === 'file:' ? 1 : (options.retryTimes ?? DEFAULT_RETRY_TIMES) + 1;
    for (let attempt = 1; ; attempt++) {
      try {
        const written = dispatchers
          ? await attemptHttp(url, display, partial, dispatchers, options)
          : await attemptFile(url, display, partial, options);
        await checkGzip(partial, display);
        await rename(partial, options.destination);
        return { path: options.destination, url: display, ...written };
      } catch (err) {
        if (options.signal.aborted) throw cancelled(options.signal);
        const failure = toGraphDataError(err, display, options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
        if (attempt >= maxAttempts || !failure.temporary) {
          throw attempt > 1 ? withAttempts(failure, attempt) : failure;
        }
        const delayMs = backoffDelay(attempt, options.retryDelayMs ?? 0);
        options.onRetry?.({ attempt: attempt + 1, maxAttempts, delayMs, reason: failure.message });
        await sleep(delayMs, options.signal).catch(() => {
          throw cancelled(options.signal);
        });
      }
    }
  } finally {
    await rm(partial, { force: true });
    await dispatchers?.close().catch(() => undefined);
  }
}

/** One GET (following redirects) streamed into `partial`; returns what was written. */
async function attemptHttp(
  start: URL,
  display: string,
  partial: string,
  dispatchers: HttpDispatchers,
  options: DownloadGraphDataOptions,
): Promise<{ size: number; digest: string }> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const attemptSignal = AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)]);
  let target = start;
  try {
    for (let hops = 0; ; hops++) {
      const res = await request(target, {
        method: 'GET',
        dispatcher: dispatchers.forUrl(target),
        signal: attemptSignal,
        headersTimeout: idleMs,
        bodyTimeout: idleMs,
        headers: { accept: 'application/gzip, application/x-gzip, application/octet-stream, */*' },
      });
      if (REDIRECT_STATUSES.has(res.statusCode)) {
        const location = headerValue(res.headers.location);
        await discard(res.body);
        if (!location) throw protocolError(display, `redirect (HTTP ${res.statusCode}) without a Location`);
        if (hops + 1 > MAX_REDIRECTS) throw protocolError(display, `more than ${MAX_REDIRECTS} redirects`);
        target = new URL(location, target);
        if (target.protocol !== 'http:' && target.protocol !== 'https:') {
          throw protocolError(display, `redirect to unsupported URL ${redact(target.href)}`);
        }
        continue;
      }
      if (res.statusCode !== 200) {
        const body = await readCapped(res.body, MAX_ERROR_BODY_BYTES, true).catch(() => undefined);
        throw statusError(display, res.statusCode, body);
      }
      const expected = Number(headerValue(res.headers['content-length']));
      const written = await writeBody(res.body, partial, attemptSignal, options.onBytes);
      if (Number.isFinite(expected) && headerValue(res.headers['content-length']) !== undefined) {
        if (written.size !== expected) {
          throw new GraphDataError({
            message: `cannot download the graph data from ${display}: got ${written.size} of ${expected} bytes`,
            url: display,
            temporary: true,
          });
        }
      }
      return written;
    }
  } catch (err) {
    if (!options.signal.aborted && attemptSignal.aborted) {
      throw new GraphDataError({
        message: `cannot download the graph data from ${display}: no complete answer within ${formatMs(timeoutMs)}`,
        url: display,
        temporary: true,
        cause: err,
      });
    }
    throw err;
  }
}

/** A file:// URL: the file is copied (and checked) like a download, without retries. */
async function attemptFile(
  url: URL,
  display: string,
  partial: string,
  options: DownloadGraphDataOptions,
): Promise<{ size: number; digest: string }> {
  const path = fileURLToPath(url);
  try {
    return await writeBody(createReadStream(path), partial, options.signal, options.onBytes);
  } catch (err) {
    if (options.signal.aborted) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new GraphDataError({
      message: `cannot read the graph data from ${display}: ${code ?? (err as Error).message}`,
      url: display,
      temporary: false,
      cause: err,
      hint: `check the file named by ${GRAPH_DATA_URL_ENV}`,
    });
  }
}

/** Streams `body` into `path` (truncating it), hashing and counting on the way. */
async function writeBody(
  body: Readable,
  path: string,
  signal: AbortSignal,
  onBytes: ((n: number) => void) | undefined,
): Promise<{ size: number; digest: string }> {
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      onBytes?.(chunk.length);
      cb(null, chunk);
    },
  });
  await pipeline(body, tap, createWriteStream(path, { flags: 'w', mode: 0o644 }), { signal });
  return { size, digest: `sha256:${hash.digest('hex')}` };
}

/** The body must be gzip (the spec's "gzip'd tar"): an HTML or JSON answer is refused with its first bytes. */
async function checkGzip(path: string, display: string): Promise<void> {
  const handle = await open(path, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(64);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (head.length >= 2 && head.subarray(0, 2).equals(GZIP_MAGIC)) return;
  const what = head.length === 0 ? 'an empty body' : `a body starting with ${quote(head)}`;
  throw new GraphDataError({
    message: `the graph data from ${display} is not a gzip'd tar: got ${what}`,
    url: display,
    temporary: false,
    hint: `the URL must serve the gzip'd tar of the cincinnati-graph-data repository; ${OFFLINE_HINT}`,
  });
}

function statusError(display: string, status: number, body: Buffer | undefined): GraphDataError {
  const reason = STATUS_CODES[status];
  const said = body && body.length > 0 ? `: ${quote(body)}` : '';
  const temporary = TEMPORARY_STATUSES.has(status);
  return new GraphDataError({
    message: `cannot download the graph data from ${display}: HTTP ${status}${reason ? ` ${reason}` : ''}${said}`,
    url: display,
    status,
    temporary,
    hint: temporary
      ? `the server is having trouble; try again later, or ${OFFLINE_HINT}`
      : status === 407
        ? 'the proxy (HTTPS_PROXY/HTTP_PROXY) wants credentials: put them in the proxy URL'
        : `check the URL; ${OFFLINE_HINT}`,
  });
}

function protocolError(display: string, what: string): GraphDataError {
  return new GraphDataError({
    message: `cannot download the graph data from ${display}: ${what}`,
    url: display,
    temporary: false,
  });
}

/** Network failures (resets, refusals, DNS, TLS) become GraphDataErrors; transient ones stay retryable. */
function toGraphDataError(err: unknown, display: string, idleMs: number): GraphDataError {
  if (err instanceof GraphDataError) return err;
  const code = errorCode(err);
  const detail =
    code === 'UND_ERR_HEADERS_TIMEOUT'
      ? `no response within ${formatMs(idleMs)}`
      : code === 'UND_ERR_BODY_TIMEOUT'
        ? `the download stalled (no data for ${formatMs(idleMs)})`
        : code
          ? `${code}${messageOf(err) && messageOf(err) !== code ? ` (${messageOf(err)})` : ''}`
          : messageOf(err);
  return new GraphDataError({
    message: `cannot download the graph data from ${display}: ${detail}`,
    url: display,
    temporary: isTransientError(err),
    cause: err,
    hint: `check the network access to ${display} (and HTTPS_PROXY/NO_PROXY); ${OFFLINE_HINT}`,
  });
}

function withAttempts(err: GraphDataError, attempts: number): GraphDataError {
  return new GraphDataError({
    message: `${err.message} (after ${attempts} attempts)`,
    url: err.url,
    status: err.status,
    temporary: err.temporary,
    hint: err.hint,
    cause: err.cause ?? err,
  });
}

function cancelled(signal: AbortSignal): OcmError {
  const reason: unknown = signal.reason;
  return reason instanceof OcmError ? reason : new CancelledError();
}

function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? redact(err.message) : String(err);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The first bytes of a body as a one-line quoted string (control characters escaped by JSON). */
function quote(bytes: Buffer): string {
  const text = redact(bytes.toString('utf8').replace(/\s+/g, ' ').trim());
  return JSON.stringify(text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS)}…` : text);
}

function formatMs(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : ms < 1000 ? `${ms}ms` : `${Math.round(ms / 1000)}s`;
}
