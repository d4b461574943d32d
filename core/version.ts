/** The version ocm-tui reports (`--version`, cluster-resource annotations, oc-mirror-version.json). */
export const VERSION = '0.1.0';
