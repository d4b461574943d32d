import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CancelledError } from '../../../core/errors.js';
import {
  CincinnatiClient,
  CincinnatiError,
  OCP_UPDATE_URL,
  OKD_UPDATE_URL,
} from '../../../core/collect/release/cincinnati-client.js';
import { STABLE_413_FILE, readBody } from './cincinnati-fixtures.js';

// --- A stand-in for the update service on 127.0.0.1, stopped by every test that starts it ------------------------

interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

interface StubService {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  requests: SeenRequest[];
  /** Resolves when the n-th request (1-based) has arrived. */
  requestArrived(n: number): Promise<void>;
  stop(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

async function startService(t: { after(fn: () => Promise<void>): void }, handler: Handler): Promise<StubService> {
  const requests: SeenRequest[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers });
    for (const w of waiters.filter((x) => x.n <= requests.length)) w.resolve();
    handler(req, res, requests.length);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const stop = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  t.after(stop);
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    requestArrived: (n) =>
      requests.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve })),
    stop,
  };
}

function sendGraph(res: ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(body);
}

const FAST_RETRY = { times: 3, delayMs: 5 };
/** A proxy nobody listens on: requests to loopback must never go there. */
const DEAD_PROXY = 'http://127.0.0.1:9';

function newClient(
  t: { after(fn: () => Promise<void>): void },
  env: Record<string, string | undefined>,
  extra: Partial<ConstructorParameters<typeof CincinnatiClient>[0]> = {},
): CincinnatiClient {
  const client = new CincinnatiClient({ env, retry: FAST_RETRY, ...extra });
  t.after(() => client.close());
  return client;
}

const noSignal = () => new AbortController().signal;

// --- URLs and query --------------------------------------------------------------------------------------------

test('request URLs: OCP default, OKD never overridden, override parameters kept, Go-sorted query', () => {
  const plain = new CincinnatiClient({ env: {}, id: '11111111-2222-3333-4444-555555555555' });
  const ocp = plain.requestUrl({ type: 'ocp', channel: 'stable-4.13', arch: 'amd64' });
  assert.equal(ocp.href, `${OCP_UPDATE_URL}?arch=amd64&channel=stable-4.13&id=11111111-2222-3333-4444-555555555555`);
  const overridden = new CincinnatiClient({
    env: { UPDATE_URL_OVERRIDE: 'https://osus.example.test/api/upgrades_info/graph?tenant=a&channel=x' },
    id: 'abc',
  });
  const okd = overridden.requestUrl({ type: 'okd', channel: '4-stable', arch: '' });
  assert.equal(okd.href, `${OKD_UPDATE_URL}?channel=4-stable&id=abc`);
  const withVersion = overridden.requestUrl({ type: 'ocp', channel: 'eus-4.16', arch: 'multi', version: '4.14.3' });
  assert.equal(
    withVersion.href,
    'https://osus.example.test/api/upgrades_info/graph?arch=multi&channel=eus-4.16&id=abc&tenant=a&version=4.14.3',
  );
  // Each client has its own random id.
  assert.notEqual(new CincinnatiClient({ env: {} }).id, new CincinnatiClient({ env: {} }).id);
  assert.match(
    new CincinnatiClient({ env: {} }).id,
    /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  );
});

test('an UPDATE_URL_OVERRIDE that is not an http(s) URL fails with a CincinnatiError that hides credentials', async (t) => {
  const client = newClient(t, { UPDATE_URL_OVERRIDE: 'ftp://user:secret@host/graph' });
  await assert.rejects(
    client.fetchGraph({ type: 'ocp', channel: 'stable-4.13', arch: 'amd64', signal: noSignal() }),
    (err: unknown) => {
      assert.ok(err instanceof CincinnatiError);
      assert.equal(err.code, 'CINCINNATI');
      assert.match(err.message, /UPDATE_URL_OVERRIDE is not a usable http\(s\) URL/);
      assert.ok(!err.message.includes('secret'));
      return true;
    },
  );
});

// --- Against a local service -----------------------------------------------------------------------------------

test('fetchGraph sends channel, arch, id, version and Accept, keeps override parameters, returns the real graph', async (t) => {
  const body = readBody(STABLE_413_FILE);
  const service = await startService(t, (_req, res) => sendGraph(res, body));
  // Proxies are set but loopback never goes through them: nothing listens on the proxy port.
  const client = newClient(t, {
    UPDATE_URL_OVERRIDE: `${service.origin}/api/upgrades_info/graph?tenant=lab&channel=overridden`,
    HTTP_PROXY: DEAD_PROXY,
    HTTPS_PROXY: DEAD_PROXY,
  });

  const first = await client.fetchGraph({ type: 'ocp', channel: 'stable-4.13', arch: 'amd64', signal: noSignal() });
  assert.equal(first.body, body);
  assert.equal(first.graph.nodes.length, 98);
  assert.equal(first.graph.edges.length, 1171);

  await client.fetchGraph({ type: 'ocp', channel: 'stable-4.13', arch: '', version: '4.12.0', signal: noSignal() });

  assert.equal(service.requests.length, 2);
  const [a, b] = service.requests;
  assert.equal(a.method, 'GET');
  assert.equal(a.path, '/api/upgrades_info/graph');
  assert.equal(a.headers.accept, 'application/json');
  assert.equal(a.headers.authorization, undefined);
  assert.deepEqual(
    [...a.query.entries()],
    [
      ['arch', 'amd64'],
      ['channel', 'stable-4.13'],
      ['id', client.id],
      ['tenant', 'lab'],
    ],
  );
  assert.deepEqual(
    [...b.query.entries()],
    [
      ['channel', 'stable-4.13'],
      ['id', client.id],
      ['tenant', 'lab'],
      ['version', '4.12.0'],
    ],
  );
});

test('404 is not retried and says URL, channel, arch, status and the channel hint', async (t) => {
  const service = await startService(t, (_req, res) => {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"kind":"not_found","value":"no such channel"}');
  });
  const client = newClient(t, { UPDATE_URL_OVERRIDE: `${service.origin}/graph` });
  await assert.rejects(
    client.fetchGraph({ type: 'ocp', channel: 'stable-4.99', arch: 'ppc64le', signal: noSignal() }),
    (err: unknown) => {
      assert.ok(err instanceof CincinnatiError);
      assert.equal(err.status, 404);
      assert.equal(err.temporary, false);
      assert.equal(err.url, `${service.origin}/graph`);
      assert.equal(err.channel, 'stable-4.99');
      assert.equal(err.arch, 'ppc64le');
      assert.equal(
        err.message,
        `Cincinnati at ${service.origin}/graph answered HTTP 404 Not Found for channel "stable-4.99" (arch ppc64le): no such channel`,
      );
      assert.match(err.hint ?? '', /^channel does not exist for this architecture\?/);
      return true;
    },
  );
  assert.equal(service.requests.length, 1);
});

test('500 is retried with backoff, then reported with the number of attempts', async (t) => {
  const service = await startService(t, (_req, res) => {
    res.writeHead(500);
    res.end('database down');
  });
  const retries: number[] = [];
  const client = newClient(
    t,
    { UPDATE_URL_OVERRIDE: `${service.origin}/graph` },
    { retry: { times: 2, delayMs: 5 }, onRetry: (info) => retries.push(info.attempt) },
  );
  await assert.rejects(
    client.fetchGraph({ type: 'ocp', channel: 'stable-4.13', arch: 'amd64', signal: noSignal() }),
    (err: unknown) => {
      assert.ok(err instanceof CincinnatiError);
      assert.equal(err.status, 500);
      assert.equal(err.temporary, true);
      assert.equal(
        err.message,
        `Cincinnati at ${service.origin}/graph answered HTTP 500 Internal Server Error for channel "stable-4.13" (arch amd64): database down (after 3 attempts)`,
      );
      assert.match(err.hint ?? '', /unavailable/);
      return true;
    },
  );
  assert.equal(service.requests.length, 3);
  assert.deepEqual(retries, [2, 3]);
});

test('a 503 followed by a 200 succeeds on the second attempt', async (t) => {
  const body = readBody(STABLE_413_FILE);
  const service = await startService(t, (_req, res, n) => {
    if (n === 1) {
      res.writeHead(503, { 'retry-after': '0' });
      res.end();
    } else {
      sendGraph(res, body);
    }
  });
  const reasons: string[] = [];
  const client = newClient(
    t,
    { UPDATE_URL_OVERRIDE: `${service.origin}/graph` },
    { onRetry: (info) => reasons.push(info.reason) },
  );
  const { graph } = await client.fetchGraph({ type: 'ocp', channel: 'stable-4.13', arch: 'amd64', signal: noSignal() });
  assert.equal(graph.nodes.length, 98);
  assert.equal(service.requests.length, 2);
  assert.equal(reasons.length, 1);
  assert.match(reasons[0], /HTTP 503 Service Unavailable/);
  // The retry is the same request: same id, same query.
  assert.equal(service.requests[0].query.toString(), service.requests[1].query.toString());
});

test('a 200 that is not JSON is reported as invalid JSON, not retried', async (t) => {
  const service = await startService(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html><body>Please log in to the proxy</body></html>');
  });
  const client = newClient(t, { UPDATE_URL_OVERRIDE: `${service.origin}/graph` });
  await assert.rejects(
    client.fetchGraph({ type: 'ocp', channel: 'fast-4.13', arch: 'arm64', signal: noSignal() }),
    (err: unknown) => {
      assert.ok(err instanceof CincinnatiError);
      assert.match(
        err.message,
        new RegExp(
          `^the update graph from Cincinnati at ${service.origin}/graph for channel "fast-4.13" \\(arch arm64\\) is not valid JSON`,
        ),
      );
      assert.match(err.hint ?? '', /proxy, login page or wrong URL/);
      return true;
    },
  );
  assert.equal(service.requests.length, 1);
});

test('a graph with a non-semver version from the service is rejected with the URL and channel', async (t) => {
  const body = readBody(STABLE_413_FILE).replace('"version":"4.13.9"', '"version":"4.13.9.1"');
  const service = await startService(t, (_req, res) => sendGraph(res, body));
  const client = newClient(t, { UPDATE_URL_OVERRIDE: `${service.origin}/graph` });
  await assert.rejects(
    client.fetchGraph({ type: 'ocp', channel: 'stable-4.13', arch: 'amd64', signal: noSignal() }),
    (err: unknown) => {
      assert.ok(err instanceof CincinnatiError);
      assert.match(err.message, /"4\.13\.9\.1", which is not a semantic version/);
      assert.ok(err.message.includes(`${service.origin}/graph for channel "stable-4.13" (arch amd64)`));
      return true;
    },
  );
});

test('cancellation while the service is silent rejects with CancelledError and no retry', async (t) => {
  const service = await startService(t, () => {
    // never answers
  });
  const client = newClient(t, { UPDATE_URL_OVERRIDE: `${service.origin}/graph` });
  const controller = new AbortController();
  const pending = client.fetchGraph({ type: 'ocp', channel: 'stable-4.13', arch: 'amd64', signal: controller.signal });
  await service.requestArrived(1);
  controller.abort();
  await assert.rejects(pending, CancelledError);
  assert.equal(service.requests.length, 1);
});

test('cancellation during the backoff after a 503 rejects with CancelledError', async (t) => {
  const service = await startService(t, (_req, res) => {
    res.writeHead(503);
    res.end();
  });
  const controller = new AbortController();
  const client = newClient(
    t,
    { UPDATE_URL_OVERRIDE: `${service.origin}/graph` },
    { retry: { times: 5, delayMs: 600_000 }, onRetry: () => controller.abort() },
  );
  await assert.rejects(
    client.fetchGraph({ type: 'ocp', channel: 'stable-4.13', arch: 'amd64', signal: controller.signal }),
    CancelledError,
  );
  assert.equal(service.requests.length, 1);
});

test('an attempt that exceeds its timeout is retried, then reported as not answering', async (t) => {
  const service = await startService(t, () => {
    // never answers
  });
  const client = newClient(
    t,
    { UPDATE_URL_OVERRIDE: `${service.origin}/graph` },
    { timeoutMs: 100, retry: { times: 1, delayMs: 5 } },
  );
  await assert.rejects(
    client.fetchGraph({ type: 'ocp', channel: 'stable-4.13', arch: 'amd64', signal: noSignal() }),
    (err: unknown) => {
      assert.ok(err instanceof CincinnatiError);
      assert.equal(err.temporary, true);
      assert.equal(
        err.message,
        `Cincinnati at ${service.origin}/graph did not answer within 100ms for channel "stable-4.13" (arch amd64) (after 2 attempts)`,
      );
      return true;
    },
  );
  // Two attempts were made (the message says so); under load the second may be cut off by the 100 ms timeout before
  // the server has even seen it, so only the first is sure to be recorded.
  assert.ok(service.requests.length >= 1 && service.requests.length <= 2, `${service.requests.length} requests`);
});

test('a refused connection is retried and reported as unreachable', async (t) => {
  const service = await startService(t, () => undefined);
  const origin = service.origin;
  await service.stop();
  const client = newClient(t, { UPDATE_URL_OVERRIDE: `${origin}/graph` }, { retry: { times: 1, delayMs: 5 } });
  await assert.rejects(
    client.fetchGraph({ type: 'ocp', channel: 'stable-4.13', arch: 'amd64', signal: noSignal() }),
    (err: unknown) => {
      assert.ok(err instanceof CincinnatiError);
      assert.equal(err.temporary, true);
      assert.equal(
        err.message,
        `cannot reach Cincinnati at ${origin}/graph for channel "stable-4.13" (arch amd64): ECONNREFUSED (after 2 attempts)`,
      );
      assert.match(err.hint ?? '', /HTTPS_PROXY/);
      return true;
    },
  );
});

test('credentials in the override URL become Basic auth, survive a same-origin redirect, never reach messages', async (t) => {
  const service = await startService(t, (req, res) => {
    if (req.url?.startsWith('/old')) {
      res.writeHead(302, { location: `/new${req.url.slice('/old'.length)}` });
      res.end();
      return;
    }
    res.writeHead(404);
    res.end();
  });
  const client = newClient(t, {
    UPDATE_URL_OVERRIDE: `http://osus:s3cret@${service.origin.slice('http://'.length)}/old`,
  });
  await assert.rejects(
    client.fetchGraph({ type: 'ocp', channel: 'stable-4.13', arch: 'amd64', signal: noSignal() }),
    (err: unknown) => {
      assert.ok(err instanceof CincinnatiError);
      assert.equal(err.status, 404);
      assert.ok(!JSON.stringify({ m: err.message, h: err.hint, u: err.url }).includes('s3cret'));
      assert.equal(err.url, `${service.origin}/old`);
      return true;
    },
  );
  assert.deepEqual(
    service.requests.map((r) => r.path),
    ['/old', '/new'],
  );
  const expected = `Basic ${Buffer.from('osus:s3cret').toString('base64')}`;
  assert.equal(service.requests[0].headers.authorization, expected);
  assert.equal(service.requests[1].headers.authorization, expected);
  assert.equal(service.requests[1].query.get('channel'), 'stable-4.13');
});
