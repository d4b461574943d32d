/** The version ocm-tui reports (`--version`, cluster-resource annotations, oc-mirror-version.json). */
export const VERSION = '0.1.0';

/**
 * Where this build came from, for `ocm-tui version`. Empty in a checkout's tsc build; the one-file package
 * (scripts/package.mjs) replaces this module with the commit, tree state and date it was built from.
 */
export const BUILD: { gitCommit: string; gitTreeState: '' | 'clean' | 'dirty'; buildDate: string } = {
  gitCommit: '',
  gitTreeState: '',
  buildDate: '',
};
