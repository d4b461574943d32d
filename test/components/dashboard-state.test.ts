import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dashboardReducer,
  initialDashboardState,
  reduceDashboard,
  selectErrors,
  selectLayerRows,
  selectOverall,
  selectVisibleImages,
} from '../../components/dashboard/dashboard-state.js';
import type { DashboardInput, DashboardState } from '../../components/dashboard/dashboard-state.js';
import { createDashboardStore, PROGRESS_FRAME_MS } from '../../components/dashboard/use-event-store.js';
import { barLine } from '../../components/dashboard/DashboardHeader.js';
import { createTheme } from '../../components/shared/theme.js';
import type { MirrorEvent } from '../../core/events.js';
import { MiB, T0, at, digest, plannedImages, runStarted } from './helpers/events.js';

const id = (i: number): string => `img-${String(i).padStart(3, '0')}`;

function run(inputs: readonly DashboardInput[], from: DashboardState = initialDashboardState(T0)): DashboardState {
  return reduceDashboard(from, inputs);
}

const started = (n: number, releaseCount = n): MirrorEvent[] => runStarted(n, releaseCount);

/** image i starts at `time` with `blobs` blobs of `size` bytes each. */
function startImage(i: number, time: number, blobs: number, size: number): MirrorEvent[] {
  return [
    at(time, { type: 'image.started', imageId: id(i) }),
    at(time, {
      type: 'image.blobs',
      imageId: id(i),
      manifests: 1,
      blobs: Array.from({ length: blobs }, (_, k) => ({ digest: digest(i * 100 + k), size, mediaType: 'layer' })),
    }),
  ];
}

test('a plan of 200 images: all queued, windowed to the rows given, the rest counted', () => {
  const state = run(started(200, 190));
  assert.deepEqual(state.counts, { queued: 200, active: 0, done: 0, failed: 0, skipped: 0 });
  const view = selectVisibleImages(state, { rows: 10 });
  assert.equal(view.rows.length, 10);
  assert.equal(view.total, 200);
  assert.equal(view.hiddenAbove, 0);
  assert.equal(view.hiddenBelow, 190);
  assert.equal(view.hiddenCounts.queued, 190);
  assert.deepEqual(
    view.rows.map((r) => r.id),
    Array.from({ length: 10 }, (_, i) => id(i)),
  );
  assert.equal(view.rows[0].typeLabel, 'release');
  assert.equal(selectVisibleImages(state, { rows: 10, scroll: 195 }).rows[4].typeLabel, 'additional');
});

test('window order: active first (by start), then recently finished (newest first), then queued', () => {
  const events: MirrorEvent[] = [
    ...started(200),
    ...startImage(0, T0 + 100, 1, MiB),
    ...startImage(1, T0 + 200, 1, MiB),
    ...startImage(2, T0 + 300, 1, MiB),
    ...startImage(3, T0 + 400, 1, MiB),
    ...startImage(4, T0 + 500, 1, MiB),
    at(T0 + 600, { type: 'image.done', imageId: id(1), bytesCopied: MiB, bytesSkipped: 0 }),
    at(T0 + 700, { type: 'image.done', imageId: id(0), bytesCopied: MiB, bytesSkipped: 0 }),
    at(T0 + 800, { type: 'image.failed', imageId: id(3), error: 'manifest unknown', code: 'MANIFEST_UNKNOWN' }),
    at(T0 + 900, { type: 'image.skipped', imageId: id(150), reason: 'already mirrored' }),
  ];
  const state = run(events);
  const view = selectVisibleImages(state, { rows: 8 });
  assert.deepEqual(
    view.rows.map((r) => `${r.id}:${r.status}`),
    [
      'img-002:active',
      'img-004:active',
      'img-150:skipped',
      'img-003:failed',
      'img-000:done',
      'img-001:done',
      'img-005:queued',
      'img-006:queued',
    ],
  );
  assert.deepEqual(state.counts, { queued: 194, active: 2, done: 2, failed: 1, skipped: 1 });
  assert.deepEqual(view.hiddenCounts, { queued: 192, active: 0, done: 0, failed: 0, skipped: 0 });
  assert.equal(view.hiddenBelow, 192);
  const failedOnly = selectVisibleImages(state, { rows: 8, filter: 'failed' });
  assert.deepEqual(
    failedOnly.rows.map((r) => r.id),
    ['img-003'],
  );
});

test('throughput is a moving average over the last 8 s and the ETA divides what is left by it', () => {
  // One image of 10 blobs × 10 MiB; 2 MiB arrive each second from T0+500 to T0+9500.
  const events: MirrorEvent[] = [...started(1), ...startImage(0, T0, 10, 10 * MiB)];
  for (let s = 0; s < 10; s++) {
    events.push(
      at(T0 + s * 1000 + 500, {
        type: 'blob.progress',
        imageId: id(0),
        digest: digest(s),
        bytes: 2 * MiB,
        size: 10 * MiB,
      }),
    );
  }
  const state = run([...events, { type: 'ui.tick', now: T0 + 10_000 }]);
  const overall = selectOverall(state);
  assert.equal(overall.bytesDone, 20 * MiB);
  assert.equal(overall.bytesTotal, 100 * MiB);
  // Window [T0+2000, T0+10000]: 8 buckets of 2 MiB over 8 s.
  assert.equal(overall.speed, 2 * MiB);
  assert.equal(overall.etaMs, 40_000);
  assert.equal(overall.etaEstimated, false);
  assert.equal(overall.elapsedMs, 10_000);
  assert.equal(overall.fraction, 0.2);
  // The image's own speed uses the same window.
  assert.equal(selectVisibleImages(state, { rows: 1 }).rows[0].speed, 2 * MiB);

  // A young transfer is averaged over its real age: 3 MiB in the first 1.5 s → 2 MiB/s.
  const young = run([
    ...started(1),
    ...startImage(0, T0, 1, 10 * MiB),
    at(T0 + 500, { type: 'blob.progress', imageId: id(0), digest: digest(0), bytes: 3 * MiB, size: 10 * MiB }),
    { type: 'ui.tick', now: T0 + 2000 },
  ]);
  assert.equal(selectOverall(young).speed, 2 * MiB);

  // Nothing moved for 20 s: the speed falls to 0 and there is no ETA.
  const stalled = dashboardReducer(state, { type: 'ui.tick', now: T0 + 30_000 });
  assert.equal(selectOverall(stalled).speed, 0);
  assert.equal(selectOverall(stalled).etaMs, undefined);
});

test('ETA extrapolates images whose manifests are not resolved yet from the average resolved image', () => {
  const events: DashboardInput[] = [
    ...started(3),
    ...startImage(0, T0, 1, 10 * MiB),
    at(T0 + 500, { type: 'blob.progress', imageId: id(0), digest: digest(0), bytes: 8 * MiB, size: 10 * MiB }),
    { type: 'ui.tick', now: T0 + 4_000 },
  ];
  const overall = selectOverall(run(events));
  // 8 MiB over 3.5 s; left: 2 MiB known + 2 unresolved images × 10 MiB average.
  assert.equal(overall.etaEstimated, true);
  const speed = (8 * MiB * 1000) / 3500;
  assert.equal(overall.speed, speed);
  assert.equal(overall.etaMs, ((22 * MiB) / speed) * 1000);
});

test('retries show as "retrying n/m" on the blob until bytes move again; image-level retries on the row', () => {
  const base = [...started(2), ...startImage(0, T0, 3, MiB)];
  const retried = run([
    ...base,
    at(T0 + 100, { type: 'blob.progress', imageId: id(0), digest: digest(1), bytes: MiB / 2, size: MiB }),
    at(T0 + 200, {
      type: 'retry',
      imageId: id(0),
      digest: digest(1),
      attempt: 2,
      maxAttempts: 5,
      delayMs: 1000,
      reason: 'HTTP 503 from quay.io',
    }),
    at(T0 + 200, {
      type: 'retry',
      imageId: id(1),
      attempt: 1,
      maxAttempts: 3,
      delayMs: 500,
      reason: 'HTTP 429',
    }),
  ]);
  const layers = selectLayerRows(retried, id(0), 10);
  assert.ok(layers);
  assert.deepEqual(
    layers.rows.map((r) => [r.digest, r.label]),
    [
      [digest(1), 'retrying 2/5'],
      [digest(0), 'waiting'],
      [digest(2), 'waiting'],
    ],
  );
  assert.equal(retried.retries, 2);
  assert.equal(retried.lastNotice, `retry 1/3: HTTP 429 (${plannedImages(2)[1].origin})`);
  const row1 = selectVisibleImages(retried, { rows: 5 }).rows.find((r) => r.id === id(1));
  assert.deepEqual(row1?.retry, { attempt: 1, maxAttempts: 3, delayMs: 500, reason: 'HTTP 429' });
  assert.equal(row1?.status, 'active');

  // The counter rewinds on retry: bytes done follow it, bytes transferred stay monotonic.
  const resumed = run(
    [at(T0 + 1300, { type: 'blob.progress', imageId: id(0), digest: digest(1), bytes: MiB / 4, size: MiB })],
    retried,
  );
  assert.equal(selectLayerRows(resumed, id(0), 10)?.rows[0].label, 'copying');
  assert.equal(resumed.bytesDone, MiB / 4);
  assert.equal(resumed.bytesTransferred, MiB / 2);
});

test('mounted and already-existing blobs complete the bytes without counting as transferred', () => {
  const state = run([
    ...started(1),
    ...startImage(0, T0, 4, 2 * MiB),
    at(T0 + 100, { type: 'blob.done', imageId: id(0), digest: digest(0), size: 2 * MiB, outcome: 'exists' }),
    at(T0 + 100, { type: 'blob.done', imageId: id(0), digest: digest(1), size: 2 * MiB, outcome: 'mounted' }),
    at(T0 + 200, { type: 'blob.progress', imageId: id(0), digest: digest(2), bytes: MiB, size: 2 * MiB }),
    at(T0 + 300, { type: 'blob.done', imageId: id(0), digest: digest(2), size: 2 * MiB, outcome: 'copied' }),
  ]);
  const layers = selectLayerRows(state, id(0), 2);
  assert.ok(layers);
  assert.deepEqual(
    layers.rows.map((r) => [r.digest, r.label, r.fraction]),
    [
      [digest(3), 'waiting', 0],
      [digest(0), 'already exists', 1],
    ],
  );
  assert.equal(layers.hiddenCount, 2);
  assert.deepEqual(layers.hidden, [
    { label: 'mounted', count: 1 },
    { label: 'copied', count: 1 },
  ]);
  assert.equal(state.bytesDone, 6 * MiB);
  assert.equal(state.bytesTransferred, 2 * MiB);
  assert.equal(state.bytesTotal, 8 * MiB);

  const done = run(
    [at(T0 + 400, { type: 'image.done', imageId: id(0), bytesCopied: 4 * MiB, bytesSkipped: 4 * MiB })],
    state,
  );
  assert.equal(done.bytesDone, 8 * MiB);
  assert.equal(done.counts.done, 1);
  assert.deepEqual(
    selectLayerRows(done, id(0), 10)?.rows.map((r) => r.fraction),
    [1, 1, 1, 1],
  );
});

test('failures: the image is counted, listed as an error, and its unfinished bytes leave the total', () => {
  const state = run([
    ...started(3),
    ...startImage(0, T0, 2, 4 * MiB),
    at(T0 + 100, { type: 'blob.progress', imageId: id(0), digest: digest(0), bytes: MiB, size: 4 * MiB }),
    at(T0 + 200, { type: 'blob.failed', imageId: id(0), digest: digest(0), error: 'digest mismatch' }),
    at(T0 + 300, {
      type: 'image.failed',
      imageId: id(0),
      error: 'copying blob sha256:0bbb…: digest mismatch',
      code: 'DIGEST_MISMATCH',
    }),
    at(T0 + 400, { type: 'warning', message: 'signature not found for quay.io/foo' }),
    // Late events for a failed image are ignored.
    at(T0 + 500, { type: 'blob.progress', imageId: id(0), digest: digest(1), bytes: MiB, size: 4 * MiB }),
  ]);
  assert.equal(state.counts.failed, 1);
  assert.equal(state.errorCount, 2);
  assert.equal(state.warningCount, 1);
  assert.equal(state.bytesDone, MiB);
  assert.equal(state.bytesTotal, MiB);
  const errors = selectErrors(state, 10);
  assert.deepEqual(
    errors.map((e) => [e.severity, e.message, e.code]),
    [
      ['warning', 'signature not found for quay.io/foo', undefined],
      ['error', 'copying blob sha256:0bbb…: digest mismatch', 'DIGEST_MISMATCH'],
      ['error', 'digest mismatch', undefined],
    ],
  );
  assert.deepEqual(
    selectErrors(state, 10, true).map((e) => e.severity),
    ['error', 'error'],
  );
  const layer = selectLayerRows(state, id(0), 5)?.rows.find((r) => r.digest === digest(0));
  assert.equal(layer?.label, 'failed');
  assert.equal(layer?.error, 'digest mismatch');
  const row = selectVisibleImages(state, { rows: 3 }).rows[0];
  assert.equal(row.status, 'failed');
  assert.equal(row.error, 'copying blob sha256:0bbb…: digest mismatch');
});

test('scroll and selection stay within bounds and keep the selection visible', () => {
  let state = run(started(200));
  const rows = 10;
  state = dashboardReducer(state, { type: 'ui.move', delta: 1, rows });
  assert.equal(state.ui.selectedId, id(0));
  assert.equal(state.ui.scroll, 0);
  state = dashboardReducer(state, { type: 'ui.move', delta: rows, rows });
  assert.equal(state.ui.selectedId, id(10));
  assert.equal(state.ui.scroll, 1);
  state = dashboardReducer(state, { type: 'ui.move', delta: 10_000, rows });
  assert.equal(state.ui.selectedId, id(199));
  assert.equal(state.ui.scroll, 190);
  state = dashboardReducer(state, { type: 'ui.move', delta: 1, rows });
  assert.equal(state.ui.selectedId, id(199));
  assert.equal(state.ui.scroll, 190);
  state = dashboardReducer(state, { type: 'ui.move', delta: -10_000, rows });
  assert.equal(state.ui.selectedId, id(0));
  assert.equal(state.ui.scroll, 0);
  state = dashboardReducer(state, { type: 'ui.end', rows });
  assert.equal(state.ui.selectedId, id(199));
  const view = selectVisibleImages(state, { rows });
  assert.equal(view.scroll, 190);
  assert.equal(view.hiddenAbove, 190);
  assert.equal(view.hiddenBelow, 0);
  assert.equal(view.rows[9].selected, true);
  // A scroll request beyond the list is clamped.
  assert.equal(selectVisibleImages(state, { rows, scroll: 5_000, selectedId: id(195) }).scroll, 190);
  assert.equal(selectVisibleImages(state, { rows, scroll: -3, selectedId: id(2) }).scroll, 0);
  // A taller window than the list shows everything from the top.
  assert.equal(selectVisibleImages(run(started(5)), { rows: 20, scroll: 3 }).scroll, 0);
  // Esc clears the selection; the filter resets the scroll and drops a selection it hides.
  state = dashboardReducer(state, { type: 'ui.clearSelection' });
  assert.equal(state.ui.selectedId, undefined);
  state = dashboardReducer(dashboardReducer(state, { type: 'ui.move', delta: 1, rows }), { type: 'ui.toggleFilter' });
  assert.equal(state.ui.filter, 'failed');
  assert.equal(state.ui.selectedId, undefined);
  assert.equal(state.ui.scroll, 0);
});

test('the reducer is pure, and one batch equals the same inputs one at a time', () => {
  const inputs: DashboardInput[] = [
    ...started(20),
    ...startImage(0, T0, 3, MiB),
    ...startImage(1, T0 + 10, 3, MiB),
    at(T0 + 100, { type: 'blob.progress', imageId: id(0), digest: digest(0), bytes: MiB / 2, size: MiB }),
    at(T0 + 150, { type: 'blob.progress', imageId: id(0), digest: digest(0), bytes: MiB, size: MiB }),
    at(T0 + 160, { type: 'blob.done', imageId: id(0), digest: digest(0), size: MiB, outcome: 'copied' }),
    at(T0 + 170, {
      type: 'retry',
      imageId: id(1),
      digest: digest(101),
      attempt: 1,
      maxAttempts: 5,
      delayMs: 1,
      reason: 'reset',
    }),
    { type: 'ui.tick', now: T0 + 200 },
    { type: 'ui.move', delta: 1, rows: 5 },
    at(T0 + 300, { type: 'image.done', imageId: id(0), bytesCopied: 3 * MiB, bytesSkipped: 0 }),
    at(T0 + 310, { type: 'image.failed', imageId: id(1), error: 'unauthorized' }),
    at(T0 + 320, { type: 'delete.item', imageId: 'x', reference: 'mirror.local:5000/a@sha256:1', outcome: 'deleted' }),
  ];
  const start = initialDashboardState(T0);
  const middle = reduceDashboard(start, inputs.slice(0, 8));
  const snapshot = structuredClone(middle);
  const batched = reduceDashboard(middle, inputs.slice(8));
  const stepwise = inputs.slice(8).reduce(dashboardReducer, middle);
  assert.deepStrictEqual(middle, snapshot, 'the input state was modified');
  assert.deepStrictEqual(batched, stepwise);
  assert.deepStrictEqual(reduceDashboard(start, inputs), inputs.reduce(dashboardReducer, start));
  assert.equal(batched.counts.done, 2);
  assert.equal(batched.deleteCounts.deleted, 1);
});

test('the store queues events until a frame, applies key actions at once, and runs one shared ticker', async () => {
  let now = T0;
  const store = createDashboardStore({ now: () => now, fps: 50 });
  const before = store.getSnapshot();
  for (const event of started(3)) store.dispatch(event);
  assert.equal(store.getSnapshot(), before, 'events must not re-render before the next frame');
  now = T0 + 1000;
  store.flush();
  const frame = store.getSnapshot();
  assert.equal(frame.counts.queued, 3);
  assert.equal(frame.tick, 1);
  assert.equal(frame.now, T0 + 1000);
  store.dispatch({ type: 'ui.move', delta: 1, rows: 5 });
  assert.equal(store.getSnapshot().ui.selectedId, id(0));

  // Subscribing starts the ticker; frames arrive without any explicit flush; unsubscribing stops it.
  // (The clock moves a progress frame's worth per tick, so every tick may draw.)
  const ticks: number[] = [];
  now += PROGRESS_FRAME_MS;
  await new Promise<void>((resolve) => {
    const unsubscribe = store.subscribe(() => {
      ticks.push(store.getSnapshot().tick);
      now += PROGRESS_FRAME_MS;
      if (ticks.length === 2) {
        unsubscribe();
        resolve();
      }
    });
  });
  assert.deepEqual(ticks, [2, 3]);
  const after = store.getSnapshot().tick;
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(store.getSnapshot().tick, after, 'the ticker kept running after the last unsubscribe');
});

test('frames that only move progress come at most every PROGRESS_FRAME_MS; other events draw at the next tick', () => {
  let now = T0;
  const store = createDashboardStore({ now: () => now, fps: 10 });
  let frames = 0;
  // A listener that does not start the interval: drive the ticks by hand as the interval would.
  const tick = () => store.flush(now, 'coalesce');
  const listener = () => frames++;
  const unsubscribe = store.subscribe(listener);
  for (const event of [...started(2), ...startImage(0, T0, 2, MiB)]) store.dispatch(event);
  tick();
  assert.equal(frames, 1, 'plan and image start: drawn at the next tick');

  const progress = (bytes: number): MirrorEvent =>
    at(now, { type: 'blob.progress', imageId: id(0), digest: digest(0), bytes, size: MiB });
  for (let i = 1; i <= 5; i++) {
    now += 100;
    store.dispatch(progress(i * 1000));
    tick();
  }
  // Progress-only ticks at +100 … +500 ms: only the one at +300 is 250 ms after the last frame.
  assert.equal(frames, 2, 'progress-only ticks are coalesced to one frame per 250 ms');
  assert.equal(store.getSnapshot().images.get(id(0))?.bytesDone, 5000, 'the state is current even without a frame');

  now += 100;
  store.dispatch(at(now, { type: 'blob.done', imageId: id(0), digest: digest(0), size: MiB, outcome: 'copied' }));
  tick();
  assert.equal(frames, 3, 'a finished blob draws at the next tick');
  now += 10;
  tick();
  assert.equal(frames, 3, 'nothing new 10 ms later: no frame');
  store.dispatch({ type: 'ui.toggleHelp' });
  assert.equal(frames, 4, 'a key press draws at once');
  store.flush(now);
  assert.equal(frames, 5, 'an explicit flush always draws');
  unsubscribe();
});

test('catalog events: one entry per catalog in start order; the phase line names the current one, its step and bytes', async () => {
  const { catalogLineText } = await import('../../components/dashboard/DashboardHeader.js');
  const a = 'registry.redhat.io/redhat/redhat-operator-index:v4.18';
  const b = `quay.io/x/community@sha256:${'ab'.repeat(32)}`;
  const s = run([
    at(T0, { type: 'phase', phase: 'collect' }),
    at(T0 + 1, { type: 'catalog', catalog: a, step: 'resolve' }),
    at(T0 + 2, { type: 'catalog', catalog: a, step: 'pull', bytes: 10 * MiB, totalBytes: 40 * MiB }),
    at(T0 + 3, { type: 'catalog', catalog: a, step: 'extract', bytes: 1 * MiB, totalBytes: 40 * MiB }),
    at(T0 + 4, { type: 'catalog', catalog: a, step: 'done', packages: 5, bundles: 37 }),
    at(T0 + 5, { type: 'catalog', catalog: b, step: 'filter' }),
  ]);
  assert.deepEqual(
    s.catalogs.map((c) => [c.catalog, c.step, c.bytes, c.packages]),
    [
      [a, 'done', undefined, 5],
      [b, 'filter', undefined, undefined],
    ],
  );
  assert.equal(catalogLineText(s, ' · '), 'Catalog 2/2 community@abababababab · filtering');
  const pulling = run([
    at(T0, { type: 'phase', phase: 'collect' }),
    at(T0 + 1, { type: 'catalog', catalog: a, step: 'pull', bytes: 10 * MiB, totalBytes: 40 * MiB }),
  ]);
  assert.equal(catalogLineText(pulling, ' · '), 'Catalog 1/1 redhat-operator-index:v4.18 · pulling · 10 MiB/40 MiB');
  const failed = run([at(T0 + 1, { type: 'catalog', catalog: a, step: 'failed', error: 'no related images found' })]);
  assert.equal(failed.errors.length, 1);
  assert.match(failed.errors[0].message, /no related images found/);
});

test('the overall bar follows bytes while no image has finished, and says the total still grows (issue 21)', () => {
  // 8 images, 2 resolved (23 MiB each), 9.3 MiB moved, nothing finished: "Images 0/8 · 9.3 MiB/46 MiB".
  const moved = Math.round(9.3 * MiB);
  const events: DashboardInput[] = [
    ...started(8),
    ...startImage(0, T0, 1, 23 * MiB),
    ...startImage(1, T0, 1, 23 * MiB),
    at(T0 + 500, { type: 'image.started', imageId: id(2) }),
    at(T0 + 900, { type: 'blob.progress', imageId: id(0), digest: digest(0), bytes: moved, size: 23 * MiB }),
    { type: 'ui.tick', now: T0 + 1_000 },
  ];
  const overall = selectOverall(run(events));
  assert.equal(overall.imagesFinished, 0);
  assert.equal(overall.bytesTotal, 46 * MiB);
  assert.equal(overall.unresolved, 6);
  // 46 MiB known + 6 unresolved images × the 23 MiB average = 184 MiB expected.
  assert.equal(overall.expectedBytes, 184 * MiB);
  assert.equal(overall.fraction, moved / (184 * MiB));
  assert.ok(overall.fraction > 0.05, String(overall.fraction));
  const theme = createTheme({ color: false, unicode: true });
  const line = barLine(overall, 100, theme);
  assert.equal(line.suffix, ' 5% of ~184 MiB · 0/8 images · total growing: 6 manifests to read');
  assert.equal(line.barWidth + line.suffix.length, 99, 'the line fills the width but the last column');
  // Narrow terminals keep the bar and drop the details first.
  const narrow = barLine(overall, 40, theme);
  assert.equal(narrow.suffix, ' 5% · 0/8 images · growing');
  assert.ok(narrow.barWidth + narrow.suffix.length <= 39);

  // Every manifest read: the bar is bytes over the real total, the note goes away.
  const resolved = [...events];
  for (let i = 2; i < 8; i++) resolved.push(...startImage(i, T0 + 1_000, 1, 10 * MiB));
  const all = selectOverall(run(resolved));
  assert.equal(all.unresolved, 0);
  assert.equal(all.fraction, moved / (106 * MiB));
  assert.equal(barLine(all, 100, theme).suffix, ' 8% · 0/8 images');
});
