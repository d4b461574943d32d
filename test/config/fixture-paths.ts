/** Config fixtures live in the source tree (test/fixtures/configs), not in dist. */
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../test/fixtures/configs/', import.meta.url));

export function goodConfig(name: string): string {
  return `${root}good/${name}`;
}

export function badConfig(name: string): string {
  return `${root}bad/${name}`;
}

export const BAD_CONFIG_DIR = `${root}bad/`;
