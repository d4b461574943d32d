import { execFileSync } from 'node:child_process';
import { cpus, release, totalmem } from 'node:os';

function firstLine(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      .split('\n')[0]
      .trim();
  } catch {
    return 'unknown';
  }
}

/** Cores, memory, versions: the facts RESULTS.md states about the machine. */
export function machineFacts(): string[] {
  const cpuList = cpus();
  return [
    `CPU: ${cpuList.length} cores (${cpuList[0]?.model ?? 'unknown'})`,
    `Memory: ${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    `Linux ${release()}, Node ${process.version}`,
    `${firstLine('skopeo', ['--version'])}; docker-registry ${firstLine('docker-registry', ['--version'])}`,
  ];
}

/** `git rev-parse HEAD`, marked when the working tree has uncommitted changes. */
export function commitDescription(cwd: string): string {
  const head = firstLine('git', ['-C', cwd, 'rev-parse', '--short', 'HEAD']);
  const dirty = (() => {
    try {
      return execFileSync('git', ['-C', cwd, 'status', '--porcelain'], { encoding: 'utf8' }).trim().length > 0;
    } catch {
      return false;
    }
  })();
  return dirty ? `${head} (plus uncommitted changes in the working tree)` : head;
}
