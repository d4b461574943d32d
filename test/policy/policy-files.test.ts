/**
 * Policy and registries.d files (collectors.md §6.1–§6.2 item 1): which files are used, and the errors of files
 * that cannot be used.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadRegistriesD, lookasideBaseFor, registriesDirFor } from '../../core/policy/lookaside.js';
import { createSourceVerifier, defaultPolicyPath, policyReference } from '../../core/policy/source-verifier.js';
import { tempDirForTest } from '../harness/temp-dir.js';
import { testdataPath } from '../harness/testdata-paths.js';

const base = { retryTimes: 0, retryDelayMs: 0 };

test('no policy without --secure-policy (--policy alone has no effect) and never in disk to mirror', async () => {
  const rejectAll = testdataPath('policy', 'reject-all.json');
  assert.equal(await createSourceVerifier({ ...base, workflow: 'mirrorToMirror', policyPath: rejectAll }), undefined);
  assert.equal(
    await createSourceVerifier({ ...base, workflow: 'diskToMirror', securePolicy: true, policyPath: rejectAll }),
    undefined,
  );
  const verifier = await createSourceVerifier({
    ...base,
    workflow: 'mirrorToDisk',
    securePolicy: true,
    policyPath: rejectAll,
    registriesDir: '/nonexistent/registries.d',
  });
  assert.ok(verifier);
  assert.match(verifier.description, /reject-all\.json; registries\.d \/nonexistent\/registries\.d \(absent\)/);
});

test('default files: the user policy and registries.d when they exist, else /etc/containers', async (t) => {
  const home = await tempDirForTest(t, 'policy-home');
  assert.equal(await defaultPolicyPath({ HOME: home }), '/etc/containers/policy.json');
  assert.equal(await registriesDirFor(undefined, { HOME: home }), '/etc/containers/registries.d');
  await mkdir(join(home, '.config', 'containers', 'registries.d'), { recursive: true });
  await writeFile(join(home, '.config', 'containers', 'policy.json'), '{"default":[{"type":"reject"}]}');
  assert.equal(await defaultPolicyPath({ HOME: home }), join(home, '.config', 'containers', 'policy.json'));
  assert.equal(await registriesDirFor(undefined, { HOME: home }), join(home, '.config', 'containers', 'registries.d'));
  assert.equal(await registriesDirFor('/flag/dir', { HOME: home }), '/flag/dir');
  // --secure-policy without --policy reads the user's policy.
  const verifier = await createSourceVerifier({
    ...base,
    workflow: 'mirrorToMirror',
    securePolicy: true,
    env: { HOME: home },
  });
  assert.deepEqual(verifier?.policy.default, [{ type: 'reject' }]);
});

test('a key that is not a key stops the run when the policy is loaded, naming the policy file', async (t) => {
  const dir = await tempDirForTest(t, 'policy-badkey');
  const notKey = join(dir, 'not-a-key.pub');
  await writeFile(notKey, 'hello\n');
  for (const req of [
    { type: 'sigstoreSigned', keyPath: notKey },
    { type: 'signedBy', keyType: 'GPGKeys', keyPath: notKey },
  ]) {
    const policy = join(dir, `${req.type}.json`);
    await writeFile(policy, JSON.stringify({ default: [req] }));
    await assert.rejects(
      createSourceVerifier({ ...base, workflow: 'mirrorToMirror', securePolicy: true, policyPath: policy }),
      (err: Error) => err.message.startsWith(`${policy}: `) && err.message.includes(notKey),
    );
  }
});

test('registries.d: every *.yaml, lookaside or its old name sigstore, duplicated scopes refused', async (t) => {
  const dir = await tempDirForTest(t, 'registries-d');
  await writeFile(join(dir, 'a.yaml'), 'docker:\n  quay.io/ns:\n    sigstore: https://sigs.example.com/old\n');
  await writeFile(
    join(dir, 'b.yaml'),
    'default-docker:\n  lookaside: file:///var/lib/sigs\n  use-sigstore-attachments: true\n',
  );
  await writeFile(join(dir, 'ignored.yml'), 'default-docker:\n  lookaside: file:///nope\n');
  const config = await loadRegistriesD(dir);
  assert.equal(lookasideBaseFor(config, 'quay.io/ns/app:1'), 'https://sigs.example.com/old');
  assert.equal(lookasideBaseFor(config, 'quay.io/other/app:1'), 'file:///var/lib/sigs');
  assert.equal(config.defaultDocker?.useSigstoreAttachments, true);
  await writeFile(join(dir, 'c.yaml'), 'docker:\n  quay.io/ns:\n    lookaside: https://again\n');
  await assert.rejects(loadRegistriesD(dir), /c\.yaml: docker: "quay\.io\/ns" is defined in more than one file/);
  const bad = await tempDirForTest(t, 'registries-d-bad');
  await writeFile(join(bad, 'x.yaml'), 'default-docker:\n  lookaside: ftp://host/sigs\n');
  await assert.rejects(
    loadRegistriesD(bad),
    /x\.yaml: default-docker: lookaside "ftp:\/\/host\/sigs": unsupported scheme ftp:/,
  );
  assert.deepEqual((await loadRegistriesD(join(dir, 'missing'))).docker.size, 0);
});

test('the reference an image is judged by: its digest when it has one, else its tag', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  assert.equal(policyReference(`docker://quay.io/ns/app:v1@${digest}`), `quay.io/ns/app@${digest}`);
  assert.equal(policyReference('docker://quay.io/ns/app:v1'), 'quay.io/ns/app:v1');
  assert.equal(policyReference('docker://localhost:55000/ns/app:v1'), 'localhost:55000/ns/app:v1');
});

test('command line: --secure-policy, --policy and --registries.d (both spellings) reach the mirror options', async () => {
  const { parseCli } = await import('../../source/parse-cli.js');
  const { resolveMirrorArgs } = await import('../../source/mirror-args.js');
  for (const argv of [
    ['-c', 'isc.yaml', 'file:///tmp/out', '--secure-policy', '--policy', 'p.json', '--registries.d', '/r.d'],
    ['-c', 'isc.yaml', 'file:///tmp/out', '--secure-policy', '--policy=p.json', '--registries.d=/r.d'],
  ]) {
    const parsed = parseCli(argv);
    assert.deepEqual(parsed.unknownFlags, [], argv.join(' '));
    const { options } = resolveMirrorArgs(parsed.flags, parsed.input, { HOME: '/home/u' });
    assert.equal(options.securePolicy, true);
    assert.match(options.policyPath ?? '', /\/p\.json$/);
    assert.equal(options.registriesDir, '/r.d');
  }
  // --policy alone: no policy at all.
  const alone = parseCli(['-c', 'isc.yaml', 'file:///tmp/out', '--policy', 'p.json']);
  const { options } = resolveMirrorArgs(alone.flags, alone.input, { HOME: '/home/u' });
  assert.equal(options.securePolicy, false);
  assert.equal(options.policyPath, undefined);
});

test('lookaside over http: a server error fails with the URL, credentials in the URL are never shown', async (t) => {
  const { createServer } = await import('node:http');
  const { readLookasideSignatures } = await import('../../core/policy/lookaside.js');
  const server = createServer((_req, res) => res.writeHead(403).end('no'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as { port: number }).port;
  const dir = await tempDirForTest(t, 'lookaside-creds');
  await writeFile(join(dir, 'l.yaml'), `default-docker:\n  lookaside: http://user:s3cret@127.0.0.1:${port}/sigs\n`);
  const config = await loadRegistriesD(dir);
  const digest = `sha256:${'d'.repeat(64)}`;
  await assert.rejects(
    readLookasideSignatures(config, 'quay.io/ns/app:1', digest, {
      signal: new AbortController().signal,
      retryTimes: 0,
    }),
    (err: Error) =>
      !err.message.includes('s3cret') &&
      err.message.includes(`lookaside http://***@127.0.0.1:${port}/sigs/ns/app@sha256=${'d'.repeat(64)}/signature-1`) &&
      /403/.test(err.message),
  );
});
