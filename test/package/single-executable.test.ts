/**
 * Issue 17, optional part: the Node single-executable application (`npm run package:sea`, scripts/package-sea.mjs)
 * alone in an empty directory runs --help, --version and a mirror to mirror between two real registries.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startRegistry } from '../harness/registry-server.js';
import { pushImage, pushMultiArchImage } from '../harness/fixture-images.js';
import { skopeoManifestDigest, skopeoOptionsFor } from '../harness/skopeo.js';
import { tempDirForTest } from '../harness/temp-dir.js';
import { ROOT, ensurePackage, filesIn, runNode } from './one-file.js';

const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };

test('the single-executable application alone: --help, --version, m2m with identical digests', async (t) => {
  ensurePackage();
  const dir = await tempDirForTest(t, 'ocm-tui-sea-');
  const home = await tempDirForTest(t, 'ocm-tui-sea-home-');
  const binary = join(dir, 'ocm-tui');
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts', 'package-sea.mjs'), '--out', binary], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.equal(built.status, 0, built.stdout + built.stderr);
  // No node on the PATH: the binary is its own runtime.
  const env = { PATH: '/nonexistent', HOME: home, XDG_CACHE_HOME: join(home, '.cache'), CI: 'true', NO_COLOR: '1' };
  const run = (args: string[]) => runExecutable(binary, args, { cwd: dir, env });

  const version = await run(['--version']);
  assert.equal(version.code, 0, version.stderr);
  assert.equal(version.stdout, `ocm-tui version v${pkg.version}\n`);
  assert.equal(version.stderr, '');
  const help = await run(['--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /ocm-tui -c isc\.yaml --workspace file:\/\/DIR docker:\/\/REG/);

  const source = await startRegistry();
  t.after(() => source.stop());
  const dest = await startRegistry();
  t.after(() => dest.stop());
  const work = await tempDirForTest(t, 'ocm-tui-sea-m2m-');
  const single = await pushImage(source, 'apps/sea:1');
  const index = await pushMultiArchImage(source, 'multi/sea:2');
  await writeFile(
    join(work, 'isc.yaml'),
    `kind: ImageSetConfiguration
apiVersion: mirror.openshift.io/v2alpha1
mirror:
  additionalImages:
  - name: ${source.host}/apps/sea:1
  - name: ${source.host}/multi/sea:2
`,
  );
  const m2m = await run([
    '-c',
    join(work, 'isc.yaml'),
    '--workspace',
    `file://${work}/ws`,
    `docker://${dest.host}/mirror`,
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
    '--cache-dir',
    join(work, 'cache'),
  ]);
  assert.equal(m2m.code, 0, m2m.stderr + m2m.stdout);
  const opts = skopeoOptionsFor(dest);
  assert.equal(await skopeoManifestDigest(`${dest.host}/mirror/apps/sea:1`, opts), single.digest);
  assert.equal(await skopeoManifestDigest(`${dest.host}/mirror/multi/sea:2`, opts), index.digest);
  assert.deepEqual(await filesIn(dir), ['ocm-tui']);
});

/** runNode's twin for an executable that is not a script. */
function runExecutable(file: string, args: string[], options: { cwd: string; env: Record<string, string> }) {
  return runNode(file, args, { ...options, command: file });
}
