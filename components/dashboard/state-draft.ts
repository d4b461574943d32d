/**
 * Copy-on-write view of a dashboard state for one batch of inputs: the image map, each touched image, blob
 * map and blob are copied at most once per batch, then mutated in place. The input state is never touched.
 */
import type { BlobState, DashboardState, ErrorEntry, ImageState, ImageStatus } from './dashboard-types.js';

/** How many error/warning entries are kept for the errors panel (the full list is in the error report). */
export const MAX_ERROR_ENTRIES = 200;

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type MutableState = Mutable<DashboardState>;

/** Statuses after which an image ignores further transfer events. */
export const TERMINAL: ReadonlySet<ImageStatus> = new Set(['done', 'failed', 'skipped']);

/** Copy-on-write view of a state for one batch. */
export class Draft {
  readonly s: MutableState;
  private images?: Map<string, ImageState>;
  private readonly ownImages = new Set<string>();
  private readonly ownBlobMaps = new Map<string, Map<string, BlobState>>();
  private readonly ownBlobs = new Set<BlobState>();
  private ownErrors = false;
  private ownPlan = false;

  constructor(state: DashboardState) {
    this.s = {
      ...state,
      counts: { ...state.counts },
      deleteCounts: { ...state.deleteCounts },
      ui: { ...state.ui },
    };
  }

  image(id: string): ImageState | undefined {
    return (this.images ?? this.s.images).get(id);
  }

  /** The image, copied for writing on first touch in this batch. */
  writableImage(id: string): Mutable<ImageState> | undefined {
    if (!this.images) {
      this.images = new Map(this.s.images);
      this.s.images = this.images;
    }
    const current = this.images.get(id);
    if (!current) return undefined;
    if (this.ownImages.has(id)) return current as Mutable<ImageState>;
    const copy: Mutable<ImageState> = { ...current };
    this.images.set(id, copy);
    this.ownImages.add(id);
    return copy;
  }

  addImage(image: ImageState): Mutable<ImageState> {
    if (!this.images) {
      this.images = new Map(this.s.images);
      this.s.images = this.images;
    }
    this.images.set(image.id, image);
    this.ownImages.add(image.id);
    this.plan().push(image.id);
    return image as Mutable<ImageState>;
  }

  plan(): string[] {
    if (!this.ownPlan) {
      this.s.planOrder = [...this.s.planOrder];
      this.ownPlan = true;
    }
    return this.s.planOrder as string[];
  }

  setPlan(order: string[]): void {
    this.s.planOrder = order;
    this.ownPlan = true;
  }

  /** The blob map of a writable image, copied on first touch. */
  blobMap(image: Mutable<ImageState>): Map<string, BlobState> {
    let map = this.ownBlobMaps.get(image.id);
    if (!map) {
      map = new Map(image.blobs);
      this.ownBlobMaps.set(image.id, map);
      image.blobs = map;
    }
    return map;
  }

  writableBlob(image: Mutable<ImageState>, digest: string): Mutable<BlobState> | undefined {
    const map = this.blobMap(image);
    const current = map.get(digest);
    if (!current) return undefined;
    if (this.ownBlobs.has(current)) return current as Mutable<BlobState>;
    const copy = { ...current };
    map.set(digest, copy);
    this.ownBlobs.add(copy);
    return copy;
  }

  addBlob(image: Mutable<ImageState>, digest: string, size: number): Mutable<BlobState> {
    const blob: BlobState = { digest, size: Math.max(0, size), bytes: 0, status: 'waiting' };
    this.blobMap(image).set(digest, blob);
    this.ownBlobs.add(blob);
    image.bytesTotal += blob.size;
    this.s.bytesTotal += blob.size;
    return blob as Mutable<BlobState>;
  }

  pushError(entry: Omit<ErrorEntry, 'seq'>): void {
    if (!this.ownErrors) {
      this.s.errors = [...this.s.errors];
      this.ownErrors = true;
    }
    const errors = this.s.errors as ErrorEntry[];
    errors.push({ ...entry, seq: ++this.s.seq });
    if (errors.length > MAX_ERROR_ENTRIES) errors.splice(0, errors.length - MAX_ERROR_ENTRIES);
  }

  finish(): DashboardState {
    return this.s;
  }
}
