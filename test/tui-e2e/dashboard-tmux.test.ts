/**
 * The real binary in a real terminal (tmux, CI unset): the dashboard of a throttled mirror-to-mirror run at
 * 80×24 with Ctrl+C half-way and a re-run, and the wizard at 120×40 driven by keystrokes.
 * Every captured frame is checked to fit the terminal (see tmux.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRegistry, type RunningRegistry } from '../harness/registry-server.js';
import { pushBigLayerImage, pushImage, type PushedImage } from '../harness/fixture-images.js';
import { skopeoManifestDigest, skopeoOptionsFor } from '../harness/skopeo.js';
import { tempDirForTest } from '../harness/temp-dir.js';
import { startThrottledProxy } from '../../source/demo/throttled-proxy.js';
import { screenText, startTmuxTerminal } from './tmux.js';

/** dist/source/cli.js, next to dist/test/tui-e2e/. */
const CLI_PATH = fileURLToPath(new URL('../../source/cli.js', import.meta.url));
const NODE = process.execPath;
const MiB = 1024 * 1024;

function iscFor(host: string, images: readonly PushedImage[]): string {
  const lines = images.map((i) => `  - name: ${host}/${i.repository}:${i.tag}`);
  return `kind: ImageSetConfiguration
apiVersion: mirror.openshift.io/v2alpha1
mirror:
  additionalImages:
${lines.join('\n')}
`;
}

/** The digest the destination serves for each image, or undefined when the tag is not there. */
async function destinationDigests(
  dest: RunningRegistry,
  images: readonly PushedImage[],
): Promise<(string | undefined)[]> {
  const opts = skopeoOptionsFor(dest);
  return Promise.all(
    images.map((i) =>
      skopeoManifestDigest(`${dest.host}/mirror/${i.repository}:${i.tag}`, opts).catch(() => undefined),
    ),
  );
}

/** Every file of a tree (missing tree: none). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/**
 * No partial state in the cache: every blob stored under its final name (`…/sha256/ab/<hex>/data`) hashes
 * to that name, and nothing else lives in the blobs tree.
 */
async function assertCacheBlobsIntact(cacheDir: string): Promise<void> {
  const blobs = join(cacheDir, '.oc-mirror', '.cache', 'docker', 'registry', 'v2', 'blobs');
  for (const file of await filesUnder(blobs)) {
    const rel = relative(blobs, file).split('/');
    assert.ok(
      rel.length === 4 && rel[0] === 'sha256' && rel[3] === 'data' && rel[2].startsWith(rel[1]),
      `unexpected file in the blob store: ${rel.join('/')}`,
    );
    const hex = createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
    assert.equal(hex, rel[2], `blob ${rel.join('/')} does not hash to its name`);
  }
}

test('dashboard at 80x24: throttled m2m shows progress, Ctrl+C exits 130 cleanly, a re-run completes', async (t) => {
  const source = await startRegistry();
  t.after(() => source.stop());
  const dest = await startRegistry();
  t.after(() => dest.stop());
  // Slow enough that a 3 MiB layer takes several seconds, per connection.
  const proxy = await startThrottledProxy(source.host, 512 * 1024);
  t.after(() => proxy.close());
  const work = await tempDirForTest(t, 'ocm-tui-tmux-dash-');
  const term = await startTmuxTerminal({ width: 80, height: 24 });
  t.after(() => term.kill());

  const images = [
    await pushBigLayerImage(source, 'apps/big-one:1', 3 * MiB),
    await pushBigLayerImage(source, 'apps/big-two:1', 3 * MiB),
    await pushImage(source, 'apps/small-one:1'),
    await pushImage(source, 'apps/small-two:1'),
  ];
  const bigLayers = images.slice(0, 2).map((i) => i.manifests[0].layers.at(-1)!);
  assert.ok(bigLayers.every((l) => l.size === 3 * MiB));
  await writeFile(join(work, 'isc.yaml'), iscFor(proxy.host, images));
  const cacheDir = join(work, 'cache');
  const argv = [
    NODE,
    '--enable-source-maps',
    CLI_PATH,
    '-c',
    'isc.yaml',
    '--workspace',
    'file://ws',
    `docker://${dest.host}/mirror`,
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
    '--cache-dir',
    cacheDir,
    '--retry-delay',
    '100ms',
  ];
  const env = { HOME: work };

  await term.run(argv, { cwd: work, env });
  const bigRow = (l: string) => /big-(one|two):1/.test(l) && /\b[1-9]\d?%/.test(l);
  await term.waitForScreen((lines) => lines.some(bigRow), {
    timeoutMs: 90_000,
    what: 'an image row with part-way progress',
  });
  // The layer panel belongs to the selected image: the first ↓ selects the first row.
  await term.sendKeys('Down');
  const shortDigests = images.flatMap((i) =>
    i.blobs.map((b) => b.digest.slice('sha256:'.length, 'sha256:'.length + 12)),
  );
  const progress = await term.waitForScreen(
    (lines) =>
      lines.some(bigRow) &&
      lines.some((l) => /^Layers\b/.test(l.trim())) &&
      lines.some((l) => shortDigests.some((d) => l.includes(d)) && /\d+%/.test(l)),
    { timeoutMs: 60_000, what: 'per-image progress and the layer panel' },
  );
  t.diagnostic(`mid-transfer frame:\n${screenText(progress)}`);

  await term.sendKeys('C-c');
  // The banner is looked for in everything written to the terminal (it may be on screen for less than a poll
  // interval). When the abort settles within one render frame, the dashboard goes straight from the last
  // progress frame to the cancelled summary and never draws the banner (seen in ~1 of 4 runs); then the
  // summary's cancelled headline is the evidence that Ctrl+C was honoured.
  const banner = 'Cancelling: finishing in-flight requests. Press Ctrl+C again to force quit.';
  const cancelledHeadline = 'Mirror to mirror cancelled after';
  // The summary can be taller than 24 rows (wrapped paths), so its headline may already have scrolled away
  // when the screen is polled: wait for the end of the run on screen, then check the whole transcript.
  await term.waitForScreen(
    (lines) => lines.some((l) => l.includes(banner) || l.includes(cancelledHeadline) || l.includes('Exit code 130')),
    { timeoutMs: 60_000, what: 'the cancelling banner or the cancelled summary' },
  );
  const written = await term.transcript();
  assert.ok(
    written.includes(banner) || written.includes(cancelledHeadline),
    'neither the banner nor the cancelled headline was drawn',
  );
  const cancelledCode = await term.waitForExit({ timeoutMs: 90_000, what: 'the cancelled run to exit' });
  const afterCancel = await term.capture();
  assert.equal(cancelledCode, 130, screenText(afterCancel));
  assert.ok(
    afterCancel.some((l) => l.includes('Exit code 130')),
    screenText(afterCancel),
  );
  const transcript = await term.transcript();
  assert.ok(transcript.includes(banner) || transcript.includes(cancelledHeadline), transcript.slice(-3000));
  t.diagnostic(transcript.includes(banner) ? 'cancelling banner drawn' : 'cancel settled within one frame: no banner');

  // No partial state: an image is either absent at the destination or complete with the source digest,
  // and the transfer was really cut short (not every image made it).
  const digestsAfterCancel = await destinationDigests(dest, images);
  digestsAfterCancel.forEach((d, i) => {
    if (d !== undefined) assert.equal(d, images[i].digest, `${images[i].reference} half-mirrored`);
  });
  assert.ok(
    digestsAfterCancel.slice(0, 2).some((d) => d === undefined),
    'Ctrl+C came too late: both big images were already mirrored',
  );
  await assertCacheBlobsIntact(cacheDir);

  await term.run(argv, { cwd: work, env });
  const rerunCode = await term.waitForExit({ timeoutMs: 180_000, what: 'the re-run to exit' });
  const final = await term.capture();
  assert.equal(rerunCode, 0, screenText(final));
  assert.deepEqual(
    await destinationDigests(dest, images),
    images.map((i) => i.digest),
  );
  await assertCacheBlobsIntact(cacheDir);
  // The workspace exists with its logs (the run really went through the workspace given on the command line).
  assert.ok((await stat(join(work, 'ws', 'working-dir'))).isDirectory());
});

test('wizard at 120x40: keystrokes build the m2m command shown on review, Enter runs it to completion', async (t) => {
  const source = await startRegistry();
  t.after(() => source.stop());
  const dest = await startRegistry();
  t.after(() => dest.stop());
  const work = await tempDirForTest(t, 'ocm-tui-tmux-wiz-');
  // Known finding: run-wizard.tsx prints the chosen command as one plain line ("running: ocm-tui …") that
  // is wider than 120 columns here, so the terminal wraps it; it is not an Ink frame and is exempted.
  const term = await startTmuxTerminal({
    width: 120,
    height: 40,
    exemptFromWidthCheck: (line) => line.startsWith('running: ocm-tui '),
  });
  t.after(() => term.kill());

  const images = [await pushImage(source, 'apps/wiz-one:1'), await pushImage(source, 'team/wiz-two:2')];
  await writeFile(join(work, 'isc.yaml'), iscFor(source.host, images));
  // HOME is the default cache directory the wizard offers; keep it inside the test's temp dir.
  await term.run([NODE, '--enable-source-maps', CLI_PATH], { cwd: work, env: { HOME: work } });

  const has = (text: string) => (lines: string[]) => lines.some((l) => l.includes(text));
  await term.waitForScreen(has('What do you want to do?'), { what: 'the workflow step' });
  await term.sendKeys('Down');
  await term.sendKeys('Down');
  await term.waitForScreen((lines) => lines.some((l) => /❯ Mirror to mirror/.test(l)), {
    what: 'the cursor on mirror to mirror',
  });
  await term.sendKeys('Enter');
  await term.waitForScreen((lines) => has('[2 Config]')(lines) && has('isc.yaml')(lines), { what: 'the config step' });
  await term.sendKeys('Enter');
  await term.waitForScreen(has('[3 Locations]'), { what: 'the locations step' });
  await term.type('ws');
  await term.sendKeys('Enter');
  // "docker://" shows before the focus moves (the field's prefix): wait for the cursor on the field itself.
  await term.waitForScreen((lines) => lines.some((l) => /❯ Destination registry/.test(l)), {
    what: 'the destination field focused',
  });
  await term.type(`${dest.host}/mirror`);
  await term.waitForScreen(has(`docker://${dest.host}/mirror`), { what: 'the typed destination' });
  await term.sendKeys('Enter');
  await term.waitForScreen(has('[4 Options]'), { what: 'the options step' });
  // Options: parallel images, parallel layers, verify source TLS, verify destination TLS, …
  // One key at a time, each checked on screen, as a person would.
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
  const review = await term.waitForScreen(has('The same run without the wizard:'), { what: 'the review step' });

  // The command line may be word-wrapped: join its rows back.
  const start = review.findIndex((l) => l.includes('The same run without the wizard:'));
  const end = review.findIndex((l, i) => i > start && l.includes('Enter starts'));
  const shown = review
    .slice(start + 1, end)
    .map((l) => l.trim())
    .join(' ');
  const expected =
    `ocm-tui -c isc.yaml --workspace file://ws docker://${dest.host}/mirror ` +
    '--src-tls-verify=false --dest-tls-verify=false';
  assert.equal(shown, expected, screenText(review));

  await term.sendKeys('Enter');
  const code = await term.waitForExit({ timeoutMs: 180_000, what: 'the wizard-started run to exit' });
  const final = await term.capture();
  assert.equal(code, 0, screenText(final));
  assert.ok(
    final.some((l) => l.includes('Exit code 0')),
    screenText(final),
  );
  assert.deepEqual(
    await destinationDigests(dest, images),
    images.map((i) => i.digest),
  );
  assert.ok((await stat(join(work, 'ws', 'working-dir'))).isDirectory());
});
