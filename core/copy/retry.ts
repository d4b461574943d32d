/**
 * Engine-level retries (a blob transfer or a whole manifest step), following oc-mirror's flags:
 * `--retry-times` retries after the first attempt; `--retry-delay` constant, or 0 = exponential 1s, 2s, 4s…
 * Cancellation is never retried; a RegistryError's own `temporary` flag and Retry-After are honoured.
 */
import { CancelledError, DigestMismatchError, OcmError, RegistryError, isCancellation } from '../errors.js';
import { retriesExhausted } from '../registry/retry-policy.js';

export interface RetryOptions {
  times: number;
  delayMs: number;
  signal: AbortSignal;
  onRetry?: (info: { attempt: number; maxAttempts: number; delayMs: number; reason: string }) => void;
}

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
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

export function isTransientError(err: unknown): boolean {
  // The registry client already retried it --retry-times times: another round would square the budget.
  if (retriesExhausted(err)) return false;
  if (err instanceof RegistryError) return err.temporary;
  if (err instanceof DigestMismatchError) return true;
  if (err instanceof OcmError) return TRANSIENT_CODES.has(err.code);
  const code = (err as { code?: string } | undefined)?.code;
  if (code && TRANSIENT_CODES.has(code)) return true;
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  return cause !== undefined && cause !== err ? isTransientError(cause) : false;
}

export function backoffDelay(attempt: number, delayMs: number): number {
  if (delayMs > 0) return delayMs;
  // 1s, 2s, 4s… capped at 30s, ±10% jitter so parallel transfers do not retry in lock-step.
  const base = Math.min(30_000, 1000 * 2 ** (attempt - 1));
  return Math.round(base * (0.9 + Math.random() * 0.2));
}

export async function withRetries<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const maxAttempts = options.times + 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (isCancellation(err, options.signal)) throw options.signal.aborted ? toCancelled(options.signal, err) : err;
      if (attempt >= maxAttempts || !isTransientError(err)) throw err;
      const retryAfter = err instanceof RegistryError ? err.retryAfterMs : undefined;
      const delayMs = Math.max(backoffDelay(attempt, options.delayMs), retryAfter ?? 0);
      options.onRetry?.({
        attempt: attempt + 1,
        maxAttempts,
        delayMs,
        reason: err instanceof Error ? err.message : String(err),
      });
      await sleep(delayMs, options.signal);
    }
  }
}

function toCancelled(signal: AbortSignal, err: unknown): unknown {
  const reason: unknown = signal.reason;
  if (reason instanceof OcmError) return reason;
  return err instanceof CancelledError ? err : new CancelledError();
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new CancelledError());
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason instanceof Error ? signal.reason : new CancelledError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
