import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RegistryError } from '../../core/errors.js';
import { pushImage } from '../harness/fixture-images.js';
import { startRegistry } from '../harness/registry-server.js';
import { clientFor } from './client-helpers.js';
import { startConnectProxy } from './connect-proxy.js';

test('HTTP(S)_PROXY is used for registries, NO_PROXY bypasses it, loopback never goes through it', async (t) => {
  const registry = await startRegistry();
  t.after(() => registry.stop());
  const image = await pushImage(registry, 'proxied/app:v1', { layers: 1 });
  const proxy = await startConnectProxy({ 'registry.test': '127.0.0.1' });
  t.after(() => proxy.stop());
  const port = registry.host.split(':')[1];
  const name = `registry.test:${port}`;
  const env = { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url };
  const signal = AbortSignal.timeout(30_000);

  // `registry.test` resolves nowhere: only the proxy can reach it.
  const viaProxy = clientFor(t, { host: name, tls: false }, { tlsVerify: false, env });
  assert.deepEqual((await viaProxy.getManifest('proxied/app', 'v1', signal)).bytes, image.manifestBytes);
  assert.equal((await viaProxy.ping(signal)).url, `http://${name}/`);
  assert.ok(proxy.connects.length >= 2, 'https attempt, then plain http');
  assert.ok(proxy.connects.every((c) => c === name));
  assert.deepEqual(proxy.plainRequests, []);

  const before = proxy.connects.length;
  const bypass = clientFor(
    t,
    { host: name, tls: false },
    { tlsVerify: false, env: { ...env, NO_PROXY: 'example.com,.test' }, retry: { times: 0, delayMs: 1 } },
  );
  await assert.rejects(
    bypass.getManifest('proxied/app', 'v1', signal),
    (err: unknown) => err instanceof RegistryError && err.message.startsWith(`source registry ${name}: ping: `),
  );
  assert.equal(proxy.connects.length, before, 'NO_PROXY hosts are reached directly');

  const loopback = clientFor(t, registry, { tlsVerify: false, env });
  assert.deepEqual((await loopback.getManifest('proxied/app', 'v1', signal)).bytes, image.manifestBytes);
  assert.equal(proxy.connects.length, before, 'loopback is never proxied');
});
