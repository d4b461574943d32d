/**
 * The delete review rendered by Ink: keys in, the confirmed selection (or the cancellation) out, and the
 * runner that saves the reviewed file. ink-testing-library has no waitFor and may drop keys sent before
 * useInput is armed, so every key goes through the shared harness (poll the frame, yield, then write).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { DeleteReview } from '../../components/delete-review/DeleteReview.js';
import {
  deleteOriginsFile,
  formatDeleteList,
  readDeleteList,
  readDeleteOrigins,
  type DeleteItem,
} from '../../core/delete/delete-list.js';
import { runDeleteReview } from '../../source/interactive/run-delete-review.js';
import {
  FakeStdin,
  FakeStdout,
  KEYS,
  press,
  renderSized,
  stripAnsi,
  typeText,
  waitForFrame,
} from '../components/helpers/ink-harness.js';
import { tempDirForTest } from '../harness/temp-dir.js';
import { ThemeContext, createTheme } from '../../components/shared/theme.js';
import { FILE_ITEMS, ITEM, OPERATOR, OPERATOR_FILE_ITEMS, ORIGINS, REGISTRY } from './review-fixtures.js';

/** Unicode glyphs regardless of the test machine's locale; no colour. */
const THEME = createTheme({ color: false, unicode: true });

interface Outcome {
  confirmed: DeleteItem[][];
  cancelled: number;
}

function renderReview(items: DeleteItem[] = FILE_ITEMS) {
  const outcome: Outcome = { confirmed: [], cancelled: 0 };
  const ui = render(
    <ThemeContext.Provider value={THEME}>
      <DeleteReview
        items={items}
        registry={REGISTRY}
        onConfirm={(selected) => outcome.confirmed.push(selected)}
        onCancel={() => outcome.cancelled++}
      />
    </ThemeContext.Provider>,
  );
  const frame = () => stripAnsi(ui.lastFrame() ?? '');
  return { ui, outcome, frame };
}

test('deselect one item, confirm by typing the registry host: exactly the selection is reported', async (t) => {
  const { ui, outcome, frame } = renderReview();
  t.after(() => ui.unmount());
  let shown = await waitForFrame(frame, (f) =>
    f.includes('Delete from 127.0.0.1:5000/mirror: 5 of 5 manifests selected'),
  );
  assert.match(shown, /Will not be deleted \(3: 1 catalog, 2 outside the registry\):/);
  assert.match(shown, /redhat-operator-index:v4\.18 — catalog image: never deleted/);
  assert.match(shown, /other\.example\.com:5000\/apps\/c:1 — not under docker:\/\/127\.0\.0\.1:5000\/mirror/);
  assert.match(shown, /\[x\] Additional images — delete 3 of 3/);

  // Rows: 0 release type, 1 repo, 2 item, 3 content type, 4 repo, 5 item, 6 generic type, 7 apps/a, 8 a:1.0.
  for (let i = 0; i < 8; i++) await press(ui.stdin, KEYS.down);
  await press(ui.stdin, KEYS.space);
  shown = await waitForFrame(frame, (f) => f.includes('4 of 5 manifests selected'));
  assert.match(shown, /❯ {5}\[ \] keep {4}1\.0 {2}from quay\.io\/team\/apps\/a:1\.0/);
  assert.match(shown, /\[-\] 127\.0\.0\.1:5000\/mirror\/apps\/a — delete 1 of 2/);
  assert.match(shown, /\[-\] Additional images — delete 2 of 3/);

  await press(ui.stdin, KEYS.enter);
  shown = await waitForFrame(frame, (f) => f.includes('Type 127.0.0.1:5000 to delete'));
  assert.match(shown, /Delete 4 manifests from 127\.0\.0\.1:5000\/mirror/);
  assert.match(shown, /Type 127\.0\.0\.1:5000 to delete 4 manifests from 127\.0\.0\.1:5000\/mirror, or Esc to go back/);
  assert.match(shown, /1 Release images\n\s+1 Release components\n\s+2 Additional images/);
  await typeText(ui.stdin, '127.0.0.1:5000');
  await waitForFrame(frame, (f) => f.includes('> 127.0.0.1:5000'));
  assert.deepEqual(outcome.confirmed, [], 'typing alone confirms nothing');
  await press(ui.stdin, KEYS.enter);
  await waitForFrame(
    () => String(outcome.confirmed.length),
    (n) => n === '1',
    'onConfirm',
  );
  assert.deepEqual(outcome.confirmed[0], [ITEM.release, ITEM.etcd, ITEM.appA2, ITEM.appB]);
  await waitForFrame(frame, (f) => f.trim() === 'Confirmed: deleting 4 manifests from 127.0.0.1:5000/mirror');
  assert.equal(outcome.cancelled, 0);
});

test('wrong confirmation text does not confirm; Esc goes back, Esc again cancels', async (t) => {
  const { ui, outcome, frame } = renderReview();
  t.after(() => ui.unmount());
  await waitForFrame(frame, (f) => f.includes('5 of 5 manifests selected'));
  await press(ui.stdin, KEYS.enter);
  await waitForFrame(frame, (f) => f.includes('Type 127.0.0.1:5000 to delete 5 manifests'));
  await typeText(ui.stdin, 'yes');
  await press(ui.stdin, KEYS.enter);
  let shown = await waitForFrame(frame, (f) => f.includes('is not 127.0.0.1:5000'));
  assert.match(shown, /"yes" is not 127\.0\.0\.1:5000: nothing was deleted/);
  await press(ui.stdin, KEYS.enter);
  await typeText(ui.stdin, '127.0.0.1');
  await press(ui.stdin, KEYS.enter);
  shown = await waitForFrame(frame, (f) => f.includes('"yes127.0.0.1" is not'));
  assert.deepEqual(outcome.confirmed, []);
  await press(ui.stdin, KEYS.escape);
  shown = await waitForFrame(frame, (f) => f.includes('manifests selected'));
  assert.deepEqual(outcome, { confirmed: [], cancelled: 0 }, 'Esc on the confirm screen only goes back');
  await press(ui.stdin, KEYS.escape);
  await waitForFrame(
    () => String(outcome.cancelled),
    (n) => n === '1',
    'onCancel',
  );
  assert.deepEqual(outcome.confirmed, []);
});

test('Esc cancels at once, Ctrl+C too; Enter with nothing selected explains instead of confirming', async (t) => {
  const esc = renderReview();
  t.after(() => esc.ui.unmount());
  await waitForFrame(esc.frame, (f) => f.includes('manifests selected'));
  await press(esc.ui.stdin, KEYS.escape);
  await waitForFrame(
    () => String(esc.outcome.cancelled),
    (n) => n === '1',
    'onCancel after Esc',
  );

  const ctrlC = renderReview();
  t.after(() => ctrlC.ui.unmount());
  await waitForFrame(ctrlC.frame, (f) => f.includes('manifests selected'));
  await press(ctrlC.ui.stdin, 'n');
  await press(ctrlC.ui.stdin, KEYS.enter);
  await waitForFrame(ctrlC.frame, (f) => f.includes('nothing is selected'));
  await press(ctrlC.ui.stdin, KEYS.ctrlC);
  await waitForFrame(
    () => String(ctrlC.outcome.cancelled),
    (n) => n === '1',
    'onCancel after Ctrl+C',
  );
  assert.deepEqual(ctrlC.outcome.confirmed, []);
});

test('filter with /, toggle the filtered group, Esc clears the filter (and does not cancel)', async (t) => {
  const { ui, outcome, frame } = renderReview();
  t.after(() => ui.unmount());
  await waitForFrame(frame, (f) => f.includes('manifests selected'));
  await press(ui.stdin, '/');
  await typeText(ui.stdin, 'release');
  let shown = await waitForFrame(frame, (f) => f.includes('Filter: release'));
  assert.match(shown, /\(2 of 5 shown; a\/n\/Space act on these\)/);
  assert.doesNotMatch(shown, /Additional images/);
  await press(ui.stdin, KEYS.enter);
  await press(ui.stdin, 'n');
  shown = await waitForFrame(frame, (f) => f.includes('3 of 5 manifests selected'));
  await press(ui.stdin, KEYS.escape);
  shown = await waitForFrame(frame, (f) => f.includes('Additional images'));
  assert.doesNotMatch(shown, /Filter:/);
  assert.equal(outcome.cancelled, 0);
  await press(ui.stdin, KEYS.enter);
  await typeText(ui.stdin, '127.0.0.1:5000');
  await press(ui.stdin, KEYS.enter);
  await waitForFrame(
    () => String(outcome.confirmed.length),
    (n) => n === '1',
    'onConfirm',
  );
  assert.deepEqual(outcome.confirmed[0], [ITEM.appA1, ITEM.appA2, ITEM.appB]);
});

test('80×24: a long list scrolls inside a frame shorter than the terminal, no line wider than it', async (t) => {
  const items: DeleteItem[] = [];
  for (let i = 0; i < 60; i++) {
    const n = String(i).padStart(2, '0');
    items.push({
      imageName: `registry.example.com/some/very/long/organisation/path/component-${n}@sha256:${n.repeat(32)}`,
      imageReference: `docker://${REGISTRY}/some/very/long/organisation/path/component-${i % 2}:sha256-${n.repeat(32)}`,
      type: i % 3 === 0 ? 'operatorBundle' : 'operatorRelatedImage',
    });
  }
  const ui = renderSized(
    <ThemeContext.Provider value={THEME}>
      <DeleteReview
        items={[...items, ITEM.catalog]}
        registry={REGISTRY}
        onConfirm={() => undefined}
        onCancel={() => undefined}
      />
    </ThemeContext.Provider>,
    { columns: 80, rows: 24 },
  );
  t.after(() => ui.unmount());
  const frame = () => stripAnsi(ui.lastFrame());
  const check = (f: string) => {
    const lines = f.split('\n');
    assert.ok(lines.length < 24, `${lines.length} lines:\n${f}`);
    for (const line of lines) assert.ok(Array.from(line).length <= 80, `too wide: ${line}`);
  };
  let shown = await waitForFrame(frame, (f) => f.includes('60 manifests selected'));
  check(shown);
  assert.match(shown, /↓ \d+ more below/);
  for (let i = 0; i < 30; i++) await press(ui.stdin, KEYS.down);
  shown = await waitForFrame(frame, (f) => /↑ \d+ more above {2}↓ \d+ more below/.test(f));
  check(shown);
  ui.resize(80, 14);
  shown = await waitForFrame(frame, (f) => f.split('\n').length < 14);
  check(shown);
  assert.ok(shown.includes('❯'), 'the cursor row is still visible after the resize');
});

test('with origins, operator images are listed under catalog › package; Space on a package header toggles its images', async (t) => {
  const outcome: Outcome = { confirmed: [], cancelled: 0 };
  const ui = renderSized(
    <ThemeContext.Provider value={THEME}>
      <DeleteReview
        items={OPERATOR_FILE_ITEMS}
        registry={REGISTRY}
        origins={ORIGINS}
        onConfirm={(selected) => outcome.confirmed.push(selected)}
        onCancel={() => outcome.cancelled++}
      />
    </ThemeContext.Provider>,
    { columns: 100, rows: 40 },
  );
  t.after(() => ui.unmount());
  const frame = () => stripAnsi(ui.lastFrame());
  let shown = await waitForFrame(frame, (f) => f.includes('11 of 11 manifests selected'));
  assert.match(
    shown,
    /\[x\] Operator bundles — delete 2 of 2\n\s+\[x\] acme-catalog@sha256:b{12} › acme-operator — delete 1 of 1/,
  );
  assert.match(
    shown,
    /\[x\] redhat-operator-index:v4\.18 › etcd — delete 2 of 2\n.*coreos\/etcd-operator@sha256:d{12}.*\n.*openshift4\/ose-kube-rbac-proxy@sha256:e{12} {2}\+2 packages/,
  );
  assert.match(shown, /\[x\] redhat-operator-index:v4\.18 › jaeger — delete 1 of 1/);
  assert.match(
    shown,
    /\[x\] 127\.0\.0\.1:5000\/mirror\/misc\/helper — delete 1 of 1/,
    'no usable origin: by repository',
  );

  // Rows: 0–5 release types, 6 bundles, 7 acme, 8 item, 9 etcd, 10 item, 11 related images, 12 etcd header.
  for (let i = 0; i < 12; i++) await press(ui.stdin, KEYS.down);
  await press(ui.stdin, KEYS.space);
  shown = await waitForFrame(frame, (f) => f.includes('9 of 11 manifests selected'));
  assert.match(shown, /❯ {3}\[ \] redhat-operator-index:v4\.18 › etcd — delete 0 of 2/);
  assert.match(shown, /\[-\] Operator related images — delete 2 of 4/);
  await press(ui.stdin, KEYS.enter);
  await waitForFrame(frame, (f) => f.includes('Type 127.0.0.1:5000 to delete 9 manifests'));
  await typeText(ui.stdin, '127.0.0.1:5000');
  await press(ui.stdin, KEYS.enter);
  await waitForFrame(
    () => String(outcome.confirmed.length),
    (n) => n === '1',
    'onConfirm',
  );
  assert.deepEqual(outcome.confirmed[0], [
    ITEM.release,
    ITEM.etcd,
    OPERATOR.acmeBundle,
    OPERATOR.etcdBundle,
    OPERATOR.jaegerAgent,
    OPERATOR.helper,
    ITEM.appA1,
    ITEM.appA2,
    ITEM.appB,
  ]);
});

test('runDeleteReview saves the confirmed selection beside the original and returns it; cancel saves nothing', async (t) => {
  const dir = await tempDirForTest(t, 'delete-review-');
  const source = join(dir, 'delete-images.yaml');
  await writeFile(source, formatDeleteList(FILE_ITEMS));
  const io = () => {
    const stdout = new FakeStdout(80, 24);
    const stderr = new FakeStdout(80, 24);
    const stdin = new FakeStdin();
    return {
      stdin,
      streams: {
        stdin: stdin as unknown as NodeJS.ReadStream,
        stdout: stdout as unknown as NodeJS.WriteStream,
        stderr: stderr as unknown as NodeJS.WriteStream,
      },
    };
  };
  // Keys only after Ink armed raw-mode input (works whether or not CI mode suppresses frames).
  const armed = (stdin: FakeStdin) =>
    waitForFrame(
      () => String(stdin.listenerCount('readable')),
      (n) => n !== '0',
      'input armed',
    );

  const first = io();
  const logged: string[] = [];
  const result = runDeleteReview({
    items: FILE_ITEMS,
    registry: REGISTRY,
    sourceFile: source,
    io: first.streams,
    log: (line) => logged.push(line),
    now: () => new Date(2025, 0, 2, 3, 4, 5),
  });
  await armed(first.stdin);
  await press(first.stdin, 'G');
  await press(first.stdin, KEYS.space);
  await press(first.stdin, KEYS.enter);
  await typeText(first.stdin, '127.0.0.1:5000');
  await press(first.stdin, KEYS.enter);
  const selection = await result;
  assert.deepEqual(selection, [ITEM.release, ITEM.etcd, ITEM.appA1, ITEM.appA2]);
  const saved = join(dir, 'delete-images-reviewed-20250102_030405.yaml');
  assert.equal(await readFile(saved, 'utf8'), formatDeleteList(selection!));
  assert.deepEqual((await readDeleteList(saved)).items, [ITEM.appA1, ITEM.appA2, ITEM.release, ITEM.etcd]);
  assert.deepEqual(logged, [
    `saved the reviewed selection (4 item(s)) to ${saved}`,
    `to repeat this deletion headless: ocm-tui delete --delete-yaml-file ${saved} docker://${REGISTRY}`,
  ]);

  const second = io();
  const cancelled = runDeleteReview({
    items: FILE_ITEMS,
    registry: REGISTRY,
    sourceFile: source,
    io: second.streams,
    log: () => undefined,
  });
  await armed(second.stdin);
  await press(second.stdin, KEYS.escape);
  assert.equal(await cancelled, undefined);
  assert.deepEqual((await readdir(dir)).sort(), ['delete-images-reviewed-20250102_030405.yaml', 'delete-images.yaml']);
  assert.equal(await readFile(source, 'utf8'), formatDeleteList(FILE_ITEMS), 'the original file is untouched');
});

test('runDeleteReview refuses a non-interactive stdin and closes on abort', async () => {
  const stdin = new FakeStdin();
  stdin.isTTY = false;
  const stdout = new FakeStdout(80, 24);
  await assert.rejects(
    runDeleteReview({
      items: FILE_ITEMS,
      registry: REGISTRY,
      sourceFile: '/nonexistent/delete-images.yaml',
      io: {
        stdin: stdin as unknown as NodeJS.ReadStream,
        stdout: stdout as unknown as NodeJS.WriteStream,
        stderr: stdout as unknown as NodeJS.WriteStream,
      },
    }),
    /the delete review needs an interactive terminal/,
  );
  const controller = new AbortController();
  const tty = new FakeStdin();
  const pending = runDeleteReview({
    items: FILE_ITEMS,
    registry: REGISTRY,
    sourceFile: '/nonexistent/delete-images.yaml',
    signal: controller.signal,
    io: {
      stdin: tty as unknown as NodeJS.ReadStream,
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: stdout as unknown as NodeJS.WriteStream,
    },
  });
  await waitForFrame(
    () => String(tty.listenerCount('readable')),
    (n) => n !== '0',
    'input armed',
  );
  controller.abort();
  assert.equal(await pending, undefined);
});

test('runDeleteReview passes the origins to the review and saves the kept ones beside the reviewed file', async (t) => {
  const dir = await tempDirForTest(t, 'review-origins-');
  const source = join(dir, 'delete-images.yaml');
  await writeFile(source, formatDeleteList(OPERATOR_FILE_ITEMS));
  await writeFile(deleteOriginsFile(source), JSON.stringify(ORIGINS));
  const stdin = new FakeStdin();
  const stdout = new FakeStdout(100, 40);
  const result = runDeleteReview({
    items: OPERATOR_FILE_ITEMS,
    registry: REGISTRY,
    sourceFile: source,
    origins: await readDeleteOrigins(source),
    io: {
      stdin: stdin as unknown as NodeJS.ReadStream,
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: stdout as unknown as NodeJS.WriteStream,
    },
    log: () => undefined,
    now: () => new Date(2025, 0, 2, 3, 4, 5),
  });
  await waitForFrame(
    () => String(stdin.listenerCount('readable')),
    (n) => n !== '0',
    'input armed',
  );
  for (let i = 0; i < 12; i++) await press(stdin, KEYS.down); // the etcd package of the related images
  await press(stdin, KEYS.space);
  await press(stdin, KEYS.enter);
  await typeText(stdin, '127.0.0.1:5000');
  await press(stdin, KEYS.enter);
  const selection = await result;
  assert.equal(selection?.length, 9);
  const saved = join(dir, 'delete-images-reviewed-20250102_030405.yaml');
  const savedOrigins = await readDeleteOrigins(saved);
  assert.deepEqual(
    Object.keys(savedOrigins).sort(),
    [
      ITEM.appA1.imageReference,
      OPERATOR.acmeBundle.imageReference,
      OPERATOR.etcdBundle.imageReference,
      OPERATOR.helper.imageReference,
      OPERATOR.jaegerAgent.imageReference,
    ].sort(),
  );
  assert.deepEqual(savedOrigins[OPERATOR.jaegerAgent.imageReference], ORIGINS[OPERATOR.jaegerAgent.imageReference]);
});

test('keys that arrive in one chunk (typed ahead over SSH, pasted) act one after another: filter, toggle, confirm', async (t) => {
  const { ui, outcome, frame } = renderReview();
  t.after(() => ui.unmount());
  await waitForFrame(frame, (f) => f.includes('5 of 5 manifests selected'));
  // One write: start a filter, type with a typo and erase it, end the filter, deselect the shown items.
  ui.stdin.write('/relx\u007Fease\rn');
  let shown = await waitForFrame(frame, (f) => f.includes('3 of 5 manifests selected'), 'filter + n from one chunk');
  assert.match(shown, /Filter: release/);
  // One write: clear the filter (Esc is cut out by Ink), continue, type the host and press Enter.
  ui.stdin.write('\u001B');
  shown = await waitForFrame(frame, (f) => f.includes('Additional images'));
  ui.stdin.write('\r127.0.0.1:5000\r');
  await waitForFrame(
    () => String(outcome.confirmed.length),
    (n) => n === '1',
    'onConfirm from one chunk',
  );
  assert.deepEqual(outcome.confirmed[0], [ITEM.appA1, ITEM.appA2, ITEM.appB]);
  assert.equal(outcome.cancelled, 0);
});
