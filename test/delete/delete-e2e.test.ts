/**
 * Delete acceptance against real registries, skopeo as the oracle: mirror three images (to disk, then into the
 * registry), generate a delete list for two, review it (deselect one, confirm by typing the host), run the
 * reviewed file headless with --force-cache-delete; and a delete file for another registry deletes nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startRegistry } from '../harness/registry-server.js';
import { pushImage, pushImagesSharingBase, type PushedImage } from '../harness/fixture-images.js';
import { skopeoCopy, skopeoInspectRaw, skopeoManifestDigest, skopeoOptionsFor } from '../harness/skopeo.js';
import { tempDirForTest } from '../harness/temp-dir.js';
import { FakeStdin, FakeStdout, KEYS, press, typeText, waitForFrame } from '../components/helpers/ink-harness.js';
import { formatDeleteList, type DeleteItem } from '../../core/delete/delete-list.js';
import { runDeleteReview } from '../../source/interactive/run-delete-review.js';
import { runCli } from '../e2e/cli-runner.js';

const TLS_OFF = ['--src-tls-verify=false', '--dest-tls-verify=false'];

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Reviews `items` as a user would: deselect the item on row `row`, Enter, type the host, Enter. */
async function reviewDeselecting(row: number, options: { items: DeleteItem[]; registry: string; sourceFile: string }) {
  const stdin = new FakeStdin();
  const stdout = new FakeStdout(80, 24);
  const selection = runDeleteReview({
    ...options,
    io: {
      stdin: stdin as unknown as NodeJS.ReadStream,
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: stdout as unknown as NodeJS.WriteStream,
    },
    log: () => undefined,
  });
  await waitForFrame(
    () => String(stdin.listenerCount('readable')),
    (n) => n !== '0',
    'review input armed',
  );
  for (let i = 0; i < row; i++) await press(stdin, KEYS.down);
  await press(stdin, KEYS.space);
  await press(stdin, KEYS.enter);
  await typeText(stdin, options.registry.split('/')[0]);
  await press(stdin, KEYS.enter);
  return selection;
}

test('generate, review (deselect one, type the host), delete with --force-cache-delete: exactly the selected manifest is gone', async (t) => {
  const source = await startRegistry();
  t.after(() => source.stop());
  const dest = await startRegistry();
  t.after(() => dest.stop());
  const work = await tempDirForTest(t, 'ocm-rm-e2e-');
  const cacheDir = join(work, 'cache');
  const archive = join(work, 'archive');
  const registry = `${dest.host}/mirror`;

  // (The temp dir name must not contain 'delete': oc-mirror rejects such destinations.)
  // Three images sharing one base layer, so the cache GC has shared and unique blobs to tell apart.
  const [one, two, three] = await pushImagesSharingBase(source, ['apps/one:1', 'apps/two:1', 'apps/three:1']);
  const isc = join(work, 'isc.yaml');
  await writeFile(
    isc,
    `kind: ImageSetConfiguration
apiVersion: mirror.openshift.io/v2alpha1
mirror:
  additionalImages:
  - name: ${source.host}/apps/one:1
  - name: ${source.host}/apps/two:1
  - name: ${source.host}/apps/three:1
`,
  );
  const m2d = await runCli(['-c', isc, `file://${archive}`, ...TLS_OFF, '--cache-dir', cacheDir, '--no-ui']);
  assert.equal(m2d.code, 0, `m2d: ${m2d.stderr}${m2d.stdout}`);
  const d2m = await runCli([
    '-c',
    isc,
    '--from',
    `file://${archive}`,
    `docker://${registry}`,
    ...TLS_OFF,
    '--cache-dir',
    cacheDir,
    '--no-ui',
  ]);
  assert.equal(d2m.code, 0, `d2m: ${d2m.stderr}${d2m.stdout}`);
  const opts = skopeoOptionsFor(dest);
  for (const img of [one, two, three]) {
    assert.equal(await skopeoManifestDigest(`${registry}/${img.repository}:1`, opts), img.digest, img.repository);
  }

  // Phase 1: the list names exactly the two images of the DISC, sorted, typed, with their origins.
  const disc = join(work, 'disc.yaml');
  await writeFile(
    disc,
    `kind: DeleteImageSetConfiguration
apiVersion: mirror.openshift.io/v2alpha1
delete:
  additionalImages:
  - name: ${source.host}/apps/two:1
  - name: ${source.host}/apps/one:1
`,
  );
  const generate = await runCli([
    'delete',
    '-c',
    disc,
    '--generate',
    '--workspace',
    `file://${archive}`,
    `docker://${registry}`,
    ...TLS_OFF,
    '--cache-dir',
    cacheDir,
    '--no-ui',
  ]);
  assert.equal(generate.code, 0, `generate: ${generate.stderr}${generate.stdout}`);
  const deleteFile = join(archive, 'working-dir', 'delete', 'delete-images.yaml');
  assert.equal(
    await readFile(deleteFile, 'utf8'),
    `apiVersion: mirror.openshift.io/v2alpha1
items:
  - imageName: ${source.host}/apps/one:1
    imageReference: docker://${registry}/apps/one:1
    type: generic
  - imageName: ${source.host}/apps/two:1
    imageReference: docker://${registry}/apps/two:1
    type: generic
kind: DeleteImageList
`,
  );
  assert.equal(
    await readFile(join(archive, 'working-dir', 'delete', 'delete-imageset-config.yaml'), 'utf8'),
    await readFile(disc, 'utf8'),
  );
  // Generating deletes nothing.
  assert.equal(await skopeoManifestDigest(`${registry}/apps/one:1`, opts), one.digest);

  // Review: rows are [type, apps/one, one:1, apps/two, two:1]; deselect two:1 (row 4).
  const itemOne: DeleteItem = {
    imageName: `${source.host}/apps/one:1`,
    imageReference: `docker://${registry}/apps/one:1`,
    type: 'generic',
  };
  const itemTwo: DeleteItem = {
    imageName: `${source.host}/apps/two:1`,
    imageReference: `docker://${registry}/apps/two:1`,
    type: 'generic',
  };
  const selection = await reviewDeselecting(4, { items: [itemOne, itemTwo], registry, sourceFile: deleteFile });
  assert.deepEqual(selection, [itemOne]);
  const deleteDir = await readdir(join(archive, 'working-dir', 'delete'));
  const reviewed = deleteDir.filter((f) => /^delete-images-reviewed-\d{8}_\d{6}\.yaml$/.test(f));
  assert.equal(reviewed.length, 1, `one reviewed file: ${deleteDir.join(', ')}`);
  const reviewedFile = join(archive, 'working-dir', 'delete', reviewed[0]);
  assert.equal(await readFile(reviewedFile, 'utf8'), formatDeleteList([itemOne]));

  // Phase 2, headless, with the reviewed file: only one:1 goes, from the registry and from the cache.
  const del = await runCli([
    'delete',
    '--delete-yaml-file',
    reviewedFile,
    `docker://${registry}`,
    '--force-cache-delete',
    ...TLS_OFF,
    '--cache-dir',
    cacheDir,
    '--no-ui',
  ]);
  assert.equal(del.code, 0, `delete: ${del.stderr}${del.stdout}`);
  assert.match(del.stdout, /deleted 1, already absent 0, failed 0 of 1 manifest\(s\)/);
  assert.match(del.stdout, /garbage collection/);

  await assert.rejects(skopeoInspectRaw(`${registry}/apps/one:1`, opts), /manifest unknown/i);
  await assert.rejects(skopeoInspectRaw(`${registry}/apps/one@${one.digest}`, opts), /manifest unknown/i);
  for (const kept of [two, three]) {
    assert.equal(await skopeoManifestDigest(`${registry}/${kept.repository}:1`, opts), kept.digest);
    // Pullable: every blob is still served.
    await skopeoCopy(
      `${registry}/${kept.repository}:1`,
      `dir:${join(work, `pull-${kept.repository.replace('/', '-')}`)}`,
      opts,
    );
  }

  // Cache: one's tag link and its unreferenced blobs are gone; the shared base and the kept images remain.
  const v2 = join(cacheDir, '.oc-mirror', '.cache', 'docker', 'registry', 'v2');
  const tagLink = (img: PushedImage) =>
    join(v2, 'repositories', img.repository, '_manifests', 'tags', '1', 'current', 'link');
  const blob = (digest: string) => join(v2, 'blobs', 'sha256', digest.slice(7, 9), digest.slice(7), 'data');
  assert.equal(await exists(tagLink(one)), false, 'tag link of the deleted image');
  const shared = new Set(two.blobs.map((b) => b.digest));
  const sharedWithOne = one.blobs.filter((b) => shared.has(b.digest)).map((b) => b.digest);
  const uniqueToOne = [one.digest, ...one.blobs.filter((b) => !shared.has(b.digest)).map((b) => b.digest)];
  assert.ok(sharedWithOne.length >= 1 && uniqueToOne.length >= 3, 'fixture has shared and unique blobs');
  for (const digest of uniqueToOne) assert.equal(await exists(blob(digest)), false, `unreferenced blob ${digest}`);
  for (const digest of sharedWithOne) assert.equal(await exists(blob(digest)), true, `shared blob ${digest}`);
  for (const kept of [two, three]) {
    assert.equal((await readFile(tagLink(kept), 'utf8')).trim(), kept.digest);
    for (const digest of [kept.digest, ...kept.blobs.map((b) => b.digest)])
      assert.equal(await exists(blob(digest)), true, digest);
  }
});

test('a delete file pointing at another registry is refused and deletes nothing', async (t) => {
  const dest = await startRegistry();
  t.after(() => dest.stop());
  const work = await tempDirForTest(t, 'ocm-rm-elsewhere-');
  const kept = await pushImage(dest, 'mirror/apps/kept:1');
  const file = join(work, 'delete-images.yaml');
  await writeFile(
    file,
    formatDeleteList([
      { imageName: 'quay.io/apps/kept:1', imageReference: `docker://${dest.host}/mirror/apps/kept:1`, type: 'generic' },
      {
        imageName: 'quay.io/apps/other:1',
        imageReference: 'docker://registry.example.com:5000/mirror/apps/other:1',
        type: 'generic',
      },
      {
        imageName: 'quay.io/openshift-release-dev/ocp-release:4.18.1-x86_64',
        imageReference: `docker://${dest.host}/mirror/ocp/release-images:4.18.1-x86_64`,
        type: 'ocpRelease',
      },
    ]),
  );
  const result = await runCli([
    'delete',
    '--delete-yaml-file',
    file,
    `docker://${dest.host}/mirror`,
    ...TLS_OFF,
    '--cache-dir',
    join(work, 'cache'),
    '--no-ui',
  ]);
  assert.equal(result.code, 1, result.stderr + result.stdout);
  assert.match(
    result.stderr,
    new RegExp(`2 item\\(s\\) of the delete file are not under docker://${dest.host}/mirror; nothing was deleted`),
  );
  assert.match(result.stderr, /^ {2}docker:\/\/registry\.example\.com:5000\/mirror\/apps\/other:1 \(generic\)$/m);
  assert.match(
    result.stderr,
    new RegExp(`^  docker://${dest.host}/mirror/ocp/release-images:4\\.18\\.1-x86_64 \\(ocpRelease\\)$`, 'm'),
  );
  assert.equal(await skopeoManifestDigest(`${dest.host}/mirror/apps/kept:1`, skopeoOptionsFor(dest)), kept.digest);
});
