import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { digestOf } from '../../core/digest.js';
import { CancelledError, DigestMismatchError, RegistryError } from '../../core/errors.js';
import {
  OCI_INDEX,
  OCI_MANIFEST,
  DOCKER_MANIFEST_LIST,
  UnsupportedManifestError,
} from '../../core/registry/media-types.js';
import { pushImage, pushMultiArchImage, seedTestdataMultiArch } from '../harness/fixture-images.js';
import { startRegistry } from '../harness/registry-server.js';
import { runSkopeo, skopeoCopy, skopeoInspectConfigRaw, skopeoInspectRaw, skopeoListTags } from '../harness/skopeo.js';
import { makeTempDir, removeTempDir } from '../harness/temp-dir.js';
import { testdataPath } from '../harness/testdata-paths.js';
import { clientFor, copyImage, readAll } from './client-helpers.js';
import { startFaultProxy } from '../reliability/support/fault-proxy.js';

const plain = { tlsVerify: false };

test('pull: a skopeo-seeded real multi-platform image comes back byte for byte', async (t) => {
  const registry = await startRegistry();
  t.after(() => registry.stop());
  const seeded = await seedTestdataMultiArch(registry, 'real/multi:latest');
  const client = clientFor(t, registry, plain);
  const signal = AbortSignal.timeout(60_000);
  const layout = testdataPath('oci', 'multi-platform-container-latest');
  const layoutBlob = (digest: string) => readFile(join(layout, 'blobs', 'sha256', digest.slice(7)));

  const ping = await client.ping(signal);
  assert.equal(ping.url, `http://${registry.host}/`);
  assert.equal(ping.authScheme, 'none');

  const top = await client.getManifest('real/multi', 'latest', signal);
  assert.deepEqual(top.bytes, await layoutBlob(seeded.digest));
  assert.equal(top.digest, seeded.digest);
  assert.equal(top.mediaType, OCI_INDEX);
  assert.deepEqual(await client.headManifest('real/multi', 'latest', signal), {
    digest: seeded.digest,
    mediaType: OCI_INDEX,
    size: top.bytes.length,
  });
  for (const child of seeded.manifests) {
    const m = await client.getManifest('real/multi', child.digest, signal);
    assert.deepEqual(m.bytes, child.bytes);
    assert.equal(m.mediaType, OCI_MANIFEST);
  }
  for (const blob of seeded.blobs) {
    let counted = 0;
    const opened = await client.openBlob('real/multi', blob.digest, { signal, onBytes: (n) => (counted += n) });
    assert.equal(opened.size, blob.size);
    const bytes = await readAll(opened.stream);
    assert.deepEqual(bytes, await layoutBlob(blob.digest));
    assert.equal(counted, blob.size);
    assert.equal(await client.headBlob('real/multi', blob.digest, signal), blob.size);
  }
});

test('push round trip: GET→PUT copy between two registries, checked with skopeo byte for byte', async (t) => {
  const [src, dst] = await Promise.all([startRegistry(), startRegistry()]);
  t.after(() => Promise.all([src.stop(), dst.stop()]));
  const image = await pushMultiArchImage(src, 'team/app:v1', { format: 'docker' });
  const single = await pushImage(src, 'team/tool:v2', { layers: 3 });
  const from = clientFor(t, src, plain);
  const to = clientFor(t, dst, { ...plain, side: 'destination' });
  const signal = AbortSignal.timeout(60_000);

  assert.equal(await copyImage(from, 'team/app', 'v1', to, 'mirror/app', 'v1', signal), image.digest);
  assert.equal(await copyImage(from, 'team/tool', 'v2', to, 'mirror/tool', 'v2', signal), single.digest);

  const skopeo = { tlsVerify: false };
  const raw = await skopeoInspectRaw(`${dst.host}/mirror/app:v1`, skopeo);
  assert.deepEqual(raw, image.manifestBytes);
  assert.equal(JSON.parse(raw.toString()).mediaType, DOCKER_MANIFEST_LIST);
  for (const child of image.manifests) {
    assert.deepEqual(await skopeoInspectRaw(`${dst.host}/mirror/app@${child.digest}`, skopeo), child.bytes);
  }
  assert.deepEqual(await skopeoInspectRaw(`${dst.host}/mirror/tool:v2`, skopeo), single.manifestBytes);
  const config = await skopeoInspectConfigRaw(`${dst.host}/mirror/tool:v2`, skopeo);
  assert.equal(digestOf(config), single.manifests[0].config.digest);

  // skopeo pulls every blob of the copy into a dir: layout; each file must hash to its name.
  const dir = await makeTempDir('ocm-roundtrip-');
  t.after(() => removeTempDir(dir));
  await runSkopeo([
    'copy',
    '--quiet',
    '--insecure-policy',
    '--src-tls-verify=false',
    `docker://${dst.host}/mirror/tool:v2`,
    `dir:${dir}`,
  ]);
  const files = (await readdir(dir)).filter((f) => /^[0-9a-f]{64}$/.test(f));
  assert.deepEqual(files.sort(), single.blobs.map((b) => b.digest.slice(7)).sort());
  for (const f of files)
    assert.equal(
      createHash('sha256')
        .update(await readFile(join(dir, f)))
        .digest('hex'),
      f,
    );
});

test('tags; catalog follows Link pagination; deletes remove a manifest', async (t) => {
  const registry = await startRegistry();
  t.after(() => registry.stop());
  const images = [];
  for (const tag of ['a', 'b', 'c', 'd', 'e'])
    images.push(await pushImage(registry, `paged/repo:${tag}`, { layers: 1, seed: 'same' }));
  await pushImage(registry, 'other/one:x', { layers: 1 });
  await pushImage(registry, 'other/two:x', { layers: 1 });
  const client = clientFor(t, registry, plain);
  const signal = AbortSignal.timeout(30_000);

  // distribution 2.8 answers tags/list in one unsorted page (it ignores `n`); the catalog paginates.
  const tags = await client.listTags('paged/repo', signal, 2);
  assert.deepEqual([...tags].sort(), ['a', 'b', 'c', 'd', 'e']);
  assert.deepEqual(tags, await skopeoListTags(`${registry.host}/paged/repo`, { tlsVerify: false }));
  assert.deepEqual(await client.catalog(signal, 1), ['other/one', 'other/two', 'paged/repo']);
  assert.deepEqual(await client.catalog(signal), ['other/one', 'other/two', 'paged/repo']);

  const single = await pushImage(registry, 'del/me:v1', { layers: 1 });
  await client.deleteManifest('del/me', single.digest, signal);
  assert.equal(await client.headManifest('del/me', single.digest, signal), undefined);
  await assert.rejects(skopeoInspectRaw(single.reference, { tlsVerify: false }), /manifest unknown/i);
});

test('cross-repository mount: true when the blob exists elsewhere, false when it does not', async (t) => {
  const registry = await startRegistry();
  t.after(() => registry.stop());
  const image = await pushImage(registry, 'origin/app:v1', { layers: 2 });
  const client = clientFor(t, registry, { ...plain, side: 'destination' });
  const signal = AbortSignal.timeout(30_000);
  const layer = image.blobs[0];
  assert.equal(await client.headBlob('copy/app', layer.digest, signal), undefined);
  assert.equal(await client.mountBlob('copy/app', layer.digest, 'origin/app', signal), true);
  assert.equal(await client.headBlob('copy/app', layer.digest, signal), layer.size);
  const missing = digestOf(Buffer.from('never uploaded'));
  assert.equal(await client.mountBlob('copy/app', missing, 'origin/app', signal), false);
});

test('claim: trusted only after the registry confirmed a blob it holds; then one POST answers missing or present', async (t) => {
  const registry = await startRegistry();
  t.after(() => registry.stop());
  const client = clientFor(t, registry, { ...plain, side: 'destination' });
  const signal = AbortSignal.timeout(30_000);
  const blobOf = (text: string) => ({ bytes: Buffer.from(text), digest: digestOf(Buffer.from(text)) });
  const first = blobOf('the first blob this client uploads');
  const second = blobOf('a blob claimed before it is uploaded');

  // Nothing known about this registry yet: no claim (the caller asks with a HEAD).
  assert.equal(await client.claimBlob('claimed/app', first.digest, signal), undefined);
  assert.equal(await client.selfMountSupport(), 'unknown');
  await client.putBlob(
    'claimed/app',
    { digest: first.digest, size: first.bytes.length },
    Readable.from([first.bytes]),
    {
      signal,
    },
  );
  assert.equal(await client.selfMountSupport(), 'trusted', 'distribution answers 201 for the blob just uploaded');

  const claim = await client.claimBlob('claimed/app', second.digest, signal);
  assert.ok(claim && claim !== 'exists', `a missing blob opens an upload session (got ${String(claim)})`);
  await client.putBlob(
    'claimed/app',
    { digest: second.digest, size: second.bytes.length },
    Readable.from([second.bytes]),
    {
      signal,
      upload: claim.upload,
    },
  );
  assert.equal(await client.headBlob('claimed/app', second.digest, signal), second.bytes.length);
  assert.equal(await client.claimBlob('claimed/app', second.digest, signal), 'exists');
  // Present elsewhere in the registry is not present here: a claim never links another repository's blob.
  const other = await client.claimBlob('claimed/other', second.digest, signal);
  assert.ok(other && other !== 'exists');
  other.abandon();
});

test('claim: a registry that ignores or refuses the self-mount never gets claims', async (t) => {
  const registry = await startRegistry();
  t.after(() => registry.stop());
  const signal = AbortSignal.timeout(30_000);
  // 202 for a blob it holds (the query ignored: every claim would look like a missing blob), and 400.
  for (const status of [202, 400]) {
    const proxy = await startFaultProxy(registry, [
      { match: { pathClass: 'claim' }, fault: { kind: 'status', status } },
    ]);
    t.after(() => proxy.stop());
    const client = clientFor(t, { host: proxy.host, tls: false }, { ...plain, side: 'destination' });
    const bytes = Buffer.from(`uploaded through a proxy answering ${status}`);
    const digest = digestOf(bytes);
    await client.putBlob(`probe/s${status}`, { digest, size: bytes.length }, Readable.from([bytes]), { signal });
    assert.equal(await client.selfMountSupport(), 'refused', `status ${status}`);
    assert.equal(await client.claimBlob(`probe/s${status}`, digest, signal), undefined);
    assert.equal(proxy.counts.of('claim', 'POST'), 1, `status ${status}: one check, no claim after it`);
  }
});

test('errors name side, registry, operation and reference; 404s of HEAD are undefined', async (t) => {
  const registry = await startRegistry();
  t.after(() => registry.stop());
  await pushImage(registry, 'exists/app:v1', { layers: 1 });
  const client = clientFor(t, registry, plain);
  const signal = AbortSignal.timeout(30_000);
  await assert.rejects(client.getManifest('exists/app', 'nope', signal), (err: unknown) => {
    assert.ok(err instanceof RegistryError);
    assert.equal(
      err.message,
      `source registry ${registry.host}: get manifest exists/app:nope: 404 MANIFEST_UNKNOWN manifest unknown`,
    );
    assert.equal(err.hint, `check that ${registry.host}/exists/app:nope exists`);
    assert.deepEqual(
      [err.status, err.registryCode, err.side, err.operation, err.reference, err.temporary],
      [404, 'MANIFEST_UNKNOWN', 'source', 'get manifest', 'exists/app:nope', false],
    );
    return true;
  });
  const missing = digestOf(Buffer.from('missing'));
  assert.equal(await client.headManifest('exists/app', 'nope', signal), undefined);
  assert.equal(await client.headBlob('exists/app', missing, signal), undefined);
  await assert.rejects(
    client.openBlob('exists/app', missing, { signal }),
    (err: unknown) =>
      err instanceof RegistryError &&
      err.status === 404 &&
      err.message ===
        `source registry ${registry.host}: pull blob ${missing.slice(0, 19)}… from exists/app: 404 BLOB_UNKNOWN blob unknown to registry`,
  );
  await assert.rejects(client.getManifest('Bad Name', 'v1', signal), /invalid repository name "Bad Name"/);
});

test('putBlob verifies while streaming: wrong bytes never become the blob', async (t) => {
  const registry = await startRegistry();
  t.after(() => registry.stop());
  const client = clientFor(t, registry, { ...plain, side: 'destination' });
  const signal = AbortSignal.timeout(30_000);
  const good = Buffer.from('the real content '.repeat(500));
  const digest = digestOf(good);
  const bad = Buffer.from(good);
  bad[10] ^= 0xff;
  await assert.rejects(
    client.putBlob('verify/app', { digest, size: bad.length }, Readable.from([bad]), { signal }),
    (err: unknown) =>
      err instanceof DigestMismatchError || (err instanceof RegistryError && err.registryCode === 'DIGEST_INVALID'),
  );
  assert.equal(await client.headBlob('verify/app', digest, signal), undefined);
  let counted = 0;
  await client.putBlob(
    'verify/app',
    { digest, size: good.length },
    Readable.from([good.subarray(0, 100), good.subarray(100)]),
    {
      signal,
      onBytes: (n) => (counted += n),
    },
  );
  assert.equal(counted, good.length);
  assert.equal(await client.headBlob('verify/app', digest, signal), good.length);
  assert.deepEqual(await readAll((await client.openBlob('verify/app', digest, { signal })).stream), good);
});

test('cancellation: an aborted signal stops a call and a running download', async (t) => {
  const registry = await startRegistry();
  t.after(() => registry.stop());
  const image = await pushImage(registry, 'big/app:v1', { layers: 0, bigLayerSize: 8 * 1024 * 1024 });
  const client = clientFor(t, registry, plain);
  const aborted = new AbortController();
  aborted.abort();
  await assert.rejects(client.getManifest('big/app', 'v1', aborted.signal), CancelledError);

  const controller = new AbortController();
  const big = image.blobs.find((b) => b.size === 8 * 1024 * 1024);
  assert.ok(big);
  const opened = await client.openBlob('big/app', big.digest, { signal: controller.signal });
  let seen = 0;
  await assert.rejects(
    (async () => {
      for await (const chunk of opened.stream) {
        seen += (chunk as Buffer).length;
        if (seen > 1024 * 1024) controller.abort();
      }
    })(),
    CancelledError,
  );
  assert.ok(seen < big.size);
});

test('a Docker schema 1 manifest is refused with a clear error', async (t) => {
  const registry = await startRegistry({ configOverrides: { compatibility: { schema1: { enabled: true } } } });
  t.after(() => registry.stop());
  await pushImage(registry, 'src/app:v1', { layers: 1, format: 'docker' });
  await skopeoCopy(`${registry.host}/src/app:v1`, `${registry.host}/old/app:v1`, { tlsVerify: false, format: 'v2s1' });
  const client = clientFor(t, registry, plain);
  const signal = AbortSignal.timeout(30_000);
  const expected = (err: unknown) =>
    err instanceof UnsupportedManifestError &&
    err.code === 'MANIFEST_SCHEMA1' &&
    err.message ===
      `source registry ${registry.host}: get manifest old/app:v1: is a Docker schema 1 manifest, which is not supported (deprecated since 2017)` &&
    /--format v2s2/.test(err.hint ?? '');
  await assert.rejects(client.getManifest('old/app', 'v1', signal), expected);
  await assert.rejects(
    client.headManifest('old/app', 'v1', signal),
    (err: unknown) => err instanceof UnsupportedManifestError && err.code === 'MANIFEST_SCHEMA1',
  );
});
