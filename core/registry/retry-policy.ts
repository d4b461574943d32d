/**
 * Which registry failures are worth another attempt, and how long to wait before it.
 * Follows oc-mirror (`../shared/spec/core.md` §9.1): `--retry-times` retries after the first attempt,
 * `--retry-delay` constant or 0 = exponential 1s, 2s, 4s… Retryable: 408, 429, 500–504, connection
 * resets/refusals, timeouts, unreachable hosts, premature EOF. Certificate problems are never retried.
 */
import { CancelledError } from '../errors.js';

/** `--retry-times` / `--retry-delay` as the client sees them. */
export interface RetrySettings {
  /** Retries after the first attempt (oc-mirror default 5). */
  times: number;
  /** Constant delay in ms; 0 = exponential backoff with jitter. */
  delayMs: number;
}

const TEMPORARY_STATUSES = new Set([408, 429, 500, 501, 502, 503, 504]);

/** Registry error codes that say "later" even when the status alone would not. */
const TEMPORARY_REGISTRY_CODES = new Set(['TOOMANYREQUESTS', 'UNAVAILABLE']);

const TEMPORARY_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'IDLE_TIMEOUT',
  'TRUNCATED',
]);

const TLS_CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Most retries a backoff ever waits between two attempts. */
export const MAX_BACKOFF_MS = 30_000;
/** A Retry-After beyond this is capped: the per-image timeout would expire first anyway. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

export function isTemporaryStatus(status: number): boolean {
  return TEMPORARY_STATUSES.has(status);
}

export function isTemporaryRegistryCode(code: string | undefined): boolean {
  return code !== undefined && TEMPORARY_REGISTRY_CODES.has(code);
}

/** The first `code` found on the error or its causes (undici wraps socket errors). */
export function errorCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR' && code !== 'NETWORK') return code;
    const cause = (e as { cause?: unknown }).cause;
    if (cause === e) break;
    e = cause;
  }
  return undefined;
}

/** Every `code` on the error and its causes, outermost first. */
function errorCodes(err: unknown): string[] {
  const codes: string[] = [];
  for (let e = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    const cause = (e as { cause?: unknown }).cause;
    if (cause === e) break;
    e = cause;
  }
  return codes;
}

/** A certificate the TLS layer refused: fixing it takes the user, not another attempt. */
export function isTlsCertificateError(err: unknown): boolean {
  return errorCodes(err).some((c) => TLS_CERTIFICATE_CODES.has(c));
}

/** A plain-HTTP server answered a TLS handshake (`http://` registry used with TLS verification on). */
export function isTlsProtocolError(err: unknown): boolean {
  return errorCodes(err).some((c) => c === 'EPROTO' || c.startsWith('ERR_SSL_'));
}

/** A network-level failure (no HTTP status) that another attempt may not meet. */
export function isTemporaryNetworkError(err: unknown): boolean {
  if (isTlsCertificateError(err) || isTlsProtocolError(err)) return false;
  return errorCodes(err).some((c) => TEMPORARY_NETWORK_CODES.has(c));
}

/**
 * Delay before attempt `failedAttempt + 1`: `delayMs` when set, else 1s·2^(failedAttempt-1) capped
 * at 30s, with ±10% jitter so parallel transfers do not retry in lock-step.
 */
export function backoffDelay(failedAttempt: number, delayMs: number, random: () => number = Math.random): number {
  if (delayMs > 0) return delayMs;
  const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, failedAttempt - 1));
  return Math.round(base * (0.9 + random() * 0.2));
}

/** `Retry-After` as ms from `now`: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!v) return undefined;
  let ms: number;
  if (/^\d+$/.test(v)) {
    ms = Number(v) * 1000;
  } else {
    const at = Date.parse(v);
    if (!Number.isFinite(at)) return undefined;
    ms = Math.max(0, at - now);
  }
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

/** The wait before the next attempt: the server's Retry-After when it asks for longer than our backoff. */
export function retryDelay(failedAttempt: number, settings: RetrySettings, retryAfterMs?: number): number {
  return Math.max(backoffDelay(failedAttempt, settings.delayMs), retryAfterMs ?? 0);
}

/**
 * Errors the client gave up on after spending its whole `--retry-times` budget. An outer retry loop (the
 * copy engine's) must not start that budget over: nested loops multiplied the attempts at one request
 * to (times+1)², and with exponential backoff the wait to minutes, where the flags promise `times` retries.
 * A WeakSet rather than a field, so the RegistryError contract (core/errors.ts) stays as it is.
 */
const exhaustedErrors = new WeakSet<object>();

/** Marks `err` as "already retried as often as the flags allow"; returns it. */
export function markRetriesExhausted<E>(err: E): E {
  if (typeof err === 'object' && err !== null) exhaustedErrors.add(err);
  return err;
}

/** True for an error thrown after its retries were spent (see markRetriesExhausted). */
export function retriesExhausted(err: unknown): boolean {
  return typeof err === 'object' && err !== null && exhaustedErrors.has(err);
}

/** Waits `ms`, or rejects with CancelledError as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new CancelledError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
