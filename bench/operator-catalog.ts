/**
 * The operator-catalog scenario of `npm run bench` (issue 13): a Red-Hat-index-sized synthetic catalog
 * (bench/catalog-fixture.ts) in a real source registry, filtered to 5 packages by the real CLI in a real
 * mirror-to-mirror run (catalog pulled into the cache, extracted, filtered, rebuilt, then everything copied to
 * a fresh destination registry). Each run has a fresh workspace, cache and destination.
 *
 * Measured per run, in the CLI's own process (`/usr/bin/time -v` when present, so the peak RSS is that of the
 * node process alone and exact, not sampled): wall time, peak RSS, and from its `--output json` event stream the
 * catalog phase (first `catalog` event with step `resolve` → the `catalog` event with step `done`) and each
 * catalog step's share of it.
 */
import { OCM_TUI_CLI } from './tool-jobs.js';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startRegistry } from '../test/harness/registry-server.js';
import type { RunningRegistry } from '../test/harness/registry-server.js';
import { FULL_PLAN, QUICK_PLAN, seedCatalog } from './catalog-fixture.js';
import type { SeededCatalog } from './catalog-fixture.js';
import { measureCommand } from './process-sampler.js';

const CLI = OCM_TUI_CLI;
const GNU_TIME = '/usr/bin/time';

/** One measured CLI run. */
export interface CatalogSample {
  ok: boolean;
  note?: string;
  /** wall time of the whole CLI process */
  seconds: number;
  peakRssBytes?: number;
  /** how the peak RSS was measured */
  rssMethod: 'time -v' | 'sampled';
  /** first catalog `resolve` → catalog `done` */
  catalogSeconds?: number;
  /** seconds from each catalog step's first event to the next step's */
  steps: Partial<Record<string, number>>;
  /** collection (phase collect → next phase) and copy (phase copy → next) */
  collectSeconds?: number;
  copySeconds?: number;
  packagesKept?: number;
  bundlesKept?: number;
  imagesCopied?: number;
  /** CPU seconds of the CLI process (user + system), when `time -v` measured it */
  cpuSeconds?: number;
}

export interface CatalogScenarioResult {
  catalog: SeededCatalog;
  quick: boolean;
  /** the runs were CPU-profiled (`--catalog-cpu-prof`): their times include the profiler's overhead */
  profiled: boolean;
  samples: CatalogSample[];
}

export interface CatalogScenarioOptions {
  runs: number;
  quick: boolean;
  /** when set, the CLI runs with `--cpu-prof --cpu-prof-dir <dir>/run-N` */
  cpuProfDir?: string;
  /** extra node flags for the CLI (e.g. --max-old-space-size) */
  nodeFlags?: string[];
}

interface EventLine {
  type: string;
  at: number;
  step?: string;
  phase?: string;
  packages?: number;
  bundles?: number;
  summary?: { exitCode: number; imagesTotal: number; imagesOk: number; imagesFailed: number };
}

async function settleDisk(): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    spawn('sync', { stdio: 'ignore' })
      .once('exit', () => resolve())
      .once('error', reject),
  );
}

/** Runs `node CLI args` with stdout (the JSON events) and stderr in separate files; wall time and peak RSS. */
async function runCli(
  args: string[],
  nodeFlags: string[],
  jobDir: string,
): Promise<{
  seconds: number;
  exitCode: number | null;
  peakRssBytes?: number;
  cpuSeconds?: number;
  method: CatalogSample['rssMethod'];
}> {
  const eventsFile = join(jobDir, 'events.jsonl');
  const stderrFile = join(jobDir, 'stderr.log');
  if (!existsSync(GNU_TIME)) {
    // Fallback: the harness' sampler (100 ms VmRSS samples) over stdout+stderr in one file.
    const run = await measureCommand(process.execPath, [...nodeFlags, CLI, ...args], eventsFile);
    return { seconds: run.seconds, exitCode: run.exitCode, peakRssBytes: run.peakRssBytes, method: 'sampled' };
  }
  const timeFile = join(jobDir, 'time-v.txt');
  const out = await open(eventsFile, 'w');
  const err = await open(stderrFile, 'w');
  const started = process.hrtime.bigint();
  try {
    const child = spawn(GNU_TIME, ['-v', '-o', timeFile, process.execPath, ...nodeFlags, CLI, ...args], {
      stdio: ['ignore', out.fd, err.fd],
    });
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => resolve(code));
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const report = await readFile(timeFile, 'utf8').catch(() => '');
    const field = (name: string) => {
      const m = new RegExp(`${name}:\\s*([\\d.]+)`).exec(report);
      return m ? Number(m[1]) : undefined;
    };
    const maxRssKb = field('Maximum resident set size \\(kbytes\\)');
    const user = field('User time \\(seconds\\)');
    const system = field('System time \\(seconds\\)');
    return {
      seconds,
      exitCode,
      peakRssBytes: maxRssKb === undefined ? undefined : maxRssKb * 1024,
      cpuSeconds: user !== undefined && system !== undefined ? user + system : undefined,
      method: 'time -v',
    };
  } finally {
    await out.close();
    await err.close();
  }
}

/** Reads the `--output json` lines (other lines, e.g. stderr in the fallback, are skipped). */
async function readEvents(file: string): Promise<EventLine[]> {
  const events: EventLine[] = [];
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      events.push(JSON.parse(line) as EventLine);
    } catch {
      // not an event line
    }
  }
  return events;
}

/** Catalog phase, per-step times and the copy outcome from the event stream. */
export function analyseEvents(events: EventLine[]): Omit<CatalogSample, 'ok' | 'seconds' | 'rssMethod'> & {
  exitCode?: number;
  imagesFailed?: number;
} {
  const catalog = events.filter((e) => e.type === 'catalog');
  const resolve = catalog.find((e) => e.step === 'resolve');
  const done = catalog.find((e) => e.step === 'done');
  const steps: Partial<Record<string, number>> = {};
  // One entry per step change: the first event of each step until the next step starts.
  const changes: EventLine[] = [];
  for (const e of catalog) if (changes.length === 0 || changes[changes.length - 1].step !== e.step) changes.push(e);
  for (let i = 0; i + 1 < changes.length; i++) {
    const step = changes[i].step ?? '?';
    steps[step] = (steps[step] ?? 0) + (changes[i + 1].at - changes[i].at) / 1000;
  }
  const phases = events.filter((e) => e.type === 'phase');
  const phaseSeconds = (name: string) => {
    const i = phases.findIndex((p) => p.phase === name);
    if (i < 0) return undefined;
    const end = phases[i + 1]?.at ?? events[events.length - 1]?.at;
    return end === undefined ? undefined : (end - phases[i].at) / 1000;
  };
  const summary = events.find((e) => e.type === 'summary')?.summary;
  return {
    catalogSeconds: resolve && done ? (done.at - resolve.at) / 1000 : undefined,
    steps,
    collectSeconds: phaseSeconds('collect'),
    copySeconds: phaseSeconds('copy'),
    packagesKept: done?.packages,
    bundlesKept: done?.bundles,
    imagesCopied: summary?.imagesOk,
    exitCode: summary?.exitCode,
    imagesFailed: summary?.imagesFailed,
  };
}

async function writeIsc(file: string, catalog: SeededCatalog): Promise<void> {
  const isc = {
    kind: 'ImageSetConfiguration',
    apiVersion: 'mirror.openshift.io/v2alpha1',
    mirror: {
      operators: [
        {
          catalog: catalog.reference,
          packages: catalog.filter.map((f) => ({
            name: f.name,
            channels: [{ name: f.channel, minVersion: f.minVersion }],
          })),
        },
      ],
    },
  };
  await writeFile(file, stringify(isc));
}

async function repositories(registry: RunningRegistry): Promise<string[]> {
  const body = (await (await fetch(`${registry.url}/v2/_catalog?n=1000`)).json()) as { repositories?: string[] };
  return body.repositories ?? [];
}

/** One m2m run of the CLI against a fresh destination, workspace and cache. */
async function oneRun(
  catalog: SeededCatalog,
  jobDir: string,
  options: CatalogScenarioOptions,
  run: number,
): Promise<CatalogSample> {
  const dest = await startRegistry();
  try {
    const isc = join(jobDir, 'isc.yaml');
    await writeIsc(isc, catalog);
    const args = [
      '-c',
      isc,
      '--workspace',
      `file://${join(jobDir, 'workspace')}`,
      `docker://${dest.host}`,
      '--dest-tls-verify=false',
      '--src-tls-verify=false',
      '--no-ui',
      '--output',
      'json',
      '--cache-dir',
      join(jobDir, 'cache'),
    ];
    const nodeFlags = [...(options.nodeFlags ?? [])];
    if (options.cpuProfDir) {
      const dir = join(options.cpuProfDir, `run-${run + 1}`);
      await mkdir(dir, { recursive: true });
      nodeFlags.push('--cpu-prof', '--cpu-prof-dir', dir);
    }
    await settleDisk();
    const measured = await runCli(args, nodeFlags, jobDir);
    const analysed = analyseEvents(await readEvents(join(jobDir, 'events.jsonl')));
    const { exitCode, imagesFailed, ...figures } = analysed;
    let note: string | undefined;
    if (measured.exitCode !== 0) note = `exit code ${measured.exitCode} (log: ${jobDir})`;
    else if (exitCode !== 0 || (imagesFailed ?? 0) > 0)
      note = `summary: exit ${exitCode}, ${imagesFailed} images failed`;
    else if (figures.catalogSeconds === undefined) note = 'no catalog resolve/done events';
    else if (figures.packagesKept !== catalog.filter.length)
      note = `the filter kept ${figures.packagesKept} packages, expected ${catalog.filter.length}`;
    else if (!(await repositories(dest)).some((r) => r.endsWith('redhat-operator-index')))
      note = 'the destination has no catalog repository';
    return {
      ok: note === undefined,
      note,
      seconds: measured.seconds,
      peakRssBytes: measured.peakRssBytes,
      cpuSeconds: measured.cpuSeconds,
      rssMethod: measured.method,
      ...figures,
    };
  } finally {
    await dest.stop();
  }
}

/** Seeds the catalog into its own source registry and measures `options.runs` runs. */
export async function runCatalogScenario(
  options: CatalogScenarioOptions,
  scratch: string,
  log: (line: string) => void,
): Promise<CatalogScenarioResult> {
  const source = await startRegistry();
  const seedDir = join(scratch, 'catalog-seed');
  await mkdir(seedDir, { recursive: true });
  try {
    log(`[catalog] seeding the source registry ${source.host} …`);
    const started = Date.now();
    const catalog = await seedCatalog(source, options.quick ? QUICK_PLAN : FULL_PLAN, seedDir, log);
    await rm(seedDir, { recursive: true, force: true });
    log(
      `[catalog] seeded in ${((Date.now() - started) / 1000).toFixed(1)} s: ${catalog.packages} packages × ${
        catalog.bundles / catalog.packages
      } bundles, ${(catalog.fbcBytes / 1e6).toFixed(1)} MB FBC (${(catalog.layerBytes / 1e6).toFixed(1)} MB gzip'd)`,
    );
    const samples: CatalogSample[] = [];
    for (let run = 0; run < options.runs; run++) {
      const jobDir = join(scratch, `catalog-${run}`);
      await mkdir(jobDir, { recursive: true });
      log(`[catalog] run ${run + 1}/${options.runs} ocm-tui m2m …`);
      const sample = await oneRun(catalog, jobDir, options, run);
      samples.push(sample);
      const step = (name: string) =>
        sample.steps[name] === undefined ? '' : ` ${name} ${sample.steps[name]!.toFixed(2)}`;
      log(
        `[catalog] run ${run + 1}/${options.runs}: ${
          sample.ok
            ? `catalog ${sample.catalogSeconds!.toFixed(2)} s (${['resolve', 'pull', 'extract', 'filter', 'rebuild']
                .map(step)
                .join('')
                .trim()}), whole run ${sample.seconds.toFixed(2)} s`
            : `FAILED (${sample.note})`
        }${sample.peakRssBytes ? `, peak RSS ${(sample.peakRssBytes / 1e6).toFixed(0)} MB` : ''}${
          sample.cpuSeconds !== undefined ? `, CPU ${sample.cpuSeconds.toFixed(2)} s` : ''
        }`,
      );
      if (sample.ok) await rm(jobDir, { recursive: true, force: true });
    }
    return { catalog, quick: options.quick, profiled: options.cpuProfDir !== undefined, samples };
  } finally {
    await source.stop();
  }
}
