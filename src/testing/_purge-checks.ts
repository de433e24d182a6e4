/** Checks of `purgeExpired`. Counts are exact: every check runs on a store of its own. Internal. */
import type { RefreshTokenRecord } from "../store.js";
import { check, checkEqual, MINUTE, type Check, type CheckContext } from "./_fixtures.js";

/** Fails unless every hash is gone for good: not found, and free to be stored again. */
async function checkDeleted({ store, makeSession }: CheckContext, tokens: RefreshTokenRecord[]): Promise<void> {
  for (const token of tokens) {
    checkEqual(await store.findToken(token.hash), null, "a purged token");
    const newcomer = makeSession();
    const reused = { ...token, sessionId: newcomer.id, spentAt: null, successorHash: null, sealedSuccessor: null };
    const stored = await store.createSession(newcomer, reused).then(() => true, () => false);
    check(stored, "the hash of a purged token can be stored again: no row of it is left behind");
  }
}

export const purgeExpiredChecks: Record<string, Check> = {
  "deletes expired tokens and ended sessions, keeping what can still be used, and counts them": async (context) => {
    const { store, seed, spend, at } = context;
    const live = await seed();
    const { successor } = await spend(live.session, live.token.hash, at(50 * MINUTE));
    const revoked = await seed();
    await store.revokeSession(revoked.session.id, at(MINUTE));
    const ended = await seed({ expiresAt: at(30 * MINUTE) });
    checkEqual(await store.purgeExpired(at(60 * MINUTE)), 5, "rows deleted by purgeExpired (a spent token, two sessions with a token each)");
    checkEqual(await store.purgeExpired(at(60 * MINUTE)), 0, "rows deleted by a repeated purgeExpired");
    check(await store.findToken(successor.hash), "the live session's unexpired successor is kept");
    check(await store.findSession(live.session.id), "the live session is kept");
    for (const { session } of [revoked, ended]) checkEqual(await store.findSession(session.id), null, "an ended session");
    await checkDeleted(context, [live.token, revoked.token, ended.token]);
  },
  "deletes what ends exactly at the purge instant": async (context) => {
    const { store, seed, at } = context;
    const ending = await seed({ expiresAt: at(30 * MINUTE) }, { expiresAt: at(20 * MINUTE) });
    const live = await seed({}, { expiresAt: at(30 * MINUTE) });
    checkEqual(await store.purgeExpired(at(30 * MINUTE)), 3, "rows deleted (a session and a token ending at the purge instant, and its token)");
    checkEqual(await store.findSession(ending.session.id), null, "a session whose expiresAt is the purge instant");
    check(await store.findSession(live.session.id), "a live session whose token ends at the purge instant");
    await checkDeleted(context, [ending.token, live.token]);
  },
  "deletes a revoked session with every one of its tokens, long before they expire": async (context) => {
    const { store, seed, spend, at } = context;
    const { session, token } = await seed();
    const { successor } = await spend(session, token.hash, at(MINUTE));
    await store.revokeSession(session.id, at(2 * MINUTE));
    checkEqual(await store.purgeExpired(at(3 * MINUTE)), 3, "rows deleted (the revoked session and its two tokens)");
    checkEqual(await store.findSession(session.id), null, "the revoked session");
    await checkDeleted(context, [token, successor]);
  },
  "keeps spent tokens until their own expiry so reuse is still detected": async ({ store, seed, spend, at }) => {
    const { session, token } = await seed();
    await spend(session, token.hash, at(MINUTE));
    checkEqual(await store.purgeExpired(at(59 * MINUTE)), 0, "rows deleted while everything is live");
    checkEqual((await store.findToken(token.hash))?.token.spentAt, at(MINUTE), "a spent, unexpired token after purge");
  },
};
