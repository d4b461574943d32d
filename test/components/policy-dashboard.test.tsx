/**
 * The signature policy in the views (collectors.md §6.1): a VERIFIED column in the images table once a policy is
 * in force, the refusal with its reason in the errors panel, and the plain lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DashboardApp } from '../../components/app/DashboardApp.js';
import { createDashboardStore } from '../../components/dashboard/use-event-store.js';
import { computeImageColumns } from '../../components/dashboard/layout.js';
import { createTheme } from '../../components/shared/theme.js';
import type { MirrorEvent } from '../../core/events.js';
import { EventTextFormatter } from '../../core/workflow/event-text.js';
import { T0, at, runStarted } from './helpers/events.js';
import { renderSized, stripAnsi, waitForFrame } from './helpers/ink-harness.js';

const REASON = 'sigstoreSigned: a signature was required, but no signature exists';

function policyRun(): MirrorEvent[] {
  const events = runStarted(3, 0);
  events.push(at(T0 + 1, { type: 'image.started', imageId: 'img-000' }));
  events.push(
    at(T0 + 2, {
      type: 'image.policy',
      imageId: 'img-000',
      accepted: true,
      scope: 'transports.docker["registry.example.com/team"]',
      requirement: 'sigstoreSigned',
      reason: 'signed by /keys/cosign.pub as registry.example.com/team/app-0:v1',
    }),
  );
  events.push(at(T0 + 3, { type: 'image.done', imageId: 'img-000', bytesCopied: 10, bytesSkipped: 0 }));
  events.push(at(T0 + 4, { type: 'image.started', imageId: 'img-001' }));
  events.push(
    at(T0 + 5, {
      type: 'image.policy',
      imageId: 'img-001',
      accepted: false,
      scope: 'transports.docker["registry.example.com/team"]',
      requirement: 'sigstoreSigned',
      reason: REASON,
    }),
  );
  events.push(
    at(T0 + 6, {
      type: 'image.failed',
      imageId: 'img-001',
      error: `registry.example.com/team/app-1:v1: refused by the signature policy (transports.docker["registry.example.com/team"]: sigstoreSigned): ${REASON}`,
      code: 'POLICY_REJECTED',
    }),
  );
  return events;
}

test('dashboard: VERIFIED column (yes / no / not yet) and the refusal in the errors panel', async () => {
  const store = createDashboardStore({ now: () => T0 + 1_000 });
  for (const e of policyRun()) store.dispatch(e);
  const theme = createTheme({ color: false, unicode: false });
  const app = renderSized(<DashboardApp store={store} onCancel={() => {}} onForceQuit={() => {}} theme={theme} />, {
    columns: 140,
    rows: 30,
  });
  try {
    const frame = stripAnsi(await waitForFrame(app.lastFrame, (f) => f.includes('VERIFIED'), 'the VERIFIED column'));
    const row = (name: string) => frame.split('\n').find((l) => l.includes(name)) ?? '';
    assert.match(row('app-0:v1'), /\+ yes/);
    assert.match(row('app-1:v1'), /x no/);
    assert.doesNotMatch(row('app-2:v1'), /yes|no\b/);
    assert.ok(frame.includes('refused by the signature policy'), frame);
  } finally {
    app.unmount();
  }
});

test('no policy: no VERIFIED column; columns with it still fit the width', () => {
  assert.equal(computeImageColumns(120).verified, 0);
  for (let width = 50; width <= 200; width++) {
    const c = computeImageColumns(width, { verified: true });
    const used =
      c.pointer +
      c.status +
      c.reference +
      [c.type, c.bar, c.percent, c.bytes, c.speed, c.verified].reduce((n, w) => n + (w > 0 ? w + 1 : 0), 0) +
      1;
    assert.equal(c.verified, 8);
    assert.ok(used <= width - 1, `width ${width}: ${used}`);
  }
});

test('plain lines: verified and REFUSED with scope, requirement and reason', () => {
  const formatter = new EventTextFormatter();
  const lines = policyRun().flatMap((e) => formatter.format(e));
  assert.ok(
    lines.includes(
      'verified registry.example.com/team/app-0:v1 (transports.docker["registry.example.com/team"]: sigstoreSigned): signed by /keys/cosign.pub as registry.example.com/team/app-0:v1',
    ),
    lines.join('\n'),
  );
  assert.ok(
    lines.includes(
      `REFUSED registry.example.com/team/app-1:v1 by the signature policy (transports.docker["registry.example.com/team"]: sigstoreSigned): ${REASON}`,
    ),
    lines.join('\n'),
  );
});
