/**
 * Load: 50 images sharing three base layers, mirrored to mirror with --parallel-images 10
 * --parallel-layers 10, several times in a row into a fresh destination each time. Counting proxies in
 * front of both registries prove that every blob is read once and uploaded once (shared layers are
 * mounted, never uploaded twice), skopeo proves the digests, the destination's own storage is re-hashed,
 * and the child's peak resident memory stays bounded. The test finishing at all is the no-deadlock proof.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pushImagesSharingBase, type PushedImage } from '../../harness/fixture-images.js';
import { startRegistry } from '../../harness/registry-server.js';
import { skopeoManifestDigest } from '../../harness/skopeo.js';
import { tempDirForTest } from '../../harness/temp-dir.js';
import { parseJsonLines } from '../../e2e/cli-runner.js';
import { cacheRootOf } from '../../../core/workflow/mirror-options.js';
import { assertCacheIntegrity } from '../support/cache-integrity.js';
import { runCliMeasured } from '../support/cli-process.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { FAST_RETRY_FLAGS, mirrorArgs, writeIsc } from '../support/mirror-run.js';

const IMAGES = 50;
const BASE_LAYERS = 3;
const RUNS = 2;
const OWN_LAYER_BYTES = 512 * 1024;
const MAX_PEAK_RSS_BYTES = 300 * 1024 * 1024;

/** Every 5th image is another tag of one shared repository; the rest have a repository each. */
function refOf(i: number): string {
  return i % 5 === 0 ? `load/common:v${i}` : `load/app-${i}:1`;
}

test(
  'load: 50 images sharing layers, 10×10 parallel, repeated: no duplicate upload, no corruption, bounded memory',
  { timeout: 300_000 },
  async (t) => {
    const source = await startRegistry();
    t.after(() => source.stop());
    const refs = Array.from({ length: IMAGES }, (_, i) => refOf(i));
    // Each image also has its own 512 KiB layer: 100 transfers in flight move enough bytes that buffering
    // blobs in memory would show in the peak RSS.
    const images = await pushImagesSharingBase(source, refs, {
      baseLayerCount: BASE_LAYERS,
      baseSeed: 'load-base',
      bigLayerSize: OWN_LAYER_BYTES,
    });
    const baseDigests = new Set(images[0].manifests[0].layers.slice(0, BASE_LAYERS).map((b) => b.digest));
    for (const img of images)
      for (const d of baseDigests)
        assert.ok(
          img.blobs.some((b) => b.digest === d),
          'base layers are shared',
        );
    const uniqueBlobs = new Set(images.flatMap((img) => img.blobs.map((b) => b.digest)));
    const repositories = new Set(images.map((img) => img.repository));

    const sourceProxy = await startFaultProxy(source);
    t.after(() => sourceProxy.stop());
    const work = await tempDirForTest(t, 'rel-load-');
    const isc = await writeIsc(
      work,
      images.map((img) => `${sourceProxy.host}/${img.repository}:${img.tag}`),
    );

    for (let run = 1; run <= RUNS; run++) {
      const dest = await startRegistry();
      const destProxy = await startFaultProxy(dest);
      try {
        sourceProxy.counts.reset();
        const cacheDir = join(work, `cache-${run}`);
        const args = [
          ...mirrorArgs.m2m(isc, join(work, `ws-${run}`), destProxy.host, cacheDir),
          '--parallel-images',
          '10',
          '--parallel-layers',
          '10',
          ...FAST_RETRY_FLAGS,
        ];
        const result = await runCliMeasured(args, { timeoutMs: 120_000 });
        const label = `run ${run}`;
        assert.equal(result.timedOut, false, `${label} hung (deadlock?)`);
        assert.equal(result.code, 0, `${label}: ${result.stderr}\n${result.stdout.slice(-3000)}`);

        const events = parseJsonLines(result.stdout);
        const summary = events.find((e) => e.type === 'summary')?.summary as {
          imagesOk: number;
          blobsCopied: number;
          blobsMounted: number;
        };
        assert.equal(summary.imagesOk, IMAGES, label);
        assert.equal(
          events.filter((e) => e.type === 'retry').length,
          0,
          `${label}: nothing failed, so nothing is retried`,
        );

        // Each blob read once from the source, uploaded once to the destination.
        for (const digest of uniqueBlobs) {
          assert.equal(sourceProxy.counts.of('blob', 'GET', digest), 1, `${label}: ${digest} read once`);
          assert.equal(destProxy.counts.of('blob', 'PUT', digest), 1, `${label}: ${digest} uploaded once`);
        }
        assert.equal(destProxy.counts.of('blob', 'PUT'), uniqueBlobs.size, `${label}: no other upload`);
        // One upload session per blob: opened by a plain POST (after a HEAD) until the registry has confirmed, with
        // one self-mount of a blob it holds, that it answers claims truthfully; by a claim from then on.
        const claims = destProxy.counts.of('claim', 'POST');
        assert.ok(claims >= 1, `${label}: the registry's self-mount support was checked`);
        assert.equal(
          destProxy.counts.of('blob', 'POST') + claims,
          uniqueBlobs.size + 1,
          `${label}: one upload session per blob (+ the check, which opens none)`,
        );
        assert.equal(summary.blobsCopied, uniqueBlobs.size, label);
        // Shared layers reach every other repository by a cross-repository mount, each exactly once.
        for (const digest of baseDigests) {
          assert.equal(
            destProxy.counts.of('mount', 'POST', digest),
            repositories.size - 1,
            `${label}: mounts of ${digest}`,
          );
        }
        assert.equal(
          destProxy.counts.of('mount', 'POST'),
          baseDigests.size * (repositories.size - 1),
          `${label}: mounts`,
        );
        assert.equal(summary.blobsMounted, baseDigests.size * (repositories.size - 1), label);

        await assertDigests(dest.host, images);
        // The destination's own storage: every blob re-hashes to its name, no upload left open.
        await assertCacheIntegrity(dest.storageDir);
        assert.deepEqual(await openUploads(dest.storageDir), [], `${label}: no abandoned upload session`);
        await assertCacheIntegrity(cacheRootOf(cacheDir));

        assert.ok(result.peakRssBytes > 0, 'memory was sampled');
        assert.ok(
          result.peakRssBytes < MAX_PEAK_RSS_BYTES,
          `${label}: peak RSS ${(result.peakRssBytes / 1024 / 1024).toFixed(0)} MiB`,
        );
        t.diagnostic(`${label}: peak RSS ${(result.peakRssBytes / 1024 / 1024).toFixed(0)} MiB`);
      } finally {
        await destProxy.stop();
        await dest.stop();
      }
    }
  },
);

/** skopeo reads every image at the destination, four at a time. */
async function assertDigests(host: string, images: PushedImage[]): Promise<void> {
  const queue = [...images];
  const worker = async () => {
    for (let img = queue.shift(); img; img = queue.shift()) {
      const ref = `${host}/${img.repository}:${img.tag}`;
      assert.equal(await skopeoManifestDigest(ref, { tlsVerify: false }), img.digest, ref);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

/** Upload sessions distribution still holds (`repositories/<repo>/_uploads/<uuid>`). */
async function openUploads(storageDir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      if (e.name === '_uploads') found.push(...(await readdir(join(dir, e.name))).map((u) => join(dir, e.name, u)));
      else if (!e.name.startsWith('_') && depth < 8) await walk(join(dir, e.name), depth + 1);
    }
  };
  await walk(join(storageDir, 'docker', 'registry', 'v2', 'repositories'), 0);
  return found;
}
