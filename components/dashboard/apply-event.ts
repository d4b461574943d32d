/** How each core event changes the dashboard state (applied to a batch draft, O(1) per event). */
import type { MirrorEvent, RunSummary } from '../../core/events.js';
import type { PlannedImage } from '../../core/image-types.js';
import { EMPTY_RATE, addRateSample } from './rate-window.js';
import type { BlobState, ImageState, ImageStatus, RetryInfo } from './dashboard-types.js';
import { TERMINAL } from './state-draft.js';
import type { Draft, Mutable } from './state-draft.js';

function newImage(planned: PlannedImage, planIndex: number): ImageState {
  return {
    id: planned.id,
    type: planned.type,
    reference: planned.origin,
    source: planned.source,
    destination: planned.destination,
    status: 'queued',
    planIndex,
    startSeq: 0,
    finishSeq: 0,
    blobs: new Map(),
    blobsKnown: false,
    manifests: 0,
    bytesDone: 0,
    bytesTotal: 0,
    blobsFinished: 0,
    rate: EMPTY_RATE,
  };
}

/** An image the plan did not announce (defensive: events are never dropped for lack of a plan). */
function ensureImage(d: Draft, id: string, reference = id): Mutable<ImageState> {
  const existing = d.writableImage(id);
  if (existing) return existing;
  d.s.counts.queued++;
  const planned: PlannedImage = { id, type: 'generic', origin: reference, source: reference, destination: '' };
  return d.addImage(newImage(planned, d.s.planOrder.length));
}

function setStatus(d: Draft, image: Mutable<ImageState>, status: ImageStatus, at: number): void {
  if (image.status === status) return;
  d.s.counts[image.status]--;
  d.s.counts[status]++;
  image.status = status;
  if (status === 'active') {
    image.startSeq = ++d.s.seq;
    image.startedAt = at;
  } else if (TERMINAL.has(status)) {
    image.finishSeq = ++d.s.seq;
    image.finishedAt = at;
  }
}

function activate(d: Draft, image: Mutable<ImageState>, at: number): void {
  if (image.status === 'queued') setStatus(d, image, 'active', at);
}

/** Failed/skipped images will never complete the rest of their bytes: drop that rest from the total. */
function shrinkToDone(d: Draft, image: Mutable<ImageState>): void {
  const rest = image.bytesTotal - image.bytesDone;
  if (rest > 0) {
    image.bytesTotal -= rest;
    d.s.bytesTotal -= rest;
  }
}

function addBytes(d: Draft, image: Mutable<ImageState>, delta: number): void {
  image.bytesDone += delta;
  d.s.bytesDone += delta;
}

function addTransfer(d: Draft, image: Mutable<ImageState>, at: number, delta: number): void {
  if (delta <= 0) return;
  d.s.bytesTransferred += delta;
  d.s.rate = addRateSample(d.s.rate, at, delta);
  image.rate = addRateSample(image.rate, at, delta);
}

function resizeBlob(d: Draft, image: Mutable<ImageState>, blob: Mutable<BlobState>, size: number): void {
  if (!(size > 0) || size === blob.size) return;
  const delta = size - blob.size;
  blob.size = size;
  image.bytesTotal += delta;
  d.s.bytesTotal += delta;
}

function blobFor(d: Draft, image: Mutable<ImageState>, digest: string, size: number): Mutable<BlobState> {
  const blob = d.writableBlob(image, digest) ?? d.addBlob(image, digest, size);
  resizeBlob(d, image, blob, size);
  return blob;
}

function retryInfo(e: Extract<MirrorEvent, { type: 'retry' }>): RetryInfo {
  return { attempt: e.attempt, maxAttempts: e.maxAttempts, delayMs: e.delayMs, reason: e.reason };
}

function applyPlan(d: Draft, images: readonly PlannedImage[]): void {
  const order: string[] = [];
  const seen = new Set<string>();
  images.forEach((planned, index) => {
    if (seen.has(planned.id)) return;
    seen.add(planned.id);
    order.push(planned.id);
    const existing = d.writableImage(planned.id);
    if (existing) {
      existing.type = planned.type;
      existing.reference = planned.origin;
      existing.source = planned.source;
      existing.destination = planned.destination;
      existing.planIndex = index;
    } else {
      d.s.counts.queued++;
      d.addImage(newImage(planned, index));
    }
  });
  // Images seen before this plan keep their place after it.
  const rest = d.s.planOrder.filter((id) => !seen.has(id));
  rest.forEach((id, i) => {
    const image = d.writableImage(id);
    if (image) image.planIndex = order.length + i;
  });
  d.setPlan([...order, ...rest]);
}

export function applyEvent(d: Draft, e: MirrorEvent): void {
  if (e.at > d.s.now) d.s.now = e.at;
  switch (e.type) {
    case 'run.started':
      d.s.run = {
        workflow: e.workflow,
        source: e.source,
        destination: e.destination,
        dryRun: e.dryRun,
        startedAt: e.at,
      };
      return;
    case 'phase':
      d.s.phase = e.phase;
      d.s.phaseDetail = e.detail;
      return;
    case 'plan':
      applyPlan(d, e.images);
      return;
    case 'image.started': {
      const image = ensureImage(d, e.imageId);
      activate(d, image, e.at);
      return;
    }
    case 'image.blobs': {
      const image = ensureImage(d, e.imageId);
      if (TERMINAL.has(image.status)) return;
      activate(d, image, e.at);
      for (const blob of e.blobs) blobFor(d, image, blob.digest, blob.size);
      image.manifests = e.manifests;
      if (!image.blobsKnown) {
        image.blobsKnown = true;
        d.s.imagesResolved++;
        d.s.bytesResolved += image.bytesTotal;
      }
      return;
    }
    case 'blob.started': {
      const image = ensureImage(d, e.imageId);
      if (TERMINAL.has(image.status)) return;
      activate(d, image, e.at);
      const blob = blobFor(d, image, e.digest, e.size);
      if (blob.status === 'done') return;
      blob.status = 'copying';
      blob.retry = undefined;
      blob.error = undefined;
      return;
    }
    case 'blob.progress': {
      const image = ensureImage(d, e.imageId);
      if (TERMINAL.has(image.status)) return;
      activate(d, image, e.at);
      const blob = blobFor(d, image, e.digest, e.size);
      if (blob.status === 'done') return;
      const bytes = Math.max(0, e.bytes);
      const delta = bytes - blob.bytes;
      blob.bytes = bytes;
      addBytes(d, image, delta);
      addTransfer(d, image, e.at, delta);
      blob.status = 'copying';
      blob.retry = undefined;
      image.retry = undefined;
      return;
    }
    case 'blob.done': {
      const image = ensureImage(d, e.imageId);
      if (TERMINAL.has(image.status)) return;
      activate(d, image, e.at);
      const blob = blobFor(d, image, e.digest, e.size);
      if (blob.status === 'done') return;
      const delta = blob.size - blob.bytes;
      blob.bytes = blob.size;
      addBytes(d, image, delta);
      if (e.outcome === 'copied') addTransfer(d, image, e.at, delta);
      blob.status = 'done';
      blob.outcome = e.outcome;
      blob.retry = undefined;
      blob.error = undefined;
      image.blobsFinished++;
      image.retry = undefined;
      return;
    }
    case 'blob.failed': {
      const image = ensureImage(d, e.imageId);
      const blob = blobFor(d, image, e.digest, 0);
      if (blob.status !== 'done') {
        blob.status = 'failed';
        blob.error = e.error;
      }
      d.s.errorCount++;
      d.pushError({
        at: e.at,
        severity: 'error',
        imageId: image.id,
        reference: image.reference,
        digest: e.digest,
        message: e.error,
      });
      return;
    }
    case 'retry': {
      d.s.retries++;
      const info = retryInfo(e);
      let where = '';
      if (e.imageId !== undefined) {
        const image = ensureImage(d, e.imageId);
        where = ` (${image.reference})`;
        if (!TERMINAL.has(image.status)) {
          activate(d, image, e.at);
          if (e.digest !== undefined) {
            const blob = blobFor(d, image, e.digest, 0);
            if (blob.status !== 'done') {
              blob.status = 'retrying';
              blob.retry = info;
            }
          } else {
            image.retry = info;
          }
        }
      }
      d.s.lastNotice = `retry ${e.attempt}/${e.maxAttempts}: ${e.reason}${where}`;
      return;
    }
    case 'image.done': {
      const image = ensureImage(d, e.imageId);
      if (TERMINAL.has(image.status)) return;
      for (const digest of image.blobs.keys()) {
        const blob = d.writableBlob(image, digest);
        if (!blob || blob.status === 'done') continue;
        addBytes(d, image, blob.size - blob.bytes);
        blob.bytes = blob.size;
        blob.status = 'done';
        blob.retry = undefined;
        image.blobsFinished++;
      }
      const reported = e.bytesCopied + e.bytesSkipped;
      if (!image.blobsKnown && reported > image.bytesTotal) {
        const extra = reported - image.bytesTotal;
        image.bytesTotal += extra;
        d.s.bytesTotal += extra;
        addBytes(d, image, extra);
      }
      image.retry = undefined;
      setStatus(d, image, 'done', e.at);
      return;
    }
    case 'image.policy': {
      const image = ensureImage(d, e.imageId);
      image.policy = { accepted: e.accepted, scope: e.scope, requirement: e.requirement, reason: e.reason };
      d.s.policyActive = true;
      return;
    }
    case 'image.failed': {
      const image = ensureImage(d, e.imageId);
      if (image.status === 'failed') return;
      setStatus(d, image, 'failed', e.at);
      image.error = e.error;
      image.code = e.code;
      image.retry = undefined;
      shrinkToDone(d, image);
      d.s.errorCount++;
      d.pushError({
        at: e.at,
        severity: 'error',
        imageId: image.id,
        reference: image.reference,
        message: e.error,
        code: e.code,
      });
      return;
    }
    case 'image.skipped': {
      const image = ensureImage(d, e.imageId);
      if (TERMINAL.has(image.status)) return;
      setStatus(d, image, 'skipped', e.at);
      image.skipReason = e.reason;
      shrinkToDone(d, image);
      return;
    }
    case 'warning':
      d.s.warningCount++;
      d.s.lastNotice = e.message;
      d.pushError({ at: e.at, severity: 'warning', message: e.message });
      return;
    case 'log':
      if (e.level === 'info') d.s.lastNotice = e.message;
      return;
    case 'archive.progress':
      d.s.archive = { chunk: e.chunk, bytes: e.bytes, totalBytes: e.totalBytes };
      return;
    case 'archive.chunk':
      d.s.archiveChunks = [...d.s.archiveChunks, { path: e.path, bytes: e.bytes }];
      return;
    case 'catalog': {
      const others = d.s.catalogs.filter((c) => c.catalog !== e.catalog);
      const previous = d.s.catalogs.find((c) => c.catalog === e.catalog);
      // Byte counts belong to one step: a new step starts from its own numbers.
      const sameStep = previous?.step === e.step;
      const next = {
        catalog: e.catalog,
        step: e.step,
        bytes: e.bytes ?? (sameStep ? previous?.bytes : undefined),
        totalBytes: e.totalBytes ?? (sameStep ? previous?.totalBytes : undefined),
        packages: e.packages ?? previous?.packages,
        bundles: e.bundles ?? previous?.bundles,
        detail: e.detail ?? (sameStep ? previous?.detail : undefined),
        error: e.error,
      };
      const index = previous ? d.s.catalogs.indexOf(previous) : others.length;
      d.s.catalogs = [...others.slice(0, index), next, ...others.slice(index)];
      if (e.step === 'failed' && e.error) {
        d.pushError({ at: e.at, severity: 'error', reference: e.catalog, message: e.error });
      }
      return;
    }
    case 'release': {
      const previous = d.s.releases ?? { step: '', text: '', signatures: [] };
      const signatures =
        e.step === 'signature' && e.release
          ? [...previous.signatures, { release: e.release, verified: Boolean(e.verified) }]
          : previous.signatures;
      d.s.releases = { step: e.step, text: releaseStepText(e), signatures };
      return;
    }
    case 'helm':
      if (e.step === 'failed') {
        d.pushError({ at: e.at, severity: 'error', reference: e.chart, message: e.error ?? 'chart failed' });
        d.s.lastNotice = `Helm ${e.chart}: failed`;
      } else if (e.step === 'rendered') {
        d.s.lastNotice = `Helm ${e.chart}: ${e.images ?? 0} image(s)${e.hookImages ? ` (${e.hookImages} hook image(s) left out)` : ''}`;
      } else d.s.lastNotice = `Helm ${e.chart}: downloading`;
      return;
    case 'extract.progress':
      d.s.extract = { chunk: e.chunk, index: e.index, count: e.count, bytes: e.bytes, totalBytes: e.totalBytes };
      return;
    case 'delete.item': {
      const image = ensureImage(d, e.imageId, e.reference);
      d.s.deleteCounts[e.outcome]++;
      if (TERMINAL.has(image.status)) return;
      if (e.outcome === 'deleted') setStatus(d, image, 'done', e.at);
      else if (e.outcome === 'absent') {
        setStatus(d, image, 'skipped', e.at);
        image.skipReason = 'absent';
      } else {
        setStatus(d, image, 'failed', e.at);
        image.error = e.error ?? 'delete failed';
        d.s.errorCount++;
        d.pushError({
          at: e.at,
          severity: 'error',
          imageId: image.id,
          reference: image.reference,
          message: image.error,
        });
      }
      return;
    }
    case 'summary':
      d.s.summary = e.summary as RunSummary;
      return;
  }
}

/** One line for the header while releases are collected. */
function releaseStepText(e: Extract<MirrorEvent, { type: 'release' }>): string {
  switch (e.step) {
    case 'graph':
      return 'Releases: querying the update graph';
    case 'selected':
      return `Releases: ${e.releases?.length ?? 0} selected`;
    case 'signature':
      return `Release ${e.release}: signature ${e.verified ? 'verified' : 'not checked'}`;
    case 'payload':
      return `Release ${e.release}: reading release-manifests`;
    case 'components':
      return `Release ${e.release}: ${e.components ?? 0} components`;
    case 'graph-image':
      return 'Releases: building the graph data image';
    case 'done':
      return `Releases: ${e.releases?.length ?? 0} payloads, ${e.components ?? 0} images`;
  }
}
