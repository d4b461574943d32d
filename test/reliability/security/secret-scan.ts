/**
 * Looks for secrets everywhere a run can leave text: its stdout/stderr (JSON events included) and every file
 * under the directories it wrote (workspace, logs, error reports, cache, archives — a plain tar holds its
 * files' bytes verbatim, so scanning the raw archive bytes covers everything inside it).
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Secret {
  /** what it is, for the failure message (never the value itself) */
  name: string;
  value: string;
}

/** Every regular file under `root` (recursively; symlinks are not followed). Missing root: none. */
export async function filesUnder(root: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return [];
    throw err;
  }
  const out: string[] = [];
  for (const entry of entries) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** Every directory under `root`, `root` included. */
export async function dirsUnder(root: string): Promise<string[]> {
  const out = [root];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (entry.isDirectory()) out.push(...(await dirsUnder(join(root, entry.name))));
  }
  return out;
}

/** `"<where> contains <secret name>"` for every secret found in the texts or in the files under the roots. */
export async function findSecrets(
  secrets: Secret[],
  sources: { texts?: Record<string, string>; roots?: string[] },
): Promise<string[]> {
  const usable = secrets.filter((s) => s.value.length >= 8);
  if (usable.length !== secrets.length)
    throw new Error('a secret shorter than 8 bytes would make the scan meaningless');
  const found: string[] = [];
  for (const [label, text] of Object.entries(sources.texts ?? {})) {
    for (const s of usable) if (text.includes(s.value)) found.push(`${label} contains ${s.name}`);
  }
  for (const root of sources.roots ?? []) {
    for (const file of await filesUnder(root)) {
      if ((await lstat(file)).size > 512 * 1024 * 1024) throw new Error(`${file} is too big to scan`);
      const bytes = await readFile(file);
      for (const s of usable) if (bytes.includes(s.value)) found.push(`${file} contains ${s.name}`);
    }
  }
  return found;
}

/** The secrets of a password login: the password and the base64 `user:password` of an auth file / Basic header. */
export function passwordSecrets(label: string, username: string, password: string): Secret[] {
  return [
    { name: `${label} password`, value: password },
    { name: `${label} base64 auth`, value: Buffer.from(`${username}:${password}`).toString('base64') },
  ];
}
