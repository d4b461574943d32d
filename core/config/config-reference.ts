/**
 * Image references as the configuration checks need them: oc-mirror's own parser (core.md §8.1, with its exact
 * error texts), the stricter Docker grammar checks we add up front, and the catalog "unique name" of §1.11.
 * The copy engine has its own reference module; this one only serves config validation.
 */

export interface ConfigImageRef {
  /** `docker://`, `oci://`, … */
  transport: string;
  /** The reference without transport. */
  reference: string;
  /** Reference without tag and digest (docker), or the path (other transports). */
  name: string;
  domain: string;
  pathComponent: string;
  tag: string;
  algorithm: string;
  digest: string;
}

const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

function isValidDigest(text: string): { algorithm: string; hex: string } | undefined {
  const colon = text.indexOf(':');
  if (colon <= 0 || colon + 1 === text.length) return undefined;
  const algorithm = text.slice(0, colon);
  const hex = text.slice(colon + 1);
  const length = DIGEST_HEX_LENGTH[algorithm];
  if (length === undefined || hex.length !== length || !/^[a-f0-9]+$/.test(hex)) return undefined;
  return { algorithm, hex };
}

/** oc-mirror's image.ParseRef. Throws an Error whose message is oc-mirror's. */
export function parseConfigImageRef(ref: string): ConfigImageRef {
  const spec: ConfigImageRef = {
    transport: '',
    reference: '',
    name: '',
    domain: '',
    pathComponent: '',
    tag: '',
    algorithm: '',
    digest: '',
  };
  if (ref.includes('://')) {
    const parts = ref.split('://');
    if (parts.length === 2) {
      spec.transport = `${parts[0]}://`;
      spec.reference = parts[1];
      spec.name = parts[1];
    }
  } else {
    spec.transport = 'docker://';
    spec.reference = ref;
    spec.name = ref;
  }
  if (spec.name.includes('@')) {
    const parts = spec.name.split('@');
    const digest = isValidDigest(parts[1]);
    if (!digest) throw new Error(`${ref} unable to parse image correctly : invalid digest`);
    spec.algorithm = digest.algorithm;
    spec.digest = digest.hex;
    spec.name = parts[0];
  }
  if (spec.name.includes(':') && spec.transport === 'docker://') {
    const lastColon = spec.name.lastIndexOf(':');
    const firstSlash = spec.name.indexOf('/');
    if (firstSlash < 0 || (firstSlash > 0 && lastColon > firstSlash)) {
      spec.tag = spec.name.slice(lastColon + 1);
      spec.name = spec.name.slice(0, lastColon);
    }
  }
  if (spec.name === '') throw new Error('unknown image : reference name is empty');
  if (spec.transport === 'docker://' && spec.tag === '' && spec.digest === '') {
    throw new Error(`${ref} unable to parse image correctly : tag and digest are empty`);
  }
  if (spec.transport === 'docker://') {
    const components = spec.name.split('/');
    if (components.length >= 2) {
      spec.domain = components[0];
      spec.pathComponent = components.slice(1).join('/');
    } else {
      spec.pathComponent = components[0];
    }
  } else {
    spec.pathComponent = spec.name;
  }
  return spec;
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*$/;
const DOMAIN =
  /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
/** oc-mirror's IsValidPathComponent (targetCatalog, targetRepo). */
const TARGET_PATH = /^([a-z0-9]+((?:[._]|__|[-]*)[a-z0-9]+)*)(\/([a-z0-9]+((?:[._]|__|[-]*)[a-z0-9]+)*))*$/;

export const PATH_COMPONENT_RULE = 'lowercase letters and digits, optionally separated by ".", "_", "__" or "-"';

export function isValidTargetPath(path: string): boolean {
  return TARGET_PATH.test(path);
}

export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

/** oc-mirror's message for an invalid targetCatalog / targetRepo. */
export function invalidTargetPathMessage(path: string): string {
  return (
    `invalid target path component ${JSON.stringify(path)}: should not contain a tag or digest. ` +
    'Expected format is 1 or more path components separated by /, where each path component is a set of ' +
    'alpha-numeric and regexp (?:[._]|__|[-]*). For more, see ' +
    'https://github.com/containers/image/blob/main/docker/reference/regexp.go'
  );
}

const TAG_RULE = 'must be 1 to 128 letters, digits, "_", "." or "-", not starting with "." or "-"';

export function invalidTagMessage(tag: string): string {
  return `invalid tag ${JSON.stringify(tag)}: a tag ${TAG_RULE}`;
}

/**
 * Checks oc-mirror does not make at config time but the registry client would reject later: the Docker
 * reference grammar of a parsed docker:// reference. Returns a reason, or undefined when fine.
 */
export function dockerGrammarProblem(spec: ConfigImageRef): string | undefined {
  if (spec.transport !== 'docker://') return undefined;
  const components = spec.name.split('/');
  // Like containers/image: the first component is a registry host only when it looks like one.
  const first = components[0];
  const hasHost =
    components.length > 1 &&
    (first.includes('.') || first.includes(':') || first === 'localhost' || /[A-Z]/.test(first));
  if (hasHost && !DOMAIN.test(first)) return `registry host ${JSON.stringify(first)} is not a valid host name`;
  for (const component of hasHost ? components.slice(1) : components) {
    if (!PATH_COMPONENT.test(component)) {
      return `repository path component ${JSON.stringify(component)} must be ${PATH_COMPONENT_RULE}`;
    }
  }
  if (spec.tag !== '' && !TAG.test(spec.tag)) return `tag ${JSON.stringify(spec.tag)} ${TAG_RULE}`;
  return undefined;
}

/**
 * oc-mirror's getUniqueNameWithTarget (catalog duplicates, §1.11): the reference with targetTag and targetCatalog
 * substituted. Throws with oc-mirror's messages.
 */
export function uniqueImageName(source: string, targetPath?: string, targetTag?: string): string {
  const spec = parseConfigImageRef(source);
  if (!targetPath && !targetTag) return spec.reference;
  let reference = spec.reference;
  if (targetTag) reference = `${spec.name}:${targetTag}`;
  if (targetPath) {
    if (!isValidTargetPath(targetPath)) throw new Error(invalidTargetPathMessage(targetPath));
    reference = reference.replace(spec.pathComponent, targetPath);
  }
  return reference;
}
