/**
 * A small Ink test harness with a sized terminal (ink-testing-library's stdout is fixed at 100 columns and
 * has no rows), plus helpers shared with ink-testing-library instances: polling for a frame and sending keys
 * only after Ink's input listeners are armed (guide §5 items 1–3).
 */
import { EventEmitter } from 'node:events';
import { render } from 'ink';
import type { ReactElement } from 'react';

export class FakeStdout extends EventEmitter {
  readonly frames: string[] = [];
  isTTY = true;
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (frame: string): boolean => {
    this.frames.push(frame);
    return true;
  };
}

export class FakeStdin extends EventEmitter {
  isTTY = true;
  private pending: string | null = null;
  write = (data: string): void => {
    this.pending = data;
    this.emit('readable');
    this.emit('data', data);
  };
  read = (): string | null => {
    const data = this.pending;
    this.pending = null;
    return data;
  };
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

/**
 * The last frame with visible text: at unmount Ink writes a lone "\n" in CI mode and a cursor-show escape,
 * neither of which is a frame.
 */
export function lastMeaningfulFrame(frames: readonly string[]): string {
  for (let i = frames.length - 1; i >= 0; i--) {
    if (stripAnsi(frames[i]).trim() !== '') return frames[i];
  }
  return '';
}

export interface SizedInstance {
  stdout: FakeStdout;
  stdin: FakeStdin;
  lastFrame: () => string;
  unmount: () => void;
  rerender: (tree: ReactElement) => void;
  waitUntilExit: () => Promise<unknown>;
  /** Changes the terminal size and emits 'resize'. */
  resize: (columns: number, rows: number) => void;
}

export function renderSized(tree: ReactElement, size: { columns?: number; rows?: number } = {}): SizedInstance {
  const stdout = new FakeStdout(size.columns ?? 80, size.rows ?? 24);
  const stderr = new FakeStdout(size.columns ?? 80, size.rows ?? 24);
  const stdin = new FakeStdin();
  const instance = render(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return {
    stdout,
    stdin,
    lastFrame: () => lastMeaningfulFrame(stdout.frames),
    unmount: () => instance.unmount(),
    rerender: (next) => instance.rerender(next),
    waitUntilExit: () => instance.waitUntilExit(),
    resize: (columns, rows) => {
      stdout.columns = columns;
      stdout.rows = rows;
      stdout.emit('resize');
    },
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Polls `frame()` until `predicate` holds. On timeout the error shows the last frame, so a failing test says
 * what was on screen. (The timeout only guards against hanging; nothing asserts on time.)
 */
export async function waitForFrame(
  frame: () => string | undefined,
  predicate: (frame: string) => boolean,
  description = 'expected frame',
  timeoutMs = 5_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = frame() ?? '';
    if (predicate(current)) {
      // A visible frame does not mean useInput re-subscribed yet: let passive effects flush.
      await tick();
      return current;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${description}; last frame:\n${current}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const KEYS = {
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
  enter: '\r',
  escape: '\u001B',
  tab: '\t',
  space: ' ',
  backspace: '\u007F',
  ctrlC: '\u0003',
} as const;

/** Yields before and after writing so the key reaches armed listeners and a lone Esc is flushed. */
export async function press(stdin: { write: (data: string) => void }, data: string): Promise<void> {
  await tick();
  stdin.write(data);
  await tick();
  await tick();
}

/** Types text one character at a time, each in its own write (see `stdin.write` of a whole string for bursts). */
export async function typeText(stdin: { write: (data: string) => void }, text: string): Promise<void> {
  for (const ch of text) await press(stdin, ch);
}

/** Strips ANSI escapes for line counting. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001B\[[0-9;?]*[ -/]*[@-~]/g, '');
}
