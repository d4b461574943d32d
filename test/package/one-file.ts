/**
 * The one-file package (dist/ocm-tui.mjs, `npm run package`) as a disconnected site gets it: copied alone into
 * an empty directory, run with `node` and nothing else (no node_modules, no NODE_PATH, a fresh HOME).
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFile, readdir } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { tempDirForTest } from '../harness/temp-dir.js';

/** The checkout (dist/test/package/ → ../../../). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const PACKAGE_FILE = join(ROOT, 'dist', 'ocm-tui.mjs');

/**
 * dist/ocm-tui.mjs, built by scripts/package.mjs when it is missing or older than the tsc output
 * (`npm test`'s build makes it; a tsc-only rebuild does not).
 */
export function ensurePackage(): string {
  const made = statSync(PACKAGE_FILE, { throwIfNoEntry: false });
  const compiled = statSync(join(ROOT, 'dist', 'source', 'cli.js'));
  if (!made || made.mtimeMs < compiled.mtimeMs) {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'package.mjs')], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`scripts/package.mjs failed:\n${r.stdout}${r.stderr}`);
  }
  return PACKAGE_FILE;
}

export interface OneFile {
  /** the directory holding ocm-tui.mjs and nothing else */
  dir: string;
  /** dir/ocm-tui.mjs */
  file: string;
  /** a fresh home and module cache, outside `dir` */
  home: string;
  /** the whole environment to run the file with */
  env: Record<string, string>;
}

/** Copies dist/ocm-tui.mjs alone into an empty temp directory; HOME and XDG_CACHE_HOME are another one. */
export async function oneFileInEmptyDir(t: TestContext): Promise<OneFile> {
  const source = ensurePackage();
  const dir = await tempDirForTest(t, 'ocm-tui-one-file-');
  const home = await tempDirForTest(t, 'ocm-tui-one-file-home-');
  const file = join(dir, 'ocm-tui.mjs');
  await copyFile(source, file);
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, XDG_CACHE_HOME: join(home, '.cache') };
  return { dir, file, home, env };
}

export async function filesIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node <file> ...args` (or `<command> ...args`) in `cwd` with exactly `env` (no TTY). */
export function runNode(
  file: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs?: number; command?: string },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const argv = options.command ? args : [file, ...args];
    const child = spawn(options.command ?? process.execPath, argv, {
      cwd: options.cwd,
      env: options.env,
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
