/**
 * Releases end to end (issue 14) against real registries, a local Cincinnati/signature server and real OpenPGP
 * signatures: channel → m2d → d2m with the source and the server stopped, m2m with the `release` field and the
 * graph image, and signatures that must be refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startRegistry } from '../harness/registry-server.js';
import { pushMultiArchImage } from '../harness/fixture-images.js';
import {
  generateSigningKey,
  publishRelease,
  signRelease,
  startReleaseServer,
  type PublishedComponent,
} from '../harness/release-fixture.js';
import { UPSTREAM_FIXTURES } from '../harness/catalog-fixture.js';
import { skopeoInspectRaw, skopeoManifestDigest, skopeoOptionsFor } from '../harness/skopeo.js';
import { tempDirForTest } from '../harness/temp-dir.js';
import { parseJsonLines, runCli, deleteGenerateArgs } from './cli-runner.js';

const TLS = ['--src-tls-verify=false', '--dest-tls-verify=false'];

test('releases: channel range → m2d → d2m with the source and the update/signature server stopped', async (t) => {
  const source = await startRegistry();
  t.after(() => source.stop());
  const dest = await startRegistry();
  t.after(() => dest.stop());
  const work = await tempDirForTest(t, 'rel-m2d');
  const key = await generateSigningKey();
  const keyFile = join(work, 'release-key.asc');
  await writeFile(keyFile, key.publicKeyArmored);
  const shared = new Map<string, PublishedComponent>();
  const r0 = await publishRelease(source, { version: '4.15.0', components: 12, key, shared });
  const r1 = await publishRelease(source, { version: '4.15.1', components: 15, key, shared });
  const r2 = await publishRelease(source, { version: '4.15.2', components: 15, key, shared });
  const server = await startReleaseServer(source.host, { 'stable-4.15': [r0, r1, r2] }, [r0, r1, r2]);
  t.after(() => server.stop());
  const env = {
    UPDATE_URL_OVERRIDE: server.graphUrl,
    OCP_SIGNATURE_URL: server.signatureUrl,
    OCP_SIGNATURE_VERIFICATION_PK: keyFile,
  };
  const isc = join(work, 'isc.yaml');
  await writeFile(
    isc,
    `kind: ImageSetConfiguration
apiVersion: mirror.openshift.io/v2alpha1
mirror:
  platform:
    channels:
    - name: stable-4.15
      minVersion: 4.15.1
      maxVersion: 4.15.2
`,
  );
  const archive = join(work, 'archive');
  const m2d = await runCli(
    ['-c', isc, `file://${archive}`, ...TLS, '--cache-dir', join(work, 'cache-m2d'), '--no-ui', '--output', 'json'],
    {
      env,
    },
  );
  assert.equal(m2d.code, 0, m2d.stderr + m2d.stdout);
  const events = parseJsonLines(m2d.stdout);
  const signatures = events.filter((e) => e.type === 'release' && e.step === 'signature');
  assert.deepEqual(
    signatures.map((e) => [e.release, e.verified]),
    [
      ['4.15.1-x86_64', true],
      ['4.15.2-x86_64', true],
    ],
  );
  assert.deepEqual(
    server.graphRequests.map((q) => [q.get('channel'), q.get('arch')]),
    [['stable-4.15', 'amd64']],
  );
  const wd = join(archive, 'working-dir');
  assert.ok((await readdir(join(wd, 'signatures'))).includes(`4.15.1-x86_64-sha256-${r1.digest.slice(7)}`));

  await server.stop();
  await source.stop();
  const d2m = await runCli(
    [
      '-c',
      isc,
      '--from',
      `file://${archive}`,
      `docker://${dest.host}/mirror`,
      ...TLS,
      '--cache-dir',
      join(work, 'cache-d2m'),
      '--no-ui',
    ],
    { env },
  );
  assert.equal(d2m.code, 0, d2m.stderr + d2m.stdout);
  const opts = skopeoOptionsFor(dest);
  for (const r of [r1, r2]) {
    assert.equal(
      await skopeoManifestDigest(`${dest.host}/mirror/openshift/release-images:${r.tag}`, opts),
      r.digest,
      r.tag,
    );
    for (const c of r.components) {
      assert.equal(
        await skopeoManifestDigest(`${dest.host}/mirror/openshift/release:${r.tag}-${c.name}`, opts),
        c.digest,
        `${r.tag} ${c.name}`,
      );
    }
  }
  await assert.rejects(
    skopeoInspectRaw(`${dest.host}/mirror/openshift/release-images:${r0.tag}`, opts),
    '4.15.0 is out of range',
  );

  // delete --generate from the pinned DISC, local data only: every payload and component of the two releases.
  const disc = join(
    wd,
    (await readdir(wd)).find((f) => f.startsWith('disc_pinned_'))!,
  );
  const generate = await runCli(deleteGenerateArgs(disc, archive, dest.host, join(work, 'cache-d2m')), { env });
  assert.equal(generate.code, 0, generate.stderr + generate.stdout);
  const deleteList = parseYaml(await readFile(join(wd, 'delete', 'delete-images.yaml'), 'utf8')) as {
    items: { imageReference: string; type: string }[];
  };
  const expected = [r1, r2].flatMap((r) => [
    `ocpRelease docker://${dest.host}/mirror/openshift/release-images:${r.tag}`,
    ...r.components.map((c) => `ocpReleaseContent docker://${dest.host}/mirror/openshift/release:${r.tag}-${c.name}`),
  ]);
  assert.deepEqual(deleteList.items.map((i) => `${i.type} ${i.imageReference}`).sort(), expected.sort());

  const cr = join(archive, 'working-dir', 'cluster-resources');
  const configMap = JSON.parse(await readFile(join(cr, 'signature-configmap.json'), 'utf8')) as {
    metadata: { name: string; namespace: string };
    binaryData: Record<string, string>;
  };
  assert.equal(configMap.metadata.name, 'mirrored-release-signatures');
  assert.equal(configMap.metadata.namespace, 'openshift-config-managed');
  const byDigest = Object.fromEntries(
    Object.entries(configMap.binaryData).map(([k, v]) => [k.replace(/-\d+$/, ''), v]),
  );
  assert.equal(byDigest[`sha256-${r1.digest.slice(7)}`], Buffer.from(r1.signature).toString('base64'));
  assert.equal(byDigest[`sha256-${r2.digest.slice(7)}`], Buffer.from(r2.signature).toString('base64'));
  const idms = await readFile(join(cr, 'idms-oc-mirror.yaml'), 'utf8');
  assert.match(idms, /idms-release-0/);
  assert.ok(idms.includes(`source: ${source.host}/openshift-release-dev/ocp-v4.0-art-dev`), idms);
  assert.ok(idms.includes(`- ${dest.host}/mirror/openshift/release`), idms);
});

test('releases m2m: a signature by a key outside the keyring exits with bit 2 and copies no release image', async (t) => {
  const source = await startRegistry();
  t.after(() => source.stop());
  const dest = await startRegistry();
  t.after(() => dest.stop());
  const work = await tempDirForTest(t, 'rel-badsig');
  const trusted = await generateSigningKey('trusted');
  const forger = await generateSigningKey('forger');
  const keyFile = join(work, 'release-key.asc');
  await writeFile(keyFile, trusted.publicKeyArmored);
  const release = await publishRelease(source, { version: '4.16.0', components: 5, key: forger });
  const server = await startReleaseServer(source.host, { 'stable-4.16': [release] }, [release]);
  t.after(() => server.stop());
  const isc = join(work, 'isc.yaml');
  await writeFile(
    isc,
    'kind: ImageSetConfiguration\napiVersion: mirror.openshift.io/v2alpha1\nmirror:\n  platform:\n    channels:\n    - name: stable-4.16\n',
  );
  const run = await runCli(
    [
      '-c',
      isc,
      '--workspace',
      `file://${work}/ws`,
      `docker://${dest.host}/mirror`,
      ...TLS,
      '--cache-dir',
      join(work, 'cache'),
      '--no-ui',
    ],
    {
      env: {
        UPDATE_URL_OVERRIDE: server.graphUrl,
        OCP_SIGNATURE_URL: server.signatureUrl,
        OCP_SIGNATURE_VERIFICATION_PK: keyFile,
      },
    },
  );
  assert.equal(run.code !== null && (run.code & 2) === 2, true, `exit ${run.code}: ${run.stderr}`);
  assert.match(run.stderr, /unknown|not in the keyring|signer/i);
  await assert.rejects(
    skopeoInspectRaw(`${dest.host}/mirror/openshift/release-images:${release.tag}`, skopeoOptionsFor(dest)),
  );

  // A signature of the trusted key over another digest is refused too (digest mismatch).
  const wrongDigest = await signRelease(trusted, release.identity, `sha256:${'0'.repeat(64)}`);
  const server2 = await startReleaseServer(source.host, { 'stable-4.16': [release] }, [
    { ...release, signature: wrongDigest },
  ]);
  t.after(() => server2.stop());
  const run2 = await runCli(
    [
      '-c',
      isc,
      '--workspace',
      `file://${work}/ws2`,
      `docker://${dest.host}/mirror`,
      ...TLS,
      '--cache-dir',
      join(work, 'cache2'),
      '--no-ui',
    ],
    {
      env: {
        UPDATE_URL_OVERRIDE: server2.graphUrl,
        OCP_SIGNATURE_URL: server2.signatureUrl,
        OCP_SIGNATURE_VERIFICATION_PK: keyFile,
      },
    },
  );
  assert.equal(run2.code !== null && (run2.code & 2) === 2, true, `exit ${run2.code}: ${run2.stderr}`);
  assert.match(run2.stderr, /digest/i);
});

test('releases m2m: the release field and graph: true build the graph image and updateService.yaml', async (t) => {
  const source = await startRegistry();
  t.after(() => source.stop());
  const dest = await startRegistry();
  t.after(() => dest.stop());
  const work = await tempDirForTest(t, 'rel-graph');
  const key = await generateSigningKey();
  const keyFile = join(work, 'release-key.asc');
  await writeFile(keyFile, key.publicKeyArmored);
  const release = await publishRelease(source, { version: '4.17.3', components: 4, key });
  const base = await pushMultiArchImage(source, 'ubi9/ubi:latest', {
    platforms: [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
    ],
  });
  const signatures = await startReleaseServer(source.host, {}, [release]);
  t.after(() => signatures.stop());
  const graphData = gzipSync(await readFile(join(UPSTREAM_FIXTURES, 'cincinnati', 'cincinnati-graph-data.tar')));
  const graphServer = createServer((_req, res) => res.writeHead(200).end(graphData));
  await new Promise<void>((resolve) => graphServer.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => graphServer.close(() => resolve())));
  const graphUrl = `http://127.0.0.1:${(graphServer.address() as { port: number }).port}/graph-data`;
  const isc = join(work, 'isc.yaml');
  await writeFile(
    isc,
    `kind: ImageSetConfiguration
apiVersion: mirror.openshift.io/v2alpha1
mirror:
  platform:
    release: ${source.host}/openshift-release-dev/ocp-release@${release.digest}
    graph: true
`,
  );
  const run = await runCli(
    [
      '-c',
      isc,
      '--workspace',
      `file://${work}/ws`,
      `docker://${dest.host}/mirror`,
      ...TLS,
      '--cache-dir',
      join(work, 'cache'),
      '--no-ui',
    ],
    {
      env: {
        OCP_SIGNATURE_URL: signatures.signatureUrl,
        OCP_SIGNATURE_VERIFICATION_PK: keyFile,
        OCM_TUI_GRAPH_DATA_URL: graphUrl,
        OCM_TUI_GRAPH_BASE_IMAGE: `${source.host}/ubi9/ubi:latest`,
      },
    },
  );
  assert.equal(run.code, 0, run.stderr + run.stdout);
  const opts = skopeoOptionsFor(dest);
  assert.equal(
    await skopeoManifestDigest(`${dest.host}/mirror/openshift/release-images:${release.tag}`, opts),
    release.digest,
  );
  const graph = JSON.parse(
    (await skopeoInspectRaw(`${dest.host}/mirror/openshift/graph-image:latest`, opts)).toString(),
  ) as {
    manifests: { platform: { architecture: string } }[];
  };
  assert.deepEqual(graph.manifests.map((m) => m.platform.architecture).sort(), ['amd64', 'arm64']);
  assert.notEqual(base.digest, '');
  const updateService = parseYaml(
    await readFile(join(work, 'ws', 'working-dir', 'cluster-resources', 'updateService.yaml'), 'utf8'),
  ) as { kind: string; spec: { graphDataImage: string; releases: string; replicas: number } };
  assert.equal(updateService.kind, 'UpdateService');
  assert.equal(updateService.spec.graphDataImage, `${dest.host}/mirror/openshift/graph-image:latest`);
  assert.equal(updateService.spec.releases, `${dest.host}/mirror/openshift/release-images`);
  assert.equal(updateService.spec.replicas, 2);
});
