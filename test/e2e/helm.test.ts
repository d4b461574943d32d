/**
 * Helm charts end to end (issue 15): the real podinfo 5.0.0 chart, its image repointed at a real local registry,
 * served as a repository chart (index with digest, repository URL without a trailing slash) and used as a local
 * chart; m2d → d2m with the source registry and the chart server stopped; broken charts named with exit bit 16.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startRegistry } from '../harness/registry-server.js';
import { pushImage } from '../harness/fixture-images.js';
import { UPSTREAM_FIXTURES } from '../harness/catalog-fixture.js';
import { skopeoInspectRaw, skopeoManifestDigest, skopeoOptionsFor } from '../harness/skopeo.js';
import { tempDirForTest } from '../harness/temp-dir.js';
import { runCli, deleteGenerateArgs } from './cli-runner.js';

const exec = promisify(execFile);
const TLS = ['--src-tls-verify=false', '--dest-tls-verify=false'];

/** podinfo 5.0.0 unpacked into `dir/podinfo` with its image repository replaced. */
async function podinfoChart(dir: string, repository: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await exec('tar', ['-xzf', join(UPSTREAM_FIXTURES, 'helm', 'charts', 'podinfo-5.0.0.tgz'), '-C', dir]);
  const values = join(dir, 'podinfo', 'values.yaml');
  await writeFile(values, (await readFile(values, 'utf8')).replace('ghcr.io/stefanprodan/podinfo', repository));
  return join(dir, 'podinfo');
}

async function packChart(chartDir: string, out: string): Promise<Buffer> {
  const parent = join(chartDir, '..');
  const name = chartDir.slice(parent.length + 1);
  await exec('tar', ['-czf', out, '-C', parent, name]);
  return readFile(out);
}

async function serve(files: Record<string, Buffer | string>): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const body = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (body === undefined) res.writeHead(404).end('not found');
    else res.writeHead(200).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

function indexYaml(entries: { name: string; version: string; file: string; bytes: Buffer }[]): string {
  const lines = ['apiVersion: v1', 'entries:'];
  for (const e of entries) {
    lines.push(
      `  ${e.name}:`,
      `  - apiVersion: v2`,
      `    name: ${e.name}`,
      `    version: ${e.version}`,
      `    digest: ${createHash('sha256').update(e.bytes).digest('hex')}`,
      `    urls:`,
      `    - ${e.file}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

test('helm: a repository chart and a local chart, m2d → d2m with the registry and the chart server stopped', async (t) => {
  const source = await startRegistry();
  t.after(() => source.stop());
  const dest = await startRegistry();
  t.after(() => dest.stop());
  const work = await tempDirForTest(t, 'charts-e2e');
  const repoImage = await pushImage(source, 'stefanprodan/podinfo:5.0.0');
  const localImage = await pushImage(source, 'local/podinfo:5.0.0');
  const repoChart = await podinfoChart(join(work, 'repo-src'), `${source.host}/stefanprodan/podinfo`);
  const localChart = await podinfoChart(join(work, 'local-src'), `${source.host}/local/podinfo`);
  const tgz = await packChart(repoChart, join(work, 'podinfo-5.0.0.tgz'));
  const { url, server } = await serve({
    '/charts/index.yaml': indexYaml([{ name: 'podinfo', version: '5.0.0', file: 'podinfo-5.0.0.tgz', bytes: tgz }]),
    '/charts/podinfo-5.0.0.tgz': tgz,
  });
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const isc = join(work, 'isc.yaml');
  await writeFile(
    isc,
    `kind: ImageSetConfiguration
apiVersion: mirror.openshift.io/v2alpha1
mirror:
  helm:
    repositories:
    - name: podinfo
      url: ${url}/charts
      charts:
      - name: podinfo
        version: 5.0.0
    local:
    - name: podinfo-local
      path: ${localChart}
`,
  );
  const archive = join(work, 'archive');
  const m2d = await runCli(['-c', isc, `file://${archive}`, ...TLS, '--cache-dir', join(work, 'cache-m2d'), '--no-ui']);
  assert.equal(m2d.code, 0, m2d.stderr + m2d.stdout);
  assert.deepEqual(await readdir(join(archive, 'working-dir', 'helm', 'charts')), ['podinfo-5.0.0.tgz']);

  await new Promise<void>((resolve) => server.close(() => resolve()));
  await source.stop();
  const d2m = await runCli([
    '-c',
    isc,
    '--from',
    `file://${archive}`,
    `docker://${dest.host}/mirror`,
    ...TLS,
    '--cache-dir',
    join(work, 'cache-d2m'),
    '--no-ui',
  ]);
  assert.equal(d2m.code, 0, d2m.stderr + d2m.stdout);
  const opts = skopeoOptionsFor(dest);
  assert.equal(await skopeoManifestDigest(`${dest.host}/mirror/stefanprodan/podinfo:5.0.0`, opts), repoImage.digest);
  assert.equal(await skopeoManifestDigest(`${dest.host}/mirror/local/podinfo:5.0.0`, opts), localImage.digest);

  // delete --generate from the pinned DISC, offline: the images of both charts.
  const wd = join(archive, 'working-dir');
  const disc = join(
    wd,
    (await readdir(wd)).find((f) => f.startsWith('disc_pinned_'))!,
  );
  const generate = await runCli(deleteGenerateArgs(disc, archive, dest.host, join(work, 'cache-d2m')));
  assert.equal(generate.code, 0, generate.stderr + generate.stdout);
  const list = await readFile(join(wd, 'delete', 'delete-images.yaml'), 'utf8');
  assert.ok(list.includes(`imageReference: docker://${dest.host}/mirror/stefanprodan/podinfo:5.0.0`), list);
  assert.ok(list.includes(`imageReference: docker://${dest.host}/mirror/local/podinfo:5.0.0`), list);
  assert.equal((list.match(/type: helmImage/g) ?? []).length, 2, list);
});

test('helm: two broken charts (not gzip; a template syntax error) both named, exit bit 16, nothing copied; then m2m of the good one', async (t) => {
  const source = await startRegistry();
  t.after(() => source.stop());
  const dest = await startRegistry();
  t.after(() => dest.stop());
  const work = await tempDirForTest(t, 'charts-broken');
  const podinfoImage = await pushImage(source, 'stefanprodan/podinfo:5.0.0');
  const good = await podinfoChart(join(work, 'good'), `${source.host}/stefanprodan/podinfo`);
  const broken = await podinfoChart(join(work, 'broken'), `${source.host}/stefanprodan/podinfo`);
  await writeFile(
    join(broken, 'templates', 'service.yaml'),
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Values.oops \n',
  );
  await writeFile(
    join(broken, 'Chart.yaml'),
    (await readFile(join(broken, 'Chart.yaml'), 'utf8')).replace(/^name: podinfo$/m, 'name: broken'),
  );
  const brokenTgz = await packChart(broken, join(work, 'broken-1.0.0.tgz'));
  const notGzip = Buffer.from('this is not a chart archive\n');
  const goodTgz = await packChart(good, join(work, 'podinfo-5.0.0.tgz'));
  const { url, server } = await serve({
    '/index.yaml': indexYaml([
      { name: 'podinfo', version: '5.0.0', file: 'podinfo-5.0.0.tgz', bytes: goodTgz },
      { name: 'broken', version: '1.0.0', file: 'broken-1.0.0.tgz', bytes: brokenTgz },
      { name: 'garbage', version: '0.1.0', file: 'garbage-0.1.0.tgz', bytes: notGzip },
    ]),
    '/podinfo-5.0.0.tgz': goodTgz,
    '/broken-1.0.0.tgz': brokenTgz,
    '/garbage-0.1.0.tgz': notGzip,
  });
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const isc = join(work, 'isc.yaml');
  await writeFile(
    isc,
    `kind: ImageSetConfiguration
apiVersion: mirror.openshift.io/v2alpha1
mirror:
  helm:
    repositories:
    - name: mixed
      url: ${url}/
      charts:
      - name: podinfo
        version: 5.0.0
      - name: broken
        version: 1.0.0
      - name: garbage
        version: 0.1.0
`,
  );
  const run = await runCli([
    '-c',
    isc,
    '--workspace',
    `file://${work}/ws`,
    `docker://${dest.host}/mirror`,
    ...TLS,
    '--cache-dir',
    join(work, 'cache'),
    '--no-ui',
  ]);
  assert.equal(run.code !== null && (run.code & 16) === 16, true, `exit ${run.code}: ${run.stderr}`);
  assert.match(run.stderr, /broken/);
  assert.match(run.stderr, /templates\/service\.yaml:\d+/);
  assert.match(run.stderr, /garbage/);
  await assert.rejects(skopeoInspectRaw(`${dest.host}/mirror/stefanprodan/podinfo:5.0.0`, skopeoOptionsFor(dest)));

  // The same repository with only the good chart: mirror to mirror copies its image with its digest.
  await writeFile(isc, (await readFile(isc, 'utf8')).replace(/\n {6}- name: broken[\s\S]*$/, '\n'));
  const ok = await runCli([
    '-c',
    isc,
    '--workspace',
    `file://${work}/ws`,
    `docker://${dest.host}/mirror`,
    ...TLS,
    '--cache-dir',
    join(work, 'cache'),
    '--no-ui',
  ]);
  assert.equal(ok.code, 0, ok.stderr + ok.stdout);
  assert.equal(
    await skopeoManifestDigest(`${dest.host}/mirror/stefanprodan/podinfo:5.0.0`, skopeoOptionsFor(dest)),
    podinfoImage.digest,
  );
});
