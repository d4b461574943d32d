/**
 * Plain-text lines for events: shared by the headless reporter and the run log file, so what scrolled by
 * on the console is exactly what the log holds. Stateful only to map image ids back to references.
 */
import type { MirrorEvent } from '../events.js';
import type { PlannedImage } from '../image-types.js';
import { shortHex } from '../digest.js';
import { stripTransport } from '../reference/image-reference.js';

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

export function formatDurationMs(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

type CatalogEvent = Extract<MirrorEvent, { type: 'catalog' }>;
type ReleaseEvent = Extract<MirrorEvent, { type: 'release' }>;

function releaseLines(event: ReleaseEvent): string[] {
  switch (event.step) {
    case 'graph':
      return ['releases: querying the update graph'];
    case 'selected':
      return [
        `releases: ${event.releases?.length ?? 0} selected${event.releases?.length ? `: ${event.releases.join(', ')}` : ''}`,
      ];
    case 'signature':
      return [
        event.verified
          ? `release ${event.release}: signature ✓ verified (key ${event.signer ?? '?'})`
          : `release ${event.release}: signature not checked (--ignore-release-signature)`,
      ];
    case 'payload':
      return [`release ${event.release}: reading release-manifests`];
    case 'components':
      return [`release ${event.release}: ${event.components ?? 0} components`];
    case 'graph-image':
      return ['releases: graph data image'];
    case 'done':
      return [`releases: ${event.releases?.length ?? 0} payloads, ${event.components ?? 0} images`];
  }
}

/** One line per catalog step; byte progress only when verbose (the step lines say what is happening). */
function catalogLines(event: CatalogEvent, verbose: boolean): string[] {
  const name = event.catalog;
  switch (event.step) {
    case 'resolve':
      return [`catalog ${name}: resolving`];
    case 'pull':
    case 'extract': {
      const what = event.step === 'pull' ? 'pulling into the cache' : 'reading the File-Based Catalog';
      if (event.bytes === undefined) return [`catalog ${name}: ${what}`];
      return verbose
        ? [
            `catalog ${name}: ${what} ${formatBytes(event.bytes)}${event.totalBytes ? `/${formatBytes(event.totalBytes)}` : ''}`,
          ]
        : [];
    }
    case 'filter':
      return [`catalog ${name}: filtering`];
    case 'rebuild':
      return [`catalog ${name}: rebuilding the filtered catalog image`];
    case 'reused':
      return [`catalog ${name}: ${event.detail ?? 'reusing the filtered catalog of an earlier run'}`];
    case 'done':
      return [
        `catalog ${name}: ${event.packages ?? 0} packages, ${event.bundles ?? 0} bundles${event.detail ? ` (${event.detail})` : ''}`,
      ];
    case 'failed':
      return [`catalog ${name}: FAILED: ${event.error ?? 'unknown error'}`];
  }
}

const KIND_WORD = { release: 'release', operator: 'operator', additional: 'additional', helm: 'helm' } as const;

export class EventTextFormatter {
  private readonly images = new Map<string, PlannedImage>();
  private total = 0;
  private finished = 0;

  /** Returns the lines for an event (possibly none); `verbose` adds per-blob lines. */
  format(event: MirrorEvent, verbose = false): string[] {
    switch (event.type) {
      case 'run.started':
        return [
          `ocm-tui: ${event.workflow}${event.dryRun ? ' (dry run)' : ''}: ${event.source} -> ${event.destination}`,
        ];
      case 'phase':
        return event.phase === 'done' ? [] : [`== ${event.phase}${event.detail ? `: ${event.detail}` : ''}`];
      case 'plan':
        for (const img of event.images) this.images.set(img.id, img);
        this.total = event.images.length;
        return [`planned ${event.images.length} image(s)`];
      case 'image.started':
        return verbose ? [`start   ${this.ref(event.imageId)}`] : [];
      case 'image.done': {
        this.finished++;
        const img = this.images.get(event.imageId);
        return [
          `${this.counter()} ok      ${img?.origin ?? event.imageId} -> ${stripTransport(img?.destination ?? '')} (${formatBytes(event.bytesCopied)} copied, ${formatBytes(event.bytesSkipped)} already there)`,
        ];
      }
      case 'image.policy':
        // The signature policy's verdict (--secure-policy); a refusal is followed by the image's FAILED line.
        return event.accepted
          ? [`verified ${this.ref(event.imageId)} (${event.scope}: ${event.requirement}): ${event.reason}`]
          : [
              `REFUSED ${this.ref(event.imageId)} by the signature policy (${event.scope}: ${event.requirement}): ${event.reason}`,
            ];
      case 'image.failed':
        this.finished++;
        return [`${this.counter()} FAILED  ${this.ref(event.imageId)}: ${event.error.replace(/\n\s*/g, ' ')}`];
      case 'image.skipped':
        this.finished++;
        return [`${this.counter()} skipped ${this.ref(event.imageId)}: ${event.reason}`];
      case 'blob.done':
        return verbose
          ? [
              `  blob ${shortHex(event.digest)} ${formatBytes(event.size)} ${event.outcome === 'exists' ? 'skipped: already exists' : event.outcome}`,
            ]
          : [];
      case 'blob.failed':
        return verbose ? [`  blob ${shortHex(event.digest)} failed: ${event.error}`] : [];
      case 'retry':
        return [
          `retry ${event.attempt}/${event.maxAttempts} in ${formatDurationMs(event.delayMs)}${event.imageId ? ` (${this.ref(event.imageId)})` : ''}: ${event.reason}`,
        ];
      case 'warning':
        return [`WARNING ${event.message}`];
      case 'log':
        return event.level === 'debug' && !verbose ? [] : [event.message];
      case 'catalog':
        return catalogLines(event, verbose);
      case 'release':
        return releaseLines(event);
      case 'helm':
        if (event.step === 'fetch') return [`helm ${event.chart}: downloading`];
        if (event.step === 'rendered')
          return [
            `helm ${event.chart}: ${event.images ?? 0} image(s)${event.hookImages ? `, ${event.hookImages} hook image(s) left out` : ''}`,
          ];
        return [`helm ${event.chart}: FAILED: ${event.error ?? 'unknown error'}`];
      case 'archive.chunk':
        return [`wrote ${event.path} (${formatBytes(event.bytes)})`];
      case 'extract.progress':
        return event.bytes === 0 ? [`extracting chunk file (${event.index} / ${event.count}): ${event.chunk}`] : [];
      case 'delete.item':
        return [`${event.outcome.padEnd(7)} ${event.reference}${event.error ? `: ${event.error}` : ''}`];
      case 'summary': {
        const s = event.summary;
        const lines = ['=== Results ==='];
        for (const [kind, c] of Object.entries(s.byKind)) {
          const word = KIND_WORD[kind as keyof typeof KIND_WORD] ?? kind;
          const verb = s.workflow === 'delete' ? 'deleted' : 'mirrored';
          lines.push(
            c.ok === c.total
              ? `✓ ${c.ok} / ${c.total} ${word} images ${verb} successfully`
              : `✗ ${c.ok} / ${c.total} ${word} images ${verb}: some ${word} images failed - please check the logs`,
          );
        }
        const secs = Math.max(s.durationMs / 1000, 0.001);
        lines.push(
          `images: ${s.imagesOk} ok, ${s.imagesFailed} failed, ${s.imagesSkipped} skipped of ${s.imagesTotal}; ` +
            `blobs: ${s.blobsCopied} copied, ${s.blobsSkipped} already there, ${s.blobsMounted} mounted; ` +
            `${formatBytes(s.bytesCopied)} in ${formatDurationMs(s.durationMs)} (${formatBytes(s.bytesCopied / secs)}/s)`,
        );
        for (const o of s.outputs) lines.push(`${o.label}: ${o.path}`);
        if (s.cancelled)
          lines.push('cancelled: re-run the same command to resume; finished blobs are not fetched again');
        lines.push(`exit code ${s.exitCode}`);
        return lines;
      }
      default:
        return [];
    }
  }

  private counter(): string {
    return `[${this.finished}/${this.total}]`;
  }

  private ref(imageId: string): string {
    return this.images.get(imageId)?.origin ?? `image ${imageId}`;
  }
}
