/**
 * Version selection on the real stable-4.13 graph (98 nodes). Expected versions were read off the graph by hand:
 * - the channel holds 4.12.0 … 4.12.58 without 4.12.38 and 4.12.52 (57 releases) and 4.13.0 … 4.13.43 without
 *   4.13.7, 4.13.16 and 4.13.20 (41 releases); the highest is 4.13.43 (not 4.13.9, the highest as text);
 * - 4.13.43 has no outgoing edge; 4.12.58 → 4.13.43 is its only edge; 4.12.0 → 4.12.58 is an edge;
 * - 4.12.48 reaches 4.13.40 only through 4.13.33 → 4.13.36 (3 hops, no shorter path);
 * - 4.12.6 reaches 4.13.42 in 2 hops through any of 18 releases (4.12.16 … 4.12.57); 4.12.57 is the highest;
 * - 4.12.50 → 4.13.38 exists only as a conditional edge; unconditionally it is 4.12.50 → 4.13.36 → 4.13.38;
 * - 4.12.55 cannot reach 4.13.2 (it only leads to newer 4.13 releases).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReleaseChannel } from '../../../core/config/image-set-config.js';
import { parseUpdateGraph, type UpdateGraph } from '../../../core/collect/release/cincinnati-graph.js';
import {
  ReleaseVersionError,
  channelBound,
  eusWarning,
  parseVersionFilter,
  resolveChannelRange,
  selectReleases,
  shortestPath,
} from '../../../core/collect/release/version-selection.js';
import { STABLE_413_FILE, loadGraph, versionsOf } from './cincinnati-fixtures.js';

const graph = loadGraph(STABLE_413_FILE);

/** `X.Y.from` … `X.Y.to` without the patch numbers in `missing`. */
function patches(minor: string, from: number, to: number, missing: number[] = []): string[] {
  const out: string[] = [];
  for (let p = from; p <= to; p++) if (!missing.includes(p)) out.push(`${minor}.${p}`);
  return out;
}

const ALL_4_13_CHANNEL = [...patches('4.12', 0, 58, [38, 52]), ...patches('4.13', 0, 43, [7, 16, 20])];

function channel(fields: Partial<ReleaseChannel> = {}): ReleaseChannel {
  return { name: 'stable-4.13', type: 'ocp', ...fields };
}

function select(ch: ReleaseChannel, filter?: RegExp): string[] {
  const range = resolveChannelRange(graph, ch, filter);
  return versionsOf(selectReleases(graph, { ...range, shortestPath: ch.shortestPath ?? false, channel: ch.name }));
}

test('heads only: min = max = the highest version by semver', () => {
  assert.equal(ALL_4_13_CHANNEL.length, 98);
  assert.deepEqual(resolveChannelRange(graph, channel()), { min: '4.13.43', max: '4.13.43' });
  assert.deepEqual(select(channel()), ['4.13.43']);
});

test('full: every release of the channel, ascending', () => {
  assert.deepEqual(resolveChannelRange(graph, channel({ full: true })), { min: '4.12.0', max: '4.13.43' });
  assert.deepEqual(select(channel({ full: true })), ALL_4_13_CHANNEL);
});

test('only minVersion: min up to the highest', () => {
  assert.deepEqual(resolveChannelRange(graph, channel({ minVersion: '4.13.40' })), {
    min: '4.13.40',
    max: '4.13.43',
  });
  assert.deepEqual(select(channel({ minVersion: '4.13.40' })), ['4.13.40', '4.13.41', '4.13.42', '4.13.43']);
});

test('only maxVersion: from the LOWEST version up to max, with or without full', () => {
  for (const full of [false, true]) {
    assert.deepEqual(resolveChannelRange(graph, channel({ maxVersion: '4.12.3', full })), {
      min: '4.12.0',
      max: '4.12.3',
    });
    assert.deepEqual(select(channel({ maxVersion: '4.12.3', full })), ['4.12.0', '4.12.1', '4.12.2', '4.12.3']);
  }
});

test('both bounds: the range, across the minor boundary; bounds need not be releases', () => {
  assert.deepEqual(select(channel({ minVersion: '4.12.55', maxVersion: '4.13.2' })), [
    '4.12.55',
    '4.12.56',
    '4.12.57',
    '4.12.58',
    '4.13.0',
    '4.13.1',
    '4.13.2',
  ]);
  // 4.13.7 is not a release of the channel: the range simply has no such node.
  assert.deepEqual(select(channel({ minVersion: '4.13.5', maxVersion: '4.13.8' })), ['4.13.5', '4.13.6', '4.13.8']);
  // Both set: the graph is not consulted at all (oc-mirror does not download it either).
  const empty: UpdateGraph = { nodes: [], edges: [] };
  assert.deepEqual(resolveChannelRange(empty, channel({ minVersion: '4.1.0', maxVersion: '4.2.0' })), {
    min: '4.1.0',
    max: '4.2.0',
  });
});

test('shortestPath: the exact breadth-first paths of the real graph', () => {
  const path = (from: string, to: string) => versionsOf(shortestPath(graph, from, to, 'stable-4.13'));
  assert.deepEqual(path('4.12.0', '4.13.43'), ['4.12.0', '4.12.58', '4.13.43']);
  assert.deepEqual(path('4.12.48', '4.13.40'), ['4.12.48', '4.13.33', '4.13.36', '4.13.40']);
  // 18 two-hop paths exist; neighbours are tried highest first, so the path goes through 4.12.57.
  assert.deepEqual(path('4.12.6', '4.13.42'), ['4.12.6', '4.12.57', '4.13.42']);
  // The conditional edge 4.12.50 → 4.13.38 is not used.
  assert.deepEqual(path('4.12.50', '4.13.38'), ['4.12.50', '4.13.36', '4.13.38']);
  assert.deepEqual(path('4.13.43', '4.13.43'), ['4.13.43']);
  assert.deepEqual(path('4.12.55', '4.13.2'), []);

  const shortest = (minVersion: string, maxVersion: string) =>
    select(channel({ minVersion, maxVersion, shortestPath: true }));
  assert.deepEqual(shortest('4.12.48', '4.13.40'), ['4.12.48', '4.13.33', '4.13.36', '4.13.40']);
  // No path: only the two ends, no error.
  assert.deepEqual(shortest('4.12.55', '4.13.2'), ['4.12.55', '4.13.2']);
  // Heads only with shortestPath: one release.
  assert.deepEqual(select(channel({ shortestPath: true })), ['4.13.43']);
  // Selected nodes carry their payloads.
  const [node] = selectReleases(graph, { min: '4.13.43', max: '4.13.43', shortestPath: true });
  assert.equal(
    node.payload,
    'quay.io/openshift-release-dev/ocp-release@sha256:d0da3d9b016e6d693a61c9425598921b6d0da99c52cb0f3404f6dbc126149e5d',
  );
});

test('shortestPath with a bound that is not a release: VersionNotFound naming it and its neighbours', () => {
  assert.throws(
    () => selectReleases(graph, { min: '4.13.7', max: '4.13.43', shortestPath: true, channel: 'stable-4.13' }),
    (err: unknown) => {
      assert.ok(err instanceof ReleaseVersionError);
      assert.equal(err.reason, 'VersionNotFound');
      assert.equal(err.code, 'RELEASE_VERSION');
      assert.equal(err.message, 'VersionNotFound: current version 4.13.7 not found in the "stable-4.13" channel');
      assert.match(err.hint ?? '', /the nearest are 4\.13\.6 and 4\.13\.8/);
      return true;
    },
  );
  assert.throws(
    () => shortestPath(graph, '4.12.0', '4.14.0'),
    /VersionNotFound: requested version 4\.14\.0 not found in the channel/,
  );
});

test('VERSION_FILTER narrows lowest/highest; no match → no cluster versions found', () => {
  const filter = parseVersionFilter('^4\\.12\\.');
  assert.deepEqual(resolveChannelRange(graph, channel(), filter), { min: '4.12.58', max: '4.12.58' });
  assert.deepEqual(resolveChannelRange(graph, channel({ full: true }), filter), { min: '4.12.0', max: '4.12.58' });
  // A global flag does not make every other test fail (String.search ignores lastIndex).
  assert.equal(channelBound(graph, 'stable-4.13', 'max', /4\.13\.4/g), '4.13.43');
  assert.throws(
    () => resolveChannelRange(graph, channel(), /^4\.14\./),
    (err: unknown) => {
      assert.ok(err instanceof ReleaseVersionError);
      assert.equal(err.reason, 'NoVersionsFound');
      assert.match(err.message, /no cluster versions found in the "stable-4\.13" channel matching VERSION_FILTER/);
      return true;
    },
  );
  assert.equal(parseVersionFilter(''), undefined);
  assert.throws(() => parseVersionFilter('4.1[3'), /InvalidVersionFilter: Version filter '4\.1\[3' is not a valid/);
});

test('an empty channel graph: no cluster versions found, naming the channel', () => {
  const empty = parseUpdateGraph('{"nodes":[],"edges":[]}', 'test');
  assert.throws(
    () => resolveChannelRange(empty, channel({ name: 'stable-4.99' })),
    /NoVersionsFound: no cluster versions found in the "stable-4\.99" channel/,
  );
});

test('bounds that are not semantic versions are rejected', () => {
  assert.throws(
    () => selectReleases(graph, { min: 'v4.13.1', max: '4.13.43', shortestPath: false, channel: 'stable-4.13' }),
    /InvalidVersion: minVersion "v4\.13\.1" of channel "stable-4\.13" is not a semantic version/,
  );
});

test('EUS warning: eus channel, both bounds, two minors or more apart', () => {
  const eus = (minVersion?: string, maxVersion?: string, name = 'eus-4.14') =>
    eusWarning({ name, type: 'ocp', minVersion, maxVersion });
  assert.match(eus('4.12.0', '4.14.10') ?? '', /^Extended Update Support \(EUS\) channel eus-4\.14 detected/);
  assert.match(eus('4.12.0', '4.14.10') ?? '', /ocpupgradegraph\/update_path/);
  assert.equal(eus('4.13.0', '4.14.10'), undefined);
  assert.equal(eus('4.12.0', '4.14.10', 'stable-4.14'), undefined);
  assert.equal(eus(undefined, '4.14.10'), undefined);
  assert.equal(eus('4.12.0', undefined), undefined);
  assert.equal(eus('v4.12.0', '4.14.10'), undefined);
});
