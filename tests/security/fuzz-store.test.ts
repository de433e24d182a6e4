/**
 * Property 2: garbage never changes the store. Whatever `refresh` or `revoke` is handed — a
 * mutation of a live, spent or revoked token, or anything else — every session, every known
 * token and the event log stay exactly as they were.
 */
import fc from "fast-check";
import { hashRefreshToken, MemoryRefreshTokenStore } from "tokenwise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { presentedArbitrary, resolvePresented } from "./fuzz-arbitraries.js";
import { assertProperty, createFuzzHarness, FUZZ_SEED, fuzzCasesRun, fuzzTimeout, returnedOrTokenwiseError, settle, SUBJECT, type FuzzHarness } from "./fuzz-support.js";

const RUNS = 2_000;

/** A subject with a rotated session, a revoked one and an untouched one. */
interface Population {
  harness: FuzzHarness;
  store: MemoryRefreshTokenStore;
  /** Every refresh token ever handed out: spent, live and revoked. */
  tokens: string[];
  sessionIds: string[];
}

async function populate(): Promise<Population> {
  const harness = await createFuzzHarness();
  const { tokens } = harness;
  const rotated = await tokens.refresh(harness.session.refreshToken);
  const revoked = await tokens.issue({ subject: SUBJECT });
  await tokens.revoke(revoked.refreshToken);
  const untouched = await tokens.issue({ subject: SUBJECT });
  return {
    harness,
    store: harness.store as MemoryRefreshTokenStore,
    tokens: [harness.session.refreshToken, rotated.refreshToken, revoked.refreshToken, untouched.refreshToken],
    sessionIds: [harness.session.sessionId, revoked.sessionId, untouched.sessionId],
  };
}

/** Everything observable about the population's state. */
async function snapshot({ harness, store, tokens, sessionIds }: Population): Promise<unknown> {
  return {
    tokens: await Promise.all(tokens.map((token) => store.findToken(hashRefreshToken(token)))),
    sessions: await Promise.all(sessionIds.map((id) => store.findSession(id))),
    listed: await harness.tokens.listSessions(SUBJECT),
    events: harness.events.length,
  };
}

afterAll(() => {
  console.info(`fuzz-store: ${fuzzCasesRun()} cases (FUZZ_SEED=${FUZZ_SEED})`);
});

describe("the store under garbage refresh tokens", () => {
  let population: Population;
  let before: unknown;

  beforeAll(async () => {
    population = await populate();
    before = await snapshot(population);
    expect((before as { listed: unknown[] }).listed, "the rotated and the untouched session are active").toHaveLength(2);
  });

  it("refresh and revoke refuse every unknown value and change nothing", async () => {
    const inputs = fc.record({
      operation: fc.constantFrom("refresh" as const, "revoke" as const),
      base: fc.nat(),
      plan: presentedArbitrary({ strings: false }).filter((plan) => plan.kind !== "original"),
    });
    await assertProperty(
      inputs,
      async ({ operation, base, plan }) => {
        const presented = resolvePresented(plan, population.tokens[base % population.tokens.length] as string);
        if (typeof presented === "string" && population.tokens.includes(presented)) return;
        const outcome = returnedOrTokenwiseError(await settle(() => population.harness.tokens[operation](presented)), operation);
        const allowed = operation === "revoke" ? [false, "invalid_refresh_token"] : ["invalid_refresh_token"];
        expect(allowed, `${operation} of an unknown value`).toContain(outcome.returned ? outcome.value : outcome.code);
        expect(await snapshot(population), `the store after ${operation}`).toEqual(before);
      },
      RUNS,
    );
  }, fuzzTimeout());
});
