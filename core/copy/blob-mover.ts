/**
 * Moves one blob from a source store to a destination store, at most once per destination store:
 * a blob already there is skipped, a blob already in another repository of the same store is mounted,
 * and two images needing the same blob at the same time share one upload.
 */
import type { BlobOutcome } from '../events.js';
import type { ImageStore, UploadSession } from '../store/image-store.js';

export interface BlobRequest {
  digest: string;
  size: number;
  source: ImageStore;
  sourceRepository: string;
  destination: ImageStore;
  destinationRepository: string;
  signal: AbortSignal;
  /**
   * Performs the actual transfer (with retries); called only when neither skip nor mount applies, with the
   * upload session already opened at the destination when finding out that the blob was missing opened one.
   */
  transfer: (claimed?: UploadSession) => Promise<void>;
}

export class BlobMover {
  /** destination store → digest → repositories where the blob is known to exist. */
  private readonly known = new Map<ImageStore, Map<string, Set<string>>>();
  private readonly inFlight = new Map<ImageStore, Map<string, Promise<void>>>();
  /** Per destination store: how many blobs this run found missing there, and how many present. */
  private readonly tallies = new Map<ImageStore, { missing: number; present: number }>();

  /**
   * Moves of the same digest into the same store are chained (registered synchronously, before any await),
   * so the second caller sees the first one's result and mounts instead of uploading again.
   */
  move(req: BlobRequest): Promise<BlobOutcome> {
    const flights = mapFor(this.inFlight, req.destination);
    const previous = flights.get(req.digest);
    const mine = (async () => {
      if (previous) await previous.catch(() => undefined);
      return this.decideAndMove(req);
    })();
    const settled = mine.then(
      () => undefined,
      () => undefined,
    );
    flights.set(req.digest, settled);
    void settled.then(() => {
      if (flights.get(req.digest) === settled) flights.delete(req.digest);
    });
    return mine;
  }

  private async decideAndMove(req: BlobRequest): Promise<BlobOutcome> {
    const repos = mapFor(this.known, req.destination).get(req.digest);
    if (repos?.has(req.destinationRepository)) return 'exists';

    const mountFrom = new Set(repos ?? []);
    // Same store on both sides (re-tagging inside one registry): the source repository can be mounted too.
    if (req.source === req.destination && req.sourceRepository !== req.destinationRepository) {
      mountFrom.add(req.sourceRepository);
    }
    const tally = this.tallyOf(req.destination);
    // Nothing to mount from, and so far this run finds more blobs missing than present (a first mirror): one
    // request says whether the blob is there and, if not, opens its upload. Not on a re-run, where most blobs
    // are present: there a HEAD is cheaper, and it writes nothing (a registry may re-write a blob's link for
    // the mount, under clusters pulling it).
    if (mountFrom.size === 0 && req.destination.claimBlob && tally.missing > tally.present) {
      const claim = await req.destination.claimBlob(req.destinationRepository, req.digest, req.signal);
      if (claim === 'exists') {
        tally.present++;
        this.remember(req.destination, req.digest, req.destinationRepository);
        return 'exists';
      }
      if (claim !== undefined) {
        tally.missing++;
        await req.transfer(claim);
        this.remember(req.destination, req.digest, req.destinationRepository);
        return 'copied';
      }
    }

    const present = await req.destination.hasBlob(req.destinationRepository, req.digest, req.signal);
    // A present blob of another size is damaged (a cache file cut short by a power failure): copy it again.
    if (present !== undefined && (req.size < 0 || present === req.size)) {
      tally.present++;
      this.remember(req.destination, req.digest, req.destinationRepository);
      return 'exists';
    }
    tally.missing++;
    if (req.destination.mountBlob) {
      for (const from of mountFrom) {
        if (await req.destination.mountBlob(req.destinationRepository, req.digest, from, req.signal)) {
          this.remember(req.destination, req.digest, req.destinationRepository);
          return 'mounted';
        }
      }
    }
    await req.transfer();
    this.remember(req.destination, req.digest, req.destinationRepository);
    return 'copied';
  }

  private tallyOf(store: ImageStore): { missing: number; present: number } {
    let tally = this.tallies.get(store);
    if (!tally) this.tallies.set(store, (tally = { missing: 0, present: 0 }));
    return tally;
  }

  private remember(store: ImageStore, digest: string, repository: string): void {
    const byDigest = mapFor(this.known, store);
    let repos = byDigest.get(digest);
    if (!repos) byDigest.set(digest, (repos = new Set()));
    repos.add(repository);
  }
}

function mapFor<V>(outer: Map<ImageStore, Map<string, V>>, store: ImageStore): Map<string, V> {
  let inner = outer.get(store);
  if (!inner) outer.set(store, (inner = new Map()));
  return inner;
}
