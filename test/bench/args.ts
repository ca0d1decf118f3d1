// Command-line options of `npm run bench`, parsed with node:util's parseArgs (unknown flags are
// errors). Kept apart from bench.ts so tests can check the parsing without running a bench.
import { parseArgs as parseCli } from 'node:util';

export type CaseName = 'large-download' | 'large-upload' | 'small-download' | 'small-upload';
export const ALL_CASES: CaseName[] = ['large-download', 'large-upload', 'small-download', 'small-upload'];

export interface BenchArgs {
  warmup: boolean;
  scale: number;
  pairs: number;
  json?: string;
  only: CaseName[];
  /** Empty and reuse one output folder for every run (the old method; see freshFolders in bench.ts). */
  reuseOut: boolean;
  /** Round trip added by the link proxy in front of sshd, in ms (0: no proxy, loopback). */
  rttMs: number;
  /** Rate cap of the link proxy per direction in Mbit/s (null: none). */
  rateMbit: number | null;
  /** Bytes of the large-file cases (1 GiB on loopback, 256 MiB on a delay link; × scale). */
  largeSize: number;
  /** Files in the small-file cases (2,000 on loopback, 200 on a delay link; × scale). */
  smallCount: number;
}

const MiB = 1024 * 1024;

export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values } = parseCli({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      quick: { type: 'boolean', default: false },
      scale: { type: 'string' },
      pairs: { type: 'string', default: '3' },
      json: { type: 'string' },
      only: { type: 'string' },
      rtt: { type: 'string', default: '0' },
      rate: { type: 'string' },
      'no-warmup': { type: 'boolean', default: false },
      'reuse-out': { type: 'boolean', default: false },
    },
  });
  const scale = values.scale !== undefined ? Number(values.scale) : values.quick ? 0.1 : 1;
  if (!(scale > 0 && scale <= 1)) throw new Error('--scale must be in (0, 1]');
  const pairs = Number(values.pairs);
  if (!Number.isInteger(pairs) || pairs < 1) throw new Error('--pairs must be a whole number ≥ 1');
  const rttMs = Number(values.rtt);
  if (!(Number.isFinite(rttMs) && rttMs >= 0 && rttMs <= 10_000)) throw new Error('--rtt must be a round trip in ms, 0 to 10000');
  let rateMbit: number | null = null;
  if (values.rate !== undefined) {
    rateMbit = Number(values.rate);
    if (!(Number.isFinite(rateMbit) && rateMbit > 0)) throw new Error('--rate must be a positive number of Mbit/s');
  }
  const only = values.only === undefined ? ALL_CASES : values.only.split(',');
  const unknown = only.filter((c) => !(ALL_CASES as string[]).includes(c));
  if (unknown.length) throw new Error(`--only: unknown case(s) ${unknown.join(', ')}; known: ${ALL_CASES.join(', ')}`);
  const long = rttMs > 0;
  return {
    warmup: !values['no-warmup'],
    scale,
    pairs,
    only: only as CaseName[],
    reuseOut: values['reuse-out'],
    rttMs,
    rateMbit,
    largeSize: Math.round((long ? 256 : 1024) * MiB * scale),
    smallCount: Math.max(10, Math.round((long ? 200 : 2000) * scale)),
    ...(values.json ? { json: values.json } : {}),
  };
}
