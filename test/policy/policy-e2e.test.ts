/**
 * The signature policy against real registries (collectors.md §6.1), each verdict compared with skopeo's on the
 * same policy.json and registries.d (skopeo --policy … --registries.d … copy --all). Debian's skopeo cannot
 * verify sigstore signatures, so for sigstoreSigned the ECDSA signatures are also checked with
 * `openssl dgst -sha256 -verify`: ocm-tui must accept exactly what openssl verifies (with the right digest and
 * identity). Simple-signing (GPG) signatures are made here with a throwaway openpgp key and served from a
 * file:// lookaside directory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createMessage, generateKey, readPrivateKey, sign as pgpSign } from 'openpgp';
import { startRegistry, type RunningRegistry } from '../harness/registry-server.js';
import { pushImage, pushMultiArchImage, seedTestdataMultiArch, type PushedImage } from '../harness/fixture-images.js';
import { RegistryPusher } from '../harness/registry-pusher.js';
import { bufferBlob, sha256Digest } from '../harness/fixture-blobs.js';
import { runSkopeo, skopeoInspectRaw, skopeoOptionsFor } from '../harness/skopeo.js';
import { runOpenssl } from '../harness/openssl.js';
import { tempDirForTest } from '../harness/temp-dir.js';
import { testdataPath } from '../harness/testdata-paths.js';
import { parseJsonLines, runCli } from '../e2e/cli-runner.js';

const COSIGN_PAYLOAD = 'application/vnd.dev.cosign.simplesigning.v1+json';
const REAL_IDENTITY = 'quay.io/rh_ee_aguidi/multi-platform-container';

/** Pushes a cosign-format signature (`sha256-<hex>.sig`) whose payload claims `digest` and `identity`. */
async function pushCosignSignature(
  registry: RunningRegistry,
  repository: string,
  digest: string,
  identity: string,
  privateKeyPem: string,
  dir: string,
): Promise<{ payloadFile: string; signatureFile: string }> {
  const payload = Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': identity },
        image: { 'docker-manifest-digest': digest },
        type: 'cosign container image signature',
      },
      optional: null,
    }),
  );
  const signature = cryptoSign('sha256', payload, { key: privateKeyPem, dsaEncoding: 'der' });
  const config = Buffer.from(
    JSON.stringify({
      architecture: '',
      os: '',
      config: {},
      rootfs: { type: 'layers', diff_ids: [sha256Digest(payload)] },
    }),
  );
  const pusher = new RegistryPusher(registry);
  const payloadBlob = bufferBlob(payload, COSIGN_PAYLOAD);
  const configBlob = bufferBlob(config, 'application/vnd.oci.image.config.v1+json');
  await pusher.pushBlob(repository, payloadBlob);
  await pusher.pushBlob(repository, configBlob);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: configBlob.mediaType, size: configBlob.size, digest: configBlob.digest },
      layers: [
        {
          mediaType: COSIGN_PAYLOAD,
          size: payloadBlob.size,
          digest: payloadBlob.digest,
          annotations: { 'dev.cosignproject.cosign/signature': signature.toString('base64') },
        },
      ],
    }),
  );
  await pusher.pushManifest(
    repository,
    `${digest.replace(':', '-')}.sig`,
    manifest,
    'application/vnd.oci.image.manifest.v1+json',
  );
  const hex = digest.slice(7, 19);
  const payloadFile = join(dir, `payload-${repository.replace(/\//g, '_')}-${hex}`);
  const signatureFile = join(dir, `sig-${repository.replace(/\//g, '_')}-${hex}`);
  await writeFile(payloadFile, payload);
  await writeFile(signatureFile, signature);
  return { payloadFile, signatureFile };
}

/** An "atomic container signature" signed with `armoredKey`, at `<lookaside>/<repo>@sha256=<hex>/signature-1`. */
async function writeLookasideSignature(
  lookaside: string,
  repository: string,
  digest: string,
  identity: string,
  armoredKey: string,
): Promise<void> {
  const body = JSON.stringify({
    critical: {
      type: 'atomic container signature',
      image: { 'docker-manifest-digest': digest },
      identity: { 'docker-reference': identity },
    },
    optional: { creator: 'ocm-tui policy test' },
  });
  const signed = await pgpSign({
    message: await createMessage({ binary: Buffer.from(body) }),
    signingKeys: await readPrivateKey({ armoredKey }),
    format: 'binary',
  });
  const dir = join(lookaside, `${repository}@${digest.replace(':', '=')}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'signature-1'), signed);
}

/** skopeo's refusal messages by reference (to tell "sigstore disabled" from a real verdict). */
const skopeoMessages = new Map<string, string>();

/** skopeo's verdict: copies `--all` to a dir: with the same policy and registries.d. */
async function skopeoVerdict(ref: string, policy: string, registriesD: string, out: string): Promise<boolean> {
  try {
    await runSkopeo([
      '--policy',
      policy,
      '--registries.d',
      registriesD,
      'copy',
      '--all',
      '--src-tls-verify=false',
      `docker://${ref}`,
      `dir:${out}`,
    ]);
    return true;
  } catch (err) {
    skopeoMessages.set(ref, String(err));
    if (/Source image rejected|rejected by policy|signature/i.test(String(err))) return false;
    throw err;
  }
}

async function opensslVerifies(pub: string, payloadFile: string, signatureFile: string, cwd: string): Promise<boolean> {
  try {
    await runOpenssl(['dgst', '-sha256', '-verify', pub, '-signature', signatureFile, payloadFile], cwd);
    return true;
  } catch {
    return false;
  }
}

async function catalog(registry: RunningRegistry): Promise<string[]> {
  const res = await fetch(`${registry.url}/v2/_catalog?n=1000`);
  return ((await res.json()) as { repositories: string[] }).repositories;
}

function baseArgs(work: string, dest: RunningRegistry, isc: string, ws: string): string[] {
  return [
    '-c',
    isc,
    '--workspace',
    `file://${join(work, ws)}`,
    `docker://${dest.host}/mirror`,
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
    '--cache-dir',
    join(work, 'cache'),
    '--no-ui',
    '--output',
    'json',
    '--retry-times',
    '1',
    '--retry-delay',
    '50ms',
  ];
}

test('policy per scope: insecureAcceptAnything, reject, sigstoreSigned, signedBy — ocm-tui accepts exactly what skopeo / openssl accept, refused images write nothing', async (t) => {
  const source = await startRegistry();
  t.after(() => source.stop());
  const dest = await startRegistry();
  t.after(() => dest.stop());
  const work = await tempDirForTest(t, 'policy');
  const src = source.host;

  // Sigstore keys (P-256, generated here) and the real image's signer key (from its Rekor entry).
  const keyA = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyB = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pubA = join(work, 'cosign-a.pub');
  await writeFile(pubA, keyA.publicKey.export({ type: 'spki', format: 'pem' }));
  const privA = keyA.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const privB = keyB.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const rekorPub = testdataPath('policy', 'multi-platform-container-rekor.pub');
  const ocmCosignPub = testdataPath('policy', 'cosign.pub');
  // GPG keys (throwaway).
  const gpgA = await generateKey({ userIDs: [{ name: 'policy test A', email: 'a@example.com' }], format: 'armored' });
  const gpgB = await generateKey({ userIDs: [{ name: 'policy test B', email: 'b@example.com' }], format: 'armored' });
  const gpgPub = join(work, 'gpg-a.asc');
  await writeFile(gpgPub, gpgA.publicKey);

  const images: Record<string, PushedImage> = {};
  const sigFiles: Record<string, { payloadFile: string; signatureFile: string }[]> = {};
  const push = async (ref: string) => (images[ref] = await pushImage(source, ref));
  await push('open/plain:1');
  await push('locked/plain:1');
  for (const ref of ['cosign/signed:1', 'cosign/unsigned:1', 'cosign/wrongkey:1', 'cosign/wrongid:1']) await push(ref);
  sigFiles['cosign/signed:1'] = [
    await pushCosignSignature(
      source,
      'cosign/signed',
      images['cosign/signed:1'].digest,
      `${src}/cosign/signed:1`,
      privA,
      work,
    ),
  ];
  sigFiles['cosign/wrongkey:1'] = [
    await pushCosignSignature(
      source,
      'cosign/wrongkey',
      images['cosign/wrongkey:1'].digest,
      `${src}/cosign/wrongkey:1`,
      privB,
      work,
    ),
  ];
  sigFiles['cosign/wrongid:1'] = [
    await pushCosignSignature(
      source,
      'cosign/wrongid',
      images['cosign/wrongid:1'].digest,
      `${src}/cosign/other:1`,
      privA,
      work,
    ),
  ];
  // The real multi-arch image with its real cosign signatures (index and every instance), twice.
  images['real/multi:latest'] = await seedTestdataMultiArch(source, 'real/multi:latest', { signatures: true });
  images['realwrong/multi:latest'] = await seedTestdataMultiArch(source, 'realwrong/multi:latest', {
    signatures: true,
  });

  const lookaside = join(work, 'lookaside');
  for (const ref of ['gpg/signed:1', 'gpg/unsigned:1', 'gpg/wrongkey:1', 'gpg/wrongid:1']) await push(ref);
  const gpgSign = (ref: string, digest: string, identity: string, key: string) =>
    writeLookasideSignature(lookaside, ref.split(':')[0], digest, identity, key);
  await gpgSign('gpg/signed:1', images['gpg/signed:1'].digest, `${src}/gpg/signed:1`, gpgA.privateKey);
  await gpgSign('gpg/wrongkey:1', images['gpg/wrongkey:1'].digest, `${src}/gpg/wrongkey:1`, gpgB.privateKey);
  await gpgSign('gpg/wrongid:1', images['gpg/wrongid:1'].digest, `${src}/gpg/other:1`, gpgA.privateKey);
  // Manifest lists: signed only at the top, or only on every instance.
  images['gpglist/top:1'] = await pushMultiArchImage(source, 'gpglist/top:1');
  images['gpglist/instances:1'] = await pushMultiArchImage(source, 'gpglist/instances:1');
  await gpgSign('gpglist/top:1', images['gpglist/top:1'].digest, `${src}/gpglist/top:1`, gpgA.privateKey);
  for (const m of images['gpglist/instances:1'].manifests) {
    await gpgSign('gpglist/instances:1', m.digest, `${src}/gpglist/instances:1`, gpgA.privateKey);
  }

  const policyFile = join(work, 'policy.json');
  await writeFile(
    policyFile,
    JSON.stringify(
      {
        default: [{ type: 'reject' }],
        transports: {
          docker: {
            [`${src}/open`]: [{ type: 'insecureAcceptAnything' }],
            [`${src}/cosign`]: [{ type: 'sigstoreSigned', keyPath: pubA }],
            [`${src}/real`]: [
              {
                type: 'sigstoreSigned',
                keyPath: rekorPub,
                signedIdentity: { type: 'exactRepository', dockerRepository: REAL_IDENTITY },
              },
            ],
            [`${src}/realwrong`]: [
              {
                type: 'sigstoreSigned',
                keyPath: ocmCosignPub,
                signedIdentity: { type: 'exactRepository', dockerRepository: REAL_IDENTITY },
              },
            ],
            [`${src}/gpg`]: [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: gpgPub }],
            [`${src}/gpglist`]: [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: gpgPub }],
          },
        },
      },
      null,
      2,
    ),
  );
  const registriesD = join(work, 'registries.d');
  await mkdir(registriesD);
  // oc-mirror's prepared default (§6.2) makes containers/image read cosign attachments.
  await writeFile(join(registriesD, 'default.yaml'), 'default-docker:\n  use-sigstore-attachments: true\n');
  await writeFile(
    join(registriesD, 'lookaside.yaml'),
    `docker:\n  ${src}/gpg:\n    lookaside: file://${lookaside}\n  ${src}/gpglist:\n    lookaside: file://${lookaside}\n`,
  );

  const refs = Object.keys(images);
  const isc = join(work, 'isc.yaml');
  await writeFile(
    isc,
    `kind: ImageSetConfiguration\napiVersion: mirror.openshift.io/v2alpha1\nmirror:\n  additionalImages:\n${refs
      .map((r) => `  - name: ${src}/${r}\n`)
      .join('')}`,
  );
  const run = await runCli([
    ...baseArgs(work, dest, isc, 'ws'),
    '--secure-policy',
    '--policy',
    policyFile,
    '--registries.d',
    registriesD,
  ]);
  const events = parseJsonLines(run.stdout);
  const plan = events.find((e) => e.type === 'plan') as unknown as { images: { id: string; origin: string }[] };
  assert.ok(plan, run.stderr + run.stdout);
  const originOf = new Map(plan.images.map((i) => [i.id, i.origin]));
  const verdicts = new Map<string, { accepted: boolean; reason: string }>();
  for (const e of events) {
    if (e.type !== 'image.policy') continue;
    const origin = originOf.get(e.imageId as string)!;
    verdicts.set(origin.slice(src.length + 1), { accepted: e.accepted as boolean, reason: e.reason as string });
  }
  assert.equal(verdicts.size, refs.length, JSON.stringify([...verdicts]));
  // Additional images failed: exit bit 8 only.
  assert.equal(run.code, 8, run.stderr);

  // The oracles, on the same files.
  const oracle = new Map<string, boolean>();
  const skopeoSays = new Map<string, boolean>();
  for (const [i, ref] of refs.entries()) {
    skopeoSays.set(ref, await skopeoVerdict(`${src}/${ref}`, policyFile, registriesD, join(work, `skopeo-${i}`)));
  }
  const cosignPub: Record<string, string> = { cosign: pubA };
  for (const ref of refs) {
    const [repo] = ref.split('/');
    if (repo === 'cosign') {
      // Accepted iff a signature exists, openssl verifies it with the policy key, and its identity is the image's.
      const files = sigFiles[ref] ?? [];
      let ok = false;
      for (const f of files) {
        const payload = JSON.parse(await readFile(f.payloadFile, 'utf8')) as {
          critical: { identity: { 'docker-reference': string }; image: { 'docker-manifest-digest': string } };
        };
        ok ||=
          (await opensslVerifies(cosignPub[repo], f.payloadFile, f.signatureFile, work)) &&
          payload.critical.image['docker-manifest-digest'] === images[ref].digest &&
          payload.critical.identity['docker-reference'] === `${src}/${ref}`;
      }
      oracle.set(ref, ok);
    } else if (repo === 'real' || repo === 'realwrong') {
      // Every copied instance's real signature must verify with the policy's key.
      const pub = repo === 'real' ? rekorPub : ocmCosignPub;
      let all = true;
      for (const m of images[ref].manifests) {
        const sigDir = testdataPath('oci', `multi-platform-container-${m.digest.replace(':', '-')}-sig`);
        const index = JSON.parse(await readFile(join(sigDir, 'index.json'), 'utf8')) as {
          manifests: { digest: string }[];
        };
        const manifest = JSON.parse(
          await readFile(join(sigDir, 'blobs', 'sha256', index.manifests[0].digest.slice(7)), 'utf8'),
        ) as { layers: { digest: string; annotations: Record<string, string> }[] };
        const sigFile = join(work, `real-${m.digest.slice(7, 19)}.sig`);
        await writeFile(
          sigFile,
          Buffer.from(manifest.layers[0].annotations['dev.cosignproject.cosign/signature'], 'base64'),
        );
        all &&= await opensslVerifies(
          pub,
          join(sigDir, 'blobs', 'sha256', manifest.layers[0].digest.slice(7)),
          sigFile,
          work,
        );
      }
      oracle.set(ref, all);
    } else {
      oracle.set(ref, skopeoSays.get(ref)!);
    }
  }
  const table = refs.map((r) => ({
    image: r,
    ocmTui: verdicts.get(r)?.accepted,
    skopeo: skopeoSays.get(r),
    oracle: oracle.get(r),
    reason: verdicts.get(r)?.reason,
  }));
  t.diagnostic(JSON.stringify(table, null, 1));
  for (const row of table) assert.equal(row.ocmTui, row.oracle, `${row.image}: ${row.reason}`);
  // Expected verdicts, so that a broken oracle cannot pass silently.
  assert.deepEqual(Object.fromEntries(table.map((r) => [r.image, r.ocmTui])), {
    'open/plain:1': true,
    'locked/plain:1': false,
    'cosign/signed:1': true,
    'cosign/unsigned:1': false,
    'cosign/wrongkey:1': false,
    'cosign/wrongid:1': false,
    'real/multi:latest': true,
    'realwrong/multi:latest': false,
    'gpg/signed:1': true,
    'gpg/unsigned:1': false,
    'gpg/wrongkey:1': false,
    'gpg/wrongid:1': false,
    'gpglist/top:1': false, // skopeo too: a list is judged by its instances (copy --all), not by its own signature
    'gpglist/instances:1': true,
  });
  // Debian's skopeo refuses sigstore-signed images only because its sigstore support is patched out.
  for (const row of table) {
    if (row.ocmTui && !row.skopeo) {
      assert.ok(row.image.startsWith('cosign/') || row.image.startsWith('real/'), row.image);
      assert.match(skopeoMessages.get(`${src}/${row.image}`) ?? '', /sigstore disabled/, row.image);
    }
  }
  // Where skopeo can verify (everything but sigstore), it agrees.
  for (const row of table) {
    if (!row.image.startsWith('cosign/') && !row.image.startsWith('real')) {
      assert.equal(row.ocmTui, row.skopeo, `skopeo disagrees on ${row.image}: ${row.reason}`);
    }
  }

  // Refusals name the requirement and the reason; refused images left nothing at the destination.
  assert.match(
    verdicts.get('locked/plain:1')!.reason,
    /^reject: running image docker:\/\/.*locked\/plain:1 is rejected by policy/,
  );
  assert.match(
    verdicts.get('cosign/unsigned:1')!.reason,
    /^sigstoreSigned: a signature was required, but no signature exists/,
  );
  assert.match(verdicts.get('cosign/wrongkey:1')!.reason, /cryptographic signature verification failed/);
  assert.match(verdicts.get('cosign/wrongid:1')!.reason, /identity ".*cosign\/other:1" is not accepted/);
  assert.match(verdicts.get('gpg/wrongkey:1')!.reason, /unknown signer key id/);
  assert.match(verdicts.get('gpg/wrongid:1')!.reason, /identity ".*gpg\/other:1" is not accepted/);
  const failed = events.filter((e) => e.type === 'image.failed');
  assert.equal(failed.length, table.filter((r) => !r.ocmTui).length);
  for (const f of failed) {
    assert.equal(f.code, 'POLICY_REJECTED');
    assert.match(f.error as string, /refused by the signature policy \((default|transports\.docker\[.*\]): \w+\)/);
  }
  const repos = await catalog(dest);
  for (const row of table) {
    const repo = `mirror/${row.image.split(':')[0]}`;
    assert.equal(repos.includes(repo), row.ocmTui, `${repo} at the destination: ${repos.join(', ')}`);
  }
  // Accepted ones landed with their digests (and their signatures travelled).
  const opts = skopeoOptionsFor(dest);
  const landed = JSON.parse((await skopeoInspectRaw(`${dest.host}/mirror/cosign/signed:1`, opts)).toString()) as object;
  assert.ok(landed);
  await skopeoInspectRaw(
    `${dest.host}/mirror/cosign/signed:${images['cosign/signed:1'].digest.replace(':', '-')}.sig`,
    opts,
  );
});

test('reject-all and insecure-accept-anything (oc-mirror test policies); --policy without --secure-policy has no effect; disk to mirror ignores the policy', async (t) => {
  const source = await startRegistry();
  t.after(() => source.stop());
  const dest = await startRegistry();
  t.after(() => dest.stop());
  const work = await tempDirForTest(t, 'policy-files');
  const image = await pushImage(source, 'apps/app:1');
  const rejectAll = testdataPath('policy', 'reject-all.json');
  const acceptAll = testdataPath('policy', 'insecure-accept-anything.json');
  const emptyD = join(work, 'empty.d');
  await mkdir(emptyD);
  const isc = join(work, 'isc.yaml');
  await writeFile(
    isc,
    `kind: ImageSetConfiguration\napiVersion: mirror.openshift.io/v2alpha1\nmirror:\n  additionalImages:\n  - name: ${source.host}/apps/app:1\n`,
  );

  // reject-all: refused by ocm-tui and skopeo; nothing written.
  const rejected = await runCli([...baseArgs(work, dest, isc, 'ws1'), '--secure-policy', '--policy', rejectAll]);
  assert.equal(rejected.code, 8, rejected.stderr);
  const policyEvent = parseJsonLines(rejected.stdout).find((e) => e.type === 'image.policy');
  assert.deepEqual(
    { accepted: policyEvent?.accepted, scope: policyEvent?.scope, requirement: policyEvent?.requirement },
    { accepted: false, scope: 'default', requirement: 'reject' },
  );
  assert.equal(await skopeoVerdict(`${source.host}/apps/app:1`, rejectAll, emptyD, join(work, 's1')), false);
  assert.deepEqual(await catalog(dest), []);
  // The plain reporter prints the refusal line.
  const plain = await runCli([
    ...baseArgs(work, dest, isc, 'ws1b').filter((a) => a !== '--output' && a !== 'json'),
    '--secure-policy',
    '--policy',
    rejectAll,
  ]);
  assert.equal(plain.code, 8);
  assert.match(plain.stdout + plain.stderr, /refused by the signature policy \(default: reject\)/);

  // --policy alone: no effect (the image is copied).
  const ignored = await runCli([...baseArgs(work, dest, isc, 'ws2'), '--policy', rejectAll]);
  assert.equal(ignored.code, 0, ignored.stderr);
  assert.ok(!parseJsonLines(ignored.stdout).some((e) => e.type === 'image.policy'));
  assert.equal(
    JSON.parse((await skopeoInspectRaw(`${dest.host}/mirror/apps/app:1`, skopeoOptionsFor(dest))).toString()) !==
      undefined,
    true,
  );

  // insecure-accept-anything: accepted by both.
  const accepted = await runCli([...baseArgs(work, dest, isc, 'ws3'), '--secure-policy', '--policy', acceptAll]);
  assert.equal(accepted.code, 0, accepted.stderr);
  const acceptEvent = parseJsonLines(accepted.stdout).find((e) => e.type === 'image.policy');
  assert.equal(acceptEvent?.accepted, true);
  assert.equal(await skopeoVerdict(`${source.host}/apps/app:1`, acceptAll, emptyD, join(work, 's2')), true);

  // Disk to mirror: the archive made without a policy goes to the registry even under reject-all.
  const archive = join(work, 'archive');
  const m2d = await runCli([
    '-c',
    isc,
    `file://${archive}`,
    '--src-tls-verify=false',
    '--cache-dir',
    join(work, 'cache-m2d'),
    '--no-ui',
  ]);
  assert.equal(m2d.code, 0, m2d.stderr);
  const target = await startRegistry();
  t.after(() => target.stop());
  const d2m = await runCli([
    '-c',
    isc,
    '--from',
    `file://${archive}`,
    `docker://${target.host}/mirror`,
    '--dest-tls-verify=false',
    '--cache-dir',
    join(work, 'cache-d2m'),
    '--no-ui',
    '--output',
    'json',
    '--secure-policy',
    '--policy',
    rejectAll,
  ]);
  assert.equal(d2m.code, 0, d2m.stderr);
  assert.ok(!parseJsonLines(d2m.stdout).some((e) => e.type === 'image.policy'));
  const digest = JSON.parse(
    (await skopeoInspectRaw(`${target.host}/mirror/apps/app:1`, skopeoOptionsFor(target))).toString(),
  ) as object;
  assert.ok(digest);
  assert.ok(image.digest);
});

test('signedBy over an http:// lookaside with several signatures per image; mirror to disk refuses before writing to the cache', async (t) => {
  const source = await startRegistry();
  t.after(() => source.stop());
  const work = await tempDirForTest(t, 'policy-http');
  const src = source.host;
  const gpgA = await generateKey({ userIDs: [{ name: 'http A', email: 'a@example.com' }], format: 'armored' });
  const gpgB = await generateKey({ userIDs: [{ name: 'http B', email: 'b@example.com' }], format: 'armored' });
  const gpgPub = join(work, 'gpg-a.asc');
  await writeFile(gpgPub, gpgA.publicKey);
  const second = await pushImage(source, 'sigs/second:1'); // signature-1 by B (untrusted), signature-2 by A
  const onlyB = await pushImage(source, 'sigs/only-b:1'); // signature-1 by B only
  const lookaside = join(work, 'lookaside');
  await writeLookasideSignature(lookaside, 'sigs/second', second.digest, `${src}/sigs/second:1`, gpgB.privateKey);
  const dirA = join(work, 'tmp-a');
  await writeLookasideSignature(dirA, 'sigs/second', second.digest, `${src}/sigs/second:1`, gpgA.privateKey);
  const sigDir = `sigs/second@${second.digest.replace(':', '=')}`;
  await writeFile(join(lookaside, sigDir, 'signature-2'), await readFile(join(dirA, sigDir, 'signature-1')));
  await writeLookasideSignature(lookaside, 'sigs/only-b', onlyB.digest, `${src}/sigs/only-b:1`, gpgB.privateKey);

  // A plain HTTP server for the lookaside tree (404 past the last signature), counting requests.
  const { createServer } = await import('node:http');
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const path = join(lookaside, decodeURIComponent((req.url ?? '').split('?')[0]));
    readFile(path).then(
      (body) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as { port: number }).port;

  const policyFile = join(work, 'policy.json');
  await writeFile(
    policyFile,
    JSON.stringify({
      default: [{ type: 'insecureAcceptAnything' }],
      transports: { docker: { [`${src}/sigs`]: [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: gpgPub }] } },
    }),
  );
  const registriesD = join(work, 'registries.d');
  await mkdir(registriesD);
  await writeFile(join(registriesD, 'sigs.yaml'), `docker:\n  ${src}/sigs:\n    lookaside: http://127.0.0.1:${port}\n`);
  const isc = join(work, 'isc.yaml');
  await writeFile(
    isc,
    `kind: ImageSetConfiguration\napiVersion: mirror.openshift.io/v2alpha1\nmirror:\n  additionalImages:\n  - name: ${src}/sigs/second:1\n  - name: ${src}/sigs/only-b:1\n`,
  );
  const archive = join(work, 'archive');
  const cache = join(work, 'cache');
  const m2d = await runCli([
    '-c',
    isc,
    `file://${archive}`,
    '--src-tls-verify=false',
    '--cache-dir',
    cache,
    '--no-ui',
    '--output',
    'json',
    '--secure-policy',
    '--policy',
    policyFile,
    '--registries.d',
    registriesD,
  ]);
  const events = parseJsonLines(m2d.stdout);
  const verdicts = events.filter((e) => e.type === 'image.policy');
  const byRef = (ref: string) => {
    const id = (
      events.find((e) => e.type === 'plan') as unknown as { images: { id: string; origin: string }[] }
    ).images.find((i) => i.origin === `${src}/${ref}`)!.id;
    return verdicts.find((v) => v.imageId === id)!;
  };
  assert.equal(byRef('sigs/second:1').accepted, true, JSON.stringify(byRef('sigs/second:1')));
  assert.equal(byRef('sigs/only-b:1').accepted, false);
  assert.match(
    byRef('sigs/only-b:1').reason as string,
    /^signedBy: signature http:\/\/127\.0\.0\.1:\d+\/sigs\/only-b@sha256=[0-9a-f]{64}\/signature-1: unknown signer key id/,
  );
  assert.equal(m2d.code, 8, m2d.stderr);
  // Both signatures of the first image were read, and the 404 after the last one ended the list.
  assert.ok(requests.includes(`/${sigDir}/signature-2`), requests.join('\n'));
  assert.ok(requests.includes(`/${sigDir}/signature-3`), requests.join('\n'));
  // skopeo agrees on both, with the same files.
  assert.equal(await skopeoVerdict(`${src}/sigs/second:1`, policyFile, registriesD, join(work, 's1')), true);
  assert.equal(await skopeoVerdict(`${src}/sigs/only-b:1`, policyFile, registriesD, join(work, 's2')), false);
  // Mirror to disk: the refused image never reached the cache (no repository), the accepted one did.
  const repos = join(cache, '.oc-mirror', '.cache', 'docker', 'registry', 'v2', 'repositories', 'sigs');
  const { readdir } = await import('node:fs/promises');
  assert.deepEqual((await readdir(repos)).sort(), ['second']);
});

test('scope precedence against skopeo: full reference, namespace, host:port, *.domain wildcard, default', async (t) => {
  const source = await startRegistry();
  t.after(() => source.stop());
  const other = await startRegistry(); // same 127.0.0.1, another port: only the wildcard (ports dropped) applies
  t.after(() => other.stop());
  const dest = await startRegistry();
  t.after(() => dest.stop());
  const work = await tempDirForTest(t, 'policy-scopes');
  const refs = [
    `${source.host}/ok/app:1`,
    `${source.host}/ok/deny:1`,
    `${source.host}/ok/deny:2`,
    `${source.host}/elsewhere/app:1`,
    `${other.host}/any/app:1`,
  ];
  for (const ref of refs) {
    const registry = ref.startsWith(source.host) ? source : other;
    await pushImage(registry, ref.slice(registry.host.length + 1));
  }
  const policyFile = join(work, 'policy.json');
  await writeFile(
    policyFile,
    JSON.stringify({
      default: [{ type: 'reject' }],
      transports: {
        docker: {
          [source.host]: [{ type: 'reject' }],
          [`${source.host}/ok`]: [{ type: 'insecureAcceptAnything' }],
          [`${source.host}/ok/deny:1`]: [{ type: 'reject' }],
          '*.0.0.1': [{ type: 'insecureAcceptAnything' }],
        },
      },
    }),
  );
  const emptyD = join(work, 'registries.d');
  await mkdir(emptyD);
  const isc = join(work, 'isc.yaml');
  await writeFile(
    isc,
    `kind: ImageSetConfiguration\napiVersion: mirror.openshift.io/v2alpha1\nmirror:\n  additionalImages:\n${refs.map((r) => `  - name: ${r}\n`).join('')}`,
  );
  const run = await runCli([...baseArgs(work, dest, isc, 'ws'), '--secure-policy', '--policy', policyFile]);
  const events = parseJsonLines(run.stdout);
  const plan = events.find((e) => e.type === 'plan') as unknown as { images: { id: string; origin: string }[] };
  assert.ok(plan, run.stderr + run.stdout);
  const verdict = (ref: string) => {
    const id = plan.images.find((i) => i.origin === ref)!.id;
    return events.find((e) => e.type === 'image.policy' && e.imageId === id)!;
  };
  const scopes = Object.fromEntries(refs.map((r) => [r, [verdict(r).accepted, verdict(r).scope]]));
  assert.deepEqual(scopes, {
    [refs[0]]: [true, `transports.docker["${source.host}/ok"]`],
    [refs[1]]: [false, `transports.docker["${source.host}/ok/deny:1"]`],
    [refs[2]]: [true, `transports.docker["${source.host}/ok"]`],
    [refs[3]]: [false, `transports.docker["${source.host}"]`],
    [refs[4]]: [true, 'transports.docker["*.0.0.1"]'],
  });
  for (const [i, ref] of refs.entries()) {
    assert.equal(await skopeoVerdict(ref, policyFile, emptyD, join(work, `s${i}`)), verdict(ref).accepted, ref);
  }
  assert.equal(run.code, 8, run.stderr);
});

test('signedIdentity variants on real GPG signatures agree with skopeo', async (t) => {
  const source = await startRegistry();
  t.after(() => source.stop());
  const dest = await startRegistry();
  t.after(() => dest.stop());
  const work = await tempDirForTest(t, 'policy-identity');
  const src = source.host;
  const gpg = await generateKey({ userIDs: [{ name: 'identity', email: 'i@example.com' }], format: 'armored' });
  const keyFile = join(work, 'gpg.asc');
  await writeFile(keyFile, gpg.publicKey);
  const lookaside = join(work, 'lookaside');
  // [repository, signed identity, signedIdentity rule, reference form]
  const cases: [string, string, object, 'tag' | 'digest'][] = [
    ['id/exactref', 'quay.io/up/app:1', { type: 'exactReference', dockerReference: 'quay.io/up/app:1' }, 'tag'],
    ['id/exactref-no', 'quay.io/up/app:2', { type: 'exactReference', dockerReference: 'quay.io/up/app:1' }, 'tag'],
    ['id/exactrepo', 'quay.io/up/app', { type: 'exactRepository', dockerRepository: 'quay.io/up/app' }, 'tag'],
    [
      'id/remap',
      'quay.io/up/remap:1',
      { type: 'remapIdentity', prefix: `${src}/id`, signedPrefix: 'quay.io/up' },
      'tag',
    ],
    [
      'id/remap-no',
      'quay.io/other/remap-no:1',
      { type: 'remapIdentity', prefix: `${src}/id`, signedPrefix: 'quay.io/up' },
      'tag',
    ],
    ['id/matchrepo', `${src}/id/matchrepo:other`, { type: 'matchRepository' }, 'tag'],
    ['id/default-tag', `${src}/id/default-tag:other`, { type: 'matchRepoDigestOrExact' }, 'tag'],
    ['id/default-digest', `${src}/id/default-digest:other`, { type: 'matchRepoDigestOrExact' }, 'digest'],
    ['id/exact-digest', `${src}/id/exact-digest:1`, { type: 'matchExact' }, 'digest'],
    ['id/exact-tag', `${src}/id/exact-tag:1`, { type: 'matchExact' }, 'tag'],
  ];
  const docker: Record<string, object[]> = {};
  const refs: string[] = [];
  for (const [repo, identity, rule, form] of cases) {
    const image = await pushImage(source, `${repo}:1`);
    await writeLookasideSignature(lookaside, repo, image.digest, identity, gpg.privateKey);
    docker[`${src}/${repo}`] = [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: keyFile, signedIdentity: rule }];
    refs.push(form === 'tag' ? `${src}/${repo}:1` : `${src}/${repo}@${image.digest}`);
  }
  const policyFile = join(work, 'policy.json');
  await writeFile(policyFile, JSON.stringify({ default: [{ type: 'reject' }], transports: { docker } }));
  const registriesD = join(work, 'registries.d');
  await mkdir(registriesD);
  await writeFile(join(registriesD, 'id.yaml'), `docker:\n  ${src}/id:\n    lookaside: file://${lookaside}\n`);
  const isc = join(work, 'isc.yaml');
  await writeFile(
    isc,
    `kind: ImageSetConfiguration\napiVersion: mirror.openshift.io/v2alpha1\nmirror:\n  additionalImages:\n${refs.map((r) => `  - name: ${r}\n`).join('')}`,
  );
  const run = await runCli([
    ...baseArgs(work, dest, isc, 'ws'),
    '--secure-policy',
    '--policy',
    policyFile,
    '--registries.d',
    registriesD,
  ]);
  const events = parseJsonLines(run.stdout);
  const plan = events.find((e) => e.type === 'plan') as unknown as { images: { id: string; origin: string }[] };
  assert.ok(plan, run.stderr + run.stdout);
  const ours: Record<string, boolean> = {};
  const theirs: Record<string, boolean> = {};
  for (const [i, ref] of refs.entries()) {
    const id = plan.images.find((p) => p.origin === ref)!.id;
    ours[ref] = events.find((e) => e.type === 'image.policy' && e.imageId === id)!.accepted as boolean;
    theirs[ref] = await skopeoVerdict(ref, policyFile, registriesD, join(work, `s${i}`));
  }
  assert.deepEqual(ours, theirs);
  // And the expected values, so that both cannot be wrong together unnoticed.
  assert.deepEqual(
    cases.map(([repo], i) => [repo, ours[refs[i]]]),
    [
      ['id/exactref', true],
      ['id/exactref-no', false],
      ['id/exactrepo', true],
      ['id/remap', true],
      ['id/remap-no', false],
      ['id/matchrepo', true],
      ['id/default-tag', false],
      ['id/default-digest', true],
      ['id/exact-digest', false],
      ['id/exact-tag', true],
    ],
  );
  assert.equal(run.code, 8, run.stderr);
});
