/**
 * Per-scenario context, as upstream's BeforeEach/AfterEach: a fresh destination registry (upstream's
 * `testRegistry`), a fresh working directory seeded with the release signature (`setupWorkDir`), and a fresh cache
 * directory (upstream resets `~/.oc-mirror/.cache`).
 */
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { startRegistry, type RunningRegistry } from '../harness/registry-server.js';
import { tempDirForTest } from '../harness/temp-dir.js';
import { Runner } from './runner.js';
import { cacheRoot } from './assertions.js';
import { setupWorkDir, type CompatWorld } from './world.js';

export interface Scenario {
  testRegistry: RunningRegistry;
  /** upstream `testRegistry.Endpoint()` */
  endpoint: string;
  workDir: string;
  /** The `--cache-dir` value. */
  cacheFlag: string;
  /** upstream `cacheDir`: where the cache is (`<cacheFlag>/.oc-mirror/.cache`). */
  cacheDir: string;
  /** Where rewritten configurations go. */
  configDir: string;
  runner: Runner;
  isc(rel: string, substitutions?: Record<string, string>): Promise<string>;
}

export async function scenario(t: TestContext, world: CompatWorld): Promise<Scenario> {
  const testRegistry = await startRegistry();
  t.after(() => testRegistry.stop());
  const workDir = await setupWorkDir(world, t);
  const scratch = await tempDirForTest(t, 'compat-');
  const cacheFlag = join(scratch, 'cache');
  const configDir = scratch;
  return {
    testRegistry,
    endpoint: testRegistry.host,
    workDir,
    cacheFlag,
    cacheDir: cacheRoot(cacheFlag),
    configDir,
    runner: new Runner(cacheFlag, world.env),
    isc: (rel, substitutions) => world.isc(rel, configDir, substitutions),
  };
}
