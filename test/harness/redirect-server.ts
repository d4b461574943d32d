import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';

/** A request one of the proxy's servers received (headers as received, including any Authorization). */
export interface RecordedHttpRequest {
  method: string;
  /** path and query */
  path: string;
  headers: IncomingHttpHeaders;
}

export interface StartRedirectingProxyOptions {
  /** status of the blob redirect, default 307 */
  redirectStatus?: 301 | 302 | 303 | 307 | 308;
}

export interface RunningRedirectingProxy {
  /** '127.0.0.1:<port>' of the front: use it as the registry host */
  host: string;
  /** 'http://127.0.0.1:<port>' (the front always speaks plain http) */
  url: string;
  tls: false;
  /** 'http://127.0.0.1:<port>' of the storage server the blob GETs are redirected to (another port: another origin) */
  storageUrl: string;
  /** every request the front received */
  frontRequests: RecordedHttpRequest[];
  /** every request the storage server received; check `headers.authorization` is undefined */
  storageRequests: RecordedHttpRequest[];
  stop(): Promise<void>;
}

/** The parts of a RunningRegistry the proxy needs. */
export interface ProxiedRegistry {
  url: string;
  caCert?: string;
}

const BLOB_GET = /^\/v2\/(.+)\/blobs\/(sha256:[0-9a-f]{64})$/;
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

/**
 * A front server that proxies everything to `registry` except `GET /v2/<name>/blobs/<digest>`, which it answers
 * (after checking with a HEAD that the client may read the blob) with a redirect to a "storage" server on another
 * port, like registries that redirect blob downloads to object storage. The storage server fetches the blob from
 * the registry with the credentials the front saw (carried in a one-time id in the redirect URL, like a presigned
 * URL) and records the headers it received, so a test can prove Authorization is not forwarded to another host.
 */
export async function startRedirectingProxy(
  registry: ProxiedRegistry,
  options: StartRedirectingProxyOptions = {},
): Promise<RunningRedirectingProxy> {
  const frontRequests: RecordedHttpRequest[] = [];
  const storageRequests: RecordedHttpRequest[] = [];
  /** one-time id → what the storage server needs to fetch the blob */
  const grants = new Map<string, { name: string; digest: string; authorization?: string }>();

  const storage = createServer((req, res) => {
    storageRequests.push(record(req));
    const url = new URL(req.url ?? '/', 'http://storage');
    const grant = grants.get(url.searchParams.get('id') ?? '');
    if (req.method !== 'GET' || !grant || url.pathname !== `/blobs/${grant.name}/${grant.digest}`) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('unknown or expired blob URL');
      req.resume();
      return;
    }
    const headers: OutgoingHttpHeaders = {};
    if (grant.authorization) headers.authorization = grant.authorization;
    if (req.headers.range) headers.range = req.headers.range;
    forward(registry, 'GET', `/v2/${grant.name}/blobs/${grant.digest}`, headers, undefined, res);
    req.resume();
  });
  const storagePort = await listen(storage);
  const storageUrl = `http://127.0.0.1:${storagePort}`;

  const front = createServer((req, res) => {
    frontRequests.push(record(req));
    const path = req.url ?? '/';
    const headers = withoutHopByHop(req.headers);
    headers['x-forwarded-proto'] = 'http';
    const blob = req.method === 'GET' ? BLOB_GET.exec(new URL(path, 'http://front').pathname) : null;
    if (!blob) {
      forward(registry, req.method ?? 'GET', path, headers, req, res);
      return;
    }
    req.resume();
    const [, name, digest] = blob;
    upstream(registry, 'HEAD', `/v2/${name}/blobs/${digest}`, headers, (head) => {
      head.resume();
      if (head.statusCode !== 200) {
        // Let the client see the registry's own answer (401 with its challenge, 404, …).
        forward(registry, 'GET', path, headers, undefined, res);
        return;
      }
      const id = randomUUID();
      grants.set(id, { name, digest, authorization: req.headers.authorization });
      res
        .writeHead(options.redirectStatus ?? 307, { location: `${storageUrl}/blobs/${name}/${digest}?id=${id}` })
        .end();
    }).on('error', (error) => fail(res, error));
  });
  const frontPort = await listen(front);

  let stopped: Promise<void> | undefined;
  return {
    host: `127.0.0.1:${frontPort}`,
    url: `http://127.0.0.1:${frontPort}`,
    tls: false,
    storageUrl,
    frontRequests,
    storageRequests,
    stop() {
      stopped ??= Promise.all([close(front), close(storage)]).then(() => undefined);
      return stopped;
    },
  };
}

function record(req: IncomingMessage): RecordedHttpRequest {
  return { method: req.method ?? '', path: req.url ?? '', headers: { ...req.headers } };
}

function withoutHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = { ...headers };
  for (const name of HOP_BY_HOP) delete out[name];
  return out;
}

function upstream(
  registry: ProxiedRegistry,
  method: string,
  path: string,
  headers: OutgoingHttpHeaders,
  onResponse: (res: IncomingMessage) => void,
) {
  const target = new URL(path, registry.url);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const req = request(target, { method, headers, ca: registry.caCert, agent: false }, onResponse);
  if (method === 'HEAD' || method === 'GET') req.end();
  return req;
}

/** Sends a request to the registry and streams its answer back to `res`. */
function forward(
  registry: ProxiedRegistry,
  method: string,
  path: string,
  headers: OutgoingHttpHeaders,
  body: IncomingMessage | undefined,
  res: ServerResponse,
): void {
  const req = upstream(registry, method, path, headers, (answer) => {
    res.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.headers));
    answer.pipe(res);
  });
  req.on('error', (error) => fail(res, error));
  if (body && method !== 'GET' && method !== 'HEAD') body.pipe(req);
}

function fail(res: ServerResponse, error: Error): void {
  if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
  res.end(`proxy error: ${error.message}`);
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
