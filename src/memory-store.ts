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
import { ExpiryQueue } from "./lib/_expiry-queue.js";
import { flatString, SessionTable, TokenTable } from "./lib/_memory-tables.js";
import { ShardedMap } from "./lib/_sharded-map.js";
import { sessionsToEvict } from "./lib/_session-limit.js";

/** Units of work of the first batch of a purge; each next batch doubles, up to `purgeBatchSize`. */
const FIRST_BATCH = 128;

/** Options of {@link MemoryRefreshTokenStore}. */
export interface MemoryRefreshTokenStoreOptions {
  /**
   * How much `purgeExpired` does before it yields to the event loop (`setTimeout(…, 0)`): one
   * unit per index entry examined and per row deleted. The first batch of a purge is smaller
   * and each next one doubles up to this size, since cold code is slower. The default takes
   * about 2 ms a batch on a 2020s server core; tests pass a small size to see the yields.
   * @default 2000
   */
  purgeBatchSize?: number;
}

/**
 * Keeps sessions and refresh-token hashes in process memory, indexed by token hash, by session
 * and by subject, so each operation costs O(1) or O(sessions of the subject). Every method but
 * `purgeExpired` runs to completion without awaiting, which makes each one atomic on a
 * single-threaded runtime. Records are copied in and out, so callers can never alter stored
 * state by mutating what they hold; claims and metadata come back as `JSON.parse` makes them.
 *
 * **Memory.** Records are stored as columns (typed arrays of milliseconds, one JSON string of a
 * session's claims and metadata, flat hash strings) so that a session is a handful of strings,
 * not a tree of objects: about 600 bytes a session with one token and 8 small claims at a
 * million sessions, and about 175 bytes for each spent token kept for reuse detection (a
 * session refreshed every 15 minutes holds 672 of them after a week: about 118 kB). A spent
 * token forgets its `sealedSuccessor` once its successor is spent too, as the contract allows:
 * the seal can no longer serve anyone. With few objects to trace, a full garbage collection of
 * a million sessions takes 0.3–0.75 s when forced and V8's incremental ones pause for tens of
 * milliseconds. Indexes are sharded, so no `Map` reaches V8's 2^24-entry limit; a table holds
 * at most about 100 million tokens (JavaScript array limits).
 *
 * **Purging.** An expiry-ordered index (a binary heap) of session ends and token expiries, plus
 * a list of revocations, makes `purgeExpired` cost what has ended — plus the index entries that
 * earlier deletions left stale, each skipped once — never what is stored. It works in batches
 * of at most `purgeBatchSize` units and yields to the event loop (`setTimeout(…, 0)`) between
 * them: at a million sessions no batch blocked it for more than about 10 ms. Each batch
 * deletes a session together with all its tokens, and every other method runs between batches
 * as usual: it sees each session either whole or gone.
 *
 * Not shared between processes or workers: run several servers against the SQL store instead.
 *
 * @example
 * ```ts
 * import { TokenManager, MemoryRefreshTokenStore } from "tokenwise";
 *
 * const store = new MemoryRefreshTokenStore();
 * const tokens = new TokenManager({ issuer, audience, signingKeys, store });
 * setInterval(() => void tokens.purgeExpired(), 60_000);
 * ```
 */
export class MemoryRefreshTokenStore implements RefreshTokenStore {
  readonly #sessions = new SessionTable();
  readonly #tokens = new TokenTable();
  readonly #sessionRows = new ShardedMap<number>();
  readonly #tokenRows = new ShardedMap<number>();
  readonly #subjectRows = new ShardedMap<number | number[]>();
  readonly #sessionEnds = new ExpiryQueue();
  readonly #tokenEnds = new ExpiryQueue();
  /** Ids of sessions revoked since the last purge reached them. */
  readonly #revoked: string[] = [];
  readonly #purgeBatchSize: number;

  /**
   * @param options - tuning; see {@link MemoryRefreshTokenStoreOptions}
   * @throws `TypeError` when `purgeBatchSize` is not a positive whole number
   */
  constructor(options: MemoryRefreshTokenStoreOptions = {}) {
    const batch = options.purgeBatchSize ?? 2_000;
    if (!Number.isSafeInteger(batch) || batch < 1) throw new TypeError("purgeBatchSize: expected a positive whole number");
    this.#purgeBatchSize = batch;
  }

  /** {@inheritDoc RefreshTokenStore.createSession} */
  async createSession(session: SessionRecord, token: RefreshTokenRecord, options: CreateSessionOptions = {}): Promise<string[]> {
    if (this.#sessionRows.has(session.id)) throw new Error(`session ${session.id} already exists`);
    if (this.#tokenRows.has(token.hash)) throw new Error("refresh token hash already exists");
    // Everything that could throw comes before the first change, so that a failure changes nothing.
    const data = JSON.stringify([session.claims, session.metadata]);
    const id = flatString(session.id);
    const subject = flatString(session.subject);
    const hash = flatString(token.hash);
    const evicted = this.#sessionsBeyondLimit(session, options.maxActiveSessions);
    for (const sessionId of evicted) this.#revoke(sessionId, session.createdAt.getTime());
    const row = this.#sessions.insert(session, id, subject, data, hash);
    this.#sessionRows.set(id, row);
    this.#insertToken(token, hash, row);
    const subjectRows = this.#subjectRows.get(subject);
    if (subjectRows === undefined) this.#subjectRows.set(subject, row);
    else if (typeof subjectRows === "number") this.#subjectRows.set(subject, [subjectRows, row]);
    else subjectRows.push(row);
    this.#sessionEnds.push(session.expiresAt.getTime(), id);
    if (session.revokedAt !== null) this.#revoked.push(id);
    return evicted;
  }

  /** {@inheritDoc RefreshTokenStore.findToken} */
  async findToken(hash: string): Promise<RefreshTokenLookup | null> {
    const row = this.#tokenRows.get(hash);
    if (row === undefined) return null;
    const session = this.#sessions.record(this.#tokens.sessions[row] as number);
    return { token: this.#tokens.record(row, hash, session.id), session };
  }

  /** {@inheritDoc RefreshTokenStore.spendToken} */
  async spendToken(request: SpendTokenRequest): Promise<boolean> {
    const tokens = this.#tokens;
    const row = this.#tokenRows.get(request.hash);
    if (row === undefined) return false;
    const { successor } = request;
    if (tokens.isSpent(row)) return tokens.successors[row] === successor.hash;
    const at = request.at.getTime();
    const sessionRow = tokens.sessions[row] as number;
    if (tokens.expiresAt(row) <= at || !this.#sessions.isActive(sessionRow, at)) return false;
    if (successor.sessionId !== this.#sessions.ids[sessionRow] || this.#tokenRows.has(successor.hash)) return false;
    const successorHash = flatString(successor.hash);
    tokens.spend(row, at, successorHash, flatString(request.sealedSuccessor));
    this.#forgetSealOfPredecessor(sessionRow, request.hash);
    this.#sessions.lastSpent[sessionRow] = row;
    this.#insertToken(successor, successorHash, sessionRow);
    this.#addTokenHash(sessionRow, successorHash);
    this.#sessions.touch(sessionRow, at);
    return true;
  }

  /** {@inheritDoc RefreshTokenStore.touchSession} */
  async touchSession(sessionId: string, at: Date): Promise<void> {
    const row = this.#sessionRows.get(sessionId);
    if (row !== undefined) this.#sessions.touch(row, at.getTime());
  }

  /** {@inheritDoc RefreshTokenStore.findSession} */
  async findSession(sessionId: string): Promise<SessionRecord | null> {
    const row = this.#sessionRows.get(sessionId);
    return row === undefined ? null : this.#sessions.record(row);
  }

  /** {@inheritDoc RefreshTokenStore.revokeSession} */
  async revokeSession(sessionId: string, at: Date): Promise<boolean> {
    return this.#revoke(sessionId, at.getTime());
  }

  /** {@inheritDoc RefreshTokenStore.revokeSubject} */
  async revokeSubject(subject: string, at: Date, binding?: SessionBinding): Promise<number> {
    let revoked = 0;
    for (const row of this.#rowsOfSubject(subject)) {
      const session = this.#sessions.summary(row);
      if ((!binding || sessionBelongsTo(session, binding)) && this.#revoke(session.id, at.getTime())) revoked++;
    }
    return revoked;
  }

  /** {@inheritDoc RefreshTokenStore.listSessions} */
  async listSessions(subject: string, at: Date): Promise<SessionRecord[]> {
    return this.#activeRows(subject, at.getTime()).map((row) => this.#sessions.record(row));
  }

  /** {@inheritDoc RefreshTokenStore.purgeExpired} */
  async purgeExpired(at: Date): Promise<number> {
    const now = at.getTime();
    let deleted = 0;
    // The first batches run on cold code, several times slower: start small and double.
    for (let size = Math.min(FIRST_BATCH, this.#purgeBatchSize); ; size = Math.min(2 * size, this.#purgeBatchSize)) {
      const batch = this.#purgeBatch(now, size);
      deleted += batch.deleted;
      if (!batch.more) return deleted;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  /** One synchronous step of {@link purgeExpired}: revoked sessions, then ended sessions, then expired tokens. */
  #purgeBatch(now: number, size: number): { deleted: number; more: boolean } {
    const step = { work: 0, deleted: 0 };
    while (step.work < size && this.#revoked.length > 0) this.#purgeSession(this.#revoked.pop() as string, step, -1);
    while (step.work < size && this.#sessionEnds.hasDue(now)) this.#purgeSession(this.#sessionEnds.pop(), step, now);
    while (step.work < size && this.#tokenEnds.hasDue(now)) this.#purgeToken(this.#tokenEnds.pop(), step, now);
    const more = this.#revoked.length > 0 || this.#sessionEnds.hasDue(now) || this.#tokenEnds.hasDue(now);
    return { deleted: step.deleted, more };
  }

  /**
   * Deletes the session `id` if it has ended: revoked when `now` is -1 (from the list of
   * revocations), or ended by `now` (from the expiry index). Stale entries are skipped.
   */
  #purgeSession(id: string, step: { work: number; deleted: number }, now: number): void {
    step.work++;
    const row = this.#sessionRows.get(id);
    if (row === undefined) return;
    if (now === -1 ? !this.#sessions.isRevoked(row) : this.#sessions.expiresAt(row) > now) return;
    const rows = this.#deleteSession(row);
    step.deleted += rows;
    step.work += rows;
  }

  /** Deletes the token `hash` if it has expired by `now`; a stale entry is skipped. */
  #purgeToken(hash: string, step: { work: number; deleted: number }, now: number): void {
    step.work++;
    const row = this.#tokenRows.get(hash);
    if (row === undefined || this.#tokens.expiresAt(row) > now) return;
    const sessions = this.#sessions;
    const sessionRow = this.#tokens.sessions[row] as number;
    sessions.liveTokens[sessionRow] = (sessions.liveTokens[sessionRow] as number) - 1;
    this.#deleteToken(hash, row);
    step.deleted++;
  }

  #insertToken(token: RefreshTokenRecord, hash: string, sessionRow: number): void {
    const successorHash = token.successorHash === null ? null : flatString(token.successorHash);
    const seal = token.sealedSuccessor === null ? null : flatString(token.sealedSuccessor);
    this.#tokenRows.set(hash, this.#tokens.insert(token, sessionRow, successorHash, seal));
    this.#tokenEnds.push(token.expiresAt.getTime(), hash);
  }

  /**
   * Once `hash` is spent, the token spent before it (whose successor it is) keeps what reuse
   * detection needs and drops its seal: the grace window replays a successor only while that
   * successor is unspent, so the seal can never serve its holder again.
   */
  #forgetSealOfPredecessor(sessionRow: number, hash: string): void {
    const previous = this.#sessions.lastSpent[sessionRow] as number;
    // The row may have been purged and reused since: it is the predecessor only if it names `hash`.
    if (previous >= 0 && this.#tokens.successors[previous] === hash && this.#tokens.sessions[previous] === sessionRow) this.#tokens.seals[previous] = null;
  }

  /** Records a new token of the session; drops the hashes of purged tokens once they outnumber the live ones. */
  #addTokenHash(sessionRow: number, hash: string): void {
    const sessions = this.#sessions;
    const hashes = sessions.tokenHashes[sessionRow] as string | string[];
    const live = (sessions.liveTokens[sessionRow] as number) + 1;
    sessions.liveTokens[sessionRow] = live;
    if (typeof hashes === "string") {
      sessions.tokenHashes[sessionRow] = [hashes, hash];
      return;
    }
    hashes.push(hash);
    if (hashes.length >= 2 * live + 8) sessions.tokenHashes[sessionRow] = hashes.filter((kept) => this.#tokenRows.get(kept) !== undefined);
  }

  #deleteToken(hash: string, row: number): void {
    this.#tokenRows.delete(hash);
    this.#tokens.release(row);
  }

  /** Deletes a session and every token of it in one step; returns how many rows that was. */
  #deleteSession(row: number): number {
    const sessions = this.#sessions;
    let deleted = 1;
    const hashes = sessions.tokenHashes[row] as string | string[];
    for (const hash of typeof hashes === "string" ? [hashes] : hashes) {
      const tokenRow = this.#tokenRows.get(hash);
      if (tokenRow === undefined || this.#tokens.sessions[tokenRow] !== row) continue;
      this.#deleteToken(hash, tokenRow);
      deleted++;
    }
    const id = sessions.ids[row] as string;
    const subject = sessions.subjects[row] as string;
    this.#sessionRows.delete(id);
    const subjectRows = this.#subjectRows.get(subject);
    if (typeof subjectRows === "number" || subjectRows?.length === 1) this.#subjectRows.delete(subject);
    else if (subjectRows) subjectRows.splice(subjectRows.indexOf(row), 1);
    sessions.release(row);
    return deleted;
  }

  /** The ids of the oldest active sessions to revoke so that `newest` stays within `limit`. */
  #sessionsBeyondLimit(newest: SessionRecord, limit: number | undefined): string[] {
    if (limit === undefined) return [];
    const active = this.#activeRows(newest.subject, newest.createdAt.getTime()).map((row) => this.#sessions.summary(row));
    return sessionsToEvict(active, newest, limit);
  }

  #revoke(sessionId: string, at: number): boolean {
    const row = this.#sessionRows.get(sessionId);
    if (row === undefined || this.#sessions.isRevoked(row)) return false;
    this.#sessions.revoke(row, at);
    this.#revoked.push(this.#sessions.ids[row] as string);
    return true;
  }

  #rowsOfSubject(subject: string): readonly number[] {
    const rows = this.#subjectRows.get(subject);
    return rows === undefined ? [] : typeof rows === "number" ? [rows] : rows;
  }

  /** The rows of the subject's active sessions, oldest first (by `createdAt`, then `id` byte by byte). */
  #activeRows(subject: string, now: number): number[] {
    const sessions = this.#sessions;
    const active = this.#rowsOfSubject(subject).filter((row) => sessions.isActive(row, now));
    return active.sort((a, b) => {
      const x = sessions.ids[a] as string;
      const y = sessions.ids[b] as string;
      return sessions.createdAt(a) - sessions.createdAt(b) || (x < y ? -1 : x > y ? 1 : 0);
    });
  }
}
