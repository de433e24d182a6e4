/**
 * Turning tokens and errors into HTTP responses: RFC 6749 §5.1 token responses, RFC 6749 §5.2
 * token-endpoint errors and RFC 6750 §3 Bearer challenges. Descriptions never include an
 * error's `cause`.
 *
 * @module
 */
import { isTokenwiseError, type TokenwiseError } from "../errors.js";
import type { AccessTokenGrant, TokenPair } from "../token-manager.js";
import { noStoreHeaders, quoted, safeDescription } from "./_challenge.js";
import { appendRefreshCookie, serializeRefreshCookie, type RefreshCookieOptions } from "./cookies.js";

/**
 * Headers in any form `new Headers(…)` accepts: a `Headers` object, a record or name/value pairs.
 * The DOM library's `HeadersInit` spelled out, so the declarations need no DOM types.
 */
export type HeaderFields = Headers | Record<string, string> | [string, string][];

/**
 * A JSON response that no cache may keep (`Cache-Control: no-store`, `Pragma: no-cache`): for
 * every body that carries a token, in whatever shape your API uses.
 *
 * @param body - the JSON body
 * @param init - status and extra headers
 * @returns the response
 *
 * @example
 * ```ts
 * import { noStoreJson } from "tokenwise/http";
 *
 * return noStoreJson({ token: pair.accessToken, refresh_token: pair.refreshToken, token_expires_in: pair.expiresIn });
 * ```
 */
export function noStoreJson(body: unknown, init: { status?: number; headers?: HeaderFields } = {}): Response {
  const headers = noStoreHeaders(init.headers);
  headers.set("Content-Type", "application/json; charset=utf-8");
  return new Response(JSON.stringify(body), { status: init.status ?? 200, headers });
}

/** Options of {@link tokenResponse}. */
export interface TokenResponseOptions {
  /**
   * Also set the refresh token as an `HttpOnly` cookie, and leave it out of the JSON body —
   * the safer choice for browsers.
   */
  cookie?: RefreshCookieOptions;
  /** Space-separated scopes granted, returned as `scope`. */
  scope?: string;
}

/**
 * The RFC 6749 §5.1 token response: `{ access_token, token_type: "Bearer", expires_in,
 * refresh_token? }` with `Cache-Control: no-store`, and `Vary: Cookie` when it sets the cookie.
 *
 * @param grant - a pair from `issue`/`refresh`, or a grant from `reissueAccessToken`
 * @param options - put the refresh token in a cookie instead of the body; `scope`
 * @returns a 200 response
 *
 * @example
 * ```ts
 * import { tokenResponse } from "tokenwise/http";
 *
 * return tokenResponse(await tokens.refresh(refreshToken), { cookie: { path: "/auth" } });
 * ```
 */
export function tokenResponse(grant: TokenPair | AccessTokenGrant, options: TokenResponseOptions = {}): Response {
  const body: Record<string, unknown> = { access_token: grant.accessToken, token_type: grant.tokenType, expires_in: grant.expiresIn };
  const headers = new Headers();
  if ("refreshToken" in grant) {
    if (options.cookie) {
      appendRefreshCookie(headers, serializeRefreshCookie(grant.refreshToken, grant.refreshTokenExpiresIn, options.cookie));
    } else body.refresh_token = grant.refreshToken;
  }
  if (options.scope !== undefined) body.scope = options.scope;
  return noStoreJson(body, { headers });
}

/** Options of {@link bearerErrorResponse}. */
export interface BearerErrorOptions {
  /** The `realm` of the challenge. @default "api" */
  realm?: string;
}

/**
 * The response a protected resource gives when authentication fails (RFC 6750 §3): status from
 * the error, `WWW-Authenticate: Bearer realm=…, error=…, error_description=…` and a JSON body.
 * A missing token gets a challenge without error code (§3.1); `store_error` and
 * `key_set_unavailable` become 503 and any
 * non-tokenwise error 500, both without detail.
 *
 * @param error - anything caught while authenticating
 * @param options - `realm`
 * @returns the error response
 *
 * @example
 * ```ts
 * import { bearerErrorResponse, parseBearerToken } from "tokenwise/http";
 *
 * try {
 *   const claims = await tokens.verifyAccessToken(parseBearerToken(request));
 * } catch (error) {
 *   return bearerErrorResponse(error);
 * }
 * ```
 */
export function bearerErrorResponse(error: unknown, options: BearerErrorOptions = {}): Response {
  const realm = `realm=${quoted(options.realm ?? "api")}`;
  if (!isTokenwiseError(error)) return serverError(error);
  const challenge = bearerChallenge(error);
  if (!challenge) return serverError(error);
  const headers = noStoreHeaders();
  const params = challenge.error ? [realm, `error="${challenge.error}"`, `error_description=${quoted(error.message)}`] : [realm];
  if (challenge.scope) params.push(`scope=${quoted(challenge.scope)}`);
  headers.set("WWW-Authenticate", `Bearer ${params.join(", ")}`);
  headers.set("Content-Type", "application/json; charset=utf-8");
  const body = { error: challenge.error ?? "unauthorized", error_description: safeDescription(error.message) };
  return new Response(JSON.stringify(body), { status: challenge.status, headers });
}

function bearerChallenge(error: TokenwiseError): { status: number; error?: string; scope?: string } | null {
  switch (error.code) {
    case "missing_token":
      return { status: 401 };
    case "invalid_token":
    case "token_expired":
    case "session_revoked":
      return { status: 401, error: "invalid_token" };
    case "insufficient_scope": {
      const scopes = (error as TokenwiseError & { requiredScopes?: readonly string[] }).requiredScopes ?? [];
      return scopes.length > 0 ? { status: 403, error: "insufficient_scope", scope: scopes.join(" ") } : { status: 403, error: "insufficient_scope" };
    }
    case "invalid_request":
      return { status: 400, error: "invalid_request" };
    default:
      return null;
  }
}

/** Options of {@link tokenErrorResponse}. */
export interface TokenErrorOptions {
  /**
   * Status for `invalid_grant` (bad, expired, reused or revoked refresh token). RFC 6749 §5.2
   * says 400; the default 401 is what clients that "log in again on 401" expect (seed 002).
   * @default 401
   */
  invalidGrantStatus?: 400 | 401;
  /** Status for a malformed request (no refresh token, unreadable body). @default 400 */
  invalidRequestStatus?: 400 | 422;
}

/**
 * The response a token endpoint gives when a refresh fails (RFC 6749 §5.2): a JSON body
 * `{ error, error_description }` with `Cache-Control: no-store`. Refresh-token errors become
 * `invalid_grant`, malformed requests `invalid_request`, cross-site requests 403 `access_denied`, store failures 503
 * `temporarily_unavailable`, anything else 500 `server_error`.
 *
 * @param error - anything caught while refreshing
 * @param options - the statuses to use
 * @returns the error response
 *
 * @example
 * ```ts
 * import { readRefreshToken, tokenErrorResponse, tokenResponse } from "tokenwise/http";
 *
 * try {
 *   return tokenResponse(await tokens.refresh(await readRefreshToken(request)));
 * } catch (error) {
 *   return tokenErrorResponse(error);
 * }
 * ```
 */
export function tokenErrorResponse(error: unknown, options: TokenErrorOptions = {}): Response {
  if (!isTokenwiseError(error)) return serverError(error);
  switch (error.code) {
    case "invalid_refresh_token":
    case "refresh_token_expired":
    case "refresh_token_reused":
    case "session_revoked":
    case "invalid_token":
    case "token_expired":
      return oauthError("invalid_grant", error.message, options.invalidGrantStatus ?? 401);
    case "invalid_request":
    case "missing_token":
      return oauthError("invalid_request", error.message, options.invalidRequestStatus ?? 400);
    case "cross_site_request":
      return oauthError("access_denied", error.message, 403);
    default:
      return serverError(error);
  }
}

function oauthError(code: string, description: string, status: number): Response {
  return noStoreJson({ error: code, error_description: safeDescription(description) }, { status });
}

/** Store and key-set failures are 503, everything unexpected 500; neither says more than that. */
function serverError(error: unknown): Response {
  if (isTokenwiseError(error) && (error.code === "store_error" || error.code === "key_set_unavailable")) {
    return oauthError("temporarily_unavailable", "The service is temporarily unavailable", 503);
  }
  return oauthError("server_error", "Internal error", 500);
}
