/**
 * The keys of ImageSetConfiguration and DeleteImageSetConfiguration, as oc-mirror v2's Go structs define them
 * (core.md §1.2–§1.10). `required` marks what we insist on up front even where oc-mirror only fails later
 * (docs/config-validation.md lists each such check).
 */
import { bool, int, list, object, required, str, type ObjectSchema } from './yaml-schema.js';

const V1_STORAGE = 'an oc-mirror v1 setting: v2 keeps its state in the working-dir and the local cache, remove it';

// os/architecture are required too, checked with oc-mirror's own messages in validate-spec.ts.
const instancePlatform = object({ os: str, architecture: str });

const releaseChannel = object(
  {
    name: required(str),
    type: str,
    minVersion: str,
    maxVersion: str,
    shortestPath: bool,
    full: bool,
  },
  {
    retired: {
      headsOnly: 'an oc-mirror v1 setting: v2 mirrors channel heads unless "full: true" or a version range is set',
    },
  },
);

const releasePlatform = object({
  graph: bool,
  channels: list(releaseChannel),
  architectures: list(str),
  platforms: list(instancePlatform),
  release: str,
  kubeVirtContainer: bool,
});

const includeChannel = object(
  { name: required(str), minVersion: str, maxVersion: str },
  { retired: { minBundle: 'not supported by oc-mirror v2: use minVersion' }, shorthandKey: 'name' },
);

const includePackage = object(
  {
    name: required(str),
    channels: list(includeChannel),
    defaultChannel: str,
    minVersion: str,
    maxVersion: str,
  },
  {
    retired: {
      bundles: 'removed from oc-mirror v2 (selected bundles): use minVersion/maxVersion',
      selectedBundles: 'removed from oc-mirror v2: use minVersion/maxVersion',
      minBundle: 'not supported by oc-mirror v2: use minVersion',
      headsOnly: 'an oc-mirror v1 setting: remove it',
    },
    shorthandKey: 'name',
  },
);

const operator = object(
  {
    catalog: required(str),
    targetCatalog: str,
    targetTag: str,
    full: bool,
    skipDependencies: bool,
    targetCatalogSourceTemplate: str,
    platforms: list(instancePlatform),
    packages: list(includePackage),
  },
  {
    retired: {
      targetName: 'an oc-mirror v1 setting: use targetCatalog',
      headsOnly: 'an oc-mirror v1 setting: v2 mirrors channel heads unless "full: true" is set',
    },
    shorthandKey: 'catalog',
  },
);

const additionalImage = object(
  { name: required(str), targetRepo: str, targetTag: str, platforms: list(instancePlatform) },
  { shorthandKey: 'name' },
);

const repositoryChart = object(
  { name: required(str), version: str, path: str, imagePaths: list(str), platforms: list(instancePlatform) },
  { shorthandKey: 'name' },
);

const localChart = object({
  name: str,
  version: str,
  path: required(str),
  imagePaths: list(str),
  platforms: list(instancePlatform),
});

const helm = object({
  repositories: list(object({ name: required(str), url: required(str), charts: list(repositoryChart) })),
  local: list(localChart),
});

const blockedImage = object({ name: required(str) }, { shorthandKey: 'name' });
const sampleImage = object({ name: str }, { shorthandKey: 'name' });

const commonSpecFields = {
  platform: releasePlatform,
  operators: list(operator),
  additionalImages: list(additionalImage),
  helm,
  samples: list(sampleImage),
};

export const mirrorSpecSchema: ObjectSchema = object({ ...commonSpecFields, blockedImages: list(blockedImage) });

export const deleteSpecSchema: ObjectSchema = object(commonSpecFields, {
  retired: { blockedImages: 'not available in DeleteImageSetConfiguration' },
});

/** Top level of an ImageSetConfiguration; `delete` is reported by the stanza check, not as an unknown field. */
export const imageSetConfigurationSchema: ObjectSchema = object(
  { kind: str, apiVersion: str, archiveSize: int, mirror: mirrorSpecSchema },
  { retired: { storageConfig: V1_STORAGE } },
);

/** Top level of a DeleteImageSetConfiguration; `mirror` is reported by the stanza check. */
export const deleteImageSetConfigurationSchema: ObjectSchema = object(
  { kind: str, apiVersion: str, delete: deleteSpecSchema },
  {
    retired: {
      storageConfig: V1_STORAGE,
      archiveSize: 'only valid in an ImageSetConfiguration',
    },
  },
);
