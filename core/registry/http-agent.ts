/**
 * The undici dispatchers of one registry client: a keep-alive Agent for direct connections and, when
 * `HTTP(S)_PROXY` applies to a URL, a ProxyAgent (CONNECT tunnel) per proxy. Both carry the same TLS
 * settings: verification on or off, and extra CA certificates (plus an optional client certificate)
 * from a Docker-style certs directory (`*.crt` CAs, `*.cert` + `*.key` client pair).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import { OcmError } from '../errors.js';
import { proxyFor } from './proxy-env.js';

export interface HttpAgentOptions {
  tlsVerify: boolean;
  /** Directory of `*.crt` CA certificates (and optionally one `*.cert`/`*.key` client pair). */
  certDir?: string;
  /** Connections per origin. Blob transfers hold a connection each. @default 16 */
  connections?: number;
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
}

export interface TlsMaterial {
  /** PEM CA certificates: the system roots plus the directory's `*.crt`. Undefined = system roots only. */
  ca?: string[];
  cert?: string;
  key?: string;
}

/** Idle keep-alive sockets are closed after this long. */
const KEEP_ALIVE_TIMEOUT_MS = 30_000;

/** Reads a certs directory. Throws an OcmError naming the directory when it cannot be read. */
export function loadCertDir(dir: string): TlsMaterial {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (err) {
    throw new OcmError(
      'CERT_DIR',
      `cannot read certificate directory ${dir}: ${(err as { code?: string }).code ?? err}`,
      {
        hint: 'the directory must contain the registry CA as *.crt (PEM) files',
      },
    );
  }
  const extra = names.filter((n) => n.endsWith('.crt')).map((n) => readFileSync(path.join(dir, n), 'utf8'));
  const material: TlsMaterial = extra.length > 0 ? { ca: [...rootCertificates, ...extra] } : {};
  const certName = names.find((n) => n.endsWith('.cert'));
  if (certName) {
    const keyName = `${certName.slice(0, -'.cert'.length)}.key`;
    if (!names.includes(keyName)) {
      throw new OcmError('CERT_DIR', `client certificate ${certName} in ${dir} has no matching ${keyName}`);
    }
    material.cert = readFileSync(path.join(dir, certName), 'utf8');
    material.key = readFileSync(path.join(dir, keyName), 'utf8');
  }
  return material;
}

/** Dispatchers for every origin one client talks to (the registry, its token realm, blob storage). */
export class HttpDispatchers {
  private readonly direct: Agent;
  private readonly proxies = new Map<string, ProxyAgent>();
  private readonly tls: { rejectUnauthorized: boolean } & TlsMaterial;
  private readonly connections: number;
  private readonly env: NodeJS.ProcessEnv;

  constructor(options: HttpAgentOptions) {
    this.env = options.env ?? process.env;
    this.connections = options.connections ?? 16;
    const material = options.certDir ? loadCertDir(options.certDir) : {};
    this.tls = { rejectUnauthorized: options.tlsVerify, ...material };
    this.direct = new Agent({
      connections: this.connections,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      connect: { ...this.tls },
    });
  }

  /** The dispatcher for a request to `url`, honouring HTTP(S)_PROXY and NO_PROXY. */
  forUrl(url: URL): Dispatcher {
    const proxy = proxyFor(url, this.env);
    if (!proxy) return this.direct;
    let agent = this.proxies.get(proxy);
    if (!agent) {
      agent = new ProxyAgent({
        uri: proxy,
        connections: this.connections,
        keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
        requestTls: { ...this.tls },
        proxyTls: { ...this.tls },
      });
      this.proxies.set(proxy, agent);
    }
    return agent;
  }

  /** True when `url` would go through a proxy (for messages). */
  usesProxy(url: URL): boolean {
    return proxyFor(url, this.env) !== undefined;
  }

  async close(): Promise<void> {
    await Promise.all([this.direct.close(), ...[...this.proxies.values()].map((p) => p.close())]);
  }
}
