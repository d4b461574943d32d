/**
 * chalk (used by Ink) ignores NO_COLOR and computes its colour level when first imported, so NO_COLOR is
 * translated into FORCE_COLOR=0 before Ink is loaded. An explicit FORCE_COLOR wins over NO_COLOR.
 * (NODE_ENV=production, which halves the dashboard's CPU cost, is set in cli.ts: React reads it earlier.)
 */
export function applyColorEnv(env: NodeJS.ProcessEnv = process.env): void {
  if (env.NO_COLOR && env.NO_COLOR !== '' && env.FORCE_COLOR === undefined) env.FORCE_COLOR = '0';
}
