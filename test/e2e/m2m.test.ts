/**
 * Mirror to mirror against two real registries, skopeo as the oracle (issue: engine acceptance).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startRegistry } from '../harness/registry-server.js';
import { pushImage, pushMultiArchImage, type PushedImage } from '../harness/fixture-images.js';
import { skopeoInspectRaw, skopeoManifestDigest, skopeoOptionsFor } from '../harness/skopeo.js';
import { tempDirForTest } from '../harness/temp-dir.js';
import { parseJsonLines, runCli } from './cli-runner.js';

test('mirror to mirror: every reference form lands with identical digests', async (t) => {
  const source = await startRegistry();
  t.after(() => source.stop());
  const dest = await startRegistry();
  t.after(() => dest.stop());
  const work = await tempDirForTest(t, 'm2m');

  const single = await pushImage(source, 'apps/single:1.0');
  const docker = await pushImage(source, 'apps/docker:v2', { format: 'docker' });
  const ociIndex = await pushMultiArchImage(source, 'multi/oci:latest');
  const dockerList = await pushMultiArchImage(source, 'multi/docker:3', { format: 'docker' });
  const byDigest = await pushImage(source, 'pinned/app:ignored');
  const tagDigest = await pushImage(source, 'pinned/both:v9');
  const retarget = await pushImage(source, 'apps/retarget:orig');
  const filtered = await pushMultiArchImage(source, 'multi/filtered:2', { format: 'docker' });
  await pushImage(source, 'apps/blocked:1');

  const isc = join(work, 'isc.yaml');
  await writeFile(
    isc,
    `kind: ImageSetConfiguration
apiVersion: mirror.openshift.io/v2alpha1
mirror:
  additionalImages:
  - name: ${source.host}/apps/single:1.0
  - name: ${source.host}/apps/docker:v2
  - name: ${source.host}/multi/oci:latest
  - name: ${source.host}/multi/docker:3
  - name: ${source.host}/pinned/app@${byDigest.digest}
  - name: ${source.host}/pinned/both:v9@${tagDigest.digest}
  - name: ${source.host}/apps/retarget:orig
    targetRepo: team/renamed
    targetTag: t1
  - name: ${source.host}/multi/filtered:2
    platforms:
    - os: linux
      architecture: arm64
  - name: ${source.host}/apps/blocked:1
  blockedImages:
  - name: apps/blocked
`,
  );
  const args = [
    '-c',
    isc,
    '--workspace',
    `file://${work}/ws`,
    `docker://${dest.host}/mirror`,
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
    '--cache-dir',
    join(work, 'cache'),
    '--no-ui',
    '--output',
    'json',
    '--retry-delay',
    '100ms',
  ];
  const first = await runCli(args);
  assert.equal(first.code, 0, first.stderr + first.stdout);

  const opts = skopeoOptionsFor(dest);
  const expectDigest = async (ref: string, image: PushedImage) =>
    assert.equal(await skopeoManifestDigest(`${dest.host}/${ref}`, opts), image.digest, ref);
  await expectDigest('mirror/apps/single:1.0', single);
  await expectDigest('mirror/apps/docker:v2', docker);
  await expectDigest('mirror/multi/oci:latest', ociIndex);
  await expectDigest('mirror/multi/docker:3', dockerList);
  await expectDigest(`mirror/pinned/app:${byDigest.digest.replace(':', '-')}`, byDigest);
  await expectDigest('mirror/pinned/both:v9', tagDigest);
  await expectDigest('mirror/team/renamed:t1', retarget);
  // Every child of the indexes is there too, by digest.
  for (const child of [...ociIndex.manifests, ...dockerList.manifests]) {
    const repo = ociIndex.manifests.includes(child) ? 'multi/oci' : 'multi/docker';
    assert.equal(await skopeoManifestDigest(`${dest.host}/mirror/${repo}@${child.digest}`, opts), child.digest);
  }
  // Platform filter: only the arm64 child was copied.
  const arm = filtered.manifests.find((m) => m.platform?.architecture === 'arm64')!;
  const amd = filtered.manifests.find((m) => m.platform?.architecture === 'amd64')!;
  assert.equal(await skopeoManifestDigest(`${dest.host}/mirror/multi/filtered@${arm.digest}`, opts), arm.digest);
  await assert.rejects(skopeoInspectRaw(`${dest.host}/mirror/multi/filtered@${amd.digest}`, opts));
  const filteredTop = JSON.parse((await skopeoInspectRaw(`${dest.host}/mirror/multi/filtered:2`, opts)).toString()) as {
    manifests: { digest: string }[];
  };
  assert.ok(filteredTop.manifests.some((m) => m.digest === arm.digest));
  // Blocked image never reached the destination.
  await assert.rejects(skopeoInspectRaw(`${dest.host}/mirror/apps/blocked:1`, opts));

  // IDMS for digest-pinned images, ITMS for tagged ones; namespace scope; generic category.
  const crDir = join(work, 'ws', 'working-dir', 'cluster-resources');
  const idms = await readFile(join(crDir, 'idms-oc-mirror.yaml'), 'utf8');
  assert.match(idms, /^---\napiVersion: config\.openshift\.io\/v1\nkind: ImageDigestMirrorSet\n/);
  assert.match(idms, /name: idms-generic-0/);
  assert.ok(idms.includes(`source: ${source.host}/pinned`), idms);
  assert.ok(idms.includes(`- ${dest.host}/mirror/pinned`), idms);
  const itms = await readFile(join(crDir, 'itms-oc-mirror.yaml'), 'utf8');
  assert.match(itms, /name: itms-generic-0/);
  assert.ok(itms.includes(`source: ${source.host}/apps`), itms);
  assert.ok(itms.includes(`source: ${source.host}/apps/retarget`), itms);
  assert.ok(itms.includes(`- ${dest.host}/mirror/team/renamed`), itms);

  // Pinned configurations (§1.12) are written after the batch.
  const wd = await readdir(join(work, 'ws', 'working-dir'));
  assert.ok(
    wd.some((f) => /^isc_pinned_\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\.yaml$/.test(f)),
    wd.join(','),
  );
  assert.ok(
    wd.some((f) => /^disc_pinned_.*\.yaml$/.test(f)),
    wd.join(','),
  );
  const disc = await readFile(
    join(
      work,
      'ws',
      'working-dir',
      wd.find((f) => f.startsWith('disc_pinned_'))!,
    ),
    'utf8',
  );
  assert.match(disc, /kind: DeleteImageSetConfiguration/);
  assert.ok(disc.includes(`${source.host}/apps/single:1.0`));

  // Second identical run: nothing is uploaded again.
  const second = await runCli(args);
  assert.equal(second.code, 0, second.stderr);
  const events = parseJsonLines(second.stdout);
  const copied = events.filter((e) => e.type === 'blob.done' && e.outcome === 'copied');
  assert.equal(copied.length, 0, 'second run must not upload any blob');
  const summary = events.find((e) => e.type === 'summary') as unknown as {
    summary: { imagesOk: number; exitCode: number };
  };
  assert.equal(summary.summary.imagesOk, 8);
  assert.equal(summary.summary.exitCode, 0);
});

test('mirror to mirror: a missing image fails alone with exit bit 8 and an error report', async (t) => {
  const source = await startRegistry();
  t.after(() => source.stop());
  const dest = await startRegistry();
  t.after(() => dest.stop());
  const work = await tempDirForTest(t, 'm2m-missing');
  const good = await pushImage(source, 'apps/good:1');
  const isc = join(work, 'isc.yaml');
  await writeFile(
    isc,
    `kind: ImageSetConfiguration
apiVersion: mirror.openshift.io/v2alpha1
mirror:
  additionalImages:
  - name: ${source.host}/apps/missing:404
  - name: ${source.host}/apps/good:1
`,
  );
  const result = await runCli([
    '-c',
    isc,
    '--workspace',
    `file://${work}`,
    `docker://${dest.host}`,
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
    '--cache-dir',
    join(work, 'cache'),
    '--retry-times',
    '1',
    '--retry-delay',
    '50ms',
  ]);
  assert.equal(result.code, 8, result.stderr + result.stdout);
  assert.equal(await skopeoManifestDigest(`${dest.host}/apps/good:1`, skopeoOptionsFor(dest)), good.digest);
  const logs = join(work, 'working-dir', 'logs');
  const report = (await readdir(logs)).find((f) => /^mirroring_errors_\d{8}_\d{6}\.txt$/.test(f));
  assert.ok(report, 'error report written');
  const text = await readFile(join(logs, report), 'utf8');
  assert.match(
    text,
    new RegExp(`^error mirroring image ${source.host}/apps/missing:404 error: .*MANIFEST_UNKNOWN`, 'm'),
  );
  assert.doesNotMatch(text, /apps\/good/);
  assert.match(result.stdout, /✗ 1 \/ 2 additional images mirrored/);
});

test('mirror to mirror --dry-run writes mapping.txt and pushes nothing', async (t) => {
  const source = await startRegistry();
  t.after(() => source.stop());
  const dest = await startRegistry();
  t.after(() => dest.stop());
  const work = await tempDirForTest(t, 'm2m-dry');
  const img = await pushImage(source, 'apps/dry:1');
  const isc = join(work, 'isc.yaml');
  await writeFile(
    isc,
    `kind: ImageSetConfiguration
apiVersion: mirror.openshift.io/v2alpha1
mirror:
  additionalImages:
  - name: ${source.host}/apps/dry:1
  - name: ${source.host}/apps/dry@${img.digest}
`,
  );
  const result = await runCli([
    '-c',
    isc,
    '--workspace',
    `file://${work}`,
    `docker://${dest.host}/ns`,
    '--dry-run',
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
    '--cache-dir',
    join(work, 'cache'),
  ]);
  assert.equal(result.code, 0, result.stderr);
  const mapping = await readFile(join(work, 'working-dir', 'dry-run', 'mapping.txt'), 'utf8');
  assert.equal(
    mapping,
    `docker://${source.host}/apps/dry:1=docker://${dest.host}/ns/apps/dry:1\n` +
      `docker://${source.host}/apps/dry@${img.digest}=docker://${dest.host}/ns/apps/dry:${img.digest.replace(':', '-')}\n`,
  );
  await assert.rejects(skopeoInspectRaw(`${dest.host}/ns/apps/dry:1`, skopeoOptionsFor(dest)));
});

test('mirror to mirror --dry-run-manifest-lists adds one line per instance of a manifest list', async (t) => {
  const source = await startRegistry();
  t.after(() => source.stop());
  const dest = await startRegistry();
  t.after(() => dest.stop());
  const work = await tempDirForTest(t, 'm2m-dry-lists');
  const list = await pushMultiArchImage(source, 'multi/listed:1');
  const isc = join(work, 'isc.yaml');
  await writeFile(
    isc,
    `kind: ImageSetConfiguration
apiVersion: mirror.openshift.io/v2alpha1
mirror:
  additionalImages:
  - name: ${source.host}/multi/listed:1
`,
  );
  const result = await runCli([
    '-c',
    isc,
    '--workspace',
    `file://${work}`,
    `docker://${dest.host}/ns`,
    '--dry-run-manifest-lists',
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
    '--cache-dir',
    join(work, 'cache'),
  ]);
  assert.equal(result.code, 0, result.stderr);
  const mapping = await readFile(join(work, 'working-dir', 'dry-run', 'mapping.txt'), 'utf8');
  assert.equal(
    mapping,
    `docker://${source.host}/multi/listed:1=docker://${dest.host}/ns/multi/listed:1\n` +
      list.manifests
        .map(
          (m) => `docker://${source.host}/multi/listed@${m.digest}=docker://${dest.host}/ns/multi/listed@${m.digest}\n`,
        )
        .join(''),
  );
});
