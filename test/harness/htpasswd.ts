import { writeFile } from 'node:fs/promises';
import bcrypt from 'bcryptjs';

/**
 * bcrypt cost of the test accounts. distribution checks the hash on every request with Basic credentials,
 * so the minimum cost keeps tests fast; the format is what a real htpasswd file holds.
 */
const TEST_BCRYPT_COST = 4;

/** Writes an Apache htpasswd file with bcrypt hashes, as distribution's `auth.htpasswd` reads it. */
export async function writeHtpasswdFile(
  file: string,
  users: ReadonlyArray<{ username: string; password: string }>,
): Promise<void> {
  const lines = users.map((user) => {
    if (user.username.includes(':')) throw new Error(`htpasswd user names cannot contain ':' (${user.username})`);
    return `${user.username}:${bcrypt.hashSync(user.password, TEST_BCRYPT_COST)}`;
  });
  await writeFile(file, `${lines.join('\n')}\n`, { mode: 0o600 });
}
