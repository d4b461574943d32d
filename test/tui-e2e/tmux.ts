/**
 * Drives the real ocm-tui binary inside a detached tmux server, so end-to-end tests see exactly what a
 * person at a terminal of a given size would see. Each session has its own server socket (`-L`), no user
 * config (`-f /dev/null`), no status line (the pane is the whole terminal) and `remain-on-exit`, so the
 * last frame stays capturable after the process ends.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TMUX = '/usr/bin/tmux';
const POLL_MS = 200;

export interface TmuxRunOptions {
  /** working directory of the command */
  cwd: string;
  /**
   * The command's whole environment (it runs under `env -i`, so nothing leaks from the test process: no CI,
   * no CONTINUOUS_INTEGRATION, no CI_*). PATH, TERM=xterm-256color and LANG=C.UTF-8 are added unless given.
   */
  env?: Record<string, string>;
}

export interface WaitOptions {
  /** default 60 s */
  timeoutMs?: number;
  /** what is awaited, for the timeout message */
  what?: string;
}

export interface TmuxTerminal {
  readonly width: number;
  readonly height: number;
  /** `-L` socket name of this terminal's private tmux server */
  readonly socket: string;
  /**
   * Runs `argv` in the pane (replacing whatever ran before) and records its exit status in a file that
   * {@link waitForExit} reads.
   */
  run(argv: readonly string[], options: TmuxRunOptions): Promise<void>;
  /** `send-keys` with tmux key names: 'Enter', 'Down', 'C-c', 'Escape', 'Space', 'Tab'. */
  sendKeys(...keys: string[]): Promise<void>;
  /** Types text literally (`send-keys -l`). */
  type(text: string): Promise<void>;
  /**
   * The visible screen, one string per row, trailing spaces removed, rows that tmux wrapped joined back
   * (so a line wider than the terminal shows up as a long line). Throws if any line is wider than the
   * terminal: every frame a test looks at is checked.
   */
  capture(): Promise<string[]>;
  /** Polls the screen every 200 ms until `predicate` holds; on timeout the error shows the last screen. */
  waitForScreen(predicate: (lines: string[]) => boolean, options?: WaitOptions): Promise<string[]>;
  /** Waits for the command started by {@link run} to end and returns its exit status. */
  waitForExit(options?: WaitOptions): Promise<number>;
  /**
   * Everything the current command wrote to the terminal since {@link run}, escape sequences removed: frames
   * that were on screen for less than a poll interval (a banner right before exit) still show up here.
   */
  transcript(): Promise<string>;
  /** Polls {@link transcript} until it contains `text` (tmux pipes output asynchronously); throws with its tail. */
  waitForTranscript(text: string, options?: WaitOptions): Promise<void>;
  /** Stops the tmux server (idempotent). */
  kill(): Promise<void>;
}

/** Display width of a line: one column per code point (the UI uses no wide characters). */
export function displayWidth(line: string): number {
  return [...line].length;
}

/** A screen as text, for messages. */
export function screenText(lines: readonly string[]): string {
  return lines.map((l) => `|${l}`).join('\n');
}

/** POSIX-shell quoting. */
export function shQuote(arg: string): string {
  return /^[A-Za-z0-9_\-./:=@%+,]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

const ESC = String.fromCharCode(0x1b);
const BEL = String.fromCharCode(0x07);
// CSI sequences, OSC sequences (ended by BEL or ESC \), then any other two-byte escape.
const CSI = new RegExp(`${ESC}\\[[0-9;?<=>]*[ -/]*[@-~]`, 'g');
const OSC = new RegExp(`${ESC}\\][^${BEL}${ESC}]*(?:${BEL}|${ESC}\\\\)`, 'g');
const OTHER = new RegExp(`${ESC}.`, 'g');

/** Terminal output without its escape sequences. */
export function stripEscapes(raw: string): string {
  return raw.replace(CSI, '').replace(OSC, '').replace(OTHER, '');
}

function tmux(socket: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(TMUX, ['-L', socket, '-f', '/dev/null', ...args], { timeout: 15_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`tmux ${args[0]} failed: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Starts a private tmux server with one detached session of `width`×`height`. Register `kill()` with
 * `t.after()` right away so the server stops even when the test fails.
 */
export async function startTmuxTerminal(size: {
  width: number;
  height: number;
  /**
   * Lines exempt from the width check; only for plain (non-Ink) output the test documents as a known
   * finding.
   */
  exemptFromWidthCheck?: (line: string) => boolean;
}): Promise<TmuxTerminal> {
  const socket = `ocm-tui-test-${randomBytes(6).toString('hex')}`;
  const target = 'ocm:0.0';
  const exitFile = join(tmpdir(), `${socket}.exit`);
  const transcriptFile = join(tmpdir(), `${socket}.out`);
  let killed = false;
  let lastScreen: string[] = [];

  // The placeholder keeps the pane alive until run() replaces it.
  await tmux(socket, [
    'new-session',
    '-d',
    '-s',
    'ocm',
    '-x',
    String(size.width),
    '-y',
    String(size.height),
    'sleep 86400',
  ]);
  await tmux(socket, ['set-option', '-g', 'status', 'off']);
  await tmux(socket, ['set-option', '-g', 'remain-on-exit', 'on']);
  await tmux(socket, ['set-option', '-g', 'history-limit', '0']);
  // Without attached clients tmux keeps the size given at creation; make that explicit.
  await tmux(socket, ['set-option', '-g', 'window-size', 'manual']);
  await tmux(socket, ['resize-window', '-t', 'ocm:0', '-x', String(size.width), '-y', String(size.height)]);

  const terminal: TmuxTerminal = {
    width: size.width,
    height: size.height,
    socket,

    async run(argv, options) {
      await rm(exitFile, { force: true });
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
        TERM: 'xterm-256color',
        LANG: 'C.UTF-8',
        ...options.env,
      };
      const envArgs = Object.entries(env).map(([k, v]) => shQuote(`${k}=${v}`));
      const command =
        `env -i ${envArgs.join(' ')} ${argv.map(shQuote).join(' ')}; ` + `echo EXIT:$? > ${shQuote(exitFile)}`;
      // Stop the previous transcript (a dead pane refuses, and has nothing more to write anyway).
      await tmux(socket, ['pipe-pane', '-t', target]).catch(() => undefined);
      await rm(transcriptFile, { force: true });
      await tmux(socket, ['respawn-pane', '-k', '-t', target, '-c', options.cwd, command]);
      // Output before pipe-pane attaches is not lost: the command is still loading node modules then.
      await tmux(socket, ['pipe-pane', '-t', target, `cat >> ${shQuote(transcriptFile)}`]);
    },

    async sendKeys(...keys) {
      await tmux(socket, ['send-keys', '-t', target, ...keys]);
    },

    async type(text) {
      await tmux(socket, ['send-keys', '-t', target, '-l', text]);
    },

    async capture() {
      const out = await tmux(socket, ['capture-pane', '-p', '-J', '-t', target]);
      const lines = out
        .replace(/\n$/, '')
        .split('\n')
        .map((l) => l.replace(/\s+$/, ''));
      lastScreen = lines;
      const wide = lines.find((l) => displayWidth(l) > size.width && !size.exemptFromWidthCheck?.(l));
      if (wide !== undefined) {
        throw new Error(
          `a line is ${displayWidth(wide)} columns wide on a ${size.width}-column terminal:\n${wide}\n` +
            `screen:\n${screenText(lines)}`,
        );
      }
      if (lines.length > size.height) {
        throw new Error(`${lines.length} rows on a ${size.height}-row terminal:\n${screenText(lines)}`);
      }
      return lines;
    },

    async waitForScreen(predicate, options = {}) {
      const timeoutMs = options.timeoutMs ?? 60_000;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const lines = await terminal.capture();
        if (predicate(lines)) return lines;
        if (Date.now() > deadline) {
          throw new Error(
            `timed out after ${timeoutMs} ms waiting for ${options.what ?? 'the screen'}; last screen ` +
              `(${size.width}x${size.height}):\n${screenText(lines)}`,
          );
        }
        await sleep(POLL_MS);
      }
    },

    async waitForExit(options = {}) {
      const timeoutMs = options.timeoutMs ?? 120_000;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const text = await readFile(exitFile, 'utf8').catch(() => '');
        const match = /^EXIT:(\d+)$/m.exec(text);
        if (match) return Number(match[1]);
        if (Date.now() > deadline) {
          const screen = await terminal.capture().catch(() => lastScreen);
          throw new Error(
            `timed out after ${timeoutMs} ms waiting for ${options.what ?? 'the command to exit'}; last screen:\n` +
              screenText(screen),
          );
        }
        await sleep(POLL_MS);
      }
    },

    async transcript() {
      const raw = await readFile(transcriptFile, 'utf8').catch(() => '');
      return stripEscapes(raw);
    },

    async waitForTranscript(text, options = {}) {
      const timeoutMs = options.timeoutMs ?? 15_000;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const seen = await terminal.transcript();
        if (seen.includes(text)) return;
        if (Date.now() > deadline) {
          throw new Error(
            `timed out after ${timeoutMs} ms waiting for ${options.what ?? JSON.stringify(text)} in the ` +
              `terminal output; its end:\n${seen.slice(-3000)}`,
          );
        }
        await sleep(POLL_MS);
      }
    },

    async kill() {
      if (killed) return;
      killed = true;
      await tmux(socket, ['kill-server']).catch(() => undefined);
      // tmux may leave its socket file behind.
      const uid = process.getuid?.() ?? 0;
      await rm(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${uid}`, socket), { force: true });
      await rm(exitFile, { force: true });
      await rm(transcriptFile, { force: true });
    },
  };
  return terminal;
}
