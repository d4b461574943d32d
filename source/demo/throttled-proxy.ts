/**
 * A loopback HTTP proxy that limits response bandwidth, so the demo's transfer is slow enough to watch
 * (and so end-to-end tests can interrupt a transfer half-way). Requests pass through unchanged.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { Transform, pipeline } from 'node:stream';
import type { AddressInfo } from 'node:net';

export interface ThrottledProxy {
  host: string;
  close(): Promise<void>;
}

export async function startThrottledProxy(upstreamHost: string, bytesPerSecond: number): Promise<ThrottledProxy> {
  const [upHost, upPort] = upstreamHost.split(':');
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const upstream = request(
      { host: upHost, port: Number(upPort), method: req.method, path: req.url, headers: req.headers },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        pipeline(upRes, throttle(bytesPerSecond), res, () => undefined);
      },
    );
    upstream.on('error', () => res.destroy());
    pipeline(req, upstream, () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Passes chunks on no faster than the rate (per connection), splitting big chunks. */
function throttle(bytesPerSecond: number): Transform {
  const slice = Math.max(1024, Math.floor(bytesPerSecond / 20));
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      const parts: Buffer[] = [];
      for (let i = 0; i < chunk.length; i += slice) parts.push(chunk.subarray(i, i + slice));
      const push = (i: number) => {
        if (i >= parts.length) return done();
        this.push(parts[i]);
        setTimeout(() => push(i + 1), (parts[i].length / bytesPerSecond) * 1000);
      };
      push(0);
    },
  });
}
