/**
 * The `release-sized` copy fixture of `npm run bench` (issue 19; opt-in: `--fixtures release-sized`): 190 images
 * shaped like the component images of an OpenShift release, mirrored as additional images.
 *
 * - Tags are the component names of a real 4.12 release (its ImageStream in the upstream test data, plus
 *   `bench-extra-N` up to 190), in 11 repositories `bench/rs-<area>` by what the component is (storage,
 *   networking, monitoring, …): e.g. `bench/rs-storage:aws-ebs-csi-driver`.
 * - Every image: one shared 80 MiB base layer (the same blob in every image, as a release's RHEL base), then 2–7
 *   layers of its own, skewed to few (2: 45 %, 3: 25 %, 4: 12 %, 5: 8 %, 6: 6 %, 7: 4 %).
 * - Own layer sizes log-normal with a median of 3 MiB (σ 0.9), clipped to 1–30 MiB; exactly 4 layers, in 4
 *   different images, of 100–300 MiB instead.
 * - OCI manifests and tar+gzip layers (one file of pseudo-random, incompressible bytes each, stored gzip blocks),
 *   generated and uploaded as streams (bench/release-payload-fixture.ts' streamedTarGzLayer: hashed in one pass,
 *   uploaded from a second pass of the same deterministic stream), never held in memory. OCI rather than Docker
 *   schema 2 so that skopeo can copy the images into OCI layouts with `--preserve-digests` (the m2d/d2m baseline).
 * - Deterministic: sizes from a seeded PRNG (mulberry32), bytes from the layer seeds; every run pushes the same
 *   digests.
 *
 * `--quick`: 24 images spread over the same names, an 8 MiB base, own layer sizes ÷ 8.
 */
import pLimit from 'p-limit';
import { buildImage, FIXTURE_MEDIA_TYPES, pushBuiltImage } from '../test/harness/fixture-images.js';
import type { FixtureBlob } from '../test/harness/fixture-blobs.js';
import type { PushedImage } from '../test/harness/fixture-images.js';
import type { RunningRegistry } from '../test/harness/registry-server.js';
import { RegistryPusher } from '../test/harness/registry-pusher.js';
import { componentNames, streamedTarGzLayer } from './release-payload-fixture.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** What the generated fixture looks like. */
export interface ReleaseSizedPlan {
  images: number;
  /** the shared base layer's payload bytes */
  baseLayer: number;
  /** own-layer sizes (log-normal and big) are divided by this (a `--quick` run uses 8) */
  scale: number;
  /** own layers: log-normal sizes with this median and σ (of the natural log), clipped to [min, max] */
  median: number;
  sigma: number;
  min: number;
  max: number;
  /** [number of own layers, weight] */
  ownLayerWeights: [number, number][];
  /** this many images have one own layer of [bigMin, bigMax) instead of a log-normal one */
  big: number;
  bigMin: number;
  bigMax: number;
  /** PRNG seed */
  seed: number;
}

export const FULL_RELEASE_SIZED: ReleaseSizedPlan = {
  images: 190,
  baseLayer: 80 * MiB,
  scale: 1,
  median: 3 * MiB,
  sigma: 0.9,
  min: 1 * MiB,
  max: 30 * MiB,
  ownLayerWeights: [
    [2, 45],
    [3, 25],
    [4, 12],
    [5, 8],
    [6, 6],
    [7, 4],
  ],
  big: 4,
  bigMin: 100 * MiB,
  bigMax: 300 * MiB,
  seed: 3,
};

export const QUICK_RELEASE_SIZED: ReleaseSizedPlan = {
  ...FULL_RELEASE_SIZED,
  images: 24,
  baseLayer: 8 * MiB,
  scale: 8,
};

/** A tiny seeded PRNG (mulberry32): uniform numbers in [0, 1), the same sequence for the same seed. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Repositories by what a component is, first match wins; the rest go to `rs-operators`. */
const AREAS: [string, RegExp][] = [
  ['storage', /csi|storage|snapshot/],
  ['monitoring', /prom|thanos|metrics|telemeter|monitoring|configmap-reloader|insights/],
  ['cloud', /^(alibaba|aws|azure|gcp|ibm|ibmcloud|openstack|ovirt|powervs|vsphere|nutanix|kubevirt|libvirt)-|cloud/],
  ['machine', /machine|baremetal|ironic|cluster-api|capi|autoscaler|installer|bootstrap|coreos|hypershift/],
  ['olm', /operator-lifecycle|marketplace|operator-registry|olm|platform-operators/],
  ['networking', /network|ovn|sdn|multus|cni|kuryr|coredns|dns|router|ingress|egress|keepalived|route|kube-proxy/],
  [
    'control-plane',
    /apiserver|controller-manager|scheduler|etcd|hyperkube|kube|cluster-version|cluster-config|oauth|authentication|policy|service-ca|update-keys/,
  ],
  ['console', /console/],
  ['builds', /builder|deployer|registry|samples|driver-toolkit|^pod$/],
  ['tools', /cli|tools|must-gather|tests|oc-mirror|artifacts/],
];

function repositoryOf(component: string): string {
  return `bench/rs-${AREAS.find(([, re]) => re.test(component))?.[0] ?? 'operators'}`;
}

/** One planned image: where it goes and the payload sizes of its own layers. */
export interface PlannedImage {
  repository: string;
  tag: string;
  /** payload bytes of its own layers (after the shared base), whole KiB */
  ownLayers: number[];
  /** index into ownLayers of its 100–300 MiB layer, if it has one */
  bigLayer?: number;
}

/** Draws the fixture: names, repositories, layer counts and sizes. Deterministic for a plan. */
export async function planReleaseSized(plan: ReleaseSizedPlan): Promise<PlannedImage[]> {
  const random = mulberry32(plan.seed);
  const { names: all } = await componentNames(FULL_RELEASE_SIZED.images);
  // A smaller plan takes names spread over the whole list, so it still covers most repositories.
  const names = Array.from({ length: plan.images }, (_, i) => all[Math.floor((i * all.length) / plan.images)]);
  const totalWeight = plan.ownLayerWeights.reduce((a, [, w]) => a + w, 0);
  const layerCount = (): number => {
    let r = random() * totalWeight;
    for (const [count, weight] of plan.ownLayerWeights) if ((r -= weight) < 0) return count;
    return plan.ownLayerWeights[plan.ownLayerWeights.length - 1][0];
  };
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const scaled = (bytes: number): number => Math.max(KiB, Math.round(bytes / plan.scale / KiB) * KiB);
  const logNormal = (): number =>
    scaled(Math.min(plan.max, Math.max(plan.min, plan.median * Math.exp(plan.sigma * normal()))));
  const images: PlannedImage[] = names.map((name) => ({
    repository: repositoryOf(name),
    tag: name,
    ownLayers: Array.from({ length: layerCount() }, logNormal),
  }));
  // The big layers: in `big` different images (a partial Fisher–Yates shuffle), each replacing one own layer.
  const order = images.map((_, i) => i);
  for (let i = 0; i < Math.min(plan.big, order.length); i++) {
    const j = i + Math.floor(random() * (order.length - i));
    [order[i], order[j]] = [order[j], order[i]];
    const image = images[order[i]];
    image.bigLayer = Math.floor(random() * image.ownLayers.length);
    image.ownLayers[image.bigLayer] = scaled(plan.bigMin + random() * (plan.bigMax - plan.bigMin));
  }
  return images;
}

/** The seeded fixture. */
export interface SeededReleaseSized {
  images: PushedImage[];
  /** one line for RESULTS.md (the section heading) */
  description: string;
  /** how it is built, for RESULTS.md */
  details: string[];
}

function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(bytes < 10 * MiB ? 1 : 0)} MiB`;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/**
 * Generates the fixture into `registry`: the base layer first into every repository (once each), then the images,
 * four at a time, each layer streamed.
 */
export async function seedReleaseSized(
  registry: RunningRegistry,
  quick: boolean,
  onProgress: (done: number, total: number) => void,
): Promise<SeededReleaseSized> {
  const plan = quick ? QUICK_RELEASE_SIZED : FULL_RELEASE_SIZED;
  const planned = await planReleaseSized(plan);
  const layerType = FIXTURE_MEDIA_TYPES.ociLayerGzip;
  const base = await streamedTarGzLayer('release-sized/base', plan.baseLayer, layerType);
  const repositories = [...new Set(planned.map((p) => p.repository))].sort();
  const pusher = new RegistryPusher(registry);
  for (const repository of repositories) await pusher.pushBlob(repository, base);

  const limit = pLimit(4);
  let done = 0;
  const images = await Promise.all(
    planned.map((p) =>
      limit(async () => {
        const own: FixtureBlob[] = [];
        for (const [i, size] of p.ownLayers.entries())
          own.push(await streamedTarGzLayer(`release-sized/${p.tag}/${i}`, size, layerType));
        const built = await buildImage({
          seed: `release-sized/${p.repository}:${p.tag}`,
          baseLayers: [base, ...own],
          layers: 0,
          labels: { 'io.openshift.build.component': p.tag },
        });
        const image = await pushBuiltImage(registry, `${p.repository}:${p.tag}`, built);
        onProgress(++done, planned.length);
        return image;
      }),
    ),
  );

  // Exact numbers from what was pushed (blob sizes include the tar headers and gzip framing).
  const distinct = new Map<string, number>();
  for (const image of images) for (const blob of image.blobs) distinct.set(blob.digest, blob.size);
  const distinctBytes = [...distinct.values()].reduce((a, b) => a + b, 0);
  // Own layers follow the base layer in each manifest.
  const ownSizes = (i: number, big: boolean): number[] =>
    images[i].manifests[0].layers.slice(1).flatMap((l, j) => ((j === planned[i].bigLayer) === big ? [l.size] : []));
  const bigSizes = planned.flatMap((_, i) => ownSizes(i, true)).sort((a, b) => a - b);
  const small = planned.flatMap((_, i) => ownSizes(i, false)).sort((a, b) => a - b);
  const extras = planned.filter((p) => p.tag.startsWith('bench-extra-')).length;
  const counts = new Map<number, number>();
  for (const p of planned) counts.set(p.ownLayers.length, (counts.get(p.ownLayers.length) ?? 0) + 1);
  const perRepository = repositories.map((r) => `\`${r}\` ${planned.filter((p) => p.repository === r).length}`);
  const smallRange = `${mib(plan.min / plan.scale)}–${mib(plan.max / plan.scale)}`;
  const bigRange = `${mib(plan.bigMin / plan.scale)}–${mib(plan.bigMax / plan.scale)}`;
  const layerCounts = plan.ownLayerWeights.map(([n]) => n);
  const description =
    `${images.length} images in ${repositories.length} repositories, each the shared ${mib(base.size)} base layer + ` +
    `${Math.min(...layerCounts)}–${Math.max(...layerCounts)} own layers ` +
    `(${small.length} × ${smallRange}, ${bigSizes.length} × ${bigRange}); ${distinct.size} distinct blobs, ` +
    `${distinctBytes.toLocaleString('en-US')} bytes (${(distinctBytes / GiB).toFixed(2)} GiB)`;
  const details = [
    `${quick ? '**--quick** (24 images, 8 MiB base, own layer sizes ÷ 8; smoke run only). ' : ''}Additional images shaped like a release's components (bench/release-sized-fixture.ts): tags = component names of a real 4.12 release${
      extras ? ` (and ${extras} \`bench-extra-N\`)` : ''
    }, in repositories by area: ${perRepository.join(', ')}. OCI manifests; every image starts with the same ${mib(
      base.size,
    )} base layer (uploaded once per repository), then its own layers: ${[...counts.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([n, c]) => `${n} own layers ×${c} images`)
      .join(
        ', ',
      )}. Own layer sizes log-normal (median ${mib(plan.median / plan.scale)}, σ ${plan.sigma}) clipped to ${smallRange}: ${
      small.length
    } layers, ${mib(small.reduce((a, b) => a + b, 0))} in all, min ${mib(small[0])}, median ${mib(percentile(small, 0.5))}, 90th percentile ${mib(
      percentile(small, 0.9),
    )}, max ${mib(small[small.length - 1])}; and ${bigSizes.length} layers of ${bigRange} in ${bigSizes.length} different images: ${bigSizes
      .map(mib)
      .join(
        ', ',
      )}. Every layer is a tar+gzip of pseudo-random (incompressible) bytes, generated and uploaded as a stream; the seeded PRNG (mulberry32, seed ${
      plan.seed
    }) makes every run push the same digests.`,
    `\`skopeo sync --dest dir\` (and \`--src dir\` from its output) is not run for this fixture: sync writes every image into a dir of its own, blobs and all, so it would write the shared ${mib(
      base.size,
    )} base ${images.length} times (${((base.size * images.length) / 1e9).toFixed(1)} GB of duplicates next to ${(
      distinctBytes / 1e9
    ).toFixed(
      1,
    )} GB of distinct blobs), which is not skopeo at its best. skopeo's m2d and d2m baseline is \`skopeo copy --all --preserve-digests\` through one OCI layout per process instead, where a blob is stored once per layout.`,
  ];
  return { images, description, details };
}
