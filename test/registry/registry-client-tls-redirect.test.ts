import assert from 'node:assert/strict';
import { test } from 'node:test';
import { digestOf } from '../../core/digest.js';
import { RegistryError } from '../../core/errors.js';
import { loadCredentials } from '../../core/registry/credentials.js';
import { pushImage } from '../harness/fixture-images.js';
import { startRedirectingProxy } from '../harness/redirect-server.js';
import { startRegistry } from '../harness/registry-server.js';
import { skopeoInspectRaw, skopeoOptionsFor } from '../harness/skopeo.js';
import { clientFor, copyImage, readAll, retryLog } from './client-helpers.js';
import { startFaultProxy } from './fault-proxy.js';

const MiB = 1024 * 1024;

test('TLS: verified with the CA directory; refused without it (with a hint); accepted with verification off', async (t) => {
  const registry = await startRegistry({ tls: true });
  t.after(() => registry.stop());
  const image = await pushImage(registry, 'tls/app:v1', { layers: 1 });
  const signal = AbortSignal.timeout(30_000);

  const verified = clientFor(t, registry, { tlsVerify: true, certDir: registry.certDir, side: 'destination' });
  assert.equal((await verified.ping(signal)).url, `https://${registry.host}/`);
  assert.deepEqual((await verified.getManifest('tls/app', 'v1', signal)).bytes, image.manifestBytes);
  await copyImage(verified, 'tls/app', 'v1', verified, 'tls/copy', 'v1', signal);
  assert.deepEqual(
    await skopeoInspectRaw(`${registry.host}/tls/copy:v1`, skopeoOptionsFor(registry)),
    image.manifestBytes,
  );

  const log = retryLog();
  const untrusted = clientFor(t, registry, {
    tlsVerify: true,
    certDir: undefined,
    side: 'destination',
    onRetry: log.onRetry,
  });
  await assert.rejects(untrusted.getManifest('tls/app', 'v1', signal), (err: unknown) => {
    assert.ok(err instanceof RegistryError);
    assert.match(
      err.message,
      new RegExp(`^destination registry ${registry.host}: ping: TLS certificate not trusted \\(\\w+\\)$`),
    );
    assert.equal(
      err.hint,
      `add the CA of ${registry.host} as a *.crt file to --dest-cert-dir, or use --dest-tls-verify=false`,
    );
    assert.equal(err.temporary, false);
    return true;
  });
  assert.equal(log.calls.length, 0, 'certificate problems are not retried');

  const insecure = clientFor(t, registry, { tlsVerify: false, certDir: undefined });
  assert.equal((await insecure.ping(signal)).url, `https://${registry.host}/`, 'https is still preferred');
  assert.deepEqual((await insecure.getManifest('tls/app', 'v1', signal)).bytes, image.manifestBytes);
});

test('plain HTTP: refused while TLS verification is on (hint names the flag), used when it is off', async (t) => {
  const registry = await startRegistry();
  t.after(() => registry.stop());
  await pushImage(registry, 'plain/app:v1', { layers: 1 });
  const signal = AbortSignal.timeout(30_000);
  const strict = clientFor(t, registry, { tlsVerify: true });
  await assert.rejects(strict.ping(signal), (err: unknown) => {
    assert.ok(err instanceof RegistryError);
    assert.match(err.message, new RegExp(`^source registry ${registry.host}: ping: TLS handshake failed`));
    assert.equal(err.hint, `if ${registry.host} serves plain HTTP, use --src-tls-verify=false`);
    return true;
  });
  const relaxed = clientFor(t, registry, { tlsVerify: false });
  assert.equal((await relaxed.ping(signal)).url, `http://${registry.host}/`);
});

test('connection refused: retried, then an error with a hint', async (t) => {
  const registry = await startRegistry();
  const host = registry.host;
  await registry.stop();
  const log = retryLog();
  const client = clientFor(
    t,
    { host, tls: false },
    { tlsVerify: true, onRetry: log.onRetry, retry: { times: 1, delayMs: 1 } },
  );
  await assert.rejects(client.getManifest('x/y', 'v1', AbortSignal.timeout(30_000)), (err: unknown) => {
    assert.ok(err instanceof RegistryError);
    assert.equal(err.message, `source registry ${host}: ping: connection refused (ECONNREFUSED)`);
    assert.equal(err.hint, `nothing is listening on ${host}; check the host name and port`);
    assert.equal(err.temporary, true);
    return true;
  });
  assert.equal(log.calls.length, 1);
});

test('redirected blob downloads: followed, and Authorization never reaches the storage host', async (t) => {
  const registry = await startRegistry({ auth: 'basic' });
  t.after(() => registry.stop());
  const image = await pushImage(registry, 'redir/app:v1', { layers: 2 });
  const front = await startRedirectingProxy(registry);
  t.after(() => front.stop());
  const credentials = await loadCredentials({ fixed: registry.users[0] });
  const client = clientFor(t, front, { tlsVerify: false, credentials });
  const signal = AbortSignal.timeout(30_000);
  for (const blob of image.blobs) {
    const opened = await client.openBlob('redir/app', blob.digest, { signal });
    assert.equal(opened.size, blob.size);
    assert.equal(digestOf(await readAll(opened.stream)), blob.digest);
  }
  const blobGets = front.frontRequests.filter((r) => r.method === 'GET' && r.path.includes('/blobs/'));
  assert.equal(blobGets.length, image.blobs.length);
  assert.ok(
    blobGets.every((r) => r.headers.authorization?.startsWith('Basic ')),
    'the registry itself gets credentials',
  );
  assert.equal(front.storageRequests.length, image.blobs.length);
  assert.deepEqual(
    front.storageRequests.map((r) => r.headers.authorization),
    image.blobs.map(() => undefined),
  );
});

test('redirected download cut mid-way: resumes with Range through the registry; storage never sees Authorization', async (t) => {
  const registry = await startRegistry({ auth: 'basic' });
  t.after(() => registry.stop());
  const image = await pushImage(registry, 'redir/big:v1', { layers: 0, bigLayerSize: 3 * MiB });
  const big = image.blobs.find((b) => b.size === 3 * MiB);
  assert.ok(big);
  // storage server → fault proxy → registry: the fault proxy cuts the first blob body after 1 MiB.
  const faults = await startFaultProxy(registry.url, [
    { method: 'GET', path: new RegExp(`/blobs/${big.digest}$`), action: { kind: 'cut', afterBytes: MiB } },
  ]);
  t.after(() => faults.stop());
  const front = await startRedirectingProxy({ url: `http://${faults.host}` });
  t.after(() => front.stop());
  const credentials = await loadCredentials({ fixed: registry.users[0] });
  const client = clientFor(t, front, { tlsVerify: false, credentials, idleTimeoutMs: 500 });
  const opened = await client.openBlob('redir/big', big.digest, { signal: AbortSignal.timeout(30_000) });
  assert.equal(digestOf(await readAll(opened.stream)), big.digest);
  // The resumed GET carries the Range. (The harness front answers a ranged GET itself instead of
  // redirecting: its HEAD check forwards the Range and gets 206, not 200.)
  const blobGets = front.frontRequests.filter((r) => r.method === 'GET' && r.path.endsWith(big.digest));
  assert.deepEqual(
    blobGets.map((r) => r.headers.range),
    [undefined, `bytes=${MiB}-`],
  );
  assert.equal(front.storageRequests.length, 1);
  assert.ok(front.storageRequests.every((r) => r.headers.authorization === undefined));
});
