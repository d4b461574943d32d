import pLimit from 'p-limit';
import { makeBaseLayers, pushImage } from '../test/harness/fixture-images.js';
import type { FixtureImageOptions, PushedImage } from '../test/harness/fixture-images.js';
import type { RunningRegistry } from '../test/harness/registry-server.js';
import type { FixtureName } from './bench-options.js';
import { seedReleaseSized } from './release-sized-fixture.js';

const MiB = 1024 * 1024;

/** One generated image of a fixture: 'repo:tag' and how to build it. */
interface ImagePlan {
  ref: string;
  spec: FixtureImageOptions;
}

/** A fixture pushed into the source registry. */
export interface SeededFixture {
  name: FixtureName;
  /** human description for RESULTS.md */
  description: string;
  /** paragraphs for RESULTS.md on how the fixture is built */
  details?: string[];
  /**
   * how skopeo's m2d/d2m baseline runs: `sync-dir` = `skopeo sync --dest dir` / `--src dir`; `oci-layouts` =
   * `skopeo copy --all --preserve-digests` through one OCI layout per process (for images sharing big blobs,
   * which sync-to-dir would write once per image)
   */
  skopeoDisk: 'sync-dir' | 'oci-layouts';
  images: PushedImage[];
  /** bytes of all (repository, blob) pairs: what has to cross the wire into a registry */
  transferBytes: number;
  /** bytes of the distinct blobs: what an archive must hold */
  uniqueBlobBytes: number;
}

/** The generated fixtures pushed image by image with pushImage (layers in memory: small and `big` ones). */
async function plan(
  name: Exclude<FixtureName, 'release-sized'>,
  quick: boolean,
): Promise<{ description: string; images: ImagePlan[] }> {
  switch (name) {
    case 'big': {
      const [count, layers, size] = quick ? [2, 2, 4 * MiB] : [8, 4, 32 * MiB];
      return {
        description: `${count} images × ${layers} layers × ${size / MiB} MiB incompressible (${(count * layers * size) / MiB} MiB)`,
        images: Array.from({ length: count }, (_, i) => ({
          ref: `bench/big-${i}:v1`,
          spec: { layers, layerSize: size, layerKind: 'random' as const },
        })),
      };
    }
    case 'release': {
      const [count, size] = quick ? [20, 64 * 1024] : [200, 512 * 1024];
      const baseLayers = await makeBaseLayers('bench-release-base', 1, 'oci', size);
      return {
        description: `${count} images (tags of one repository) × 3 layers of ~${size / 1024} KiB, all sharing one base layer`,
        images: Array.from({ length: count }, (_, i) => ({
          ref: `bench/release:component-${String(i).padStart(3, '0')}`,
          spec: { layers: 2, layerSize: size, layerKind: 'random' as const, baseLayers },
        })),
      };
    }
    case 'huge': {
      const size = quick ? 128 * MiB : 2048 * MiB;
      return {
        description: `1 image with a single ${size / MiB} MiB layer`,
        images: [{ ref: 'bench/huge:v1', spec: { layers: 0, bigLayerSize: size } }],
      };
    }
  }
}

/** Generates the fixture and pushes it into `registry` (a few images at once). */
export async function seedFixture(
  registry: RunningRegistry,
  name: FixtureName,
  quick: boolean,
  onProgress: (done: number, total: number) => void,
): Promise<SeededFixture> {
  let seeded: { description: string; details?: string[]; images: PushedImage[] };
  if (name === 'release-sized') seeded = await seedReleaseSized(registry, quick, onProgress);
  else {
    const { description, images: plans } = await plan(name, quick);
    // Big fixtures hold whole layers in memory while pushing: keep that to two images.
    const limit = pLimit(name === 'release' ? 4 : 2);
    let done = 0;
    const pushed = await Promise.all(
      plans.map((p) =>
        limit(async () => {
          const image = await pushImage(registry, p.ref, p.spec);
          onProgress(++done, plans.length);
          return image;
        }),
      ),
    );
    seeded = { description, images: pushed };
  }
  const { description, details, images } = seeded;
  const perRepo = new Set<string>();
  const distinct = new Set<string>();
  let transferBytes = 0;
  let uniqueBlobBytes = 0;
  for (const image of images) {
    for (const blob of image.blobs) {
      const key = `${image.repository}@${blob.digest}`;
      if (!perRepo.has(key)) {
        perRepo.add(key);
        transferBytes += blob.size;
      }
      if (!distinct.has(blob.digest)) {
        distinct.add(blob.digest);
        uniqueBlobBytes += blob.size;
      }
    }
  }
  return {
    name,
    description,
    details,
    skopeoDisk: name === 'release-sized' ? 'oci-layouts' : 'sync-dir',
    images,
    transferBytes,
    uniqueBlobBytes,
  };
}
