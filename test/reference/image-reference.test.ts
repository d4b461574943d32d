import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatImageReference,
  formatPullReference,
  isDigestOnly,
  isTagAndDigest,
  parseImageReference,
  repositoryName,
} from '../../core/reference/image-reference.js';
import { ReferenceParseError, redactReference } from '../../core/reference/reference-error.js';

const HEX = 'ab'.repeat(32);
const D = `sha256:${HEX}`;

test('parses a registry/path:tag reference, transport defaulting to docker://', () => {
  assert.deepEqual(parseImageReference('registry.redhat.io/ubi9/ubi:latest'), {
    transport: 'docker://',
    registry: 'registry.redhat.io',
    path: 'ubi9/ubi',
    tag: 'latest',
  });
  assert.deepEqual(parseImageReference('docker://quay.io/ns/img@' + D), {
    transport: 'docker://',
    registry: 'quay.io',
    path: 'ns/img',
    digest: D,
  });
});

test('the first segment is always the registry, with no Docker Hub normalisation', () => {
  assert.deepEqual(parseImageReference('library/nginx:1'), {
    transport: 'docker://',
    registry: 'library',
    path: 'nginx',
    tag: '1',
  });
  assert.deepEqual(parseImageReference('nginx:1.25'), {
    transport: 'docker://',
    registry: '',
    path: 'nginx',
    tag: '1.25',
  });
});

test('the tag is the text after the last colon that follows the first slash', () => {
  assert.deepEqual(parseImageReference('localhost:5000/ns/img:v1'), {
    transport: 'docker://',
    registry: 'localhost:5000',
    path: 'ns/img',
    tag: 'v1',
  });
  // A port alone is not a tag: no tag and no digest is an error, there is no implicit latest.
  assert.throws(() => parseImageReference('host:5000/ns/img'), {
    name: 'ReferenceParseError',
    code: 'REFERENCE',
    message: '"host:5000/ns/img" unable to parse image correctly : tag and digest are empty',
  });
  assert.throws(
    () => parseImageReference('quay.io/ns/img'),
    /"quay\.io\/ns\/img" unable to parse image correctly : tag and digest are empty/,
  );
  assert.throws(() => parseImageReference('quay.io/ns/img:'), /tag and digest are empty/);
});

test('tag and digest together are both kept', () => {
  const ref = parseImageReference(`quay.io/ns/img:v1@${D}`);
  assert.deepEqual(ref, { transport: 'docker://', registry: 'quay.io', path: 'ns/img', tag: 'v1', digest: D });
  assert.equal(formatImageReference(ref), `quay.io/ns/img:v1@${D}`);
  assert.equal(formatPullReference(ref, { withTransport: true }), `docker://quay.io/ns/img@${D}`);
});

test('oci:// references keep the filesystem path and need no tag', () => {
  assert.deepEqual(parseImageReference('oci:///data/oci/myimg'), {
    transport: 'oci://',
    registry: '',
    path: '/data/oci/myimg',
  });
  assert.equal(
    formatImageReference(parseImageReference('oci:///data/oci/myimg'), { withTransport: true }),
    'oci:///data/oci/myimg',
  );
  assert.equal(formatImageReference(parseImageReference('oci:///data/oci/myimg')), '/data/oci/myimg');
});

test('formatting round-trips and repositoryName drops tag and digest', () => {
  for (const input of ['quay.io/ns/img:v1', `quay.io/ns/img@${D}`, `reg:5000/a/b/c:t@${D}`, 'nginx:1']) {
    const ref = parseImageReference(input);
    assert.equal(formatImageReference(ref), input);
    assert.equal(formatImageReference(ref, { withTransport: true }), `docker://${input}`);
  }
  assert.equal(repositoryName(parseImageReference(`reg:5000/a/b/c:t@${D}`)), 'reg:5000/a/b/c');
  assert.equal(repositoryName(parseImageReference('nginx:1')), 'nginx');
});

test('digest validation: sha256 needs 64 lower-case hex; other algorithms follow the grammar', () => {
  const bad = ['sha256:abc', `sha256:${HEX.toUpperCase()}`, `sha256:${HEX}0`, `md5-:${HEX}`, HEX, `sha256:${HEX}@${D}`];
  for (const digest of bad) {
    assert.throws(
      () => parseImageReference(`quay.io/ns/img@${digest}`),
      (err: unknown) =>
        err instanceof ReferenceParseError &&
        err.message.startsWith(`"quay.io/ns/img@${digest}" unable to parse image correctly : `) &&
        /invalid digest|more than one "@"/.test(err.problem),
      digest,
    );
  }
  const sha512 = `sha512:${'c'.repeat(128)}`;
  assert.equal(parseImageReference(`quay.io/ns/img@${sha512}`).digest, sha512);
  const other = `blake3:${'D'.repeat(64)}`;
  assert.equal(parseImageReference(`quay.io/ns/img@${other}`).digest, other);
});

test('path components must be lower case with single separators; errors quote the reference', () => {
  const cases: [string, RegExp][] = [
    ['quay.io/NS/img:1', /invalid repository path component "NS"/],
    ['quay.io/ns//img:1', /empty path component/],
    ['quay.io/a___b:1', /invalid repository path component "a___b"/],
    ['quay.io/a.-b:1', /invalid repository path component "a.-b"/],
    ['quay.io/-a:1', /invalid repository path component "-a"/],
    ['bad_host.io/a:1', /invalid registry host "bad_host.io"/],
    ['host:port/a:1', /invalid port "port"/],
    [`quay.io/${'a'.repeat(250)}:1`, /repository name is 258 characters long, the maximum is 255/],
  ];
  for (const [input, problem] of cases) {
    assert.throws(
      () => parseImageReference(input),
      (err: unknown) =>
        err instanceof ReferenceParseError && err.message.includes(`"${input}"`) && problem.test(err.message),
      input,
    );
  }
  for (const ok of [
    'quay.io/a__b/c-d/e.f:1',
    'quay.io/a--b:1',
    'Quay.IO/ns/img:1',
    '[::1]:5000/ns/img:1',
    'my_ns/img:1',
  ]) {
    assert.doesNotThrow(() => parseImageReference(ok), ok);
  }
});

test('tags follow [\\w][\\w.-]{0,127}', () => {
  assert.throws(() => parseImageReference('quay.io/ns/img:-1'), /invalid tag "-1"/);
  assert.throws(() => parseImageReference('quay.io/ns/img:.x'), /invalid tag "\.x"/);
  assert.throws(() => parseImageReference(`quay.io/ns/img:${'t'.repeat(129)}`), /invalid tag/);
  assert.equal(parseImageReference(`quay.io/ns/img:${'t'.repeat(128)}`).tag, 't'.repeat(128));
  assert.equal(parseImageReference('quay.io/ns/img:_v1.0-rc.1').tag, '_v1.0-rc.1');
});

test('malformed transports and empty names are reported', () => {
  assert.throws(() => parseImageReference('docker://oci://x'), /more than one ":\/\/"/);
  assert.throws(() => parseImageReference('docker://'), /reference name is empty/);
  assert.throws(() => parseImageReference('oci://'), /reference name is empty/);
});

test('credentials written into a reference never reach the message', () => {
  assert.throws(
    () => parseImageReference('docker://admin:s3cret@registry.example.com/ns/img:1'),
    (err: unknown) =>
      err instanceof ReferenceParseError &&
      !err.message.includes('s3cret') &&
      !err.message.includes('admin') &&
      err.message.includes('"docker://***@registry.example.com/ns/img:1"') &&
      err.hint !== undefined &&
      err.hint.includes('--authfile'),
  );
  assert.equal(redactReference('u:p@host/x:1'), '***@host/x:1');
  assert.equal(redactReference(`quay.io/ns/img:v1@${D}`), `quay.io/ns/img:v1@${D}`);
});

test('isTagAndDigest looks at the parsed parts (the port quirk of §10 is fixed)', () => {
  assert.equal(isTagAndDigest(`quay.io/ns/img:v1@${D}`), true);
  assert.equal(isTagAndDigest(`reg:5000/ns/img:v1@${D}`), true);
  assert.equal(isTagAndDigest(`img:v1@${D}`), true);
  // oc-mirror counts colons and calls this tag+digest; it is digest-only.
  assert.equal(isTagAndDigest(`reg:5000/ns/img@${D}`), false);
  assert.equal(isDigestOnly(parseImageReference(`reg:5000/ns/img@${D}`)), true);
  assert.equal(isTagAndDigest(`quay.io/ns/img@${D}`), false);
  assert.equal(isTagAndDigest('quay.io/ns/img:v1'), false);
  assert.equal(isTagAndDigest('quay.io/ns/img:v1@sha256:bad'), false);
  assert.equal(isTagAndDigest(parseImageReference(`quay.io/ns/img:v1@${D}`)), true);
});
