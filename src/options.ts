/**
 * Everything {@link TokenManager} can be configured with, and the checks that turn a bad
 * configuration into an `invalid_config` error at construction rather than a failure in
 * production.
 *
 * @module
 */
import { parseDuration, type Duration } from "./duration.js";
import { InvalidConfigError } from "./errors.js";
import type { TokenEventListener } from "./events.js";
import { cacheSizeOf } from "./lib/_verified-token-cache.js";
import { secureRandomBytes, type RandomBytes } from "./random.js";
import type { SigningKey } from "./signing-keys.js";
import type { JsonShape } from "./json.js";
import type { JsonObject, RefreshTokenStore, SessionRecord } from "./store.js";
import type { VerifiedTokenCacheOptions } from "./verified-token-cache.js";

/** How refresh tokens are represented. */
export type RefreshTokenMode =
  /** An opaque random string whose hash lives in the store: rotatable and revocable. */
  | "opaque"
  /**
   * A signed JWT that needs no store. It cannot be revoked or rotated: it stays valid until it
   * expires, whatever happens. Choose it only when no shared storage exists.
   */
  | "stateless";

/** Options of {@link TokenManager}. */
export interface TokenManagerOptions<Claims extends JsonShape<Claims> = JsonObject> {
  /** The `iss` of every token, checked on verification. Usually your API's URL. */
  issuer: string;
  /** The `aud` of every access token, checked on verification. */
  audience: string;
  /**
   * Keys, newest first: the first signs, every one verifies (rotation: add a new key in front,
   * drop the old one once its tokens have expired).
   */
  signingKeys: readonly SigningKey[];
  /** Where sessions and refresh-token hashes live. Required unless `refreshTokenMode` is `"stateless"`. */
  store?: RefreshTokenStore;
  /** Lifetime of an access token; at most `sessionMaxAge` (else `invalid_config`). @default "15m" */
  accessTokenTtl?: Duration;
  /** Idle lifetime of one refresh token: the session ends if not refreshed within it. @default "7d" */
  refreshTokenTtl?: Duration;
  /** Absolute lifetime of a session, however often it is refreshed. @default "30d" */
  sessionMaxAge?: Duration;
  /** Opaque stored refresh tokens, or self-contained JWTs. @default "opaque" */
  refreshTokenMode?: RefreshTokenMode;
  /**
   * Replace the refresh token on every refresh (RFC 9700 §4.14.2). Turning it off keeps one
   * refresh token per session until it expires — weaker: a stolen token works until then.
   * @default true
   */
  rotateRefreshTokens?: boolean;
  /**
   * Seconds after a refresh during which the spent token may be presented again and yields the
   * same successor (two tabs racing, a lost response). `0` is strict: any second use is reuse.
   * @default 10
   */
  reuseGraceSeconds?: number;
  /**
   * Most concurrent sessions per subject (of this manager's issuer and audience); a new login
   * revokes the oldest beyond it. `1` = one login at a time. Creating the session and revoking
   * the oldest are one atomic store call: a login that fails leaves no session behind and
   * revokes nothing, and simultaneous logins never leave more than this many active.
   * @default unlimited
   */
  maxSessionsPerSubject?: number;
  /**
   * Leeway for `exp`, `nbf` and `iat` checks, to absorb clock skew between servers: a token
   * whose `iat` lies further in the future is refused. @default 5
   */
  clockTolerance?: Duration;
  /**
   * Refuse access tokens whose lifetime (`exp - iat`) exceeds this. Set it when other parties
   * hold an HMAC secret (they could mint tokens that live for years) or to catch a
   * misconfigured issuer; leave headroom above `accessTokenTtl` while changing that TTL.
   * @default no bound
   */
  maxTokenLifetime?: Duration;
  /**
   * Keeps access tokens that verified, so that the same token presented again skips parsing and
   * the signature check: a bounded LRU keyed by the whole token string. Every hit still checks
   * `exp`, `nbf` and `iat` against the clock, and `checkSession` still reads the session. The
   * claims returned are then frozen (they are shared between hits). `false` turns it off.
   * @default { maxEntries: 1000 }
   */
  verifiedTokenCache?: VerifiedTokenCacheOptions | false;
  /**
   * Longest wait for one store call. A call that has not settled by then fails the operation
   * with `store_error` (503) instead of holding the request open for ever. The call itself is
   * not cancelled, so a write may still complete later: every store write is atomic, and a
   * client that retries a refresh whose spend committed late gets the same successor back —
   * provided it retries within `reuseGraceSeconds`, which is why the timeout must be shorter
   * than the grace window. The default is far longer than any healthy database needs and
   * leaves the client half the grace window to retry. `false` waits for ever.
   * @default "5s", or half of `reuseGraceSeconds` (at least 1 s) when that is shorter
   */
  storeTimeout?: Duration | false;
  /**
   * Called on every refresh (and reissue) to reload the claims for the new access token, e.g.
   * fresh roles. Return `null` to refuse: the session is revoked and `session_revoked` thrown.
   * @default reuse the claims given at login
   */
  resolveClaims?: (session: SessionRecord) => Claims | null | Promise<Claims | null>;
  /** Audit hook; see {@link TokenEventListener}. */
  onEvent?: TokenEventListener;
  /** The clock. Inject one in tests to make tokens expire without waiting. @default () => new Date() */
  now?: () => Date;
  /** Randomness for tokens and ids. @default Web Crypto's getRandomValues */
  randomBytes?: RandomBytes;
}

/** Options after defaults and validation. Internal. */
export interface ResolvedOptions<Claims extends JsonShape<Claims>> {
  issuer: string;
  audience: string;
  store: RefreshTokenStore | null;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  sessionMaxAge: number;
  refreshTokenMode: RefreshTokenMode;
  rotateRefreshTokens: boolean;
  reuseGraceSeconds: number;
  maxSessionsPerSubject: number;
  clockToleranceSeconds: number;
  maxTokenLifetimeSeconds: number | null;
  /** Entries of the verified-token cache, or `null` with it off. */
  verifiedTokenCacheSize: number | null;
  storeTimeoutSeconds: number | null;
  resolveClaims: ((session: SessionRecord) => Claims | null | Promise<Claims | null>) | null;
  onEvent: TokenEventListener | null;
  now: () => Date;
  randomBytes: RandomBytes;
}

const STORE_METHODS = [
  "createSession",
  "findToken",
  "spendToken",
  "touchSession",
  "findSession",
  "revokeSession",
  "revokeSubject",
  "listSessions",
  "purgeExpired",
] as const;

/** Applies defaults and validates every option except the keys (imported asynchronously). */
export function resolveOptions<Claims extends JsonShape<Claims>>(options: TokenManagerOptions<Claims>): ResolvedOptions<Claims> {
  if (typeof options !== "object" || options === null) throw new InvalidConfigError("options", "expected an options object");
  const refreshTokenMode = options.refreshTokenMode ?? "opaque";
  if (refreshTokenMode !== "opaque" && refreshTokenMode !== "stateless") {
    throw new InvalidConfigError("refreshTokenMode", `expected "opaque" or "stateless"; got ${JSON.stringify(refreshTokenMode)}`);
  }
  const reuseGraceSeconds = parseDuration(options.reuseGraceSeconds ?? 10, "reuseGraceSeconds", { allowZero: true });
  const resolved: ResolvedOptions<Claims> = {
    issuer: nonEmptyString(options.issuer, "issuer"),
    audience: nonEmptyString(options.audience, "audience"),
    store: refreshTokenMode === "opaque" ? checkStore(options.store) : null,
    accessTokenTtl: parseDuration(options.accessTokenTtl ?? "15m", "accessTokenTtl"),
    refreshTokenTtl: parseDuration(options.refreshTokenTtl ?? "7d", "refreshTokenTtl"),
    sessionMaxAge: parseDuration(options.sessionMaxAge ?? "30d", "sessionMaxAge"),
    refreshTokenMode,
    rotateRefreshTokens: booleanOption(options.rotateRefreshTokens, "rotateRefreshTokens", true),
    reuseGraceSeconds,
    maxSessionsPerSubject: positiveIntegerOption(options.maxSessionsPerSubject, "maxSessionsPerSubject"),
    clockToleranceSeconds: parseDuration(options.clockTolerance ?? 5, "clockTolerance", { allowZero: true }),
    maxTokenLifetimeSeconds: options.maxTokenLifetime === undefined ? null : parseDuration(options.maxTokenLifetime, "maxTokenLifetime"),
    verifiedTokenCacheSize: cacheSizeOf(options.verifiedTokenCache),
    storeTimeoutSeconds: storeTimeoutOption(options.storeTimeout, reuseGraceSeconds),
    resolveClaims: functionOption(options.resolveClaims, "resolveClaims"),
    onEvent: functionOption(options.onEvent, "onEvent"),
    now: functionOption(options.now, "now") ?? (() => new Date()),
    randomBytes: functionOption(options.randomBytes, "randomBytes") ?? secureRandomBytes,
  };
  if (resolved.refreshTokenTtl > resolved.sessionMaxAge) {
    throw new InvalidConfigError("refreshTokenTtl", "must not exceed sessionMaxAge");
  }
  if (resolved.accessTokenTtl > resolved.sessionMaxAge) {
    throw new InvalidConfigError("accessTokenTtl", "must not exceed sessionMaxAge");
  }
  if (refreshTokenMode === "stateless") {
    for (const option of ["store", "maxSessionsPerSubject"] as const) {
      if (options[option] !== undefined) throw new InvalidConfigError(option, "is unused: stateless refresh tokens keep no sessions");
    }
  }
  return resolved;
}

function checkStore(store: unknown): RefreshTokenStore {
  if (typeof store !== "object" || store === null) {
    throw new InvalidConfigError("store", 'a RefreshTokenStore is required (or set refreshTokenMode: "stateless"; to verify tokens without issuing any, use TokenVerifier)');
  }
  for (const method of STORE_METHODS) {
    if (typeof (store as Record<string, unknown>)[method] !== "function") {
      throw new InvalidConfigError("store", `not a RefreshTokenStore: method ${method}() is missing`);
    }
  }
  return store as RefreshTokenStore;
}

/**
 * The store timeout must end before the grace window does: a client whose refresh timed out
 * after its spend committed can then still retry and get the same successor.
 */
function storeTimeoutOption(value: Duration | false | undefined, graceSeconds: number): number | null {
  if (value === false) return null;
  if (value === undefined) return graceSeconds > 0 ? Math.max(1, Math.min(5, Math.floor(graceSeconds / 2))) : 5;
  const seconds = parseDuration(value, "storeTimeout");
  if (graceSeconds > 0 && seconds >= graceSeconds) {
    throw new InvalidConfigError("storeTimeout", `must be shorter than reuseGraceSeconds (${graceSeconds} s), or a client retrying a refresh that timed out would be taken for a thief`);
  }
  return seconds;
}

function nonEmptyString(value: unknown, option: string): string {
  if (typeof value !== "string" || value.length === 0) throw new InvalidConfigError(option, "expected a non-empty string");
  return value;
}

function booleanOption(value: unknown, option: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw new InvalidConfigError(option, "expected true or false");
  return value;
}

function positiveIntegerOption(value: unknown, option: string): number {
  if (value === undefined) return Number.POSITIVE_INFINITY;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidConfigError(option, "expected a whole number of at least 1");
  }
  return value;
}

function functionOption<T>(value: T | undefined, option: string): T | null {
  if (value === undefined) return null;
  if (typeof value !== "function") throw new InvalidConfigError(option, "expected a function");
  return value;
}
