/**
 * Every failure tokenwise reports is a {@link TokenwiseError}: a stable `code` to switch on and
 * the HTTP `status` a server should answer with. Errors from `jose`, the store or bad input are
 * never thrown raw; they travel as `cause`.
 *
 * @module
 */

/** Every error code tokenwise can report. Stable across releases: switch on it. */
export type TokenwiseErrorCode =
  | "invalid_token"
  | "token_expired"
  | "invalid_refresh_token"
  | "refresh_token_expired"
  | "refresh_token_reused"
  | "session_revoked"
  | "missing_token"
  | "insufficient_scope"
  | "invalid_request"
  | "cross_site_request"
  | "invalid_argument"
  | "invalid_config"
  | "unsupported_operation"
  | "store_error"
  | "key_set_unavailable"
  | "refresh_failed";

/** Options every tokenwise error accepts. */
export interface TokenwiseErrorOptions {
  /** The underlying error, kept for logs; never shown to clients by the HTTP helpers. */
  cause?: unknown;
}

/**
 * Base class of every error tokenwise throws.
 *
 * Prefer `err.code` over `instanceof`: an app that loads both the ESM and the CJS build holds
 * two copies of each class, but the codes are the same strings.
 *
 * @example
 * ```ts
 * import { isTokenwiseError } from "tokenwise";
 *
 * try {
 *   await tokens.refresh(token);
 * } catch (err) {
 *   if (isTokenwiseError(err) && err.code === "refresh_token_reused") alertSecurityTeam(err);
 *   throw err;
 * }
 * ```
 */
export class TokenwiseError extends Error {
  /** Stable machine-readable reason. */
  readonly code: TokenwiseErrorCode;
  /** HTTP status a server should answer with. */
  readonly status: number;

  /**
   * Creates the error.
   *
   * @param code - stable machine-readable reason
   * @param status - HTTP status a server should answer with
   * @param message - human-readable detail, safe to log
   * @param options - `cause` to keep the underlying error
   */
  constructor(code: TokenwiseErrorCode, status: number, message: string, options?: TokenwiseErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = status;
  }
}

/**
 * An access token is malformed, badly signed, or of the wrong type, issuer or audience.
 * Status 401.
 */
export class InvalidTokenError extends TokenwiseError {
  declare readonly code: "invalid_token";
  /** The JWT claim or header parameter that failed, when one did (`"iss"`, `"typ"`, …). */
  readonly claim: string | undefined;

  /**
   * Creates the error.
   *
   * @param message - what was wrong
   * @param options - `cause`, and the offending `claim` if known
   */
  constructor(message: string, options?: TokenwiseErrorOptions & { claim?: string }) {
    super("invalid_token", 401, message, options);
    this.claim = options?.claim;
  }
}

/** An access token's `exp` has passed. Status 401: the client should refresh. */
export class TokenExpiredError extends TokenwiseError {
  declare readonly code: "token_expired";

  /**
   * Creates the error.
   *
   * @param message - what expired
   * @param options - `cause`
   */
  constructor(message = "The access token has expired", options?: TokenwiseErrorOptions) {
    super("token_expired", 401, message, options);
  }
}

/**
 * A refresh token is malformed, unknown, or not a refresh token. Nothing was changed.
 * Status 401: the client should log in again.
 */
export class InvalidRefreshTokenError extends TokenwiseError {
  declare readonly code: "invalid_refresh_token";

  /**
   * Creates the error.
   *
   * @param message - what was wrong
   * @param options - `cause`
   */
  constructor(message = "The refresh token is invalid", options?: TokenwiseErrorOptions) {
    super("invalid_refresh_token", 401, message, options);
  }
}

/** A refresh token, or the session it belongs to, has expired. Status 401: log in again. */
export class RefreshTokenExpiredError extends TokenwiseError {
  declare readonly code: "refresh_token_expired";

  /**
   * Creates the error.
   *
   * @param message - what expired
   * @param options - `cause`
   */
  constructor(message = "The refresh token has expired", options?: TokenwiseErrorOptions) {
    super("refresh_token_expired", 401, message, options);
  }
}

/**
 * A refresh token that was already spent was presented again (RFC 9700 §4.14.2): the whole
 * session has been revoked. Status 401. Worth an alert: someone may hold a stolen token.
 */
export class RefreshTokenReusedError extends TokenwiseError {
  declare readonly code: "refresh_token_reused";
  /** The session that was revoked because of the reuse. */
  readonly sessionId: string;

  /**
   * Creates the error.
   *
   * @param sessionId - the revoked session
   * @param options - `cause`
   */
  constructor(sessionId: string, options?: TokenwiseErrorOptions) {
    super("refresh_token_reused", 401, "A spent refresh token was presented again; the session is revoked", options);
    this.sessionId = sessionId;
  }
}

/** The session behind a token was revoked (logout, reuse detection, or refused by the app). Status 401. */
export class SessionRevokedError extends TokenwiseError {
  declare readonly code: "session_revoked";

  /**
   * Creates the error.
   *
   * @param message - what was revoked
   * @param options - `cause`
   */
  constructor(message = "The session has been revoked", options?: TokenwiseErrorOptions) {
    super("session_revoked", 401, message, options);
  }
}

/**
 * A request carried no access token at all. Status 401; per RFC 6750 §3.1 the challenge then
 * names no error code.
 */
export class MissingTokenError extends TokenwiseError {
  declare readonly code: "missing_token";

  /**
   * Creates the error.
   *
   * @param message - what was missing
   */
  constructor(message = "No access token was presented") {
    super("missing_token", 401, message);
  }
}

/** A valid access token lacks the scope or permission the route requires (RFC 6750 §3.1). Status 403. */
export class InsufficientScopeError extends TokenwiseError {
  declare readonly code: "insufficient_scope";
  /** The scopes the route requires, for the `scope` attribute of the challenge. */
  readonly requiredScopes: readonly string[];

  /**
   * Creates the error.
   *
   * @param requiredScopes - what the route requires
   * @param message - detail
   */
  constructor(requiredScopes: readonly string[] = [], message = "The access token lacks the required scope") {
    super("insufficient_scope", 403, message);
    this.requiredScopes = requiredScopes;
  }
}

/**
 * An HTTP request is malformed: a broken `Authorization` header, an unreadable or oversized body,
 * a missing refresh token (RFC 6749 §5.2, RFC 6750 §3.1 `invalid_request`). Status 400.
 */
export class InvalidRequestError extends TokenwiseError {
  declare readonly code: "invalid_request";

  /**
   * Creates the error.
   *
   * @param message - what is malformed
   * @param options - `cause`
   */
  constructor(message: string, options?: TokenwiseErrorOptions) {
    super("invalid_request", 400, message, options);
  }
}

/**
 * A request that carries the refresh cookie came from another site or an origin not on the
 * allow-list (`Sec-Fetch-Site`, `Origin`): refused as cross-site request forgery. Status 403.
 */
export class CrossSiteRequestError extends TokenwiseError {
  declare readonly code: "cross_site_request";

  /**
   * Creates the error.
   *
   * @param message - which header refused the request
   */
  constructor(message: string) {
    super("cross_site_request", 403, message);
  }
}

/** A method was called with an argument it cannot use (an empty subject, a reserved claim). Status 400. */
export class InvalidArgumentError extends TokenwiseError {
  declare readonly code: "invalid_argument";
  /** Name of the bad argument, e.g. `"subject"` or `"claims.exp"`. */
  readonly argument: string;

  /**
   * Creates the error.
   *
   * @param argument - name of the bad argument
   * @param message - what is wrong with it
   */
  constructor(argument: string, message: string) {
    super("invalid_argument", 400, `${argument}: ${message}`);
    this.argument = argument;
  }
}

/** The configuration is unusable; thrown by constructors and factories. Status 500. */
export class InvalidConfigError extends TokenwiseError {
  declare readonly code: "invalid_config";
  /** Name of the bad option, e.g. `"signingKeys[0].secret"`. */
  readonly option: string;

  /**
   * Creates the error.
   *
   * @param option - name of the bad option
   * @param message - what is wrong
   * @param options - `cause`
   */
  constructor(option: string, message: string, options?: TokenwiseErrorOptions) {
    super("invalid_config", 500, `${option}: ${message}`, options);
    this.option = option;
  }
}

/**
 * The operation cannot work in this configuration, e.g. revoking a session when refresh
 * tokens are stateless. Status 501.
 */
export class UnsupportedOperationError extends TokenwiseError {
  declare readonly code: "unsupported_operation";

  /**
   * Creates the error.
   *
   * @param message - which operation and why
   */
  constructor(message: string) {
    super("unsupported_operation", 501, message);
  }
}

/** The refresh-token store failed (connection lost, constraint broken). Status 503. */
export class StoreError extends TokenwiseError {
  declare readonly code: "store_error";

  /**
   * Creates the error.
   *
   * @param message - which store operation failed
   * @param options - `cause`: the driver's error
   */
  constructor(message: string, options?: TokenwiseErrorOptions) {
    super("store_error", 503, message, options);
  }
}

/**
 * The keys needed to verify a token could not be had: the JWKS endpoint failed (or answered
 * garbage) and no earlier key set is young enough to use instead. Status 503: the server, not
 * the client, is at fault — a client should retry later, not log in again.
 */
export class KeySetUnavailableError extends TokenwiseError {
  declare readonly code: "key_set_unavailable";

  /**
   * Creates the error.
   *
   * @param message - which key set and why
   * @param options - `cause`: the fetch or parse error
   */
  constructor(message: string, options?: TokenwiseErrorOptions) {
    super("key_set_unavailable", 503, message, options);
  }
}

/**
 * Why a client's refresh failed this time (see {@link RefreshFailedError}): `"timeout"`, the
 * refresh request did not answer within `refreshTimeout`; `"lock_timeout"`, another tab held the
 * cross-tab lock for longer than `lockTimeout`; `"cross_tab"`, the tokens another tab refreshed
 * never reached this one, or IndexedDB failed; `"response"`, the endpoint answered an unexpected
 * status (5xx, …) or a body without an access token; `"network"`, the request failed on the way.
 */
export type RefreshFailure = "timeout" | "lock_timeout" | "cross_tab" | "response" | "network";

/**
 * `TokenClient` could not refresh its tokens this time. The session is not over and the tokens
 * are kept: a later call tries again. Status 503.
 *
 * @example
 * ```ts
 * import type { RefreshFailedError } from "tokenwise/client";
 *
 * try {
 *   await api.fetch("/api/orders");
 * } catch (err) {
 *   if ((err as RefreshFailedError).code === "refresh_failed") showOfflineBanner((err as RefreshFailedError).reason);
 * }
 * ```
 */
export class RefreshFailedError extends TokenwiseError {
  declare readonly code: "refresh_failed";
  /** What failed. */
  readonly reason: RefreshFailure;

  /**
   * Creates the error.
   *
   * @param reason - what failed
   * @param message - detail, safe to log
   * @param options - `cause`
   */
  constructor(reason: RefreshFailure, message: string, options?: TokenwiseErrorOptions) {
    super("refresh_failed", 503, message, options);
    this.reason = reason;
  }
}

/**
 * Tells whether a value is a tokenwise error, across ESM/CJS copies of the library.
 *
 * @param value - anything caught
 * @returns `true` when `value` is an `Error` with a tokenwise `code` and `status`
 *
 * @example
 * ```ts
 * import { isTokenwiseError } from "tokenwise";
 *
 * if (isTokenwiseError(err)) return new Response(null, { status: err.status });
 * ```
 */
export function isTokenwiseError(value: unknown): value is TokenwiseError {
  if (value instanceof TokenwiseError) return true;
  if (!(value instanceof Error)) return false;
  const { code, status } = value as Error & { code?: unknown; status?: unknown };
  return typeof code === "string" && typeof status === "number" && ERROR_CODES.has(code);
}

const ERROR_CODES: ReadonlySet<string> = new Set<TokenwiseErrorCode>([
  "invalid_token",
  "token_expired",
  "invalid_refresh_token",
  "refresh_token_expired",
  "refresh_token_reused",
  "session_revoked",
  "missing_token",
  "insufficient_scope",
  "invalid_request",
  "cross_site_request",
  "invalid_argument",
  "invalid_config",
  "unsupported_operation",
  "store_error",
  "key_set_unavailable",
  "refresh_failed",
]);
