/**
 * A delete file's items for the review tests: deletable items of three types in two repositories, plus a
 * catalog, items outside the registry, and a duplicate.
 */
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

/** An Ink key with every flag off, then `overrides`. */
export function key(overrides: Partial<Key> = {}): Key {
  return {
    upArrow: false,
    downArrow: false,
    leftArrow: false,
    rightArrow: false,
    pageDown: false,
    pageUp: false,
    home: false,
    end: false,
    return: false,
    escape: false,
    ctrl: false,
    shift: false,
    tab: false,
    backspace: false,
    delete: false,
    meta: false,
    super: false,
    hyper: false,
    capsLock: false,
    numLock: false,
    ...overrides,
  };
}
