import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import {
  SIGNATURE_CONFIGMAP_JSON,
  SIGNATURE_CONFIGMAP_YAML,
  generateSignatureConfigMap,
  readSignatureEntries,
  writeSignatureConfigMap,
} from '../../core/cluster-resources/signature-configmap.js';

const RELEASE = fileURLToPath(new URL('../../../test/fixtures/upstream/release/', import.meta.url));
const HEX = '0da6316466d60a3a4535d5fed3589feb0391989982fba59d47d4c729912d6363';
const SIGNATURE = readFileSync(join(RELEASE, 'signatures', `4.15.0-x86_64-sha256-${HEX}`));
const OPTS = { createdAt: '2025-01-31T10:00:00Z', version: 'v0.1.0' };
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

test('exact JSON (Go json.Marshal of the ConfigMap struct) and YAML (sorted keys)', () => {
  const generated = generateSignatureConfigMap(
    [
      { digestHex: B, bytes: Buffer.from('hello') },
      { digestHex: A, bytes: Buffer.from([1, 2, 3, 255]) },
      { digestHex: B, bytes: Buffer.from('duplicate digest: no second key') },
    ],
    OPTS,
  );
  assert.ok(generated);
  assert.equal(
    generated.json,
    '{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"mirrored-release-signatures",' +
      '"namespace":"openshift-config-managed","labels":{"release.openshift.io/verification-signatures":""},' +
      '"annotations":{"createdAt":"2025-01-31T10:00:00Z","createdBy":"oc-mirror v2","oc-mirror_version":"v0.1.0"}},' +
      `"binaryData":{"sha256-${A}-2":"AQID/w==","sha256-${B}-1":"aGVsbG8="}}`,
  );
  assert.equal(
    generated.yaml,
    [
      'apiVersion: v1',
      'binaryData:',
      `  sha256-${A}-2: AQID/w==`,
      `  sha256-${B}-1: aGVsbG8=`,
      'kind: ConfigMap',
      'metadata:',
      '  annotations:',
      '    createdAt: "2025-01-31T10:00:00Z"',
      '    createdBy: oc-mirror v2',
      '    oc-mirror_version: v0.1.0',
      '  labels:',
      '    release.openshift.io/verification-signatures: ""',
      '  name: mirrored-release-signatures',
      '  namespace: openshift-config-managed',
      '',
    ].join('\n'),
  );
  assert.deepEqual(parseYaml(generated.yaml), JSON.parse(generated.json));
});

test('the real signature: key sha256-<hex>-1, value the base64 of the file, no line folding', () => {
  const generated = generateSignatureConfigMap([{ digestHex: HEX, bytes: SIGNATURE }], OPTS);
  assert.ok(generated);
  const base64 = SIGNATURE.toString('base64');
  const json = JSON.parse(generated.json) as { binaryData: Record<string, string> };
  assert.deepEqual(json.binaryData, { [`sha256-${HEX}-1`]: base64 });
  assert.ok(generated.yaml.includes(`\n  sha256-${HEX}-1: ${base64}\n`));
  assert.deepEqual(Buffer.from(json.binaryData[`sha256-${HEX}-1`], 'base64'), SIGNATURE);
});

test('annotation values are escaped as Go does (<, >, &)', () => {
  const generated = generateSignatureConfigMap([{ digestHex: A, bytes: Buffer.from('x') }], {
    ...OPTS,
    version: 'v1<2>&3',
  });
  assert.ok(generated);
  assert.ok(generated.json.includes('"oc-mirror_version":"v1\\u003c2\\u003e\\u00263"'));
  assert.equal(
    (JSON.parse(generated.json) as { metadata: { annotations: Record<string, string> } }).metadata.annotations[
      'oc-mirror_version'
    ],
    'v1<2>&3',
  );
});

test('no entries: nothing generated, nothing written', async () => {
  assert.equal(generateSignatureConfigMap([], OPTS), undefined);
  const dir = await mkdtemp(join(tmpdir(), 'ocm-sigcm-'));
  try {
    assert.deepEqual(await writeSignatureConfigMap(join(dir, 'cluster-resources'), [], OPTS), []);
    assert.deepEqual(await readdir(dir), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('writeSignatureConfigMap writes both files directly in the directory, atomically', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ocm-sigcm-'));
  try {
    const out = join(dir, 'cluster-resources');
    const entries = [{ digestHex: HEX, bytes: SIGNATURE }];
    const written = await writeSignatureConfigMap(out, entries, OPTS);
    assert.deepEqual(written, [join(out, SIGNATURE_CONFIGMAP_JSON), join(out, SIGNATURE_CONFIGMAP_YAML)]);
    assert.deepEqual((await readdir(out)).sort(), ['signature-configmap.json', 'signature-configmap.yaml']);
    const generated = generateSignatureConfigMap(entries, OPTS);
    assert.equal(await readFile(join(out, SIGNATURE_CONFIGMAP_JSON), 'utf8'), generated?.json);
    assert.equal(await readFile(join(out, SIGNATURE_CONFIGMAP_YAML), 'utf8'), generated?.yaml);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('readSignatureEntries: files indexed by the tag before -sha256-, in the order of the mirrored release tags', async () => {
  const workingDir = await mkdtemp(join(tmpdir(), 'ocm-sigcm-'));
  try {
    const dir = join(workingDir, 'signatures');
    await mkdir(dir);
    await writeFile(join(dir, `4.15.0-x86_64-sha256-${HEX}`), SIGNATURE);
    await writeFile(join(dir, `4.14.1-x86_64-sha256-${A}`), 'a');
    await writeFile(join(dir, 'notes.txt'), 'not a signature');
    const warnings: string[] = [];
    const entries = await readSignatureEntries(workingDir, ['4.15.0-x86_64', '4.99.0-x86_64', '4.14.1-x86_64'], {
      onWarning: (w) => warnings.push(w),
    });
    assert.deepEqual(
      entries.map((e) => [e.digestHex, Buffer.from(e.bytes).length]),
      [
        [HEX, SIGNATURE.length],
        [A, 1],
      ],
    );
    assert.deepEqual(warnings, ['signature file notes.txt is not named <tag>-sha256-<hex>: ignored']);
    const json = JSON.parse(generateSignatureConfigMap(entries, OPTS)?.json ?? '{}') as { binaryData: object };
    assert.deepEqual(Object.keys(json.binaryData), [`sha256-${HEX}-1`, `sha256-${A}-2`].sort());
    assert.deepEqual(await readSignatureEntries(join(workingDir, 'nowhere'), ['4.15.0-x86_64']), []);
  } finally {
    await rm(workingDir, { recursive: true, force: true });
  }
});
