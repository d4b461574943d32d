/**
 * A delete file's items for the review tests: deletable items of three types in two repositories, plus a
 * catalog, items outside the registry, and a duplicate.
 */
import { keyOf } from '../../components/shared/input-keys.js';
import type { Key } from 'ink';
import type { DeleteItem } from '../../core/delete/delete-list.js';

export const REGISTRY = '127.0.0.1:5000/mirror';
const R = `docker://${REGISTRY}`;
const HEX = 'a'.repeat(64);

export const ITEM = {
  appA1: { imageName: 'quay.io/team/apps/a:1.0', imageReference: `${R}/apps/a:1.0`, type: 'generic' },
  appA2: { imageName: 'quay.io/team/apps/a:2.0', imageReference: `${R}/apps/a:2.0`, type: 'generic' },
  appB: {
    imageName: `quay.io/team/apps/b@sha256:${HEX}`,
    imageReference: `${R}/apps/b:sha256-${HEX}`,
    type: 'generic',
  },
  release: {
    imageName: 'docker://quay.io/openshift-release-dev/ocp-release:4.18.1-x86_64',
    imageReference: `${R}/openshift/release-images:4.18.1-x86_64`,
    type: 'ocpRelease',
  },
  etcd: {
    imageName: `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${HEX}`,
    imageReference: `${R}/openshift/release:4.18.1-x86_64-etcd`,
    type: 'ocpReleaseContent',
  },
  catalog: {
    imageName: 'registry.redhat.io/redhat/redhat-operator-index:v4.18',
    imageReference: `${R}/redhat/redhat-operator-index:v4.18`,
    type: 'operatorCatalog',
  },
  elsewhere: {
    imageName: 'quay.io/team/apps/c:1',
    imageReference: 'docker://other.example.com:5000/apps/c:1',
    type: 'generic',
  },
  misplacedRelease: {
    imageName: 'quay.io/openshift-release-dev/ocp-release:4.18.2-x86_64',
    imageReference: `${R}/ocp/release-images:4.18.2-x86_64`,
    type: 'ocpRelease',
  },
} satisfies Record<string, DeleteItem>;

/** In file order (sorted by imageReference, as delete --generate writes), with one duplicate. */
export const FILE_ITEMS: DeleteItem[] = [
  ITEM.appA1,
  ITEM.appA2,
  ITEM.appB,
  ITEM.misplacedRelease,
  ITEM.etcd,
  ITEM.release,
  ITEM.catalog,
  ITEM.elsewhere,
  { ...ITEM.appA1 },
];

export const CATALOG = 'registry.redhat.io/redhat/redhat-operator-index:v4.18';
export const ACME_CATALOG = `quay.io/acme/acme-catalog@sha256:${'b'.repeat(64)}`;

/** Operator images: two bundles from two catalogs, related images of two packages (one shared by three). */
export const OPERATOR = {
  acmeBundle: {
    imageName: 'quay.io/acme/acme-bundle:v1.2.0',
    imageReference: `${R}/acme/acme-bundle:v1.2.0`,
    type: 'operatorBundle',
  },
  etcdBundle: {
    imageName: `registry.redhat.io/coreos/etcd-bundle@sha256:${'c'.repeat(64)}`,
    imageReference: `${R}/coreos/etcd-bundle@sha256:${'c'.repeat(64)}`,
    type: 'operatorBundle',
  },
  etcdOperator: {
    imageName: `registry.redhat.io/coreos/etcd-operator@sha256:${'d'.repeat(64)}`,
    imageReference: `${R}/coreos/etcd-operator@sha256:${'d'.repeat(64)}`,
    type: 'operatorRelatedImage',
  },
  rbacProxy: {
    imageName: `registry.redhat.io/openshift4/ose-kube-rbac-proxy@sha256:${'e'.repeat(64)}`,
    imageReference: `${R}/openshift4/ose-kube-rbac-proxy@sha256:${'e'.repeat(64)}`,
    type: 'operatorRelatedImage',
  },
  jaegerAgent: {
    imageName: 'quay.io/jaegertracing/jaeger-agent:1.57',
    imageReference: `${R}/jaegertracing/jaeger-agent:1.57`,
    type: 'operatorRelatedImage',
  },
  /** Its sidecar entry names no package: grouped by repository like an image without origin. */
  helper: {
    imageName: 'quay.io/misc/helper:1.0',
    imageReference: `${R}/misc/helper:1.0`,
    type: 'operatorRelatedImage',
  },
} satisfies Record<string, DeleteItem>;

/** FILE_ITEMS plus the operator images. */
export const OPERATOR_FILE_ITEMS: DeleteItem[] = [...FILE_ITEMS, ...Object.values(OPERATOR)];

/**
 * The sidecar `delete --generate` writes, keyed by imageReference; with entries the review must ignore (a generic
 * image, a catalog, an entry without packages).
 */
export const ORIGINS: Record<string, { catalog: string; packages: string[] }> = {
  [OPERATOR.acmeBundle.imageReference]: { catalog: ACME_CATALOG, packages: ['acme-operator'] },
  [OPERATOR.etcdBundle.imageReference]: { catalog: CATALOG, packages: ['etcd'] },
  [OPERATOR.etcdOperator.imageReference]: { catalog: CATALOG, packages: ['etcd'] },
  [OPERATOR.rbacProxy.imageReference]: { catalog: CATALOG, packages: ['etcd', 'jaeger', 'kiali'] },
  [OPERATOR.jaegerAgent.imageReference]: { catalog: CATALOG, packages: ['jaeger'] },
  [OPERATOR.helper.imageReference]: { catalog: CATALOG, packages: [] },
  [ITEM.appA1.imageReference]: { catalog: CATALOG, packages: ['etcd'] },
  [ITEM.catalog.imageReference]: { catalog: CATALOG, packages: ['etcd'] },
};

/** An Ink key with every flag off, then `overrides`. */
export function key(overrides: Partial<Key> = {}): Key {
  return keyOf(overrides);
}
