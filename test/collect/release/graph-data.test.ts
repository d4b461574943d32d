/**
 * downloadGraphData (collectors.md §1.10 step 1) against a local node:http server started by each test: the body
 * (oc-mirror's real graph-data.tar.gz, test/fixtures/upstream/cincinnati/) is streamed to the destination with
 * its exact bytes; 5xx and broken connections are retried, other statuses fail at once with the URL in the
 * message; a body that is not gzip is refused; cancellation stops the download; no partial file stays behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CancelledError } from '../../../core/errors.js';
import {
  GRAPH_DATA_URL,
  GRAPH_DATA_URL_ENV,
  GraphDataError,
  downloadGraphData,
  graphDataUrl,
  type DownloadGraphDataOptions,
} from '../../../core/collect/release/graph-data.js';
import { tempDirForTest } from '../../harness/temp-dir.js';

const FIXTURE = fileURLToPath(
  new URL('../../../../test/fixtures/upstream/cincinnati/graph-data.tar.gz', import.meta.url),
);
const NO_SIGNAL = new AbortController().signal;

type Handler = (req: IncomingMessage, res: ServerResponse, count: number) => void;

/** A server on 127.0.0.1 answering with `handler`; closed when the test ends. Counts requests per path. */
async function serve(
  t: { after(fn: () => Promise<void> | void): void },
  handler: Handler,
): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    handler(req, res, requests.length);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/api/upgrades_info/graph-data`, requests };
}

/** Sends `body` in several chunks (so the client sees a stream, not one buffer). */
function sendChunked(res: ServerResponse, body: Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': String(body.length), ...headers });
  const step = 4096;
  let offset = 0;
  const next = () => {
    if (offset >= body.length) {
      res.end();
      return;
    }
    const chunk = body.subarray(offset, offset + step);
    offset += step;
    if (res.write(chunk)) setImmediate(next);
    else res.once('drain', next);
  };
  next();
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

async function setup(t: { after(fn: () => Promise<void> | void): void }) {
  const dir = await tempDirForTest(t, 'graph-data-');
  const body = await readFile(FIXTURE);
  return { dir, body, destination: join(dir, 'graph-preparation', 'graph-data.tar.gz') };
}

function options(destination: string, url: string, extra: Partial<DownloadGraphDataOptions> = {}) {
  return { destination, url, env: {}, signal: NO_SIGNAL, retryDelayMs: 5, ...extra };
}

test('graphDataUrl: the api.openshift.com endpoint, unless OCM_TUI_GRAPH_DATA_URL is set', () => {
  assert.equal(GRAPH_DATA_URL, 'https://api.openshift.com/api/upgrades_info/graph-data');
  assert.equal(graphDataUrl({}), GRAPH_DATA_URL);
  assert.equal(graphDataUrl({ [GRAPH_DATA_URL_ENV]: '  ' }), GRAPH_DATA_URL);
  assert.equal(
    graphDataUrl({ [GRAPH_DATA_URL_ENV]: 'http://mirror.local/graph.tgz' }),
    'http://mirror.local/graph.tgz',
  );
});

test('the body is streamed to the destination with its exact bytes (URL from env)', async (t) => {
  const { dir, body, destination } = await setup(t);
  const server = await serve(t, (_req, res) => sendChunked(res, body));
  let reported = 0;
  let calls = 0;
  const result = await downloadGraphData({
    destination,
    env: { [GRAPH_DATA_URL_ENV]: server.url },
    signal: NO_SIGNAL,
    onBytes: (n) => {
      reported += n;
      calls++;
    },
  });
  assert.deepEqual(result, { path: destination, url: server.url, size: body.length, digest: sha256(body) });
  assert.deepEqual(await readFile(destination), body);
  assert.equal(reported, body.length);
  assert.ok(calls > 1, `the body arrived in ${calls} piece(s)`);
  assert.deepEqual(server.requests, ['/api/upgrades_info/graph-data']);
  assert.deepEqual(await readdir(join(dir, 'graph-preparation')), ['graph-data.tar.gz']);
});

test('a 500 is retried, then the 200 is used', async (t) => {
  const { body, destination } = await setup(t);
  const server = await serve(t, (_req, res, count) => {
    if (count === 1) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('upstream exploded');
      return;
    }
    sendChunked(res, body);
  });
  const retries: { attempt: number; maxAttempts: number; reason: string }[] = [];
  const result = await downloadGraphData(options(destination, server.url, { onRetry: (info) => retries.push(info) }));
  assert.equal(server.requests.length, 2);
  assert.equal(retries.length, 1);
  assert.equal(retries[0].attempt, 2);
  assert.equal(retries[0].maxAttempts, 4);
  assert.match(retries[0].reason, /HTTP 500 Internal Server Error/);
  assert.equal(result.size, body.length);
  assert.deepEqual(await readFile(destination), body);
});

test('a 404 fails at once with a message naming the URL', async (t) => {
  const { dir, destination } = await setup(t);
  const server = await serve(t, (_req, res) => {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('no such page\n');
  });
  await assert.rejects(downloadGraphData(options(destination, server.url)), (err: unknown) => {
    assert.ok(err instanceof GraphDataError);
    assert.equal(err.code, 'GRAPH_DATA');
    assert.equal(err.status, 404);
    assert.equal(err.temporary, false);
    assert.equal(err.url, server.url);
    assert.equal(err.message, `cannot download the graph data from ${server.url}: HTTP 404 Not Found: "no such page"`);
    assert.match(err.hint ?? '', /OCM_TUI_GRAPH_DATA_URL/);
    return true;
  });
  assert.equal(server.requests.length, 1);
  assert.deepEqual(await readdir(join(dir, 'graph-preparation')), []);
});

test('a server that keeps failing: every retry is used and the message says so', async (t) => {
  const { destination } = await setup(t);
  const server = await serve(t, (_req, res) => {
    res.writeHead(503);
    res.end();
  });
  await assert.rejects(downloadGraphData(options(destination, server.url, { retryTimes: 2 })), (err: unknown) => {
    assert.ok(err instanceof GraphDataError);
    assert.equal(err.status, 503);
    assert.equal(
      err.message,
      `cannot download the graph data from ${server.url}: HTTP 503 Service Unavailable (after 3 attempts)`,
    );
    return true;
  });
  assert.equal(server.requests.length, 3);
});

test('a connection dropped mid-body is retried from the start', async (t) => {
  const { body, destination } = await setup(t);
  const server = await serve(t, (_req, res, count) => {
    if (count === 1) {
      res.writeHead(200, { 'content-length': String(body.length) });
      res.write(body.subarray(0, 10_000), () => res.socket?.destroy());
      return;
    }
    sendChunked(res, body);
  });
  const retries: string[] = [];
  await downloadGraphData(options(destination, server.url, { onRetry: (info) => retries.push(info.reason) }));
  assert.equal(server.requests.length, 2);
  assert.equal(retries.length, 1);
  assert.match(retries[0], new RegExp(`^cannot download the graph data from ${server.url}: `));
  assert.deepEqual(await readFile(destination), body);
});

test('redirects are followed', async (t) => {
  const { body, destination } = await setup(t);
  const server = await serve(t, (req, res) => {
    if (req.url === '/api/upgrades_info/graph-data') {
      res.writeHead(302, { location: '/storage/graph-data.tar.gz' });
      res.end();
      return;
    }
    sendChunked(res, body);
  });
  await downloadGraphData(options(destination, server.url));
  assert.deepEqual(server.requests, ['/api/upgrades_info/graph-data', '/storage/graph-data.tar.gz']);
  assert.deepEqual(await readFile(destination), body);
});

test('a 200 that is not gzip (a proxy login page) is refused and leaves no file', async (t) => {
  const { dir, destination } = await setup(t);
  const server = await serve(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html><body>Please log in to the proxy</body></html>');
  });
  await assert.rejects(downloadGraphData(options(destination, server.url)), (err: unknown) => {
    assert.ok(err instanceof GraphDataError);
    assert.equal(
      err.message,
      `the graph data from ${server.url} is not a gzip'd tar: got a body starting with ` +
        '"<html><body>Please log in to the proxy</body></html>"',
    );
    return true;
  });
  assert.equal(server.requests.length, 1);
  assert.deepEqual(await readdir(join(dir, 'graph-preparation')), []);
});

test('an existing destination is replaced only by a complete download', async (t) => {
  const { body, destination } = await setup(t);
  const ok = await serve(t, (_req, res) => sendChunked(res, body));
  await downloadGraphData(options(destination, ok.url));
  const failing = await serve(t, (_req, res) => {
    res.writeHead(404);
    res.end();
  });
  await assert.rejects(downloadGraphData(options(destination, failing.url)), GraphDataError);
  assert.deepEqual(await readFile(destination), body);
});

test('cancellation stops a slow download with CancelledError and removes the partial file', async (t) => {
  const { dir, body, destination } = await setup(t);
  const server = await serve(t, (_req, res) => {
    res.writeHead(200, { 'content-length': String(body.length) });
    res.write(body.subarray(0, 1000));
    // …and nothing more until the client gives up.
  });
  const controller = new AbortController();
  const pending = downloadGraphData(
    options(destination, server.url, {
      signal: controller.signal,
      onBytes: () => controller.abort(),
    }),
  );
  await assert.rejects(pending, CancelledError);
  assert.deepEqual(await readdir(join(dir, 'graph-preparation')), []);
});

test('no answer within the idle timeout counts as a failed attempt', async (t) => {
  const { destination } = await setup(t);
  const server = await serve(t, () => {
    // never answers
  });
  await assert.rejects(
    downloadGraphData(options(destination, server.url, { retryTimes: 1, idleTimeoutMs: 100 })),
    (err: unknown) => {
      assert.ok(err instanceof GraphDataError);
      assert.equal(
        err.message,
        `cannot download the graph data from ${server.url}: no response within 100ms (after 2 attempts)`,
      );
      return true;
    },
  );
  assert.equal(server.requests.length, 2);
});

test('file:// URLs are copied (offline use); a missing file names the URL', async (t) => {
  const { dir, body, destination } = await setup(t);
  const url = pathToFileURL(FIXTURE).href;
  const result = await downloadGraphData({ destination, env: { [GRAPH_DATA_URL_ENV]: url }, signal: NO_SIGNAL });
  assert.equal(result.digest, sha256(body));
  assert.deepEqual(await readFile(destination), body);
  const missing = pathToFileURL(join(dir, 'nope.tar.gz')).href;
  await assert.rejects(downloadGraphData(options(destination, missing)), (err: unknown) => {
    assert.ok(err instanceof GraphDataError);
    assert.equal(err.message, `cannot read the graph data from ${missing}: ENOENT`);
    return true;
  });
});

test('invalid and unsupported URLs are refused before any request', async (t) => {
  const { dir, destination } = await setup(t);
  await writeFile(join(dir, 'marker'), '');
  await assert.rejects(downloadGraphData(options(destination, 'not a url')), /invalid graph data URL "not a url"/);
  await assert.rejects(
    downloadGraphData(options(destination, 'ftp://example.com/graph.tgz')),
    /only http:\/\/, https:\/\/ and file:\/\/ are supported/,
  );
});

test('credentials in the URL never reach the message', async (t) => {
  const { destination } = await setup(t);
  const server = await serve(t, (_req, res) => {
    res.writeHead(403);
    res.end();
  });
  const withCredentials = server.url.replace('http://', 'http://user:secret@');
  await assert.rejects(downloadGraphData(options(destination, withCredentials)), (err: unknown) => {
    assert.ok(err instanceof GraphDataError);
    assert.ok(!err.message.includes('secret'), err.message);
    assert.ok(err.message.includes('//***@127.0.0.1'), err.message);
    return true;
  });
});
