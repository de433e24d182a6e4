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
  RefreshTokenExpiredError,
  RefreshTokenReusedError,
  SessionRevokedError,
  StoreError,
} from "./errors.js";
import type { RevocationReason, TokenEvent } from "./events.js";
import { isAbsentToken, MISSING_REFRESH_TOKEN } from "./lib/_absent-token.js";
import { constantTimeEqual } from "./lib/_bytes.js";
import { requireActiveSession } from "./lib/_active-session.js";
import { callStore } from "./lib/_store-call.js";
import * as results from "./lib/_store-results.js";
import type { ResolvedOptions } from "./options.js";
import { generateRefreshToken, hashRefreshToken, isOpaqueRefreshToken, openSeal, sealSuccessor } from "./refresh-tokens.js";
import type { JsonShape } from "./json.js";
import { sessionBelongsTo, type JsonObject, type RefreshTokenLookup, type RefreshTokenRecord, type RefreshTokenStore, type SessionRecord } from "./store.js";

/** A refresh token handed to the client, with its expiry. */
interface IssuedRefreshToken {
  token: string;
  expiresAt: Date;
}

/** What a successful refresh yields, with the access token minted for it. */
export interface RefreshOutcome<Access> extends IssuedRefreshToken {
  session: SessionRecord;
  access: Access;
}

/**
 * Signs the access token of a refresh. Called before the refresh token is spent, so that a
 * claim set that cannot be signed never burns the client's token.
 */
export type MintAccessToken<Access> = (session: SessionRecord, claims: JsonObject) => Promise<Access>;

/** Internal engine of the opaque refresh-token mode. */
export class OpaqueSessions<Claims extends JsonShape<Claims>> {
  readonly #options: ResolvedOptions<Claims>;
  readonly #store: RefreshTokenStore;
  readonly #emit: (event: TokenEvent) => void;

  constructor(options: ResolvedOptions<Claims>, store: RefreshTokenStore, emit: (event: TokenEvent) => void) {
    this.#options = options;
    this.#store = store;
    this.#emit = emit;
  }

  /**
   * Stores a new session with its first refresh token, revoking the subject's oldest sessions
   * beyond `maxSessionsPerSubject` in the same atomic store call: a failed login leaves no
   * session behind and evicts nothing.
   */
  async create(input: { sessionId: string; subject: string; claims: JsonObject; metadata: JsonObject }): Promise<IssuedRefreshToken> {
    const now = this.#options.now();
    const { issuer, audience, maxSessionsPerSubject } = this.#options;
    const session: SessionRecord = {
      id: input.sessionId,
      subject: input.subject,
      claims: input.claims,
      metadata: input.metadata,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: new Date(now.getTime() + this.#options.sessionMaxAge * 1000),
      revokedAt: null,
      issuer,
      audience,
    };
    const { token, record } = this.#newToken(session, now);
    const limit = Number.isFinite(maxSessionsPerSubject) ? { maxActiveSessions: maxSessionsPerSubject } : {};
    const evicted = await this.#call("createSession", results.sessionIds, (store) => store.createSession(session, record, limit));
    for (const sessionId of evicted) {
      this.#emit({ type: "revoked", at: now, subject: session.subject, sessionId, reason: "replaced" });
    }
    return { token, expiresAt: record.expiresAt };
  }

  /**
   * Exchanges a refresh token. Unspent: spend it and issue a successor in one compare-and-set.
   * Spent (or lost the race to spend it): replay the successor within the grace window,
   * otherwise treat it as reuse and revoke the session.
   */
  async refresh<Access>(presented: unknown, mint: MintAccessToken<Access>): Promise<RefreshOutcome<Access>> {
    assertOpaqueToken(presented);
    const hash = hashRefreshToken(presented);
    const now = this.#options.now();
    let found = await this.#find(hash);
    if (!this.#options.rotateRefreshTokens && found.token.spentAt === null) return this.#keepWithoutRotation(presented, found, now, mint);
    // Two passes at most: a lost compare-and-set means another caller spent the token just now.
    for (let attempt = 0; attempt < 2 && found.token.spentAt === null; attempt++) {
      requireUsable(found, now);
      const access = await mint(found.session, await this.claimsFor(found.session));
      const { token, record } = this.#newToken(found.session, now);
      const sealedSuccessor = sealSuccessor(presented, token);
      const request = { hash, at: now, successor: record, sealedSuccessor };
      if (await this.#call("spendToken", results.boolean, (store) => store.spendToken(request))) {
        this.#emit({ type: "refreshed", at: now, subject: found.session.subject, sessionId: found.session.id, replayed: false });
        return { token, expiresAt: record.expiresAt, session: found.session, access };
      }
      found = await this.#find(hash);
    }
    if (found.token.spentAt === null) throw new StoreError("store.spendToken refused to spend a usable token");
    return this.#replayOrRevoke(presented, found, now, mint);
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
    return requireActiveSession(await this.#findSession(sessionId), subject, this.#options.now());
  }

  /** Revokes the session of a refresh token; `false` for an unknown token. */
  async revokeByToken(presented: unknown): Promise<boolean> {
    assertOpaqueToken(presented);
    const found = await this.#lookUp(hashRefreshToken(presented));
    return found !== null && this.#revoke(found.session, "logout");
  }

  /** Revokes a session by id; `false` when unknown, of another binding, or already revoked. */
  async revokeById(sessionId: unknown): Promise<boolean> {
    if (typeof sessionId !== "string" || sessionId.length === 0) throw new InvalidArgumentError("sessionId", "expected a non-empty string");
    const session = await this.#findSession(sessionId);
    return session !== null && this.#revoke(session, "logout");
  }

  /** Revokes every session of a subject; returns how many. */
  async revokeSubject(subject: unknown): Promise<number> {
    const checked = requireSubject(subject);
    const now = this.#options.now();
    const { issuer, audience } = this.#options;
    const count = await this.#call("revokeSubject", results.count, (store) => store.revokeSubject(checked, now, { issuer, audience }));
    this.#emit({ type: "revoked_all", at: now, subject: checked, count });
    return count;
  }

  /** A subject's active sessions of this manager's binding, oldest first. */
  async list(subject: unknown): Promise<SessionRecord[]> {
    const checked = requireSubject(subject);
    const listed = await this.#call("listSessions", results.sessions, (store) => store.listSessions(checked, this.#options.now()));
    return listed.filter((session) => sessionBelongsTo(session, this.#options));
  }

  /** Deletes what can no longer be used. */
  async purge(): Promise<number> {
    return await this.#call("purgeExpired", results.count, (store) => store.purgeExpired(this.#options.now()));
  }

  /** The token of `hash` with its session; unknown when absent or bound to another manager. */
  async #find(hash: string): Promise<RefreshTokenLookup> {
    const found = await this.#lookUp(hash);
    if (!found) throw new InvalidRefreshTokenError("The refresh token is unknown");
    return found;
  }

  async #lookUp(hash: string): Promise<RefreshTokenLookup | null> {
    const found = await this.#call("findToken", results.lookupOrNull, (store) => store.findToken(hash));
    // Exact, constant-time confirmation: a store may match case-insensitively (MySQL collations).
    if (!found || !constantTimeEqual(found.token.hash, hash)) return null;
    return sessionBelongsTo(found.session, this.#options) ? found : null;
  }

  /** A session of this manager's binding, or `null`. */
  async #findSession(sessionId: string): Promise<SessionRecord | null> {
    const session = await this.#call("findSession", results.sessionOrNull, (store) => store.findSession(sessionId));
    return session && sessionBelongsTo(session, this.#options) ? session : null;
  }

  /** `rotateRefreshTokens: false`: the same token stays valid until it expires. */
  async #keepWithoutRotation<Access>(presented: string, found: RefreshTokenLookup, now: Date, mint: MintAccessToken<Access>): Promise<RefreshOutcome<Access>> {
    requireUsable(found, now);
    const access = await mint(found.session, await this.claimsFor(found.session));
    await this.#call("touchSession", results.ignored, (store) => store.touchSession(found.session.id, now));
    this.#emit({ type: "refreshed", at: now, subject: found.session.subject, sessionId: found.session.id, replayed: false });
    return { token: presented, expiresAt: found.token.expiresAt, session: found.session, access };
  }

  /**
   * A spent token presented again. Within the grace window, with its successor still unspent,
   * the caller gets that same successor (unsealed with the presented token); anything else is
   * reuse (RFC 9700 §4.14.2): the whole session is revoked.
   */
  async #replayOrRevoke<Access>(presented: string, found: RefreshTokenLookup, now: Date, mint: MintAccessToken<Access>): Promise<RefreshOutcome<Access>> {
    const { token: spent, session } = found;
    const graceMs = this.#options.reuseGraceSeconds * 1000;
    const spentAgo = now.getTime() - (spent.spentAt as Date).getTime();
    if (graceMs > 0 && spentAgo < graceMs && spent.successorHash && spent.sealedSuccessor) {
      const successor = openSeal(presented, spent.sealedSuccessor, spent.successorHash);
      if (successor !== null) {
        const next = await this.#lookUp(spent.successorHash);
        if (next && next.token.spentAt === null && isUsable(next, now)) {
          const access = await mint(next.session, await this.claimsFor(next.session));
          this.#emit({ type: "refreshed", at: now, subject: session.subject, sessionId: session.id, replayed: true });
          return { token: successor, expiresAt: next.token.expiresAt, session: next.session, access };
        }
      }
    }
    this.#emit({ type: "reuse_detected", at: now, subject: session.subject, sessionId: session.id });
    await this.#revoke(session, "reuse_detected");
    throw new RefreshTokenReusedError(session.id);
  }

  async #revoke(session: SessionRecord, reason: RevocationReason): Promise<boolean> {
    const at = this.#options.now();
    const revoked = await this.#call("revokeSession", results.boolean, (store) => store.revokeSession(session.id, at));
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

  /** Runs a store call under `storeTimeout` and checks its result; see {@link callStore}. */
  #call<T>(method: keyof RefreshTokenStore, check: results.ResultCheck<T>, operation: (store: RefreshTokenStore) => Promise<unknown>): Promise<T> {
    return callStore(this.#store, method, check, operation, this.#options.storeTimeoutSeconds);
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

/** Refuses a value that is not an opaque refresh token, saying whether it is missing or malformed. */
function assertOpaqueToken(presented: unknown): asserts presented is string {
  if (isOpaqueRefreshToken(presented)) return;
  throw new InvalidRefreshTokenError(isAbsentToken(presented) ? MISSING_REFRESH_TOKEN : "The refresh token is malformed");
}
