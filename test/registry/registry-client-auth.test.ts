import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { describeError, RegistryError } from '../../core/errors.js';
import { loadCredentials, type CredentialStore } from '../../core/registry/credentials.js';
import { pushImage } from '../harness/fixture-images.js';
import { startRegistry, type RunningRegistry } from '../harness/registry-server.js';
import { skopeoInspectRaw, skopeoOptionsFor } from '../harness/skopeo.js';
import { clientFor, copyImage, readAll, retryLog } from './client-helpers.js';
import { startFaultProxy } from './fault-proxy.js';

/** An auth file holding `user:password` for `host`, removed after the test. */
async function credentialsFile(
  t: { after: (fn: () => Promise<void>) => void },
  host: string,
  user: { username: string; password: string },
): Promise<CredentialStore> {
  const dir = await mkdtemp(join(tmpdir(), 'ocm-auth-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const authFile = join(dir, 'auth.json');
  const auth = Buffer.from(`${user.username}:${user.password}`).toString('base64');
  await writeFile(authFile, JSON.stringify({ auths: { [`http://${host}`]: { auth } } }));
  return loadCredentials({ authFile, env: { HOME: dir, PATH: '' } });
}

function assertNoSecret(err: unknown, ...secrets: string[]): void {
  const text = `${describeError(err)}\n${JSON.stringify(err)}`;
  for (const s of secrets) assert.ok(!text.includes(s), `secret leaked into: ${text}`);
}

test('basic auth: credentials from --authfile pull and push; wrong or no credentials give a 401 with a hint', async (t) => {
  const registry = await startRegistry({ auth: 'basic' });
  t.after(() => registry.stop());
  const image = await pushImage(registry, 'secure/app:v1');
  const user = registry.users[0];
  const signal = AbortSignal.timeout(30_000);

  const client = clientFor(t, registry, {
    tlsVerify: false,
    credentials: await credentialsFile(t, registry.host, user),
  });
  assert.equal((await client.ping(signal)).authScheme, 'basic');
  const manifest = await client.getManifest('secure/app', 'v1', signal);
  assert.deepEqual(manifest.bytes, image.manifestBytes);
  const dest = clientFor(t, registry, {
    tlsVerify: false,
    side: 'destination',
    credentials: await credentialsFile(t, registry.host, user),
  });
  assert.equal(await copyImage(client, 'secure/app', 'v1', dest, 'secure/copy', 'v2', signal), image.digest);
  assert.deepEqual(
    await skopeoInspectRaw(`${registry.host}/secure/copy:v2`, skopeoOptionsFor(registry, user)),
    image.manifestBytes,
  );

  const wrong = { username: user.username, password: 'not-the-password-123' };
  const log = retryLog();
  const denied = clientFor(t, registry, {
    tlsVerify: false,
    side: 'destination',
    onRetry: log.onRetry,
    credentials: await credentialsFile(t, registry.host, wrong),
  });
  await assert.rejects(denied.getManifest('secure/app', 'v1', signal), (err: unknown) => {
    assert.ok(err instanceof RegistryError);
    assert.equal(
      err.message,
      `destination registry ${registry.host}: get manifest secure/app:v1: 401 UNAUTHORIZED authentication required`,
    );
    assert.equal(
      err.hint,
      `check the credentials for ${registry.host} in --authfile / $REGISTRY_AUTH_FILE / ~/.docker/config.json`,
    );
    assert.equal(err.temporary, false);
    assertNoSecret(err, wrong.password, Buffer.from(`${wrong.username}:${wrong.password}`).toString('base64'));
    return true;
  });
  assert.equal(log.calls.length, 0, '401 is not retried');
  const anonymous = clientFor(t, registry, { tlsVerify: false });
  await assert.rejects(
    anonymous.headBlob('secure/app', image.blobs[0].digest, signal),
    (err: unknown) => err instanceof RegistryError && err.status === 401,
  );
});

/** A token-auth registry with alice (everything) and bob (only `team-b/`). */
async function tokenRegistry(
  t: { after: (fn: () => Promise<void>) => void },
  expires?: number,
): Promise<RunningRegistry> {
  const registry = await startRegistry({
    auth: 'token',
    users: [
      { username: 'alice', password: 's3cret-alice-pw' },
      { username: 'bob', password: 'bob-pw', access: ['team-b/'] },
    ],
    tokenExpiresInSeconds: expires,
  });
  t.after(() => registry.stop());
  return registry;
}

test('bearer tokens: scopes per operation, cached per scope, push and cross-repository mount scopes', async (t) => {
  const registry = await tokenRegistry(t);
  const tokens = registry.tokenServer;
  assert.ok(tokens);
  const image = await pushImage(registry, 'team-a/app:v1', { layers: 2 });
  const alice = registry.users[0];
  const signal = AbortSignal.timeout(30_000);
  const client = clientFor(t, registry, {
    tlsVerify: false,
    side: 'destination',
    credentials: await credentialsFile(t, registry.host, alice),
  });
  tokens.requests.length = 0;

  assert.equal((await client.ping(signal)).authScheme, 'bearer');
  for (let i = 0; i < 3; i++)
    assert.deepEqual((await client.getManifest('team-a/app', 'v1', signal)).bytes, image.manifestBytes);
  const blob = image.blobs[0];
  assert.equal(await client.headBlob('team-a/app', blob.digest, signal), blob.size);
  const pulled = await readAll((await client.openBlob('team-a/app', blob.digest, { signal })).stream);
  assert.equal(pulled.length, blob.size);
  assert.deepEqual(
    tokens.requests.map((r) => [r.username, r.scopes, r.status]),
    [['alice', ['repository:team-a/app:pull'], 200]],
    'one token for every pull of the repository',
  );

  assert.equal(await client.mountBlob('team-a/mounted', blob.digest, 'team-a/app', signal), true);
  const mountRequest = tokens.requests[1];
  assert.deepEqual(mountRequest.scopes, ['repository:team-a/mounted:pull,push', 'repository:team-a/app:pull']);
  assert.deepEqual(mountRequest.granted, [
    { type: 'repository', name: 'team-a/mounted', actions: ['pull', 'push'] },
    { type: 'repository', name: 'team-a/app', actions: ['pull'] },
  ]);
  assert.equal(await client.headBlob('team-a/mounted', blob.digest, signal), blob.size);

  await copyImage(client, 'team-a/app', 'v1', client, 'team-a/pushed', 'v9', signal);
  assert.ok(tokens.requests.some((r) => r.scopes.join() === 'repository:team-a/pushed:pull,push' && r.status === 200));
  assert.deepEqual(
    await skopeoInspectRaw(`${registry.host}/team-a/pushed:v9`, skopeoOptionsFor(registry, alice)),
    image.manifestBytes,
  );
  await client.deleteManifest('team-a/pushed', image.digest, signal);
  assert.ok(
    tokens.requests.some(
      (r) => r.scopes.join() === 'repository:team-a/pushed:delete' && r.granted[0]?.actions.join() === 'delete',
    ),
  );
});

test('bearer tokens: a user without access gets a 401 naming the repository, never the password', async (t) => {
  const registry = await tokenRegistry(t);
  await pushImage(registry, 'team-a/app:v1', { layers: 1 });
  const bob = registry.users[1];
  const client = clientFor(t, registry, {
    tlsVerify: false,
    credentials: await credentialsFile(t, registry.host, bob),
  });
  await assert.rejects(client.getManifest('team-a/app', 'v1', AbortSignal.timeout(30_000)), (err: unknown) => {
    assert.ok(err instanceof RegistryError);
    assert.match(
      err.message,
      new RegExp(`^source registry ${registry.host}: get manifest team-a/app:v1: 401 UNAUTHORIZED`),
    );
    assertNoSecret(err, bob.password);
    return true;
  });
  const wrong = clientFor(t, registry, {
    tlsVerify: false,
    credentials: await credentialsFile(t, registry.host, { username: 'bob', password: 'wrong-password-456' }),
  });
  await assert.rejects(wrong.getManifest('team-b/x', 'v1', AbortSignal.timeout(30_000)), (err: unknown) => {
    assert.ok(err instanceof RegistryError);
    const realmHost = new URL(registry.tokenServerUrl ?? '').host;
    assert.equal(
      err.message,
      `source registry ${registry.host}: get manifest team-b/x:v1 (token from ${realmHost}): 401 UNAUTHORIZED invalid username or password`,
    );
    assertNoSecret(err, 'wrong-password-456');
    return true;
  });
});

test('bearer tokens: expiry refetches, and a 401 for a cached token refreshes it once', async (t) => {
  // 6 s tokens are within the client's 5 s safety margin after 1 s.
  const registry = await tokenRegistry(t, 6);
  const tokens = registry.tokenServer;
  assert.ok(tokens);
  const image = await pushImage(registry, 'team-a/app:v1', { layers: 1 });
  const proxy = await startFaultProxy(registry.url);
  t.after(() => proxy.stop());
  const alice = registry.users[0];
  const client = clientFor(t, proxy, { tlsVerify: false, credentials: await credentialsFile(t, proxy.host, alice) });
  const signal = AbortSignal.timeout(30_000);
  tokens.requests.length = 0;

  await client.getManifest('team-a/app', 'v1', signal);
  await new Promise((r) => setTimeout(r, 1200));
  await client.getManifest('team-a/app', 'v1', signal);
  assert.equal(tokens.requests.length, 2, 'an almost expired token is replaced');

  // The registry rejects the (still cached) token once, as after a revocation.
  proxy.add({
    method: 'GET',
    path: /\/manifests\/v1$/,
    action: {
      kind: 'status',
      status: 401,
      headers: {
        'www-authenticate': `Bearer realm="${tokens.realm}",service="${tokens.service}",scope="repository:team-a/app:pull"`,
      },
      body: JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'token revoked' }] }),
    },
  });
  assert.deepEqual((await client.getManifest('team-a/app', 'v1', signal)).bytes, image.manifestBytes);
  assert.equal(tokens.requests.length, 3);
  const gets = proxy.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/manifests/v1'));
  const last = gets.slice(-2);
  assert.equal(last[0].fault, 'status');
  assert.notEqual(last[0].headers.authorization, last[1].headers.authorization, 'a new token after the 401');
});

test('anonymous pull from a token registry gets an anonymous token', async (t) => {
  const registry = await startRegistry({ auth: 'token', anonymousPull: true });
  t.after(() => registry.stop());
  const image = await pushImage(registry, 'public/app:v1', { layers: 1 });
  const client = clientFor(t, registry, { tlsVerify: false });
  assert.deepEqual(
    (await client.getManifest('public/app', 'v1', AbortSignal.timeout(30_000))).bytes,
    image.manifestBytes,
  );
  assert.deepEqual(
    registry.tokenServer?.requests.filter((r) => r.username === undefined).map((r) => [r.scopes, r.status]),
    [[['repository:public/app:pull'], 200]],
  );
});
