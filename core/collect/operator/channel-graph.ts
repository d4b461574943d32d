/**
 * The upgrade graph of one FBC channel and the catalog filter's walks over it (collectors.md §2.7), as the
 * catalog-filter library's `newChannel` / `filterByVersionRange` do them:
 *
 * - edges go from an entry to its `replaces` and to each of its `skips`; `skipRange` is ignored;
 * - a name that is only referenced (not an entry) becomes a placeholder node;
 * - the head is the single entry nothing points to; zero or several heads, duplicate entries, self edges and
 *   cycles are errors (all problems found are reported together, one per line, like Go's `errors.Join`).
 */
import { OcmError } from '../../errors.js';
import type { FbcChannelEntry } from './fbc-model.js';
import {
  formatVersion,
  formatVersionRange,
  rangeContains,
  type MastermindsVersion,
  type VersionRange,
} from './masterminds-range.js';
import { byCodeUnit } from '../../code-unit-order.js';

/** A node of the graph: a channel entry, or a placeholder for a name only referenced by one. */
export interface ChannelNode {
  readonly name: string;
  /** False for a placeholder (a `replaces`/`skips` target that is not an entry of the channel). */
  readonly isEntry: boolean;
  /** The node this one replaces. */
  readonly replaces?: ChannelNode;
  /** The nodes this one skips (distinct, in the order first written). */
  readonly skips: readonly ChannelNode[];
}

export interface ChannelGraph {
  readonly head: ChannelNode;
  /** Every node by name, placeholders included. */
  readonly nodes: ReadonlyMap<string, ChannelNode>;
}

/** The channel's entries do not form a valid upgrade graph. `problems` holds one message per problem. */
export class ChannelGraphError extends OcmError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super('CHANNEL_GRAPH', problems.join('\n'));
    this.problems = problems;
  }
}

/** The channel-like input: only the entries matter. */
export interface ChannelEntries {
  entries: readonly FbcChannelEntry[];
}

interface MutableNode {
  name: string;
  isEntry: boolean;
  replaces?: MutableNode;
  skips: MutableNode[];
}

/** Builds and validates the graph; throws {@link ChannelGraphError} with the library's messages. */
export function buildChannelGraph(channel: ChannelEntries): ChannelGraph {
  const entries = channel.entries ?? [];
  if (entries.length === 0) throw new ChannelGraphError(['channel has no entries']);

  const nodes = new Map<string, MutableNode>();
  const node = (name: string): MutableNode => {
    let n = nodes.get(name);
    if (!n) {
      n = { name, isEntry: false, skips: [] };
      nodes.set(name, n);
    }
    return n;
  };
  // For each target name, the distinct nodes pointing at it (an entry that both replaces and skips X counts once).
  const incoming = new Map<string, Set<MutableNode>>();
  const addEdge = (from: MutableNode, to: MutableNode): void => {
    let set = incoming.get(to.name);
    if (!set) incoming.set(to.name, (set = new Set()));
    set.add(from);
  };

  const problems: string[] = [];
  const seenEntries = new Set<string>();
  for (const e of entries) {
    const current = node(e.name);
    if (seenEntries.has(e.name)) {
      problems.push(`duplicate channel entry ${JSON.stringify(e.name)}`);
      continue;
    }
    seenEntries.add(e.name);
    current.isEntry = true;
    if (e.replaces) {
      if (e.replaces === e.name) problems.push(`invalid channel entry ${JSON.stringify(e.name)}: replaces itself`);
      const target = node(e.replaces);
      addEdge(current, target);
      current.replaces = target;
    }
    const skips = new Set<MutableNode>();
    for (const skipName of e.skips ?? []) {
      if (skipName === e.name) problems.push(`invalid channel entry ${JSON.stringify(e.name)}: skips itself`);
      const target = node(skipName);
      addEdge(current, target);
      skips.add(target);
    }
    if (skips.size > 0) current.skips = [...skips];
  }

  // Every entry without an incoming edge is a head (a duplicated one is listed twice, as in the library).
  const heads = entries.filter((e) => (incoming.get(e.name)?.size ?? 0) === 0).map((e) => node(e.name));
  if (heads.length === 0) {
    problems.push('no channel heads found');
  } else if (heads.length > 1) {
    const names = heads.map((h) => h.name).sort(byCodeUnit);
    problems.push(`multiple channel heads found: [${names.join(' ')}]`);
  }
  if (problems.length > 0) throw new ChannelGraphError(problems);

  // Topological walk from the head over replaces and skips edges: whatever keeps an incoming edge was not
  // reached from the head, which (with a single head) means a cycle.
  const queue: MutableNode[] = [heads[0]];
  const release = (from: MutableNode, to: MutableNode): void => {
    const set = incoming.get(to.name);
    if (!set) return;
    set.delete(from);
    if (set.size === 0) {
      incoming.delete(to.name);
      queue.push(to);
    }
  };
  for (let i = 0; i < queue.length; i++) {
    const current = queue[i];
    if (current.replaces) release(current, current.replaces);
    for (const skip of current.skips) release(current, skip);
  }
  if (incoming.size > 0) throw new ChannelGraphError(['detected a cycle in the upgrade graph of the channel']);

  return { head: heads[0], nodes };
}

/** The name of the channel's head entry; throws {@link ChannelGraphError} like {@link buildChannelGraph}. */
export function channelHead(channel: ChannelEntries): string {
  return buildChannelGraph(channel).head.name;
}

export interface RangeWalkResult {
  /**
   * Names to keep, chain nodes from the new head down plus their in-range skips. May include names that are
   * not entries of the channel (placeholders that a bundle elsewhere in the package answers to).
   */
  keep: Set<string>;
  /** One message per kept chain node that is unversioned or outside the range. */
  warnings: string[];
}

/**
 * The version-range walk (collectors.md §2.7 steps 1–4) over the replaces chain from the head and the skips
 * of chain members. `versionOf` gives a name's bundle version (undefined: no bundle, "unversioned").
 *
 * For each chain node, count the distinct in-range bundles at or below it (itself, its skips, everything below
 * it on the chain; each counted once, deepest first). The new head is the lowest chain node whose count equals
 * the head's; the tail is the first node from the top whose count is 0. Every chain node from the new head down
 * to (excluding) the tail is kept, in range or not, with those nodes' in-range skips.
 */
export function walkVersionRange(
  graph: ChannelGraph,
  range: VersionRange,
  versionOf: (name: string) => MastermindsVersion | undefined,
): RangeWalkResult {
  const inRange = (n: ChannelNode): boolean => {
    const v = versionOf(n.name);
    return v !== undefined && rangeContains(range, v);
  };
  const chain: ChannelNode[] = [];
  for (let cur: ChannelNode | undefined = graph.head; cur; cur = cur.replaces) chain.push(cur);

  const counts = new Array<number>(chain.length);
  const seen = new Set<string>();
  let below = 0;
  for (let i = chain.length - 1; i >= 0; i--) {
    let count = below;
    for (const n of [chain[i], ...chain[i].skips]) {
      if (!seen.has(n.name) && inRange(n)) {
        seen.add(n.name);
        count++;
      }
    }
    counts[i] = below = count;
  }

  let headIndex = 0;
  let tailIndex = chain.length;
  let max = -1;
  for (let i = 0; i < chain.length; i++) {
    if (counts[i] >= max) {
      headIndex = i;
      max = counts[i];
    }
    if (counts[i] === 0) {
      tailIndex = i;
      break;
    }
  }

  const keep = new Set<string>();
  const warnings: string[] = [];
  for (let i = headIndex; i < tailIndex; i++) {
    const cur = chain[i];
    const version = versionOf(cur.name);
    if (version === undefined) {
      warnings.push(
        `including bundle ${JSON.stringify(cur.name)}: it is unversioned but is required to ensure inclusion of all bundles in the range`,
      );
    } else if (!rangeContains(range, version)) {
      warnings.push(
        `including bundle ${JSON.stringify(cur.name)} with version ${JSON.stringify(formatVersion(version))}: ` +
          `it falls outside the specified range of ${JSON.stringify(formatVersionRange(range))} ` +
          'but is required to ensure inclusion of all bundles in the range',
      );
    }
    keep.add(cur.name);
    for (const skip of cur.skips) if (inRange(skip)) keep.add(skip.name);
  }
  return { keep, warnings };
}
