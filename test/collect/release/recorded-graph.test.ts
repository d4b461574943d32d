import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CancelledError } from '../../../core/errors.js';
import {
  CincinnatiClient,
  CincinnatiError,
  fetchAndRecord,
  graphCachePath,
  onlineGraphSource,
  readRecorded,
  recordedGraphSource,
} from '../../../core/collect/release/cincinnati-client.js';
import { tempDirForTest } from '../../harness/temp-dir.js';
import { STABLE_413_FILE, STABLE_415_FILE, readBody } from './cincinnati-fixtures.js';

test('graphCachePath is hold-release/cincinnati-graph-data/<arch>-<channel>.json and refuses path tricks', () => {
  assert.equal(
    graphCachePath('/wd/working-dir', 'amd64', 'stable-4.13'),
    '/wd/working-dir/hold-release/cincinnati-graph-data/amd64-stable-4.13.json',
  );
  for (const [arch, channel] of [
    ['amd64', '../../etc/passwd'],
    ['a/b', 'stable-4.13'],
    ['amd64', 'stable\\4.13'],
  ]) {
    assert.throws(() => graphCachePath('/wd', arch, channel), CincinnatiError);
  }
});

test('fetchAndRecord writes the exact body; readRecorded (D2M) gives the same graph without the network', async (t) => {
  const bodies: Record<string, string> = {
    'stable-4.13': readBody(STABLE_413_FILE),
    'stable-4.15': readBody(STABLE_415_FILE),
  };
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    const channel = new URL(req.url ?? '/', 'http://x').searchParams.get('channel') ?? '';
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(bodies[channel]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const workingDir = await tempDirForTest(t, 'ocm-cincinnati-');
  const client = new CincinnatiClient({
    env: { UPDATE_URL_OVERRIDE: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graph` },
  });
  t.after(() => client.close());
  const signal = new AbortController().signal;

  const online = await fetchAndRecord(client, workingDir, {
    type: 'ocp',
    channel: 'stable-4.13',
    arch: 'amd64',
    signal,
  });
  const viaSource = await onlineGraphSource(client, workingDir).graph({
    type: 'ocp',
    channel: 'stable-4.15',
    arch: 'amd64',
    signal,
  });
  assert.equal(hits, 2);

  const dir = path.join(workingDir, 'hold-release', 'cincinnati-graph-data');
  assert.deepEqual((await readdir(dir)).sort(), ['amd64-stable-4.13.json', 'amd64-stable-4.15.json']);
  assert.equal(await readFile(path.join(dir, 'amd64-stable-4.13.json'), 'utf8'), bodies['stable-4.13']);
  assert.equal(await readFile(path.join(dir, 'amd64-stable-4.15.json'), 'utf8'), bodies['stable-4.15']);

  const recorded = await readRecorded(workingDir, 'amd64', 'stable-4.13');
  assert.deepEqual(recorded, online);
  assert.equal(recorded.nodes.length, 98);
  const fromSource = await recordedGraphSource(workingDir).graph({
    type: 'ocp',
    channel: 'stable-4.15',
    arch: 'amd64',
    signal,
  });
  assert.deepEqual(fromSource, viaSource);
  assert.equal(fromSource.nodes.length, 55);
  assert.equal(hits, 2);

  // A second fetch overwrites the recording (oc-mirror writes on every call).
  bodies['stable-4.13'] = readBody(STABLE_415_FILE);
  await fetchAndRecord(client, workingDir, { type: 'ocp', channel: 'stable-4.13', arch: 'amd64', signal });
  assert.equal((await readRecorded(workingDir, 'amd64', 'stable-4.13')).nodes.length, 55);
  assert.deepEqual((await readdir(dir)).sort(), ['amd64-stable-4.13.json', 'amd64-stable-4.15.json']);
});

test('D2M without a recorded graph: "No graph data found on disk" with channel, arch and a hint', async (t) => {
  const workingDir = await tempDirForTest(t, 'ocm-cincinnati-');
  await assert.rejects(readRecorded(workingDir, 'arm64', 'stable-4.14'), (err: unknown) => {
    assert.ok(err instanceof CincinnatiError);
    assert.equal(err.code, 'CINCINNATI');
    assert.equal(
      err.message,
      `No graph data found on disk for channel stable-4.14 (arch arm64): ${workingDir}/hold-release/cincinnati-graph-data/arm64-stable-4.14.json does not exist`,
    );
    assert.match(err.hint ?? '', /mirror-to-disk/);
    assert.match(err.hint ?? '', /same ImageSetConfiguration/);
    return true;
  });
  const aborted = new AbortController();
  aborted.abort();
  await assert.rejects(
    recordedGraphSource(workingDir).graph({ type: 'ocp', channel: 'x-4.1', arch: 'amd64', signal: aborted.signal }),
    CancelledError,
  );
});

test('a damaged recorded graph is rejected naming the file', async (t) => {
  const workingDir = await tempDirForTest(t, 'ocm-cincinnati-');
  const file = graphCachePath(workingDir, 'amd64', 'stable-4.13');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, readBody(STABLE_413_FILE).slice(0, 1000));
  await assert.rejects(readRecorded(workingDir, 'amd64', 'stable-4.13'), (err: unknown) => {
    assert.ok(err instanceof CincinnatiError);
    assert.ok(err.message.startsWith(`the update graph from recorded file ${file} is not valid JSON`), err.message);
    return true;
  });
});
