/**
 * Issue 17: dist/ocm-tui.mjs alone in an empty directory does everything (help, version, a mirror to mirror
 * between two real registries, skopeo as the oracle), and `npm pack`'s tarball installs with
 * `npm install -g --offline` into a working `ocm-tui` on the PATH. The wizard from the one file is driven in
 * test/tui-e2e/one-file-wizard-tmux.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startRegistry } from '../harness/registry-server.js';
import { pushImage, pushMultiArchImage } from '../harness/fixture-images.js';
import { skopeoInspectRaw, skopeoManifestDigest, skopeoOptionsFor } from '../harness/skopeo.js';
import { tempDirForTest } from '../harness/temp-dir.js';
import { ROOT, ensurePackage, filesIn, oneFileInEmptyDir, runNode } from './one-file.js';

const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

test('the one file alone: --help, --version, version --output json|yaml; modules cached once, nothing beside it', async (t) => {
  const one = await oneFileInEmptyDir(t);
  const run = (args: string[], env: Record<string, string> = one.env) => runNode(one.file, args, { cwd: one.dir, env });

  const help = await run(['--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /Usage\n\s+\$ ocm-tui\s+wizard \(on a terminal\)/);
  assert.match(help.stdout, /ocm-tui version \[--output json\|yaml\]/);

  for (const flag of ['--version', '-v']) {
    const version = await run([flag]);
    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout, `ocm-tui version v${pkg.version}\n`);
  }

  const json = await run(['version', '--output', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const info = (JSON.parse(json.stdout) as { clientVersion: Record<string, string> }).clientVersion;
  assert.deepEqual(Object.keys(info), [
    'major',
    'minor',
    'gitVersion',
    'gitCommit',
    'gitTreeState',
    'buildDate',
    'goVersion',
    'compiler',
    'platform',
    'nodeVersion',
  ]);
  assert.equal(info.gitVersion, `v${pkg.version}`);
  assert.deepEqual([info.major, info.minor], pkg.version.split('.').slice(0, 2));
  // Built from a git checkout: the commit and its date are in the file.
  assert.match(info.gitCommit, /^[0-9a-f]{40}$/);
  assert.match(info.gitTreeState, /^(clean|dirty)$/);
  assert.match(info.buildDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(info.nodeVersion, process.version);

  const yaml = await run(['version', '--output', 'yaml']);
  assert.equal(yaml.code, 0, yaml.stderr);
  assert.match(
    yaml.stdout,
    new RegExp(`^clientVersion:\n  buildDate: \\S+\n  compiler: tsc\n[\\s\\S]*  gitVersion: v${pkg.version}\n`),
  );

  const short = await run(['version', '--short']);
  assert.equal(short.stdout, `Client Version: v${pkg.version}\n`);
  const bad = await run(['version', '--output', 'xml']);
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, `error: --output must be 'yaml' or 'json'\n`);

  // Nothing was written beside the file; its modules were written once into the cache, named by their hash.
  assert.deepEqual(await filesIn(one.dir), ['ocm-tui.mjs']);
  const cached = await filesIn(join(one.home, '.cache', 'ocm-tui'));
  assert.equal(cached.length, 1, cached.join(', '));
  assert.match(cached[0], /^modules-[0-9a-f]{16}$/);
  assert.ok((await filesIn(join(one.home, '.cache', 'ocm-tui', cached[0]))).includes('ocm-tui.mjs'));

  // No cache wanted (or none writable): a private temporary directory, gone at exit.
  const tmp = await tempDirForTest(t, 'ocm-tui-one-file-tmp-');
  for (const env of [
    { ...one.env, TMPDIR: tmp, OCM_TUI_MODULE_CACHE: '0' },
    { ...one.env, TMPDIR: tmp, XDG_CACHE_HOME: one.file }, // a file where the cache directory would go
  ]) {
    const version = await run(['--version'], env);
    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout, `ocm-tui version v${pkg.version}\n`);
    assert.deepEqual(await filesIn(tmp), []);
  }
});

test('the one file alone mirrors registry to registry with identical digests', async (t) => {
  const source = await startRegistry();
  t.after(() => source.stop());
  const dest = await startRegistry();
  t.after(() => dest.stop());
  const one = await oneFileInEmptyDir(t);
  const work = await tempDirForTest(t, 'ocm-tui-one-file-m2m-');

  const single = await pushImage(source, 'apps/single:1.0');
  const docker = await pushImage(source, 'apps/docker:v2', { format: 'docker' });
  const index = await pushMultiArchImage(source, 'multi/oci:latest');
  const pinned = await pushImage(source, 'pinned/app:ignored');
  const isc = join(work, 'isc.yaml');
  await writeFile(
    isc,
    `kind: ImageSetConfiguration
apiVersion: mirror.openshift.io/v2alpha1
mirror:
  additionalImages:
  - name: ${source.host}/apps/single:1.0
  - name: ${source.host}/apps/docker:v2
  - name: ${source.host}/multi/oci:latest
  - name: ${source.host}/pinned/app@${pinned.digest}
`,
  );
  const args = [
    '-c',
    isc,
    '--workspace',
    `file://${work}/ws`,
    `docker://${dest.host}/mirror`,
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
    '--cache-dir',
    join(work, 'cache'),
    '--output',
    'json',
    '--retry-delay',
    '100ms',
  ];
  const run = await runNode(one.file, args, { cwd: one.dir, env: { ...one.env, CI: 'true', NO_COLOR: '1' } });
  assert.equal(run.code, 0, run.stderr + run.stdout);
  const events = run.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { type: string; summary?: { imagesOk: number; exitCode: number } });
  const summary = events.find((e) => e.type === 'summary')?.summary;
  assert.deepEqual(summary && { ok: summary.imagesOk, code: summary.exitCode }, { ok: 4, code: 0 });

  const opts = skopeoOptionsFor(dest);
  assert.equal(await skopeoManifestDigest(`${dest.host}/mirror/apps/single:1.0`, opts), single.digest);
  assert.equal(await skopeoManifestDigest(`${dest.host}/mirror/apps/docker:v2`, opts), docker.digest);
  assert.equal(await skopeoManifestDigest(`${dest.host}/mirror/multi/oci:latest`, opts), index.digest);
  for (const child of index.manifests) {
    assert.equal(await skopeoManifestDigest(`${dest.host}/mirror/multi/oci@${child.digest}`, opts), child.digest);
  }
  const pinnedTag = `${dest.host}/mirror/pinned/app:${pinned.digest.replace(':', '-')}`;
  assert.equal(await skopeoManifestDigest(pinnedTag, opts), pinned.digest);
  assert.ok((await skopeoInspectRaw(`${dest.host}/mirror/apps/single:1.0`, opts)).length > 0);
  // Cluster resources were written from the one file too.
  assert.ok((await readdir(join(work, 'ws', 'working-dir', 'cluster-resources'))).includes('idms-oc-mirror.yaml'));
  assert.deepEqual(await filesIn(one.dir), ['ocm-tui.mjs']);
});

test('npm pack makes a tarball that `npm install -g --offline` installs as a working ocm-tui', async (t) => {
  ensurePackage();
  const work = await tempDirForTest(t, 'ocm-tui-npm-pack-');
  const npmCache = join(work, 'npm-cache'); // empty: nothing can come from a cache either
  const prefix = join(work, 'prefix');
  await mkdir(npmCache);
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: work,
    npm_config_cache: npmCache,
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
  // --ignore-scripts: pack the file this test run already has (prepack would rebuild dist/ under the other tests).
  const pack = await runCommand('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
    cwd: ROOT,
    env,
  });
  assert.equal(pack.code, 0, pack.stderr);
  const [packed] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  assert.equal(packed.filename, `${pkg.name}-${pkg.version}.tgz`);
  assert.deepEqual(packed.files.map((f) => f.path).sort(), ['README.md', 'dist/ocm-tui.mjs', 'package.json']);

  const install = await runCommand(
    'npm',
    ['install', '-g', '--offline', '--prefix', prefix, join(work, packed.filename)],
    { cwd: work, env },
  );
  assert.equal(install.code, 0, install.stderr + install.stdout);
  const onPath = { ...env, PATH: `${join(prefix, 'bin')}:${env.PATH}`, XDG_CACHE_HOME: join(work, 'cache') };
  const version = await runCommand('ocm-tui', ['--version'], { cwd: work, env: onPath });
  assert.equal(version.code, 0, version.stderr);
  assert.equal(version.stdout, `ocm-tui version v${pkg.version}\n`);
  const help = await runCommand('ocm-tui', ['--help'], { cwd: work, env: onPath });
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /ocm-tui list operators --catalog REF/);
});

function runCommand(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
