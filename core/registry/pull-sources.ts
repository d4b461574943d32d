/**
 * Where to pull a reference from under a registries.conf: the rule with the longest matching prefix, then
 * its mirrors (filtered by mirror-by-digest-only / pull-from-mirror) and finally its own location, each with
 * the matched prefix replaced — containers/image's FindRegistry + PullSourcesFromReference.
 */
import { OcmError } from '../errors.js';
import type { RegistriesConf, RegistryEndpoint, RegistryRule } from './registries-conf.js';

export interface PullSource {
  /** Host[:port] to talk to. */
  host: string;
  /** Repository inside that host. */
  repository: string;
  insecure: boolean;
  /** True for a `[[registry.mirror]]`, false for the rule's own location. */
  mirror: boolean;
}

export class BlockedRegistryError extends OcmError {
  constructor(reference: string, rule: RegistryRule) {
    super(
      'REGISTRY_BLOCKED',
      `pulling ${reference} is blocked: registry "${rule.prefix}" has blocked = true in ${rule.file}`,
      {
        hint: `remove "blocked = true" for "${rule.prefix}" in ${rule.file}, or take the image from another registry`,
      },
    );
  }
}

/**
 * Length of the part of `ref` that `prefix` matches, or -1. A prefix matches whole path components (the next
 * character is `/`, `:` or `@`); `*.example.com` matches any subdomain in the host part.
 */
export function matchingPrefixLength(ref: string, prefix: string): number {
  if (prefix.startsWith('*.')) {
    const suffix = prefix.slice(1);
    const index = ref.indexOf(suffix);
    if (index === -1 || ref.slice(0, index).includes('/')) return -1;
    const end = index + suffix.length;
    return end === ref.length || ':/@'.includes(ref[end]!) ? end : -1;
  }
  if (ref.length < prefix.length || !ref.startsWith(prefix)) return -1;
  if (ref.length === prefix.length) return prefix.length;
  return ':/@'.includes(ref[prefix.length]!) ? prefix.length : -1;
}

/** The rule whose prefix is the longest match for `ref` (`host/repo[:tag][@digest]`), if any. */
export function findRule(conf: RegistriesConf, ref: string): RegistryRule | undefined {
  let best: RegistryRule | undefined;
  for (const rule of conf.rules) {
    if (matchingPrefixLength(ref, rule.prefix) === -1) continue;
    if (!best || rule.prefix.length > best.prefix.length) best = rule;
  }
  return best;
}

/**
 * Sources to try, in order, for `host/repository` read by `reference` (a tag or a `sha256:` digest).
 * Without a matching rule that is the name itself. Throws {@link BlockedRegistryError} for a blocked rule.
 */
export function pullSources(conf: RegistriesConf, host: string, repository: string, reference: string): PullSource[] {
  const byDigest = reference.includes(':');
  const ref = `${host}/${repository}${byDigest ? '@' : ':'}${reference}`;
  const rule = findRule(conf, ref);
  if (!rule) return [{ host, repository, insecure: false, mirror: false }];
  if (rule.blocked) throw new BlockedRegistryError(ref, rule);
  const prefixLength = matchingPrefixLength(ref, rule.prefix);
  const mirrors = rule.mirrors.filter((m) => mirrorApplies(rule, m, byDigest));
  const sources = mirrors.map((m) => rewrite(ref, prefixLength, m, true));
  sources.push(
    rule.location === ''
      ? { host, repository, insecure: rule.insecure, mirror: false }
      : rewrite(ref, prefixLength, rule, false),
  );
  return sources;
}

function mirrorApplies(rule: RegistryRule, mirror: RegistryEndpoint, byDigest: boolean): boolean {
  if (rule.mirrorByDigestOnly) return byDigest;
  if (mirror.pullFromMirror === 'digest-only') return byDigest;
  if (mirror.pullFromMirror === 'tag-only') return !byDigest;
  return true;
}

function rewrite(ref: string, prefixLength: number, endpoint: RegistryEndpoint, mirror: boolean): PullSource {
  const rewritten = endpoint.location + ref.slice(prefixLength);
  // Strip the tag or digest again: callers address the repository and pass the reference separately.
  const at = rewritten.indexOf('@');
  let name = at >= 0 ? rewritten.slice(0, at) : rewritten;
  const lastSlash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (at < 0 && colon > lastSlash) name = name.slice(0, colon);
  const slash = name.indexOf('/');
  if (slash <= 0) {
    throw new OcmError(
      'REGISTRIES_CONF',
      `registries.conf rewrites ${ref} to "${rewritten}", which names no repository`,
      {
        hint: `give location "${endpoint.location}" the same depth as the prefix it replaces`,
      },
    );
  }
  return { host: name.slice(0, slash), repository: name.slice(slash + 1), insecure: endpoint.insecure, mirror };
}
