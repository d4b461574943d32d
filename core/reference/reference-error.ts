import { OcmError } from '../errors.js';

/**
 * An image reference (or a piece used to build one: targetRepo, targetTag, digest) is malformed.
 * The message quotes the reference and says what is wrong; `reference` holds the quoted text.
 */
export class ReferenceParseError extends OcmError {
  /** The offending reference as shown in the message (user-info redacted, see {@link redactReference}). */
  readonly reference: string;
  /** What is wrong, without the reference (e.g. `tag and digest are empty`). */
  readonly problem: string;
  constructor(reference: string, problem: string, hint?: string) {
    const shown = redactReference(reference);
    super('REFERENCE', `"${shown}" unable to parse image correctly : ${problem}`, { hint });
    this.reference = shown;
    this.problem = problem;
  }
}

/**
 * Hides `user:password@` written in front of a registry host (`docker://u:p@host/x:1`): such text is not a
 * valid reference, so it only ever reaches an error message, and credentials must never appear there.
 * A real digest never contains `/`, so `@` followed by a path means user-info.
 */
export function redactReference(input: string): string {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)?([^/@]+)@([^@]*\/.*)$/.exec(input);
  if (!match) return input;
  return `${match[1] ?? ''}***@${match[3]}`;
}
