/**
 * upstream tests/integration/pkg/ocmirror/runner.go for ocm-tui: the same command lines (`--config`, `file://`,
 * `docker://`, `--v2`), run through the built CLI. Two additions, because the fixtures are on a plain-http local
 * registry instead of quay.io and the cache must not be the user's: `--src-tls-verify=false` and `--cache-dir`.
 */
import { runCli, type CliResult } from '../e2e/cli-runner.js';

export interface Result extends CliResult {
  exitCode: number;
  output: string;
}

export class Runner {
  constructor(
    readonly cacheDir: string,
    readonly env: NodeJS.ProcessEnv = {},
    /** A run still going after this long is killed (then `code` is null). */
    readonly timeoutMs = 180_000,
  ) {}

  withEnv(env: NodeJS.ProcessEnv): Runner {
    return new Runner(this.cacheDir, { ...this.env, ...env }, this.timeoutMs);
  }

  withCache(cacheDir: string): Runner {
    return new Runner(cacheDir, this.env, this.timeoutMs);
  }

  withTimeout(timeoutMs: number): Runner {
    return new Runner(this.cacheDir, this.env, timeoutMs);
  }

  async run(args: string[], timeoutMs = this.timeoutMs): Promise<Result> {
    const r = await runCli([...args, '--cache-dir', this.cacheDir], { env: this.env, timeoutMs });
    return { ...r, exitCode: r.code ?? -1, output: r.stdout + r.stderr };
  }

  mirrorToDisk(config: string, destDir: string, ...extra: string[]): Promise<Result> {
    return this.run(['--config', config, `file://${destDir}`, '--v2', '--src-tls-verify=false', ...extra]);
  }

  diskToMirror(config: string, sourceDir: string, destRegistry: string, ...extra: string[]): Promise<Result> {
    return this.run([
      '--config',
      config,
      '--from',
      `file://${sourceDir}`,
      `docker://${destRegistry}`,
      '--v2',
      ...extra,
    ]);
  }

  mirrorToMirror(config: string, workspace: string, destRegistry: string, ...extra: string[]): Promise<Result> {
    return this.run([
      '--config',
      config,
      '--workspace',
      `file://${workspace}`,
      `docker://${destRegistry}`,
      '--v2',
      '--src-tls-verify=false',
      ...extra,
    ]);
  }

  listOperators(...extra: string[]): Promise<Result> {
    return this.run(['--v2', 'list', 'operators', '--src-tls-verify=false', ...extra]);
  }

  listReleases(...extra: string[]): Promise<Result> {
    return this.run(['--v2', 'list', 'releases', ...extra]);
  }

  deletePhaseOne(
    config: string,
    workspace: string,
    deleteId: string,
    destRegistry: string,
    ...extra: string[]
  ): Promise<Result> {
    const args = [
      'delete',
      '--config',
      config,
      '--generate',
      '--workspace',
      `file://${workspace}`,
      `docker://${destRegistry}`,
      '--v2',
    ];
    if (deleteId !== '') args.push('--delete-id', deleteId);
    return this.run([...args, ...extra]);
  }

  deletePhaseTwo(deleteYaml: string, destRegistry: string, ...extra: string[]): Promise<Result> {
    return this.run(['delete', '--delete-yaml-file', deleteYaml, `docker://${destRegistry}`, '--v2', ...extra]);
  }
}

/** upstream expectOcMirrorCommandSuccess */
export function expectSuccess(r: Result): void {
  if (r.exitCode !== 0)
    throw new Error(`oc-mirror failed (exit ${r.exitCode}):\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
}

/** upstream expectOcMirrorCommandFailure */
export function expectFailure(r: Result): void {
  if (r.exitCode === 0)
    throw new Error(`expected oc-mirror to fail but it succeeded:\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
}

/** upstream expectOcMirrorExitCode: the code, and every message in stdout+stderr. */
export function expectExitCode(r: Result, code: number, ...messages: string[]): void {
  if (r.exitCode !== code) {
    throw new Error(`expected exit code ${code} but got ${r.exitCode}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
  for (const m of messages) {
    if (!r.output.includes(m))
      throw new Error(`expected output to contain "${m}"\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
}
