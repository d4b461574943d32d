/**
 * Calibration of the `release-payload` scenario's skopeo side: which number of concurrent `skopeo copy`
 * processes is skopeo's best on this machine, optionally interleaved with ocm-tui itself (`--ocm`) for paired
 * comparisons. Seeds the full payload once, then runs each contender's jobs round after round (order rotating
 * every round; fresh destination / output dir / cache per job) and prints median (min–max) per contender and,
 * with `--ocm`, ocm-tui ÷ skopeo per round. The scenario's default (`--payload-skopeo-procs`) comes from this.
 *
 *   node dist/bench/payload-skopeo-calibration.js [--procs 4,8,16] [--runs 2] [--workflows m2m,m2d] [--ocm]
 *     [--cpu-prof DIR] [--quick]
 *
 * `--procs ''` leaves skopeo out; `--cpu-prof DIR` runs ocm-tui under V8's CPU profiler (`DIR/<workflow>-run-N`).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry } from '../test/harness/registry-server.js';
import { generateSigningKey } from '../test/harness/release-fixture.js';
import { FULL_PAYLOAD, QUICK_PAYLOAD, seedReleasePayload } from './release-payload-fixture.js';
import { checkDestination, dirBytes, runPayloadJob, startPayloadServices } from './release-payload.js';
import type { PayloadWorkflow } from './release-payload.js';
import { stats } from './results-report.js';

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const procs = (arg('--procs') ?? '4,8,16')
    .split(',')
    .map(Number)
    .filter((n) => n > 0);
  const runs = Number(arg('--runs') ?? 2);
  const workflows = (arg('--workflows') ?? 'm2m,m2d').split(',') as PayloadWorkflow[];
  const quick = argv.includes('--quick');
  const contenders: { name: string; tool: 'ocm-tui' | 'skopeo'; processes: number }[] = [
    ...(argv.includes('--ocm') ? [{ name: 'ocm-tui', tool: 'ocm-tui' as const, processes: 0 }] : []),
    ...procs.map((n) => ({ name: `skopeo ×${n}`, tool: 'skopeo' as const, processes: n })),
  ];
  const scratch = await mkdtemp(join(tmpdir(), 'ocm-bench-calib-'));
  const source = await startRegistry();
  let stopServer: (() => Promise<void>) | undefined;
  try {
    const seeded = await seedReleasePayload(
      source,
      quick ? QUICK_PAYLOAD : FULL_PAYLOAD,
      await generateSigningKey(),
      () => {},
    );
    log(`seeded: ${seeded.description}`);
    const options = { runs, quick, skopeoProcesses: 1, wireConcurrency: 20, cpuProfDir: arg('--cpu-prof') };
    const services = await startPayloadServices(seeded, source, options, scratch);
    stopServer = services.stop;
    const times = new Map<string, number[]>();
    const rounds: Map<string, number>[] = [];
    for (let run = 0; run < runs; run++) {
      const round = new Map<string, number>();
      rounds.push(round);
      const order = contenders.map((_, i) => contenders[(i + run) % contenders.length]);
      for (const c of order)
        for (const workflow of workflows) {
          const jobDir = join(scratch, `${c.tool}-${c.processes}-${workflow}-${run}`);
          const diskDir = join(jobDir, 'disk');
          await mkdir(diskDir, { recursive: true });
          const dest = workflow === 'm2m' ? await startRegistry() : undefined;
          try {
            await new Promise((resolve) => execFile('sync', resolve));
            const ctx = { ...services.ctx, options: { ...options, skopeoProcesses: c.processes } };
            const r = await runPayloadJob(c.tool, workflow, ctx, jobDir, diskDir, dest, run);
            let note = r.note;
            if (!note && dest) note = await checkDestination(dest, seeded);
            if (!note && !dest && (await dirBytes(diskDir)) < seeded.uniqueBlobBytes) note = 'short output';
            const key = `${workflow} ${c.name}`;
            log(
              `${key}: ${note ?? `${r.seconds.toFixed(2)} s, peak RSS ${((r.peakRssBytes ?? 0) / 1e6).toFixed(0)} MB`}`,
            );
            if (!note) {
              times.set(key, [...(times.get(key) ?? []), r.seconds]);
              round.set(key, r.seconds);
            }
          } finally {
            await dest?.stop();
            await rm(jobDir, { recursive: true, force: true });
          }
        }
    }
    for (const [key, values] of times) {
      const s = stats(values)!;
      log(`${key}: ${s.median.toFixed(2)} s (${s.min.toFixed(1)}–${s.max.toFixed(1)}), n=${s.n}`);
    }
    if (contenders[0]?.tool === 'ocm-tui')
      for (const workflow of workflows)
        for (const c of contenders.slice(1)) {
          const ratios = rounds.flatMap((round) => {
            const o = round.get(`${workflow} ocm-tui`);
            const s = round.get(`${workflow} ${c.name}`);
            return o !== undefined && s !== undefined ? [o / s] : [];
          });
          const s = stats(ratios);
          if (s)
            log(
              `${workflow} ocm-tui ÷ ${c.name} per round: ${ratios.map((r) => r.toFixed(2)).join(', ')} (median ${s.median.toFixed(2)})`,
            );
        }
  } finally {
    await stopServer?.();
    await source.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `calibration failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
