/**
 * Builds the stores a run talks to: registries (one client per host and side, so connections are reused),
 * the local cache for `localhost:<port>` references, and OCI layout directories.
 */
import type { StoreResolver } from '../copy/image-location.js';
import type { ImageStore } from '../store/image-store.js';
import { CacheStore } from '../store/cache-store.js';
import { OciLayoutStore } from '../store/oci-layout-store.js';
import { createRegistryStores } from '../store/registry-store.js';
import { loadCredentials } from '../registry/credentials.js';
import { loadRegistriesConf, type RegistriesConf } from '../registry/registries-conf.js';
import { MirroredSourceStore, type MirrorUse } from '../store/mirrored-source-store.js';
import type { MirrorOptions } from './mirror-options.js';
import { cacheHostOf, cacheRootOf } from './mirror-options.js';

export interface RunStores extends StoreResolver {
  cache: CacheStore;
  /** The registries.conf that redirects source reads (empty when none applies). */
  registriesConf: RegistriesConf;
  close(): Promise<void>;
}

export async function createRunStores(
  options: Pick<
    MirrorOptions,
    | 'cacheDir'
    | 'port'
    | 'authFile'
    | 'srcTlsVerify'
    | 'destTlsVerify'
    | 'certDir'
    | 'retryTimes'
    | 'retryDelayMs'
    | 'env'
  > & { registriesConf?: RegistriesConf },
  onRetry?: (info: { attempt: number; maxAttempts: number; delayMs: number; reason: string }) => void,
  onMirrorUsed?: (use: MirrorUse) => void,
): Promise<RunStores> {
  const cache = new CacheStore(cacheRootOf(options.cacheDir));
  const cacheHost = cacheHostOf(options.port);
  const credentials = await loadCredentials({ authFile: options.authFile, env: options.env ?? process.env });
  const common = {
    certDir: options.certDir,
    credentials,
    retry: { times: options.retryTimes, delayMs: options.retryDelayMs },
    onRetry,
  };
  const registriesConf = options.registriesConf ?? (await loadRegistriesConf({ env: options.env ?? process.env }));
  const sources = createRegistryStores({ ...common, side: 'source', tlsVerify: options.srcTlsVerify });
  // registries.conf's `insecure = true` applies to one endpoint (a mirror or a location), as pullSources says.
  const insecureSources = createRegistryStores({ ...common, side: 'source', tlsVerify: false });
  const endpointStore = (host: string, insecure: boolean): ImageStore =>
    insecure ? insecureSources(host) : sources(host);
  const mirrored = new Map<string, ImageStore>();
  const sourceStore = (host: string): ImageStore => {
    if (registriesConf.rules.length === 0) return sources(host);
    const key = host.toLowerCase();
    let store = mirrored.get(key);
    if (!store) {
      store = new MirroredSourceStore(host, registriesConf, endpointStore, onMirrorUsed);
      mirrored.set(key, store);
    }
    return store;
  };
  const destinations = createRegistryStores({ ...common, side: 'destination', tlsVerify: options.destTlsVerify });
  const layouts = new Map<string, ImageStore>();
  return {
    cache,
    registriesConf,
    registry(host, side) {
      if (host === cacheHost) return cache;
      return side === 'source' ? sourceStore(host) : destinations(host);
    },
    ociLayout(path) {
      const existing = layouts.get(path);
      if (existing) return existing;
      const store = new OciLayoutStore(path);
      layouts.set(path, store);
      return store;
    },
    async close() {
      await Promise.allSettled([sources.close?.(), insecureSources.close?.(), destinations.close?.()]);
    },
  };
}
