/**
 * Bearer tokens per registry and scope set, kept until shortly before they expire. Parallel requests
 * for the same scope share one token request instead of stampeding the token server.
 */

export interface CachedToken {
  token: string;
  /** Epoch ms after which the token must not be used. */
  expiresAt: number;
}

/** Seconds a token lives when the server does not say (distribution's token spec default). */
export const DEFAULT_TOKEN_LIFETIME_S = 60;
/** A token this close to expiry is treated as expired: the request might arrive after it. */
const EXPIRY_MARGIN_MS = 5_000;

export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<CachedToken>>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** Key of a registry plus a set of scopes (order-insensitive). */
  static key(registry: string, scopes: readonly string[]): string {
    return `${registry}|${[...new Set(scopes)].sort().join(' ')}`;
  }

  /** A still-valid token, or undefined. */
  get(key: string): string | undefined {
    const hit = this.tokens.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt - EXPIRY_MARGIN_MS <= this.now()) {
      this.tokens.delete(key);
      return undefined;
    }
    return hit.token;
  }

  set(key: string, token: CachedToken): void {
    this.tokens.set(key, token);
  }

  /** Forgets a token the registry rejected (401), so the next request fetches a new one. */
  invalidate(key: string, token?: string): void {
    const hit = this.tokens.get(key);
    if (hit && (token === undefined || hit.token === token)) this.tokens.delete(key);
  }

  /** The cached token, or the result of `fetch` (one fetch at a time per key). */
  async getOrFetch(key: string, fetch: () => Promise<CachedToken>): Promise<string> {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    let inFlight = this.pending.get(key);
    if (!inFlight) {
      inFlight = fetch().then(
        (t) => {
          this.pending.delete(key);
          this.tokens.set(key, t);
          return t;
        },
        (err: unknown) => {
          this.pending.delete(key);
          throw err;
        },
      );
      this.pending.set(key, inFlight);
    }
    return (await inFlight).token;
  }

  /**
   * Expiry of a token response fetched just now: now + `expires_in` (or the default). `issued_at` is
   * ignored on purpose: a skewed server clock would make a fresh token look expired.
   */
  expiryOf(response: { expires_in?: unknown }): number {
    const lifetime =
      typeof response.expires_in === 'number' && response.expires_in > 0
        ? response.expires_in
        : DEFAULT_TOKEN_LIFETIME_S;
    return this.now() + lifetime * 1000;
  }
}
