/**
 * Delete phase 2 (§3.5, §6.3): delete the listed manifests from `<R>` (never blobs: the registry's garbage
 * collection frees space). Every item is checked against `<R>` before anything is deleted; an item already
 * gone is reported as absent, not as an error.
 */
import pLimit from 'p-limit';
import type { EventInput } from '../events.js';
import type { ImageStore } from '../store/image-store.js';
import { OcmError, describeError } from '../errors.js';
import { splitDockerReference } from '../copy/image-location.js';
import { withRetries } from '../copy/retry.js';
import { isUnderRegistry, type DeleteItem } from './delete-list.js';

export interface ExecuteDeleteOptions {
  items: DeleteItem[];
  destinationRegistry: string;
  registry: (host: string) => ImageStore;
  /** With --force-cache-delete: the cache, where the same images live under their path without `<R>`. */
  cache?: { store: ImageStore; garbageCollect(signal: AbortSignal): Promise<unknown> };
  parallel: number;
  retryTimes: number;
  retryDelayMs: number;
  signal: AbortSignal;
  emit: (event: EventInput) => void;
}

export interface DeleteOutcome {
  item: DeleteItem;
  outcome: 'deleted' | 'absent' | 'failed';
  error?: string;
}

export function checkDeleteTargets(items: DeleteItem[], registry: string): void {
  const outside = items.filter((i) => !isUnderRegistry(i, registry));
  if (outside.length > 0) {
    throw new OcmError(
      'DELETE_OUTSIDE_REGISTRY',
      `${outside.length} item(s) of the delete file are not under docker://${registry}; nothing was deleted:\n` +
        outside.map((i) => `  ${i.imageReference} (${i.type})`).join('\n'),
      {
        hint: 'check the destination argument, or regenerate the delete file for this registry with delete --generate',
      },
    );
  }
}

export async function executeDelete(opts: ExecuteDeleteOptions): Promise<DeleteOutcome[]> {
  checkDeleteTargets(opts.items, opts.destinationRegistry);
  const limit = pLimit(opts.parallel);
  const root = opts.destinationRegistry.replace(/\/+$/, '');
  const results = await Promise.all(
    opts.items.map((item, index) =>
      limit(async (): Promise<DeleteOutcome> => {
        const id = String(index + 1);
        const ref = splitDockerReference(item.imageReference);
        const store = opts.registry(ref.host);
        const retry = {
          times: opts.retryTimes,
          delayMs: opts.retryDelayMs,
          signal: opts.signal,
          onRetry: (info: { attempt: number; maxAttempts: number; delayMs: number; reason: string }) =>
            opts.emit({ type: 'retry', imageId: id, ...info }),
        };
        let result: DeleteOutcome;
        try {
          const head = await withRetries(
            () => store.headManifest(ref.repository, ref.digest ?? ref.tag!, opts.signal),
            retry,
          );
          if (!head) {
            result = { item, outcome: 'absent' };
          } else {
            await withRetries(() => store.deleteManifest(ref.repository, head.digest, opts.signal), retry);
            result = { item, outcome: 'deleted' };
          }
          if (opts.cache) await deleteFromCache(opts.cache.store, item, root, opts.signal);
        } catch (err) {
          result = { item, outcome: 'failed', error: describeError(err) };
        }
        opts.emit({
          type: 'delete.item',
          imageId: id,
          reference: item.imageReference,
          outcome: result.outcome,
          error: result.error,
        });
        return result;
      }),
    ),
  );
  if (opts.cache) await opts.cache.garbageCollect(opts.signal);
  return results;
}

async function deleteFromCache(cache: ImageStore, item: DeleteItem, root: string, signal: AbortSignal): Promise<void> {
  const full = item.imageReference.replace(/^docker:\/\//, '');
  const relative = full.slice(root.length + 1);
  const ref = splitDockerReference(`cache/${relative}`);
  const head = await cache.headManifest(ref.repository, ref.digest ?? ref.tag!, signal);
  if (head) await cache.deleteManifest(ref.repository, head.digest, signal);
}
