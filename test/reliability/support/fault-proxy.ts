/**
 * A fault-injecting HTTP proxy in front of a real harness registry (and its token server), for the
 * reliability suites. Point ocm-tui (or a RegistryClient) at `proxy.host` instead of the registry.
 *
 * API (stable; imported by other reliability suites — extend, do not change):
 *   startFaultProxy(upstream: ProxyUpstream, rules?: FaultRule[]): Promise<FaultProxy>
 *   FaultProxy.host          '127.0.0.1:<port>' (plain http: use --src/dest-tls-verify=false)
 *   FaultProxy.url           'http://127.0.0.1:<port>'
 *   FaultProxy.counts        RequestCounts: every request seen, classified (see request-class.ts)
 *   FaultProxy.setRules(r)   replaces the rules (and their budgets and `nth` counters)
 *   FaultProxy.stop()        closes every connection and the server (idempotent)
 *
 * A rule = which requests (`match`), what goes wrong (`fault`), how often (`times`, default 1;
 * `'always'` for a permanent fault). Faults apply `times` times and then requests pass through, so a
 * "transient" fault is `times` ≤ the retry budget and a "permanent" one is `'always'`. The first rule
 * (in order) that matches and has budget left applies. Faults:
 *   cut-after-bytes           response body: `bytes` bytes are sent, then the connection is reset (RST).
 *                             Upload requests with a body (PATCH/PUT): the connection is reset once `bytes`
 *                             request bytes arrived (nothing is forwarded). An answer without a body (HEAD,
 *                             202…) is not relayed: the connection is reset instead.
 *   status                    answers `status` (500/502/503/…) with an OCI error body, after reading the
 *                             request body; nothing is forwarded.
 *   rate-limit                answers 429 TOOMANYREQUESTS with `Retry-After: <retryAfterSeconds>`.
 *   stall                     response body: after `afterBytes` (default 0) bytes, nothing for `ms`, then
 *                             the rest (unless the client gave up first).
 *   truncate-with-full-length response body: the full Content-Length header, `bytes` bytes (default half),
 *                             then the connection is closed cleanly (FIN).
 *   flip-bytes                response body: the byte at `offset` (default: the middle) is inverted;
 *                             length unchanged, so only the digest check can notice.
 *   refuse-connections        the next `times` TCP connections are closed as soon as they are accepted
 *                             (`match` is ignored: no request has been read yet).
 * Body faults on an answer that is not 200/206 or has no body are treated like `cut-after-bytes` 0.
 *
 * Token auth: when the upstream has a `tokenServerUrl`, the registry's `WWW-Authenticate` realm is
 * rewritten to `<proxy>/__token__`, so token requests pass the proxy too (class 'token', repository
 * taken from the first `scope`) and can be counted and failed like any other request.
 */
import { Agent as HttpAgent, createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { classifyRequest, TOKEN_PATH_PREFIX, type ClassifiedRequest, type PathClass } from './request-class.js';

export type { PathClass } from './request-class.js';

/** What the proxy forwards to: a RunningRegistry fits. */
export interface ProxyUpstream {
  /** 'http://127.0.0.1:<port>' or https (then `caCert` is trusted) */
  url: string;
  /** Token realm of a token-auth registry: relayed through the proxy. */
  tokenServerUrl?: string;
  /** PEM CA of an https upstream. */
  caCert?: string;
}

export type Fault =
  | { kind: 'cut-after-bytes'; bytes: number }
  | { kind: 'status'; status: number; registryCode?: string }
  | { kind: 'rate-limit'; retryAfterSeconds: number }
  | { kind: 'stall'; ms: number; afterBytes?: number }
  | { kind: 'truncate-with-full-length'; bytes?: number }
  | { kind: 'flip-bytes'; offset?: number }
  | { kind: 'refuse-connections' };

export type FaultKind = Fault['kind'];

/** Which requests a rule applies to; every given field must match. Empty = every request. */
export interface FaultMatch {
  pathClass?: PathClass;
  method?: string | string[];
  /** Blob digest (path, `digest=` or `mount=`) or manifest digest. */
  digest?: string;
  repository?: string;
  /** Upload-session requests only (true) or none of them (false). */
  upload?: boolean;
  /** Start at the nth (1-based) request matching the fields above, counted from setRules. */
  nth?: number;
}

export interface FaultRule {
  match?: FaultMatch;
  fault: Fault;
  /** How many matching requests (connections, for refuse-connections) get the fault. @default 1 */
  times?: number | 'always';
}

/** One request as the proxy saw it. */
export interface ProxiedRequest extends ClassifiedRequest {
  /** 1-based arrival order */
  seq: number;
  method: string;
  /** path + query as received */
  path: string;
  /** the Range header, if any */
  range?: string;
  /** the fault applied to this request */
  fault?: FaultKind;
  /** status relayed or injected (undefined: no answer was sent) */
  status?: number;
}

/** Counters over the requests seen since start (or the last reset). */
export interface RequestCounts {
  /** Requests of a class, optionally of one method and one digest: `of('blob', 'GET', digest)`. */
  of(pathClass: PathClass, method?: string, digest?: string): number;
  /** Requests that got a fault (of one kind). */
  faults(kind?: FaultKind): number;
  /** Connections closed by refuse-connections. */
  readonly refusedConnections: number;
  /** `{'blob GET': 12, 'manifest HEAD': 3, …}` for assertion messages. */
  summary(): Record<string, number>;
  /** Every request, in arrival order. */
  readonly requests: readonly ProxiedRequest[];
  /** Forgets the requests and the refused-connection count (not the rules). */
  reset(): void;
}

export interface FaultProxy {
  host: string;
  url: string;
  counts: RequestCounts;
  setRules(rules: FaultRule[]): void;
  stop(): Promise<void>;
}

interface ActiveRule {
  rule: FaultRule;
  left: number;
  seen: number;
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];
const BODY_FAULTS = new Set<FaultKind>(['cut-after-bytes', 'stall', 'truncate-with-full-length', 'flip-bytes']);

export async function startFaultProxy(upstream: ProxyUpstream, rules: FaultRule[] = []): Promise<FaultProxy> {
  let active = activate(rules);
  let requests: ProxiedRequest[] = [];
  let refused = 0;
  let seq = 0;
  const sockets = new Set<Socket>();
  const upstreamUrl = new URL(upstream.url);
  const tls = upstreamUrl.protocol === 'https:';
  // Keep-alive towards the registry: the load suite sends thousands of requests through the proxy.
  const agent = tls
    ? new HttpsAgent({ keepAlive: true, maxSockets: 64, ca: upstream.caCert })
    : new HttpAgent({ keepAlive: true, maxSockets: 64 });
  let proxyUrl = '';

  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    const method = req.method ?? 'GET';
    const classified = classifyRequest(method, path);
    const record: ProxiedRequest = {
      ...classified,
      seq: ++seq,
      method,
      path,
      range: typeof req.headers.range === 'string' ? req.headers.range : undefined,
    };
    requests.push(record);
    const fault = pickFault(active, record);
    record.fault = fault?.kind;
    res.on('finish', () => (record.status ??= res.statusCode));

    if (fault?.kind === 'status' || fault?.kind === 'rate-limit') {
      answerWithStatus(req, res, fault, record);
      return;
    }
    if (fault?.kind === 'cut-after-bytes' && hasRequestBody(req)) {
      cutRequestBody(req, fault.bytes);
      return;
    }
    forward(req, res, record, fault && BODY_FAULTS.has(fault.kind) ? fault : undefined);
  });

  function forward(req: IncomingMessage, res: ServerResponse, record: ProxiedRequest, fault: Fault | undefined): void {
    const headers: OutgoingHttpHeaders = { ...req.headers };
    for (const h of HOP_BY_HOP) delete headers[h];
    let target: URL;
    if (record.pathClass === 'token' && upstream.tokenServerUrl) {
      const incoming = new URL(req.url ?? '/', 'http://proxy.invalid');
      target = new URL(upstream.tokenServerUrl);
      target.pathname = `${target.pathname.replace(/\/$/, '')}${incoming.pathname.slice(TOKEN_PATH_PREFIX.length)}`;
      target.search = incoming.search;
      headers.host = target.host;
    } else {
      // The Host header stays ours: distribution builds absolute upload Locations from it, and those must
      // lead back through the proxy.
      target = new URL(req.url ?? '/', upstreamUrl);
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const outgoing = send(target, {
      method: req.method,
      headers,
      agent: target.origin === upstreamUrl.origin ? agent : undefined,
    });
    outgoing.on('response', (answer) => {
      const out: OutgoingHttpHeaders = { ...answer.headers };
      for (const h of HOP_BY_HOP) delete out[h];
      const challenge = answer.headers['www-authenticate'];
      if (upstream.tokenServerUrl && typeof challenge === 'string') {
        out['www-authenticate'] = challenge.split(upstream.tokenServerUrl).join(`${proxyUrl}${TOKEN_PATH_PREFIX}`);
      }
      const status = answer.statusCode ?? 502;
      if (!fault) {
        res.writeHead(status, out);
        answer.pipe(res);
        return;
      }
      const length = Number(answer.headers['content-length']);
      if (req.method === 'HEAD' || (status !== 200 && status !== 206) || !(length > 0)) {
        answer.destroy();
        resetConnection(res.socket);
        return;
      }
      res.writeHead(status, out);
      res.flushHeaders();
      record.status = status;
      relayWithFault(answer, res, fault, length);
    });
    outgoing.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    res.on('close', () => {
      if (!res.writableFinished) outgoing.destroy();
    });
    req.pipe(outgoing);
  }

  server.on('connection', (socket: Socket) => {
    const refuse = active.find((a) => a.rule.fault.kind === 'refuse-connections' && a.left > 0);
    if (refuse) {
      refuse.left--;
      refused++;
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A TLS hello or garbage on the plain-http port: answer 400 quietly (clients probe https first).
  server.on('clientError', (_err, socket: Socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxyUrl = `http://${host}`;

  const counts: RequestCounts = {
    of(pathClass, method, digest) {
      return requests.filter(
        (r) =>
          r.pathClass === pathClass &&
          (method === undefined || r.method === method) &&
          (digest === undefined || r.digest === digest),
      ).length;
    },
    faults(kind) {
      return requests.filter((r) => r.fault !== undefined && (kind === undefined || r.fault === kind)).length;
    },
    get refusedConnections() {
      return refused;
    },
    summary() {
      const out: Record<string, number> = {};
      for (const r of requests) {
        const key = `${r.pathClass} ${r.method}`;
        out[key] = (out[key] ?? 0) + 1;
      }
      return out;
    },
    get requests() {
      return requests;
    },
    reset() {
      requests = [];
      refused = 0;
    },
  };

  let stopped: Promise<void> | undefined;
  return {
    host,
    url: proxyUrl,
    counts,
    setRules(next) {
      active = activate(next);
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      });
      return stopped;
    },
  };
}

function activate(rules: FaultRule[]): ActiveRule[] {
  return rules.map((rule) => ({
    rule,
    left: rule.times === 'always' ? Number.POSITIVE_INFINITY : (rule.times ?? 1),
    seen: 0,
  }));
}

function matches(match: FaultMatch | undefined, r: ProxiedRequest): boolean {
  if (!match) return true;
  if (match.pathClass !== undefined && match.pathClass !== r.pathClass) return false;
  if (match.method !== undefined) {
    const methods = Array.isArray(match.method) ? match.method : [match.method];
    if (!methods.includes(r.method)) return false;
  }
  if (match.digest !== undefined && match.digest !== r.digest) return false;
  if (match.repository !== undefined && match.repository !== r.repository) return false;
  if (match.upload !== undefined && match.upload !== r.upload) return false;
  return true;
}

/** Counts the request for every `nth` rule it matches; returns the fault of the first rule that fires. */
function pickFault(active: ActiveRule[], r: ProxiedRequest): Fault | undefined {
  let chosen: ActiveRule | undefined;
  for (const a of active) {
    if (a.rule.fault.kind === 'refuse-connections' || !matches(a.rule.match, r)) continue;
    a.seen++;
    if (!chosen && a.left > 0 && a.seen >= (a.rule.match?.nth ?? 1)) chosen = a;
  }
  if (!chosen) return undefined;
  chosen.left--;
  return chosen.rule.fault;
}

function hasRequestBody(req: IncomingMessage): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

function answerWithStatus(
  req: IncomingMessage,
  res: ServerResponse,
  fault: Extract<Fault, { kind: 'status' | 'rate-limit' }>,
  record: ProxiedRequest,
): void {
  const status = fault.kind === 'rate-limit' ? 429 : fault.status;
  const code =
    fault.kind === 'rate-limit'
      ? 'TOOMANYREQUESTS'
      : (fault.registryCode ?? (status === 503 ? 'UNAVAILABLE' : status === 429 ? 'TOOMANYREQUESTS' : 'UNKNOWN'));
  const headers: OutgoingHttpHeaders = { 'content-type': 'application/json' };
  if (fault.kind === 'rate-limit') headers['retry-after'] = String(fault.retryAfterSeconds);
  // Read the whole request first: answering a streamed upload early would turn the fault into a cut.
  req.on('end', () => {
    record.status = status;
    res.writeHead(status, headers);
    res.end(JSON.stringify({ errors: [{ code, message: `injected fault (${status})` }] }));
  });
  req.resume();
}

function cutRequestBody(req: IncomingMessage, bytes: number): void {
  let received = 0;
  const cut = () => resetConnection(req.socket);
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received >= bytes) cut();
  });
  req.on('end', cut);
  if (bytes <= 0) cut();
}

function resetConnection(socket: Socket | null): void {
  if (!socket || socket.destroyed) return;
  socket.resetAndDestroy();
}

/** Relays a 200/206 body of `length` bytes with one body fault applied. */
function relayWithFault(answer: IncomingMessage, res: ServerResponse, fault: Fault, length: number): void {
  let offset = 0;
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  const limit =
    fault.kind === 'cut-after-bytes'
      ? fault.bytes
      : fault.kind === 'truncate-with-full-length'
        ? (fault.bytes ?? Math.floor(length / 2))
        : undefined;
  const flipAt = fault.kind === 'flip-bytes' ? (fault.offset ?? Math.floor(length / 2)) : undefined;
  const stallAt = fault.kind === 'stall' ? (fault.afterBytes ?? 0) : undefined;
  let stalled = false;
  /** True while a stall holds the body back: a 'drain' must not resume it. */
  let holding = false;

  res.on('close', () => {
    done = true;
    if (timer) clearTimeout(timer);
    answer.destroy();
  });

  const terminate = () => {
    done = true;
    answer.destroy();
    const socket = res.socket;
    if (!socket) return;
    if (fault.kind === 'truncate-with-full-length') socket.end();
    else resetConnection(socket);
  };
  /** Writes and keeps backpressure: false when the body was paused for 'drain'. */
  const write = (piece: Buffer): boolean => {
    offset += piece.length;
    if (res.write(piece)) return true;
    answer.pause();
    res.once('drain', () => {
      if (!done && !holding) answer.resume();
    });
    return false;
  };

  if (limit !== undefined && limit <= 0) {
    terminate();
    return;
  }
  answer.on('data', (chunk: Buffer) => {
    if (done) return;
    let piece = chunk;
    if (flipAt !== undefined && flipAt >= offset && flipAt < offset + piece.length) {
      piece = Buffer.from(piece);
      piece[flipAt - offset] ^= 0xff;
    }
    if (limit !== undefined && offset + piece.length >= limit) {
      const head = piece.subarray(0, limit - offset);
      done = true;
      answer.destroy();
      if (head.length === 0) terminate();
      else {
        offset += head.length;
        res.write(head, terminate);
      }
      return;
    }
    if (stallAt !== undefined && !stalled && offset + piece.length > stallAt) {
      stalled = true;
      const head = piece.subarray(0, stallAt - offset);
      const tail = piece.subarray(stallAt - offset);
      if (head.length > 0) write(head);
      answer.pause();
      holding = true;
      timer = setTimeout(
        () => {
          timer = undefined;
          holding = false;
          if (done) return;
          if (write(tail)) answer.resume();
        },
        fault.kind === 'stall' ? fault.ms : 0,
      );
      return;
    }
    write(piece);
  });
  answer.on('end', () => {
    if (!done) {
      done = true;
      res.end();
    }
  });
  answer.on('error', () => {
    if (!done) terminate();
  });
}
