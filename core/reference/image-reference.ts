/**
 * oc-mirror's own image reference parser (`internal/pkg/image.ParseRef`, spec core.md §8.1), reproduced
 * rule for rule because destination names, IDMS scopes and delete files are derived from its output:
 * the first `/` segment is always the "registry" (no Docker Hub normalisation), there is no implicit
 * `latest`, and the tag is the text after the last `:` that follows the first `/`.
 *
 * On top of that, every part is validated against the registry grammar, so a bad reference fails here,
 * with the reference quoted, instead of at copy time. For talking to a registry use `toPullLocation`.
 */
import { ReferenceParseError } from './reference-error.js';
import { digestProblem, repositoryNameProblem, tagProblem } from './reference-grammar.js';

/** Registry transport; implied when a reference has none. */
export const DOCKER_TRANSPORT = 'docker://';
/** Local OCI image layout directory. */
export const OCI_TRANSPORT = 'oci://';

/** A reference split the way oc-mirror splits it (see the module comment). */
export interface ImageReference {
  /** `docker://` (also when the input had no transport), `oci://`, or another `xxx://` prefix. */
  transport: 'docker://' | 'oci://' | string;
  /** oc-mirror's "domain": the first `/` segment of a docker name (even `library`), '' for one segment or non-docker. */
  registry: string;
  /** oc-mirror's "path component": the rest of a docker name; for `oci://` the filesystem path. */
  path: string;
  tag?: string;
  /** Full digest, `sha256:<hex>`. */
  digest?: string;
}

/** Parses like oc-mirror and validates; throws {@link ReferenceParseError} quoting `input`. */
export function parseImageReference(input: string): ImageReference {
  let transport = DOCKER_TRANSPORT;
  let name = input;
  const separator = input.indexOf('://');
  if (separator >= 0) {
    if (input.indexOf('://', separator + 3) >= 0) {
      throw new ReferenceParseError(input, 'more than one "://" transport separator');
    }
    transport = input.slice(0, separator + 3);
    name = input.slice(separator + 3);
  }
  const isDocker = transport === DOCKER_TRANSPORT;

  let digest: string | undefined;
  const at = name.indexOf('@');
  if (at >= 0) {
    const candidate = name.slice(at + 1);
    if (isDocker && candidate.includes('/') && !name.slice(0, at).includes('/')) {
      throw new ReferenceParseError(
        input,
        'user name or password in front of the registry host',
        'credentials do not belong in image references: log in with an auth file (--authfile) instead',
      );
    }
    const problem = candidate.includes('@') ? 'more than one "@"' : digestProblem(candidate);
    if (problem) throw new ReferenceParseError(input, problem, 'a digest looks like sha256:<64 lower-case hex>');
    digest = candidate;
    name = name.slice(0, at);
  }

  let tag: string | undefined;
  if (isDocker && name.includes(':')) {
    const lastColon = name.lastIndexOf(':');
    const firstSlash = name.indexOf('/');
    if (firstSlash < 0 || (firstSlash > 0 && lastColon > firstSlash)) {
      tag = name.slice(lastColon + 1);
      name = name.slice(0, lastColon);
      // An empty tag (`img:`) behaves as "no tag" in oc-mirror; keep that, the check below then reports it.
      if (tag === '') tag = undefined;
    }
  }

  if (name === '') throw new ReferenceParseError(input, 'reference name is empty');
  if (!isDocker) return withOptional({ transport, registry: '', path: name }, tag, digest);

  if (tag === undefined && digest === undefined) {
    throw new ReferenceParseError(
      input,
      'tag and digest are empty',
      'add a tag (image:1.0) or a digest (image@sha256:…); no "latest" is assumed',
    );
  }
  if (tag !== undefined) {
    const problem = tagProblem(tag);
    if (problem) throw new ReferenceParseError(input, problem);
  }
  const nameProblem = repositoryNameProblem(name);
  if (nameProblem) throw new ReferenceParseError(input, nameProblem);

  const slash = name.indexOf('/');
  const registry = slash < 0 ? '' : name.slice(0, slash);
  const path = slash < 0 ? name : name.slice(slash + 1);
  return withOptional({ transport, registry, path }, tag, digest);
}

function withOptional(base: ImageReference, tag?: string, digest?: string): ImageReference {
  const ref: ImageReference = { ...base };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/** oc-mirror's `Name`: `registry/path` (just `path` when there is no registry), without tag or digest. */
export function repositoryName(ref: ImageReference): string {
  return ref.registry ? `${ref.registry}/${ref.path}` : ref.path;
}

/** `registry/path[:tag][@digest]`, prefixed with the transport when `withTransport` is set. */
export function formatImageReference(ref: ImageReference, options: { withTransport?: boolean } = {}): string {
  let text = repositoryName(ref);
  if (ref.tag !== undefined) text += `:${ref.tag}`;
  if (ref.digest !== undefined) text += `@${ref.digest}`;
  return options.withTransport ? ref.transport + text : text;
}

/** The reference to pull: by digest when there is one (a tag next to it is only informative). */
export function formatPullReference(ref: ImageReference, options: { withTransport?: boolean } = {}): string {
  if (ref.digest === undefined) return formatImageReference(ref, options);
  return formatImageReference(
    { transport: ref.transport, registry: ref.registry, path: ref.path, digest: ref.digest },
    options,
  );
}

/** Has a digest and no tag. */
export function isDigestOnly(ref: ImageReference): boolean {
  return ref.digest !== undefined && ref.tag === undefined;
}

/**
 * "Pulled by digest, pushed by tag" (`name:tag@sha256:…`, §8.1 rule 7). Unlike oc-mirror, which counts
 * `:` characters, this looks at the parsed parts, so `host:5000/img@sha256:…` is digest-only
 * (docs/decisions.md, "tag and digest detection"). Unparseable input is not tag+digest.
 */
export function isTagAndDigest(input: string | ImageReference): boolean {
  let ref: ImageReference;
  if (typeof input === 'string') {
    try {
      ref = parseImageReference(input);
    } catch {
      return false;
    }
  } else {
    ref = input;
  }
  return ref.tag !== undefined && ref.digest !== undefined;
}

/** The hex part of `algorithm:hex`. */
export function digestHex(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1);
}

/** The reference without its `xxx://` transport prefix, as oc-mirror compares and prints it. */
export function stripTransport(ref: string): string {
  const i = ref.indexOf('://');
  return i >= 0 ? ref.slice(i + 3) : ref;
}
