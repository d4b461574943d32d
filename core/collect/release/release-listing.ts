/**
 * What `list releases` shows (core.md §2.5), in oc-mirror's text format (`internal/pkg/cli/list/releases.go`):
 *
 * * the release versions of a channel, one block per architecture (`--channel`, `--version`, `--filter-by-archs`);
 * * the channels a minor version is published in (`--channels --version X.Y`), read from the channel metadata
 *   of the nodes of one graph (`io.openshift.upgrades.graph.release.channels`) rather than by guessing channel
 *   names: one request, and it also finds channels nobody would guess (e.g. `eus-4.14` for 4.13 releases);
 * * the X.Y versions that exist, from the tags of `quay.io/openshift-release-dev/ocp-release`.
 *
 * The functions take the graphs or tags as data (or a fetch function), so the CLI, `--output json` and the
 * tests share one implementation. Deliberate differences from oc-mirror are marked "oc-mirror:".
 */
import { CancelledError, OcmError, UsageError, describeError } from '../../errors.js';
import { compareReleaseVersions, type UpdateGraph } from './cincinnati-graph.js';

/** The repository whose tags `list releases` (without channel or version) reads. */
export const OCP_RELEASE_REPOSITORY = 'quay.io/openshift-release-dev/ocp-release';

/** The architectures `--filter-by-archs` accepts (oc-mirror's list), in its documented order. */
export const LIST_ARCHITECTURES = ['amd64', 'arm64', 's390x', 'ppc64le', 'multi'] as const;
export const DEFAULT_LIST_ARCHITECTURE = 'amd64';

/** Spellings users type from `uname -m` or image tags, mapped to the Cincinnati names (for the hint only). */
const ARCH_ALIASES: Record<string, string> = {
  x86_64: 'amd64',
  aarch64: 'arm64',
  ppc64: 'ppc64le',
};

/** A listing could not be produced: no releases in a channel, no channels for a version, no tags. */
export class ReleaseListingError extends OcmError {
  constructor(message: string, hint?: string, cause?: unknown) {
    super('RELEASE_LIST', message, { hint, cause });
  }
}

/**
 * `--filter-by-archs`: comma-separated, blanks ignored, duplicates dropped (first occurrence kept), `amd64`
 * when empty. Unknown names are a usage error naming all of them at once.
 */
export function parseArchitectureFilter(text: string | undefined): string[] {
  const archs: string[] = [];
  for (const raw of (text ?? '').split(',')) {
    const arch = raw.trim();
    if (arch !== '' && !archs.includes(arch)) archs.push(arch);
  }
  if (archs.length === 0) return [DEFAULT_LIST_ARCHITECTURE];
  const known: readonly string[] = LIST_ARCHITECTURES;
  const unknown = archs.filter((a) => !known.includes(a));
  if (unknown.length > 0) {
    const aliases = unknown.filter((a) => ARCH_ALIASES[a]).map((a) => `${a} → ${ARCH_ALIASES[a]}`);
    throw new UsageError(
      `invalid architecture(s) ${unknown.map((a) => `"${a}"`).join(', ')} in --filter-by-archs; ` +
        `known architectures: ${LIST_ARCHITECTURES.join(', ')}`,
      aliases.length > 0
        ? `use the update service's names: ${aliases.join(', ')}`
        : 'e.g. --filter-by-archs amd64,arm64 (comma-separated)',
    );
  }
  return archs;
}

/**
 * `--version` of `list releases`: an OpenShift minor version `X.Y`. oc-mirror takes any text and then asks for
 * the channel `stable-<text>`, which for `4.13.5` silently lists nothing; a clear error is better.
 */
export function parseMinorVersion(text: string): string {
  const match = /^(0|[1-9]\d*)\.(0|[1-9]\d*)$/.exec(text.trim());
  if (!match) {
    throw new UsageError(
      `--version must be an OpenShift minor version X.Y, got "${text}"`,
      /^\d+\.\d+\.\d+/.test(text.trim())
        ? `use ${text.trim().split('.').slice(0, 2).join('.')}: channels are per minor version`
        : 'e.g. --version 4.13',
    );
  }
  return `${match[1]}.${match[2]}`;
}

/** `stable-4.13` → `4.13`; undefined when the name does not end in `-X.Y`. */
export function minorVersionOfChannel(channel: string): string | undefined {
  return /-((?:0|[1-9]\d*)\.(?:0|[1-9]\d*))$/.exec(channel)?.[1];
}

/** Every release version of a channel graph, ascending by semantic version, each once. */
export function channelVersions(graph: UpdateGraph): string[] {
  return [...new Set(graph.nodes.map((n) => n.version))].sort(compareReleaseVersions);
}

/**
 * The channels that publish a release of minor version `version` (X.Y), from the nodes' channel metadata.
 *
 * oc-mirror: takes the channels of *every* node of the graph, so `--channels --version 4.13` also lists
 * `stable-4.12`, `eus-4.12`… only because the stable-4.13 graph contains 4.12 releases as upgrade sources.
 * Here only the X.Y nodes count, so every channel listed really offers an X.Y release (including later
 * channels such as `stable-4.14` and `eus-4.14`, which is where 4.13 clusters upgrade from).
 */
export function channelsForVersion(graph: UpdateGraph, version: string): string[] {
  const channels = new Set<string>();
  for (const node of graph.nodes) {
    if (!isOfMinor(node.version, version)) continue;
    for (const channel of node.channels) channels.add(channel);
  }
  return [...channels].sort(compareChannelNames);
}

/** True when the graph has at least one release of minor version `version`. */
export function hasMinorVersion(graph: UpdateGraph, version: string): boolean {
  return graph.nodes.some((n) => isOfMinor(n.version, version));
}

function isOfMinor(releaseVersion: string, minor: string): boolean {
  // Release versions are strict semver (parseUpdateGraph checked them): `X.Y.` is an exact prefix test.
  return releaseVersion.startsWith(`${minor}.`);
}

/**
 * Channel name order: by prefix, then by X.Y numerically (so `stable-4.9` comes before `stable-4.10`), then by
 * name. oc-mirror sorts the plain strings, which gives the same order until a minor version has two digits.
 */
export function compareChannelNames(a: string, b: string): number {
  const va = minorVersionOfChannel(a);
  const vb = minorVersionOfChannel(b);
  const pa = va ? a.slice(0, -va.length - 1) : a;
  const pb = vb ? b.slice(0, -vb.length - 1) : b;
  if (pa !== pb) return pa < pb ? -1 : 1;
  if (va && vb && va !== vb) return compareMinor(va, vb);
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareMinor(a: string, b: string): number {
  const [amaj, amin] = a.split('.').map(Number);
  const [bmaj, bmin] = b.split('.').map(Number);
  return amaj - bmaj || amin - bmin;
}

/**
 * The X.Y versions named by release image tags (`4.13.0-x86_64`, `4.13.0-rc.1-aarch64`…), ascending,
 * each once. Signature tags (`….sig`) are skipped, as oc-mirror does.
 *
 * oc-mirror: its pattern `(\d+)\.(\d+).*` is not anchored, so any tag with digits-dot-digits somewhere
 * (`sha256-1a2b.3c4d` style tags of other artifacts) would add a bogus version; here the tag must start with
 * `X.Y`.
 */
export function minorVersionsFromTags(tags: readonly string[]): string[] {
  const found = new Set<string>();
  for (const tag of tags) {
    if (tag.endsWith('.sig')) continue;
    const match = /^(\d+)\.(\d+)/.exec(tag);
    if (!match) continue;
    found.add(`${Number(match[1])}.${Number(match[2])}`);
  }
  return [...found].sort(compareMinor);
}

// --- Orchestration over a graph source -------------------------------------------------------------------------

/** Fetches the graph of `channel` for `arch` (`''` = no arch parameter, the service's default). */
export type FetchChannelGraph = (channel: string, arch: string) => Promise<UpdateGraph>;

export interface ArchitectureVersions {
  architecture: string;
  versions: string[];
}

/**
 * The versions of `channel` for each architecture, in the order given. Like oc-mirror, a failing architecture
 * does not stop the others: `onListing` sees every successful one as soon as it is known, and the failures are
 * thrown together at the end (a single failure as it is, with its own hint). Cancellation stops at once.
 */
export async function listChannelVersions(
  fetchGraph: FetchChannelGraph,
  channel: string,
  architectures: readonly string[],
  onListing?: (listing: ArchitectureVersions) => void,
): Promise<ArchitectureVersions[]> {
  const listings: ArchitectureVersions[] = [];
  const failures: unknown[] = [];
  for (const architecture of architectures) {
    let graph: UpdateGraph;
    try {
      graph = await fetchGraph(channel, architecture);
    } catch (err) {
      if (err instanceof CancelledError) throw err;
      failures.push(err);
      continue;
    }
    const versions = channelVersions(graph);
    if (versions.length === 0) {
      failures.push(
        new ReleaseListingError(
          `channel "${channel}" has no releases for architecture ${architecture}`,
          'check the channel name (e.g. stable-4.13; list them with --channels --version X.Y) and the architecture',
        ),
      );
      continue;
    }
    const listing = { architecture, versions };
    listings.push(listing);
    onListing?.(listing);
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) {
    throw new ReleaseListingError(
      `${failures.length} of ${architectures.length} architectures failed:\n` +
        failures.map((f) => `  - ${describeError(f).replace(/\n/g, '\n    ')}`).join('\n'),
      undefined,
      failures[0],
    );
  }
  return listings;
}

export interface VersionChannels {
  version: string;
  /** The channel whose graph was read. */
  graphChannel: string;
  channels: string[];
}

/**
 * The channels of minor version `version`, read from the graph of `channel` when given, else `stable-X.Y`.
 * Before a version reaches stable (only candidate and fast releases exist) `stable-X.Y` has no X.Y release;
 * then `candidate-X.Y`, where every release appears first, is read instead. The graph is requested without an
 * architecture, as oc-mirror does: the channel names are the same for all of them.
 */
export async function listVersionChannels(
  fetchGraph: FetchChannelGraph,
  version: string,
  channel?: string,
): Promise<VersionChannels> {
  const candidates = channel ? [channel] : [`stable-${version}`, `candidate-${version}`];
  for (const graphChannel of candidates) {
    const graph = await fetchGraph(graphChannel, '');
    if (hasMinorVersion(graph, version)) {
      return { version, graphChannel, channels: channelsForVersion(graph, version) };
    }
  }
  throw new ReleaseListingError(
    `no ${version} release found in channel${candidates.length > 1 ? 's' : ''} ${candidates.join(', ')}`,
    channel
      ? `the graph of ${channel} holds no ${version}.z release: leave out --channel, or check the version`
      : `check the version: list the existing ones with \`ocm-tui list releases\``,
  );
}

// --- Text output (oc-mirror's wording) -------------------------------------------------------------------------

/**
 * The two lines oc-mirror prints (followed by a blank line) before the versions of a channel whose name starts
 * with `stable`.
 * `version` falls back to the channel's X.Y (oc-mirror prints an empty `--version=` when only `--channel` was
 * given).
 */
export function formatStableChannelNote(channel: string, version: string | undefined, program = 'ocm-tui'): string {
  const shown = version ?? minorVersionOfChannel(channel) ?? 'X.Y';
  return (
    'Listing stable channels. Use --channel=<name> to filter.\n' +
    `Use ${program} list releases --channels --version=${shown} to discover other channels.`
  );
}

/** One architecture's block: `Channel: …`, `Architecture: …`, then one version per line. */
export function formatArchitectureVersions(channel: string, listing: ArchitectureVersions): string {
  return [`Channel: ${channel}`, `Architecture: ${listing.architecture}`, ...listing.versions].join('\n');
}

export function formatVersionChannels(result: VersionChannels): string {
  return [`Listing channels for version ${result.version}:`, '', ...result.channels].join('\n');
}

export function formatMinorVersions(versions: readonly string[]): string {
  return ['Available OpenShift Container Platform release versions:', ...versions.map((v) => `  ${v}`)].join('\n');
}
