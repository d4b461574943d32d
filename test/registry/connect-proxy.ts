/**
 * A forward proxy for tests of HTTP(S)_PROXY: answers CONNECT by tunnelling to the target, with a
 * name map standing in for DNS (`registry.test` → `127.0.0.1`), so every byte stays on loopback while
 * the client has to use the proxy to reach the name at all. Records each CONNECT authority.
 */
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface ConnectProxy {
  url: string;
  /** `host:port` of every CONNECT, in order */
  connects: string[];
  /** requests that were not CONNECT (forward-proxy style), as `METHOD url` */
  plainRequests: string[];
  stop(): Promise<void>;
}

export async function startConnectProxy(names: Record<string, string>): Promise<ConnectProxy> {
  const connects: string[] = [];
  const plainRequests: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    plainRequests.push(`${req.method} ${req.url}`);
    res.writeHead(502).end('this proxy only tunnels');
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const authority = req.url ?? '';
    connects.push(authority);
    const colon = authority.lastIndexOf(':');
    const host = authority.slice(0, colon);
    const port = Number(authority.slice(colon + 1));
    const upstream = connect(port, names[host] ?? host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    plainRequests,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
