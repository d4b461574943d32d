/**
 * A/B of one ocm-tui change that an environment variable switches: seeds a copy fixture once, then runs the
 * chosen workflows alternately with environment A and B (fresh cache, output and destination every job),
 * and prints medians (min–max) of wall time, ocm-tui CPU (user + system, and system alone) and peak RSS.
 *
 *   node dist/bench/ab-env.js --fixture big --workflows m2d,d2m --runs 5 --a OCM_TUI_DIRECT_IO=0 --b OCM_TUI_DIRECT_IO=1
 *
 * `--cpu-prof DIR` writes V8 CPU profiles of the ocm-tui jobs under DIR/<variant>-<workflow>/.
 * Used for the direct-I/O decision (docs/decisions.md); not part of `npm run bench`.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry } from '../test/harness/registry-server.js';
import type { FixtureName } from './bench-options.js';
import { seedFixture } from './fixtures.js';
import { cpuOf } from './release-payload.js';
import { runOcmTui } from './tool-jobs.js';
import type { OcmTuiRun, Workflow } from './tool-jobs.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of text.split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--a/--b take NAME=VALUE[,NAME=VALUE]: ${pair}`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

function stats(values: number[]): string {
  const sorted = [...values].sort((x, y) => x - y);
  const mid =
    sorted.length % 2
      ? sorted[(sorted.length - 1) / 2]
      : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  return `${mid.toFixed(2)} (${sorted[0].toFixed(2)}–${sorted[sorted.length - 1].toFixed(2)})`;
}

const settleDisk = () =>
  new Promise<void>((resolve, reject) => execFile('sync', (err) => (err ? reject(err) : resolve())));

async function main(): Promise<void> {
  const fixture = arg('fixture', 'big') as FixtureName;
  const workflows = arg('workflows', 'm2d').split(',') as Workflow[];
  const runs = Number(arg('runs', '3'));
  const variants = { A: parseEnv(arg('a', 'OCM_TUI_DIRECT_IO=0')), B: parseEnv(arg('b', 'OCM_TUI_DIRECT_IO=1')) };
  const quick = process.argv.includes('--quick');
  const cpuProfDir = process.argv.includes('--cpu-prof') ? arg('cpu-prof', '') : undefined;
  const root = await mkdtemp(join(tmpdir(), 'ocm-ab-'));
  const source = await startRegistry();
  const results = new Map<string, OcmTuiRun[]>();
  const registryCpu = new Map<string, number[]>();
  try {
    const seeded = await seedFixture(source, fixture, quick, () => undefined);
    console.log(`${fixture}: ${seeded.description}; A=${JSON.stringify(variants.A)} B=${JSON.stringify(variants.B)}`);
    for (let run = 0; run < runs; run++) {
      const order = run % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const);
      for (const variant of order) {
        const diskDir = join(root, `disk-${variant}-${run}`);
        for (const workflow of workflows) {
          const jobDir = join(root, `${variant}-${run}-${workflow}`);
          await mkdir(jobDir, { recursive: true });
          const dest = workflow === 'm2d' ? undefined : await startRegistry();
          const saved = { ...process.env };
          Object.assign(process.env, variants[variant]);
          try {
            await settleDisk();
            const registryPids = [source.pid, ...(dest ? [dest.pid] : [])];
            const before = await Promise.all(registryPids.map(cpuOf));
            const result = await runOcmTui(workflow, {
              sourceHost: source.host,
              destHost: dest?.host ?? '',
              jobDir,
              diskDir,
              images: seeded.images,
              cpuProfDir: cpuProfDir ? join(cpuProfDir, `${variant}-${workflow}`) : undefined,
            });
            if (result.exitCode !== 0)
              throw new Error(`${variant} ${workflow} exited ${result.exitCode} (see ${jobDir})`);
            const after = await Promise.all(registryPids.map(cpuOf));
            const key = `${workflow} ${variant}`;
            results.set(key, [...(results.get(key) ?? []), result]);
            const spent = after.reduce((sum, v, i) => sum + v - before[i], 0);
            registryCpu.set(key, [...(registryCpu.get(key) ?? []), spent]);
            console.log(
              `run ${run + 1} ${key}: ${result.seconds.toFixed(2)} s, CPU ${result.cpuSeconds?.toFixed(2)} s (sys ${result.systemCpuSeconds?.toFixed(2)}), RSS ${(result.peakRssBytes / 1e6).toFixed(0)} MB, registries' CPU ${spent.toFixed(2)} s`,
            );
          } finally {
            process.env = saved;
            await dest?.stop();
            await rm(jobDir, { recursive: true, force: true });
          }
        }
        await rm(diskDir, { recursive: true, force: true });
      }
    }
  } finally {
    await source.stop();
    await rm(root, { recursive: true, force: true });
  }
  console.log("\nworkflow variant | wall s | CPU s | system CPU s | peak RSS MB | registries' CPU s");
  for (const [key, list] of results) {
    console.log(
      `${key} | ${stats(list.map((r) => r.seconds))} | ${stats(list.map((r) => r.cpuSeconds ?? NaN))} | ${stats(list.map((r) => r.systemCpuSeconds ?? NaN))} | ${stats(list.map((r) => r.peakRssBytes / 1e6))} | ${stats(registryCpu.get(key) ?? [NaN])}`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
