/**
 * The storage seam. {@link TokenManager} reaches refresh-token state only through a
 * {@link RefreshTokenStore}; everything in this file is what an adapter author implements.
 *
 * Vocabulary:
 * - A **session** is one login of one subject. It ends when revoked or at `expiresAt`
 *   (the absolute `sessionMaxAge`), whichever comes first.
 * - A **refresh token** belongs to one session. The store sees only its SHA-256 hash, as
 *   64 lowercase hex characters. A token is **spent** once it has been exchanged for its
 *   successor; a spent token is kept (until its own `expiresAt`) so that presenting it again
 *   is recognised as reuse. Once its successor is spent too, a store may forget its
 *   `sealedSuccessor` (see {@link RefreshTokenRecord.sealedSuccessor}).
 *
 * All times are `Date`s; stores must keep at least millisecond precision, or round `expiresAt`
 * down and `spentAt`/`revokedAt` up, so that no token lives longer than the manager decided.
 *
 * @module
 */

/** A JSON-serialisable object: what sessions keep as claims and metadata. */
export type JsonObject = { [key: string]: unknown };

/** One login of one subject, as the store keeps it. */
export interface SessionRecord {
  /** Random, unique session id (the access token's `sid` claim): 1–64 characters of `[A-Za-z0-9_-]`. */
  id: string;
  /** Who logged in (the access token's `sub` claim): a non-empty string, at most 255 characters in the SQL store. */
  subject: string;
  /** The app's claims at login, reused for every access token of the session. */
  claims: JsonObject;
  /** Free-form data the app attached at login (device, IP, …), shown by `listSessions`. */
  metadata: JsonObject;
  /** When the session was created. */
  createdAt: Date;
  /** When a refresh token of the session was last used. */
  lastUsedAt: Date;
  /** Absolute end of the session; no token of it is usable at or after this instant. */
  expiresAt: Date;
  /** When the session was revoked, or `null` while it is not. */
  revokedAt: Date | null;
  /**
   * The `iss` of the manager that created the session. A manager refuses the refresh tokens of
   * sessions bound to another issuer or audience as unknown, so services sharing one store
   * cannot use or revoke each other's sessions. `null` only for sessions stored before
   * tokenwise 0.2, which any manager accepts until they end.
   */
  issuer: string | null;
  /** The `aud` of the manager that created the session; `null` exactly when `issuer` is. */
  audience: string | null;
}

/** One refresh token, as the store keeps it: never the token itself, only its hash. */
export interface RefreshTokenRecord {
  /** SHA-256 of the token, 64 lowercase hex characters. Unique. */
  hash: string;
  /** The session the token belongs to. */
  sessionId: string;
  /** When the token was issued. */
  issuedAt: Date;
  /** The token is unusable at or after this instant (idle lifetime, capped by the session's end). */
  expiresAt: Date;
  /** When the token was exchanged for its successor, or `null` while unspent. */
  spentAt: Date | null;
  /** Hash of the successor issued when this token was spent, or `null`. */
  successorHash: string | null;
  /**
   * The successor token sealed under a key only the holder of *this* token can derive
   * (opaque base64url), or `null`. Lets a client that lost the refresh response, or raced
   * another tab, get the same successor back within the grace window.
   *
   * A store **may forget** the seal (answer `null`) once the successor is itself spent: the
   * manager replays only an unspent successor, so the seal can serve no one any more, and a
   * spent token without a seal is taken for reuse exactly like one whose successor is spent.
   * Everything else of a spent token — `spentAt`, `successorHash`, `issuedAt`, `expiresAt` —
   * is kept until its `expiresAt`: reuse detection and the idempotent retry of
   * {@link RefreshTokenStore.spendToken} need it. While the successor is unspent the seal must
   * be kept. (The memory store forgets it, to keep a long-lived session's spent tokens small;
   * the SQL and Redis stores keep it.)
   */
  sealedSuccessor: string | null;
}

/** A token together with its session: what {@link RefreshTokenStore.findToken} returns. */
export interface RefreshTokenLookup {
  /** The token found by its hash. */
  token: RefreshTokenRecord;
  /** The session it belongs to. */
  session: SessionRecord;
}

/** The input of {@link RefreshTokenStore.spendToken}. */
export interface SpendTokenRequest {
  /** Hash of the token to spend. */
  hash: string;
  /** The instant of the spend: becomes the token's `spentAt` and the session's `lastUsedAt`. */
  at: Date;
  /**
   * The successor, stored in the same atomic step: a token of the spent token's session
   * (`successor.sessionId`), with a hash no token has yet, and `spentAt`, `successorHash` and
   * `sealedSuccessor` all `null`. A successor of another session or with a taken hash is refused.
   */
  successor: RefreshTokenRecord;
  /** The successor sealed for the holder of the spent token; stored as the spent token's `sealedSuccessor`. */
  sealedSuccessor: string;
}

/** The issuer and audience a session is bound to; `null` for none. */
export interface SessionBinding {
  /** The manager's `issuer`, or `null`. */
  issuer: string | null;
  /** The manager's `audience`, or `null`. */
  audience: string | null;
}

/**
 * Tells whether a session belongs to `binding` (a manager's, or another session's): same
 * issuer and audience, or either side unbound (a session stored before tokenwise 0.2).
 *
 * @param session - the stored session (its binding is all that is read)
 * @param binding - the issuer and audience to match; a `SessionRecord` will do
 * @returns `true` when the session may be used under that binding
 *
 * @example
 * ```ts
 * import { sessionBelongsTo } from "tokenwise";
 *
 * const mine = sessions.filter((session) => sessionBelongsTo(session, { issuer, audience }));
 * ```
 */
export function sessionBelongsTo(session: SessionBinding, binding: SessionBinding): boolean {
  if (session.issuer === null || binding.issuer === null) return true;
  return session.issuer === binding.issuer && session.audience === binding.audience;
}

/** Options of {@link RefreshTokenStore.createSession}. */
export interface CreateSessionOptions {
  /**
   * Keep at most this many active sessions of the subject with the new session's `issuer` and
   * `audience` (sessions with a `null` binding count too), the new one included: the oldest
   * others (by `createdAt`, then `id`) are revoked at `session.createdAt` in the same atomic
   * step. Absent: no limit.
   */
  maxActiveSessions?: number;
}

/**
 * Where refresh-token state lives. Implement it to keep sessions in any database.
 *
 * Every method either completes entirely or has no effect; a store that cannot reach its
 * backend rejects (the manager wraps the rejection in a `store_error`). Methods never throw for
 * "not found": they return `null`, `false` or `0`.
 *
 * Rules every method follows:
 * - **One clock, the caller's.** Every instant comes in as an argument (`at`, or a record's
 *   dates), taken from the manager's `now` option, which may be injected. A store never reads
 *   a clock of its own — not `Date.now()`, not `NOW()` on the server — to decide anything.
 * - **Expiry by the backend.** A store may drop a record by itself (a TTL) once the record's
 *   own `expiresAt` has passed, never earlier. The manager then sees an unknown token
 *   (`findToken` → `null`) and answers `invalid_refresh_token` instead of
 *   `refresh_token_expired`; a session dropped that way reads as ended. Reuse detection of a
 *   spent token lasts only as long as its record, so a TTL shorter than `expiresAt` is a
 *   security bug. TTLs follow the real clock: they suit a manager whose `now` is the real time.
 * - **Reads see every completed write.** A read that starts after a write resolved sees it:
 *   read from the primary, never from a lagging replica or cache, or a revoked session could
 *   still refresh and a spent token could pass as unspent.
 * - **Retries after a lost reply.** A caller that lost a reply may repeat the call. `spendToken`
 *   answers `true` again; `touchSession` sets the same value again; `revokeSession`,
 *   `revokeSubject` and `purgeExpired` change nothing more and answer `false` or `0` (the first
 *   revocation instant is kept); `createSession` rejects (the id exists), its first attempt
 *   staying stored until it ends, unused. Reads are safe to repeat.
 * - **Ids, subjects, hashes.** Session ids are 1–64 characters of `[A-Za-z0-9_-]` (the manager
 *   makes 22-character base64url ids). Subjects are non-empty strings; the manager checks
 *   nothing more, and a store must keep subjects of at least 255 characters (Unicode code
 *   points; the SQL store's limit, beyond which it rejects). Token hashes are 64 lowercase hex
 *   characters. All three are compared exactly: case-sensitive, no normalisation, no collation.
 * - **Order.** Wherever sessions are ordered (listing, eviction) it is by `createdAt`, then by
 *   `id` compared byte by byte (a binary or `"C"` collation, never a locale's).
 *
 * Run `runStoreConformance` from `tokenwise/testing` against an adapter to check every promise
 * made here, including the concurrency ones.
 *
 * @example
 * ```ts
 * import { TokenManager, MemoryRefreshTokenStore } from "tokenwise";
 *
 * const tokens = new TokenManager({ ...options, store: new MemoryRefreshTokenStore() });
 * ```
 */
export interface RefreshTokenStore {
  /**
   * Stores a new session together with its first refresh token and, with
   * `options.maxActiveSessions`, revokes the subject's oldest sessions beyond that number — all
   * in one atomic step: afterwards the session, its token and the revocations all exist, or
   * none does. Concurrent logins of one subject must not both survive beyond the limit; a
   * store may serialise them or fail one of them.
   *
   * @param session - the new session; its `id` is fresh and random
   * @param token - its first token, unspent; `token.sessionId === session.id`
   * @param options - the session limit, if any
   * @returns the ids of the sessions this call revoked to respect the limit (empty without one)
   * @throws rejects if the session id or token hash already exists (astronomically unlikely,
   *   except when retrying a call that did complete)
   */
  createSession(session: SessionRecord, token: RefreshTokenRecord, options?: CreateSessionOptions): Promise<string[]>;

  /**
   * Finds a token by its hash, with its session. One indexed lookup; the hash matches exactly.
   *
   * Returns spent, expired and revoked entries alike: the manager decides what they mean. A
   * token whose session no longer exists (purged, or dropped by a TTL) is not found: a lookup
   * always carries its session. A spent token whose successor is spent too may come back with
   * `sealedSuccessor: null` (see {@link RefreshTokenRecord.sealedSuccessor}).
   *
   * @param hash - 64 lowercase hex characters
   * @returns the token and its session, or `null` when no token has that hash or its session is gone
   */
  findToken(hash: string): Promise<RefreshTokenLookup | null>;

  /**
   * Rotation, as one atomic compare-and-set: spends the token `request.hash` and stores
   * `request.successor`, **only if**, at the moment of the write, the token is unspent and
   * unexpired (`expiresAt > at`), its session is not revoked and unexpired, the successor
   * belongs to that same session (`successor.sessionId`), and no token has the successor's
   * hash yet. An existing token is never overwritten.
   *
   * On success, in the same atomic step: the token gets `spentAt = at`,
   * `successorHash = successor.hash` and `sealedSuccessor = request.sealedSuccessor`; the
   * successor is inserted; the session's `lastUsedAt` becomes `at`.
   *
   * On failure nothing changes and the answer is `false` (a store may instead reject when a
   * concurrent call inserts the same successor hash at the same moment). Under any concurrency,
   * of N calls for one hash at most one returns `true`, and the successor exists if and only if
   * that call returned `true` — never a fork of the session's chain. The session's state is
   * read as locked at the moment of the write: once a revocation of the session has resolved,
   * no spend of its tokens can succeed, and a spend that succeeds is seen by any read started
   * after a concurrent revocation resolved. A check made before the write (read, then write)
   * does not keep this promise.
   *
   * Idempotent: a call identical to the one that spent the token (same `hash`, same
   * `successor.hash`) returns `true` again without changing anything, so a caller whose reply
   * was lost may safely retry. Only the original caller knows the random successor hash. SQL
   * adapters typically do this with
   * `UPDATE … SET spent_at = ? WHERE hash = ? AND spent_at IS NULL AND expires_at > ?` checked
   * by the affected-row count, in one transaction with the successor's `INSERT`.
   *
   * @param request - what to spend and the successor to store: a fresh token (`spentAt`,
   *   `successorHash` and `sealedSuccessor` are `null`) of the spent token's session, whose
   *   `expiresAt` the manager has capped at the session's end
   * @returns `true` if this call spent the token (or had already spent it with this very
   *   successor), `false` if the condition did not hold
   */
  spendToken(request: SpendTokenRequest): Promise<boolean>;

  /**
   * Records that a session was used without rotating (refresh with rotation turned off): sets
   * `lastUsedAt = at` whatever the session's state — revoked, expired, or `at` earlier than the
   * current `lastUsedAt` (the store keeps what it is told). No other effect; an unknown id has
   * none at all, and in particular creates no record. Idempotent.
   *
   * @param sessionId - the session
   * @param at - the instant of use
   */
  touchSession(sessionId: string, at: Date): Promise<void>;

  /**
   * Finds a session by id. One indexed lookup; the id matches exactly.
   *
   * @param sessionId - the session
   * @returns the session whatever its state, or `null` if unknown
   */
  findSession(sessionId: string): Promise<SessionRecord | null>;

  /**
   * Revokes one session: sets `revokedAt = at` if it is not revoked yet, whatever its
   * `expiresAt` (an expired session not yet purged is revoked too, and counts). Afterwards no
   * token of the session can be spent (see {@link spendToken}). Touches the session row only —
   * never a scan of tokens. Idempotent: a repeated call answers `false` and keeps the first
   * `revokedAt`.
   *
   * @param sessionId - the session
   * @param at - the instant of revocation
   * @returns `true` if this call revoked it, `false` if it was unknown or already revoked
   */
  revokeSession(sessionId: string, at: Date): Promise<boolean>;

  /**
   * Revokes every session of a subject that is not revoked yet, whatever its `expiresAt`
   * (logout everywhere), limited to the sessions that belong to `binding` when one is given
   * (see {@link sessionBelongsTo}). The subject matches exactly. Cost proportional to that
   * subject's sessions. Idempotent: a repeated call revokes nothing more and answers `0`.
   *
   * Atomic per session, not across them: each session is revoked as by {@link revokeSession},
   * so a spend racing with it follows that rule session by session; the sessions need not be
   * revoked in one transaction, and one created while the call runs may stay active.
   *
   * @param subject - the subject
   * @param at - the instant of revocation
   * @param binding - the issuer and audience whose sessions to revoke; absent: all of them
   * @returns how many sessions this call revoked
   */
  revokeSubject(subject: string, at: Date, binding?: SessionBinding): Promise<number>;

  /**
   * Lists a subject's active sessions: not revoked and `expiresAt > at`, oldest first (by
   * `createdAt`, then `id` byte by byte). The subject matches exactly. Cost proportional to
   * that subject's sessions.
   *
   * @param subject - the subject
   * @param at - "now"
   * @returns the active sessions, possibly empty
   */
  listSessions(subject: string, at: Date): Promise<SessionRecord[]>;

  /**
   * Deletes what can no longer be used: tokens with `expiresAt <= at`, and sessions that are
   * revoked (whatever their `expiresAt`) or have `expiresAt <= at`, together with all their
   * tokens. Live sessions and their unexpired tokens — spent or not — are kept, so reuse is
   * still detected.
   *
   * Need not be one transaction: a store may delete in batches, each of which deletes a
   * session's tokens no later than the session itself, so that no batch leaves a token whose
   * session is gone. A repeated call deletes only what has ended since.
   *
   * @param at - "now"
   * @returns how many rows (sessions plus tokens) this call deleted; records a TTL dropped
   *   earlier are not counted
   */
  purgeExpired(at: Date): Promise<number>;
}
