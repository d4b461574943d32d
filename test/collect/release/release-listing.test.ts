/**
 * `list releases` logic on the real stable-4.13 graph (98 nodes). Facts read off the graph by hand:
 * - versions: 4.12.0 … 4.12.58 without 4.12.38 and 4.12.52, and 4.13.0 … 4.13.43 without 4.13.7, 4.13.16 and
 *   4.13.20;
 * - the 4.13 nodes list candidate-, fast-, stable-4.13 and candidate-, fast-, stable-, eus-4.14 (every 4.13
 *   node is in eus-4.14); the 4.12 nodes list the 4.12 channels, eus-4.12, the 4.13 channels and eus-4.14.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError, OcmError, UsageError } from '../../../core/errors.js';
import type { UpdateGraph } from '../../../core/collect/release/cincinnati-graph.js';
import {
  ReleaseListingError,
  channelVersions,
  channelsForVersion,
  compareChannelNames,
  formatArchitectureVersions,
  formatMinorVersions,
  formatStableChannelNote,
  formatVersionChannels,
  listChannelVersions,
  listVersionChannels,
  minorVersionOfChannel,
  minorVersionsFromTags,
  parseArchitectureFilter,
  parseMinorVersion,
  type FetchChannelGraph,
} from '../../../core/collect/release/release-listing.js';
import { STABLE_413_FILE, channelSubgraph, loadGraph } from './cincinnati-fixtures.js';

const graph = loadGraph(STABLE_413_FILE);

function patches(minor: string, from: number, to: number, missing: number[] = []): string[] {
  const out: string[] = [];
  for (let z = from; z <= to; z++) if (!missing.includes(z)) out.push(`${minor}.${z}`);
  return out;
}

const ALL_VERSIONS = [...patches('4.12', 0, 58, [38, 52]), ...patches('4.13', 0, 43, [7, 16, 20])];

function graphOf(versions: string[], channels = 'stable-4.13'): UpdateGraph {
  return {
    nodes: versions.map((version) => ({
      version,
      payload: `quay.io/openshift-release-dev/ocp-release:${version}-x86_64`,
      channels: channels.split(','),
      metadata: {},
    })),
    edges: [],
  };
}

test('channelVersions: every version of the real graph, in semantic-version order, each once', () => {
  const versions = channelVersions(graph);
  assert.equal(versions.length, 98);
  assert.deepEqual(versions, ALL_VERSIONS);
  // 4.13.9 before 4.13.10 (numeric), not after it as plain text would sort.
  assert.ok(versions.indexOf('4.13.9') < versions.indexOf('4.13.10'));
  const doubled = { nodes: [...graph.nodes, ...graph.nodes], edges: [] };
  assert.deepEqual(channelVersions(doubled), ALL_VERSIONS);
  assert.deepEqual(channelVersions({ nodes: [], edges: [] }), []);
});

test('channelsForVersion: only the channels of X.Y releases, not those of the upgrade sources', () => {
  assert.deepEqual(channelsForVersion(graph, '4.13'), [
    'candidate-4.13',
    'candidate-4.14',
    'eus-4.14',
    'fast-4.13',
    'fast-4.14',
    'stable-4.13',
    'stable-4.14',
  ]);
  // oc-mirror would also list these for 4.13: they come from the 4.12 nodes only.
  for (const ch of ['stable-4.12', 'eus-4.12', 'fast-4.12', 'candidate-4.12']) {
    assert.ok(!channelsForVersion(graph, '4.13').includes(ch), ch);
  }
  assert.deepEqual(channelsForVersion(graph, '4.12'), [
    'candidate-4.12',
    'candidate-4.13',
    'eus-4.12',
    'eus-4.14',
    'fast-4.12',
    'fast-4.13',
    'stable-4.12',
    'stable-4.13',
  ]);
  assert.deepEqual(channelsForVersion(graph, '4.1'), [], '4.1 is not a prefix match of 4.12/4.13');
});

test('compareChannelNames: by prefix, then X.Y numerically', () => {
  const names = ['stable-4.10', 'fast-4.9', 'stable-4.9', 'eus-4.10', 'stable-5.0', 'candidate-4.10', 'odd'];
  assert.deepEqual([...names].sort(compareChannelNames), [
    'candidate-4.10',
    'eus-4.10',
    'fast-4.9',
    'odd',
    'stable-4.9',
    'stable-4.10',
    'stable-5.0',
  ]);
  assert.equal(minorVersionOfChannel('stable-4.13'), '4.13');
  assert.equal(minorVersionOfChannel('eus-4.14'), '4.14');
  assert.equal(minorVersionOfChannel('stable'), undefined);
  assert.equal(minorVersionOfChannel('stable-4.13.2'), undefined);
});

test('parseArchitectureFilter: default amd64, order kept, duplicates and blanks dropped', () => {
  assert.deepEqual(parseArchitectureFilter(undefined), ['amd64']);
  assert.deepEqual(parseArchitectureFilter(''), ['amd64']);
  assert.deepEqual(parseArchitectureFilter(' , '), ['amd64']);
  assert.deepEqual(parseArchitectureFilter('arm64,amd64'), ['arm64', 'amd64']);
  assert.deepEqual(parseArchitectureFilter(' multi , s390x,multi,ppc64le '), ['multi', 's390x', 'ppc64le']);
});

test('parseArchitectureFilter: unknown names are a usage error naming all of them', () => {
  assert.throws(
    () => parseArchitectureFilter('amd64,x86_64,aarch64'),
    (err: unknown) => {
      assert.ok(err instanceof UsageError);
      assert.equal(
        err.message,
        'invalid architecture(s) "x86_64", "aarch64" in --filter-by-archs; ' +
          'known architectures: amd64, arm64, s390x, ppc64le, multi',
      );
      assert.equal(err.hint, "use the update service's names: x86_64 → amd64, aarch64 → arm64");
      return true;
    },
  );
  assert.throws(() => parseArchitectureFilter('riscv64'), /invalid architecture\(s\) "riscv64"/);
  assert.throws(() => parseArchitectureFilter('AMD64'), /"AMD64"/, 'names are case-sensitive, as in oc-mirror');
});

test('parseMinorVersion: X.Y only, with a hint for X.Y.Z', () => {
  assert.equal(parseMinorVersion('4.13'), '4.13');
  assert.equal(parseMinorVersion(' 4.9 '), '4.9');
  assert.throws(
    () => parseMinorVersion('4.13.5'),
    (err: unknown) =>
      err instanceof UsageError &&
      err.message === '--version must be an OpenShift minor version X.Y, got "4.13.5"' &&
      err.hint === 'use 4.13: channels are per minor version',
  );
  for (const bad of ['v4.13', '4', '04.13', '4.x', 'stable-4.13']) {
    assert.throws(() => parseMinorVersion(bad), UsageError, bad);
  }
});

test('minorVersionsFromTags: X.Y from release tags, .sig skipped, numeric order', () => {
  const tags = [
    '4.13.0-x86_64',
    '4.13.0-rc.1-aarch64',
    '4.9.59-s390x',
    '4.10.0-multi',
    '4.1.0-rc.0',
    'sha256-0123456789abcdef.sig',
    '5.0.0-ec.1-x86_64',
    '4.13.43-ppc64le',
    'latest',
    'sha256-1.2.att',
    '4.14.sig',
  ];
  assert.deepEqual(minorVersionsFromTags(tags), ['4.1', '4.9', '4.10', '4.13', '5.0']);
  assert.deepEqual(minorVersionsFromTags([]), []);
});

/** A fetch function over channel → arch → graph (or error), recording the calls. */
function fakeFetch(answers: Record<string, UpdateGraph | Error>): {
  fetch: FetchChannelGraph;
  calls: string[];
} {
  const calls: string[] = [];
  return {
    calls,
    fetch: (channel, arch) => {
      calls.push(`${channel}/${arch}`);
      const answer = answers[`${channel}/${arch}`] ?? { nodes: [], edges: [] };
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  };
}

test('listChannelVersions: one listing per architecture, in the order given', async () => {
  const { fetch, calls } = fakeFetch({
    'stable-4.13/amd64': graph,
    'stable-4.13/arm64': graphOf(['4.13.1', '4.12.9', '4.13.0']),
  });
  const seen: string[] = [];
  const listings = await listChannelVersions(fetch, 'stable-4.13', ['arm64', 'amd64'], (l) =>
    seen.push(l.architecture),
  );
  assert.deepEqual(calls, ['stable-4.13/arm64', 'stable-4.13/amd64']);
  assert.deepEqual(seen, ['arm64', 'amd64']);
  assert.deepEqual(listings, [
    { architecture: 'arm64', versions: ['4.12.9', '4.13.0', '4.13.1'] },
    { architecture: 'amd64', versions: ALL_VERSIONS },
  ]);
});

test('listChannelVersions: a failing architecture does not stop the others; failures are thrown at the end', async () => {
  const broken = new OcmError('CINCINNATI', 'Cincinnati answered HTTP 404 for s390x', { hint: 'check the arch' });
  const { fetch } = fakeFetch({ 'stable-4.13/amd64': graph, 'stable-4.13/s390x': broken });
  const seen: string[] = [];
  await assert.rejects(
    listChannelVersions(fetch, 'stable-4.13', ['s390x', 'amd64'], (l) => seen.push(l.architecture)),
    (err) => err === broken,
  );
  assert.deepEqual(seen, ['amd64']);

  // An empty answer (what Cincinnati gives for an unknown channel) is an error too; two failures are combined.
  const both = fakeFetch({ 'nope-4.13/amd64': broken });
  await assert.rejects(listChannelVersions(both.fetch, 'nope-4.13', ['amd64', 'arm64']), (err: unknown) => {
    assert.ok(err instanceof ReleaseListingError);
    assert.equal(
      err.message,
      '2 of 2 architectures failed:\n' +
        '  - Cincinnati answered HTTP 404 for s390x\n' +
        '      hint: check the arch\n' +
        '  - channel "nope-4.13" has no releases for architecture arm64\n' +
        '      hint: check the channel name (e.g. stable-4.13; list them with --channels --version X.Y) and the architecture',
    );
    return true;
  });
});

test('listChannelVersions: cancellation stops at once', async () => {
  const { fetch, calls } = fakeFetch({ 'stable-4.13/amd64': new CancelledError() });
  await assert.rejects(listChannelVersions(fetch, 'stable-4.13', ['amd64', 'arm64']), CancelledError);
  assert.deepEqual(calls, ['stable-4.13/amd64']);
});

test('listVersionChannels: reads stable-X.Y without an architecture', async () => {
  const { fetch, calls } = fakeFetch({ 'stable-4.13/': graph });
  const result = await listVersionChannels(fetch, '4.13');
  assert.deepEqual(calls, ['stable-4.13/']);
  assert.equal(result.graphChannel, 'stable-4.13');
  assert.deepEqual(result.channels, channelsForVersion(graph, '4.13'));
});

test('listVersionChannels: before GA (no X.Y release in stable-X.Y) it reads candidate-X.Y', async () => {
  // stable-4.14 of that time held only 4.13 releases (upgrade sources); candidate-4.14 has the 4.14 ones.
  const stable = channelSubgraph(graph, 'stable-4.14');
  assert.ok(stable.nodes.length > 0 && stable.nodes.every((n) => n.version.startsWith('4.13.')));
  const candidate = graphOf(['4.13.43', '4.14.0-rc.1', '4.14.0-rc.2'], 'candidate-4.14');
  const { fetch, calls } = fakeFetch({ 'stable-4.14/': stable, 'candidate-4.14/': candidate });
  const result = await listVersionChannels(fetch, '4.14');
  assert.deepEqual(calls, ['stable-4.14/', 'candidate-4.14/']);
  assert.deepEqual(result, { version: '4.14', graphChannel: 'candidate-4.14', channels: ['candidate-4.14'] });
});

test('listVersionChannels: an explicit channel is the only graph read; no X.Y release is an error', async () => {
  const { fetch, calls } = fakeFetch({ 'fast-4.13/': graph });
  assert.equal((await listVersionChannels(fetch, '4.12', 'fast-4.13')).graphChannel, 'fast-4.13');
  assert.deepEqual(calls, ['fast-4.13/']);
  await assert.rejects(
    listVersionChannels(fetch, '4.99'),
    (err: unknown) =>
      err instanceof ReleaseListingError &&
      err.message === 'no 4.99 release found in channels stable-4.99, candidate-4.99',
  );
  await assert.rejects(
    listVersionChannels(fetch, '4.99', 'fast-4.13'),
    /no 4\.99 release found in channel fast-4\.13$/,
  );
});

test('text output: oc-mirror wording', () => {
  assert.equal(
    formatStableChannelNote('stable-4.13', '4.13'),
    'Listing stable channels. Use --channel=<name> to filter.\n' +
      'Use ocm-tui list releases --channels --version=4.13 to discover other channels.',
  );
  assert.match(formatStableChannelNote('stable-4.9', undefined), /--version=4\.9 to discover/);
  assert.match(formatStableChannelNote('stable', undefined), /--version=X\.Y to discover/);
  assert.equal(
    formatArchitectureVersions('fast-4.13', { architecture: 'arm64', versions: ['4.13.0', '4.13.1'] }),
    'Channel: fast-4.13\nArchitecture: arm64\n4.13.0\n4.13.1',
  );
  assert.equal(
    formatVersionChannels({ version: '4.13', graphChannel: 'stable-4.13', channels: ['fast-4.13', 'stable-4.13'] }),
    'Listing channels for version 4.13:\n\nfast-4.13\nstable-4.13',
  );
  assert.equal(
    formatMinorVersions(['4.9', '4.10']),
    'Available OpenShift Container Platform release versions:\n  4.9\n  4.10',
  );
});
