import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findChallenge, parseWwwAuthenticate } from '../../core/registry/auth-challenge.js';

test('bearer challenge with realm, service and a scope containing commas', () => {
  const [c] = parseWwwAuthenticate(
    'Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull,push"',
  );
  assert.deepEqual(c, {
    scheme: 'bearer',
    params: {
      realm: 'https://auth.example.com/token',
      service: 'registry.example.com',
      scope: 'repository:a/b:pull,push',
    },
  });
});

test('several challenges in one header, spaces around separators, unquoted values', () => {
  const challenges = parseWwwAuthenticate(
    'Basic realm="Registry Realm" , Bearer realm=https://t/x, service = svc,error="insufficient_scope"',
  );
  assert.deepEqual(challenges, [
    { scheme: 'basic', params: { realm: 'Registry Realm' } },
    { scheme: 'bearer', params: { realm: 'https://t/x', service: 'svc', error: 'insufficient_scope' } },
  ]);
  assert.equal(findChallenge(challenges, 'Bearer')?.params.service, 'svc');
});

test('escaped quotes, upper-case parameter names and repeated headers', () => {
  const challenges = parseWwwAuthenticate(['BASIC Realm="say \\"hi\\""', 'Bearer realm="r"']);
  assert.deepEqual(challenges, [
    { scheme: 'basic', params: { realm: 'say "hi"' } },
    { scheme: 'bearer', params: { realm: 'r' } },
  ]);
});

test('empty, absent and scheme-only headers', () => {
  assert.deepEqual(parseWwwAuthenticate(undefined), []);
  assert.deepEqual(parseWwwAuthenticate(''), []);
  assert.deepEqual(parseWwwAuthenticate('Negotiate'), [{ scheme: 'negotiate', params: {} }]);
});
