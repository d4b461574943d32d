/**
 * Issue 17: the wizard from the one-file package (dist/ocm-tui.mjs copied alone into an empty directory) in a
 * real terminal (tmux, 120×40): keystrokes build a mirror-to-mirror run, Enter runs it under the dashboard, the
 * images land with their digests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startRegistry } from '../harness/registry-server.js';
import { pushImage } from '../harness/fixture-images.js';
import { skopeoManifestDigest, skopeoOptionsFor } from '../harness/skopeo.js';
import { tempDirForTest } from '../harness/temp-dir.js';
import { filesIn, oneFileInEmptyDir } from '../package/one-file.js';
import { screenText, startTmuxTerminal } from './tmux.js';

test('wizard from the one file: workflow, config, locations, options, review; Enter mirrors to mirror', async (t) => {
  const source = await startRegistry();
  t.after(() => source.stop());
  const dest = await startRegistry();
  t.after(() => dest.stop());
  const one = await oneFileInEmptyDir(t);
  const work = await tempDirForTest(t, 'ocm-tui-tmux-one-file-');
  const term = await startTmuxTerminal({
    width: 120,
    height: 40,
    // The plain "running: ocm-tui …" line the wizard prints before the run is wider than 120 columns here.
    exemptFromWidthCheck: (line) => line.startsWith('running: ocm-tui '),
  });
  t.after(() => term.kill());

  const image = await pushImage(source, 'apps/one-file:1');
  await writeFile(
    join(work, 'isc.yaml'),
    `kind: ImageSetConfiguration
apiVersion: mirror.openshift.io/v2alpha1
mirror:
  additionalImages:
  - name: ${source.host}/apps/one-file:1
`,
  );
  // The wizard's default cache directory is $HOME's: keep HOME inside the test's temp dirs.
  await term.run([process.execPath, one.file], {
    cwd: work,
    env: { HOME: one.home, XDG_CACHE_HOME: one.env.XDG_CACHE_HOME },
  });

  const has = (text: string) => (lines: string[]) => lines.some((l) => l.includes(text));
  await term.waitForScreen(has('What do you want to do?'), { what: 'the workflow step' });
  await term.sendKeys('Down');
  await term.sendKeys('Down');
  await term.waitForScreen((lines) => lines.some((l) => /❯ Mirror to mirror/.test(l)), { what: 'mirror to mirror' });
  await term.sendKeys('Enter');
  await term.waitForScreen((lines) => has('[2 Config]')(lines) && has('isc.yaml')(lines), { what: 'the config step' });
  await term.sendKeys('Enter');
  await term.waitForScreen(has('[3 Locations]'), { what: 'the locations step' });
  await term.type('ws');
  await term.sendKeys('Enter');
  await term.waitForScreen((lines) => lines.some((l) => /❯ Destination registry/.test(l)), {
    what: 'the destination field focused',
  });
  await term.type(`${dest.host}/mirror`);
  await term.waitForScreen(has(`docker://${dest.host}/mirror`), { what: 'the typed destination' });
  await term.sendKeys('Enter');
  await term.waitForScreen(has('[4 Options]'), { what: 'the options step' });
  await term.sendKeys('Down');
  await term.sendKeys('Down');
  await term.waitForScreen((l) => l.some((x) => /❯ Verify source TLS/.test(x)), { what: 'cursor on source TLS' });
  await term.sendKeys('Space');
  await term.waitForScreen((l) => l.some((x) => /Verify source TLS\s+\[ \] no/.test(x)), { what: 'source TLS off' });
  await term.sendKeys('Down');
  await term.waitForScreen((l) => l.some((x) => /❯ Verify destination TLS/.test(x)), { what: 'cursor on dest TLS' });
  await term.sendKeys('Space');
  await term.waitForScreen((l) => l.some((x) => /Verify destination TLS\s+\[ \] no/.test(x)), { what: 'dest TLS off' });
  await term.sendKeys('Enter');
  await term.waitForScreen(has('The same run without the wizard:'), { what: 'the review step' });
  await term.sendKeys('Enter');

  const code = await term.waitForExit({ timeoutMs: 180_000, what: 'the wizard-started run to exit' });
  const final = await term.capture();
  assert.equal(code, 0, screenText(final));
  assert.ok(
    final.some((l) => l.includes('Exit code 0')),
    screenText(final),
  );
  const opts = skopeoOptionsFor(dest);
  assert.equal(await skopeoManifestDigest(`${dest.host}/mirror/apps/one-file:1`, opts), image.digest);
  assert.deepEqual(await filesIn(one.dir), ['ocm-tui.mjs']);
});
