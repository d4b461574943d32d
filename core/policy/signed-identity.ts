/**
 * Does a signature's claimed identity (`critical.identity.docker-reference`) fit the image being copied, under
 * the requirement's `signedIdentity` (containers/image `policy_reference_match.go`)? References are compared
 * normalised (`busybox` = `docker.io/library/busybox`).
 */
import type { SignedIdentity } from './policy-file.js';
import { formatDockerName, isNameOnly, parseDockerName, type DockerName } from './docker-name.js';

/**
 * `intended`: the reference the image is read by (as containers/image's `image.Reference().DockerReference()`:
 * a tag or a digest, never both for the docker transport); `signed`: the signature's identity.
 */
export function identityMatches(identity: SignedIdentity, intended: string, signed: string): boolean {
  let signature: DockerName;
  try {
    signature = parseDockerName(signed);
  } catch {
    return false;
  }
  switch (identity.type) {
    case 'matchExact': {
      const image = parse(intended);
      if (!image || isNameOnly(image) || isNameOnly(signature)) return false;
      return formatDockerName(signature) === formatDockerName(image);
    }
    case 'matchRepoDigestOrExact': {
      const image = parse(intended);
      return image !== undefined && repoDigestOrExact(image, signature);
    }
    case 'matchRepository': {
      const image = parse(intended);
      return image !== undefined && image.name === signature.name;
    }
    case 'exactReference': {
      const wanted = parse(identity.dockerReference);
      if (!wanted || isNameOnly(wanted) || isNameOnly(signature)) return false;
      return formatDockerName(signature) === formatDockerName(wanted);
    }
    case 'exactRepository': {
      const wanted = parse(identity.dockerRepository);
      return wanted !== undefined && wanted.name === signature.name;
    }
    case 'remapIdentity': {
      const image = parse(intended);
      if (!image) return false;
      const remapped = remapPrefix(image, identity.prefix, identity.signedPrefix);
      return remapped !== undefined && repoDigestOrExact(remapped, signature);
    }
  }
}

function parse(s: string): DockerName | undefined {
  try {
    return parseDockerName(s);
  } catch {
    return undefined;
  }
}

/** A tag must match exactly; a digest reference accepts any signature for the same repository (the digest is checked separately). */
function repoDigestOrExact(image: DockerName, signature: DockerName): boolean {
  if (isNameOnly(signature)) return false;
  if (image.tag !== undefined) return formatDockerName(signature) === formatDockerName(image);
  if (image.digest !== undefined) return signature.name === image.name;
  return false;
}

/**
 * `prefix` matches when the reference starts with it and the next character is `/`, `:` or `@` (or nothing);
 * that part is replaced by `signedPrefix`. A reference that does not match is used unchanged.
 */
export function remapPrefix(image: DockerName, prefix: string, signedPrefix: string): DockerName | undefined {
  const ref = formatDockerName(image);
  if (!refMatchesPrefix(ref, prefix)) return image;
  return parse(signedPrefix + ref.slice(prefix.length));
}

function refMatchesPrefix(ref: string, prefix: string): boolean {
  if (ref.length < prefix.length) return false;
  if (ref.length === prefix.length) return ref === prefix;
  if (!ref.startsWith(prefix)) return false;
  const c = ref[prefix.length];
  return c === '/' || c === ':' || c === '@';
}
