import { generateKeyPairSync, randomUUID, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { writeFile, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { signJwtRs256 } from './jwt.js';
import { runOpenssl } from './openssl.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';

/** An account of the token server; `access` are repository name prefixes (default: all repositories). */
export interface TokenServerUser {
  username: string;
  password: string;
  access?: string[];
}

export interface StartTokenServerOptions {
  users: TokenServerUser[];
  /** `service` the registry is configured with (default 'ocm-tui-test-registry') */
  service?: string;
  /** `iss` claim (default 'ocm-tui-test-token-issuer') */
  issuer?: string;
  /** token lifetime in seconds, default 300 */
  expiresInSeconds?: number;
  /** anonymous requests are granted pull on every repository (never push); default false: nothing */
  anonymousPull?: boolean;
}

/** One access entry of a token, as in the JWT `access` claim. */
export interface TokenAccess {
  type: string;
  name: string;
  actions: string[];
}

/** What the token server saw; passwords are never recorded. */
export interface RecordedTokenRequest {
  method: string;
  /** `service` query parameter as sent (undefined if missing) */
  service: string | undefined;
  /** every `scope` query parameter, in order */
  scopes: string[];
  /** user name of the Basic credentials, or undefined for an anonymous request */
  username: string | undefined;
  /** HTTP status answered */
  status: number;
  /** access granted in the issued token (empty when refused) */
  granted: TokenAccess[];
}

export interface RunningTokenServer {
  /** realm URL: 'http://127.0.0.1:<port>/token' */
  realm: string;
  service: string;
  issuer: string;
  /** self-signed certificate of the signing key (the registry's rootcertbundle) */
  certFile: string;
  /** requests in arrival order; tests may clear it with `requests.length = 0` */
  requests: RecordedTokenRequest[];
  stop(): Promise<void>;
}

const GRANTABLE_ACTIONS = ['pull', 'push', 'delete', '*'];

/**
 * Starts a Docker registry token server (the protocol of distribution's `auth.token`) on 127.0.0.1.
 * Tokens are RS256 JWTs whose header carries the self-signed signing certificate in `x5c`.
 */
export async function startTokenServer(options: StartTokenServerOptions): Promise<RunningTokenServer> {
  const service = options.service ?? 'ocm-tui-test-registry';
  const issuer = options.issuer ?? 'ocm-tui-test-token-issuer';
  const expiresIn = options.expiresInSeconds ?? 300;
  const workDir = await makeTempDir('ocm-token-server-');
  try {
    const { privateKey, certFile, certDerBase64 } = await createSigningIdentity(workDir);
    const requests: RecordedTokenRequest[] = [];
    const server = createServer((req, res) => {
      const record = handleTokenRequest(req, res, {
        users: options.users,
        service,
        issuer,
        expiresIn,
        anonymousPull: options.anonymousPull ?? false,
        privateKey,
        x5c: [certDerBase64],
      });
      requests.push(record);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    let stopped: Promise<void> | undefined;
    return {
      realm: `http://127.0.0.1:${port}/token`,
      service,
      issuer,
      certFile,
      requests,
      stop() {
        stopped ??= (async () => {
          server.closeAllConnections();
          await new Promise<void>((resolve) => server.close(() => resolve()));
          await removeTempDir(workDir);
        })();
        return stopped;
      },
    };
  } catch (error) {
    await removeTempDir(workDir);
    throw error;
  }
}

async function createSigningIdentity(
  dir: string,
): Promise<{ privateKey: KeyObject; certFile: string; certDerBase64: string }> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = join(dir, 'signing.key');
  await writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const certFile = join(dir, 'signing.crt');
  await runOpenssl(
    [
      'req',
      '-x509',
      '-new',
      '-key',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-sha256',
      '-subj',
      '/CN=ocm-tui test token issuer',
    ],
    dir,
  );
  const certDerBase64 = new X509Certificate(await readFile(certFile)).raw.toString('base64');
  return { privateKey, certFile, certDerBase64 };
}

interface TokenContext {
  users: TokenServerUser[];
  service: string;
  issuer: string;
  expiresIn: number;
  anonymousPull: boolean;
  privateKey: KeyObject;
  x5c: string[];
}

function handleTokenRequest(req: IncomingMessage, res: ServerResponse, ctx: TokenContext): RecordedTokenRequest {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' ').filter(Boolean));
  const record: RecordedTokenRequest = {
    method: req.method ?? '',
    service: url.searchParams.get('service') ?? undefined,
    scopes,
    username: undefined,
    status: 0,
    granted: [],
  };
  const reply = (status: number, body: object): RecordedTokenRequest => {
    record.status = status;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (status === 401) headers['www-authenticate'] = 'Basic realm="ocm-tui-test-token-server"';
    res.writeHead(status, headers).end(JSON.stringify(body));
    return record;
  };
  req.resume();

  if (req.method !== 'GET' || url.pathname !== '/token') {
    // No OAuth2 POST flow: clients must fall back to GET (as the Docker token spec allows).
    return reply(404, { errors: [{ code: 'NOT_FOUND', message: `${req.method} ${url.pathname} not served` }] });
  }
  if (record.service !== ctx.service) {
    return reply(400, { errors: [{ code: 'INVALID_SERVICE', message: `unknown service '${record.service ?? ''}'` }] });
  }
  let user: TokenServerUser | undefined;
  const authorization = req.headers.authorization;
  if (authorization !== undefined) {
    const credentials = parseBasic(authorization);
    user = credentials && ctx.users.find((u) => u.username === credentials.username);
    record.username = credentials?.username;
    if (!credentials || !user || user.password !== credentials.password) {
      return reply(401, { errors: [{ code: 'UNAUTHORIZED', message: 'invalid username or password' }] });
    }
  }

  record.granted = scopes.flatMap((scope) => grant(scope, user, ctx.anonymousPull));
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: ctx.issuer,
    sub: user?.username ?? '',
    aud: ctx.service,
    exp: now + ctx.expiresIn,
    nbf: now - 1,
    iat: now,
    jti: randomUUID(),
    access: record.granted,
  };
  const token = signJwtRs256(claims, ctx.privateKey, ctx.x5c);
  return reply(200, {
    token,
    access_token: token,
    expires_in: ctx.expiresIn,
    issued_at: new Date(now * 1000).toISOString(),
  });
}

function parseBasic(header: string): { username: string; password: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Grants the intersection of what a scope asks for and what the account may do. */
function grant(scope: string, user: TokenServerUser | undefined, anonymousPull: boolean): TokenAccess[] {
  // scope = type:name:actions, where name may itself contain ':' (e.g. a registry host with a port)
  const firstColon = scope.indexOf(':');
  const lastColon = scope.lastIndexOf(':');
  if (firstColon < 0 || lastColon === firstColon) return [];
  const type = scope.slice(0, firstColon);
  const name = scope.slice(firstColon + 1, lastColon);
  const asked = scope
    .slice(lastColon + 1)
    .split(',')
    .filter(Boolean);

  let allowed: string[];
  if (type === 'repository') {
    if (user === undefined) allowed = anonymousPull ? ['pull'] : [];
    else if (user.access === undefined || user.access.some((prefix) => name.startsWith(prefix))) {
      allowed = GRANTABLE_ACTIONS;
    } else allowed = [];
  } else if (type === 'registry' && name === 'catalog') {
    allowed = user !== undefined && user.access === undefined ? ['*'] : [];
  } else allowed = [];

  const actions = asked.filter((action) => allowed.includes(action));
  return actions.length > 0 ? [{ type, name, actions }] : [];
}
