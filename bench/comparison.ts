/**
 * One comparison group: cases measured in the same rounds (one alternation), and the ratios
 * between the pairs of them the benchmark reports.
 */
import { measure, type BatchSettings, type Operation } from "./measure.js";
import { figuresOf, throughputRatio, type CaseFigures } from "./statistics.js";

/** A case to measure, or the reason it cannot run (printed as "—"). */
export interface BenchCase {
  name: string;
  operation: Operation | { unsupported: string };
}

/** A measured case of a group; `figures` is `null` for a case that could not run. */
export interface CaseResult {
  group: string;
  name: string;
  inFlight: number;
  figures: CaseFigures | null;
  unsupported?: string;
}

/** A ratio of ops/s: `candidate` ÷ `baseline`, the median of per-round ratios (above 1: the candidate is faster). */
export interface RatioResult {
  group: string;
  candidate: string;
  baseline: string;
  ratio: number;
}

/** A service whose rows are missing, and why. */
export interface SkippedService {
  service: string;
  reason: string;
}

/** A group's results (or several groups'), with lines to print below the tables. */
export interface GroupResult {
  cases: CaseResult[];
  ratios: RatioResult[];
  notes?: string[];
  skipped?: SkippedService[];
}

/** What to measure in one group. */
export interface GroupOptions {
  /** Names the group in the output, e.g. "verify HS256, 1 in flight". */
  group: string;
  cases: BenchCase[];
  /** `[candidate, baseline]` names; a pair with a case that could not run is left out. */
  comparisons: [string, string][];
  inFlight: number;
  settings: BatchSettings;
}

/**
 * Measures a group's runnable cases side by side and computes the requested ratios.
 *
 * @returns a result per case (in the order given) and per comparison both of whose cases ran
 */
export async function compareCases(options: GroupOptions): Promise<GroupResult> {
  const { group, inFlight } = options;
  const runnable = options.cases.filter((entry): entry is BenchCase & { operation: Operation } => typeof entry.operation === "function");
  const measured = await measure(
    runnable.map((entry) => entry.operation),
    inFlight,
    options.settings,
  );
  const samplesOf = new Map(runnable.map((entry, index) => [entry.name, measured[index]]));
  const cases = options.cases.map((entry): CaseResult => {
    const samples = samplesOf.get(entry.name);
    if (samples) return { group, name: entry.name, inFlight, figures: figuresOf(samples) };
    return { group, name: entry.name, inFlight, figures: null, unsupported: (entry.operation as { unsupported: string }).unsupported };
  });
  const ratios: RatioResult[] = [];
  for (const [candidate, baseline] of options.comparisons) {
    const candidateSamples = samplesOf.get(candidate);
    const baselineSamples = samplesOf.get(baseline);
    if (candidateSamples && baselineSamples) ratios.push({ group, candidate, baseline, ratio: throughputRatio(candidateSamples, baselineSamples) });
  }
  return { cases, ratios };
}

/** Concatenates the results of several groups. */
export function mergeGroups(groups: GroupResult[]): GroupResult {
  return {
    cases: groups.flatMap((group) => group.cases),
    ratios: groups.flatMap((group) => group.ratios),
    notes: groups.flatMap((group) => group.notes ?? []),
    skipped: groups.flatMap((group) => group.skipped ?? []),
  };
}
