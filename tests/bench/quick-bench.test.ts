/**
 * The benchmark's smoke run: `bench/run.ts --quick` in a child process (on the built `dist/`, as
 * `npm run bench` measures it) prints every section and writes every case to its JSON file.
 * Structure only: no figure here is a timing to assert on.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BenchReport } from "../../bench/output.js";
import { VERIFY_CASES } from "../../bench/verify-cases.js";
import { REQUIRE_SERVICES } from "../stores/databases.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const ALGORITHMS = ["HS256", "ES256", "EdDSA", "RS256"];
const IN_FLIGHT = [1, 16];
/** Each service's group and how many cases it has: the store and its baselines. */
const SERVICE_GROUPS: Record<string, [string, number]> = {
  "PostgreSQL (pg)": ["refresh on PostgreSQL (pg)", 2],
  "MariaDB (mysql2)": ["refresh on MariaDB (mysql2)", 2],
  "Redis (ioredis)": ["refresh on Redis (ioredis) EdDSA", 3],
};

let directory: string;
let stdout: string;
let report: BenchReport;

beforeAll(async () => {
  if (!existsSync(join(root, "dist/index.js"))) throw new Error("the bench measures dist/: run `npm run build` first (npm test does)");
  directory = mkdtempSync(join(tmpdir(), "tokenwise-bench-"));
  const jsonPath = join(directory, "quick.json");
  const tsx = join(root, "node_modules/.bin/tsx");
  ({ stdout } = await promisify(execFile)(tsx, ["--tsconfig", "bench/tsconfig.json", "bench/run.ts", "--quick", "--json", jsonPath], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  }));
  report = JSON.parse(readFileSync(jsonPath, "utf8")) as BenchReport;
}, 120_000);

afterAll(() => rmSync(directory, { recursive: true, force: true }));

const casesOf = (group: string) => report.results.cases.filter((entry) => entry.group === group);

describe("the quick bench", () => {
  it("loads each tokenwise build on the backend it names", () => {
    expect(report.builds.map((build) => [build.label, build.cryptoBackend])).toEqual([
      ["native", "node:crypto"],
      ["web", "web-crypto"],
    ]);
  });

  it("records the machine it ran on", () => {
    expect(report.environment.node).toBe(process.version);
    expect(report.environment.cpu.length).toBeGreaterThan(0);
    expect(report.environment.cores).toBeGreaterThan(0);
    expect(Number.isNaN(Date.parse(report.environment.date))).toBe(false);
  });

  it("verifies with every case, per algorithm, one at a time and 16 in flight", () => {
    for (const alg of ALGORITHMS) {
      for (const inFlight of IN_FLIGHT) {
        const cases = casesOf(`verify ${alg}, ${inFlight} in flight`);
        expect(cases.map((entry) => entry.name)).toEqual(Object.values(VERIFY_CASES));
        const unsupported = cases.filter((entry) => entry.figures === null).map((entry) => entry.name);
        expect(unsupported).toEqual(alg === "EdDSA" ? [VERIFY_CASES.jsonwebtoken] : []);
      }
    }
  });

  it("measures issue and refresh on the memory store against a bare sign, per algorithm", () => {
    for (const alg of ALGORITHMS) {
      for (const inFlight of IN_FLIGHT) expect(casesOf(`memory store ${alg}, ${inFlight} in flight`)).toHaveLength(3);
    }
  });

  it("has the rows of every reachable service, and skips only with a reason", () => {
    const skipped = report.results.skipped ?? [];
    if (skipped.length > 0 && !REQUIRE_SERVICES) console.warn(`skipped bench rows: ${skipped.map((skip) => skip.reason).join("; ")}`);
    if (REQUIRE_SERVICES) expect(skipped).toEqual([]);
    for (const [service, [group, count]] of Object.entries(SERVICE_GROUPS)) {
      if (skipped.some((skip) => skip.service === service)) continue;
      for (const inFlight of IN_FLIGHT) expect(casesOf(`${group}, ${inFlight} in flight`)).toHaveLength(count);
    }
    for (const inFlight of IN_FLIGHT) expect(casesOf(`refresh on SQLite file (better-sqlite3), ${inFlight} in flight`)).toHaveLength(2);
  });

  it("reports finite, positive figures and ratios", () => {
    for (const entry of report.results.cases.filter((candidate) => candidate.figures !== null)) {
      for (const value of Object.values(entry.figures ?? {})) expect(Number.isFinite(value) && value > 0, `${entry.group}: ${entry.name}`).toBe(true);
    }
    expect(report.results.ratios.length).toBeGreaterThan(0);
    for (const entry of report.results.ratios) expect(Number.isFinite(entry.ratio) && entry.ratio > 0).toBe(true);
  });

  it("checks every target and prints the sections", () => {
    expect(report.targets).toHaveLength(14);
    for (const target of report.targets) {
      expect(["met", "NOT met", "skipped"]).toContain(target.verdict);
      if (target.verdict !== "skipped") expect(Number.isFinite(target.ratio)).toBe(true);
    }
    for (const heading of ["## verify HS256, 1 in flight", "## ratios", "## targets", "| ops/s |"]) expect(stdout).toContain(heading);
  });
});
