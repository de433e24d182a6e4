/**
 * A {@link RefreshTokenStore} in process memory: for tests, demos and single-process apps that
 * accept losing every session on restart.
 *
 * @module
 */
import {
  sessionBelongsTo,
  type CreateSessionOptions,
  type RefreshTokenLookup,
  type RefreshTokenRecord,
  type RefreshTokenStore,
  type SessionBinding,
  type SessionRecord,
  type SpendTokenRequest,
} from "./store.js";
import { sessionsToEvict } from "./lib/_session-limit.js";

interface StoredSession {
  record: SessionRecord;
  tokenHashes: Set<string>;
}

/**
 * Keeps sessions and refresh-token hashes in `Map`s indexed by token hash, by session and by
 * subject, so each operation costs O(1) or O(sessions of the subject); only `purgeExpired`
 * walks everything. Every method runs to completion without awaiting, which makes each one
 * atomic on a single-threaded runtime. Records are copied in and out, so callers can never
 * alter stored state by mutating what they hold.
 *
 * Not shared between processes or workers: run several servers against the SQL store instead.
 *
 * @example
 * ```ts
 * import { TokenManager, MemoryRefreshTokenStore } from "tokenwise";
 *
 * const store = new MemoryRefreshTokenStore();
 * const tokens = new TokenManager({ issuer, audience, signingKeys, store });
 * ```
 */
export class MemoryRefreshTokenStore implements RefreshTokenStore {
  readonly #tokens = new Map<string, RefreshTokenRecord>();
  readonly #sessions = new Map<string, StoredSession>();
  readonly #sessionIdsBySubject = new Map<string, Set<string>>();

  /** {@inheritDoc RefreshTokenStore.createSession} */
  async createSession(session: SessionRecord, token: RefreshTokenRecord, options: CreateSessionOptions = {}): Promise<string[]> {
    if (this.#sessions.has(session.id)) throw new Error(`session ${session.id} already exists`);
    if (this.#tokens.has(token.hash)) throw new Error("refresh token hash already exists");
    const evicted = this.#sessionsBeyondLimit(session, options.maxActiveSessions);
    for (const sessionId of evicted) this.#revoke(sessionId, session.createdAt);
    this.#sessions.set(session.id, { record: copySession(session), tokenHashes: new Set([token.hash]) });
    this.#tokens.set(token.hash, { ...token });
    let subjectSessions = this.#sessionIdsBySubject.get(session.subject);
    if (!subjectSessions) this.#sessionIdsBySubject.set(session.subject, (subjectSessions = new Set()));
    subjectSessions.add(session.id);
    return evicted;
  }

  /** {@inheritDoc RefreshTokenStore.findToken} */
  async findToken(hash: string): Promise<RefreshTokenLookup | null> {
    const token = this.#tokens.get(hash);
    const stored = token && this.#sessions.get(token.sessionId);
    if (!token || !stored) return null;
    return { token: { ...token }, session: copySession(stored.record) };
  }

  /** {@inheritDoc RefreshTokenStore.spendToken} */
  async spendToken(request: SpendTokenRequest): Promise<boolean> {
    const token = this.#tokens.get(request.hash);
    const stored = token && this.#sessions.get(token.sessionId);
    const at = request.at.getTime();
    if (token && token.spentAt !== null && token.successorHash === request.successor.hash) return true;
    if (!token || !stored || token.spentAt !== null || token.expiresAt.getTime() <= at) return false;
    if (!isActive(stored.record, at) || request.successor.sessionId !== token.sessionId || this.#tokens.has(request.successor.hash)) return false;
    token.spentAt = request.at;
    token.successorHash = request.successor.hash;
    token.sealedSuccessor = request.sealedSuccessor;
    this.#tokens.set(request.successor.hash, { ...request.successor });
    stored.tokenHashes.add(request.successor.hash);
    stored.record.lastUsedAt = request.at;
    return true;
  }

  /** {@inheritDoc RefreshTokenStore.touchSession} */
  async touchSession(sessionId: string, at: Date): Promise<void> {
    const stored = this.#sessions.get(sessionId);
    if (stored) stored.record.lastUsedAt = at;
  }

  /** {@inheritDoc RefreshTokenStore.findSession} */
  async findSession(sessionId: string): Promise<SessionRecord | null> {
    const stored = this.#sessions.get(sessionId);
    return stored ? copySession(stored.record) : null;
  }

  /** {@inheritDoc RefreshTokenStore.revokeSession} */
  async revokeSession(sessionId: string, at: Date): Promise<boolean> {
    return this.#revoke(sessionId, at);
  }

  /** {@inheritDoc RefreshTokenStore.revokeSubject} */
  async revokeSubject(subject: string, at: Date, binding?: SessionBinding): Promise<number> {
    let revoked = 0;
    for (const sessionId of this.#sessionIdsBySubject.get(subject) ?? []) {
      const stored = this.#sessions.get(sessionId);
      if (stored && (!binding || sessionBelongsTo(stored.record, binding)) && this.#revoke(sessionId, at)) revoked++;
    }
    return revoked;
  }

  /** {@inheritDoc RefreshTokenStore.listSessions} */
  async listSessions(subject: string, at: Date): Promise<SessionRecord[]> {
    return this.#activeSessions(subject, at.getTime()).map(copySession);
  }

  /** {@inheritDoc RefreshTokenStore.purgeExpired} */
  async purgeExpired(at: Date): Promise<number> {
    const now = at.getTime();
    let deleted = 0;
    for (const [sessionId, stored] of this.#sessions) {
      if (!isActive(stored.record, now)) {
        deleted += this.#deleteSession(sessionId, stored);
        continue;
      }
      for (const hash of stored.tokenHashes) {
        const token = this.#tokens.get(hash);
        if (token && token.expiresAt.getTime() <= now) {
          this.#tokens.delete(hash);
          stored.tokenHashes.delete(hash);
          deleted++;
        }
      }
    }
    return deleted;
  }

  /** The ids of the oldest active sessions to revoke so that `newest` stays within `limit`. */
  #sessionsBeyondLimit(newest: SessionRecord, limit: number | undefined): string[] {
    if (limit === undefined) return [];
    return sessionsToEvict(this.#activeSessions(newest.subject, newest.createdAt.getTime()), newest, limit);
  }

  #revoke(sessionId: string, at: Date): boolean {
    const stored = this.#sessions.get(sessionId);
    if (!stored || stored.record.revokedAt !== null) return false;
    stored.record.revokedAt = at;
    return true;
  }

  /** The subject's active sessions as stored (not copies), oldest first. */
  #activeSessions(subject: string, now: number): SessionRecord[] {
    const active: SessionRecord[] = [];
    for (const sessionId of this.#sessionIdsBySubject.get(subject) ?? []) {
      const stored = this.#sessions.get(sessionId);
      if (stored && isActive(stored.record, now)) active.push(stored.record);
    }
    return active.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  #deleteSession(sessionId: string, stored: StoredSession): number {
    for (const hash of stored.tokenHashes) this.#tokens.delete(hash);
    this.#sessions.delete(sessionId);
    const subjectSessions = this.#sessionIdsBySubject.get(stored.record.subject);
    subjectSessions?.delete(sessionId);
    if (subjectSessions?.size === 0) this.#sessionIdsBySubject.delete(stored.record.subject);
    return 1 + stored.tokenHashes.size;
  }
}

function isActive(session: SessionRecord, now: number): boolean {
  return session.revokedAt === null && session.expiresAt.getTime() > now;
}

function copySession(session: SessionRecord): SessionRecord {
  return { ...session, claims: structuredClone(session.claims), metadata: structuredClone(session.metadata) };
}
