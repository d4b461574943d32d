/**
 * The Red Hat operator index images published per OpenShift version (what `list operators --catalogs` probes and
 * what the config builder offers). A static table: the names have been stable since 4.6, and
 * `redhat-marketplace-index` is no longer published from 4.22 on.
 */

/** Index image names under `registry.redhat.io/redhat/`, in oc-mirror's order. */
export const RED_HAT_INDEX_NAMES = ['redhat-operator-index', 'certified-operator-index', 'community-operator-index'];

/** The marketplace index, published up to (excluding) this minor version. */
const MARKETPLACE_UNTIL_MINOR = 22;

/** OpenShift versions the builder offers by default (newest last). */
export const OPENSHIFT_VERSIONS = ['4.14', '4.15', '4.16', '4.17', '4.18', '4.19', '4.20'];

/** `registry.redhat.io/redhat/<index>:v<X.Y>` for every index published for `version` (`4.18` or `v4.18`). */
export function redHatCatalogs(version: string): string[] {
  const bare = version.replace(/^v/, '');
  const minor = Number(bare.split('.')[1] ?? '0');
  const names = [...RED_HAT_INDEX_NAMES, ...(minor < MARKETPLACE_UNTIL_MINOR ? ['redhat-marketplace-index'] : [])];
  return names.map((name) => `registry.redhat.io/redhat/${name}:v${bare}`);
}
