/**
 * The images the fault suites mirror, and the oracle checks on where they land.
 *
 * API (stable; imported by other reliability suites):
 *   pushFaultImages(registry): Promise<FaultImages>
 *     target  'faults/target:1'  one small layer + one 256 KiB random layer (`bigLayer`): faults aim here
 *     other   'faults/other:1'   two small layers
 *     multi   'faults/multi:1'   an OCI index over the default platforms
 *   FaultImages.all: [target, other, multi]; origin(proxyHost, image) → 'host/repo:tag' as written in an ISC
 *   assertLanded(registryHost, images, pathPrefix?): skopeo reads every image (and each child of an index)
 *     at the destination and its digest must equal the source's.
 *   assertAbsent(registryHost, image, pathPrefix?): the destination has no such tag.
 */
import assert from 'node:assert/strict';
import { pushImage, pushMultiArchImage, type PushedBlob, type PushedImage } from '../../harness/fixture-images.js';
import type { RunningRegistry } from '../../harness/registry-server.js';
import { skopeoInspectRaw, skopeoManifestDigest } from '../../harness/skopeo.js';

export const BIG_LAYER_BYTES = 256 * 1024;

export interface FaultImages {
  target: PushedImage;
  other: PushedImage;
  multi: PushedImage;
  all: PushedImage[];
  /** The 256 KiB layer of `target`. */
  bigLayer: PushedBlob;
}

export async function pushFaultImages(registry: RunningRegistry): Promise<FaultImages> {
  const target = await pushImage(registry, 'faults/target:1', {
    layers: 1,
    bigLayerSize: BIG_LAYER_BYTES,
  });
  const other = await pushImage(registry, 'faults/other:1', { layers: 2 });
  const multi = await pushMultiArchImage(registry, 'faults/multi:1');
  const bigLayer = target.blobs.find((b) => b.size === BIG_LAYER_BYTES);
  assert.ok(bigLayer, 'the target image has its big layer');
  return { target, other, multi, all: [target, other, multi], bigLayer };
}

/** `host/repo:tag` of a fixture image as seen through `host` (e.g. a proxy). */
export function origin(host: string, image: PushedImage): string {
  return `${host}/${image.repository}:${image.tag}`;
}

const PLAIN_HTTP = { tlsVerify: false };

export async function assertLanded(registryHost: string, images: PushedImage[], pathPrefix = ''): Promise<void> {
  for (const image of images) {
    const repo = `${registryHost}/${pathPrefix}${image.repository}`;
    assert.equal(await skopeoManifestDigest(`${repo}:${image.tag}`, PLAIN_HTTP), image.digest, `${repo}:${image.tag}`);
    if (image.manifests.length > 1 || image.manifests[0].digest !== image.digest) {
      for (const child of image.manifests) {
        assert.equal(
          await skopeoManifestDigest(`${repo}@${child.digest}`, PLAIN_HTTP),
          child.digest,
          `${repo}@${child.digest}`,
        );
      }
    }
  }
}

export async function assertAbsent(registryHost: string, image: PushedImage, pathPrefix = ''): Promise<void> {
  await assert.rejects(
    skopeoInspectRaw(`${registryHost}/${pathPrefix}${image.repository}:${image.tag}`, PLAIN_HTTP),
    /manifest unknown|not found|404/i,
  );
}
