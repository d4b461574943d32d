// Stands in for react-devtools-core in the UI bundle: Ink imports it only when DEV=true, to connect to the
// React DevTools. The bundle does not ship it; say so instead of failing obscurely.
export function connectToDevTools() {
  process.stderr.write('ocm-tui: React DevTools are not available in the bundled UI (unset DEV, or set OCM_TUI_UNBUNDLED=1)\n');
}
export default { connectToDevTools };
