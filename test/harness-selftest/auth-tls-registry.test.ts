import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { pidIsAlive } from '../harness/child-processes.js';
import { pushImage, pushMultiArchImage } from '../harness/fixture-images.js';
import { decodeJwtClaims } from '../harness/jwt.js';
import { probeStatus } from '../harness/http-probe.js';
import { startRegistry } from '../harness/registry-server.js';
import { skopeoInspectRaw, skopeoListTags, skopeoManifestDigest, skopeoOptionsFor } from '../harness/skopeo.js';

test('basic auth: creds work, anonymous and wrong password are refused', async (t) => {
  const registry = await startRegistry({ auth: 'basic' });
  t.after(() => registry.stop());
  assert.deepEqual(registry.users, [{ username: 'alice', password: 's3cret-alice-pw' }]);
  const image = await pushImage(registry, 'secure/app:v1');

  const alice = skopeoOptionsFor(registry, registry.users[0]);
  assert.equal(await skopeoManifestDigest(image.reference, alice), image.digest);

  await assert.rejects(
    skopeoInspectRaw(image.reference, { ...skopeoOptionsFor(registry), noCreds: true }),
    /unauthorized|authentication required/i,
  );
  await assert.rejects(
    skopeoInspectRaw(image.reference, skopeoOptionsFor(registry, { username: 'alice', password: 'wrong' })),
    (error: Error) => /unauthorized|authentication required/i.test(error.message) && !error.message.includes('wrong'),
  );
  assert.equal(await probeStatus(`${registry.url}/v2/`), 401);
});

test('token auth: tokens carry the granted scopes; access prefixes are enforced', async (t) => {
  const registry = await startRegistry({
    auth: 'token',
    users: [
      { username: 'alice', password: 's3cret-alice-pw' },
      { username: 'bob', password: 'bob-pw', access: ['team-b/'] },
    ],
  });
  t.after(() => registry.stop());
  assert.ok(registry.tokenServer);
  assert.equal(registry.tokenServerUrl, registry.tokenServer.realm);
  const image = await pushMultiArchImage(registry, 'team-a/app:v1', {
    platforms: [{ os: 'linux', architecture: 'amd64' }],
  });
  const bobImage = await pushImage(registry, 'team-b/tool:v1');
  registry.tokenServer.requests.length = 0;

  const alice = skopeoOptionsFor(registry, registry.users[0]);
  assert.equal(await skopeoManifestDigest(image.reference, alice), image.digest);
  const aliceRequests = registry.tokenServer.requests.filter((r) => r.username === 'alice');
  assert.ok(aliceRequests.length >= 1);
  assert.ok(aliceRequests.some((r) => r.scopes.includes('repository:team-a/app:pull') && r.status === 200));
  assert.deepEqual(aliceRequests.find((r) => r.scopes.includes('repository:team-a/app:pull'))?.granted, [
    { type: 'repository', name: 'team-a/app', actions: ['pull'] },
  ]);

  const bob = skopeoOptionsFor(registry, registry.users[1]);
  assert.equal(await skopeoManifestDigest(bobImage.reference, bob), bobImage.digest);
  await assert.rejects(skopeoInspectRaw(image.reference, bob), /unauthorized|denied|authentication required/i);
  await assert.rejects(
    skopeoInspectRaw(image.reference, { ...skopeoOptionsFor(registry), noCreds: true }),
    /unauthorized|denied|authentication required/i,
  );
  assert.deepEqual(await skopeoListTags(`${registry.host}/team-b/tool`, bob), ['v1']);

  // The token itself, as a client receives it.
  const res = await fetch(
    `${registry.tokenServer.realm}?service=${registry.tokenServer.service}&scope=repository:team-b/tool:pull,push`,
    {
      headers: { authorization: `Basic ${Buffer.from('bob:bob-pw').toString('base64')}` },
    },
  );
  assert.equal(res.status, 200);
  const body = (await res.json()) as { token: string; access_token: string; expires_in: number; issued_at: string };
  assert.equal(body.token, body.access_token);
  assert.equal(body.expires_in, 300);
  const claims = decodeJwtClaims(body.token);
  assert.equal(claims.sub, 'bob');
  assert.equal(claims.aud, registry.tokenServer.service);
  assert.deepEqual(claims.access, [{ type: 'repository', name: 'team-b/tool', actions: ['pull', 'push'] }]);
  const wrong = await fetch(`${registry.tokenServer.realm}?service=${registry.tokenServer.service}`, {
    headers: { authorization: `Basic ${Buffer.from('bob:nope').toString('base64')}` },
  });
  assert.equal(wrong.status, 401);

  const tokenPort = new URL(registry.tokenServer.realm).port;
  await registry.stop();
  assert.equal(pidIsAlive(registry.pid), false);
  assert.equal(await probeStatus(`http://127.0.0.1:${tokenPort}/token`), undefined, 'token server still answers');
});

test('token auth with anonymousPull: anonymous may pull, not push', async (t) => {
  const registry = await startRegistry({ auth: 'token', anonymousPull: true, tokenExpiresInSeconds: 2 });
  t.after(() => registry.stop());
  const image = await pushImage(registry, 'public/app:v1');
  const anonymous = { ...skopeoOptionsFor(registry), noCreds: true };
  assert.equal(await skopeoManifestDigest(image.reference, anonymous), image.digest);
  const res = await fetch(
    `${registry.tokenServerUrl}?service=${registry.tokenServer?.service}&scope=repository:public/app:pull,push`,
  );
  const claims = decodeJwtClaims(((await res.json()) as { token: string }).token);
  assert.deepEqual(claims.access, [{ type: 'repository', name: 'public/app', actions: ['pull'] }]);
  assert.equal((claims.exp as number) - (claims.iat as number), 2);
});

test('TLS: verified with certDir, refused without it; files and dirs are gone after stop()', async (t) => {
  const registry = await startRegistry({ tls: true, auth: 'basic' });
  t.after(() => registry.stop());
  assert.match(registry.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(registry.certDir && registry.caCertFile && registry.caCert);
  const image = await pushImage(registry, 'tls/app:v1', { format: 'docker' });

  const verified = skopeoOptionsFor(registry, registry.users[0]);
  assert.equal(verified.tlsVerify, true);
  assert.equal(await skopeoManifestDigest(image.reference, verified), image.digest);
  await assert.rejects(skopeoInspectRaw(image.reference, { ...verified, certDir: undefined }), /certificate|x509/i);
  assert.equal(await probeStatus(`${registry.url}/v2/`, registry.caCert), 401);

  const certDir = registry.certDir;
  await registry.stop();
  assert.equal(existsSync(certDir), false);
  assert.equal(pidIsAlive(registry.pid), false);
});
