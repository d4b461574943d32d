/**
 * `ocm-tui list operators` (core.md §2.5): what a catalog holds, as oc-mirror prints it — packages
 * (`--catalog`), a package's channels (`--package`), a channel's versions (`--channel`) — or which Red Hat
 * catalogs exist for an OpenShift version (`--catalogs --version X`). `--output json` prints one JSON document.
 * `ocm-tui list releases`: see runListReleases below.
 */
import { UsageError } from '../core/errors.js';
import { createRunStores } from '../core/workflow/store-resolver.js';
import { DEFAULTS } from '../core/workflow/mirror-options.js';
import { readCatalogFbc } from '../core/collect/operator/read-catalog.js';
import { formatTable, listChannels, listPackages, listVersions } from '../core/collect/operator/catalog-listing.js';
import { redHatCatalogs } from '../core/config/redhat-catalogs.js';
import { resolveCertDir } from './mirror-args.js';
import { parseDuration } from './duration.js';
import type { CliFlags } from './cli-flags.js';
import { createCancellation } from './cancellation.js';
import { CincinnatiClient } from '../core/collect/release/cincinnati-client.js';
import {
  OCP_RELEASE_REPOSITORY,
  ReleaseListingError,
  formatArchitectureVersions,
  formatMinorVersions,
  formatStableChannelNote,
  formatVersionChannels,
  listChannelVersions,
  listVersionChannels,
  minorVersionsFromTags,
  parseArchitectureFilter,
  parseMinorVersion,
  type FetchChannelGraph,
} from '../core/collect/release/release-listing.js';

export async function runListCommand(flags: CliFlags, positional: string[], json: boolean): Promise<number> {
  const [what] = positional;
  if (what === 'releases') return runListReleases(flags, positional.slice(1), json);
  if (what !== 'operators') {
    throw new UsageError(`list: unknown subject "${what ?? ''}"`, 'use `ocm-tui list operators --catalog REF`');
  }
  const version = typeof flags.version === 'string' && flags.version !== '' ? flags.version : undefined;
  const catalogs = Boolean(flags.catalogs) || version !== undefined;
  if (flags.catalog && catalogs) throw new UsageError('--catalog and --catalogs cannot be used together');
  if (!flags.catalog && !catalogs) {
    throw new UsageError('one of --catalog or --catalogs is required', 'e.g. ocm-tui list operators --catalog REF');
  }
  if (catalogs && !version) throw new UsageError('--catalogs requires --version');
  if (flags.package && !flags.catalog) throw new UsageError('--package requires --catalog');
  if (flags.channel && !flags.package) throw new UsageError('--channel requires --catalog and --package');

  const stores = await createRunStores({
    cacheDir: flags.cacheDir ?? process.env.OC_MIRROR_CACHE ?? process.env.HOME ?? '.',
    port: flags.port ?? DEFAULTS.port,
    authFile: flags.authfile,
    srcTlsVerify: flags.srcTlsVerify ?? true,
    destTlsVerify: flags.destTlsVerify ?? true,
    certDir: resolveCertDir(flags),
    retryTimes: flags.retryTimes ?? DEFAULTS.retryTimes,
    retryDelayMs: flags.retryDelay ? parseDuration(flags.retryDelay, 'retry-delay') : DEFAULTS.retryDelayMs,
    env: process.env,
  });
  const cancellation = createCancellation({ onGraceful: () => undefined, onForce: () => process.exit(130) });
  const out = (text: string) => process.stdout.write(`${text}\n`);
  try {
    if (catalogs) {
      const found: string[] = [];
      const invalid: string[] = [];
      for (const ref of redHatCatalogs(version!)) {
        const [repository, tag] = ref.slice('registry.redhat.io/'.length).split(':');
        const store = stores.registry('registry.redhat.io', 'source');
        const head = await store.headManifest(repository, tag, cancellation.signal).catch(() => undefined);
        (head ? found : invalid).push(ref);
      }
      if (json) out(JSON.stringify({ version, catalogs: found, invalid }));
      else {
        out(`Available OpenShift OperatorHub catalogs:\nOpenShift ${version}:`);
        for (const ref of found) out(ref);
        for (const ref of invalid) out(`Invalid catalog reference "${ref}", please check version`);
      }
      return 0;
    }
    const catalog = flags.catalog!;
    const fbc = await readCatalogFbc(catalog, {
      stores,
      signal: cancellation.signal,
      keepPackage: flags.package ? (p) => p === flags.package : undefined,
    });
    if (!flags.package) {
      const rows = listPackages(fbc);
      if (json) out(JSON.stringify({ catalog, packages: rows }));
      else
        out(
          formatTable(
            ['NAME', 'DISPLAY NAME', 'DEFAULT CHANNEL'],
            rows.map((r) => [r.name, r.displayName, r.defaultChannel]),
          ),
        );
      return 0;
    }
    const pkg = listPackages(fbc).find((p) => p.name === flags.package);
    if (!pkg) {
      throw new UsageError(
        `package "${flags.package}" is not in catalog ${catalog}`,
        'list the packages with --catalog only',
      );
    }
    if (!flags.channel) {
      const channels = listChannels(fbc, pkg.name);
      if (json) out(JSON.stringify({ catalog, package: pkg, channels }));
      else {
        out(
          formatTable(['NAME', 'DISPLAY NAME', 'DEFAULT CHANNEL'], [[pkg.name, pkg.displayName, pkg.defaultChannel]]),
        );
        out('');
        out(
          formatTable(
            ['PACKAGE', 'CHANNEL', 'HEAD'],
            channels.map((c) => [c.package, c.channel, c.head]),
          ),
        );
      }
      return 0;
    }
    const versions = listVersions(fbc, pkg.name, flags.channel);
    if (!versions) {
      throw new UsageError(
        `channel "${flags.channel}" is not in package ${pkg.name} of catalog ${catalog}`,
        'list the channels with --package only',
      );
    }
    if (json) out(JSON.stringify({ catalog, package: pkg.name, channel: flags.channel, versions }));
    else out(['VERSIONS', ...versions].join('\n'));
    return 0;
  } finally {
    cancellation.dispose();
    await stores.close();
  }
}

/**
 * `ocm-tui list releases` (core.md §2.5), oc-mirror's texts: the versions of a channel per architecture
 * (`--channel`, or `stable-<--version>`), the channels of a version (`--channels --version X.Y`), or the X.Y
 * versions named by the tags of quay.io/openshift-release-dev/ocp-release (no channel, no version).
 * Graphs come from Cincinnati (UPDATE_URL_OVERRIDE honoured); nothing is recorded in a working dir.
 */
async function runListReleases(flags: CliFlags, extra: string[], json: boolean): Promise<number> {
  if (extra.length > 0) throw new UsageError(`list releases: unexpected argument "${extra[0]}"`);
  for (const [flag, given] of [
    ['--catalog', flags.catalog],
    ['--catalogs', flags.catalogs],
    ['--package', flags.package],
  ] as const) {
    if (given) throw new UsageError(`${flag} belongs to list operators, not list releases`);
  }
  const versionText = typeof flags.version === 'string' && flags.version !== '' ? flags.version : undefined;
  const explicitChannel = typeof flags.channel === 'string' && flags.channel !== '' ? flags.channel : undefined;
  if (flags.channels && !versionText) {
    throw new UsageError('--channels requires --version', 'e.g. ocm-tui list releases --channels --version 4.13');
  }
  const version = versionText === undefined ? undefined : parseMinorVersion(versionText);
  const archs = parseArchitectureFilter(flags.filterByArchs);
  const out = (text: string) => process.stdout.write(`${text}\n`);
  const cancellation = createCancellation({ onGraceful: () => undefined, onForce: () => process.exit(130) });
  const retry = {
    times: flags.retryTimes ?? DEFAULTS.retryTimes,
    delayMs: flags.retryDelay ? parseDuration(flags.retryDelay, 'retry-delay') : DEFAULTS.retryDelayMs,
  };
  try {
    if (!flags.channels && !explicitChannel && !version) {
      const versions = await releaseMinorVersions(flags, retry, cancellation.signal);
      if (json) out(JSON.stringify({ repository: OCP_RELEASE_REPOSITORY, versions }));
      else out(formatMinorVersions(versions));
      return 0;
    }
    const client = new CincinnatiClient({
      env: process.env,
      tlsVerify: flags.srcTlsVerify ?? true,
      certDir: resolveCertDir(flags),
      retry,
      onRetry: json
        ? undefined
        : (r) => process.stderr.write(`retrying (${r.attempt}/${r.maxAttempts}): ${r.reason}\n`),
    });
    const fetchGraph: FetchChannelGraph = async (channel, arch) =>
      (await client.fetchGraph({ channel, arch, type: 'ocp', signal: cancellation.signal })).graph;
    try {
      if (flags.channels) {
        const result = await listVersionChannels(fetchGraph, version!, explicitChannel);
        if (json) out(JSON.stringify(result));
        else out(formatVersionChannels(result));
        return 0;
      }
      const channel = explicitChannel ?? `stable-${version!}`;
      if (json) {
        const architectures = await listChannelVersions(fetchGraph, channel, archs);
        out(JSON.stringify({ channel, architectures }));
        return 0;
      }
      if (channel.startsWith('stable')) out(`${formatStableChannelNote(channel, version)}\n`);
      let first = true;
      await listChannelVersions(fetchGraph, channel, archs, (listing) => {
        // oc-mirror prints the blocks back to back; a blank line between them reads better.
        if (!first) out('');
        first = false;
        out(formatArchitectureVersions(channel, listing));
      });
      return 0;
    } finally {
      await client.close();
    }
  } finally {
    cancellation.dispose();
  }
}

/** The X.Y versions named by the release repository's tags, through the registry stores (auth, TLS, retries). */
async function releaseMinorVersions(
  flags: CliFlags,
  retry: { times: number; delayMs: number },
  signal: AbortSignal,
): Promise<string[]> {
  const slash = OCP_RELEASE_REPOSITORY.indexOf('/');
  const host = OCP_RELEASE_REPOSITORY.slice(0, slash);
  const repository = OCP_RELEASE_REPOSITORY.slice(slash + 1);
  const stores = await createRunStores({
    cacheDir: flags.cacheDir ?? process.env.OC_MIRROR_CACHE ?? process.env.HOME ?? '.',
    port: flags.port ?? DEFAULTS.port,
    authFile: flags.authfile,
    srcTlsVerify: flags.srcTlsVerify ?? true,
    destTlsVerify: flags.destTlsVerify ?? true,
    certDir: resolveCertDir(flags),
    retryTimes: retry.times,
    retryDelayMs: retry.delayMs,
    env: process.env,
  });
  try {
    const tags = await stores.registry(host, 'source').listTags(repository, signal);
    const versions = minorVersionsFromTags(tags);
    if (versions.length === 0) {
      throw new ReleaseListingError(
        `no release tags found in ${OCP_RELEASE_REPOSITORY} (${tags.length} tags read)`,
        'check access to quay.io (proxy settings HTTPS_PROXY/NO_PROXY, --authfile)',
      );
    }
    return versions;
  } finally {
    await stores.close();
  }
}
