/**
 * `mirror.platform` (collectors.md §1): releases chosen from Cincinnati channels (or the `release` field), each
 * payload's signature verified for real (signer in the keyring, signature valid, signed digest = payload digest),
 * its tag taken from the signature identity, its components read from `release-manifests/image-references`.
 *
 *   M2D/M2M  graph from Cincinnati (recorded in hold-release/), signature from the store (cached in signatures/),
 *            release-manifests streamed out of the payload into hold-release/
 *   D2M      the same three from the working-dir the archive brought; no network
 *
 * Any release error fails the collection (exit bit 2) before anything is copied.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SIGNATURES_DIR } from './signature-store.js';
import type { Collector, CollectContext, CollectedImage } from '../collector.js';
import type { EventInput } from '../../events.js';
import { CollectorError } from '../collector.js';
import type { ImageSetSpec } from '../../config/image-set-config.js';
import { OcmError, describeError } from '../../errors.js';
import { resolveLocation, type ImageLocation } from '../../copy/image-location.js';
import type { VerifySource } from '../../copy/copy-engine.js';
import { PolicyRejectedError } from '../../policy/policy-evaluator.js';
import { parseManifest } from '../../registry/media-types.js';
import { DOCKER_TRANSPORT, formatPullReference, parseImageReference } from '../../reference/image-reference.js';
import {
  kubeVirtComponentName,
  releaseComponentDestination,
  releaseDestination,
  releaseTag,
} from '../../reference/destination.js';
import type { Platform } from '../../image-types.js';
import {
  extractReleaseManifests,
  holdReleaseDir,
  kubeVirtKeys,
  readImageReferences,
  readKubeVirtImages,
  RELEASE_MANIFESTS_DIR,
} from './release-payload.js';
import { releasesOfChannels, type SelectedRelease } from './release-selection.js';
import { CincinnatiError } from './cincinnati-client.js';
import { verifiedRelease, type VerifiedRelease } from './release-verification.js';
import { graphImageEntry } from './graph-image-entry.js';
import { byCodeUnit } from '../../code-unit-order.js';

export class ReleaseCollectionError extends OcmError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super('RELEASE', message, options);
  }
}

export const releaseCollector: Collector = {
  kind: 'release',
  async collect(spec: ImageSetSpec, ctx: CollectContext): Promise<CollectedImage[]> {
    const platform = spec.platform;
    if (!platform || (!platform.release && !(platform.channels?.length ?? 0) && !platform.graph)) return [];
    try {
      return await collectReleases(spec, ctx);
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      throw new CollectorError('release', [err]);
    }
  },
};

const FROM_CACHE = new Set(['diskToMirror', 'delete']);

async function collectReleases(spec: ImageSetSpec, ctx: CollectContext): Promise<CollectedImage[]> {
  const platform = spec.platform!;
  const fromCache = FROM_CACHE.has(ctx.workflow);
  const emit = (step: ReleaseStep, extra: ReleaseEventExtra = {}) => ctx.emit({ type: 'release', step, ...extra });

  // 1. Which payloads (by digest).
  let selected: SelectedRelease[] = [];
  if (platform.release) {
    selected = [await releaseFromField(platform.release, ctx, fromCache)];
  } else if (platform.channels && platform.channels.length > 0) {
    emit('graph');
    try {
      selected = await releasesOfChannels(platform, ctx, (message) => ctx.emit({ type: 'warning', message }));
    } catch (err) {
      // oc-mirror's words when the update graph cannot be read (core.md §1.4), with the cause.
      if (err instanceof CincinnatiError) {
        throw new ReleaseCollectionError(`no release images found: ${err.message}`, { cause: err, hint: err.hint });
      }
      throw err;
    }
    if (selected.length === 0) {
      throw new ReleaseCollectionError('no release images found for the configured channels', {
        hint: 'check the channel names, architectures and version ranges of mirror.platform',
      });
    }
  }
  emit('selected', { releases: selected.map((r) => r.version ?? r.payload) });

  // 2. Signatures: verified, tag from the identity.
  const verified: VerifiedRelease[] = [];
  for (const release of selected) {
    ctx.signal.throwIfAborted();
    const v = await verifiedRelease(release, ctx, {
      skip: Boolean(platform.release) && ctx.ignoreReleaseSignature === true,
    });
    emit('signature', { release: v.tag, verified: v.verified, signer: v.signer });
    verified.push(v);
  }

  // 3. Payload and components.
  const platforms: Platform[] | undefined =
    platform.platforms && platform.platforms.length > 0 ? platform.platforms : undefined;
  const images = new Map<string, CollectedImage>();
  const add = (image: CollectedImage) => {
    const key = `${image.origin}\u0000${image.source}\u0000${image.destination}`;
    if (!images.has(key)) images.set(key, image);
  };
  for (const release of verified) {
    ctx.signal.throwIfAborted();
    const identity = parseImageReference(release.identity);
    const hold = holdReleaseDir(ctx.workingDir, identity.path, release.tag);
    const subject = `release ${release.tag}`;
    let manifestsDir = join(hold, RELEASE_MANIFESTS_DIR);
    if (!fromCache) {
      emit('payload', { release: release.tag });
      const loc = resolveLocation(`${DOCKER_TRANSPORT}${release.payloadByDigest}`, 'source', ctx.stores!);
      if (ctx.verifySource) await verifyPayload(ctx.verifySource, release.payloadByDigest, loc, ctx.signal, subject);
      manifestsDir = await extractReleaseManifests({
        store: loc.store,
        repository: loc.repository,
        reference: loc.reference,
        target: hold,
        preferred: { os: 'linux', architecture: hostArchitecture() },
        subject,
        signal: ctx.signal,
      });
    }
    let components;
    try {
      components = await readImageReferences(manifestsDir, subject);
    } catch (err) {
      if (fromCache) {
        throw new ReleaseCollectionError(`${subject}: ${describeError(err)}`, {
          cause: err,
          hint: 'the working-dir brought by the archive lacks this release: mirror to disk with this configuration first',
        });
      }
      throw err;
    }
    emit('components', { release: release.tag, components: components.length });
    const payloadDestination = releaseDestination(ctx.destinationRoot, release.tag);
    add({
      type: 'ocpRelease',
      origin: release.identity,
      source: fromCache ? releaseDestination(ctx.cacheHost, release.tag) : `${DOCKER_TRANSPORT}${release.identity}`,
      destination: payloadDestination,
      platforms,
    });
    for (const component of components) {
      const destination = releaseComponentDestination(ctx.destinationRoot, release.tag, component.name);
      add({
        type: 'ocpReleaseContent',
        origin: component.image,
        source: fromCache
          ? releaseComponentDestination(ctx.cacheHost, release.tag, component.name)
          : formatPullReference(parseImageReference(component.image), { withTransport: true }),
        destination,
        platforms,
      });
    }
    if (platform.kubeVirtContainer) {
      const keys = kubeVirtKeys(platform, (message) => ctx.emit({ type: 'warning', message }));
      const found = await readKubeVirtImages(manifestsDir, keys, subject);
      for (const [key, ref] of found) {
        const name = kubeVirtComponentName(keys.length > 1 ? key : undefined);
        add({
          type: 'ocpReleaseContent',
          origin: ref,
          source: fromCache
            ? releaseComponentDestination(ctx.cacheHost, release.tag, name)
            : formatPullReference(parseImageReference(ref), { withTransport: true }),
          destination: releaseComponentDestination(ctx.destinationRoot, release.tag, name),
          platforms,
        });
      }
    }
  }

  // 4. The graph data image.
  if (platform.graph) {
    emit('graph-image');
    add(await graphImageEntry(ctx));
  }
  emit('done', { releases: verified.map((r) => r.tag), components: images.size });
  return [...images.values()].sort(
    (a, b) => byCodeUnit(a.origin, b.origin) || byCodeUnit(a.destination, b.destination),
  );
}

type ReleaseEvent = Extract<EventInput, { type: 'release' }>;
type ReleaseStep = ReleaseEvent['step'];
type ReleaseEventExtra = Omit<ReleaseEvent, 'type' | 'step'>;

/** §1.6: one payload; a tag is resolved to its digest (from the cache in D2M). */
async function releaseFromField(reference: string, ctx: CollectContext, fromCache: boolean): Promise<SelectedRelease> {
  const ref = parseImageReference(reference);
  if (ref.transport !== DOCKER_TRANSPORT) {
    throw new ReleaseCollectionError(`mirror.platform.release "${reference}": only registry references are supported`);
  }
  if (ref.digest) return { payload: formatPullReference(ref), digest: ref.digest };
  const where = fromCache
    ? releaseDestination(ctx.cacheHost, releaseTag(reference))
    : formatPullReference(ref, { withTransport: true });
  const loc = resolveLocation(where, 'source', ctx.stores!);
  const head = await loc.store.headManifest(loc.repository, loc.reference, ctx.signal);
  // Mirror to mirror copies the payload straight to the destination, so a later `delete --generate` finds it in
  // no cache: the signature that run verified, `working-dir/signatures/<tag>-sha256-<hex>`, names its digest.
  const digest =
    head?.digest ?? (fromCache ? await digestOfCachedSignature(ctx.workingDir, releaseTag(reference)) : undefined);
  if (!digest)
    throw new ReleaseCollectionError(`mirror.platform.release "${reference}": not found in ${loc.store.description}`);
  return { payload: `${ref.registry}/${ref.path}@${digest}`, digest, tagged: formatPullReference(ref) };
}

async function digestOfCachedSignature(workingDir: string, tag: string): Promise<string | undefined> {
  let names: string[];
  try {
    names = await readdir(join(workingDir, SIGNATURES_DIR));
  } catch {
    return undefined;
  }
  const prefix = `${tag}-sha256-`;
  const hex = names
    .filter((n) => n.startsWith(prefix) && /^[0-9a-f]{64}$/.test(n.slice(prefix.length)))
    .sort(byCodeUnit)[0];
  return hex ? `sha256:${hex.slice(prefix.length)}` : undefined;
}

function hostArchitecture(): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ppc64: 'ppc64le', s390x: 's390x' };
  return map[process.arch] ?? 'amd64';
}

/**
 * §6.1: the payload read during collection is judged by the signature policy like a copy of it (`copy --all`:
 * each instance of a list on its own digest); a refusal fails the release collection (exit bit 2).
 */
async function verifyPayload(
  verifySource: VerifySource,
  payloadByDigest: string,
  loc: ImageLocation,
  signal: AbortSignal,
  subject: string,
): Promise<void> {
  const top = await loc.store.getManifest(loc.repository, loc.reference, signal);
  const parsed = parseManifest(top.bytes, top.mediaType, subject);
  const digests = parsed.kind === 'index' ? parsed.manifests.map((d) => d.digest) : [top.digest];
  const source = `${DOCKER_TRANSPORT}${payloadByDigest}`;
  const verdict = await verifySource({
    image: { id: '', type: 'ocpRelease', origin: payloadByDigest, source, destination: '' },
    source: loc,
    digests,
    signal,
  });
  if (verdict && !verdict.accepted) {
    throw new PolicyRejectedError(
      `${subject}: payload ${payloadByDigest} refused by the signature policy (${verdict.scope}: ${verdict.requirement}): ${verdict.reason}`,
      verdict,
    );
  }
}
