/**
 * How the benchmark times operations: a warm-up, then SAMPLES rounds in which every case of a
 * comparison runs one batch of BATCH operations in turn; a case's figure is its median batch.
 */

export const SAMPLES = 15;
export const BATCH = 200;
export const WARM_UP = 300;

/** One operation of a case; `lane` says which of the operations in flight runs it (0 when one at a time). */
export type Operation = (lane: number) => Promise<unknown>;

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
 * @returns the wall-clock microseconds per operation
 */
export async function runBatch(operation: Operation, inFlight: number, count: number): Promise<number> {
  let started = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (index: number): Promise<void> => {
    while (started < count && failure === undefined) {
      started++;
      try {
        stopping.signal.throwIfAborted();
        await operation(index);
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

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
}

/**
 * Measures operations side by side: every sample round runs one batch of each, in turn, so a
 * baseline and its candidate see the same JIT state, GC pressure and machine load.
 *
 * @param operations - the cases to compare, baseline first by convention
 * @param inFlight - how many operations of a case run at once
 * @returns each case's median microseconds per operation, in the order given
 */
export async function measure(operations: Operation[], inFlight = 1): Promise<number[]> {
  for (const operation of operations) await runBatch(operation, inFlight, WARM_UP);
  const samples: number[][] = operations.map(() => []);
  for (let round = 0; round < SAMPLES; round++) {
    for (const [index, operation] of operations.entries()) samples[index]?.push(await runBatch(operation, inFlight, BATCH));
  }
  return samples.map(median);
}
