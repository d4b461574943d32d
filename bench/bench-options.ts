/** Fixtures of the copy scenarios (ocm-tui vs skopeo vs the wire limit). */
export type FixtureName = 'big' | 'release' | 'huge';
export const ALL_FIXTURES: FixtureName[] = ['big', 'release', 'huge'];
/** Scenarios whose results are a copy table (ocm-tui vs skopeo vs the wire limit). */
export type CopyScenarioName = FixtureName | 'release-payload';
/**
 * Everything `--fixtures` can name: the copy fixtures, `catalog` (the operator-catalog scenario) and
 * `release-payload` (a signed release payload through the release collector; opt-in, not in the default run).
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
 * Parses `--runs N --fixtures a,b --quick --skopeo-procs N,M --skopeo-per-image-max N --wire-concurrency N,M
 * --cpu-prof DIR --out FILE --catalog-cpu-prof DIR --payload-skopeo-procs N --payload-wire-concurrency N --payload-cpu-prof DIR`.
 * `--fixtures` selects scenarios: `big`, `release`, `huge` (copy fixtures), `catalog` (operator catalog) and
 * `release-payload` (signed release payload); e.g. `npm run bench -- --fixtures catalog` runs only the
 * operator-catalog scenario. Default: all but `release-payload` (it alone takes ~13 minutes: seeding ~1 min, 18 jobs of 15–80 s).
 */
export function parseBenchOptions(argv: string[], defaultResultsFile: string): BenchOptions {
  const options: BenchOptions = {
    runs: 3,
    fixtures: [...ALL_FIXTURES],
    catalog: true,
    releasePayload: false,
    payloadSkopeoProcesses: DEFAULT_PAYLOAD_SKOPEO_PROCESSES,
    quick: false,
    skopeoProcesses: [1, 4],
    skopeoPerImageMax: 8,
    wireConcurrency: [4, 20, 64],
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
