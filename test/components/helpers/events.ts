/** Builders of core event arrays for the dashboard tests. */
import type { EventInput, MirrorEvent } from '../../../core/events.js';
import type { ImageType, PlannedImage } from '../../../core/image-types.js';

export const T0 = 1_700_000_000_000;

/** Stamps an event body with `at`. */
export function at(time: number, body: EventInput): MirrorEvent {
  return { ...body, at: time } as MirrorEvent;
}

/** `n` planned images; the first `releaseCount` are release content, the rest additional images. */
export function plannedImages(n: number, releaseCount = n): PlannedImage[] {
  return Array.from({ length: n }, (_, i) => {
    const type: ImageType = i < releaseCount ? 'ocpReleaseContent' : 'generic';
    const id = `img-${String(i).padStart(3, '0')}`;
    const origin =
      type === 'ocpReleaseContent'
        ? `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${String(i).padStart(64, 'a')}`
        : `registry.example.com/team/app-${i}:v1`;
    return { id, type, origin, source: `docker://${origin}`, destination: `docker://mirror.local:5000/${id}` };
  });
}

/** sha256 digest made of one repeated hex character plus an index (stable, readable in failures). */
export function digest(n: number, fill = 'b'): string {
  const prefix = n.toString(16);
  return `sha256:${prefix}${fill.repeat(64 - prefix.length)}`;
}

export const MiB = 1024 * 1024;

/** The first events of a run: started, copy phase, a plan of `n` images (see {@link plannedImages}). */
export function runStarted(
  n: number,
  releaseCount = n,
  run: { workflow?: 'mirrorToMirror' | 'mirrorToDisk'; destination?: string } = {},
): MirrorEvent[] {
  return [
    at(T0, {
      type: 'run.started',
      workflow: run.workflow ?? 'mirrorToMirror',
      source: 'docker://quay.io',
      destination: run.destination ?? 'docker://mirror.local:5000',
      dryRun: false,
    }),
    at(T0, { type: 'phase', phase: 'copy' }),
    at(T0, { type: 'plan', images: plannedImages(n, releaseCount) }),
  ];
}
