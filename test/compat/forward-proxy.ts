/**
 * upstream tests/integration/pkg/proxy: a forward HTTP proxy recording the hosts it is asked for. CONNECT tunnels
 * and absolute-URI requests are both served. Host names in `hosts` are connected to 127.0.0.1 (same port), so the
 * fixtures can be named `quay.io:<port>` and still reached — through the proxy only.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface ForwardProxy {
  url: string;
  hosts(): string[];
  sawHost(host: string): boolean;
  /** The first error the proxy itself hit while serving (upstream `Err()`). */
  err(): Error | undefined;
  stop(): Promise<void>;
}

export async function startForwardProxy(hosts: string[]): Promise<ForwardProxy> {
  const seen = new Set<string>();
  let firstError: Error | undefined;
  const sockets = new Set<Socket>();
  const target = (host: string) => (hosts.includes(host) ? '127.0.0.1' : host);
  const server: Server = createServer((req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute URI expected');
      return;
    }
    seen.add(url.hostname);
    const upstream = httpRequest(
      {
        host: target(url.hostname),
        port: url.port || 80,
        method: req.method,
        path: url.pathname + url.search,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (e) => {
      firstError ??= e;
      res.writeHead(502).end(String(e));
    });
    req.pipe(upstream);
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const [host, portText] = (req.url ?? '').split(':');
    seen.add(host);
    const upstream = connect(Number(portText) || 443, target(host), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    sockets.add(client);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('close', () => sockets.delete(upstream));
    client.on('close', () => sockets.delete(client));
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url,
    hosts: () => [...seen].sort(),
    sawHost: (h) => seen.has(h),
    err: () => firstError,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An address nothing listens on (upstream `proxy.UnusedAddr`). */
export async function unusedAddr(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `127.0.0.1:${port}`;
}
