/** The store contract, one check per promise made in `src/store.ts`. Internal. */
import type { RefreshTokenStore } from "../store.js";
import { check, checkEqual, checkRejects, DAY, makeSeal, makeSession, makeToken, MINUTE, T0 } from "./_fixtures.js";

/** Settings every check receives. */
export interface CheckSettings {
  concurrency: number;
}

type Check = (store: RefreshTokenStore, settings: CheckSettings) => Promise<void>;

const at = (offset: number): Date => new Date(T0 + offset);

/** Stores a session with one token and returns both. */
async function seed(store: RefreshTokenStore, sessionOverrides = {}, tokenOverrides = {}) {
  const session = makeSession(sessionOverrides);
  const token = makeToken(session, tokenOverrides);
  await store.createSession(session, token);
  return { session, token };
}

/** Spends `hash` at `when` with a fresh successor; returns the outcome and the successor. */
async function spend(store: RefreshTokenStore, session: ReturnType<typeof makeSession>, hash: string, when: Date) {
  const successor = makeToken(session, { issuedAt: when });
  const sealedSuccessor = makeSeal();
  const spent = await store.spendToken({ hash, at: when, successor, sealedSuccessor });
  return { spent, successor, sealedSuccessor };
}

export const contractChecks: Record<string, Record<string, Check>> = {
  createSession: {
    "stores the session and its first token, found by hash and by id": async (store) => {
      const { session, token } = await seed(store);
      checkEqual(await store.findToken(token.hash), { token, session }, "findToken after createSession");
      checkEqual(await store.findSession(session.id), session, "findSession after createSession");
    },
    "round-trips timestamps to the millisecond and JSON claims and metadata exactly": async (store) => {
      const createdAt = new Date(T0 + 7);
      const { session, token } = await seed(store, { createdAt, lastUsedAt: createdAt, expiresAt: new Date(T0 + DAY + 999) });
      const found = await store.findToken(token.hash);
      check(found?.session.createdAt instanceof Date && found.token.expiresAt instanceof Date, "timestamps come back as Date objects");
      checkEqual(found?.session.createdAt.getTime(), createdAt.getTime(), "createdAt in milliseconds");
      checkEqual(found?.session.expiresAt.getTime(), T0 + DAY + 999, "expiresAt in milliseconds");
      checkEqual(found?.session.claims, session.claims, "claims");
      checkEqual(found?.session.metadata, session.metadata, "metadata");
    },
    "is atomic: a duplicate token hash rejects and leaves no session behind": async (store) => {
      const { token } = await seed(store);
      const intruder = makeSession();
      await checkRejects(store.createSession(intruder, { ...token, sessionId: intruder.id }), "createSession with a duplicate hash must reject");
      checkEqual(await store.findSession(intruder.id), null, "the session of a failed createSession");
    },
    "rejects a duplicate session id": async (store) => {
      const { session } = await seed(store);
      await checkRejects(store.createSession(session, makeToken(session)), "createSession with a duplicate id must reject");
    },
    "round-trips the session's binding, including a null one": async (store) => {
      const bound = await seed(store, { issuer: "https://issuer.test/ä", audience: "api" });
      const unbound = await seed(store, { issuer: null, audience: null });
      checkEqual(await store.findSession(bound.session.id), bound.session, "a bound session");
      checkEqual((await store.findToken(unbound.token.hash))?.session, unbound.session, "an unbound session");
    },
    "returns no evicted ids without a limit": async (store) => {
      const subject = makeSession().subject;
      await seed(store, { subject });
      const session = makeSession({ subject });
      checkEqual(await store.createSession(session, makeToken(session)), [], "createSession's result without a limit");
    },
    "with maxActiveSessions, revokes the oldest active sessions of the same binding beyond it, atomically": async (store) => {
      const subject = makeSession().subject;
      const oldest = await seed(store, { subject, createdAt: at(0), lastUsedAt: at(0) });
      const unbound = await seed(store, { subject, createdAt: at(MINUTE), lastUsedAt: at(MINUTE), issuer: null, audience: null });
      const middle = await seed(store, { subject, createdAt: at(2 * MINUTE), lastUsedAt: at(2 * MINUTE) });
      const elsewhere = await seed(store, { subject, createdAt: at(-MINUTE), audience: "another-api" });
      const newest = makeSession({ subject, createdAt: at(3 * MINUTE), lastUsedAt: at(3 * MINUTE) });
      const evicted = await store.createSession(newest, makeToken(newest, { issuedAt: at(3 * MINUTE) }), { maxActiveSessions: 2 });
      checkEqual(evicted, [oldest.session.id, unbound.session.id], "the evicted session ids, oldest first");
      for (const { session } of [oldest, unbound]) checkEqual((await store.findSession(session.id))?.revokedAt, at(3 * MINUTE), "an evicted session's revokedAt");
      for (const { session } of [middle, elsewhere]) checkEqual((await store.findSession(session.id))?.revokedAt, null, "a kept session");
      check(await store.findSession(newest.id), "the new session exists");
    },
    "with maxActiveSessions, a failed creation evicts nothing": async (store) => {
      const subject = makeSession().subject;
      const existing = await seed(store, { subject });
      const intruder = makeSession({ subject, createdAt: at(MINUTE) });
      await checkRejects(store.createSession(intruder, { ...existing.token, sessionId: intruder.id }, { maxActiveSessions: 1 }), "createSession with a duplicate hash must reject");
      checkEqual((await store.findSession(existing.session.id))?.revokedAt, null, "the session a failed login would have evicted");
      checkEqual(await store.findSession(intruder.id), null, "the session of a failed createSession");
    },
    "with maxActiveSessions, simultaneous logins never leave more than the limit active": async (store, { concurrency }) => {
      const subject = makeSession().subject;
      const logins = Array.from({ length: Math.min(concurrency, 8) }, (_, index) => makeSession({ subject, createdAt: at(index), lastUsedAt: at(index) }));
      const outcomes = await Promise.allSettled(logins.map((session) => store.createSession(session, makeToken(session), { maxActiveSessions: 1 })));
      check(outcomes.some((outcome) => outcome.status === "fulfilled"), "at least one of the simultaneous logins succeeds");
      const active = await store.listSessions(subject, at(MINUTE));
      checkEqual(active.length, 1, "active sessions after simultaneous logins with a limit of 1");
    },
  },

  findToken: {
    "returns null for an unknown hash": async (store) => {
      checkEqual(await store.findToken("0".repeat(64)), null, "findToken of an unknown hash");
    },
    "matches the hash exactly, not case-insensitively": async (store) => {
      const { token } = await seed(store);
      checkEqual(await store.findToken(token.hash.toUpperCase()), null, "findToken of the upper-cased hash");
    },
    "returns copies: mutating a result does not change the store": async (store) => {
      const { session, token } = await seed(store);
      const found = await store.findToken(token.hash);
      check(found, "token found");
      found.token.spentAt = new Date();
      found.session.revokedAt = new Date();
      (found.session.claims as { roles: string[] }).roles.push("root");
      checkEqual(await store.findToken(token.hash), { token, session }, "findToken after mutating a previous result");
    },
  },

  spendToken: {
    "spends an unspent token and stores its successor in one step": async (store) => {
      const { session, token } = await seed(store);
      const when = at(5 * MINUTE);
      const { spent, successor, sealedSuccessor } = await spend(store, session, token.hash, when);
      check(spent, "spendToken of a usable token returns true");
      const old = await store.findToken(token.hash);
      checkEqual(old?.token, { ...token, spentAt: when, successorHash: successor.hash, sealedSuccessor }, "the spent token");
      checkEqual(old?.session.lastUsedAt.getTime(), when.getTime(), "session lastUsedAt after a spend");
      checkEqual((await store.findToken(successor.hash))?.token, successor, "the successor");
    },
    "refuses a token already spent, storing no second successor": async (store) => {
      const { session, token } = await seed(store);
      const first = await spend(store, session, token.hash, at(MINUTE));
      const second = await spend(store, session, token.hash, at(2 * MINUTE));
      check(first.spent && !second.spent, "only the first spend succeeds");
      checkEqual(await store.findToken(second.successor.hash), null, "the refused successor");
      checkEqual((await store.findToken(token.hash))?.token.successorHash, first.successor.hash, "successorHash keeps the first");
    },
    "refuses a token at or after its expiresAt": async (store) => {
      const { session, token } = await seed(store);
      const outcome = await spend(store, session, token.hash, token.expiresAt);
      check(!outcome.spent, "spendToken at expiresAt returns false");
      checkEqual((await store.findToken(token.hash))?.token.spentAt, null, "an expired token stays unspent");
      checkEqual(await store.findToken(outcome.successor.hash), null, "no successor for an expired token");
    },
    "refuses a token of a revoked session": async (store) => {
      const { session, token } = await seed(store);
      await store.revokeSession(session.id, at(MINUTE));
      const outcome = await spend(store, session, token.hash, at(2 * MINUTE));
      check(!outcome.spent, "spendToken in a revoked session returns false");
      checkEqual(await store.findToken(outcome.successor.hash), null, "no successor in a revoked session");
    },
    "refuses a token of a session past its expiresAt": async (store) => {
      const { session, token } = await seed(store, { expiresAt: at(30 * MINUTE) });
      const outcome = await spend(store, session, token.hash, at(30 * MINUTE));
      check(!outcome.spent, "spendToken at the session's expiresAt returns false");
      checkEqual(await store.findToken(outcome.successor.hash), null, "no successor in an ended session");
    },
    "refuses an unknown hash without storing the successor": async (store) => {
      const session = makeSession();
      const outcome = await spend(store, session, "f".repeat(64), at(MINUTE));
      check(!outcome.spent, "spendToken of an unknown hash returns false");
      checkEqual(await store.findToken(outcome.successor.hash), null, "no successor for an unknown hash");
    },
    "is idempotent: repeating the winning request answers true again and changes nothing": async (store) => {
      const { session, token } = await seed(store);
      const successor = makeToken(session, { issuedAt: at(MINUTE) });
      const request = { hash: token.hash, at: at(MINUTE), successor, sealedSuccessor: makeSeal() };
      check(await store.spendToken(request), "the first spend succeeds");
      const after = await store.findToken(token.hash);
      check(await store.spendToken({ ...request, at: at(2 * MINUTE) }), "the same request, retried, answers true");
      checkEqual(await store.findToken(token.hash), after, "the spent token after the retry");
      checkEqual((await store.findToken(successor.hash))?.token, successor, "the successor after the retry");
      const rival = await spend(store, session, token.hash, at(2 * MINUTE));
      check(!rival.spent, "a spend with another successor still fails");
    },
    "lets exactly one of many simultaneous spends win, and stores exactly its successor": async (store, { concurrency }) => {
      const { session, token } = await seed(store);
      const when = at(MINUTE);
      const racers = Array.from({ length: concurrency }, () => ({ successor: makeToken(session, { issuedAt: when }), seal: makeSeal() }));
      const outcomes = await Promise.all(
        racers.map(({ successor, seal }) => store.spendToken({ hash: token.hash, at: when, successor, sealedSuccessor: seal })),
      );
      checkEqual(outcomes.filter(Boolean).length, 1, "number of winning spends");
      const winner = racers[outcomes.indexOf(true)];
      const stored = await Promise.all(racers.map(({ successor }) => store.findToken(successor.hash)));
      checkEqual(stored.filter(Boolean).length, 1, "number of stored successors");
      checkEqual((await store.findToken(token.hash))?.token.successorHash, winner?.successor.hash, "successorHash names the winner");
      checkEqual((await store.findToken(token.hash))?.token.sealedSuccessor, winner?.seal, "sealedSuccessor is the winner's");
    },
  },

  touchSession: {
    "sets lastUsedAt and nothing else": async (store) => {
      const { session } = await seed(store);
      await store.touchSession(session.id, at(3 * MINUTE));
      checkEqual(await store.findSession(session.id), { ...session, lastUsedAt: at(3 * MINUTE) }, "session after touchSession");
      await store.touchSession("unknown-session", at(3 * MINUTE));
    },
  },

  revokeSession: {
    "revokes once, is idempotent, and answers false for an unknown id": async (store) => {
      const { session } = await seed(store);
      check(await store.revokeSession(session.id, at(MINUTE)), "first revokeSession returns true");
      check(!(await store.revokeSession(session.id, at(2 * MINUTE))), "second revokeSession returns false");
      check(!(await store.revokeSession("unknown-session", at(MINUTE))), "revokeSession of an unknown id returns false");
      checkEqual((await store.findSession(session.id))?.revokedAt, at(MINUTE), "revokedAt keeps the first revocation");
    },
    "makes every token of the session unspendable, spent or not": async (store) => {
      const { session, token } = await seed(store);
      const { successor } = await spend(store, session, token.hash, at(MINUTE));
      await store.revokeSession(session.id, at(2 * MINUTE));
      check(!(await spend(store, session, successor.hash, at(3 * MINUTE))).spent, "the successor cannot be spent after revocation");
      checkEqual((await store.findToken(successor.hash))?.session.revokedAt, at(2 * MINUTE), "findToken shows the revocation");
    },
  },

  revokeSubject: {
    "revokes every active session of the subject only, and counts them": async (store) => {
      const subject = makeSession().subject;
      const a = await seed(store, { subject });
      const b = await seed(store, { subject });
      const already = await seed(store, { subject });
      await store.revokeSession(already.session.id, at(MINUTE));
      const bystander = await seed(store);
      checkEqual(await store.revokeSubject(subject, at(2 * MINUTE)), 2, "sessions revoked by revokeSubject");
      checkEqual(await store.revokeSubject(subject, at(3 * MINUTE)), 0, "a second revokeSubject");
      for (const { session } of [a, b]) checkEqual((await store.findSession(session.id))?.revokedAt, at(2 * MINUTE), "revokedAt");
      checkEqual((await store.findSession(bystander.session.id))?.revokedAt, null, "another subject's session");
    },
    "with a binding, revokes only the sessions of that binding and unbound ones": async (store) => {
      const subject = makeSession().subject;
      const mine = await seed(store, { subject });
      const unbound = await seed(store, { subject, issuer: null, audience: null });
      const otherAudience = await seed(store, { subject, audience: "another-api" });
      const otherIssuer = await seed(store, { subject, issuer: "https://elsewhere.test" });
      const binding = { issuer: mine.session.issuer, audience: mine.session.audience };
      checkEqual(await store.revokeSubject(subject, at(MINUTE), binding), 2, "sessions revoked by revokeSubject with a binding");
      for (const { session } of [mine, unbound]) checkEqual((await store.findSession(session.id))?.revokedAt, at(MINUTE), "a revoked session");
      for (const { session } of [otherAudience, otherIssuer]) checkEqual((await store.findSession(session.id))?.revokedAt, null, "another binding's session");
    },
  },

  listSessions: {
    "lists the subject's active sessions, oldest first, ties broken by id": async (store) => {
      const subject = makeSession().subject;
      const later = await seed(store, { subject, createdAt: at(2 * MINUTE), lastUsedAt: at(2 * MINUTE) });
      const tieA = await seed(store, { subject, id: "tie-a" + later.session.id });
      const tieB = await seed(store, { subject, id: "tie-b" + later.session.id });
      const revoked = await seed(store, { subject });
      await store.revokeSession(revoked.session.id, at(MINUTE));
      await seed(store, { subject, expiresAt: at(3 * MINUTE) });
      await seed(store);
      const listed = await store.listSessions(subject, at(3 * MINUTE));
      checkEqual(listed.map((session) => session.id), [tieA.session.id, tieB.session.id, later.session.id], "listed session ids");
      checkEqual(listed[2], later.session, "a listed session");
      checkEqual(await store.listSessions("nobody", at(0)), [], "sessions of an unknown subject");
    },
  },

  purgeExpired: {
    "deletes expired tokens and ended sessions, keeping what can still be used": async (store) => {
      const live = await seed(store);
      const { successor } = await spend(store, live.session, live.token.hash, at(50 * MINUTE));
      const revoked = await seed(store);
      await store.revokeSession(revoked.session.id, at(MINUTE));
      const ended = await seed(store, { expiresAt: at(30 * MINUTE) });
      const deleted = await store.purgeExpired(at(60 * MINUTE));
      check(deleted >= 5, `purgeExpired counts what it deleted (at least 5 here), got ${deleted}`);
      checkEqual(await store.findToken(live.token.hash), null, "the live session's expired spent token");
      check(await store.findToken(successor.hash), "the live session's unexpired successor is kept");
      check(await store.findSession(live.session.id), "the live session is kept");
      for (const { session, token } of [revoked, ended]) {
        checkEqual(await store.findSession(session.id), null, "an ended session");
        checkEqual(await store.findToken(token.hash), null, "a token of an ended session");
      }
    },
    "keeps spent tokens until their own expiry so reuse is still detected": async (store) => {
      const { session, token } = await seed(store);
      await spend(store, session, token.hash, at(MINUTE));
      await store.purgeExpired(at(59 * MINUTE));
      checkEqual((await store.findToken(token.hash))?.token.spentAt, at(MINUTE), "a spent, unexpired token after purge");
    },
  },
};
