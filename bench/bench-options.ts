/** Fixtures of the copy scenarios (ocm-tui vs skopeo vs the wire limit). */
export type FixtureName = 'big' | 'release' | 'huge' | 'release-sized';
/** Every copy fixture, in the order they run and appear in RESULTS.md. */
export const ALL_FIXTURES: FixtureName[] = ['big', 'release', 'huge', 'release-sized'];
/**
 * The copy fixtures of a run without `--fixtures`: all but `release-sized` (opt-in, like `release-payload`: ~3.5 GiB
 * of distinct blobs, see bench/release-sized-fixture.ts).
 */
export const DEFAULT_FIXTURES: FixtureName[] = ['big', 'release', 'huge'];
/** Scenarios whose results are a copy table (ocm-tui vs skopeo vs the wire limit). */
export type CopyScenarioName = FixtureName | 'release-payload';
/**
 * Everything `--fixtures` can name: the copy fixtures (`release-sized` is opt-in, not in the default run),
 * `catalog` (the operator-catalog scenario) and `release-payload` (a signed release payload through the release
 * collector; opt-in, not in the default run).
 */
export type ScenarioName = FixtureName | 'catalog' | 'release-payload';
export const ALL_SCENARIOS: ScenarioName[] = [...ALL_FIXTURES, 'catalog', 'release-payload'];

/** Command line of `npm run bench`. */
export interface BenchOptions {
  runs: number;
  fixtures: FixtureName[];
  /** run the operator-catalog scenario (`catalog` in `--fixtures`) */
  catalog: boolean;
  /** operator-catalog scenario: write CPU profiles of the CLI runs under this directory (timings then include profiling) */
  catalogCpuProfDir?: string;
  /** run the release-payload scenario (`release-payload` in `--fixtures`; not part of the default run) */
  releasePayload: boolean;
  /** release-payload scenario: concurrent `skopeo copy` processes */
  payloadSkopeoProcesses: number;
  /** release-payload scenario: CPU profiles of the ocm-tui runs under this directory (timings include profiling) */
  payloadCpuProfDir?: string;
  /** copy fixtures: V8 CPU profiles of the ocm-tui jobs under this directory (timings then include profiling) */
  ocmCpuProfDir?: string;
  /** smaller sizes for a smoke run */
  quick: boolean;
  /**
   * skopeo configurations of the copy fixtures: each is a number of concurrent `skopeo sync` processes (1 = one
   * `skopeo sync` over every image); ocm-tui is compared against the fastest of them
   */
  skopeoProcesses: number[];
  /** also run one `skopeo sync` process per image when a fixture has at most this many images */
  skopeoPerImageMax: number;
  /** concurrency levels of the wire-limit jobs; the fastest is the limit */
  wireConcurrency: number[];
  /**
   * the same for the `release-sized` fixture (default {@link RELEASE_SIZED_WIRE_CONCURRENCY}; `--wire-concurrency`
   * sets both)
   */
  releaseSizedWireConcurrency: number[];
  /** concurrent raw requests of the release-payload scenario's wire-limit jobs */
  payloadWireConcurrency: number;
  /** where RESULTS.md goes */
  resultsFile: string;
}

/**
 * Default of `--payload-skopeo-procs`: skopeo's best of 4, 8, 16 and 32 processes in the calibration runs
 * (`dist/bench/payload-skopeo-calibration.js`, bench/RESULTS.md notes).
 */
export const DEFAULT_PAYLOAD_SKOPEO_PROCESSES = 4;

/**
 * Default wire-limit levels of the `release-sized` fixture: 4 and 20. 64 gains nothing there: its ~800
 * (repository, blob) pairs are mostly 1–30 MiB, so 20 requests already keep both cores and the loopback busy
 * (on the big and release fixtures 64 was within ±4 % of 20), and each level costs three more jobs over ~4 GB.
 */
export const RELEASE_SIZED_WIRE_CONCURRENCY = [4, 20];

/** The wire-limit levels a copy fixture runs at. */
export function wireLevelsFor(fixture: FixtureName, options: BenchOptions): number[] {
  return fixture === 'release-sized' ? options.releaseSizedWireConcurrency : options.wireConcurrency;
}

/**
 * Parses `--runs N --fixtures a,b --quick --skopeo-procs N,M --skopeo-per-image-max N --wire-concurrency N,M
 * --cpu-prof DIR --out FILE --catalog-cpu-prof DIR --payload-skopeo-procs N --payload-wire-concurrency N --payload-cpu-prof DIR`.
 * `--fixtures` selects scenarios: `big`, `release`, `huge`, `release-sized` (copy fixtures), `catalog` (operator
 * catalog) and `release-payload` (signed release payload); e.g. `npm run bench -- --fixtures catalog` runs only the
 * operator-catalog scenario. Default: all but `release-payload` (it alone takes ~13 minutes: seeding ~1 min, 18 jobs
 * of 15–80 s) and `release-sized`.
 *
 * `npm run bench -- --fixtures release-sized` runs only the release-sized fixture (190 images in 11 repositories,
 * 781 distinct blobs of 3,765,174,555 bytes, 4,604,114,945 registry-bound; bench/release-sized-fixture.ts) with
 * ocm-tui, skopeo ×1 and ×4 (`--skopeo-procs`) and the wire limit at 4 and 20 (`--wire-concurrency`): 15 jobs a
 * run. Duration of the default 3 runs: ~45 minutes, estimated from a `--quick --runs 1` run (24 images, 154 MB
 * distinct, 213 MB registry-bound; seeding 4 s, the 15 jobs 36 s on a machine loaded by other work) scaled by
 * bytes (×24 for m2d, ×22 for m2m and d2m): seeding ~1.5 min, ~13.5 min of jobs a run. Per-image and
 * per-process costs do not grow with bytes, so a quiet machine should need less. Disk: up to ~16 GB free under
 * the temp dir at peak (the source registry, an m2d output, a destination registry and ocm-tui's cache, ~4 GB each).
 */
export function parseBenchOptions(argv: string[], defaultResultsFile: string): BenchOptions {
  const options: BenchOptions = {
    runs: 3,
    fixtures: [...DEFAULT_FIXTURES],
    catalog: true,
    releasePayload: false,
    payloadSkopeoProcesses: DEFAULT_PAYLOAD_SKOPEO_PROCESSES,
    quick: false,
    skopeoProcesses: [1, 4],
    skopeoPerImageMax: 8,
    wireConcurrency: [4, 20, 64],
    releaseSizedWireConcurrency: [...RELEASE_SIZED_WIRE_CONCURRENCY],
    payloadWireConcurrency: 20,
    resultsFile: defaultResultsFile,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const positive = (text = value()): number => {
      const n = Number(text);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer`);
      return n;
    };
    const positives = (): number[] => [
      ...new Set(
        value()
          .split(',')
          .map((s) => positive(s.trim())),
      ),
    ];
    switch (flag) {
      case '--runs':
        options.runs = positive();
        break;
      case '--fixtures': {
        const names = value()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        for (const n of names)
          if (!ALL_SCENARIOS.includes(n as ScenarioName))
            throw new Error(`unknown fixture '${n}' (known: ${ALL_SCENARIOS.join(', ')})`);
        options.fixtures = ALL_FIXTURES.filter((f) => names.includes(f));
        options.catalog = names.includes('catalog');
        options.releasePayload = names.includes('release-payload');
        break;
      }
      case '--payload-skopeo-procs':
        options.payloadSkopeoProcesses = positive();
        break;
      case '--payload-cpu-prof':
        options.payloadCpuProfDir = value();
        break;
      case '--catalog-cpu-prof': {
        options.catalogCpuProfDir = value();
        break;
      }
      case '--cpu-prof':
        options.ocmCpuProfDir = value();
        break;
      case '--quick':
        options.quick = true;
        break;
      case '--skopeo-procs':
        options.skopeoProcesses = positives();
        break;
      case '--skopeo-per-image-max':
        options.skopeoPerImageMax = Number(value());
        if (!Number.isInteger(options.skopeoPerImageMax) || options.skopeoPerImageMax < 0)
          throw new Error(`${flag} needs a non-negative integer`);
        break;
      case '--wire-concurrency':
        options.wireConcurrency = positives();
        options.releaseSizedWireConcurrency = options.wireConcurrency;
        break;
      case '--payload-wire-concurrency':
        options.payloadWireConcurrency = positive();
        break;
      case '--out':
        options.resultsFile = value();
        break;
      default:
        throw new Error(`unknown option ${arg}`);
    }
  }
  return options;
}
