import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { digestOf } from '../../core/digest.js';
import { RegistryError } from '../../core/errors.js';
import { pushImage } from '../harness/fixture-images.js';
import { startRegistry, type RunningRegistry } from '../harness/registry-server.js';
import { clientFor, readAll, retryLog } from './client-helpers.js';
import { startFaultProxy, type FaultProxy, type FaultRule } from './fault-proxy.js';

const MiB = 1024 * 1024;

/** One anonymous registry with a 4 MiB blob, shared by the tests of this file, and a proxy per test. */
let registry: RunningRegistry;
let big: { digest: string; size: number };

test.before(async () => {
  registry = await startRegistry();
  const image = await pushImage(registry, 'faults/big:v1', { layers: 0, bigLayerSize: 4 * MiB });
  const layer = image.blobs.find((b) => b.size === 4 * MiB);
  assert.ok(layer);
  big = layer;
  await pushImage(registry, 'faults/small:v1', { layers: 1 });
});
test.after(() => registry?.stop());

async function proxy(t: { after: (fn: () => Promise<void>) => void }, rules: FaultRule[]): Promise<FaultProxy> {
  const p = await startFaultProxy(registry.url, rules);
  t.after(() => p.stop());
  return p;
}

const blobPath = () => new RegExp(`/v2/faults/big/blobs/${big.digest}$`);

test('a cut connection resumes with Range and the stream stays byte-exact', async (t) => {
  const p = await proxy(t, [{ method: 'GET', path: blobPath(), action: { kind: 'cut', afterBytes: MiB + 123 } }]);
  const log = retryLog();
  const client = clientFor(t, p, { tlsVerify: false, onRetry: log.onRetry });
  let counted = 0;
  const opened = await client.openBlob('faults/big', big.digest, {
    signal: AbortSignal.timeout(30_000),
    onBytes: (n) => (counted += n),
  });
  const bytes = await readAll(opened.stream);
  assert.equal(digestOf(bytes), big.digest);
  assert.equal(counted, big.size);
  const gets = p.requests.filter((r) => r.method === 'GET' && blobPath().test(r.path));
  assert.equal(gets.length, 2);
  assert.equal(gets[0].headers.range, undefined);
  assert.equal(gets[1].headers.range, `bytes=${MiB + 123}-`);
  assert.equal(log.calls.length, 1);
  assert.match(log.calls[0].reason, /pull blob sha256:.* from faults\/big: .*; resuming at byte 1048699$/);
  assert.deepEqual([log.calls[0].attempt, log.calls[0].maxAttempts], [2, 3]);
});

test('a server that ignores Range on the restart: the bytes already delivered are skipped', async (t) => {
  const p = await proxy(t, [
    { method: 'GET', path: blobPath(), withRange: false, action: { kind: 'cut', afterBytes: 2 * MiB } },
    { method: 'GET', path: blobPath(), withRange: true, action: { kind: 'ignore-range' } },
  ]);
  const client = clientFor(t, p, { tlsVerify: false });
  const opened = await client.openBlob('faults/big', big.digest, { signal: AbortSignal.timeout(30_000) });
  assert.equal(digestOf(await readAll(opened.stream)), big.digest);
  assert.deepEqual(p.requests.map((r) => r.fault).filter(Boolean), ['cut', 'ignore-range']);
});

test('a stalled body trips the idle watchdog and resumes', async (t) => {
  const p = await proxy(t, [{ method: 'GET', path: blobPath(), action: { kind: 'stall', afterBytes: MiB } }]);
  const log = retryLog();
  const client = clientFor(t, p, { tlsVerify: false, idleTimeoutMs: 300, onRetry: log.onRetry });
  const opened = await client.openBlob('faults/big', big.digest, { signal: AbortSignal.timeout(30_000) });
  assert.equal(digestOf(await readAll(opened.stream)), big.digest);
  assert.equal(p.requests.filter((r) => r.headers.range === `bytes=${MiB}-`).length, 1);
  assert.match(log.calls[0].reason, /no data for 300ms at byte 1048576; resuming at byte 1048576$/);
});

test('cuts beyond the retry budget fail with a temporary RegistryError', async (t) => {
  const p = await proxy(t, [
    { method: 'GET', path: blobPath(), times: 10, action: { kind: 'cut', afterBytes: 100_000 } },
  ]);
  const client = clientFor(t, p, { tlsVerify: false, retry: { times: 1, delayMs: 1 } });
  const opened = await client.openBlob('faults/big', big.digest, { signal: AbortSignal.timeout(30_000) });
  await assert.rejects(readAll(opened.stream), (err: unknown) => {
    assert.ok(err instanceof RegistryError);
    assert.equal(err.temporary, true);
    assert.equal(err.side, 'source');
    assert.match(
      err.message,
      new RegExp(
        `^source registry ${p.host}: pull blob sha256:[0-9a-f]{12}… from faults/big: connection closed unexpectedly`,
      ),
    );
    return true;
  });
  assert.equal(p.requests.filter((r) => r.method === 'GET' && blobPath().test(r.path)).length, 2);
});

test('503 then success: retried; a reset before the answer: retried', async (t) => {
  const p = await proxy(t, [
    { method: 'GET', path: /\/manifests\/v1$/, action: { kind: 'status', status: 503 } },
    { method: 'HEAD', path: /\/blobs\//, action: { kind: 'reset' } },
  ]);
  const log = retryLog();
  const client = clientFor(t, p, { tlsVerify: false, onRetry: log.onRetry });
  const signal = AbortSignal.timeout(30_000);
  const m = await client.getManifest('faults/small', 'v1', signal);
  assert.equal(m.digest, digestOf(m.bytes));
  assert.equal(await client.headBlob('faults/big', big.digest, signal), big.size);
  assert.equal(log.calls.length, 2);
  assert.equal(
    log.calls[0].reason,
    `source registry ${p.host}: get manifest faults/small:v1: 503 UNAVAILABLE injected fault`,
  );
  assert.match(
    log.calls[1].reason,
    new RegExp(
      `^source registry ${p.host}: check blob sha256:[0-9a-f]{12}… in faults/big: connection closed unexpectedly`,
    ),
  );
});

test('429 with Retry-After: the wait is what the server asked for', async (t) => {
  const p = await proxy(t, [
    {
      method: 'GET',
      path: /\/tags\/list/,
      action: {
        kind: 'status',
        status: 429,
        headers: { 'retry-after': '1' },
        body: JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] }),
      },
    },
  ]);
  const log = retryLog();
  const client = clientFor(t, p, { tlsVerify: false, onRetry: log.onRetry });
  assert.deepEqual(await client.listTags('faults/small', AbortSignal.timeout(30_000)), ['v1']);
  assert.equal(log.calls.length, 1);
  assert.equal(log.calls[0].delayMs, 1000);
  assert.match(log.calls[0].reason, /429 TOOMANYREQUESTS slow down$/);
});

test('persistent 503: attempts exhausted, error says so and is temporary', async (t) => {
  const p = await proxy(t, [{ path: /\/manifests\//, times: 100, action: { kind: 'status', status: 503 } }]);
  const log = retryLog();
  const client = clientFor(t, p, { tlsVerify: false, onRetry: log.onRetry, retry: { times: 2, delayMs: 1 } });
  await assert.rejects(
    client.getManifest('faults/small', 'v1', AbortSignal.timeout(30_000)),
    (err: unknown) =>
      err instanceof RegistryError && err.status === 503 && err.temporary && /server error/.test(err.hint ?? ''),
  );
  assert.deepEqual(
    log.calls.map((c) => c.attempt),
    [2, 3],
  );
  assert.equal(p.requests.filter((r) => r.fault === 'status').length, 3);
});

test('413 on a monolithic PUT: temporary error, the next attempt uploads in PATCH chunks', async (t) => {
  const p = await proxy(t, [
    { method: 'PUT', path: /\/blobs\/uploads\/.*digest=/, action: { kind: 'consume-then-status', status: 413 } },
  ]);
  const client = clientFor(t, p, { tlsVerify: false, side: 'destination', chunkSizeBytes: 256 * 1024 });
  const signal = AbortSignal.timeout(30_000);
  const data = randomBytes(MiB + 1000);
  const blob = { digest: digestOf(data), size: data.length };
  await assert.rejects(
    client.putBlob('faults/upload', blob, Readable.from([data]), { signal }),
    (err: unknown) =>
      err instanceof RegistryError &&
      err.status === 413 &&
      err.temporary &&
      /the next attempt uploads in chunks/.test(err.message),
  );
  await client.putBlob('faults/upload', blob, Readable.from([data.subarray(0, 1000), data.subarray(1000)]), { signal });
  const patches = p.requests.filter((r) => r.method === 'PATCH');
  assert.deepEqual(
    patches.map((r) => r.headers['content-range']),
    ['0-262143', '262144-524287', '524288-786431', '786432-1048575', '1048576-1049575'],
  );
  assert.equal(await client.headBlob('faults/upload', blob.digest, signal), blob.size);
  assert.deepEqual(await readAll((await client.openBlob('faults/upload', blob.digest, { signal })).stream), data);
});

test('an upload the server stops reading trips the upload watchdog', async (t) => {
  const p = await proxy(t, [
    { method: 'PUT', path: /\/blobs\/uploads\/.*digest=/, action: { kind: 'never-read-body' } },
  ]);
  const client = clientFor(t, p, { tlsVerify: false, side: 'destination', idleTimeoutMs: 300 });
  const size = 64 * MiB;
  let produced = 0;
  // A body far larger than the socket buffers, produced lazily.
  const body = new Readable({
    read() {
      if (produced >= size) return void this.push(null);
      produced += MiB;
      this.push(Buffer.alloc(MiB, 7));
    },
  });
  await assert.rejects(
    client.putBlob('faults/stall', { digest: `sha256:${'0'.repeat(64)}`, size }, body, {
      signal: AbortSignal.timeout(30_000),
    }),
    (err: unknown) =>
      err instanceof RegistryError &&
      err.temporary &&
      /push blob .* to faults\/stall: transfer stalled/.test(err.message),
  );
  assert.ok(produced < size);
});

test('catalog pagination really takes several pages', async (t) => {
  const p = await proxy(t, []);
  const client = clientFor(t, p, { tlsVerify: false });
  const signal = AbortSignal.timeout(30_000);
  const all = await client.catalog(signal);
  assert.ok(all.includes('faults/big') && all.includes('faults/small'));
  p.requests.length = 0;
  assert.deepEqual(await client.catalog(signal, 1), all);
  const pages = p.requests.filter((r) => r.path.startsWith('/v2/_catalog')).map((r) => r.path);
  assert.equal(pages.length, all.length, 'one page per repository');
  assert.equal(pages[0], '/v2/_catalog?n=1');
  assert.equal(pages[1], `/v2/_catalog?last=${encodeURIComponent(all[0])}&n=1`);
});
