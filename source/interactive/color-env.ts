/**
 * Environment fixes that must happen before Ink (and React) are first imported:
 * - chalk ignores NO_COLOR and computes its colour level at import, so NO_COLOR becomes FORCE_COLOR=0
 *   (an explicit FORCE_COLOR wins);
 * - React picks its development build unless NODE_ENV=production, and the development build roughly
 *   doubles the dashboard's CPU cost (measured in bench/DASHBOARD.md).
 */
export function applyColorEnv(env: NodeJS.ProcessEnv = process.env): void {
  if (env.NO_COLOR && env.NO_COLOR !== '' && env.FORCE_COLOR === undefined) env.FORCE_COLOR = '0';
  env.NODE_ENV ??= 'production';
}
