/**
 * The speed targets from the issue, checked against this run's ratios (all one caller at a
 * time): a target whose rows were skipped says so instead of passing.
 */
import type { BenchAlgorithm } from "./bare-jws.js";
import type { GroupResult } from "./comparison.js";
import { MEMORY_CASES, memoryGroupName } from "./memory-refresh.js";
import { SQL_CASES, SQL_DATABASES, sqlGroupName } from "./sql-refresh.js";
import { groupName, VERIFY_CASES } from "./verify-cases.js";

/** One target: a ratio of ops/s that must reach `threshold`. */
export interface TargetResult {
  target: string;
  threshold: number;
  /** `null` when its rows were not measured. */
  ratio: number | null;
  verdict: "met" | "NOT met" | "skipped";
}

interface TargetSpec {
  target: string;
  threshold: number;
  group: string;
  candidate: string;
  baseline: string;
}

/** The SQL target is for the servers, not for SQLite. */
const TARGET_DATABASES = SQL_DATABASES.map((database) => database.name).filter((name) => !name.startsWith("SQLite"));

function specs(algorithms: readonly BenchAlgorithm[], memoryAlgorithms: readonly BenchAlgorithm[], sqlAlgorithm: BenchAlgorithm): TargetSpec[] {
  const C = VERIFY_CASES;
  return [
    ...algorithms.map((alg) => ({
      target: `cold verify ${alg}: tokenwise native ≥ fast-jwt (no cache)`,
      threshold: 1,
      group: groupName(alg, 1),
      candidate: C.nativeCold,
      baseline: C.fastJwt,
    })),
    ...algorithms.map((alg) => ({
      target: `cache hit ${alg}: tokenwise native cached ≥ 2× fast-jwt cache`,
      threshold: 2,
      group: groupName(alg, 1),
      candidate: C.nativeCached,
      baseline: C.fastJwtCache,
    })),
    ...memoryAlgorithms.map((alg) => ({
      target: `refresh() ${alg}, memory store ≥ 0.5× bare node:crypto sign`,
      threshold: 0.5,
      group: memoryGroupName(alg, 1),
      candidate: MEMORY_CASES.refresh,
      baseline: MEMORY_CASES.bareSign,
    })),
    ...TARGET_DATABASES.map((database) => ({
      target: `refresh() ${sqlAlgorithm}, ${database} ≥ 0.8× bare driver`,
      threshold: 0.8,
      group: sqlGroupName(database, 1),
      candidate: SQL_CASES.store,
      baseline: SQL_CASES.bare,
    })),
  ];
}

/**
 * Checks every target against the ratios measured.
 *
 * @param algorithms - the algorithms whose verification was measured
 * @param memoryAlgorithms - those whose memory-store refresh was measured
 * @param sqlAlgorithm - the algorithm of the SQL rows
 */
export function checkTargets(
  results: GroupResult,
  algorithms: readonly BenchAlgorithm[],
  memoryAlgorithms: readonly BenchAlgorithm[],
  sqlAlgorithm: BenchAlgorithm,
): TargetResult[] {
  return specs(algorithms, memoryAlgorithms, sqlAlgorithm).map(({ target, threshold, group, candidate, baseline }) => {
    const found = results.ratios.find((entry) => entry.group === group && entry.candidate === candidate && entry.baseline === baseline);
    if (!found) return { target, threshold, ratio: null, verdict: "skipped" };
    return { target, threshold, ratio: found.ratio, verdict: found.ratio >= threshold ? "met" : "NOT met" };
  });
}
