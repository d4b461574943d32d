/**
 * `npm run bench:dashboard`: what the Ink dashboard costs. The same mirror-to-mirror run (the 1 GiB "big"
 * fixture; `--quick` for a small one) is timed with `--no-ui` and with the dashboard, both inside the same
 * real terminal set-up (tmux, 120×40, CI unset, the same environment), in pairs whose order alternates, on
 * a settled disk; wall time and CPU (user+sys of the process, from bash's `time`) are compared per pair,
 * because this shared machine drifts by more than the effect between minutes. Writes bench/DASHBOARD.md.
 */
import { OCM_TUI_CLI } from './tool-jobs.js';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startRegistry } from '../test/harness/registry-server.js';
import { seedFixture } from './fixtures.js';
import { writeReport } from './report-file.js';
import { writeIsc } from './tool-jobs.js';
import { commitDescription, machineFacts } from './machine-facts.js';

const exec = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = OCM_TUI_CLI;

interface Timing {
  real: number;
  cpu: number;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

async function timed(mode: 'headless' | 'dashboard', args: string[], work: string): Promise<Timing> {
  const timeFile = join(work, `time-${mode}-${Date.now()}`);
  const exitFile = `${timeFile}.exit`;
  const run = `node ${q(CLI)} ${args.map(q).join(' ')}${mode === 'headless' ? ' --no-ui > /dev/null' : ''}`;
  const script = `TIMEFORMAT='%R %U %S'; { time ${run} ; } 2> ${q(timeFile)}; echo $? > ${q(exitFile)}`;
  await exec('sync');
  const socket = `ocm-bench-${process.pid}`;
  const env = `env -i PATH=${q(process.env.PATH ?? '')} HOME=${q(work)} TERM=xterm-256color LANG=C.UTF-8`;
  await exec('tmux', [
    '-L',
    socket,
    '-f',
    '/dev/null',
    'new-session',
    '-d',
    '-x',
    '120',
    '-y',
    '40',
    `${env} bash -c ${q(script)}`,
  ]);
  try {
    for (;;) {
      const done = await readFile(exitFile, 'utf8').catch(() => '');
      if (done.trim() !== '') break;
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await exec('tmux', ['-L', socket, 'kill-server']).catch(() => undefined);
  }
  const code = (await readFile(exitFile, 'utf8')).trim();
  if (code !== '0') throw new Error(`${mode} run exited with ${code}`);
  // The file also holds whatever the run wrote to stderr; bash's `time` line is the last "R U S" line.
  // Ink restores the cursor on stderr (ESC[?25h) right before bash prints the timing.
  // eslint-disable-next-line no-control-regex -- strips terminal escape sequences
  const raw = (await readFile(timeFile, 'utf8')).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '\n');
  const lines = raw.split('\n').filter((l) => /^\d+\.\d+ \d+\.\d+ \d+\.\d+$/.test(l.trim()));
  const [real, user, sys] = lines[lines.length - 1].trim().split(' ').map(Number);
  return { real, cpu: user + sys };
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 11;
  const work = await mkdtemp(join(tmpdir(), 'ocm-dash-bench-'));
  const source = await startRegistry();
  try {
    console.log(`seeding the ${quick ? 'quick ' : ''}big fixture…`);
    const fixture = await seedFixture(source, 'big', quick, () => undefined);
    const isc = join(work, 'isc.yaml');
    await writeIsc(isc, source.host, fixture.images);
    const results: Record<'headless' | 'dashboard', Timing[]> = { headless: [], dashboard: [] };
    for (let i = 0; i < runs; i++) {
      for (const mode of i % 2 === 0 ? (['headless', 'dashboard'] as const) : (['dashboard', 'headless'] as const)) {
        const dest = await startRegistry();
        try {
          const args = [
            '-c',
            isc,
            '--workspace',
            `file://${join(work, `ws-${mode}-${i}`)}`,
            `docker://${dest.host}/bench`,
            '--src-tls-verify=false',
            '--dest-tls-verify=false',
            '--cache-dir',
            join(work, `cache-${mode}-${i}`),
          ];
          const t = await timed(mode, args, work);
          results[mode].push(t);
          console.log(`run ${i + 1}/${runs} ${mode}: ${t.real.toFixed(2)} s wall, ${t.cpu.toFixed(2)} s CPU`);
        } finally {
          await dest.stop();
        }
      }
    }
    const h = { real: median(results.headless.map((t) => t.real)), cpu: median(results.headless.map((t) => t.cpu)) };
    const d = { real: median(results.dashboard.map((t) => t.real)), cpu: median(results.dashboard.map((t) => t.cpu)) };
    const pairWall = results.dashboard.map((t, i) => t.real - results.headless[i].real);
    const pairCpu = results.dashboard.map((t, i) => t.cpu - results.headless[i].cpu);
    const dw = median(pairWall);
    const dc = median(pairCpu);
    const pct = (delta: number, base: number) => `${((delta / base) * 100).toFixed(1)} %`;
    const verdict = (delta: number, base: number) => (delta / base < 0.05 ? 'met' : 'missed');
    const report = [
      '# Dashboard overhead (`npm run bench:dashboard`)',
      '',
      `Date: ${new Date().toISOString()} · commit ${commitDescription(REPO_ROOT)} · ${runs} pairs, order alternating · fixture: ${fixture.description}`,
      '',
      ...machineFacts().map((f) => `- ${f}`),
      '',
      'Both modes run in the same tmux 120×40 terminal set-up with the same environment; `--no-ui` writes its',
      'lines to /dev/null. Each pair runs back to back on a settled disk (`sync`).',
      '',
      '| mode | median wall | median CPU (user+sys) |',
      '|---|---|---|',
      `| --no-ui | ${h.real.toFixed(2)} s | ${h.cpu.toFixed(2)} s |`,
      `| dashboard (tmux 120×40) | ${d.real.toFixed(2)} s | ${d.cpu.toFixed(2)} s |`,
      `| dashboard cost: median of the ${runs} paired differences | ${dw.toFixed(2)} s = ${pct(dw, h.real)} | ${dc.toFixed(2)} s = ${pct(dc, h.cpu)} |`,
      '',
      '| pair | --no-ui wall / CPU | dashboard wall / CPU |',
      '|---|---|---|',
      ...results.headless.map(
        (t, i) =>
          `| ${i + 1} | ${t.real.toFixed(2)} s / ${t.cpu.toFixed(2)} s | ${results.dashboard[i].real.toFixed(2)} s / ${results.dashboard[i].cpu.toFixed(2)} s |`,
      ),
      '',
      `Target: the dashboard costs under 5 % in wall time and CPU — wall ${verdict(dw, h.real)}, CPU ${verdict(dc, h.cpu)}.`,
      '',
    ].join('\n');
    await writeReport(join(REPO_ROOT, 'bench', quick ? 'DASHBOARD-quick.md' : 'DASHBOARD.md'), report);
    console.log(report);
  } finally {
    await source.stop();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
