import type { FixtureName } from './bench-options.js';
import type { Workflow } from './tool-jobs.js';

/** Who did a job. */
export type Tool = 'ocm-tui' | 'skopeo' | 'wire';
export const TOOLS: Tool[] = ['ocm-tui', 'skopeo', 'wire'];

/** One measured job. */
export interface Sample {
  fixture: FixtureName;
  workflow: Workflow;
  tool: Tool;
  seconds: number;
  /** process tree peak (not measured for the in-process wire jobs) */
  peakRssBytes?: number;
  ok: boolean;
  note?: string;
}

/** What RESULTS.md reports about a fixture. */
export interface FixtureSummary {
  name: FixtureName;
  description: string;
  /** bytes the registry-bound jobs move (per repository) and the archive must hold (distinct) */
  transferBytes: number;
  uniqueBlobBytes: number;
}

export interface ReportContext {
  date: string;
  commit: string;
  runs: number;
  quick: boolean;
  skopeoProcesses: number;
  wireConcurrency: number;
  machine: string[];
  fixtures: FixtureSummary[];
  samples: Sample[];
}

export interface Stats {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** Median/min/max of the successful samples. */
export function stats(values: number[]): Stats | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

const MB = 1e6;

function timeCell(s: Stats | undefined, failed: number): string {
  if (!s) return failed ? `failed ×${failed}` : '–';
  const range = s.n > 1 ? ` (${s.min.toFixed(1)}–${s.max.toFixed(1)})` : '';
  return `${s.median.toFixed(2)} s${range}${failed ? `, failed ×${failed}` : ''}`;
}

function select(samples: Sample[], fixture: FixtureName, workflow: Workflow, tool: Tool): Sample[] {
  return samples.filter((x) => x.fixture === fixture && x.workflow === workflow && x.tool === tool);
}

/** The target of a fixture/workflow, if the issue sets one: checks ocm-tui against skopeo/wire/RSS. */
interface Target {
  text: string;
  met(ocm: Stats, skopeo: Stats | undefined, wire: Stats | undefined, peakRss: number | undefined): boolean | undefined;
}

function targetsFor(fixture: FixtureName, workflow: Workflow): Target[] {
  const targets: Target[] = [];
  const ratio = (max: number, text: string): Target => ({
    text,
    met: (o, s) => (s ? o.median <= max * s.median : undefined),
  });
  if (fixture === 'big' && workflow === 'm2m') targets.push(ratio(1.0, 'time ≤ 1.0 × skopeo'));
  if (fixture === 'big' && workflow === 'm2d') targets.push(ratio(0.6, 'time ≤ 0.6 × skopeo'));
  if (fixture === 'big' && workflow === 'd2m') targets.push(ratio(1.0, 'time ≤ 1.0 × skopeo'));
  if (fixture === 'release' && workflow === 'm2m') targets.push(ratio(0.5, '≥ 2 × faster than skopeo'));
  if (workflow === 'm2m')
    targets.push({ text: '≥ 70 % of wire limit', met: (o, _s, w) => (w ? w.median / o.median >= 0.7 : undefined) });
  if (fixture === 'huge')
    targets.push({
      text: 'peak RSS ≤ 200 MB',
      met: (_o, _s, _w, rss) => (rss === undefined ? undefined : rss <= 200 * MB),
    });
  return targets;
}

function fixtureTable(ctx: ReportContext, fixture: FixtureSummary): string[] {
  const lines = [
    `### ${fixture.name}: ${fixture.description}`,
    '',
    `Registry-bound bytes (per repository): ${(fixture.transferBytes / MB).toFixed(1)} MB; distinct blob bytes (archive payload): ${(fixture.uniqueBlobBytes / MB).toFixed(1)} MB.`,
    '',
    '| workflow | ocm-tui time | ocm-tui MB/s | ocm-tui peak RSS | skopeo time | skopeo peak RSS | wire limit time | ocm-tui ÷ skopeo | fraction of wire limit | targets |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const workflow of ['m2m', 'm2d', 'd2m'] as Workflow[]) {
    const pick = (tool: Tool) => select(ctx.samples, fixture.name, workflow, tool);
    const ok = (tool: Tool) =>
      stats(
        pick(tool)
          .filter((s) => s.ok)
          .map((s) => s.seconds),
      );
    const failed = (tool: Tool) => pick(tool).filter((s) => !s.ok).length;
    const o = ok('ocm-tui');
    const s = ok('skopeo');
    const w = ok('wire');
    const bytes = workflow === 'm2d' ? fixture.uniqueBlobBytes : fixture.transferBytes;
    const rss = (tool: Tool) => {
      const values = pick(tool).flatMap((x) => (x.peakRssBytes === undefined ? [] : [x.peakRssBytes]));
      return values.length ? Math.max(...values) : undefined;
    };
    const ocmRss = rss('ocm-tui');
    const skopeoRss = rss('skopeo');
    const targets = o
      ? targetsFor(fixture.name, workflow).map((t) => {
          const met = t.met(o, s, w, ocmRss);
          return `${t.text}: ${met === undefined ? 'n/a' : met ? '**met**' : '**missed**'}`;
        })
      : targetsFor(fixture.name, workflow).map((t) => `${t.text}: n/a (ocm-tui failed)`);
    lines.push(
      `| ${workflow} | ${timeCell(o, failed('ocm-tui'))} | ${o ? (bytes / MB / o.median).toFixed(1) : '–'} | ${
        ocmRss === undefined ? '–' : `${(ocmRss / MB).toFixed(0)} MB`
      } | ${timeCell(s, failed('skopeo'))} | ${skopeoRss === undefined ? '–' : `${(skopeoRss / MB).toFixed(0)} MB`} | ${timeCell(
        w,
        failed('wire'),
      )} | ${o && s ? `${(o.median / s.median).toFixed(2)} ×` : '–'} | ${
        o && w ? `${((100 * w.median) / o.median).toFixed(0)} %` : '–'
      } | ${targets.join('; ') || '–'} |`,
    );
  }
  const notes = ctx.samples.filter((x) => x.fixture === fixture.name && x.note);
  if (notes.length) {
    lines.push('', 'Failures:');
    for (const n of notes) lines.push(`- ${n.tool} ${n.workflow}: ${n.note}`);
  }
  lines.push('');
  return lines;
}

/** Renders bench/RESULTS.md. */
export function renderResults(ctx: ReportContext): string {
  const lines = [
    '# ocm-tui benchmark results',
    '',
    `Date: ${ctx.date}  `,
    `Commit: ${ctx.commit}  `,
    `Runs per job: **${ctx.runs}**${ctx.quick ? ' (**--quick**: reduced fixture sizes, smoke run only)' : ''}; tools alternate their order every run. Times: median (min–max) of wall-clock seconds.`,
    '',
    '## Machine',
    '',
    ...ctx.machine.map((m) => `- ${m}`),
    '',
    '## How it is measured',
    '',
    '- Two real `docker-registry` (distribution 2.8) instances on 127.0.0.1, plain HTTP. The source is seeded once per fixture; every job gets a fresh, empty destination registry and fresh cache / workspace / output dirs.',
    '- **ocm-tui**: `node dist/source/cli.js --no-ui` with its defaults (4 images × 5 blobs in parallel). m2m `-c isc.yaml --workspace file://W docker://DEST`; m2d `-c isc.yaml file://DIR` (includes writing the archive); d2m `-c isc.yaml --from file://DIR docker://DEST` with a fresh cache dir, from the archive the m2d job of the same run wrote.',
    `- **skopeo** 1.9 \`skopeo sync\`, ${ctx.skopeoProcesses} processes at once, each over a round-robin share of the images (skopeo sync copies one image at a time, ocm-tui 4): registry→registry \`--src yaml --dest docker\`, registry→dir \`--src yaml --dest dir\`, dir→registry \`--src dir --dest docker\` (from the dirs its own m2d job wrote).`,
    `- **wire limit**: no tool logic, ${ctx.wireConcurrency} concurrent raw HTTP/1.1 requests from the bench process: m2m = every (repository, blob) GET piped into a monolithic POST+PUT, then the manifests PUT; m2d = every distinct blob GET into a file; d2m = those files PUT monolithically, then the manifests.`,
    '- Throughput = registry-bound bytes (m2m, d2m) or distinct blob bytes (m2d) ÷ ocm-tui median time. "fraction of wire limit" = wire time ÷ ocm-tui time. Peak RSS = max over runs of the summed VmRSS of the whole process tree, sampled every 100 ms.',
    '',
    '## Results',
    '',
  ];
  for (const f of ctx.fixtures) lines.push(...fixtureTable(ctx, f));
  return `${lines.join('\n')}\n`;
}
