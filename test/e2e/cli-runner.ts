/**
 * Runs the built ocm-tui binary as a user would (a child process, no TTY), so end-to-end tests cover the
 * real argument parsing, reporters and exit codes.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
/** dist/source/cli.js, next to dist/test/e2e/. */
export const CLI_PATH = join(here, '..', '..', 'source', 'cli.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], {
      cwd: options.cwd,
      env: { ...process.env, CI: 'true', NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Parses `--output json` lines; throws on a line that is not JSON (the mode promises pure JSON). */
export function parseJsonLines(stdout: string): { type: string; [k: string]: unknown }[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { type: string });
}

/**
 * `delete --generate` for the pinned DISC a mirror-to-disk wrote into `workspace`'s working-dir, against the
 * destination `<registry>/mirror`, reading only the local cache `cacheDir`.
 */
export function deleteGenerateArgs(disc: string, workspace: string, registry: string, cacheDir: string): string[] {
  return [
    'delete',
    '-c',
    disc,
    '--generate',
    '--workspace',
    `file://${workspace}`,
    `docker://${registry}/mirror`,
    '--dest-tls-verify=false',
    '--cache-dir',
    cacheDir,
    '--no-ui',
  ];
}
