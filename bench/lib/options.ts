/**
 * The benchmark's command line: --json, --size-mb N, --runs N, --busy,
 * --only push,push8,fanout,relay,resume,import,publish,pages,scale, --build-dir DIR.
 */

/** The figures the benchmark can measure, in the order it measures them. */
export const PARTS = ['push', 'push8', 'fanout', 'relay', 'resume', 'import', 'publish', 'pages', 'scale'] as const;
export type Part = (typeof PARTS)[number];

export type Options = {
  json: boolean;
  sizeMb: number;
  runs: number;
  /** --runs was given: parts whose runs are long (relay) take fewer by default, but this many when asked. */
  runsGiven: boolean;
  /** Every transfer figure also measured with one core kept busy (bench/lib/busy.ts). */
  busy: boolean;
  only: Set<Part>;
  /** The pages and scale parts reuse this Next.js build instead of building one. */
  buildDir?: string;
};

export const USAGE =
  'usage: npm run bench -- [--json] [--size-mb N] [--runs N] [--busy] [--only push,push8,fanout,relay,resume,import,publish,pages,scale] [--build-dir DIR]';

/** A mistake on the command line: reported with the usage line, not as a benchmark failure. */
export class UsageError extends Error {}

export function parseOptions(argv: string[]): Options {
  const options: Options = {
    json: false,
    sizeMb: 1024,
    runs: 5,
    runsGiven: false,
    busy: false,
    only: new Set(PARTS),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    // Both `--runs 3` and `--runs=3`.
    const value = () => {
      const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    const name = arg.split('=')[0];
    if (name === '--json') options.json = true;
    else if (name === '--size-mb') options.sizeMb = positiveInt(name, value());
    else if (name === '--runs') {
      options.runs = positiveInt(name, value());
      options.runsGiven = true;
    } else if (name === '--busy') options.busy = true;
    else if (name === '--only') options.only = parseParts(value());
    else if (name === '--build-dir') options.buildDir = value();
    else if (name === '--help' || name === '-h') {
      process.stderr.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new UsageError(`unknown option ${arg}`);
  }
  return options;
}

function parseParts(text: string): Set<Part> {
  const parts = text.split(',').map((p) => p.trim());
  const unknown = parts.filter((p) => !PARTS.includes(p as Part));
  if (unknown.length > 0) throw new UsageError(`--only takes ${PARTS.join(', ')}; not ${unknown.join(', ')}`);
  return new Set(parts as Part[]);
}

function positiveInt(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} takes a positive whole number, not "${text}"`);
  return n;
}
