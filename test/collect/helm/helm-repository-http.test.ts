import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import YAML from 'yaml';
import { CancelledError } from '../../../core/errors.js';
import {
  HelmRepositoryClient,
  HelmRepositoryError,
  type HelmChartVersion,
  type HelmRepositoryClientOptions,
} from '../../../core/collect/helm/helm-repository.js';
import type { CredentialStore } from '../../../core/registry/credentials.js';
import { tempDirForTest } from '../../harness/temp-dir.js';

// The registry credential chain is a valid credential source for Helm repositories (checked by the compiler).
const _credentialStoreFits: (store: CredentialStore) => HelmRepositoryClientOptions['credentials'] = (store) => store;
void _credentialStoreFits;

// --- fixtures: the real service-binding-operator index and two of its charts (test/fixtures/upstream/PROVENANCE.md) ---

const FIXTURES = new URL('../../../../test/fixtures/upstream/helm/', import.meta.url);
const SBO_INDEX = readFileSync(
  fileURLToPath(new URL('indexes/redhat-developer.github.io/service-binding-operator-helm-chart/index.yaml', FIXTURES)),
);
const CHART_141 = readFileSync(fileURLToPath(new URL('charts/service-binding-operator-1.4.1.tgz', FIXTURES)));
const CHART_140 = readFileSync(fileURLToPath(new URL('charts/service-binding-operator-1.4.0.tgz', FIXTURES)));
const DIGEST_141 = 'be95db3858e6a26644f7f127a2c1c30a184abd84a15df22f4d0cbbbac5b2012c';
const DIGEST_140 = 'be2d62a35e2e4791cfcba1d35a607fd63ad49c250e581536a33e60daa9c30119';

// --- a chart repository on 127.0.0.1, stopped by every test that starts it ----------------------------------------

interface SeenRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
}

interface StubRepository {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  requests: SeenRequest[];
  /** Requests whose path (without query) is `p`. */
  hits(p: string): SeenRequest[];
}

type Handler = (req: IncomingMessage, res: ServerResponse, seen: SeenRequest[]) => void;

async function startRepository(t: { after(fn: () => Promise<void>): void }, handler: Handler): Promise<StubRepository> {
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res, requests);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  t.after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    hits: (p) => requests.filter((r) => new URL(r.url, 'http://x').pathname === p),
  };
}

/** Serves `files` (path → body), 404 for anything else. */
function staticFiles(files: Record<string, Buffer | string>): Handler {
  return (req, res) => {
    const p = new URL(req.url ?? '/', 'http://x').pathname;
    const body = files[p];
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('404 page not found');
      return;
    }
    res.writeHead(200, { 'content-type': p.endsWith('.tgz') ? 'application/gzip' : 'text/yaml' });
    res.end(body);
  };
}

const FAST_RETRY = { times: 3, delayMs: 5 };

function newClient(
  t: { after(fn: () => Promise<void>): void },
  extra: Partial<HelmRepositoryClientOptions> = {},
): HelmRepositoryClient {
  const client = new HelmRepositoryClient({ env: {}, retry: FAST_RETRY, ...extra });
  t.after(() => client.close());
  return client;
}

const noSignal = () => new AbortController().signal;

function sbo(origin: string, suffix = '/sbo') {
  return { name: 'sbo', url: `${origin}${suffix}` };
}

function chartEntry(version: string, digest: string | undefined, url: string): HelmChartVersion {
  return {
    name: 'service-binding-operator',
    version,
    urls: [url],
    ...(digest ? { digest } : {}),
    type: 'application',
    apiVersion: 'v2',
  };
}

async function listFiles(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

// --- index ------------------------------------------------------------------------------------------------------------

test('fetchIndex: <repo>/index.yaml with or without trailing slash, or the index URL itself', async (t) => {
  const repoServer = await startRepository(t, staticFiles({ '/charts/sbo/index.yaml': SBO_INDEX }));
  const client = newClient(t);
  for (const suffix of ['/charts/sbo', '/charts/sbo/', '/charts/sbo/index.yaml']) {
    const wd = await tempDirForTest(t, 'helm-index-');
    const index = await client.fetchIndex(sbo(repoServer.origin, suffix), wd, noSignal());
    assert.equal(index.entries.get('service-binding-operator')?.length, 10, suffix);
    const stored = path.join(wd, 'helm', 'indexes', `127.0.0.1:${repoServer.port}`, 'charts', 'sbo', 'index.yaml');
    assert.deepEqual(await readFile(stored), SBO_INDEX, 'the body is stored as received');
    assert.deepEqual(await listFiles(path.dirname(stored)), ['index.yaml'], 'no temp file left');
  }
  assert.deepEqual(
    repoServer.requests.map((r) => r.url),
    ['/charts/sbo/index.yaml', '/charts/sbo/index.yaml', '/charts/sbo/index.yaml'],
  );
  assert.equal(repoServer.requests[0].headers['user-agent'], 'ocm-tui');
  assert.equal(repoServer.requests[0].headers.authorization, undefined);
});

test('fetchIndex: the repository query string is sent with the index request', async (t) => {
  const repoServer = await startRepository(t, staticFiles({ '/sbo/index.yaml': SBO_INDEX }));
  const wd = await tempDirForTest(t, 'helm-index-');
  await newClient(t).fetchIndex(sbo(repoServer.origin, '/sbo?token=abc'), wd, noSignal());
  assert.deepEqual(
    repoServer.requests.map((r) => r.url),
    ['/sbo/index.yaml?token=abc'],
  );
});

test('fetchIndex: a JSON index and a gzip-encoded index', async (t) => {
  const json = JSON.stringify(YAML.parse(SBO_INDEX.toString('utf8')));
  const repoServer = await startRepository(t, (req, res) => {
    if (req.url === '/json/index.yaml') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(json);
    } else if (req.url === '/gz/index.yaml') {
      assert.match(String(req.headers['accept-encoding']), /gzip/);
      res.writeHead(200, { 'content-type': 'text/yaml', 'content-encoding': 'gzip' });
      res.end(gzipSync(SBO_INDEX));
    } else {
      res.writeHead(404).end();
    }
  });
  const client = newClient(t);
  const wd = await tempDirForTest(t, 'helm-index-');
  const fromJson = await client.fetchIndex({ name: 'j', url: `${repoServer.origin}/json` }, wd, noSignal());
  const fromGzip = await client.fetchIndex({ name: 'g', url: `${repoServer.origin}/gz/` }, wd, noSignal());
  assert.deepEqual(fromJson, fromGzip);
  assert.equal(fromJson.entries.get('service-binding-operator')?.[0].version, '1.4.1');
  const storedGz = path.join(wd, 'helm', 'indexes', `127.0.0.1:${repoServer.port}`, 'gz', 'index.yaml');
  assert.deepEqual(await readFile(storedGz), SBO_INDEX, 'stored decompressed');
});

test('fetchIndex: 404 fails at once, names repository and URL without credentials, stores nothing', async (t) => {
  const repoServer = await startRepository(t, staticFiles({}));
  const wd = await tempDirForTest(t, 'helm-index-');
  const retries: number[] = [];
  const client = newClient(t, { onRetry: (i) => retries.push(i.attempt) });
  const repo = { name: 'missing', url: `http://user:s3cret@127.0.0.1:${repoServer.port}/nope?token=t0ken` };
  await assert.rejects(client.fetchIndex(repo, wd, noSignal()), (err: unknown) => {
    assert.ok(err instanceof HelmRepositoryError);
    assert.equal(err.code, 'HELM_REPOSITORY');
    assert.equal(err.status, 404);
    assert.equal(err.repository, 'missing');
    assert.equal(err.temporary, false);
    assert.equal(
      err.message,
      `cannot download the index of helm repository "missing" (http://127.0.0.1:${repoServer.port}/nope/index.yaml): HTTP 404 Not Found`,
    );
    assert.ok(!`${err.message}${err.hint}`.includes('s3cret') && !`${err.message}${err.hint}`.includes('t0ken'));
    assert.match(err.hint ?? '', /directory that holds index\.yaml/);
    return true;
  });
  assert.equal(repoServer.requests.length, 1, 'a 404 is not retried');
  assert.deepEqual(retries, []);
  // The URL's credentials were sent as Basic auth (Go's http client does the same).
  assert.equal(repoServer.requests[0].headers.authorization, `Basic ${Buffer.from('user:s3cret').toString('base64')}`);
  assert.deepEqual(await listFiles(path.join(wd, 'helm')), []);
});

test('fetchIndex: 500 and 503 are retried with backoff, then the index is used', async (t) => {
  const repoServer = await startRepository(t, (req, res, seen) => {
    if (seen.length === 1) res.writeHead(500).end('boom');
    else if (seen.length === 2) res.writeHead(503, { 'retry-after': '0' }).end();
    else staticFiles({ '/sbo/index.yaml': SBO_INDEX })(req, res, seen);
  });
  const retries: { attempt: number; maxAttempts: number; reason: string }[] = [];
  const client = newClient(t, { onRetry: (i) => retries.push(i) });
  const wd = await tempDirForTest(t, 'helm-index-');
  const index = await client.fetchIndex(sbo(repoServer.origin), wd, noSignal());
  assert.equal(index.entries.get('service-binding-operator')?.[0].version, '1.4.1');
  assert.equal(repoServer.requests.length, 3);
  assert.deepEqual(
    retries.map((r) => [r.attempt, r.maxAttempts]),
    [
      [2, 4],
      [3, 4],
    ],
  );
  assert.match(retries[0].reason, /HTTP 500 Internal Server Error/);
});

test('fetchIndex: a server that keeps failing gives up after --retry-times and says so', async (t) => {
  const repoServer = await startRepository(t, (_req, res) => res.writeHead(502).end());
  const wd = await tempDirForTest(t, 'helm-index-');
  await assert.rejects(newClient(t).fetchIndex(sbo(repoServer.origin), wd, noSignal()), (err: unknown) => {
    assert.ok(err instanceof HelmRepositoryError);
    assert.equal(err.temporary, true);
    assert.match(err.message, /HTTP 502 Bad Gateway \(after 4 attempts\)$/);
    assert.match(err.hint ?? '', /try again later/);
    return true;
  });
  assert.equal(repoServer.requests.length, 4);
});

test('fetchIndex: connection refused is retried and reported', async (t) => {
  // A port nobody listens on: close a server and reuse its port.
  const dead = createServer();
  await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
  const deadPort = (dead.address() as AddressInfo).port;
  await new Promise<void>((resolve) => dead.close(() => resolve()));
  const retries: number[] = [];
  const client = newClient(t, { retry: { times: 1, delayMs: 1 }, onRetry: (i) => retries.push(i.attempt) });
  const wd = await tempDirForTest(t, 'helm-index-');
  await assert.rejects(
    client.fetchIndex({ name: 'down', url: `http://127.0.0.1:${deadPort}/r` }, wd, noSignal()),
    (err: unknown) =>
      err instanceof HelmRepositoryError &&
      /helm repository "down" \(http:\/\/127\.0\.0\.1:\d+\/r\/index\.yaml\): ECONNREFUSED \(after 2 attempts\)/.test(
        err.message,
      ),
  );
  assert.deepEqual(retries, [2]);
});

test('fetchIndex: an HTML page instead of an index is an invalid repository', async (t) => {
  const repoServer = await startRepository(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><html><body>Welcome</body></html>');
  });
  const wd = await tempDirForTest(t, 'helm-index-');
  await assert.rejects(
    newClient(t).fetchIndex({ name: 'web', url: repoServer.origin }, wd, noSignal()),
    (err: unknown) => {
      assert.ok(err instanceof HelmRepositoryError);
      assert.match(
        err.message,
        /helm repository "web" \(http:\/\/127\.0\.0\.1:\d+\/index\.yaml\): not a valid chart repository index/,
      );
      return true;
    },
  );
  assert.deepEqual(await listFiles(path.join(wd, 'helm')), [], 'an invalid index is not stored');
});

test('fetchIndex: oci:// repositories are refused before any request', async (t) => {
  const wd = await tempDirForTest(t, 'helm-index-');
  await assert.rejects(
    newClient(t).fetchIndex({ name: 'oci', url: 'oci://ghcr.io/org/charts' }, wd, noSignal()),
    (err: unknown) => err instanceof HelmRepositoryError && /helm repository "oci": .*OCI registry/.test(err.message),
  );
});

test('fetchIndex: cancellation aborts a hanging request with CancelledError', async (t) => {
  const repoServer = await startRepository(t, () => {
    // never answers
  });
  const wd = await tempDirForTest(t, 'helm-index-');
  const controller = new AbortController();
  const pending = newClient(t).fetchIndex(sbo(repoServer.origin), wd, controller.signal);
  setTimeout(() => controller.abort(), 50);
  await assert.rejects(pending, CancelledError);
});

// --- charts -----------------------------------------------------------------------------------------------------------

test('downloadChart: a relative URL from the real index, digest verified, file named after the URL', async (t) => {
  const repoServer = await startRepository(
    t,
    staticFiles({ '/sbo/index.yaml': SBO_INDEX, '/sbo/service-binding-operator-1.4.1.tgz': CHART_141 }),
  );
  const client = newClient(t);
  const wd = await tempDirForTest(t, 'helm-chart-');
  const repo = sbo(repoServer.origin);
  const index = await client.fetchIndex(repo, wd, noSignal());
  const entry = client.resolveChart(index, repo, 'service-binding-operator');
  assert.equal(entry.version, '1.4.1');
  const result = await client.downloadChart(repo, entry, wd, noSignal());
  const expectedPath = path.join(wd, 'helm', 'charts', 'service-binding-operator-1.4.1.tgz');
  assert.deepEqual(result, {
    path: expectedPath,
    digest: `sha256:${DIGEST_141}`,
    size: CHART_141.length,
    verified: true,
    reused: false,
  });
  assert.deepEqual(await readFile(expectedPath), CHART_141);
  assert.deepEqual(await listFiles(path.join(wd, 'helm', 'charts')), ['service-binding-operator-1.4.1.tgz']);
  assert.deepEqual(
    repoServer.requests.map((r) => r.url),
    ['/sbo/index.yaml', '/sbo/service-binding-operator-1.4.1.tgz'],
  );

  // A second download finds the verified file and sends no request.
  const again = await client.downloadChart(repo, entry, wd, noSignal());
  assert.equal(again.reused, true);
  assert.equal(repoServer.requests.length, 2);
});

test('downloadChart: relative URLs in nested paths, with the repository query, percent-encoding kept', async (t) => {
  const repoServer = await startRepository(t, staticFiles({ '/a/b/pkgs/my%2Bchart-1.4.1.tgz': CHART_141 }));
  const wd = await tempDirForTest(t, 'helm-chart-');
  const repo = { name: 'nested', url: `${repoServer.origin}/a/b/index.yaml?sig=1` };
  const result = await newClient(t).downloadChart(
    repo,
    chartEntry('1.4.1', DIGEST_141, 'pkgs/my%2Bchart-1.4.1.tgz'),
    wd,
    noSignal(),
  );
  assert.deepEqual(
    repoServer.requests.map((r) => r.url),
    ['/a/b/pkgs/my%2Bchart-1.4.1.tgz?sig=1'],
  );
  assert.equal(path.basename(result.path), 'my+chart-1.4.1.tgz', 'saved under the decoded file name (Helm)');
});

test('downloadChart: an absolute URL elsewhere gets no repository credentials; its query is kept', async (t) => {
  const repoServer = await startRepository(t, staticFiles({ '/dl/x-1.4.1.tgz': CHART_141 }));
  const wd = await tempDirForTest(t, 'helm-chart-');
  const asked: string[] = [];
  const client = newClient(t, {
    credentials: {
      get: async (host) => {
        asked.push(host);
        return { username: 'robot', password: 'pa55' };
      },
    },
  });
  // The repository is 127.0.0.1:<port>; the chart lives on localhost:<port> (another host name, same server).
  const repo = { name: 'creds', url: `${repoServer.origin}/repo/` };
  const absolute = `http://localhost:${repoServer.port}/dl/x-1.4.1.tgz?token=abc`;
  await client.downloadChart(repo, chartEntry('1.4.1', DIGEST_141, absolute), wd, noSignal());
  assert.equal(repoServer.requests[0].url, '/dl/x-1.4.1.tgz?token=abc');
  assert.equal(repoServer.requests[0].headers.authorization, undefined);

  // A chart on the repository's host gets them (Helm passes repository credentials to the same host).
  // (No digest this time, so the file downloaded above is not simply reused.)
  await client.downloadChart(repo, chartEntry('1.4.1', undefined, '../dl/x-1.4.1.tgz'), wd, noSignal());
  assert.equal(repoServer.requests[1].url, '/dl/x-1.4.1.tgz');
  assert.equal(repoServer.requests[1].headers.authorization, `Basic ${Buffer.from('robot:pa55').toString('base64')}`);
  assert.deepEqual(asked, [`127.0.0.1:${repoServer.port}`], 'looked up once per repository, by host:port');
});

test('downloadChart: a redirect is followed; credentials never follow it to another host', async (t) => {
  const repoServer = await startRepository(t, (req, res, seen) => {
    if (req.url === '/sbo/service-binding-operator-1.4.1.tgz') {
      const port = (req.socket.localPort ?? 0).toString();
      res.writeHead(302, { location: `http://localhost:${port}/objects/abc` }).end();
      return;
    }
    staticFiles({ '/objects/abc': CHART_141 })(req, res, seen);
  });
  const wd = await tempDirForTest(t, 'helm-chart-');
  const repo = { name: 'sbo', url: `http://u:p@127.0.0.1:${repoServer.port}/sbo` };
  const result = await newClient(t).downloadChart(
    repo,
    chartEntry('1.4.1', DIGEST_141, 'service-binding-operator-1.4.1.tgz'),
    wd,
    noSignal(),
  );
  assert.equal(path.basename(result.path), 'service-binding-operator-1.4.1.tgz', 'named after the index URL');
  assert.ok(repoServer.requests[0].headers.authorization);
  assert.equal(repoServer.requests[1].url, '/objects/abc');
  assert.equal(repoServer.requests[1].headers.authorization, undefined);
});

test('downloadChart: 500 then 200 is retried; a 404 names chart, version and URL', async (t) => {
  let failures = 1;
  const repoServer = await startRepository(t, (req, res, seen) => {
    if (failures-- > 0) {
      res.writeHead(500).end();
      return;
    }
    staticFiles({ '/sbo/service-binding-operator-1.4.1.tgz': CHART_141 })(req, res, seen);
  });
  const client = newClient(t);
  const wd = await tempDirForTest(t, 'helm-chart-');
  const repo = sbo(repoServer.origin);
  const ok = await client.downloadChart(
    repo,
    chartEntry('1.4.1', DIGEST_141, 'service-binding-operator-1.4.1.tgz'),
    wd,
    noSignal(),
  );
  assert.equal(ok.size, CHART_141.length);
  assert.equal(repoServer.requests.length, 2);

  await assert.rejects(
    client.downloadChart(repo, chartEntry('1.0.0', undefined, 'service-binding-operator-1.0.0.tgz'), wd, noSignal()),
    (err: unknown) => {
      assert.ok(err instanceof HelmRepositoryError);
      assert.equal(err.chart, 'service-binding-operator');
      assert.equal(err.version, '1.0.0');
      assert.equal(
        err.message,
        `cannot download chart "service-binding-operator" version 1.0.0 from helm repository "sbo" ` +
          `(${repoServer.origin}/sbo/service-binding-operator-1.0.0.tgz): HTTP 404 Not Found`,
      );
      assert.match(err.hint ?? '', /index may be stale/);
      return true;
    },
  );
  assert.deepEqual(await listFiles(path.join(wd, 'helm', 'charts')), ['service-binding-operator-1.4.1.tgz']);
});

test('downloadChart: a digest mismatch is refused and leaves no file', async (t) => {
  // The server answers 1.4.1's URL with 1.4.0's bytes.
  const repoServer = await startRepository(t, staticFiles({ '/sbo/service-binding-operator-1.4.1.tgz': CHART_140 }));
  const wd = await tempDirForTest(t, 'helm-chart-');
  const retries: number[] = [];
  await assert.rejects(
    newClient(t, { onRetry: (i) => retries.push(i.attempt) }).downloadChart(
      sbo(repoServer.origin),
      chartEntry('1.4.1', DIGEST_141, 'service-binding-operator-1.4.1.tgz'),
      wd,
      noSignal(),
    ),
    (err: unknown) => {
      assert.ok(err instanceof HelmRepositoryError);
      assert.equal(err.code, 'HELM_REPOSITORY');
      assert.match(
        err.message,
        new RegExp(
          `^chart "service-binding-operator" version 1\\.4\\.1 from helm repository "sbo" \\(.*\\) does not match ` +
            `the index digest: expected sha256:${DIGEST_141}, got sha256:${DIGEST_140}`,
        ),
      );
      return true;
    },
  );
  assert.deepEqual(await listFiles(path.join(wd, 'helm', 'charts')), [], 'neither the chart nor a temp file');
  assert.deepEqual(retries, []);
  assert.equal(createHash('sha256').update(CHART_140).digest('hex'), DIGEST_140);
});

test('downloadChart: without a digest in the index the file is kept unverified', async (t) => {
  const repoServer = await startRepository(t, staticFiles({ '/sbo/service-binding-operator-1.4.0.tgz': CHART_140 }));
  const wd = await tempDirForTest(t, 'helm-chart-');
  const result = await newClient(t).downloadChart(
    sbo(repoServer.origin),
    chartEntry('1.4.0', undefined, 'service-binding-operator-1.4.0.tgz'),
    wd,
    noSignal(),
  );
  assert.equal(result.verified, false);
  assert.equal(result.digest, `sha256:${DIGEST_140}`);
  assert.equal((await stat(result.path)).size, CHART_140.length);
});

test('downloadChart: a body cut short is retried and no partial file stays', async (t) => {
  let attempts = 0;
  const repoServer = await startRepository(t, (_req, res) => {
    attempts++;
    res.writeHead(200, { 'content-length': String(CHART_141.length) });
    if (attempts === 1) {
      res.write(CHART_141.subarray(0, 1000));
      setTimeout(() => res.socket?.destroy(), 10);
      return;
    }
    res.end(CHART_141);
  });
  const wd = await tempDirForTest(t, 'helm-chart-');
  const result = await newClient(t).downloadChart(
    sbo(repoServer.origin),
    chartEntry('1.4.1', DIGEST_141, 'service-binding-operator-1.4.1.tgz'),
    wd,
    noSignal(),
  );
  assert.equal(result.verified, true);
  assert.equal(attempts, 2);
  assert.deepEqual(await listFiles(path.join(wd, 'helm', 'charts')), ['service-binding-operator-1.4.1.tgz']);
});

test('downloadChart: an entry without URLs, or with a URL naming a directory, is refused', async (t) => {
  const wd = await tempDirForTest(t, 'helm-chart-');
  const client = newClient(t);
  const repo = { name: 'r', url: 'http://127.0.0.1:9/r/' };
  await assert.rejects(
    client.downloadChart(repo, { ...chartEntry('1.0.0', undefined, ''), urls: [] }, wd, noSignal()),
    (err: unknown) => err instanceof HelmRepositoryError && /version 1\.0\.0 .* has no download URL/.test(err.message),
  );
  await assert.rejects(
    client.downloadChart(repo, chartEntry('1.0.0', undefined, '/'), wd, noSignal()),
    (err: unknown) => err instanceof HelmRepositoryError && /has no file name/.test(err.message),
  );
});
