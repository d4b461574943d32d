import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  VersionRangeError,
  buildVersionRange,
  compareVersions,
  formatVersion,
  formatVersionRange,
  parseStrictVersion,
  parseVersion,
  parseVersionRange,
  rangeContains,
} from '../../../core/collect/operator/masterminds-range.js';
import { OcmError } from '../../../core/errors.js';

/**
 * [range, Constraints.String(), versions that satisfy it, versions that do not] — every row produced by
 * github.com/Masterminds/semver/v3 itself (NewConstraint + NewVersion + Check).
 */
const MASTERMINDS: [string, string, string[], string[]][] = [
  ['>=1.2.3', '>=1.2.3', ['1.2.3', '2.0.0', '1.2.3+build.5', 'v1.2.3'], ['1.2.2', '1.5.0-rc.1']],
  [' <=2.0.0', '<=2.0.0', ['2.0.0', '0.0.1'], ['2.0.1', '2.0.0-rc.1']],
  ['>=1.2.3 <=2.0.0', '>=1.2.3 <=2.0.0', ['1.2.3', '2.0.0'], ['2.0.1', '1.2.2', '1.9.9-rc.1']],
  ['>=1.2', '>=1.2', ['1.2.0'], ['1.1.9', '1.2.0-rc.1']],
  ['<=1.2', '<=1.2', ['1.2.0', '1.2.9'], ['1.3.0']],
  ['<=1', '<=1', ['1.99.99'], ['2.0.0']],
  ['>=v1.2.3', '>=v1.2.3', ['1.2.3'], ['1.2.2']],
  ['>=1.2.3-0', '>=1.2.3-0', ['1.2.3-rc.1', '1.5.0-rc.1', '1.2.3'], ['1.2.2']],
  [
    '>=0.8.4-0.1655690146.p',
    '>=0.8.4-0.1655690146.p',
    ['0.8.4-0.1655690146.p', '0.8.4', '0.9.1-0.1664967752.p'],
    ['0.8.4-0.1655690145.p'],
  ],
  ['>=1.42.0-0', '>=1.42.0-0', ['1.42.0-5', '1.47.1-5', '1.51.0-1'], ['1.34.1-5', '1.30.2']],
  ['>=1.42.0-5 <=1.42.0-5', '>=1.42.0-5 <=1.42.0-5', ['1.42.0-5', '1.42.0-5+0.1687199951.p'], ['1.42.0-6']],
  ['>=0.3.1 <=0.2.0', '>=0.3.1 <=0.2.0', [], ['0.3.0', '0.2.0', '0.3.1']],
  ['<=26.0.8-opr.1', '<=26.0.8-opr.1', ['26.0.8-opr.1', '26.0.7', '25.0.0-opr.9'], ['26.0.8-opr.2', '26.0.8']],
  ['1.0.0-10 - 1.0.0-a', '>=1.0.0-10 <=1.0.0-a', ['1.0.0-10', '1.0.0-a', '1.0.0-10.1'], ['1.0.0-9', '1.0.0-a.1']],
  ['~1.2', '~1.2', ['1.2.9'], ['1.3.0']],
  ['^1.2.3', '^1.2.3', ['1.9.0'], ['2.0.0', '1.2.2']],
  ['^0.2.3', '^0.2.3', ['0.2.9'], ['0.3.0']],
  ['1.x', '1.x', ['1.9.9'], ['2.0.0']],
  ['*', '*', ['0.0.0', '99.0.0'], ['1.0.0-rc.1']],
  ['!=1.2.3', '!=1.2.3', ['1.2.4'], ['1.2.3']],
  ['>1.2', '>1.2', ['1.3.0'], ['1.2.9']],
  ['>=1.0.0 || <=0.5.0', '>=1.0.0 || <=0.5.0', ['0.5.0', '1.0.0'], ['0.7.0']],
  ['>= 1.2.3, <= 2.0.0', '>=1.2.3 <=2.0.0', ['1.5.0'], ['2.0.1']],
  ['>=1.2.3-beta <2.0.0', '>=1.2.3-beta <2.0.0', ['1.2.3-beta', '1.9.0-rc'], ['1.2.3-alpha']],
];

test('constraint checks agree with Masterminds semver v3', () => {
  for (const [text, normalised, yes, no] of MASTERMINDS) {
    const range = parseVersionRange(text);
    assert.equal(formatVersionRange(range), normalised, text);
    for (const v of yes) assert.equal(rangeContains(range, v), true, `${v} in ${JSON.stringify(text)}`);
    for (const v of no) assert.equal(rangeContains(range, v), false, `${v} not in ${JSON.stringify(text)}`);
  }
});

test('prerelease rule: Masterminds, not npm', () => {
  // No prerelease in the range: a prerelease version never matches, whatever its numbers.
  assert.equal(rangeContains(parseVersionRange('>=0.8.0'), '0.8.4-0.1655690146.p'), false);
  assert.equal(rangeContains(parseVersionRange('>=26.0.0 <=27.0.0'), '26.0.8-opr.1'), false);
  // One comparator with a prerelease opens its AND group to prereleases of any major.minor.patch
  // (npm would only accept prereleases of 1.2.3 itself).
  assert.equal(rangeContains(parseVersionRange('>=1.2.3-0 <=2.0.0'), '1.9.0-rc.1'), true);
  // … but only its own group.
  assert.equal(rangeContains(parseVersionRange('>=1.2.3-0 || >=3.0.0'), '3.1.0-rc.1'), true);
  assert.equal(rangeContains(parseVersionRange('<=1.0.0 || >=3.0.0'), '3.1.0-rc.1'), false);
});

test('buildVersionRange: oc-mirror strings, leading space when only max', () => {
  assert.equal(buildVersionRange('1.2.3', '2.0.0'), '>=1.2.3 <=2.0.0');
  assert.equal(buildVersionRange('1.2.3'), '>=1.2.3');
  assert.equal(buildVersionRange(undefined, '2.0.0'), ' <=2.0.0');
  assert.equal(buildVersionRange(), '');
  assert.equal(buildVersionRange('', ''), '');
  for (const [min, max] of [
    ['1.2', 'v2'],
    ['v1.2.3', undefined],
    [undefined, '0.8.4-0.1655690146.p'],
  ] as const) {
    assert.doesNotThrow(() => parseVersionRange(buildVersionRange(min, max)));
  }
});

test('unparsable ranges throw with Masterminds messages', () => {
  const cases: [string, string][] = [
    ['>=abc', 'improper constraint: ">=abc"'],
    ['', 'improper constraint: ""'],
    [' <=1.2.3.4', 'improper constraint: " <=1.2.3.4"'],
    ['>=1.0.0 || junk', 'improper constraint: " junk"'],
    ['1|2', 'constraint parser error'],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseVersionRange(text),
      (err: unknown) => {
        assert.ok(err instanceof VersionRangeError && err instanceof OcmError, text);
        assert.equal(err.code, 'VERSION_RANGE');
        assert.equal(err.message, message);
        return true;
      },
    );
  }
});

test('versions: lenient NewVersion, strict StrictNewVersion, precedence', () => {
  assert.equal(formatVersion(parseVersion('v1.2') ?? assert.fail()), '1.2.0');
  assert.equal(formatVersion(parseVersion('01.2.3-rc.1+b') ?? assert.fail()), '1.2.3-rc.1+b');
  assert.equal(parseVersion('1.2.3-01'), undefined);
  assert.equal(rangeContains(parseVersionRange('>=1.0.0'), 'not-a-version'), false);

  assert.equal(
    formatVersion(parseStrictVersion('1.42.0-5+0.1687199951.p') ?? assert.fail()),
    '1.42.0-5+0.1687199951.p',
  );
  for (const bad of [
    'v1.2.3',
    '1.2',
    '01.2.3',
    '1.02.3',
    '1.2.3-01',
    '1.2.3+a+b',
    '1.2-3.4',
    '1.2.3-',
    '',
    '1.2.3.4',
  ]) {
    assert.equal(parseStrictVersion(bad), undefined, bad);
  }
  assert.equal(parseStrictVersion('18446744073709551616.0.0'), undefined, 'beyond uint64');

  const order = ['1.0.0-9', '1.0.0-10', '1.0.0-a', '1.0.0-a.1', '1.0.0', '1.0.1', '18446744073709551615.0.0'];
  for (let i = 1; i < order.length; i++) {
    const [a, b] = [parseVersion(order[i - 1]), parseVersion(order[i])];
    assert.ok(a && b);
    assert.equal(compareVersions(a, b), -1, `${order[i - 1]} < ${order[i]}`);
    assert.equal(compareVersions(b, a), 1);
  }
  const [x, y] = [parseVersion('1.2.3+a'), parseVersion('1.2.3+b')];
  assert.ok(x && y);
  assert.equal(compareVersions(x, y), 0, 'build metadata is ignored');
});
