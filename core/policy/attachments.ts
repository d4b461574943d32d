/**
 * Cosign signatures stored beside an image as tag `sha256-<hex>.sig` (collectors.md §6.3): an image manifest
 * whose `application/vnd.dev.cosign.simplesigning.v1+json` layers are the signed payloads, each with its
 * signature in the annotation `dev.cosignproject.cosign/signature`. Other layers are ignored, as in
 * containers/image. Read through the source store (its timeouts, retries and credentials).
 */
import type { ImageLocation } from '../copy/image-location.js';
import { readCapped } from '../registry/read-body.js';
import { SIGSTORE_PAYLOAD_MEDIA_TYPE, SIGSTORE_SIGNATURE_ANNOTATION } from './signature-verify.js';

/** A signature payload is a few hundred bytes. */
const MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;

export interface SigstoreAttachment {
  payload: Buffer;
  signature?: string;
  /** `host/repo:sha256-<hex>.sig` (layer n), for messages. */
  origin: string;
}

interface AttachmentManifest {
  layers?: { mediaType?: string; digest?: string; size?: number; annotations?: Record<string, string> }[];
}

export async function readSigstoreAttachments(
  src: ImageLocation,
  digest: string,
  signal: AbortSignal,
): Promise<SigstoreAttachment[]> {
  if (!src.repository) return [];
  const tag = `${digest.replace(':', '-')}.sig`;
  const head = await src.store.headManifest(src.repository, tag, signal);
  if (!head) return [];
  const manifest = await src.store.getManifest(src.repository, tag, signal);
  let doc: AttachmentManifest;
  try {
    doc = JSON.parse(manifest.bytes.toString('utf8')) as AttachmentManifest;
  } catch {
    return [];
  }
  const out: SigstoreAttachment[] = [];
  for (const [i, layer] of (doc.layers ?? []).entries()) {
    if (layer.mediaType !== SIGSTORE_PAYLOAD_MEDIA_TYPE || typeof layer.digest !== 'string') continue;
    if (typeof layer.size === 'number' && layer.size > MAX_PAYLOAD_BYTES) continue;
    const opened = await src.store.openBlob(src.repository, layer.digest, { signal });
    const payload = await readCapped(opened.stream, MAX_PAYLOAD_BYTES, false);
    out.push({
      payload,
      signature: layer.annotations?.[SIGSTORE_SIGNATURE_ANNOTATION],
      origin: `${src.display}:${tag} (layer ${i + 1})`,
    });
  }
  return out;
}
