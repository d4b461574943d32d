/**
 * Which releases of a Cincinnati graph a channel entry selects (collectors.md §1.3) and the upgrade path
 * between several channels (§1.4). Pure functions over parsed graphs; the caller fetches the graphs (or reads
 * the recorded ones in disk-to-mirror) and decides what to do with warnings.
 *
 * Behaviour follows oc-mirror's `release/cincinnati.go` and `core-cincinnati.go`:
 * - lowest/highest are taken over every node the channel graph returns (a `stable-4.18` graph also holds 4.17.z);
 * - paths are breadth-first over the unconditional edges, neighbours tried highest version first, so among
 *   equally short paths the one through newer releases wins;
 * - a missing path is not an error: the two ends are still mirrored.
 */
import semver from 'semver';
import { OcmError } from '../../errors.js';
import type { ReleaseChannel } from '../../config/image-set-config.js';
import { compareReleaseVersions, isReleaseVersion, type ReleaseNode, type UpdateGraph } from './cincinnati-graph.js';

export type ReleaseVersionProblem =
  'NoVersionsFound' | 'VersionNotFound' | 'InvalidVersion' | 'InvalidVersionFilter' | 'InvalidChannelName';

/** A channel's versions cannot be resolved. `reason` is oc-mirror's reason word, also the message prefix. */
export class ReleaseVersionError extends OcmError {
  readonly reason: ReleaseVersionProblem;
  constructor(reason: ReleaseVersionProblem, message: string, hint?: string) {
    super('RELEASE_VERSION', `${reason}: ${message}`, { hint });
    this.reason = reason;
  }
}

export interface VersionRange {
  min: string;
  max: string;
}

/**
 * `VERSION_FILTER` (unsupported in oc-mirror too) as a RegExp. Go's RE2 and JavaScript agree on the patterns
 * people write for versions (`^4\.1[3-5]\.`); the match is unanchored in both.
 */
export function parseVersionFilter(text: string | undefined): RegExp | undefined {
  if (!text) return undefined;
  try {
    return new RegExp(text);
  } catch (err) {
    throw new ReleaseVersionError(
      'InvalidVersionFilter',
      `Version filter '${text}' is not a valid regular expression: ${(err as Error).message}`,
      'fix or unset the VERSION_FILTER environment variable',
    );
  }
}

/**
 * The channel's [min, max] after filling in what the configuration left out (§1.3 table):
 * heads only → highest..highest; `full` → lowest..highest; only min → min..highest; only max → lowest..max.
 * When both are given the graph is not consulted (oc-mirror does not even download it then).
 */
export function resolveChannelRange(graph: UpdateGraph, channel: ReleaseChannel, versionFilter?: RegExp): VersionRange {
  if (channel.minVersion && channel.maxVersion) return { min: channel.minVersion, max: channel.maxVersion };
  let max = channel.maxVersion;
  let min = channel.minVersion;
  if (!max) {
    max = channelBound(graph, channel.name, 'max', versionFilter);
    if (!min && !channel.full) min = max;
  }
  if (!min) min = channelBound(graph, channel.name, 'min', versionFilter);
  return { min, max };
}

/** Lowest or highest version in a channel graph, after the optional filter. */
export function channelBound(
  graph: UpdateGraph,
  channelName: string,
  which: 'min' | 'max',
  versionFilter?: RegExp,
): string {
  // String.search ignores `lastIndex`, so a /g filter does not skip every other node.
  const versions = graph.nodes.map((n) => n.version).filter((v) => !versionFilter || v.search(versionFilter) !== -1);
  if (versions.length === 0) {
    throw new ReleaseVersionError(
      'NoVersionsFound',
      `no cluster versions found in the "${channelName}" channel${versionFilter ? ` matching VERSION_FILTER ${versionFilter}` : ''}`,
      versionFilter
        ? 'the VERSION_FILTER environment variable excludes every release of the channel'
        : 'check the channel name and the architecture: the update service returned no releases for them',
    );
  }
  versions.sort(compareReleaseVersions);
  return which === 'min' ? versions[0] : versions[versions.length - 1];
}

export interface SelectOptions {
  min: string;
  max: string;
  shortestPath: boolean;
  /** Channel name for messages. */
  channel?: string;
}

/**
 * The releases one channel entry mirrors. Without `shortestPath`: every node with min ≤ version ≤ max, in
 * ascending version order (min and max need not be nodes). With it: the path min → max (min and max are always
 * included, alone when no path exists); min and max must then be nodes of the graph.
 */
export function selectReleases(graph: UpdateGraph, options: SelectOptions): ReleaseNode[] {
  const min = checkedVersion(options.min, 'minVersion', options.channel);
  const max = checkedVersion(options.max, 'maxVersion', options.channel);
  if (options.shortestPath) {
    const { current, requested, path } = pathBetween(graph, min, max, options.channel);
    return uniqueByPayload([current, ...path, requested]);
  }
  return graph.nodes
    .map((node, index) => ({ node, index }))
    .filter(
      ({ node }) => compareReleaseVersions(node.version, min) >= 0 && compareReleaseVersions(node.version, max) <= 0,
    )
    .sort((a, b) => compareReleaseVersions(a.node.version, b.node.version) || a.index - b.index)
    .map(({ node }) => node);
}

/**
 * The breadth-first shortest path `from` → `to` over the graph's edges, both ends included; `[]` when `to` cannot
 * be reached. Throws VersionNotFound when either end is not a node.
 */
export function shortestPath(graph: UpdateGraph, from: string, to: string, channel?: string): ReleaseNode[] {
  return pathBetween(graph, from, to, channel).path;
}

interface PathResult {
  current: ReleaseNode;
  requested: ReleaseNode;
  /** Empty when there is no path. */
  path: ReleaseNode[];
}

/** oc-mirror's `GetUpdates`: both end nodes (or VersionNotFound) and the path between them. */
function pathBetween(graph: UpdateGraph, from: string, to: string, channel: string | undefined): PathResult {
  const start = nodeIndex(graph, from);
  if (start < 0) throw versionNotFound(graph, from, 'current', channel);
  const end = nodeIndex(graph, to);
  if (end < 0) throw versionNotFound(graph, to, 'requested', channel);

  const next = new Map<number, number[]>();
  for (const [origin, destination] of graph.edges) {
    const list = next.get(origin);
    if (list) list.push(destination);
    else next.set(origin, [destination]);
  }
  for (const list of next.values()) {
    list.sort((a, b) => compareReleaseVersions(graph.nodes[b].version, graph.nodes[a].version));
  }

  const previous = new Map<number, number>([[start, -1]]);
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head];
    if (node === end) break;
    for (const neighbour of next.get(node) ?? []) {
      if (previous.has(neighbour)) continue;
      previous.set(neighbour, node);
      queue.push(neighbour);
    }
  }

  const current = graph.nodes[start];
  const requested = graph.nodes[end];
  if (!previous.has(end)) return { current, requested, path: [] };
  const path: ReleaseNode[] = [];
  for (let at = end; at !== -1; at = previous.get(at) ?? -1) path.push(graph.nodes[at]);
  return { current, requested, path: path.reverse() };
}

/** First node equal to `version` by precedence (build metadata ignored, as blang's EQ). */
function nodeIndex(graph: UpdateGraph, version: string): number {
  return graph.nodes.findIndex((n) => compareReleaseVersions(n.version, version) === 0);
}

function versionNotFound(
  graph: UpdateGraph,
  version: string,
  role: 'current' | 'requested',
  channel: string | undefined,
): ReleaseVersionError {
  const sorted = graph.nodes.map((n) => n.version).sort(compareReleaseVersions);
  const below = sorted.filter((v) => compareReleaseVersions(v, version) < 0).pop();
  const above = sorted.find((v) => compareReleaseVersions(v, version) > 0);
  const nearest = [below, above].filter((v): v is string => v !== undefined);
  return new ReleaseVersionError(
    'VersionNotFound',
    `${role} version ${version} not found in the ${channel ? `"${channel}" ` : ''}channel`,
    'an upgrade path starts and ends at releases of the channel' +
      (nearest.length > 0 ? `; the nearest are ${nearest.join(' and ')}` : ''),
  );
}

function checkedVersion(version: string, field: string, channel: string | undefined): string {
  if (isReleaseVersion(version)) return version;
  throw new ReleaseVersionError(
    'InvalidVersion',
    `${field} "${version}"${channel ? ` of channel "${channel}"` : ''} is not a semantic version`,
    'write release versions as X.Y.Z, e.g. 4.18.1 (no "v" prefix)',
  );
}

function uniqueByPayload(nodes: ReleaseNode[]): ReleaseNode[] {
  const seen = new Set<string>();
  return nodes.filter((n) => (seen.has(n.payload) ? false : (seen.add(n.payload), true)));
}

/**
 * The once-per-run EUS hint (§1.3): both bounds set, an `eus` channel, two minors or more apart. No behaviour
 * changes. oc-mirror subtracts unsigned minors, so a min beyond max also warns; an unparsable bound (which
 * crashes oc-mirror) gives no warning here, selection reports it instead.
 */
export function eusWarning(channel: ReleaseChannel): string | undefined {
  const { minVersion, maxVersion } = channel;
  if (!minVersion || !maxVersion || !channel.name.includes('eus')) return undefined;
  if (!isReleaseVersion(minVersion) || !isReleaseVersion(maxVersion)) return undefined;
  const span = semver.minor(maxVersion) - semver.minor(minVersion);
  if (span >= 0 && span < 2) return undefined;
  return (
    `Extended Update Support (EUS) channel ${channel.name} detected with minor version range >= 2 ` +
    `(${minVersion} to ${maxVersion}). Please refer to the web console ` +
    'https://access.redhat.com/labs/ocpupgradegraph/update_path to correctly determine the upgrade path for EUS releases'
  );
}

// --- Several channels (§1.4) ------------------------------------------------------------------------------------

export interface ChannelSelection {
  channel: ReleaseChannel;
  graph: UpdateGraph;
  /** Resolved bounds (resolveChannelRange). */
  min: string;
  max: string;
}

/**
 * Fetches the graph of a channel that is not configured (an intermediate `<prefix>-X.(Y+1)` hop). `version` is
 * the hop's start version, which oc-mirror sends as the `version` query parameter on these calls.
 */
export type FetchChannelGraph = (channelName: string, version?: string) => Promise<UpdateGraph>;

/**
 * The upgrade path from the overall lowest to the overall highest resolved version across the OCP channels,
 * when more than one channel is configured. Returns the start, every node on the paths, and the end, without
 * duplicates (the caller unites them with the per-channel selections). Errors are fatal release errors.
 */
export async function crossChannelReleases(
  channels: ChannelSelection[],
  fetchGraphFor: FetchChannelGraph,
  onWarning: (message: string) => void,
  versionFilter?: RegExp,
): Promise<ReleaseNode[]> {
  if (channels.length < 2) return [];
  const ocp = channels.filter((c) => c.channel.type === 'ocp');
  if (ocp.length === 0) return [];

  for (const c of ocp) {
    checkedVersion(c.min, 'minVersion', c.channel.name);
    checkedVersion(c.max, 'maxVersion', c.channel.name);
  }
  // Ties go to the channel listed first (oc-mirror's choice depends on Go's map order).
  const startSel = ocp.reduce((best, c) => (compareReleaseVersions(c.min, best.min) < 0 ? c : best));
  const endSel = ocp.reduce((best, c) => (compareReleaseVersions(c.max, best.max) > 0 ? c : best));

  const graphs = new Map<string, Promise<UpdateGraph>>();
  for (const c of ocp) if (!graphs.has(c.channel.name)) graphs.set(c.channel.name, Promise.resolve(c.graph));
  const graphOf = (name: string, version?: string): Promise<UpdateGraph> => {
    let graph = graphs.get(name);
    if (!graph) {
      graph = fetchGraphFor(name, version);
      graphs.set(name, graph);
    }
    return graph;
  };

  const first = startSel.min;
  const last = endSel.max;
  const startName = startSel.channel.name;
  const endName = endSel.channel.name;
  const endGraph = endSel.graph;

  if (startName === endName) {
    const r = pathBetween(endGraph, first, last, endName);
    return uniqueByPayload([r.current, ...r.path, r.requested]);
  }

  const source = splitChannelName(startName);
  const target = splitChannelName(endName);
  if (source.major === target.major && source.minor === target.minor) {
    if (!hasVersion(endGraph, endName, first)) {
      onWarning(`No upgrade path for ${first} in target channel ${endName}: ${first} is not a release of it`);
      return [pathBetween(endGraph, last, last, endName).requested];
    }
    const r = pathBetween(endGraph, first, last, endName);
    return uniqueByPayload([r.current, ...r.path, r.requested]);
  }
  if (source.major !== target.major || source.minor > target.minor) {
    throw new ReleaseVersionError(
      'InvalidChannelName',
      `cannot compute an upgrade path from channel "${startName}" (lowest version ${first}) to channel ` +
        `"${endName}" (highest version ${last}): it would have to step from ${source.major}.${source.minor} ` +
        `to ${target.major}.${target.minor} one minor version at a time`,
      'give the channel with the lowest minVersion the lower X.Y in its name, or mirror these channels in separate runs',
    );
  }

  // From the start version to the top of its own channel, then one minor at a time.
  const startGraph = startSel.graph;
  const latest = channelBound(startGraph, startName, 'max', versionFilter);
  const head = pathBetween(startGraph, first, latest, startName);
  const upgrades: ReleaseNode[] = [...head.path];
  let requested: ReleaseNode | undefined;
  let hopStart = latest;
  for (let minor = source.minor + 1; ; minor++) {
    const atTarget = minor === target.minor;
    const hopName = atTarget ? endName : `${source.prefix}-${source.major}.${minor}`;
    const hopGraph = atTarget ? endGraph : await graphOf(hopName, hopStart);
    const hopEnd = atTarget ? last : channelBound(hopGraph, hopName, 'max', versionFilter);
    if (!hasVersion(hopGraph, hopName, hopStart)) {
      // oc-mirror looks up the hop's own end in the end channel here; §1.4 adds the requested end version,
      // which also cannot fail on an intermediate version that the end channel does not carry.
      onWarning(
        `No upgrade path for ${hopStart} in target channel ${endName}: ${hopStart} is not a release of ` +
          `channel ${hopName}; only ${last} is added`,
      );
      requested = pathBetween(endGraph, last, last, endName).requested;
      break;
    }
    const hop = pathBetween(hopGraph, hopStart, hopEnd, hopName);
    // Only the path travels on, as in oc-mirror: a hop without a path contributes no nodes of its own.
    upgrades.push(...hop.path);
    requested = hop.requested;
    if (atTarget) break;
    hopStart = hopEnd;
  }
  return uniqueByPayload([head.current, ...upgrades, requested]);
}

/** True when `version` is a node of the channel graph; an empty graph is an error, as in oc-mirror. */
function hasVersion(graph: UpdateGraph, channelName: string, version: string): boolean {
  if (graph.nodes.length === 0) {
    throw new ReleaseVersionError(
      'NoVersionsFound',
      `no cluster versions found in the "${channelName}" channel`,
      'check the channel name and the architecture: the update service returned no releases for them',
    );
  }
  return nodeIndex(graph, version) >= 0;
}

/** `stable-4.18` → prefix `stable`, 4, 18: the name is split at its last `-`. */
export function splitChannelName(name: string): { prefix: string; major: number; minor: number } {
  const at = name.lastIndexOf('-');
  const match = at > 0 ? /^(0|[1-9]\d*)\.(0|[1-9]\d*)$/.exec(name.slice(at + 1)) : null;
  if (!match) {
    throw new ReleaseVersionError(
      'InvalidChannelName',
      `invalid channel name ${name}: expected <prefix>-<major>.<minor>, e.g. stable-4.18`,
      'upgrade paths across several OCP channels are computed from the X.Y in the channel names',
    );
  }
  return { prefix: name.slice(0, at), major: Number(match[1]), minor: Number(match[2]) };
}
