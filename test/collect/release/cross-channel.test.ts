/**
 * Upgrade paths across several channels (collectors.md §1.4) on the real graphs.
 *
 * Which channel graphs we have, read from the nodes' `io.openshift.upgrades.graph.release.channels` metadata:
 * - amd64-stable-4.13.json: all 98 nodes list stable-4.13, fast-4.13, candidate-4.13 and eus-4.14; the 57
 *   4.12.z nodes also list stable-4.12; the 41 4.13.z nodes also list stable-4.14.
 * - graph-4.14-4.15.json: all 55 nodes list stable-4.15 (and eus-4.16): it is the stable-4.15 answer; its 34
 *   4.14.z nodes also list stable-4.14.
 * A channel not answered directly (stable-4.12, stable-4.14) is built as the update service builds it: the nodes
 * listing the channel and the edges among them.
 *
 * Facts of the graphs used below (read by hand):
 * - stable-4.12: 4.12.10 → 4.12.58 is an edge. stable-4.13: 4.12.58 → 4.13.43 and 4.12.50 → 4.13.43 are edges;
 *   4.12.48 → 4.13.33 → 4.13.36 → 4.13.40 is the only shortest path; 4.13.43 has no outgoing edge.
 * - stable-4.15: 4.14.33 has no outgoing edge (4.14.33 → 4.15.23 exists only as a conditional edge, ignored);
 *   no 4.14.z → 4.15.z edge is unconditional in this snapshot.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReleaseChannel } from '../../../core/config/image-set-config.js';
import type { UpdateGraph } from '../../../core/collect/release/cincinnati-graph.js';
import {
  ReleaseVersionError,
  crossChannelReleases,
  resolveChannelRange,
  selectReleases,
  type ChannelSelection,
} from '../../../core/collect/release/version-selection.js';
import {
  STABLE_413_FILE,
  STABLE_415_FILE,
  channelSubgraph,
  loadGraph,
  unionGraph,
  versionsOf,
} from './cincinnati-fixtures.js';

const stable413 = loadGraph(STABLE_413_FILE);
const stable415 = loadGraph(STABLE_415_FILE);
const stable412 = channelSubgraph(stable413, 'stable-4.12');
/** stable-4.14 as far as this snapshot knows it: 4.13.z from the 4.13 answer plus 4.14.z from the 4.15 one. */
const stable414Full = unionGraph(channelSubgraph(stable413, 'stable-4.14'), channelSubgraph(stable415, 'stable-4.14'));
/** stable-4.14 with its 4.14.z nodes only. */
const stable414Only = channelSubgraph(stable415, 'stable-4.14');

function selection(graph: UpdateGraph, fields: Partial<ReleaseChannel> & { name: string }): ChannelSelection {
  const channel: ReleaseChannel = { type: 'ocp', ...fields };
  return { channel, graph, ...resolveChannelRange(graph, channel) };
}

interface Recorder {
  fetched: [string, string | undefined][];
  warnings: string[];
  fetch: (name: string, version?: string) => Promise<UpdateGraph>;
  warn: (message: string) => void;
}

function recorder(graphs: Record<string, UpdateGraph> = {}): Recorder {
  const r: Recorder = {
    fetched: [],
    warnings: [],
    fetch: async (name, version) => {
      r.fetched.push([name, version]);
      const graph = graphs[name];
      if (!graph) throw new Error(`unexpected fetch of ${name}`);
      return graph;
    },
    warn: (message) => r.warnings.push(message),
  };
  return r;
}

test('the derived channel graphs have the sizes the metadata promises', () => {
  assert.equal(stable412.nodes.length, 57);
  assert.equal(stable414Only.nodes.length, 34);
  assert.equal(stable414Full.nodes.length, 41 + 34);
  assert.ok(stable412.edges.length > 0 && stable414Only.edges.length > 0);
});

test('stable-4.12 (from 4.12.10) + stable-4.13 (heads only): path to the 4.12 head, then into 4.13', async () => {
  const channels = [
    selection(stable412, { name: 'stable-4.12', minVersion: '4.12.10' }),
    selection(stable413, { name: 'stable-4.13' }),
  ];
  assert.deepEqual(
    channels.map((c) => [c.min, c.max]),
    [
      ['4.12.10', '4.12.58'],
      ['4.13.43', '4.13.43'],
    ],
  );
  const r = recorder();
  const nodes = await crossChannelReleases(channels, r.fetch, r.warn);
  assert.deepEqual(versionsOf(nodes), ['4.12.10', '4.12.58', '4.13.43']);
  assert.deepEqual(r.fetched, []);
  assert.deepEqual(r.warnings, []);
  // The union with the per-channel selections adds 4.13.43 to stable-4.12's 47 releases and nothing else.
  const perChannel = channels.flatMap((c) => selectReleases(c.graph, { min: c.min, max: c.max, shortestPath: false }));
  const union = new Set([...perChannel, ...nodes].map((n) => n.payload));
  assert.equal(perChannel.length, 47 + 1);
  assert.equal(union.size, 48);
});

test('stable-4.14 + stable-4.15, both heads only: the two heads; the conditional edge between them is not used', async () => {
  const channels = [selection(stable414Only, { name: 'stable-4.14' }), selection(stable415, { name: 'stable-4.15' })];
  const r = recorder();
  const nodes = await crossChannelReleases(channels, r.fetch, r.warn);
  assert.deepEqual(versionsOf(nodes), ['4.14.33', '4.15.23']);
  assert.deepEqual(r.warnings, []);
});

test('stable-4.13 (from 4.12.50) + stable-4.15: the stable-4.14 hop is fetched with the hop start as version', async () => {
  const channels = [
    selection(stable413, { name: 'stable-4.13', minVersion: '4.12.50' }),
    selection(stable415, { name: 'stable-4.15' }),
  ];
  const r = recorder({ 'stable-4.14': stable414Full });
  const nodes = await crossChannelReleases(channels, r.fetch, r.warn);
  // 4.12.50 → 4.13.43 in stable-4.13; 4.13.43 has no edge into 4.14 and 4.14.33 none into 4.15 here, so the
  // hops add nothing (as in oc-mirror, a hop without a path drops its own head 4.14.33); the end is added.
  assert.deepEqual(versionsOf(nodes), ['4.12.50', '4.13.43', '4.15.23']);
  assert.deepEqual(r.fetched, [['stable-4.14', '4.13.43']]);
  assert.deepEqual(r.warnings, []);
});

test('a hop channel without the hop start: "No upgrade path" warning, only the end version is added', async () => {
  const channels = [
    selection(stable413, { name: 'stable-4.13', minVersion: '4.12.50' }),
    selection(stable415, { name: 'stable-4.15' }),
  ];
  const r = recorder({ 'stable-4.14': stable414Only });
  const nodes = await crossChannelReleases(channels, r.fetch, r.warn);
  assert.deepEqual(versionsOf(nodes), ['4.12.50', '4.13.43', '4.15.23']);
  assert.deepEqual(r.warnings, [
    'No upgrade path for 4.13.43 in target channel stable-4.15: 4.13.43 is not a release of channel stable-4.14; ' +
      'only 4.15.23 is added',
  ]);
});

test('same X.Y (eus-4.14 full, stable-4.14 heads): start not in the end channel → blocked, end version only', async () => {
  const channels = [
    selection(stable413, { name: 'eus-4.14', full: true }),
    selection(stable414Only, { name: 'stable-4.14' }),
  ];
  assert.deepEqual([channels[0].min, channels[1].max], ['4.12.0', '4.14.33']);
  const r = recorder();
  const nodes = await crossChannelReleases(channels, r.fetch, r.warn);
  assert.deepEqual(versionsOf(nodes), ['4.14.33']);
  assert.deepEqual(r.warnings, [
    'No upgrade path for 4.12.0 in target channel stable-4.14: 4.12.0 is not a release of it',
  ]);
});

test('same X.Y (stable-4.13 and fast-4.13): shortest path in the end channel', async () => {
  const channels = [
    selection(stable413, { name: 'stable-4.13', minVersion: '4.12.48', maxVersion: '4.13.10' }),
    selection(stable413, { name: 'fast-4.13', minVersion: '4.13.20', maxVersion: '4.13.40' }),
  ];
  const r = recorder();
  const nodes = await crossChannelReleases(channels, r.fetch, r.warn);
  assert.deepEqual(versionsOf(nodes), ['4.12.48', '4.13.33', '4.13.36', '4.13.40']);
  assert.deepEqual(r.warnings, []);
});

test('start and end in the same channel: shortest path inside it', async () => {
  const channels = [
    selection(stable412, { name: 'stable-4.12' }),
    selection(stable413, { name: 'stable-4.13', full: true }),
  ];
  const r = recorder();
  assert.deepEqual(versionsOf(await crossChannelReleases(channels, r.fetch, r.warn)), ['4.12.0', '4.12.58', '4.13.43']);
});

test('one channel, or only OKD channels: nothing; OKD channels are left out of the path', async () => {
  const r = recorder();
  assert.deepEqual(await crossChannelReleases([selection(stable413, { name: 'stable-4.13' })], r.fetch, r.warn), []);
  const okd = (name: string) => selection(stable413, { name, type: 'okd' });
  assert.deepEqual(await crossChannelReleases([okd('4-stable'), okd('4-next')], r.fetch, r.warn), []);
  // With the OKD channel ignored, the one OCP channel is start and end: path from its min to its max.
  const mixed = [okd('4-stable'), selection(stable413, { name: 'stable-4.13', minVersion: '4.12.0' })];
  assert.deepEqual(versionsOf(await crossChannelReleases(mixed, r.fetch, r.warn)), ['4.12.0', '4.12.58', '4.13.43']);
});

test('channel names without X.Y, or a start channel beyond the end channel, are errors', async () => {
  const r = recorder();
  await assert.rejects(
    crossChannelReleases(
      [selection(stable412, { name: 'stable' }), selection(stable413, { name: 'stable-4.13' })],
      r.fetch,
      r.warn,
    ),
    (err: unknown) => err instanceof ReleaseVersionError && /invalid channel name stable:/.test(err.message),
  );
  await assert.rejects(
    crossChannelReleases(
      [
        selection(stable415, { name: 'eus-4.16', minVersion: '4.14.0', maxVersion: '4.14.10' }),
        selection(stable415, { name: 'stable-4.15' }),
      ],
      r.fetch,
      r.warn,
    ),
    /cannot compute an upgrade path from channel "eus-4.16"/,
  );
});
