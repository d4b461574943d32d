/**
 * Docker credential helpers (`docker-credential-<name> get`, registry URL on stdin, JSON on stdout), the
 * protocol of docker/docker-credential-helpers. Only run when the binary is on PATH. Nothing the helper
 * prints ever reaches a message: its output contains the secret.
 */
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { OcmError } from '../errors.js';
import type { Credential } from './credential.js';

const HELPER_TIMEOUT_MS = 60_000;

/** Absolute path of `docker-credential-<name>` on PATH, or undefined. */
export async function findCredentialHelper(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) return undefined;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, `docker-credential-${name}`);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * Asks helper `name` for the credentials of `serverUrl`. Undefined when the helper is not installed or
 * has nothing for this server; throws (without any helper output) when it fails otherwise.
 */
export async function credentialsFromHelper(
  name: string,
  serverUrl: string,
  env: NodeJS.ProcessEnv,
): Promise<Credential | undefined> {
  const binary = await findCredentialHelper(name, env);
  if (!binary) return undefined;
  const { stdout, exitCode } = await run(binary, serverUrl, env);
  if (exitCode !== 0) {
    // The protocol's "not found" answer is a non-zero exit with this text on stdout.
    if (/credentials not found/i.test(stdout)) return undefined;
    throw new OcmError(
      'CREDENTIAL_HELPER',
      `credential helper docker-credential-${name} failed for ${serverUrl} (exit code ${exitCode})`,
      { hint: `run \`echo ${serverUrl} | docker-credential-${name} get\` to see what it says` },
    );
  }
  let parsed: { Username?: unknown; Secret?: unknown };
  try {
    parsed = JSON.parse(stdout) as { Username?: unknown; Secret?: unknown };
  } catch {
    throw new OcmError(
      'CREDENTIAL_HELPER',
      `credential helper docker-credential-${name} returned unreadable output for ${serverUrl}`,
    );
  }
  const username = typeof parsed.Username === 'string' ? parsed.Username : '';
  const secret = typeof parsed.Secret === 'string' ? parsed.Secret : '';
  if (!secret) return undefined;
  // `<token>` is the helpers' convention for an identity (refresh) token instead of a password.
  if (username === '<token>') return { identityToken: secret };
  return { username, password: secret };
}

function run(binary: string, input: string, env: NodeJS.ProcessEnv): Promise<{ stdout: string; exitCode: number }> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      binary,
      ['get'],
      { env, timeout: HELPER_TIMEOUT_MS, maxBuffer: 1024 * 1024, encoding: 'utf8' },
      (error, stdout) => {
        if (error && typeof (error as { code?: unknown }).code !== 'number') {
          reject(
            new OcmError('CREDENTIAL_HELPER', `credential helper ${path.basename(binary)} could not be run`, {
              cause: new Error((error as { code?: string }).code ?? 'spawn failed'),
            }),
          );
          return;
        }
        resolve({ stdout, exitCode: error ? Number((error as { code?: unknown }).code) : 0 });
      },
    );
    child.stdin?.end(input);
  });
}
