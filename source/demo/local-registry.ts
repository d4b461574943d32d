/**
 * A throwaway CNCF distribution registry (Debian's `docker-registry`) on 127.0.0.1 for `ocm-tui demo`.
 * Storage lives in a temp dir that is removed on stop().
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OcmError } from '../../core/errors.js';

export interface LocalRegistry {
  host: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startLocalRegistry(name: string): Promise<LocalRegistry> {
  const dir = await mkdtemp(join(tmpdir(), `ocm-tui-demo-${name}-`));
  const port = await freePort();
  const config = join(dir, 'config.yml');
  await writeFile(
    config,
    [
      'version: 0.1',
      'log: {level: error, accesslog: {disabled: true}}',
      'storage:',
      `  filesystem: {rootdirectory: ${join(dir, 'storage')}}`,
      '  delete: {enabled: true}',
      `http: {addr: "127.0.0.1:${port}"}`,
      '',
    ].join('\n'),
  );
  let child: ChildProcess;
  try {
    child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  } catch (err) {
    throw new OcmError('DEMO', 'cannot start docker-registry', {
      cause: err,
      hint: 'install it: sudo apt-get install docker-registry',
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (err) =>
      reject(
        new OcmError('DEMO', `cannot start docker-registry: ${err.message}`, {
          hint: 'install it: sudo apt-get install docker-registry',
        }),
      ),
    ),
  );
  const host = `127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  try {
    await Promise.race([waitReady(host), spawnError]);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    host,
    stop: async () => {
      process.off('exit', onExit);
      await stop();
    },
  };
}

async function waitReady(host: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://${host}/v2/`);
      await res.arrayBuffer();
      if (res.status === 200 || res.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new OcmError('DEMO', `docker-registry on ${host} did not become ready within 10s`);
}
