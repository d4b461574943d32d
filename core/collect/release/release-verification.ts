/**
 * Signature processing of one selected payload (collectors.md §1.7): the signature comes from the working-dir
 * cache, else (not in D2M) from the signature store; it is verified for real — signer in the keyring, signature
 * valid, signed digest equal to the payload digest — and its identity (`…/ocp-release:4.18.1-x86_64`) names the
 * release from then on. The signature is cached as `signatures/<tag>-sha256-<hex>` for D2M and the ConfigMap.
 */
import type { CollectContext } from '../collector.js';
import { OcmError } from '../../errors.js';
import { digestHex, parseImageReference } from '../../reference/image-reference.js';
import { releaseTag } from '../../reference/destination.js';
import { loadKeyring, type ReleaseKeyring } from './release-keys.js';
import { verifyReleaseSignature } from './release-signature.js';
import { SignatureStore, findCachedSignature, storeSignature } from './signature-store.js';
import type { SelectedRelease } from './release-selection.js';

export interface VerifiedRelease {
  /** The signature identity (a tag reference, no transport); the payload reference when unsigned. */
  identity: string;
  /** `4.18.1-x86_64` */
  tag: string;
  /** Where to read the payload: by digest (no transport). */
  payloadByDigest: string;
  digest: string;
  verified: boolean;
  signer?: string;
}

const keyrings = new WeakMap<CollectContext, Promise<ReleaseKeyring>>();

export async function verifiedRelease(
  release: SelectedRelease,
  ctx: CollectContext,
  opts: { skip: boolean },
): Promise<VerifiedRelease> {
  const hex = digestHex(release.digest);
  const payloadRef = parseImageReference(release.payload);
  const payloadByDigest = `${payloadRef.registry}/${payloadRef.path}@${release.digest}`;
  if (opts.skip) {
    const identity = release.tagged ?? release.payload;
    return {
      identity,
      tag: releaseTag(identity),
      payloadByDigest,
      digest: release.digest,
      verified: false,
    };
  }
  const warn = (message: string) => ctx.emit({ type: 'warning', message });
  let bytes: Uint8Array;
  let source: string;
  const cached = await findCachedSignature(ctx.workingDir, hex, { onWarning: warn });
  if (cached) {
    bytes = cached.bytes;
    source = cached.path;
  } else if (ctx.workflow === 'diskToMirror' || ctx.workflow === 'delete') {
    throw new OcmError(
      'RELEASE_SIGNATURE',
      `no signature for release ${release.version ?? release.payload} (${release.digest}) in the working-dir`,
      {
        hint: 'disk to mirror uses the signatures mirror to disk cached in working-dir/signatures/: use the archive of that run',
      },
    );
  } else {
    const store = new SignatureStore({
      env: ctx.env ?? {},
      retry: { times: ctx.copy?.retryTimes ?? 3, delayMs: ctx.copy?.retryDelayMs ?? 0 },
      onRetry: (info) => ctx.emit({ type: 'retry', ...info }),
    });
    try {
      bytes = await store.fetchSignature(hex, { signal: ctx.signal });
      source = `${store.baseUrl}sha256=${hex}/signature-1`;
    } finally {
      await store.close();
    }
  }
  let keyring = keyrings.get(ctx);
  if (!keyring) keyrings.set(ctx, (keyring = loadKeyring({ env: ctx.env ?? {} })));
  const verified = await verifyReleaseSignature(bytes, await keyring, release.digest, { source, onWarning: warn });
  const tag = releaseTag(verified.identity);
  await storeSignature(ctx.workingDir, tag, hex, bytes);
  return {
    identity: verified.identity,
    tag,
    payloadByDigest,
    digest: release.digest,
    verified: true,
    signer: verified.keyId,
  };
}
