import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRegistry } from '../test/harness/registry-server.js';
import type { RunningRegistry } from '../test/harness/registry-server.js';
import { parseBenchOptions, RELEASE_SIZED_WIRE_CONCURRENCY, wireLevelsFor } from './bench-options.js';
import type { BenchOptions } from './bench-options.js';
import { seedFixture } from './fixtures.js';
import type { SeededFixture } from './fixtures.js';
import { commitDescription, machineFacts } from './machine-facts.js';
import { runCatalogScenario } from './operator-catalog.js';
import type { CatalogScenarioResult } from './operator-catalog.js';
import { childrenCpu, runReleasePayloadScenario } from './release-payload.js';
import { NOTES_MARKER, writeReport } from './report-file.js';
import { parsePreviousReport, renderResults } from './results-report.js';
import type { FixtureSummary, PreviousReport, Sample, Tool } from './results-report.js';
import { runOcmTui, runSkopeo, runSkopeoOciLayouts, WORKFLOWS } from './tool-jobs.js';
import type { JobContext, OcmTuiRun, Workflow } from './tool-jobs.js';
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

/** One tool configuration of a copy fixture: ocm-tui, skopeo with N processes, or the wire limit at N requests. */
export interface Variant {
  tool: Tool;
  /** label in RESULTS.md (of every workflow, unless `diskConfig`) */
  config: string;
  /** label of the m2d and d2m jobs when they run differently from m2m (skopeo copy through OCI layouts) */
  diskConfig?: string;
  /** skopeo: concurrent `skopeo sync` (or, with `ociLayouts`, `skopeo copy`) processes */
  processes?: number;
  /** skopeo: m2d/d2m as `skopeo copy` through one OCI layout per process instead of `skopeo sync` to dirs */
  ociLayouts?: boolean;
  /** wire: concurrent raw requests */
  concurrency?: number;
}

/** A variant's label for one workflow. */
function labelOf(variant: Variant, workflow: Workflow): string {
  return workflow !== 'm2m' && variant.diskConfig ? variant.diskConfig : variant.config;
}

/**
 * The configurations a fixture runs: ocm-tui with its defaults; skopeo as each process count of
 * `--skopeo-procs` and one process per image when the fixture has few images (counts above the number of images
 * are the same job, so they run once); the wire limit at each of `wireLevels` (levels above the number of blobs
 * are the same job too). With `skopeoDisk: 'oci-layouts'` skopeo's m2d/d2m jobs copy through OCI layouts.
 */
export function variantsFor(
  images: number,
  blobs: number,
  options: BenchOptions,
  fixture: { wireLevels: number[]; skopeoDisk: SeededFixture['skopeoDisk'] },
): Variant[] {
  const variants: Variant[] = [{ tool: 'ocm-tui', config: 'ocm-tui' }];
  const processes = [...options.skopeoProcesses, ...(images <= options.skopeoPerImageMax ? [images] : [])];
  const seenProcesses = new Set<number>();
  for (const n of processes) {
    const effective = Math.min(n, images);
    if (seenProcesses.has(effective)) continue;
    seenProcesses.add(effective);
    const label =
      effective === 1
        ? 'skopeo sync ×1 (one process)'
        : effective === images
          ? `skopeo sync ×${effective} (one process per image)`
          : `skopeo sync ×${effective}`;
    if (fixture.skopeoDisk === 'oci-layouts')
      variants.push({
        tool: 'skopeo',
        config: label,
        diskConfig:
          effective === 1
            ? 'skopeo copy ×1 (one process, one OCI layout)'
            : `skopeo copy ×${effective} (one OCI layout per process)`,
        processes: effective,
        ociLayouts: true,
      });
    else variants.push({ tool: 'skopeo', config: label, processes: effective });
  }
  const seenLevels = new Set<number>();
  for (const c of fixture.wireLevels) {
    const effective = Math.min(c, blobs);
    if (seenLevels.has(effective)) continue;
    seenLevels.add(effective);
    variants.push({
      tool: 'wire',
      config: effective < c ? `wire ×${c} (${blobs} blobs)` : `wire ×${c}`,
      concurrency: c,
    });
  }
  return variants;
}

/** Runs one job; returns a failure note or undefined. */
async function runJob(
  variant: Variant,
  workflow: Workflow,
  ctx: JobContext,
): Promise<{ seconds: number; peakRssBytes?: number; cpuSeconds?: number; systemCpuSeconds?: number; note?: string }> {
  if (variant.tool === 'wire') {
    const started = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    const blobsDir = join(ctx.diskDir, 'blobs');
    const concurrency = variant.concurrency ?? 20;
    try {
      if (workflow === 'm2m') await wireMirrorToMirror(ctx.sourceHost, ctx.destHost, ctx.images, concurrency);
      else if (workflow === 'm2d') await wireMirrorToDisk(ctx.sourceHost, ctx.images, blobsDir, concurrency);
      else await wireDiskToMirror(ctx.destHost, ctx.images, blobsDir, concurrency);
    } catch (error) {
      return { seconds: 0, note: (error as Error).message };
    }
    const cpu = process.cpuUsage(cpuBefore);
    return { seconds: Number(process.hrtime.bigint() - started) / 1e9, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  }
  const childrenBefore = await childrenCpu();
  let run: OcmTuiRun;
  try {
    run =
      variant.tool === 'ocm-tui'
        ? await runOcmTui(workflow, ctx)
        : variant.ociLayouts && workflow !== 'm2m'
          ? await runSkopeoOciLayouts(workflow, ctx, variant.processes ?? 4)
          : await runSkopeo(workflow, ctx, variant.processes ?? 4);
  } catch (error) {
    return { seconds: 0, note: (error as Error).message };
  }
  // ocm-tui: its node process, from the preload; skopeo: its whole process tree (waited-for children).
  const cpuSeconds = variant.tool === 'ocm-tui' ? run.cpuSeconds : (await childrenCpu()) - childrenBefore;
  const note = run.exitCode === 0 ? undefined : `exit code ${run.exitCode} (log: ${ctx.jobDir})`;
  const systemCpuSeconds = variant.tool === 'ocm-tui' ? run.systemCpuSeconds : undefined;
  return { seconds: run.seconds, peakRssBytes: run.peakRssBytes, cpuSeconds, systemCpuSeconds, note };
}

function slug(text: string): string {
  return text.replace(/[^a-z0-9]+/gi, '-').replace(/-+$/, '');
}

async function benchFixture(
  fixture: SeededFixture,
  source: RunningRegistry,
  options: BenchOptions,
  samples: Sample[],
  scratch: string,
): Promise<void> {
  const blobs = new Set(fixture.images.flatMap((i) => i.blobs.map((b) => `${i.repository}@${b.digest}`))).size;
  const variants = variantsFor(fixture.images.length, blobs, options, {
    wireLevels: wireLevelsFor(fixture.name, options),
    skopeoDisk: fixture.skopeoDisk,
  });
  log(
    `[${fixture.name}] configurations: ${variants
      .map((v) => (v.diskConfig ? `${v.config} / ${v.diskConfig}` : v.config))
      .join(', ')}`,
  );
  for (let run = 0; run < options.runs; run++) {
    // Rotate the order every run so cache/disk warm-up effects do not always favour the same tool.
    const order = variants.map((_, i) => variants[(i + run) % variants.length]);
    for (const variant of order) {
      const name = slug(variant.config);
      const diskDir = join(scratch, `${fixture.name}-${run}-${name}-disk`);
      await mkdir(diskDir, { recursive: true });
      for (const workflow of WORKFLOWS) {
        const label = labelOf(variant, workflow);
        const jobDir = join(scratch, `${fixture.name}-${run}-${name}-${workflow}`);
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
            cpuProfDir:
              options.ocmCpuProfDir && variant.tool === 'ocm-tui'
                ? join(options.ocmCpuProfDir, `${fixture.name}-${workflow}-run${run + 1}`)
                : undefined,
          };
          // Every job starts on a settled disk: the previous job's unsynced writes (skopeo's dir output, a
          // cache) must not be written back during — and billed to — the next job.
          await settleDisk();
          log(`[${fixture.name}] run ${run + 1}/${options.runs} ${label} ${workflow} …`);
          const result = await runJob(variant, workflow, ctx);
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
            tool: variant.tool,
            config: label,
            seconds: result.seconds,
            peakRssBytes: result.peakRssBytes,
            cpuSeconds: result.cpuSeconds,
            ok: note === undefined,
            note,
          });
          const bytes = workflow === 'm2d' ? fixture.uniqueBlobBytes : fixture.transferBytes;
          log(
            `[${fixture.name}] run ${run + 1}/${options.runs} ${label} ${workflow}: ${
              note
                ? `FAILED (${note})`
                : `${result.seconds.toFixed(2)} s, ${(bytes / MB / result.seconds).toFixed(1)} MB/s`
            }${result.peakRssBytes ? `, peak RSS ${(result.peakRssBytes / MB).toFixed(0)} MB` : ''}${
              result.cpuSeconds !== undefined
                ? `, CPU ${result.cpuSeconds.toFixed(2)} s${
                    result.systemCpuSeconds !== undefined ? ` (system ${result.systemCpuSeconds.toFixed(2)} s)` : ''
                  }`
                : ''
            }, load ${loadavg()[0].toFixed(1)}`,
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

/**
 * RESULTS.md paragraphs on how a fixture's tools run, where it differs from the other fixtures (so far: the
 * fixtures whose skopeo m2d/d2m go through OCI layouts, i.e. release-sized).
 */
function configurationNotes(fixture: SeededFixture, options: BenchOptions): string[] {
  if (fixture.skopeoDisk !== 'oci-layouts') return [];
  const processes = [...new Set(options.skopeoProcesses.map((n) => Math.min(n, fixture.images.length)))];
  const counts = processes.map((n) => `×${n}`).join(' and ');
  const levels = wireLevelsFor(fixture.name, options);
  const pairs = new Set(fixture.images.flatMap((i) => i.blobs.map((b) => `${i.repository}@${b.digest}`))).size;
  const defaultLevels = levels.join() === RELEASE_SIZED_WIRE_CONCURRENCY.join();
  return [
    `ocm-tui as for the other fixtures (an ISC listing the ${fixture.images.length} images under \`additionalImages\`). skopeo ${counts} processes (--skopeo-procs), ocm-tui compared against the fastest median of each workflow: m2m \`skopeo sync --src yaml --dest docker\`, as for the other fixtures; m2d \`skopeo copy --all --preserve-digests --retry-times 0 docker://SOURCE/<repo>:<tag> oci:DIR/part-<P>:<repo>_<tag>\`, one OCI layout per process; d2m \`skopeo copy --all --preserve-digests --retry-times 0 oci:DIR/part-<P>:<repo>_<tag> docker://DEST/<repo>:<tag>\` from the layouts the m2d job of the same configuration wrote; each process runs its share of the images one after the other, shares balanced by bytes (largest image first to the least loaded process). Wire limit at ${levels.join(
      ' and ',
    )} concurrent requests${
      defaultLevels
        ? ` (not 64: over ${pairs} (repository, blob) pairs there is no shortage of parallel work at 20, and 64 gained nothing over 20 on the big and release fixtures, within ±4 %)`
        : ' (--wire-concurrency)'
    }.`,
  ];
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
          details: [...(fixture.details ?? []), ...configurationNotes(fixture, options)],
          transferBytes: fixture.transferBytes,
          uniqueBlobBytes: fixture.uniqueBlobBytes,
          images: fixture.images.length,
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
          wireConcurrency: options.payloadWireConcurrency,
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
    `Load average (1 min) at start ${startLoad.toFixed(1)}, at end ${loadavg()[0].toFixed(1)}; the machine ran nothing but this bench`,
  );
  const text = renderResults({
    date: new Date().toISOString(),
    commit: commitDescription(REPO_ROOT),
    runs: options.runs,
    quick: options.quick,
    skopeoProcesses: options.skopeoProcesses,
    skopeoPerImageMax: options.skopeoPerImageMax,
    wireConcurrency: options.wireConcurrency,
    releaseSizedWireConcurrency: options.releaseSizedWireConcurrency,
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
