/**
 * Idle watchdog for an upload body. undici's timeouts cannot see a peer that stops reading our body
 * (the socket just stays full), so this pass-through fails the body when it holds data the consumer
 * has not asked for within `idleTimeoutMs`. A slow producer does not count: the timer runs only while
 * the consumer is the one being waited for.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { OcmError } from '../errors.js';
import { formatDuration } from './registry-errors.js';

export class StallGuard extends Transform {
  private readonly idleTimeoutMs: number;
  private timer?: NodeJS.Timeout;

  constructor(idleTimeoutMs: number) {
    super();
    this.idleTimeoutMs = idleTimeoutMs;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.push(chunk)) this.arm();
    callback();
  }

  override _read(size: number): void {
    this.disarm();
    super._read(size);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.disarm();
    callback(error);
  }

  override _flush(callback: TransformCallback): void {
    this.disarm();
    callback();
  }

  private arm(): void {
    if (this.timer || this.idleTimeoutMs <= 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.destroy(
        new OcmError('IDLE_TIMEOUT', `the receiver accepted no data for ${formatDuration(this.idleTimeoutMs)}`),
      );
    }, this.idleTimeoutMs);
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
