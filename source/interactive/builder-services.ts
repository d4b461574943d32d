/**
 * The config builder's window on the world, implemented over the core: catalogs read like `list operators`
 * (registries.conf, auth, TLS and retry settings from the command line), graphs from Cincinnati like
 * `list releases` (UPDATE_URL_OVERRIDE honoured), files relative to the wizard's directory.
 */
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { HelmRepositoryClient } from '../../core/collect/helm/helm-repository.js';
import { imageFootprint } from '../../core/collect/image-footprint.js';
import { dryRunPlan } from '../../core/collect/dry-run-plan.js';
import { parseImageSetConfig } from '../../core/config/load-config.js';
import { browseCatalog } from '../../core/collect/operator/catalog-browser.js';
import { readCatalogFbc } from '../../core/collect/operator/read-catalog.js';
import { CincinnatiClient } from '../../core/collect/release/cincinnati-client.js';
import { toPullLocation } from '../../core/reference/pull-location.js';
import { DEFAULTS, cacheHostOf } from '../../core/workflow/mirror-options.js';
import { createRunStores } from '../../core/workflow/store-resolver.js';
import type { BuilderServices } from '../../components/config-builder/ConfigBuilder.js';
import { parseDuration } from '../duration.js';
import type { CliFlags } from '../cli-flags.js';
import { resolveCertDir } from '../mirror-args.js';

export interface ClosableBuilderServices extends BuilderServices {
  /** Stops pending requests and closes connections. */
  close(): Promise<void>;
}

export function createBuilderServices(
  cwd: string,
  flags: Partial<CliFlags> = {},
  env: NodeJS.ProcessEnv = process.env,
): ClosableBuilderServices {
  const abort = new AbortController();
  const retry = {
    times: flags.retryTimes ?? DEFAULTS.retryTimes,
    delayMs: flags.retryDelay ? parseDuration(flags.retryDelay, 'retry-delay') : DEFAULTS.retryDelayMs,
  };
  let stores: ReturnType<typeof createRunStores> | undefined;
  const storesOnce = () =>
    (stores ??= createRunStores({
      cacheDir: flags.cacheDir ?? env.OC_MIRROR_CACHE ?? env.HOME ?? '.',
      port: flags.port ?? DEFAULTS.port,
      authFile: flags.authfile,
      srcTlsVerify: flags.srcTlsVerify ?? true,
      destTlsVerify: flags.destTlsVerify ?? true,
      certDir: resolveCertDir(flags as CliFlags),
      retryTimes: retry.times,
      retryDelayMs: retry.delayMs,
      env,
    }));
  let client: CincinnatiClient | undefined;
  const clientOnce = () =>
    (client ??= new CincinnatiClient({
      env,
      tlsVerify: flags.srcTlsVerify ?? true,
      certDir: resolveCertDir(flags as CliFlags),
      retry,
    }));
  let helm: HelmRepositoryClient | undefined;
  const helmOnce = () =>
    (helm ??= new HelmRepositoryClient({
      env,
      tlsVerify: flags.srcTlsVerify ?? true,
      certDir: resolveCertDir(flags as CliFlags),
      retry,
    }));
  const at = (path: string) => resolve(cwd, path);
  return {
    async loadCatalog(ref, onBytes) {
      const fbc = await readCatalogFbc(ref, { stores: await storesOnce(), signal: abort.signal, onBytes });
      return browseCatalog(ref, fbc);
    },
    async fetchGraph(channel, arch) {
      return (await clientOnce().fetchGraph({ channel, arch, type: 'ocp', signal: abort.signal })).graph;
    },
    async listTags(repository) {
      // A tag is added only so the reference parses; the repository is what is listed.
      const loc = toPullLocation(`${repository}:latest`);
      const tags = await (await storesOnce()).registry(loc.registry, 'source').listTags(loc.repository, abort.signal);
      return tags.filter((t) => !t.endsWith('.sig')).sort();
    },
    async listCharts(url) {
      // fetchIndex stores the index in a working dir: a scratch one, removed at once.
      const scratch = await mkdtemp(join(tmpdir(), 'ocm-tui-helm-index-'));
      try {
        const index = await helmOnce().fetchIndex({ name: 'builder', url }, scratch, abort.signal);
        return [...index.entries]
          .filter(([, versions]) => versions.some((v) => v.type !== 'library'))
          .map(([name, versions]) => ({ name, versions: versions.map((v) => v.version) }))
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    },
    async planImages(configText) {
      const stores = await storesOnce();
      return dryRunPlan(parseImageSetConfig(configText, 'builder-draft.yaml').config, {
        stores,
        cache: stores.cache,
        cacheHost: cacheHostOf(flags.port ?? DEFAULTS.port),
        env,
        signal: abort.signal,
        retryTimes: retry.times,
        retryDelayMs: retry.delayMs,
      });
    },
    async imageFootprint(ref) {
      return imageFootprint(ref, await storesOnce(), abort.signal);
    },
    async fileExists(path) {
      return (await stat(at(path)).catch(() => undefined)) !== undefined;
    },
    async writeConfig(path, text) {
      await mkdir(dirname(at(path)), { recursive: true });
      await writeFile(at(path), text);
    },
    async close() {
      abort.abort();
      await client?.close();
      await helm?.close();
      if (stores) await (await stores).close();
    },
  };
}
