import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextPageUrl } from '../../core/registry/link-header.js';
import { excludedByNoProxy, proxyFor } from '../../core/registry/proxy-env.js';
import { TokenCache } from '../../core/registry/token-cache.js';

test('HTTP(S)_PROXY per scheme, NO_PROXY entries, loopback always direct', () => {
  const env = {
    HTTPS_PROXY: 'http://proxy:3128',
    http_proxy: 'proxy2:8080',
    NO_PROXY: 'internal.example,.corp.example,10.0.0.0/8,special:5000',
  };
  assert.equal(proxyFor(new URL('https://quay.io/v2/'), env), 'http://proxy:3128');
  assert.equal(proxyFor(new URL('http://quay.io/v2/'), env), 'http://proxy2:8080');
  assert.equal(proxyFor(new URL('https://internal.example/v2/'), env), undefined);
  assert.equal(proxyFor(new URL('https://a.b.corp.example/v2/'), env), undefined);
  assert.equal(proxyFor(new URL('https://corp.example/v2/'), env), undefined);
  assert.equal(proxyFor(new URL('https://10.1.2.3:5000/v2/'), env), undefined);
  assert.equal(proxyFor(new URL('https://special:5000/v2/'), env), undefined);
  assert.equal(proxyFor(new URL('https://special:5001/v2/'), env), 'http://proxy:3128');
  for (const local of [
    'https://127.0.0.1:5000/',
    'http://localhost:55000/',
    'https://[::1]:5000/',
    'http://127.1.2.3/',
  ]) {
    assert.equal(proxyFor(new URL(local), env), undefined, local);
  }
  assert.equal(
    proxyFor(new URL('https://quay.io/'), { HTTP_PROXY: 'http://p:1' }),
    undefined,
    'https does not fall back to HTTP_PROXY',
  );
  assert.equal(excludedByNoProxy('anything.example', 443, '*'), true);
});

test('Link pagination: relative and absolute next, other rels ignored', () => {
  const base = new URL('https://r.example/v2/_catalog?n=2');
  assert.equal(
    nextPageUrl('</v2/_catalog?last=b&n=2>; rel="next"', base)?.href,
    'https://r.example/v2/_catalog?last=b&n=2',
  );
  assert.equal(
    nextPageUrl('<https://r.example/v2/x/tags/list?last=a,b>; rel=prev, <https://r.example/p2>; rel="next"', base)
      ?.href,
    'https://r.example/p2',
  );
  assert.equal(nextPageUrl('<https://r.example/p0>; rel="prev"', base), undefined);
  assert.equal(nextPageUrl(undefined, base), undefined);
});

test('token cache: per key, expires with a margin, invalidates only the rejected token, one fetch at a time', async () => {
  let now = 1_000_000;
  const cache = new TokenCache(() => now);
  const key = TokenCache.key('r', ['repository:b:pull', 'repository:a:pull']);
  assert.equal(key, TokenCache.key('r', ['repository:a:pull', 'repository:b:pull']));
  let fetches = 0;
  const fetch = async () => {
    fetches++;
    return { token: `t${fetches}`, expiresAt: cache.expiryOf({ expires_in: 60 }) };
  };
  const [a, b] = await Promise.all([cache.getOrFetch(key, fetch), cache.getOrFetch(key, fetch)]);
  assert.deepEqual([a, b, fetches], ['t1', 't1', 1]);
  now += 50_000;
  assert.equal(await cache.getOrFetch(key, fetch), 't1');
  now += 6_000; // within 5 s of expiry
  assert.equal(await cache.getOrFetch(key, fetch), 't2');
  cache.invalidate(key, 'stale');
  assert.equal(cache.get(key), 't2');
  cache.invalidate(key, 't2');
  assert.equal(cache.get(key), undefined);
  assert.equal(cache.expiryOf({}) - now, 60_000, 'default lifetime 60 s');
});
