/**
 * A release-sized synthetic OpenShift payload for the `release-payload` benchmark scenario (issue 14): 190
 * component images of realistic sizes in `openshift-release-dev/ocp-v4.0-art-dev` (pushed by digest, as Red
 * Hat's are), a payload `openshift-release-dev/ocp-release:4.99.0-x86_64` whose `release-manifests/image-references`
 * names them by digest (the component names of a real 4.12 ImageStream, plus a few more), and a signature of the
 * payload by a throwaway OpenPGP key in Red Hat's format, ready for the harness' Cincinnati/signature server.
 *
 * Sizes: most components carry 1–5 MiB of their own bytes, a fifth 20–50 MiB, a few 100–200 MiB; nearly all sit
 * on one of two shared base stacks (a RHEL 9-like and a RHEL 8-like base + "openshift base" layer), as real
 * payloads share their RHEL base layers. Every layer is pseudo-random (incompressible) and the large ones are
 * generated as streams, hashed once and uploaded from a second pass of the same stream, so no big blob is ever
 * held in memory. Everything is deterministic: the same plan gives the same digests on every run.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, type Gzip } from 'node:zlib';
import pLimit from 'p-limit';
import { pack as tarPack, type Pack } from 'tar-stream';
import { deterministicStream } from '../test/harness/fixture-blobs.js';
import type { FixtureBlob } from '../test/harness/fixture-blobs.js';
import { buildImage, FIXTURE_MEDIA_TYPES, pushBuiltImage } from '../test/harness/fixture-images.js';
import type { PushedImage } from '../test/harness/fixture-images.js';
import type { RunningRegistry } from '../test/harness/registry-server.js';
import { RegistryPusher } from '../test/harness/registry-pusher.js';
import {
  COMPONENT_REPOSITORY,
  PAYLOAD_REPOSITORY,
  RELEASE_MANIFESTS,
  signRelease,
} from '../test/harness/release-fixture.js';
import type { PublishedComponent, PublishedRelease, SigningKey } from '../test/harness/release-fixture.js';

const MiB = 1024 * 1024;
const KiB = 1024;

/** What the generated payload looks like. */
export interface PayloadPlan {
  version: string;
  components: number;
  /** components with 100–200 MiB of their own bytes */
  large: number;
  /** components with 20–50 MiB of their own bytes */
  medium: number;
  /** the rest: 1–5 MiB of their own bytes; the ranges are divided by this (a `--quick` run uses 16) */
  scale: number;
  /** sizes of the two shared base stacks' layers (before `scale`) */
  stacks: { name: string; layers: number[] }[];
  /** every n-th component has no base stack (FROM scratch), the others alternate 3:1 between the stacks */
  scratchEvery: number;
  /** the payload's own layer (cluster-version-operator and friends), before `scale` */
  payloadLayer: number;
}

export const FULL_PAYLOAD: PayloadPlan = {
  version: '4.99.0',
  components: 190,
  large: 8,
  medium: 32,
  scale: 1,
  stacks: [
    { name: 'rhel9', layers: [40 * MiB, 12 * MiB] },
    { name: 'rhel8', layers: [36 * MiB, 10 * MiB] },
  ],
  scratchEvery: 20,
  payloadLayer: 24 * MiB,
};

export const QUICK_PAYLOAD: PayloadPlan = { ...FULL_PAYLOAD, components: 24, large: 2, medium: 5, scale: 16 };

/** One generated component. */
export interface PayloadComponent extends PublishedComponent {
  /** bytes of its own layers (not shared with any other component) */
  ownBytes: number;
  sizeClass: 'small' | 'medium' | 'large';
  /** name of its base stack, if any */
  stack?: string;
  image: PushedImage;
}

/** The seeded payload. */
export interface SeededPayload {
  plan: PayloadPlan;
  release: PublishedRelease;
  key: SigningKey;
  payload: PushedImage;
  components: PayloadComponent[];
  /** payload first, then the components: what a mirror of the release copies */
  images: PushedImage[];
  /** bytes of all (repository, blob) pairs: what has to cross the wire into a registry */
  transferBytes: number;
  /** bytes of the distinct blobs: what an archive must hold */
  uniqueBlobBytes: number;
  /** one line for RESULTS.md */
  description: string;
  /** own bytes per size class: count, min, max, total */
  classes: Record<PayloadComponent['sizeClass'], { count: number; min: number; max: number; total: number }>;
  /** distinct bytes of the shared base stacks, and how many components use each */
  stackUse: { name: string; bytes: number; components: number }[];
}

const LAYER_MTIME = new Date('2024-01-01T00:00:00Z');

/**
 * The bytes of a gzip'd tar layer holding one file of `size` pseudo-random bytes, generated as a stream.
 * gzip level 0 (stored blocks): random bytes do not compress, so a higher level would emit the same stored
 * blocks ~8× slower; the result is a valid layer that an extraction has to gunzip and untar for real.
 */
function tarGzStream(seed: string, size: number): { tar: Pack; gz: Gzip; done: Promise<void> } {
  const archive = tarPack();
  const entry = archive.entry({
    name: `usr/share/bench/${seed.replace(/[^\w.-]/g, '_')}.bin`,
    size,
    mode: 0o644,
    mtime: LAYER_MTIME,
    uid: 0,
    gid: 0,
  });
  const done = pipeline(deterministicStream(seed, size), entry).then(() => {
    archive.finalize();
  });
  done.catch((e: unknown) => archive.destroy(e as Error));
  const gz = createGzip({ level: 0, chunkSize: 1 << 20 });
  archive.on('error', (e) => gz.destroy(e));
  return { tar: archive, gz, done };
}

const layerDigests = new Map<string, { digest: string; diffId: string; size: number }>();

/**
 * A streamed tar+gzip layer holding one file of `size` pseudo-random bytes (seeded by `seed`): digest, size and
 * diff_id from one pass over the stream (memoised), the bytes again on every `open()`, never held in memory.
 */
export async function streamedTarGzLayer(seed: string, size: number, mediaType: string): Promise<FixtureBlob> {
  const key = `${seed}\0${size}`;
  let known = layerDigests.get(key);
  if (!known) {
    const compressed = createHash('sha256');
    const uncompressed = createHash('sha256');
    let bytes = 0;
    const { tar, gz, done } = tarGzStream(seed, size);
    const tee = new PassThrough();
    tee.on('data', (chunk: Buffer) => uncompressed.update(chunk));
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        compressed.update(chunk);
        bytes += chunk.length;
        callback();
      },
    });
    await Promise.all([done, pipeline(tar, tee, gz, sink)]);
    known = {
      digest: `sha256:${compressed.digest('hex')}`,
      diffId: `sha256:${uncompressed.digest('hex')}`,
      size: bytes,
    };
    layerDigests.set(key, known);
  }
  return {
    ...known,
    mediaType,
    open: () => {
      const { tar, gz } = tarGzStream(seed, size);
      return tar.pipe(gz) as Gzip;
    },
  };
}

/** A number in [0, 1) that depends only on `text`. */
function unit(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0) / 2 ** 32;
}

/** Whole KiB in [lo, hi). */
function sizeBetween(seed: string, lo: number, hi: number): number {
  return Math.floor((lo + unit(seed) * (hi - lo)) / KiB) * KiB;
}

interface ImageStream {
  spec: { tags: { name: string; from: { kind?: string; name: string }; [k: string]: unknown }[] };
  [k: string]: unknown;
}

/** Component names: those of the real 4.12 ImageStream, then `bench-extra-N` until there are `count`. */
export async function componentNames(count: number): Promise<{ stream: ImageStream; names: string[] }> {
  const stream = JSON.parse(await readFile(join(RELEASE_MANIFESTS, 'image-references'), 'utf8')) as ImageStream;
  const names = stream.spec.tags.map((t) => t.name).slice(0, count);
  for (let i = 0; names.length < count; i++) names.push(`bench-extra-${i}`);
  return { stream, names };
}

function formatMiB(bytes: number): string {
  return bytes >= 10 * MiB ? `${Math.round(bytes / MiB)}` : `${(bytes / MiB).toFixed(1).replace(/\.0$/, '')}`;
}

/**
 * Generates the payload and its components into `registry` and signs the payload with `key` (the identity the
 * signature names is `<host>/openshift-release-dev/ocp-release:<version>-x86_64`).
 */
export async function seedReleasePayload(
  registry: RunningRegistry,
  plan: PayloadPlan,
  key: SigningKey,
  onProgress: (done: number, total: number) => void,
): Promise<SeededPayload> {
  const layerType = FIXTURE_MEDIA_TYPES.ociLayerGzip;
  const stacks = new Map<string, FixtureBlob[]>();
  for (const stack of plan.stacks) {
    const layers: FixtureBlob[] = [];
    for (const [i, size] of stack.layers.entries())
      layers.push(
        await streamedTarGzLayer(`release-payload/base/${stack.name}/${i}`, Math.round(size / plan.scale), layerType),
      );
    stacks.set(stack.name, layers);
  }
  // The base layers go up first (into both repositories), so the parallel component pushes find them present.
  const pusher = new RegistryPusher(registry);
  for (const layers of stacks.values())
    for (const layer of layers)
      for (const repository of [COMPONENT_REPOSITORY, PAYLOAD_REPOSITORY]) await pusher.pushBlob(repository, layer);

  // Size classes by a hash of the name, so large and medium components are spread over the list.
  const { stream, names } = await componentNames(plan.components);
  const byHash = [...names].sort((a, b) => unit(`class/${a}`) - unit(`class/${b}`));
  const sizeClass = new Map<string, PayloadComponent['sizeClass']>();
  byHash.forEach((name, i) =>
    sizeClass.set(name, i < plan.large ? 'large' : i < plan.large + plan.medium ? 'medium' : 'small'),
  );
  const ranges = { small: [1 * MiB, 5 * MiB], medium: [20 * MiB, 50 * MiB], large: [100 * MiB, 200 * MiB] } as const;

  const limit = pLimit(4);
  let done = 0;
  const total = names.length + 1;
  const components = await Promise.all(
    names.map((name, index) =>
      limit(async (): Promise<PayloadComponent> => {
        const cls = sizeClass.get(name)!;
        const [lo, hi] = ranges[cls];
        // Own bytes: one streamed layer (the component's binaries) and one small layer (its config files).
        const small = sizeBetween(`small/${name}`, 16 * KiB, 256 * KiB);
        const big = Math.max(KiB, Math.round(sizeBetween(`own/${name}`, lo, hi) / plan.scale) - small);
        const stackName =
          (index + 1) % plan.scratchEvery === 0
            ? undefined
            : plan.stacks[index % 4 === 3 ? 1 % plan.stacks.length : 0]?.name;
        // The generated small layer is a real tar+gzip too (gzip level 6 of random bytes: incompressible).
        const own = await streamedTarGzLayer(`release-payload/component/${name}`, big, layerType);
        const built = await buildImage({
          seed: `release-payload/component/${name}`,
          baseLayers: [...(stackName ? stacks.get(stackName)! : []), own],
          layers: 1,
          layerSize: small,
          labels: { 'io.openshift.build.component': name },
        });
        const image = await pushBuiltImage(registry, COMPONENT_REPOSITORY, built);
        onProgress(++done, total);
        return {
          name,
          ref: `${registry.host}/${COMPONENT_REPOSITORY}@${image.digest}`,
          digest: image.digest,
          ownBytes: small + big,
          sizeClass: cls,
          stack: stackName,
          image,
        };
      }),
    ),
  );

  // release-manifests/image-references: the real ImageStream's entries (a clone of the last one for the extra
  // names), each pointing at its generated component by digest.
  const template = stream.spec.tags[stream.spec.tags.length - 1];
  stream.spec.tags = components.map((c) => {
    const original = stream.spec.tags.find((t) => t.name === c.name) ?? { ...template, name: c.name };
    return { ...original, from: { kind: 'DockerImage', name: c.ref } };
  });
  (stream as { metadata?: { name?: string } }).metadata = {
    ...((stream as { metadata?: object }).metadata ?? {}),
    name: plan.version,
  };
  const tag = `${plan.version}-x86_64`;
  const built = await buildImage({
    seed: `release-payload/payload/${tag}`,
    baseLayers: [
      ...stacks.get(plan.stacks[0].name)!,
      await streamedTarGzLayer(
        `release-payload/payload/${tag}/cvo`,
        Math.round(plan.payloadLayer / plan.scale),
        layerType,
      ),
    ],
    layers: 0,
    files: {
      'release-manifests/image-references': JSON.stringify(stream, null, 2),
      'release-manifests/release-metadata': JSON.stringify({
        kind: 'cincinnati-metadata-v0',
        version: plan.version,
        previous: [],
        metadata: {},
      }),
    },
    labels: { 'io.openshift.release': plan.version },
  });
  const payload = await pushBuiltImage(registry, `${PAYLOAD_REPOSITORY}:${tag}`, built);
  onProgress(++done, total);
  const identity = `${registry.host}/${PAYLOAD_REPOSITORY}:${tag}`;
  const release: PublishedRelease = {
    version: plan.version,
    tag,
    identity,
    digest: payload.digest,
    components: components.map(({ name, ref, digest }) => ({ name, ref, digest })),
    signature: await signRelease(key, identity, payload.digest),
  };

  const images = [payload, ...components.map((c) => c.image)];
  const perRepo = new Set<string>();
  const distinct = new Set<string>();
  let transferBytes = 0;
  let uniqueBlobBytes = 0;
  for (const image of images)
    for (const blob of image.blobs) {
      if (!perRepo.has(`${image.repository}@${blob.digest}`)) {
        perRepo.add(`${image.repository}@${blob.digest}`);
        transferBytes += blob.size;
      }
      if (!distinct.has(blob.digest)) {
        distinct.add(blob.digest);
        uniqueBlobBytes += blob.size;
      }
    }

  const classes = {} as SeededPayload['classes'];
  for (const cls of ['small', 'medium', 'large'] as const) {
    const own = components.filter((c) => c.sizeClass === cls).map((c) => c.ownBytes);
    classes[cls] = {
      count: own.length,
      min: own.length ? Math.min(...own) : 0,
      max: own.length ? Math.max(...own) : 0,
      total: own.reduce((a, b) => a + b, 0),
    };
  }
  const stackUse = plan.stacks.map((s) => ({
    name: s.name,
    bytes: stacks.get(s.name)!.reduce((a, l) => a + l.size, 0),
    components: components.filter((c) => c.stack === s.name).length,
  }));
  const scratch = components.filter((c) => !c.stack).length;
  const description =
    `signed payload + ${components.length} components: ${classes.small.count} × ${formatMiB(classes.small.min)}–${formatMiB(classes.small.max)} MiB, ` +
    `${classes.medium.count} × ${formatMiB(classes.medium.min)}–${formatMiB(classes.medium.max)} MiB, ` +
    `${classes.large.count} × ${formatMiB(classes.large.min)}–${formatMiB(classes.large.max)} MiB of own layers, ` +
    `${stackUse.map((s) => `${s.components} on a shared ${formatMiB(s.bytes)} MiB ${s.name} base`).join(', ')}, ${scratch} from scratch`;
  return {
    plan,
    release,
    key,
    payload,
    components,
    images,
    transferBytes,
    uniqueBlobBytes,
    description,
    classes,
    stackUse,
  };
}
