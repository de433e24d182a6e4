/**
 * The benchmark's output: Markdown tables on stdout (a table per group, the ratios, the targets)
 * and every figure as JSON, with the machine it ran on.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname } from "node:path";
import type { GroupResult } from "./comparison.js";
import { TIMING_STRIDE } from "./measure.js";
import type { RunSettings } from "./settings.js";
import type { TargetResult } from "./targets.js";

/** Where and when the run happened. */
export interface Environment {
  node: string;
  cpu: string;
  cores: number;
  platform: string;
  date: string;
}

/** Everything a run writes to its JSON file. */
export interface BenchReport {
  environment: Environment;
  settings: RunSettings;
  /** Each tokenwise build measured and the backend its `cryptoBackend` named. */
  builds: { label: string; cryptoBackend: string; source: string }[];
  results: GroupResult;
  targets: TargetResult[];
}

/** This machine and this moment. */
export function describeEnvironment(): Environment {
  return {
    node: process.version,
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
  };
}

const number = (value: number, digits = 0): string => value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const micros = (value: number): string => (value < 10 ? number(value, 2) : value < 100 ? number(value, 1) : number(value));

/** What the columns mean, and how the run was sized. */
function printHeader(report: BenchReport): void {
  const { environment: env, settings } = report;
  console.log(`# tokenwise bench${settings.quick ? " (--quick: a smoke run, not figures to quote)" : ""}`);
  console.log(`node ${env.node}; ${env.cpu}; ${env.cores} cores; ${env.platform}; ${env.date}`);
  for (const build of report.builds) console.log(`tokenwise ${build.label}: cryptoBackend = "${build.cryptoBackend}" from ${build.source}`);
  const sizes = (["verify", "signing", "database"] as const).map((kind) => {
    const { samples, batch, warmUp } = settings[kind];
    return `${kind} ${samples} × ${batch} after ${warmUp} warm-up`;
  });
  console.log(`rounds × operations per batch: ${sizes.join("; ")}`);
  console.log(
    "ops/s: 1e6 ÷ the median round's wall-clock µs per operation. p50, p99: percentiles of individually timed operations " +
      `(every ${TIMING_STRIDE}th of every measured batch, start to settle; with 16 in flight they include waiting behind the other 15). ` +
      "ratio: candidate ops/s ÷ baseline ops/s, the median of per-round ratios (both ran in the same rounds); above 1× the candidate is faster.\n",
  );
}

function printGroups(results: GroupResult): void {
  for (const group of new Set(results.cases.map((entry) => entry.group))) {
    console.log(`## ${group}\n\n| case | ops/s | p50 µs | p99 µs |\n| --- | ---: | ---: | ---: |`);
    for (const entry of results.cases.filter((candidate) => candidate.group === group)) {
      const f = entry.figures;
      console.log(f ? `| ${entry.name} | ${number(f.opsPerSecond)} | ${micros(f.p50Microseconds)} | ${micros(f.p99Microseconds)} |` : `| ${entry.name} | — | — | — |`);
    }
    console.log("");
  }
}

/** Prints the whole report. */
export function printReport(report: BenchReport): void {
  printHeader(report);
  printGroups(report.results);
  console.log("## ratios (ops/s, candidate ÷ baseline)\n\n| group | candidate | baseline | ratio |\n| --- | --- | --- | ---: |");
  for (const entry of report.results.ratios) console.log(`| ${entry.group} | ${entry.candidate} | ${entry.baseline} | ${number(entry.ratio, 2)}× |`);
  console.log("\n## targets (1 in flight)\n\n| target | measured | verdict |\n| --- | ---: | --- |");
  for (const entry of report.targets) console.log(`| ${entry.target} | ${entry.ratio === null ? "—" : `${number(entry.ratio, 2)}×`} | ${entry.verdict} |`);
  const notes = [...(report.results.notes ?? []), ...(report.results.skipped ?? []).map((skip) => `skipped: ${skip.service} rows: ${skip.reason}`)];
  if (notes.length > 0) console.log(`\n${notes.join("\n")}`);
}

/** Writes the report as JSON, creating its directory. */
export function writeReport(report: BenchReport, path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
}
