/**
 * UpdateService generation (spec core.md §5.5): `updateService.yaml`, byte for byte, with the annotations of every
 * cluster resource (§5.1) and the release repository stripped of tag and digest.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ClusterResourceError } from '../../core/cluster-resources/cluster-resource-error.js';
import {
  UPDATE_SERVICE_FILE_NAME,
  generateUpdateService,
  writeUpdateService,
} from '../../core/cluster-resources/update-service.js';
import { tempDirForTest } from '../harness/temp-dir.js';

const R = 'mirror.example.com:5000/disconnected';
const OPTS = { createdAt: '2025-01-31T10:00:00Z', version: 'v4.18.0' };
const HEX = 'abcdef0123456789'.repeat(4);

/** The §5.5 example with the annotations filled in. */
const EXPECTED = `apiVersion: updateservice.operator.openshift.io/v1
kind: UpdateService
metadata:
  annotations:
    createdAt: "2025-01-31T10:00:00Z"
    createdBy: oc-mirror v2
    oc-mirror_version: v4.18.0
  name: update-service-oc-mirror
  namespace: openshift-update-service
spec:
  graphDataImage: mirror.example.com:5000/disconnected/openshift/graph-image:latest
  releases: mirror.example.com:5000/disconnected/openshift/release-images
  replicas: 2
`;

test('§5.5 example, byte for byte', () => {
  const text = generateUpdateService(
    { graphImage: `docker://${R}/openshift/graph-image:latest`, releasesRepository: `${R}/openshift/release-images` },
    OPTS,
  );
  assert.equal(text, EXPECTED);
});

test('transports are dropped, and so are the tag and digest of the releases repository', () => {
  for (const releasesRepository of [
    `docker://${R}/openshift/release-images`,
    `${R}/openshift/release-images:4.18.1-x86_64`,
    `docker://${R}/openshift/release-images:4.18.1-x86_64`,
    `${R}/openshift/release-images@sha256:${HEX}`,
  ]) {
    const text = generateUpdateService({ graphImage: `${R}/openshift/graph-image:latest`, releasesRepository }, OPTS);
    assert.equal(text, EXPECTED, releasesRepository);
  }
});

test('a graph image by digest keeps its digest; a one-component registry path works', () => {
  const text = generateUpdateService(
    {
      graphImage: `docker://localhost:5000/openshift/graph-image@sha256:${HEX}`,
      releasesRepository: 'localhost:5000/openshift/release-images',
    },
    OPTS,
  );
  const doc = parseYaml(text) as { spec: Record<string, unknown> };
  assert.deepEqual(doc.spec, {
    graphDataImage: `localhost:5000/openshift/graph-image@sha256:${HEX}`,
    releases: 'localhost:5000/openshift/release-images',
    replicas: 2,
  });
});

test('keys are sorted and the output is the same on every call', () => {
  const input = {
    graphImage: `${R}/openshift/graph-image:latest`,
    releasesRepository: `${R}/openshift/release-images`,
  };
  const first = generateUpdateService(input, OPTS);
  assert.equal(generateUpdateService(input, OPTS), first);
  const topKeys = first
    .split('\n')
    .filter((line) => /^[a-z]/i.test(line))
    .map((line) => line.split(':')[0]);
  assert.deepEqual(topKeys, ['apiVersion', 'kind', 'metadata', 'spec']);
});

test('invalid references are ClusterResourceErrors naming the reference', () => {
  assert.throws(
    () => generateUpdateService({ graphImage: `${R}/openshift/graph-image`, releasesRepository: `${R}/r` }, OPTS),
    (err: unknown) => err instanceof ClusterResourceError && /graph image/.test(err.message),
  );
  assert.throws(
    () =>
      generateUpdateService(
        { graphImage: 'oci:///tmp/graph-layout', releasesRepository: `${R}/openshift/release-images` },
        OPTS,
      ),
    (err: unknown) => err instanceof ClusterResourceError && /not a registry reference/.test(err.message),
  );
  assert.throws(
    () =>
      generateUpdateService(
        { graphImage: `${R}/openshift/graph-image:latest`, releasesRepository: `${R}/Release_Images!` },
        OPTS,
      ),
    (err: unknown) =>
      err instanceof ClusterResourceError && err.message.includes(`"${R}/Release_Images!" is not a valid repository`),
  );
  assert.throws(
    () =>
      generateUpdateService(
        { graphImage: `${R}/openshift/graph-image:latest`, releasesRepository: 'oci:///tmp/releases' },
        OPTS,
      ),
    (err: unknown) => err instanceof ClusterResourceError && /not a registry reference/.test(err.message),
  );
});

test('writeUpdateService writes updateService.yaml atomically and replaces an older one', async (t) => {
  const dir = join(await tempDirForTest(t, 'update-service-'), 'working-dir', 'cluster-resources');
  const input = {
    graphImage: `${R}/openshift/graph-image:latest`,
    releasesRepository: `${R}/openshift/release-images`,
  };
  const path = await writeUpdateService(dir, input, OPTS);
  assert.equal(path, join(dir, UPDATE_SERVICE_FILE_NAME));
  assert.equal(await readFile(path, 'utf8'), EXPECTED);
  await writeFile(path, 'stale');
  await writeUpdateService(dir, input, OPTS);
  assert.equal(await readFile(path, 'utf8'), EXPECTED);
  assert.deepEqual(await readdir(dir), [UPDATE_SERVICE_FILE_NAME]);
});

test('nothing is written when generation fails', async (t) => {
  const dir = join(await tempDirForTest(t, 'update-service-'), 'cluster-resources');
  await assert.rejects(
    writeUpdateService(dir, { graphImage: 'not a reference', releasesRepository: `${R}/r` }, OPTS),
    ClusterResourceError,
  );
  await assert.rejects(readdir(dir), { code: 'ENOENT' });
});
