/**
 * `ocm-tui list releases` end to end: the built CLI against a local update service (node:http, started and
 * stopped here) reached through UPDATE_URL_OVERRIDE. The service answers like Cincinnati: a graph per
 * `channel` and `arch` (no `arch` = amd64), an empty graph for a channel it does not know, 404 for an
 * architecture it does not serve. Outputs are compared exactly.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runCli } from './cli-runner.js';

const STABLE_413 = readFileSync(
  fileURLToPath(new URL('../../../test/fixtures/upstream/cincinnati/amd64-stable-4.13.json', import.meta.url)),
  'utf8',
);
const CHANNELS_KEY = 'io.openshift.upgrades.graph.release.channels';

function graphBody(versions: string[], arch: string, channels: string): string {
  return JSON.stringify({
    nodes: versions.map((version) => ({
      version,
      payload: `quay.io/openshift-release-dev/ocp-release@sha256:${'0'.repeat(63)}${versions.indexOf(version)}`,
      metadata: { [CHANNELS_KEY]: channels, 'release.openshift.io/architecture': arch },
    })),
    edges: versions.slice(1).map((_, i) => [i, i + 1]),
    conditionalEdges: [],
  });
}

/** `channel/arch` → body. Versions deliberately out of order: the CLI sorts them. */
const GRAPHS: Record<string, string> = {
  'stable-4.13/amd64': STABLE_413,
  'fast-4.13/amd64': graphBody(['4.13.10', '4.12.9', '4.13.9'], 'amd64', 'fast-4.13,stable-4.13'),
  'fast-4.13/arm64': graphBody(['4.13.1', '4.13.0'], 'arm64', 'fast-4.13'),
  'fast-4.13/multi': graphBody(['4.13.2'], 'multi', 'fast-4.13'),
};

let server: Server;
let url: string;
const requests: URLSearchParams[] = [];

before(async () => {
  server = createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    requests.push(query);
    const arch = query.get('arch') ?? 'amd64';
    if (arch === 's390x') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'invalid_arch', value: 'no graph for architecture s390x' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(GRAPHS[`${query.get('channel')}/${arch}`] ?? JSON.stringify({ nodes: [], edges: [] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/upgrades_info/v1/graph`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function list(args: string[]) {
  return runCli(['list', 'releases', ...args], {
    env: { UPDATE_URL_OVERRIDE: url, HTTPS_PROXY: '', HTTP_PROXY: '', https_proxy: '', http_proxy: '' },
  });
}

/** The requests made by one run (the server is shared by the tests, which run one after another). */
async function requestsOf<T>(run: () => Promise<T>): Promise<{ result: T; queries: URLSearchParams[] }> {
  const start = requests.length;
  const result = await run();
  return { result, queries: requests.slice(start) };
}

test('--channel: the versions of the channel, sorted, in oc-mirror format', async () => {
  const { result, queries } = await requestsOf(() => list(['--channel', 'fast-4.13']));
  assert.equal(result.stderr, '');
  assert.equal(result.code, 0);
  assert.equal(result.stdout, 'Channel: fast-4.13\nArchitecture: amd64\n4.12.9\n4.13.9\n4.13.10\n');
  assert.equal(queries.length, 1);
  assert.equal(queries[0].get('channel'), 'fast-4.13');
  assert.equal(queries[0].get('arch'), 'amd64');
  assert.match(queries[0].get('id') ?? '', /^[0-9a-f-]{36}$/);
});

test('--version: the stable-X.Y channel, preceded by the stable note', async () => {
  const result = await list(['--version', '4.13']);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.split('\n');
  assert.deepEqual(lines.slice(0, 6), [
    'Listing stable channels. Use --channel=<name> to filter.',
    'Use ocm-tui list releases --channels --version=4.13 to discover other channels.',
    '',
    'Channel: stable-4.13',
    'Architecture: amd64',
    '4.12.0',
  ]);
  assert.equal(lines.length, 5 + 98 + 1, 'note, blank, two headers, 98 versions, final newline');
  assert.deepEqual(lines.slice(-3), ['4.13.42', '4.13.43', '']);
});

test('--channels --version 4.13: the channels of the 4.13 releases, from stable-4.13 without an arch', async () => {
  const { result, queries } = await requestsOf(() => list(['--channels', '--version', '4.13']));
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stdout,
    'Listing channels for version 4.13:\n\n' +
      'candidate-4.13\ncandidate-4.14\neus-4.14\nfast-4.13\nfast-4.14\nstable-4.13\nstable-4.14\n',
  );
  assert.equal(queries.length, 1);
  assert.equal(queries[0].get('channel'), 'stable-4.13');
  assert.equal(queries[0].has('arch'), false);
});

test('--filter-by-archs arm64,amd64: one block per architecture, in the order given', async () => {
  const result = await list(['--channel', 'fast-4.13', '--filter-by-archs', 'arm64,amd64']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stdout,
    'Channel: fast-4.13\nArchitecture: arm64\n4.13.0\n4.13.1\n' +
      '\n' +
      'Channel: fast-4.13\nArchitecture: amd64\n4.12.9\n4.13.9\n4.13.10\n',
  );
});

test('--output json: one JSON document', async () => {
  const versions = await list(['--channel', 'fast-4.13', '--filter-by-archs=multi,arm64', '--output', 'json']);
  assert.equal(versions.code, 0, versions.stderr);
  assert.equal(versions.stdout.trimEnd().split('\n').length, 1);
  assert.deepEqual(JSON.parse(versions.stdout), {
    channel: 'fast-4.13',
    architectures: [
      { architecture: 'multi', versions: ['4.13.2'] },
      { architecture: 'arm64', versions: ['4.13.0', '4.13.1'] },
    ],
  });

  const channels = await list(['--channels', '--version', '4.13', '--output', 'json']);
  assert.equal(channels.code, 0, channels.stderr);
  assert.deepEqual(JSON.parse(channels.stdout), {
    version: '4.13',
    graphChannel: 'stable-4.13',
    channels: ['candidate-4.13', 'candidate-4.14', 'eus-4.14', 'fast-4.13', 'fast-4.14', 'stable-4.13', 'stable-4.14'],
  });
});

test('a bad architecture: exit 1, a clear message, no request', async () => {
  const { result, queries } = await requestsOf(() =>
    list(['--channel', 'fast-4.13', '--filter-by-archs', 'amd64,x86_64']),
  );
  assert.equal(result.code, 1);
  assert.equal(result.stdout, '');
  assert.equal(
    result.stderr,
    'error: invalid architecture(s) "x86_64" in --filter-by-archs; known architectures: amd64, arm64, s390x, ppc64le, multi\n' +
      "  hint: use the update service's names: x86_64 → amd64\n",
  );
  assert.equal(queries.length, 0);
});

test('--channels without --version: exit 1', async () => {
  const result = await list(['--channels']);
  assert.equal(result.code, 1);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /^error: --channels requires --version\n/);

  const withChannel = await list(['--channels', '--channel', 'stable-4.13']);
  assert.equal(withChannel.code, 1);
  assert.match(withChannel.stderr, /--channels requires --version/);
});

test('--version must be X.Y: exit 1 with a hint', async () => {
  const result = await list(['--version', '4.13.5']);
  assert.equal(result.code, 1);
  assert.equal(
    result.stderr,
    'error: --version must be an OpenShift minor version X.Y, got "4.13.5"\n' +
      '  hint: use 4.13: channels are per minor version\n',
  );
});

test('an unknown channel (empty graph) and a refused architecture: exit 1, what succeeded is still printed', async () => {
  const unknown = await list(['--channel', 'stabel-4.13']);
  assert.equal(unknown.code, 1);
  assert.equal(unknown.stdout, '');
  assert.match(unknown.stderr, /^error: channel "stabel-4\.13" has no releases for architecture amd64\n/);

  const partial = await list(['--channel', 'fast-4.13', '--filter-by-archs', 's390x,arm64']);
  assert.equal(partial.code, 1);
  assert.equal(partial.stdout, 'Channel: fast-4.13\nArchitecture: arm64\n4.13.0\n4.13.1\n');
  assert.match(
    partial.stderr,
    /HTTP 404 Not Found for channel "fast-4\.13" \(arch s390x\): no graph for architecture s390x/,
  );

  const json = await list(['--channel', 'fast-4.13', '--filter-by-archs', 's390x,arm64', '--output', 'json']);
  assert.equal(json.code, 1);
  const lines = json.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 1, 'one JSON document, the error');
  assert.match(JSON.parse(lines[0]).message as string, /s390x/);
});
