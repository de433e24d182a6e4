/** What the benchmark reports of a case's samples: throughput, latency percentiles, ratios. */
import type { CaseSamples } from "./measure.js";

/** A case's figures: operations per second and per-operation latency. */
export interface CaseFigures {
  /** 1e6 ÷ the median round's µs per operation. */
  opsPerSecond: number;
  /** Median of the individually timed operations, µs. */
  p50Microseconds: number;
  /** 99th percentile of the individually timed operations, µs. */
  p99Microseconds: number;
}

/**
 * The value below which `fraction` of `values` lie (nearest rank).
 *
 * @param fraction - between 0 and 1: 0.5 for the median
 */
export function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank] as number;
}

/** The median of `values`. */
export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

/**
 * Summarises one case's samples.
 *
 * @returns ops/s from the median round, p50 and p99 from the individually timed operations
 */
export function figuresOf(samples: CaseSamples): CaseFigures {
  return {
    opsPerSecond: 1e6 / median(samples.roundMicroseconds),
    p50Microseconds: percentile(samples.operationMicroseconds, 0.5),
    p99Microseconds: percentile(samples.operationMicroseconds, 0.99),
  };
}

/**
 * How many operations per second `candidate` does for each of `baseline`'s: the median of the
 * per-round ratios (both ran in the same rounds), so that a slow round weighs on both.
 *
 * @returns above 1 when the candidate is faster
 */
export function throughputRatio(candidate: CaseSamples, baseline: CaseSamples): number {
  const ratios = candidate.roundMicroseconds.map((micros, round) => (baseline.roundMicroseconds[round] as number) / micros);
  return median(ratios);
}
