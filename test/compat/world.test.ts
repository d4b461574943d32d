/** The fixture world is reproducible: built twice, every generated image has the same digest. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCompatWorld, getManifest } from './world.js';

test('fixture world: two builds give the same digests for every image that names no registry address', async (t) => {
  const digests = async () => {
    const w = await startCompatWorld({ multilayers: true });
    t.after(() => w.stop());
    const catalog = w.catalogs.get('test-catalog-latest')!;
    return {
      // images the catalog names (bundles, operands): generated from the upstream reference, no host inside
      bundles: [...catalog.digests.values()].sort(),
      component: w.release!.component.digest,
      hello: w.hello.digest,
      podinfo: w.podinfoImage!.digest,
      multilayers: w.multilayers!.digest,
      catalogAtTag: (await getManifest(w.source, 'oc-mirror/oc-mirror-dev', 'test-catalog-latest')).digest,
      catalog: catalog.digest,
    };
  };
  const a = await digests();
  const b = await digests();
  assert.equal(a.catalog, a.catalogAtTag);
  // the catalog, the release payload and the chart name the registry's host:port (a free port per world), so
  // they are reproducible for a given address only
  const stable = ({ catalog, catalogAtTag, ...rest }: typeof a) => (void catalog, void catalogAtTag, rest);
  assert.deepEqual(stable(a), stable(b));
});
