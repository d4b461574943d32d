/**
 * Interactive UI only when a person is watching: both stdin and stdout are terminals, no CI, a real TERM.
 * Ink 6 does not check isTTY itself, so piping would otherwise produce escape-sequence soup.
 */
export function isInCi(env: NodeJS.ProcessEnv): boolean {
  const ci = env.CI ?? env.CONTINUOUS_INTEGRATION;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

export function shouldUseUi(
  flags: { ui: boolean; output?: string },
  env: NodeJS.ProcessEnv,
  stdin: { isTTY?: boolean },
  stdout: { isTTY?: boolean },
): boolean {
  if (!flags.ui || flags.output === 'json') return false;
  if (!stdin.isTTY || !stdout.isTTY) return false;
  if (isInCi(env)) return false;
  return env.TERM !== 'dumb';
}
