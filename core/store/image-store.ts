/**
 * A place images live: a remote registry, the local cache (distribution layout on disk), or an OCI layout
 * directory. The copy engine copies between two stores and knows nothing else about them, which is why
 * mirror-to-mirror, mirror-to-disk and disk-to-mirror share one engine.
 *
 * Conventions: `repository` is the path inside the store (`ubi9/ubi`), `reference` a tag or a digest.
 * Every method takes an AbortSignal; every blob is streamed and verified against its digest.
 */
import type { Readable } from 'node:stream';

export interface Manifest {
  /** The exact bytes: re-serialising would change the digest. */
  bytes: Buffer;
  mediaType: string;
  /** `sha256:<hex>` of `bytes`. */
  digest: string;
}

export interface BlobInfo {
  digest: string;
  size: number;
}

export interface OpenedBlob {
  /** Bytes of the blob; the stream errors with DigestMismatchError at its end if they do not match. */
  stream: Readable;
  size: number;
}

export interface TransferOptions {
  signal: AbortSignal;
  /** Called with the number of new bytes as they move; the caller aggregates and samples. */
  onBytes?: (n: number) => void;
  /**
   * openBlob: the bytes go to a destination that checks the digest itself ({@link ImageStore.checksDigestOnWrite}),
   * so a source may skip hashing content this process already verified (a blob it just extracted).
   */
  destinationVerifies?: boolean;
  /** putBlob: an upload opened ahead by {@link ImageStore.startBlobUpload}. */
  upload?: Promise<URL>;
}

/** An upload opened ahead of its putBlob (passed as `upload`), or abandoned when it will not be used. */
export interface UploadSession {
  upload: Promise<URL>;
  abandon(): void;
}

export interface ImageStore {
  /** For messages: `registry quay.io`, `cache /home/u/.oc-mirror/.cache`, `oci:///data/img`. */
  readonly description: string;
  /** True when the store itself refuses blob bytes that do not match their digest (a registry's upload check). */
  readonly checksDigestOnWrite?: boolean;

  getManifest(repository: string, reference: string, signal: AbortSignal): Promise<Manifest>;
  /** Digest and media type without the body; undefined when the manifest does not exist. */
  headManifest(
    repository: string,
    reference: string,
    signal: AbortSignal,
  ): Promise<{ digest: string; mediaType: string; size: number } | undefined>;
  /** Stores the manifest under `reference` (a tag, or its own digest). */
  putManifest(repository: string, reference: string, manifest: Manifest, signal: AbortSignal): Promise<void>;
  deleteManifest(repository: string, digest: string, signal: AbortSignal): Promise<void>;

  /** Size of the blob when present in (or mountable into) `repository`, else undefined. */
  hasBlob(repository: string, digest: string, signal: AbortSignal): Promise<number | undefined>;
  openBlob(repository: string, digest: string, options: TransferOptions): Promise<OpenedBlob>;
  /**
   * Stores that upload over the network may open the upload ahead, so that it overlaps opening the source;
   * the session is passed to putBlob as `upload`, or `abandon`ed when the source could not be opened.
   */
  startBlobUpload?(repository: string, digest: string, signal: AbortSignal): UploadSession;
  /**
   * Whether `repository` holds the blob, and if not an upload session for it, in one round trip (instead of
   * hasBlob, then startBlobUpload). Undefined when the store cannot tell this way (use hasBlob).
   */
  claimBlob?(repository: string, digest: string, signal: AbortSignal): Promise<'exists' | UploadSession | undefined>;
  /** Streams `body` into the store; the store verifies `digest` before making the blob visible. */
  putBlob(repository: string, blob: BlobInfo, body: Readable, options: TransferOptions): Promise<void>;
  /**
   * Makes a blob that exists in `fromRepository` of the same store available in `repository` without
   * moving bytes. Returns false when the store could not mount (the caller then uploads).
   */
  mountBlob?(repository: string, digest: string, fromRepository: string, signal: AbortSignal): Promise<boolean>;

  listTags(repository: string, signal: AbortSignal): Promise<string[]>;

  /** Checks that the store is reachable and the credentials are accepted (registries: `GET /v2/`). */
  ping?(signal: AbortSignal): Promise<void>;
}
