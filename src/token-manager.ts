/**
 * The public face of tokenwise: one object that logs users in, verifies access tokens, rotates
 * refresh tokens and ends sessions.
 *
 * @module
 */
import {
  appClaimsOf,
  checkAppClaims,
  signAccessToken,
  verifyAccessTokenJwt,
  type AccessTokenVerifier,
  type VerifiedAccessToken,
  type VerifyOptions,
} from "./access-tokens.js";
import { InvalidArgumentError, UnsupportedOperationError } from "./errors.js";
import type { TokenEvent } from "./events.js";
import { toBase64Url } from "./lib/_bytes.js";
import type { JwtContext } from "./lib/_jwt.js";
import { staticKeySource } from "./lib/_key-source.js";
import { sumStats, VerifiedTokenCache } from "./lib/_verified-token-cache.js";
import { resolveOptions, type ResolvedOptions, type TokenManagerOptions } from "./options.js";
import { OpaqueSessions } from "./opaque-sessions.js";
import { importSigningKeys, type ImportedKey } from "./lib/_key-import.js";
import { checkSigningKeys, type Jwk } from "./signing-keys.js";
import { refreshStatelessSession, signStatelessRefreshToken } from "./stateless-refresh-tokens.js";
import type { JsonShape } from "./json.js";
import type { JsonObject, SessionRecord } from "./store.js";
import type { VerifiedTokenCacheStats } from "./verified-token-cache.js";

/** What `issue()` needs: who logged in, and what the access tokens should say about them. */
export interface IssueOptions<Claims extends JsonShape<Claims> = JsonObject> {
  /** The user's stable id; becomes `sub`. */
  subject: string;
  /** App claims for every access token of the session (roles, email, …). Registered names are refused. */
  claims?: Claims;
  /** Free-form data kept with the session (device, IP), returned by `listSessions`. Not put in tokens. */
  metadata?: JsonObject;
}

/** A new access token, as returned by `reissueAccessToken`. */
export interface AccessTokenGrant {
  /** The JWT to send as `Authorization: Bearer …`. */
  accessToken: string;
  /** Always `"Bearer"` (RFC 6750). */
  tokenType: "Bearer";
  /** Seconds until the access token expires (RFC 6749 §5.1 `expires_in`). */
  expiresIn: number;
  /** When the access token expires. */
  accessTokenExpiresAt: Date;
  /** The session the tokens belong to (`sid`). */
  sessionId: string;
  /** The subject (`sub`). */
  subject: string;
}

/** The result of a login or a refresh: an access token and the refresh token to get the next one. */
export interface TokenPair extends AccessTokenGrant {
  /** The refresh token: opaque (default) or a JWT in stateless mode. Store it securely. */
  refreshToken: string;
  /** When the refresh token stops working if not used (capped by the session's maximum age). */
  refreshTokenExpiresAt: Date;
  /** Seconds until `refreshTokenExpiresAt`, by the manager's clock: a cookie's `Max-Age`. */
  refreshTokenExpiresIn: number;
}

/** A JSON Web Key Set of the public signing keys, for `/.well-known/jwks.json`. */
export interface JsonWebKeySet {
  /** Public JWKs with `kid`, `alg` and `use: "sig"`. */
  keys: Jwk[];
}

/** The manager's signing and verification context, with the public keys `jwks()` serves. */
interface ManagerContext extends JwtContext {
  publicJwks: readonly Jwk[];
}

/**
 * Issues and verifies JWT access tokens and rotates refresh tokens.
 *
 * Access tokens are RFC 9068 JWTs, verified with the algorithm pinned per key, `typ`, `iss`,
 * `aud` and `exp` checked. Refresh tokens are opaque 256-bit strings stored only as SHA-256
 * hashes, rotated on every use; presenting a spent one again revokes the session (RFC 9700),
 * except within a short grace window where the client gets the same successor back.
 *
 * @typeParam Claims - the app's own access-token claims, returned typed by `verifyAccessToken`: a type
 *   or an interface whose members are JSON values ({@link JsonShape}); a `Date` member is a type error
 *
 * @example
 * ```ts
 * import { TokenManager, MemoryRefreshTokenStore, generateSigningKey } from "tokenwise";
 *
 * const tokens = new TokenManager<{ roles: string[] }>({
 *   issuer: "https://api.example.com",
 *   audience: "api",
 *   signingKeys: [await generateSigningKey("EdDSA")],
 *   store: new MemoryRefreshTokenStore(),
 * });
 * const pair = await tokens.issue({ subject: "user-42", claims: { roles: ["admin"] } });
 * const claims = await tokens.verifyAccessToken(pair.accessToken); // claims.roles: string[]
 * const next = await tokens.refresh(pair.refreshToken);
 * ```
 */
export class TokenManager<Claims extends JsonShape<Claims> = JsonObject> implements AccessTokenVerifier<Claims> {
  readonly #options: ResolvedOptions<Claims>;
  readonly #context: Promise<ManagerContext>;
  /** The context once imported: verification then awaits nothing it need not. */
  #imported: ManagerContext | null = null;
  readonly #cache: VerifiedTokenCache | null;
  readonly #sessions: OpaqueSessions<Claims> | null;

  /**
   * @param options - see {@link TokenManagerOptions}
   * @throws {InvalidConfigError} `invalid_config` naming the bad option. Key material that
   *   can only be checked by importing it (PEM, JWK) is reported by `ready()` and by the first call.
   */
  constructor(options: TokenManagerOptions<Claims>) {
    this.#options = resolveOptions(options);
    const signer = checkSigningKeys(options.signingKeys);
    const { issuer, audience, clockToleranceSeconds, maxTokenLifetimeSeconds, verifiedTokenCacheSize, now, store } = this.#options;
    const cache = verifiedTokenCacheSize === null ? null : new VerifiedTokenCache(verifiedTokenCacheSize);
    this.#cache = cache;
    this.#context = importSigningKeys(options.signingKeys).then((keys) => {
      this.#imported = {
        issuer,
        audience,
        clockToleranceSeconds,
        maxTokenLifetimeSeconds,
        now,
        // The manager's keys are fixed: its cache is never flushed.
        keys: staticKeySource(keys),
        accessTokenCache: cache,
        signingKey: keys[signer] as ImportedKey,
        publicJwks: keys.flatMap((key) => (key.publicJwk ? [key.publicJwk] : [])),
      };
      return this.#imported;
    });
    // Import failures are reported by ready() and every call; keep them from being "unhandled" meanwhile.
    this.#context.catch(() => undefined);
    this.#sessions = store ? new OpaqueSessions(this.#options, store, (event) => this.#emit(event)) : null;
  }

  /**
   * Resolves once every signing key is imported. Await it at start-up to fail fast on a bad key.
   *
   * @throws {InvalidConfigError} `invalid_config` naming the key that cannot be imported
   */
  async ready(): Promise<void> {
    await this.#context;
  }

  /**
   * Logs a subject in: creates a session and returns its first token pair.
   *
   * @param input - the subject, its claims and session metadata
   * @returns the access token, refresh token and their lifetimes
   * @throws {InvalidArgumentError} `invalid_argument` for an empty subject or a reserved claim name
   * @throws {StoreError} `store_error` if the store fails
   */
  async issue(input: IssueOptions<Claims>): Promise<TokenPair> {
    if (typeof input !== "object" || input === null) throw new InvalidArgumentError("input", "expected { subject, claims?, metadata? }");
    const subject = input.subject;
    if (typeof subject !== "string" || subject.length === 0) throw new InvalidArgumentError("subject", "expected a non-empty string");
    const claims = checkAppClaims(input.claims, "claims");
    const metadata = checkAppClaims(input.metadata, "metadata");
    const context = await this.#context;
    const sessionId = toBase64Url(this.#options.randomBytes(16));
    const access = await this.#signAccessToken(context, subject, sessionId, claims);
    const refresh = this.#sessions
      ? await this.#sessions.create({ sessionId, subject, claims, metadata })
      : await signStatelessRefreshToken(context, this.#sessionJwtInput(subject, sessionId, claims, this.#options.refreshTokenTtl));
    this.#emit({ type: "issued", at: this.#options.now(), subject, sessionId });
    return this.#pair(access, refresh.token, refresh.expiresAt);
  }

  /**
   * Verifies an access token and returns its claims.
   *
   * @param token - the JWT from `Authorization: Bearer …`; any value is accepted and checked
   * @param options - `checkSession` to also reject tokens of revoked sessions
   * @returns the registered claims and the app's claims
   * @throws {TokenExpiredError} `token_expired`
   * @throws {InvalidTokenError} `invalid_token`: missing (`undefined`, `null`, `""`), malformed, bad signature, wrong `typ`/`iss`/`aud`, unknown `kid`
   * @throws {SessionRevokedError} `session_revoked` with `checkSession` when the session has ended
   */
  async verifyAccessToken(token: unknown, options?: VerifyOptions): Promise<VerifiedAccessToken<Claims>> {
    const verified = verifyAccessTokenJwt<Claims>(this.#imported ?? (await this.#context), token);
    const claims = verified instanceof Promise ? await verified : verified;
    if (options?.checkSession) await this.#requireSessions("checkSession").requireActiveSession(claims.sid, claims.sub);
    return claims;
  }

  /**
   * What the verified-token cache of `verifyAccessToken` did so far (all zero with
   * `verifiedTokenCache: false`).
   *
   * @returns hits, misses, entries kept and the most kept
   *
   * @example
   * ```ts
   * import { TokenManager } from "tokenwise";
   *
   * const { hits, misses } = tokens.cacheStats();
   * metrics.gauge("tokenwise.cache.hit_ratio", hits / Math.max(1, hits + misses));
   * ```
   */
  cacheStats(): VerifiedTokenCacheStats {
    return sumStats([this.#cache]);
  }

  /**
   * Exchanges a refresh token for a new token pair. With rotation (the default) the presented
   * token is spent and a successor returned; presenting it again later revokes the session.
   *
   * @param refreshToken - the refresh token as the client sent it; any value is accepted and checked
   * @returns the new pair
   * @throws {InvalidRefreshTokenError} `invalid_refresh_token` when missing, malformed or unknown (nothing changes)
   * @throws {RefreshTokenExpiredError} `refresh_token_expired` when the token or its session has expired
   * @throws {RefreshTokenReusedError} `refresh_token_reused` when a spent token is presented outside the grace window; the session is now revoked
   * @throws {SessionRevokedError} `session_revoked` when the session was revoked, or `resolveClaims` refused it
   * @throws {StoreError} `store_error` if the store fails
   */
  async refresh(refreshToken: unknown): Promise<TokenPair> {
    const context = await this.#context;
    const mint = (session: SessionRecord, claims: JsonObject) => this.#signAccessToken(context, session.subject, session.id, claims);
    if (this.#sessions) {
      const refreshed = await this.#sessions.refresh(refreshToken, mint);
      return this.#pair(refreshed.access, refreshed.token, refreshed.expiresAt);
    }
    const refreshed = await refreshStatelessSession(context, refreshToken, this.#options.resolveClaims, mint);
    this.#emit({ type: "refreshed", at: this.#options.now(), subject: refreshed.session.subject, sessionId: refreshed.session.id, replayed: false });
    return this.#pair(refreshed.access, refreshed.token, refreshed.expiresAt);
  }

  /**
   * Issues a fresh access token for a still-valid one, in the same session (seed 002's
   * `regenerate_token`). With a store, the session must still be active and its claims are
   * reloaded through `resolveClaims` when configured.
   *
   * @param accessToken - a valid access token
   * @returns the new access token
   * @throws {TokenExpiredError} `token_expired` — use `refresh` instead
   * @throws {InvalidTokenError} `invalid_token`
   * @throws {SessionRevokedError} `session_revoked` when the session has ended
   */
  async reissueAccessToken(accessToken: unknown): Promise<AccessTokenGrant> {
    const context = await this.#context;
    const verified = await verifyAccessTokenJwt<Claims>(context, accessToken);
    const claims = this.#sessions
      ? await this.#sessions.claimsFor(await this.#sessions.requireActiveSession(verified.sid, verified.sub))
      : appClaimsOf(verified);
    return this.#signAccessToken(context, verified.sub, verified.sid, claims);
  }

  /**
   * Logs out the session a refresh token belongs to. Idempotent.
   *
   * @param refreshToken - any refresh token of the session, spent or not
   * @returns `true` if this call revoked the session; `false` if it was already revoked or the token is unknown
   * @throws {InvalidRefreshTokenError} `invalid_refresh_token` when the value is not shaped like a refresh token
   * @throws {UnsupportedOperationError} `unsupported_operation` in stateless mode: stateless tokens cannot be revoked
   */
  async revoke(refreshToken: unknown): Promise<boolean> {
    return this.#requireSessions("revoke").revokeByToken(refreshToken);
  }

  /**
   * Logs out one session by id (e.g. "sign out that device" from `listSessions`). Idempotent.
   *
   * @param sessionId - the session's id
   * @returns `true` if this call revoked it
   * @throws {UnsupportedOperationError} `unsupported_operation` in stateless mode
   */
  async revokeSession(sessionId: string): Promise<boolean> {
    return this.#requireSessions("revokeSession").revokeById(sessionId);
  }

  /**
   * Logs a subject out everywhere: revokes all of its sessions.
   *
   * @param subject - the subject
   * @returns how many sessions were revoked
   * @throws {UnsupportedOperationError} `unsupported_operation` in stateless mode
   */
  async revokeAllSessions(subject: string): Promise<number> {
    return this.#requireSessions("revokeAllSessions").revokeSubject(subject);
  }

  /**
   * Lists a subject's active sessions, oldest first.
   *
   * @param subject - the subject
   * @returns each session's id, claims, metadata and timestamps
   * @throws {UnsupportedOperationError} `unsupported_operation` in stateless mode
   */
  async listSessions(subject: string): Promise<SessionRecord[]> {
    return this.#requireSessions("listSessions").list(subject);
  }

  /**
   * Deletes expired tokens and ended sessions from the store. Run it periodically (hourly).
   *
   * @returns how many rows were deleted; `0` in stateless mode, where nothing is stored
   */
  async purgeExpired(): Promise<number> {
    return this.#sessions ? this.#sessions.purge() : 0;
  }

  /**
   * The public keys of the asymmetric signing keys — the one signing now, `next` keys not yet
   * signing and old verify-only keys — for resource servers that verify tokens themselves (serve
   * it with `jwksResponse()` from `tokenwise/http`). HMAC secrets are never included.
   *
   * @returns a JWK Set
   */
  async jwks(): Promise<JsonWebKeySet> {
    const { publicJwks } = await this.#context;
    return { keys: publicJwks.map((jwk) => ({ ...jwk })) };
  }

  async #signAccessToken(context: JwtContext, subject: string, sessionId: string, claims: JsonObject): Promise<AccessTokenGrant> {
    const ttl = this.#options.accessTokenTtl;
    const { token, expiresAt } = await signAccessToken(context, this.#sessionJwtInput(subject, sessionId, claims, ttl));
    return { accessToken: token, tokenType: "Bearer", expiresIn: ttl, accessTokenExpiresAt: expiresAt, sessionId, subject };
  }

  #pair(access: AccessTokenGrant, refreshToken: string, refreshTokenExpiresAt: Date): TokenPair {
    const refreshTokenExpiresIn = Math.max(0, Math.floor((refreshTokenExpiresAt.getTime() - this.#options.now().getTime()) / 1000));
    // Spelled out rather than spread: one object shape for every pair, on the refresh hot path.
    const { accessToken, tokenType, expiresIn, accessTokenExpiresAt, sessionId, subject } = access;
    return { accessToken, tokenType, expiresIn, accessTokenExpiresAt, sessionId, subject, refreshToken, refreshTokenExpiresAt, refreshTokenExpiresIn };
  }

  #sessionJwtInput(subject: string, sessionId: string, claims: JsonObject, ttlSeconds: number) {
    return { subject, sessionId, claims, ttlSeconds, randomBytes: this.#options.randomBytes };
  }

  #requireSessions(operation: string): OpaqueSessions<Claims> {
    if (!this.#sessions) {
      throw new UnsupportedOperationError(`${operation} needs a store; stateless refresh tokens cannot be revoked or listed`);
    }
    return this.#sessions;
  }

  #emit(event: TokenEvent): void {
    this.#options.onEvent?.(event);
  }
}
