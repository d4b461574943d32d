import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { PushedImage } from '../test/harness/fixture-images.js';
import { measureCommand } from './process-sampler.js';
import type { MeasuredRun } from './process-sampler.js';

/** The three workflows of the bench. */
export type Workflow = 'm2m' | 'm2d' | 'd2m';
export const WORKFLOWS: Workflow[] = ['m2m', 'm2d', 'd2m'];

/** Where one job runs: scratch dirs and registries. */
export interface JobContext {
  sourceHost: string;
  /** empty destination registry (m2m, d2m) */
  destHost: string;
  /** fresh scratch dir of this job */
  jobDir: string;
  /** mirror-to-disk output of this tool in this run; d2m reads it */
  diskDir: string;
  images: PushedImage[];
  /** write a V8 CPU profile of the ocm-tui process into this directory (its times then include the profiler) */
  cpuProfDir?: string;
}

/**
 * The CLI as it ships: dist/ocm-tui.mjs (package.json "bin"), relative to this compiled file
 * (dist/bench/tool-jobs.js). It starts ~0.1 s sooner than the unbundled dist/source/cli.js (one file to load
 * instead of hundreds of modules), and that is what users run.
 */
export const OCM_TUI_CLI = fileURLToPath(new URL('../ocm-tui.mjs', import.meta.url));
const CLI = OCM_TUI_CLI;

/** Writes the ImageSetConfiguration listing every image of the fixture. */
export async function writeIsc(file: string, sourceHost: string, images: PushedImage[]): Promise<void> {
  const isc = {
    kind: 'ImageSetConfiguration',
    apiVersion: 'mirror.openshift.io/v2alpha1',
    mirror: { additionalImages: images.map((i) => ({ name: `${sourceHost}/${i.repository}:${i.tag}` })) },
  };
  await writeFile(file, stringify(isc));
}

/** bench/cpu-at-exit.ts, preloaded into the measured ocm-tui process to report its own CPU time. */
export const CPU_PRELOAD = fileURLToPath(new URL('./cpu-at-exit.js', import.meta.url));

/** A measured ocm-tui run, with the CPU seconds (user + system) of its node process. */
export interface OcmTuiRun extends MeasuredRun {
  cpuSeconds?: number;
  /** the system (kernel) part of cpuSeconds */
  systemCpuSeconds?: number;
}

/**
 * Runs one ocm-tui workflow as a child process (`--no-ui`), with bench/cpu-at-exit.ts preloaded so that its own
 * CPU time (user + system of the node process) is known.
 */
export async function runOcmTui(workflow: Workflow, ctx: JobContext): Promise<OcmTuiRun> {
  const isc = join(ctx.jobDir, 'isc.yaml');
  await writeIsc(isc, ctx.sourceHost, ctx.images);
  const common = ['--no-ui', '-c', isc, '--cache-dir', join(ctx.jobDir, 'cache')];
  const args: Record<Workflow, string[]> = {
    m2m: [
      ...common,
      '--workspace',
      `file://${join(ctx.jobDir, 'workspace')}`,
      `docker://${ctx.destHost}`,
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
    ],
    m2d: [...common, `file://${ctx.diskDir}`, '--src-tls-verify=false'],
    d2m: [...common, '--from', `file://${ctx.diskDir}`, `docker://${ctx.destHost}`, '--dest-tls-verify=false'],
  };
  const cpuFile = join(ctx.jobDir, 'ocm-tui-cpu.json');
  const run = await measureCommand(
    process.execPath,
    [
      '--import',
      CPU_PRELOAD,
      ...(ctx.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', ctx.cpuProfDir] : []),
      CLI,
      ...args[workflow],
    ],
    join(ctx.jobDir, 'ocm-tui.log'),
    { ...process.env, OCM_TUI_CPU_FILE: cpuFile },
  );
  const cpu = await readFile(cpuFile, 'utf8')
    .then((text) => JSON.parse(text) as { user: number; system: number })
    .catch(() => undefined);
  return {
    ...run,
    cpuSeconds: cpu ? (cpu.user + cpu.system) / 1e6 : undefined,
    systemCpuSeconds: cpu ? cpu.system / 1e6 : undefined,
  };
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Splits the images round-robin into `n` non-empty groups. */
function partition<T>(items: T[], n: number): T[][] {
  const groups: T[][] = Array.from({ length: Math.min(n, items.length) }, () => []);
  items.forEach((item, i) => groups[i % groups.length].push(item));
  return groups;
}

/**
 * Runs one workflow with `processes` concurrent `skopeo sync` processes, each over its share of the images
 * (skopeo sync copies one image at a time; ocm-tui copies 4 at once by default). Measured as one process tree.
 */
export async function runSkopeo(workflow: Workflow, ctx: JobContext, processes: number): Promise<MeasuredRun> {
  const groups = partition(ctx.images, processes);
  const commands: string[][] = [];
  for (const [g, group] of groups.entries()) {
    const yamlFile = join(ctx.jobDir, `skopeo-sync-${g}.yaml`);
    const byRepo: Record<string, string[]> = {};
    for (const image of group) (byRepo[image.repository] ??= []).push(image.tag ?? image.digest);
    await writeFile(yamlFile, stringify({ [ctx.sourceHost]: { 'tls-verify': false, images: byRepo } }));
    const part = join(ctx.diskDir, `part-${g}`);
    const base = ['skopeo', 'sync', '--retry-times', '0'];
    if (workflow === 'm2m')
      commands.push([...base, '--src', 'yaml', '--dest', 'docker', '--dest-tls-verify=false', yamlFile, ctx.destHost]);
    else if (workflow === 'm2d') commands.push([...base, '--src', 'yaml', '--dest', 'dir', yamlFile, part]);
    else commands.push([...base, '--src', 'dir', '--dest', 'docker', '--dest-tls-verify=false', part, ctx.destHost]);
  }
  const mkdirs =
    workflow === 'm2d'
      ? `mkdir -p ${groups.map((_, g) => shellQuote(join(ctx.diskDir, `part-${g}`))).join(' ')}\n`
      : '';
  const script =
    `${mkdirs}pids=""\n` +
    commands.map((c) => `${c.map(shellQuote).join(' ')} & pids="$pids $!"`).join('\n') +
    `\nrc=0\nfor p in $pids; do wait $p || rc=1; done\nexit $rc\n`;
  return measureCommand('bash', ['-c', script], join(ctx.jobDir, 'skopeo.log'));
}

/** One `skopeo copy` of a job list: transport-qualified source and destination, and the bytes it moves. */
export interface CopyJob {
  source: string;
  destination: string;
  /** used only to balance the processes' shares */
  bytes: number;
}

/**
 * Runs `jobs` as `skopeo copy <flags> SOURCE DEST` commands spread over `processes` concurrent workers, each
 * running its share one after the other (measured as one process tree). The shares are balanced by bytes
 * (largest job first to the least loaded worker), so no worker is left with a tail of big images.
 * `destinationFor(job, worker)` may rewrite a job's destination per worker (e.g. one OCI layout per worker, as
 * concurrent writers of one layout would race on its index.json).
 */
export async function runSkopeoCopies(
  jobs: CopyJob[],
  processes: number,
  flags: string[],
  logFile: string,
  destinationFor: (job: CopyJob, worker: number) => string = (job) => job.destination,
): Promise<MeasuredRun> {
  const workers: { bytes: number; jobs: CopyJob[] }[] = Array.from(
    { length: Math.max(1, Math.min(processes, jobs.length)) },
    () => ({ bytes: 0, jobs: [] }),
  );
  for (const job of [...jobs].sort((a, b) => b.bytes - a.bytes)) {
    const least = workers.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    least.jobs.push(job);
    least.bytes += job.bytes;
  }
  const script =
    `pids=""\n` +
    workers
      .map(
        (w, i) =>
          `(\nrc=0\n${w.jobs
            .map((j) =>
              ['skopeo', 'copy', ...flags, j.source, destinationFor(j, i)].map(shellQuote).join(' ').concat(' || rc=1'),
            )
            .join('\n')}\nexit $rc\n) & pids="$pids $!"`,
      )
      .join('\n') +
    `\nrc=0\nfor p in $pids; do wait $p || rc=1; done\nexit $rc\n`;
  // A file, not `bash -c`: a release's job list is longer than one argument may be.
  const scriptFile = `${logFile}.sh`;
  await writeFile(scriptFile, script);
  return measureCommand('bash', [scriptFile], logFile);
}

/** An image's name inside an OCI layout: `/` and `:` of `name` (e.g. `repo:tag`) become `_`. */
function ociLayoutName(name: string): string {
  return name.replace(/[/:]/g, '_');
}

/**
 * `oci:<diskDir>/part-<worker>:<name>`: where worker `worker` of a {@link runSkopeoCopies} job list writes an
 * image into its own OCI layout (concurrent writers of one layout would race on its index.json).
 */
export function ociLayoutReference(diskDir: string, worker: number, name: string): string {
  return `oci:${join(diskDir, `part-${worker}`)}:${ociLayoutName(name)}`;
}

/** Every image the OCI layouts `<diskDir>/part-*` hold: its name in the layout → its `oci:` reference. */
async function ociLayoutImages(diskDir: string): Promise<Map<string, string>> {
  const images = new Map<string, string>();
  for (const part of await readdir(diskDir)) {
    if (!part.startsWith('part-')) continue;
    const index = JSON.parse(await readFile(join(diskDir, part, 'index.json'), 'utf8')) as {
      manifests?: { annotations?: Record<string, string> }[];
    };
    for (const m of index.manifests ?? []) {
      const name = m.annotations?.['org.opencontainers.image.ref.name'];
      if (name) images.set(name, `oci:${join(diskDir, part)}:${name}`);
    }
  }
  return images;
}

/**
 * skopeo's m2d and d2m at its best for images that share big blobs: `skopeo copy --all --preserve-digests` of
 * every image, `processes` at once (shares balanced by bytes, {@link runSkopeoCopies}). m2d writes into one OCI
 * layout per process under `ctx.diskDir` (blobs stored once per layout; `skopeo sync --dest dir` would write the
 * shared blobs into every image's dir); d2m copies every image from the layout the m2d job put it in to the
 * destination registry. Throws when a d2m source image is missing from the layouts.
 */
export async function runSkopeoOciLayouts(
  workflow: 'm2d' | 'd2m',
  ctx: JobContext,
  processes: number,
): Promise<MeasuredRun> {
  const flags = ['--all', '--preserve-digests', '--retry-times', '0'];
  const logFile = join(ctx.jobDir, 'skopeo.log');
  const bytes = (image: PushedImage) => image.blobs.reduce((a, b) => a + b.size, 0);
  const reference = (image: PushedImage) => `${image.repository}${image.tag ? `:${image.tag}` : `@${image.digest}`}`;
  if (workflow === 'm2d') {
    const jobs = ctx.images.map((image) => ({
      source: `docker://${ctx.sourceHost}/${reference(image)}`,
      destination: reference(image),
      bytes: bytes(image),
    }));
    return runSkopeoCopies(jobs, processes, [...flags, '--src-tls-verify=false'], logFile, (job, worker) =>
      ociLayoutReference(ctx.diskDir, worker, job.destination),
    );
  }
  const layouts = await ociLayoutImages(ctx.diskDir);
  const jobs = ctx.images.map((image) => {
    const name = ociLayoutName(reference(image));
    const source = layouts.get(name);
    if (!source) throw new Error(`no image ${name} in the OCI layouts under ${ctx.diskDir}`);
    return { source, destination: `docker://${ctx.destHost}/${reference(image)}`, bytes: bytes(image) };
  });
  return runSkopeoCopies(jobs, processes, [...flags, '--dest-tls-verify=false'], logFile);
}
