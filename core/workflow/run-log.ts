/**
 * `working-dir/logs/oc-mirror-<T>.log`: the same lines the headless reporter prints, with timestamps,
 * whatever UI is on screen. Written through a stream so a long run never holds its log in memory.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { MirrorEvent } from '../events.js';
import { EventTextFormatter } from './event-text.js';

export class RunLog {
  readonly path: string;
  private readonly stream: WriteStream;
  private readonly formatter = new EventTextFormatter();

  constructor(
    logsDir: string,
    stamp: string,
    private readonly verbose: boolean,
  ) {
    mkdirSync(logsDir, { recursive: true });
    this.path = join(logsDir, `oc-mirror-${stamp}.log`);
    this.stream = createWriteStream(this.path, { flags: 'a' });
  }

  write(event: MirrorEvent): void {
    const lines = this.formatter.format(event, this.verbose);
    if (lines.length === 0) return;
    const at = new Date(event.at).toISOString();
    this.stream.write(lines.map((l) => `${at} ${l}\n`).join(''));
  }

  line(text: string): void {
    this.stream.write(`${new Date().toISOString()} ${text}\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
  }
}
