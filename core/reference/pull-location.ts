/**
 * Where a reference really lives, as containers/image (and so oc-mirror's copies) resolves it: Docker Hub
 * short names are normalised (`nginx:1` → `docker.io/library/nginx`), unlike oc-mirror's naming parser
 * which would call `library` a registry. Use this for every registry conversation; use
 * `parseImageReference` for destination names.
 */
import { ReferenceParseError } from './reference-error.js';
import { DOCKER_TRANSPORT, formatImageReference, parseImageReference, repositoryName } from './image-reference.js';
import type { ImageReference } from './image-reference.js';
import { looksLikeHost } from './reference-grammar.js';

export const DOCKER_HUB = 'docker.io';
/** The API endpoint of Docker Hub (the name `docker.io` itself serves no registry API). */
export const DOCKER_HUB_ENDPOINT = 'registry-1.docker.io';
const LEGACY_DOCKER_HUB = 'index.docker.io';

export interface PullLocation {
  /** Canonical registry name (`docker.io` for Docker Hub); the key for credentials and registries.conf. */
  registry: string;
  /** Host[:port] to send HTTP requests to. */
  endpoint: string;
  /** Repository inside the registry, e.g. `library/nginx`. */
  repository: string;
  tag?: string;
  /** `sha256:<hex>`; when present, pull by it (the tag is then only informative). */
  digest?: string;
}

/** Normalises a docker reference for pulling; throws {@link ReferenceParseError} for other transports. */
export function toPullLocation(ref: ImageReference | string): PullLocation {
  const parsed = typeof ref === 'string' ? parseImageReference(ref) : ref;
  if (parsed.transport !== DOCKER_TRANSPORT) {
    throw new ReferenceParseError(
      formatImageReference(parsed, { withTransport: true }),
      `transport ${parsed.transport} is not a registry`,
    );
  }
  const name = repositoryName(parsed);
  const slash = name.indexOf('/');
  let registry = DOCKER_HUB;
  let repository = name;
  if (slash >= 0 && looksLikeHost(name.slice(0, slash))) {
    registry = name.slice(0, slash);
    repository = name.slice(slash + 1);
  }
  if (registry === LEGACY_DOCKER_HUB) registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;

  const location: PullLocation = {
    registry,
    endpoint: registry === DOCKER_HUB ? DOCKER_HUB_ENDPOINT : registry,
    repository,
  };
  if (parsed.tag !== undefined) location.tag = parsed.tag;
  if (parsed.digest !== undefined) location.digest = parsed.digest;
  return location;
}

/** `registry/repository` of a pull location, e.g. `docker.io/library/nginx`. */
export function canonicalRepository(location: PullLocation): string {
  return `${location.registry}/${location.repository}`;
}
