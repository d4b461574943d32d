/**
 * The distribution reference grammar (the one containers/image and every registry enforce), split into
 * small checks. Each check returns a description of the problem, or undefined when the text is valid, so
 * that callers can build an error quoting the whole reference.
 */

/** `alphanumeric [separator alphanumeric]*`, separator = `.`, `_`, `__` or one or more `-`. */
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const IPV6_HOST = /^\[[0-9a-fA-F:.]+\]$/;
const PORT = /^[0-9]+$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST_ALGORITHM = /^[A-Za-z][A-Za-z0-9]*(?:[+._-][A-Za-z][A-Za-z0-9]*)*$/;
const DIGEST_HEX = /^[0-9a-fA-F]{32,}$/;
/** Registered algorithms are checked like go-digest does: exact length, lower-case hex. */
const KNOWN_DIGEST_HEX: Record<string, RegExp> = {
  sha256: /^[a-f0-9]{64}$/,
  sha384: /^[a-f0-9]{96}$/,
  sha512: /^[a-f0-9]{128}$/,
};

/** Longest repository name (host included) a registry accepts. */
export const NAME_TOTAL_LENGTH_MAX = 255;

/** `[repo/path]` as used by `targetRepo` / `targetCatalog`: one or more path components, no host, tag or digest. */
const REPOSITORY_PATH = /^[a-z0-9]+(?:(?:[._]|__|-*)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-*)[a-z0-9]+)*)*$/;

/** One `/`-separated component of a repository path. */
export function pathComponentProblem(component: string): string | undefined {
  if (component === '') return 'empty path component (two "/" in a row, or a leading/trailing "/")';
  if (!PATH_COMPONENT.test(component)) {
    return `invalid repository path component "${component}" (only lower-case letters, digits and the separators ".", "_", "__", "-" between them are allowed)`;
  }
  return undefined;
}

/** A registry host with optional `:port` (DNS name, IPv4, or bracketed IPv6). */
export function domainProblem(domain: string): string | undefined {
  let host = domain;
  const portAt = domain.startsWith('[') ? domain.indexOf(']:') + 1 : domain.lastIndexOf(':');
  if (portAt > 0) {
    const port = domain.slice(portAt + 1);
    if (!PORT.test(port)) return `invalid port "${port}" in registry "${domain}"`;
    host = domain.slice(0, portAt);
  }
  if (IPV6_HOST.test(host)) return undefined;
  if (host.split('.').every((part) => DOMAIN_COMPONENT.test(part))) return undefined;
  return `invalid registry host "${domain}"`;
}

/** A tag: `[\w][\w.-]{0,127}`. */
export function tagProblem(tag: string): string | undefined {
  if (TAG.test(tag)) return undefined;
  return `invalid tag "${tag}" (a tag is 1 to 128 characters of letters, digits, "_", "." and "-", not starting with "." or "-")`;
}

/** Checks `algorithm:encoded`; sha256/sha384/sha512 must have their exact lower-case hex length. */
export function digestProblem(digest: string): string | undefined {
  const colon = digest.indexOf(':');
  const algorithm = colon < 0 ? '' : digest.slice(0, colon);
  const encoded = colon < 0 ? '' : digest.slice(colon + 1);
  if (!DIGEST_ALGORITHM.test(algorithm)) return 'invalid digest';
  const known = KNOWN_DIGEST_HEX[algorithm];
  if (known ? !known.test(encoded) : !DIGEST_HEX.test(encoded)) return 'invalid digest';
  return undefined;
}

/** `targetRepo` / `targetCatalog` rule of the ISC (§1.6): path components separated by `/`. */
export function repositoryPathProblem(path: string): string | undefined {
  if (REPOSITORY_PATH.test(path)) return undefined;
  return `invalid target path component "${path}": should not contain a tag or digest. Expected format is 1 or more path components separated by /, where each path component is a set of alpha-numeric characters optionally separated by ".", "_", "__" or "-"`;
}

/**
 * Docker's rule for telling a host from a Docker Hub namespace in the first segment of a name: it is a host
 * when it contains `.` or `:`, is `localhost`, or has upper-case letters (a namespace cannot).
 */
export function looksLikeHost(segment: string): boolean {
  return /[.:]/.test(segment) || segment === 'localhost' || segment.toLowerCase() !== segment;
}

/** Validates a docker repository name (`[host/]path/…`) as a registry would see it. */
export function repositoryNameProblem(name: string): string | undefined {
  if (name.length > NAME_TOTAL_LENGTH_MAX) {
    return `repository name is ${name.length} characters long, the maximum is ${NAME_TOTAL_LENGTH_MAX}`;
  }
  const segments = name.split('/');
  const first = segments[0];
  let rest = segments;
  if (segments.length > 1 && looksLikeHost(first)) {
    const problem = domainProblem(first);
    if (problem) return problem;
    rest = segments.slice(1);
  }
  for (const segment of rest) {
    const problem = pathComponentProblem(segment);
    if (problem) return problem;
  }
  return undefined;
}
