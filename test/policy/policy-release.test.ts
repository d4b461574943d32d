/**
 * The signature policy and releases (collectors.md §6.1): the payload read during collection is judged by the
 * policy (a refusal is a release collection error: exit bit 2, nothing copied); a refused component fails its
 * copy, and as any failed release image stops the batch. skopeo judges the same images with the same file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startRegistry, type RunningRegistry } from '../harness/registry-server.js';
import {
  COMPONENT_REPOSITORY,
  PAYLOAD_REPOSITORY,
  generateSigningKey,
  publishRelease,
  startReleaseServer,
} from '../harness/release-fixture.js';
import { runSkopeo } from '../harness/skopeo.js';
import { tempDirForTest } from '../harness/temp-dir.js';
import { parseJsonLines, runCli } from '../e2e/cli-runner.js';

async function skopeoAccepts(ref: string, policy: string, registriesD: string, out: string): Promise<boolean> {
  try {
    await runSkopeo([
      '--policy',
      policy,
      '--registries.d',
      registriesD,
      'copy',
      '--all',
      '--src-tls-verify=false',
      `docker://${ref}`,
      `dir:${out}`,
    ]);
    return true;
  } catch (err) {
    if (/Source image rejected/.test(String(err))) return false;
    throw err;
  }
}

async function catalog(registry: RunningRegistry): Promise<string[]> {
  const res = await fetch(`${registry.url}/v2/_catalog?n=1000`);
  return ((await res.json()) as { repositories: string[] }).repositories;
}

test('releases under a policy: a refused payload fails the collection (bit 2); a refused component stops the batch', async (t) => {
  const source = await startRegistry();
  t.after(() => source.stop());
  const dest = await startRegistry();
  t.after(() => dest.stop());
  const work = await tempDirForTest(t, 'policy-rel');
  const key = await generateSigningKey();
  const keyFile = join(work, 'release-key.asc');
  await writeFile(keyFile, key.publicKeyArmored);
  const release = await publishRelease(source, { version: '4.16.0', components: 4, key });
  const server = await startReleaseServer(source.host, { 'stable-4.16': [release] }, [release]);
  t.after(() => server.stop());
  const env = {
    UPDATE_URL_OVERRIDE: server.graphUrl,
    OCP_SIGNATURE_URL: server.signatureUrl,
    OCP_SIGNATURE_VERIFICATION_PK: keyFile,
  };
  const isc = join(work, 'isc.yaml');
  await writeFile(
    isc,
    'kind: ImageSetConfiguration\napiVersion: mirror.openshift.io/v2alpha1\nmirror:\n  platform:\n    channels:\n    - name: stable-4.16\n',
  );
  const emptyD = join(work, 'registries.d');
  await mkdir(emptyD);
  const policy = async (name: string, rejected: string) => {
    const file = join(work, name);
    await writeFile(
      file,
      JSON.stringify({
        default: [{ type: 'insecureAcceptAnything' }],
        transports: { docker: { [`${source.host}/${rejected}`]: [{ type: 'reject' }] } },
      }),
    );
    return file;
  };
  const run = (ws: string, policyFile: string) =>
    runCli(
      [
        '-c',
        isc,
        '--workspace',
        `file://${join(work, ws)}`,
        `docker://${dest.host}/mirror`,
        '--src-tls-verify=false',
        '--dest-tls-verify=false',
        '--cache-dir',
        join(work, `cache-${ws}`),
        '--no-ui',
        '--output',
        'json',
        '--secure-policy',
        '--policy',
        policyFile,
        '--registries.d',
        emptyD,
        '--retry-times',
        '0',
      ],
      { env },
    );

  // 1. The payload's repository is rejected: collection fails, nothing is copied.
  const payloadPolicy = await policy('payload.json', PAYLOAD_REPOSITORY);
  const refused = await run('ws1', payloadPolicy);
  assert.equal(refused.code, 2, refused.stderr + refused.stdout);
  const failure = parseJsonLines(refused.stdout).find((e) => e.type === 'error');
  assert.match(
    String(failure?.message),
    /release 4\.16\.0-x86_64: payload .*ocp-release@sha256:[0-9a-f]{64} refused by the signature policy \(transports\.docker\[".*openshift-release-dev\/ocp-release"\]: reject\)/,
  );
  assert.ok(!parseJsonLines(refused.stdout).some((e) => e.type === 'plan'));
  assert.deepEqual(await catalog(dest), []);
  assert.equal(await skopeoAccepts(release.identity, payloadPolicy, emptyD, join(work, 's1')), false);

  // 2. Only the components are rejected: the payload passes collection, a component copy is refused, the batch stops.
  const componentPolicy = await policy('components.json', COMPONENT_REPOSITORY);
  const stopped = await run('ws2', componentPolicy);
  assert.equal(stopped.code, 2, stopped.stderr);
  const events = parseJsonLines(stopped.stdout);
  const verdicts = events.filter((e) => e.type === 'image.policy');
  assert.ok(
    verdicts.some((e) => e.accepted === false && e.requirement === 'reject'),
    JSON.stringify(verdicts),
  );
  assert.ok(
    events.some((e) => e.type === 'image.failed' && e.code === 'POLICY_REJECTED'),
    stopped.stdout.slice(-2000),
  );
  assert.ok(!(await catalog(dest)).includes(`mirror/openshift/release`));
  assert.equal(await skopeoAccepts(release.components[0].ref, componentPolicy, emptyD, join(work, 's2')), false);
  assert.equal(await skopeoAccepts(release.identity, componentPolicy, emptyD, join(work, 's3')), true);
});
