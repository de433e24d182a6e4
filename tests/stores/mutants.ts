/**
 * Deliberately broken stores, one broken promise each: the conformance kit must catch every
 * one. Each is {@link MemoryRefreshTokenStore} with one or two methods replaced, written the
 * way a real adapter gets it wrong (a missing condition, a read before the write, `<` for `<=`,
 * a locale's collation, the server's clock).
 */
import type { JsonObject, RefreshTokenLookup, SessionRecord } from "tokenwise";
import {
  evictThenCreate,
  oldestBeyond,
  randomHash,
  revocationsBeside,
  roundTrip,
  sessionsOf,
  tokensLeftBehind,
  usable,
  type Genuine,
  type Mutant,
} from "./mutant-base.js";

const byCreation = (a: SessionRecord, b: SessionRecord) => a.createdAt.getTime() - b.createdAt.getTime();
const shifted = (date: Date, milliseconds: number) => new Date(date.getTime() + milliseconds);
const toSecond = (date: Date) => new Date(date.getTime() - (date.getTime() % 1000));

/** The subject's sessions that `keep` picks, oldest first: a listing that tests its own condition. */
async function listing(genuine: Genuine, subject: string, keep: (session: SessionRecord) => boolean): Promise<SessionRecord[]> {
  return (await sessionsOf(genuine, subject, undefined)).filter(keep).sort((a, b) => byCreation(a, b) || (a.id < b.id ? -1 : 1));
}

/** Revokes each of `sessions` not revoked yet, one by one; returns how many. */
async function revokeEach(genuine: Genuine, sessions: SessionRecord[], at: Date): Promise<number> {
  let count = 0;
  for (const session of sessions) if (await genuine.real.revokeSession(session.id, at)) count++;
  return count;
}

/** A spend that never finds a token or session ended: past `end`, it spends as of just before it. */
function ignoringEnd(end: (found: RefreshTokenLookup) => Date): Mutant["mutate"] {
  return (genuine) => ({
    async spendToken(request) {
      const found = await genuine.real.findToken(request.hash);
      const last = found && end(found);
      return genuine.spendToken(last && last <= request.at ? { ...request, at: shifted(last, -1) } : request);
    },
  });
}

const createSessionMutants: Mutant[] = [
  {
    name: "stores the session before it finds the token hash taken (not atomic)",
    breaks: "createSession",
    mutate: (genuine) => ({
      async createSession(session, token, options) {
        if (await genuine.real.findToken(token.hash)) {
          await genuine.real.createSession(session, { ...token, hash: randomHash() });
          throw new Error("duplicate key: refresh token hash");
        }
        return genuine.createSession(session, token, options);
      },
    }),
  },
  {
    name: "ignores a duplicate session id (INSERT … ON CONFLICT DO NOTHING)",
    breaks: "createSession",
    mutate: (genuine) => ({ createSession: async (session, ...rest) => ((await genuine.real.findSession(session.id)) ? [] : genuine.createSession(session, ...rest)) }),
  },
  { name: "ignores maxActiveSessions", breaks: "createSession", mutate: (genuine) => ({ createSession: (session, token) => genuine.createSession(session, token) }) },
  {
    name: "evicts in a step of its own before creating (simultaneous logins exceed the limit)",
    breaks: "createSession",
    mutate: (genuine) => evictThenCreate(genuine, (active, limit, newest) => oldestBeyond(active.filter((other) => other.issuer === null || (other.issuer === newest.issuer && other.audience === newest.audience)), limit)),
  },
  { name: "evicts sessions of every binding", breaks: "createSession", mutate: (genuine) => evictThenCreate(genuine, oldestBeyond) },
  { name: "evicts the newest sessions instead of the oldest", breaks: "createSession", mutate: (genuine) => evictThenCreate(genuine, (active, limit) => oldestBeyond([...active].reverse(), limit)) },
  { name: "revokes evicted sessions at the server's clock", breaks: "createSession", mutate: (genuine) => evictThenCreate(genuine, oldestBeyond, () => new Date()) },
  {
    name: "keeps one session more than the limit",
    breaks: "createSession",
    mutate: (genuine) => ({ createSession: (session, token, options) => genuine.createSession(session, token, options && { maxActiveSessions: (options.maxActiveSessions ?? 0) + 1 }) }),
  },
  { name: "reports no evicted ids", breaks: "createSession", mutate: (genuine) => ({ createSession: async (...args) => (await genuine.createSession(...args), []) }) },
  {
    name: "keeps createdAt to the second (a DATETIME column)",
    breaks: "createSession",
    mutate: (genuine) => ({ createSession: (session, ...rest) => genuine.createSession({ ...session, createdAt: toSecond(session.createdAt), lastUsedAt: toSecond(session.lastUsedAt) }, ...rest) }),
  },
];

const findTokenMutants: Mutant[] = [
  { name: "matches hashes case-insensitively", breaks: "findToken", mutate: (genuine) => ({ findToken: (hash) => genuine.real.findToken(hash.toLowerCase()) }) },
  {
    name: "hands out one shared claims object per session (no copies)",
    breaks: "findToken",
    mutate: (genuine) => {
      const shared = new Map<string, JsonObject>();
      return {
        async findToken(hash) {
          const found = await genuine.real.findToken(hash);
          if (found && !shared.has(found.session.id)) shared.set(found.session.id, found.session.claims);
          return found && { token: found.token, session: { ...found.session, claims: shared.get(found.session.id) as JsonObject } };
        },
      };
    },
  },
  {
    name: "forgets the successor hash of a spent token once its successor is spent",
    breaks: "findToken",
    mutate: (genuine) => ({
      async findToken(hash) {
        const found = await genuine.real.findToken(hash);
        const successor = found?.token.successorHash ? await genuine.real.findToken(found.token.successorHash) : null;
        return found && successor?.token.spentAt ? { ...found, token: { ...found.token, successorHash: null } } : found;
      },
    }),
  },
  { name: "hides spent tokens", breaks: "findToken", mutate: (genuine) => ({ findToken: async (hash) => ((await genuine.real.findToken(hash))?.token.spentAt ? null : genuine.real.findToken(hash)) }) },
  {
    name: "answers a token whose session was purged, without its session",
    breaks: "findToken",
    mutate: (genuine) => tokensLeftBehind(genuine, (found, at) => found.token.expiresAt > at, (token) => ({ token, session: null as unknown as SessionRecord })),
  },
];

const spendTokenMutants: Mutant[] = [
  {
    name: "overwrites a token that has the successor's hash",
    breaks: "spendToken",
    mutate: (genuine) => {
      const overwritten = new Map<string, string>();
      return {
        async spendToken(request) {
          if (!(await genuine.real.findToken(request.successor.hash))) return genuine.spendToken(request);
          // The real store refuses a taken hash: store the successor under a stand-in and answer for it.
          const spent = await genuine.real.spendToken({ ...request, successor: { ...request.successor, hash: randomHash() } });
          if (spent) overwritten.set(request.hash, request.successor.hash);
          return spent;
        },
        async findToken(hash) {
          const found = await genuine.real.findToken(hash);
          const successorHash = overwritten.get(hash);
          return found && successorHash ? { ...found, token: { ...found.token, successorHash } } : found;
        },
      };
    },
  },
  {
    name: "stores a successor of another session under the spent token's session",
    breaks: "spendToken",
    mutate: (genuine) => ({
      async spendToken(request) {
        const found = await genuine.real.findToken(request.hash);
        return genuine.spendToken(found ? { ...request, successor: { ...request.successor, sessionId: found.session.id } } : request);
      },
    }),
  },
  { name: "ignores the token's expiry", breaks: "spendToken", mutate: ignoringEnd((found) => found.token.expiresAt) },
  { name: "ignores the session's expiry", breaks: "spendToken", mutate: ignoringEnd((found) => found.session.expiresAt) },
  { name: "ignores revocation", breaks: "spendToken", mutate: (genuine) => revocationsBeside(genuine, false) },
  { name: "checks revocation before the write, not at it (check-then-write)", breaks: "spendToken", mutate: (genuine) => revocationsBeside(genuine, true) },
  {
    name: "checks the token is unspent before the write, then writes whatever happened meanwhile",
    breaks: "spendToken",
    mutate: (genuine) => ({
      async spendToken(request) {
        if (!usable(await genuine.real.findToken(request.hash), request.at)) return false;
        await roundTrip();
        await genuine.spendToken(request);
        return true;
      },
    }),
  },
  { name: "is not idempotent: a retry of the winning call answers false", breaks: "spendToken", mutate: (genuine) => ({ spendToken: async (request) => ((await genuine.real.findToken(request.hash))?.token.spentAt ? false : genuine.spendToken(request)) }) },
  { name: "answers true for any spent token, whatever the successor", breaks: "spendToken", mutate: (genuine) => ({ spendToken: async (request) => ((await genuine.real.findToken(request.hash))?.token.spentAt ? true : genuine.spendToken(request)) }) },
  {
    name: "leaves the session's lastUsedAt as it was",
    breaks: "spendToken",
    mutate: (genuine) => ({
      async spendToken(request) {
        const before = await genuine.real.findToken(request.hash);
        const spent = await genuine.spendToken(request);
        if (spent && before) await genuine.real.touchSession(before.session.id, before.session.lastUsedAt);
        return spent;
      },
    }),
  },
  {
    name: "forgets the seal while the successor is still unspent",
    breaks: "spendToken",
    mutate: (genuine) => ({ findToken: async (hash) => { const found = await genuine.real.findToken(hash); return found && { ...found, token: { ...found.token, sealedSuccessor: null } }; } }),
  },
  { name: "drops the sealed successor", breaks: "spendToken", mutate: (genuine) => ({ spendToken: (request) => genuine.spendToken({ ...request, sealedSuccessor: "" }) }) },
];

const touchSessionMutants: Mutant[] = [
  {
    name: "creates a partial record for an unknown id (an upsert)",
    breaks: "touchSession",
    mutate: (genuine) => {
      const partial = new Map<string, SessionRecord>();
      return {
        async touchSession(sessionId, at) {
          if (await genuine.real.findSession(sessionId)) return genuine.real.touchSession(sessionId, at);
          partial.set(sessionId, { id: sessionId, subject: "", claims: {}, metadata: {}, createdAt: at, lastUsedAt: at, expiresAt: at, revokedAt: null, issuer: null, audience: null });
        },
        findSession: async (sessionId) => (await genuine.real.findSession(sessionId)) ?? partial.get(sessionId) ?? null,
      };
    },
  },
  {
    name: "skips revoked sessions",
    breaks: "touchSession",
    mutate: (genuine) => ({
      async touchSession(sessionId, at) {
        if (!(await genuine.real.findSession(sessionId))?.revokedAt) await genuine.real.touchSession(sessionId, at);
      },
    }),
  },
  {
    name: "never moves lastUsedAt backwards",
    breaks: "touchSession",
    mutate: (genuine) => ({
      async touchSession(sessionId, at) {
        const session = await genuine.real.findSession(sessionId);
        if (session && session.lastUsedAt < at) await genuine.real.touchSession(sessionId, at);
      },
    }),
  },
  { name: "stamps the server's clock", breaks: "touchSession", mutate: (genuine) => ({ touchSession: (sessionId) => genuine.real.touchSession(sessionId, new Date()) }) },
];

const revocationMutants: Mutant[] = [
  {
    name: "answers false for an expired session and leaves it unrevoked",
    breaks: "revokeSession",
    mutate: (genuine) => ({
      async revokeSession(sessionId, at) {
        const session = await genuine.real.findSession(sessionId);
        return session !== null && session.expiresAt > at && genuine.real.revokeSession(sessionId, at);
      },
    }),
  },
  { name: "answers true again for a revoked session", breaks: "revokeSession", mutate: (genuine) => ({ revokeSession: async (sessionId, at) => (await genuine.real.revokeSession(sessionId, at)) || (await genuine.real.findSession(sessionId)) !== null }) },
  { name: "stamps the server's clock", breaks: "revokeSession", mutate: (genuine) => ({ revokeSession: (sessionId) => genuine.real.revokeSession(sessionId, new Date()) }) },
  {
    name: "skips expired sessions",
    breaks: "revokeSubject",
    mutate: (genuine) => ({ revokeSubject: async (subject, at, binding) => revokeEach(genuine, (await sessionsOf(genuine, subject, binding)).filter((session) => session.expiresAt > at), at) }),
  },
  {
    name: "matches subjects case-insensitively (a _ci collation)",
    breaks: "revokeSubject",
    mutate: (genuine) => ({ revokeSubject: async (subject, at, binding) => revokeEach(genuine, await sessionsOf(genuine, subject, binding, (a, b) => a.toLowerCase() === b.toLowerCase()), at) }),
  },
  { name: "ignores the binding", breaks: "revokeSubject", mutate: (genuine) => ({ revokeSubject: (subject, at) => genuine.real.revokeSubject(subject, at) }) },
  { name: "counts sessions revoked before", breaks: "revokeSubject", mutate: (genuine) => ({ revokeSubject: async (subject, at, binding) => (await genuine.real.revokeSubject(subject, at, binding), (await sessionsOf(genuine, subject, binding)).length) }) },
];

const listSessionsMutants: Mutant[] = [
  { name: "breaks createdAt ties in a locale's order", breaks: "listSessions", mutate: (genuine) => ({ listSessions: async (...args) => (await genuine.real.listSessions(...args)).sort((a, b) => byCreation(a, b) || a.id.localeCompare(b.id)) }) },
  { name: "lists the newest first", breaks: "listSessions", mutate: (genuine) => ({ listSessions: async (...args) => (await genuine.real.listSessions(...args)).reverse() }) },
  { name: "lists revoked sessions too", breaks: "listSessions", mutate: (genuine) => ({ listSessions: (subject, at) => listing(genuine, subject, (session) => session.expiresAt > at) }) },
  { name: "lists a session ending exactly at the instant", breaks: "listSessions", mutate: (genuine) => ({ listSessions: (subject, at) => genuine.real.listSessions(subject, shifted(at, -1)) }) },
];

const purgeExpiredMutants: Mutant[] = [
  { name: "keeps what ends exactly at the purge instant (< for <=)", breaks: "purgeExpired", mutate: (genuine) => ({ purgeExpired: (at) => genuine.real.purgeExpired(shifted(at, -1)) }) },
  {
    name: "deletes revoked sessions but leaves their tokens behind",
    breaks: "purgeExpired",
    mutate: (genuine) => tokensLeftBehind(genuine, (found, at) => found.token.expiresAt > at && found.session.expiresAt > at, () => null),
  },
  {
    name: "deletes spent tokens of live sessions (reuse goes undetected)",
    breaks: "purgeExpired",
    mutate: (genuine) => {
      const deleted = new Set<string>();
      return {
        async purgeExpired(at) {
          let count = await genuine.real.purgeExpired(at);
          for (const hash of genuine.hashes) {
            if (deleted.has(hash) || !(await genuine.real.findToken(hash))?.token.spentAt) continue;
            deleted.add(hash);
            count++;
          }
          return count;
        },
        findToken: async (hash) => (deleted.has(hash) ? null : genuine.real.findToken(hash)),
      };
    },
  },
  { name: "answers 0 whatever it deleted", breaks: "purgeExpired", mutate: (genuine) => ({ purgeExpired: async (at) => (await genuine.real.purgeExpired(at), 0) }) },
];

export const MUTANTS: Mutant[] = [
  ...createSessionMutants,
  ...findTokenMutants,
  ...spendTokenMutants,
  ...touchSessionMutants,
  ...revocationMutants,
  ...listSessionsMutants,
  ...purgeExpiredMutants,
];
