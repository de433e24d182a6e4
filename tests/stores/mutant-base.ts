/**
 * What the mutants of {@link MemoryRefreshTokenStore} are made of: the genuine store with a
 * record of everything it was handed, and the shared ways a store can go wrong that need state
 * beside it (revocations a spend does not see, tokens a purge leaves behind).
 */
import { randomBytes } from "node:crypto";
import {
  MemoryRefreshTokenStore,
  sessionBelongsTo,
  type RefreshTokenLookup,
  type RefreshTokenRecord,
  type RefreshTokenStore,
  type SessionBinding,
  type SessionRecord,
} from "tokenwise";

/** The genuine store, plus every session and token hash it stored, for mutants that look around. */
export interface Genuine extends RefreshTokenStore {
  real: MemoryRefreshTokenStore;
  sessions: Map<string, SessionRecord>;
  hashes: Set<string>;
}

/** A store broken in one way: what it breaks, the method whose checks must catch it, and how. */
export interface Mutant {
  name: string;
  breaks: keyof RefreshTokenStore;
  mutate(genuine: Genuine): Partial<RefreshTokenStore>;
}

export function genuineStore(): Genuine {
  const real = new MemoryRefreshTokenStore();
  const sessions = new Map<string, SessionRecord>();
  const hashes = new Set<string>();
  return {
    real,
    sessions,
    hashes,
    async createSession(session, token, options) {
      const evicted = await real.createSession(session, token, options);
      sessions.set(session.id, session);
      hashes.add(token.hash);
      return evicted;
    },
    async spendToken(request) {
      const spent = await real.spendToken(request);
      if (spent) hashes.add(request.successor.hash);
      return spent;
    },
    findToken: (hash) => real.findToken(hash),
    touchSession: (sessionId, at) => real.touchSession(sessionId, at),
    findSession: (sessionId) => real.findSession(sessionId),
    revokeSession: (sessionId, at) => real.revokeSession(sessionId, at),
    revokeSubject: (subject, at, binding) => real.revokeSubject(subject, at, binding),
    listSessions: (subject, at) => real.listSessions(subject, at),
    purgeExpired: (at) => real.purgeExpired(at),
  };
}

/** A fresh store of `mutant`: the genuine store with the mutant's methods in place of its own. */
export function buildMutant(mutant: Mutant): RefreshTokenStore {
  const genuine = genuineStore();
  return { ...genuine, ...mutant.mutate(genuine) };
}

/** A hash no token has. */
export function randomHash(): string {
  return randomBytes(32).toString("hex");
}

/** The round trip between a read and a write. */
export function roundTrip(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Whether an unspent token could be spent at `at`, as read (not as locked). */
export function usable(found: RefreshTokenLookup | null, at: Date): found is RefreshTokenLookup {
  const now = at.getTime();
  return !!found && found.token.spentAt === null && found.token.expiresAt.getTime() > now && found.session.revokedAt === null && found.session.expiresAt.getTime() > now;
}

/** The sessions of `subject` (as `match` compares subjects) of `binding`, as they are now. */
export async function sessionsOf(genuine: Genuine, subject: string, binding: SessionBinding | undefined, match = (a: string, b: string) => a === b): Promise<SessionRecord[]> {
  const found: SessionRecord[] = [];
  for (const created of genuine.sessions.values()) {
    if (!match(created.subject, subject) || (binding && !sessionBelongsTo(created, binding))) continue;
    const session = await genuine.real.findSession(created.id);
    if (session) found.push(session);
  }
  return found;
}

/**
 * Revocations kept beside the sessions, where `spendToken` does not read them: it checks a
 * revocation before its write (`checkFirst`), or never. Everything else sees them; a login or
 * a purge writes them through first.
 */
export function revocationsBeside(genuine: Genuine, checkFirst: boolean): Partial<RefreshTokenStore> {
  const revoked = new Map<string, Date>();
  const withRevocation = (session: SessionRecord | null) =>
    session && session.revokedAt === null && revoked.has(session.id) ? { ...session, revokedAt: revoked.get(session.id) as Date } : session;
  const writeThrough = async () => {
    for (const [sessionId, at] of revoked) await genuine.real.revokeSession(sessionId, at);
  };
  const findToken = async (hash: string) => {
    const found = await genuine.real.findToken(hash);
    return found && { token: found.token, session: withRevocation(found.session) as SessionRecord };
  };
  const revokeSession = async (sessionId: string, at: Date) => {
    const session = withRevocation(await genuine.real.findSession(sessionId));
    if (!session || session.revokedAt) return false;
    revoked.set(sessionId, at);
    return true;
  };
  return {
    findToken,
    findSession: async (sessionId) => withRevocation(await genuine.real.findSession(sessionId)),
    listSessions: async (subject, at) => (await genuine.real.listSessions(subject, at)).filter((session) => !revoked.has(session.id)),
    revokeSession,
    async revokeSubject(subject, at, binding) {
      let count = 0;
      for (const session of await sessionsOf(genuine, subject, binding)) if (await revokeSession(session.id, at)) count++;
      return count;
    },
    createSession: async (...args) => (await writeThrough(), genuine.createSession(...args)),
    purgeExpired: async (at) => (await writeThrough(), genuine.purgeExpired(at)),
    async spendToken(request) {
      if (checkFirst) {
        if ((await findToken(request.hash))?.session.revokedAt) return false;
        await roundTrip();
      }
      return genuine.spendToken(request);
    },
  };
}

/**
 * A purge that deletes sessions but leaves some of their tokens behind (those `left` picks):
 * their hashes stay taken, they are not counted, and `findToken` answers them with
 * `orphanAnswer` (a real store's join finds nothing; a worse one returns no session).
 */
export function tokensLeftBehind(
  genuine: Genuine,
  left: (lookup: RefreshTokenLookup, at: Date) => boolean,
  orphanAnswer: (token: RefreshTokenRecord) => RefreshTokenLookup | null,
): Partial<RefreshTokenStore> {
  const orphans = new Map<string, RefreshTokenRecord>();
  return {
    async purgeExpired(at) {
      const before = new Map<string, RefreshTokenLookup>();
      for (const hash of genuine.hashes) {
        const found = await genuine.real.findToken(hash);
        if (found) before.set(hash, found);
      }
      let deleted = await genuine.real.purgeExpired(at);
      for (const [hash, found] of before) {
        if ((await genuine.real.findSession(found.session.id)) === null && left(found, at)) {
          orphans.set(hash, found.token);
          deleted--;
        }
      }
      return deleted;
    },
    async createSession(session, token, options) {
      if (orphans.has(token.hash)) throw new Error("duplicate key: refresh token hash");
      return genuine.createSession(session, token, options);
    },
    async spendToken(request) {
      if (orphans.has(request.successor.hash)) throw new Error("duplicate key: refresh token hash");
      return genuine.spendToken(request);
    },
    findToken: async (hash) => {
      const orphan = orphans.get(hash);
      return orphan ? orphanAnswer(orphan) : genuine.real.findToken(hash);
    },
  };
}

/**
 * A login that evicts in its own steps before creating the session: `pick` chooses the ids to
 * revoke among the subject's active sessions (of every binding, oldest first), revoked at `when`.
 */
export function evictThenCreate(
  genuine: Genuine,
  pick: (active: SessionRecord[], limit: number, newest: SessionRecord) => SessionRecord[],
  when: (newest: SessionRecord) => Date = (newest) => newest.createdAt,
): Partial<RefreshTokenStore> {
  return {
    async createSession(session, token, options) {
      if (options?.maxActiveSessions === undefined) return genuine.createSession(session, token);
      const active = await genuine.real.listSessions(session.subject, session.createdAt);
      const evicted = pick(active, options.maxActiveSessions, session).map((victim) => victim.id);
      for (const sessionId of evicted) await genuine.real.revokeSession(sessionId, when(session));
      await genuine.createSession(session, token);
      return evicted;
    },
  };
}

/** The oldest of `active` beyond `limit` (the new session counted), as the contract says. */
export function oldestBeyond(active: SessionRecord[], limit: number): SessionRecord[] {
  return active.slice(0, Math.max(0, active.length + 1 - limit));
}
