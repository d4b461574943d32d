/**
 * Which payloads the channels of `mirror.platform` select (collectors.md §1.2–§1.5): per architecture, each
 * channel's graph (from Cincinnati, recorded in the working-dir; read back in D2M), its resolved range, the
 * releases in it, and with several channels the cross-channel upgrade path. De-duplicated by payload digest.
 */
import type { ReleasePlatform } from '../../config/image-set-config.js';
import type { CollectContext } from '../collector.js';
import { parseImageReference } from '../../reference/image-reference.js';
import { CincinnatiClient, onlineGraphSource, recordedGraphSource, type GraphSource } from './cincinnati-client.js';
import {
  crossChannelReleases,
  eusWarning,
  parseVersionFilter,
  resolveChannelRange,
  selectReleases,
  type ChannelSelection,
} from './version-selection.js';
import type { ReleaseNode } from './cincinnati-graph.js';

export interface SelectedRelease {
  /** Payload pull spec by digest, without transport (`quay.io/openshift-release-dev/ocp-release@sha256:…`). */
  payload: string;
  digest: string;
  version?: string;
  /** Cincinnati architecture it was found for. */
  arch?: string;
  /**
   * `mirror.platform.release` given with a tag: that reference. Without a verified signature (an ignored one) it is
   * the identity, so the payload keeps its tag (collectors.md §1.9: the digest hex only for a digest-only reference).
   */
  tagged?: string;
}

/** Cincinnati `arch` values to query: `multi` for `platforms`, else `architectures`, else amd64 (§1.5). */
export function graphArchitectures(platform: ReleasePlatform): string[] {
  if (platform.platforms && platform.platforms.length > 0) return ['multi'];
  if (platform.architectures && platform.architectures.length > 0) return [...new Set(platform.architectures)];
  return ['amd64'];
}

export async function releasesOfChannels(
  platform: ReleasePlatform,
  ctx: CollectContext,
  onWarning: (message: string) => void,
): Promise<SelectedRelease[]> {
  const env = ctx.env ?? {};
  const fromCache = ctx.workflow === 'diskToMirror' || ctx.workflow === 'delete';
  const client = fromCache
    ? undefined
    : new CincinnatiClient({
        env,
        retry: { times: ctx.copy?.retryTimes ?? 5, delayMs: ctx.copy?.retryDelayMs ?? 0 },
        onRetry: (info) => ctx.emit({ type: 'retry', ...info }),
      });
  const source: GraphSource = client ? onlineGraphSource(client, ctx.workingDir) : recordedGraphSource(ctx.workingDir);
  const filter = parseVersionFilter(env.VERSION_FILTER);
  const channels = platform.channels ?? [];
  const found = new Map<string, SelectedRelease>();
  const add = (node: ReleaseNode, arch: string) => {
    const ref = parseImageReference(node.payload);
    if (!ref.digest) {
      onWarning(
        `release ${node.version}: the update graph names its payload without a digest (${node.payload}); skipped`,
      );
      return;
    }
    if (!found.has(ref.digest))
      found.set(ref.digest, { payload: node.payload, digest: ref.digest, version: node.version, arch });
  };
  try {
    for (const channel of channels) {
      const warning = eusWarning(channel);
      if (warning) onWarning(warning);
    }
    // Each architecture resolves its channels on its own graphs (oc-mirror reuses the first one's bounds).
    for (const arch of graphArchitectures(platform)) {
      const selections: ChannelSelection[] = [];
      for (const channel of channels) {
        ctx.signal.throwIfAborted();
        const graph = await source.graph({ channel: channel.name, arch, type: channel.type, signal: ctx.signal });
        const range = resolveChannelRange(graph, channel, filter);
        selections.push({ channel, graph, ...range });
        const nodes = selectReleases(graph, {
          ...range,
          shortestPath: Boolean(channel.shortestPath),
          channel: channel.name,
        });
        for (const node of nodes) add(node, arch);
      }
      if (channels.length > 1) {
        const fetch = (name: string, version?: string) =>
          source.graph({ channel: name, arch, version, type: 'ocp', signal: ctx.signal });
        for (const node of await crossChannelReleases(selections, fetch, onWarning, filter)) add(node, arch);
      }
    }
  } finally {
    await client?.close();
  }
  return [...found.values()];
}
