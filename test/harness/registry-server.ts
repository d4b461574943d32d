import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isRunning, stopChild, trackChild } from './child-processes.js';
import { findFreePort } from './free-port.js';
import { writeHtpasswdFile } from './htpasswd.js';
import { probeStatus } from './http-probe.js';
import { renderRegistryConfig } from './registry-config.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';
import { createServerCertificates } from './tls-certificates.js';
import { startTokenServer } from './token-server.js';
import type { RunningTokenServer } from './token-server.js';

/** A registry account. */
export interface RegistryUser {
  username: string;
  password: string;
  /**
   * Repositories (prefix match on the repository name) this user may pull/push; default all.
   * Enforced by the token server only: distribution's htpasswd auth cannot restrict per repository.
   */
  access?: string[];
}

export interface StartRegistryOptions {
  /** default 'none' */
  auth?: 'none' | 'basic' | 'token';
  /** default false (plain http) */
  tls?: boolean;
  /** default [{username:'alice', password:'s3cret-alice-pw'}] when auth != none */
  users?: RegistryUser[];
  /** default: fresh temp dir, removed on stop() unless given by caller */
  storageDir?: string;
  /** token auth: lifetime of issued tokens (default 300 s); short values exercise token refresh */
  tokenExpiresInSeconds?: number;
  /** token auth: anonymous requests get pull (never push) on every repository; default false (nothing) */
  anonymousPull?: boolean;
  /**
   * Deep-merged over the generated distribution config, e.g. `{ storage: { delete: { enabled: false } } }` or
   * `{ proxy: { remoteurl: otherRegistry.url } }` for a pull-through cache.
   */
  configOverrides?: Record<string, unknown>;
}

export interface RunningRegistry {
  /** '127.0.0.1:<port>' */
  host: string;
  /** 'http://127.0.0.1:<port>' or 'https://…' */
  url: string;
  /** distribution filesystem rootdirectory */
  storageDir: string;
  tls: boolean;
  /** PEM file of the CA that signed the registry cert (tls only) */
  caCertFile?: string;
  /** PEM text of that CA (tls only), for node's `ca` options */
  caCert?: string;
  /** a directory containing only 'ca.crt' (for --cert-dir style options / skopeo --cert-dir) */
  certDir?: string;
  /** the users of the options (or the default user); does not include the harness' own admin account */
  users: RegistryUser[];
  /** token realm (token auth only) */
  tokenServerUrl?: string;
  /** the token server itself (token auth only): its recorded requests let tests assert on the auth flow */
  tokenServer?: RunningTokenServer;
  auth: 'none' | 'basic' | 'token';
  /**
   * Full-access account the harness uses to seed fixtures (auth variants only). Tests of the code under test
   * should use `users`.
   */
  adminCredentials?: { username: string; password: string };
  /** pid of the docker-registry process */
  pid: number;
  /** file the registry writes its (warn level) log to */
  logFile: string;
  /** kills the process (and token server), waits for exit, removes temp dirs */
  stop(): Promise<void>;
}

/** The default account of the auth variants. */
export const DEFAULT_USER: RegistryUser = { username: 'alice', password: 's3cret-alice-pw' };

const READY_TIMEOUT_MS = 30_000;
const MAX_BIND_ATTEMPTS = 5;

/** Prefer setpriv's parent-death signal so the registry dies even if node is SIGKILLed. */
const setprivAvailable = (() => {
  const result = spawnSync('setpriv', ['--help'], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('--pdeathsig');
})();

/**
 * Starts a real docker-registry (CNCF distribution 2.8) on 127.0.0.1 with a free port and waits until
 * `GET /v2/` answers. Always call `stop()` (use `t.after(() => registry.stop())`); the process is also killed
 * when the test process exits.
 */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<RunningRegistry> {
  const auth = options.auth ?? 'none';
  const useTls = options.tls ?? false;
  const users = options.users ?? (auth === 'none' ? [] : [DEFAULT_USER]);
  const adminCredentials =
    auth === 'none' ? undefined : { username: 'harness-admin', password: randomBytes(12).toString('hex') };
  const accounts: RegistryUser[] = adminCredentials ? [...users, adminCredentials] : users;

  const workDir = await makeTempDir('ocm-registry-');
  let tokenServer: RunningTokenServer | undefined;
  try {
    const storageDir = options.storageDir ?? join(workDir, 'storage');
    await mkdir(storageDir, { recursive: true });
    const certs = useTls ? await createServerCertificates(join(workDir, 'tls')) : undefined;
    let htpasswdFile: string | undefined;
    if (auth === 'basic') {
      htpasswdFile = join(workDir, 'htpasswd');
      await writeHtpasswdFile(htpasswdFile, accounts);
    }
    if (auth === 'token') {
      tokenServer = await startTokenServer({
        users: accounts,
        expiresInSeconds: options.tokenExpiresInSeconds,
        anonymousPull: options.anonymousPull,
      });
    }
    const logFile = join(workDir, 'registry.log');
    const configFile = join(workDir, 'config.yml');

    for (let attempt = 1; ; attempt++) {
      const port = await findFreePort();
      await writeFile(
        configFile,
        renderRegistryConfig({
          port,
          storageDir,
          tls: certs && { certFile: certs.serverCertFile, keyFile: certs.serverKeyFile },
          htpasswdFile,
          token: tokenServer && {
            realm: tokenServer.realm,
            service: tokenServer.service,
            issuer: tokenServer.issuer,
            rootCertBundle: tokenServer.certFile,
          },
          overrides: options.configOverrides,
        }),
      );
      const child = spawnRegistry(configFile, logFile);
      const host = `127.0.0.1:${port}`;
      const url = `${useTls ? 'https' : 'http'}://${host}`;
      const ready = await waitUntilReady(child, `${url}/v2/`, certs?.caCert);
      if (ready === 'ready') {
        const stoppingTokenServer = tokenServer;
        let stopped: Promise<void> | undefined;
        return {
          host,
          url,
          storageDir,
          tls: useTls,
          caCertFile: certs?.caCertFile,
          caCert: certs?.caCert,
          certDir: certs?.certDir,
          users,
          tokenServerUrl: tokenServer?.realm,
          tokenServer,
          auth,
          adminCredentials,
          pid: child.pid ?? -1,
          logFile,
          stop() {
            stopped ??= (async () => {
              await stopChild(child);
              await stoppingTokenServer?.stop();
              await removeTempDir(workDir);
            })();
            return stopped;
          },
        };
      }
      await stopChild(child);
      const log = await readLog(logFile);
      if (ready === 'exited' && log.includes('address already in use') && attempt < MAX_BIND_ATTEMPTS) continue;
      throw new Error(
        `docker-registry did not become ready on ${url} (${ready === 'exited' ? 'it exited' : 'timed out'}); log:\n${log}`,
      );
    }
  } catch (error) {
    await tokenServer?.stop();
    await removeTempDir(workDir);
    throw error;
  }
}

function spawnRegistry(configFile: string, logFile: string): ChildProcess {
  const logFd = openSync(logFile, 'w');
  try {
    const args = ['serve', configFile];
    const child = setprivAvailable
      ? spawn('setpriv', ['--pdeathsig', 'KILL', 'docker-registry', ...args], { stdio: ['ignore', logFd, logFd] })
      : spawn('docker-registry', args, { stdio: ['ignore', logFd, logFd] });
    trackChild(child);
    return child;
  } finally {
    closeSync(logFd);
  }
}

async function waitUntilReady(
  child: ChildProcess,
  probeUrl: string,
  ca: string | undefined,
): Promise<'ready' | 'exited' | 'timeout'> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let spawnError = false;
  child.on('error', () => {
    spawnError = true;
  });
  while (Date.now() < deadline) {
    if (spawnError || !isRunning(child)) return 'exited';
    const status = await probeStatus(probeUrl, ca);
    if (status === 200 || status === 401) return 'ready';
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return 'timeout';
}

async function readLog(logFile: string): Promise<string> {
  if (!existsSync(logFile)) return '(no log file)';
  const text = await readFile(logFile, 'utf8');
  return text.length > 8000 ? `…${text.slice(-8000)}` : text || '(empty log)';
}
