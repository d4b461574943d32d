/**
 * oc-mirror tests/integration/enclave_test.go and secure_policy_test.go: registries.conf mirrors and
 * `--secure-policy`/`--policy` trust policies (issue 16), plus list_test.go's release listing through a mirror.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startCompatWorld, getManifest, type CompatWorld } from './world.js';
import { scenario } from './context.js';
import { expectExitCode, expectSuccess } from './runner.js';
import { startRegistry } from '../harness/registry-server.js';
import { buildImage, pushBuiltImage } from '../harness/fixture-images.js';
import { setupWorkDir } from './world.js';
import {
  CACHE_REPOSITORIES_SUBDIR,
  expectCatalogBundlesMatchISC,
  expectNoTarArchive,
  expectSuccessfulMirrorInRegistry,
  extractRepositoryName,
  extractTag,
  parseImageSetConfig,
} from './assertions.js';
import { INTEGRATION } from './world.js';

let world: CompatWorld;
before(async () => {
  world = await startCompatWorld({ signatures: true });
});
after(() => world.stop());

// ---- fixture self-check (always runs): the world's cosign signatures are real ----

test('fixture: every oc-mirror/ image carries a cosign signature that verifies with the world key; openshifttest/ is unsigned', async () => {
  const key = createPublicKey(await readFile(world.cosignPublicKeyFile));
  for (const [repo, tag] of [
    ['oc-mirror/oc-mirror-dev', 'test-catalog-latest'],
    ['oc-mirror/oc-mirror-dev', 'foo-bundle-v0.3.1'],
    ['oc-mirror/release/test-release-index', 'v0.0.1'],
  ]) {
    const { digest } = await getManifest(world.source, repo, tag);
    const sig = await getManifest(world.source, repo, `${digest.replace(':', '-')}.sig`);
    const layer = (sig.body.layers as { digest: string; annotations: Record<string, string> }[])[0];
    const payload = Buffer.from(
      await (await fetch(`${world.source.url}/v2/${repo}/blobs/${layer.digest}`)).arrayBuffer(),
    );
    const signature = Buffer.from(layer.annotations['dev.cosignproject.cosign/signature'], 'base64');
    assert.ok(verify('sha256', payload, key, signature), `${repo}:${tag} signature verifies`);
    const body = JSON.parse(payload.toString()) as { critical: { image: { 'docker-manifest-digest': string } } };
    assert.equal(body.critical.image['docker-manifest-digest'], digest);
  }
  const res = await fetch(
    `${world.source.url}/v2/openshifttest/hello-openshift/manifests/${world.hello.digest.replace(':', '-')}.sig`,
  );
  assert.equal(res.status, 404);
});

// ---- enclave_test.go ----

test('enclave_test.go: mirror-to-mirror with registries.conf redirect — should forward operators from intermediate to enclave registry via registries.conf', async (t) => {
  // its own world: its source registry is stopped after the first hop, so only the mirror can serve the second
  const own = await startCompatWorld({ release: false, helm: false });
  t.after(() => own.stop());
  const s = await scenario(t, own);
  const isc = await s.isc('operators/isc-operator-version-range.yaml');
  const enclave = await startRegistry();
  t.after(() => enclave.stop());
  expectSuccess(
    await s.runner.mirrorToMirror(isc, s.workDir, s.endpoint, '--remove-signatures=true', '--dest-tls-verify=false'),
  );
  await expectSuccessfulMirrorInRegistry(isc, s.testRegistry);
  await own.source.stop();
  const enclaveWorkDir = await setupWorkDir(own, t);
  const conf = join(enclaveWorkDir, 'registries.conf');
  // upstream redirects quay.io; here the configurations name the source registry, so that is the location
  await writeFile(
    conf,
    `[[registry]]\n  location = "${own.registryHost}"\n  [[registry.mirror]]\n    location = "${s.endpoint}"\n    insecure = true\n`,
  );
  const r = await s.runner
    .withEnv({ CONTAINERS_REGISTRIES_CONF: conf })
    .mirrorToMirror(
      isc,
      enclaveWorkDir,
      enclave.host,
      '--remove-signatures=true',
      '--dest-tls-verify=false',
      '--src-tls-verify=false',
    );
  expectSuccess(r);
  await expectSuccessfulMirrorInRegistry(isc, enclave);
  await expectCatalogBundlesMatchISC(enclave, isc, { foo: ['foo.v0.2.0', 'foo.v0.3.0', 'foo.v0.3.1'] });
});

// ---- list_test.go: list OCP major releases ----

test('list_test.go: list releases — should list OCP major releases (quay.io/openshift-release-dev/ocp-release tags through a registries.conf mirror)', async (t) => {
  const s = await scenario(t, world);
  // quay.io's tags, as upstream's run sees them (4.21, 4.22 and 5.0 are in no graph): small images in the world
  for (const tag of ['4.20.0-x86_64', '4.20.1-x86_64', '4.21.3-x86_64', '4.22.0-x86_64', '5.0.1-x86_64']) {
    await pushBuiltImage(
      world.source,
      `openshift-release-dev/ocp-release:${tag}`,
      await buildImage({ seed: `compat/ocp-release/${tag}`, layers: 1, layerSize: 64 }),
    );
  }
  const conf = join(s.configDir, 'registries.conf');
  await writeFile(
    conf,
    `[[registry]]\n  location = "quay.io"\n  [[registry.mirror]]\n    location = "${world.source.host}"\n    insecure = true\n`,
  );
  const r = await s.runner.withEnv({ CONTAINERS_REGISTRIES_CONF: conf }).listReleases();
  expectSuccess(r);
  const got = r.stdout
    .split('\n')
    .slice(1)
    .map((l) => l.trim());
  for (const v of ['4.20', '4.21', '4.22', '5.0']) assert.ok(got.includes(v), `"${v}" missing from:\n${r.stdout}`);
});

// ---- secure_policy_test.go ----

async function cacheTagDigest(cacheDir: string, repo: string, tag: string): Promise<string> {
  return (
    await readFile(
      join(cacheDir, CACHE_REPOSITORIES_SUBDIR, repo, '_manifests', 'tags', tag, 'current', 'link'),
      'utf8',
    )
  ).trim();
}
function cacheHasTag(cacheDir: string, repo: string, tag: string): boolean {
  return existsSync(join(cacheDir, CACHE_REPOSITORIES_SUBDIR, repo, '_manifests', 'tags', tag));
}

test('secure_policy_test.go: should not error in mirrorToDisk and diskToMirror with --secure-policy=true', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc('happy_path/isc-happy-path.yaml');
  const cfg = await parseImageSetConfig(isc);
  const policy = join(INTEGRATION, 'policies', 'insecure-accept-anything.json');
  expectSuccess(await s.runner.mirrorToDisk(isc, s.workDir, '--secure-policy=true', '--policy', policy));
  // the release image has a signature tag in the cache; the rebuilt catalog has none
  const releaseDigest = await cacheTagDigest(
    s.cacheDir,
    'openshift/release-images',
    extractTag(cfg.mirror.platform!.release!),
  );
  assert.ok(cacheHasTag(s.cacheDir, 'openshift/release-images', `${releaseDigest.replace(':', '-')}.sig`));
  const catalog = cfg.mirror.operators![0].catalog;
  const catalogDigest = await cacheTagDigest(s.cacheDir, extractRepositoryName(catalog), extractTag(catalog));
  assert.ok(!cacheHasTag(s.cacheDir, extractRepositoryName(catalog), `${catalogDigest.replace(':', '-')}.sig`));
  expectSuccess(
    await s.runner.diskToMirror(
      isc,
      s.workDir,
      s.endpoint,
      '--secure-policy=true',
      '--policy',
      policy,
      '--dest-tls-verify=false',
    ),
  );
  await expectSuccessfulMirrorInRegistry(isc, s.testRegistry);
});

test('secure_policy_test.go: should still collect and rebuild the operator catalog when a strict trust policy rejects unsigned images', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc('secure_policy/isc-operators-only.yaml');
  const policy = join(INTEGRATION, 'policies', 'reject-all.json');
  const r = await s.runner.mirrorToDisk(isc, s.workDir, '--secure-policy=true', '--policy', policy);
  // the catalog was still collected into the working-dir (its FBC extracted, the filter applied)
  const catalogs = join(s.workDir, 'working-dir', 'operator-catalogs', 'oc-mirror-dev');
  assert.ok(existsSync(catalogs) && (await readdir(catalogs)).length > 0, 'catalog collected in the working-dir');
  expectExitCode(r, 4, 'is rejected by policy');
  await expectNoTarArchive(s.workDir);
});

test('secure_policy_test.go: should mirror signed images and reject unsigned images under a sigstoreSigned trust policy', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc('secure_policy/isc-signed-catalog-unsigned-additional.yaml');
  const cfg = await parseImageSetConfig(isc);
  const policy = join(s.configDir, 'policy.json');
  await writeFile(
    policy,
    JSON.stringify({
      default: [{ type: 'reject' }],
      transports: {
        docker: {
          [`${world.registryHost}/oc-mirror`]: [
            {
              type: 'sigstoreSigned',
              keyData: (await readFile(world.cosignPublicKeyFile)).toString('base64'),
              signedIdentity: { type: 'matchRepository' },
            },
          ],
        },
      },
    }),
  );
  const r = await s.runner.mirrorToDisk(isc, s.workDir, '--secure-policy=true', '--policy', policy);
  expectExitCode(r, 8);
  const catalog = cfg.mirror.operators![0].catalog;
  assert.ok(
    cacheHasTag(s.cacheDir, extractRepositoryName(catalog), extractTag(catalog)),
    'signed catalog in the cache',
  );
  assert.ok(
    !existsSync(
      join(s.cacheDir, CACHE_REPOSITORIES_SUBDIR, extractRepositoryName(cfg.mirror.additionalImages![0].name)),
    ),
    'unsigned additional image never written to the cache',
  );
  await expectNoTarArchive(s.workDir);
});
