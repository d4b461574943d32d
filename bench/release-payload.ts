/**
 * The `release-payload` scenario of `npm run bench` (issue 14): a release-sized signed payload
 * (bench/release-payload-fixture.ts) mirrored through the real release collector — Cincinnati graph and signature
 * from a local server (test/harness/release-fixture.ts), the signature verified against the throwaway key,
 * `release-manifests/` pulled out of the payload — by `ocm-tui` with an ISC of one channel, against skopeo
 * copying the very same images (payload + components, `--all --preserve-digests`) with N processes, and the
 * wire limit of the same bytes.
 *
 * Workflows: m2m (`--workspace file://W docker://DEST`) and m2d (`file://DIR`). Every job has a fresh
 * destination registry / output dir and cache; the tools alternate their order every run.
 */
import { OCM_TUI_CLI } from './tool-jobs.js';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { stringify } from 'yaml';
import { startRegistry } from '../test/harness/registry-server.js';
import type { RunningRegistry } from '../test/harness/registry-server.js';
import { generateSigningKey, startReleaseServer } from '../test/harness/release-fixture.js';
import { measureCommand } from './process-sampler.js';
import type { MeasuredRun } from './process-sampler.js';
import { FULL_PAYLOAD, QUICK_PAYLOAD, seedReleasePayload } from './release-payload-fixture.js';
import type { SeededPayload } from './release-payload-fixture.js';
import { TOOLS } from './results-report.js';
import type { FixtureSummary, Sample, Tool } from './results-report.js';
import { ociLayoutReference, runSkopeoCopies } from './tool-jobs.js';
import type { CopyJob } from './tool-jobs.js';
import { wireMirrorToDisk, wireMirrorToMirror } from './wire-limit.js';

const CLI = OCM_TUI_CLI;
const MB = 1e6;
export const PAYLOAD_CHANNEL = 'stable-4.99';
const WORKFLOWS = ['m2m', 'm2d'] as const;
export type PayloadWorkflow = (typeof WORKFLOWS)[number];

export interface PayloadScenarioOptions {
  runs: number;
  quick: boolean;
  /** concurrent `skopeo copy` processes */
  skopeoProcesses: number;
  /** concurrent raw requests of the wire-limit jobs */
  wireConcurrency: number;
  /** when set, ocm-tui runs with `--cpu-prof --cpu-prof-dir <dir>/<workflow>-run-N` */
  cpuProfDir?: string;
  /** only these tools (default all) */
  tools?: Tool[];
}

/** Where an ocm-tui run spent its time, from its `--output json` event stream. */
export interface PayloadPhases {
  workflow: PayloadWorkflow;
  seconds: number;
  /** launch → first event (node start-up, module loading, config) */
  startup?: number;
  /** first `release` event (graph) → `release` done: graph, signature, payload manifests */
  release?: number;
  collect?: number;
  copy?: number;
  archive?: number;
  /** everything after the copy/archive phase (cluster resources, summary, exit) */
  after?: number;
  imagesCopied?: number;
}

/** CPU seconds of one successful job: the tool's process tree and the two registries. */
export interface PayloadCpu {
  workflow: PayloadWorkflow;
  tool: Tool;
  seconds: number;
  /** user + system of the tool's process tree (the bench process itself for the wire jobs) */
  toolCpu: number;
  /** user + system of the source and (m2m) destination registries during the job */
  registryCpu: number;
}

export interface PayloadScenarioResult {
  summary: FixtureSummary;
  samples: Sample[];
  phases: PayloadPhases[];
  cpu: PayloadCpu[];
  seeded: SeededPayload;
  skopeoProcesses: number;
}

interface EventLine {
  type: string;
  at: number;
  phase?: string;
  step?: string;
  summary?: { exitCode: number; imagesOk: number; imagesFailed: number };
}

const CLOCK_TICKS = 100;

/** Fields of /proc/<pid>/stat after the command name (field 3 is index 0). */
async function procStat(pid: number | 'self'): Promise<string[] | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) a process has used so far. */
export async function cpuOf(pid: number): Promise<number> {
  const f = await procStat(pid);
  return f ? (Number(f[11]) + Number(f[12])) / CLOCK_TICKS : 0;
}

/**
 * CPU seconds (user + system) of this process' waited-for children (cutime + cstime): across a job, the tool's
 * whole process tree, since the bash/node child waits for its own children.
 */
export async function childrenCpu(): Promise<number> {
  const f = await procStat('self');
  return f ? (Number(f[13]) + Number(f[14])) / CLOCK_TICKS : 0;
}

async function settleDisk(): Promise<void> {
  await new Promise<void>((resolve, reject) => execFile('sync', (err) => (err ? reject(err) : resolve())));
}

export async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []))
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  return total;
}

async function tags(registry: RunningRegistry, repository: string): Promise<string[]> {
  const res = await fetch(`${registry.url}/v2/${repository}/tags/list?n=10000`);
  if (res.status !== 200) return [];
  return ((await res.json()) as { tags?: string[] | null }).tags ?? [];
}

/** What a complete mirror of the release looks like in the destination, or why this one is not. */
export async function checkDestination(dest: RunningRegistry, seeded: SeededPayload): Promise<string | undefined> {
  const payloadTags = await tags(dest, 'openshift/release-images');
  if (!payloadTags.includes(seeded.release.tag)) return `no openshift/release-images:${seeded.release.tag}`;
  const componentTags = new Set(await tags(dest, 'openshift/release'));
  const missing = seeded.components.filter((c) => !componentTags.has(`${seeded.release.tag}-${c.name}`));
  return missing.length ? `${missing.length} of ${seeded.components.length} components missing` : undefined;
}

function readEvents(text: string): EventLine[] {
  const events: EventLine[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      events.push(JSON.parse(line) as EventLine);
    } catch {
      // not an event line
    }
  }
  return events;
}

function phasesOf(workflow: PayloadWorkflow, launchedAt: number, seconds: number, events: EventLine[]): PayloadPhases {
  const phases = events.filter((e) => e.type === 'phase');
  const span = (name: string) => {
    const i = phases.findIndex((p) => p.phase === name);
    if (i < 0) return undefined;
    const end = phases[i + 1]?.at ?? events[events.length - 1]?.at;
    return end === undefined ? undefined : (end - phases[i].at) / 1000;
  };
  const release = events.filter((e) => e.type === 'release');
  const releaseDone = release.find((e) => e.step === 'done');
  const lastWork = [...phases].reverse().find((p) => p.phase === 'archive' || p.phase === 'copy');
  const next = lastWork ? phases[phases.indexOf(lastWork) + 1] : undefined;
  return {
    workflow,
    seconds,
    startup: events.length ? (events[0].at - launchedAt) / 1000 : undefined,
    release: release.length && releaseDone ? (releaseDone.at - release[0].at) / 1000 : undefined,
    collect: span('collect'),
    copy: span('copy'),
    archive: span('archive'),
    after: next ? launchedAt / 1000 + seconds - next.at / 1000 : undefined,
    imagesCopied: events.find((e) => e.type === 'summary')?.summary?.imagesOk,
  };
}

/** The skopeo job list: the payload by digest to `…/openshift/release-images:<tag>`, each component to `…/openshift/release:<tag>-<name>`. */
function copyJobs(seeded: SeededPayload, sourceHost: string): { job: CopyJob; repository: string; tag: string }[] {
  const size = (blobs: { size: number }[]) => blobs.reduce((a, b) => a + b.size, 0);
  const tag = seeded.release.tag;
  return [
    {
      job: {
        source: `docker://${sourceHost}/${seeded.payload.repository}@${seeded.payload.digest}`,
        destination: '',
        bytes: size(seeded.payload.blobs),
      },
      repository: 'openshift/release-images',
      tag,
    },
    ...seeded.components.map((c) => ({
      job: {
        source: `docker://${sourceHost}/${c.image.repository}@${c.digest}`,
        destination: '',
        bytes: size(c.image.blobs),
      },
      repository: 'openshift/release',
      tag: `${tag}-${c.name}`,
    })),
  ];
}

/**
 * skopeo's job: `skopeo copy --all --preserve-digests` of the payload and every component, `processes` at once;
 * m2m into `dest`, m2d into one OCI layout per process under `diskDir` (its blobs shared by the images that
 * process copies; concurrent writers of one layout would race on its index.json).
 */
export async function runSkopeoPayload(
  seeded: SeededPayload,
  sourceHost: string,
  workflow: PayloadWorkflow,
  processes: number,
  logFile: string,
  diskDir: string,
  dest: RunningRegistry | undefined,
): Promise<MeasuredRun> {
  const jobs = copyJobs(seeded, sourceHost).map(({ job, repository, tag }) => ({
    ...job,
    destination: workflow === 'm2m' ? `docker://${dest!.host}/${repository}:${tag}` : `${repository}:${tag}`,
  }));
  const flags = ['--all', '--preserve-digests', '--retry-times', '0', '--src-tls-verify=false'];
  if (workflow === 'm2m') flags.push('--dest-tls-verify=false');
  return runSkopeoCopies(jobs, processes, flags, logFile, (job, worker) =>
    workflow === 'm2m' ? job.destination : ociLayoutReference(diskDir, worker, job.destination),
  );
}

/** What every job of the scenario needs. */
export interface RunContext {
  seeded: SeededPayload;
  source: RunningRegistry;
  env: NodeJS.ProcessEnv;
  iscFile: string;
  options: PayloadScenarioOptions;
}

/** One job; returns the measurement, a failure note, and ocm-tui's phases. */
export async function runPayloadJob(
  tool: Tool,
  workflow: PayloadWorkflow,
  ctx: RunContext,
  jobDir: string,
  diskDir: string,
  dest: RunningRegistry | undefined,
  run: number,
): Promise<{ seconds: number; peakRssBytes?: number; note?: string; phases?: PayloadPhases }> {
  const { seeded, source, options } = ctx;
  if (tool === 'wire') {
    const started = process.hrtime.bigint();
    try {
      if (workflow === 'm2m') await wireMirrorToMirror(source.host, dest!.host, seeded.images, options.wireConcurrency);
      else await wireMirrorToDisk(source.host, seeded.images, join(diskDir, 'blobs'), options.wireConcurrency);
    } catch (error) {
      return { seconds: 0, note: (error as Error).message };
    }
    return { seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  }
  let measured: MeasuredRun;
  let phases: PayloadPhases | undefined;
  const logFile = join(jobDir, `${tool}.log`);
  if (tool === 'ocm-tui') {
    const common = ['-c', ctx.iscFile, '--no-ui', '--output', 'json', '--cache-dir', join(jobDir, 'cache')];
    const args =
      workflow === 'm2m'
        ? [
            ...common,
            '--workspace',
            `file://${join(jobDir, 'workspace')}`,
            `docker://${dest!.host}`,
            '--src-tls-verify=false',
            '--dest-tls-verify=false',
          ]
        : [...common, `file://${diskDir}`, '--src-tls-verify=false'];
    const nodeFlags: string[] = [];
    if (options.cpuProfDir) {
      const dir = join(options.cpuProfDir, `${workflow}-run-${run + 1}`);
      await mkdir(dir, { recursive: true });
      nodeFlags.push('--cpu-prof', '--cpu-prof-dir', dir);
    }
    const launchedAt = Date.now();
    measured = await measureCommand(process.execPath, [...nodeFlags, CLI, ...args], logFile, ctx.env);
    const events = readEvents(await readFile(logFile, 'utf8'));
    phases = phasesOf(workflow, launchedAt, measured.seconds, events);
    const summary = events.find((e) => e.type === 'summary')?.summary;
    if (measured.exitCode === 0 && summary && (summary.exitCode !== 0 || summary.imagesFailed > 0))
      return { ...measured, note: `summary: exit ${summary.exitCode}, ${summary.imagesFailed} images failed`, phases };
  } else {
    measured = await runSkopeoPayload(seeded, source.host, workflow, options.skopeoProcesses, logFile, diskDir, dest);
  }
  const note = measured.exitCode === 0 ? undefined : `exit code ${measured.exitCode} (log: ${jobDir})`;
  return { seconds: measured.seconds, peakRssBytes: measured.peakRssBytes, note, phases };
}

/**
 * Starts the Cincinnati graph + signature server of the seeded release and writes the ISC and the public key
 * under `scratch`: the context ocm-tui's jobs run in (`UPDATE_URL_OVERRIDE`, `OCP_SIGNATURE_URL`,
 * `OCP_SIGNATURE_VERIFICATION_PK`).
 */
export async function startPayloadServices(
  seeded: SeededPayload,
  source: RunningRegistry,
  options: PayloadScenarioOptions,
  scratch: string,
): Promise<{ ctx: RunContext; stop: () => Promise<void> }> {
  const server = await startReleaseServer(source.host, { [PAYLOAD_CHANNEL]: [seeded.release] }, [seeded.release]);
  const keyFile = join(scratch, 'release-payload-key.asc');
  await writeFile(keyFile, seeded.key.publicKeyArmored);
  const iscFile = join(scratch, 'release-payload-isc.yaml');
  await writeFile(
    iscFile,
    stringify({
      kind: 'ImageSetConfiguration',
      apiVersion: 'mirror.openshift.io/v2alpha1',
      mirror: { platform: { channels: [{ name: PAYLOAD_CHANNEL }] } },
    }),
  );
  const ctx: RunContext = {
    seeded,
    source,
    iscFile,
    options,
    env: {
      ...process.env,
      UPDATE_URL_OVERRIDE: server.graphUrl,
      OCP_SIGNATURE_URL: server.signatureUrl,
      OCP_SIGNATURE_VERIFICATION_PK: keyFile,
    },
  };
  return { ctx, stop: () => server.stop() };
}

/** Seeds the payload into its own source registry, starts the graph/signature server and measures every job. */
export async function runReleasePayloadScenario(
  options: PayloadScenarioOptions,
  scratch: string,
  log: (line: string) => void,
): Promise<PayloadScenarioResult> {
  const source = await startRegistry();
  let stopServer: (() => Promise<void>) | undefined;
  try {
    log(`[release-payload] seeding the source registry ${source.host} …`);
    const started = Date.now();
    const key = await generateSigningKey('ocm-tui bench release key');
    let lastReport = 0;
    const seeded = await seedReleasePayload(
      source,
      options.quick ? QUICK_PAYLOAD : FULL_PAYLOAD,
      key,
      (done, total) => {
        if (done === total || Date.now() - lastReport > 5000) {
          lastReport = Date.now();
          log(`[release-payload]   pushed ${done}/${total} images`);
        }
      },
    );
    log(
      `[release-payload] seeded in ${((Date.now() - started) / 1000).toFixed(1)} s: ${seeded.description}; ${(
        seeded.transferBytes / MB
      ).toFixed(1)} MB registry-bound, ${(seeded.uniqueBlobBytes / MB).toFixed(1)} MB distinct`,
    );
    const services = await startPayloadServices(seeded, source, options, scratch);
    stopServer = services.stop;
    const ctx = services.ctx;
    const samples: Sample[] = [];
    const phases: PayloadPhases[] = [];
    const cpu: PayloadCpu[] = [];
    const tools = TOOLS.filter((t) => !options.tools || options.tools.includes(t));
    for (let run = 0; run < options.runs; run++) {
      const order = tools.map((_, i) => tools[(i + run) % tools.length]);
      for (const tool of order) {
        for (const workflow of WORKFLOWS) {
          const jobDir = join(scratch, `release-payload-${run}-${tool}-${workflow}`);
          const diskDir = join(jobDir, 'disk');
          await mkdir(diskDir, { recursive: true });
          const dest = workflow === 'm2m' ? await startRegistry() : undefined;
          let keep = false;
          try {
            await settleDisk();
            log(`[release-payload] run ${run + 1}/${options.runs} ${tool} ${workflow} …`);
            const registries = [source.pid, ...(dest ? [dest.pid] : [])];
            const before = {
              children: await childrenCpu(),
              self: process.cpuUsage(),
              registries: (await Promise.all(registries.map(cpuOf))).reduce((a, b) => a + b, 0),
            };
            const result = await runPayloadJob(tool, workflow, ctx, jobDir, diskDir, dest, run);
            const self = process.cpuUsage(before.self);
            const toolCpu = tool === 'wire' ? (self.user + self.system) / 1e6 : (await childrenCpu()) - before.children;
            const registryCpu =
              (await Promise.all(registries.map(cpuOf))).reduce((a, b) => a + b, 0) - before.registries;
            let note = result.note;
            if (!note && dest && tool !== 'wire') note = await checkDestination(dest, seeded);
            if (!note && workflow === 'm2d') {
              const written = await dirBytes(diskDir);
              if (written < seeded.uniqueBlobBytes) note = `wrote only ${written} of ${seeded.uniqueBlobBytes} bytes`;
            }
            keep = note !== undefined;
            samples.push({
              fixture: 'release-payload',
              workflow,
              tool,
              seconds: result.seconds,
              peakRssBytes: result.peakRssBytes,
              ok: note === undefined,
              note,
            });
            if (result.phases && !note) phases.push(result.phases);
            if (!note) cpu.push({ workflow, tool, seconds: result.seconds, toolCpu, registryCpu });
            const bytes = workflow === 'm2d' ? seeded.uniqueBlobBytes : seeded.transferBytes;
            const p = result.phases;
            log(
              `[release-payload] run ${run + 1}/${options.runs} ${tool} ${workflow}: ${
                note
                  ? `FAILED (${note})`
                  : `${result.seconds.toFixed(2)} s, ${(bytes / MB / result.seconds).toFixed(1)} MB/s`
              }${result.peakRssBytes ? `, peak RSS ${(result.peakRssBytes / MB).toFixed(0)} MB` : ''}, CPU ${toolCpu.toFixed(
                1,
              )} s + registries ${registryCpu.toFixed(1)} s${
                p
                  ? ` (startup ${p.startup?.toFixed(2)}, release ${p.release?.toFixed(2)}, collect ${p.collect?.toFixed(2)}, copy ${p.copy?.toFixed(2)}${
                      p.archive !== undefined ? `, archive ${p.archive.toFixed(2)}` : ''
                    }, after ${p.after?.toFixed(2)})`
                  : ''
              }`,
            );
          } finally {
            await dest?.stop();
            if (!keep) await rm(jobDir, { recursive: true, force: true });
          }
        }
      }
    }
    const summary: FixtureSummary = {
      name: 'release-payload',
      description: seeded.description,
      transferBytes: seeded.transferBytes,
      uniqueBlobBytes: seeded.uniqueBlobBytes,
      workflows: [...WORKFLOWS],
      details: describeSetup(seeded, options),
      after: [...phaseTable(phases), '', ...cpuTable(cpu)],
    };
    return { summary, samples, phases, cpu, seeded, skopeoProcesses: options.skopeoProcesses };
  } finally {
    await stopServer?.();
    await source.stop();
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MiB`;
}

/** How the scenario is built and measured, for RESULTS.md. */
function describeSetup(seeded: SeededPayload, options: PayloadScenarioOptions): string[] {
  const { plan, classes } = seeded;
  const blobs = new Set(seeded.images.flatMap((i) => i.blobs.map((b) => b.digest))).size;
  return [
    `${options.quick ? '**--quick** (reduced payload, smoke run only). ' : ''}${
      options.cpuProfDir
        ? "**--payload-cpu-prof**: ocm-tui ran under V8's CPU profiler, its times include the profiler's overhead. "
        : ''
    }Source: \`SOURCE/openshift-release-dev/ocp-release:${seeded.release.tag}\` (OCI manifest; the ${plan.stacks[0].name} base, a ${mib(
      Math.round(plan.payloadLayer / plan.scale),
    )} layer of its own and a \`release-manifests/\` layer whose \`image-references\` is the real 4.12 ImageStream's entries, plus ${Math.max(
      0,
      seeded.components.length - 183,
    )} more, rewritten to the generated components by digest), signed with a throwaway OpenPGP key in Red Hat's format, and ${
      seeded.components.length
    } components in \`SOURCE/openshift-release-dev/ocp-v4.0-art-dev\` by digest. Own bytes per component (one streamed layer plus one 16–256 KiB layer): ${
      classes.small.count
    } small ${mib(classes.small.min)}–${mib(classes.small.max)} (${mib(classes.small.total)} in all), ${classes.medium.count} medium ${mib(
      classes.medium.min,
    )}–${mib(classes.medium.max)} (${mib(classes.medium.total)}), ${classes.large.count} large ${mib(classes.large.min)}–${mib(
      classes.large.max,
    )} (${mib(classes.large.total)}); base stacks ${seeded.stackUse
      .map((s) => `${s.name} ${mib(s.bytes)} in 2 layers under ${s.components} components`)
      .join(', ')}. Every layer is pseudo-random (incompressible) and generated as a stream. ${blobs} distinct blobs.`,
    `ISC: \`mirror.platform.channels: [{name: ${PAYLOAD_CHANNEL}}]\`, with \`UPDATE_URL_OVERRIDE\` / \`OCP_SIGNATURE_URL\` pointing at a local Cincinnati graph + signature store server and \`OCP_SIGNATURE_VERIFICATION_PK\` at the public key: every ocm-tui run fetches the graph, fetches and verifies the signature, pulls \`release-manifests/\` out of the payload and then copies the payload and its ${
      seeded.components.length
    } components to \`DEST/openshift/release-images:<tag>\` and \`DEST/openshift/release:<tag>-<component>\`. ocm-tui: \`node dist/ocm-tui.mjs -c isc.yaml --no-ui --output json --cache-dir C\` + m2m \`--workspace file://W docker://DEST --src-tls-verify=false --dest-tls-verify=false\` / m2d \`file://DIR --src-tls-verify=false\`, defaults otherwise (4 images × 5 blobs). skopeo: \`skopeo copy --all --preserve-digests --retry-times 0\` of the same ${
      seeded.images.length
    } images to the same destination names, ${options.skopeoProcesses} processes at once, each over a share balanced by bytes (largest image first to the least loaded process; --payload-skopeo-procs); m2d into one OCI layout per process (blobs shared within a layout). Wire limit: as above over the same ${
      seeded.images.length
    } images. Every job: fresh destination registry or output dir, fresh cache.`,
  ];
}

/** Median (min–max) in seconds; the range with `rangeDigits` decimals (2 for the sub-second phases). */
function cell(values: (number | undefined)[], rangeDigits = 1): string {
  const v = values.filter((x): x is number => x !== undefined).sort((a, b) => a - b);
  if (v.length === 0) return '–';
  const median = v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  const range = v.length > 1 ? ` (${v[0].toFixed(rangeDigits)}–${v[v.length - 1].toFixed(rangeDigits)})` : '';
  return `${median.toFixed(2)} s${range}`;
}

/** Where ocm-tui's time went, from its event stream. */
function phaseTable(phases: PayloadPhases[]): string[] {
  if (phases.length === 0) return [];
  const lines = [
    "ocm-tui's time by phase (from its `--output json` events; median (min–max) of the successful runs): start-up = launch → first event; release = the release collector (graph, signature, `release-manifests/`), part of collect; after = the end of the copy/archive phase → exit (cluster resources, summary).",
    '',
    '| workflow | start-up | collect | ↳ release | copy | archive | after | images copied |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const workflow of WORKFLOWS) {
    const p = phases.filter((x) => x.workflow === workflow);
    if (p.length === 0) continue;
    const phase = (pick: (x: PayloadPhases) => number | undefined) => cell(p.map(pick), 2);
    lines.push(
      `| ${workflow} | ${phase((x) => x.startup)} | ${phase((x) => x.collect)} | ${phase((x) => x.release)} | ${phase(
        (x) => x.copy,
      )} | ${workflow === 'm2d' ? phase((x) => x.archive) : '–'} | ${phase((x) => x.after)} | ${p[0].imagesCopied ?? '?'} |`,
    );
  }
  return lines;
}

/** CPU seconds per job: the tool's process tree and the registries, against the wall time. */
function cpuTable(cpu: PayloadCpu[]): string[] {
  if (cpu.length === 0) return [];
  const lines = [
    `CPU seconds (user + system) per job, median (min–max): the tool's whole process tree (for the wire limit: the bench process), and the registries (source, and the destination for m2m) during the job, read from /proc; the machine has 2 cores.`,
    '',
    '| workflow | tool | wall | tool CPU | registries CPU |',
    '|---|---|---|---|---|',
  ];
  for (const workflow of WORKFLOWS)
    for (const tool of TOOLS) {
      const c = cpu.filter((x) => x.workflow === workflow && x.tool === tool);
      if (c.length === 0) continue;
      lines.push(
        `| ${workflow} | ${tool} | ${cell(c.map((x) => x.seconds))} | ${cell(c.map((x) => x.toolCpu))} | ${cell(
          c.map((x) => x.registryCpu),
        )} |`,
      );
    }
  return lines;
}
