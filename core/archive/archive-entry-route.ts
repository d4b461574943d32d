/**
 * Where a tar entry of an archive may land (`../../shared/spec/core.md` §4.7), decided from its name alone.
 *
 * Decision (spec quirk): oc-mirror routes by *substring* (`working-dir` anywhere in the name → workspace,
 * else `docker/registry/v2` anywhere → cache), which misroutes a cache path containing `working-dir`. We
 * route by *prefix* of the normalised name: `docker/registry/v2/…` → cache, `working-dir/…` → workspace,
 * anything else (e.g. `isc_<time>`) is ignored. Archives written by oc-mirror and by us only contain such
 * prefixes, so both route identically.
 */
import { isDigest } from '../digest.js';

export type EntryRoute =
  | { action: 'ignore' }
  | { action: 'refuse'; reason: string }
  | {
      action: 'write';
      target: 'cache' | 'workspace';
      /** Normalised, `/`-separated, relative to the target root. */
      path: string;
      /** For `docker/registry/v2/blobs/<alg>/<hh>/<hex>/data`: the digest the content must have. */
      blobDigest?: string;
    };

const CACHE_PREFIX = 'docker/registry/v2/';
const BLOB_PATH = /^docker\/registry\/v2\/blobs\/([a-z0-9]+)\/([a-f0-9]{2})\/([a-f0-9]+)\/data$/;

export function routeEntry(name: string): EntryRoute {
  if (name.includes('\0')) return { action: 'refuse', reason: 'the name contains a NUL byte' };
  if (name.startsWith('/')) return { action: 'refuse', reason: 'absolute path' };
  const segments = name.split('/');
  if (segments.includes('..')) return { action: 'refuse', reason: 'path traversal ("..")' };
  const path = segments.filter((s) => s !== '' && s !== '.').join('/');
  if (path === '') return { action: 'ignore' };

  if (path.startsWith(CACHE_PREFIX)) {
    if (path.startsWith(`${CACHE_PREFIX}blobs/`)) {
      const m = BLOB_PATH.exec(path);
      const digest = m ? `${m[1]}:${m[3]}` : '';
      if (!m || !isDigest(digest) || m[3].slice(0, 2) !== m[2]) {
        return {
          action: 'refuse',
          reason: 'not a blob path of the form docker/registry/v2/blobs/sha256/<hh>/<hex>/data',
        };
      }
      return { action: 'write', target: 'cache', path, blobDigest: digest };
    }
    if (path.startsWith(`${CACHE_PREFIX}repositories/`)) return { action: 'write', target: 'cache', path };
    return { action: 'ignore' };
  }
  if (path.startsWith('working-dir/')) return { action: 'write', target: 'workspace', path };
  return { action: 'ignore' };
}
