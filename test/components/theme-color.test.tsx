// chalk fixes its colour level when it is first imported, and stdout is a pipe under the test runner: force
// colours on *before* anything imports Ink, so "no colour" below is the theme's doing, not the pipe's.
process.env.FORCE_COLOR = '3';

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunSummary } from '../../core/events.js';

const { createTheme } = await import('../../components/shared/theme.js');
const { renderSummaryText } = await import('../../components/summary/SummaryView.js');
const { DashboardApp } = await import('../../components/app/DashboardApp.js');
const { createDashboardStore } = await import('../../components/dashboard/use-event-store.js');
const { renderSized, waitForFrame, stripAnsi } = await import('./helpers/ink-harness.js');
const { T0, at, plannedImages } = await import('./helpers/events.js');

/** SGR sequences that set or reset a foreground/background colour. */
// eslint-disable-next-line no-control-regex
const COLOUR_SGR = /\u001B\[(?:3\d|4\d|9[0-7]|10[0-7])(?:;\d+)*m/;

const summary: RunSummary = {
  workflow: 'diskToMirror',
  imagesTotal: 2,
  imagesOk: 1,
  imagesFailed: 1,
  imagesSkipped: 0,
  bytesCopied: 1024,
  bytesSkipped: 0,
  blobsCopied: 1,
  blobsSkipped: 0,
  blobsMounted: 0,
  durationMs: 1000,
  exitCode: 1,
  byKind: {},
  outputs: [],
  cancelled: false,
};

test('the summary is coloured with a colour theme and plain with NO_COLOR, with the same words', () => {
  const coloured = renderSummaryText(summary, { theme: createTheme({ color: true, unicode: true }) });
  const plain = renderSummaryText(summary, { theme: createTheme({ color: false, unicode: true }) });
  assert.match(coloured, COLOUR_SGR);
  assert.doesNotMatch(plain, COLOUR_SGR);
  assert.equal(stripAnsi(plain), stripAnsi(coloured));
  assert.match(plain, /✗ Disk to mirror finished with errors in 1.0s/);
});

test('the dashboard carries no colour codes when the theme has colour off', async (t) => {
  const store = createDashboardStore({ now: () => T0 + 1000 });
  store.dispatch(
    at(T0, {
      type: 'run.started',
      workflow: 'diskToMirror',
      source: 'file://a',
      destination: 'docker://r',
      dryRun: false,
    }),
  );
  store.dispatch(at(T0, { type: 'plan', images: plannedImages(5) }));
  store.dispatch(at(T0, { type: 'image.started', imageId: 'img-000' }));
  store.dispatch(at(T0, { type: 'image.failed', imageId: 'img-001', error: 'boom' }));
  for (const color of [true, false]) {
    const app = renderSized(
      <DashboardApp
        store={store}
        onCancel={() => {}}
        onForceQuit={() => {}}
        theme={createTheme({ color, unicode: true })}
      />,
    );
    t.after(() => app.unmount());
    const frame = await waitForFrame(app.lastFrame, (f) => f.includes('✗ failed'), 'the dashboard');
    if (color) assert.match(frame, COLOUR_SGR);
    else assert.doesNotMatch(frame, COLOUR_SGR, JSON.stringify(frame));
    app.unmount();
  }
});
