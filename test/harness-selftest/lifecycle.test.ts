import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { test } from 'node:test';
import { pidIsAlive } from '../harness/child-processes.js';
import { startRegistry } from '../harness/registry-server.js';

const registryModule = new URL('../harness/registry-server.js', import.meta.url).href;

/** Polls until `condition` holds; the bound only stops a hung test, it is not a timing assertion. */
async function eventually(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(what);
}

/** Runs a node script that starts a registry, prints its pid and storage dir, then ends as `ending` says. */
async function orphanRegistry(ending: 'exit' | 'sigkill'): Promise<{ pid: number; workDirs: string[] }> {
  const script = `
    const { dirname } = await import('node:path');
    const { startRegistry } = await import(${JSON.stringify(registryModule)});
    const registry = await startRegistry({ auth: 'token' });
    const workDirs = [dirname(registry.storageDir), dirname(registry.tokenServer.certFile)];
    console.log(JSON.stringify({ pid: registry.pid, workDirs }));
    ${ending === 'exit' ? "process.stdin.once('data', () => process.exit(3));" : 'setInterval(() => {}, 1000);'}
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    child.once('exit', (code) => reject(new Error(`script exited (${code}) before starting a registry: ${out}`)));
  });
  const started = JSON.parse(line) as { pid: number; workDirs: string[] };
  assert.equal(pidIsAlive(started.pid), true);
  // The script waits for this go-ahead, so the liveness check above cannot race its exit.
  if (ending === 'sigkill') child.kill('SIGKILL');
  else child.stdin.write('go\n');
  await new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  );
  return started;
}

test('a test process that exits without stop() leaves no registry and no temp dir behind', async () => {
  const { pid, workDirs } = await orphanRegistry('exit');
  await eventually(() => !pidIsAlive(pid), `registry ${pid} survived its test process`);
  assert.deepEqual(
    workDirs.filter((dir) => existsSync(dir)),
    [],
  );
});

test('a SIGKILLed test process leaves no registry behind (parent-death signal)', async (t) => {
  const { pid, workDirs } = await orphanRegistry('sigkill');
  // Nothing in a SIGKILLed process can remove its temp dirs; this test cleans them up itself.
  t.after(() => Promise.all(workDirs.map((dir) => rm(dir, { recursive: true, force: true }))));
  await eventually(() => !pidIsAlive(pid), `registry ${pid} survived its SIGKILLed test process`);
});

test('a registry that cannot start throws with its log', async () => {
  await assert.rejects(
    startRegistry({
      configOverrides: { http: { tls: { certificate: '/nonexistent/cert.pem', key: '/nonexistent/key.pem' } } },
    }),
    (error: Error) => /did not become ready/.test(error.message) && /nonexistent\/cert\.pem/.test(error.message),
  );
});
