/**
 * registries.conf reading and pull-source resolution, checked against containers-registries.conf(5) and the
 * cases of containers/image's sysregistriesv2 (longest prefix, mirror filters, wildcard prefixes, v1 format,
 * drop-ins replacing a prefix, per-user file replacing the system one).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  loadRegistriesConf,
  parseRegistriesConf,
  registriesConfPaths,
  RegistriesConfError,
  type RegistriesConf,
} from '../../core/registry/registries-conf.js';
import { BlockedRegistryError, matchingPrefixLength, pullSources } from '../../core/registry/pull-sources.js';
import { prepareRegistriesD } from '../../core/workflow/registries-d.js';
import { tempDirForTest } from '../harness/temp-dir.js';
import { readFile, readdir } from 'node:fs/promises';

function confOf(text: string): RegistriesConf {
  const parsed = parseRegistriesConf(text, 'test.conf', false);
  return {
    rules: parsed.rules,
    files: ['test.conf'],
    unqualifiedSearchRegistries: parsed.unqualifiedSearchRegistries ?? [],
  };
}

const where = (s: { host: string; repository: string; mirror: boolean }) =>
  `${s.host}/${s.repository}${s.mirror ? ' (mirror)' : ''}`;

test('v2: mirrors first in order, then the location; prefix defaults to location', () => {
  const conf = confOf(`
[[registry]]
location = "quay.io"
insecure = false
[[registry.mirror]]
location = "mirror-a.example:5000/quay"
insecure = true
[[registry.mirror]]
location = "mirror-b.example"
`);
  assert.equal(conf.rules[0]!.prefix, 'quay.io');
  const sources = pullSources(conf, 'quay.io', 'ns/app', 'v1');
  assert.deepEqual(sources.map(where), [
    'mirror-a.example:5000/quay/ns/app (mirror)',
    'mirror-b.example/ns/app (mirror)',
    'quay.io/ns/app',
  ]);
  assert.deepEqual(
    sources.map((s) => s.insecure),
    [true, false, false],
  );
  // A name the rule does not match is pulled as it is.
  assert.deepEqual(pullSources(conf, 'quay.io.evil', 'ns/app', 'v1').map(where), ['quay.io.evil/ns/app']);
});

test('the longest matching prefix wins and rewrites the matched part only', () => {
  const conf = confOf(`
[[registry]]
location = "registry.example"
[[registry.mirror]]
location = "enclave.local/all"

[[registry]]
prefix = "registry.example/openshift-release-dev/ocp-release"
location = "enclave.local/openshift/release-images"
`);
  assert.deepEqual(
    pullSources(conf, 'registry.example', 'openshift-release-dev/ocp-release', '4.15.1-x86_64').map(where),
    ['enclave.local/openshift/release-images'],
  );
  assert.deepEqual(pullSources(conf, 'registry.example', 'openshift-release-dev/ocp-release-nightly', 'x').map(where), [
    'enclave.local/all/openshift-release-dev/ocp-release-nightly (mirror)',
    'registry.example/openshift-release-dev/ocp-release-nightly',
  ]);
});

test('mirror-by-digest-only and pull-from-mirror filter mirrors by how the image is addressed', () => {
  const conf = confOf(`
[[registry]]
location = "a.example"
mirror-by-digest-only = true
[[registry.mirror]]
location = "m.example"

[[registry]]
location = "b.example"
[[registry.mirror]]
location = "digest.example"
pull-from-mirror = "digest-only"
[[registry.mirror]]
location = "tag.example"
pull-from-mirror = "tag-only"
[[registry.mirror]]
location = "all.example"
pull-from-mirror = "all"
`);
  const digest = 'sha256:' + 'a'.repeat(64);
  assert.deepEqual(pullSources(conf, 'a.example', 'x/y', 'latest').map(where), ['a.example/x/y']);
  assert.deepEqual(pullSources(conf, 'a.example', 'x/y', digest).map(where), [
    'm.example/x/y (mirror)',
    'a.example/x/y',
  ]);
  assert.deepEqual(pullSources(conf, 'b.example', 'x/y', 'latest').map(where), [
    'tag.example/x/y (mirror)',
    'all.example/x/y (mirror)',
    'b.example/x/y',
  ]);
  assert.deepEqual(pullSources(conf, 'b.example', 'x/y', digest).map(where), [
    'digest.example/x/y (mirror)',
    'all.example/x/y (mirror)',
    'b.example/x/y',
  ]);
});

test('wildcard prefixes match subdomains only, in the host part', () => {
  const conf = confOf(`
[[registry]]
prefix = "*.corp.example"
insecure = true
[[registry.mirror]]
location = "cache.local/corp"
`);
  assert.equal(matchingPrefixLength('reg.corp.example/a/b:1', '*.corp.example'), 'reg.corp.example'.length);
  assert.equal(matchingPrefixLength('corp.example/a/b:1', '*.corp.example'), -1);
  assert.equal(matchingPrefixLength('other.example/x.corp.example/b:1', '*.corp.example'), -1);
  assert.deepEqual(pullSources(conf, 'reg.corp.example', 'a/b', '1').map(where), [
    'cache.local/corp/a/b (mirror)',
    'reg.corp.example/a/b',
  ]);
  // The wildcard rule's own `insecure` applies to the matched host (a location-less rule keeps the name).
  assert.deepEqual(
    pullSources(conf, 'reg.corp.example', 'a/b', '1').map((p) => p.insecure),
    [false, true],
  );
  assert.throws(
    () => parseRegistriesConf('[[registry]]\nprefix = "*.corp.example/ns"\n', 'w.conf', false),
    /w\.conf: .*wildcarded prefix "\*\.corp\.example\/ns" must be of the form \*\.example\.com/,
  );
});

test('a prefix matches whole path components only', () => {
  assert.equal(matchingPrefixLength('quay.io/ns/app:1', 'quay.io/ns'), 'quay.io/ns'.length);
  assert.equal(matchingPrefixLength('quay.io/nsx/app:1', 'quay.io/ns'), -1);
  assert.equal(matchingPrefixLength('quay.io/ns/app@sha256:00', 'quay.io/ns/app'), 'quay.io/ns/app'.length);
});

test('blocked registries refuse the pull, naming the file and the prefix', () => {
  const conf = confOf(`
[[registry]]
location = "docker.io"
blocked = true
`);
  assert.throws(
    () => pullSources(conf, 'docker.io', 'library/busybox', 'latest'),
    (err: unknown) =>
      err instanceof BlockedRegistryError &&
      /pulling docker\.io\/library\/busybox:latest is blocked: registry "docker\.io" has blocked = true in test\.conf/.test(
        err.message,
      ),
  );
});

test('v1 format: block and insecure lists become rules; search registries are kept apart', () => {
  const parsed = parseRegistriesConf(
    `
[registries.search]
registries = ["registry.access.example"]
[registries.insecure]
registries = ["insecure.example:5000"]
[registries.block]
registries = ["blocked.example", "insecure.example:5000"]
`,
    'v1.conf',
    false,
  );
  assert.deepEqual(
    parsed.rules.map((r) => [r.prefix, r.location, r.insecure, r.blocked]),
    [
      ['blocked.example', 'blocked.example', false, true],
      ['insecure.example:5000', 'insecure.example:5000', true, true],
    ],
  );
  assert.deepEqual(parsed.unqualifiedSearchRegistries, ['registry.access.example']);
});

test('invalid files are refused with the file, the place and what is wrong', () => {
  const cases: [string, RegExp][] = [
    [
      '[[registry]]\nlocation = "https://quay.io"\n',
      /bad\.conf: \[\[registry\]\] #1 location "https:\/\/quay\.io": URI schemes are not supported/,
    ],
    ['[[registry]]\ninsecure = true\n', /bad\.conf: \[\[registry\]\] #1: both location and prefix are unset/],
    [
      '[[registry]]\nlocation = "a.example"\nblocked = "yes"\n',
      /bad\.conf: \[\[registry\]\] #1 blocked must be true or false/,
    ],
    [
      '[[registry]]\nlocation = "a.example"\n[[registry.mirror]]\nlocation = "m.example"\npull-from-mirror = "sometimes"\n',
      /unsupported pull-from-mirror value "sometimes"/,
    ],
    [
      '[[registry]]\nlocation = "a.example"\nmirror-by-digest-only = true\n[[registry.mirror]]\nlocation = "m.example"\npull-from-mirror = "all"\n',
      /cannot be set together/,
    ],
    [
      '[[registry]]\nlocation = "a.example"\ninsecure = true\n[[registry]]\nprefix = "a.example/ns"\nlocation = "a.example"\n',
      /registry "a\.example" is defined several times with conflicting "insecure" settings/,
    ],
    ['[registries.block]\nregistries = ["x.example"]\n[[registry]]\nlocation = "y.example"\n', /mixing the v1/],
    ['[[registry]\nlocation = "x"\n', /bad\.conf:1:\d+: not valid TOML/],
  ];
  for (const [text, expected] of cases) {
    assert.throws(
      () => parseRegistriesConf(text, 'bad.conf', false),
      (err: unknown) => err instanceof RegistriesConfError && expected.test(err.message),
      text,
    );
  }
  assert.throws(
    () => parseRegistriesConf('[registries.block]\nregistries = ["x.example"]\n', 'drop.conf', true),
    /drop\.conf: a drop-in file must use the v2 format/,
  );
});

test('which files apply: the override, else the per-user file, else the system file; drop-ins replace prefixes', async (t) => {
  const dir = await tempDirForTest(t, 'regconf');
  const home = join(dir, 'home');
  const systemFile = join(dir, 'etc', 'registries.conf');
  const systemDir = join(dir, 'etc', 'registries.conf.d');
  const userDir = join(home, '.config/containers/registries.conf.d');
  await mkdir(systemDir, { recursive: true });
  await mkdir(userDir, { recursive: true });
  await writeFile(
    systemFile,
    '[[registry]]\nlocation = "a.example"\n[[registry.mirror]]\nlocation = "system-mirror.example"\n',
  );
  await writeFile(join(systemDir, '10-b.conf'), '[[registry]]\nlocation = "b.example"\nblocked = true\n');
  await writeFile(join(systemDir, 'ignored.txt'), 'not toml at all [[[');
  await writeFile(
    join(userDir, '20-a.conf'),
    '[[registry]]\nlocation = "a.example"\n[[registry.mirror]]\nlocation = "user-mirror.example"\n',
  );
  const where = { env: {}, homeDir: home, systemFile, systemDir };

  const conf = await loadRegistriesConf(where);
  assert.deepEqual(conf.files, [systemFile, join(systemDir, '10-b.conf'), join(userDir, '20-a.conf')]);
  assert.deepEqual(
    pullSources(conf, 'a.example', 'x/y', '1').map((s) => s.host),
    ['user-mirror.example', 'a.example'],
    'the drop-in replaced the rule for prefix a.example',
  );
  assert.throws(() => pullSources(conf, 'b.example', 'x/y', '1'), BlockedRegistryError);

  // CONTAINERS_REGISTRIES_CONF names the file; the drop-in directories still apply.
  const override = join(dir, 'override.conf');
  await writeFile(override, '[[registry]]\nlocation = "c.example"\nblocked = true\n');
  const withOverride = await loadRegistriesConf({ ...where, env: { CONTAINERS_REGISTRIES_CONF: override } });
  assert.deepEqual(withOverride.files, [override, join(systemDir, '10-b.conf'), join(userDir, '20-a.conf')]);
  await assert.rejects(
    loadRegistriesConf({ ...where, env: { CONTAINERS_REGISTRIES_CONF: join(dir, 'missing.conf') } }),
    /missing\.conf: the file named by CONTAINERS_REGISTRIES_CONF does not exist/,
  );

  // A per-user registries.conf replaces the system file, and only the user's drop-ins are read.
  await writeFile(join(home, '.config/containers/registries.conf'), 'unqualified-search-registries = ["docker.io"]\n');
  const paths = await registriesConfPaths(where);
  assert.equal(paths.file, join(home, '.config/containers/registries.conf'));
  assert.deepEqual(paths.dirs, [userDir]);
  const user = await loadRegistriesConf(where);
  assert.deepEqual(user.unqualifiedSearchRegistries, ['docker.io']);
  assert.deepEqual(
    user.rules.map((r) => r.prefix),
    ['a.example'],
  );

  // Nothing anywhere: an empty configuration, not an error.
  const none = await loadRegistriesConf({
    env: {},
    homeDir: join(dir, 'nobody'),
    systemFile: join(dir, 'no.conf'),
    systemDir: join(dir, 'no.d'),
  });
  assert.deepEqual(none, { rules: [], files: [], unqualifiedSearchRegistries: [] });
});

test('registries.d preparation: user files copied, mandatory entries added unless already configured', async (t) => {
  const dir = await tempDirForTest(t, 'regd');
  const userD = join(dir, 'my-registries.d');
  await mkdir(userD, { recursive: true });
  await writeFile(
    join(userD, 'quay.yaml'),
    'docker:\n  quay.io:\n    lookaside: https://sigs.example/quay\n  mirror.example:5000/ns:\n    use-sigstore-attachments: true\n',
  );
  const workingDir = join(dir, 'working-dir');
  const prepared = await prepareRegistriesD({
    workingDir,
    sourceDir: userD,
    entries: ['localhost:55000', 'default', 'mirror.example:5000'],
    env: {},
  });
  assert.equal(prepared.copiedFrom, userD);
  const regd = join(workingDir, 'containers', 'registries.d');
  assert.deepEqual((await readdir(regd)).sort(), ['default.yaml', 'localhost:55000.yaml', 'quay.yaml']);
  assert.equal(
    await readFile(join(regd, 'default.yaml'), 'utf8'),
    'default-docker:\n  use-sigstore-attachments: true\n',
  );
  assert.equal(
    await readFile(join(regd, 'localhost:55000.yaml'), 'utf8'),
    'docker:\n  localhost:55000:\n    use-sigstore-attachments: true\n',
  );
  // The destination's entry was dropped: a user scope containing it is already configured.
  assert.deepEqual(
    prepared.written.map((f) => f.slice(regd.length + 1)),
    ['localhost:55000.yaml', 'default.yaml'],
  );

  // A destination with a path lands in a sub-directory, as oc-mirror writes it (default.yaml still covers it).
  const second = await prepareRegistriesD({
    workingDir: join(dir, 'wd2'),
    sourceDir: join(dir, 'empty-but-missing'),
    entries: ['default', 'reg.example:5000/team'],
    env: {},
  }).catch((err: Error) => err);
  assert.match(String(second), /--registries\.d .*empty-but-missing: not a directory/);
  const third = await prepareRegistriesD({
    workingDir: join(dir, 'wd3'),
    entries: ['default', 'reg.example:5000/team'],
    env: { HOME: join(dir, 'nohome') },
    systemDir: join(dir, 'no-system-dir'),
  });
  assert.equal(third.copiedFrom, undefined);
  assert.equal(
    await readFile(join(dir, 'wd3', 'containers', 'registries.d', 'reg.example:5000', 'team.yaml'), 'utf8'),
    'docker:\n  reg.example:5000/team:\n    use-sigstore-attachments: true\n',
  );
});
