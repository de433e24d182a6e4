/** Checks of `touchSession`, `revokeSession`, `revokeSubject` and `listSessions`. Internal. */
import { check, checkEqual, MINUTE, uniqueId, type Check } from "./_fixtures.js";

export const touchSessionChecks: Record<string, Check> = {
  "sets lastUsedAt and nothing else": async ({ store, seed, at }) => {
    const { session } = await seed();
    await store.touchSession(session.id, at(3 * MINUTE));
    checkEqual(await store.findSession(session.id), { ...session, lastUsedAt: at(3 * MINUTE) }, "session after touchSession");
  },
  "sets lastUsedAt whatever the session's state: earlier than before, revoked, expired": async ({ store, seed, at }) => {
    const { session } = await seed({ expiresAt: at(30 * MINUTE) });
    await store.touchSession(session.id, at(5 * MINUTE));
    await store.touchSession(session.id, at(2 * MINUTE));
    checkEqual((await store.findSession(session.id))?.lastUsedAt, at(2 * MINUTE), "lastUsedAt after a touch earlier than the last one");
    await store.revokeSession(session.id, at(3 * MINUTE));
    await store.touchSession(session.id, at(4 * MINUTE));
    checkEqual((await store.findSession(session.id))?.lastUsedAt, at(4 * MINUTE), "lastUsedAt after touching a revoked session");
    await store.touchSession(session.id, at(40 * MINUTE));
    const touched = await store.findSession(session.id);
    checkEqual(touched, { ...session, lastUsedAt: at(40 * MINUTE), revokedAt: at(3 * MINUTE) }, "an expired session after touchSession");
  },
  "does nothing for an unknown id: the id stays unknown": async ({ store, at, makeSession, makeToken }) => {
    const session = makeSession();
    await store.touchSession(session.id, at(MINUTE));
    checkEqual(await store.findSession(session.id), null, "findSession of an id only touched");
    check(!(await store.revokeSession(session.id, at(MINUTE))), "revokeSession of an id only touched returns false");
    const token = makeToken(session);
    await store.createSession(session, token);
    checkEqual(await store.findToken(token.hash), { token, session }, "a session created later with that id");
  },
};

export const revokeSessionChecks: Record<string, Check> = {
  "revokes once, is idempotent, and answers false for an unknown id": async ({ store, seed, at }) => {
    const { session } = await seed();
    check(await store.revokeSession(session.id, at(MINUTE)), "first revokeSession returns true");
    check(!(await store.revokeSession(session.id, at(2 * MINUTE))), "second revokeSession returns false");
    check(!(await store.revokeSession(uniqueId("unknown"), at(MINUTE))), "revokeSession of an unknown id returns false");
    checkEqual((await store.findSession(session.id))?.revokedAt, at(MINUTE), "revokedAt keeps the first revocation");
  },
  "revokes a session past its expiresAt that is not revoked yet, and answers true": async ({ store, seed, at }) => {
    const { session } = await seed({ expiresAt: at(30 * MINUTE) });
    check(await store.revokeSession(session.id, at(40 * MINUTE)), "revokeSession of an expired, unrevoked session returns true");
    checkEqual(await store.findSession(session.id), { ...session, revokedAt: at(40 * MINUTE) }, "the expired session after revokeSession");
  },
  "makes every token of the session unspendable, spent or not": async ({ store, seed, spend, at }) => {
    const { session, token } = await seed();
    const { successor } = await spend(session, token.hash, at(MINUTE));
    await store.revokeSession(session.id, at(2 * MINUTE));
    check(!(await spend(session, successor.hash, at(3 * MINUTE))).spent, "the successor cannot be spent after revocation");
    checkEqual((await store.findToken(successor.hash))?.session.revokedAt, at(2 * MINUTE), "findToken shows the revocation");
  },
};

export const revokeSubjectChecks: Record<string, Check> = {
  "revokes every session of the subject not revoked yet, expired ones too, and counts them": async ({ store, seed, makeSession, at }) => {
    const subject = makeSession().subject;
    const a = await seed({ subject });
    const expired = await seed({ subject, expiresAt: at(30 * MINUTE) });
    const already = await seed({ subject });
    await store.revokeSession(already.session.id, at(MINUTE));
    checkEqual(await store.revokeSubject(subject, at(40 * MINUTE)), 2, "sessions revoked by revokeSubject");
    checkEqual(await store.revokeSubject(subject, at(41 * MINUTE)), 0, "a second revokeSubject");
    for (const { session } of [a, expired]) checkEqual((await store.findSession(session.id))?.revokedAt, at(40 * MINUTE), "revokedAt");
    checkEqual((await store.findSession(already.session.id))?.revokedAt, at(MINUTE), "an earlier revocation is kept");
  },
  "matches the subject exactly: other subjects, however alike, keep their sessions": async ({ store, seed, makeSession, at }) => {
    const subject = makeSession().subject;
    await seed({ subject });
    const alike = [subject.toUpperCase(), subject.toLowerCase(), `${subject}-2`, subject.slice(0, -1), ` ${subject}`, makeSession().subject];
    const bystanders = await Promise.all(alike.filter((other) => other !== subject).map((other) => seed({ subject: other })));
    checkEqual(await store.revokeSubject(subject, at(MINUTE)), 1, "sessions revoked by revokeSubject");
    for (const { session } of bystanders) checkEqual((await store.findSession(session.id))?.revokedAt, null, `the session of subject ${JSON.stringify(session.subject)}`);
  },
  "with a binding, revokes only the sessions of that binding and unbound ones": async ({ store, seed, makeSession, at }) => {
    const subject = makeSession().subject;
    const mine = await seed({ subject });
    const unbound = await seed({ subject, issuer: null, audience: null });
    const otherAudience = await seed({ subject, audience: "another-api" });
    const otherIssuer = await seed({ subject, issuer: "https://elsewhere.test" });
    const binding = { issuer: mine.session.issuer, audience: mine.session.audience };
    checkEqual(await store.revokeSubject(subject, at(MINUTE), binding), 2, "sessions revoked by revokeSubject with a binding");
    for (const { session } of [mine, unbound]) checkEqual((await store.findSession(session.id))?.revokedAt, at(MINUTE), "a revoked session");
    for (const { session } of [otherAudience, otherIssuer]) checkEqual((await store.findSession(session.id))?.revokedAt, null, "another binding's session");
  },
};

export const listSessionsChecks: Record<string, Check> = {
  "lists the subject's active sessions, oldest first, ties broken by id byte by byte": async ({ store, seed, makeSession, at }) => {
    const subject = makeSession().subject;
    const later = await seed({ subject, createdAt: at(2 * MINUTE), lastUsedAt: at(2 * MINUTE) });
    // In byte order "-" < "Z" < "_" < "a"; a locale's collation orders them otherwise.
    const suffix = later.session.id;
    const ties = await Promise.all(["tie-a", "tie_Z", "tie-_", "tie-Z"].map((prefix) => seed({ subject, id: `${prefix}${suffix}` })));
    const revoked = await seed({ subject });
    await store.revokeSession(revoked.session.id, at(MINUTE));
    await seed({ subject, expiresAt: at(10 * MINUTE) });
    await seed();
    const listed = await store.listSessions(subject, at(10 * MINUTE));
    const tieIds = ties.map(({ session }) => session.id).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    checkEqual(listed.map((session) => session.id), [...tieIds, later.session.id], "listed session ids");
    checkEqual(listed[4], later.session, "a listed session");
    checkEqual(await store.listSessions(uniqueId("nobody"), at(0)), [], "sessions of an unknown subject");
  },
  "matches the subject exactly": async ({ store, seed, makeSession, at }) => {
    const subject = makeSession().subject;
    const { session } = await seed({ subject });
    for (const other of [subject.toUpperCase(), `${subject}-2`, subject.slice(0, -1)]) await seed({ subject: other });
    checkEqual((await store.listSessions(subject, at(MINUTE))).map((listed) => listed.id), [session.id], "sessions listed for the subject");
  },
};
