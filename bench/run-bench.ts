import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRegistry } from '../test/harness/registry-server.js';
import type { RunningRegistry } from '../test/harness/registry-server.js';
import { parseBenchOptions } from './bench-options.js';
import type { BenchOptions } from './bench-options.js';
import { seedFixture } from './fixtures.js';
import type { SeededFixture } from './fixtures.js';
import { commitDescription, machineFacts } from './machine-facts.js';
import { runCatalogScenario } from './operator-catalog.js';
import type { CatalogScenarioResult } from './operator-catalog.js';
import { runReleasePayloadScenario } from './release-payload.js';
import { NOTES_MARKER, writeReport } from './report-file.js';
import { parsePreviousReport, renderResults, TOOLS } from './results-report.js';
import type { FixtureSummary, PreviousReport, Sample, Tool } from './results-report.js';
import { runOcmTui, runSkopeo, WORKFLOWS } from './tool-jobs.js';
import type { JobContext, Workflow } from './tool-jobs.js';
import { wireDiskToMirror, wireMirrorToDisk, wireMirrorToMirror } from './wire-limit.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MB = 1e6;

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  return total;
}

/** Tags the destination holds over all its repositories: a cheap check that a job really mirrored everything. */
async function destinationTagCount(registry: RunningRegistry): Promise<number> {
  const catalog = (await (await fetch(`${registry.url}/v2/_catalog`)).json()) as { repositories?: string[] };
  let tags = 0;
  for (const repository of catalog.repositories ?? []) {
    const list = (await (await fetch(`${registry.url}/v2/${repository}/tags/list`)).json()) as {
      tags?: string[] | null;
    };
    tags += list.tags?.length ?? 0;
  }
  return tags;
}

/** Flushes dirty pages to disk (`sync`) so no job pays for the writeback of the one before it. */
async function settleDisk(): Promise<void> {
  await new Promise<void>((resolve, reject) => execFile('sync', (err) => (err ? reject(err) : resolve())));
}

/** Runs one job; returns a failure note or undefined. */
async function runJob(
  tool: Tool,
  workflow: Workflow,
  ctx: JobContext,
  options: BenchOptions,
): Promise<{ seconds: number; peakRssBytes?: number; note?: string }> {
  if (tool === 'wire') {
    const started = process.hrtime.bigint();
    const blobsDir = join(ctx.diskDir, 'blobs');
    try {
      if (workflow === 'm2m')
        await wireMirrorToMirror(ctx.sourceHost, ctx.destHost, ctx.images, options.wireConcurrency);
      else if (workflow === 'm2d')
        await wireMirrorToDisk(ctx.sourceHost, ctx.images, blobsDir, options.wireConcurrency);
      else await wireDiskToMirror(ctx.destHost, ctx.images, blobsDir, options.wireConcurrency);
    } catch (error) {
      return { seconds: 0, note: (error as Error).message };
    }
    return { seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  }
  const run =
    tool === 'ocm-tui' ? await runOcmTui(workflow, ctx) : await runSkopeo(workflow, ctx, options.skopeoProcesses);
  const note = run.exitCode === 0 ? undefined : `exit code ${run.exitCode} (log: ${ctx.jobDir})`;
  return { seconds: run.seconds, peakRssBytes: run.peakRssBytes, note };
}

async function benchFixture(
  fixture: SeededFixture,
  source: RunningRegistry,
  options: BenchOptions,
  samples: Sample[],
  scratch: string,
): Promise<void> {
  for (let run = 0; run < options.runs; run++) {
    // Alternate which tool goes first so cache/disk warm-up effects do not always favour the same one.
    const order = TOOLS.map((_, i) => TOOLS[(i + run) % TOOLS.length]);
    for (const tool of order) {
      const diskDir = join(scratch, `${fixture.name}-${run}-${tool}-disk`);
      await mkdir(diskDir, { recursive: true });
      for (const workflow of WORKFLOWS) {
        const jobDir = join(scratch, `${fixture.name}-${run}-${tool}-${workflow}`);
        await mkdir(jobDir, { recursive: true });
        const dest = workflow === 'm2d' ? undefined : await startRegistry();
        let keepLogs = false;
        try {
          const ctx: JobContext = {
            sourceHost: source.host,
            destHost: dest?.host ?? '127.0.0.1:1',
            jobDir,
            diskDir,
            images: fixture.images,
          };
          // Every job starts on a settled disk: the previous job's unsynced writes (skopeo's dir output, a
          // cache) must not be written back during — and billed to — the next job.
          await settleDisk();
          log(`[${fixture.name}] run ${run + 1}/${options.runs} ${tool} ${workflow} …`);
          const result = await runJob(tool, workflow, ctx, options);
          let note = result.note;
          if (!note && dest) {
            const found = await destinationTagCount(dest);
            if (found < fixture.images.length) note = `destination holds ${found} of ${fixture.images.length} tags`;
          }
          if (!note && workflow === 'm2d') {
            const written = await dirBytes(diskDir);
            if (written < fixture.uniqueBlobBytes) note = `wrote only ${written} of ${fixture.uniqueBlobBytes} bytes`;
          }
          keepLogs = note !== undefined;
          samples.push({
            fixture: fixture.name,
            workflow,
            tool,
            seconds: result.seconds,
            peakRssBytes: result.peakRssBytes,
            ok: note === undefined,
            note,
          });
          const bytes = workflow === 'm2d' ? fixture.uniqueBlobBytes : fixture.transferBytes;
          log(
            `[${fixture.name}] run ${run + 1}/${options.runs} ${tool} ${workflow}: ${
              note
                ? `FAILED (${note})`
                : `${result.seconds.toFixed(2)} s, ${(bytes / MB / result.seconds).toFixed(1)} MB/s`
            }${result.peakRssBytes ? `, peak RSS ${(result.peakRssBytes / MB).toFixed(0)} MB` : ''}`,
          );
        } finally {
          await dest?.stop();
          if (!keepLogs) await rm(jobDir, { recursive: true, force: true });
        }
      }
      await rm(diskDir, { recursive: true, force: true });
    }
  }
}

/** The generated part of the results file this run replaces (its sections of scenarios not run are kept). */
async function previousReport(path: string): Promise<PreviousReport | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const at = text.indexOf(NOTES_MARKER);
  return parsePreviousReport(at >= 0 ? text.slice(0, at) : text);
}

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2), join(REPO_ROOT, 'bench', 'RESULTS.md'));
  const machine = machineFacts();
  const startLoad = loadavg()[0];
  log(
    `ocm-tui bench: ${[
      ...options.fixtures,
      ...(options.catalog ? ['catalog'] : []),
      ...(options.releasePayload ? ['release-payload'] : []),
    ].join(', ')}, ${options.runs} run(s)${options.quick ? ', quick' : ''}`,
  );
  for (const m of machine) log(`  ${m}`);
  const samples: Sample[] = [];
  const summaries: FixtureSummary[] = [];
  let catalog: CatalogScenarioResult | undefined;
  // Not a harness temp dir: those are removed at exit, and the logs of failed jobs must survive.
  const scratch = await mkdtemp(join(tmpdir(), 'ocm-bench-'));
  try {
    for (const name of options.fixtures) {
      const source = await startRegistry();
      try {
        log(`[${name}] seeding the source registry ${source.host} …`);
        const started = Date.now();
        let lastReport = 0;
        const fixture = await seedFixture(source, name, options.quick, (done, total) => {
          if (done === total || Date.now() - lastReport > 5000) {
            lastReport = Date.now();
            log(`[${name}]   pushed ${done}/${total} images`);
          }
        });
        log(
          `[${name}] seeded in ${((Date.now() - started) / 1000).toFixed(1)} s: ${fixture.description}; ${(
            fixture.transferBytes / MB
          ).toFixed(1)} MB registry-bound`,
        );
        summaries.push({
          name,
          description: fixture.description,
          transferBytes: fixture.transferBytes,
          uniqueBlobBytes: fixture.uniqueBlobBytes,
        });
        await benchFixture(fixture, source, options, samples, scratch);
      } finally {
        await source.stop();
      }
    }
    if (options.catalog) {
      catalog = await runCatalogScenario(
        { runs: options.runs, quick: options.quick, cpuProfDir: options.catalogCpuProfDir },
        scratch,
        log,
      );
    }
    if (options.releasePayload) {
      const started = Date.now();
      const payload = await runReleasePayloadScenario(
        {
          runs: options.runs,
          quick: options.quick,
          skopeoProcesses: options.payloadSkopeoProcesses,
          wireConcurrency: options.wireConcurrency,
          cpuProfDir: options.payloadCpuProfDir,
        },
        scratch,
        log,
      );
      summaries.push(payload.summary);
      samples.push(...payload.samples);
      log(`[release-payload] done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
  } finally {
    const failedLogs = samples.some((s) => !s.ok) || (catalog?.samples.some((s) => !s.ok) ?? false);
    if (!failedLogs) await rm(scratch, { recursive: true, force: true });
    else log(`logs of failed jobs kept under ${scratch}`);
  }
  machine.push(
    `Load average (1 min) at start ${startLoad.toFixed(1)}, at end ${loadavg()[0].toFixed(1)} (other engineers' builds and tests ran concurrently)`,
  );
  const text = renderResults({
    date: new Date().toISOString(),
    commit: commitDescription(REPO_ROOT),
    runs: options.runs,
    quick: options.quick,
    skopeoProcesses: options.skopeoProcesses,
    wireConcurrency: options.wireConcurrency,
    machine,
    fixtures: summaries,
    samples,
    catalog,
    previous: await previousReport(options.resultsFile),
  });
  await writeReport(options.resultsFile, text);
  log(`wrote ${options.resultsFile}`);
  process.stdout.write(`\n${text}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
