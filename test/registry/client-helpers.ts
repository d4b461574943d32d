/**
 * Helpers shared by the registry client tests: clients with fast retries for harness registries,
 * reading streams, and a minimal image copy (GET → PUT) built only from the client's public API.
 */
import type { Readable } from 'node:stream';
import { RegistryClient, type RegistryClientOptions, type RetryInfo } from '../../core/registry/registry-client.js';
import { parseManifest } from '../../core/registry/media-types.js';

/** Client options for a harness registry: tiny retry delays, short timeouts. */
export function clientOptions(
  registry: { tls: boolean; certDir?: string },
  overrides: Partial<RegistryClientOptions> = {},
): RegistryClientOptions {
  return {
    side: 'source',
    tlsVerify: registry.tls,
    certDir: registry.certDir,
    retry: { times: 2, delayMs: 5 },
    requestTimeoutMs: 15_000,
    idleTimeoutMs: 15_000,
    ...overrides,
  };
}

/** A client for `registry` that is closed when the test ends. */
export function clientFor(
  t: { after: (fn: () => Promise<void> | void) => void },
  registry: { host: string; tls: boolean; certDir?: string },
  overrides: Partial<RegistryClientOptions> = {},
): RegistryClient {
  const client = new RegistryClient(registry.host, clientOptions(registry, overrides));
  t.after(() => client.close());
  return client;
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Collects onRetry calls. */
export function retryLog(): { calls: RetryInfo[]; onRetry: (info: RetryInfo) => void } {
  const calls: RetryInfo[] = [];
  return { calls, onRetry: (info) => calls.push(info) };
}

/**
 * Copies `srcRepo:reference` (image or index, children first) to `dstRepo:tag` with blobs streamed from
 * the source GET straight into the destination PUT. Returns the top manifest digest.
 */
export async function copyImage(
  src: RegistryClient,
  srcRepo: string,
  reference: string,
  dst: RegistryClient,
  dstRepo: string,
  tag: string,
  signal: AbortSignal,
): Promise<string> {
  const copyManifest = async (ref: string, as: string): Promise<string> => {
    const manifest = await src.getManifest(srcRepo, ref, signal);
    const parsed = parseManifest(manifest.bytes, manifest.mediaType);
    if (parsed.kind === 'index') {
      for (const child of parsed.manifests) await copyManifest(child.digest, child.digest);
    } else {
      for (const blob of [parsed.config, ...parsed.layers]) {
        if ((await dst.headBlob(dstRepo, blob.digest, signal)) !== undefined) continue;
        const opened = await src.openBlob(srcRepo, blob.digest, { signal });
        await dst.putBlob(dstRepo, { digest: blob.digest, size: opened.size }, opened.stream, { signal });
      }
    }
    await dst.putManifest(dstRepo, as, manifest, signal);
    return manifest.digest;
  };
  return copyManifest(reference, tag);
}
