import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  backoffDelay,
  isTemporaryNetworkError,
  isTemporaryStatus,
  isTlsCertificateError,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
  retryDelay,
} from '../../core/registry/retry-policy.js';

test('408, 429 and 500-504 are temporary; other statuses are not', () => {
  for (const s of [408, 429, 500, 501, 502, 503, 504]) assert.equal(isTemporaryStatus(s), true, String(s));
  for (const s of [200, 400, 401, 403, 404, 405, 413, 416, 505]) assert.equal(isTemporaryStatus(s), false, String(s));
});

test('resets, refusals and timeouts are temporary, also when wrapped; certificate errors never', () => {
  const wrapped = Object.assign(new Error('fetch failed'), {
    cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
  });
  assert.equal(isTemporaryNetworkError(wrapped), true);
  assert.equal(isTemporaryNetworkError({ code: 'ECONNREFUSED' }), true);
  assert.equal(isTemporaryNetworkError({ code: 'UND_ERR_HEADERS_TIMEOUT' }), true);
  assert.equal(isTemporaryNetworkError({ code: 'ENOTFOUND' }), false);
  const cert = { code: 'UND_ERR_SOCKET', cause: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' } };
  assert.equal(isTlsCertificateError(cert), true);
  assert.equal(isTemporaryNetworkError(cert), false);
});

test('exponential backoff 1s, 2s, 4s… capped at 30s with ±10% jitter; a constant delay wins', () => {
  const low = () => 0;
  const high = () => 1;
  assert.deepEqual(
    [1, 2, 3, 4].map((a) => backoffDelay(a, 0, low)),
    [900, 1800, 3600, 7200],
  );
  assert.deepEqual(
    [1, 2, 3].map((a) => backoffDelay(a, 0, high)),
    [1100, 2200, 4400],
  );
  assert.equal(backoffDelay(20, 0, low), 27_000);
  assert.equal(backoffDelay(3, 250, low), 250);
});

test('Retry-After in seconds or as an HTTP date; capped; unreadable is ignored', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('7', now), 7000);
  assert.equal(parseRetryAfter(['2'], now), 2000);
  assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now), 30_000);
  assert.equal(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now), 0);
  assert.equal(parseRetryAfter('99999', now), MAX_RETRY_AFTER_MS);
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter(undefined, now), undefined);
  assert.equal(retryDelay(1, { times: 3, delayMs: 5 }, 2000), 2000);
  assert.equal(retryDelay(1, { times: 3, delayMs: 5 }, undefined), 5);
});
