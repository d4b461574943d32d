import { setMaxListeners } from 'node:events';
import { CancelledError } from '../core/errors.js';

/**
 * One cancellation path for Ctrl+C (as a key in raw mode, or SIGINT), SIGTERM and SIGHUP (SSH drop):
 * the first request aborts the shared AbortController (transfers stop, temp files are removed, nothing
 * half-written becomes visible); the second forces an exit with 130.
 */
export interface Cancellation {
  signal: AbortSignal;
  /** Returns 'graceful' on the first call, 'forced' afterwards. */
  request(reason: string): 'graceful' | 'forced';
  dispose(): void;
}

export function createCancellation(options: {
  onGraceful: (reason: string) => void;
  onForce: () => void;
}): Cancellation {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  let requests = 0;
  const request = (reason: string): 'graceful' | 'forced' => {
    requests++;
    if (requests === 1) {
      controller.abort(new CancelledError(`cancelled (${reason})`));
      options.onGraceful(reason);
      return 'graceful';
    }
    options.onForce();
    return 'forced';
  };
  const handlers: [NodeJS.Signals, () => void][] = (['SIGINT', 'SIGTERM', 'SIGHUP'] as NodeJS.Signals[]).map((sig) => [
    sig,
    () => void request(sig),
  ]);
  for (const [sig, fn] of handlers) process.on(sig, fn);
  return {
    signal: controller.signal,
    request,
    dispose() {
      for (const [sig, fn] of handlers) process.off(sig, fn);
    },
  };
}
