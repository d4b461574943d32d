import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DashboardApp } from '../../components/app/DashboardApp.js';
import { createDashboardStore } from '../../components/dashboard/use-event-store.js';
import type { DashboardStore } from '../../components/dashboard/use-event-store.js';
import { shortDigest } from '../../components/shared/format.js';
import { createTheme } from '../../components/shared/theme.js';
import type { Theme } from '../../components/shared/theme.js';
import type { MirrorEvent } from '../../core/events.js';
import { MiB, T0, at, digest, runStarted } from './helpers/events.js';
import { KEYS, press, renderSized, stripAnsi, waitForFrame } from './helpers/ink-harness.js';
import type { SizedInstance } from './helpers/ink-harness.js';

const id = (i: number): string => `img-${String(i).padStart(3, '0')}`;
const UNICODE = createTheme({ color: false, unicode: true });
const ASCII = createTheme({ color: false, unicode: false });

/** A release-sized run: 200 images, 4 copying (img-000 with a retrying blob), 10 done, 1 failed. */
function releaseRun(): MirrorEvent[] {
  const events: MirrorEvent[] = runStarted(200, 190, { workflow: 'mirrorToDisk', destination: 'file:///data/mirror' });
  for (let i = 0; i < 15; i++) {
    events.push(at(T0 + i, { type: 'image.started', imageId: id(i) }));
    events.push(
      at(T0 + i, {
        type: 'image.blobs',
        imageId: id(i),
        manifests: 1,
        blobs: Array.from({ length: 6 }, (_, k) => ({
          digest: digest(i * 10 + k),
          size: (k + 1) * MiB,
          mediaType: 'layer',
        })),
      }),
    );
  }
  for (let i = 4; i < 14; i++) {
    events.push(at(T0 + 100 + i, { type: 'image.done', imageId: id(i), bytesCopied: 21 * MiB, bytesSkipped: 0 }));
  }
  events.push(
    at(T0 + 200, { type: 'image.failed', imageId: id(14), error: 'manifest unknown', code: 'MANIFEST_UNKNOWN' }),
  );
  events.push(at(T0 + 300, { type: 'blob.progress', imageId: id(0), digest: digest(0), bytes: MiB / 2, size: MiB }));
  events.push(
    at(T0 + 300, { type: 'blob.done', imageId: id(0), digest: digest(1), size: 2 * MiB, outcome: 'mounted' }),
  );
  events.push(
    at(T0 + 400, {
      type: 'retry',
      imageId: id(0),
      digest: digest(2),
      attempt: 2,
      maxAttempts: 5,
      delayMs: 1000,
      reason: 'HTTP 503',
    }),
  );
  return events;
}

function startDashboard(
  theme: Theme,
  size: { columns: number; rows: number },
): { app: SizedInstance; store: DashboardStore } {
  const store = createDashboardStore({ now: () => T0 + 1_000 });
  for (const event of releaseRun()) store.dispatch(event);
  const app = renderSized(
    <DashboardApp store={store} onCancel={() => {}} onForceQuit={() => {}} theme={theme} />,
    size,
  );
  return { app, store };
}

function lines(frame: string): string[] {
  return stripAnsi(frame).split('\n');
}

function assertFits(frame: string, size: { columns: number; rows: number }): void {
  const all = lines(frame);
  assert.ok(all.length < size.rows, `${all.length} lines on a ${size.rows}-row terminal:\n${frame}`);
  for (const line of all) {
    assert.ok(Array.from(line).length <= size.columns, `line wider than ${size.columns}: "${line}"`);
  }
}

test('200 images at 80×24: the frame stays shorter than the terminal and counts what it hides', async (t) => {
  const size = { columns: 80, rows: 24 };
  const { app } = startDashboard(UNICODE, size);
  t.after(() => app.unmount());
  const frame = await waitForFrame(app.lastFrame, (f) => f.includes('Images 11/200'), 'the run header');
  assertFits(frame, size);
  const all = lines(frame);
  const rows = all.filter((l) => /^(❯ | {2})\S (copying|done|failed|queued|retry)/.test(l));
  const hidden = /↓ (\d+) below/.exec(frame);
  assert.ok(hidden, `no hidden count in:\n${frame}`);
  assert.equal(rows.length + Number(hidden[1]), 200, frame);
  // Active first, then the failed one (most recent finish), then done.
  assert.match(rows[0], /copying +release/);
  assert.match(rows[4], /✗ failed/);
  assert.match(rows[5], /✓ done/);
  assert.match(frame, /total 4 active 185 queued 10 done 1 failed/);
  assert.match(frame, /Mirror to disk · phase copy · 00:01 · docker:\/\/quay\.io → file:\/\/\/data\/mirror/);
});

test('↓ selects an image and shows its layers; PgDn pages; ? shows help; f filters failed images', async (t) => {
  const size = { columns: 80, rows: 24 };
  const { app } = startDashboard(UNICODE, size);
  t.after(() => app.unmount());
  await waitForFrame(app.lastFrame, (f) => f.includes('Images 11/200'), 'the run header');
  await press(app.stdin, KEYS.down);
  let frame = await waitForFrame(app.lastFrame, (f) => f.includes('Layers '), 'the layer panel');
  assertFits(frame, size);
  assert.match(frame, /❯ \S copying/);
  assert.match(frame, new RegExp(`↻ ${shortDigest(digest(2))} +3 MiB .* retrying 2/5`));
  assert.match(frame, new RegExp(`${shortDigest(digest(0))} +1 MiB .* 50% copying`));
  assert.match(frame, /Layers · 6 blobs: 1 retrying, 1 copying, 3 waiting, 1 mounted · quay\.io/);

  await press(app.stdin, KEYS.pageDown);
  frame = await waitForFrame(app.lastFrame, (f) => /↑ \d+ above/.test(f), 'a scrolled table');
  assertFits(frame, size);
  assert.match(frame, /Layers · /);

  await press(app.stdin, '?');
  frame = await waitForFrame(app.lastFrame, (f) => f.includes('Esc or ? closes this help'), 'the help overlay');
  assertFits(frame, size);
  assert.match(frame, /PgDn +one page down/);
  await press(app.stdin, KEYS.escape);
  await waitForFrame(app.lastFrame, (f) => f.includes('STATUS') && !f.includes('closes this help'), 'the table again');

  await press(app.stdin, 'f');
  frame = await waitForFrame(app.lastFrame, (f) => f.includes('failed only: 1 shown'), 'the failed-only filter');
  const shown = lines(frame).filter((l) => /^(❯ | {2})\S (copying|done|failed|queued)/.test(l));
  assert.equal(shown.length, 1, frame);
  assert.match(shown[0], /✗ failed .*app-|✗ failed .*release/);
  assert.match(frame, /✗ .*: manifest unknown \(MANIFEST_UNKNOWN\)/);
});

test('re-layout on resize: narrower and shorter terminals still fit, wide ones gain bar and speed', async (t) => {
  const { app } = startDashboard(UNICODE, { columns: 80, rows: 24 });
  t.after(() => app.unmount());
  await waitForFrame(app.lastFrame, (f) => f.includes('Images 11/200'), 'the run header');
  app.resize(120, 30);
  let frame = await waitForFrame(app.lastFrame, (f) => f.includes('SPEED'), 'the wide layout');
  assertFits(frame, { columns: 120, rows: 30 });
  assert.match(frame, /PROGRESS/);
  app.resize(50, 10);
  frame = await waitForFrame(app.lastFrame, (f) => !f.includes('SPEED') && lines(f).length < 10, 'the small layout');
  assertFits(frame, { columns: 50, rows: 10 });
});

test('ASCII fallback: without a UTF-8 locale every character on screen is ASCII', async (t) => {
  const size = { columns: 80, rows: 24 };
  const { app } = startDashboard(ASCII, size);
  t.after(() => app.unmount());
  await waitForFrame(app.lastFrame, (f) => f.includes('Images 11/200'), 'the run header');
  await press(app.stdin, KEYS.down);
  const frame = await waitForFrame(app.lastFrame, (f) => f.includes('Layers '), 'the layer panel');
  assertFits(frame, size);
  const nonAscii = [...stripAnsi(frame)].filter((ch) => ch.charCodeAt(0) > 0x7e && ch !== '\n');
  assert.deepEqual(nonAscii, [], frame);
  assert.match(frame, /r [0-9a-f]{12} +3 MiB .* retrying 2\/5/);
  assert.match(frame, /x failed/);
  assert.match(frame, /Dn \d+ below/);
});
