/**
 * Manual measurement, not a test: streams one big blob (default 1 GiB) GET→PUT between two real
 * registries through RegistryClient and reports the peak RSS of this process and the throughput.
 *
 *   npx tsc -p tsconfig.json && node dist/test/registry/measure-big-blob.js [sizeMiB]
 *
 * The blob is seeded by a child process (so its memory does not count here); the copy verifies the
 * digest while streaming and the destination registry verifies it again on PUT.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RegistryClient } from '../../core/registry/registry-client.js';
import { pushBigLayerImage } from '../harness/fixture-images.js';
import { startRegistry } from '../harness/registry-server.js';

const MiB = 1024 * 1024;

async function seed(url: string, host: string, size: number): Promise<void> {
  const image = await pushBigLayerImage(
    { url, host, tls: false } as Parameters<typeof pushBigLayerImage>[0],
    'big/blob:v1',
    size,
    {
      layers: 0,
    },
  );
  const blob = image.blobs.find((b) => b.size === size);
  process.stdout.write(JSON.stringify(blob));
}

async function measure(sizeMiB: number): Promise<void> {
  const size = sizeMiB * MiB;
  const [src, dst] = await Promise.all([startRegistry(), startRegistry()]);
  try {
    const out = execFileSync(
      process.execPath,
      [fileURLToPath(import.meta.url), '--seed', src.url, src.host, String(size)],
      {
        encoding: 'utf8',
        maxBuffer: 1024 * 1024,
      },
    );
    const blob = JSON.parse(out) as { digest: string; size: number };
    const options = { tlsVerify: false, retry: { times: 2, delayMs: 100 } };
    const from = new RegistryClient(src.host, { ...options, side: 'source' });
    const to = new RegistryClient(dst.host, { ...options, side: 'destination' });
    const signal = AbortSignal.timeout(30 * 60_000);
    await Promise.all([from.ping(signal), to.ping(signal)]);

    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const started = process.hrtime.bigint();
    let moved = 0;
    const opened = await from.openBlob('big/blob', blob.digest, { signal, onBytes: (n) => (moved += n) });
    await to.putBlob('big/copy', { digest: blob.digest, size: opened.size }, opened.stream, { signal });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);

    const stored = await to.headBlob('big/copy', blob.digest, signal);
    if (stored !== size || moved !== size)
      throw new Error(`copy incomplete: stored ${stored}, moved ${moved} of ${size}`);
    const maxRssMiB = process.resourceUsage().maxRSS / 1024; // kernel peak over the whole process, KiB → MiB
    console.log(
      JSON.stringify(
        {
          blobMiB: sizeMiB,
          digest: blob.digest,
          seconds: Number(seconds.toFixed(1)),
          MiBps: Number((sizeMiB / seconds).toFixed(1)),
          rssBeforeMiB: Math.round(before / MiB),
          peakRssSampledMiB: Math.round(peak / MiB),
          peakRssKernelMiB: Math.round(maxRssMiB),
        },
        null,
        2,
      ),
    );
    await Promise.all([from.close(), to.close()]);
  } finally {
    await Promise.all([src.stop(), dst.stop()]);
  }
}

if (process.argv[2] === '--seed') {
  await seed(process.argv[3], process.argv[4], Number(process.argv[5]));
} else {
  await measure(Number(process.argv[2] ?? 1024));
}
