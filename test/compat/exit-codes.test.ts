/**
 * oc-mirror tests/integration/exit_codes_test.go: the exit-code bit mask (1 generic, 2 release, 4 operator,
 * 8 additional, 16 helm) and the messages upstream looks for.
 */
import { after, before, test } from 'node:test';
import { startCompatWorld, type CompatWorld } from './world.js';
import { scenario } from './context.js';
import { expectExitCode } from './runner.js';
import { expectNoTarArchive } from './assertions.js';

let world: CompatWorld;
before(async () => {
  world = await startCompatWorld({ helm: false });
});
after(() => world.stop());

test('exit_codes_test.go: should return exit code 1 for ISC with unknown field (generic error)', async (t) => {
  const s = await scenario(t, world);
  const r = await s.runner.mirrorToDisk(await s.isc('exit_codes/isc-generic-error.yaml'), s.workDir);
  expectExitCode(r, 1, 'unknown field');
  await expectNoTarArchive(s.workDir);
});

test('exit_codes_test.go: should return exit code 2 for nonexistent release channel (fatal release error)', async (t) => {
  const s = await scenario(t, world);
  const r = await s.runner.mirrorToDisk(await s.isc('exit_codes/isc-release-error.yaml'), s.workDir);
  expectExitCode(r, 2, 'no release images found');
  await expectNoTarArchive(s.workDir);
});

test('exit_codes_test.go: should return exit code 4 when operator catalog collection fails', async (t) => {
  const s = await scenario(t, world);
  const r = await s.runner.mirrorToDisk(
    await s.isc('exit_codes/isc-operator-error.yaml'),
    s.workDir,
    '--remove-signatures=true',
  );
  expectExitCode(r, 4, 'collection error', 'registry.invalid.example.com');
  await expectNoTarArchive(s.workDir);
});

test('exit_codes_test.go: should return exit code 8 when additional images fail to mirror', async (t) => {
  const s = await scenario(t, world);
  const r = await s.runner.mirrorToDisk(await s.isc('exit_codes/isc-additional-image-error.yaml'), s.workDir);
  expectExitCode(
    r,
    8,
    'some errors occurred during the mirroring',
    'registry.invalid.example.com/nonexistent/image:latest',
    `${world.source.host}/nonexistent-org/nonexistent-image:v1.0.0`,
  );
});

test('exit_codes_test.go: should return exit code 16 when helm chart path does not exist', async (t) => {
  const s = await scenario(t, world);
  const r = await s.runner.mirrorToDisk(await s.isc('exit_codes/isc-helm-error.yaml'), s.workDir);
  expectExitCode(r, 16, 'no such file or directory');
  await expectNoTarArchive(s.workDir);
});

test('exit_codes_test.go: should return exit code 20 when both operator and helm fail (4|16)', async (t) => {
  const s = await scenario(t, world);
  const r = await s.runner.mirrorToDisk(await s.isc('exit_codes/isc-operator-helm-error.yaml'), s.workDir);
  expectExitCode(r, 20, 'collection error', 'registry.invalid.example.com', 'no such file or directory');
  await expectNoTarArchive(s.workDir);
});
