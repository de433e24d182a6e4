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
 *   is recognised as reuse.
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
  /** Random, unique session id (the access token's `sid` claim). */
  id: string;
  /** Who logged in (the access token's `sub` claim). */
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
  /** The successor, stored in the same atomic step (its `spentAt`, `successorHash` and `sealedSuccessor` are `null`). */
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
   * @param token - its first token; `token.sessionId === session.id`
   * @param options - the session limit, if any
   * @returns the ids of the sessions this call revoked to respect the limit (empty without one)
   * @throws rejects if the session id or token hash already exists (astronomically unlikely)
   */
  createSession(session: SessionRecord, token: RefreshTokenRecord, options?: CreateSessionOptions): Promise<string[]>;

  /**
   * Finds a token by its hash, with its session. One indexed lookup.
   *
   * Returns spent, expired and revoked entries alike: the manager decides what they mean.
   *
   * @param hash - 64 lowercase hex characters
   * @returns the token and its session, or `null` when no token has that hash
   */
  findToken(hash: string): Promise<RefreshTokenLookup | null>;

  /**
   * Rotation, as one atomic compare-and-set: spends the token `request.hash` and stores
   * `request.successor`, **only if**, at the moment of the write, the token is unspent and
   * unexpired (`expiresAt > at`) and its session is not revoked and unexpired.
   *
   * On success, in the same atomic step: the token gets `spentAt = at`,
   * `successorHash = successor.hash` and `sealedSuccessor = request.sealedSuccessor`; the
   * successor is inserted; the session's `lastUsedAt` becomes `at`.
   *
   * On failure nothing changes. Under any concurrency, of N calls for one hash at most one
   * returns `true`, and the successor exists if and only if that call returned `true` — never a
   * fork of the session's chain. The session's state is read as locked at the moment of the
   * write: once a revocation of the session has committed, no spend of its tokens can succeed.
   *
   * Idempotent: a call identical to the one that spent the token (same `hash`, same
   * `successor.hash`) returns `true` again without changing anything, so a caller whose reply
   * was lost may safely retry. Only the original caller knows the random successor hash. SQL adapters typically do this with
   * `UPDATE … SET spent_at = ? WHERE hash = ? AND spent_at IS NULL AND expires_at > ?` checked
   * by the affected-row count, in one transaction with the successor's `INSERT`.
   *
   * @param request - what to spend and the successor to store
   * @returns `true` if this call spent the token (or had already spent it with this very
   *   successor), `false` if the condition did not hold
   */
  spendToken(request: SpendTokenRequest): Promise<boolean>;

  /**
   * Records that a session was used without rotating (refresh with rotation turned off):
   * sets `lastUsedAt = at` if the session exists. No other effect.
   *
   * @param sessionId - the session
   * @param at - the instant of use
   */
  touchSession(sessionId: string, at: Date): Promise<void>;

  /**
   * Finds a session by id. One indexed lookup.
   *
   * @param sessionId - the session
   * @returns the session whatever its state, or `null` if unknown
   */
  findSession(sessionId: string): Promise<SessionRecord | null>;

  /**
   * Revokes one session: sets `revokedAt = at` if it is not revoked yet. Afterwards no token of
   * the session can be spent (see {@link spendToken}). Touches the session row only — never a
   * scan of tokens. Idempotent.
   *
   * @param sessionId - the session
   * @param at - the instant of revocation
   * @returns `true` if this call revoked it, `false` if it was unknown or already revoked
   */
  revokeSession(sessionId: string, at: Date): Promise<boolean>;

  /**
   * Revokes every session of a subject that is not revoked yet (logout everywhere), limited to
   * the sessions that belong to `binding` when one is given (see {@link sessionBelongsTo}).
   * Cost proportional to that subject's sessions. Idempotent.
   *
   * @param subject - the subject
   * @param at - the instant of revocation
   * @param binding - the issuer and audience whose sessions to revoke; absent: all of them
   * @returns how many sessions this call revoked
   */
  revokeSubject(subject: string, at: Date, binding?: SessionBinding): Promise<number>;

  /**
   * Lists a subject's active sessions: not revoked and `expiresAt > at`, oldest first
   * (by `createdAt`, then `id`). Cost proportional to that subject's sessions.
   *
   * @param subject - the subject
   * @param at - "now"
   * @returns the active sessions, possibly empty
   */
  listSessions(subject: string, at: Date): Promise<SessionRecord[]>;

  /**
   * Deletes what can no longer be used: tokens with `expiresAt <= at`, and sessions that are
   * revoked or have `expiresAt <= at`, together with all their tokens. Live sessions and their
   * unexpired tokens — spent or not — are kept, so reuse is still detected.
   *
   * @param at - "now"
   * @returns how many rows (sessions plus tokens) were deleted
   */
  purgeExpired(at: Date): Promise<number>;
}
