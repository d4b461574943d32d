import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareVersions, isStrictSemver, parseLenientSemver } from '../../core/config/lenient-semver.js';
import { compileBlockedImagePattern, translateRe2 } from '../../core/config/blocked-image-pattern.js';
import { dockerGrammarProblem, parseConfigImageRef, uniqueImageName } from '../../core/config/config-reference.js';
import { resolvePlainScalar } from '../../core/config/go-yaml-scalar.js';
import { closestMatch, editDistance } from '../../core/config/suggest.js';

const HEX = '0de0e983a4980f32b1aad2d7f7f387cea2d4e9517b47f336cef27f63735911fa';

test('lenient semver accepts exactly what Masterminds NewVersion accepts', () => {
  const accepted: Record<string, string> = {
    '1': '1.0.0',
    '1.2': '1.2.0',
    'v1.2.3': '1.2.3',
    '01.2.3': '1.2.3',
    '1.47.1-5': '1.47.1-5',
    '1.2.3-rc.1+build.5': '1.2.3-rc.1+build.5',
    '0.8.4-0.1655690146.p': '0.8.4-0.1655690146.p',
    '26.0.8-opr.1': '26.0.8-opr.1',
    '1.2-alpha': '1.2.0-alpha',
  };
  for (const [input, normalised] of Object.entries(accepted))
    assert.equal(parseLenientSemver(input), normalised, input);
  for (const rejected of [
    '',
    'V1.2.3',
    '1.x',
    'latest',
    '1.2.3.4',
    ' 1.2.3',
    '>=1.0.0',
    '1.0.0-01',
    '1.0.0-',
    '18446744073709551616',
  ]) {
    assert.equal(parseLenientSemver(rejected), undefined, rejected);
  }
  assert.equal(parseLenientSemver('18446744073709551615'), '18446744073709551615.0.0');
});

test('strict semver for release channels, and version ordering', () => {
  assert.ok(isStrictSemver('4.18.1'));
  assert.ok(isStrictSemver('4.19.0-ec.3'));
  for (const bad of ['4.18', 'v4.18.1', '4.18.01', '=4.18.1']) assert.ok(!isStrictSemver(bad), bad);
  assert.equal(compareVersions('1.2', '1.10.0'), -1);
  assert.equal(compareVersions('v2', '1.99.99'), 1);
  assert.equal(compareVersions('1.0.0-rc.1', '1.0.0'), -1);
});

test('RE2 patterns are translated to equivalent JavaScript', () => {
  assert.deepEqual(translateRe2('(?i)ubi'), { source: 'ubi', flags: 'i' });
  assert.deepEqual(translateRe2('(?P<repo>busybox):[[:digit:]]+'), { source: '(?<repo>busybox):[0-9]+', flags: '' });
  assert.deepEqual(translateRe2('\\Aquay.io/\\Qa.b+c\\E\\z'), { source: '^quay.io/a\\.b\\+c$', flags: '' });
  assert.deepEqual(translateRe2('[]a]'), { source: '[\\]a]', flags: '' });
  const pattern = compileBlockedImagePattern('(?i)^REGISTRY\\.redhat\\.io/ubi[89]/');
  assert.ok(pattern.test('registry.redhat.io/ubi8/ubi:latest'));
  assert.ok(!pattern.test('quay.io/registry.redhat.io/ubi8/ubi:latest'));
  assert.ok(compileBlockedImagePattern('ubi8').test('registry.redhat.io/ubi8/ubi:latest'), 'unanchored');
  assert.ok(compileBlockedImagePattern('\\pL+').test('abc'));
  for (const [bad, reason] of [
    ['a(?!b)', 'invalid or unsupported Perl syntax: lookaround assertions'],
    ['(?<=a)b', 'invalid or unsupported Perl syntax: lookaround assertions'],
    ['(a)\\1', 'invalid escape sequence: \\1 (RE2 has no backreferences)'],
    ['a(?i)b', 'invalid or unsupported Perl syntax: (?i)'],
    ['(?x)a', 'invalid or unsupported Perl syntax: (?x)'],
    ['[[:nope:]]', 'invalid character class range: [:nope:]'],
    ['a\\', 'trailing backslash at end of expression'],
    ['*a', 'nothing to repeat'],
  ]) {
    assert.throws(() => compileBlockedImagePattern(bad), { message: reason }, bad);
  }
});

test("oc-mirror's reference parser: tags, digests, domains, transports", () => {
  assert.deepEqual(parseConfigImageRef(`quay.io/ns/img:v1@sha256:${HEX}`), {
    transport: 'docker://',
    reference: `quay.io/ns/img:v1@sha256:${HEX}`,
    name: 'quay.io/ns/img',
    domain: 'quay.io',
    pathComponent: 'ns/img',
    tag: 'v1',
    algorithm: 'sha256',
    digest: HEX,
  });
  const hostPort = parseConfigImageRef('localhost:5000/ns/img:1');
  assert.equal(hostPort.tag, '1');
  assert.equal(hostPort.domain, 'localhost:5000');
  assert.equal(parseConfigImageRef('library/nginx:1').domain, 'library');
  assert.equal(parseConfigImageRef('nginx:1.25').pathComponent, 'nginx');
  const oci = parseConfigImageRef('oci:///data/oci/myimg');
  assert.equal(oci.transport, 'oci://');
  assert.equal(oci.pathComponent, '/data/oci/myimg');
  assert.throws(() => parseConfigImageRef('localhost:5000/ns/img'), {
    message: 'localhost:5000/ns/img unable to parse image correctly : tag and digest are empty',
  });
  assert.throws(() => parseConfigImageRef('a/b@sha256:ABC'), {
    message: 'a/b@sha256:ABC unable to parse image correctly : invalid digest',
  });
  assert.throws(() => parseConfigImageRef(''), { message: 'unknown image : reference name is empty' });
  assert.throws(() => parseConfigImageRef('a://b://c'), { message: 'unknown image : reference name is empty' });
});

test('Docker grammar checks do not reject what containers/image accepts', () => {
  for (const ok of ['nginx:1.25', 'my_org/img:1', 'Quay.IO/ns/img:1', '[::1]:5000/img:1', 'reg.io/a__b/c-d.e:Tag_1']) {
    assert.equal(dockerGrammarProblem(parseConfigImageRef(ok)), undefined, ok);
  }
  assert.equal(
    dockerGrammarProblem(parseConfigImageRef('bad_host.io/img:1')),
    'registry host "bad_host.io" is not a valid host name',
  );
  assert.equal(dockerGrammarProblem(parseConfigImageRef('oci:///Any/Path')), undefined);
});

test('catalog unique names substitute targetTag and targetCatalog (core.md §1.11 example)', () => {
  assert.equal(uniqueImageName('registry.io/ns/cat:v1.0', 'a/b', 'v2'), 'registry.io/a/b:v2');
  assert.equal(uniqueImageName('registry.io/ns/cat:v1.0'), 'registry.io/ns/cat:v1.0');
  assert.equal(uniqueImageName(`registry.io/ns/cat@sha256:${HEX}`, undefined, 'v2'), 'registry.io/ns/cat:v2');
  assert.equal(uniqueImageName('oci:///tmp/cat', 'x/y'), 'x/y');
  assert.throws(() => uniqueImageName('r.io/ns/c:1', 'a:b'), /^Error: invalid target path component "a:b"/);
});

test('go-yaml v2 scalar typing', () => {
  const kinds = (s: string) => resolvePlainScalar(s).kind;
  assert.deepEqual(['1.0', '9', '0x1F', '0o17', '0b101', '1_000', '.5', '1e3', '-.inf', '08'].map(kinds), [
    'float',
    'int',
    'int',
    'int',
    'int',
    'int',
    'float',
    'float',
    'float',
    'float',
  ]);
  assert.deepEqual(['y', 'Yes', 'ON', 'off', 'N', 'false'].map(kinds), [
    'bool',
    'bool',
    'bool',
    'bool',
    'bool',
    'bool',
  ]);
  assert.deepEqual(['', '~', 'null', 'NULL'].map(kinds), ['null', 'null', 'null', 'null']);
  assert.deepEqual(['1.2.3', 'v1', '2024-01-01', 'yess', 'stable-4.18', '4-stable', '-', '.x'].map(kinds), [
    'string',
    'string',
    'string',
    'string',
    'string',
    'string',
    'string',
    'string',
  ]);
  assert.deepEqual(resolvePlainScalar('0x10'), { kind: 'int', value: 16 });
  assert.deepEqual(resolvePlainScalar('010'), { kind: 'int', value: 8 });
  assert.deepEqual(resolvePlainScalar('-1'), { kind: 'int', value: -1 });
});

test('suggestions use edit distance with a length-dependent limit', () => {
  assert.equal(editDistance('additionalImage', 'additionalImages'), 1);
  assert.equal(editDistance('maxVerison', 'maxVersion'), 1);
  assert.equal(closestMatch('additonalImages', ['additionalImages', 'operators']), 'additionalImages');
  assert.equal(closestMatch('storageConfig', ['mirror', 'kind', 'apiVersion', 'archiveSize']), undefined);
  assert.equal(closestMatch('os', ['os', 'architecture']), 'os');
  assert.equal(closestMatch('foo', ['os', 'architecture']), undefined);
});
