/**
 * Property 1: every public entry point that takes outside input answers any input — garbage,
 * or the valid token mutated — with the original result (for the token itself) or a
 * TokenwiseError, never another exception or a hang; and a verifier accepts no spelling of a
 * token but the exact one it issued (canonical compact form).
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { presentedArbitrary, resolvePresented, respelledArbitrary, type Presented } from "./fuzz-arbitraries.js";
import { ENTRY_POINTS, type Delivery, type EntryPoint, type Verdict } from "./fuzz-entry-points.js";
import { assertProperty, createFuzzHarness, FUZZ_SEED, fuzzCasesRun, fuzzTimeout, returnedOrTokenwiseError, settle, type FuzzHarness } from "./fuzz-support.js";

const ROBUSTNESS_RUNS = 1_000;
const RESPELLING_RUNS = 700;

/** An entry point, its harness (rebuilt when a call spends the login) and its original result. */
interface Target {
  entry: EntryPoint;
  harness: FuzzHarness;
  original: Verdict;
}

interface Case {
  original: string;
  presented: unknown;
  delivery: Delivery;
  verdict: Verdict;
}

/** Presents one input; `null` when the runtime itself refuses to carry it (it never reaches tokenwise). */
async function present(target: Target, plan: Presented, variant: unknown): Promise<Case | null> {
  const { entry } = target;
  const original = target.harness.session[entry.token];
  const presented = resolvePresented(plan, original);
  let delivery: Delivery;
  try {
    delivery = entry.deliver(presented, variant);
  } catch {
    return null;
  }
  const outcome = returnedOrTokenwiseError(await settle(() => entry.call(target.harness, delivery)), entry.name);
  if (!outcome.returned) return { original, presented, delivery, verdict: { accepted: false } };
  delivery.check?.(outcome.value);
  const verdict = entry.judge(outcome.value);
  if (verdict.accepted && entry.consumes) target.harness = await createFuzzHarness(entry.harness);
  return { original, presented, delivery, verdict };
}

afterAll(() => {
  console.info(`fuzz-entry-points: ${fuzzCasesRun()} cases (FUZZ_SEED=${FUZZ_SEED})`);
});

describe.each(ENTRY_POINTS)("$name", (entry) => {
  const target = {} as Target;

  beforeAll(async () => {
    target.entry = entry;
    target.harness = await createFuzzHarness(entry.harness);
    const untouched = await present(target, { kind: "original" }, entry.plain);
    expect(untouched?.verdict.accepted, "the issued token, delivered plainly, is accepted").toBe(true);
    if (!entry.verifies) expect(untouched?.verdict).toEqual({ accepted: true, observation: untouched?.original });
    target.original = untouched?.verdict as Verdict;
  });

  it("answers any input with the original result or a TokenwiseError, within the time limit", async () => {
    const inputs = fc.record({ plan: presentedArbitrary({ strings: entry.strings }), variant: entry.variant });
    await assertProperty(
      inputs,
      async ({ plan, variant }) => {
        const result = await present(target, plan, variant);
        if (result === null) return;
        if (result.delivery.received === result.original) expect(result.verdict, "the issued token gets the original result").toEqual(target.original);
        if (entry.verifies && result.verdict.accepted) expect(result.verdict, "whatever is accepted yields the original result").toEqual(target.original);
      },
      ROBUSTNESS_RUNS,
    );
  }, fuzzTimeout());

  if (!entry.verifies) return;

  it("accepts no spelling of the token but the exact one issued", async () => {
    const inputs = fc.record({ plan: respelledArbitrary({ strings: entry.strings }), variant: entry.variant });
    await assertProperty(
      inputs,
      async ({ plan, variant }) => {
        const result = await present(target, plan, variant);
        if (result === null || result.delivery.received === result.original || !result.verdict.accepted) return;
        throw new Error(`${entry.name} accepted ${fc.stringify(result.presented)} (received as ${fc.stringify(result.delivery.received)}), not the issued ${result.original}`);
      },
      RESPELLING_RUNS,
    );
  }, fuzzTimeout());
});
