import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { OcmError } from '../../core/errors.js';
import { loadCredentials, normalizeRegistryKey } from '../../core/registry/credentials.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ocm-creds-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function json(file: string, value: unknown): Promise<string> {
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, JSON.stringify(value));
  return file;
}

test('key normalisation: scheme, path of URL keys, case and Docker Hub aliases', () => {
  assert.equal(normalizeRegistryKey('https://Quay.IO'), 'quay.io');
  assert.equal(normalizeRegistryKey('http://127.0.0.1:5000/'), '127.0.0.1:5000');
  assert.equal(normalizeRegistryKey('https://index.docker.io/v1/'), 'docker.io');
  assert.equal(normalizeRegistryKey('registry-1.docker.io'), 'docker.io');
  assert.equal(normalizeRegistryKey('index.docker.io'), 'docker.io');
  assert.equal(normalizeRegistryKey('quay.io/org/repo/'), 'quay.io/org/repo');
});

test('lookup order: --authfile, $REGISTRY_AUTH_FILE, XDG runtime auth.json, ~/.docker/config.json', async (t) => {
  const dir = await tempDir(t);
  const home = join(dir, 'home');
  const xdg = join(dir, 'run');
  const authFile = await json(join(dir, 'flag.json'), { auths: { 'a.example': { auth: b64('flag:1') } } });
  const envFile = await json(join(dir, 'env.json'), {
    auths: { 'a.example': { auth: b64('env:1') }, 'b.example': { auth: b64('env:2') } },
  });
  await json(join(xdg, 'containers', 'auth.json'), {
    auths: { 'b.example': { auth: b64('xdg:2') }, 'http://c.example': { auth: b64('xdg:3') } },
  });
  await json(join(home, '.docker', 'config.json'), {
    auths: {
      'c.example': { auth: b64('docker:3') },
      'https://index.docker.io/v1/': { auth: b64('hub:pw:with:colons') },
      'd.example:5000': { identitytoken: 'refresh-me' },
      'e.example': { username: 'plain', password: 'text' },
    },
  });
  const env = { REGISTRY_AUTH_FILE: envFile, XDG_RUNTIME_DIR: xdg, HOME: home, PATH: '' };
  const store = await loadCredentials({ authFile, env });
  assert.deepEqual(await store.get('a.example'), { username: 'flag', password: '1' });
  assert.deepEqual(await store.get('b.example'), { username: 'env', password: '2' });
  assert.deepEqual(await store.get('c.example'), { username: 'xdg', password: '3' });
  assert.deepEqual(await store.get('docker.io'), { username: 'hub', password: 'pw:with:colons' });
  assert.deepEqual(await store.get('registry-1.docker.io'), { username: 'hub', password: 'pw:with:colons' });
  assert.deepEqual(await store.get('D.example:5000'), { identityToken: 'refresh-me' });
  assert.deepEqual(await store.get('e.example'), { username: 'plain', password: 'text' });
  assert.equal(await store.get('unknown.example'), undefined);
  assert.equal(await store.get('d.example'), undefined, 'a port is part of the key');

  const withoutFlag = await loadCredentials({ env });
  assert.deepEqual(await withoutFlag.get('a.example'), { username: 'env', password: '1' });
  const onlyDocker = await loadCredentials({ env: { HOME: home, PATH: '' } });
  assert.deepEqual(await onlyDocker.get('c.example'), { username: 'docker', password: '3' });
});

test('repository-scoped keys: the most specific entry wins', async (t) => {
  const dir = await tempDir(t);
  const authFile = await json(join(dir, 'auth.json'), {
    auths: {
      'r.example': { auth: b64('host:0') },
      'r.example/team': { auth: b64('team:1') },
      'r.example/team/app': { auth: b64('app:2') },
    },
  });
  const store = await loadCredentials({ authFile, env: { HOME: dir, PATH: '' } });
  assert.deepEqual(await store.get('r.example', 'team/app'), { username: 'app', password: '2' });
  assert.deepEqual(await store.get('r.example', 'team/other'), { username: 'team', password: '1' });
  assert.deepEqual(await store.get('r.example', 'elsewhere/x'), { username: 'host', password: '0' });
  assert.deepEqual(await store.get('r.example'), { username: 'host', password: '0' });
});

test('credHelpers and credsStore run docker-credential-<name> with the server on stdin', async (t) => {
  const dir = await tempDir(t);
  const bin = join(dir, 'bin');
  await mkdir(bin);
  // A real helper speaking the protocol: reads the server URL on stdin, answers JSON or "not found".
  const helper = (name: string, body: string) =>
    writeFile(
      join(bin, `docker-credential-${name}`),
      `#!/bin/sh\n[ "$1" = get ] || exit 2\nread server\n${body}\n`,
    ).then(() => chmod(join(bin, `docker-credential-${name}`), 0o755));
  await helper(
    'pass',
    `case "$server" in
  h.example) echo '{"ServerURL":"h.example","Username":"helper-user","Secret":"helper-secret"}';;
  https://index.docker.io/v1/) echo '{"ServerURL":"x","Username":"<token>","Secret":"hub-refresh"}';;
  *) echo "credentials not found in native keychain"; exit 1;;
esac`,
  );
  await helper('store', `echo "{\\"Username\\":\\"store-user\\",\\"Secret\\":\\"for-$server\\"}"`);
  await helper('broken', 'echo "secret-in-output"; exit 3');
  const authFile = await json(join(dir, 'auth.json'), {
    auths: { 'h.example': { auth: b64('file:ignored') }, 'f.example': { auth: b64('file:used') } },
    credHelpers: {
      'h.example': 'pass',
      'docker.io': 'pass',
      'missing.example': 'pass',
      'b.example': 'broken',
      'n.example': 'not-installed',
    },
    credsStore: 'store',
  });
  const store = await loadCredentials({ authFile, env: { HOME: dir, PATH: bin } });
  assert.deepEqual(await store.get('h.example'), { username: 'helper-user', password: 'helper-secret' });
  assert.deepEqual(await store.get('index.docker.io'), { identityToken: 'hub-refresh' });
  assert.deepEqual(await store.get('f.example'), { username: 'file', password: 'used' }, 'auths before credsStore');
  assert.deepEqual(await store.get('other.example'), { username: 'store-user', password: 'for-other.example' });
  assert.deepEqual(await store.get('missing.example'), { username: 'store-user', password: 'for-missing.example' });
  assert.deepEqual(
    await store.get('n.example'),
    { username: 'store-user', password: 'for-n.example' },
    'helper not on PATH is skipped',
  );
  await assert.rejects(
    store.get('b.example'),
    (err: unknown) =>
      err instanceof OcmError &&
      err.code === 'CREDENTIAL_HELPER' &&
      err.message === 'credential helper docker-credential-broken failed for b.example (exit code 3)' &&
      !err.message.includes('secret'),
  );
});

test('a missing --authfile is an error; invalid JSON never echoes the file', async (t) => {
  const dir = await tempDir(t);
  await assert.rejects(
    loadCredentials({ authFile: join(dir, 'nope.json'), env: { HOME: dir } }),
    /cannot read auth file .*nope\.json: ENOENT/,
  );
  const bad = join(dir, 'bad.json');
  await writeFile(bad, '{"auths": {"x": {"auth": "c2VjcmV0LXZhbHVl"}}, oops');
  await assert.rejects(
    loadCredentials({ authFile: bad, env: { HOME: dir } }),
    (err: unknown) =>
      err instanceof OcmError &&
      err.message === `auth file ${bad} is not valid JSON` &&
      !String(err.hint).includes('c2Vj'),
  );
  const fixed = await loadCredentials({ authFile: join(dir, 'nope.json'), fixed: { username: 'u', password: 'p' } });
  assert.deepEqual(await fixed.get('any.example'), { username: 'u', password: 'p' });
});
