import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CHANNELS_METADATA_KEY,
  GraphDataError,
  compareReleaseVersions,
  isReleaseVersion,
  parseUpdateGraph,
} from '../../../core/collect/release/cincinnati-graph.js';
import { STABLE_413_FILE, STABLE_415_FILE, readBody } from './cincinnati-fixtures.js';

test('the real stable-4.13 answer parses to 98 nodes and 1171 edges; conditional edges are dropped', () => {
  const body = readBody(STABLE_413_FILE);
  assert.equal((JSON.parse(body) as { conditionalEdges: unknown[] }).conditionalEdges.length, 37);
  const graph = parseUpdateGraph(body, 'fixture');
  assert.equal(graph.nodes.length, 98);
  assert.equal(graph.edges.length, 1171);
  assert.deepEqual(Object.keys(graph).sort(), ['edges', 'nodes']);
  // The first edge of the file is [72, 74]: 4.12.24 → 4.12.40; node 0 is 4.12.20 (the file is not sorted).
  assert.deepEqual(graph.edges[0], [72, 74]);
  assert.equal(graph.nodes[0].version, '4.12.20');
  assert.equal(graph.nodes[72].version, '4.12.24');
  assert.equal(graph.nodes[74].version, '4.12.40');

  const newest = graph.nodes.find((n) => n.version === '4.13.43');
  assert.ok(newest);
  assert.equal(
    newest.payload,
    'quay.io/openshift-release-dev/ocp-release@sha256:d0da3d9b016e6d693a61c9425598921b6d0da99c52cb0f3404f6dbc126149e5d',
  );
  assert.deepEqual(newest.channels, [
    'candidate-4.13',
    'fast-4.13',
    'stable-4.13',
    'candidate-4.14',
    'eus-4.14',
    'fast-4.14',
    'stable-4.14',
  ]);
  assert.equal(newest.metadata[CHANNELS_METADATA_KEY], newest.channels.join(','));
  assert.match(newest.metadata['io.openshift.upgrades.graph.release.manifestref'], /^sha256:[0-9a-f]{64}$/);
  // Every node of the answer is in the channel that was asked for.
  assert.ok(graph.nodes.every((n) => n.channels.includes('stable-4.13')));
});

test('the real 4.14–4.15 answer parses to 55 nodes; 4.15.0 has its known payload', () => {
  const graph = parseUpdateGraph(readBody(STABLE_415_FILE), 'fixture');
  assert.equal(graph.nodes.length, 55);
  assert.equal(graph.edges.length, 358);
  const node = graph.nodes.find((n) => n.version === '4.15.0');
  assert.equal(
    node?.payload,
    'quay.io/openshift-release-dev/ocp-release@sha256:0da6316466d60a3a4535d5fed3589feb0391989982fba59d47d4c729912d6363',
  );
  assert.ok(graph.nodes.every((n) => n.channels.includes('stable-4.15')));
  assert.equal(graph.nodes.filter((n) => n.channels.includes('stable-4.14')).length, 34);
});

test('one version that is not semver rejects the whole real response, naming the version and the source', () => {
  const body = readBody(STABLE_413_FILE);
  assert.ok(body.includes('"version":"4.13.9"'));
  for (const bad of ['v4.13.9', '4.13', '04.13.9', ' 4.13.9', '4.13.9-', 'latest']) {
    const tampered = body.replace('"version":"4.13.9"', `"version":${JSON.stringify(bad)}`);
    assert.throws(
      () => parseUpdateGraph(tampered, 'Cincinnati at https://example.test/graph for channel "stable-4.13"'),
      (err: unknown) => {
        assert.ok(err instanceof GraphDataError);
        assert.equal(err.code, 'CINCINNATI_GRAPH');
        assert.ok(err.message.includes(`"${bad}"`), err.message);
        assert.ok(err.message.includes('https://example.test/graph for channel "stable-4.13"'), err.message);
        assert.match(err.message, /whole response is rejected/);
        return true;
      },
      bad,
    );
  }
  const missing = body.replace('"version":"4.13.9",', '');
  assert.throws(() => parseUpdateGraph(missing, 'f'), /has version undefined, which is not a semantic version/);
});

test('prerelease and build versions are accepted and ordered like blang/semver', () => {
  for (const v of ['4.14.0-rc.1', '4.14.0-ec.3', '4.14.0+build.7', '4.14.0-rc.1+x.01'])
    assert.ok(isReleaseVersion(v), v);
  for (const v of ['v4.14.0', '=4.14.0', '4.14.0-01', '4.14', '4.14.0.1', '']) assert.ok(!isReleaseVersion(v), v);
  const sorted = ['4.14.0', '4.14.0-rc.1', '4.13.10', '4.14.0-ec.3', '4.13.9', '4.14.0-rc.10', '4.14.0-rc.2'].sort(
    compareReleaseVersions,
  );
  assert.deepEqual(sorted, [
    '4.13.9',
    '4.13.10',
    '4.14.0-ec.3',
    '4.14.0-rc.1',
    '4.14.0-rc.2',
    '4.14.0-rc.10',
    '4.14.0',
  ]);
  assert.equal(compareReleaseVersions('4.14.0+a', '4.14.0+b'), 0);
});

test('edges must be pairs of node indexes in range', () => {
  const nodes = [
    { version: '4.13.0', payload: 'quay.io/x@sha256:aa', metadata: {} },
    { version: '4.13.1', payload: 'quay.io/x@sha256:bb' },
  ];
  const ok = parseUpdateGraph(JSON.stringify({ nodes, edges: [[0, 1]] }), 'w');
  assert.deepEqual(ok.edges, [[0, 1]]);
  assert.deepEqual(ok.nodes[1].metadata, {});
  assert.deepEqual(ok.nodes[1].channels, []);
  assert.deepEqual(parseUpdateGraph(JSON.stringify({ nodes }), 'w').edges, []);
  for (const edges of [[[0, 2]], [[0]], [[-1, 0]], [[0, 1.5]], [['0', 1]], [{ from: 0, to: 1 }], 'x']) {
    assert.throws(
      () => parseUpdateGraph(JSON.stringify({ nodes, edges }), 'the-source'),
      (err: unknown) => {
        assert.ok(err instanceof GraphDataError);
        assert.match(err.message, /the-source/);
        assert.match(err.message, /edge|edges/);
        return true;
      },
    );
  }
});

test('bodies that are not a graph are rejected with a message that says so', () => {
  assert.throws(() => parseUpdateGraph('<html>login</html>', 'the-source'), /the-source is not valid JSON/);
  assert.throws(
    () => parseUpdateGraph('{"kind":"x"}', 'the-source'),
    /not a Cincinnati graph: it has no "nodes" array/,
  );
  assert.throws(
    () => parseUpdateGraph(JSON.stringify({ nodes: [{ version: '4.13.0', payload: '' }] }), 's'),
    /node 4.13.0 has no payload image/,
  );
  assert.throws(
    () => parseUpdateGraph(JSON.stringify({ nodes: [{ version: '4.13.0', payload: 'p', metadata: { a: 1 } }] }), 's'),
    /metadata "a" that is not a string/,
  );
});
