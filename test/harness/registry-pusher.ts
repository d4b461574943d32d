import type { Readable } from 'node:stream';
import type { FixtureBlob } from './fixture-blobs.js';
import { rawRequest } from './raw-http.js';
import type { RawResponse } from './raw-http.js';

/** The parts of a RunningRegistry the pusher needs. */
export interface PushTarget {
  url: string;
  caCert?: string;
  adminCredentials?: { username: string; password: string };
}

/**
 * A minimal registry pusher for seeding fixtures byte-exactly (monolithic blob uploads, manifests PUT as given).
 * It is deliberately independent of the registry client under test in core/. Handles anonymous, Basic and
 * Bearer-token registries using the harness admin account.
 */
export class RegistryPusher {
  private readonly authorization = new Map<string, string | undefined>();

  constructor(private readonly target: PushTarget) {}

  /** Uploads a blob unless the repository already has it. */
  async pushBlob(repository: string, blob: FixtureBlob): Promise<void> {
    const head = await this.send('HEAD', repository, `/v2/${repository}/blobs/${blob.digest}`);
    if (head.status === 200) return;
    const start = await this.send('POST', repository, `/v2/${repository}/blobs/uploads/`);
    expectStatus(start, 202, `start upload of ${blob.digest} to ${repository}`);
    const location = new URL(String(start.headers.location), this.target.url);
    location.searchParams.set('digest', blob.digest);
    const put = await this.send('PUT', repository, `${location.pathname}${location.search}`, {
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(blob.size) },
      body: blob.bytes ?? blob.open(),
    });
    expectStatus(put, 201, `upload of ${blob.digest} to ${repository}`);
  }

  /** PUTs manifest bytes under a tag or digest; returns the digest the registry computed. */
  async pushManifest(repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<string> {
    const res = await this.send('PUT', repository, `/v2/${repository}/manifests/${reference}`, {
      headers: { 'content-type': mediaType, 'content-length': String(bytes.length) },
      body: bytes,
    });
    expectStatus(res, 201, `manifest PUT ${repository}:${reference}`);
    return String(res.headers['docker-content-digest']);
  }

  private async send(
    method: string,
    repository: string,
    path: string,
    options: { headers?: Record<string, string>; body?: Buffer | Readable } = {},
  ): Promise<RawResponse> {
    const authorization = await this.authorize(repository);
    return rawRequest(method, `${this.target.url}${path}`, {
      ca: this.target.caCert,
      headers: { ...options.headers, ...(authorization ? { authorization } : {}) },
      body: options.body,
    });
  }

  /** Works out the Authorization header for pushing to a repository (once per repository). */
  private async authorize(repository: string): Promise<string | undefined> {
    if (this.authorization.has(repository)) return this.authorization.get(repository);
    const ping = await rawRequest('GET', `${this.target.url}/v2/`, { ca: this.target.caCert });
    let header: string | undefined;
    if (ping.status === 401) {
      const admin = this.target.adminCredentials;
      if (!admin) throw new Error(`${this.target.url} requires authentication but no admin credentials are known`);
      const basic = `Basic ${Buffer.from(`${admin.username}:${admin.password}`).toString('base64')}`;
      const challenge = String(ping.headers['www-authenticate'] ?? '');
      if (/^basic\b/i.test(challenge)) header = basic;
      else if (/^bearer\b/i.test(challenge)) {
        const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
        const realm = new URL(params.realm);
        if (params.service) realm.searchParams.set('service', params.service);
        realm.searchParams.set('scope', `repository:${repository}:pull,push`);
        const tokenRes = await rawRequest('GET', realm.toString(), { headers: { authorization: basic } });
        expectStatus(tokenRes, 200, `token for ${repository}`);
        const body = JSON.parse(tokenRes.body.toString('utf8')) as { token?: string; access_token?: string };
        header = `Bearer ${body.token ?? body.access_token}`;
      } else throw new Error(`unsupported challenge from ${this.target.url}: ${challenge}`);
    } else expectStatus(ping, 200, 'GET /v2/');
    this.authorization.set(repository, header);
    return header;
  }
}

function expectStatus(res: RawResponse, expected: number, what: string): void {
  if (res.status !== expected) {
    throw new Error(`${what}: HTTP ${res.status} (expected ${expected}): ${res.body.toString('utf8').slice(0, 500)}`);
  }
}
