/** Checks of `spendToken`, the rotation compare-and-set, one caller at a time and racing. Internal. */
import type { RefreshTokenRecord, SessionRecord } from "../store.js";
import { check, checkEqual, makeSeal, MINUTE, type Check, type CheckContext } from "./_fixtures.js";

/** Asserts that a refused spend changed nothing: the token, its session and the other token as they were. */
async function checkUnchanged({ store }: CheckContext, before: { session: SessionRecord; token: RefreshTokenRecord }[], successorHash: string): Promise<void> {
  for (const { session, token } of before) checkEqual(await store.findToken(token.hash), { token, session }, "a token and its session after a refused spend");
  if (!before.some(({ token }) => token.hash === successorHash)) checkEqual(await store.findToken(successorHash), null, "the refused successor");
}

export const spendTokenChecks: Record<string, Check> = {
  "spends an unspent token and stores its successor in one step": async ({ store, seed, spend, at }) => {
    const { session, token } = await seed();
    const when = at(5 * MINUTE);
    const { spent, successor, sealedSuccessor } = await spend(session, token.hash, when);
    check(spent, "spendToken of a usable token returns true");
    const old = await store.findToken(token.hash);
    checkEqual(old?.token, { ...token, spentAt: when, successorHash: successor.hash, sealedSuccessor }, "the spent token");
    checkEqual(old?.session.lastUsedAt.getTime(), when.getTime(), "session lastUsedAt after a spend");
    checkEqual((await store.findToken(successor.hash))?.token, successor, "the successor");
  },
  "refuses a token already spent, storing no second successor": async ({ store, seed, spend, at }) => {
    const { session, token } = await seed();
    const first = await spend(session, token.hash, at(MINUTE));
    const second = await spend(session, token.hash, at(2 * MINUTE));
    check(first.spent && !second.spent, "only the first spend succeeds");
    checkEqual(await store.findToken(second.successor.hash), null, "the refused successor");
    checkEqual((await store.findToken(token.hash))?.token.successorHash, first.successor.hash, "successorHash keeps the first");
  },
  "refuses a token at or after its expiresAt": async ({ store, seed, spend }) => {
    const { session, token } = await seed();
    const outcome = await spend(session, token.hash, token.expiresAt);
    check(!outcome.spent, "spendToken at expiresAt returns false");
    checkEqual((await store.findToken(token.hash))?.token.spentAt, null, "an expired token stays unspent");
    checkEqual(await store.findToken(outcome.successor.hash), null, "no successor for an expired token");
  },
  "refuses a token of a revoked session": async ({ store, seed, spend, at }) => {
    const { session, token } = await seed();
    await store.revokeSession(session.id, at(MINUTE));
    const outcome = await spend(session, token.hash, at(2 * MINUTE));
    check(!outcome.spent, "spendToken in a revoked session returns false");
    checkEqual(await store.findToken(outcome.successor.hash), null, "no successor in a revoked session");
  },
  "refuses a token of a session past its expiresAt": async ({ store, seed, spend, at }) => {
    const { session, token } = await seed({ expiresAt: at(30 * MINUTE) });
    const outcome = await spend(session, token.hash, at(30 * MINUTE));
    check(!outcome.spent, "spendToken at the session's expiresAt returns false");
    checkEqual(await store.findToken(outcome.successor.hash), null, "no successor in an ended session");
  },
  "refuses an unknown hash without storing the successor": async ({ store, spend, makeSession, at }) => {
    const outcome = await spend(makeSession(), "f".repeat(64), at(MINUTE));
    check(!outcome.spent, "spendToken of an unknown hash returns false");
    checkEqual(await store.findToken(outcome.successor.hash), null, "no successor for an unknown hash");
  },
  "refuses a successor whose hash a token already has, overwriting nothing": async (context) => {
    const { store, seed, makeToken, at } = context;
    const mine = await seed();
    const other = await seed();
    for (const taken of [other.token.hash, mine.token.hash]) {
      const successor = makeToken(mine.session, { hash: taken, issuedAt: at(MINUTE) });
      check(!(await store.spendToken({ hash: mine.token.hash, at: at(MINUTE), successor, sealedSuccessor: makeSeal() })), "spendToken with a taken successor hash returns false");
      await checkUnchanged(context, [mine, other], taken);
    }
  },
  "refuses a successor of another session, changing nothing": async (context) => {
    const { store, seed, makeToken, at } = context;
    const mine = await seed();
    const other = await seed();
    const successor = makeToken(other.session, { issuedAt: at(MINUTE) });
    check(!(await store.spendToken({ hash: mine.token.hash, at: at(MINUTE), successor, sealedSuccessor: makeSeal() })), "spendToken with a successor of another session returns false");
    await checkUnchanged(context, [mine, other], successor.hash);
  },
  "is idempotent: repeating the winning request answers true again and changes nothing": async ({ store, seed, spend, makeToken, at }) => {
    const { session, token } = await seed();
    const successor = makeToken(session, { issuedAt: at(MINUTE) });
    const request = { hash: token.hash, at: at(MINUTE), successor, sealedSuccessor: makeSeal() };
    check(await store.spendToken(request), "the first spend succeeds");
    const after = await store.findToken(token.hash);
    check(await store.spendToken({ ...request, at: at(2 * MINUTE) }), "the same request, retried, answers true");
    checkEqual(await store.findToken(token.hash), after, "the spent token after the retry");
    checkEqual((await store.findToken(successor.hash))?.token, successor, "the successor after the retry");
    const rival = await spend(session, token.hash, at(2 * MINUTE));
    check(!rival.spent, "a spend with another successor still fails");
  },
  "lets exactly one of many simultaneous spends win, and stores exactly its successor": async ({ store, concurrency, seed, makeToken, at }) => {
    const { session, token } = await seed();
    const when = at(MINUTE);
    const racers = Array.from({ length: concurrency }, () => ({ successor: makeToken(session, { issuedAt: when }), seal: makeSeal() }));
    const outcomes = await Promise.all(racers.map(({ successor, seal }) => store.spendToken({ hash: token.hash, at: when, successor, sealedSuccessor: seal })));
    checkEqual(outcomes.filter(Boolean).length, 1, "number of winning spends");
    const winner = racers[outcomes.indexOf(true)];
    const stored = await Promise.all(racers.map(({ successor }) => store.findToken(successor.hash)));
    checkEqual(stored.filter(Boolean).length, 1, "number of stored successors");
    checkEqual((await store.findToken(token.hash))?.token.successorHash, winner?.successor.hash, "successorHash names the winner");
    checkEqual((await store.findToken(token.hash))?.token.sealedSuccessor, winner?.seal, "sealedSuccessor is the winner's");
  },
};
