/**
 * The conformance kit tested on itself: it must pass the genuine memory store on every check,
 * and fail every deliberately broken one (a mutant), with a check of the promise the mutant
 * breaks and a message that names it.
 */
import { MemoryRefreshTokenStore, type RefreshTokenStore } from "tokenwise";
import { ContractViolation, runStoreConformance } from "tokenwise/testing";
import { afterAll, describe, expect, it } from "vitest";
import { buildMutant } from "./mutant-base.js";
import { MUTANTS } from "./mutants.js";

/** One check of the kit, as registered: its group (the method), its rule, and its body. */
interface RecordedCheck {
  group: string;
  rule: string;
  body: () => Promise<void>;
}

/** Registers the kit with a runner that records the checks instead of running them. */
function recordChecks(createStore: () => RefreshTokenStore): RecordedCheck[] {
  const checks: RecordedCheck[] = [];
  const path: string[] = [];
  runStoreConformance({
    name: "recorded",
    createStore,
    runner: {
      describe: (name, body) => {
        path.push(name);
        body();
        path.pop();
      },
      it: (rule, body) => void checks.push({ group: path.at(-1) as string, rule, body }),
    },
  });
  return checks;
}

/** Runs every check; returns the failures with their errors. */
async function failures(checks: RecordedCheck[]): Promise<{ check: RecordedCheck; error: unknown }[]> {
  const failed: { check: RecordedCheck; error: unknown }[] = [];
  for (const check of checks) await check.body().catch((error: unknown) => failed.push({ check, error }));
  return failed;
}

const killed: string[] = [];

describe("the conformance kit", () => {
  it("passes the genuine MemoryRefreshTokenStore on every check", async () => {
    const checks = recordChecks(() => new MemoryRefreshTokenStore());
    expect(checks.length).toBeGreaterThan(40);
    const failed = await failures(checks);
    expect(failed.map(({ check, error }) => `${check.group} — ${check.rule}: ${String(error)}`)).toEqual([]);
  });

  it("has mutants for every group of checks of the store contract", () => {
    const groups = new Set(recordChecks(() => new MemoryRefreshTokenStore()).map((check) => check.group));
    groups.delete("through TokenManager");
    expect(new Set(MUTANTS.map((mutant) => mutant.breaks))).toEqual(groups);
  });

  for (const mutant of MUTANTS) {
    it(`kills the store whose ${mutant.breaks} ${mutant.name}, with a check of that method naming the promise`, async () => {
      const failed = await failures(recordChecks(() => buildMutant(mutant)));
      expect(failed.length, "the mutant survived every check").toBeGreaterThan(0);
      for (const { check, error } of failed) {
        expect(error).toBeInstanceOf(ContractViolation);
        expect((error as Error).message.startsWith(`${check.group} — ${check.rule}: `)).toBe(true);
      }
      expect(failed.map(({ check }) => check.group)).toContain(mutant.breaks);
      killed.push(mutant.name);
    });
  }

  afterAll(() => {
    console.log(`kit kills ${killed.length}/${MUTANTS.length} mutants`);
  });
});
