import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render } from 'ink-testing-library';
import { DashboardApp } from '../../components/app/DashboardApp.js';
import { CANCEL_BANNER } from '../../components/dashboard/Dashboard.js';
import { createDashboardStore } from '../../components/dashboard/use-event-store.js';
import { createTheme } from '../../components/shared/theme.js';
import type { RunSummary } from '../../core/events.js';
import { T0, at, plannedImages } from './helpers/events.js';
import { KEYS, lastMeaningfulFrame, press, renderSized, waitForFrame } from './helpers/ink-harness.js';

const THEME = createTheme({ color: false, unicode: true });

function runningStore() {
  const store = createDashboardStore({ now: () => T0 + 5_000 });
  store.dispatch(
    at(T0, {
      type: 'run.started',
      workflow: 'mirrorToMirror',
      source: 'docker://quay.io',
      destination: 'docker://reg:5000',
      dryRun: false,
    }),
  );
  store.dispatch(at(T0, { type: 'plan', images: plannedImages(3) }));
  store.dispatch(at(T0, { type: 'image.started', imageId: 'img-000' }));
  return store;
}

test('Ctrl+C once starts a graceful cancel and says so; a second Ctrl+C forces', async (t) => {
  const store = runningStore();
  const calls: string[] = [];
  const app = render(
    <DashboardApp
      store={store}
      onCancel={() => calls.push('cancel')}
      onForceQuit={() => calls.push('force')}
      theme={THEME}
    />,
  );
  t.after(() => app.unmount());
  const frame = () => lastMeaningfulFrame(app.frames);
  await waitForFrame(frame, (f) => f.includes('Mirror to mirror'), 'the dashboard');
  assert.doesNotMatch(frame(), /Cancelling/);

  await press(app.stdin, KEYS.ctrlC);
  const cancelling = await waitForFrame(frame, (f) => f.includes('Cancelling'), 'the cancel banner');
  assert.deepEqual(calls, ['cancel']);
  assert.ok(cancelling.includes(`! ${CANCEL_BANNER}`), cancelling);
  assert.equal(store.getSnapshot().ui.cancelRequested, true);

  await press(app.stdin, KEYS.ctrlC);
  assert.deepEqual(calls, ['cancel', 'force']);
});

test('a cancel requested outside Ink (SIGINT) shows the banner and makes the next Ctrl+C force', async (t) => {
  const store = runningStore();
  const calls: string[] = [];
  const app = render(
    <DashboardApp
      store={store}
      onCancel={() => calls.push('cancel')}
      onForceQuit={() => calls.push('force')}
      theme={THEME}
    />,
  );
  t.after(() => app.unmount());
  const frame = () => lastMeaningfulFrame(app.frames);
  await waitForFrame(frame, (f) => f.includes('Mirror to mirror'), 'the dashboard');
  store.dispatch({ type: 'ui.cancelRequested' });
  await waitForFrame(frame, (f) => f.includes('Cancelling'), 'the cancel banner');
  await press(app.stdin, KEYS.ctrlC);
  assert.deepEqual(calls, ['force']);
});

test('the summary event replaces the dashboard with the summary, then the app exits', async (t) => {
  const store = runningStore();
  const app = renderSized(<DashboardApp store={store} onCancel={() => {}} onForceQuit={() => {}} theme={THEME} />, {
    columns: 80,
    rows: 24,
  });
  t.after(() => app.unmount());
  await waitForFrame(app.lastFrame, (f) => f.includes('Mirror to mirror'), 'the dashboard');
  const summary: RunSummary = {
    workflow: 'mirrorToMirror',
    imagesTotal: 3,
    imagesOk: 3,
    imagesFailed: 0,
    imagesSkipped: 0,
    bytesCopied: 30 * 1024 * 1024,
    bytesSkipped: 0,
    blobsCopied: 9,
    blobsSkipped: 0,
    blobsMounted: 0,
    durationMs: 15_000,
    exitCode: 0,
    byKind: { release: { ok: 3, total: 3 } },
    outputs: [{ label: 'cluster resources', path: '/ws/working-dir/cluster-resources' }],
    cancelled: false,
  };
  store.dispatch(at(T0 + 15_000, { type: 'summary', summary }));
  await app.waitUntilExit();
  const frame = app.lastFrame();
  assert.match(frame, /✓ Mirror to mirror finished in 15s/);
  assert.match(frame, /oc apply -f \/ws\/working-dir\/cluster-resources/);
  assert.doesNotMatch(frame, /STATUS/);
  assert.ok(frame.split('\n').length < 24, frame);
});

test('under the demo, the final summary gives next steps of a real run, not the removed files (issue 21)', async (t) => {
  const store = runningStore();
  const app = renderSized(
    <DashboardApp store={store} onCancel={() => {}} onForceQuit={() => {}} theme={THEME} demo />,
    { columns: 100, rows: 30 },
  );
  t.after(() => app.unmount());
  await waitForFrame(app.lastFrame, (f) => f.includes('Mirror to mirror'), 'the dashboard');
  const summary: RunSummary = {
    workflow: 'mirrorToMirror',
    imagesTotal: 8,
    imagesOk: 8,
    imagesFailed: 0,
    imagesSkipped: 0,
    bytesCopied: 46 * 1024 * 1024,
    bytesSkipped: 0,
    blobsCopied: 12,
    blobsSkipped: 0,
    blobsMounted: 0,
    durationMs: 4_360,
    exitCode: 0,
    byKind: { additional: { ok: 8, total: 8 } },
    outputs: [
      { label: 'IDMS', path: '/tmp/ocm-tui-demo-AbC/workspace/working-dir/cluster-resources/idms-oc-mirror.yaml' },
    ],
    cancelled: false,
  };
  store.dispatch(at(T0 + 4_360, { type: 'summary', summary }));
  await app.waitUntilExit();
  const frame = app.lastFrame();
  assert.match(frame, /✓ Mirror to mirror finished in 4\.4s/);
  assert.match(frame, /Next, outside the demo/);
  assert.match(frame, /then oc apply -f DIR\/working-dir\/cluster-resources/);
  assert.doesNotMatch(frame, /oc apply -f \/tmp/);
});
