/**
 * How the benchmark times operations: a warm-up, then `samples` rounds in which every case of a
 * comparison runs one batch of `batch` operations in turn, so that a case and its baseline see
 * the same JIT state, GC pressure and machine load. Every TIMING_STRIDE-th operation is also
 * timed on its own, start to settle, for the latency percentiles.
 */

/** One operation of a case; `lane` says which of the operations in flight runs it (0 when one at a time). */
export type Operation = (lane: number) => Promise<unknown>;

/** How long a comparison runs: operations before measuring, rounds, operations per batch. */
export interface BatchSettings {
  warmUp: number;
  samples: number;
  batch: number;
}

/** What one case yields: its µs per operation in each round, and individually timed operations. */
export interface CaseSamples {
  /** Wall-clock microseconds per operation of each round's batch (with N in flight: the throughput's inverse). */
  roundMicroseconds: number[];
  /** Start-to-settle microseconds of every TIMING_STRIDE-th operation (with N in flight: queueing included). */
  operationMicroseconds: number[];
}

/** One operation in this many is timed on its own: often enough for a p99, rarely enough to cost nothing measurable. */
export const TIMING_STRIDE = 8;

/** Aborted to stop every batch at its lanes' next operation (an interrupted run). */
const stopping = new AbortController();

/** Makes every running and later batch fail with `reason` once its operations in flight have settled. */
export function stopMeasuring(reason: Error): void {
  stopping.abort(reason);
}

/**
 * Runs `count` operations, `inFlight` at a time: each lane starts its next operation as soon as
 * its previous one settles, until `count` have started. After a failure no lane starts another,
 * and the batch rejects only once every operation in flight has settled, so that clean-up never
 * races a write still under way.
 *
 * @param timings - receives the start-to-settle microseconds of every TIMING_STRIDE-th operation
 * @returns the wall-clock microseconds per operation
 */
export async function runBatch(operation: Operation, inFlight: number, count: number, timings?: number[]): Promise<number> {
  let started = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (index: number): Promise<void> => {
    while (started < count && failure === undefined) {
      const timed = timings !== undefined && started % TIMING_STRIDE === 0;
      started++;
      try {
        stopping.signal.throwIfAborted();
        const start = timed ? performance.now() : 0;
        await operation(index);
        if (timed) timings.push((performance.now() - start) * 1000);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, (_, index) => lane(index)));
  if (failure !== undefined) throw failure.error;
  return ((performance.now() - start) * 1000) / count;
}

/**
 * Measures operations side by side: after each one's warm-up, every sample round runs one batch
 * of each, in turn.
 *
 * @param operations - the cases to compare
 * @param inFlight - how many operations of a case run at once
 * @param settings - warm-up, rounds and batch size
 * @returns each case's samples, in the order given
 */
export async function measure(operations: Operation[], inFlight: number, settings: BatchSettings): Promise<CaseSamples[]> {
  for (const operation of operations) await runBatch(operation, inFlight, settings.warmUp);
  const samples: CaseSamples[] = operations.map(() => ({ roundMicroseconds: [], operationMicroseconds: [] }));
  for (let round = 0; round < settings.samples; round++) {
    for (const [index, operation] of operations.entries()) {
      const sample = samples[index] as CaseSamples;
      sample.roundMicroseconds.push(await runBatch(operation, inFlight, settings.batch, sample.operationMicroseconds));
    }
  }
  return samples;
}
