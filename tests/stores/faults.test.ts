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
import { hashRefreshToken, TokenwiseError, TokenManager, type SessionRecord, type TokenEvent, type TokenManagerOptions, type TokenPair } from "tokenwise";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createHarness, errorCodeOf, type TestClock } from "../core/fixtures.js";
import { seededRandomBytes } from "../security/fuzz-support.js";
import { chainProblems } from "./chains.js";
import { FaultyStore, faultsFor, type CallPoint, type Fault, type StoreState } from "./faulty-store.js";

const SUBJECT = "user-1";
/** The default `storeTimeout`. */
const STORE_TIMEOUT_MS = 10_000;

interface FaultHarness {
  tokens: TokenManager;
  store: FaultyStore;
  clock: TestClock;
  events: TokenEvent[];
}

type Outcome<Result> = { ok: true; value: Result } | { ok: false; error: unknown };

/** One operation under test: how to set it up, run it, and judge it. */
interface Scenario<Context, Result> {
  /** The operation, as its `describe` names it. */
  operation: string;
  /** What its faults must keep, beyond the rules every operation keeps. */
  rule: string;
  options?: Partial<TokenManagerOptions>;
  /** Error codes the operation ends with even without a fault. */
  legitimate?: string[];
  arrange(harness: FaultHarness): Promise<Context>;
  act(harness: FaultHarness, context: Context): Promise<Result>;
  /** Asserts that a success is the right one. */
  expectCorrect(result: Result, context: Context, harness: FaultHarness): Promise<void>;
  /**
   * With faults off, after the act: what must still work. `workDone`: the store did the
   * faulty call's work (its reply was lost or garbled).
   */
  expectAfterwards(harness: FaultHarness, context: Context, outcome: Outcome<Result>, workDone: boolean): Promise<void>;
}

const scenario = <Context, Result>(definition: Scenario<Context, Result>) => definition as unknown as Scenario<unknown, unknown>;
const ids = (sessions: SessionRecord[]): string[] => sessions.map((session) => session.id);

/** Logs `count` sessions of the subject in, a second apart (so that their order is known). */
async function logIn({ tokens, clock }: FaultHarness, count: number): Promise<TokenPair[]> {
  const pairs: TokenPair[] = [];
  for (let index = 0; index < count; index++) {
    pairs.push(await tokens.issue({ subject: SUBJECT }));
    clock.advance(1);
  }
  return pairs;
}

/** A spent token presented again within the window still yields `successor`, which still refreshes. */
async function expectReplayStillWorks({ tokens }: FaultHarness, spent: string, successor: string): Promise<void> {
  expect((await tokens.refresh(spent)).refreshToken).toBe(successor);
  await tokens.refresh(successor);
}

/** Retrying a logout leaves the session revoked: its refresh token is refused. */
async function expectLogoutRetryWorks({ tokens }: FaultHarness, retry: () => Promise<unknown>, refreshToken: string): Promise<void> {
  await retry();
  expect(await errorCodeOf(() => tokens.refresh(refreshToken))).toBe("session_revoked");
}

interface Login {
  pair: TokenPair;
}
const login = async (harness: FaultHarness): Promise<Login> => ({ pair: (await logIn(harness, 1))[0] as TokenPair });
const expectSessionStillActive = async ({ tokens }: FaultHarness, { pair }: Login) => void (await tokens.verifyAccessToken(pair.accessToken, { checkSession: true }));

const SCENARIOS = [
  scenario({
    operation: "issue",
    rule: "a failed login leaves no session behind (unless the store committed it) and the earlier one untouched",
    arrange: async (harness) => ({ earlier: (await logIn(harness, 1))[0] as TokenPair }),
    act: ({ tokens }) => tokens.issue({ subject: SUBJECT, claims: { role: "reader" } }),
    async expectCorrect(pair, { earlier }, { tokens }) {
      expect(ids(await tokens.listSessions(SUBJECT))).toEqual([earlier.sessionId, pair.sessionId]);
    },
    async expectAfterwards({ tokens }, { earlier }, outcome, workDone) {
      const active = ids(await tokens.listSessions(SUBJECT));
      if (outcome.ok) await tokens.refresh(outcome.value.refreshToken);
      else if (!workDone) expect(active).toEqual([earlier.sessionId]);
      await tokens.refresh(earlier.refreshToken);
    },
  }),
  scenario({
    operation: "issue with maxSessionsPerSubject",
    rule: "a failed login evicts nothing (unless the store committed it), and the limit always holds",
    options: { maxSessionsPerSubject: 2 },
    arrange: async (harness) => ({ earlier: await logIn(harness, 2) }),
    act: ({ tokens }) => tokens.issue({ subject: SUBJECT }),
    async expectCorrect(pair, { earlier }, { tokens }) {
      expect(ids(await tokens.listSessions(SUBJECT))).toEqual([earlier[1]?.sessionId, pair.sessionId]);
    },
    async expectAfterwards({ tokens }, { earlier }, outcome, workDone) {
      const active = ids(await tokens.listSessions(SUBJECT));
      expect(active.length).toBeLessThanOrEqual(2);
      if (!outcome.ok && !workDone) expect(active).toEqual(earlier.map((pair) => pair.sessionId));
    },
  }),
  scenario({
    operation: "refresh of an unspent token",
    rule: "a token not reported as refreshed is still usable, or yields the successor the store kept",
    arrange: login,
    act: ({ tokens }, { pair }) => tokens.refresh(pair.refreshToken),
    async expectCorrect(next, { pair }) {
      expect(next.sessionId).toBe(pair.sessionId);
      expect(next.refreshToken).not.toBe(pair.refreshToken);
    },
    async expectAfterwards({ tokens, store }, { pair }, outcome) {
      if (outcome.ok) return void (await tokens.refresh(outcome.value.refreshToken));
      const kept = (await store.inner.findToken(hashRefreshToken(pair.refreshToken)))?.token.successorHash ?? null;
      const recovered = await tokens.refresh(pair.refreshToken);
      if (kept !== null) expect(hashRefreshToken(recovered.refreshToken), "the retry gets the successor already stored").toBe(kept);
      await tokens.refresh(recovered.refreshToken);
    },
  }),
  scenario({
    operation: "refresh that loses the race to another tab",
    rule: "the loser gets the winner's successor, or a store_error after which the replay still works",
    async arrange(harness) {
      const { pair } = await login(harness);
      // The manager reads the token before the other tab's spend commits, then loses the spend.
      const stale = await harness.store.inner.findToken(hashRefreshToken(pair.refreshToken));
      const winner = await harness.tokens.refresh(pair.refreshToken);
      harness.store.answerStale({ method: "findToken", occurrence: 1 }, stale);
      return { pair, winner };
    },
    act: ({ tokens }, { pair }) => tokens.refresh(pair.refreshToken),
    async expectCorrect(next, { winner }) {
      expect(next.refreshToken).toBe(winner.refreshToken);
    },
    expectAfterwards: (harness, { pair, winner }) => expectReplayStillWorks(harness, pair.refreshToken, winner.refreshToken),
  }),
  scenario({
    operation: "refresh of a token spent within the grace window",
    rule: "the replay yields the same successor or a store_error, and never revokes the session",
    async arrange(harness) {
      const { pair } = await login(harness);
      const first = await harness.tokens.refresh(pair.refreshToken);
      harness.clock.advance(2);
      return { pair, first };
    },
    act: ({ tokens }, { pair }) => tokens.refresh(pair.refreshToken),
    async expectCorrect(next, { first }) {
      expect(next.refreshToken).toBe(first.refreshToken);
    },
    expectAfterwards: (harness, { pair, first }) => expectReplayStillWorks(harness, pair.refreshToken, first.refreshToken),
  }),
  scenario({
    operation: "refresh of a token spent beyond the grace window",
    rule: "reuse is never let through: presenting the token again still revokes the session",
    legitimate: ["refresh_token_reused"],
    async arrange(harness) {
      const { pair } = await login(harness);
      const first = await harness.tokens.refresh(pair.refreshToken);
      harness.clock.advance(60);
      return { pair, first };
    },
    act: ({ tokens }, { pair }) => tokens.refresh(pair.refreshToken),
    async expectCorrect() {
      expect.fail("a token spent beyond the grace window was exchanged");
    },
    async expectAfterwards({ tokens }, { pair, first }) {
      expect(await errorCodeOf(() => tokens.refresh(pair.refreshToken))).toBe("refresh_token_reused");
      expect(await errorCodeOf(() => tokens.refresh(first.refreshToken))).toBe("session_revoked");
    },
  }),
  scenario({
    operation: "refresh with rotateRefreshTokens: false",
    rule: "the one refresh token of the session keeps working",
    options: { rotateRefreshTokens: false },
    arrange: login,
    act: ({ tokens }, { pair }) => tokens.refresh(pair.refreshToken),
    async expectCorrect(next, { pair }) {
      expect(next.refreshToken).toBe(pair.refreshToken);
    },
    async expectAfterwards({ tokens }, { pair }) {
      expect((await tokens.refresh(pair.refreshToken)).refreshToken).toBe(pair.refreshToken);
    },
  }),
  scenario({
    operation: "reissueAccessToken",
    rule: "a failed reissue changes nothing; the session stays active",
    arrange: login,
    act: ({ tokens }, { pair }) => tokens.reissueAccessToken(pair.accessToken),
    async expectCorrect(grant, { pair }) {
      expect(grant).toMatchObject({ sessionId: pair.sessionId, subject: SUBJECT });
    },
    expectAfterwards: expectSessionStillActive,
  }),
  scenario({
    operation: "verifyAccessToken with checkSession",
    rule: "a failed session check changes nothing; the session stays active",
    arrange: login,
    act: ({ tokens }, { pair }) => tokens.verifyAccessToken(pair.accessToken, { checkSession: true }),
    async expectCorrect(claims, { pair }) {
      expect(claims).toMatchObject({ sid: pair.sessionId, sub: SUBJECT });
    },
    expectAfterwards: expectSessionStillActive,
  }),
  scenario({
    operation: "revoke (by refresh token)",
    rule: "a failed logout can be retried, and then holds",
    arrange: login,
    act: ({ tokens }, { pair }) => tokens.revoke(pair.refreshToken),
    async expectCorrect(revoked) {
      expect(revoked).toBe(true);
    },
    expectAfterwards: (harness, { pair }) => expectLogoutRetryWorks(harness, () => harness.tokens.revoke(pair.refreshToken), pair.refreshToken),
  }),
  scenario({
    operation: "revokeSession (by id)",
    rule: "a failed logout can be retried, and then holds",
    arrange: login,
    act: ({ tokens }, { pair }) => tokens.revokeSession(pair.sessionId),
    async expectCorrect(revoked) {
      expect(revoked).toBe(true);
    },
    expectAfterwards: (harness, { pair }) => expectLogoutRetryWorks(harness, () => harness.tokens.revokeSession(pair.sessionId), pair.refreshToken),
  }),
  scenario({
    operation: "revokeAllSessions",
    rule: "a failed logout-everywhere can be retried, and then holds for every session",
    arrange: (harness) => logIn(harness, 2),
    act: ({ tokens }) => tokens.revokeAllSessions(SUBJECT),
    async expectCorrect(count) {
      expect(count).toBe(2);
    },
    async expectAfterwards(harness, pairs) {
      for (const pair of pairs) await expectLogoutRetryWorks(harness, () => harness.tokens.revokeAllSessions(SUBJECT), pair.refreshToken);
      expect(await harness.tokens.listSessions(SUBJECT)).toEqual([]);
    },
  }),
  scenario({
    operation: "listSessions",
    rule: "a failed listing changes nothing",
    arrange: (harness) => logIn(harness, 2),
    act: ({ tokens }) => tokens.listSessions(SUBJECT),
    async expectCorrect(sessions, pairs) {
      expect(ids(sessions)).toEqual(pairs.map((pair) => pair.sessionId));
    },
    async expectAfterwards({ tokens }, pairs) {
      expect(ids(await tokens.listSessions(SUBJECT))).toEqual(pairs.map((pair) => pair.sessionId));
    },
  }),
  scenario({
    operation: "purgeExpired",
    rule: "a purge deletes the ended session whole or not at all, and never a live chain",
    async arrange(harness) {
      const [ended, live] = (await logIn(harness, 2)) as [TokenPair, TokenPair];
      await harness.tokens.revoke(ended.refreshToken);
      return { ended, current: await harness.tokens.refresh(live.refreshToken) };
    },
    act: ({ tokens }) => tokens.purgeExpired(),
    async expectCorrect(deleted) {
      expect(deleted, "the ended session and its one token").toBe(2);
    },
    async expectAfterwards({ tokens, store }, { ended, current }, outcome, workDone) {
      expect(await tokens.purgeExpired()).toBe(outcome.ok || workDone ? 0 : 2);
      expect(await store.inner.findSession(ended.sessionId)).toBeNull();
      await tokens.refresh(current.refreshToken);
    },
  }),
];

async function harnessFor(definition: Scenario<unknown, unknown>): Promise<FaultHarness> {
  const store = new FaultyStore();
  // Seeded: every run of a scenario hands out the same ids and tokens, so states compare exactly.
  const { tokens, clock, events } = await createHarness({ store, randomBytes: seededRandomBytes(`faults/${definition.operation}`), ...definition.options });
  return { tokens, clock, events, store };
}

async function settle<Result>(promise: Promise<Result>): Promise<Outcome<Result>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
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

async function expectChainsLinear(store: FaultyStore): Promise<void> {
  const { sessions, tokens } = await store.state();
  expect(chainProblems(Object.values(tokens), new Set(Object.keys(sessions)))).toEqual([]);
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
  // Advance the clock only once the faulty call is under way: a hung call then meets storeTimeout.
  await Promise.race([harness.store.faultReached, ending]);
  await vi.advanceTimersByTimeAsync(STORE_TIMEOUT_MS);
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

describe("store faults: every operation ends typed and leaves the store as the calls that ran left it", () => {
  beforeEach(() => void vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] }));
  afterEach(() => void vi.useRealTimers());
  afterAll(() => console.info(`faults: ${combinations} (operation × store call × fault) combinations`));

  SCENARIOS.forEach((definition, scenarioIndex) => {
    const rehearsal = REHEARSALS[scenarioIndex] as Rehearsal;
    describe(`${definition.operation}: ${definition.rule}`, () => {
      it("without faults, behaves as specified and keeps every chain linear", async () => {
        expect(rehearsal.calls.length, "the operation reaches the store").toBeGreaterThan(0);
        expect(endsAsWithoutFaults(rehearsal.outcome, definition), String(!rehearsal.outcome.ok && rehearsal.outcome.error)).toBe(true);
        if (!rehearsal.verdict.ok) throw rehearsal.verdict.error;
        const { sessions, tokens } = rehearsal.end;
        expect(chainProblems(Object.values(tokens), new Set(Object.keys(sessions)))).toEqual([]);
      });
      rehearsal.calls.forEach(({ point }, index) => {
        for (const fault of faultsFor(point.method)) {
          it(`${point.method} (call ${point.occurrence} of it) ${fault.name}`, () => runWithFault(definition, rehearsal, index, fault));
        }
      });
    });
  });
});

describe("stateless mode: no store is ever called, so store faults cannot reach it", () => {
  it("issue, refresh, reissue, verify and purge work without the store; the operations that need one are unsupported_operation", async () => {
    const store = new FaultyStore();
    store.beginAct({ fault: { at: { method: "createSession", occurrence: 1 }, fault: faultsFor("createSession")[0] as Fault } });
    const { tokens } = await createHarness({ refreshTokenMode: "stateless", store });
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
    expect(store.calls).toEqual([]);
  });
});
