/**
 * What the wizard learns about a config file before anything runs. The CLI implements `describeConfig` with
 * the core's config parser and hands the wizard this shape, so the UI never imports the parser.
 */

export type ConfigKind = 'ImageSetConfiguration' | 'DeleteImageSetConfiguration';

/** What an ImageSetConfiguration / DeleteImageSetConfiguration asks for. */
export interface ConfigSummary {
  kind: ConfigKind;
  /** Release channel names (`mirror.platform.channels[].name`). */
  channels: string[];
  /** Per channel, what it selects (absent in older callers: names only). */
  releaseRanges?: { channel: string; minVersion?: string; maxVersion?: string; full: boolean; shortestPath: boolean }[];
  /** `mirror.platform.release`: one payload, channels ignored. */
  release?: string;
  graph?: boolean;
  /** Operator catalogs and their packages (empty = the whole catalog). */
  catalogs: {
    catalog: string;
    packages: string[];
    /** Per package, the channels asked for (empty or absent = every channel). */
    channels?: Record<string, string[]>;
    /** `full: true`: every bundle, not only channel heads. */
    full?: boolean;
  }[];
  additionalImages: string[];
  /** Helm chart names (local and repository charts). */
  charts: string[];
  /** Helm repositories → charts → versions (`charts` undefined = every chart of the repository). */
  helmRepositories?: { name: string; charts?: { name: string; version?: string }[] }[];
}

/** A validation problem at a 1-based position in the YAML file. */
export interface ConfigProblem {
  line: number;
  column: number;
  message: string;
}

export type DescribeConfigResult = { ok: true; summary: ConfigSummary } | { ok: false; problems: ConfigProblem[] };

/** A config file found in the current directory, detected by its `kind`. */
export interface ConfigFile {
  path: string;
  kind: string;
}

function listWithMore(items: readonly string[], max: number): string {
  const shown = items.slice(0, max);
  const more = items.length - shown.length;
  return shown.join(', ') + (more > 0 ? `, +${more} more` : '');
}

/** `4.18.2–4.18.9`, `≥ 4.18.2`, `≤ 4.18.9`, `all`, `head` — plus `shortest path`. */
function releaseRangeText(r: {
  minVersion?: string;
  maxVersion?: string;
  full: boolean;
  shortestPath: boolean;
}): string {
  let text: string;
  if (r.minVersion && r.maxVersion)
    text = r.minVersion === r.maxVersion ? r.minVersion : `${r.minVersion}–${r.maxVersion}`;
  else if (r.minVersion) text = `≥ ${r.minVersion}`;
  else if (r.maxVersion) text = `≤ ${r.maxVersion}`;
  else text = r.full ? 'all versions' : 'head';
  return `(${text}${r.shortestPath ? ', shortest path' : ''})`;
}

/**
 * Display lines for a summary ("Releases  stable-4.16, fast-4.16", one line per catalog…), at most
 * `maxLines` (the rest counted on the last line).
 */
export function configSummaryLines(summary: ConfigSummary, maxLines: number): string[] {
  const lines: string[] = [];
  if (summary.release) lines.push(`Releases     ${summary.release} (this payload only)`);
  else if (summary.releaseRanges && summary.releaseRanges.length > 0) {
    const ranges = summary.releaseRanges.map((r) => `${r.channel} ${releaseRangeText(r)}`);
    lines.push(`Releases     ${listWithMore(ranges, 3)}${summary.graph ? ' + graph image' : ''}`);
  } else lines.push(`Releases     ${summary.channels.length > 0 ? listWithMore(summary.channels, 6) : 'none'}`);
  if (summary.catalogs.length === 0) lines.push('Operators    none');
  for (const { catalog, packages, channels, full } of summary.catalogs) {
    const what =
      packages.length > 0
        ? `${packages.length} package${packages.length === 1 ? '' : 's'}${full ? ', full' : ''}`
        : full
          ? 'all packages, full catalog'
          : 'all packages, channel heads';
    lines.push(`Operators    ${catalog} (${what})`);
    // catalogs → packages → channels, a tree under the catalog line (the first packages; the rest counted).
    const shown = packages.slice(0, 4);
    shown.forEach((name, i) => {
      const last = i === shown.length - 1 && packages.length === shown.length;
      const chosen = channels?.[name] ?? [];
      lines.push(
        `               ${last ? '└' : '├'} ${name}: ${chosen.length > 0 ? listWithMore(chosen, 4) : 'all channels'}`,
      );
    });
    if (packages.length > shown.length)
      lines.push(`               └ +${packages.length - shown.length} more package(s)`);
  }
  lines.push(
    `Images       ${summary.additionalImages.length > 0 ? `${summary.additionalImages.length}: ${listWithMore(summary.additionalImages, 3)}` : 'none'}`,
  );
  lines.push(
    `Helm charts  ${summary.charts.length > 0 ? `${summary.charts.length}: ${listWithMore(summary.charts, 4)}` : 'none'}`,
  );
  for (const repo of summary.helmRepositories ?? []) {
    const charts =
      repo.charts === undefined
        ? 'every chart, every version'
        : listWithMore(
            repo.charts.map((c) => `${c.name} ${c.version ?? 'latest'}`),
            4,
          );
    lines.push(`               └ ${repo.name}: ${charts}`);
  }
  if (lines.length <= maxLines) return lines;
  const keep = Math.max(0, maxLines - 1);
  return [...lines.slice(0, keep), `+${lines.length - keep} more line(s)`];
}

/** "12:5  unknown field 'mirrror'" lines, sorted by position, at most `maxLines`. */
export function problemLines(problems: readonly ConfigProblem[], maxLines: number): string[] {
  const sorted = [...problems].sort((a, b) => a.line - b.line || a.column - b.column);
  const lines = sorted.map((p) => `${p.line}:${p.column}  ${p.message}`);
  if (lines.length <= maxLines) return lines;
  const keep = Math.max(0, maxLines - 1);
  return [...lines.slice(0, keep), `+${lines.length - keep} more problem(s)`];
}
