import type { CopyScenarioName, ScenarioName } from './bench-options.js';
import { ALL_SCENARIOS } from './bench-options.js';
import type { CatalogSample, CatalogScenarioResult } from './operator-catalog.js';
import type { Workflow } from './tool-jobs.js';

/** Who did a job. */
export type Tool = 'ocm-tui' | 'skopeo' | 'wire';
export const TOOLS: Tool[] = ['ocm-tui', 'skopeo', 'wire'];

/** One measured job. */
export interface Sample {
  fixture: CopyScenarioName;
  workflow: Workflow;
  tool: Tool;
  /** the tool's configuration (e.g. `skopeo sync ×4`, `wire ×20`); default: the tool's name */
  config?: string;
  seconds: number;
  /**
   * CPU seconds (user + system): ocm-tui's node process (bench/cpu-at-exit.ts), skopeo's whole process tree, the
   * bench process for the wire limit
   */
  cpuSeconds?: number;
  /** process tree peak (not measured for the in-process wire jobs) */
  peakRssBytes?: number;
  ok: boolean;
  note?: string;
}

/** What RESULTS.md reports about a fixture. */
export interface FixtureSummary {
  name: CopyScenarioName;
  description: string;
  /** paragraphs between the heading and the table (how the scenario is built and measured) */
  details?: string[];
  /** lines after the table */
  after?: string[];
  /** images of the fixture (for CPU per 100 images) */
  images?: number;
  /** rows of the table (default m2m, m2d, d2m) */
  workflows?: Workflow[];
  /** bytes the registry-bound jobs move (per repository) and the archive must hold (distinct) */
  transferBytes: number;
  uniqueBlobBytes: number;
}

export interface ReportContext {
  date: string;
  commit: string;
  runs: number;
  quick: boolean;
  skopeoProcesses: number[];
  skopeoPerImageMax: number;
  wireConcurrency: number[];
  /** wire levels of the release-sized fixture */
  releaseSizedWireConcurrency: number[];
  machine: string[];
  fixtures: FixtureSummary[];
  samples: Sample[];
  /** the operator-catalog scenario, when it ran */
  catalog?: CatalogScenarioResult;
  /** the report this one replaces: its sections of scenarios this run left out are kept */
  previous?: PreviousReport;
}

/** The generated part of an earlier report, split per scenario. */
export interface PreviousReport {
  date: string;
  commit: string;
  /** runs per job of that report */
  runs?: number;
  /** scenario → its `### …` section, heading included */
  sections: Map<ScenarioName, string[]>;
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

/** The target of a fixture/workflow, if the issue sets one: checks ocm-tui against the best skopeo/wire/RSS. */
interface Target {
  text: string;
  met(ocm: Stats, skopeo: Stats | undefined, wire: Stats | undefined, peakRss: number | undefined): boolean | undefined;
}

/** Targets of issue 19 ("Benchmarks, round two"), and those of earlier rounds still checked (marked). */
export function targetsFor(fixture: CopyScenarioName, workflow: Workflow): Target[] {
  const targets: Target[] = [];
  const ratio = (max: number, text: string): Target => ({
    text,
    met: (o, s) => (s ? o.median <= max * s.median : undefined),
  });
  const wire = (min: number): Target => ({
    text: `≥ ${Math.round(min * 100)} % of the wire limit`,
    met: (o, _s, w) => (w ? w.median / o.median >= min : undefined),
  });
  if (fixture === 'big' && workflow === 'm2m') targets.push(ratio(0.8, '≤ 0.8 × skopeo'), wire(0.85));
  if (fixture === 'big' && workflow === 'm2d') targets.push(ratio(0.8, '≤ 0.8 × skopeo to a dir'), wire(0.8));
  if (fixture === 'big' && workflow === 'd2m') targets.push(ratio(1.0, '≤ 1.0 × skopeo (round one)'));
  if ((fixture === 'release' || fixture === 'release-payload') && workflow === 'm2m')
    targets.push(ratio(0.5, '≥ 2 × faster than skopeo (round one)'), wire(0.7));
  if (fixture === 'release-sized' && (workflow === 'm2m' || workflow === 'm2d'))
    targets.push(ratio(0.5, "≥ 2 × faster than skopeo's best"));
  if (fixture === 'huge')
    targets.push({
      text: 'peak RSS ≤ 200 MB',
      met: (_o, _s, _w, rss) => (rss === undefined ? undefined : rss <= 200 * MB),
    });
  return targets;
}

const GiB = 2 ** 30;

function configOf(sample: Sample): string {
  return sample.config ?? sample.tool;
}

/** One configuration's results for a workflow. */
interface ConfigResult {
  tool: Tool;
  config: string;
  time?: Stats;
  failed: number;
  peakRss?: number;
  cpu?: Stats;
}

function configResults(ctx: ReportContext, fixture: CopyScenarioName, workflow: Workflow): ConfigResult[] {
  const rows: ConfigResult[] = [];
  for (const sample of ctx.samples) {
    if (sample.fixture !== fixture || sample.workflow !== workflow) continue;
    if (!rows.some((r) => r.config === configOf(sample)))
      rows.push({ tool: sample.tool, config: configOf(sample), failed: 0 });
  }
  const order = (t: Tool) => TOOLS.indexOf(t);
  rows.sort((a, b) => order(a.tool) - order(b.tool));
  for (const row of rows) {
    const picked = ctx.samples.filter(
      (x) => x.fixture === fixture && x.workflow === workflow && configOf(x) === row.config,
    );
    const ok = picked.filter((x) => x.ok);
    row.time = stats(ok.map((x) => x.seconds));
    row.failed = picked.length - ok.length;
    const rss = picked.flatMap((x) => (x.peakRssBytes === undefined ? [] : [x.peakRssBytes]));
    row.peakRss = rss.length ? Math.max(...rss) : undefined;
    row.cpu = stats(ok.flatMap((x) => (x.cpuSeconds === undefined ? [] : [x.cpuSeconds])));
  }
  return rows;
}

/** The configuration of `tool` with the lowest median time (only configurations whose every run succeeded). */
function best(rows: ConfigResult[], tool: Tool): ConfigResult | undefined {
  return rows
    .filter((r) => r.tool === tool && r.time && r.failed === 0)
    .reduce<ConfigResult | undefined>((a, b) => (!a || b.time!.median < a.time!.median ? b : a), undefined);
}

function cpuCell(s: Stats | undefined): string {
  if (!s) return '–';
  return `${s.median.toFixed(2)} s${s.n > 1 ? ` (${s.min.toFixed(1)}–${s.max.toFixed(1)})` : ''}`;
}

function fixtureTable(ctx: ReportContext, fixture: FixtureSummary): string[] {
  const workflows = fixture.workflows ?? (['m2m', 'm2d', 'd2m'] as Workflow[]);
  const lines = [
    `### ${fixture.name}: ${fixture.description}`,
    '',
    ...(fixture.details ?? []).flatMap((p) => [p, '']),
    `Registry-bound bytes (per repository): ${(fixture.transferBytes / MB).toFixed(1)} MB; distinct blob bytes (archive payload): ${(fixture.uniqueBlobBytes / MB).toFixed(1)} MB.`,
    '',
    "Every tool and configuration. CPU = user + system seconds: ocm-tui's node process, skopeo's whole process tree, the bench process for the wire limit. ÷ best skopeo = this median ÷ the fastest skopeo median of the workflow (**bold**: the fastest skopeo and wire configurations). A wire level above the number of blobs is the same job as a level equal to it, so it runs once; skopeo process counts above the number of images likewise.",
    '',
    '| workflow | tool (configuration) | time | MB/s | peak RSS | CPU | ÷ best skopeo |',
    '|---|---|---|---|---|---|---|',
  ];
  const summary: string[] = [];
  for (const workflow of workflows) {
    const rows = configResults(ctx, fixture.name, workflow);
    const bytes = workflow === 'm2d' ? fixture.uniqueBlobBytes : fixture.transferBytes;
    const bestSkopeo = best(rows, 'skopeo');
    const bestWire = best(rows, 'wire');
    for (const row of rows) {
      const bold = row === bestSkopeo || row === bestWire;
      lines.push(
        `| ${workflow} | ${bold ? `**${row.config}**` : row.config} | ${timeCell(row.time, row.failed)} | ${
          row.time ? (bytes / MB / row.time.median).toFixed(1) : '–'
        } | ${row.peakRss === undefined ? '–' : `${(row.peakRss / MB).toFixed(0)} MB`} | ${cpuCell(row.cpu)} | ${
          row.time && bestSkopeo ? `${(row.time.median / bestSkopeo.time!.median).toFixed(2)} ×` : '–'
        } |`,
      );
    }
    const ocm = rows.find((r) => r.tool === 'ocm-tui');
    const o = ocm?.time;
    const targets = o
      ? targetsFor(fixture.name, workflow).map((t) => {
          const met = t.met(o, bestSkopeo?.time, bestWire?.time, ocm?.peakRss);
          return `${t.text}: ${met === undefined ? 'n/a' : met ? '**met**' : '**missed**'}`;
        })
      : targetsFor(fixture.name, workflow).map((t) => `${t.text}: n/a (ocm-tui failed)`);
    const cpu = ocm?.cpu?.median;
    summary.push(
      `| ${workflow} | ${timeCell(o, ocm?.failed ?? 0)} | ${bestSkopeo ? `${bestSkopeo.time!.median.toFixed(2)} s, ${bestSkopeo.config}` : '–'} | ${
        o && bestSkopeo ? `${(o.median / bestSkopeo.time!.median).toFixed(2)} ×` : '–'
      } | ${bestWire ? `${bestWire.time!.median.toFixed(2)} s, ${bestWire.config}` : '–'} | ${
        o && bestWire ? `${((100 * bestWire.time!.median) / o.median).toFixed(0)} %` : '–'
      } | ${cpu === undefined ? '–' : `${cpu.toFixed(2)} s`} | ${cpu === undefined ? '–' : (cpu / (bytes / GiB)).toFixed(2)} | ${
        cpu === undefined || !fixture.images ? '–' : ((cpu / fixture.images) * 100).toFixed(2)
      } | ${ocm?.peakRss === undefined ? '–' : `${(ocm.peakRss / MB).toFixed(0)} MB`} | ${targets.join('; ') || '–'} |`,
    );
  }
  lines.push(
    '',
    'ocm-tui against the best baseline of each workflow (fraction of the wire limit = fastest wire median ÷ ocm-tui median; ocm-tui CPU per GiB of the bytes the workflow moves and per 100 images):',
    '',
    '| workflow | ocm-tui time | best skopeo | ocm-tui ÷ best skopeo | best wire limit | fraction of wire limit | ocm-tui CPU | CPU s per GiB | CPU s per 100 images | ocm-tui peak RSS | targets |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...summary,
  );
  const notes = ctx.samples.filter((x) => x.fixture === fixture.name && x.note);
  if (notes.length) {
    lines.push('', 'Failures:');
    for (const n of notes) lines.push(`- ${configOf(n)} ${n.workflow}: ${n.note}`);
  }
  if (fixture.after) lines.push('', ...fixture.after);
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
    '- **ocm-tui**: `node dist/ocm-tui.mjs --no-ui` (the one-file CLI as it ships) with its defaults (4 images × 5 blobs in parallel). m2m `-c isc.yaml --workspace file://W docker://DEST`; m2d `-c isc.yaml file://DIR` (includes writing the archive); d2m `-c isc.yaml --from file://DIR docker://DEST` with a fresh cache dir, from the archive the m2d job of the same run wrote.',
    `- **skopeo** 1.9 \`skopeo sync\` in several configurations, and ocm-tui is compared against the fastest median of them per workflow: ${ctx.skopeoProcesses.map((n) => (n === 1 ? 'one process over every image' : `${n} processes at once, each over a round-robin share of the images`)).join('; ')}; and one process per image where a fixture has at most ${ctx.skopeoPerImageMax} images (skopeo sync copies one image at a time, ocm-tui 4). Registry→registry \`--src yaml --dest docker\`, registry→dir \`--src yaml --dest dir\`, dir→registry \`--src dir --dest docker\` (from the dirs the m2d job of the same configuration wrote).`,
    `- **wire limit**: no tool logic, raw HTTP/1.1 requests from the bench process at ${ctx.wireConcurrency.join(', ')} concurrent requests${
      ctx.releaseSizedWireConcurrency.join() === ctx.wireConcurrency.join()
        ? ''
        : ` (release-sized: ${ctx.releaseSizedWireConcurrency.join(', ')})`
    }; the fastest median is the limit. m2m = every (repository, blob) GET piped into a monolithic POST+PUT, then the manifests PUT; m2d = every distinct blob GET into a file (direct I/O from 1 MiB on, as ocm-tui writes: core/direct-io); d2m = those files (read the same way) PUT monolithically, then the manifests.`,
    '- Every run goes through every configuration once; the order of the configurations rotates by one every run.',
    "- **release-sized** (opt-in: `--fixtures release-sized`): 190 images shaped like a release's components (a shared 80 MiB base layer in every image, 2–7 own layers of 1–30 MiB, four of 100–300 MiB; ~3.5 GiB distinct), as additional images. skopeo's m2m is `skopeo sync` as above; its m2d and d2m are `skopeo copy --all --preserve-digests` through one OCI layout per process, since `skopeo sync --dest dir` would write the shared base into every image's dir; stated in its section.",
    '- **release-payload** (opt-in: `--fixtures release-payload`): a signed synthetic release payload mirrored through the release collector (`mirror.platform.channels`, local Cincinnati graph and signature server); skopeo runs `skopeo copy --all --preserve-digests` over the same payload and components; how it is built and measured is stated in its section.',
    "- **Operator catalog**: a synthetic catalog image the size of Red Hat's index filtered by a real ocm-tui m2m run (`--no-ui --output json`); how it is built and measured is stated in its section.",
    '- Throughput = registry-bound bytes (m2m, d2m) or distinct blob bytes (m2d) ÷ median time. "fraction of wire limit" = fastest wire time ÷ ocm-tui time. ocm-tui CPU = user + system of its node process (`process.cpuUsage()` at exit, from the preload bench/cpu-at-exit.ts). Peak RSS = max over runs of the summed VmRSS of the whole process tree, sampled every 100 ms.',
    '',
    '## Results',
    '',
  ];
  for (const scenario of ALL_SCENARIOS) {
    const fixture = ctx.fixtures.find((f) => f.name === scenario);
    if (fixture) lines.push(...fixtureTable(ctx, fixture));
    else if (scenario === 'catalog' && ctx.catalog) lines.push(...catalogSection(ctx.catalog));
    else {
      const kept = ctx.previous?.sections.get(scenario);
      if (kept) lines.push(...keptSection(kept, ctx.previous!));
    }
  }
  return `${lines.join('\n')}\n`;
}

const KEPT_NOTE = '_Not part of the run above: kept from the run of';

/** A section of a scenario this run left out, as the previous report had it, marked with where it is from. */
function keptSection(section: string[], previous: PreviousReport): string[] {
  if (section.some((l) => l.startsWith(KEPT_NOTE))) return [...section];
  const [heading, ...rest] = section;
  const runs = previous.runs === undefined ? '' : `, ${previous.runs} run${previous.runs === 1 ? '' : 's'} per job`;
  return [heading, '', `${KEPT_NOTE} ${previous.date}, commit ${previous.commit}${runs}._`, ...rest];
}

/** Splits the generated part of an earlier report into its scenario sections. */
export function parsePreviousReport(text: string): PreviousReport | undefined {
  const date = /^Date: (\S+)/m.exec(text)?.[1];
  const commit = /^Commit: (.+?)\s*$/m.exec(text)?.[1];
  if (!date || !commit) return undefined;
  const runs = /^Runs per job: \*\*(\d+)\*\*/m.exec(text)?.[1];
  const sections = new Map<ScenarioName, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('## ') || line.startsWith('<!--')) current = undefined;
    if (line.startsWith('### ')) {
      const name = line.startsWith('### Operator catalog') ? 'catalog' : line.slice(4, line.indexOf(':'));
      current = ALL_SCENARIOS.includes(name as ScenarioName) ? [] : undefined;
      if (current) sections.set(name as ScenarioName, current);
    }
    current?.push(line);
  }
  for (const lines of sections.values()) while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  for (const lines of sections.values()) lines.push('');
  return { date, commit, runs: runs === undefined ? undefined : Number(runs), sections };
}

function secondsCell(values: number[]): string {
  const s = stats(values);
  if (!s) return '–';
  return `${s.median.toFixed(2)} s${s.n > 1 ? ` (${s.min.toFixed(2)}–${s.max.toFixed(2)})` : ''}`;
}

function megabytesCell(values: number[]): string {
  const s = stats(values);
  if (!s) return '–';
  const mb = (n: number) => (n / MB).toFixed(0);
  return `${mb(s.median)} MB${s.n > 1 ? ` (${mb(s.min)}–${mb(s.max)})` : ''}`;
}

const CATALOG_TIME_TARGET_S = 5;
const CATALOG_RSS_TARGET = 400 * MB;

/** The operator-catalog section. */
function catalogSection(result: CatalogScenarioResult): string[] {
  const { catalog } = result;
  const ok = result.samples.filter((s) => s.ok);
  const failed = result.samples.filter((s) => !s.ok);
  const values = (pick: (s: CatalogSample) => number | undefined) =>
    ok.flatMap((s) => {
      const v = pick(s);
      return v === undefined ? [] : [v];
    });
  const catalogTimes = values((s) => s.catalogSeconds);
  const rss = values((s) => s.peakRssBytes);
  const time = stats(catalogTimes);
  const peak = rss.length ? Math.max(...rss) : undefined;
  const verdict = (met: boolean | undefined) => (met === undefined ? 'n/a' : met ? '**met**' : '**missed**');
  const perPackage = catalog.bundles / catalog.packages;
  const kept = stats(values((s) => s.bundlesKept));
  const copied = stats(values((s) => s.imagesCopied));
  const rssMethod = ok[0]?.rssMethod ?? result.samples[0]?.rssMethod;
  const stepRow = (step: string, label: string) => `| ${label} | ${secondsCell(values((s) => s.steps[step]))} | |`;
  const lines = [
    `### Operator catalog (${catalog.packages} packages × ${perPackage} bundles, ${(catalog.fbcBytes / MB).toFixed(0)} MB FBC) filtered to ${catalog.filter.length} packages and rebuilt`,
    '',
    `${result.quick ? '**--quick** (reduced catalog, smoke run only). ' : ''}${
      result.profiled ? "**--catalog-cpu-prof**: the CLI ran under V8's CPU profiler, times include its overhead. " : ''
    }The catalog image (\`${catalog.reference.replace(/^[^/]+\//, 'SOURCE/')}\`): a small base layer plus one layer with \`configs/<package>/catalog.json\` per package (JSON stream as \`opm render\` writes it) and the label \`operators.operatorframework.io.index.configs.v1=/configs\`; ${catalog.bundles.toLocaleString('en-US')} bundles, each with \`olm.gvk\`, \`olm.package\` (strict semver) and \`olm.bundle.object\` properties (CSV and CRDs as base64 JSON, ~15–20 KB a bundle) and 2–3 related images by digest; every package has a \`stable\` channel (replaces chain, some skips, a skipRange on the head), every third a \`fast\` one too. FBC ${(catalog.fbcBytes / MB).toFixed(1)} MB, configs layer ${(catalog.layerBytes / MB).toFixed(1)} MB gzip'd.`,
    '',
    `ISC: that catalog only, packages ${catalog.filter.map((f) => `\`${f.name}\` (\`${f.channel}\`, minVersion ${f.minVersion})`).join(', ')}. The filter kept ${kept ? kept.median : '?'} bundles; their related images (${catalog.pushedImages} small images pushed for all bundles of those 5 packages) are in the source registry, so every run is a complete mirror-to-mirror: \`node dist/ocm-tui.mjs -c isc.yaml --workspace file://W docker://DEST --dest-tls-verify=false --src-tls-verify=false --no-ui --output json --cache-dir C\` with a fresh workspace, cache and destination registry each run (not \`--dry-run\`: a dry run neither pulls the catalog into the cache nor rebuilds it). It copied ${copied ? copied.median : '?'} images (the related images and the catalog, original and rebuilt).`,
    '',
    `Catalog phase = from the first \`catalog\` event with step \`resolve\` to the \`catalog\` event with step \`done\` of the JSON event stream; the steps under it run from one step's first event to the next step's (filter = load the FBC, filter, write the filtered FBC). Peak RSS: ${
      rssMethod === 'time -v'
        ? "the CLI process's own maximum resident set size (GNU `time -v`, exact)"
        : 'summed VmRSS of the CLI process tree, sampled every 100 ms'
    }. Median (min–max) of ${ok.length} successful run${ok.length === 1 ? '' : 's'}; the RSS target is checked against the largest run.`,
    '',
    '| measure | median (min–max) | target |',
    '|---|---|---|',
    `| catalog phase | ${secondsCell(catalogTimes)} | ≤ ${CATALOG_TIME_TARGET_S} s: ${verdict(time && time.median <= CATALOG_TIME_TARGET_S)} |`,
    stepRow('resolve', '↳ resolve (catalog digest)'),
    stepRow('pull', '↳ pull into the cache'),
    stepRow('extract', '↳ extract the configs'),
    stepRow('filter', '↳ filter (load, filter, write the FBC)'),
    stepRow('rebuild', '↳ rebuild the catalog image'),
    `| collect phase | ${secondsCell(values((s) => s.collectSeconds))} | |`,
    `| copy phase | ${secondsCell(values((s) => s.copySeconds))} | |`,
    `| whole run, wall | ${secondsCell(values((s) => s.seconds))} | |`,
    `| whole run, CPU (user + system) | ${secondsCell(values((s) => s.cpuSeconds))} | |`,
    `| peak RSS | ${megabytesCell(rss)} | ≤ ${CATALOG_RSS_TARGET / MB} MB: ${verdict(peak === undefined ? undefined : peak <= CATALOG_RSS_TARGET)} |`,
  ];
  if (failed.length) {
    lines.push('', 'Failures:');
    for (const f of failed) lines.push(`- ${f.note}`);
  }
  lines.push('');
  return lines;
}
