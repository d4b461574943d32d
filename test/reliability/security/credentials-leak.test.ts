/**
 * Credentials never leak (issue: security). m2m, m2d and d2m against a Basic-auth source and a bearer-token
 * destination, with an `--authfile` (base64 `auth`), at `--log-level debug`, in text and JSON output; then
 * failing runs (wrong passwords, an identity token the token server refuses). After every run: stdout,
 * stderr, the workspace (logs, error reports, cluster resources), the caches, HOME, the archives and the
 * destination's storage are scanned for every password, base64 auth string, identity token and bearer
 * token issued during the run (captured at a proxy in front of the destination) — none may appear. Files
 * written get ordinary permissions under umask 022, and the auth file is never copied anywhere.
 * A last test: Authorization is never sent to a redirect target on another host.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { startRegistry } from '../../harness/registry-server.js';
import { startRedirectingProxy } from '../../harness/redirect-server.js';
import { pushImage, pushMultiArchImage, type PushedImage } from '../../harness/fixture-images.js';
import { skopeoManifestDigest, skopeoOptionsFor } from '../../harness/skopeo.js';
import { tempDirForTest } from '../../harness/temp-dir.js';
import { bearerTokens, startCountingProxy } from '../cancel/counting-proxy.js';
import { describeExit, runCliJson, type InterruptedRun } from '../cancel/cli-process.js';
import { dirsUnder, filesUnder, findSecrets, passwordSecrets, type Secret } from './secret-scan.js';

const exec = promisify(execFile);
const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;

function authFile(entries: Record<string, { auth?: string; identitytoken?: string }>): string {
  return `${JSON.stringify({ auths: entries }, null, 2)}\n`;
}
const basicAuth = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

function isc(images: PushedImage[], host: string): string {
  return [
    'kind: ImageSetConfiguration',
    'apiVersion: mirror.openshift.io/v2alpha1',
    'mirror:',
    '  additionalImages:',
    ...images.map((img) => `  - name: ${host}/${img.repository}:${img.tag}`),
    '',
  ].join('\n');
}

/** The bearer tokens a run sent, as secrets: the whole JWT and its signature (unique to the token). */
function tokenSecrets(tokens: string[]): Secret[] {
  return tokens.flatMap((token, i) => [
    { name: `bearer token #${i + 1}`, value: token },
    { name: `bearer token #${i + 1} signature`, value: token.slice(token.lastIndexOf('.') + 1) },
  ]);
}

/** Regular files: not executable, not group/world-writable; directories: not group/world-writable. */
async function permissionProblems(roots: string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const root of roots) {
    for (const file of await filesUnder(root)) {
      const mode = (await stat(file)).mode & 0o777;
      if (mode & 0o111) problems.push(`${file} is executable (${mode.toString(8)})`);
      if (mode & 0o022) problems.push(`${file} is group/world-writable (${mode.toString(8)})`);
    }
    for (const dir of await dirsUnder(root)) {
      const mode = (await stat(dir)).mode & 0o777;
      if (mode & 0o022) problems.push(`${dir}/ is group/world-writable (${mode.toString(8)})`);
    }
  }
  return problems;
}

/** `tar -tvf` of every archive: entries that are executable/writable files, or that carry the auth file's name. */
async function archiveEntryProblems(archives: string[], authFileName: string): Promise<string[]> {
  const problems: string[] = [];
  for (const archive of archives) {
    const { stdout } = await exec('tar', ['-tvf', archive], { maxBuffer: 64 * 1024 * 1024 });
    for (const line of stdout.split('\n').filter(Boolean)) {
      const perms = line.slice(0, 10);
      const name = line.split(/\s+/).slice(5).join(' ');
      if (perms[0] === '-' && /x/.test(perms)) problems.push(`${archive}: ${name} is executable (${perms})`);
      if (/^.....w|^........w/.test(perms)) problems.push(`${archive}: ${name} is group/world-writable (${perms})`);
      if (basename(name) === authFileName) problems.push(`${archive}: ${name} is a copy of the auth file`);
    }
  }
  return problems;
}

test('credentials never leak: basic and bearer auth, successful and failing m2m / m2d / d2m', async (t) => {
  const work = await tempDirForTest(t, 'ocm-rel-sec-');
  const alice = { username: 'alice', password: secret('basic-pw') };
  const bob = { username: 'bob', password: secret('token-pw') };
  const source = await startRegistry({ auth: 'basic', users: [alice] });
  t.after(() => source.stop());
  const target = await startRegistry({ auth: 'token', users: [bob] });
  t.after(() => target.stop());
  // The CLI talks to the destination through this proxy, which records the bearer tokens it sends.
  const dest = await startCountingProxy(target.host);
  t.after(() => dest.stop());

  const images = [
    await pushImage(source, 'sec/app:1', { layers: 2 }),
    await pushMultiArchImage(source, 'sec/multi:2', { format: 'docker' }),
  ];
  const config = join(work, 'isc.yaml');
  await writeFile(config, isc(images, source.host));
  // Credentials live outside every directory the runs may write to, so the scan cannot find the original.
  const secretsDir = join(work, 'secrets');
  await mkdir(secretsDir, { mode: 0o700 });
  const authPath = join(secretsDir, 'ocm-test-authfile.json');
  await writeFile(
    authPath,
    authFile({
      [source.host]: { auth: basicAuth(alice.username, alice.password) },
      [dest.host]: { auth: basicAuth(bob.username, bob.password) },
    }),
    { mode: 0o600 },
  );
  const authBytes = await readFile(authPath);
  const home = join(work, 'home');
  await mkdir(home);
  const env = { HOME: home, REGISTRY_AUTH_FILE: '', DOCKER_CONFIG: '', XDG_RUNTIME_DIR: '' };
  const ws = join(work, 'ws-m2m');
  const archive = join(work, 'archive');
  const roots = [ws, archive, join(work, 'cache-m2m'), join(work, 'cache-m2d'), join(work, 'cache-d2m'), home];
  const everySecret: Secret[] = [
    ...passwordSecrets('basic', alice.username, alice.password),
    ...passwordSecrets('token-server', bob.username, bob.password),
  ];
  const outputs: Record<string, string> = {};
  const record = (label: string, run: InterruptedRun) => {
    outputs[`${label} stdout`] = run.stdout;
    outputs[`${label} stderr`] = run.stderr;
  };
  /** Debug logging, so the log files hold as much as a run can write. */
  const withAuth = (authfile: string) => [
    '--authfile',
    authfile,
    '--log-level',
    'debug',
    '--no-ui',
    '--retry-times',
    '1',
    '--retry-delay',
    '50ms',
  ];
  const common = withAuth(authPath);

  await t.test('successful runs leak nothing; files have ordinary permissions', async () => {
    const m2m = await runCliJson(
      [
        '-c',
        config,
        '--workspace',
        `file://${ws}`,
        `docker://${dest.host}/m2m`,
        '--src-tls-verify=false',
        '--dest-tls-verify=false',
        '--cache-dir',
        join(work, 'cache-m2m'),
        ...common,
      ],
      { env, umask: '022', json: false },
    );
    record('m2m', m2m);
    assert.equal(m2m.code, 0, describeExit(m2m));
    const m2d = await runCliJson(
      [
        '-c',
        config,
        `file://${archive}`,
        '--src-tls-verify=false',
        '--cache-dir',
        join(work, 'cache-m2d'),
        '--output',
        'json',
        ...common,
      ],
      { env, umask: '022' },
    );
    record('m2d', m2d);
    assert.equal(m2d.code, 0, describeExit(m2d));
    const d2m = await runCliJson(
      [
        '-c',
        config,
        '--from',
        `file://${archive}`,
        `docker://${dest.host}/d2m`,
        '--dest-tls-verify=false',
        '--cache-dir',
        join(work, 'cache-d2m'),
        ...common,
      ],
      { env, umask: '022', json: false },
    );
    record('d2m', d2m);
    assert.equal(d2m.code, 0, describeExit(d2m));

    const opts = skopeoOptionsFor(target, bob);
    for (const img of images) {
      for (const ns of ['m2m', 'd2m']) {
        assert.equal(await skopeoManifestDigest(`${target.host}/${ns}/${img.repository}:${img.tag}`, opts), img.digest);
      }
    }
    const tokens = bearerTokens(dest.requests);
    assert.ok(tokens.length > 0, 'the destination was used with bearer tokens');
    everySecret.push(...tokenSecrets(tokens));
    assert.deepEqual(await findSecrets(everySecret, { texts: outputs, roots: [...roots, target.storageDir] }), []);
    // The scanner does find what is there (the auth file itself).
    assert.deepEqual(await findSecrets(everySecret, { roots: [secretsDir] }), [
      `${authPath} contains basic base64 auth`,
      `${authPath} contains token-server base64 auth`,
    ]);

    assert.deepEqual(await permissionProblems([ws, archive, join(work, 'cache-m2d'), join(work, 'cache-d2m')]), []);
    const archives = (await filesUnder(archive)).filter((f) => /\/mirror_\d{6}\.tar$/.test(f));
    assert.ok(archives.length > 0);
    assert.deepEqual(await archiveEntryProblems(archives, basename(authPath)), []);
    for (const file of await filesUnder(work)) {
      if (file === authPath) continue;
      assert.notEqual(basename(file), basename(authPath), `${file} is a copy of the auth file`);
      const st = await stat(file);
      if (st.size === authBytes.length)
        assert.ok(!(await readFile(file)).equals(authBytes), `${file} is a copy of the auth file`);
    }
  });

  await t.test('failing runs (wrong passwords, identity token) leak nothing either', async () => {
    const wrongAlice = secret('wrong-basic-pw');
    const wrongBob = secret('wrong-token-pw');
    const identityToken = secret('identity-token');
    everySecret.push(
      ...passwordSecrets('wrong basic', alice.username, wrongAlice),
      ...passwordSecrets('wrong token-server', bob.username, wrongBob),
      { name: 'identity token', value: identityToken },
    );
    const wrongPath = join(secretsDir, 'wrong-authfile.json');
    await writeFile(
      wrongPath,
      authFile({
        [source.host]: { auth: basicAuth(alice.username, wrongAlice) },
        [dest.host]: { auth: basicAuth(bob.username, wrongBob) },
      }),
      { mode: 0o600 },
    );
    const identityPath = join(secretsDir, 'identity-authfile.json');
    await writeFile(
      identityPath,
      authFile({
        [source.host]: { auth: basicAuth(alice.username, alice.password) },
        [dest.host]: { identitytoken: identityToken },
      }),
      { mode: 0o600 },
    );

    // Source refuses the password: every image fails (bit 8), with an error report.
    const m2dWs = join(work, 'archive-wrong');
    roots.push(m2dWs);
    const m2d = await runCliJson(
      [
        '-c',
        config,
        `file://${m2dWs}`,
        '--src-tls-verify=false',
        '--cache-dir',
        join(work, 'cache-m2d-wrong'),
        '--output',
        'json',
        ...withAuth(wrongPath),
      ],
      { env },
    );
    record('m2d wrong password', m2d);
    roots.push(join(work, 'cache-m2d-wrong'));
    assert.equal(m2d.code, 8, describeExit(m2d));
    const report = (await filesUnder(join(m2dWs, 'working-dir', 'logs'))).find((f) => /mirroring_errors_/.test(f));
    assert.ok(report, 'an error report was written');
    assert.match(await readFile(report, 'utf8'), /401|UNAUTHORIZED|credentials/i);

    // Destination refuses the password: the access check fails (exit 1) for m2m and d2m.
    dest.requests.length = 0;
    const m2mWs = join(work, 'ws-wrong');
    roots.push(m2mWs);
    const m2m = await runCliJson(
      [
        '-c',
        config,
        '--workspace',
        `file://${m2mWs}`,
        `docker://${dest.host}/wrong`,
        '--src-tls-verify=false',
        '--dest-tls-verify=false',
        '--cache-dir',
        join(work, 'cache-m2m'),
        ...withAuth(wrongPath),
      ],
      { env, json: false },
    );
    record('m2m wrong password', m2m);
    assert.equal(m2m.code, 1, describeExit(m2m));
    assert.match(
      m2m.stderr,
      new RegExp(`^error: checking registry "${dest.host}/wrong" access: .*401.*\\n  hint: check the credentials`, 's'),
    );
    const d2m = await runCliJson(
      [
        '-c',
        config,
        '--from',
        `file://${archive}`,
        `docker://${dest.host}/wrong`,
        '--dest-tls-verify=false',
        '--cache-dir',
        join(work, 'cache-d2m'),
        '--output',
        'json',
        ...withAuth(wrongPath),
      ],
      { env },
    );
    record('d2m wrong password', d2m);
    assert.equal(d2m.code, 1, describeExit(d2m));

    // An identity token: sent to the token server as an OAuth2 refresh token (which this one refuses).
    target.tokenServer!.requests.length = 0;
    const idt = await runCliJson(
      [
        '-c',
        config,
        '--workspace',
        `file://${m2mWs}`,
        `docker://${dest.host}/idt`,
        '--src-tls-verify=false',
        '--dest-tls-verify=false',
        '--cache-dir',
        join(work, 'cache-m2m'),
        ...withAuth(identityPath),
      ],
      { env, json: false },
    );
    record('m2m identity token', idt);
    assert.equal(idt.code, 1, describeExit(idt));
    assert.ok(
      target.tokenServer!.requests.some((r) => r.method === 'POST'),
      'the identity token was offered with the OAuth2 POST flow',
    );
    everySecret.push(...tokenSecrets(bearerTokens(dest.requests)));
    assert.deepEqual(await findSecrets(everySecret, { texts: outputs, roots: [...roots, target.storageDir] }), []);
  });
});

test('Authorization is never sent to a redirect target on another host', async (t) => {
  const work = await tempDirForTest(t, 'ocm-rel-redirect-');
  const alice = { username: 'alice', password: secret('basic-pw') };
  const source = await startRegistry({ auth: 'basic', users: [alice] });
  t.after(() => source.stop());
  const front = await startRedirectingProxy(source);
  t.after(() => front.stop());
  const target = await startRegistry();
  t.after(() => target.stop());
  const image = await pushImage(source, 'redir/app:1', { layers: 2 });
  const config = join(work, 'isc.yaml');
  await writeFile(config, isc([image], front.host));
  const authPath = join(work, 'auth.json');
  await writeFile(authPath, authFile({ [front.host]: { auth: basicAuth(alice.username, alice.password) } }), {
    mode: 0o600,
  });
  const run = await runCliJson(
    [
      '-c',
      config,
      '--workspace',
      `file://${join(work, 'ws')}`,
      `docker://${target.host}/mirror`,
      '--authfile',
      authPath,
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      '--cache-dir',
      join(work, 'cache'),
      '--no-ui',
      '--output',
      'json',
    ],
    { env: { HOME: work } },
  );
  assert.equal(run.code, 0, describeExit(run));
  assert.equal(await skopeoManifestDigest(`${target.host}/mirror/redir/app:1`, skopeoOptionsFor(target)), image.digest);
  const blobGets = front.storageRequests.filter((r) => r.method === 'GET');
  assert.equal(blobGets.length, image.blobs.length, 'every blob was downloaded from the redirect target');
  assert.deepEqual(
    front.storageRequests.filter((r) => r.headers.authorization !== undefined).map((r) => r.path),
    [],
    'Authorization reached the other host',
  );
  assert.ok(
    front.frontRequests.some((r) => String(r.headers.authorization ?? '').startsWith('Basic ')),
    'the registry itself did get the credentials',
  );
});
