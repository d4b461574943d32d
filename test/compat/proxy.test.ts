/**
 * oc-mirror tests/integration/proxy_test.go and network_isolation_test.go. Go (and ocm-tui) never send loopback
 * traffic through a proxy, so the world names its fixtures `quay.io:<port>`, `ghcr.io:<port>` and
 * `stefanprodan.github.io:<port>` — names only the test's forward proxy resolves (to 127.0.0.1).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { startCompatWorld, type CompatWorld } from './world.js';
import { scenario } from './context.js';
import { expectFailure, expectSuccess } from './runner.js';
import { expectSuccessfulMirrorInLocalCache, expectSuccessfulMirrorInRegistry } from './assertions.js';
import { startForwardProxy, unusedAddr } from './forward-proxy.js';

const ISC = 'happy_path/isc-happy-path.yaml';
const ALIASES = { registry: 'quay.io', chartImage: 'ghcr.io', helm: 'stefanprodan.github.io' };
let world: CompatWorld;
before(async () => {
  world = await startCompatWorld({ aliases: ALIASES });
});
after(() => world.stop());

const proxyEnv = (url: string) => ({
  HTTP_PROXY: url,
  HTTPS_PROXY: url,
  http_proxy: url,
  https_proxy: url,
  NO_PROXY: '',
  no_proxy: '',
});

test('proxy_test.go: should route all mirroring traffic through the configured proxy and succeed', async (t) => {
  const s = await scenario(t, world);
  const proxy = await startForwardProxy(Object.values(ALIASES));
  t.after(() => proxy.stop());
  const isc = await s.isc(ISC);
  expectSuccess(await s.runner.withEnv(proxyEnv(proxy.url)).mirrorToDisk(isc, s.workDir));
  await expectSuccessfulMirrorInLocalCache(isc, s.cacheDir);
  for (const host of ['quay.io', 'stefanprodan.github.io', 'ghcr.io']) {
    assert.ok(
      proxy.sawHost(host),
      `expected the proxy to observe a connection to ${host}; hosts seen: ${proxy.hosts().join(', ')}`,
    );
  }
  assert.equal(proxy.err(), undefined);
});

test('proxy_test.go: should fail when the configured proxy is unreachable', async (t) => {
  const s = await scenario(t, world);
  const addr = await unusedAddr();
  const r = await s.runner
    .withEnv(proxyEnv(`http://${addr}`))
    .mirrorToDisk(await s.isc(ISC), s.workDir, '--retry-times=1');
  expectFailure(r);
  assert.ok(
    r.output.includes('proxyconnect') || r.output.includes('connection refused'),
    `expected failure to be related to the unreachable proxy, got:\n${r.output}`,
  );
});

test("proxy_test.go: should exit promptly instead of hanging when release channel resolution can't reach an unreachable proxy", async (t) => {
  const s = await scenario(t, world);
  const addr = await unusedAddr();
  // upstream reaches api.openshift.com; here the update service is named by a non-loopback alias so that it is
  // only reachable through the (unreachable) proxy
  const port = world.serverUrl.slice(world.serverUrl.lastIndexOf(':') + 1);
  // A run that hangs is killed after 30 s (upstream's bound) and then has no exit code.
  const runner = s.runner.withTimeout(30_000).withEnv({
    ...proxyEnv(`http://${addr}`),
    UPDATE_URL_OVERRIDE: `http://api.openshift.com:${port}/graph`,
  });
  const r = await runner.mirrorToDisk(await s.isc('proxy/isc-proxy-channels.yaml'), s.workDir);
  assert.notEqual(r.code, null, 'still running after 30 s: killed');
  expectFailure(r);
  assert.ok(
    r.output.includes('no release images found'),
    `expected a clear release-collection error, got:\n${r.output}`,
  );
});

test('network_isolation_test.go: should mirror successfully from a local archive when outbound network access is blocked', async (t) => {
  const s = await scenario(t, world);
  const isc = await s.isc('secure_policy/isc-operators-only.yaml');
  const proxy = await startForwardProxy(Object.values(ALIASES));
  t.after(() => proxy.stop());
  expectSuccess(await s.runner.withEnv(proxyEnv(proxy.url)).mirrorToDisk(isc, s.workDir));
  await rm(s.cacheFlag, { recursive: true, force: true });
  const offline = s.runner.withEnv({
    HTTP_PROXY: 'http://127.0.0.1:1',
    HTTPS_PROXY: 'http://127.0.0.1:1',
    NO_PROXY: 'localhost,127.0.0.1',
  });
  expectSuccess(await offline.diskToMirror(isc, s.workDir, s.endpoint, '--dest-tls-verify=false', '--retry-times=1'));
  await expectSuccessfulMirrorInRegistry(isc, s.testRegistry);
});
