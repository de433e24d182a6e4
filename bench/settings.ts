/**
 * The command line of the benchmark and the sizes it implies: `--quick` (a smoke run: every
 * case, a handful of operations each) and `--json <file>` (where the results go).
 */
import type { BatchSettings } from "./measure.js";

/** How one run is sized and where it writes. */
export interface RunSettings {
  quick: boolean;
  /** The JSON results file. @default "bench/results/latest.json" (gitignored) */
  jsonPath: string;
  /** Access-token verification: microseconds or less per operation. */
  verify: BatchSettings;
  /** `issue`, `refresh` on the memory store and the Redis store, bare signing: up to a few milliseconds. */
  signing: BatchSettings;
  /** `refresh` on a SQL database and its bare-driver baseline: about a millisecond, round trips included. */
  database: BatchSettings;
}

const FULL: Omit<RunSettings, "quick" | "jsonPath"> = {
  // Warm-ups long enough for the JIT to settle every path: shorter ones skewed first rounds.
  verify: { warmUp: 2000, samples: 31, batch: 400 },
  signing: { warmUp: 1000, samples: 21, batch: 200 },
  database: { warmUp: 100, samples: 21, batch: 60 },
};

const QUICK: Omit<RunSettings, "quick" | "jsonPath"> = {
  verify: { warmUp: 16, samples: 3, batch: 16 },
  signing: { warmUp: 16, samples: 3, batch: 16 },
  database: { warmUp: 16, samples: 3, batch: 16 },
};

/**
 * Reads the benchmark's arguments.
 *
 * @param args - `process.argv.slice(2)`
 * @throws Error for an unknown argument or a `--json` without a file
 */
export function parseSettings(args: readonly string[]): RunSettings {
  let quick = false;
  let jsonPath = "bench/results/latest.json";
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (arg === "--quick") quick = true;
    else if (arg === "--json" && args[index + 1] !== undefined) jsonPath = args[++index] as string;
    else throw new Error(`unknown argument ${JSON.stringify(arg)}; usage: npm run bench -- [--quick] [--json <file>]`);
  }
  return { quick, jsonPath, ...(quick ? QUICK : FULL) };
}
