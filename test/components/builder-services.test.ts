/**
 * The config builder's services over the real core: a catalog published into a real registry, its repository's
 * tags, an image's size, a release graph from the harness's Cincinnati server (UPDATE_URL_OVERRIDE), a Helm
 * index over HTTP, and files relative to the wizard's directory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createBuilderServices } from '../../source/interactive/builder-services.js';
import { startRegistry } from '../harness/registry-server.js';
import { pushImage } from '../harness/fixture-images.js';
import { publishCatalog } from '../harness/catalog-fixture.js';
import { generateSigningKey, publishRelease, startReleaseServer } from '../harness/release-fixture.js';
import { tempDirForTest } from '../harness/temp-dir.js';

const INDEX = `apiVersion: v1
entries:
  podinfo:
  - apiVersion: v2
    name: podinfo
    version: 6.5.1
    urls: [podinfo-6.5.1.tgz]
  - apiVersion: v2
    name: podinfo
    version: 6.5.0
    urls: [podinfo-6.5.0.tgz]
  common:
  - apiVersion: v2
    name: common
    type: library
    version: 1.0.0
    urls: [common-1.0.0.tgz]
`;

test('builder services: catalog, tags, footprint, graph, Helm charts, files', async (t) => {
  const registry = await startRegistry();
  t.after(() => registry.stop());
  const work = await tempDirForTest(t, 'builder-services');
  const catalog = await publishCatalog(registry, 'test-catalog-latest');
  const image = await pushImage(registry, 'apps/tagged:2');
  await pushImage(registry, 'apps/tagged:1');
  const key = await generateSigningKey();
  const release = await publishRelease(registry, { version: '4.16.3', components: 2, key });
  const graphs = await startReleaseServer(registry.host, { 'stable-4.16': [release] }, [release]);
  t.after(() => graphs.stop());
  const helm = createServer((req, res) => {
    if (req.url === '/charts/index.yaml') res.writeHead(200).end(INDEX);
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => helm.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => helm.close(() => resolve())));
  const helmUrl = `http://127.0.0.1:${(helm.address() as { port: number }).port}/charts/`;

  const services = createBuilderServices(
    work,
    { srcTlsVerify: false, retryTimes: 0, cacheDir: join(work, 'cache') },
    { HOME: work, UPDATE_URL_OVERRIDE: graphs.graphUrl },
  );
  t.after(() => services.close());

  const model = await services.loadCatalog(catalog.ref);
  assert.deepEqual(
    model.packages.map((p) => p.name),
    ['bar', 'baz', 'foo'],
  );
  assert.equal(model.bundleCount, 10);
  assert.deepEqual(await services.listTags(`${registry.host}/apps/tagged`), ['1', '2']);
  const footprint = await services.imageFootprint(image.reference);
  assert.equal(footprint.bytes, image.manifestBytes.length + image.blobs.reduce((n, b) => n + b.size, 0));
  assert.equal(footprint.cachedBytes, 0);
  const graph = await services.fetchGraph('stable-4.16', 'amd64');
  assert.deepEqual(
    graph.nodes.map((n) => n.version),
    ['4.16.3'],
  );
  assert.deepEqual(await services.listCharts(helmUrl), [{ name: 'podinfo', versions: ['6.5.1', '6.5.0'] }]);
  await assert.rejects(services.loadCatalog(`${registry.host}/missing/catalog:v1`));

  // The dry run with the mirror's collectors: foo's range keeps 3 bundles (+ 1 operand), the catalog as published
  // and the filtered catalog it would rebuild; the additional image.
  const plan = await services.planImages(`kind: ImageSetConfiguration
apiVersion: mirror.openshift.io/v2alpha1
mirror:
  operators:
    - catalog: ${catalog.ref}
      packages:
        - name: foo
          minVersion: 0.2.0
          maxVersion: 0.3.1
  additionalImages:
    - name: ${image.reference}
`);
  assert.deepEqual(plan.errors, []);
  assert.deepEqual(plan.totals, { operator: 6, additional: 1 });
  assert.ok(plan.images.some((i) => i.source === `docker://${image.reference}`));

  assert.equal(await services.fileExists('sub/isc.yaml'), false);
  await services.writeConfig('sub/isc.yaml', 'kind: ImageSetConfiguration\n');
  assert.equal(await services.fileExists('sub/isc.yaml'), true);
  assert.equal(await readFile(join(work, 'sub', 'isc.yaml'), 'utf8'), 'kind: ImageSetConfiguration\n');
});
