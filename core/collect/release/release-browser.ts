/**
 * The config builder's view of a release channel: its versions, and which releases a channel entry (min/max,
 * `full`, `shortestPath`) selects — computed with the functions the release collector runs
 * ({@link resolveChannelRange}, {@link selectReleases}), so the count the builder shows is what the mirror takes.
 */
import { describeError } from '../../errors.js';
import type { ReleaseChannel } from '../../config/image-set-config.js';
import { channelVersions } from './release-listing.js';
import { resolveChannelRange, selectReleases } from './version-selection.js';
import type { UpdateGraph } from './cincinnati-graph.js';

export { channelVersions };

export interface ReleaseChoice {
  name: string;
  minVersion?: string;
  maxVersion?: string;
  shortestPath: boolean;
  full: boolean;
}

export interface SelectedReleases {
  versions: string[];
  /** Payload pull specs of the selected releases (same order). */
  payloads: string[];
  /** The release selection would fail in the mirror (the collector's message). */
  error?: string;
}

/** The release versions one channel entry selects from `graph`, ascending (the path order with shortestPath). */
export function selectedReleases(graph: UpdateGraph, choice: ReleaseChoice): SelectedReleases {
  const channel: ReleaseChannel = {
    name: choice.name,
    type: 'ocp',
    minVersion: choice.minVersion,
    maxVersion: choice.maxVersion,
    shortestPath: choice.shortestPath,
    full: choice.full,
  };
  try {
    const range = resolveChannelRange(graph, channel);
    const nodes = selectReleases(graph, { ...range, shortestPath: choice.shortestPath, channel: choice.name });
    return { versions: nodes.map((n) => n.version), payloads: nodes.map((n) => n.payload) };
  } catch (err) {
    return { versions: [], payloads: [], error: describeError(err) };
  }
}
