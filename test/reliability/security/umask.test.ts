/**
 * Files we write follow the user's umask (issue: security): under umask 077 nothing that m2d or d2m writes
 * — workspace, logs, cache, archives, files extracted from an archive — is readable by group or others,
 * and no regular file is executable. (umask 022 is covered by credentials-leak.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startRegistry } from '../../harness/registry-server.js';
import { pushImage } from '../../harness/fixture-images.js';
import { skopeoManifestDigest, skopeoOptionsFor } from '../../harness/skopeo.js';
import { tempDirForTest } from '../../harness/temp-dir.js';
import { describeExit, runCliJson } from '../cancel/cli-process.js';
import { dirsUnder, filesUnder } from './secret-scan.js';

test('umask 077: m2d and d2m write nothing group/world-accessible and nothing executable', async (t) => {
  const source = await startRegistry();
  t.after(() => source.stop());
  const target = await startRegistry();
  t.after(() => target.stop());
  const work = await tempDirForTest(t, 'ocm-rel-umask-');
  const image = await pushImage(source, 'umask/app:1', { layers: 2 });
  const config = join(work, 'isc.yaml');
  await writeFile(
    config,
    `kind: ImageSetConfiguration\napiVersion: mirror.openshift.io/v2alpha1\nmirror:\n  additionalImages:\n  - name: ${image.reference}\n`,
  );
  const archive = join(work, 'archive');
  const transfer = join(work, 'transfer');
  const env = { HOME: work };
  const m2d = await runCliJson(
    ['-c', config, `file://${archive}`, '--src-tls-verify=false', '--cache-dir', join(work, 'cache-m2d'), '--no-ui'],
    { env, umask: '077', json: false },
  );
  assert.equal(m2d.code, 0, describeExit(m2d));
  // d2m from a copy holding only the chunks, so everything under `transfer/working-dir` comes from extraction.
  const chunks = (await filesUnder(archive)).filter((f) => /\/mirror_\d{6}\.tar$/.test(f));
  assert.ok(chunks.length > 0);
  await mkdir(transfer, { mode: 0o700 });
  for (const chunk of chunks) await copyFile(chunk, join(transfer, chunk.slice(archive.length + 1)));
  const d2m = await runCliJson(
    [
      '-c',
      config,
      '--from',
      `file://${transfer}`,
      `docker://${target.host}/m`,
      '--dest-tls-verify=false',
      '--cache-dir',
      join(work, 'cache-d2m'),
      '--no-ui',
    ],
    { env, umask: '077', json: false },
  );
  assert.equal(d2m.code, 0, describeExit(d2m));
  assert.equal(await skopeoManifestDigest(`${target.host}/m/umask/app:1`, skopeoOptionsFor(target)), image.digest);

  const problems: string[] = [];
  for (const root of [archive, transfer, join(work, 'cache-m2d'), join(work, 'cache-d2m')]) {
    const files = await filesUnder(root);
    assert.ok(files.length > 0, `${root} has files`);
    for (const file of files) {
      const mode = (await stat(file)).mode & 0o777;
      if (mode & 0o077) problems.push(`${file}: ${mode.toString(8)} ignores umask 077`);
      if (mode & 0o111) problems.push(`${file}: ${mode.toString(8)} is executable`);
    }
    for (const dir of await dirsUnder(root)) {
      const mode = (await stat(dir)).mode & 0o777;
      if (mode & 0o077) problems.push(`${dir}/: ${mode.toString(8)} ignores umask 077`);
    }
  }
  assert.deepEqual(problems, []);
});
