/**
 * The end-of-run summary as data: what happened (counts, bytes, duration, average throughput), where the
 * outputs are, and what to do next. Rendered by SummaryView; kept pure so its wording is testable.
 */
import { dirname } from 'node:path';
import type { RunSummary } from '../../core/events.js';
import type { ContentKind } from '../../core/image-types.js';
import { formatBytes, formatDuration, formatSpeed } from '../shared/format.js';
import type { Theme, Tone } from '../shared/theme.js';
import { WORKFLOW_LABELS } from '../shared/workflow-labels.js';

export interface SummaryLine {
  text: string;
  tone?: Tone;
  bold?: boolean;
  /** Output and next-step lines may be dropped (with a note) when the live area is short. */
  section: 'head' | 'output' | 'next' | 'foot';
}

const KIND_ORDER: ContentKind[] = ['release', 'operator', 'additional', 'helm'];

/** Average transfer speed over the whole run, in bytes/s (undefined for an instant run). */
export function averageThroughput(summary: RunSummary): number | undefined {
  if (summary.durationMs <= 0) return undefined;
  return (summary.bytesCopied * 1000) / summary.durationMs;
}

function isClusterResources(output: { label: string; path: string }): boolean {
  return /cluster[- ]resources/i.test(output.label) || output.path.includes('cluster-resources');
}

function isErrorReport(output: { label: string; path: string }): boolean {
  return /error/i.test(output.label) || /mirroring_errors/.test(output.path);
}

function isArchive(output: { label: string; path: string }): boolean {
  return /archive/i.test(output.label) || /\.tar$/.test(output.path);
}

function isDeleteFile(output: { label: string; path: string }): boolean {
  return /delete/i.test(output.label) || /delete-images.*\.ya?ml$/.test(output.path);
}

function isDryRunMapping(output: { label: string; path: string }): boolean {
  return /dry[- ]run|mapping|missing/i.test(output.label) || /dry-run\//.test(output.path);
}

/** How the summary is presented. */
export interface SummaryOptions {
  /**
   * The run was `ocm-tui demo`, whose registries and files are removed when it ends: the outputs are named as
   * temporary and the next steps say what a real run would do instead of naming files that no longer exist.
   */
  demo?: boolean;
}

/** What a real run would let the user do next, for the demo (no path of the demo's own files). */
function demoNextSteps(summary: RunSummary): string[] {
  const steps = [
    'Mirror your own images: run ocm-tui for the wizard, or',
    'ocm-tui -c isc.yaml --workspace file://DIR docker://REGISTRY',
  ];
  if (summary.outputs.some(isClusterResources)) {
    steps.push('then oc apply -f DIR/working-dir/cluster-resources (the IDMS/ITMS a real run keeps)');
  }
  return steps;
}

/** What the user should do next, as commands where there is one. */
export function nextSteps(summary: RunSummary, options: SummaryOptions = {}): string[] {
  if (options.demo) return demoNextSteps(summary);
  const steps: string[] = [];
  const outputs = summary.outputs;
  const mapping = outputs.find(isDryRunMapping);
  if (mapping) steps.push(`Dry run: nothing was copied. Review ${mapping.path}`);
  for (const output of outputs.filter(isClusterResources)) steps.push(`oc apply -f ${output.path}`);
  if (summary.workflow === 'mirrorToDisk') {
    const archive = outputs.find(isArchive);
    if (archive && !mapping) {
      const dir = archive.path.endsWith('.tar') ? dirname(archive.path) : archive.path;
      steps.push(
        `Carry ${dir} to the disconnected side, then: ocm-tui -c <isc.yaml> --from file://${dir} docker://<registry>`,
      );
    }
  }
  if (summary.workflow === 'delete') {
    const plan = outputs.find(isDeleteFile);
    if (plan)
      steps.push(`Review ${plan.path}, then: ocm-tui delete --delete-yaml-file ${plan.path} docker://<registry>`);
  }
  const report = outputs.find(isErrorReport);
  if (report) steps.push(`See why images failed: ${report.path}`);
  if (summary.cancelled) steps.push('Run the same command again to resume: content already copied is skipped.');
  else if (summary.imagesFailed > 0) steps.push('Run the same command again to retry the failed images.');
  return steps;
}

/** The headline: outcome glyph + word (never colour alone). */
function headline(summary: RunSummary, theme: Theme): SummaryLine {
  const label = WORKFLOW_LABELS[summary.workflow];
  const duration = formatDuration(summary.durationMs);
  if (summary.cancelled) {
    return {
      text: `${theme.glyphs.skipped} ${label} cancelled after ${duration}`,
      tone: 'warn',
      bold: true,
      section: 'head',
    };
  }
  if (summary.imagesFailed > 0 || summary.exitCode !== 0) {
    return {
      text: `${theme.glyphs.failed} ${label} finished with errors in ${duration}`,
      tone: 'error',
      bold: true,
      section: 'head',
    };
  }
  return { text: `${theme.glyphs.done} ${label} finished in ${duration}`, tone: 'ok', bold: true, section: 'head' };
}

/** Every line of the summary, in order. */
export function summaryLines(summary: RunSummary, theme: Theme, options: SummaryOptions = {}): SummaryLine[] {
  const sep = ` ${theme.glyphs.separator} `;
  const lines: SummaryLine[] = [headline(summary, theme)];
  const images = [`${summary.imagesOk} ok`, `${summary.imagesFailed} failed`, `${summary.imagesSkipped} skipped`];
  lines.push({
    text: `Images    ${images.join(sep)}${sep}${summary.imagesTotal} total`,
    tone: summary.imagesFailed > 0 ? 'error' : undefined,
    section: 'head',
  });
  const kinds = KIND_ORDER.filter((k) => summary.byKind[k] !== undefined).map(
    (k) => `${k} ${summary.byKind[k]?.ok}/${summary.byKind[k]?.total}`,
  );
  if (kinds.length > 0) lines.push({ text: `          ${kinds.join(sep)}`, section: 'head' });
  lines.push({
    text: `Bytes     ${formatBytes(summary.bytesCopied)} copied${sep}${formatBytes(summary.bytesSkipped)} already present or mounted`,
    section: 'head',
  });
  lines.push({
    text: `Blobs     ${summary.blobsCopied} copied${sep}${summary.blobsSkipped} already present${sep}${summary.blobsMounted} mounted`,
    section: 'head',
  });
  lines.push({
    text: `Time      ${formatDuration(summary.durationMs)}${sep}average ${formatSpeed(averageThroughput(summary), '-')}`,
    section: 'head',
  });
  if (summary.outputs.length > 0) {
    lines.push({
      text: options.demo ? "Outputs (in the demo's temporary directory, removed when it ends)" : 'Outputs',
      bold: true,
      section: 'head',
    });
    for (const output of summary.outputs) {
      lines.push({ text: `  ${output.label}: ${output.path}`, section: 'output' });
    }
  }
  const steps = nextSteps(summary, options);
  if (steps.length > 0) {
    lines.push({ text: options.demo ? 'Next, outside the demo' : 'Next', bold: true, section: 'head' });
    for (const step of steps) lines.push({ text: `  ${step}`, tone: 'accent', section: 'next' });
  }
  lines.push({
    text: `Exit code ${summary.exitCode}`,
    tone: summary.exitCode === 0 ? 'muted' : 'error',
    section: 'foot',
  });
  return lines;
}

/** Screen lines a text needs at `width` columns when wrapped. */
function heightOf(text: string, width: number): number {
  return Math.max(1, Math.ceil(Array.from(text).length / Math.max(1, width)));
}

/**
 * The lines that fit in `maxLines` screen lines at `width`: output lines are dropped first, then next
 * steps, each group replaced by one "+N more" line; on tiny terminals the tail is cut.
 */
export function fitSummaryLines(lines: SummaryLine[], width: number, maxLines: number): SummaryLine[] {
  const total = (ls: SummaryLine[]): number => ls.reduce((n, l) => n + heightOf(l.text, width), 0);
  let result = lines;
  for (const section of ['output', 'next'] as const) {
    if (total(result) <= maxLines) return result;
    const indices = result.flatMap((l, i) => (l.section === section ? [i] : []));
    if (indices.length === 0) continue;
    let candidate = result;
    for (let keep = indices.length - 1; keep >= 0; keep--) {
      const cut = indices[keep];
      const dropped = indices.length - keep;
      const note: SummaryLine = { text: `  +${dropped} more`, tone: 'muted', section: 'foot' };
      candidate = [...result.slice(0, cut), note, ...result.slice(indices[indices.length - 1] + 1)];
      if (total(candidate) <= maxLines) return candidate;
    }
    result = candidate;
  }
  while (result.length > 1 && total(result) > maxLines) result = result.slice(0, -1);
  return result;
}
