/**
 * A node:http proxy in front of a real harness registry that injects faults on chosen requests:
 * an early status (503, 429 + Retry-After, 401), a reset before the answer, a connection cut after N
 * body bytes, a body that stalls after N bytes, a server that ignores Range, a PUT refused with 413
 * after its body was read, a request body that is never read. Everything else is forwarded unchanged,
 * and every request is recorded so tests can assert on Range headers, retries and pagination.
 */
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FaultAction =
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  | { kind: 'reset' }
  | { kind: 'cut'; afterBytes: number }
  | { kind: 'stall'; afterBytes: number }
  | { kind: 'ignore-range' }
  | { kind: 'consume-then-status'; status: number }
  | { kind: 'never-read-body' };

export interface FaultRule {
  method?: string;
  /** Matched against path + query. */
  path: RegExp;
  /** Only requests with (true) or without (false) a Range header. */
  withRange?: boolean;
  /** How many matching requests get the fault (default 1). */
  times?: number;
  action: FaultAction;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The fault applied, if any. */
  fault?: FaultAction['kind'];
}

export interface FaultProxy {
  /** '127.0.0.1:<port>': use as the registry host (plain http) */
  host: string;
  tls: false;
  requests: RecordedRequest[];
  /** Adds rules (first matching rule with budget left wins). */
  add(...rules: FaultRule[]): void;
  stop(): Promise<void>;
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

/** Starts the proxy in front of `upstreamUrl` (a plain-http harness registry). */
export async function startFaultProxy(upstreamUrl: string, rules: FaultRule[] = []): Promise<FaultProxy> {
  const active = rules.map((r) => ({ ...r, left: r.times ?? 1 }));
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    const rule = active.find(
      (r) =>
        r.left > 0 &&
        (!r.method || r.method === req.method) &&
        r.path.test(path) &&
        (r.withRange === undefined || r.withRange === (req.headers.range !== undefined)),
    );
    if (rule) rule.left--;
    requests.push({ method: req.method ?? '', path, headers: { ...req.headers }, fault: rule?.action.kind });
    const action = rule?.action;
    switch (action?.kind) {
      case 'status':
        req.resume();
        res.writeHead(action.status, { 'content-type': 'application/json', ...action.headers });
        res.end(action.body ?? JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'injected fault' }] }));
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'consume-then-status':
        req.on('data', () => undefined);
        req.on('end', () => {
          res.writeHead(action.status, { 'content-type': 'application/json', connection: 'close' });
          res.end(JSON.stringify({ errors: [{ code: 'SIZE_INVALID', message: 'request entity too large' }] }));
        });
        return;
      case 'never-read-body':
        req.pause();
        return; // the socket is closed by stop()
      default:
        forward(upstreamUrl, req, res, action);
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let stopped: Promise<void> | undefined;
  return {
    host: `127.0.0.1:${port}`,
    tls: false,
    requests,
    add(...more) {
      active.push(...more.map((r) => ({ ...r, left: r.times ?? 1 })));
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      });
      return stopped;
    },
  };
}

function forward(
  upstreamUrl: string,
  req: IncomingMessage,
  res: ServerResponse,
  action: FaultAction | undefined,
): void {
  const headers: OutgoingHttpHeaders = { ...req.headers };
  for (const h of HOP_BY_HOP) delete headers[h];
  if (action?.kind === 'ignore-range') delete headers.range;
  // The Host header stays ours: distribution builds absolute upload Locations from it, and those must
  // lead back through the proxy.
  const target = new URL(req.url ?? '/', upstreamUrl);
  const upstream = httpRequest(target, { method: req.method, headers, agent: false }, (answer) => {
    const out: OutgoingHttpHeaders = { ...answer.headers };
    for (const h of HOP_BY_HOP) delete out[h];
    res.writeHead(answer.statusCode ?? 502, out);
    if (action?.kind !== 'cut' && action?.kind !== 'stall') {
      answer.pipe(res);
      return;
    }
    let sent = 0;
    answer.on('data', (chunk: Buffer) => {
      if (sent >= action.afterBytes) return;
      const room = action.afterBytes - sent;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      sent += part.length;
      res.write(part);
      if (sent >= action.afterBytes) {
        answer.destroy();
        if (action.kind === 'cut') {
          // Let the written bytes leave, then drop the connection without finishing the body.
          res.socket?.end();
          setTimeout(() => res.socket?.destroy(), 20);
        }
        // 'stall': keep the socket open and silent until the client gives up or stop() closes it.
      }
    });
    answer.on('end', () => {
      if (sent < action.afterBytes) res.end();
    });
  });
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(upstream);
}
