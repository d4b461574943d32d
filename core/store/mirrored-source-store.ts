/**
 * The source side of one registry as registries.conf describes it: reads go to the configured mirrors in
 * order and then to the registry's own location, as containers/image pulls for oc-mirror. The store keeps
 * the *configured* name, so plans, cache paths and IDMS/ITMS name the origin whatever mirror served the bytes.
 * Writes are never redirected (mirrors are only for reads).
 */
import type { Readable } from 'node:stream';
import { CancelledError, OcmError, RegistryError } from '../errors.js';
import type { RegistriesConf } from '../registry/registries-conf.js';
import { pullSources, type PullSource } from '../registry/pull-sources.js';
import type { BlobInfo, ImageStore, Manifest, OpenedBlob, TransferOptions } from './image-store.js';

export interface MirrorUse {
  /** `host/repository` as configured. */
  configured: string;
  /** `host/repository` that served it. */
  served: string;
}

export class MirroredSourceStore implements ImageStore {
  readonly description: string;
  /** Per configured repository: the source that last served a manifest, tried first for its blobs. */
  private readonly lastServed = new Map<string, PullSource>();
  private readonly reported = new Set<string>();

  constructor(
    private readonly host: string,
    private readonly conf: RegistriesConf,
    /** The store of one endpoint; `insecure` as registries.conf sets it for that endpoint. */
    private readonly storeFor: (host: string, insecure: boolean) => ImageStore,
    private readonly onMirrorUsed?: (use: MirrorUse) => void,
  ) {
    this.description = `registry ${host}`;
  }

  async getManifest(repository: string, reference: string, signal: AbortSignal): Promise<Manifest> {
    const found = await this.firstThatServes(
      repository,
      reference,
      signal,
      (s, src) => s.getManifest(src.repository, reference, signal),
      true,
    );
    return present(found, `${this.host}/${repository}`, reference);
  }

  async headManifest(
    repository: string,
    reference: string,
    signal: AbortSignal,
  ): Promise<{ digest: string; mediaType: string; size: number } | undefined> {
    return this.firstThatServes(
      repository,
      reference,
      signal,
      (s, src) => s.headManifest(src.repository, reference, signal),
      true,
    );
  }

  hasBlob(repository: string, digest: string, signal: AbortSignal): Promise<number | undefined> {
    return this.firstThatServes(
      repository,
      digest,
      signal,
      (s, src) => s.hasBlob(src.repository, digest, signal),
      false,
    );
  }

  async openBlob(repository: string, digest: string, options: TransferOptions): Promise<OpenedBlob> {
    const found = await this.firstThatServes(
      repository,
      digest,
      options.signal,
      (s, src) => s.openBlob(src.repository, digest, options),
      false,
    );
    return present(found, `${this.host}/${repository}`, digest);
  }

  /** Tags are read like a tag pull: from the mirrors that serve tags, then the registry itself. */
  listTags(repository: string, signal: AbortSignal): Promise<string[]> {
    return this.firstThatServes(
      repository,
      'latest',
      signal,
      async (s, src) => {
        const tags = await s.listTags(src.repository, signal);
        // A registry store answers [] for a repository it does not know: let the next source answer then.
        return tags.length > 0 ? tags : undefined;
      },
      false,
    ).then((tags) => tags ?? []);
  }

  putManifest(repository: string, reference: string, manifest: Manifest, signal: AbortSignal): Promise<void> {
    return this.origin().putManifest(repository, reference, manifest, signal);
  }

  deleteManifest(repository: string, digest: string, signal: AbortSignal): Promise<void> {
    return this.origin().deleteManifest(repository, digest, signal);
  }

  putBlob(repository: string, blob: BlobInfo, body: Readable, options: TransferOptions): Promise<void> {
    return this.origin().putBlob(repository, blob, body, options);
  }

  async ping(signal: AbortSignal): Promise<void> {
    await this.origin().ping?.(signal);
  }

  private origin(): ImageStore {
    return this.storeFor(this.host, false);
  }

  /**
   * Tries each source in order. A source "serves" when the call resolves to something other than undefined;
   * undefined and errors move on to the next. When none serves, the origin's answer (undefined, or its error
   * with what the mirrors said) is the result.
   */
  private async firstThatServes<T>(
    repository: string,
    reference: string,
    signal: AbortSignal,
    call: (store: ImageStore, source: PullSource) => Promise<T | undefined>,
    remember: boolean,
  ): Promise<T | undefined> {
    const sources = this.ordered(repository, reference, remember);
    const failures: string[] = [];
    let lastError: unknown;
    let sawUndefined = false;
    for (const source of sources) {
      if (signal.aborted) throw new CancelledError();
      try {
        const result = await call(this.storeFor(source.host, source.insecure), source);
        if (result !== undefined) {
          this.served(repository, source, remember);
          return result;
        }
        sawUndefined = true;
        failures.push(`${source.host}/${source.repository}: not found`);
      } catch (err) {
        if (err instanceof CancelledError || signal.aborted) throw err;
        lastError = err;
        failures.push(`${source.host}/${source.repository}: ${(err as Error).message}`);
      }
    }
    if (sources.length === 1 || (lastError === undefined && sawUndefined)) {
      if (lastError !== undefined) throw lastError;
      return undefined;
    }
    throw withMirrorsTried(lastError, `${this.host}/${repository}`, reference, failures);
  }

  /** The sources for this read; for blobs the one that served the repository's manifest goes first. */
  private ordered(repository: string, reference: string, forManifest: boolean): PullSource[] {
    const sources = pullSources(this.conf, this.host, repository, reference);
    if (forManifest) return sources;
    const preferred = this.lastServed.get(repository);
    if (!preferred) return sources;
    const rest = sources.filter((s) => s.host !== preferred.host || s.repository !== preferred.repository);
    return [preferred, ...rest];
  }

  private served(repository: string, source: PullSource, remember: boolean): void {
    if (remember) this.lastServed.set(repository, source);
    if (!source.mirror) return;
    const configured = `${this.host}/${repository}`;
    const served = `${source.host}/${source.repository}`;
    const key = `${configured}\n${served}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.onMirrorUsed?.({ configured, served });
  }
}

/** Stores answer these reads or throw; undefined would be a store bug, reported as such. */
function present<T>(value: T | undefined, configured: string, reference: string): T {
  if (value === undefined) throw new OcmError('PULL_FAILED', `no source answered for ${configured} (${reference})`);
  return value;
}

/** The last source's error (the registry's own location), saying what each source answered. */
function withMirrorsTried(err: unknown, configured: string, reference: string, failures: string[]): Error {
  const tried = `tried in order (registries.conf): ${failures.join('; ')}`;
  if (err instanceof RegistryError) return err.withMessage(`${err.message} — ${tried}`);
  return new OcmError('PULL_FAILED', `no source could serve ${configured} (${reference}): ${tried}`, {
    cause: err,
    hint: 'check that the mirrors in registries.conf hold the image, or that the registry itself is reachable',
  });
}
