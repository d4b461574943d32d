/**
 * Signature policy units (collectors.md §6.1): policy.json parsing and its errors, scope resolution as
 * containers/image resolves it, signedIdentity matching, sigstore verification with real cosign signatures.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadPolicy, parsePolicy, PolicyError, type SignedIdentity } from '../../core/policy/policy-file.js';
import { requirementsFor } from '../../core/policy/policy-scope.js';
import { parseDockerName, policyIdentity, policyNamespaces } from '../../core/policy/docker-name.js';
import { identityMatches } from '../../core/policy/signed-identity.js';
import { checkSigstore } from '../../core/policy/signature-verify.js';
import { evaluatePolicy } from '../../core/policy/policy-evaluator.js';
import { lookasideBaseFor, type RegistriesD } from '../../core/policy/lookaside.js';
import { testdataPath } from '../harness/testdata-paths.js';
import { tempDirForTest } from '../harness/temp-dir.js';

const FIXTURES = testdataPath('policy');
const SIGS = testdataPath('oci');

test('the oc-mirror test policies parse: reject-all and insecure-accept-anything', async () => {
  const reject = await loadPolicy(join(FIXTURES, 'reject-all.json'));
  assert.deepEqual(reject.default, [{ type: 'reject' }]);
  const accept = await loadPolicy(join(FIXTURES, 'insecure-accept-anything.json'));
  assert.deepEqual(accept.default, [{ type: 'insecureAcceptAnything' }]);
});

test('policy errors name the file and the JSON path', () => {
  const bad = (json: string, pattern: RegExp) =>
    assert.throws(
      () => parsePolicy(json, '/etc/p.json', () => Buffer.from('k')),
      (err: unknown) => err instanceof PolicyError && pattern.test(err.message),
      json,
    );
  bad('{', /^\/etc\/p\.json: not valid JSON/);
  bad('{"transports":{}}', /\/etc\/p\.json: \$: missing "default"/);
  bad('{"default":[]}', /\$\.default: the list of requirements must not be empty/);
  bad('{"default":[{"type":"accept"}]}', /\$\.default\[0\]\.type: unknown requirement type "accept"/);
  bad('{"default":[{"type":"reject"}],"extra":1}', /\$: unknown field "extra"/);
  bad('{"default":[{"type":"reject"}],"transports":{"ftp":{}}}', /unknown transport "ftp"/);
  bad(
    '{"default":[{"type":"reject"}],"transports":{"docker":{"quay.io":[{"type":"signedBy","keyPath":"/k"}]}}}',
    /\$\.transports\["docker"\]\["quay\.io"\]\[0\]\.keyType: missing keyType/,
  );
  bad(
    '{"default":[{"type":"signedBy","keyType":"GPGKeys","keyPath":"/k","keyData":"AA=="}]}',
    /exactly one of keyPath, keyPaths, keyData must be given \(found keyPath, keyData\)/,
  );
  bad(
    '{"default":[{"type":"sigstoreSigned","keyData":"AA==","signedIdentity":{"type":"exactReference","dockerReference":"quay.io/a/b"}}]}',
    /signedIdentity\.dockerReference: "quay\.io\/a\/b" must have a tag or a digest/,
  );
  bad('{"default":[{"type":"sigstoreSigned","fulcio":{}}]}', /\$\.default\[0\]\.fulcio: "fulcio" is not supported/);
  bad(
    '{"default":[{"type":"sigstoreSigned","keyData":"AA==","signedIdentity":{"type":"remapIdentity","prefix":"quay.io/a:tag","signedPrefix":"r.io"}}]}',
    /signedIdentity\.prefix: "quay\.io\/a:tag" must be a host/,
  );
  bad('{"default":[{"type":"reject"}],"transports":{"docker":{"quay.*":[{"type":"reject"}]}}}', /"\*" is only allowed/);
});

test('a policy or key file that cannot be read is an error naming it', async (t) => {
  await assert.rejects(
    loadPolicy(join(FIXTURES, 'does-not-exist.json')),
    /cannot read the signature policy .*does-not-exist\.json: ENOENT/,
  );
  const dir = await tempDirForTest(t, 'policy-nokey');
  const policy = join(dir, 'p.json');
  await writeFile(policy, JSON.stringify({ default: [{ type: 'sigstoreSigned', keyPath: join(dir, 'missing.pub') }] }));
  await assert.rejects(loadPolicy(policy), /p\.json: cannot read key file .*missing\.pub: ENOENT/);
});

test('docker scopes: identity, repository, namespaces, host with port, *.domain wildcards (containers/image order)', () => {
  const ref = parseDockerName('a.b.example.com:5000/ns/sub/repo:v1');
  assert.equal(policyIdentity(ref), 'a.b.example.com:5000/ns/sub/repo:v1');
  assert.deepEqual(policyNamespaces(ref), [
    'a.b.example.com:5000/ns/sub/repo',
    'a.b.example.com:5000/ns/sub',
    'a.b.example.com:5000/ns',
    'a.b.example.com:5000',
    '*.b.example.com',
    '*.example.com',
    '*.com',
  ]);
  assert.equal(policyIdentity(parseDockerName('busybox')), 'docker.io/library/busybox:latest');
  assert.deepEqual(policyNamespaces(parseDockerName('busybox')), [
    'docker.io/library/busybox',
    'docker.io/library',
    'docker.io',
    '*.io',
  ]);
});

test('scope resolution picks the most specific scope, then the transport default, then default', () => {
  const scoped = (n: number) => [{ type: n % 2 ? 'reject' : 'insecureAcceptAnything' }];
  const doc = {
    default: [{ type: 'reject' }],
    transports: {
      docker: {
        'reg.example.com:5000/ns/app:v1': scoped(1),
        'reg.example.com:5000/ns/app': scoped(2),
        'reg.example.com:5000/ns': scoped(3),
        'reg.example.com:5000': scoped(4),
        '*.example.com': scoped(5),
        '': scoped(6),
      },
      oci: { '/data/layouts': [{ type: 'insecureAcceptAnything' }] },
    },
  };
  const policy = parsePolicy(JSON.stringify(doc), 'p.json');
  const scope = (ref: string, transport = 'docker') => requirementsFor(policy, transport, ref).scope;
  assert.equal(scope('reg.example.com:5000/ns/app:v1'), 'transports.docker["reg.example.com:5000/ns/app:v1"]');
  assert.equal(scope('reg.example.com:5000/ns/app:v2'), 'transports.docker["reg.example.com:5000/ns/app"]');
  assert.equal(
    scope(`reg.example.com:5000/ns/app@sha256:${'a'.repeat(64)}`),
    'transports.docker["reg.example.com:5000/ns/app"]',
  );
  assert.equal(scope('reg.example.com:5000/ns/other:1'), 'transports.docker["reg.example.com:5000/ns"]');
  assert.equal(scope('reg.example.com:5000/top:1'), 'transports.docker["reg.example.com:5000"]');
  // Another port of the same host: only the wildcard (ports are dropped for wildcards).
  assert.equal(scope('reg.example.com/ns/app:v1'), 'transports.docker["*.example.com"]');
  assert.equal(scope('quay.io/x/y:1'), 'transports.docker[""]');
  assert.equal(scope('/data/layouts/img', 'oci'), 'transports.oci["/data/layouts"]');
  assert.equal(scope('/elsewhere/img', 'oci'), 'default');
  assert.equal(requirementsFor(policy, 'docker', 'quay.io/x/y:1').requirements[0].type, 'insecureAcceptAnything');
});

test('signedIdentity matching (containers/image policy_reference_match)', () => {
  const digest = `sha256:${'b'.repeat(64)}`;
  const cases: [SignedIdentity, string, string, boolean][] = [
    // matchRepoDigestOrExact (the default): a tag must match exactly; a digest accepts the repository.
    [{ type: 'matchRepoDigestOrExact' }, 'quay.io/ns/app:v1', 'quay.io/ns/app:v1', true],
    [{ type: 'matchRepoDigestOrExact' }, 'quay.io/ns/app:v1', 'quay.io/ns/app:v2', false],
    [{ type: 'matchRepoDigestOrExact' }, `quay.io/ns/app@${digest}`, 'quay.io/ns/app:anything', true],
    [{ type: 'matchRepoDigestOrExact' }, `quay.io/ns/app@${digest}`, 'quay.io/ns/other:v1', false],
    [{ type: 'matchRepoDigestOrExact' }, `quay.io/ns/app@${digest}`, 'quay.io/ns/app', false],
    [{ type: 'matchRepoDigestOrExact' }, 'docker.io/library/busybox:latest', 'busybox:latest', true],
    // matchExact: no repository-only match for digests.
    [{ type: 'matchExact' }, 'quay.io/ns/app:v1', 'quay.io/ns/app:v1', true],
    [{ type: 'matchExact' }, `quay.io/ns/app@${digest}`, 'quay.io/ns/app:v1', false],
    [{ type: 'matchExact' }, `quay.io/ns/app@${digest}`, `quay.io/ns/app@${digest}`, true],
    // matchRepository: any tag/digest of the repository, name-only identities too.
    [{ type: 'matchRepository' }, 'quay.io/ns/app:v1', 'quay.io/ns/app', true],
    [{ type: 'matchRepository' }, 'quay.io/ns/app:v1', 'quay.io/ns/app2:v1', false],
    // exactReference / exactRepository ignore the image's own name.
    [{ type: 'exactReference', dockerReference: 'quay.io/up/app:1' }, 'mirror.local/x:9', 'quay.io/up/app:1', true],
    [{ type: 'exactReference', dockerReference: 'quay.io/up/app:1' }, 'mirror.local/x:9', 'quay.io/up/app:2', false],
    [{ type: 'exactRepository', dockerRepository: 'quay.io/up/app' }, 'mirror.local/x:9', 'quay.io/up/app', true],
    [{ type: 'exactRepository', dockerRepository: 'quay.io/up/app' }, 'mirror.local/x:9', 'quay.io/up/b:1', false],
    // remapIdentity: the matching prefix is rewritten, then matchRepoDigestOrExact.
    [
      { type: 'remapIdentity', prefix: 'mirror.local/ns', signedPrefix: 'quay.io/up' },
      'mirror.local/ns/app:v1',
      'quay.io/up/app:v1',
      true,
    ],
    [
      { type: 'remapIdentity', prefix: 'mirror.local/ns', signedPrefix: 'quay.io/up' },
      'mirror.local/nsx/app:v1',
      'quay.io/up/app:v1',
      false,
    ],
    [
      { type: 'remapIdentity', prefix: 'mirror.local/ns', signedPrefix: 'quay.io/up' },
      'mirror.local/nsx/app:v1',
      'mirror.local/nsx/app:v1',
      true,
    ],
    [
      { type: 'remapIdentity', prefix: 'mirror.local', signedPrefix: 'quay.io' },
      `mirror.local/a/b@${digest}`,
      'quay.io/a/b:v3',
      true,
    ],
    // Garbage identities never match.
    [{ type: 'matchRepository' }, 'quay.io/ns/app:v1', 'Not A Reference', false],
  ];
  for (const [identity, intended, signed, expected] of cases) {
    assert.equal(identityMatches(identity, intended, signed), expected, `${identity.type}: ${intended} ← ${signed}`);
  }
});

/** The real cosign signature of one instance of the multi-platform test image, and the key from its Rekor entry. */
function realSignature(hex: string): { payload: Buffer; signature: string } {
  const dir = join(SIGS, `multi-platform-container-sha256-${hex}-sig`);
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const manifest = JSON.parse(
    readFileSync(join(dir, 'blobs', 'sha256', index.manifests[0].digest.slice(7)), 'utf8'),
  ) as { layers: { digest: string; annotations: Record<string, string> }[] };
  const layer = manifest.layers[0];
  return {
    payload: readFileSync(join(dir, 'blobs', 'sha256', layer.digest.slice(7))),
    signature: layer.annotations['dev.cosignproject.cosign/signature'],
  };
}

test('sigstore: the real cosign signatures verify with their signer key, not with another key', () => {
  const hex = '02f29c270f30416a266571383098d7b98a49488723087fd917128045bcd1ca75';
  const { payload, signature } = realSignature(hex);
  const signer = {
    description: 'rekor.pub',
    data: [readFileSync(join(FIXTURES, 'multi-platform-container-rekor.pub'))],
  };
  const other = { description: 'cosign.pub', data: [readFileSync(join(FIXTURES, 'cosign.pub'))] };
  const repo: SignedIdentity = { type: 'matchRepository' };
  const intended = 'quay.io/rh_ee_aguidi/multi-platform-container:latest';
  const ok = checkSigstore(payload, signature, signer, repo, intended, `sha256:${hex}`, 'sig');
  assert.deepEqual(ok, { ok: true, identity: 'quay.io/rh_ee_aguidi/multi-platform-container', signer: 'rekor.pub' });
  // Wrong key, wrong digest, identity rules: each refused with its reason.
  const wrongKey = checkSigstore(payload, signature, other, repo, intended, `sha256:${hex}`, 'sig');
  assert.match(wrongKey.ok ? '' : wrongKey.reason, /cryptographic signature verification failed with key cosign\.pub/);
  const wrongDigest = checkSigstore(payload, signature, signer, repo, intended, `sha256:${'0'.repeat(64)}`, 'sig');
  assert.match(wrongDigest.ok ? '' : wrongDigest.reason, /signature for digest sha256:02f2.* does not match/);
  // The default matchRepoDigestOrExact refuses a repository-only identity (as containers/image does).
  const exact = checkSigstore(
    payload,
    signature,
    signer,
    { type: 'matchRepoDigestOrExact' },
    intended,
    `sha256:${hex}`,
    'sig',
  );
  assert.match(
    exact.ok ? '' : exact.reason,
    /identity "quay\.io\/rh_ee_aguidi\/multi-platform-container" is not accepted/,
  );
  const tampered = Buffer.from(payload.toString('utf8').replace('rh_ee_aguidi', 'rh_ee_aguidj'));
  const bad = checkSigstore(tampered, signature, signer, repo, intended, `sha256:${hex}`, 'sig');
  assert.equal(bad.ok, false);
  assert.equal(checkSigstore(payload, undefined, signer, repo, intended, `sha256:${hex}`, 'sig').ok, false);
});

test('evaluatePolicy: every requirement must accept; every list instance is judged; reasons name the requirement', async () => {
  const hexes = [
    '02f29c270f30416a266571383098d7b98a49488723087fd917128045bcd1ca75',
    '832f20ad3d7e687c581b0a7d483174901d8bf22bb96c981b3f9da452817a754e',
  ];
  const key = readFileSync(join(FIXTURES, 'multi-platform-container-rekor.pub')).toString('base64');
  const policy = parsePolicy(
    JSON.stringify({
      default: [{ type: 'reject' }],
      transports: {
        docker: {
          'mirror.local/mp': [
            { type: 'insecureAcceptAnything' },
            {
              type: 'sigstoreSigned',
              keyData: key,
              signedIdentity: {
                type: 'exactRepository',
                dockerRepository: 'quay.io/rh_ee_aguidi/multi-platform-container',
              },
            },
          ],
        },
      },
    }),
    'p.json',
  );
  const signatures = {
    simpleSigning: () => Promise.resolve([]),
    sigstore: (digest: string) =>
      Promise.resolve(hexes.includes(digest.slice(7)) ? [{ ...realSignature(digest.slice(7)), origin: digest }] : []),
  };
  const signal = new AbortController().signal;
  const input = { transport: 'docker' as const, reference: 'mirror.local/mp:latest', signatures, signal };
  const both = await evaluatePolicy(policy, { ...input, digests: hexes.map((h) => `sha256:${h}`) });
  assert.equal(both.accepted, true, both.reason);
  assert.equal(both.requirement, 'insecureAcceptAnything+sigstoreSigned');
  assert.equal(both.scope, 'transports.docker["mirror.local/mp"]');
  const unsigned = `sha256:${'c'.repeat(64)}`;
  const one = await evaluatePolicy(policy, { ...input, digests: [`sha256:${hexes[0]}`, unsigned] });
  assert.equal(one.accepted, false);
  assert.equal(one.reason, `sigstoreSigned (instance ${unsigned}): a signature was required, but no signature exists`);
  const rejected = await evaluatePolicy(policy, { ...input, reference: 'quay.io/x/y:1', digests: [unsigned] });
  assert.deepEqual(rejected, {
    accepted: false,
    scope: 'default',
    requirement: 'reject',
    reason: 'reject: running image docker://quay.io/x/y:1 is rejected by policy',
  });
});

test('lookaside base: most specific docker scope with a lookaside, else default-docker', () => {
  const config: RegistriesD = {
    dir: '/r',
    defaultDocker: { lookaside: 'file:///default' },
    docker: new Map([
      ['reg.example.com/ns', { lookaside: 'https://sigs.example.com/ns' }],
      ['reg.example.com/ns/attach-only', { useSigstoreAttachments: true }],
      ['*.example.com', { lookaside: 'file:///wild' }],
    ]),
  };
  assert.equal(lookasideBaseFor(config, 'reg.example.com/ns/app:1'), 'https://sigs.example.com/ns');
  assert.equal(lookasideBaseFor(config, 'reg.example.com/ns/attach-only:1'), 'https://sigs.example.com/ns');
  assert.equal(lookasideBaseFor(config, 'other.example.com/x:1'), 'file:///wild');
  assert.equal(lookasideBaseFor(config, 'quay.io/x:1'), 'file:///default');
});
