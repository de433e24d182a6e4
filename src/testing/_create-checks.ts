/** Checks of `createSession` and `findToken`. Internal. */
import { check, checkEqual, checkRejects, DAY, MINUTE, type Check } from "./_fixtures.js";

/** A subject of 255 Unicode code points, some of them outside the Basic Multilingual Plane. */
const LONGEST_SUBJECT = `${"s".repeat(247)}-Zoë-\u{1F511}-ü`;

export const createSessionChecks: Record<string, Check> = {
  "stores the session and its first token, found by hash and by id": async ({ store, seed }) => {
    const { session, token } = await seed();
    checkEqual(await store.findToken(token.hash), { token, session }, "findToken after createSession");
    checkEqual(await store.findSession(session.id), session, "findSession after createSession");
  },
  "round-trips timestamps to the millisecond and JSON claims and metadata exactly": async ({ store, seed, at }) => {
    const createdAt = at(7);
    const { session, token } = await seed({ createdAt, lastUsedAt: createdAt, expiresAt: at(DAY + 999) });
    const found = await store.findToken(token.hash);
    check(found?.session.createdAt instanceof Date && found.token.expiresAt instanceof Date, "timestamps come back as Date objects");
    checkEqual(found?.session.createdAt.getTime(), createdAt.getTime(), "createdAt in milliseconds");
    checkEqual(found?.session.expiresAt.getTime(), at(DAY + 999).getTime(), "expiresAt in milliseconds");
    checkEqual(found?.session.claims, session.claims, "claims");
    checkEqual(found?.session.metadata, session.metadata, "metadata");
  },
  "keeps session ids of 64 characters and subjects of 255 exactly": async ({ store, seed, makeSession }) => {
    const id = `${"A-z_0".repeat(12)}${makeSession().id.slice(-4)}`;
    const { session, token } = await seed({ id, subject: LONGEST_SUBJECT });
    checkEqual(await store.findToken(token.hash), { token, session }, "a session with the longest id and subject");
    checkEqual((await store.listSessions(LONGEST_SUBJECT, session.createdAt)).map((listed) => listed.id), [id], "listSessions of the longest subject");
  },
  "is atomic: a duplicate token hash rejects and leaves no session behind": async ({ store, seed, makeSession }) => {
    const { token } = await seed();
    const intruder = makeSession();
    await checkRejects(store.createSession(intruder, { ...token, sessionId: intruder.id }), "createSession with a duplicate hash must reject");
    checkEqual(await store.findSession(intruder.id), null, "the session of a failed createSession");
  },
  "rejects a duplicate session id": async ({ store, seed, makeToken }) => {
    const { session } = await seed();
    await checkRejects(store.createSession(session, makeToken(session)), "createSession with a duplicate id must reject");
  },
  "round-trips the session's binding, including a null one": async ({ store, seed }) => {
    const bound = await seed({ issuer: "https://issuer.test/ä", audience: "api" });
    const unbound = await seed({ issuer: null, audience: null });
    checkEqual(await store.findSession(bound.session.id), bound.session, "a bound session");
    checkEqual((await store.findToken(unbound.token.hash))?.session, unbound.session, "an unbound session");
  },
  "returns no evicted ids without a limit": async ({ store, seed, makeSession, makeToken }) => {
    const subject = makeSession().subject;
    await seed({ subject });
    const session = makeSession({ subject });
    checkEqual(await store.createSession(session, makeToken(session)), [], "createSession's result without a limit");
  },
  "with maxActiveSessions, revokes the oldest active sessions of the same binding beyond it, atomically": async ({ store, seed, at, makeSession, makeToken }) => {
    const subject = makeSession().subject;
    const oldest = await seed({ subject, createdAt: at(0), lastUsedAt: at(0) });
    const unbound = await seed({ subject, createdAt: at(MINUTE), lastUsedAt: at(MINUTE), issuer: null, audience: null });
    const middle = await seed({ subject, createdAt: at(2 * MINUTE), lastUsedAt: at(2 * MINUTE) });
    const elsewhere = await seed({ subject, createdAt: at(-MINUTE), audience: "another-api" });
    const newest = makeSession({ subject, createdAt: at(3 * MINUTE), lastUsedAt: at(3 * MINUTE) });
    const evicted = await store.createSession(newest, makeToken(newest, { issuedAt: at(3 * MINUTE) }), { maxActiveSessions: 2 });
    checkEqual(evicted, [oldest.session.id, unbound.session.id], "the evicted session ids, oldest first");
    for (const { session } of [oldest, unbound]) checkEqual((await store.findSession(session.id))?.revokedAt, at(3 * MINUTE), "an evicted session's revokedAt");
    for (const { session } of [middle, elsewhere]) checkEqual((await store.findSession(session.id))?.revokedAt, null, "a kept session");
    check(await store.findSession(newest.id), "the new session exists");
  },
  "with maxActiveSessions, a failed creation evicts nothing": async ({ store, seed, at, makeSession }) => {
    const subject = makeSession().subject;
    const existing = await seed({ subject });
    const intruder = makeSession({ subject, createdAt: at(MINUTE) });
    await checkRejects(store.createSession(intruder, { ...existing.token, sessionId: intruder.id }, { maxActiveSessions: 1 }), "createSession with a duplicate hash must reject");
    checkEqual((await store.findSession(existing.session.id))?.revokedAt, null, "the session a failed login would have evicted");
    checkEqual(await store.findSession(intruder.id), null, "the session of a failed createSession");
  },
  "with maxActiveSessions, simultaneous logins never leave more than the limit active": async ({ store, concurrency, at, makeSession, makeToken }) => {
    const subject = makeSession().subject;
    const logins = Array.from({ length: Math.min(concurrency, 8) }, (_, index) => makeSession({ subject, createdAt: at(index), lastUsedAt: at(index) }));
    const outcomes = await Promise.allSettled(logins.map((session) => store.createSession(session, makeToken(session), { maxActiveSessions: 1 })));
    check(outcomes.some((outcome) => outcome.status === "fulfilled"), "at least one of the simultaneous logins succeeds");
    const active = await store.listSessions(subject, at(MINUTE));
    checkEqual(active.length, 1, "active sessions after simultaneous logins with a limit of 1");
  },
};

export const findTokenChecks: Record<string, Check> = {
  "returns null for an unknown hash": async ({ store }) => {
    checkEqual(await store.findToken("0".repeat(64)), null, "findToken of an unknown hash");
  },
  "matches the hash exactly, not case-insensitively": async ({ store, seed }) => {
    const { token } = await seed();
    checkEqual(await store.findToken(token.hash.toUpperCase()), null, "findToken of the upper-cased hash");
  },
  "returns spent tokens and tokens of revoked sessions alike": async ({ store, seed, spend, at }) => {
    const { session, token } = await seed();
    const { successor, sealedSuccessor } = await spend(session, token.hash, at(MINUTE));
    await store.revokeSession(session.id, at(2 * MINUTE));
    const revoked = { ...session, lastUsedAt: at(MINUTE), revokedAt: at(2 * MINUTE) };
    checkEqual(await store.findToken(token.hash), { token: { ...token, spentAt: at(MINUTE), successorHash: successor.hash, sealedSuccessor }, session: revoked }, "the spent token");
    checkEqual(await store.findToken(successor.hash), { token: successor, session: revoked }, "the unspent token of the revoked session");
  },
  "keeps a spent token whose successor is spent too, forgetting at most its seal": async ({ store, seed, spend, at }) => {
    const { session, token } = await seed();
    const first = await spend(session, token.hash, at(MINUTE));
    const second = await spend(session, first.successor.hash, at(2 * MINUTE));
    check(first.spent && second.spent, "two spends in a row succeed");
    const found = await store.findToken(token.hash);
    const sealedSuccessor = found?.token.sealedSuccessor === null ? null : first.sealedSuccessor;
    checkEqual(found?.token, { ...token, spentAt: at(MINUTE), successorHash: first.successor.hash, sealedSuccessor }, "the first token, spent with its successor");
    checkEqual((await store.findToken(first.successor.hash))?.token.sealedSuccessor, second.sealedSuccessor, "the seal of a spent token whose successor is unspent");
  },
  "returns null once the token's session is gone": async ({ store, seed, spend, at }) => {
    const { session, token } = await seed();
    const { successor } = await spend(session, token.hash, at(MINUTE));
    await store.revokeSession(session.id, at(2 * MINUTE));
    await store.purgeExpired(at(3 * MINUTE));
    checkEqual(await store.findSession(session.id), null, "the purged session");
    for (const hash of [token.hash, successor.hash]) checkEqual(await store.findToken(hash), null, "findToken of a token of the purged session");
  },
  "returns copies: mutating a result does not change the store": async ({ store, seed }) => {
    const { session, token } = await seed();
    const found = await store.findToken(token.hash);
    check(found, "token found");
    found.token.spentAt = new Date();
    found.session.revokedAt = new Date();
    (found.session.claims as { roles: string[] }).roles.push("root");
    checkEqual(await store.findToken(token.hash), { token, session }, "findToken after mutating a previous result");
  },
};
