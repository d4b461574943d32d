/**
 * oc-mirror's `findImages` (helm-rendering.md §1, collectors.md §3.3): the rendered manifest is split on
 * `\n---\n`, every piece is YAML-decoded (one that does not decode fails the chart), the four default JSONPaths
 * plus the user's `imagePaths` are evaluated, each output is split on spaces, and every token is parsed as an
 * image reference; only references with a tag or a digest are kept, the rest are skipped (oc-mirror logs them at
 * debug level). No regex scanning: an image in a CronJob or a custom resource is found only through
 * `imagePaths`.
 */
import { parseImageReference, DOCKER_TRANSPORT } from '../../reference/image-reference.js';
import { GoYamlError, parseGoYaml } from './helm-yaml.js';
import { executeJsonPath, parseJsonPath, type JsonPath } from './jsonpath.js';

/** oc-mirror's `getImagesPath` defaults; user paths are appended, never replace them. */
export const DEFAULT_IMAGE_PATHS: readonly string[] = [
  '{.spec.template.spec.initContainers[*].image}',
  '{.spec.template.spec.containers[*].image}',
  '{.spec.initContainers[*].image}',
  '{.spec.containers[*].image}',
];

/** Images of a rendered chart. */
export interface FoundImages {
  /** References from the release manifests, unique, in the order found (as written, without transport). */
  images: string[];
  /** References found only in hook documents (oc-mirror never collects these), unique, in order. */
  hookImages: string[];
  /** Path outputs that are not references with a tag or digest (`nginx`, `debug`), unique, in order. */
  skipped: string[];
}

/** A rendered document that does not decode, or a path that cannot be evaluated; names the template file. */
export class FindImagesError extends Error {
  /** The `# Source:` of the failing document, when it has one. */
  readonly file?: string;
  readonly line?: number;
  constructor(message: string, file?: string, line?: number) {
    super(message);
    this.name = 'FindImagesError';
    this.file = file;
    this.line = line;
  }
}

/** Parses the default paths plus `imagePaths`; throws {@link FindImagesError} for one that does not parse. */
export function compileImagePaths(imagePaths: readonly string[] = []): JsonPath[] {
  return [...DEFAULT_IMAGE_PATHS, ...imagePaths].map((p) => {
    try {
      return parseJsonPath(p);
    } catch (err) {
      throw new FindImagesError(`failed to parse ${p}: ${(err as Error).message}`);
    }
  });
}

function sourceOf(piece: string): string | undefined {
  return /^(?:---\n)?# Source: (.*)$/m.exec(piece)?.[1];
}

/** The image reference a token names, when it has a tag or a digest (oc-mirror's `ParseRef` rule). */
export function acceptImageToken(token: string): string | undefined {
  try {
    const ref = parseImageReference(token);
    if (ref.transport !== DOCKER_TRANSPORT || (ref.tag === undefined && ref.digest === undefined)) return undefined;
    return token.startsWith(DOCKER_TRANSPORT) ? token.slice(DOCKER_TRANSPORT.length) : token;
  } catch {
    return undefined;
  }
}

/** Every path output token of a manifest text (pieces separated by `\n---\n`), in document and path order. */
function tokensOf(text: string, paths: readonly JsonPath[]): string[] {
  const tokens: string[] = [];
  for (const piece of text.split('\n---\n')) {
    let doc: unknown;
    try {
      doc = parseGoYaml(piece);
    } catch (err) {
      const line = err instanceof GoYamlError ? err.line : undefined;
      throw new FindImagesError(`cannot decode a rendered document: ${(err as Error).message}`, sourceOf(piece), line);
    }
    if (doc === null || typeof doc !== 'object') continue;
    for (const path of paths) {
      let output: string;
      try {
        output = executeJsonPath(path, doc);
      } catch (err) {
        throw new FindImagesError((err as Error).message, sourceOf(piece));
      }
      for (const token of output.split(' ')) if (token !== '') tokens.push(token);
    }
  }
  return tokens;
}

/**
 * The images of a rendered chart: `manifest` holds the release documents (CRDs first), `hooks` the hook
 * documents, both as chart-render.ts produces them.
 */
export function findImages(
  rendered: { readonly manifest: string; readonly hooks?: string },
  imagePaths: readonly string[] = [],
): FoundImages {
  const paths = compileImagePaths(imagePaths);
  const images: string[] = [];
  const hookImages: string[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  const seenSkipped = new Set<string>();
  const collect = (text: string, into: string[]) => {
    for (const token of tokensOf(text, paths)) {
      const image = acceptImageToken(token);
      if (image === undefined) {
        if (!seenSkipped.has(token)) {
          seenSkipped.add(token);
          skipped.push(token);
        }
      } else if (!seen.has(image)) {
        seen.add(image);
        into.push(image);
      }
    }
  };
  collect(rendered.manifest, images);
  if (rendered.hooks) collect(rendered.hooks, hookImages);
  return { images, hookImages, skipped };
}
