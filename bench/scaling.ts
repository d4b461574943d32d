/**
 * How ocm-tui's cost grows with the number of images (issue 19, "Scaling"): m2m of 50, 200 and 1,000 small
 * images (3 layers of 256 KiB, the first shared by all) between two local registries. Per size: wall time per
 * image, peak RSS of the process tree, and ocm-tui's own CPU seconds (user + system of the node process,
 * reported by a preload at exit), medians of the runs. `--cpu-prof DIR` profiles the largest size.
 *
 *   node dist/bench/scaling.js [--sizes 50,200,1000] [--runs 3] [--cpu-prof DIR] [--out FILE]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { makeBaseLayers, pushImage, type PushedImage } from '../test/harness/fixture-images.js';
import { startRegistry } from '../test/harness/registry-server.js';
import { stats } from './results-report.js';
import { runOcmTui } from './tool-jobs.js';

const KiB = 1024;

interface Options {
  sizes: number[];
  runs: number;
  cpuProfDir?: string;
  out?: string;
}

function parse(argv: string[]): Options {
  const options: Options = { sizes: [50, 200, 1000], runs: 3 };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--sizes':
        options.sizes = value!.split(',').map(Number);
        i++;
        break;
      case '--runs':
        options.runs = Number(value);
        i++;
        break;
      case '--cpu-prof':
        options.cpuProfDir = value;
        i++;
        break;
      case '--out':
        options.out = value;
        i++;
        break;
      default:
        throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  return options;
}

interface Sample {
  seconds: number;
  peakRssBytes: number;
  cpuSeconds: number;
}

const median = (xs: number[]) => stats(xs)!.median;

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  const largest = Math.max(...options.sizes);
  const source = await startRegistry();
  const scratch = await mkdtemp(join(tmpdir(), 'ocm-scaling-'));
  try {
    process.stdout.write(`seeding ${largest} images…\n`);
    const base = await makeBaseLayers('scaling-base', 1, 'oci', 256 * KiB);
    const limit = pLimit(8);
    const images: PushedImage[] = await Promise.all(
      Array.from({ length: largest }, (_, i) =>
        limit(() =>
          pushImage(source, `scale/repo-${String(i % 10)}:img-${String(i).padStart(4, '0')}`, {
            layers: 2,
            layerSize: 256 * KiB,
            layerKind: 'random',
            baseLayers: base,
          }),
        ),
      ),
    );
    const results = new Map<number, Sample[]>();
    for (let run = 0; run < options.runs; run++) {
      for (const size of options.sizes) {
        const dest = await startRegistry();
        const jobDir = await mkdtemp(join(scratch, `n${size}-`));
        try {
          const profile = options.cpuProfDir !== undefined && size === largest && run === 0;
          const measured = await runOcmTui('m2m', {
            sourceHost: source.host,
            destHost: dest.host,
            jobDir,
            diskDir: join(jobDir, 'disk'),
            images: images.slice(0, size),
            cpuProfDir: profile ? options.cpuProfDir : undefined,
          });
          if (measured.exitCode !== 0 || measured.cpuSeconds === undefined)
            throw new Error(`m2m of ${size} images exited ${measured.exitCode}; see ${jobDir}`);
          const sample: Sample = { ...measured, cpuSeconds: measured.cpuSeconds };
          (results.get(size) ?? results.set(size, []).get(size)!).push(sample);
          process.stdout.write(
            `run ${run + 1} n=${size}: ${sample.seconds.toFixed(1)} s, ${(sample.peakRssBytes / 2 ** 20).toFixed(0)} MiB, ocm-tui CPU ${sample.cpuSeconds.toFixed(1)} s, load ${loadavg()[0]!.toFixed(1)}${profile ? ' (profiled)' : ''}\n`,
          );
        } finally {
          await dest.stop();
          await rm(jobDir, { recursive: true, force: true });
        }
      }
    }
    const smallest = Math.min(...options.sizes);
    const perImageAtSmallest = median(results.get(smallest)!.map((s) => s.seconds)) / smallest;
    const lines = [
      '| images | wall s (median, range) | ms per image | × per-image at ' +
        smallest +
        ' | peak RSS MiB | ocm-tui CPU s | CPU ms per image |',
      '|---:|---|---:|---:|---:|---:|---:|',
    ];
    for (const size of options.sizes) {
      const samples = results.get(size)!;
      const wall = samples.map((s) => s.seconds);
      const perImage = median(wall) / size;
      lines.push(
        `| ${size} | ${median(wall).toFixed(1)} (${Math.min(...wall).toFixed(1)}–${Math.max(...wall).toFixed(1)}) | ${(perImage * 1000).toFixed(0)} | ${(perImage / perImageAtSmallest).toFixed(2)} | ${(median(samples.map((s) => s.peakRssBytes)) / 2 ** 20).toFixed(0)} | ${median(samples.map((s) => s.cpuSeconds)).toFixed(1)} | ${((median(samples.map((s) => s.cpuSeconds)) / size) * 1000).toFixed(1)} |`,
      );
    }
    const table = lines.join('\n') + '\n';
    process.stdout.write(table);
    if (options.out) await writeFile(options.out, table);
  } finally {
    await source.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

await main();
