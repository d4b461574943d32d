/**
 * Which requirements apply to an image (containers/image `requirementsForImageRef`): the transport's scopes
 * from the most specific — the full reference, the repository, each parent namespace, the host, `*.domain`
 * wildcards — then the transport's `""` scope, then `default`.
 */
import type { Policy, PolicyRequirement } from './policy-file.js';
import { parseDockerName, policyIdentity, policyNamespaces } from './docker-name.js';

export interface ScopedRequirements {
  requirements: PolicyRequirement[];
  /** For messages: `default`, `transports.docker["quay.io/ns"]`, … */
  scope: string;
}

/**
 * The requirements for `reference` (`host/repo[:tag][@digest]`, no transport) read through `transport`
 * (`docker` for registries, `oci` for layouts, where `reference` is the layout path).
 */
export function requirementsFor(policy: Policy, transport: string, reference: string): ScopedRequirements {
  const scopes = policy.transports[transport];
  if (scopes) {
    const candidates =
      transport === 'docker' || transport === 'atomic' ? dockerScopes(reference) : pathScopes(reference);
    for (const name of candidates) {
      if (Object.hasOwn(scopes, name)) return { requirements: scopes[name], scope: scopeName(transport, name) };
    }
    if (Object.hasOwn(scopes, '')) return { requirements: scopes[''], scope: scopeName(transport, '') };
  }
  return { requirements: policy.default, scope: 'default' };
}

function scopeName(transport: string, scope: string): string {
  return `transports.${transport}[${JSON.stringify(scope)}]`;
}

/** The identity, then the namespaces, most specific first. */
export function dockerScopes(reference: string): string[] {
  const ref = parseDockerName(reference);
  return [policyIdentity(ref), ...policyNamespaces(ref)];
}

/** oci/dir layouts: the path, then each parent directory (containers/image `PolicyConfigurationNamespaces`). */
function pathScopes(reference: string): string[] {
  const out = [reference];
  let path = reference.replace(/\/+$/, '');
  for (;;) {
    const slash = path.lastIndexOf('/');
    if (slash <= 0) break;
    path = path.slice(0, slash);
    out.push(path);
  }
  return out;
}
