import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  HelmUrlError,
  chartFileName,
  displayUrl,
  indexStorePath,
  indexUrl,
  repositoryBaseUrl,
  resolveChartUrl,
  splitUserInfo,
} from '../../../core/collect/helm/helm-url.js';

// --- index.yaml -----------------------------------------------------------------------------------------------------

test('index URL: joined with one slash whether or not the repository URL ends in one', () => {
  const sbo = 'https://redhat-developer.github.io/service-binding-operator-helm-chart';
  const expected = `${sbo}/index.yaml`;
  assert.equal(indexUrl(sbo).href, expected);
  assert.equal(indexUrl(`${sbo}/`).href, expected);
  // oc-mirror's concatenation would give …-helm-chartindex.yaml: never reproduced.
  assert.notEqual(indexUrl(sbo).href, `${sbo}index.yaml`);
});

test('index URL: a URL that already names index.yaml is kept', () => {
  assert.equal(
    indexUrl('https://charts.example.com/stable/index.yaml').href,
    'https://charts.example.com/stable/index.yaml',
  );
  assert.equal(
    indexUrl('https://charts.example.com/index.yaml?token=abc').href,
    'https://charts.example.com/index.yaml?token=abc',
  );
  // Only a whole `index.yaml` segment counts.
  assert.equal(
    indexUrl('https://charts.example.com/myindex.yaml').href,
    'https://charts.example.com/myindex.yaml/index.yaml',
  );
});

test('index URL: host only, nested paths, ports and query strings', () => {
  assert.equal(indexUrl('https://charts.example.com').href, 'https://charts.example.com/index.yaml');
  assert.equal(indexUrl('https://charts.example.com/').href, 'https://charts.example.com/index.yaml');
  assert.equal(indexUrl('http://127.0.0.1:8080/a/b/c').href, 'http://127.0.0.1:8080/a/b/c/index.yaml');
  // The query stays a query (Helm's ResolveReferenceURL keeps the base query): signed URLs keep working.
  assert.equal(
    indexUrl('https://h.example.com/repo?sig=x&exp=1').href,
    'https://h.example.com/repo/index.yaml?sig=x&exp=1',
  );
  assert.equal(indexUrl('https://h.example.com/repo/#frag').href, 'https://h.example.com/repo/index.yaml');
  assert.equal(indexUrl('  https://h.example.com/repo  ').href, 'https://h.example.com/repo/index.yaml');
});

test('index URL: oci://, other schemes and garbage are refused with a message that hides credentials', () => {
  assert.throws(
    () => indexUrl('oci://ghcr.io/org/charts'),
    (err: unknown) => {
      assert.ok(err instanceof HelmUrlError);
      assert.match(err.message, /OCI registry/);
      return true;
    },
  );
  assert.throws(() => indexUrl('ftp://h.example.com/charts'), /only http and https/);
  assert.throws(() => indexUrl('not a url'), HelmUrlError);
  assert.throws(
    () => indexUrl('oci://user:s3cret@ghcr.io/org'),
    (err: unknown) => err instanceof Error && !err.message.includes('s3cret'),
  );
  assert.throws(
    () => indexUrl('user:s3cret@host with space'),
    (err: unknown) => err instanceof Error && !err.message.includes('s3cret'),
  );
});

// --- chart URLs -----------------------------------------------------------------------------------------------------

test('chart URL: a relative urls[0] resolves against the repository directory (trailing slash or not)', () => {
  for (const repo of [
    'https://h.example.com/charts',
    'https://h.example.com/charts/',
    'https://h.example.com/charts/index.yaml',
  ]) {
    assert.equal(resolveChartUrl(repo, 'sbo-1.4.1.tgz').href, 'https://h.example.com/charts/sbo-1.4.1.tgz', repo);
  }
  assert.equal(resolveChartUrl('https://h.example.com', 'sbo-1.4.1.tgz').href, 'https://h.example.com/sbo-1.4.1.tgz');
});

test('chart URL: nested, parent and root-relative references', () => {
  const repo = 'https://h.example.com/a/b';
  assert.equal(resolveChartUrl(repo, 'charts/x-1.0.0.tgz').href, 'https://h.example.com/a/b/charts/x-1.0.0.tgz');
  assert.equal(resolveChartUrl(repo, '../releases/x-1.0.0.tgz').href, 'https://h.example.com/a/releases/x-1.0.0.tgz');
  assert.equal(resolveChartUrl(repo, '/dl/x-1.0.0.tgz').href, 'https://h.example.com/dl/x-1.0.0.tgz');
  assert.equal(resolveChartUrl(repo, '//cdn.example.com/x-1.0.0.tgz').href, 'https://cdn.example.com/x-1.0.0.tgz');
});

test('chart URL: an absolute urls[0] is used as written, query included', () => {
  const abs = 'https://github.com/org/repo/releases/download/x-1.0.0/x-1.0.0.tgz?raw=1';
  assert.equal(resolveChartUrl('https://org.github.io/repo?sig=y', abs).href, abs);
  assert.equal(
    resolveChartUrl('https://h.example.com/', 'HTTP://OTHER.example.com/x.tgz').href,
    'http://other.example.com/x.tgz',
  );
});

test('chart URL: the repository query replaces a relative reference’s (Helm); a reference keeps its own otherwise', () => {
  assert.equal(
    resolveChartUrl('https://h.example.com/repo?token=t', 'x-1.0.0.tgz').href,
    'https://h.example.com/repo/x-1.0.0.tgz?token=t',
  );
  assert.equal(
    resolveChartUrl('https://h.example.com/repo/index.yaml?token=t', 'x-1.0.0.tgz?v=2').href,
    'https://h.example.com/repo/x-1.0.0.tgz?token=t',
  );
  assert.equal(
    resolveChartUrl('https://h.example.com/repo', 'x-1.0.0.tgz?v=2').href,
    'https://h.example.com/repo/x-1.0.0.tgz?v=2',
  );
});

test('chart URL: percent-encoding is kept as written; credentials of the repository URL carry over', () => {
  assert.equal(
    resolveChartUrl('https://h.example.com/my%20repo', 'foo%2Bbar-1.0.0.tgz').href,
    'https://h.example.com/my%20repo/foo%2Bbar-1.0.0.tgz',
  );
  assert.equal(resolveChartUrl('https://u:p@h.example.com/r/', 'x.tgz').href, 'https://u:p@h.example.com/r/x.tgz');
  assert.throws(() => resolveChartUrl('https://h.example.com/r/', '   '), HelmUrlError);
});

// --- file names and paths -------------------------------------------------------------------------------------------

test('chart file name: the decoded last path segment, never the query', () => {
  assert.equal(chartFileName(new URL('https://h.example.com/charts/sbo-1.4.1.tgz?x=1')), 'sbo-1.4.1.tgz');
  assert.equal(chartFileName(new URL('https://h.example.com/foo%2Bbar-1.0.0.tgz')), 'foo+bar-1.0.0.tgz');
  // Go's filepath.Base(u.Path): an encoded slash is a separator once decoded.
  assert.equal(chartFileName(new URL('https://h.example.com/a%2Fb-1.0.0.tgz')), 'b-1.0.0.tgz');
  assert.equal(chartFileName(new URL('https://h.example.com/dir/')), 'dir');
  assert.throws(() => chartFileName(new URL('https://h.example.com/')), HelmUrlError);
  assert.throws(() => chartFileName(new URL('https://h.example.com/%2E%2E')), HelmUrlError);
});

test('stored index path: working-dir/helm/indexes/<host>/<path>/index.yaml, the same for every spelling', () => {
  const wd = '/wd';
  const expected = path.join(
    wd,
    'helm',
    'indexes',
    'redhat-developer.github.io',
    'service-binding-operator-helm-chart',
    'index.yaml',
  );
  for (const url of [
    'https://redhat-developer.github.io/service-binding-operator-helm-chart',
    'https://redhat-developer.github.io/service-binding-operator-helm-chart/',
    'https://redhat-developer.github.io/service-binding-operator-helm-chart/index.yaml',
    'https://user:pw@redhat-developer.github.io/service-binding-operator-helm-chart/?token=1',
  ]) {
    assert.equal(indexStorePath(wd, url), expected, url);
  }
  assert.equal(
    indexStorePath(wd, 'http://127.0.0.1:8080'),
    path.join(wd, 'helm', 'indexes', '127.0.0.1:8080', 'index.yaml'),
  );
  // Empty segments are dropped, dot segments (also encoded ones) are resolved by the URL parser, and an encoded
  // slash stays inside its segment: nothing can point outside helm/indexes/.
  assert.equal(
    indexStorePath(wd, 'https://h.example.com/a//b%2Fx/../%2e%2E/c'),
    path.join(wd, 'helm', 'indexes', 'h.example.com', 'a', 'c', 'index.yaml'),
  );
  assert.equal(
    indexStorePath(wd, 'https://h.example.com/a//b%2Fx/c'),
    path.join(wd, 'helm', 'indexes', 'h.example.com', 'a', 'b%2Fx', 'c', 'index.yaml'),
  );
});

test('display URL and user info: no credentials, no query', () => {
  assert.equal(
    displayUrl('https://user:s3cret@h.example.com:8443/r/index.yaml?token=t'),
    'https://h.example.com:8443/r/index.yaml',
  );
  assert.equal(displayUrl(new URL('http://h.example.com/r')), 'http://h.example.com/r');
  const split = splitUserInfo(new URL('https://us%40er:p%3Ass@h.example.com/r/'));
  assert.equal(split.url.href, 'https://h.example.com/r/');
  assert.equal(split.authorization, `Basic ${Buffer.from('us@er:p:ss').toString('base64')}`);
  assert.equal(splitUserInfo(new URL('https://h.example.com/')).authorization, undefined);
  assert.equal(repositoryBaseUrl('https://h.example.com/r/index.yaml?x=1').href, 'https://h.example.com/r/?x=1');
});
