/**
 * The config builder end to end, in a real 80×24 terminal (tmux, CI unset, NO_COLOR): the wizard's "Create a new
 * config" browses a real catalog published into a real registry (oc-mirror's test-catalog-latest) and a release
 * channel served by the harness's Cincinnati server, adds an additional image, previews, saves the ISC, continues
 * in the wizard (mirror to mirror) and mirrors with it. The destination must serve exactly the source digests of
 * the bundles the range kept, of the two releases and their components, and of the additional image; the saved
 * file must load without warnings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRegistry } from '../harness/registry-server.js';
import { pushImage } from '../harness/fixture-images.js';
import { publishCatalog, LOCAL_REPOSITORY } from '../harness/catalog-fixture.js';
import {
  generateSigningKey,
  publishRelease,
  startReleaseServer,
  type PublishedComponent,
} from '../harness/release-fixture.js';
import { skopeoInspectRaw, skopeoManifestDigest, skopeoOptionsFor } from '../harness/skopeo.js';
import { tempDirForTest } from '../harness/temp-dir.js';
import { parseImageSetConfig } from '../../core/config/load-config.js';
import { formatBytes } from '../../components/shared/format.js';
import { screenText, startTmuxTerminal } from './tmux.js';

const CLI_PATH = fileURLToPath(new URL('../../source/cli.js', import.meta.url));
const NODE = process.execPath;

test('config builder at 80x24: catalog + release channel + image → preview → save → wizard m2m with exact digests', async (t) => {
  const source = await startRegistry();
  t.after(() => source.stop());
  const dest = await startRegistry();
  t.after(() => dest.stop());
  const work = await tempDirForTest(t, 'ocm-tui-tmux-builder-');

  const catalog = await publishCatalog(source, 'test-catalog-latest');
  const key = await generateSigningKey();
  const keyFile = join(work, 'release-key.asc');
  await writeFile(keyFile, key.publicKeyArmored);
  const shared = new Map<string, PublishedComponent>();
  const releases = [];
  for (const version of ['4.15.0', '4.15.1', '4.15.2']) {
    releases.push(await publishRelease(source, { version, components: 4, key, shared }));
  }
  const server = await startReleaseServer(source.host, { 'stable-4.15': releases }, releases);
  t.after(() => server.stop());
  const extra = await pushImage(source, 'apps/extra:1');

  // Known finding shared with the wizard test: the "running: ocm-tui …" line is plain output, not an Ink frame.
  const term = await startTmuxTerminal({
    width: 80,
    height: 24,
    exemptFromWidthCheck: (line) => line.startsWith('running: ocm-tui '),
  });
  t.after(() => term.kill());
  const env = {
    HOME: work,
    NO_COLOR: '1',
    UPDATE_URL_OVERRIDE: server.graphUrl,
    OCP_SIGNATURE_URL: server.signatureUrl,
    OCP_SIGNATURE_VERIFICATION_PK: keyFile,
  };
  await term.run([NODE, '--enable-source-maps', CLI_PATH, '--src-tls-verify=false'], { cwd: work, env });
  const has = (text: string) => (lines: string[]) => lines.some((l) => l.includes(text));
  const matches = (re: RegExp) => (lines: string[]) => lines.some((l) => re.test(l));

  // Wizard: mirror to mirror, then "Create a new config".
  await term.waitForScreen(has('What do you want to do?'), { what: 'the workflow step' });
  await term.sendKeys('Down');
  await term.sendKeys('Down');
  await term.waitForScreen(matches(/❯ Mirror to mirror/), { what: 'mirror to mirror' });
  await term.sendKeys('Enter');
  await term.waitForScreen(has('Create a new config'), { what: 'the config step with the builder row' });
  await term.sendKeys('Down');
  await term.waitForScreen(matches(/❯ Create a new config/), { what: 'the create row' });
  await term.sendKeys('Enter');
  await term.waitForScreen(has('What goes into the ImageSetConfiguration?'), { what: 'the builder' });

  // Operators: type the catalog reference, filter, open foo, choose beta and the range 0.2.0–0.3.1.
  await term.sendKeys('Enter');
  await term.waitForScreen(has('Type a reference:'), { what: 'the catalogs screen' });
  await term.sendKeys('End');
  await term.waitForScreen(matches(/❯ Type a reference:/), { what: 'the reference row' });
  await term.type(catalog.ref);
  await term.sendKeys('Enter');
  await term.waitForScreen(has('3 packages, 10 bundles, 0 chosen'), { timeoutMs: 60_000, what: 'the packages' });
  await term.type('foo');
  await term.waitForScreen(has('Filter: foo'), { what: 'the filter' });
  await term.sendKeys('Enter');
  await term.waitForScreen(has('Min version'), { what: 'the package screen' });
  await term.sendKeys('Space');
  await term.sendKeys('Down');
  await term.sendKeys('Right');
  await term.sendKeys('Right');
  await term.sendKeys('Down');
  await term.sendKeys('Left');
  const pkgScreen = await term.waitForScreen(has('Keeps 3 bundles'), { what: 'the live kept bundles' });
  assert.ok(
    pkgScreen.some((l) => l.includes('0.2.0, 0.3.0, 0.3.1')),
    screenText(pkgScreen),
  );
  await term.sendKeys('Enter');
  await term.waitForScreen(has('1 chosen'), { what: 'foo chosen' });
  await term.sendKeys('Escape');
  await term.waitForScreen(has('Filter: █'), { what: 'the filter cleared' });
  await term.sendKeys('Escape');
  await term.waitForScreen(has('Type a reference:'), { what: 'back to the catalogs' });
  await term.sendKeys('Escape');
  await term.waitForScreen(has('1 catalog, 1 package'), { what: 'back home' });

  // Releases: stable-4.15 from the harness's graph, 4.15.1–4.15.2.
  await term.sendKeys('Down');
  await term.sendKeys('Enter');
  await term.waitForScreen(has('Architecture'), { what: 'the releases screen' });
  await term.sendKeys('C-u');
  await term.type('stable-4.15');
  await term.sendKeys('Enter');
  await term.waitForScreen(has('Graph: 3 versions 4.15.0'), { what: 'the graph' });
  await term.sendKeys('Right');
  await term.sendKeys('Right');
  await term.sendKeys('Down');
  await term.sendKeys('Left');
  await term.waitForScreen(has('Selected: 2 releases: 4.15.1, 4.15.2'), { what: 'the live release count' });
  await term.sendKeys('Enter');
  await term.waitForScreen(has('stable-4.15 added'), { what: 'the channel added' });
  await term.sendKeys('Escape');
  await term.waitForScreen(matches(/Releases +stable-4\.15 \(amd64\)/), { what: 'home with the channel' });

  // Additional image.
  await term.sendKeys('Down');
  await term.sendKeys('Enter');
  await term.waitForScreen(has('Reference:'), { what: 'the images screen' });
  // The repository only: Tab lists its tags from the registry, Enter picks the highlighted one.
  await term.type(`${source.host}/apps/extra`);
  await term.sendKeys('Tab');
  await term.waitForScreen(matches(/❯ 1$/), { what: 'the tag list of apps/extra' });
  await term.sendKeys('Enter');
  await term.waitForScreen(has('In the config: 1 image'), { what: 'the image added' });
  await term.sendKeys('Escape');

  // Preview, save, continue.
  await term.sendKeys('Down');
  await term.sendKeys('Down');
  await term.sendKeys('Enter');
  // The dry run: the mirror's collectors (release payloads read and their signatures verified, the catalog
  // filtered) list the images; sizes are read from the source registry (manifests only). The cache is empty.
  const extraBytes = extra.manifestBytes.length + extra.blobs.reduce((n, b) => n + b.size, 0);
  const releaseImages = releases.slice(1).reduce((n, r) => n + 1 + r.components.length, 0);
  const preview = await term.waitForScreen(
    (lines) => has('Dry run of this config')(lines) && has('Total:')(lines) && !has('measuring')(lines),
    { timeoutMs: 60_000, what: 'the dry run with every size measured' },
  );
  t.diagnostic(`preview:\n${screenText(preview)}`);
  const row = (re: RegExp) =>
    assert.ok(
      preview.some((l) => re.test(l)),
      `${re}\n${screenText(preview)}`,
    );
  row(new RegExp(`^  release +${releaseImages} images +\\d`));
  // 3 bundles + 1 operand + the catalog as published + the filtered catalog the mirror rebuilds into the cache
  // (which a dry run does not build: "1 not measured").
  row(/^ {2}operator +6 images +[\d.]+ KiB, 1 not measured$/);
  row(new RegExp(`^  additional +1 image +${formatBytes(extraBytes).replace('.', '\\.')}$`));
  row(new RegExp(`^  Total: ${releaseImages + 7} images, `));
  assert.ok(!preview.some((l) => l.includes('cached')), screenText(preview));
  await term.sendKeys('Enter');
  await term.waitForScreen(has('Path: imageset-config.yaml'), { what: 'the save screen' });
  await term.sendKeys('Enter');
  const saved = await term.waitForScreen(has('Saved imageset-config.yaml'), { what: 'saved' });
  assert.ok(
    saved.some((l) => l.includes('ocm-tui -c imageset-config.yaml file://mirror-archive')),
    screenText(saved),
  );
  await term.sendKeys('Enter');
  await term.waitForScreen(has('[3 Locations]'), { what: 'the wizard continues with the saved config' });

  const text = await readFile(join(work, 'imageset-config.yaml'), 'utf8');
  t.diagnostic(`saved ISC:\n${text}`);
  const loaded = parseImageSetConfig(text, 'imageset-config.yaml');
  assert.deepEqual(loaded.warnings, []);
  assert.deepEqual(loaded.config.mirror.operators?.[0].packages, [
    { name: 'foo', channels: [{ name: 'beta' }], minVersion: '0.2.0', maxVersion: '0.3.1' },
  ]);

  // Locations and options, then run.
  await term.type('ws');
  await term.sendKeys('Enter');
  await term.waitForScreen(matches(/❯ Destination registry/), { what: 'the destination field' });
  await term.type(`${dest.host}/mirror`);
  await term.waitForScreen(has(`docker://${dest.host}/mirror`), { what: 'the typed destination' });
  await term.sendKeys('Enter');
  await term.waitForScreen(has('[4 Options]'), { what: 'the options step' });
  await term.sendKeys('Down');
  await term.sendKeys('Down');
  await term.waitForScreen(matches(/❯ Verify source TLS/), { what: 'source TLS' });
  await term.sendKeys('Space');
  await term.sendKeys('Down');
  await term.waitForScreen(matches(/❯ Verify destination TLS/), { what: 'dest TLS' });
  await term.sendKeys('Space');
  await term.waitForScreen(matches(/Verify destination TLS\s+\[ \] no/), { what: 'dest TLS off' });
  await term.sendKeys('Enter');
  await term.waitForScreen(has('The same run without the wizard:'), { what: 'the review' });
  await term.sendKeys('Enter');
  const code = await term.waitForExit({ timeoutMs: 240_000, what: 'the mirror run' });
  const final = await term.capture();
  assert.equal(code, 0, screenText(final));

  const opts = skopeoOptionsFor(dest);
  const at = (repoTag: string) => `${dest.host}/mirror/${repoTag}`;
  for (const v of ['0.2.0', '0.3.0', '0.3.1']) {
    const local = catalog.images.get(`quay.io/oc-mirror/oc-mirror-dev:foo-bundle-v${v}`)!;
    assert.equal(
      await skopeoManifestDigest(at(`${LOCAL_REPOSITORY}:foo-bundle-v${v}`), opts),
      catalog.digests.get(local),
      `bundle ${v}`,
    );
  }
  await assert.rejects(skopeoInspectRaw(at(`${LOCAL_REPOSITORY}:foo-bundle-v0.1.0`), opts), 'v0.1.0 is out of range');
  for (const r of releases.slice(1)) {
    assert.equal(await skopeoManifestDigest(at(`openshift/release-images:${r.tag}`), opts), r.digest, r.tag);
    for (const c of r.components) {
      assert.equal(
        await skopeoManifestDigest(at(`openshift/release:${r.tag}-${c.name}`), opts),
        c.digest,
        `${r.tag} ${c.name}`,
      );
    }
  }
  await assert.rejects(
    skopeoInspectRaw(at(`openshift/release-images:${releases[0].tag}`), opts),
    '4.15.0 out of range',
  );
  assert.equal(await skopeoManifestDigest(at('apps/extra:1'), opts), extra.digest);
});
