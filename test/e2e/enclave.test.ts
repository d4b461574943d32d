/**
 * Enclave pulls through registries.conf against real registries (issue 16): the origin registry is stopped,
 * so every byte must come from the mirror or the prefix rewrite; skopeo with the same registries.conf (and
 * the same HOME for drop-ins) is the oracle for what resolves where.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startRegistry } from '../harness/registry-server.js';
import { buildImage, pushBuiltImage } from '../harness/fixture-images.js';
import { runSkopeo, skopeoManifestDigest, skopeoOptionsFor } from '../harness/skopeo.js';
import { sha256Digest } from '../harness/fixture-blobs.js';
import { integrationIsc, LOCAL_REPOSITORY, publishCatalog } from '../harness/catalog-fixture.js';
import { tempDirForTest } from '../harness/temp-dir.js';
import { parseJsonLines, runCli } from './cli-runner.js';

function m2mArgs(isc: string, work: string, dest: string, extra: string[] = []): string[] {
  return [
    '-c',
    isc,
    '--workspace',
    `file://${work}/ws`,
    `docker://${dest}/mirror`,
    '--dest-tls-verify=false',
    '--cache-dir',
    join(work, 'cache'),
    '--no-ui',
    '--output',
    'json',
    '--retry-times',
    '1',
    '--retry-delay',
    '50ms',
    ...extra,
  ];
}

test('enclave: mirror and prefix rewrite serve every image with the origin stopped; names stay the origin', async (t) => {
  const origin = await startRegistry();
  t.after(() => origin.stop());
  const mirror = await startRegistry();
  t.after(() => mirror.stop());
  const dest = await startRegistry();
  t.after(() => dest.stop());
  const work = await tempDirForTest(t, 'enclave');

  // The same bytes at the origin and where the enclave keeps them.
  const web = await buildImage({ seed: 'apps/web:1' });
  const api = await buildImage({ seed: 'team/api:2', format: 'docker' });
  await pushBuiltImage(origin, 'apps/web:1', web);
  await pushBuiltImage(origin, 'team/api:2', api);
  await pushBuiltImage(mirror, 'enclave/apps/web:1', web);
  await pushBuiltImage(mirror, 'rewritten/team/api:2', api);
  // A cosign-style signature tag beside the image, only in the enclave: it travels through the mirror too.
  const sigTag = `${web.digest.replace(':', '-')}.sig`;
  const signature = await buildImage({ seed: 'signature of apps/web:1' });
  await pushBuiltImage(mirror, `enclave/apps/web:${sigTag}`, signature);
  const originHost = origin.host;
  await origin.stop();

  const home = join(work, 'home');
  const dropIns = join(home, '.config/containers/registries.conf.d');
  await mkdir(dropIns, { recursive: true });
  const conf = join(work, 'registries.conf');
  await writeFile(
    conf,
    `unqualified-search-registries = ["registry.example"]

[[registry]]
location = "${originHost}"

[[registry.mirror]]
location = "${mirror.host}/enclave"
insecure = true
`,
  );
  // The drop-in adds a longer prefix: team/… is read from another path of the mirror, with no mirror at all.
  await writeFile(
    join(dropIns, '50-team.conf'),
    `[[registry]]
prefix = "${originHost}/team"
location = "${mirror.host}/rewritten/team"
insecure = true
`,
  );
  const env = { CONTAINERS_REGISTRIES_CONF: conf, HOME: home };

  // The oracle resolves both names through the same files, with the origin down.
  for (const [ref, image] of [
    [`${originHost}/apps/web:1`, web],
    [`${originHost}/team/api@${api.digest}`, api],
  ] as const) {
    const raw = await runSkopeo(['--registries-conf', conf, 'inspect', '--raw', `docker://${ref}`], env);
    assert.equal(sha256Digest(raw), image.digest, `skopeo ${ref}`);
  }

  const isc = join(work, 'isc.yaml');
  await writeFile(
    isc,
    `kind: ImageSetConfiguration
apiVersion: mirror.openshift.io/v2alpha1
mirror:
  additionalImages:
  - name: ${originHost}/apps/web:1
  - name: ${originHost}/team/api@${api.digest}
`,
  );
  // No --src-tls-verify=false: the mirror's plain http is allowed by `insecure = true` in registries.conf.
  const run = await runCli(m2mArgs(isc, work, dest.host), { env });
  assert.equal(run.code, 0, run.stderr + run.stdout);

  const opts = skopeoOptionsFor(dest);
  assert.equal(await skopeoManifestDigest(`${dest.host}/mirror/apps/web:1`, opts), web.digest);
  assert.equal(await skopeoManifestDigest(`${dest.host}/mirror/team/api@${api.digest}`, opts), api.digest);
  assert.equal(await skopeoManifestDigest(`${dest.host}/mirror/apps/web:${sigTag}`, opts), signature.digest);

  const logs = parseJsonLines(run.stdout)
    .filter((e) => e.type === 'log')
    .map((e) => String(e.message));
  assert.ok(
    logs.includes(`${originHost}/apps/web: pulled from mirror ${mirror.host}/enclave/apps/web (registries.conf)`),
    logs.join('\n'),
  );
  assert.ok(
    logs.some((l) => l.startsWith('registries.conf: 2 registry rule(s), 1 mirror(s) from ')),
    logs.join('\n'),
  );

  // IDMS/ITMS and the cache name the configured origin, never the enclave.
  const cr = join(work, 'ws', 'working-dir', 'cluster-resources');
  const itms = await readFile(join(cr, 'itms-oc-mirror.yaml'), 'utf8');
  const idms = await readFile(join(cr, 'idms-oc-mirror.yaml'), 'utf8');
  assert.ok(itms.includes(`source: ${originHost}/apps`), itms);
  assert.ok(idms.includes(`source: ${originHost}/team`), idms);
  assert.ok(!(itms + idms).includes(mirror.host), 'no enclave host in IDMS/ITMS');
  // §6.2: the registries.d the run used is in the working-dir.
  const regd = join(work, 'ws', 'working-dir', 'containers', 'registries.d');
  assert.equal(
    await readFile(join(regd, 'default.yaml'), 'utf8'),
    'default-docker:\n  use-sigstore-attachments: true\n',
  );
  await access(join(regd, `${dest.host}`, 'mirror.yaml'));
});

test('enclave: v1 registries.conf — an insecure registry is reachable, a blocked one fails its image alone', async (t) => {
  const source = await startRegistry();
  t.after(() => source.stop());
  const blocked = await startRegistry();
  t.after(() => blocked.stop());
  const dest = await startRegistry();
  t.after(() => dest.stop());
  const work = await tempDirForTest(t, 'enclave-v1');
  const ok = await pushBuiltImage(source, 'apps/ok:1', await buildImage({ seed: 'apps/ok:1' }));
  await pushBuiltImage(blocked, 'apps/no:1', await buildImage({ seed: 'apps/no:1' }));

  const conf = join(work, 'registries.conf');
  await writeFile(
    conf,
    `[registries.insecure]
registries = ["${source.host}"]

[registries.block]
registries = ["${blocked.host}"]
`,
  );
  const env = { CONTAINERS_REGISTRIES_CONF: conf, HOME: join(work, 'home') };

  // The oracle refuses the blocked registry and reads the insecure one.
  const inspect = (ref: string) => runSkopeo(['--registries-conf', conf, 'inspect', '--raw', `docker://${ref}`], env);
  await assert.rejects(inspect(`${blocked.host}/apps/no:1`), /blocked/);
  assert.equal(sha256Digest(await inspect(`${source.host}/apps/ok:1`)), ok.digest);

  const isc = join(work, 'isc.yaml');
  await writeFile(
    isc,
    `kind: ImageSetConfiguration
apiVersion: mirror.openshift.io/v2alpha1
mirror:
  additionalImages:
  - name: ${source.host}/apps/ok:1
  - name: ${blocked.host}/apps/no:1
`,
  );
  const run = await runCli(m2mArgs(isc, work, dest.host), { env });
  assert.equal(run.code, 8, run.stderr + run.stdout);
  const failed = parseJsonLines(run.stdout).filter((e) => e.type === 'image.failed');
  assert.equal(failed.length, 1);
  assert.match(
    String(failed[0]!.error),
    new RegExp(
      `pulling ${blocked.host.replace(/\./g, '\\.')}/apps/no:1 is blocked: registry "${blocked.host.replace(/\./g, '\\.')}" has blocked = true in ${conf.replace(/[.]/g, '\\.')}`,
    ),
  );
  const opts = skopeoOptionsFor(dest);
  assert.equal(await skopeoManifestDigest(`${dest.host}/mirror/apps/ok:1`, opts), ok.digest);
  await assert.rejects(skopeoManifestDigest(`${dest.host}/mirror/apps/no:1`, opts));

  // A registries.conf that cannot be parsed stops the run before anything moves, naming the place.
  await writeFile(conf, '[[registry]\nlocation = "x"\n');
  const broken = await runCli(m2mArgs(isc, work, dest.host), { env });
  assert.equal(broken.code, 1, broken.stderr + broken.stdout);
  assert.match(broken.stdout + broken.stderr, new RegExp(`${conf.replace(/[.]/g, '\\.')}:1:\\d+: not valid TOML`));
});

test('enclave: an operator catalog is pinned, read and filtered through the mirror with the origin stopped', async (t) => {
  const origin = await startRegistry();
  t.after(() => origin.stop());
  const mirror = await startRegistry();
  t.after(() => mirror.stop());
  const dest = await startRegistry();
  t.after(() => dest.stop());
  const work = await tempDirForTest(t, 'enclave-op');
  const catalog = await publishCatalog(origin, 'test-catalog-latest');
  const originHost = origin.host;

  // Fill the enclave as a site would: the whole catalog and its images, digests preserved, under /enclave.
  const fullIsc = join(work, 'full.yaml');
  await writeFile(
    fullIsc,
    `kind: ImageSetConfiguration
apiVersion: mirror.openshift.io/v2alpha1
mirror:
  operators:
  - catalog: ${catalog.ref}
    full: true
`,
  );
  const fill = await runCli([
    ...m2mArgs(fullIsc, join(work, 'fill'), `${mirror.host}/enclave`).map((a) =>
      a === `docker://${mirror.host}/enclave/mirror` ? `docker://${mirror.host}/enclave` : a,
    ),
    '--src-tls-verify=false',
  ]);
  assert.equal(fill.code, 0, fill.stderr + fill.stdout);
  await origin.stop();

  const conf = join(work, 'registries.conf');
  await writeFile(
    conf,
    `[[registry]]
location = "${originHost}"
[[registry.mirror]]
location = "${mirror.host}/enclave"
insecure = true
`,
  );
  const isc = join(work, 'isc.yaml');
  await writeFile(isc, await integrationIsc('isc-operator-version-range.yaml', originHost));
  const run = await runCli(m2mArgs(isc, work, dest.host), {
    env: { CONTAINERS_REGISTRIES_CONF: conf, HOME: join(work, 'home') },
  });
  assert.equal(run.code, 0, run.stderr + run.stdout);

  const opts = skopeoOptionsFor(dest);
  for (const v of ['0.2.0', '0.3.0', '0.3.1']) {
    const local = catalog.images.get(`quay.io/oc-mirror/oc-mirror-dev:foo-bundle-v${v}`)!;
    assert.equal(
      await skopeoManifestDigest(`${dest.host}/mirror/${LOCAL_REPOSITORY}:foo-bundle-v${v}`, opts),
      catalog.digests.get(local),
      `bundle ${v}`,
    );
  }
  await assert.rejects(skopeoManifestDigest(`${dest.host}/mirror/${LOCAL_REPOSITORY}:foo-bundle-v0.1.0`, opts));
  // The pinned ISC names the origin (pinned by the digest the mirror served) and the CatalogSource the destination.
  const wd = join(work, 'ws', 'working-dir');
  const pinnedName = (await readdir(wd)).find((f) => f.startsWith('isc_pinned_'))!;
  const pinned = await readFile(join(wd, pinnedName), 'utf8');
  assert.ok(pinned.includes(`${originHost}/${LOCAL_REPOSITORY}@${catalog.digest}`), pinned);
  const idms = await readFile(join(wd, 'cluster-resources', 'idms-oc-mirror.yaml'), 'utf8');
  assert.ok(idms.includes(`source: ${originHost}/oc-mirror`), idms);
  assert.ok(!idms.includes(mirror.host), idms);
});
