/** The benchmark's output: one table of medians, then notes. */
import { BATCH, SAMPLES, WARM_UP } from "./measure.js";

/** One row: a case's median, and the case it is compared with. */
export interface Result {
  name: string;
  microseconds: number;
  baseline?: string;
}

/**
 * Prints the table (µs per operation, operations per second, and µs per operation as a multiple
 * of the baseline's: above 1× is slower), then one line per note.
 */
export function printTable(results: Result[], notes: string[] = []): void {
  const byName = new Map(results.map((result) => [result.name, result]));
  console.log(`node ${process.version}; median of ${SAMPLES} batches × ${BATCH} operations after ${WARM_UP} warm-up\n`);
  console.log("| case | median µs/op | ops/s | vs baseline |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const result of results) {
    const base = result.baseline ? byName.get(result.baseline) : undefined;
    const ratio = base ? `${(result.microseconds / base.microseconds).toFixed(2)}×` : "";
    console.log(`| ${result.name} | ${result.microseconds.toFixed(1)} | ${Math.round(1e6 / result.microseconds)} | ${ratio} |`);
  }
  if (notes.length > 0) console.log(`\n${notes.join("\n")}`);
}
