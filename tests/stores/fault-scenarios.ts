/**
 * The operations the fault-injection suite drives, each with how to set it up, run it, and
 * judge it: the rule its faults must keep beyond the general ones (see faults.test.ts).
 */
import { hashRefreshToken, type SessionRecord, type TokenEvent, type TokenManager, type TokenManagerOptions, type TokenPair } from "tokenwise";
import { expect } from "vitest";
import { createHarness, errorCodeOf, type TestClock } from "../core/fixtures.js";
import { seededRandomBytes } from "../security/fuzz-support.js";
import { FaultyStore } from "./faulty-store.js";

export const SUBJECT = "user-1";
/** The default `reuseGraceSeconds` the harness runs with. */
const GRACE_SECONDS = 10;

export interface FaultHarness {
  tokens: TokenManager;
  store: FaultyStore;
  clock: TestClock;
  events: TokenEvent[];
}

export type Outcome<Result> = { ok: true; value: Result } | { ok: false; error: unknown };

/** One operation under test: how to set it up, run it, and judge it. */
export interface Scenario<Context, Result> {
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

/**
 * Seeded, so that every run of a scenario hands out the same ids and tokens and states compare
 * exactly. Default options: the grace window (10 s) outlasts `storeTimeout` (5 s), as it must
 * for a client to recover a spend whose reply was lost.
 */
export async function harnessFor(definition: { operation: string; options?: Partial<TokenManagerOptions> }): Promise<FaultHarness> {
  const store = new FaultyStore();
  const randomBytes = seededRandomBytes(`faults/${definition.operation}`);
  const { tokens, clock, events } = await createHarness({ store, randomBytes, ...definition.options });
  return { tokens, clock, events, store };
}

/** How a promise ended, as a value. */
export async function settle<Result>(promise: Promise<Result>): Promise<Outcome<Result>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
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
export const login = async (harness: FaultHarness): Promise<Login> => ({ pair: (await logIn(harness, 1))[0] as TokenPair });
const expectSessionStillActive = async ({ tokens }: FaultHarness, { pair }: Login) => void (await tokens.verifyAccessToken(pair.accessToken, { checkSession: true }));

/** Logging one session out, by one of the manager's two ways. */
const logoutScenario = (operation: string, logOut: (tokens: TokenManager, pair: TokenPair) => Promise<boolean>) =>
  scenario({
    operation,
    rule: "a failed logout can be retried, and then holds",
    arrange: login,
    act: ({ tokens }, { pair }) => logOut(tokens, pair),
    async expectCorrect(revoked) {
      expect(revoked).toBe(true);
    },
    expectAfterwards: (harness, { pair }) => expectLogoutRetryWorks(harness, () => logOut(harness.tokens, pair), pair.refreshToken),
  });

export const SCENARIOS = [
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
      harness.clock.advance(GRACE_SECONDS + 1);
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
  logoutScenario("revoke (by refresh token)", (tokens, pair) => tokens.revoke(pair.refreshToken)),
  logoutScenario("revokeSession (by id)", (tokens, pair) => tokens.revokeSession(pair.sessionId)),
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
