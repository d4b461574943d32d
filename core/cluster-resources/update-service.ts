/**
 * The UpdateService resource (spec core.md §5.5, `graph: true` only): `updateService.yaml` pointing the
 * OpenShift Update Service operator at the mirrored graph-data image and release repository. Keys are sorted
 * like oc-mirror's JSON→YAML output and the annotations are those of every generated cluster resource (§5.1).
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  DOCKER_TRANSPORT,
  formatImageReference,
  parseImageReference,
  repositoryName,
  stripTransport,
} from '../reference/image-reference.js';
import type { ImageReference } from '../reference/image-reference.js';
import { ClusterResourceError } from './cluster-resource-error.js';

export const UPDATE_SERVICE_FILE_NAME = 'updateService.yaml';
export const UPDATE_SERVICE_API_VERSION = 'updateservice.operator.openshift.io/v1';
export const UPDATE_SERVICE_KIND = 'UpdateService';
export const UPDATE_SERVICE_NAME = 'update-service-oc-mirror';
export const UPDATE_SERVICE_NAMESPACE = 'openshift-update-service';
export const UPDATE_SERVICE_REPLICAS = 2;

export interface UpdateServiceInput {
  /** The graph image at the destination, `[docker://]<R>/openshift/graph-image:latest` (tag and/or digest). */
  graphImage: string;
  /**
   * The repository of the first release payload at the destination, `[docker://]<R>/openshift/release-images`;
   * a tag or digest on it is dropped (the operator wants the repository).
   */
  releasesRepository: string;
}

export interface UpdateServiceOptions {
  /** RFC 3339 UTC time written into the `createdAt` annotation. */
  createdAt: string;
  /** Written into the `oc-mirror_version` annotation. */
  version: string;
}

/**
 * The YAML text of `updateService.yaml`. Throws {@link ClusterResourceError} when a reference cannot be parsed
 * or is not a registry (docker://) reference.
 */
export function generateUpdateService(input: UpdateServiceInput, opts: UpdateServiceOptions): string {
  const graphImage = formatImageReference(parseReference(input.graphImage, 'graph image'));
  const releases = repositoryName(parseRepository(input.releasesRepository));
  const document = {
    apiVersion: UPDATE_SERVICE_API_VERSION,
    kind: UPDATE_SERVICE_KIND,
    metadata: {
      annotations: {
        createdAt: opts.createdAt,
        createdBy: 'oc-mirror v2',
        'oc-mirror_version': opts.version,
      },
      name: UPDATE_SERVICE_NAME,
      namespace: UPDATE_SERVICE_NAMESPACE,
    },
    spec: {
      graphDataImage: graphImage,
      releases,
      replicas: UPDATE_SERVICE_REPLICAS,
    },
  };
  return toYaml(document);
}

/**
 * Writes `updateService.yaml` into `dir` (normally `working-dir/cluster-resources`) through a temporary file
 * and a rename; returns its path.
 */
export async function writeUpdateService(
  dir: string,
  input: UpdateServiceInput,
  opts: UpdateServiceOptions,
): Promise<string> {
  const text = generateUpdateService(input, opts);
  await mkdir(dir, { recursive: true });
  const path = join(dir, UPDATE_SERVICE_FILE_NAME);
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, text, { mode: 0o644 });
  await rename(temp, path);
  return path;
}

function parseReference(reference: string, what: string): ImageReference {
  let ref: ImageReference;
  try {
    ref = parseImageReference(reference);
  } catch (err) {
    throw new ClusterResourceError(`unable to generate UpdateService: ${what}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (ref.transport !== DOCKER_TRANSPORT) {
    throw new ClusterResourceError(
      `unable to generate UpdateService: ${what} ${reference} is not a registry reference (docker://)`,
    );
  }
  return ref;
}

/** A repository without tag or digest is not a full reference: it is parsed as if it carried a tag. */
function parseRepository(repository: string): ImageReference {
  const what = 'releases repository';
  try {
    const ref = parseImageReference(repository);
    if (ref.tag !== undefined || ref.digest !== undefined) return parseReference(repository, what);
  } catch {
    // No tag or digest (the normal case), or not a reference at all: decided below.
  }
  const bare = stripTransport(repository);
  const transport = repository.slice(0, repository.length - bare.length);
  let ref: ImageReference;
  try {
    ref = parseImageReference(`${transport}${bare}:latest`);
  } catch (err) {
    const problem = (err as { problem?: unknown }).problem;
    throw new ClusterResourceError(
      `unable to generate UpdateService: ${what} "${repository}" is not a valid repository` +
        (typeof problem === 'string' ? `: ${problem}` : ''),
      { cause: err },
    );
  }
  if (ref.transport !== DOCKER_TRANSPORT) {
    throw new ClusterResourceError(
      `unable to generate UpdateService: ${what} ${repository} is not a registry reference (docker://)`,
    );
  }
  return ref;
}

/**
 * The layout of oc-mirror's JSON→YAML (go-yaml v2) output: sorted keys, no line folding, and YAML 1.1 quoting
 * (so an RFC 3339 time is written quoted), as for the other cluster resources.
 */
function toYaml(value: unknown): string {
  return stringify(value, { version: '1.1', indentSeq: false, lineWidth: 0, sortMapEntries: true });
}
