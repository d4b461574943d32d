/**
 * Runs the built CLI (dist/source/cli.js) headless as a child process, like test/e2e/cli-runner.ts, and
 * also watches its memory: the kernel's resident-set high-water mark (`VmHWM` in /proc/<pid>/status) is
 * sampled until the process exits, so a test can bound the peak memory of a run.
 *
 * API (stable; imported by other reliability suites):
 *   runCliMeasured(args: string[], options?: { env?; cwd?; timeoutMs?; sampleEveryMs? }): Promise<MeasuredRun>
 *   MeasuredRun { code: number | null; signal: NodeJS.Signals | null; stdout; stderr; peakRssBytes; timedOut }
 * `timeoutMs` (default 120 s) kills the child with SIGKILL and sets `timedOut`: a hang fails the test
 * instead of the suite.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { CLI_PATH } from '../../e2e/cli-runner.js';

export interface MeasuredRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Highest VmHWM (or VmRSS) seen, in bytes; 0 when /proc could not be read. */
  peakRssBytes: number;
  timedOut: boolean;
}

export function runCliMeasured(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; sampleEveryMs?: number } = {},
): Promise<MeasuredRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], {
      cwd: options.cwd,
      env: { ...process.env, CI: 'true', NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const sample = async () => {
      if (child.pid === undefined) return;
      const kb = await readPeakRssKb(child.pid);
      if (kb !== undefined) peak = Math.max(peak, kb * 1024);
    };
    const sampler = setInterval(() => void sample(), options.sampleEveryMs ?? 100);
    const killer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 120_000);
    child.on('error', (err) => {
      clearInterval(sampler);
      clearTimeout(killer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearInterval(sampler);
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, peakRssBytes: peak, timedOut });
    });
  });
}

/** VmHWM (peak resident set) of a live process in kB, else VmRSS; undefined once it is gone. */
async function readPeakRssKb(pid: number): Promise<number | undefined> {
  let status: string;
  try {
    status = await readFile(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const field = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status);
    return m ? Number(m[1]) : undefined;
  };
  return field('VmHWM') ?? field('VmRSS');
}
