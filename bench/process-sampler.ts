import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

/** Outcome of one measured child process. */
export interface MeasuredRun {
  /** wall time in seconds */
  seconds: number;
  exitCode: number | null;
  /** peak of the summed VmRSS of the process and all its descendants, in bytes (sampled every ~100 ms) */
  peakRssBytes: number;
}

const SAMPLE_INTERVAL_MS = 100;

async function childrenOf(pid: number): Promise<number[]> {
  // /proc/<pid>/task/<tid>/children lists the direct children started by that thread.
  let tids: string[];
  try {
    tids = await readdir(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const result: number[] = [];
  for (const tid of tids) {
    try {
      const text = await readFile(`/proc/${pid}/task/${tid}/children`, 'utf8');
      for (const part of text.trim().split(/\s+/)) if (part) result.push(Number(part));
    } catch {
      // thread exited meanwhile
    }
  }
  return result;
}

async function rssOf(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Summed RSS of a process tree. */
export async function treeRss(rootPid: number): Promise<number> {
  let total = 0;
  const stack = [rootPid];
  const seen = new Set<number>();
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    total += await rssOf(pid);
    stack.push(...(await childrenOf(pid)));
  }
  return total;
}

/**
 * Runs a command to completion, measuring wall time and the peak RSS of its whole process tree.
 * stdout/stderr go to `logFile` (the bench prints its own progress).
 */
export async function measureCommand(
  command: string,
  args: string[],
  logFile: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<MeasuredRun> {
  const log = createWriteStream(logFile);
  await new Promise<void>((resolve) => log.once('open', () => resolve()));
  const started = process.hrtime.bigint();
  const child = spawn(command, args, { stdio: ['ignore', log, log], env });
  let peak = 0;
  let sampling = false;
  const timer = setInterval(() => {
    if (sampling || child.pid === undefined) return;
    sampling = true;
    void treeRss(child.pid)
      .then((rss) => {
        peak = Math.max(peak, rss);
      })
      .finally(() => {
        sampling = false;
      });
  }, SAMPLE_INTERVAL_MS);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  }).finally(() => clearInterval(timer));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await new Promise<void>((resolve) => log.end(() => resolve()));
  return { seconds, exitCode, peakRssBytes: peak };
}
