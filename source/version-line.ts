/**
 * `ocm-tui --version` / `-v`: cobra's version line (`<name> version <version>`). Apart from version-command.ts
 * so that the flag loads nothing else (that module brings the YAML writer).
 */
import { VERSION } from '../core/version.js';

export function versionLine(): string {
  return `ocm-tui version v${VERSION}\n`;
}
