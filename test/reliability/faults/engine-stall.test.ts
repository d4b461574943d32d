/**
 * Stalled bodies, at the copy-engine level. The CLI has no knob for the registry client's idle watchdog
 * (60 s), so these tests drive `copyImages` directly with a client whose `idleTimeoutMs` is 300 ms:
 * source registry behind the fault proxy, destination the local cache (the mirror-to-disk path).
 * A stall that ends resumes with Range; a stall that never ends fails after exactly --retry-times
 * restarts (not (times+1)², see the retry-budget fix in core/registry/retry-policy.ts).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { copyImages, type ImageResult } from '../../../core/copy/copy-engine.js';
import type { StoreResolver } from '../../../core/copy/image-location.js';
import type { MirrorEvent } from '../../../core/events.js';
import type { PlannedImage } from '../../../core/image-types.js';
import { RegistryClient, type RetryInfo } from '../../../core/registry/registry-client.js';
import { CacheStore } from '../../../core/store/cache-store.js';
import { RegistryStore } from '../../../core/store/registry-store.js';
import { digestOf } from '../../../core/digest.js';
import { startRegistry, type RunningRegistry } from '../../harness/registry-server.js';
import { tempDirForTest } from '../../harness/temp-dir.js';
import { assertCacheIntegrity } from '../support/cache-integrity.js';
import { startFaultProxy, type FaultProxy, type FaultRule } from '../support/fault-proxy.js';
import { origin, pushFaultImages, type FaultImages } from '../support/fault-fixtures.js';
import { RETRY_TIMES } from '../support/mirror-run.js';

const IDLE_TIMEOUT_MS = 300;
const CACHE_HOST = 'localhost:55000';

let source: RunningRegistry;
let images: FaultImages;

test.before(async () => {
  source = await startRegistry();
  images = await pushFaultImages(source);
});
test.after(() => source?.stop());

interface Outcome {
  results: ImageResult[];
  retries: RetryInfo[];
  events: MirrorEvent[];
  proxy: FaultProxy;
  cache: CacheStore;
}

async function copyTargetToCache(t: TestContext, rules: FaultRule[]): Promise<Outcome> {
  const proxy = await startFaultProxy(source, rules);
  t.after(() => proxy.stop());
  const cache = new CacheStore(join(await tempDirForTest(t, 'rel-stall-'), 'cache'));
  const retries: RetryInfo[] = [];
  const client = new RegistryClient(proxy.host, {
    side: 'source',
    tlsVerify: false,
    retry: { times: RETRY_TIMES, delayMs: 100 },
    idleTimeoutMs: IDLE_TIMEOUT_MS,
    onRetry: (info) => retries.push(info),
  });
  t.after(() => client.close());
  const registry = new RegistryStore(client);
  const stores: StoreResolver = {
    registry: (host) => (host === CACHE_HOST ? cache : registry),
    ociLayout: () => {
      throw new Error('no OCI layouts here');
    },
  };
  const image: PlannedImage = {
    id: '1',
    type: 'generic',
    origin: origin(proxy.host, images.target),
    source: `docker://${origin(proxy.host, images.target)}`,
    destination: `docker://${CACHE_HOST}/${images.target.repository}:${images.target.tag}`,
  };
  const events: MirrorEvent[] = [];
  const results = await copyImages([image], {
    stores,
    parallelImages: 1,
    parallelLayers: 2,
    retryTimes: RETRY_TIMES,
    retryDelayMs: 100,
    imageTimeoutMs: 60_000,
    removeSignatures: false,
    emit: (e) => {
      events.push({ ...e, at: Date.now() } as MirrorEvent);
      if (e.type === 'retry') retries.push(e);
    },
    signal: AbortSignal.timeout(60_000),
  });
  return { results, retries, events, proxy, cache };
}

const bigGet = () => ({ pathClass: 'blob' as const, method: 'GET', digest: images.bigLayer.digest });

test('engine: a body that stalls longer than the idle timeout resumes where it stopped', async (t) => {
  const o = await copyTargetToCache(t, [{ match: bigGet(), fault: { kind: 'stall', ms: 5_000, afterBytes: 10_000 } }]);
  assert.equal(o.results[0].ok, true, String(o.results[0].error));
  const gets = o.proxy.counts.requests.filter((r) => r.method === 'GET' && r.digest === images.bigLayer.digest);
  assert.deepEqual(
    gets.map((g) => g.range),
    [undefined, 'bytes=10000-'],
  );
  assert.equal(o.retries.length, 1);
  assert.match(o.retries[0].reason, /no data for 300ms at byte 10000; resuming at byte 10000$/);
  // The cache holds the image exactly: manifest bytes and every blob.
  const manifest = await o.cache.getManifest(images.target.repository, images.target.tag!, AbortSignal.timeout(5000));
  assert.equal(digestOf(manifest.bytes), images.target.digest);
  const report = await assertCacheIntegrity(o.cache.root);
  for (const blob of images.target.blobs) assert.ok(report.digests.has(blob.digest), blob.digest);
});

test('engine: a body that stalls for good fails after --retry-times restarts, not more', async (t) => {
  const o = await copyTargetToCache(t, [
    { match: bigGet(), fault: { kind: 'stall', ms: 60_000, afterBytes: 10_000 }, times: 'always' },
  ]);
  assert.equal(o.results[0].ok, false);
  const error = String((o.results[0].error as Error).message);
  assert.match(
    error,
    new RegExp(`source registry ${o.proxy.host}: pull blob sha256:\\S+ from faults/target: transfer stalled for 300ms`),
  );
  assert.equal(o.proxy.counts.of('blob', 'GET', images.bigLayer.digest), RETRY_TIMES + 1);
  assert.equal(o.retries.length, RETRY_TIMES);
  const failed = o.events.find((e) => e.type === 'image.failed');
  assert.ok(failed, 'image.failed is emitted');
  const report = await assertCacheIntegrity(o.cache.root);
  assert.ok(!report.digests.has(images.bigLayer.digest), 'no partial blob under its final name');
});
