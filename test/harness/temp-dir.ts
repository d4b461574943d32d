import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Temp dirs made by the harness. They are also removed when the process exits, so a test that
 * fails before its own cleanup runs does not leave registry storage (possibly gigabytes) behind.
 */
const liveTempDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const dir of liveTempDirs) {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // best effort at exit: nothing else can be done here
      }
    }
  });
}

/** Creates a fresh directory under the OS temp dir, e.g. `makeTempDir('ocm-registry-')`. */
export async function makeTempDir(prefix: string): Promise<string> {
  return makeTempDirSync(prefix);
}

/** Synchronous variant of {@link makeTempDir}. */
export function makeTempDirSync(prefix: string): string {
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  liveTempDirs.add(dir);
  return dir;
}

/** Removes a directory (recursively, missing is fine) and forgets it for exit cleanup. */
export async function removeTempDir(dir: string): Promise<void> {
  liveTempDirs.delete(dir);
  await rm(dir, { recursive: true, force: true });
}

/**
 * Makes a temp dir that is removed when the test ends (pass or fail).
 * Usage: `const dir = await tempDirForTest(t, 'cache-')` inside `test('…', async (t) => …)`.
 */
export async function tempDirForTest(
  t: { after(fn: () => Promise<void> | void): void },
  prefix: string,
): Promise<string> {
  const dir = await makeTempDir(prefix);
  t.after(() => removeTempDir(dir));
  return dir;
}
