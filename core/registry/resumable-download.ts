/**
 * A blob download that survives a cut connection: when the body errors, ends early, or stalls, it asks
 * for the rest with `Range: bytes=<received>-` and carries on, so the consumer (and the digest check
 * after it) sees one uninterrupted stream. Every restart counts against the retry budget.
 *
 * It also carries the idle watchdog undici lacks: undici's bodyTimeout is blind while a body is paused
 * by backpressure, so here the timer runs only while the consumer is waiting for bytes.
 */
import { Readable } from 'node:stream';
import { CancelledError, OcmError } from '../errors.js';
import { formatDuration } from './registry-errors.js';
import { sleep } from './retry-policy.js';

/** One response body, positioned: `skip` leading bytes must be dropped (server ignored our Range). */
export interface BodySource {
  body: Readable;
  skip: number;
}

export interface ResumableDownloadOptions {
  first: BodySource;
  /** Absolute offset of the first byte this stream delivers. */
  start: number;
  /** Absolute size of the blob: ending before it is a cut connection, not the end. */
  size: number;
  /** Opens the blob again from absolute offset `from`. */
  reopen: (from: number, signal: AbortSignal) => Promise<BodySource>;
  idleTimeoutMs: number;
  /** Restarts allowed (the retry budget). */
  maxRestarts: number;
  /** Wait before restart number `n` (1-based). */
  delayMs: (n: number) => number;
  /** Whether a failure may be cured by a restart (network errors, stalls, truncation, 5xx). */
  canRestart: (err: unknown) => boolean;
  /** The error the consumer sees when no restart is left (adds registry and blob to the message). */
  finalError: (err: unknown) => Error;
  onRestart?: (info: { attempt: number; maxAttempts: number; delayMs: number; reason: string; offset: number }) => void;
  signal: AbortSignal;
}

export class ResumableDownload extends Readable {
  private readonly options: ResumableDownloadOptions;
  private source?: BodySource;
  private position: number;
  private restarts = 0;
  /** The consumer asked for data and has not been refused by push() since. */
  private wanted = false;
  private watchdog?: NodeJS.Timeout;
  private readonly onAbort = () => this.destroy(new CancelledError());
  private readonly onData = (chunk: Buffer) => this.handleData(chunk);
  private readonly onEnd = () => this.handleEnd();
  private readonly onError = (err: Error) => void this.restart(err);

  constructor(options: ResumableDownloadOptions) {
    super();
    this.options = options;
    this.position = options.start;
    options.signal.addEventListener('abort', this.onAbort, { once: true });
    this.attach(options.first);
    if (options.signal.aborted) process.nextTick(this.onAbort);
  }

  /** Absolute offset of the next byte. */
  get offset(): number {
    return this.position;
  }

  override _read(): void {
    this.wanted = true;
    if (!this.source) return; // restarting: the new source will be resumed when attached
    this.source.body.resume();
    this.arm();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.disarm();
    this.options.signal.removeEventListener('abort', this.onAbort);
    this.detach();
    callback(error);
  }

  private attach(source: BodySource): void {
    this.source = source;
    source.body.on('data', this.onData);
    source.body.on('end', this.onEnd);
    source.body.on('error', this.onError);
    if (this.wanted) this.arm();
    else source.body.pause();
  }

  private detach(): void {
    const source = this.source;
    this.source = undefined;
    if (!source) return;
    source.body.off('data', this.onData);
    source.body.off('end', this.onEnd);
    source.body.off('error', this.onError);
    source.body.on('error', () => undefined); // late errors of an abandoned body are expected
    source.body.destroy();
  }

  private handleData(chunk: Buffer): void {
    this.disarm();
    const source = this.source;
    if (!source) return;
    if (source.skip > 0) {
      const dropped = Math.min(source.skip, chunk.length);
      source.skip -= dropped;
      chunk = chunk.subarray(dropped);
      if (chunk.length === 0) {
        this.arm();
        return;
      }
    }
    this.position += chunk.length;
    if (this.push(chunk)) {
      this.arm();
    } else {
      this.wanted = false;
      source.body.pause();
    }
  }

  private handleEnd(): void {
    this.disarm();
    if (this.position < this.options.size) {
      void this.restart(
        new OcmError('TRUNCATED', `connection ended after ${this.position} of ${this.options.size} bytes`),
      );
      return;
    }
    this.detach();
    this.push(null);
  }

  private async restart(err: unknown): Promise<void> {
    this.disarm();
    this.detach();
    if (this.destroyed) return;
    if (this.options.signal.aborted) {
      this.destroy(new CancelledError());
      return;
    }
    if (this.restarts >= this.options.maxRestarts || !this.options.canRestart(err)) {
      this.destroy(this.options.finalError(err));
      return;
    }
    this.restarts++;
    const delayMs = this.options.delayMs(this.restarts);
    this.options.onRestart?.({
      attempt: this.restarts + 1,
      maxAttempts: this.options.maxRestarts + 1,
      delayMs,
      reason: err instanceof Error ? err.message : String(err),
      offset: this.position,
    });
    try {
      await sleep(delayMs, this.options.signal);
      const next = await this.options.reopen(this.position, this.options.signal);
      if (this.destroyed) {
        next.body.on('error', () => undefined);
        next.body.destroy();
        return;
      }
      this.attach(next);
      if (this.wanted) next.body.resume();
    } catch (reopenError) {
      if (!this.destroyed) await this.restart(reopenError);
    }
  }

  private arm(): void {
    if (this.watchdog || this.options.idleTimeoutMs <= 0 || !this.wanted) return;
    this.watchdog = setTimeout(() => {
      this.watchdog = undefined;
      void this.restart(
        new OcmError(
          'IDLE_TIMEOUT',
          `no data for ${formatDuration(this.options.idleTimeoutMs)} at byte ${this.position}`,
        ),
      );
    }, this.options.idleTimeoutMs);
  }

  private disarm(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = undefined;
  }
}
