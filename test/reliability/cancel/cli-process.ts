/**
 * Runs the built CLI with `--output json` as a child process and lets a test act on its event stream while
 * it runs: send a signal the moment a chosen event is written (synchronously, from the data handler, so the
 * run is interrupted as close to that point as the OS allows), then collect the exit.
 */
import { spawn } from 'node:child_process';
import { CLI_PATH } from '../../e2e/cli-runner.js';

/** One line of `--output json`. */
export interface JsonEvent {
  type: string;
  [key: string]: unknown;
}

export interface CliExit {
  /** exit code, null when killed by a signal */
  code: number | null;
  signal: NodeJS.Signals | null;
  events: JsonEvent[];
  stdout: string;
  stderr: string;
}

export interface InterruptPlan {
  /** Called for every event in order; the signal is sent at the first event for which it returns true. */
  when: (event: JsonEvent, seen: readonly JsonEvent[]) => boolean;
  signal: NodeJS.Signals;
}

export interface InterruptedRun extends CliExit {
  /** The event the signal was sent at (undefined: the run ended before the point was reached). */
  trigger?: JsonEvent;
  /** Wall time of the run, for diagnostics only. */
  durationMs: number;
}

/** Safety net only (never an assertion): a run that hangs is killed so the test fails instead of hanging. */
const HANG_GUARD_MS = 120_000;

/**
 * Spawns `node dist/source/cli.js …args` (no TTY, CI=true, NO_COLOR) and, with `interrupt`, sends its signal
 * at the chosen event (which needs `--output json` among the args). `umask` runs the CLI under that umask (through `sh -c 'umask …; exec node …'`).
 */
export function runCliJson(
  args: string[],
  options: {
    env?: NodeJS.ProcessEnv;
    interrupt?: InterruptPlan;
    umask?: string;
    /** false: stdout is plain text (no `--output json`); `events` stays empty. Default true. */
    json?: boolean;
  } = {},
): Promise<InterruptedRun> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, CI: 'true', NO_COLOR: '1', ...options.env };
    const child = options.umask
      ? spawn('sh', ['-c', `umask ${options.umask} && exec "$0" "$@"`, process.execPath, CLI_PATH, ...args], {
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        })
      : spawn(process.execPath, [CLI_PATH, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const startedAt = Date.now();
    const events: JsonEvent[] = [];
    let stdout = '';
    let stderr = '';
    let pending = '';
    let trigger: JsonEvent | undefined;
    let parseError: Error | undefined;
    child.stdout.on('data', (data: Buffer) => {
      const text = data.toString();
      stdout += text;
      if (options.json === false) return;
      pending += text;
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (line.trim() === '') continue;
        let event: JsonEvent;
        try {
          event = JSON.parse(line) as JsonEvent;
        } catch {
          parseError ??= new Error(`--output json wrote a line that is not JSON: ${line}`);
          continue;
        }
        events.push(event);
        if (!trigger && options.interrupt?.when(event, events)) {
          trigger = event;
          child.kill(options.interrupt.signal);
        }
      }
    });
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), HANG_GUARD_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      if (parseError) reject(parseError);
      else resolve({ code, signal, events, stdout, stderr, trigger, durationMs: Date.now() - startedAt });
    });
  });
}

/** Digests of `blob.done` events with outcome `copied` (the blobs this run finished transferring). */
export function copiedBlobs(events: readonly JsonEvent[]): Set<string> {
  return new Set(events.filter((e) => e.type === 'blob.done' && e.outcome === 'copied').map((e) => String(e.digest)));
}

/** Digests of every blob the run started (`blob.started`). */
export function startedBlobs(events: readonly JsonEvent[]): Set<string> {
  return new Set(events.filter((e) => e.type === 'blob.started').map((e) => String(e.digest)));
}

/** One-line description of a run's end for assertion messages. */
export function describeExit(run: CliExit): string {
  const tail = (text: string) => (text.length > 3000 ? `…${text.slice(-3000)}` : text);
  return `exit ${run.code ?? run.signal}\nstderr: ${tail(run.stderr)}\nstdout: ${tail(run.stdout)}`;
}
