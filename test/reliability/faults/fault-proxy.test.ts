/**
 * The fault proxy itself, over raw HTTP against a real registry: each fault does exactly what
 * support/fault-proxy.ts promises (the suites' assertions lean on it), budgets and `nth` count right,
 * and requests are classified as the counters say.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startRegistry, type RunningRegistry } from '../../harness/registry-server.js';
import { classifyRequest } from '../support/request-class.js';
import { startFaultProxy, type FaultProxy, type FaultRule } from '../support/fault-proxy.js';
import { BIG_LAYER_BYTES, pushFaultImages, type FaultImages } from '../support/fault-fixtures.js';

let registry: RunningRegistry;
let images: FaultImages;
let original: Buffer;

test.before(async () => {
  registry = await startRegistry();
  images = await pushFaultImages(registry);
  const direct = await get(registry.host, blobPath());
  assert.equal(direct.status, 200);
  original = direct.body;
  assert.equal(original.length, BIG_LAYER_BYTES);
});
test.after(() => registry?.stop());

const blobPath = () => `/v2/${images.target.repository}/blobs/${images.bigLayer.digest}`;

interface RawAnswer {
  status?: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The connection failed before the body was complete. */
  broken: boolean;
}

/** One GET on a fresh connection; never rejects: a broken answer is data here. */
function get(host: string, path: string, method = 'GET'): Promise<RawAnswer> {
  const [hostname, port] = host.split(':');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const out: RawAnswer = { headers: {}, body: Buffer.alloc(0), broken: false };
    const done = (broken: boolean) => {
      out.body = Buffer.concat(chunks);
      out.broken ||= broken;
      resolve(out);
    };
    const req = request({ hostname, port: Number(port), path, method, agent: false }, (res) => {
      out.status = res.statusCode;
      out.headers = res.headers;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(!res.complete));
      res.on('error', () => done(true));
      res.on('aborted', () => (out.broken = true));
    });
    req.on('error', () => done(true));
    req.end();
  });
}

async function proxyWith(t: { after: (fn: () => Promise<void>) => void }, rules: FaultRule[]): Promise<FaultProxy> {
  const proxy = await startFaultProxy(registry, rules);
  t.after(() => proxy.stop());
  return proxy;
}

const onBlob = () => ({ pathClass: 'blob' as const, method: 'GET', digest: images.bigLayer.digest });

test('classifies registry API requests', () => {
  const d = images.bigLayer.digest;
  assert.deepEqual(classifyRequest('GET', '/v2/'), { pathClass: 'ping', upload: false });
  assert.deepEqual(classifyRequest('HEAD', `/v2/a/b/blobs/${d}`), {
    pathClass: 'blob',
    repository: 'a/b',
    digest: d,
    upload: false,
  });
  assert.deepEqual(classifyRequest('POST', '/v2/a/b/blobs/uploads/'), {
    pathClass: 'blob',
    repository: 'a/b',
    digest: undefined,
    upload: true,
  });
  assert.deepEqual(classifyRequest('PUT', `/v2/a/blobs/uploads/u-1?_state=x&digest=${d}`), {
    pathClass: 'blob',
    repository: 'a',
    digest: d,
    upload: true,
  });
  assert.deepEqual(classifyRequest('PATCH', '/v2/a/blobs/uploads/u-1?_state=x'), {
    pathClass: 'blob',
    repository: 'a',
    digest: undefined,
    upload: true,
  });
  assert.deepEqual(classifyRequest('POST', `/v2/a/blobs/uploads/?mount=${d}&from=b`), {
    pathClass: 'mount',
    repository: 'a',
    digest: d,
    upload: false,
  });
  assert.deepEqual(classifyRequest('POST', `/v2/a/blobs/uploads/?mount=${d}&from=a`), {
    pathClass: 'claim',
    repository: 'a',
    digest: d,
    upload: false,
  });
  assert.deepEqual(classifyRequest('GET', '/v2/a/manifests/v1'), {
    pathClass: 'manifest',
    repository: 'a',
    reference: 'v1',
    digest: undefined,
    upload: false,
  });
  assert.deepEqual(classifyRequest('GET', `/v2/a/manifests/${d}`), {
    pathClass: 'manifest',
    repository: 'a',
    reference: d,
    digest: d,
    upload: false,
  });
  assert.deepEqual(classifyRequest('GET', '/v2/a/tags/list?n=5'), {
    pathClass: 'tags',
    repository: 'a',
    upload: false,
  });
  assert.deepEqual(classifyRequest('GET', '/v2/_catalog'), { pathClass: 'catalog', upload: false });
  assert.deepEqual(classifyRequest('GET', '/__token__?service=s&scope=repository:x/y:pull&scope=repository:z:pull'), {
    pathClass: 'token',
    repository: 'x/y',
    upload: false,
  });
});

test('cut-after-bytes: exactly that many bytes, then a broken connection; then pass-through', async (t) => {
  const proxy = await proxyWith(t, [{ match: onBlob(), fault: { kind: 'cut-after-bytes', bytes: 70_000 } }]);
  const cut = await get(proxy.host, blobPath());
  assert.equal(cut.status, 200);
  assert.equal(cut.broken, true);
  assert.ok(cut.body.length <= 70_000);
  assert.deepEqual(cut.body, original.subarray(0, cut.body.length));
  const next = await get(proxy.host, blobPath());
  assert.deepEqual([next.broken, next.body.equals(original)], [false, true]);
  assert.equal(proxy.counts.of('blob', 'GET', images.bigLayer.digest), 2);
  assert.equal(proxy.counts.faults('cut-after-bytes'), 1);
});

test('truncate-with-full-length: the full Content-Length, half the body, a closed connection', async (t) => {
  const proxy = await proxyWith(t, [{ match: onBlob(), fault: { kind: 'truncate-with-full-length' } }]);
  const answer = await get(proxy.host, blobPath());
  assert.equal(answer.headers['content-length'], String(BIG_LAYER_BYTES));
  assert.equal(answer.broken, true);
  assert.deepEqual(answer.body, original.subarray(0, BIG_LAYER_BYTES / 2));
});

test('flip-bytes: same length, exactly one byte inverted', async (t) => {
  const proxy = await proxyWith(t, [{ match: onBlob(), fault: { kind: 'flip-bytes', offset: 100_001 } }]);
  const answer = await get(proxy.host, blobPath());
  assert.equal(answer.broken, false);
  assert.equal(answer.body.length, original.length);
  const differing = [...answer.body.keys()].filter((i) => answer.body[i] !== original[i]);
  assert.deepEqual(differing, [100_001]);
  assert.equal(answer.body[100_001], original[100_001] ^ 0xff);
});

test('stall: the body arrives whole after the pause', async (t) => {
  const proxy = await proxyWith(t, [{ match: onBlob(), fault: { kind: 'stall', ms: 200, afterBytes: 1234 } }]);
  const answer = await get(proxy.host, blobPath());
  assert.deepEqual([answer.broken, answer.body.equals(original)], [false, true]);
  assert.equal(proxy.counts.faults('stall'), 1);
});

test('status n times, then the real answer; rate-limit carries Retry-After', async (t) => {
  const proxy = await proxyWith(t, [
    { match: onBlob(), fault: { kind: 'status', status: 502 }, times: 2 },
    { match: { pathClass: 'manifest' }, fault: { kind: 'rate-limit', retryAfterSeconds: 7 } },
  ]);
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await get(proxy.host, blobPath())).status);
  assert.deepEqual(statuses, [502, 502, 200]);
  const limited = await get(proxy.host, `/v2/${images.target.repository}/manifests/1`);
  assert.equal(limited.status, 429);
  assert.equal(limited.headers['retry-after'], '7');
  assert.match(limited.body.toString(), /TOOMANYREQUESTS/);
  assert.deepEqual(proxy.counts.summary(), { 'blob GET': 3, 'manifest GET': 1 });
});

test("'always' never runs out; nth skips the first matches; setRules replaces the rules", async (t) => {
  const proxy = await proxyWith(t, [
    { match: { ...onBlob(), nth: 2 }, fault: { kind: 'status', status: 500 }, times: 'always' },
  ]);
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push((await get(proxy.host, blobPath())).status);
  assert.deepEqual(statuses, [200, 500, 500, 500]);
  proxy.setRules([]);
  assert.equal((await get(proxy.host, blobPath())).status, 200);
  proxy.counts.reset();
  assert.equal(proxy.counts.requests.length, 0);
});

test('refuse-connections closes the next n connections unanswered', async (t) => {
  const proxy = await proxyWith(t, [{ fault: { kind: 'refuse-connections' }, times: 2 }]);
  const answers = [];
  for (let i = 0; i < 3; i++) answers.push(await get(proxy.host, '/v2/'));
  assert.deepEqual(
    answers.map((a) => [a.status, a.broken]),
    [
      [undefined, true],
      [undefined, true],
      [200, false],
    ],
  );
  assert.equal(proxy.counts.refusedConnections, 2);
  assert.equal(proxy.counts.requests.length, 1, 'refused connections carry no request');
});

test('a body fault on an answer without a body resets the connection instead', async (t) => {
  const proxy = await proxyWith(t, [
    { match: { pathClass: 'blob', method: 'HEAD' }, fault: { kind: 'cut-after-bytes', bytes: 10 } },
  ]);
  const head = await get(proxy.host, blobPath(), 'HEAD');
  assert.deepEqual([head.status, head.broken], [undefined, true]);
});
