/**
 * Issue 21, from a newcomer's seat at 100×30: keys typed ahead (over a laggy SSH link keystrokes arrive in
 * bursts, a paste arrives in one chunk) must land where the key before them moved the focus. Each burst is
 * one `tmux send-keys` call, so text, navigation keys and Enter reach the wizard together. No registry is
 * contacted: the run is cancelled on the review step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDirForTest } from '../harness/temp-dir.js';
import { screenText, startTmuxTerminal } from './tmux.js';

/** dist/source/cli.js, next to dist/test/tui-e2e/. */
const CLI_PATH = fileURLToPath(new URL('../../source/cli.js', import.meta.url));

const ISC = `kind: ImageSetConfiguration
apiVersion: mirror.openshift.io/v2alpha1
mirror:
  additionalImages:
  - name: quay.io/example/app:1
`;

test('wizard at 100x30: bursts of keys (text, ↓, text, Enter) land in the right fields', async (t) => {
  const work = await tempDirForTest(t, 'ocm-tui-tmux-burst-');
  const term = await startTmuxTerminal({ width: 100, height: 30 });
  t.after(() => term.kill());
  await writeFile(join(work, 'isc.yaml'), ISC);
  // A long HOME: the default cache directory is wider than the Options row leaves for it.
  const home = join(work, 'a-home-directory-with-a-rather-long-name', 'and-another-level-below-it', 'cache');
  await term.run([process.execPath, '--enable-source-maps', CLI_PATH], { cwd: work, env: { HOME: home } });

  const has = (text: string) => (lines: string[]) => lines.some((l) => l.includes(text));
  await term.waitForScreen(has('What do you want to do?'), { what: 'the workflow step' });
  await term.sendKeys('Down', 'Down');
  await term.waitForScreen((lines) => lines.some((l) => /❯ Mirror to mirror/.test(l)), {
    what: 'the cursor on mirror to mirror',
  });
  await term.sendKeys('Enter');
  await term.waitForScreen((lines) => has('[2 Config]')(lines) && has('quay.io/example/app:1')(lines), {
    what: 'the config step with its preview',
  });
  await term.sendKeys('Enter');
  await term.waitForScreen(has('[3 Locations]'), { what: 'the locations step' });

  // Workspace, ↓, destination: one send-keys call, no pause.
  await term.sendKeys('/data/ws', 'Down', 'mirror.internal:5000/ocp');
  let screen = await term.waitForScreen(has('docker://mirror.internal:5000/ocp'), {
    what: 'the destination typed after ↓',
  });
  assert.ok(
    screen.some((l) => /Workspace \(--workspace\)\s+file:\/\/\/data\/ws$/.test(l)),
    screenText(screen),
  );
  assert.ok(
    screen.some((l) => /❯ Destination registry\s+docker:\/\/mirror\.internal:5000\/ocp/.test(l)),
    screenText(screen),
  );

  // ↑, erase "ws", type "xy", Enter, Enter (on to the options), ↓ to the cache directory: one call.
  await term.sendKeys('Up', 'BSpace', 'BSpace', 'xy', 'Enter', 'Enter', 'Down', 'Down', 'Down', 'Down', 'Down');
  screen = await term.waitForScreen((lines) => lines.some((l) => /❯ Cache directory/.test(l)), {
    what: 'the cache directory row selected',
  });
  // The selected row shows the whole path (wrapped inside its column when longer than the row).
  const joined = screen.map((l) => l.trim()).join('');
  assert.ok(joined.includes(home), screenText(screen));

  await term.sendKeys('Enter');
  const review = await term.waitForScreen(has('The same run without the wizard:'), { what: 'the review step' });
  const start = review.findIndex((l) => l.includes('The same run without the wizard:'));
  const end = review.findIndex((l, i) => i > start && l.includes('Enter starts'));
  const shown = review
    .slice(start + 1, end)
    .map((l) => l.trim())
    .join(' ');
  assert.equal(
    shown,
    'ocm-tui -c isc.yaml --workspace file:///data/xy docker://mirror.internal:5000/ocp',
    screenText(review),
  );

  await term.sendKeys('C-c');
  const code = await term.waitForExit({ what: 'the wizard to leave on Ctrl+C' });
  assert.equal(code, 0);
  await term.waitForTranscript('wizard cancelled: nothing was run');
});
