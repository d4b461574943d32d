/**
 * A loopback pass-through HTTP proxy in front of one registry that records every request (method, path,
 * Authorization header) and can throttle request and response bodies. Reliability tests point the CLI at
 * it to count what a re-run fetches (blob GETs) or uploads (blob PUTs), to slow a transfer down enough to
 * interrupt it, and to capture the bearer tokens a client really sent.
 *
 * The Host header is passed on unchanged, so the registry builds upload `Location` URLs that point back
 * at the proxy. The rate can change between runs (`setRate`), without changing the host the CLI uses.
 */
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Transform, pipeline } from 'node:stream';

/** One request the proxy forwarded. */
export interface ProxiedRequest {
  method: string;
  /** path and query, as received */
  path: string;
  /** the Authorization header as received (undefined when none) */
  authorization?: string;
  /** status the registry answered (0 until the answer arrived) */
  status: number;
}

export interface CountingProxy {
  /** '127.0.0.1:<port>': use it as the registry host */
  host: string;
  /** every request, in arrival order; clear with `requests.length = 0` */
  requests: ProxiedRequest[];
  /** bytes per second per body (each direction, each connection); Infinity = unthrottled */
  setRate(bytesPerSecond: number): void;
  stop(): Promise<void>;
}

const BLOB_GET = /^\/v2\/.+\/blobs\/(sha256:[0-9a-f]{64})$/;
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

/** Digests of the blob downloads (`GET /v2/<name>/blobs/<digest>`) among `requests`, in order. */
export function blobGets(requests: ProxiedRequest[]): string[] {
  return requests.flatMap((r) => {
    const match = r.method === 'GET' ? BLOB_GET.exec(r.path.split('?')[0]) : null;
    return match ? [match[1]] : [];
  });
}

/** Digests of the completed-upload requests (`PUT …/blobs/uploads/…?digest=<digest>`) among `requests`. */
export function blobUploads(requests: ProxiedRequest[]): string[] {
  return requests.flatMap((r) => {
    if (r.method !== 'PUT' || !r.path.includes('/blobs/uploads/')) return [];
    const digest = new URL(r.path, 'http://proxy').searchParams.get('digest');
    return digest ? [digest] : [];
  });
}

/** The bearer tokens clients sent (unique, in first-seen order). */
export function bearerTokens(requests: ProxiedRequest[]): string[] {
  const tokens = requests.flatMap((r) => {
    const match = /^Bearer\s+(\S+)$/i.exec(r.authorization ?? '');
    return match ? [match[1]] : [];
  });
  return [...new Set(tokens)];
}

export async function startCountingProxy(upstreamHost: string, initialRate = Infinity): Promise<CountingProxy> {
  const [upHost, upPort] = upstreamHost.split(':');
  const requests: ProxiedRequest[] = [];
  let rate = initialRate;
  const currentRate = () => rate;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const record: ProxiedRequest = {
      method: req.method ?? '',
      path: req.url ?? '/',
      authorization: req.headers.authorization,
      status: 0,
    };
    requests.push(record);
    const upstream = request(
      { host: upHost, port: Number(upPort), method: req.method, path: req.url, headers: withoutHopByHop(req.headers) },
      (upRes) => {
        record.status = upRes.statusCode ?? 0;
        res.writeHead(upRes.statusCode ?? 502, withoutHopByHop(upRes.headers));
        pipeline(upRes, throttle(currentRate), res, () => undefined);
      },
    );
    // A client killed mid-transfer closes its socket: drop the upstream request too.
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    pipeline(req, throttle(currentRate), upstream, () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  return {
    host: `127.0.0.1:${port}`,
    requests,
    setRate(bytesPerSecond) {
      rate = bytesPerSecond;
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return stopped;
    },
  };
}

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = { ...headers };
  for (const name of HOP_BY_HOP) delete out[name];
  return out;
}

/** Passes chunks on no faster than the current rate, in slices of 1/20 s; unthrottled when the rate is infinite. */
function throttle(rateOf: () => number): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const rate = rateOf();
      if (!Number.isFinite(rate)) return done(null, chunk);
      const slice = Math.max(1024, Math.floor(rate / 20));
      const push = (offset: number) => {
        if (offset >= chunk.length) return done();
        const part = chunk.subarray(offset, offset + slice);
        this.push(part);
        setTimeout(() => push(offset + slice), (part.length / rate) * 1000);
      };
      push(0);
    },
  });
}
