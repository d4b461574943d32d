/**
 * Runs ocm-tui mirror workflows headless with JSON events, for the reliability suites, and reads what a
 * run leaves behind (events by image, retries, the error report).
 *
 * API (stable; imported by other reliability suites):
 *   FAST_RETRY_FLAGS                 ['--retry-times', '3', '--retry-delay', '100ms'] (RETRY_TIMES = 3)
 *   writeIsc(dir, images): Promise<string>          an ImageSetConfiguration of additionalImages; its path
 *   mirrorArgs.m2m(isc, workspace, destination, cacheDir) / .m2d(isc, archiveDir, cacheDir)
 *                   / .d2m(isc, archiveDir, destination, cacheDir): argv (tls-verify off, no UI, json)
 *   runMirror(args, options?): Promise<MirrorRun>   runs the CLI (args + FAST_RETRY_FLAGS unless given)
 *   MirrorRun { code, stdout, stderr, events, retries, failures: Map<origin, {error, code?}>, succeeded: Set<origin> }
 *   readErrorReport(workspaceRoot): Promise<string | undefined>   working-dir/logs/mirroring_errors_*.txt
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseJsonLines, runCli } from '../../e2e/cli-runner.js';

export const RETRY_TIMES = 3;
export const FAST_RETRY_FLAGS = ['--retry-times', String(RETRY_TIMES), '--retry-delay', '100ms'];

/** One `--output json` line. */
export interface JsonEvent {
  type: string;
  [key: string]: unknown;
}

export interface RetryEvent extends JsonEvent {
  type: 'retry';
  imageId?: string;
  attempt: number;
  maxAttempts: number;
  delayMs: number;
  reason: string;
}

export interface MirrorRun {
  code: number | null;
  stdout: string;
  stderr: string;
  events: JsonEvent[];
  retries: RetryEvent[];
  /** Failed images by origin (`host/repo:tag`), with the error text and code of `image.failed`. */
  failures: Map<string, { error: string; code?: string }>;
  /** Origins of the images that ended with `image.done`. */
  succeeded: Set<string>;
}

export async function writeIsc(dir: string, images: string[]): Promise<string> {
  const path = join(dir, 'isc.yaml');
  const lines = [
    'kind: ImageSetConfiguration',
    'apiVersion: mirror.openshift.io/v2alpha1',
    'mirror:',
    '  additionalImages:',
    ...images.map((name) => `  - name: ${name}`),
    '',
  ];
  await writeFile(path, lines.join('\n'));
  return path;
}

const HEADLESS = ['--src-tls-verify=false', '--dest-tls-verify=false', '--no-ui', '--output', 'json'];

export const mirrorArgs = {
  m2m: (isc: string, workspace: string, destination: string, cacheDir: string): string[] => [
    '-c',
    isc,
    '--workspace',
    `file://${workspace}`,
    `docker://${destination}`,
    '--cache-dir',
    cacheDir,
    ...HEADLESS,
  ],
  m2d: (isc: string, archiveDir: string, cacheDir: string): string[] => [
    '-c',
    isc,
    `file://${archiveDir}`,
    '--cache-dir',
    cacheDir,
    ...HEADLESS,
  ],
  d2m: (isc: string, archiveDir: string, destination: string, cacheDir: string): string[] => [
    '-c',
    isc,
    '--from',
    `file://${archiveDir}`,
    `docker://${destination}`,
    '--cache-dir',
    cacheDir,
    ...HEADLESS,
  ],
};

/** Runs the CLI; FAST_RETRY_FLAGS are added unless `args` already set --retry-times. */
export async function runMirror(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<MirrorRun> {
  const full = args.includes('--retry-times') ? args : [...args, ...FAST_RETRY_FLAGS];
  const result = await runCli(full, { env: options.env, timeoutMs: options.timeoutMs ?? 90_000 });
  let events: JsonEvent[];
  try {
    events = parseJsonLines(result.stdout);
  } catch (err) {
    throw new Error(`--output json printed a line that is not JSON (${String(err)}):\n${result.stdout.slice(0, 4000)}`);
  }
  return { ...result, events, ...summarize(events) };
}

function summarize(events: JsonEvent[]): Pick<MirrorRun, 'retries' | 'failures' | 'succeeded'> {
  const origins = new Map<string, string>();
  for (const e of events) {
    if (e.type === 'plan')
      for (const img of e.images as { id: string; origin: string }[]) origins.set(img.id, img.origin);
  }
  const failures = new Map<string, { error: string; code?: string }>();
  const succeeded = new Set<string>();
  for (const e of events) {
    const origin = origins.get(String(e.imageId)) ?? String(e.imageId);
    if (e.type === 'image.failed') failures.set(origin, { error: String(e.error), code: e.code as string | undefined });
    if (e.type === 'image.done') succeeded.add(origin);
  }
  return { retries: events.filter((e): e is RetryEvent => e.type === 'retry'), failures, succeeded };
}

/** The text of the run's error report, or undefined when none was written. */
export async function readErrorReport(workspaceRoot: string): Promise<string | undefined> {
  const logs = join(workspaceRoot, 'working-dir', 'logs');
  let names: string[];
  try {
    names = await readdir(logs);
  } catch {
    return undefined;
  }
  const report = names
    .filter((f) => /^mirroring_errors_\d{8}_\d{6}\.txt$/.test(f))
    .sort()
    .at(-1);
  return report ? readFile(join(logs, report), 'utf8') : undefined;
}

/** Everything a failing assertion should show: exit code, stderr, and the tail of the events. */
export function describeRun(run: MirrorRun): string {
  const tail = run.stdout
    .split('\n')
    .filter((l) => !l.includes('"blob.progress"'))
    .slice(-40)
    .join('\n');
  return `exit ${run.code}\nstderr:\n${run.stderr}\nevents (tail):\n${tail}`;
}
