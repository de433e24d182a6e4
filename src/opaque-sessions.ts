/**
 * Sessions backed by a {@link RefreshTokenStore}: creation, rotation with reuse detection and a
 * grace window, revocation. Internal: {@link TokenManager} is the public face.
 *
 * @module
 */
import { checkAppClaims } from "./access-tokens.js";
import {
  InvalidArgumentError,
  InvalidRefreshTokenError,
  isTokenwiseError,
  RefreshTokenExpiredError,
  RefreshTokenReusedError,
  SessionRevokedError,
  StoreError,
} from "./errors.js";
import type { RevocationReason, TokenEvent } from "./events.js";
import { constantTimeEqual } from "./lib/_bytes.js";
import type { ResolvedOptions } from "./options.js";
import { generateRefreshToken, hashRefreshToken, isOpaqueRefreshToken, sealSuccessor, unsealSuccessor } from "./refresh-tokens.js";
import type { JsonObject, RefreshTokenLookup, RefreshTokenRecord, RefreshTokenStore, SessionRecord } from "./store.js";

/** A refresh token handed to the client, with its expiry. */
interface IssuedRefreshToken {
  token: string;
  expiresAt: Date;
}

/** What a successful refresh yields; the manager adds the access token. */
export interface RefreshOutcome extends IssuedRefreshToken {
  session: SessionRecord;
  claims: JsonObject;
}

/** Internal engine of the opaque refresh-token mode. */
export class OpaqueSessions<Claims extends JsonObject> {
  readonly #options: ResolvedOptions<Claims>;
  readonly #store: RefreshTokenStore;
  readonly #emit: (event: TokenEvent) => void;

  constructor(options: ResolvedOptions<Claims>, store: RefreshTokenStore, emit: (event: TokenEvent) => void) {
    this.#options = options;
    this.#store = store;
    this.#emit = emit;
  }

  /** Stores a new session with its first refresh token, then enforces `maxSessionsPerSubject`. */
  async create(input: { sessionId: string; subject: string; claims: JsonObject; metadata: JsonObject }): Promise<IssuedRefreshToken> {
    const now = this.#options.now();
    const session: SessionRecord = {
      id: input.sessionId,
      subject: input.subject,
      claims: input.claims,
      metadata: input.metadata,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: new Date(now.getTime() + this.#options.sessionMaxAge * 1000),
      revokedAt: null,
    };
    const { token, record } = this.#newToken(session, now);
    await this.#call("createSession", (store) => store.createSession(session, record));
    if (Number.isFinite(this.#options.maxSessionsPerSubject)) await this.#evictOldSessions(session, now);
    return { token, expiresAt: record.expiresAt };
  }

  /**
   * Exchanges a refresh token. Unspent: spend it and issue a successor in one compare-and-set.
   * Spent (or lost the race to spend it): replay the successor within the grace window,
   * otherwise treat it as reuse and revoke the session.
   */
  async refresh(presented: unknown): Promise<RefreshOutcome> {
    if (!isOpaqueRefreshToken(presented)) throw new InvalidRefreshTokenError("The refresh token is malformed");
    const hash = hashRefreshToken(presented);
    const now = this.#options.now();
    let found = await this.#find(hash);
    if (!this.#options.rotateRefreshTokens && found.token.spentAt === null) return this.#keepWithoutRotation(presented, found, now);
    // Two passes at most: a lost compare-and-set means another caller spent the token just now.
    for (let attempt = 0; attempt < 2 && found.token.spentAt === null; attempt++) {
      requireUsable(found, now);
      const claims = await this.claimsFor(found.session);
      const { token, record } = this.#newToken(found.session, now);
      const sealedSuccessor = sealSuccessor(presented, token);
      const spent = await this.#call("spendToken", (store) => store.spendToken({ hash, at: now, successor: record, sealedSuccessor }));
      if (spent) {
        this.#emit({ type: "refreshed", at: now, subject: found.session.subject, sessionId: found.session.id, replayed: false });
        return { token, expiresAt: record.expiresAt, session: found.session, claims };
      }
      found = await this.#find(hash);
    }
    if (found.token.spentAt === null) throw new StoreError("store.spendToken refused to spend a usable token");
    return this.#replayOrRevoke(presented, found, now);
  }

  /** The claims for a session's next access token: reloaded by `resolveClaims`, or those of the login. */
  async claimsFor(session: SessionRecord): Promise<JsonObject> {
    const resolve = this.#options.resolveClaims;
    if (!resolve) return session.claims;
    const claims = await resolve(session);
    if (claims !== null) return checkAppClaims(claims, "resolveClaims()");
    await this.#revoke(session, "refused");
    throw new SessionRevokedError("resolveClaims refused the session");
  }

  /** The session of an access token, if it is still active and belongs to `subject`. */
  async requireActiveSession(sessionId: string, subject: string): Promise<SessionRecord> {
    const session = await this.#call("findSession", (store) => store.findSession(sessionId));
    if (!session || session.subject !== subject || session.revokedAt !== null) throw new SessionRevokedError();
    if (session.expiresAt.getTime() <= this.#options.now().getTime()) throw new SessionRevokedError("The session has ended");
    return session;
  }

  /** Revokes the session of a refresh token; `false` for an unknown token. */
  async revokeByToken(presented: unknown): Promise<boolean> {
    if (!isOpaqueRefreshToken(presented)) throw new InvalidRefreshTokenError("The refresh token is malformed");
    const hash = hashRefreshToken(presented);
    const found = await this.#call("findToken", (store) => store.findToken(hash));
    return found !== null && constantTimeEqual(found.token.hash, hash) && this.#revoke(found.session, "logout");
  }

  /** Revokes a session by id; `false` when unknown or already revoked. */
  async revokeById(sessionId: unknown): Promise<boolean> {
    if (typeof sessionId !== "string" || sessionId.length === 0) throw new InvalidArgumentError("sessionId", "expected a non-empty string");
    const session = await this.#call("findSession", (store) => store.findSession(sessionId));
    return session !== null && this.#revoke(session, "logout");
  }

  /** Revokes every session of a subject; returns how many. */
  async revokeSubject(subject: unknown): Promise<number> {
    const checked = requireSubject(subject);
    const now = this.#options.now();
    const count = await this.#call("revokeSubject", (store) => store.revokeSubject(checked, now));
    this.#emit({ type: "revoked_all", at: now, subject: checked, count });
    return count;
  }

  /** A subject's active sessions, oldest first. */
  async list(subject: unknown): Promise<SessionRecord[]> {
    const checked = requireSubject(subject);
    return this.#call("listSessions", (store) => store.listSessions(checked, this.#options.now()));
  }

  /** Deletes what can no longer be used. */
  async purge(): Promise<number> {
    return this.#call("purgeExpired", (store) => store.purgeExpired(this.#options.now()));
  }

  async #find(hash: string): Promise<RefreshTokenLookup> {
    const found = await this.#call("findToken", (store) => store.findToken(hash));
    // Exact, constant-time confirmation: a store may match case-insensitively (MySQL collations).
    if (!found || !constantTimeEqual(found.token.hash, hash)) throw new InvalidRefreshTokenError("The refresh token is unknown");
    return found;
  }

  /** `rotateRefreshTokens: false`: the same token stays valid until it expires. */
  async #keepWithoutRotation(presented: string, found: RefreshTokenLookup, now: Date): Promise<RefreshOutcome> {
    requireUsable(found, now);
    const claims = await this.claimsFor(found.session);
    await this.#call("touchSession", (store) => store.touchSession(found.session.id, now));
    this.#emit({ type: "refreshed", at: now, subject: found.session.subject, sessionId: found.session.id, replayed: false });
    return { token: presented, expiresAt: found.token.expiresAt, session: found.session, claims };
  }

  /**
   * A spent token presented again. Within the grace window, with its successor still unspent,
   * the caller gets that same successor (unsealed with the presented token); anything else is
   * reuse (RFC 9700 §4.14.2): the whole session is revoked.
   */
  async #replayOrRevoke(presented: string, found: RefreshTokenLookup, now: Date): Promise<RefreshOutcome> {
    const { token: spent, session } = found;
    const graceMs = this.#options.reuseGraceSeconds * 1000;
    const spentAgo = now.getTime() - (spent.spentAt as Date).getTime();
    if (graceMs > 0 && spentAgo < graceMs && spent.successorHash && spent.sealedSuccessor) {
      const successor = unsealSuccessor(presented, spent.sealedSuccessor);
      if (successor !== null && constantTimeEqual(hashRefreshToken(successor), spent.successorHash)) {
        const next = await this.#call("findToken", (store) => store.findToken(spent.successorHash as string));
        if (next && next.token.spentAt === null && isUsable(next, now)) {
          const claims = await this.claimsFor(next.session);
          this.#emit({ type: "refreshed", at: now, subject: session.subject, sessionId: session.id, replayed: true });
          return { token: successor, expiresAt: next.token.expiresAt, session: next.session, claims };
        }
      }
    }
    this.#emit({ type: "reuse_detected", at: now, subject: session.subject, sessionId: session.id });
    await this.#revoke(session, "reuse_detected");
    throw new RefreshTokenReusedError(session.id);
  }

  async #evictOldSessions(newest: SessionRecord, now: Date): Promise<void> {
    const active = await this.#call("listSessions", (store) => store.listSessions(newest.subject, now));
    const older = active.filter((session) => session.id !== newest.id);
    const excess = older.length + 1 - this.#options.maxSessionsPerSubject;
    for (const session of older.slice(0, Math.max(0, excess))) await this.#revoke(session, "replaced");
  }

  async #revoke(session: SessionRecord, reason: RevocationReason): Promise<boolean> {
    const at = this.#options.now();
    const revoked = await this.#call("revokeSession", (store) => store.revokeSession(session.id, at));
    if (revoked) this.#emit({ type: "revoked", at, subject: session.subject, sessionId: session.id, reason });
    return revoked;
  }

  #newToken(session: SessionRecord, now: Date): { token: string; record: RefreshTokenRecord } {
    const { token, hash } = generateRefreshToken(this.#options.randomBytes);
    const idleEnd = now.getTime() + this.#options.refreshTokenTtl * 1000;
    const record: RefreshTokenRecord = {
      hash,
      sessionId: session.id,
      issuedAt: now,
      expiresAt: new Date(Math.min(idleEnd, session.expiresAt.getTime())),
      spentAt: null,
      successorHash: null,
      sealedSuccessor: null,
    };
    return { token, record };
  }

  /** Runs a store call; anything it throws that is not a tokenwise error becomes `store_error`. */
  async #call<T>(method: string, operation: (store: RefreshTokenStore) => Promise<T>): Promise<T> {
    try {
      return await operation(this.#store);
    } catch (error) {
      if (isTokenwiseError(error)) throw error;
      throw new StoreError(`store.${method}() failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
}

/** Throws the right error when an unspent token cannot be used. */
function requireUsable({ token, session }: RefreshTokenLookup, now: Date): void {
  if (session.revokedAt !== null) throw new SessionRevokedError();
  if (session.expiresAt.getTime() <= now.getTime()) throw new RefreshTokenExpiredError("The session has reached its maximum age");
  if (token.expiresAt.getTime() <= now.getTime()) throw new RefreshTokenExpiredError();
}

function isUsable({ token, session }: RefreshTokenLookup, now: Date): boolean {
  const time = now.getTime();
  return session.revokedAt === null && session.expiresAt.getTime() > time && token.expiresAt.getTime() > time;
}

function requireSubject(subject: unknown): string {
  if (typeof subject !== "string" || subject.length === 0) throw new InvalidArgumentError("subject", "expected a non-empty string");
  return subject;
}
