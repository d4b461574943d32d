import { Box } from 'ink';
import { Line } from '../shared/Line.js';
import type { CatalogStep, Phase } from '../../core/events.js';
import {
  formatBytes,
  formatClock,
  formatDuration,
  formatPercent,
  formatSpeed,
  truncateEnd,
  truncateMiddle,
} from '../shared/format.js';
import { progressBarParts } from '../shared/ProgressBar.js';
import { useTheme } from '../shared/theme.js';
import type { Theme } from '../shared/theme.js';
import { WORKFLOW_LABELS } from '../shared/workflow-labels.js';
import type { OverallView } from './dashboard-selectors.js';
import type { DashboardState } from './dashboard-types.js';

/** "Mirror to disk · copy · 02:15 · docker://quay.io/… → file://mirror" cut to `width`. */
export function headerText(state: DashboardState, overall: OverallView, width: number, theme: Theme): string {
  const sep = ` ${theme.glyphs.separator} `;
  if (!state.run) return truncateEnd(`ocm-tui${sep}starting${theme.glyphs.ellipsis}`, width, theme.glyphs.ellipsis);
  const parts = [WORKFLOW_LABELS[state.run.workflow]];
  if (state.run.dryRun) parts.push('DRY RUN');
  parts.push(phaseText(state.phase));
  if (overall.elapsedMs !== undefined) parts.push(formatClock(overall.elapsedMs));
  const head = parts.join(sep);
  const arrow = ` ${theme.glyphs.arrow} `;
  const room = width - head.length - sep.length - arrow.length;
  if (room < 16) return truncateEnd(head, width, theme.glyphs.ellipsis);
  const half = Math.floor(room / 2);
  const source = truncateMiddle(
    state.run.source,
    Math.max(half, room - state.run.destination.length),
    theme.glyphs.ellipsis,
  );
  const destination = truncateMiddle(state.run.destination, room - source.length, theme.glyphs.ellipsis);
  return truncateEnd(head + sep + source + arrow + destination, width, theme.glyphs.ellipsis);
}

function phaseText(phase: Phase | undefined): string {
  return phase ? `phase ${phase}` : 'phase setup';
}

/** "Images 80/190 · 2 failed · 1.2 GiB/3.4 GiB · 23.4 MiB/s · ETA ~5m 12s" */
export function statsText(overall: OverallView, theme: Theme): string {
  const sep = ` ${theme.glyphs.separator} `;
  const parts = [`Images ${overall.imagesFinished}/${overall.imagesTotal}`];
  if (overall.counts.failed > 0) parts.push(`${theme.glyphs.failed} ${overall.counts.failed} failed`);
  if (overall.counts.skipped > 0) parts.push(`${overall.counts.skipped} skipped`);
  parts.push(`${formatBytes(overall.bytesDone)}/${formatBytes(overall.bytesTotal)}`);
  parts.push(formatSpeed(overall.speed, `-- /s`));
  if (overall.counts.queued + overall.counts.active > 0) {
    parts.push(
      overall.etaMs === undefined ? 'ETA --' : `ETA ${overall.etaEstimated ? '~' : ''}${formatDuration(overall.etaMs)}`,
    );
  }
  if (overall.retries > 0) parts.push(`${theme.glyphs.retry} ${overall.retries} retries`);
  return parts.join(sep);
}

/** The bar line: the bar follows bytes; beside it the percentage, the image count and whether the total grows. */
export interface BarLine {
  barWidth: number;
  /** " 20% · 3/8 images · total growing: 5 manifests to read", cut to what fits. */
  suffix: string;
}

/** Bars narrower than this give up the details beside them first. */
const BAR_LINE_MIN_BAR = 10;

export function barLine(overall: OverallView, width: number, theme: Theme): BarLine {
  const sep = ` ${theme.glyphs.separator} `;
  const percent = formatPercent(overall.fraction);
  const growing = overall.unresolved > 0;
  const of = growing && overall.expectedBytes > 0 ? ` of ~${formatBytes(overall.expectedBytes)}` : '';
  const images = `${overall.imagesFinished}/${overall.imagesTotal} images`;
  const manifests = `${overall.unresolved} manifest${overall.unresolved === 1 ? '' : 's'} to read`;
  const candidates = growing
    ? [
        ` ${percent}${of}${sep}${images}${sep}total growing: ${manifests}`,
        ` ${percent}${of}${sep}${images}${sep}total growing`,
        ` ${percent}${sep}${images}${sep}growing`,
        ` ${percent}${sep}${images}`,
      ]
    : [` ${percent}${sep}${images}`];
  const room = width - 1;
  for (const suffix of candidates) {
    const barWidth = Math.min(40, room - suffix.length);
    if (barWidth >= BAR_LINE_MIN_BAR) return { barWidth, suffix };
  }
  return { barWidth: Math.min(40, Math.max(4, room - percent.length - 1)), suffix: ` ${percent}` };
}

/** The optional line under the bar: archive / extract / delete progress, else the latest notice. */
export function phaseLineText(state: DashboardState, theme: Theme): string | undefined {
  const sep = ` ${theme.glyphs.separator} `;
  if (state.phase === 'archive' && state.archive) {
    const a = state.archive;
    return `Archive ${a.chunk}${sep}${formatBytes(a.bytes)}/${formatBytes(a.totalBytes)}${sep}${state.archiveChunks.length} chunk(s) written`;
  }
  if (state.phase === 'extract' && state.extract) {
    const e = state.extract;
    return `Extract ${e.chunk} (${e.index}/${e.count})${sep}${formatBytes(e.bytes)}/${formatBytes(e.totalBytes)}`;
  }
  if (state.phase === 'collect' && state.catalogs.length > 0) return catalogLineText(state, sep);
  if (state.phase === 'collect' && state.releases) return releaseLineText(state, sep, theme);
  if (state.phase === 'delete') {
    const c = state.deleteCounts;
    return `Deleted ${c.deleted}${sep}absent ${c.absent}${sep}failed ${c.failed}`;
  }
  if (state.lastNotice) return state.lastNotice;
  if (state.phaseDetail) return state.phaseDetail;
  return undefined;
}

const CATALOG_STEP_TEXT: Record<CatalogStep, string> = {
  resolve: 'resolving',
  pull: 'pulling',
  extract: 'reading FBC',
  filter: 'filtering',
  rebuild: 'rebuilding',
  reused: 'reused',
  done: 'ready',
  failed: 'FAILED',
};

/** "Catalog 2/3 redhat-operator-index:v4.18 · filtering · 12.0 MiB/40.0 MiB" while the collector works. */
export function catalogLineText(state: DashboardState, sep: string): string {
  const list = state.catalogs;
  const current =
    list.find((c) => c.step !== 'done' && c.step !== 'reused' && c.step !== 'failed') ?? list[list.length - 1];
  const parts = [`Catalog ${list.indexOf(current) + 1}/${list.length} ${shortCatalogName(current.catalog)}`];
  parts.push(CATALOG_STEP_TEXT[current.step]);
  if (current.bytes !== undefined && (current.step === 'pull' || current.step === 'extract')) {
    parts.push(
      current.totalBytes
        ? `${formatBytes(current.bytes)}/${formatBytes(current.totalBytes)}`
        : formatBytes(current.bytes),
    );
  }
  if (current.packages !== undefined) parts.push(`${current.packages} packages, ${current.bundles ?? 0} bundles`);
  return parts.join(sep);
}

/** "Release 4.18.1-x86_64: 190 components · signatures ✓ 4.18.1-x86_64 ✓ 4.18.2-x86_64" while releases are collected. */
export function releaseLineText(state: DashboardState, sep: string, theme: Theme): string {
  const r = state.releases!;
  const marks = r.signatures.map((s) => `${s.verified ? theme.glyphs.done : theme.glyphs.failed} ${s.release}`);
  return marks.length > 0 ? `${r.text}${sep}signatures ${marks.join(' ')}` : r.text;
}

/** `registry.redhat.io/redhat/redhat-operator-index:v4.18` → `redhat-operator-index:v4.18` (digests shortened). */
function shortCatalogName(catalog: string): string {
  const last = catalog.slice(catalog.lastIndexOf('/') + 1);
  return last.replace(/@sha256:([0-9a-f]{12})[0-9a-f]*/, '@$1');
}

export interface DashboardHeaderProps {
  state: DashboardState;
  overall: OverallView;
  width: number;
  stats: boolean;
  bar: boolean;
  phaseLine?: string;
}

/** Header, overall numbers, overall bar and the optional phase line. */
export function DashboardHeader({ state, overall, width, stats, bar, phaseLine }: DashboardHeaderProps) {
  const theme = useTheme();
  const line = barLine(overall, width, theme);
  const [filled, empty] = progressBarParts(overall.fraction, line.barWidth, theme.glyphs);
  return (
    <Box flexDirection="column">
      <Line
        segments={[{ text: headerText(state, overall, width - 1, theme), bold: true, tone: 'accent' }]}
        width={width}
        theme={theme}
      />
      {stats ? (
        <Line
          segments={[truncateEnd(statsText(overall, theme), width - 1, theme.glyphs.ellipsis)]}
          width={width}
          theme={theme}
        />
      ) : null}
      {bar ? (
        <Line
          segments={[
            { text: filled, tone: overall.counts.failed > 0 ? 'warn' : 'ok' },
            { text: empty, tone: 'muted' },
            line.suffix,
          ]}
          width={width}
          theme={theme}
        />
      ) : null}
      {phaseLine !== undefined ? (
        <Line
          segments={[{ text: truncateEnd(phaseLine, width - 1, theme.glyphs.ellipsis), tone: 'muted' }]}
          width={width}
          theme={theme}
        />
      ) : null}
    </Box>
  );
}
