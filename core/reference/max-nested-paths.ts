import { parseImageReference } from './image-reference.js';

/**
 * `--max-nested-paths N` (§8.5): when the repository path of `destination` (everything after the registry
 * host, `<R>` namespace included) has more than N components, keep the first N−1 and join the rest with
 * `-` into the last one. N = 0 disables. `docker://reg/a/b/c/d:1` with N=2 → `docker://reg/a/b-c-d:1`.
 * N = 1 flattens the whole path into one component (oc-mirror's validation never lets N = 1 through).
 */
export function applyMaxNestedPaths(destination: string, maxNestedPaths: number): string {
  if (!Number.isInteger(maxNestedPaths) || maxNestedPaths < 0) {
    throw new RangeError(`max-nested-paths must be a non-negative integer, got ${maxNestedPaths}`);
  }
  if (maxNestedPaths === 0) return destination;
  const { transport, registry, path } = parseImageReference(destination);
  const components = path.split('/');
  if (components.length <= maxNestedPaths) return destination;
  const kept = components.slice(0, maxNestedPaths - 1);
  const flattened = [...kept, components.slice(maxNestedPaths - 1).join('-')].join('/');
  // oc-mirror replaces the first textual occurrence of the path; replacing it where it starts (right after
  // the host) is the same except for hosts that end like the path begins, where oc-mirror would corrupt the host.
  const pathStart = (destination.startsWith(transport) ? transport.length : 0) + (registry ? registry.length + 1 : 0);
  return destination.slice(0, pathStart) + flattened + destination.slice(pathStart + path.length);
}
