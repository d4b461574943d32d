/**
 * The live delete progress: its reducer over core events, its height on 80×24, and the runner that prints the
 * result list once the live view is gone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MirrorEvent } from '../../core/events.js';
import {
  createDeleteProgressState,
  deleteCounts,
  deleteProgressReducer,
  visibleResults,
  type DeleteProgressState,
} from '../../components/delete-review/delete-progress-state.js';
import { DeleteProgress } from '../../components/delete-review/DeleteProgress.js';
import { ThemeContext, createTheme } from '../../components/shared/theme.js';
import { runDeleteProgress } from '../../source/interactive/run-delete-review.js';
import { FakeStdout, renderSized, stripAnsi, waitForFrame } from '../components/helpers/ink-harness.js';

const R = '127.0.0.1:5000/mirror';

function item(i: number, outcome: 'deleted' | 'absent' | 'failed'): MirrorEvent {
  return {
    type: 'delete.item',
    at: 0,
    imageId: String(i + 1),
    reference: `docker://${R}/apps/app-${i}:1`,
    outcome,
    error: outcome === 'failed' ? 'registry 127.0.0.1:5000: DELETE manifest: 405 UNSUPPORTED' : undefined,
  };
}

function fold(total: number, events: MirrorEvent[]): DeleteProgressState {
  return events.reduce(deleteProgressReducer, createDeleteProgressState(total));
}

test('progress state counts outcomes and retries and shows the latest results that fit', () => {
  const events = [
    item(0, 'deleted'),
    item(1, 'absent'),
    { type: 'retry', at: 0, attempt: 1, maxAttempts: 3, delayMs: 10, reason: '503' } as MirrorEvent,
    item(2, 'failed'),
    item(3, 'deleted'),
  ];
  const s = fold(6, events);
  assert.deepEqual(deleteCounts(s), { deleted: 2, absent: 1, failed: 1 });
  assert.equal(s.retries, 1);
  assert.equal(s.finished, false);
  assert.deepEqual(
    visibleResults(s, 3).lines.map((l) => l.reference),
    [`docker://${R}/apps/app-2:1`, `docker://${R}/apps/app-3:1`],
  );
  assert.equal(visibleResults(s, 3).hidden, 2);
  assert.equal(visibleResults(s, 4).hidden, 0);
  assert.equal(deleteProgressReducer(s, { type: 'delete.finished' }).finished, true);
  assert.equal(deleteProgressReducer(s, { type: 'warning', at: 0, message: 'x' }), s);
});

test('80×24: live progress stays below the terminal height and words every outcome', async (t) => {
  const events: MirrorEvent[] = [];
  for (let i = 0; i < 40; i++) events.push(item(i, i === 38 ? 'failed' : i === 39 ? 'absent' : 'deleted'));
  const state = fold(50, events);
  const theme = createTheme({ color: false, unicode: true });
  const ui = renderSized(
    <ThemeContext.Provider value={theme}>
      <DeleteProgress state={state} registry={R} columns={80} rows={24} />
    </ThemeContext.Provider>,
    { columns: 80, rows: 24 },
  );
  t.after(() => ui.unmount());
  const frame = await waitForFrame(
    () => stripAnsi(ui.lastFrame()),
    (f) => f.includes('Deleting from'),
  );
  const lines = frame.split('\n');
  assert.ok(lines.length < 24, frame);
  for (const line of lines) assert.ok(Array.from(line).length <= 80, line);
  assert.match(lines[0], /^Deleting from 127\.0\.0\.1:5000\/mirror: 40 \/ 50 manifests {2}█+░+ 80(\.0)? ?%$/);
  assert.match(frame, /^✓ deleted {8}127\.0\.0\.1:5000\/mirror\/apps\/app-37:1$/m);
  assert.match(frame, /^✗ failed {9}127\.0\.0\.1:5000\/mirror\/apps\/app-38:1: registry 127\.0\.0\.1:5000:…$/m);
  assert.match(frame, /^≡ already absent 127\.0\.0\.1:5000\/mirror\/apps\/app-39:1$/m);
  assert.match(frame, /^\d+ earlier$/m);
  assert.doesNotMatch(frame, /app-0:1/);
});

test('runDeleteProgress returns what the run returns and prints the full result list, grouped', async () => {
  const previous = process.env.OCM_TUI_UNICODE;
  process.env.OCM_TUI_UNICODE = '1';
  try {
    const stdout = new FakeStdout(80, 24);
    const logged: string[] = [];
    const value = await runDeleteProgress({
      registry: R,
      total: 3,
      io: { stdout: stdout as unknown as NodeJS.WriteStream, stderr: stdout as unknown as NodeJS.WriteStream },
      log: (line) => logged.push(line),
      run: async (sink) => {
        sink(item(0, 'failed'));
        sink(item(1, 'deleted'));
        await new Promise((resolve) => setImmediate(resolve));
        sink(item(2, 'absent'));
        return 'result';
      },
    });
    assert.equal(value, 'result');
    assert.deepEqual(logged, [
      `✓ deleted        ${R}/apps/app-1:1`,
      `≡ already absent ${R}/apps/app-2:1`,
      `✗ failed         ${R}/apps/app-0:1: registry 127.0.0.1:5000: DELETE manifest: 405 UNSUPPORTED`,
    ]);
    const written = stripAnsi(stdout.frames.join(''));
    assert.match(written, /Finished: 1 deleted, 1 already absent, 1 failed of 3 manifests on 127\.0\.0\.1:50…\n/);

    await assert.rejects(
      runDeleteProgress({
        registry: R,
        total: 1,
        io: { stdout: stdout as unknown as NodeJS.WriteStream, stderr: stdout as unknown as NodeJS.WriteStream },
        log: () => undefined,
        run: async () => {
          throw new Error('registry unreachable');
        },
      }),
      /registry unreachable/,
    );
  } finally {
    if (previous === undefined) delete process.env.OCM_TUI_UNICODE;
    else process.env.OCM_TUI_UNICODE = previous;
  }
});
