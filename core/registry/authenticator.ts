/**
 * The Authorization header for one registry: none (anonymous), Basic, or a Bearer token from the realm
 * the registry names in its challenge (distribution token spec; OAuth2 refresh-token POST for identity
 * tokens). Tokens are cached per registry and scope set until they expire, and refreshed when the
 * registry answers 401. Credentials go into headers only, never into an error or a log line.
 */
import { request } from 'undici';
import { CancelledError } from '../errors.js';
import type { CredentialStore, Credential } from './credentials.js';
import { findChallenge, parseWwwAuthenticate, type AuthChallenge } from './auth-challenge.js';
import { TokenCache } from './token-cache.js';
import type { HttpDispatchers } from './http-agent.js';
import {
  httpError,
  MAX_ERROR_BODY_BYTES,
  networkError,
  protocolError,
  type OperationContext,
} from './registry-errors.js';
import { readCapped } from './read-body.js';

export interface AuthenticatorOptions {
  /** The registry as the user wrote it (for credentials lookup and messages). */
  registry: string;
  credentials?: CredentialStore;
  tokens: TokenCache;
  http: HttpDispatchers;
  userAgent: string;
  requestTimeoutMs: number;
}

const MAX_TOKEN_RESPONSE_BYTES = 1024 * 1024;
/** OAuth2 client id sent with refresh-token requests (registries only log it). */
const CLIENT_ID = 'ocm-tui';

/** `repository:<name>:pull` / `pull,push` / `delete`, and the catalog scope. */
export const scopes = {
  pull: (repository: string) => `repository:${repository}:pull`,
  push: (repository: string) => `repository:${repository}:pull,push`,
  delete: (repository: string) => `repository:${repository}:delete`,
  catalog: 'registry:catalog:*',
};

export class Authenticator {
  private readonly options: AuthenticatorOptions;
  /** The registry's latest challenge: undefined = anonymous access worked so far. */
  private challenge?: AuthChallenge;

  constructor(options: AuthenticatorOptions) {
    this.options = options;
  }

  /** `basic`, `bearer`, or `none` (what the last challenge asked for). */
  get scheme(): string {
    return this.challenge?.scheme ?? 'none';
  }

  /** Remembers what a 401 (or the ping) asked for; Bearer preferred when both are offered. */
  learn(header: string | string[] | undefined): boolean {
    const challenges = parseWwwAuthenticate(header);
    const chosen = findChallenge(challenges, 'bearer') ?? findChallenge(challenges, 'basic');
    if (chosen) this.challenge = chosen;
    return chosen !== undefined;
  }

  /** The Authorization header for a request needing `wanted` scopes; undefined = send none. */
  async header(ctx: OperationContext, wanted: string[], signal: AbortSignal): Promise<string | undefined> {
    const challenge = this.challenge;
    if (!challenge) return undefined;
    const credential = await this.credential(ctx);
    if (challenge.scheme === 'basic') {
      if (!credential || !('username' in credential)) return undefined;
      return `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
    }
    if (challenge.scheme !== 'bearer') return undefined;
    const realm = challenge.params.realm;
    if (!realm) throw protocolError(ctx, 'the registry asked for a bearer token without naming a realm');
    const service = challenge.params.service;
    const all = mergeScopes(wanted, challenge.params.scope);
    const key = TokenCache.key(`${this.options.registry}|${realm}|${service ?? ''}`, all);
    const token = await this.options.tokens.getOrFetch(key, async () => {
      const response = await this.fetchToken(ctx, realm, service, all, credential, signal);
      return { token: response.token, expiresAt: this.options.tokens.expiryOf(response) };
    });
    return `Bearer ${token}`;
  }

  /**
   * After a 401 answer to a request sent with `sent` (undefined = anonymous): learns the new challenge
   * and forgets the rejected token. True when one more attempt can succeed.
   */
  async refresh(
    ctx: OperationContext,
    wwwAuthenticate: string | string[] | undefined,
    wanted: string[],
    sent: string | undefined,
  ): Promise<boolean> {
    if (!this.learn(wwwAuthenticate)) return false;
    const challenge = this.challenge as AuthChallenge;
    if (challenge.scheme === 'bearer') {
      const all = mergeScopes(wanted, challenge.params.scope);
      const key = TokenCache.key(
        `${this.options.registry}|${challenge.params.realm ?? ''}|${challenge.params.service ?? ''}`,
        all,
      );
      if (sent?.startsWith('Bearer ')) this.options.tokens.invalidate(key, sent.slice('Bearer '.length));
      return true;
    }
    if (challenge.scheme === 'basic') {
      // Only worth it when we sent nothing before and do have a password now.
      const credential = await this.credential(ctx);
      return sent === undefined && credential !== undefined && 'username' in credential;
    }
    return false;
  }

  private credential(ctx: OperationContext): Promise<Credential | undefined> {
    return this.options.credentials?.get(this.options.registry, ctx.repository) ?? Promise.resolve(undefined);
  }

  private async fetchToken(
    ctx: OperationContext,
    realm: string,
    service: string | undefined,
    wanted: string[],
    credential: Credential | undefined,
    signal: AbortSignal,
  ): Promise<{ token: string; expires_in?: unknown }> {
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw protocolError(ctx, 'the registry named an invalid token realm');
    }
    const tokenCtx: OperationContext = { ...ctx, detail: `token from ${url.host}` };
    const headers: Record<string, string> = { 'user-agent': this.options.userAgent, accept: 'application/json' };
    let method: 'GET' | 'POST' = 'GET';
    let body: string | undefined;
    if (credential && 'identityToken' in credential) {
      method = 'POST';
      headers['content-type'] = 'application/x-www-form-urlencoded';
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: credential.identityToken,
        client_id: CLIENT_ID,
      });
      if (service) form.set('service', service);
      if (wanted.length > 0) form.set('scope', wanted.join(' '));
      body = form.toString();
    } else {
      if (service) url.searchParams.set('service', service);
      for (const scope of wanted) url.searchParams.append('scope', scope);
      if (credential) {
        headers.authorization = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
      }
    }
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(url, {
        method,
        headers,
        body,
        signal,
        dispatcher: this.options.http.forUrl(url),
        headersTimeout: this.options.requestTimeoutMs,
        bodyTimeout: this.options.requestTimeoutMs,
      });
    } catch (err) {
      if (signal.aborted) throw new CancelledError();
      throw networkError(tokenCtx, err, this.options.requestTimeoutMs);
    }
    if (res.statusCode !== 200) {
      const errorBody = await readCapped(res.body, MAX_ERROR_BODY_BYTES, true);
      throw httpError(tokenCtx, res.statusCode, errorBody);
    }
    const raw = await readCapped(res.body, MAX_TOKEN_RESPONSE_BYTES, false);
    let doc: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      doc = JSON.parse(raw.toString('utf8')) as typeof doc;
    } catch {
      throw protocolError(tokenCtx, 'the token server answered with something that is not JSON');
    }
    const token = typeof doc.token === 'string' && doc.token ? doc.token : doc.access_token;
    if (typeof token !== 'string' || !token) throw protocolError(tokenCtx, 'the token server returned no token');
    return { token, expires_in: doc.expires_in };
  }
}

/** `wanted` plus the space-separated scopes of a challenge, without duplicates. */
export function mergeScopes(wanted: string[], challengeScope: string | undefined): string[] {
  const all = [...wanted];
  for (const s of (challengeScope ?? '').split(' ')) if (s && !all.includes(s)) all.push(s);
  return all;
}
