/**
 * Docker references as containers/image normalises them for policies (`reference.ParseNormalizedNamed`):
 * `busybox` → `docker.io/library/busybox`, the first component is a host only when it has a `.` or `:` or is
 * `localhost`. Used for scopes, signed identities and lookaside paths (collectors.md §6.1).
 */

export interface DockerName {
  /** `host/path`, normalised. */
  name: string;
  host: string;
  /** The path inside the host (`library/busybox`). */
  path: string;
  tag?: string;
  digest?: string;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$/;

/** Parses a Docker reference (no transport); throws an Error naming the problem. */
export function parseDockerName(input: string): DockerName {
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new Error(`invalid digest in "${input}"`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new Error(`invalid tag in "${input}"`);
  }
  if (rest === '') throw new Error(`empty repository name in "${input}"`);
  const slash = rest.indexOf('/');
  let host = 'docker.io';
  let path = rest;
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase()) {
      host = first;
      path = rest.slice(slash + 1);
    }
  }
  if (host === 'index.docker.io') host = 'docker.io';
  if (!HOST.test(host)) throw new Error(`invalid registry host in "${input}"`);
  if (host === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  for (const component of path.split('/')) {
    if (!COMPONENT.test(component)) throw new Error(`invalid repository name in "${input}" (must be lower case)`);
  }
  return { name: `${host}/${path}`, host, path, tag, digest };
}

/** The full form: `name[:tag][@digest]`. */
export function formatDockerName(ref: DockerName): string {
  return `${ref.name}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

export function isNameOnly(ref: DockerName): boolean {
  return ref.tag === undefined && ref.digest === undefined;
}

/**
 * containers/image's `PolicyConfigurationIdentity` of a docker reference: the normalised reference with
 * `:latest` added when it has neither tag nor digest.
 */
export function policyIdentity(ref: DockerName): string {
  return isNameOnly(ref) ? `${ref.name}:latest` : formatDockerName(ref);
}

/**
 * containers/image's `PolicyConfigurationNamespaces`, most specific first: the repository, each parent
 * namespace, the host (with its port), then `*.domain` wildcards of the host without port
 * (`*.b.example.com`, `*.example.com`, `*.com`).
 */
export function policyNamespaces(ref: DockerName): string[] {
  const out: string[] = [];
  let name = ref.name;
  for (;;) {
    out.push(name);
    const slash = name.lastIndexOf('/');
    if (slash < 0) break;
    name = name.slice(0, slash);
  }
  const port = name.indexOf(':');
  if (port >= 0) name = name.slice(0, port);
  for (;;) {
    const dot = name.indexOf('.');
    if (dot < 0) break;
    name = name.slice(dot + 1);
    out.push(`*.${name}`);
  }
  return out;
}
