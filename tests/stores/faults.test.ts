/**
 * Fault injection: every manager operation that touches the store, with one fault injected at
 * each store call it makes (found by rehearsing the operation without faults), for every kind
 * of fault. The rules, for every combination:
 * - the operation ends with its right result, or rejects with a `TokenwiseError` whose code is
 *   `store_error` (naming the failed method) or the operation's own legitimate error — never a
 *   raw error, never a hang (a call that never settles ends at `storeTimeout`);
 * - the store then holds exactly what the calls that ran left behind: the state before the
 *   faulty call, or after it if the store did its work — nothing half-done; every session's
 *   chain is linear; a failed operation reports no `issued` or `refreshed` event;
 * - with faults off, the client carries on: a token not reported as refreshed is still usable
 *   or recovered through the grace window, reuse is still detected, a logout can be retried.
 */
import { hashRefreshToken, TokenwiseError } from "tokenwise";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createHarness, errorCodeOf } from "../core/fixtures.js";
import { chainProblems } from "./chains.js";
import { harnessFor, login, SCENARIOS, settle, SUBJECT, type FaultHarness, type Outcome, type Scenario } from "./fault-scenarios.js";
import { FAILURES, FaultyStore, faultsFor, type CallPoint, type Fault, type StoreState } from "./faulty-store.js";

/** The default `storeTimeout`. */
const STORE_TIMEOUT_MS = 5_000;

const waitsForTimeout = (fault: Fault): boolean => fault.ending === "hang" || fault.ending === "late";

/**
 * Lets `storeTimeout` pass, for the manager's timers and for the clock alike. Call it only once
 * the hung call is under way, so that its timer is the one that fires.
 */
async function waitOutStoreTimeout({ clock }: FaultHarness): Promise<void> {
  clock.advance(STORE_TIMEOUT_MS / 1000);
  await vi.advanceTimersByTimeAsync(STORE_TIMEOUT_MS);
}

/** The store calls of a fault-free run, with the store's state around each, and how it ended. */
interface Rehearsal {
  calls: { point: CallPoint; before: StoreState; after: StoreState }[];
  outcome: Outcome<unknown>;
  end: StoreState;
  /** How `expectCorrect` judged a success. */
  verdict: Outcome<void>;
}

async function rehearse(definition: Scenario<unknown, unknown>): Promise<Rehearsal> {
  const harness = await harnessFor(definition);
  const context = await definition.arrange(harness);
  const calls: Rehearsal["calls"] = [];
  harness.store.beginAct({
    async observe(point, run) {
      const before = await harness.store.state();
      const result = await run();
      calls.push({ point, before, after: await harness.store.state() });
      return result;
    },
  });
  const outcome = await settle(definition.act(harness, context));
  await harness.store.endAct();
  const end = await harness.store.state();
  const verdict = outcome.ok ? await settle(definition.expectCorrect(outcome.value, context, harness)) : { ok: true as const, value: undefined };
  return { calls, outcome, end, verdict };
}

const chainProblemsOf = ({ sessions, tokens }: StoreState): string[] => chainProblems(Object.values(tokens), new Set(Object.keys(sessions)));

async function expectChainsLinear(store: FaultyStore): Promise<void> {
  expect(chainProblemsOf(await store.state())).toEqual([]);
}

/** The fault-free outcome: a success, or one of the operation's own errors. */
function endsAsWithoutFaults(outcome: Outcome<unknown>, definition: Scenario<unknown, unknown>): boolean {
  return outcome.ok || (outcome.error instanceof TokenwiseError && (definition.legitimate ?? []).includes(outcome.error.code));
}

let combinations = 0;

async function runWithFault(definition: Scenario<unknown, unknown>, rehearsal: Rehearsal, index: number, fault: Fault): Promise<void> {
  combinations++;
  const { point, before, after } = rehearsal.calls[index] as Rehearsal["calls"][number];
  const harness = await harnessFor(definition);
  const context = await definition.arrange(harness);
  harness.store.beginAct({ fault: { at: point, fault } });
  const eventsBefore = harness.events.length;
  const ending = settle(definition.act(harness, context));
  await Promise.race([harness.store.faultReached, ending]);
  if (waitsForTimeout(fault)) await waitOutStoreTimeout(harness);
  const outcome = await ending;
  await harness.store.endAct();

  if (outcome.ok) await definition.expectCorrect(outcome.value, context, harness);
  else {
    expect(outcome.error, "a failure is a TokenwiseError").toBeInstanceOf(TokenwiseError);
    const error = outcome.error as TokenwiseError;
    expect(["store_error", ...(definition.legitimate ?? [])], `${error.code}: ${error.message}`).toContain(error.code);
    if (error.code === "store_error") expect(error).toMatchObject({ status: 503, message: expect.stringContaining(`store.${point.method}()`) });
    const claimed = harness.events.slice(eventsBefore).filter((event) => event.type === "issued" || event.type === "refreshed");
    expect(claimed, "a failed operation reports no success").toEqual([]);
  }
  const expected = endsAsWithoutFaults(outcome, definition) ? rehearsal.end : fault.works ? after : before;
  expect(await harness.store.state(), "the store holds exactly what the calls that ran left behind").toEqual(expected);
  await expectChainsLinear(harness.store);

  await definition.expectAfterwards(harness, context, outcome, fault.works);
  await expectChainsLinear(harness.store);
}

const REHEARSALS = await Promise.all(SCENARIOS.map(rehearse));

beforeEach(() => void vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] }));
afterEach(() => void vi.useRealTimers());

describe("store faults: every operation ends typed and leaves the store as the calls that ran left it", () => {
  afterAll(() => console.info(`faults: ${combinations} (operation × store call × fault) combinations`));

  SCENARIOS.forEach((definition, scenarioIndex) => {
    const rehearsal = REHEARSALS[scenarioIndex] as Rehearsal;
    describe(`${definition.operation}: ${definition.rule}`, () => {
      it("without faults, behaves as specified and keeps every chain linear", async () => {
        expect(rehearsal.calls.length, "the operation reaches the store").toBeGreaterThan(0);
        expect(endsAsWithoutFaults(rehearsal.outcome, definition), String(!rehearsal.outcome.ok && rehearsal.outcome.error)).toBe(true);
        if (!rehearsal.verdict.ok) throw rehearsal.verdict.error;
        expect(chainProblemsOf(rehearsal.end)).toEqual([]);
      });
      rehearsal.calls.forEach(({ point }, index) => {
        for (const fault of faultsFor(point.method)) {
          it(`${point.method} call #${point.occurrence} ${fault.name}`, () => runWithFault(definition, rehearsal, index, fault));
        }
      });
    });
  });
});

describe("stateless mode: there is no store, so store faults cannot reach it", () => {
  it("refuses a store at construction; issue, refresh, reissue, verify and purge work without one; the operations that need one are unsupported_operation", async () => {
    await expect(createHarness({ refreshTokenMode: "stateless", store: new FaultyStore() })).rejects.toMatchObject({ code: "invalid_config", option: "store" });
    const { tokens } = await createHarness({ refreshTokenMode: "stateless", store: undefined });
    const pair = await tokens.issue({ subject: SUBJECT });
    const next = await tokens.refresh(pair.refreshToken);
    await tokens.reissueAccessToken(next.accessToken);
    await tokens.verifyAccessToken(next.accessToken);
    expect(await tokens.purgeExpired()).toBe(0);
    const needingStore: (() => Promise<unknown>)[] = [
      () => tokens.verifyAccessToken(next.accessToken, { checkSession: true }),
      () => tokens.revoke(next.refreshToken),
      () => tokens.revokeSession(next.sessionId),
      () => tokens.revokeAllSessions(SUBJECT),
      () => tokens.listSessions(SUBJECT),
    ];
    for (const action of needingStore) expect(await errorCodeOf(action)).toBe("unsupported_operation");
  });
});

describe("the defaults: storeTimeout ends within reuseGraceSeconds", () => {
  // A spend that commits but whose reply is lost times out while the grace window is still
  // open, so the client's retry is served the same successor instead of being taken for reuse.
  it("a client whose spend committed but timed out gets the stored successor on its immediate retry", async () => {
    const harness = await harnessFor({ operation: "defaults", options: { reuseGraceSeconds: undefined } });
    const { pair } = await login(harness);
    harness.store.beginAct({ fault: { at: { method: "spendToken", occurrence: 1 }, fault: FAILURES.hangAfter } });
    const ending = settle(harness.tokens.refresh(pair.refreshToken));
    await harness.store.faultReached;
    await waitOutStoreTimeout(harness);
    expect(await ending).toMatchObject({ ok: false, error: { code: "store_error" } });
    await harness.store.endAct();
    expect((await harness.store.inner.findToken(hashRefreshToken(pair.refreshToken)))?.token.successorHash, "the store kept a successor").toBeTruthy();
    const stored = (await harness.store.inner.findToken(hashRefreshToken(pair.refreshToken)))?.token.successorHash;
    const retried = await harness.tokens.refresh(pair.refreshToken);
    expect(hashRefreshToken(retried.refreshToken), "the client's immediate retry gets the stored successor").toBe(stored);
    expect((await harness.store.inner.findSession(pair.sessionId))?.revokedAt, "the honest client stays logged in").toBeNull();
  });
});
