/**
 * TLS verification is on by default (issue: security). A registry whose certificate is signed by a private
 * CA is refused — as destination by the access check (exit 1, nothing pushed), as source image by image
 * (exit 8) — with a message that names both ways out: the CA directory flag and `--…-tls-verify=false`.
 * With the CA directory (`--cert-dir`, or the `--dest-cert-dir` / `--src-cert-dir` the hint names) or with
 * verification off, the same runs work.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startRegistry } from '../../harness/registry-server.js';
import { pushImage, type PushedImage } from '../../harness/fixture-images.js';
import { skopeoInspectRaw, skopeoManifestDigest, skopeoOptionsFor } from '../../harness/skopeo.js';
import { tempDirForTest } from '../../harness/temp-dir.js';
import { describeExit, runCliJson } from '../cancel/cli-process.js';
import { filesUnder } from './secret-scan.js';

function isc(image: PushedImage): string {
  return [
    'kind: ImageSetConfiguration',
    'apiVersion: mirror.openshift.io/v2alpha1',
    'mirror:',
    '  additionalImages:',
    `  - name: ${image.reference}`,
    '',
  ].join('\n');
}

test('TLS destination: refused by default with a hint; works with --cert-dir, --dest-cert-dir or --dest-tls-verify=false', async (t) => {
  const source = await startRegistry();
  t.after(() => source.stop());
  const secure = await startRegistry({ tls: true });
  t.after(() => secure.stop());
  const work = await tempDirForTest(t, 'ocm-rel-tls-');
  const image = await pushImage(source, 'plain/app:1', { layers: 2 });
  const config = join(work, 'isc.yaml');
  await writeFile(config, isc(image));
  const env = { HOME: work };
  const m2m = (ns: string, ...flags: string[]) =>
    runCliJson(
      [
        '-c',
        config,
        '--workspace',
        `file://${join(work, ns)}`,
        `docker://${secure.host}/${ns}`,
        '--src-tls-verify=false',
        '--cache-dir',
        join(work, 'cache'),
        '--no-ui',
        '--retry-times',
        '0',
        ...flags,
      ],
      { env, json: false },
    );
  const opts = skopeoOptionsFor(secure);

  const refused = await m2m('default');
  assert.equal(refused.code, 1, describeExit(refused));
  assert.match(
    refused.stderr,
    new RegExp(
      `^error: checking registry "${secure.host}/default" access: destination registry ${secure.host}: ping: ` +
        `TLS certificate not trusted \\(\\w+\\)\\n  hint: add the CA of ${secure.host} as a \\*\\.crt file to ` +
        '--dest-cert-dir, or use --dest-tls-verify=false\\n$',
    ),
  );
  await assert.rejects(skopeoInspectRaw(`${secure.host}/default/plain/app:1`, opts), 'nothing was pushed');

  for (const [ns, flags] of [
    ['certdir', ['--cert-dir', secure.certDir!]],
    ['destcertdir', ['--dest-cert-dir', secure.certDir!]],
    ['noverify', ['--dest-tls-verify=false']],
  ] as const) {
    const run = await m2m(ns, ...flags);
    assert.equal(run.code, 0, `${flags.join(' ')}\n${describeExit(run)}`);
    assert.equal(await skopeoManifestDigest(`${secure.host}/${ns}/plain/app:1`, opts), image.digest);
  }
});

test('TLS source: the image fails by default with a hint (exit 8); works with --src-cert-dir', async (t) => {
  const secure = await startRegistry({ tls: true });
  t.after(() => secure.stop());
  const work = await tempDirForTest(t, 'ocm-rel-tls-src-');
  const image = await pushImage(secure, 'secure/app:1', { layers: 2 });
  const config = join(work, 'isc.yaml');
  await writeFile(config, isc(image));
  const m2d = (dir: string, ...flags: string[]) =>
    runCliJson(
      [
        '-c',
        config,
        `file://${join(work, dir)}`,
        '--cache-dir',
        join(work, `cache-${dir}`),
        '--no-ui',
        '--retry-times',
        '0',
        ...flags,
      ],
      { env: { HOME: work }, json: false },
    );

  const refused = await m2d('default');
  assert.equal(refused.code, 8, describeExit(refused));
  const hint = `add the CA of ${secure.host} as a *.crt file to --src-cert-dir, or use --src-tls-verify=false`;
  assert.ok(refused.stderr.includes(hint), describeExit(refused));
  const logs = join(work, 'default', 'working-dir', 'logs');
  const report = (await filesUnder(logs)).find((f) => /mirroring_errors_\d{8}_\d{6}\.txt$/.test(f));
  assert.ok(report, 'error report written');
  assert.ok((await readFile(report, 'utf8')).includes(`hint: ${hint}`));
  assert.deepEqual(
    (await filesUnder(join(work, 'default'))).filter((f) => /mirror_\d{6}\.tar$/.test(f)),
    [],
  );

  const trusted = await m2d('trusted', '--src-cert-dir', secure.certDir!);
  assert.equal(trusted.code, 0, describeExit(trusted));
  assert.ok((await filesUnder(join(work, 'trusted'))).some((f) => /mirror_000001\.tar$/.test(f)));
  // The archive holds exactly the source's manifest.
  const cached = join(work, 'cache-trusted', '.oc-mirror', '.cache', 'docker', 'registry', 'v2', 'blobs', 'sha256');
  const hex = image.digest.slice('sha256:'.length);
  assert.deepEqual(await readFile(join(cached, hex.slice(0, 2), hex, 'data')), image.manifestBytes);
});
